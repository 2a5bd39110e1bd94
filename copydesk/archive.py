"""What an archive audit reads: folders, globs, compressed files, ZIP archives, record dumps and WARC files,
cut into *units* small enough to check on any core and to cache.

A unit is the bytes of one file, one ZIP member, one WARC response, or a chunk of
consecutive records of a JSONL or CSV dump (with the line it starts on, so
positions still count from the top of the dump). Units are produced lazily, one
at a time, so memory does not grow with the archive.

Everything is read through :class:`copydesk.sources.Bounded`: a file, a
decompressed file or ZIP member, each record of a JSONL or CSV dump and each
WARC record get at most ``max_size_mb``, counted as the bytes come, so a small
compressed file that expands to gigabytes is stopped at the limit. Dumps and
WARC files are archives, commonly larger than any story, so the limit applies to
their records and memory stays flat however long they are: a unit holds at most
``records_per_unit`` records or about UNIT_BYTES of them. A record over the
limit (a CSV cell whose quote never closes, a line of zeros), or damaged
compressed data, stops the dump there: the records before it are kept and a
problem says on which line it stopped.
"""

from __future__ import annotations

import bz2
import glob
import gzip
import os
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO

from copydesk.sources import Bounded, InputProblem, TooLarge, expand, open_regular

# What a damaged compressed file or ZIP member raises while it is read.
DAMAGED = (EOFError, zlib.error, gzip.BadGzipFile, zipfile.BadZipFile, OSError)

COMPRESSED = {".gz": gzip.open, ".bz2": bz2.open}
RECORD_FORMATS = (".jsonl", ".ndjson", ".csv")
WARC = (".warc", ".arc")
ARCHIVE_EXTENSIONS = (*COMPRESSED, ".zip", *WARC)
UNIT_BYTES = 4_000_000  # a chunk of records is cut here too, so that units of long records stay small


@dataclass
class Unit:
    """Bytes to check as one source text; ``name`` is the path findings report."""

    name: str
    data: bytes
    reader_path: str  # the name whose extension picks the reader (without .gz/.bz2)
    first_line: int = 1
    first_offset: int = 0  # characters before ``data`` in the decoded file, for reported offsets
    header: tuple[str, ...] = ()  # a CSV chunk's column names
    url: str | None = None  # a WARC response's target URI
    notes: list[str] = field(default_factory=list)


def _inner(name: str) -> tuple[str, str | None]:
    """(name without a compression suffix, the suffix or None)."""
    lowered = name.lower()
    for suffix in COMPRESSED:
        if lowered.endswith(suffix):
            return name[: -len(suffix)], suffix
    return name, None


def files(paths: Iterable[str], extensions: Iterable[str]) -> Iterator[str | InputProblem]:
    """Files named, found in folders (for readable or archive extensions), or matched by glob patterns."""
    known = tuple(extensions)
    wanted = (*known, *RECORD_FORMATS, *WARC, ".zip",
              *(ext + suffix for ext in (*known, *RECORD_FORMATS, *WARC) for suffix in COMPRESSED))
    for path in paths:
        if not os.path.exists(path) and glob.has_magic(path):
            matches = sorted(glob.glob(path, recursive=True))
            if not matches:
                yield InputProblem(path, "no file matches this pattern")
            yield from expand(matches, wanted)
        else:
            yield from expand([path], wanted)


def units(paths: Iterable[str], extensions: Iterable[str], *, max_bytes: int,
          records_per_unit: int) -> Iterator[Unit | InputProblem]:
    for path in files(paths, extensions):
        if isinstance(path, InputProblem):
            yield path
            continue
        inner, suffix = _inner(path)
        is_archive = path.lower().endswith(ARCHIVE_EXTENSIONS)
        try:
            with open_regular(path) as handle:
                if path.lower().endswith(".zip"):
                    yield from _zip(path, handle, max_bytes, records_per_unit)
                elif suffix and not _is_warc(inner):
                    with COMPRESSED[suffix](handle, "rb") as stream:
                        yield from _stream(path, inner, stream, max_bytes, records_per_unit)
                elif not _is_archive_format(inner) and os.fstat(handle.fileno()).st_size > max_bytes:
                    yield InputProblem(path, f"{TooLarge(max_bytes)}; not checked")
                else:
                    yield from _stream(path, inner, handle, max_bytes, records_per_unit)
        except (*DAMAGED, ValueError) as error:
            yield InputProblem(path, f"cannot read {'this archive' if is_archive else 'this file'}: "
                                     f"{getattr(error, 'strerror', None) or error}")


def _zip(path: str, handle: IO[bytes], max_bytes: int, records_per_unit: int) -> Iterator[Unit | InputProblem]:
    with zipfile.ZipFile(handle) as archive:
        for member in archive.infolist():
            if member.is_dir() or os.path.basename(member.filename).startswith("."):
                continue
            name = f"{path}!/{member.filename}"
            inner, suffix = _inner(member.filename)
            if member.file_size > max_bytes and not _is_archive_format(inner):  # before decompressing anything
                yield InputProblem(name, f"{TooLarge(max_bytes)} ({member.file_size / 1e6:,.0f} MB once "
                                         "decompressed); not checked")
                continue
            try:
                with archive.open(member) as raw:
                    stream = COMPRESSED[suffix](raw) if suffix and not _is_warc(inner) else raw
                    yield from _stream(name, inner, stream, max_bytes, records_per_unit)
            except DAMAGED as error:  # one damaged member: the others are still read
                yield InputProblem(name, f"cannot read this archive member: {error}")


def _is_archive_format(name: str) -> bool:
    """A record dump or a WARC file: ``max_size_mb`` bounds each of its records, not the whole."""
    return name.lower().endswith((*RECORD_FORMATS, *WARC))


def _is_warc(name: str) -> bool:
    # warcio reads a .warc.gz itself, record by record, and so survives a damaged record.
    return name.lower().endswith(WARC)


def _stream(name: str, inner: str, stream: IO[bytes], max_bytes: int,
            records_per_unit: int) -> Iterator[Unit | InputProblem]:
    lowered = inner.lower()
    if _is_warc(lowered):
        yield from _warc(name, stream, max_bytes)
    elif lowered.endswith(RECORD_FORMATS):
        yield from _records(name, inner, Bounded(stream, max_bytes), records_per_unit, csv=lowered.endswith(".csv"))
    else:
        try:
            yield Unit(name, Bounded(stream, max_bytes).read(), inner)
        except TooLarge as error:
            yield InputProblem(name, f"{error}; not checked")


def _records(name: str, inner: str, stream: Bounded, per_unit: int, csv: bool) -> Iterator[Unit | InputProblem]:
    """Chunks of whole records; a line that is not UTF-8 is reported and left blank, keeping line numbers.

    When the dump turns out too large, or its compressed data damaged, the records
    read until then are kept and a problem says where reading stopped.
    """
    header: tuple[str, ...] = ()
    chunk: list[bytes] = []
    chunk_bytes = records = checked = complete = 0  # complete: lines of the chunk that end a whole record
    first_line = line_number = record_line = 1  # record_line: where the record being read starts
    first_offset = offset = 0
    open_quote = False  # inside a quoted CSV cell that spans lines
    lines = iter(stream)
    stopped = None
    while True:
        try:
            raw = next(lines, None)
        except TooLarge as error:
            stopped = f"the record on line {record_line} is {error}; stopped reading there"
            break
        except DAMAGED as error:
            stopped = f"the compressed data is damaged or cut short at line {line_number} ({error})"
            break
        if raw is None:
            break
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            yield InputProblem(name, f"not valid UTF-8 (byte 0x{raw[error.start]:02x} at column "
                                     f"{len(raw[:error.start].decode('utf-8', 'replace')) + 1}); record skipped",
                               line_number)
            text = "\n"
            raw = b"\n"
        if csv and line_number == 1:
            header = _csv_header(text)
            first_line, first_offset = 2, len(text)
            line_number, offset = 2, len(text)
            record_line = 2
            stream.restart()
            continue
        chunk.append(raw)
        chunk_bytes += len(raw)
        line_number += 1
        offset += len(text)
        if csv:
            open_quote ^= text.count('"') % 2 == 1
        if not open_quote:
            records += 1
            record_line, complete = line_number, len(chunk)
            stream.restart()
            if records >= per_unit or chunk_bytes >= UNIT_BYTES:
                yield Unit(name, b"".join(chunk), inner, first_line, first_offset, header)
                checked += records
                chunk, chunk_bytes, records, complete = [], 0, 0, 0
                first_line, first_offset = line_number, offset
    if stopped:
        del chunk[complete:]  # a record the stop cut off is not read by halves
    if chunk:
        yield Unit(name, b"".join(chunk), inner, first_line, first_offset, header)
        checked += records
    if stopped:
        yield InputProblem(name, f"{stopped}; the {checked:,} records before it were read", record_line)


def _csv_header(line: str) -> tuple[str, ...]:
    """Column names, read by the same cell scanner as the rows."""
    from copydesk.readers.csv_records import rows

    first = next(rows(line), None)
    return tuple(str(cell) for cell in first[1]) if first else ()


def _warc(name: str, stream: IO[bytes], max_bytes: int) -> Iterator[Unit | InputProblem]:
    try:
        from warcio.archiveiterator import ArchiveIterator
        from warcio.exceptions import ArchiveLoadFailed
    except ImportError:
        yield InputProblem(name, "reading WARC files needs warcio: pip install 'copydesk[archives]'")
        return
    number = 0
    try:
        for record in ArchiveIterator(stream):
            number += 1
            if record.rec_type != "response" or record.http_headers is None:
                continue
            content_type = (record.http_headers.get_header("Content-Type") or "").lower()
            if "html" not in content_type:
                continue
            url = record.rec_headers.get_header("WARC-Target-URI")
            try:
                data = Bounded(record.content_stream(), max_bytes).read()
            except TooLarge as error:
                yield InputProblem(f"{name}#{number}", f"record {number} ({url}) is {error}; not checked")
                continue
            except Exception as error:  # a damaged record (bad chunking, truncated gzip member)
                yield InputProblem(f"{name}#{number}", f"record {number} ({url}) cannot be read: {error}")
                continue
            yield Unit(f"{name}#{number}", data, "page.html", url=url)
    except ArchiveLoadFailed as error:
        yield InputProblem(name, f"record {number + 1}: not a valid WARC record ({error}); the rest is skipped")
