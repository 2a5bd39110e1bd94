"""From command-line paths to decoded texts: discovery, size limits, binary files, encodings.

Every byte copydesk checks is read through :class:`Bounded`, which stops at
``max_size_mb`` while reading, and every file is opened by :func:`open_regular`,
which refuses named pipes, devices and sockets (a FIFO never ends, a link to
/dev/zero never stops giving).
"""

from __future__ import annotations

import codecs
import errno
import os
import stat
import sys
from dataclasses import dataclass
from typing import IO, BinaryIO, Iterable, Iterator

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


class TooLarge(Exception):
    """More bytes than the limit: raised by :class:`Bounded` as soon as it has read one too many."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"larger than the {limit / 1e6:g} MB limit (set files: max_size_mb)")
        self.limit = limit


class Bounded:
    """A binary stream that gives at most ``limit`` bytes in all, and raises TooLarge past them.

    It never asks the stream under it for more than the limit plus one byte, so
    neither a decompression bomb nor an endless device can fill the memory.
    """

    def __init__(self, stream: IO[bytes], limit: int) -> None:
        self.stream, self.limit, self.count = stream, limit, 0

    def read(self, size: int = -1) -> bytes:
        room = self.limit + 1 - self.count
        return self._counted(self.stream.read(room if size < 0 else min(size, room)))

    def readline(self) -> bytes:
        return self._counted(self.stream.readline(self.limit + 1 - self.count))

    def restart(self) -> None:
        """Count from here again: a dump's limit is per record, not for the dump as a whole."""
        self.count = 0

    def __iter__(self) -> Iterator[bytes]:
        while line := self.readline():
            yield line

    def _counted(self, data: bytes) -> bytes:
        self.count += len(data)
        if self.count > self.limit:
            raise TooLarge(self.limit)
        return data


class NotRegularFile(OSError):
    """A path that is a named pipe, a device or a socket (itself, or what its symbolic link points to)."""


_KINDS = ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"),
          (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a folder"))


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def not_regular_message(mode: int) -> str:
    return f"{_kind(mode)}, not a file of copy; skipped"


def open_regular(path: str) -> BinaryIO:
    """``path`` opened for reading in binary; NotRegularFile unless it is a regular file."""
    mode = os.stat(path).st_mode
    if not stat.S_ISREG(mode):
        raise NotRegularFile(not_regular_message(mode))
    # Non-blocking: a file swapped for a FIFO after the stat cannot make open() wait for a writer.
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    mode = os.fstat(descriptor).st_mode
    if not stat.S_ISREG(mode):
        os.close(descriptor)
        raise NotRegularFile(not_regular_message(mode))
    return os.fdopen(descriptor, "rb")


def expand(paths: Iterable[str], extensions: Iterable[str]) -> Iterator[str | InputProblem]:
    """Files to read, in a stable order: named files as given, folders walked for known extensions.

    A path named directly that gives nothing to check is an error (exit 2): a CI
    job must not pass having checked nothing. In a folder, pipes, devices and
    sockets are skipped with a note; a sub-folder that cannot be read is an error.
    """
    known = tuple(ext.lower() for ext in extensions)
    for path in paths:
        if path == STDIN:
            yield path
            continue
        try:
            mode = os.stat(path).st_mode
        except OSError as error:
            missing = error.errno == errno.ENOENT and not os.path.islink(path)
            yield InputProblem(path, "no such file or directory" if missing
                               else f"cannot read: {error.strerror or error}")
            continue
        if stat.S_ISDIR(mode):
            yield from _walk(path, known)
        elif stat.S_ISREG(mode):
            yield path
        else:
            yield InputProblem(path, not_regular_message(mode))


def _walk(top: str, known: tuple[str, ...]) -> Iterator[str | InputProblem]:
    """A folder's files with a known extension: its own first, then each sub-folder's, by name."""
    found = readable = False
    folders = [top]
    while folders:
        folder = folders.pop()
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError as error:
            yield InputProblem(folder, f"cannot read this folder: {error.strerror or error}")
            continue
        readable = readable or folder == top
        subfolders = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            if entry.is_dir(follow_symlinks=False):
                if entry.name not in _SKIPPED_DIRS:
                    subfolders.append(entry.path)
            elif entry.name.lower().endswith(known):
                found = True
                if entry.is_file():
                    yield entry.path
                    continue
                try:
                    mode = os.stat(entry.path).st_mode
                except OSError:  # a broken symbolic link: reading it says so
                    yield entry.path
                    continue
                if not stat.S_ISDIR(mode):
                    yield InputProblem(entry.path, not_regular_message(mode), fatal=False)
        folders.extend(reversed(subfolders))
    if readable and not found:
        yield InputProblem(top, f"no files to check here (looked for {', '.join(known)})")


Loaded = tuple[SourceText | None, InputProblem | None]


def load(path: str, max_bytes: int) -> Loaded:
    """The decoded text of a file (``-``: standard input), and a problem or note about it.

    The text is None when the file cannot be checked; a note accompanies a text
    that was read all the same (a fallback encoding).
    """
    name = "<stdin>" if path == STDIN else path
    try:
        if path == STDIN:
            data = Bounded(sys.stdin.buffer, max_bytes).read()
        else:
            size = os.path.getsize(path)
            if size > max_bytes:  # said before reading anything, with the size
                return None, InputProblem(path, f"file too large to check ({size / 1e6:.1f} MB; the "
                                                f"limit is {max_bytes / 1e6:g} MB, set files: max_size_mb)")
            with open_regular(path) as handle:
                data = Bounded(handle, max_bytes).read()
    except TooLarge as error:
        return None, InputProblem(name, f"file too large to check: {error}")
    except NotRegularFile as error:
        return None, InputProblem(name, str(error))
    except OSError as error:
        return None, InputProblem(name, f"cannot read: {error.strerror or error}")
    return decode(name, data)


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
            out.flush()
            os.fsync(out.fileno())  # the new file's bytes are on disk before its name is
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
