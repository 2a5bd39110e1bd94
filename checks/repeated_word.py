"""repeated-word: the same word twice in a row, as in "the the".

Case-insensitive and across line breaks, but never across punctuation, so a
sentence end ("… said no. No one …") is never a repeat. Words that repeat
legitimately ("had had", "that that") are listed in ``rules.yaml``, and a
doubled name is left alone (see ``_is_name``).
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


def _is_name(document: Document, block: Block, match: re.Match[str]) -> bool:
    """A doubled word whose second copy is capitalised is a name or a title and a name.

    "Duran Duran", "Bafana Bafana", "law lord Lord Bingham", "he said Said": a
    typo doubles a word as it was ("The the"), it does not capitalise the copy.
    In a Title Case headline every word is capitalised, so there it counts as a
    name only when the story's running copy has it too.
    """
    if not match.group(3)[0].isupper():
        return False
    if block.kind != "headline":
        return True
    pair = match.group()
    return any(pair in other.text for other in document.blocks if other.kind != "headline")


@document_check(
    name="repeated-word",
    description="The same word typed twice in a row.",
    rules=[Rule("repeated-word", "warning", 'A word repeated by mistake, such as "the the".')],
    options=[
        Option("allowed", list[str], 'Words that may legitimately appear twice in a row ("had had").'),
        Option("skip_names", bool, 'Skip doubled words whose second copy is capitalised ("Duran Duran").'),
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
            if word.casefold() in allowed or (skip_names and _is_name(document, block, match)):
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
