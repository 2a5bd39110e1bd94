"""The terminal report: ``path:line:col: severity rule message``, the line, a caret underline."""

from __future__ import annotations

import unicodedata
from typing import TextIO

from copydesk.findings import Finding
from copydesk.formatters import Formatter
from copydesk.hookspecs import hookimpl
from copydesk.report import DocumentResult, Report

_COLOURS = {"error": "\033[31m", "warning": "\033[33m", "info": "\033[36m",
            "bold": "\033[1m", "dim": "\033[2m", "reset": "\033[0m"}
_CONTEXT = 50  # characters shown either side of a finding on a long line
_LONG_LINE = 120


def _escaped(text: str) -> str:
    """``text`` on one line: line breaks and other invisible characters as escapes (a file name
    may hold a newline)."""
    if text.isprintable():  # no invisible character (nor tab), as almost always: at C speed
        return text
    return "".join(repr(char)[1:-1] if _invisible(char) else char for char in text)


def _invisible(char: str) -> bool:
    return char != " " and unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp", "Cs")


def _paint(text: str, style: str, color: bool) -> str:
    return f"{_COLOURS[style]}{text}{_COLOURS['reset']}" if color else text


def _excerpt(line: str, column: int, width: int) -> tuple[str, int]:
    """The part of a long line around a finding, and the finding's column in it (0-based)."""
    start = column - 1
    if len(line) <= _LONG_LINE:
        return line, start
    left = max(0, start - _CONTEXT)
    right = min(len(line), start + width + _CONTEXT, left + _LONG_LINE)
    prefix = "…" if left > 0 else ""
    suffix = "…" if right < len(line) else ""
    return prefix + line[left:right] + suffix, start - left + len(prefix)


def _finding(result: DocumentResult, finding: Finding, out: TextIO, color: bool) -> None:
    location = finding.location
    head = f"{_escaped(location.path)}:{location.line}:{location.column}:"
    out.write(f"{_paint(head, 'bold', color)} {_paint(finding.severity, finding.severity, color)} "
              f"{_paint(finding.rule, 'dim', color)} {_escaped(finding.message)}\n")
    source = result.document.source
    # One character for one column, so the carets stay under the finding.
    line_text = source.line_text(location.line)
    if not line_text.isprintable():
        line_text = "".join(" " if char == "\t" else "\ufffd" if _invisible(char) else char
                            for char in line_text)
    width = location.length if location.end_line == location.line else len(line_text) - location.column + 1
    shown, caret_at = _excerpt(line_text, location.column, max(width, 1))
    gutter = str(location.line)
    out.write(f"  {_paint(gutter, 'dim', color)} | {shown}\n")
    carets = "^" * max(1, min(width, len(shown) - caret_at))
    out.write(f"  {' ' * len(gutter)} | {' ' * caret_at}{_paint(carets, finding.severity, color)}\n")
    for number, suggestion in enumerate(finding.suggestions[:3]):
        fixable = " (--fix applies it)" if finding.fixable and number == 0 else ""
        shown = repr(suggestion) if suggestion else "delete it"
        out.write(f"  {' ' * len(gutter)} = suggestion: {shown}{fixable}\n")
    for related in finding.related[:5]:
        label = related.message or "see also"
        out.write(f"  {' ' * len(gutter)} = {label}: {_escaped(related.path)}:{related.line}:{related.column}\n")


def render_text(report: Report, out: TextIO, color: bool) -> None:
    for result in report.results:
        if not result.findings:
            continue
        document = result.document
        title = document.id + (f" — {document.headline}" if document.headline else "")
        out.write(_paint(_escaped(title), "bold", color) + "\n")
        for finding in result.findings:
            _finding(result, finding, out, color)
        out.write("\n")
    summary = report.summary()
    counts = summary["by_severity"]
    flagged = sum(1 for result in report.results if result.findings)
    total = summary["findings"]
    noun = "finding" if total == 1 else "findings"
    docs = f"{summary['documents']} document{'s' if summary['documents'] != 1 else ''}"
    if total:
        errors, warnings = counts["error"], counts["warning"]
        fixable = sum(finding.fixable for finding in report.findings)
        out.write(f"{total} {noun} in {flagged} of {docs} ({errors} error{'s' if errors != 1 else ''}, "
                  f"{warnings} warning{'s' if warnings != 1 else ''}, {counts['info']} info)"
                  f"{f'; {fixable} fixable with --fix' if fixable else ''}\n")
    else:
        out.write(f"No findings in {docs}.\n")


@hookimpl
def register_formatters() -> list[Formatter]:
    return [Formatter("text", "For people: each finding with its line and a caret underline.", render_text)]
