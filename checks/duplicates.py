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

import math
import re
from collections import Counter
from functools import lru_cache
from itertools import chain
from typing import Any, Iterator

from copydesk.checking import CheckContext, Option, Rule, document_check
from copydesk.document import Block, Document
from copydesk.findings import Finding
from copydesk.fixing import deletes_cleanly
from copydesk.hookspecs import hookimpl
from copydesk.patterns import compile_pattern, problem_in_patterns

_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "`": "'", "´": "'",
                         "“": '"', "”": '"', "„": '"', "‟": '"', "«": '"', "»": '"'})
_SHINGLE = 3


def normalise(text: str) -> str:
    """Text as compared: case folded, quotes straightened, white space collapsed."""
    return " ".join(text.translate(_QUOTES).casefold().split())


def _shingles(block: Block) -> frozenset[str]:
    """The block's runs of three words, each one string (a word holds no space; a string keeps its
    hash, so the many look-ups of :func:`_similar_pairs` do not hash the words again)."""
    words = [word.casefold() for word in block.words]
    return frozenset(" ".join(words[i:i + _SHINGLE]) for i in range(max(1, len(words) - _SHINGLE + 1)))


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
    for later, earlier, similarity in _similar_pairs(shingles, threshold):
        block = long_enough[later]
        if block.start in already:
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


def _similar_pairs(shingles: list[frozenset[str]], threshold: float) -> Iterator[tuple[int, int, float]]:
    """For each set, the first earlier one with a Jaccard similarity of at least ``threshold``:
    (later, earlier, similarity).

    Prefix filtering (Chaudhuri et al., 2006) keeps this near-linear on a story of thousands of
    paragraphs: with the shingles of every set in one order, rarest first, two sets that share
    a ``threshold`` of their shingles share one of the first ``len - ceil(threshold * len) + 1``
    of each. Only earlier sets sharing a prefix shingle are compared, in story order, so the
    result is that of comparing every pair.
    """
    frequency = Counter(chain.from_iterable(shingles))
    rarest_first = {shingle: rank for rank, shingle in enumerate(sorted(frequency, key=frequency.__getitem__))}
    # Earlier sets by the shingles of their prefix.
    holding: dict[str, list[int]] = {}
    # Each set's first copy and what was found for it. A copy is answered from it: the copy's
    # first similar set is the first copy's, or the first copy itself. Left out of ``holding``
    # (any set similar to it is similar to the first copy, which comes earlier), boilerplate
    # pasted thousands of times does not make every later copy compare with every earlier one.
    first_copies: dict[frozenset[str], tuple[int, tuple[int, float] | None]] = {}
    for later, b in enumerate(shingles):
        copied = first_copies.get(b)
        if copied is not None:
            first, found = copied
            if found is not None:
                yield later, *found
            elif threshold <= 1:  # a copy is as similar as sets can be
                yield later, first, 1.0
            continue
        found = None
        # A hair under the threshold so that rounding never shortens a prefix.
        prefix = sorted(b, key=rarest_first.__getitem__)[:len(b) - math.ceil(threshold * len(b) - 1e-9) + 1]
        candidates = sorted({earlier for shingle in prefix for earlier in holding.get(shingle, ())})
        for earlier in candidates:
            a = shingles[earlier]
            if min(len(a), len(b)) < threshold * max(len(a), len(b)):
                continue  # sizes alone rule the similarity out
            similarity = len(a & b) / len(a | b)
            if similarity >= threshold:
                found = earlier, similarity
                yield later, *found
                break
        first_copies[b] = later, found
        for shingle in prefix:
            holding.setdefault(shingle, []).append(later)


def _residue(ctx: CheckContext, document: Document) -> Iterator[Finding]:
    furniture = _furniture(tuple(ctx.options["residue_patterns"]))
    edges = _edge_residue(tuple(ctx.options["residue_edge_patterns"]))
    for block in document.blocks:
        if block.kind == "residue":
            reason = "a short line that is not copy"
        elif block.kind != "headline" and furniture is not None and furniture.fullmatch(block.text.strip()):
            reason = "page furniture"
        else:
            if block.kind not in ("headline", "caption"):  # a credit is a caption's own
                yield from _glued_residue(ctx, document, block, edges)
            continue
        yield ctx.finding(
            "scrape-residue",
            f'"{block.text}" looks like scraping residue ({reason}); delete it.',
            block.span,
            suggestions=[""],
            fixable=deletes_cleanly(document.source.text, block.span),
        )


# Credits and furniture are short; a longer line that starts like them is copy.
_RESIDUE_MAX_WORDS = 25
# ... and no residue of 25 words runs to this many characters.
_RESIDUE_MAX_CHARS = 1000


# Where residue can start: a line's start, or just after a sentence's end ("…the
# press.Featured image via …"), at a capital letter or an opening bracket. Scanning for
# these first (a character class the regex engine skips to) and trying the patterns only
# there takes half the time of trying them at every character (BBC corpus: 0.12 s, 0.26 s).
_RESIDUE_START = re.compile(r"[.!?…\"”’)\]\n][ \t]*(?=[A-Z(])")


@lru_cache(maxsize=8)
def _furniture(patterns: tuple[str, ...]) -> Any | None:
    """A block of page furniture: one pattern that matches in full where one of ``patterns``
    does (one RE2 call a block instead of one a pattern), or None when there are none."""
    if not patterns:
        return None
    return compile_pattern("|".join(f"(?:{pattern})" for pattern in patterns), ignore_case=True)


@lru_cache(maxsize=8)
def _edge_residue(patterns: tuple[str, ...]) -> tuple[Any, Any]:
    """Residue running from where it starts to the end of its line, and residue opening a
    block up to its first full stop or closing bracket: each the pattern's group 1 (RE2, like
    every pattern a rules file gives, so it runs in linear time; RE2 has no look-ahead, so what
    must follow the residue is matched outside the group)."""
    alternatives = "|".join(f"(?:{pattern})" for pattern in patterns)
    to_line_end = compile_pattern(rf"(?m)((?:{alternatives})[^\n]*?)[ \t]*$", ignore_case=True)
    opening = compile_pattern(rf"((?:{alternatives})[^\n]*?(?:[.!?…][\"”’]?|\)))[ \t]+\S", ignore_case=True)
    return to_line_end, opening


def _residue_window(text: str, start: int, whole_line: bool) -> str:
    """The text residue starting at ``start`` can lie in: the rest of its line, cut where residue
    would be too long to be residue. Matching there and never past it keeps one very long line
    linear (RE2 re-reads the text it is given on every call). With ``whole_line``, a line too long
    to end in residue gives no text at all."""
    end = text.find("\n", start, start + _RESIDUE_MAX_CHARS)
    if end >= 0:
        return text[start:end]
    if whole_line and start + _RESIDUE_MAX_CHARS < len(text):
        return ""
    return text[start:start + _RESIDUE_MAX_CHARS]


def _glued_residue(ctx: CheckContext, document: Document, block: Block,
                   edges: tuple[Any, Any]) -> Iterator[Finding]:
    """Credits and furniture at a block's start or end or alone on one of its lines: the
    finding covers the residue and the space before it (after it, opening the block), so
    the fix leaves the copy as it would have been without it."""
    text = block.text
    to_line_end, opening = edges
    lead = len(text) - len(text.lstrip(" \t"))
    starts = [lead] if text[lead:lead + 1].isupper() or text[lead:lead + 1] == "(" else []
    starts += [match.end() for match in _RESIDUE_START.finditer(text)]
    ends: dict[int, int] = {}
    # Opening a block, residue ends at its first full stop: "Photo by X. The mayor said …".
    first = opening.match(_residue_window(text, lead, whole_line=False))
    if first:
        ends[lead] = len(text) - len(text[lead + first.end(1):].lstrip(" \t"))
    for start in starts:
        match = to_line_end.match(_residue_window(text, start, whole_line=True))
        if match and start not in ends:
            ends[start] = start + match.end(1)
    for start, end in sorted(ends.items()):
        if not (text[start].isupper() or text[start] == "(" and text[start + 1:start + 2].isupper()):
            continue  # "… said the photo by the river …": residue starts like a sentence
        residue = text[start:end].strip()
        if len(residue.split()) > _RESIDUE_MAX_WORDS:
            continue  # a paragraph that happens to start like residue
        delete_from = len(text[:start].rstrip()) if text[:start].strip() else start
        if delete_from == 0 and end >= len(text.rstrip()):
            delete_from, end = 0, len(text)
        span = block.source_span(delete_from, end)
        yield ctx.finding(
            "scrape-residue",
            f'"{residue}" looks like scraping residue (a credit or page furniture in the copy); '
            "delete it.",
            span,
            suggestions=[""],
            # Deleting markup with it ("*Photo: AP.* The mayor", "[Reuters](…)") could break the
            # file's markup: safe to apply unreviewed only where the file holds just the words.
            fixable=document.source.text[span[0]:span[1]] == text[delete_from:end],
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
               "Regular expressions (case-insensitive, RE2) matching a whole block of page furniture.",
               validate=problem_in_patterns),
        Option("residue_edge_patterns", list[str],
               "Regular expressions (case-insensitive, RE2) of credits and page furniture reported where "
               "they start a paragraph, follow its last sentence or stand alone on a line; the "
               "residue runs to the end of the line.", validate=problem_in_patterns),
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
