"""real-word-error: a real word where a close variant fits the context far better.

"Attacks on Heath Care" passes every dictionary spell checker: "heath" is a
word. But "on health" and "health care" are frequent English pairs and "on
heath", "heath care" are not. For each word, the check compares it with its
variants one edit away ("heath" → "health", "form" → "from") and with the
confusion sets of ``rules.yaml`` ("trial"/"trail"), scoring each candidate by
how often it occurs with its left and right neighbours (see
:mod:`copydesk.lexicon`), and reports the word when a candidate is more
probable by a wide margin.

Precision comes first, so a word is left alone when:

- it is a name: capitalised inside a sentence, or in a Title Case headline
  when the story's copy has it capitalised inside a sentence ("Mr Heath");
- the story uses it deliberately: it occurs again with other neighbours;
- it is part of a compound ("al-Nujaba", "well-known") or all capitals;
- it or the generic candidate is one of the most common words ("now"/"not",
  "win"/"in": function-word slips need grammar, not pair counts; list them
  as confusion sets to check them), or the candidate starts with another
  letter (typists rarely get the first letter wrong);
- the candidate is another form of it ("profit"/"profits",
  "criticised"/"criticized").
"""

from __future__ import annotations

from functools import cache
from typing import Iterator

from copydesk.checking import CheckContext, Option, Rule, document_check
from copydesk.document import Document
from copydesk.findings import Finding
from copydesk.hookspecs import hookimpl
from copydesk.lexicon import Lexicon, lexicon, match_case, neighbours, same_word, word_sets

_SENTENCE_OPENERS = frozenset('.!?:;"“‘(\n')
_HYPHENS = frozenset("-‐")


class _Scorer:
    """How probable a word is between its neighbours, compared with its variants.

    One per set of options, kept for the process: it memoises each word's
    candidates, and a corpus repeats its vocabulary.
    """

    def __init__(self, lex: Lexicon, margin: float, confusion_margin: float, word_affinity: float,
                 candidate_affinity: float, skip_most_common: int, confusion_sets: tuple[str, ...]) -> None:
        self.lex = lex
        self.margin = margin
        self.confusion_margin = confusion_margin
        self.word_affinity = word_affinity
        self.candidate_affinity = candidate_affinity
        self.common = lex.most_common(skip_most_common)
        self.confusions = word_sets(confusion_sets)
        self.known_candidates: dict[str, tuple[tuple[str, float], ...]] = {}

    def candidates(self, word: str) -> tuple[tuple[str, float], ...]:
        """The words ``word`` may be a typo for, each with the margin it must win by."""
        found = self.known_candidates.get(word)
        if found is None:
            confusable = self.confusions.get(word, set())
            generic = set() if word in self.common else {
                c for c in self.lex.variants(word) if c[0] == word[0] and c not in self.common}
            found = self.known_candidates[word] = tuple(
                (c, self.confusion_margin if c in confusable else self.margin)
                for c in sorted(generic | confusable)
                if self.lex.count(c) and not same_word(word, c))
        return found

    def better(self, left: str | None, word: str, right: str | None) -> tuple[str, float] | None:
        """The variant that fits this context far better than ``word``, with how many times better.

        Scores are :meth:`Lexicon.combine`'s. A candidate needs at least one pair seen
        with a neighbour: the list's evidence, not two estimates. A word seen
        with every neighbour it has is plausible; only its confusion-set
        partners are tried.
        """
        candidates = self.candidates(word)
        if not candidates or (left is None and right is None):
            return None
        lex, pairs = self.lex, self.lex.pairs
        left_count = pairs.get(f"{left} {word}", 0) if left else None
        right_count = pairs.get(f"{word} {right}", 0) if right else None
        if left_count != 0 and right_count != 0:
            confusable = self.confusions.get(word, ())
            candidates = tuple(c for c in candidates if c[0] in confusable)
            if not candidates:
                return None
        as_written = lex.combine(left, word, right, left_count, right_count, self.word_affinity)
        best, best_ratio, best_excess = None, 0.0, 1.0
        for candidate, needed in candidates:
            left_count = pairs.get(f"{left} {candidate}", 0) if left else None
            right_count = pairs.get(f"{candidate} {right}", 0) if right else None
            if not left_count and not right_count:
                continue
            ratio = lex.combine(left, candidate, right, left_count, right_count,
                                self.candidate_affinity) / as_written
            if ratio / needed >= best_excess:
                best, best_ratio, best_excess = candidate, ratio, ratio / needed
        return (best, best_ratio) if best else None


@cache
def _scorer(margin: float, confusion_margin: float, word_affinity: float, candidate_affinity: float,
            skip_most_common: int, confusion_sets: tuple[str, ...]) -> _Scorer:
    return _Scorer(lexicon(), margin, confusion_margin, word_affinity, candidate_affinity,
                   skip_most_common, confusion_sets)


class _Story:
    """What the whole story says about its words: names, and deliberate uses."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self._names: set[str] | None = None

    @property
    def names(self) -> set[str]:
        """Words written capitalised inside a sentence of the copy: names, for this story."""
        if self._names is None:
            self._names = set()
            for block in self.document.blocks:
                if block.kind in ("headline", "residue"):
                    continue
                parts = block.parts
                for index in range(3, len(parts), 2):
                    if parts[index][:1].isupper() and not _opens_sentence(parts[index - 1], False):
                        self._names.add(parts[index].lower())
        return self._names

    def used_elsewhere(self, word: str, context: tuple[str | None, str | None]) -> bool:
        """Whether ``word`` occurs in the story with other neighbours: a deliberate use."""
        for block in self.document.blocks:
            parts = block.parts
            for index in range(1, len(parts), 2):
                if parts[index].lower() == word and neighbours(parts, index) != context:
                    return True
        return False


def _opens_sentence(separator: str, first: bool) -> bool:
    return first or any(char in _SENTENCE_OPENERS for char in separator)


def _in_compound(before: str, after: str) -> bool:
    return before[-1:] in _HYPHENS or after[:1] in _HYPHENS


def _is_title_case(words: list[str]) -> bool:
    long_words = [word for word in words if len(word) > 3]
    return bool(long_words) and sum(word[0].isupper() for word in long_words) >= 0.8 * len(long_words)


@document_check(
    name="real-word-error",
    description='A real word that is improbable in context where a close variant is not ("Heath Care").',
    rules=[Rule("real-word-error", "warning",
                "A valid word that is very probably a typo for a close variant, judged by its neighbours.")],
    options=[
        Option("margin", float, "How many times more probable a one-edit variant must be."),
        Option("confusion_margin", float, "How many times more probable a confusion-set partner must be."),
        Option("confusion_sets", list[str], 'Words often typed for each other, one set per entry ("trial trail").'),
        Option("word_affinity", float, "Generosity to the word as written when a pair with it is not in the list."),
        Option("candidate_affinity", float, "The same for a candidate."),
        Option("skip_most_common", int, "Leave the N most common English words to the confusion sets."),
        Option("min_length", int, "Shorter words are not checked."),
    ],
)
def real_word_error(document: Document, ctx: CheckContext) -> Iterator[Finding]:
    options = ctx.options
    scorer = _scorer(options["margin"], options["confusion_margin"], options["word_affinity"],
                     options["candidate_affinity"], options["skip_most_common"],
                     tuple(options["confusion_sets"]))
    lex = scorer.lex
    known = scorer.known_candidates
    min_length = options["min_length"]
    story = _Story(document)
    for block in document.blocks:
        if block.kind == "residue":
            continue
        parts = block.parts
        title_case = block.kind == "headline" and _is_title_case(parts[1::2])
        for index in range(1, len(parts), 2):
            written = parts[index]
            if len(written) < min_length or not written.isalpha():
                continue
            word = written.lower()
            found = known.get(word)
            if found is None:
                found = scorer.candidates(word)
            if not found or word not in lex.words:
                continue
            if written[0].isupper() and (written.isupper() or word in story.names or (
                    not title_case and not _opens_sentence(parts[index - 1], index == 1))):
                continue
            if _in_compound(parts[index - 1], parts[index + 1]):
                continue
            left, right = neighbours(parts, index, lex)
            better = scorer.better(left, word, right)
            if better is None or story.used_elsewhere(word, neighbours(parts, index)):
                continue
            candidate, ratio = better
            replacement = match_case(written, candidate)
            start = sum(map(len, parts[:index]))
            yield ctx.finding(
                "real-word-error",
                f'"{written}" is a word, but "{replacement}" fits here far better '
                f"({_times(ratio)} as likely next to its neighbours).",
                block.source_span(start, start + len(written)),
                suggestions=[replacement],
            )


def _times(ratio: float) -> str:
    if ratio >= 1e6:
        return "over a million times"
    return f"{ratio:,.0f} times"


@hookimpl
def register_checks() -> list:
    return [real_word_error]
