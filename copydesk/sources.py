"""From command-line paths to decoded texts: discovery, size limits, binary files, encodings."""

from __future__ import annotations

import codecs
import os
import sys
from dataclasses import dataclass
from typing import Iterable, Iterator

from copydesk.document import SourceText

STDIN = "-"
_SKIPPED_DIRS = {"node_modules", "__pycache__", "venv", "site-packages"}
# UTF-32 first: its little-endian mark begins with UTF-16's.
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
         (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
# Every byte-order mark decode() strips before the text (UTF-8's by "utf-8-sig").
BYTE_ORDER_MARKS = frozenset({codecs.BOM_UTF8, *(bom for bom, _ in _BOMS)})


@dataclass(frozen=True)
class InputProblem:
    """A file that could not be (fully) checked. ``fatal`` problems make the exit code 2."""

    path: str
    message: str
    line: int | None = None
    column: int | None = None
    fatal: bool = True

    def __str__(self) -> str:
        where = self.path
        if self.line is not None:
            where += f":{self.line}:{self.column or 1}"
        return f"{where}: {'error' if self.fatal else 'note'}: {self.message}"


def expand(paths: Iterable[str], extensions: Iterable[str]) -> Iterator[str | InputProblem]:
    """Files to read, in a stable order: named files as given, folders walked for known extensions."""
    known = tuple(ext.lower() for ext in extensions)
    for path in paths:
        if path == STDIN or os.path.isfile(path):
            yield path
        elif os.path.isdir(path):
            found = False
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in _SKIPPED_DIRS)
                for name in sorted(files):
                    if not name.startswith(".") and name.lower().endswith(known):
                        found = True
                        yield os.path.join(root, name)
            if not found:
                yield InputProblem(path, f"no files to check here (looked for {', '.join(known)})",
                                   fatal=False)
        else:
            yield InputProblem(path, "no such file or directory")


Loaded = tuple[SourceText | None, InputProblem | None]


def load(path: str, max_bytes: int) -> Loaded:
    """The decoded text of a file (``-``: standard input), and a problem or note about it.

    The text is None when the file cannot be checked; a note accompanies a text
    that was read all the same (a fallback encoding).
    """
    try:
        if path == STDIN:
            data = sys.stdin.buffer.read()
        else:
            size = os.path.getsize(path)
            if size > max_bytes:
                return None, InputProblem(path, f"file too large to check ({size / 1e6:.1f} MB; the "
                                                f"limit is {max_bytes / 1e6:g} MB, set files: max_size_mb)")
            with open(path, "rb") as handle:
                data = handle.read()
    except OSError as error:
        return None, InputProblem(path, f"cannot read: {error.strerror or error}")
    return decode("<stdin>" if path == STDIN else path, data)


def decode(path: str, data: bytes) -> Loaded:
    if not data.strip():
        return None, InputProblem(path, "empty file, nothing to check", fatal=False)
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return SourceText(path, data[len(bom):].decode(encoding), encoding), None
            except UnicodeDecodeError as error:
                return None, InputProblem(path, f"not valid {encoding.upper()} text ({error.reason})")
    if b"\x00" in data[:8192]:
        return None, InputProblem(path, "binary file, not text; skipped")
    try:
        return SourceText(path, data.decode("utf-8-sig"), "utf-8"), None
    except UnicodeDecodeError as error:
        bad = error.start
    # Windows-1252 leaves five bytes undefined; Latin-1 decodes anything.
    encoding, name = ("cp1252", "Windows-1252")
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        encoding, name = "latin-1", "Latin-1"
        text = data.decode(encoding)
    line = data.count(b"\n", 0, bad) + 1
    note = InputProblem(path, f"not valid UTF-8 (byte 0x{data[bad]:02x} on line {line}); read as {name}",
                        fatal=False)
    return SourceText(path, text, encoding), note


def write_atomically(path: str, data: bytes) -> None:
    """Replace ``path`` by ``data`` all at once: a temporary file beside it, renamed over it.

    A reader never sees half a file, and a failure leaves the old one. An
    existing file keeps its permissions; a new one gets what the umask allows,
    as with a plain ``open`` (not the temporary file's owner-only mode).
    """
    import tempfile

    folder = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".copydesk-", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        if os.path.exists(path):
            os.chmod(temporary, os.stat(path).st_mode & 0o7777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise
