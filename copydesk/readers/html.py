"""HTML pages and HTML fragments (also used for HTML bodies inside JSON exports).

Blocks: ``h1`` is the headline, ``h2``–``h6`` subheads, ``p``/``li``/``blockquote``
paragraphs, ``figcaption`` and image ``alt`` text captions; elements classed
``standfirst``/``dek``/``byline``/``dateline`` get those kinds; text standing in a
``<div>`` or a table cell (lines split by ``<br>``) is a paragraph too.
Navigation, footers, asides, scripts and styles never count.

Which blocks are the story is the ``readers: html: content:`` option:

- ``auto`` (the default): on a whole page, trafilatura decides which text is the
  story, and the blocks whose words it kept are the story's (its text is aligned
  back to the blocks by their normalised words, so findings stay exact to the
  character); the headline before the story and the captions, bylines and
  datelines around it come with it. A fragment is read as ``article``.
- ``article``: when the page has an ``<article>``, only its blocks count.
- ``all``: every block of the page.

Metadata comes from ``<title>``, ``og:title``, ``article:published_time`` and
similar ``<meta>`` tags, ``<time datetime>``, ``author`` and the canonical URL.

The standard library's tokenizer is used because it reports the source position
of every tag and text run, which keeps findings exact to the character.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from functools import lru_cache
from html.parser import HTMLParser
from typing import Any, Mapping, NamedTuple

from copydesk.checking import Option
from copydesk.document import Block, Document, Metadata, OffsetMap, SourceText
from copydesk.hookspecs import hookimpl
from copydesk.readers import ReadOutput, Reader, ReaderError

_BLOCK_TAGS = {"h1": "headline", "h2": "subhead", "h3": "subhead", "h4": "subhead",
               "h5": "subhead", "h6": "subhead", "p": "paragraph", "li": "paragraph",
               "blockquote": "paragraph", "figcaption": "caption", "dd": "paragraph"}
_CLASS_KINDS = (("standfirst", "standfirst"), ("dek", "standfirst"), ("subtitle", "standfirst"),
                ("byline", "byline"), ("dateline", "dateline"), ("caption", "caption"))
# Not "form": some news sites wrap the whole page in one.
_SKIPPED = {"script", "style", "noscript", "template", "svg", "nav", "footer", "aside",
            "button", "select", "textarea", "iframe", "object"}
# Tags that stay inside a line of text; any other tag ends text standing loose in a <div>.
_INLINE = {"a", "abbr", "b", "bdi", "bdo", "big", "cite", "code", "del", "dfn", "em", "font",
           "i", "img", "ins", "kbd", "label", "mark", "q", "s", "samp", "small", "span",
           "strike", "strong", "sub", "sup", "time", "tt", "u", "var", "wbr"}
_LOOSE = "#text"  # the tag of an implicit paragraph: text with no block element around it
CONTENT_CHOICES = ("auto", "article", "all")
# Start tags that end an open paragraph, as in the HTML standard's tree building.
_ENDS_P = {"address", "article", "aside", "blockquote", "details", "div", "dl", "fieldset",
           "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
           "hr", "main", "menu", "nav", "ol", "p", "pre", "section", "table", "ul"}
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
    depth: int  # elements open around and including it; 0 for loose text
    pieces: list[tuple[str, int]] = field(default_factory=list)


class _Found(NamedTuple):
    kind: str
    text: str
    offsets: OffsetMap
    in_article: bool
    shown: bool  # False for the alt text of an image outside a <figure>: not on the page


@dataclass
class HtmlContent:
    """Blocks (kind, text, map into the parsed string) and metadata of an HTML text."""

    blocks: list[tuple[str, str, OffsetMap]]
    metadata: dict[str, str]


class _Extractor(HTMLParser):
    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=False)
        self._text = text
        # html.parser counts lines by "\n" only, so positions are converted the same way.
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self._open: list[_OpenBlock] = []
        # Tags of the elements open at this point: a block closes with its element, even when
        # its own end tag is missing ("<li>" left open closes with its "</ul>").
        self._elements: list[str] = []
        self._skip: list[str] = []
        self._article_depth = 0
        self._figure_depth = 0
        self._in_head = False
        self._in_title = False
        self._title: list[str] = []
        self.blocks: list[_Found] = []
        self.metadata: dict[str, str] = {}

    def _offset(self) -> int:
        line, column = self.getpos()
        return self._line_starts[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._skip:
            if tag == self._skip[-1] and tag not in _VOID:
                self._skip.append(tag)
            return
        if tag not in _INLINE:
            self._end_loose_text()
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
        elif tag == "head":
            self._in_head = True
        elif tag == "body":
            self._in_head = False
        elif tag == "meta":
            self._meta(attributes)
        elif tag == "link" and "canonical" in attributes.get("rel", "").lower():
            self.metadata.setdefault("url", attributes.get("href", ""))
        elif tag == "time" and "datetime" in attributes:
            self.metadata.setdefault("time", attributes["datetime"])
        elif tag == "img":
            self._alt_caption()
        elif tag == "br" and self._open:  # (a <br> has already ended loose text)
            self._open[-1].pieces.append(("\n", self._offset()))
        current = self._open[-1].tag if self._open else None
        if current is not None and self._elements and self._elements[-1] == current and (
                current == "p" and tag in _ENDS_P or current == tag and tag in ("li", "dd")):
            # "<p>one<p>two", "<p>text<div>", "<li>one<li>two": the open item ends here.
            self._close_element(current)
        if tag in _VOID:
            return
        self._elements.append(tag)
        kind = self._block_kind(tag, attributes)
        if kind is not None:
            self._open.append(_OpenBlock(kind, tag, self._article_depth > 0, len(self._elements)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if self._skip:
            if tag == self._skip[-1]:
                self._skip.pop()
            return
        if tag not in _INLINE:
            self._end_loose_text()
        if tag == "article":
            self._article_depth = max(0, self._article_depth - 1)
        elif tag == "figure":
            self._figure_depth = max(0, self._figure_depth - 1)
        elif tag == "title":
            self._in_title = False
        elif tag == "head":
            self._in_head = False
        self._close_element(tag)

    def _close_element(self, tag: str) -> None:
        """Close the innermost open ``tag`` element and the blocks inside it; a stray end tag
        closes nothing."""
        if tag not in self._elements:
            return
        while self._elements.pop() != tag:
            pass
        depth = len(self._elements)
        while self._open and self._open[-1].depth > depth:
            self._emit(self._open.pop())

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._in_title:
            self._title.append(data)
        elif self._open or self._starts_loose_text(data):
            self._open[-1].pieces.append((data, self._offset()))

    def handle_entityref(self, name: str) -> None:
        self._reference(f"&{name}")

    def handle_charref(self, name: str) -> None:
        self._reference(f"&#{name}")

    def _reference(self, reference: str) -> None:
        if self._skip:
            return
        start = self._offset()
        # The reference as written: html.parser leaves out its ";", and a legacy entity may have
        # none and run into the next word ("&nbspy" is a no-break space, then "y"). What
        # html.unescape leaves as it was written ("y", or all of an unknown "&Thursday") keeps
        # its own place in the file; only the decoded characters sit on the reference's "&".
        if self._text.startswith(";", start + len(reference)):
            reference += ";"
        decoded = html.unescape(reference)
        kept = _common_suffix_length(reference, decoded)
        pieces = [(piece, offset) for piece, offset in ((decoded[:len(decoded) - kept], start),
                                                        (decoded[len(decoded) - kept:],
                                                         start + len(reference) - kept)) if piece]
        if self._in_title:
            self._title.append(decoded)
        elif self._open or self._starts_loose_text(decoded):
            self._open[-1].pieces.extend(pieces)

    def parse_marked_section(self, i: int, report: int = 1) -> int:
        # "<![CDATA[" and "<![if …]>" are sections; "<![alt](x.png)" pasted from Markdown is
        # text, which the standard library refuses with an AssertionError.
        keyword = re.match(r"<!\[\s*([a-zA-Z]*)", self.rawdata[i:i + 40])
        if keyword and keyword.group(1).lower() in ("cdata", "if", "endif", "temp", "include",
                                                      "ignore", "rcdata"):
            return super().parse_marked_section(i, report)
        self.handle_data("<!")
        return i + 2

    def _starts_loose_text(self, data: str) -> bool:
        """Open an implicit paragraph for text outside any block element; whether one opened."""
        if self._in_head or not data.strip():
            return False
        self._open.append(_OpenBlock("paragraph", _LOOSE, self._article_depth > 0, 0))
        return True

    def _end_loose_text(self) -> None:
        if self._open and self._open[-1].tag == _LOOSE:
            self._emit(self._open.pop())

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
        self.blocks.append(_Found("caption", alt, offsets, self._article_depth > 0,
                                  self._figure_depth > 0))

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
        self.blocks.append(_Found(block.kind, stripped, offsets, block.in_article, True))


def _common_suffix_length(first: str, second: str) -> int:
    length = 0
    while length < min(len(first), len(second)) and first[-1 - length] == second[-1 - length]:
        length += 1
    return length


def _unescape(raw: str, start: int) -> tuple[str, OffsetMap]:
    """Decode character references in an attribute value, mapping back to ``start`` + raw position."""
    parts, pieces, position, last = [], [], 0, 0
    for reference in _REFERENCE.finditer(raw):
        written = reference.group()
        decoded = html.unescape(written)
        kept = _common_suffix_length(written, decoded)  # as in _Extractor._reference
        for chunk, offset in ((raw[last:reference.start()], last),
                              (decoded[:len(decoded) - kept], reference.start()),
                              (decoded[len(decoded) - kept:], reference.end() - kept)):
            parts.append(chunk)
            pieces.append((position, start + offset))
            position += len(chunk)
        last = reference.end()
    parts.append(raw[last:])
    pieces.append((position, start + last))
    return "".join(parts), OffsetMap(pieces)


def extract(text: str, content: str = "article") -> HtmlContent:
    """Blocks and metadata of an HTML page or fragment; maps point into ``text``.

    ``content`` chooses which blocks are the story (see the module's docstring).
    """
    parser = _Extractor(text)
    parser.feed(text)
    parser.close()
    found = sorted(parser.blocks, key=lambda block: block.offsets(0))
    story = None
    if content == "auto" and _is_page(text):
        story = _story_blocks(text, found)
    if story is None and content != "all":
        in_article = any(block.in_article for block in found)
        story = [block for block in found if block.in_article or not in_article]
    chosen = found if story is None else story
    return HtmlContent([(block.kind, block.text, block.offsets) for block in chosen], parser.metadata)


_PAGE = re.compile(r"<(?:html|body)[\s>]", re.I)
_STORY_WORD = re.compile(r"\w+")
# A block this short must be a whole line of the extractor's text to count: "Politics" in a
# menu is not the story because the story mentions politics.
_SHORT_BLOCK_WORDS = 5
# Share of a block's word triples the extractor's text must hold when it is not all there.
_MOSTLY = 0.6
# Blocks that go with the story when they stand inside it: a caption between two of its
# paragraphs, the byline under its headline. Elsewhere they belong to teasers and sidebars.
_FRAME_KINDS = {"caption", "byline", "dateline", "standfirst"}


def _is_page(text: str) -> bool:
    return _PAGE.search(text) is not None


def _words(text: str) -> str:
    """The text's words, lower-cased, one space apart: what alignment compares."""
    return " ".join(_STORY_WORD.findall(text.casefold()))


def _story_blocks(text: str, found: list[_Found]) -> list[_Found] | None:
    """The blocks of ``found`` whose words trafilatura's story text holds, the headline
    before them and the captions, bylines and datelines among them; None when it finds
    no story."""
    import trafilatura  # imported on first use: it loads lxml and its own settings

    story = trafilatura.extract(text, fast=True, include_comments=False, config=_trafilatura_config())
    if not story:
        return None
    # One line of words per line of its text (and per cell of the tables it writes as
    # "| cell | cell |"); the same string with spaces for line breaks finds a block that
    # runs over several lines. Positions agree between the two.
    lined = "\n" + "\n".join(_words(line) for line in story.replace("|", "\n").splitlines()) + "\n"
    flat = lined.replace("\n", " ")
    claimed = bytearray(len(lined))
    kept: set[int] = set()
    candidates = [(index, _words(block.text)) for index, block in enumerate(found) if block.shown]
    # Each stretch of the story's text goes to one block: whole lines first, then longer
    # blocks found inside lines, so a teaser quoting the story's opening does not take it
    # from the story's own paragraphs, and "Politics" in a menu is not the story because
    # the story mentions politics.
    for whole_line in (True, False):
        for index, words in candidates:
            if index in kept or not words:
                continue
            if whole_line:
                where = _unclaimed(lined, f"\n{words}\n", claimed)
            elif words.count(" ") >= _SHORT_BLOCK_WORDS:
                where = _unclaimed(flat, f" {words} ", claimed)
            else:
                continue
            if where is not None:
                claimed[where[0] + 1:where[1] - 1] = b"\x01" * (where[1] - where[0] - 2)
                kept.add(index)
    # Blocks the extractor kept most of, but not all ("<time>Sunday</time>" dropped), next
    # to a block already found.
    shingles = _shingles(flat.split())
    for position, (index, words) in enumerate(candidates):
        if index in kept or words.count(" ") < _SHORT_BLOCK_WORDS:
            continue
        own = _shingles(words.split())
        beside = [candidates[near][0] for near in (position - 1, position + 1)
                  if 0 <= near < len(candidates)]
        if len(own & shingles) >= _MOSTLY * len(own) and any(near in kept for near in beside):
            kept.add(index)
    body = [index for index in kept if found[index].kind not in _FRAME_KINDS | {"headline"}]
    if not body:
        return None
    substantial = [index for index in body if found[index].text.count(" ") >= _SHORT_BLOCK_WORDS]
    # The story starts at the last headline before its first real paragraph.
    first = min(substantial or body)
    headline = next((index for index in range(first - 1, -1, -1) if found[index].kind == "headline"),
                    None)
    if headline is not None:
        kept = {index for index in kept if index > headline} | {headline}
    # A caption, byline or dateline is the story's when the blocks on either side of it are.
    last = max(body)
    previous_kept = True
    for index in range(min(kept), last):
        block = found[index]
        if block.kind not in _FRAME_KINDS:
            previous_kept = index in kept
        elif previous_kept and block.shown and _next_body_kept(found, kept, index):
            kept.add(index)
    return [found[index] for index in sorted(kept)]


@lru_cache(maxsize=1)
def _trafilatura_config() -> Any:
    from trafilatura.settings import use_config

    config = use_config()
    # Below this many characters trafilatura gives up on the page's structure and returns
    # all its text on one line; a short story is still a story, in lines.
    config.set("DEFAULT", "MIN_EXTRACTED_SIZE", "1")
    return config


def _shingles(words: list[str]) -> set[tuple[str, ...]]:
    return {tuple(words[i:i + 3]) for i in range(len(words) - 2)}


def _unclaimed(haystack: str, needle: str, claimed: bytearray) -> tuple[int, int] | None:
    """The first span of ``needle`` in ``haystack`` that no other block has claimed."""
    start = haystack.find(needle)
    while start >= 0 and claimed.find(1, start, start + len(needle)) >= 0:
        start = haystack.find(needle, start + 1)
    return None if start < 0 else (start, start + len(needle))


def _next_body_kept(found: list[_Found], kept: set[int], index: int) -> bool:
    for later in range(index + 1, len(found)):
        if found[later].kind not in _FRAME_KINDS:
            return later in kept
    return False


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
    choice = (options.get("html") or {}).get("content", "auto")
    content = extract(source.text, choice)
    blocks = to_blocks(content)
    if not blocks:
        raise ReaderError(f"no story found in this page (readers: html: content: {choice}): "
                          "no headline, paragraph or caption to check")
    yield Document(source, source.path, "html", blocks, metadata_from(content, blocks))


def looks_like_html(text: str) -> bool:
    head = text.lstrip()[:500].lower()
    return head.startswith(("<!doctype html", "<html", "<article", "<p", "<h1", "<div", "<body"))


@hookimpl
def register_readers() -> list[Reader]:
    return [Reader("html", (".html", ".htm", ".xhtml"), read_html,
                   "HTML pages and fragments.", looks_like_html, options=OPTIONS)]


OPTIONS = (
    Option("content", str,
           "Which blocks of a page are the story: auto (trafilatura finds it), article "
           "(the <article> element's blocks when there is one) or all.",
           choices=CONTENT_CHOICES),
)
