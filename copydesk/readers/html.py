"""HTML pages and HTML fragments (also used for HTML bodies inside JSON exports).

Blocks: ``h1`` is the headline, ``h2``–``h6`` subheads, ``p``/``li``/``blockquote``
paragraphs, ``figcaption`` and image ``alt`` text captions; elements classed
``standfirst``/``dek``/``byline``/``dateline`` get those kinds. When the page has
an ``<article>``, only its blocks count; navigation, footers, asides, scripts and
styles never do. Metadata comes from ``<title>``, ``og:title``,
``article:published_time`` and similar ``<meta>`` tags, ``<time datetime>``,
``author`` and the canonical URL.

The standard library's tokenizer is used because it reports the source position
of every tag and text run, which keeps findings exact to the character.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any, Mapping

from copydesk.document import Block, Document, Metadata, OffsetMap, SourceText
from copydesk.hookspecs import hookimpl
from copydesk.readers import ReadOutput, Reader

_BLOCK_TAGS = {"h1": "headline", "h2": "subhead", "h3": "subhead", "h4": "subhead",
               "h5": "subhead", "h6": "subhead", "p": "paragraph", "li": "paragraph",
               "blockquote": "paragraph", "figcaption": "caption", "dd": "paragraph"}
_CLASS_KINDS = (("standfirst", "standfirst"), ("dek", "standfirst"), ("subtitle", "standfirst"),
                ("byline", "byline"), ("dateline", "dateline"), ("caption", "caption"))
_SKIPPED = {"script", "style", "noscript", "template", "svg", "nav", "footer", "aside",
            "form", "button", "select", "textarea", "iframe", "object"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
         "source", "track", "wbr"}
_PUBLISHED_META = {"article:published_time", "og:published_time", "date", "pubdate",
                   "publish-date", "dc.date", "dc.date.issued", "datepublished",
                   "sailthru.date", "parsely-pub-date"}
_REFERENCE = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);?")
_ALT = re.compile(r"""\salt\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.I)


@dataclass
class _OpenBlock:
    kind: str
    tag: str
    in_article: bool
    pieces: list[tuple[str, int]] = field(default_factory=list)


@dataclass
class HtmlContent:
    """Blocks (kind, text, map into the parsed string) and metadata of an HTML text."""

    blocks: list[tuple[str, str, OffsetMap]]
    metadata: dict[str, str]


class _Extractor(HTMLParser):
    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=False)
        # html.parser counts lines by "\n" only, so positions are converted the same way.
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self._open: list[_OpenBlock] = []
        self._skip: list[str] = []
        self._article_depth = 0
        self._figure_depth = 0
        self._in_title = False
        self._title: list[str] = []
        self.blocks: list[tuple[str, str, OffsetMap, bool]] = []
        self.metadata: dict[str, str] = {}

    def _offset(self) -> int:
        line, column = self.getpos()
        return self._line_starts[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._skip:
            if tag == self._skip[-1] and tag not in _VOID:
                self._skip.append(tag)
            return
        if tag in _SKIPPED:
            self._skip.append(tag)
            return
        attributes = {name: value or "" for name, value in attrs}
        if tag == "article":
            self._article_depth += 1
        elif tag == "figure":
            self._figure_depth += 1
        elif tag == "title":
            self._in_title = True
        elif tag == "meta":
            self._meta(attributes)
        elif tag == "link" and "canonical" in attributes.get("rel", "").lower():
            self.metadata.setdefault("url", attributes.get("href", ""))
        elif tag == "time" and "datetime" in attributes:
            self.metadata.setdefault("time", attributes["datetime"])
        elif tag == "img":
            self._alt_caption()
        elif tag == "br" and self._open:
            self._open[-1].pieces.append(("\n", self._offset()))
        kind = self._block_kind(tag, attributes)
        if kind is not None:
            if tag in ("p", "li", "dd") and self._open and self._open[-1].tag == tag:
                self._emit(self._open.pop())  # "<p>one<p>two": the second closes the first
            self._open.append(_OpenBlock(kind, tag, self._article_depth > 0))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if self._skip:
            if tag == self._skip[-1]:
                self._skip.pop()
            return
        if tag == "article":
            self._article_depth = max(0, self._article_depth - 1)
        elif tag == "figure":
            self._figure_depth = max(0, self._figure_depth - 1)
        elif tag == "title":
            self._in_title = False
        if any(block.tag == tag for block in self._open):
            # Close the element and anything left open inside it.
            while self._open:
                block = self._open.pop()
                self._emit(block)
                if block.tag == tag:
                    break

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._in_title:
            self._title.append(data)
        elif self._open:
            self._open[-1].pieces.append((data, self._offset()))

    def handle_entityref(self, name: str) -> None:
        self._reference(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self._reference(f"&#{name};")

    def _reference(self, reference: str) -> None:
        if self._skip:
            return
        decoded = html.unescape(reference)
        if self._in_title:
            self._title.append(decoded)
        elif self._open:
            self._open[-1].pieces.append((decoded, self._offset()))

    def close(self) -> None:
        super().close()
        while self._open:
            self._emit(self._open.pop())
        title = "".join(self._title).strip()
        if title:
            self.metadata.setdefault("title", " ".join(title.split()))

    def _block_kind(self, tag: str, attributes: dict[str, str]) -> str | None:
        classes = attributes.get("class", "").lower()
        for marker, kind in _CLASS_KINDS:
            if marker in classes and tag in ("p", "div", "span", "address"):
                return kind
        if tag == "a" and attributes.get("rel", "").lower() == "author":
            return "byline"
        return _BLOCK_TAGS.get(tag)

    def _meta(self, attributes: dict[str, str]) -> None:
        name = (attributes.get("property") or attributes.get("name")
                or attributes.get("itemprop") or "").lower()
        content = attributes.get("content", "")
        if not content:
            return
        if name in _PUBLISHED_META:
            self.metadata.setdefault("published", content)
        elif name == "og:title":
            self.metadata.setdefault("og:title", content)
        elif name == "author":
            self.metadata.setdefault("author", content)
        elif name == "og:url":
            self.metadata.setdefault("url", content)

    def _alt_caption(self) -> None:
        tag_text = self.get_starttag_text() or ""
        match = _ALT.search(tag_text)
        if not match:
            return
        group = next(g for g in (1, 2, 3) if match.group(g) is not None)
        alt, offsets = _unescape(match.group(group), self._offset() + match.start(group))
        if len(alt.split()) < 2 and not self._figure_depth:
            return  # "logo", "icon": decoration, not a caption
        self.blocks.append(("caption", alt, offsets, self._article_depth > 0))

    def _emit(self, block: _OpenBlock) -> None:
        text = "".join(piece for piece, _ in block.pieces)
        stripped = text.strip()
        if not stripped:
            return
        pieces, position = [], 0
        for piece, offset in block.pieces:
            pieces.append((position, offset))
            position += len(piece)
        lead = len(text) - len(text.lstrip())
        offsets = OffsetMap.shifted(lead).then(OffsetMap(pieces), len(stripped))
        self.blocks.append((block.kind, stripped, offsets, block.in_article))


def _unescape(raw: str, start: int) -> tuple[str, OffsetMap]:
    """Decode character references in an attribute value, mapping back to ``start`` + raw position."""
    parts, pieces, position, last = [], [], 0, 0
    for reference in _REFERENCE.finditer(raw):
        for chunk, offset in ((raw[last:reference.start()], last),
                              (html.unescape(reference.group()), reference.start())):
            parts.append(chunk)
            pieces.append((position, start + offset))
            position += len(chunk)
        last = reference.end()
    parts.append(raw[last:])
    pieces.append((position, start + last))
    return "".join(parts), OffsetMap(pieces)


def extract(text: str) -> HtmlContent:
    """Blocks and metadata of an HTML page or fragment; maps point into ``text``."""
    parser = _Extractor(text)
    parser.feed(text)
    parser.close()
    in_article = any(flag for *_, flag in parser.blocks)
    blocks = [(kind, block_text, offsets) for kind, block_text, offsets, flag in parser.blocks
              if flag or not in_article]
    blocks.sort(key=lambda block: block[2](0))
    return HtmlContent(blocks, parser.metadata)


def to_blocks(content: HtmlContent, outer: OffsetMap | None = None) -> list[Block]:
    """Document blocks of extracted HTML; later ``h1`` repeats of the headline stay headlines."""
    blocks: list[Block] = []
    headline: str | None = None
    for kind, text, offsets in content.blocks:
        if kind == "headline":
            if headline is None:
                headline = text
            elif " ".join(text.split()) != " ".join(headline.split()):
                kind = "subhead"
        if outer is not None:
            offsets = offsets.then(outer, len(text))
        blocks.append(Block(kind, text, offsets))
    return blocks


def metadata_from(content: HtmlContent, blocks: list[Block]) -> Metadata:
    found = content.metadata
    headline = next((b.text for b in blocks if b.kind == "headline"), None)
    published, source = found.get("published"), "html <meta>"
    if not published and found.get("time"):
        published, source = found["time"], "html <time>"
    return Metadata(
        headline=headline or found.get("og:title") or found.get("title"),
        published=published or None,
        published_source=source if published else None,
        byline=next((b.text for b in blocks if b.kind == "byline"), None) or found.get("author"),
        dateline=next((b.text for b in blocks if b.kind == "dateline"), None),
        url=found.get("url"),
    )


def read_html(source: SourceText, options: Mapping[str, Any]) -> ReadOutput:
    content = extract(source.text)
    blocks = to_blocks(content)
    yield Document(source, source.path, "html", blocks, metadata_from(content, blocks))


def looks_like_html(text: str) -> bool:
    head = text.lstrip()[:500].lower()
    return head.startswith(("<!doctype html", "<html", "<article", "<p", "<h1", "<div", "<body"))


@hookimpl
def register_readers() -> list[Reader]:
    return [Reader("html", (".html", ".htm", ".xhtml"), read_html,
                   "HTML pages and fragments.", looks_like_html)]
