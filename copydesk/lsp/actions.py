"""The edits behind the language server's code actions.

A suggestion is applied the way ``--fix`` applies it (a deleted caption takes its
whole line, and the blank lines around it are tidied), so a quick fix and
``copydesk check --fix`` leave the same text; a suggestion ``--fix`` would leave
alone (one across a line break) is a plain replacement of the finding's span.
"""

from __future__ import annotations

import re
from dataclasses import replace

from lsprotocol import types

from copydesk import fixing
from copydesk.findings import Finding
from copydesk.lsp.positions import LineIndex
from copydesk.report import DocumentResult, Report

# The formats whose comments do not show (suppression.py reads them in any file, but in plain text
# or JSON a comment would be copy, or break the file): Markdown and HTML.
COMMENTING_READERS = frozenset({"markdown", "html"})
_FRONT_MATTER_FENCE = re.compile(r"---[ \t]*\r?\n?$")


def suggestion_edit(result: DocumentResult, finding: Finding, suggestion: str, index: LineIndex) -> types.TextEdit:
    """The edit that puts ``suggestion`` in place of ``finding``'s text."""
    one = Report(results=[DocumentResult(result.document, [replace(finding, suggestions=[suggestion], fixable=True)])])
    # The edit goes to the editor's buffer, not the file: whether the file on disk is a link or
    # read-only (or not saved yet) is the editor's business.
    for fix in fixing.plan(one, links_and_read_only=True):
        if fix.changed:
            return minimal_edit(index, fix.fixed)
    start = finding.offset
    return types.TextEdit(range=index.range(start, start + finding.location.length), new_text=suggestion)


def fix_all_edit(report: Report, path: str, index: LineIndex) -> tuple[types.TextEdit, int] | None:
    """The edit applying every safe fix of ``path`` (the ``--fix`` set), and how many; None when there is none."""
    for fix in fixing.plan(report, links_and_read_only=True):  # the buffer, as above
        if fix.path == path and fix.changed:
            return minimal_edit(index, fix.fixed), len(fix.applied)
    return None


def minimal_edit(index: LineIndex, after: str) -> types.TextEdit:
    """One edit turning ``index.text`` into ``after``: the span between their common prefix and suffix."""
    before = index.text
    prefix = 0
    limit = min(len(before), len(after))
    while prefix < limit and before[prefix] == after[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and before[-1 - suffix] == after[-1 - suffix]:
        suffix += 1
    return types.TextEdit(range=index.range(prefix, len(before) - suffix),
                          new_text=after[prefix:len(after) - suffix])


def suppression_edit(reader: str, line: int, rule: str, index: LineIndex) -> types.TextEdit | None:
    """The edit adding ``<!-- copydesk-disable-next-line RULE -->`` for a 0-based ``line``, or None
    when the format has no comment that stays out of the copy.

    In Markdown the comment goes at the end of the line before when that line is part of the same
    text (an HTML comment is inline there, so the paragraph is not split); in the front matter it
    is a YAML comment; elsewhere, and in HTML, it is a line of its own above.
    """
    if reader not in COMMENTING_READERS:
        return None
    comment = f"<!-- copydesk-disable-next-line {rule} -->"
    text, starts = index.text, index.starts
    lines = [text[start:end] for start, end in zip(starts, [*starts[1:], len(text)])]
    newline = "\r\n" if lines[line].endswith("\r\n") else "\n"
    own_line = lines[line][:len(lines[line]) - len(lines[line].lstrip())] + "{}" + comment + newline
    at_line_start = types.Position(line=line, character=0)
    if reader == "markdown":
        front_matter_end = _front_matter_end(lines)
        if line < front_matter_end:
            return types.TextEdit(range=types.Range(start=at_line_start, end=at_line_start),
                                  new_text=own_line.format("# "))
        previous = lines[line - 1] if line > 0 else ""
        if previous.strip() and line - 1 != front_matter_end - 1:
            end_of_previous = index.position(starts[line - 1] + len(previous.rstrip("\r\n")))
            return types.TextEdit(range=types.Range(start=end_of_previous, end=end_of_previous),
                                  new_text=" " + comment)
    return types.TextEdit(range=types.Range(start=at_line_start, end=at_line_start), new_text=own_line.format(""))


def _front_matter_end(lines: list[str]) -> int:
    """The number of lines of a Markdown file's YAML front matter, fences included (0 without one)."""
    if not lines or not _FRONT_MATTER_FENCE.match(lines[0]):
        return 0
    for number, line in enumerate(lines[1:], start=1):
        if _FRONT_MATTER_FENCE.match(line) or line.rstrip() == "...":
            return number + 1
    return 0
