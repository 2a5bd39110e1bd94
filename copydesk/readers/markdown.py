"""Markdown with optional YAML front matter.

Front matter gives the metadata (``title``/``headline``, ``date``/``published``,
``author``/``byline``, ``dateline``, ``url``, ``id``); a front-matter title is
also a headline block, located inside the front matter. In the body, ``#``
headings are the headline and ``##``… subheads, paragraphs and list items are
paragraphs, image alt text and titles are captions, and so is an italic line
right after an image (``*Smoke rises over Beirut. (AFP)*``). Raw HTML blocks are
read with the HTML reader, so ``<figure><figcaption>`` works too.

Block text is the text a reader sees: emphasis markers, link targets and
escapes are dropped, and every character still maps to its place in the file.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any, Mapping

import yaml

from copydesk.document import Block, Document, Metadata, OffsetMap, SourceText
from copydesk.hookspecs import hookimpl
from copydesk.readers import ReadOutput, Reader, ReaderError
from copydesk.readers import html as html_reader

_FRONT_MATTER = re.compile(r"---[ \t]*\r?\n(.*?)(?:\r?\n|^)(?:---|\.\.\.)[ \t]*(?:\r?\n|$)", re.S | re.M)
_FIELDS = {
    "headline": ("headline", "title"),
    "published": ("published", "date", "pubdate", "publish_date", "published_at", "datePublished"),
    "byline": ("byline", "author", "authors"),
    "dateline": ("dateline",),
    "url": ("url", "permalink", "canonical_url"),
    "id": ("id", "slug"),
}
_MIN_CAPTION_WORDS = 2
_LINE_BREAK = re.compile(r"\r\n?|\n")
_BACKTICKS = re.compile("`+")
# A link destination (<…> or bare, with balanced parentheses), then the opening of its title.
_DESTINATION_THEN_TITLE = re.compile(r"\s*(?:<[^>\n]*>|(?:\\.|[^\s()\\]|\([^\s()]*\))*)\s*([\"'(])")
# What a link title may hold that stands for another character: a backslash escape, an entity.
_ESCAPE_OR_ENTITY = re.compile(r"\\[!-/:-@\[-`{-~]|&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});"
                               r"|\r\n?|\n")


class _FrontMatterLoader(yaml.SafeLoader):
    """YAML as ``SafeLoader`` reads it, except that a date that is no calendar date (2024-13-45,
    0000-01-01) stays the text it is, for the dates check to report, instead of failing the file."""

    def construct_yaml_timestamp(self, node):
        try:
            return super().construct_yaml_timestamp(node)
        except (ValueError, OverflowError):
            return self.construct_scalar(node)


_FrontMatterLoader.add_constructor("tag:yaml.org,2002:timestamp", _FrontMatterLoader.construct_yaml_timestamp)


def _parser():
    from markdown_it import MarkdownIt  # imported here: only Markdown runs pay for it

    # Keep escapes and entities as their own tokens so they map back to their source.
    return MarkdownIt("commonmark").disable("text_join")


def _front_matter(source: SourceText) -> tuple[dict[str, Any], int, list[Block]]:
    """Front-matter fields, where the body starts, and a headline block for a title field."""
    match = _FRONT_MATTER.match(source.text)
    if not match:
        return {}, 0, []
    yaml_text, yaml_start = match.group(1), match.start(1)
    try:
        node = yaml.compose(yaml_text, Loader=yaml.SafeLoader)
        data = yaml.load(yaml_text, Loader=_FrontMatterLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        offset = yaml_start + mark.index if mark is not None else yaml_start
        raise ReaderError(f"malformed YAML front matter: {getattr(error, 'problem', error)}", offset) from None
    if data is None:
        return {}, match.end(), []
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
        raise ReaderError("front matter must be a YAML mapping", yaml_start)
    blocks = []
    for key_node, value_node in node.value:
        if key_node.value in _FIELDS["headline"] and isinstance(value_node, yaml.ScalarNode):
            quoted = 1 if value_node.style in ("'", '"') else 0
            start = yaml_start + value_node.start_mark.index + quoted
            title = str(data[key_node.value])
            if source.text.startswith(title, start):  # not folded over lines or escaped: located exactly
                blocks.append(Block("headline", title, OffsetMap.shifted(start), field=key_node.value))
            break
    return data, match.end(), blocks


def _metadata(front: dict[str, Any]) -> Metadata:
    found: dict[str, str] = {}
    used = set()
    for field, keys in _FIELDS.items():
        for key in keys:
            value = front.get(key)
            if value is None:
                continue
            if isinstance(value, (dt.date, dt.datetime)):
                value = value.isoformat()
            elif isinstance(value, list):
                value = ", ".join(str(item) for item in value)
            found[field] = str(value)
            used.add(key)
            break
    extra = {key: value for key, value in front.items() if key not in used}
    return Metadata(
        headline=found.get("headline"),
        published=found.get("published"),
        published_source="front matter" if "published" in found else None,
        byline=found.get("byline"),
        dateline=found.get("dateline"),
        url=found.get("url"),
        id=found.get("id"),
        extra=extra,
    )


class _Inline:
    """Collects the plain text of one inline run and where each piece sits in the file."""

    def __init__(self, source: str, cursor: int) -> None:
        self.source = source
        self.cursor = cursor
        self.parts: list[str] = []
        self.pieces: list[tuple[int, int]] = []
        self.length = 0

    def locate(self, raw: str) -> int:
        found = self.source.find(raw, self.cursor) if raw else -1
        return self.cursor if found < 0 else found

    def add(self, text: str, raw: str | None = None) -> None:
        at = self.locate(text if raw is None else raw)
        self.pieces.append((self.length, at))
        self.parts.append(text)
        self.length += len(text)
        self.cursor = at + len(text if raw is None else raw)

    def add_line_break(self) -> None:
        """A soft or hard line break: "\n" in the text, on the file's own line break (CR, LF, CRLF)."""
        found = _LINE_BREAK.search(self.source, self.cursor)
        at = found.start() if found else self.cursor
        self.pieces.append((self.length, at))
        self.parts.append("\n")
        self.length += 1
        self.cursor = found.end() if found else self.cursor

    def add_mapped(self, text: str, pieces: list[tuple[int, int]], end: int) -> None:
        """Text whose characters sit at ``pieces`` (positions in ``text``, file offsets); the file
        continues at ``end``."""
        self.pieces.extend((self.length + position, offset) for position, offset in pieces)
        self.parts.append(text)
        self.length += len(text)
        self.cursor = end

    def add_code(self, token) -> None:
        """An inline code span: its text is the file's, less the backticks, with each line break
        read as a space and one space trimmed from each end when both have one (CommonMark)."""
        run = len(token.markup)
        opening = self.source.find(token.markup, self.cursor)
        closing = _backtick_run(self.source, opening + run, run) if opening >= 0 else -1
        if closing < 0:
            self.add(token.content)
            return
        chars, offsets = [], []
        for match in re.finditer(r"\r\n?|\n|[^\r\n]+", self.source[opening + run:closing]):
            piece = match.group()
            start = opening + run + match.start()
            if piece[0] in "\r\n":
                chars.append(" ")
                offsets.append(start)
            else:
                chars.extend(piece)
                offsets.extend(range(start, start + len(piece)))
        text = "".join(chars)
        if len(text) > 1 and text[0] == " " and text[-1] == " " and text.strip(" "):
            text, offsets = text[1:-1], offsets[1:-1]
        if text != token.content:
            self.add(token.content)
            return
        self.add_mapped(text, _pieces(offsets), closing + run)

    def skip_link_target(self) -> None:
        rest = self.source[self.cursor:self.cursor + 2]
        if rest == "](":
            depth, position = 0, self.cursor + 1
            while position < len(self.source):
                char = self.source[position]
                depth += char == "("
                depth -= char == ")"
                position += 1
                if depth == 0:
                    break
            self.cursor = position
        elif rest == "][":
            self.cursor = self.source.find("]", self.cursor + 2) + 1 or self.cursor
        elif rest[:1] in ("]", ">"):
            self.cursor += 1

    def block(self, kind: str) -> Block | None:
        text = "".join(self.parts)
        stripped = text.strip()
        if not stripped:
            return None
        lead = len(text) - len(text.lstrip())
        offsets = OffsetMap.shifted(lead).then(OffsetMap(self.pieces), len(stripped))
        return Block(kind, stripped, offsets)


def _backtick_run(source: str, start: int, run: int) -> int:
    """Where the first run of exactly ``run`` backticks from ``start`` begins, or -1."""
    for match in _BACKTICKS.finditer(source, start):
        if len(match.group()) == run:
            return match.start()
    return -1


def _pieces(offsets: list[int]) -> list[tuple[int, int]]:
    """The pieces of an offset map from the file offset of every character."""
    pieces = []
    for position, offset in enumerate(offsets):
        if not pieces or offset != offsets[position - 1] + 1:
            pieces.append((position, offset))
    return pieces


def _image_captions(source: str, image, cursor: int) -> tuple[list[Block], int]:
    """Caption blocks for an image's alt text and title; the cursor moves past the image."""
    captions = []
    open_at = source.find("![", cursor)
    if open_at < 0:
        return captions, cursor
    alt = _Inline(source, open_at + 2)
    _collect(alt, image.children or [])
    alt_block = alt.block("caption")
    if alt_block is not None and len(alt_block.text.split()) >= _MIN_CAPTION_WORDS:
        captions.append(alt_block)
    target = source.find("](", alt.cursor)
    end = source.find(")", target) + 1 if target >= 0 else alt.cursor
    title = image.attrs.get("title") or ""
    if target >= 0 and len(title.split()) >= _MIN_CAPTION_WORDS and title != image.content:
        located = _title(source, target + 2, title)
        if located is not None:
            captions.append(located)
            end = source.find(")", located.end) + 1 or end
    return captions, max(end, cursor)


def _title(source: str, start: int, title: str) -> Block | None:
    """The caption block of an image's title, decoded from the file after the destination at
    ``start`` (escapes and entities map to their first character); None if it is not there."""
    opening = _DESTINATION_THEN_TITLE.match(source, start)
    if opening is None:
        return None
    closer = {'"': '"', "'": "'", "(": ")"}[opening.group(1)]
    chars, offsets, position = [], [], opening.end()
    while position < len(source) and source[position] != closer:
        special = _ESCAPE_OR_ENTITY.match(source, position)
        raw = special.group() if special else source[position]
        if special is None:
            decoded = raw
        elif raw[0] in "\r\n":
            decoded = "\n"
        else:
            decoded = raw[1] if raw[0] == "\\" else html.unescape(raw)
        chars.append(decoded)
        offsets.extend([position] * len(decoded))
        position += len(raw)
    text = "".join(chars)
    if text != title:
        return None
    lead = len(text) - len(text.lstrip())
    stripped = text.strip()
    offsets = offsets[lead:lead + len(stripped)]
    return Block("caption", stripped, OffsetMap(_pieces(offsets)))


def _collect(collected: _Inline, children) -> tuple[list[Block], bool]:
    """Reads inline tokens into ``collected``: the captions of their images, and whether all
    their text is inside *emphasis*."""
    captions: list[Block] = []
    emphasis_depth = 0
    emphasised = plain = False  # whether the text is all inside *emphasis*
    for child in children:
        kind_of = child.type
        if kind_of in ("text", "code_inline", "text_special"):
            if child.content.strip():
                emphasised |= emphasis_depth > 0
                plain |= emphasis_depth == 0
            if kind_of == "code_inline":
                collected.add_code(child)
            else:
                collected.add(child.content, child.markup if kind_of == "text_special" else None)
        elif kind_of in ("softbreak", "hardbreak"):
            collected.add_line_break()
        elif kind_of == "image":
            image_captions, collected.cursor = _image_captions(collected.source, child, collected.cursor)
            captions.extend(image_captions)
        elif kind_of == "html_inline":
            collected.cursor = collected.locate(child.content) + len(child.content)
        elif kind_of == "em_open":
            emphasis_depth += 1
        elif kind_of == "em_close":
            emphasis_depth -= 1
        elif kind_of == "link_close":
            collected.skip_link_target()
    return captions, emphasised and not plain


def _inline_blocks(source: SourceText, inline, kind: str, after_image: bool) -> tuple[list[Block], bool]:
    """Blocks of one paragraph or heading, and whether it held an image."""
    collected = _Inline(source.text, source.offset_of_line(inline.map[0] + 1))
    captions, emphasised = _collect(collected, inline.children or [])
    has_image = any(child.type == "image" for child in inline.children or [])
    if kind == "paragraph" and emphasised and (has_image or after_image):
        kind = "caption"
    block = collected.block(kind)
    return captions + ([block] if block else []), has_image


def read_markdown(source: SourceText, options: Mapping[str, Any]) -> ReadOutput:
    front, body_start, blocks = _front_matter(source)
    metadata = _metadata(front)
    # Blank out the front matter line for line, so the parser's line numbers are the file's.
    lines_before = source.position(body_start)[0] - 1
    tokens = _parser().parse("\n" * lines_before + source.text[body_start:])
    headline = metadata.headline
    after_image = False
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            inline = tokens[index + 1]
            kind = "subhead"
            if token.tag == "h1" and (headline is None or " ".join(inline.content.split()) == " ".join(headline.split())):
                kind = "headline"
                headline = headline or inline.content
            new_blocks, after_image = _inline_blocks(source, inline, kind, False)
        elif token.type == "paragraph_open":
            new_blocks, has_image = _inline_blocks(source, tokens[index + 1], "paragraph", after_image)
            after_image = has_image and all(b.kind == "caption" for b in new_blocks)
        elif token.type == "html_block":
            start = source.offset_of_line(token.map[0] + 1)
            end = source.offset_of_line(token.map[1] + 1) if token.map[1] < source.last_line else len(source.text)
            content = html_reader.extract(source.text[start:end])
            new_blocks = html_reader.to_blocks(content, OffsetMap.shifted(start))
            after_image = False
        else:
            continue
        blocks.extend(new_blocks)
    if metadata.headline is None:
        metadata.headline = headline
    yield Document(source, source.path, "markdown", blocks, metadata)


def looks_like_markdown(text: str) -> bool:
    return bool(_FRONT_MATTER.match(text)) or text.lstrip().startswith("# ")


@hookimpl
def register_readers() -> list[Reader]:
    return [Reader("markdown", (".md", ".markdown", ".mdown", ".mkd"), read_markdown,
                   "Markdown with optional YAML front matter.", looks_like_markdown)]
