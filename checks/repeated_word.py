"""repeated-word: the same word twice in a row, as in "the the".

Case-insensitive and across line breaks, but never across punctuation, so a
sentence end ("… said no. No one …") is never a repeat. Words that repeat
legitimately ("had had", "that that") are listed in ``rules.yaml``; a doubled
capitalised word inside a sentence is taken for a name ("Sirhan Sirhan",
"Duran Duran") unless it is in a headline, where every word is capitalised.
"""

from __future__ import annotations

import re
from typing import Iterator

from copydesk.checking import CheckContext, Option, Rule, document_check
from copydesk.document import Block, Document
from copydesk.findings import Finding
from copydesk.hookspecs import hookimpl

# Two letter-only words (inner apostrophes allowed), separated only by white space.
_REPEAT = re.compile(r"(?<![\w'’-])([^\W\d_]+(?:['’][^\W\d_]+)*)(\s+)(\1)(?![\w'’-])", re.IGNORECASE)
_SENTENCE_OPENERS = frozenset(".!?:\"“‘'(")


def _starts_sentence(text: str, position: int) -> bool:
    before = text[:position].rstrip()
    return not before or before[-1] in _SENTENCE_OPENERS


def _is_name(block: Block, match: re.Match[str]) -> bool:
    first, second = match.group(1), match.group(3)
    return (block.kind != "headline" and first[0].isupper() and second[0].isupper()
            and not _starts_sentence(block.text, match.start()))


@document_check(
    name="repeated-word",
    description="The same word typed twice in a row.",
    rules=[Rule("repeated-word", "warning", 'A word repeated by mistake, such as "the the".')],
    options=[
        Option("allowed", list[str], 'Words that may legitimately appear twice in a row ("had had").'),
        Option("skip_names", bool, 'Skip doubled capitalised words inside a sentence ("Sirhan Sirhan").'),
    ],
)
def repeated_word(document: Document, ctx: CheckContext) -> Iterator[Finding]:
    allowed = {word.casefold() for word in ctx.options["allowed"]}
    skip_names = ctx.options["skip_names"]
    for block in document.blocks:
        if block.kind == "residue":
            continue
        for match in _REPEAT.finditer(block.text):
            word = match.group(1)
            if word.casefold() in allowed or (skip_names and _is_name(block, match)):
                continue
            yield ctx.finding(
                "repeated-word",
                f'Repeated word "{word}".',
                block.source_span(match.start(), match.end()),
                suggestions=[word],
            )


@hookimpl
def register_checks() -> list:
    return [repeated_word]
