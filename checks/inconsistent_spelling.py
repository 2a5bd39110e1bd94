"""inconsistent-spelling: one story spelling a word or a name two ways.

"Hezbollah" in one paragraph and "Hizbollah" in the next, "judgment" and
"judgement", "al-Nujaba" and "Al-Nujaba", "Heath Care" in the headline and
"health care" in the copy. The story's own majority is the evidence: the
minority form is reported, with the majority form suggested and its
occurrences as related locations. A block that repeats an earlier one word for
word (a duplicated caption) counts once.

Two spellings are one word when they are listed together in ``variants``, or
are British and American forms of one lower-case word, or differ only in case
inside a compound used mid-sentence ("al-Nujaba"/"Al-Nujaba"), or are one edit
apart, start with the same letter, and:

- neither is an English word (two spellings of a name: "Hizbollah"), or
- only the majority is, and the minority is written in lower case (a
  misspelling: "analsyts"; a capitalised one is a name: "Koogle"), or
- both are, neither is among the most common words, the minority is not used
  as a name, and where it stands the majority fits its neighbours far better
  ("on Heath Care" against "on health care").

Possessives and contractions are the word itself ("firm's" is "firm"; "we're"
is never "were"), and forms of one word ("settle"/"settled") are not spellings.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property

from copydesk.checking import CheckContext, Option, Rule, document_check
from copydesk.document import Block, Document
from copydesk.findings import Finding
from copydesk.hookspecs import hookimpl
from copydesk.lexicon import (
    Lexicon,
    deletion_keys,
    lexicon,
    match_case,
    neighbours,
    one_edit_apart,
    same_word,
    word_sets,
)

# Words, keeping hyphenated and apostrophised compounds whole: "al-Nujaba", "Kata'ib".
_COMPOUND_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
# A possessive or a contraction is the word itself: "firm's" is "firm", "we're" is not "were".
_CLITIC = re.compile(r"['’](?:s|re|ll|ve|d|t|m)?$", re.IGNORECASE)
_OPENERS = frozenset('.!?:"“‘(')
_JOINERS = frozenset("-'’")


@dataclass
class _Form:
    """A spelling, with how often the story uses it (a repeated block counted once)."""

    key: str
    count: int = 0
    written: dict[str, int] = field(default_factory=dict)

    @property
    def usual(self) -> str:
        return max(self.written, key=self.written.__getitem__)


def _spellings(document: Document, min_length: int) -> dict[str, dict[str, int]]:
    """Every spelling of the story (compounds with their case, other words lower-cased) →
    how often it is written each way."""
    copy: dict[str, None] = {}  # the blocks' texts, a repeated block once, in order
    for block in document.blocks:
        if block.kind != "residue":
            copy.setdefault(block.text)
    # Counted over the whole story first (a word never spans a line break): the work below is per spelling.
    counts = Counter(_COMPOUND_WORD.findall("\n".join(copy)))
    long_enough = [written for written in counts if len(written) >= min_length]
    spellings: dict[str, dict[str, int]] = {}
    for written, lowered in zip(long_enough, "\n".join(long_enough).lower().split("\n")):
        if _JOINERS.isdisjoint(written):
            key = lowered
        elif ("'" in written or "’" in written) and _CLITIC.search(written):
            continue
        else:
            key = written
        ways = spellings.get(key)
        if ways is None:
            spellings[key] = {written: counts[written]}
        else:
            ways[written] = counts[written]
    return spellings


def _is_compound(word: str) -> bool:
    return not _JOINERS.isdisjoint(word)


class _Judge:
    def __init__(self, lex: Lexicon, options: dict) -> None:
        self.lex = lex
        self.margin = options["context_margin"]
        self.affinity = options["word_affinity"]
        self.common = lex.most_common(options["skip_most_common"])
        self.variants = word_sets(options["variants"])

    def same_word_spelt_differently(self, story: _Story, minority: _Form, majority: _Form) -> bool:
        a, b = minority.key, majority.key
        if a.lower() == b.lower():
            # "al-Nujaba"/"Al-Nujaba", each used inside sentences, where case is a choice.
            return story.inside_sentence(minority) and story.inside_sentence(majority)
        a, b = a.lower(), b.lower()
        if b in self.variants.get(a, ()):
            return True
        lowercase = minority.usual.islower() and majority.usual.islower()
        if lowercase and _british_american(a, b):
            return True
        if not one_edit_apart(a, b) or same_word(a, b) or a[0] != b[0]:
            return False
        known_a, known_b = a in self.lex.words, b in self.lex.words
        if not known_a and not known_b:
            return len(a) >= 5
        if not known_a:
            return len(a) >= 5 and minority.usual.islower()
        # Two English words: a capitalised one used inside sentences is a name ("Rome", not "some").
        named = not minority.usual.islower() and story.inside_sentence(minority)
        if named or not known_b or not majority.usual.islower() or a in self.common or b in self.common:
            return False
        return self._fits_better(story, a, b)

    def _fits_better(self, story: _Story, word: str, replacement: str) -> bool:
        """Whether, somewhere the story writes ``word``, ``replacement`` fits its neighbours far better."""
        for block, index in story.uses(word):
            left, right = neighbours(block, index, self.lex)
            if left is None and right is None:
                continue
            as_written = self.lex.context_score(left, word, right, self.affinity)
            if self.lex.context_score(left, replacement, right, 1.0) >= self.margin * as_written:
                return True
        return False


class _Story:
    """Where the story writes and uses the spellings the check may weigh or report, each found
    in one pass over the story when first asked: a story can have hundreds of them."""

    def __init__(self, document: Document, keys: set[str]) -> None:
        self.document = document
        self.keys = keys
        self._inside_sentence: dict[str, bool] = {}

    def spans(self, form: _Form) -> list[tuple[Block, int, int, str]]:
        """Every use of a spelling, repeated blocks included: (block, start, end, as written)."""
        return self._spans.get(form.key, [])

    def uses(self, key: str) -> list[tuple[Block, int]]:
        """Where a lower-case spelling is a word of :attr:`Block.parts`: (block, index into parts)."""
        return self._uses.get(key, [])

    def inside_sentence(self, form: _Form) -> bool:
        """Whether the story writes the spelling inside a sentence of its copy, where case is a choice."""
        inside = self._inside_sentence.get(form.key)
        if inside is None:
            inside = self._inside_sentence[form.key] = any(
                block.kind != "headline" and _follows_a_word(block.text, start)
                for block, start, _, _ in self.spans(form))
        return inside

    @cached_property
    def _spans(self) -> dict[str, list[tuple[Block, int, int, str]]]:
        spans: dict[str, list[tuple[Block, int, int, str]]] = defaultdict(list)
        for block in self._copy:
            for match in _COMPOUND_WORD.finditer(block.text):
                written = match.group()
                key = written if _is_compound(written) else written.lower()
                if key in self.keys:
                    spans[key].append((block, match.start(), match.end(), written))
        return spans

    @cached_property
    def _uses(self) -> dict[str, list[tuple[Block, int]]]:
        keys = {key.lower() for key in self.keys}
        uses: dict[str, list[tuple[Block, int]]] = defaultdict(list)
        for block in self._copy:
            for position, word in enumerate(block.lowered_words):
                if word in keys:
                    uses[word].append((block, 2 * position + 1))
        return uses

    @property
    def _copy(self) -> Iterator[Block]:
        return (block for block in self.document.blocks if block.kind != "residue")


def _follows_a_word(text: str, start: int) -> bool:
    """Whether what precedes ``start``, white space aside, is neither the text's start nor a sentence opener."""
    before = start - 1
    while before >= 0 and text[before].isspace():
        before -= 1
    return before >= 0 and text[before] not in _OPENERS


def _british_american(a: str, b: str) -> bool:
    """"organise"/"organize", "colour"/"color", "travelled"/"traveled", "judgement"/"judgment"."""
    pairs = (("ise", "ize"), ("isa", "iza"), ("yse", "yze"), ("our", "or"), ("lled", "led"),
             ("lling", "ling"), ("tre", "ter"), ("ogue", "og"), ("ement", "ment"))
    return any(a.replace(x, y) == b.replace(x, y) and (x in a) != (x in b) for x, y in pairs)


@document_check(
    name="inconsistent-spelling",
    description='One story spelling a word or name two ways ("Hezbollah"/"Hizbollah").',
    rules=[Rule("inconsistent-spelling", "warning",
                "The less used of two spellings of one word or name in a story.", spelling=True)],
    options=[
        Option("variants", list[str], 'Spellings of one word or name, one set per entry ("judgment judgement").'),
        Option("min_length", int, "Shorter words are not compared."),
        Option("context_margin", float,
               "When both spellings are English words, how many times better the majority one must fit."),
        Option("word_affinity", float, "Generosity to the word as written when a pair with it is not in the list."),
        Option("skip_most_common", int, "Two spellings that are both English words are not compared when "
                                        "one is among the N most common words."),
    ],
)
def inconsistent_spelling(document: Document, ctx: CheckContext) -> Iterator[Finding]:
    judge = _Judge(lexicon(), ctx.options)
    spellings = _spellings(document, ctx.options["min_length"])
    keys = dict(zip(spellings, map(deletion_keys, "\n".join(spellings).lower().split("\n"))))
    # Only deletion keys two spellings share relate them; counting first spares
    # bucketing the story's whole vocabulary.
    shared = {key for key, count in Counter(itertools.chain.from_iterable(keys.values())).items() if count > 1}
    by_deletion: dict[str, list[str]] = defaultdict(list)
    for spelling, deletions in keys.items():
        for variant in deletions & shared:
            by_deletion[variant].append(spelling)
    paired = set(itertools.chain.from_iterable(by_deletion.values()))
    # The spellings a listed set names, by their lower case.
    listed_spellings: dict[str, list[str]] = defaultdict(list)
    for spelling in spellings:
        if spelling.lower() in judge.variants:
            listed_spellings[spelling.lower()].append(spelling)
    story = _Story(document, paired.union(*listed_spellings.values()))
    forms: dict[str, _Form] = {}

    def form(spelling: str) -> _Form:
        found = forms.get(spelling)
        if found is None:
            ways = spellings[spelling]
            found = forms[spelling] = _Form(spelling, sum(ways.values()), ways)
        return found

    for spelling in spellings:
        listed = judge.variants.get(spelling.lower())
        if spelling not in paired and not listed:
            continue
        related = {other for variant in keys[spelling] & shared for other in by_deletion[variant]}
        if listed:
            related.update(other for word in listed for other in listed_spellings.get(word, ()))
        related.discard(spelling)
        minority = form(spelling)
        for other in sorted(related):
            majority = form(other)
            if majority.count > minority.count and judge.same_word_spelt_differently(story, minority, majority):
                yield from _report(ctx, story, minority, majority)
                break


def _report(ctx: CheckContext, story: _Story, minority: _Form, majority: _Form) -> Iterator[Finding]:
    others = [ctx.location(block.source_span(start, end))
              for block, start, end, _ in story.spans(majority)[:3]]
    preferred = majority.usual
    for block, start, end, written in story.spans(minority):
        suggestion = preferred if _is_compound(preferred) or not preferred.islower() else match_case(
            written, preferred)
        yield ctx.finding(
            "inconsistent-spelling",
            f'"{written}" here, "{preferred}" {_times(majority.count)} elsewhere in the story.',
            block.source_span(start, end),
            suggestions=[suggestion],
            related=others,
        )


def _times(count: int) -> str:
    return "once" if count == 1 else "twice" if count == 2 else f"{count} times"


@hookimpl
def register_checks() -> list:
    return [inconsistent_spelling]
