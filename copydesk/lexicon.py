"""English word and word-pair frequencies, and the close variants of a word.

The counts are symspellpy's bundled lists (MIT), derived from the Google Books
Ngram data: 82,765 words and the 243,342 most frequent word pairs (every pair
seen at least 6.4 million times). They ship inside that wheel, so nothing is
downloaded. They are read once per process, on first use (``copydesk checks``
and checks that do not need them never pay for it): parsing the text lists
takes about 0.3 s, so the parsed lists are kept in copydesk's cache folder
(:mod:`copydesk.cachedir`, 4.4 MB per symspellpy version) and read back in
under 0.1 s next time.

A pair missing from the list is not impossible, only rarer than the list's
floor: :meth:`Lexicon.pair` says so, and scorers decide how generous to be.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import marshal
import sys
from functools import cache, cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from copydesk.cachedir import default_cache_folder
from copydesk.sources import write_atomically

if TYPE_CHECKING:
    from copydesk.document import Block

UNIGRAM_FILE = "frequency_dictionary_en_82_765.txt"
BIGRAM_FILE = "frequency_bigramdictionary_en_243_342.txt"

# Endings that turn one word into another form of it: "profit"/"profits",
# "settles"/"settled". A form error is grammar, not a typo. Longest first.
_INFLECTIONS = ("ing", "es", "ed", "er", "en", "ly", "s", "d", "r", "n", "y", "e")
# British and American spellings of one word: "industrialised"/"industrialized".
_REGIONAL = (("ise", "ize"), ("isa", "iza"), ("yse", "yze"), ("our", "or"), ("ll", "l"),
             ("tre", "ter"), ("ogue", "og"), ("ence", "ense"), ("ae", "e"), ("oe", "e"))


# What follows a word with no pair in the list (shared, never written to).
NOTHING_FOLLOWS: dict[str, int] = {}

# How many words' variants are found by trying every edit before the deletion index is built:
# a story asks about a few hundred words (a few milliseconds of edits), an archive about tens of
# thousands (the index, 0.25 s to build, then answers each in a few look-ups).
EDITS_BEFORE_INDEX = 1_000


class Lexicon:
    """Frequencies of English words and adjacent word pairs (lower case)."""

    def __init__(self, words: dict[str, int], following: dict[str, dict[str, int]]) -> None:
        self.words = words
        # Pair counts by first word, then second: a scorer looks up one word's
        # neighbours against several candidates without building a key per pair.
        self.following = following
        self.total = sum(words.values())
        self.pair_floor = min((min(after.values()) for after in following.values()), default=1)
        self._most_common: dict[int, frozenset[str]] = {}
        self._asked = 0
        self._deletions: dict[str, list[str]] | None = None

    # Built on first use: only the one-edit variants need them, and a one-story check that asks
    # for none (inconsistent-spelling's) would otherwise pay for them at start-up.
    @cached_property
    def _paired(self) -> set[str]:
        """The words variants are drawn from."""
        return {word for word in {*self.following, *(w for after in self.following.values() for w in after)}
                if len(word) > 1 and word.isalpha()}

    @cached_property
    def _letters(self) -> list[str]:
        """The letters the words variants are drawn from are spelt with."""
        return sorted({letter for word in self._paired for letter in word})

    def count(self, word: str) -> int:
        return self.words.get(word, 0)

    def pair(self, first: str, second: str) -> int:
        """How often ``first second`` occurs; 0 when below the list's floor."""
        return self.following.get(first, NOTHING_FOLLOWS).get(second, 0)

    def unseen_pair(self, first: str, second: str, affinity: float) -> float:
        """An estimate for a pair missing from the list.

        The count two words would have if they were independent, times
        ``affinity`` (how much more often than chance words next to each other
        co-occur), never above the list's floor, which a missing pair is below.
        """
        expected = self.count(first) * self.count(second) / self.total
        return min(self.pair_floor, expected * affinity)

    def most_common(self, how_many: int) -> frozenset[str]:
        """The ``how_many`` most frequent words."""
        common = self._most_common.get(how_many)
        if common is None:
            ranked = sorted(self.words, key=self.words.__getitem__, reverse=True)
            common = self._most_common[how_many] = frozenset(ranked[:how_many])
        return common

    def context_score(self, left: str | None, word: str, right: str | None, affinity: float) -> float:
        """How probable ``left word right`` is, up to a constant (``None``: no neighbour on that side)."""
        return self.combine(left, word, right,
                            None if left is None else self.pair(left, word),
                            None if right is None else self.pair(word, right), affinity)

    def combine(self, left: str | None, word: str, right: str | None,
                left_count: int | None, right_count: int | None, affinity: float) -> float:
        """:meth:`context_score` from pair counts already looked up.

        count(left word) · count(word right) / count(word): the probability of
        the three words under a first-order Markov model, up to a constant; a
        missing pair estimated by :meth:`unseen_pair`.
        """
        score = 1.0
        if left_count is not None:
            score = left_count or self.unseen_pair(left, word, affinity)
        if right_count is not None:
            score *= right_count or self.unseen_pair(word, right, affinity)
            if left_count is not None:
                score /= self.count(word)
        return score

    def variants(self, word: str) -> tuple[str, ...]:
        """Words one edit away (a letter deleted, inserted, replaced or two swapped) that
        keep its first letter: typists rarely get the first letter wrong.

        Only words that occur in some frequent pair are candidates: a variant
        without context evidence can never be judged more probable.
        """
        self._asked += 1
        if self._deletions is None and self._asked <= EDITS_BEFORE_INDEX:
            found = self._paired.intersection(self._edits(word))
        else:
            # Deleting the first letter would only find variants that change it.
            keys = {word, *(word[:i] + word[i + 1:] for i in range(1, len(word)))}
            found = {candidate for key in keys for candidate in self.deletion_index().get(key, ())
                     if candidate[0] == word[0] and one_edit_apart(word, candidate)}
        found.discard(word)
        return tuple(sorted(found))

    def _edits(self, word: str) -> list[str]:
        """Every string one edit from ``word`` that keeps its first letter."""
        splits = [(word[:i], word[i:]) for i in range(1, len(word) + 1)]
        return [*(left + right[1:] for left, right in splits if right),
                *(left + right[1] + right[0] + right[2:] for left, right in splits if len(right) > 1),
                *(left + letter + right[1:] for left, right in splits if right for letter in self._letters),
                *(left + letter + right for left, right in splits for letter in self._letters)]

    def deletion_index(self) -> dict[str, list[str]]:
        """Every word of the pair list, and each of its one-letter deletions, → the words.

        A symmetric-deletion index (as in SymSpell): two words are one edit
        apart only if they share an entry, so finding variants costs a few
        look-ups instead of generating hundreds of edits. Built on first use.
        """
        if self._deletions is None:
            index: dict[str, list[str]] = {}
            for word in self._paired:
                for key in deletion_keys(word):
                    if key in index:
                        index[key].append(word)
                    else:
                        index[key] = [word]
            self._deletions = index
        return self._deletions


@lru_cache(maxsize=8192)  # stories share most of their vocabulary; bounded, as each entry holds a set
def deletion_keys(word: str) -> frozenset[str]:
    """``word`` and each of its one-letter deletions: two words are one edit
    apart only if their key sets meet (SymSpell's symmetric deletion)."""
    return frozenset({word, *(word[:i] + word[i + 1:] for i in range(len(word)))})


def word_sets(entries: list[str] | tuple[str, ...]) -> dict[str, set[str]]:
    """Entries of space-separated words ("trial trail") → each word's partners, lower case."""
    partners: dict[str, set[str]] = {}
    for entry in entries:
        words = entry.lower().split()
        for word in words:
            partners.setdefault(word, set()).update(w for w in words if w != word)
    return partners


def one_edit_apart(a: str, b: str) -> bool:
    """Whether one deletion, insertion, substitution or adjacent swap turns ``a`` into ``b``."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    if len(a) < len(b):
        return a[i:] == b[i + 1:]
    if a[i + 1:] == b[i + 1:]:
        return True
    return i + 1 < len(a) and a[i] == b[i + 1] and a[i + 1] == b[i] and a[i + 2:] == b[i + 2:]


def same_word(a: str, b: str) -> bool:
    """Whether two spellings are forms of one word: an inflection or a British/American pair."""
    stem_a, stem_b = _stem(a), _stem(b)
    return stem_a == stem_b or stem_a == b or stem_b == a or _regional_form(a) == _regional_form(b)


# Memoised, bounded: a pass asks about the same vocabulary again and again, and an archive
# audit meets an unbounded number of names.
@lru_cache(maxsize=1 << 16)
def _stem(word: str) -> str:
    for ending in _INFLECTIONS:
        if word.endswith(ending) and len(word) > len(ending) + 2:
            return word[: -len(ending)]
    return word


@lru_cache(maxsize=1 << 16)
def _regional_form(word: str) -> str:
    """``word`` with every British spelling pattern turned American: equal forms, one word."""
    for british, american in _REGIONAL:
        word = word.replace(british, american)
    return word


def match_case(template: str, word: str) -> str:
    """``word`` written the way ``template`` is: "Heath" → "Health", "HEATH" → "HEALTH"."""
    if template.isupper() and len(template) > 1:
        return word.upper()
    if template[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def neighbours(block: Block, index: int, lexicon: Lexicon | None = None) -> tuple[str | None, str | None]:
    """The words either side of ``block.parts[index]`` (see :attr:`Block.parts`), lower case.

    A word is a neighbour only when white space alone separates it: a comma or
    a dash breaks the phrase. With ``lexicon``, a neighbour it does not know
    (a name, a number) gives no evidence and counts as none.
    """
    parts, words, position = block.parts, block.lowered_words, index // 2
    left = words[position - 1] if index >= 3 and parts[index - 1].isspace() else None
    right = words[position + 1] if index + 2 < len(parts) and parts[index + 1].isspace() else None
    if lexicon is not None:
        known = lexicon.words
        if left is not None and (left not in known or not left.isalpha()):
            left = None
        if right is not None and (right not in known or not right.isalpha()):
            right = None
    return left, right


def _data_folder() -> Path:
    # find_spec locates symspellpy's data without importing the spelling engine.
    spec = importlib.util.find_spec("symspellpy")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the symspellpy package (word frequency data) is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


_DIGEST = 16


@cache
def lexicon() -> Lexicon:
    """The process's lexicon, read on first use."""
    folder = _data_folder()
    lists = [folder / UNIGRAM_FILE, folder / BIGRAM_FILE]
    # Every environment with the same symspellpy shares one kept copy (not one per install).
    stamp = hashlib.sha256(repr([importlib.metadata.version("symspellpy"), sys.version_info[:2], marshal.version,
                                 *((path.name, path.stat().st_size) for path in lists)]).encode()).hexdigest()[:16]
    parsed = Path(default_cache_folder()) / f"lexicon-{stamp}.marshal"
    try:
        words, following = _checked_load(parsed.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):  # not there yet, or damaged: parse the lists
        words, following = _parse(*lists)
        _keep(parsed, _checked_dump((words, following)))
    return Lexicon(words, following)


def _checked_dump(lists: tuple[dict, dict]) -> bytes:
    """The marshalled lists after a digest of them: a damaged copy is found out, not half-believed."""
    data = marshal.dumps(lists)
    return hashlib.blake2b(data, digest_size=_DIGEST).digest() + data


def _checked_load(kept: bytes) -> tuple[dict, dict]:
    digest, data = kept[:_DIGEST], kept[_DIGEST:]
    if hashlib.blake2b(data, digest_size=_DIGEST).digest() != digest:
        raise ValueError("the kept word lists do not match their digest")
    words, following = marshal.loads(data)
    if not (isinstance(words, dict) and isinstance(following, dict)):
        raise TypeError("the kept word lists are not two mappings")
    return words, following


def _parse(unigrams: Path, bigrams: Path) -> tuple[dict[str, int], dict[str, dict[str, int]]]:
    # One split of each whole file, then zip: several times faster than a loop over lines.
    fields = unigrams.read_text(encoding="utf-8").split()
    words = dict(zip(fields[0::2], map(int, fields[1::2])))
    fields = bigrams.read_text(encoding="utf-8").split()
    following: dict[str, dict[str, int]] = {}
    for first, second, count in zip(fields[0::3], fields[1::3], map(int, fields[2::3])):
        after = following.get(first)
        if after is None:
            after = following[first] = {}
        after[second] = count
    return words, following


def _keep(path: Path, data: bytes) -> None:
    """Write the parsed lists for the next process, atomically; a cache that cannot be written is no error."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # write_atomically removes its temporary file on any exit, a time budget's included.
        write_atomically(str(path), data)
    except OSError:
        pass
