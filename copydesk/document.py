"""The Document model every check works on.

A reader turns one input file (a :class:`SourceText`) into one or more
:class:`Document` objects. A document is a list of :class:`Block` objects
(headline, caption, paragraph, …). Each block holds its *plain* text — markup
removed, escapes decoded — and an :class:`OffsetMap` that takes any position in
that text back to the exact character offset in the original file, so every
finding points at what the editor wrote.

Sentences and words are computed on first use and cached on the block, so all
checks share one tokenisation.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Iterator, NamedTuple

from copydesk import dates
from copydesk import text as textutil
from copydesk.dates import DateMention, Publication

_LINE_BREAK = re.compile(r"\r\n?|\n")

class SourceText:
    """The decoded contents of one input file, shared by every document read from it.

    ``first_line`` is the file line the text starts on: an archive audit reads a
    huge JSONL or CSV file in chunks of records, and positions still count from
    the top of the file.
    """

    __slots__ = ("path", "text", "encoding", "first_line", "_line_starts")

    def __init__(self, path: str, text: str, encoding: str = "utf-8", first_line: int = 1) -> None:
        self.path = path
        self.text = text
        self.encoding = encoding
        self.first_line = first_line
        self._line_starts: list[int] | None = None

    @property
    def line_starts(self) -> list[int]:
        """Offsets of the lines of this text (index 0: line ``first_line``)."""
        if self._line_starts is None:
            self._line_starts = [0] + [m.end() for m in _LINE_BREAK.finditer(self.text)]
        return self._line_starts

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a 0-based character offset."""
        starts = self.line_starts
        index = bisect_right(starts, offset) - 1
        return index + self.first_line, offset - starts[index] + 1

    def line_text(self, line: int) -> str:
        """The text of a 1-based line, without its line break."""
        starts = self.line_starts
        index = line - self.first_line
        start = starts[index]
        end = starts[index + 1] if index + 1 < len(starts) else len(self.text)
        return self.text[start:end].rstrip("\r\n")

    def offset_of_line(self, line: int) -> int:
        return self.line_starts[line - self.first_line]

    @property
    def last_line(self) -> int:
        return self.first_line + len(self.line_starts) - 1


class OffsetMap:
    """Maps positions in a block's plain text to character offsets in the source file.

    It is piecewise: each piece says "text position *t* is source offset *s*, and
    the following characters follow one to one until the next piece". A block
    that is one slice of the file has a single piece.
    """

    __slots__ = ("text_starts", "source_starts")

    def __init__(self, pieces: list[tuple[int, int]]) -> None:
        if not pieces or pieces[0][0] != 0:
            pieces = [(0, pieces[0][1] if pieces else 0), *pieces]
        self.text_starts = [t for t, _ in pieces]
        self.source_starts = [s for _, s in pieces]

    @classmethod
    def shifted(cls, source_offset: int) -> OffsetMap:
        return cls([(0, source_offset)])

    def __call__(self, position: int) -> int:
        if len(self.text_starts) == 1:
            return self.source_starts[0] + position
        index = bisect_right(self.text_starts, position) - 1
        return self.source_starts[index] + position - self.text_starts[index]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Source span of the text span [start, end)."""
        if end <= start:
            source_start = self(start)
            return source_start, source_start
        return self(start), self(end - 1) + 1

    def then(self, outer: OffsetMap, text_length: int) -> OffsetMap:
        """Compose: this map's targets are positions in a string that ``outer`` maps on."""
        pieces: list[tuple[int, int]] = []
        bounds = self.text_starts[1:] + [text_length]
        for text_start, middle_start, text_end in zip(self.text_starts, self.source_starts, bounds):
            # Split the piece wherever the outer map starts a piece of its own.
            position = text_start
            while True:
                middle = middle_start + position - text_start
                pieces.append((position, outer(middle)))
                index = bisect_right(outer.text_starts, middle)
                if index >= len(outer.text_starts):
                    break
                position += outer.text_starts[index] - middle
                if position >= text_end:
                    break
        return OffsetMap(pieces)


class Sentence(NamedTuple):
    """A sentence of a block; ``start``/``end`` are positions in ``block.text``."""

    start: int
    end: int
    text: str


class Token(NamedTuple):
    """A word of a block; ``start``/``end`` are positions in ``block.text``."""

    text: str
    start: int
    end: int


@dataclass(eq=False)
class Block:
    """One structural unit of a story: a headline, caption, paragraph, …"""

    kind: str
    text: str
    offsets: OffsetMap
    index: int = 0
    # The metadata field a block was read from (front-matter "title", a JSON
    # "headline" field); None for blocks of the copy itself.
    field: str | None = None

    @property
    def start(self) -> int:
        return self.offsets(0)

    @property
    def end(self) -> int:
        return self.span[1]

    @property
    def span(self) -> tuple[int, int]:
        """Source-file span of the whole block."""
        return self.offsets.span(0, len(self.text))

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """Source-file span of the block-text span [start, end)."""
        return self.offsets.span(start, end)

    @cached_property
    def sentences(self) -> list[Sentence]:
        text = self.text
        return [Sentence(s, e, text[s:e]) for s, e in textutil.split_sentences(text)]

    @cached_property
    def words(self) -> list[str]:
        """The words of the block as plain strings: cheaper than tokens when positions are not needed."""
        return textutil.WORD.findall(self.text)

    @cached_property
    def lowered_words(self) -> list[str]:
        """:attr:`words` in lower case, for case-blind look-ups; ``lowered_words[i]`` is ``parts[2 * i + 1]``."""
        # Words never hold a line break, so one lower() of the joined words lowers them all.
        words = self.parts[1::2]
        return "\n".join(words).lower().split("\n") if words else []

    @cached_property
    def parts(self) -> list[str]:
        """The text as [separator, word, separator, word, …, separator].

        Words are at the odd indices; what lies between two words tells
        whether they are neighbours and whether a word opens a sentence, and
        ``sum(map(len, parts[:i]))`` is where ``parts[i]`` starts. Cheaper
        than :attr:`tokens` for a pass over every word.
        """
        return textutil.split_words(self.text)

    @cached_property
    def tokens(self) -> list[Token]:
        return [Token(m.group(), m.start(), m.end()) for m in textutil.WORD.finditer(self.text)]

    @cached_property
    def dates(self) -> list[DateMention]:
        """The date expressions of the block (see :mod:`copydesk.dates`)."""
        return dates.extract(self.text)


@dataclass
class Metadata:
    """What is known about a story besides its text."""

    headline: str | None = None
    published: str | None = None
    published_source: str | None = None
    byline: str | None = None
    dateline: str | None = None
    url: str | None = None
    id: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(eq=False)
class Document:
    """One story. Files may hold several; each is its own Document."""

    source: SourceText
    id: str
    format: str
    blocks: list[Block]
    metadata: Metadata = field(default_factory=Metadata)

    def __post_init__(self) -> None:
        for index, block in enumerate(self.blocks):
            block.index = index

    @property
    def path(self) -> str:
        return self.source.path

    @property
    def headline(self) -> str | None:
        if self.metadata.headline:
            return self.metadata.headline
        for block in self.blocks:
            if block.kind == "headline":
                return block.text
        return None

    @cached_property
    def publication(self) -> Publication:
        """When the story was published and how that is known (see :func:`copydesk.dates.publication`)."""
        return dates.publication(self)

    def blocks_of(self, *kinds: str) -> Iterator[Block]:
        return (block for block in self.blocks if block.kind in kinds)

    @property
    def body(self) -> Iterator[Block]:
        """The running text: paragraphs, standfirst and subheads."""
        return self.blocks_of("standfirst", "subhead", "paragraph")

    def sentences(self, *kinds: str) -> Iterator[tuple[Block, Sentence]]:
        blocks = self.blocks_of(*kinds) if kinds else iter(self.blocks)
        for block in blocks:
            for sentence in block.sentences:
                yield block, sentence
