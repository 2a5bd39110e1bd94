"""``--fix`` and ``--diff``: apply the suggestions checks mark safe, and nothing else.

A fix replaces exactly the characters of its finding. Deleting a block that
fills whole lines (a repeated caption, a "TT" line) deletes those lines, and
the blank lines around them keep the spacing the file had there, so a story
never gains or loses a paragraph break (in plain text two blank lines would
start a new story). A file is written only when re-encoding its text gives
back its bytes exactly, through a temporary file renamed over it, with its
permissions kept.
"""

from __future__ import annotations

import difflib
from bisect import bisect_right
from dataclasses import dataclass, field

from copydesk.document import SourceText
from copydesk.findings import Finding
from copydesk.report import Report
from copydesk.sources import BYTE_ORDER_MARKS, write_atomically



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


def plan(report: Report) -> list[FileFix]:
    """What ``--fix`` would do to each file that has a fixable finding, in reading order."""
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
        else:
            fix.fixed, fix.applied = _apply(source.text, findings)
        fixes.append(fix)
    return fixes


def _apply(text: str, findings: list[Finding]) -> tuple[str, list[Finding]]:
    edits: list[tuple[int, int, str, Finding]] = []
    for finding in sorted(findings, key=lambda f: (f.offset, -f.location.length)):
        start, end = finding.offset, finding.offset + finding.location.length
        if edits and start < edits[-1][1]:
            continue  # inside or across a fix already taken (a deleted caption's own typo)
        edits.append((start, end, finding.suggestions[0], finding))
    lines = text.splitlines(keepends=True)
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
    return "".join(_without(text.splitlines(keepends=True), deleted)), applied


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
    """``lines`` less the deleted ones; each stretch of deleted and blank lines keeps as many
    blank lines as its longest original run of them (none at the top of the file)."""
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
        if not any(i in deleted for i in stretch):
            kept.extend(lines[i] for i in stretch)
            continue
        longest = run = 0
        for i in stretch:
            run = run + 1 if i not in deleted else 0
            longest = max(longest, run)
        if stretch_start == 0:
            longest = 0
        kept.extend(lines[i] for i in blanks[:longest])
    return kept


def write(fix: FileFix) -> None:
    """Replace the file by its fixed text; refuse when the original bytes do not round-trip
    (the file changed since it was read, or its encoding had to be guessed)."""
    with open(fix.path, "rb") as handle:
        data = handle.read()
    encoded = fix.original.encode(fix.encoding)
    bom = data[:len(data) - len(encoded)]
    if not data.endswith(encoded) or bom and bom not in BYTE_ORDER_MARKS:
        raise ValueError(f"its bytes changed since it was read, or do not round-trip through {fix.encoding}")
    write_atomically(fix.path, bom + fix.fixed.encode(fix.encoding))
