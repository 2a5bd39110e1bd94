"""duplicates: repeated captions, headlines and paragraphs, and page residue, within one story.

Scraped and CMS-exported copy repeats blocks — a caption twice in a row, the
headline and its caption again further down — and carries page furniture
("TT", "Advertisement", "Share this article"). Blocks are compared after
folding case, quote styles and white space; every repeat points at the first
occurrence and suggests deleting the repeat; ``--fix`` deletes it when it
fills its lines (markup such as ``*…*`` aside), never when it shares a line
with other text (an image's alt text, a caption inside a JSON string).
"""

from __future__ import annotations

import re
from typing import Iterator

from copydesk.checking import CheckContext, Option, Rule, document_check
from copydesk.document import Block, Document
from copydesk.findings import Finding
from copydesk.fixing import deletes_cleanly
from copydesk.hookspecs import hookimpl

_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "`": "'", "´": "'",
                         "“": '"', "”": '"', "„": '"', "‟": '"', "«": '"', "»": '"'})
_SHINGLE = 3


def normalise(text: str) -> str:
    """Text as compared: case folded, quotes straightened, white space collapsed."""
    return " ".join(text.translate(_QUOTES).casefold().split())


def _shingles(block: Block) -> frozenset[tuple[str, ...]]:
    words = [word.casefold() for word in block.words]
    return frozenset(tuple(words[i:i + _SHINGLE]) for i in range(max(1, len(words) - _SHINGLE + 1)))


def _repeats(ctx: CheckContext, rule: str, noun: str, blocks: list[Block]) -> Iterator[Finding]:
    """A finding for every block whose text repeats an earlier one's."""
    first_seen: dict[str, Block] = {}
    for block in blocks:
        key = normalise(block.text)
        first = first_seen.setdefault(key, block)
        if first is block:
            continue
        first_line = ctx.document.source.position(first.start)[0]
        yield ctx.finding(
            rule,
            f"This {noun} repeats the {noun} on line {first_line}; delete the repeat.",
            block.span,
            suggestions=[""],
            related=[ctx.location(first.span, message="first occurrence")],
            fixable=deletes_cleanly(ctx.document.source.text, block.span),
        )


def _paragraph_repeats(ctx: CheckContext, paragraphs: list[Block]) -> Iterator[Finding]:
    min_words = ctx.options["paragraph_min_words"]
    threshold = ctx.options["near_duplicate_similarity"]
    long_enough = [block for block in paragraphs if len(block.words) >= min_words]
    exact = list(_repeats(ctx, "duplicate-paragraph", "paragraph", long_enough))
    yield from exact
    if threshold >= 1:
        return
    already = {finding.offset for finding in exact}
    shingles = [_shingles(block) for block in long_enough]
    for later in range(len(long_enough)):
        block = long_enough[later]
        if block.start in already:
            continue
        for earlier in range(later):
            a, b = shingles[earlier], shingles[later]
            if min(len(a), len(b)) < threshold * max(len(a), len(b)):
                continue  # sizes alone rule the similarity out
            similarity = len(a & b) / len(a | b)
            if similarity < threshold:
                continue
            first = long_enough[earlier]
            first_line = ctx.document.source.position(first.start)[0]
            yield ctx.finding(
                "duplicate-paragraph",
                f"This paragraph is nearly the same as the one on line {first_line} "
                f"({similarity:.0%} of word sequences shared); keep one.",
                block.span,
                related=[ctx.location(first.span, message="similar paragraph")],
                severity="warning",
            )
            break


def _residue(ctx: CheckContext, document: Document) -> Iterator[Finding]:
    patterns = [re.compile(pattern, re.IGNORECASE) for pattern in ctx.options["residue_patterns"]]
    for block in document.blocks:
        if block.kind == "residue":
            reason = "a short line that is not copy"
        elif block.kind != "headline" and any(p.fullmatch(block.text.strip()) for p in patterns):
            reason = "page furniture"
        else:
            continue
        yield ctx.finding(
            "scrape-residue",
            f'"{block.text}" looks like scraping residue ({reason}); delete it.',
            block.span,
            suggestions=[""],
            fixable=deletes_cleanly(document.source.text, block.span),
        )


@document_check(
    name="duplicates",
    description="Repeated captions, headlines and paragraphs, and page residue, within one story.",
    rules=[
        Rule("duplicate-caption", "error", "A caption that repeats an earlier caption of the story."),
        Rule("duplicate-headline", "error", "The headline repeated later in the story."),
        Rule("duplicate-paragraph", "error",
             "A paragraph identical to an earlier one (nearly identical: a warning)."),
        Rule("scrape-residue", "warning",
             "Page furniture, not copy: stray short lines (TT, 20), 'Advertisement', 'Share this article'…"),
    ],
    options=[
        Option("paragraph_min_words", int, "Paragraphs shorter than this are never duplicates."),
        Option("near_duplicate_similarity", float,
               "Share of word sequences (3-word shingles, Jaccard) two paragraphs must have in common "
               "to be near-duplicates; 1 turns near-duplicates off."),
        Option("residue_patterns", list[str],
               "Regular expressions (case-insensitive) matching a whole block of page furniture."),
    ],
)
def duplicates(document: Document, ctx: CheckContext) -> Iterator[Finding]:
    yield from _repeats(ctx, "duplicate-caption", "caption", list(document.blocks_of("caption")))
    # A front-matter title or a CMS headline field is metadata: the copy may give the headline once.
    headlines = [block for block in document.blocks_of("headline") if block.field is None]
    yield from _repeats(ctx, "duplicate-headline", "headline", headlines)
    yield from _paragraph_repeats(ctx, list(document.blocks_of("paragraph", "standfirst")))
    yield from _residue(ctx, document)


@hookimpl
def register_checks() -> list:
    return [duplicates]
