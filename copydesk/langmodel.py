"""A trigram model of English, for real-word-error: how probable a word is between its neighbours.

The default is CMU's generic US English trigram model (72,500 words, 2 million
bigrams, 1.7 million trigrams), which the ``pocketsphinx`` package ships: the
only English n-gram model any registry copydesk installs from provides. Only
the model file is read, with pocketsphinx's n-gram reader; its speech decoder
is never started. Any ARPA or binary (``.lm.bin``/``.DMP``) trigram model can
be given instead (real-word-error's ``language_model`` option).

The model answers in pocketsphinx's log units (base 1.0001). Back-off is the
model's own (Katz back-off weights from the file); a word the model does not
know gets :data:`UNKNOWN` and must never count as evidence.
"""

from __future__ import annotations

import functools
import importlib.util
import math
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

# What pocketsphinx answers for a word outside the model's vocabulary.
UNKNOWN = -536870912
# Natural logarithm of one unit of pocketsphinx's default log base (1.0001).
LOG_UNIT = math.log(1.0001)
SENTENCE_START = "<s>"
SENTENCE_END = "</s>"
# Look-ups remembered at most, so memory stays bounded over an archive.
_REMEMBERED = 1_000_000
# Rare words no phrase of a news model follows: what the model gives them after a word is
# that word's back-off weight times their own probability.
_PROBES = ("xylophone", "quixotic")
# The table of the pairs the bundled model holds (see tools/build_held_bigrams.py); a pair's key is
# its first word's id shifted by PAIR_SHIFT bits plus its second word's.
HELD_PAIRS = "held_bigrams.npz"
PAIR_SHIFT = 17
# The most frequent words, whose pairs HeldPairs answers from a bitmap.
_DENSE = 8192


def _pocketsphinx_folder() -> Path:
    # find_spec locates the model without importing the package.
    spec = importlib.util.find_spec("pocketsphinx")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the pocketsphinx package (English trigram model) is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "model" / "en-us"


def bundled_model() -> Path:
    """CMU's generic US English trigram model, as pocketsphinx ships it."""
    return _pocketsphinx_folder() / "en-us.lm.bin"


def bundled_dictionary() -> Path:
    """The CMU Pronouncing Dictionary, as pocketsphinx ships it (homophone sets are built from it)."""
    return _pocketsphinx_folder() / "cmudict-en-us.dict"


class LanguageModel:
    """Log probabilities of lower-case words given up to two words before them, memoised."""

    def __init__(self, path: Path) -> None:
        from pocketsphinx import NGramModel

        if not path.is_file():  # pocketsphinx would also log its own errors to stderr
            raise RuntimeError(f"{path}: no such language model file")
        try:
            self._prob = NGramModel.readfile(str(path)).prob
        except (OSError, RuntimeError, ValueError) as error:
            raise RuntimeError(f"{path}: cannot read the language model ({error})") from error
        self.path = path
        self._memo: dict[tuple[str, ...], int] = {}
        # Each history's back-off weight (nearest word first): see holds.
        self._backoff: dict[tuple[str, ...], int] = {}
        self._known: dict[str, bool] = {}
        self._seen: dict[tuple[str, str], bool] = {}

    def knows(self, word: str) -> bool:
        """Whether ``word`` is in the model's vocabulary."""
        known = self._known.get(word)
        if known is None:
            if len(self._known) >= _REMEMBERED:
                self._known.clear()
            known = self._known[word] = self.log_prob(word) != UNKNOWN
        return known

    def log_prob(self, word: str, *history: str) -> int:
        """log P(word | history), the nearest word of the history first."""
        return self.lookup((word, *history))

    def lookup(self, key: tuple[str, ...]) -> int:
        """:meth:`log_prob` of ``key[0]`` given ``key[1:]``: the hot path builds its keys itself."""
        found = self._memo.get(key)
        if found is None:
            if len(self._memo) >= _REMEMBERED:
                self._memo.clear()
                self._backoff.clear()
                self._seen.clear()
            found = self._memo[key] = self._prob(key)
        return found

    def seen(self, first: str, second: str) -> bool:
        """Whether the model holds the pair "first second" itself, rather than backing off.

        A backed-off probability is the first word's back-off weight times the
        second word's own probability, so it is the same multiple of that
        probability for every unseen second word (within rounding).
        """
        pair = (first, second)
        held = self._seen.get(pair)
        if held is None:
            held = self._seen[pair] = self.holds(second, first)
        return held

    def remember_seen(self, answers: dict[tuple[str, str], bool]) -> None:
        """Remember what :meth:`seen` answers for these pairs, found by other means (the table of
        :meth:`held_pairs`), so that asking them costs no look-up."""
        if len(self._seen) + len(answers) >= _REMEMBERED:
            self._seen.clear()
        self._seen.update(answers)

    def held_pairs(self) -> HeldPairs | None:
        """The table of the pairs this model holds (what :meth:`seen` answers, for many pairs at
        once): shipped for the bundled model only, None for any other."""
        return bundled_held_pairs() if self.path == bundled_model() else None

    def holds(self, word: str, *history: str) -> bool:
        """Whether the model holds the n-gram of ``word`` after ``history`` (nearest word first)
        itself, rather than backing off to the shorter history.

        A backed-off probability is the history's back-off weight times the
        probability given the shorter history, the same multiple for every
        unseen word (within rounding): rare probe words measure it.
        """
        lookup = self.lookup
        shorter = history[:-1]
        weight = self._backoff.get(history)
        if weight is None:  # bounded: cleared with the memo, which each new history adds to
            weight = self._backoff[history] = min(lookup((probe, *history)) - lookup((probe, *shorter))
                                                  for probe in _PROBES)
        return lookup((word, *history)) - lookup((word, *shorter)) - weight > 2

    def score(self, word: str, left: tuple[str, ...], right: tuple[str, ...]) -> int:
        """log P of ``word`` and the words after it, given the words before it.

        ``left`` holds up to two words before ``word`` (nearest first) and
        ``right`` up to two after it (nearest first); either may be empty where
        the phrase is broken or a neighbour is unknown. Only the terms that
        depend on ``word`` are summed: comparing two words in one context needs
        no more.
        """
        lookup = self.lookup
        total = lookup((word, *left))
        if right:
            after = right[0]
            total += lookup((after, word, left[0]) if left else (after, word))
            if len(right) > 1:
                total += lookup((right[1], after, word))
        return total


class HeldPairs:
    """Which word pairs a model holds (:meth:`LanguageModel.seen`), for many pairs at once.

    Word ids count from the most frequent word, so most pairs a story asks about are of the
    ``_DENSE`` most frequent words: those are answered from a bit per pair (8 MB), the rest by
    binary search in the sorted keys.
    """

    def __init__(self, words: list[str], keys: np.ndarray) -> None:
        import numpy as np

        self.ids = {word: index for index, word in enumerate(words)}
        # The keys are sorted by first word: those of the dense square are among the first ones.
        square = keys[:np.searchsorted(keys, _DENSE << PAIR_SHIFT)]
        inside = (square & ((1 << PAIR_SHIFT) - 1)) < _DENSE
        dense = square[inside]
        dense = (dense >> PAIR_SHIFT) * _DENSE + (dense & ((1 << PAIR_SHIFT) - 1))  # still sorted
        at = dense >> 3
        starts = np.flatnonzero(np.concatenate(([True], at[1:] != at[:-1])))
        self.bits = np.zeros(_DENSE * _DENSE // 8, dtype=np.uint8)
        self.bits[at[starts]] = np.add.reduceat((1 << (dense & 7)).astype(np.uint8), starts)
        inside.resize(len(keys), refcheck=False)  # the keys past the square are all outside it
        self.keys = keys[~inside]  # the pairs the bitmap does not answer

    def held(self, firsts: np.ndarray, seconds: np.ndarray) -> np.ndarray:
        """Whether the model holds each pair "firsts[i] seconds[i]" (word ids, as :attr:`ids` gives
        them; a negative id is no word, and no pair with it is held)."""
        import numpy as np

        found = np.zeros(len(firsts), dtype=bool)
        words = (firsts >= 0) & (seconds >= 0)
        dense = words & (firsts < _DENSE) & (seconds < _DENSE)
        at = firsts[dense] * _DENSE + seconds[dense]
        found[dense] = (self.bits[at >> 3] >> (at & 7).astype(np.uint8)) & 1
        sparse = words & ~dense
        wanted = (firsts[sparse] << PAIR_SHIFT) + seconds[sparse]
        at = np.searchsorted(self.keys, wanted)
        np.minimum(at, len(self.keys) - 1, out=at)
        found[sparse] = self.keys[at] == wanted
        return found


@functools.cache
def bundled_held_pairs() -> HeldPairs | None:
    """The pairs the bundled model holds, from the table shipped for it (read once: a fraction of a
    second and about 30 MB); None when the installed model is not the one the table was built from."""
    import numpy as np

    with resources.files("copydesk").joinpath(HELD_PAIRS).open("rb") as file, np.load(file) as table:
        if int(table["model_bytes"]) != bundled_model().stat().st_size:
            return None
        planes = table["planes"]
        deltas = np.ascontiguousarray(planes.T).view("<u4").ravel()
        words = table["words"].tobytes().decode("utf-8").split("\n")
    return HeldPairs(words, np.cumsum(deltas, dtype=np.int64))


@functools.lru_cache(maxsize=4)
def language_model(path: str = "") -> LanguageModel:
    """The model at ``path`` (the bundled one when empty), read once per process."""
    return LanguageModel(Path(path).expanduser() if path else bundled_model())


def times(log_units: int) -> float:
    """A difference of two log probabilities as a ratio of probabilities."""
    return math.exp(min(log_units * LOG_UNIT, 700.0))
