"""JSON and JSONL exports from a CMS.

A ``.json`` file holds one story (an object) or many (an array of objects, or an
object with the array under ``records_key``); a ``.jsonl`` file holds one story
per line. Field names come from ``rules.yaml`` (``readers: json: fields:``),
dotted for nested objects (``content.body``). A body may be plain text
(paragraphs separated by blank lines), HTML, or a list of paragraphs. A bad
line or record is reported with its position and the rest are still read.
"""

from __future__ import annotations

import re
from typing import Any, Mapping

from copydesk.checking import Option
from copydesk.document import Block, Document, Metadata, OffsetMap, SourceText
from copydesk.hookspecs import hookimpl
from copydesk.readers import ReadOutput, Reader, ReaderError, document_ids
from copydesk.readers import html as html_reader
from copydesk.readers import plaintext
from copydesk.readers.jsonspan import JsonError, JsonString, parse

_HTML_BODY = re.compile(r"<(?:p|div|h[1-6]|figure|figcaption|br|ul|ol|blockquote)\b[^>]*>", re.I)
_LINE = re.compile(r"[^\n]*\n?")


def _field(record: Mapping[str, Any], path: str) -> Any:
    value: Any = record
    for part in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def _string_block(kind: str, value: Any, field: str | None = None) -> list[Block]:
    if not isinstance(value, str) or not value.strip():
        return []
    lead = len(value) - len(value.lstrip())
    text = value.strip()
    offsets = OffsetMap.shifted(lead)
    if isinstance(value, JsonString):
        offsets = offsets.then(value.offsets(), len(text))
    return [Block(kind, text, offsets, field=field)]


def _body_blocks(body: Any, options: Mapping[str, Any]) -> list[Block]:
    if isinstance(body, list):
        return [block for item in body for block in _string_block("paragraph", item)]
    if not isinstance(body, JsonString):
        return []
    if _HTML_BODY.search(body):
        return html_reader.to_blocks(html_reader.extract(body), body.offsets())
    layout = plaintext.layout_from(options.get("text", {}))
    blocks = []
    for article in plaintext.segment(body, layout, headline_first=False, split_articles=False):
        blocks.extend(plaintext.blocks_from(body, article, body.offsets()))
    return blocks


def _captions(value: Any, field: str) -> list[Block]:
    items = value if isinstance(value, list) else [value]
    blocks = []
    for item in items:
        if isinstance(item, Mapping):
            item = item.get("caption") or item.get("text")
        blocks.extend(_string_block("caption", item, field))
    return blocks


def record_document(source: SourceText, doc_id: str, record: Any, options: Mapping[str, Any],
                    offset: int, fields: Mapping[str, str] | None = None, fmt: str = "json"
                    ) -> Document | ReaderError:
    """The story in one record (a JSON object, a CSV row) whose strings know their file spans."""
    fields = options.get("json", {}).get("fields", {}) if fields is None else fields
    if not isinstance(record, dict):
        return ReaderError(f"{doc_id}: expected a JSON object, found {type(record).__name__}", offset)
    body_field = fields.get("body", "body")
    body = _field(record, body_field)
    if body is None:
        return ReaderError(f"{doc_id}: no {body_field!r} field", offset)
    headline_field = fields.get("headline", "headline")
    captions_field = fields.get("captions", "captions")
    headline = _field(record, headline_field)
    blocks = _string_block("headline", headline, headline_field)
    blocks += _captions(_field(record, captions_field), captions_field)
    blocks += _body_blocks(body, options)
    published = _field(record, fields.get("published", "published"))

    def text_of(name: str) -> str | None:
        value = _field(record, fields.get(name, name))
        return None if value is None else str(value)

    metadata = Metadata(
        headline=str(headline) if isinstance(headline, str) else None,
        published=None if published is None else str(published),
        published_source="json field" if published is not None else None,
        byline=text_of("byline"),
        url=text_of("url"),
        id=text_of("id"),
    )
    return Document(source, doc_id, fmt, blocks, metadata)


def read_json(source: SourceText, options: Mapping[str, Any]) -> ReadOutput:
    try:
        value = parse(source.text)
    except JsonError as error:
        raise ReaderError(f"malformed JSON: {error.message}", error.offset) from None
    records_key = options.get("json", {}).get("records_key", "items")
    if isinstance(value, dict) and isinstance(value.get(records_key), list):
        value = value[records_key]
    records = value if isinstance(value, list) else [value]
    for record, doc_id in zip(records, document_ids(source.path, len(records))):
        offset = min((v.raw_start for v in record.values() if isinstance(v, JsonString)), default=0) \
            if isinstance(record, dict) else 0
        yield record_document(source, doc_id, record, options, offset)


def read_jsonl(source: SourceText, options: Mapping[str, Any]) -> ReadOutput:
    text = source.text
    for number, line in enumerate(_LINE.finditer(text), start=source.first_line):
        start = line.start()
        end = start + len(line.group().rstrip("\r\n"))  # a problem at the end of a line is on that line
        if not text[start:end].strip():
            continue
        doc_id = f"{source.path}#{number}"
        try:
            record = parse(text, start, end)
        except JsonError as error:  # the problem's position names the line
            yield ReaderError(f"malformed JSON: {error.message}", min(error.offset, end))
            continue
        yield record_document(source, doc_id, record, options, start)


def looks_like_json(text: str) -> bool:
    return text.lstrip()[:1] in ("{", "[")


@hookimpl
def register_readers() -> list[Reader]:
    return [
        Reader("json", (".json",), read_json, "CMS export: one story or an array of stories.",
               looks_like_json, OPTIONS),
        Reader("jsonl", (".jsonl", ".ndjson"), read_jsonl, "CMS export: one story per line."),
    ]


OPTIONS = (
    Option("fields", dict[str, str],
           "Field of each story (dotted for nested ones): headline, body, captions, published, url, "
           "id, byline."),
    Option("records_key", str, "In a .json file holding an object, the key of its array of stories."),
)
