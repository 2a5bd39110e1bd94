"""real-word-error: a real word where another word fits the context far better.

"Attacks on Heath Care" passes every dictionary spell checker: "heath" is a
word. A trigram model of English (see :mod:`copydesk.langmodel`) says "health
care" is far more probable there. The check works the way LanguageTool uses
n-grams, as confusion-set disambiguation: a word that belongs to a confusion
set is scored against each other member in its context (two words either
side, the model's back-off for unseen phrases). The candidates are

- homophones from the CMU Pronouncing Dictionary ("their"/"there",
  "peace"/"piece", "council"/"counsel"),
- the newsroom's ``confusion_sets`` in rules.yaml ("heath health",
  "untied united"),
- for content words, variants one edit away that keep the first letter
  ("manger"/"manager").

A candidate more probable than the word as written is judged by a decision
learned from the tuning half of the sets on BBC + polnear-train
(:mod:`copydesk.real_word_decision`): from the whole context's ratio, each
side's, whether the model holds the phrases or backs off, the words'
frequencies and shapes, the log odds that the candidate was meant; reported
at ``set_log_odds`` (a set's partner) or ``edit_log_odds`` (a one-edit
variant). The sets of the tuning half that could not reach precision 0.95
on balanced data with one ratio (``real_word_sets.json``, rebuilt by
tools/tune_real_word.py) are not checked. A candidate the story itself uses
elsewhere has ``story_evidence`` times the odds.

The finding covers the word and the neighbour that speaks most against it, so
the suggestion reads as the phrase it should be ("Heath Care" → "Health Care").
Title Case headlines are scored lower-cased, like everything else.

Precision comes first: sparse data is never evidence. A word is left alone when

- it, or every neighbour it has, is unknown to the model (a name, a number);
- it is a name: capitalised inside a sentence, or in a Title Case headline
  when the story's copy has it capitalised inside a sentence ("Mr Heath");
- the story uses it deliberately: a word rarer than everyday ones
  (``everyday_frequency``) that occurs again with other neighbours — a term of art;
- it is part of a compound ("al-Nujaba", "well-known") or all capitals;
- the candidate is another form of it ("profit"/"profits").
"""

from __future__ import annotations

import bisect
import functools
import json
import math
import re
from collections.abc import Iterator, Mapping
from importlib import resources
from typing import Any, Literal

from copydesk.checking import CheckContext, Option, Rule, document_check
from copydesk.document import Block, Document
from copydesk.findings import Finding
from copydesk.hookspecs import hookimpl
from copydesk.langmodel import (LOG_UNIT, SENTENCE_END, SENTENCE_START, HeldPairs, LanguageModel, language_model,
                                 times)
from copydesk.lexicon import Lexicon, lexicon, match_case, neighbours, same_word
from copydesk.real_word_decision import features, log_odds

# How many words outside the model (names, numbers) are remembered as hopeless at most.
_STRANGERS_REMEMBERED = 100_000
# How many contexts' scores are remembered at most.
_CONTEXTS_REMEMBERED = 200_000
# How many contexts a scorer tests with the model's own look-ups before it reads the table of held
# pairs (and imports numpy), about 0.2 s: a one-story check (a few hundred contexts) never does.
_TABLE_AFTER = 5_000
_SENTENCE_OPENERS = frozenset('.!?:;"“‘(\n')
_SENTENCE_ENDS = frozenset(".!?")
_HYPHENS = frozenset("-‐")
_DOUBLED = re.compile(r"(.)\1")
_ENDINGS = (("or", "er"), ("men", "man"), ("es", "is"))
TUNED_SETS = "real_word_sets.json"
VARIANTS_TABLE = "real_word_variants.json"

Candidates = tuple[tuple[str, float], ...]
_NO_PARTNERS: dict[str, float] = {}


@functools.cache
def tuned_sets() -> dict[str, Any]:
    """The shipped confusion sets and their tuned ratios (see tools/tune_real_word.py)."""
    return json.loads(resources.files("copydesk").joinpath(TUNED_SETS).read_text(encoding="utf-8"))


@functools.cache
def variants_table() -> dict[str, Any]:
    """The bundled model's words' one-edit variants and the lexicon's most common words
    (see tools/build_real_word_variants.py); ``variants`` holds sorted "word<TAB>variants" lines."""
    table = json.loads(resources.files("copydesk").joinpath(VARIANTS_TABLE).read_text(encoding="utf-8"))
    table["variants"] = table["variants"].split("\n")
    return table


def _table_variants(word: str) -> tuple[str, ...]:
    """What ``Lexicon.variants`` finds for ``word`` that the bundled model knows, from the table."""
    lines = variants_table()["variants"]
    key = word + "\t"
    at = bisect.bisect_left(lines, key)
    if at < len(lines) and lines[at].startswith(key):
        return tuple(lines[at][len(key):].split(" "))
    return ()


def set_key(words: list[str] | tuple[str, ...] | set[str]) -> str:
    """How a confusion set is named in the tuned file: its words, sorted."""
    return " ".join(sorted(words))


def model_word(lowered: str) -> str:
    """A lower-case word of the copy as the model spells it (straight apostrophes)."""
    return lowered.replace("’", "'")


def context(parts: list[str], words: list[str], position: int,
            model: LanguageModel) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Up to two words either side of ``words[position]`` (nearest first), as the model sees them.

    A phrase ends at punctuation other than a sentence end, at a word the
    model does not know and before a compound ("its already-established"); a
    sentence's start and end are the model's markers. ``parts`` and ``words`` are a block's :attr:`~copydesk.document.Block.parts`
    and :attr:`~copydesk.document.Block.lowered_words`.
    """
    left: list[str] = []
    index = 2 * position + 1
    while len(left) < 2:
        separator = parts[index - 1]
        if index == 1 or not _SENTENCE_ENDS.isdisjoint(separator):
            left.append(SENTENCE_START)
            break
        neighbour = model_word(words[index // 2 - 1])
        if not separator.isspace() or parts[index - 3][-1:] in _HYPHENS or not model.knows(neighbour):
            break
        left.append(neighbour)
        index -= 2
    right: list[str] = []
    index = 2 * position + 1
    while len(right) < 2:
        separator = parts[index + 1]
        if index + 2 >= len(parts) or not _SENTENCE_ENDS.isdisjoint(separator):
            right.append(SENTENCE_END)
            break
        neighbour = model_word(words[index // 2 + 1])
        if not separator.isspace() or parts[index + 3][:1] in _HYPHENS or not model.knows(neighbour):
            break
        right.append(neighbour)
        index += 2
    return tuple(left), tuple(right)


def informative(left: tuple[str, ...], right: tuple[str, ...]) -> bool:
    """Whether a context holds at least one real word: sentence markers alone are no evidence."""
    return any(word not in (SENTENCE_START, SENTENCE_END) for word in (*left[:1], *right[:1]))


def _spelling_key(word: str) -> str:
    """``word`` with the differences of spelling that are not slips evened out: doubled letters
    ("combatting"), "judgement", "adaptor", "spokesmen", "emphases" (inconsistent-spelling's business)."""
    word = _DOUBLED.sub(r"\1", word)
    for ending, even in _ENDINGS:
        if word.endswith(ending):
            return word[: -len(ending)] + even
    return word.replace("ement", "ment")


class _Scorer:
    """Which words a word may be a slip for, and whether one fits its context far better.

    One per set of options, kept for the process: it memoises each word's
    candidates, and a corpus repeats its vocabulary.
    """

    def __init__(self, model: LanguageModel, lex: Lexicon | None, options: Mapping[str, Any]) -> None:
        """``lex`` None: one-edit variants and the most common words come from the table built for
        the bundled model (:func:`variants_table`), and the lexicon is never read."""
        self.model = model
        self.variants = lex.variants if lex is not None else _table_variants
        self.edit_ratio = options["edit_ratio"]
        self.story_evidence = options["story_evidence"]
        self.log_odds_needed = {"set": options["set_log_odds"], "edit": options["edit_log_odds"]}
        self.min_length = options["min_length"]
        self.common = (lex.most_common(options["skip_most_common"]) if lex is not None
                       else frozenset(variants_table()["most_common"][: options["skip_most_common"]]))
        self.everyday_log_prob = math.log(options["everyday_frequency"]) / LOG_UNIT
        self.partners = self._partners(options)
        self.homophones = {frozenset(entry["key"].split()) for entry in tuned_sets()["sets"]
                           if entry["source"] == "homophone"}
        self.known_candidates: dict[str, Candidates] = {}
        # Each context's candidates and how far they lead: phrases recur across a corpus.
        self.leads: dict[tuple, tuple[tuple[str, float, float], ...]] = {}
        # Words known to have no candidate: a story's pass skips them with one set look-up.
        self.hopeless: set[str] = set()
        self.strangers = 0
        # Each word of the copy as the model spells it ("" for words it does not know): bounded like hopeless.
        self.spellings: dict[str, str] = {}
        # Whether the words either side give any candidate evidence: see has_evidence.
        self.evidences: dict[tuple[str | None, str, str | None], bool] = {}
        # The evidence test from the bundled model's held pairs (False: no table for this model),
        # made once enough contexts were tested: see evidence.
        self.table: _TableEvidence | Literal[False] | None = None
        self.tested = 0

    def _partners(self, options: Mapping[str, Any]) -> dict[str, dict[str, float]]:
        """Each word's confusion-set partners with the ratio they must win by at least."""
        tuned = tuned_sets()
        ratios = {entry["key"]: entry["ratio"] for entry in tuned["sets"]}
        listed = [set(entry.lower().split()) for entry in options["confusion_sets"]]
        sets = [set(entry["key"].split()) for entry in tuned["sets"]
                if entry["source"] == "homophone" and entry["ratio"] is not False]
        partners: dict[str, dict[str, float]] = {}
        for members in [*sets, *listed]:
            if ratios.get(set_key(members)) is False:  # tuned, and could not reach the precision asked: not checked
                continue
            ratio = options["set_ratio"]
            for word in members:
                for partner in members - {word}:
                    if _spelling_key(word) == _spelling_key(partner):  # "judgement"/"judgment": no slip
                        continue
                    mine = partners.setdefault(word, {})
                    mine[partner] = min(mine.get(partner, ratio), ratio)
        return partners

    def candidates(self, word: str) -> Candidates:
        """The words ``word`` (lower case) may be a slip for, each with the ratio it must win by.

        Empty for a word the model does not know or with no candidate; such
        words go to :attr:`hopeless`. Known words are memoised; names and
        numbers only in :attr:`hopeless`, which is emptied every
        ``_STRANGERS_REMEMBERED`` of them, so memory stays bounded however
        large an archive's vocabulary.
        """
        found = self.known_candidates.get(word)
        if found is None:
            spelled = model_word(word)
            if not self.model.knows(spelled):
                self.strangers += 1
                if self.strangers > _STRANGERS_REMEMBERED:
                    self.hopeless.clear()
                    self.strangers = 0
                self.hopeless.add(word)
                return ()
            found = self.known_candidates[word] = self._find(spelled)
        if not found:
            self.hopeless.add(word)
        return found

    def _find(self, word: str) -> Candidates:
        found = dict(self.partners.get(word, {}))
        if len(word) >= self.min_length and word.isalpha() and word not in self.common:
            for variant in self.variants(word):
                if (variant not in found and variant not in self.common and len(variant) >= self.min_length
                        and self.model.knows(variant) and not same_word(word, variant)
                        and _spelling_key(variant) != _spelling_key(word)):
                    found[variant] = self.edit_ratio
        return tuple(sorted((c, r) for c, r in found.items() if not same_word(word, c)))

    def best(self, word: str, left: tuple[str, ...], right: tuple[str, ...], candidates: Candidates,
             vocabulary: set[str] | frozenset[str] = frozenset()) -> tuple[str, float, float] | None:
        """The candidate that fits this context far better than ``word``: (candidate, how many
        times as likely, how far past the bar — a natural log).

        ``candidates`` are :meth:`candidates`'s for ``word``. A candidate
        must be at least ``set_ratio`` (a confusion-set partner) or
        ``edit_ratio`` (a variant one edit away) times as likely; then the
        learned decision (:mod:`copydesk.real_word_decision`) must be
        ``set_log_odds`` or ``edit_log_odds`` sure. A candidate in
        ``vocabulary`` (the story's words) has ``story_evidence`` times the
        odds, unless it is an everyday word: every story says "to" and "are".
        """
        key = (word, left, right)
        leads = self.leads.get(key)
        if leads is None:
            if len(self.leads) >= _CONTEXTS_REMEMBERED:
                self.leads.clear()
            leads = self.leads[key] = self.leads_of(word, left, right, candidates)
        best = None
        for candidate, needed, ratio in leads:
            if ratio < needed:
                continue
            spelled = model_word(word)
            kind = "set" if candidate in self.partners.get(spelled, ()) else "edit"
            homophone = kind == "set" and frozenset((spelled, candidate)) in self.homophones
            margin = (log_odds(kind, features(self.model, spelled, candidate, left, right, homophone))
                      - self.log_odds_needed[kind])
            if candidate in vocabulary and not self.everyday(candidate):
                margin += math.log(self.story_evidence)
            if margin >= 0 and (best is None or margin > best[2]):
                best = (candidate, ratio, margin)
        return best

    def leads_of(self, word: str, left: tuple[str, ...], right: tuple[str, ...],
               candidates: Candidates) -> tuple[tuple[str, float, float], ...]:
        """(candidate, ratio its set needs, how many times as likely it is) for each candidate with evidence.

        Sparse data is never evidence: a candidate counts only when the model
        holds its pair with a neighbour, and a word the model has seen with
        every neighbour it has is only tried against its confusion-set
        partners.
        """
        model = self.model
        spelled = model_word(word)
        candidates = self.with_evidence(spelled, left[0] if left and left[0] != SENTENCE_START else None,
                                        right[0] if right and right[0] != SENTENCE_END else None, candidates)
        if not candidates:
            return ()
        written = model.score(spelled, left, right)
        return tuple((candidate, needed, times(model.score(candidate, left, right) - written))
                     for candidate, needed in candidates)

    def with_evidence(self, spelled: str, before: str | None, after: str | None, candidates: Candidates) -> Candidates:
        """The candidates the model has evidence for between ``before`` and ``after`` (``None``: no
        word on that side), as :meth:`leads_of` asks: a pair with a neighbour that the model holds,
        and only confusion-set partners when the model has seen ``spelled`` with every neighbour.

        Most contexts have none, which the check learns from the nearest words alone.
        """
        seen = self.model.seen
        if (before is None or seen(before, spelled)) and (after is None or seen(spelled, after)):
            partners = self.partners.get(spelled, _NO_PARTNERS)
            candidates = tuple(c for c in candidates if c[0] in partners)
        return tuple(c for c in candidates
                     if (before is not None and seen(before, c[0])) or (after is not None and seen(c[0], after)))

    def evidence(self, contexts: list[tuple[str, str | None, str | None, Candidates]]) -> list[bool]:
        """:meth:`has_evidence` for each of a story's (spelled, before, after, candidates), all at once.

        Once the scorer has tested ``_TABLE_AFTER`` contexts, the bundled model's table of held
        pairs (:meth:`LanguageModel.held_pairs`) answers for the whole story in a few numpy
        operations (:class:`_TableEvidence`); until then, or for another model, each context asks
        the model. A one-story check never pays for reading the table (and importing numpy).
        """
        if self.table is None:
            self.tested += len(contexts)
            if self.tested >= _TABLE_AFTER:
                pairs = self.model.held_pairs()
                self.table = _TableEvidence(self, pairs) if pairs is not None else False
        if not self.table:
            return [self.has_evidence(*place) for place in contexts]
        return self.table(contexts)

    def has_evidence(self, spelled: str, before: str | None, after: str | None, candidates: Candidates) -> bool:
        """Whether :meth:`with_evidence` keeps any candidate, remembered per three words: common
        words recur in the same company ("going to be")."""
        key = (before, spelled, after)
        found = self.evidences.get(key)
        if found is None:
            if len(self.evidences) >= _CONTEXTS_REMEMBERED:
                self.evidences.clear()
            found = self.evidences[key] = bool(self.with_evidence(spelled, before, after, candidates))
        return found

    def spelling(self, word: str) -> str:
        """A lower-case word of the copy as the model spells it, or "" when the model does not know it."""
        found = self.spellings.get(word)
        if found is None:
            if len(self.spellings) >= _STRANGERS_REMEMBERED:
                self.spellings.clear()
            spelled = model_word(word)
            found = self.spellings[word] = spelled if self.model.knows(spelled) else ""
        return found

    def nearest(self, parts: list[str], words: list[str], position: int) -> tuple[str | None, str | None]:
        """The words next to ``words[position]`` that :func:`context` would give, as the model spells
        them; ``None`` where it gives a sentence marker or nothing. Two look-ups instead of a context."""
        index = 2 * position + 1
        separator = parts[index - 1]
        before = None
        if (index > 1 and separator.isspace() and _SENTENCE_ENDS.isdisjoint(separator)
                and parts[index - 3][-1:] not in _HYPHENS):
            before = self.spelling(words[position - 1]) or None
        after = None
        if index + 2 < len(parts):
            separator = parts[index + 1]
            if separator.isspace() and _SENTENCE_ENDS.isdisjoint(separator) and parts[index + 3][:1] not in _HYPHENS:
                after = self.spelling(words[position + 1]) or None
        return before, after

    def everyday(self, word: str) -> bool:
        """Whether ``word`` is so common that a story's using it says nothing."""
        return self.model.log_prob(model_word(word)) >= self.everyday_log_prob

    def left_speaks(self, word: str, candidate: str, left: tuple[str, ...], right: tuple[str, ...]) -> bool:
        """Whether the words before say more against ``word`` than the words after it.

        The left side's say is how much more it favours ``candidate`` than the
        two words' own frequencies do; the right side's is how much better the
        words after follow ``candidate``.
        """
        log_prob, score, spelled = self.model.log_prob, self.model.score, model_word(word)
        on_left = log_prob(candidate, *left) - log_prob(spelled, *left)
        on_right = score(candidate, left, right) - score(spelled, left, right) - on_left
        return on_left - (log_prob(candidate) - log_prob(spelled)) > on_right


class _TableEvidence:
    """:meth:`_Scorer.with_evidence`'s test for a whole story at once, from the table of the pairs
    the model holds: which contexts keep any candidate.

    Each word's candidates are kept as ids in flat arrays (``start``/``length`` per word id), so a
    story's candidates are gathered with numpy. The answers for the contexts with evidence go to
    the model's memory of :meth:`~LanguageModel.seen`, where :meth:`_Scorer.leads_of` and the
    learned decision ask them again.
    """

    def __init__(self, scorer: _Scorer, pairs: HeldPairs) -> None:
        import numpy as np

        self.scorer, self.pairs = scorer, pairs
        self.ids: dict[str | None, int] = {**pairs.ids, None: -1}  # None: no word on that side
        # Per word id: where its candidates start in the flat arrays; -1 not seen yet, -2 a word
        # with a candidate the model does not know (a listed partner), which asks the model instead.
        self.start = np.full(len(pairs.ids), -1, dtype=np.int64)
        self.length = np.zeros(len(pairs.ids), dtype=np.int64)
        self.candidates = np.zeros(4096, dtype=np.int64)
        self.partner = np.zeros(4096, dtype=bool)
        self.words: list[str] = []

    def _code(self, word: int, spelled: str, candidates: Candidates) -> None:
        import numpy as np

        ids = self.pairs.ids
        if any(candidate not in ids for candidate, _ in candidates):
            self.start[word] = -2
            return
        at, partners = len(self.words), self.scorer.partners.get(spelled, _NO_PARTNERS)
        if at + len(candidates) > len(self.candidates):
            self.candidates = np.concatenate((self.candidates, np.zeros_like(self.candidates)))
            self.partner = np.concatenate((self.partner, np.zeros_like(self.partner)))
        self.candidates[at:at + len(candidates)] = [ids[candidate] for candidate, _ in candidates]
        self.partner[at:at + len(candidates)] = [candidate in partners for candidate, _ in candidates]
        self.words += [candidate for candidate, _ in candidates]
        self.start[word], self.length[word] = at, len(candidates)

    def __call__(self, contexts: list[tuple[str, str | None, str | None, Candidates]]) -> list[bool]:
        import numpy as np

        if not contexts:
            return []
        count, word_id = len(contexts), self.ids.__getitem__
        spelled, firsts, lasts, _ = zip(*contexts)
        w = np.fromiter(map(word_id, spelled), dtype=np.int64, count=count)
        b = np.fromiter(map(word_id, firsts), dtype=np.int64, count=count)
        a = np.fromiter(map(word_id, lasts), dtype=np.int64, count=count)
        for at in np.flatnonzero(self.start[w] == -1).tolist():
            if self.start[w[at]] == -1:
                self._code(int(w[at]), contexts[at][0], contexts[at][3])
        held = self.pairs.held
        seen = held(np.concatenate((b, w)), np.concatenate((w, a)))
        # As with_evidence: a word seen with every neighbour it has is tried against its partners only.
        only_partners = (seen[:count] | (b < 0)) & (seen[count:] | (a < 0))
        lengths = self.length[w]
        owner = np.repeat(np.arange(count), lengths)
        flat = np.repeat(self.start[w] - np.cumsum(lengths) + lengths, lengths) + np.arange(len(owner))
        tried = self.partner[flat] | ~only_partners[owner]
        owner, flat = owner[tried], flat[tried]
        c = self.candidates[flat]
        kept = held(np.concatenate((b[owner], c)), np.concatenate((c, a[owner])))
        tried_count = len(c)
        kept_before, kept_after = kept[:tried_count], kept[tried_count:]
        found = np.zeros(count, dtype=bool)
        found[owner[kept_before | kept_after]] = True
        self._remember(contexts, found, seen, owner, flat, kept_before, kept_after)
        answers = found.tolist()
        for at in np.flatnonzero(self.start[w] == -2).tolist():
            answers[at] = self.scorer.has_evidence(*contexts[at])
        return answers

    def _remember(self, contexts, found, seen, owner, flat, kept_before, kept_after) -> None:
        """Hand the model the answers for the contexts with evidence, which are asked again."""
        import numpy as np

        count, answers = len(contexts), {}
        seen = seen.tolist()
        for at in np.flatnonzero(found).tolist():
            spelled, first, last, _ = contexts[at]
            if first is not None:
                answers[first, spelled] = seen[at]
            if last is not None:
                answers[spelled, last] = seen[count + at]
        words = self.words
        mine = np.flatnonzero(found[owner])
        for at, index, before, after in zip(owner[mine].tolist(), flat[mine].tolist(),
                                            kept_before[mine].tolist(), kept_after[mine].tolist()):
            _, first, last, _ = contexts[at]
            if first is not None:
                answers[first, words[index]] = before
            if last is not None:
                answers[words[index], last] = after
        self.scorer.model.remember_seen(answers)


_scorers: dict[tuple, _Scorer] = {}


def scorer(options: Mapping[str, Any]) -> _Scorer:
    """The process's scorer for these options, built once: it memoises candidates."""
    key = tuple((name, tuple(value) if isinstance(value, list) else value)
                for name, value in sorted(options.items()))
    found = _scorers.get(key)
    if found is None:
        table_will_do = (not options["language_model"]
                         and options["skip_most_common"] <= len(variants_table()["most_common"]))
        found = _scorers[key] = _Scorer(language_model(options["language_model"]),
                                        None if table_will_do else lexicon(), options)
    return found


class _Story:
    """What the whole story says about its words: names, and deliberate uses."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self._names: set[str] | None = None
        self._vocabulary: set[str] | None = None

    @property
    def vocabulary(self) -> set[str]:
        """Every word of the story's copy, lower case."""
        if self._vocabulary is None:
            self._vocabulary = set().union(*(block.lowered_words for block in self.document.blocks
                                             if block.kind != "residue"))
        return self._vocabulary

    @property
    def names(self) -> set[str]:
        """Words written capitalised inside a sentence of the copy: names, for this story."""
        if self._names is None:
            self._names = {
                word.lower()
                for block in self.document.blocks if block.kind not in ("headline", "residue")
                for separator, word in zip(block.parts[2::2], block.parts[3::2])
                if word[0].isupper() and _SENTENCE_OPENERS.isdisjoint(separator)}
        return self._names

    def used_elsewhere(self, word: str, context: tuple[str | None, str | None]) -> bool:
        """Whether ``word`` occurs in the story with other neighbours: a deliberate use."""
        for block in self.document.blocks:
            for position, lowered in enumerate(block.lowered_words):
                if lowered == word and neighbours(block, 2 * position + 1) != context:
                    return True
        return False


def _opens_sentence(separator: str, first: bool) -> bool:
    return first or not _SENTENCE_OPENERS.isdisjoint(separator)


def _in_compound(before: str, after: str) -> bool:
    return before[-1:] in _HYPHENS or after[:1] in _HYPHENS


def is_title_case(words: list[str]) -> bool:
    long_words = [word for word in words if len(word) > 3]
    return bool(long_words) and sum(word[0].isupper() for word in long_words) >= 0.8 * len(long_words)


def checkable(parts: list[str], index: int, title_case: bool, names: set[str] | frozenset[str] = frozenset()) -> bool:
    """Whether the word at ``parts[index]`` may be a slip: not a name (capitalised inside a sentence,
    before another capitalised word, or so elsewhere in the story), not in capitals, not in a compound."""
    written, before, after = parts[index], parts[index - 1], parts[index + 1]
    if written[0].isupper() and (written.isupper() or written.lower() in names or (not title_case and (
            not _opens_sentence(before, index == 1)
            or (index + 2 < len(parts) and after.isspace() and parts[index + 2][0].isupper())))):
        return False
    return not _in_compound(before, after)


@document_check(
    name="real-word-error",
    description='A real word that is improbable in context where a word often confused with it is not ("Heath Care").',
    rules=[Rule("real-word-error", "warning",
                "A valid word that is very probably a slip for a homophone, a listed partner or a close "
                "variant, judged by a trigram model of English.",
                spelling=True)],
    options=[
        Option("confusion_sets", list[str], 'Words often typed for each other, one set per entry ("trial trail").'),
        Option("set_ratio", float, "How many times as likely a confusion-set partner must be at least."),
        Option("edit_ratio", float, "How many times as likely a variant one edit away must be at least."),
        Option("set_log_odds", float, "How sure (learned log odds) the check must be that a confusion-set partner was meant."),
        Option("edit_log_odds", float, "How sure (learned log odds) the check must be that a variant one edit away was meant."),
        Option("story_evidence", float, "How many times the odds are for a candidate the story uses elsewhere."),
        Option("skip_most_common", int, "The N most common English words get no one-edit variants (only their sets)."),
        Option("everyday_frequency", float, "Repeating a word at least this frequent in English is no sign it is deliberate."),
        Option("min_length", int, "Shorter words get no one-edit variants."),
        Option("language_model", str, "An ARPA or binary trigram model to use instead of the bundled one."),
    ],
)
def real_word_error(document: Document, ctx: CheckContext) -> Iterator[Finding]:
    score = scorer(ctx.options)
    model, hopeless = score.model, score.hopeless
    story = _Story(document)
    # First the places where a word may be a slip, with the words next to it; then, for the whole
    # story at once, whether those words give any candidate evidence (most give none); then the rest.
    places: list[tuple[Block, int]] = []
    contexts: list[tuple[str, str | None, str | None, Candidates]] = []
    for block in document.blocks:
        if block.kind == "residue":
            continue
        parts, words = block.parts, block.lowered_words
        title_case = block.kind == "headline" and is_title_case(parts[1::2])
        for position in [at for at, word in enumerate(words) if word not in hopeless]:
            word = words[position]
            candidates = score.candidates(word)
            if not candidates or not checkable(parts, 2 * position + 1, title_case, story.names):
                continue
            places.append((block, position))
            contexts.append((score.spelling(word), *score.nearest(parts, words, position), candidates))
    for (block, position), (_, _, _, candidates), evidence in zip(places, contexts, score.evidence(contexts)):
        if not evidence:
            continue
        parts, words, index = block.parts, block.lowered_words, 2 * position + 1
        word = words[position]
        left, right = context(parts, words, position, model)
        found = score.best(word, left, right, candidates, story.vocabulary)
        if found is None or (not score.everyday(word)
                             and story.used_elsewhere(word, neighbours(block, index))):
            continue
        candidate, ratio, _ = found
        yield _finding(ctx, block, index, candidate, ratio,
                       score.left_speaks(word, candidate, left, right))


def _finding(ctx: CheckContext, block, index: int, candidate: str, ratio: float, left_speaks: bool) -> Finding:
    """The finding for ``block.parts[index]``, covering the neighbour that speaks against it."""
    parts = block.parts
    written = parts[index]
    replacement = match_case(written, candidate)
    start = sum(map(len, parts[:index]))
    first = last = index
    has_left = index >= 3 and parts[index - 1].isspace()
    has_right = index + 2 < len(parts) and parts[index + 1].isspace()
    if has_left and (left_speaks or not has_right):
        first -= 2
        start -= len(parts[index - 1]) + len(parts[index - 2])
    elif has_right:
        last += 2
    phrase = "".join(parts[first:last + 1])
    fixed = "".join(replacement if i == index else parts[i] for i in range(first, last + 1))
    return ctx.finding(
        "real-word-error",
        f'"{phrase}" should probably be "{fixed}": "{written}" is a word, but the trigram model finds '
        f'"{fixed}" {_times(ratio)} as likely here.',
        block.source_span(start, start + len(phrase)),
        suggestions=[fixed],
    )


def _times(ratio: float) -> str:
    if ratio >= 1e6:
        return "over a million times"
    return f"{ratio:,.0f} times"


@hookimpl
def register_checks() -> list:
    return [real_word_error]
