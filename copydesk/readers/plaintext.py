"""Plain text: scraped copy, wire copy and CMS bodies without markup.

Layout conventions (each documented in ``rules.yaml`` under ``readers: text:``):

- a file may hold several stories, separated by two or more blank lines and
  each starting with a headline (a break before a full sentence is a section
  break inside one story, as in BBC copy);
- a story's first line is its headline, and a later line with the same text is
  a (repeated) headline too;
- a line that describes a picture and ends in its credit — "(AFP)", "(AP
  Photo/Hussein Malla, File)", "Photograph: Jane Doe/Reuters" — is a caption; a
  credit alone ("Featured Image: Screenshot") is not, nor is a paragraph that
  ends in one (the duplicates check reports such credits as residue);
- a very short line with no lower-case letters ("TT", "20") is page residue;
- "By …" lines are bylines, "BEIRUT —" lines datelines, a short unpunctuated
  line standing alone is a subhead;
- lines of a paragraph wrapped by hand are joined back into one paragraph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Mapping

from copydesk.checking import Option
from copydesk.document import Block, Document, Metadata, OffsetMap, SourceText
from copydesk.hookspecs import hookimpl
from copydesk.readers import ReadOutput, Reader, document_ids
from copydesk.text import split_sentences

_LINE = re.compile(r"[^\r\n]+")
_BYLINE = re.compile(r"By\s+[A-Z][\w.'’-]*(?:[\s,]+(?:and\s+)?[A-Z][\w.'’-]*){0,8}\s*$")
_DATELINE_LINE = re.compile(r"[A-Z][A-Z .,'’-]+(?:\s*\([^)]*\))?\s*(?:—|–|--)$")
# "BEIRUT (AP) — " or "LONDON, England -- " opening a first paragraph.
_DATELINE_LEAD = re.compile(
    r"([A-Z][A-Z'’.-]+(?:[ ,]+[A-Z][A-Za-z'’.-]+)*)\s*(?:\([^)]*\))?\s*(?:—|–|--)\s"
)
_TERMINAL = frozenset(".!?:;\"”’)…")
_SUBHEAD_MAX_WORDS = 12
# A caption's description before the credit, and the whole caption: longer is a paragraph.
_CAPTION_MIN_WORDS = 2
_CAPTION_MAX_WORDS = 60
_CAPTION_MAX_SENTENCES = 2
_HEADLINE_MAX_WORDS = 25
_LIST_ITEM = re.compile(r"(?:[-*•–—]|\d{1,2}[.)])\s")
_SENTENCE_END = frozenset(".!?;:,\"”’…")


@dataclass(frozen=True)
class RawBlock:
    kind: str
    start: int
    end: int


@dataclass
class Article:
    blocks: list[RawBlock] = field(default_factory=list)
    dateline: str | None = None
    byline: str | None = None


@dataclass(frozen=True)
class Layout:
    article_blank_lines: int
    residue_max_length: int
    caption: re.Pattern[str]


@lru_cache(maxsize=8)
def _layout(article_blank_lines: int, residue_max_length: int, credits: tuple[str, ...]) -> Layout:
    names = "|".join(re.escape(credit) for credit in sorted(credits, key=len, reverse=True))
    caption = re.compile(
        rf"\((?:[^()]*\W)?(?:{names})(?:\W[^()]*)?\)\s*$"
        rf"|(?:Photograph|Photo|Picture|Image|Credit)(?: credit)?:\s*\S[^.!?]*$"
    )
    return Layout(article_blank_lines, residue_max_length, caption)


def layout_from(options: Mapping[str, Any]) -> Layout:
    return _layout(
        int(options.get("article_separator_blank_lines", 2)),
        int(options.get("residue_max_length", 4)),
        tuple(options.get("caption_credits", ())),
    )


def _key(text: str) -> str:
    return " ".join(text.replace("’", "'").replace("‘", "'").split()).casefold()


def _nonblank_lines(text: str, start: int, end: int) -> list[tuple[int, int, int]]:
    """(blank lines before, start, end) of each non-blank line, white space trimmed."""
    lines = []
    previous_end = None
    for match in _LINE.finditer(text, start, end):
        line = match.group()
        stripped = line.strip()
        if not stripped:
            continue
        line_start = match.start() + len(line) - len(line.lstrip())
        blanks = 0
        if previous_end is not None:
            gap = text[previous_end:match.start()]
            breaks = gap.count("\n") + gap.count("\r") - gap.count("\r\n")
            blanks = breaks - 1
        lines.append((blanks, line_start, line_start + len(stripped)))
        previous_end = match.end()
    return lines


def segment(text: str, layout: Layout, *, start: int = 0, end: int | None = None,
            headline_first: bool = True, split_articles: bool = True) -> list[Article]:
    """Split ``text[start:end]`` into stories and their blocks, by the conventions above."""
    lines = _nonblank_lines(text, start, len(text) if end is None else end)
    stories: list[list[tuple[int, int, int]]] = []
    for blanks, line_start, line_end in lines:
        separated = (split_articles and 0 < layout.article_blank_lines <= blanks
                     and _looks_like_headline(text[line_start:line_end]))
        if not stories or separated:
            stories.append([])
        stories[-1].append((blanks, line_start, line_end))
    return [_segment_story(text, story, layout, headline_first) for story in stories]


def _segment_story(text: str, lines: list[tuple[int, int, int]], layout: Layout,
                   headline_first: bool) -> Article:
    article = Article()
    headline_key = _key(text[lines[0][1]:lines[0][2]]) if headline_first else None
    groups: list[list[tuple[str, int, int]]] = []
    for number, (blanks, start, end) in enumerate(lines):
        if number == 0 or blanks > 0:
            groups.append([])
        line = text[start:end]
        if number == 0 and headline_first:
            kind = "headline"
        else:
            kind = _classify(line, headline_key, layout)
        groups[-1].append((kind, start, end))
    for group in groups:
        article.blocks.extend(_join_wrapped(text, group))
    for block in article.blocks:
        block_text = text[block.start:block.end]
        if block.kind == "byline" and article.byline is None:
            article.byline = block_text
        elif block.kind == "dateline" and article.dateline is None:
            article.dateline = block_text.rstrip(" —–-")
        elif block.kind == "paragraph" and article.dateline is None:
            lead = _DATELINE_LEAD.match(block_text)
            if lead:
                article.dateline = lead.group(1)
            break
    return article


def _looks_like_headline(line: str) -> bool:
    """Short and not ended like a sentence: a new story, not a section break inside one."""
    return (line[-1] not in _SENTENCE_END and not _LIST_ITEM.match(line)
            and len(line.split()) <= _HEADLINE_MAX_WORDS)


def _classify(line: str, headline_key: str | None, layout: Layout) -> str:
    if headline_key is not None and _key(line) == headline_key:
        return "headline"
    if _is_caption(line, layout):
        return "caption"
    if (len(line) <= layout.residue_max_length and not any(c.islower() for c in line)
            and not (line[-1] in ".!?" and any(c.isalpha() for c in line))):  # "OK." is a sentence
        return "residue"
    if _BYLINE.match(line):
        return "byline"
    if _DATELINE_LINE.match(line):
        return "dateline"
    return "paragraph"


def _is_caption(line: str, layout: Layout) -> bool:
    """A short description of a picture (a sentence or two) ending in its credit; a credit
    glued to a sentence ("…the press.Photo: …") or a "Featured image" is page residue."""
    credit = layout.caption.search(line)
    if credit is None:
        return False
    description = line[:credit.start()]
    return (len(description.split()) >= _CAPTION_MIN_WORDS
            and len(line.split()) <= _CAPTION_MAX_WORDS
            and description[-1].isspace() and not description.rstrip().lower().endswith("featured")
            and len(split_sentences(description)) <= _CAPTION_MAX_SENTENCES)


def _join_wrapped(text: str, group: list[tuple[str, int, int]]) -> list[RawBlock]:
    """Blocks of one group of adjacent lines: runs of hand-wrapped prose become one paragraph."""
    blocks: list[RawBlock] = []
    run: list[tuple[str, int, int]] = []

    def flush() -> None:
        if not run:
            return
        wrapped = any(text[end - 1] not in _TERMINAL for _, _, end in run[:-1])
        if wrapped:
            blocks.append(RawBlock("paragraph", run[0][1], run[-1][2]))
        else:
            blocks.extend(RawBlock(kind, start, end) for kind, start, end in run)
        run.clear()

    for kind, start, end in group:
        if kind == "paragraph":
            run.append((kind, start, end))
            continue
        flush()
        blocks.append(RawBlock(kind, start, end))
    flush()
    if len(blocks) == 1 and blocks[0].kind == "paragraph":
        only = text[blocks[0].start:blocks[0].end]
        if only[-1] not in _TERMINAL and len(only.split()) <= _SUBHEAD_MAX_WORDS:
            blocks[0] = RawBlock("subhead", blocks[0].start, blocks[0].end)
    return blocks


def blocks_from(text: str, article: Article, offsets: OffsetMap | None = None) -> list[Block]:
    """Blocks of a segmented story; ``offsets`` maps ``text`` into the file when it is not the file."""
    blocks = []
    for raw in article.blocks:
        block_offsets = OffsetMap.shifted(raw.start)
        if offsets is not None:
            block_offsets = block_offsets.then(offsets, raw.end - raw.start)
        blocks.append(Block(raw.kind, text[raw.start:raw.end], block_offsets))
    return blocks


def read_plain_text(source: SourceText, options: Mapping[str, Any]) -> ReadOutput:
    articles = segment(source.text, layout_from(options.get("text", {})))
    for article, doc_id in zip(articles, document_ids(source.path, len(articles))):
        blocks = blocks_from(source.text, article)
        headline = next((b.text for b in blocks if b.kind == "headline"), None)
        metadata = Metadata(headline=headline, byline=article.byline, dateline=article.dateline)
        yield Document(source, doc_id, "text", blocks, metadata)


@hookimpl
def register_readers() -> list[Reader]:
    return [Reader("text", (".txt", ".text"), read_plain_text,
                   "Plain text: one or more stories, headline first.", options=OPTIONS)]


OPTIONS = (
    Option("article_separator_blank_lines", int,
           "Blank lines that separate two stories in one file (0: one story per file)."),
    Option("residue_max_length", int,
           "A line this short with no lower-case letter is page residue (TT, 20)."),
    Option("caption_credits", list[str],
           "Credits that mark a line ending in '(…)' as a caption: AFP, Reuters, AP Photo…"),
)
