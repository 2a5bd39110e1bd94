"""house-spelling: the newsroom's own list of wrong → right spellings.

``spellings`` maps whole words or phrases to their house form. An entry written
in lower case matches in any case and the suggestion follows the copy's case
("Pouring over" → "Poring over"); an entry with a capital matches exactly that
case ("Ipad" → "iPad", leaving "ipad" to another entry). ``patterns`` maps
regular expressions to replacements (``\\1`` and friends allowed), matched
case-sensitively unless the expression says ``(?i)``; they run on RE2
(:mod:`copydesk.patterns`), in time linear in the copy.

The listed spellings are compiled into one expression, tried only where a
word of the copy is the first word of some entry: a dictionary look-up per
word instead of a case-insensitive scan of every character, several times
faster. A pattern is a scan of the copy each.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any
from functools import cache
from itertools import accumulate

from copydesk.checking import CheckContext, Option, Rule, document_check
from copydesk.document import Block, Document
from copydesk.findings import Finding
from copydesk.hookspecs import hookimpl
from copydesk.lexicon import match_case
from copydesk.patterns import compile_pattern, problem_in_patterns
from copydesk.text import WORD

_EDGE_BEFORE = r"(?<![\w'’-])"
_EDGE_AFTER = r"(?![\w'’-])"


class _HouseList:
    def __init__(self, spellings: tuple[tuple[str, str], ...], patterns: tuple[tuple[str, str], ...]) -> None:
        self.any_case: dict[str, str] = {}
        self.exact: dict[str, str] = {}
        for wrong, right in spellings:
            if wrong == wrong.lower():
                self.any_case[_normalise(wrong)] = right
            else:
                self.exact[_normalise(wrong)] = right
        # An entry that does not start with a letter or digit ("'til") has no first word to look
        # up: it is scanned for, as a pattern is.
        self.first_words = {WORD.match(entry.lower()).group() for entry in (*self.any_case, *self.exact)
                            if WORD.match(entry)}
        self.by_first_word: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = []
        # Listed entries as stdlib expressions of escaped words; the rules file's patterns on RE2.
        self.scanned: list[tuple[Any, Callable[[Any], str]]] = []
        for entries, flags, fix in ((self.any_case, re.IGNORECASE, self._any_case_fix),
                                    (self.exact, 0, self._exact_fix)):
            for by_word, kept in ((True, self.by_first_word), (False, self.scanned)):
                expression = _alternation([entry for entry in entries if bool(WORD.match(entry)) == by_word], flags)
                if expression is not None:
                    kept.append((expression, fix))
        self.scanned += [(compile_pattern(pattern), lambda match, replacement=replacement: match.expand(replacement))
                         for pattern, replacement in patterns]

    def _any_case_fix(self, match: re.Match[str]) -> str:
        return _follow_case(match.group(), self.any_case[_normalise(match.group().lower())])

    def _exact_fix(self, match: re.Match[str]) -> str:
        return self.exact[_normalise(match.group())]

    def matches(self, block: Block) -> Iterator[tuple[int, int, str]]:
        """(start, end, replacement) of every listed spelling in the block's text."""
        text, parts = block.text, block.parts
        first_words = self.first_words
        # Entries are normalised to straight apostrophes; the copy may curl them.
        firsts = [position for position, word in enumerate(block.lowered_words)
                  if word in first_words or ("’" in word and word.replace("’", "'") in first_words)]
        if firsts:
            ends = list(accumulate(map(len, parts)))  # word i (parts[2i + 1]) starts at ends[2i]
            for expression, fix in self.by_first_word:
                matched_to = 0  # as a scan would, a match is not looked for inside the previous one
                for start in (ends[2 * position] for position in firsts):
                    match = expression.match(text, start) if start >= matched_to else None
                    if match:
                        matched_to = match.end()
                        yield match.start(), match.end(), fix(match)
        for expression, fix in self.scanned:
            for match in expression.finditer(text):
                yield match.start(), match.end(), fix(match)


def _normalise(phrase: str) -> str:
    return " ".join(phrase.replace("’", "'").split())


def _alternation(entries: list[str], flags: int) -> re.Pattern[str] | None:
    if not entries:
        return None
    # Longest first, so "free reign" is preferred to a shorter entry inside it.
    alternatives = sorted(entries, key=len, reverse=True)
    words = "|".join(r"\s+".join(re.escape(word).replace("'", "['’]") for word in phrase.split())
                     for phrase in alternatives)
    return re.compile(f"{_EDGE_BEFORE}(?:{words}){_EDGE_AFTER}", flags)


def _follow_case(written: str, right: str) -> str:
    """The house form in the case the copy used: all capitals, a capital first, or as listed."""
    if right != right.lower():
        return right
    return match_case(written, right)


@cache
def _house_list(spellings: tuple[tuple[str, str], ...], patterns: tuple[tuple[str, str], ...]) -> _HouseList:
    return _HouseList(spellings, patterns)


@document_check(
    name="house-spelling",
    description="Spellings the newsroom's style book corrects (rules.yaml: spellings, patterns).",
    rules=[Rule("house-spelling", "error", "A word or phrase on the house list of wrong spellings.")],
    options=[
        Option("spellings", dict[str, str], "Wrong word or phrase → house form."),
        Option("patterns", dict[str, str], "Regular expression (RE2) → replacement.", validate=problem_in_patterns),
    ],
)
def house_spelling(document: Document, ctx: CheckContext) -> Iterator[Finding]:
    house = _house_list(tuple(ctx.options["spellings"].items()), tuple(ctx.options["patterns"].items()))
    for block in document.blocks:
        if block.kind == "residue":
            continue
        for start, end, replacement in sorted(house.matches(block)):
            written = block.text[start:end]
            if written == replacement:
                continue
            yield ctx.finding(
                "house-spelling",
                f'House style: "{replacement}", not "{written}".',
                block.source_span(start, end),
                suggestions=[replacement],
                fixable=True,
            )


@hookimpl
def register_checks() -> list:
    return [house_spelling]
