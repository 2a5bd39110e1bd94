"""The story of a ``POST /api/v1/check`` request: a body in one format, and optional fields.

A CMS keeps the headline and the captions in fields of their own. When a request sends
them, they are checked as one story with the body, and positions count in one text laid
out as: the headline, a blank line, each caption followed by a blank line, then the body —
``"\\n\\n".join([headline, *captions, body])``, leaving out what was not sent. Without
them, positions count in the body as sent.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Mapping

from copydesk.document import Block, Document, Metadata, OffsetMap, SourceText
from copydesk.readers import Reader, ReaderError

if TYPE_CHECKING:
    from copydesk.engine import Engine

BODY_FORMATS = {"text": "text", "markdown": "markdown", "html": "html"}
SEPARATOR = "\n\n"
MAX_CAPTIONS = 200


class RequestError(ValueError):
    """A request that does not describe a story; the message says why (HTTP 400)."""


@dataclass(frozen=True)
class Story:
    body: str
    body_format: str
    headline: str | None
    captions: tuple[str, ...]
    published: str | None
    path: str = "<request>"

    @property
    def prefix(self) -> str:
        fields = [field for field in (self.headline, *self.captions) if field is not None]
        return "".join(field + SEPARATOR for field in fields)

    @property
    def source(self) -> str:
        return self.prefix + self.body

    def reader(self, engine: Engine) -> Reader:
        """A reader for :attr:`source`: the body's own reader, with the fields as blocks before it."""
        body_reader = engine.registry.readers[self.body_format]

        def read(source: SourceText, options: Mapping[str, Any]):
            prefix = len(self.prefix)
            fields: list[Block] = []
            position = 0
            for kind, text in [("headline", self.headline)] + [("caption", c) for c in self.captions]:
                if text is None:
                    continue
                lead = len(text) - len(text.lstrip())
                if text.strip():
                    fields.append(Block(kind, text.strip(), OffsetMap.shifted(position + lead)))
                position += len(text) + len(SEPARATOR)
            body_source = SourceText(source.path, self.body)
            shift = OffsetMap.shifted(prefix)
            body: list[Block] = []
            first: Document | None = None
            for item in body_reader.read(body_source, options):
                if isinstance(item, ReaderError):
                    if item.offset is not None:
                        item.offset += prefix
                    yield item
                    continue
                # A request is one story: the text reader may split a body at two blank lines.
                first = first or item
                for block in item.blocks:
                    block.offsets = block.offsets.then(shift, len(block.text)) if prefix else block.offsets
                    if self.headline is not None and block.kind == "headline":
                        block.kind = "paragraph"  # the field is the headline, not the body's first line
                    body.append(block)
            if first is None and not fields:
                return
            metadata = first.metadata if first is not None else Metadata()
            if self.headline is not None:
                metadata.headline = self.headline.strip() or None
            if self.published and not metadata.published:
                metadata.published, metadata.published_source = self.published, "request"
            yield Document(source, source.path, first.format if first else body_reader.name, fields + body, metadata)

        return Reader("request", (), read)


def plain_text(text: str) -> Story:
    """A plain-text body alone, as LanguageTool's clients send copy."""
    return Story(text, "text", None, (), None)


def story_from_request(data: Mapping[str, Any]) -> Story:
    """The story a native-API request describes; RequestError says what is wrong with it."""
    given = [key for key in BODY_FORMATS if key in data]
    if len(given) != 1:
        raise RequestError("send the copy as exactly one of 'text', 'markdown' or 'html'")
    body = data[given[0]]
    if not isinstance(body, str):
        raise RequestError(f"'{given[0]}' must be a string")
    headline = data.get("headline")
    if headline is not None and not isinstance(headline, str):
        raise RequestError("'headline' must be a string")
    captions = data.get("captions", [])
    if not isinstance(captions, list) or not all(isinstance(c, str) for c in captions):
        raise RequestError("'captions' must be a list of strings")
    if len(captions) > MAX_CAPTIONS:
        raise RequestError(f"at most {MAX_CAPTIONS} captions")
    published = data.get("published")
    if published is not None:
        try:
            published = dt.date.fromisoformat(published).isoformat()
        except (TypeError, ValueError):
            raise RequestError("'published' must be a date as YYYY-MM-DD") from None
    return Story(body, BODY_FORMATS[given[0]], headline, tuple(captions), published)
