"""``--fix`` and ``--diff``: apply the suggestions checks mark safe, and nothing else.

A fix replaces exactly the characters of its finding. Deleting a block that
fills whole lines (a repeated caption, a "TT" line) deletes those lines, and
the blank lines around them keep the spacing the file had there, so a story
never gains or loses a paragraph break (in plain text, two blank lines before a
line that looks like a headline start a new story). A file is written only when
re-encoding its text gives back its bytes exactly, through a temporary file
renamed over it, with its permissions kept.

A fix whose span is not in the file as read (a plugin's bad position) is not
applied. A deleted block takes its line with it when the rest of the line is
only white space or emphasis markers (``*A caption. (AFP)*``); a repeated
caption that shares its line with other markup (an image's alt text) is not
deleted at all, so no fix leaves a stray ``**`` or an image without its text.
Symbolic links and read-only files are refused unless asked for
(``--fix-links-and-read-only``): a link's target may be shared, and a file
made read-only was usually made so on purpose.
"""

from __future__ import annotations

import contextlib
import difflib
import os
import re
import signal
import threading
import time
from bisect import bisect_right
from dataclasses import dataclass, field

from copydesk.document import SourceText
from copydesk.findings import Finding
from copydesk.report import Report
from copydesk.sources import BYTE_ORDER_MARKS, write_atomically

# Line breaks as SourceText counts them: a fix keeps the file's lines where its reader sees them.
_LINE = re.compile(r"[^\r\n]*(?:\r\n?|\n|$)")
# What may share a line with a deleted block and go with it: white space and emphasis markers.
_MARKUP_AROUND = re.compile(r"[ \t*_]*")
# A temporary file of write_atomically left behind by a killed copydesk is older than this.
_STALE_SECONDS = 600
_swept: set[str] = set()


@dataclass
class FileFix:
    """The safe fixes of one file: its text before and after, or why it was left alone."""

    path: str
    original: str
    encoding: str
    fixed: str = ""
    applied: list[Finding] = field(default_factory=list)
    refused: str | None = None

    @property
    def changed(self) -> bool:
        return self.refused is None and self.fixed != self.original

    def diff(self) -> str:
        return "".join(difflib.unified_diff(self.original.splitlines(keepends=True),
                                            self.fixed.splitlines(keepends=True),
                                            f"a/{self.path}", f"b/{self.path}"))


# A fix can reveal another: deleting a residue line between "free" and "reign" makes "free reign".
# Like ruff, --fix checks again and fixes what is newly fixable, a few passes at most.
MAX_PASSES = 5


def plan(report: Report, links_and_read_only: bool = False) -> list[FileFix]:
    """What ``--fix`` would do to each file that has a fixable finding, in reading order.

    Symbolic links and read-only files are refused unless ``links_and_read_only``.
    """
    sources: dict[str, SourceText] = {}
    fixable: dict[str, list[Finding]] = {}
    for result in report.results:
        for finding in result.findings:
            if finding.fixable and finding.location.path == result.document.path:
                sources.setdefault(finding.path, result.document.source)
                fixable.setdefault(finding.path, []).append(finding)
    unclean = {problem.path: problem.message for problem in report.problems}
    fixes = []
    for path, findings in fixable.items():
        source = sources[path]
        fix = FileFix(path, source.text, source.encoding)
        if path in unclean:
            fix.refused = f"not fixed: {unclean[path]}"
        elif path == "<stdin>":
            fix.refused = "not fixed: standard input has no file to write"
        elif not links_and_read_only and (refusal := _unsafe_to_write(path)):
            fix.refused = f"not fixed: {refusal} (--fix-links-and-read-only fixes it all the same)"
        else:
            fix.fixed, fix.applied = _apply(source.text, findings)
        fixes.append(fix)
    return fixes


def _unsafe_to_write(path: str) -> str | None:
    if os.path.islink(path):
        return f"a symbolic link to {os.readlink(path)}"
    if not os.access(path, os.W_OK) or not os.stat(path).st_mode & 0o222:  # root may write anything
        return "the file is read-only"
    return None


def deletes_cleanly(text: str, span: tuple[int, int]) -> bool:
    """Whether deleting ``span`` of ``text`` deletes whole lines: the rest of its first and last
    line is only white space and emphasis markers, which go with it."""
    return _whole_line_span(text, *span) is not None


def _whole_line_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    """``[start, end)`` grown over the white space and emphasis markers around it to the edges of
    its lines (line breaks aside), or None when other text shares its lines."""
    line_start = _line_start(text, start)
    before = _MARKUP_AROUND.match(text, line_start, start)
    if before.end() != start:
        return None
    after = _MARKUP_AROUND.match(text, end)
    if after.end() < len(text) and text[after.end()] not in "\r\n":
        return None
    if text.count("*", line_start, start) + text.count("_", line_start, start) != \
            text.count("*", end, after.end()) + text.count("_", end, after.end()):
        return None  # an emphasis marker opened before the block and closed inside it, or the reverse
    return line_start, after.end()


def _line_start(text: str, position: int) -> int:
    """Just after the last line break (CR or LF) before ``position``: looked for in ever wider
    windows, so that it costs the length of the line, not of the text before it (thousands of
    repeated lines in one story are weighed in linear time)."""
    width = 256
    while True:
        low = max(0, position - width)
        found = max(text.rfind("\n", low, position), text.rfind("\r", low, position))
        if found >= 0 or low == 0:
            return found + 1
        width *= 4


def _apply(text: str, findings: list[Finding]) -> tuple[str, list[Finding]]:
    edits: list[tuple[int, int, str, Finding]] = []
    for finding in sorted(findings, key=lambda f: (f.offset, -f.location.length)):
        start, end = finding.offset, finding.offset + finding.location.length
        if not 0 <= start <= end <= len(text) or text[start:end] != finding.location.text:
            continue  # not a span of this text: a plugin's mistake, never written
        if finding.suggestions[0] == "":
            start, end = _whole_line_span(text, start, end) or (start, end)
        if edits and start < edits[-1][1]:
            continue  # inside or across a fix already taken (a deleted caption's own typo)
        edits.append((start, end, finding.suggestions[0], finding))
    lines = _lines(text)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    deleted: set[int] = set()
    in_line: list[tuple[int, int, str]] = []
    applied = []
    for start, end, replacement, finding in edits:
        first, last = _whole_lines(lines, starts, start, end)
        if replacement == "" and first is not None:
            deleted.update(range(first, last + 1))
        elif "\n" in text[start:end] or "\r" in text[start:end] or "\n" in replacement:
            continue  # across a line break: left for an editor, so the lines below stay where they were
        else:
            in_line.append((start, end, replacement))
        applied.append(finding)
    for start, end, replacement in reversed(in_line):
        text = text[:start] + replacement + text[end:]
    return "".join(_without(_lines(text), deleted)), applied


def _lines(text: str) -> list[str]:
    return [match.group() for match in _LINE.finditer(text)][:-1]  # the last match is the empty end


def _whole_lines(lines: list[str], starts: list[int], start: int, end: int) -> tuple[int | None, int]:
    """The first and last line a span fills entirely (line breaks aside), else (None, 0)."""
    first = bisect_right(starts, start) - 1
    last = bisect_right(starts, max(start, end - 1)) - 1
    if first >= len(lines) or starts[first] != start:
        return None, 0
    if starts[last] + len(lines[last].rstrip("\r\n")) != end:
        return None, 0
    return first, last


def _without(lines: list[str], deleted: set[int]) -> list[str]:
    """``lines`` less the deleted ones. The line after a stretch of deleted and blank lines keeps
    the blank lines it had before it, or, when it was attached to a deleted line, the blank lines
    that line had: so no paragraph or story starts or ends anywhere new (none at the top)."""
    kept: list[str] = []
    index = 0
    while index < len(lines):
        if index not in deleted and lines[index].strip():
            kept.append(lines[index])
            index += 1
            continue
        stretch_start = index
        while index < len(lines) and (index in deleted or not lines[index].strip()):
            index += 1
        stretch = range(stretch_start, index)
        blanks = [i for i in stretch if i not in deleted]
        if len(blanks) == len(stretch):
            kept.extend(lines[i] for i in stretch)
            continue
        runs, run = [], 0  # the blank lines before each deleted line, and before the next kept one
        for i in stretch:
            if i in deleted:
                runs.append(run)
                run = 0
            else:
                run += 1
        runs.append(run)
        spacing = 0 if stretch_start == 0 else next((run for run in reversed(runs) if run), 0)
        kept.extend(lines[i] for i in blanks[:spacing])
    return kept


def write(fix: FileFix) -> None:
    """Replace the file by its fixed text (a link: its target's); refuse when the original bytes
    do not round-trip (the file changed since it was read, or its encoding had to be guessed)."""
    path = os.path.realpath(fix.path)
    with open(path, "rb") as handle:
        data = handle.read()
    encoded = fix.original.encode(fix.encoding)
    bom = data[:len(data) - len(encoded)]
    if not data.endswith(encoded) or bom and bom not in BYTE_ORDER_MARKS:
        raise ValueError(f"its bytes changed since it was read, or do not round-trip through {fix.encoding}")
    _remove_stale_temporaries(os.path.dirname(path))
    write_atomically(path, bom + fix.fixed.encode(fix.encoding))


def _remove_stale_temporaries(folder: str) -> None:
    """Delete the temporary files a copydesk killed mid-write (``kill -9``: nothing runs) left in
    ``folder``, once per run. Ours are named ``.copydesk-*.tmp`` and live for milliseconds, so an
    old one is litter."""
    if folder in _swept:
        return
    _swept.add(folder)
    try:
        names = [name for name in os.listdir(folder) if name.startswith(".copydesk-") and name.endswith(".tmp")]
        for name in names:
            path = os.path.join(folder, name)
            if os.path.isfile(path) and not os.path.islink(path) and \
                    time.time() - os.lstat(path).st_mtime > _STALE_SECONDS:
                os.unlink(path)
    except OSError:
        pass  # litter left where it is is no reason to fail a fix


@contextlib.contextmanager
def clean_up_on_termination():
    """While fixes are written, SIGTERM and SIGHUP end copydesk as an exception would, so the
    temporary file of a write in progress is removed (``write_atomically`` removes it on any
    exception) and the story is left as it was."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum, frame):
        raise SystemExit(128 + signum)

    previous = {number: signal.signal(number, stop) for number in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
