"""real-word-error: a real word where a close variant fits the context far better.

"Attacks on Heath Care" passes every dictionary spell checker: "heath" is a
word. But "on health" and "health care" are frequent English pairs and "on
heath", "heath care" are not. For each word, the check compares it with its
variants one edit away ("heath" → "health", "form" → "from") and with the
confusion sets of ``rules.yaml`` ("trial"/"trail"), scoring each candidate by
how often it occurs with its left and right neighbours (see
:mod:`copydesk.lexicon`), and reports the word when a candidate is more
probable by a wide margin. A candidate the story itself uses elsewhere needs a
smaller margin: a story about a trial says "trial" more than once, so "the
trail began" in it is more likely a slip than in a hiking piece.

The finding covers the word and the neighbour that speaks most against it, so
the suggestion reads as the phrase it should be ("Heath Care" → "Health Care").

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

from collections.abc import Iterator, Mapping
from typing import Any

from copydesk.checking import CheckContext, Option, Rule, document_check
from copydesk.document import Document
from copydesk.findings import Finding
from copydesk.hookspecs import hookimpl
from copydesk.lexicon import (
    NOTHING_FOLLOWS,
    Lexicon,
    lexicon,
    match_case,
    neighbours,
    same_word,
    word_sets,
)

# How many words outside the list (names, numbers) are remembered as hopeless at most.
_STRANGERS_REMEMBERED = 100_000
_SENTENCE_OPENERS = frozenset('.!?:;"“‘(\n')
_HYPHENS = frozenset("-‐")


class _Scorer:
    """How probable a word is between its neighbours, compared with its variants.

    One per set of options, kept for the process: it memoises each word's
    candidates, and a corpus repeats its vocabulary.
    """

    def __init__(self, lex: Lexicon, options: Mapping[str, Any]) -> None:
        self.lex = lex
        self.margin = options["margin"]
        self.confusion_margin = options["confusion_margin"]
        self.story_evidence = options["story_evidence"]
        self.word_affinity = options["word_affinity"]
        self.candidate_affinity = options["candidate_affinity"]
        self.min_length = options["min_length"]
        self.common = lex.most_common(options["skip_most_common"])
        self.confusions = word_sets(options["confusion_sets"])
        self.known_candidates: dict[str, tuple[tuple[str, float], ...]] = {}
        # The confusion-set partners among them: all a word seen with both neighbours is tried against.
        self.known_confusions: dict[str, tuple[tuple[str, float], ...]] = {}
        # Words known to have no candidate: a story's pass skips them with one set look-up.
        self.hopeless: set[str] = set()
        self.strangers = 0

    def candidates(self, word: str) -> tuple[tuple[str, float], ...]:
        """The words ``word`` (lower case) may be a typo for, each with the margin it must win by.

        Empty for a word too short to check, not a word of the list, or with no
        variant worth trying; such words go to :attr:`hopeless`. Words of the
        list are memoised; names and numbers only in :attr:`hopeless`, which is
        emptied every ``_STRANGERS_REMEMBERED`` of them, so memory stays bounded
        however large an archive's vocabulary.
        """
        found = self.known_candidates.get(word)
        if found is None:
            if len(word) >= self.min_length and word not in self.lex.words:
                self.strangers += 1
                if self.strangers > _STRANGERS_REMEMBERED:
                    self.hopeless.clear()
                    self.strangers = 0
                self.hopeless.add(word)
                return ()
            found = self.known_candidates[word] = self._find(word)
            confusable = self.confusions.get(word, ())
            self.known_confusions[word] = tuple(c for c in found if c[0] in confusable)
        if not found:
            self.hopeless.add(word)
        return found

    def _find(self, word: str) -> tuple[tuple[str, float], ...]:
        if len(word) < self.min_length or not word.isalpha():
            return ()
        confusable = self.confusions.get(word, set())
        generic = set() if word in self.common else {c for c in self.lex.variants(word) if c not in self.common}
        return tuple((c, self.confusion_margin if c in confusable else self.margin)
                     for c in sorted(generic | confusable)
                     if self.lex.count(c) and not same_word(word, c))

    def better(self, left: str | None, word: str, right: str | None,
               candidates: tuple[tuple[str, float], ...], story: _Story) -> tuple[str, float] | None:
        """The variant that fits this context far better than ``word``, with how many times better.

        Scores are :meth:`Lexicon.combine`'s. A candidate needs at least one pair seen
        with a neighbour: the list's evidence, not two estimates. A word seen
        with every neighbour it has is plausible; only its confusion-set
        partners are tried. A candidate the story uses elsewhere needs
        ``story_evidence`` times less margin.

        ``candidates`` are :meth:`candidates`'s for ``word``.
        """
        lex, following = self.lex, self.lex.following
        after_left = following.get(left, NOTHING_FOLLOWS)
        left_count = after_left.get(word, 0) if left else None
        right_count = following.get(word, NOTHING_FOLLOWS).get(right, 0) if right else None
        if left_count != 0 and right_count != 0:
            candidates = self.known_confusions[word]
            if not candidates:
                return None
        as_written = lex.combine(left, word, right, left_count, right_count, self.word_affinity)
        best, best_ratio, best_excess = None, 0.0, 1.0
        for candidate, needed in candidates:
            left_count = after_left.get(candidate, 0) if left else None
            right_count = following.get(candidate, NOTHING_FOLLOWS).get(right, 0) if right else None
            if not left_count and not right_count:
                continue
            ratio = lex.combine(left, candidate, right, left_count, right_count,
                                self.candidate_affinity) / as_written
            if candidate in story.vocabulary:
                needed /= self.story_evidence
            if ratio / needed >= best_excess:
                best, best_ratio, best_excess = candidate, ratio, ratio / needed
        return (best, best_ratio) if best else None

    def lead(self, word: str, candidate: str, left: str | None = None, right: str | None = None) -> float:
        """How many times likelier ``candidate`` is than ``word`` after ``left`` (or before ``right``)."""
        estimate = self.lex.pair_estimate
        if left is not None:
            return estimate(left, candidate, self.candidate_affinity) / estimate(left, word, self.word_affinity)
        return estimate(candidate, right, self.candidate_affinity) / estimate(word, right, self.word_affinity)


_scorers: dict[tuple, _Scorer] = {}


def _scorer(options: Mapping[str, Any]) -> _Scorer:
    """The process's scorer for these options, built once: it memoises candidates."""
    key = tuple((name, tuple(value) if isinstance(value, list) else value)
                for name, value in sorted(options.items()))
    scorer = _scorers.get(key)
    if scorer is None:
        scorer = _scorers[key] = _Scorer(lexicon(), options)
    return scorer


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


def _is_title_case(words: list[str]) -> bool:
    long_words = [word for word in words if len(word) > 3]
    return bool(long_words) and sum(word[0].isupper() for word in long_words) >= 0.8 * len(long_words)


@document_check(
    name="real-word-error",
    description='A real word that is improbable in context where a close variant is not ("Heath Care").',
    rules=[Rule("real-word-error", "warning",
                "A valid word that is very probably a typo for a close variant, judged by its neighbours.",
                spelling=True)],
    options=[
        Option("margin", float, "How many times more probable a one-edit variant must be."),
        Option("confusion_margin", float, "How many times more probable a confusion-set partner must be."),
        Option("confusion_sets", list[str], 'Words often typed for each other, one set per entry ("trial trail").'),
        Option("story_evidence", float, "How many times smaller the margin is for a variant the story uses elsewhere."),
        Option("word_affinity", float, "Generosity to the word as written when a pair with it is not in the list."),
        Option("candidate_affinity", float, "The same for a candidate."),
        Option("skip_most_common", int, "Leave the N most common English words to the confusion sets."),
        Option("min_length", int, "Shorter words are not checked."),
    ],
)
def real_word_error(document: Document, ctx: CheckContext) -> Iterator[Finding]:
    scorer = _scorer(ctx.options)
    lex = scorer.lex
    hopeless = scorer.hopeless
    story = _Story(document)
    for block in document.blocks:
        if block.kind == "residue":
            continue
        parts, words = block.parts, block.lowered_words
        title_case = block.kind == "headline" and _is_title_case(parts[1::2])
        for position in [at for at, word in enumerate(words) if word not in hopeless]:
            word = words[position]
            candidates = scorer.candidates(word)
            if not candidates:
                continue
            index = 2 * position + 1
            written = parts[index]
            before, after = parts[index - 1], parts[index + 1]
            if written[0].isupper() and (written.isupper() or (
                    not title_case and not _opens_sentence(before, index == 1)) or word in story.names):
                continue
            if _in_compound(before, after):
                continue
            left, right = neighbours(block, index, lex)
            if left is None and right is None:
                continue
            better = scorer.better(left, word, right, candidates, story)
            if better is None or story.used_elsewhere(word, neighbours(block, index)):
                continue
            candidate, ratio = better
            replacement = match_case(written, candidate)
            start = sum(map(len, parts[:index]))
            first, last = index, index
            if left is not None and (right is None or scorer.lead(word, candidate, left=left)
                                     > scorer.lead(word, candidate, right=right)):
                first -= 2
                start -= len(parts[index - 1]) + len(parts[index - 2])
            elif right is not None:
                last += 2
            phrase = "".join(parts[first:last + 1])
            fixed = "".join(replacement if i == index else parts[i] for i in range(first, last + 1))
            yield ctx.finding(
                "real-word-error",
                f'"{phrase}" should probably be "{fixed}": "{written}" is a word, but "{replacement}" '
                f"is {_times(ratio)} as likely next to its neighbours.",
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
