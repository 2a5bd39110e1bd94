"""CSV dumps from a CMS or a data desk: a header row, then one story per row.

Column names come from ``rules.yaml`` (``readers: csv: fields:``). Cells are
scanned here rather than with the ``csv`` module because every cell must know
its exact span in the file (quoted cells, doubled quotes and line breaks
inside cells included) so findings point at the characters on disk.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from copydesk.checking import Option
from copydesk.document import OffsetMap, SourceText
from copydesk.hookspecs import hookimpl
from copydesk.readers import ReadOutput, Reader, ReaderError
from copydesk.readers.cms_json import record_document
from copydesk.readers.jsonspan import JsonString


class CsvCell(JsonString):
    """A cell's value with the map from its characters to the file."""

    _map: OffsetMap

    def offsets(self) -> OffsetMap:
        return self._map


def _cell(value: str, pieces: list[tuple[int, int]]) -> CsvCell:
    cell = CsvCell(value)
    cell._map = OffsetMap(pieces)
    cell.raw_start = pieces[0][1]
    return cell


def rows(text: str) -> Iterator[tuple[int, list[CsvCell]]]:
    """(offset of the row, its cells) for each row of ``text``; a bad row raises ReaderError at its offset."""
    position, end = 0, len(text)
    while position < end:
        row_start, cells = position, []
        while True:
            if position < end and text[position] == '"':
                position += 1
                pieces, value, length = [(0, position)], [], 0
                while True:
                    quote = text.find('"', position)
                    if quote < 0:
                        raise ReaderError("a quoted cell is never closed", row_start)
                    if text.startswith('""', quote):  # a doubled quote stands for one
                        value.append(text[position:quote + 1])
                        length += quote + 1 - position
                        position = quote + 2
                        pieces.append((length, position))
                        continue
                    value.append(text[position:quote])
                    position = quote + 1
                    break
                cells.append(_cell("".join(value), pieces))
            else:
                stop = position
                while stop < end and text[stop] not in ',\r\n':
                    stop += 1
                cells.append(_cell(text[position:stop], [(0, position)]))
                position = stop
            if position < end and text[position] == ",":
                position += 1
                continue
            if text.startswith("\r\n", position):
                position += 2
            elif position < end and text[position] in "\r\n":
                position += 1
            elif position < end:
                raise ReaderError("unexpected text after a quoted cell", position)
            break
        yield row_start, cells


def read_rows(source: SourceText, options: Mapping[str, Any], header: Sequence[str] | None = None) -> ReadOutput:
    """The stories in the rows of ``source``, named ``path#LINE``; without ``header`` the first row is it."""
    fields = {**_DEFAULT_FIELDS, **options.get("csv", {}).get("fields", {})}
    try:
        for row_start, cells in rows(source.text):
            if header is None:
                header = [str(cell) for cell in cells]
                continue
            if len(cells) == 1 and not cells[0].strip():
                continue
            line = source.position(row_start)[0]
            if len(cells) != len(header):
                yield ReaderError(f"line {line}: {len(cells)} cells where the header has {len(header)}", row_start)
                continue
            record = dict(zip(header, cells))
            yield record_document(source, f"{source.path}#{line}", record, options, row_start, fields, "csv")
    except ReaderError as error:
        line = source.position(error.offset or 0)[0]
        yield ReaderError(f"line {line}: {error.message}; the rest of the file is not read", error.offset)


def read_csv(source: SourceText, options: Mapping[str, Any]) -> ReadOutput:
    return read_rows(source, options)


_DEFAULT_FIELDS = {"headline": "headline", "body": "body", "captions": "captions", "published": "published",
                   "url": "url", "id": "id", "byline": "byline"}
OPTIONS = (Option("fields", dict[str, str],
                  "Column of each story field: headline, body, captions, published, url, id, byline."),)


@hookimpl
def register_readers() -> list[Reader]:
    return [Reader("csv", (".csv",), read_csv, "CMS or data-desk dump: a header row, one story per row.",
                   options=OPTIONS)]
