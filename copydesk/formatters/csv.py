"""CSV: one finding per row, for spreadsheets and data teams."""

from __future__ import annotations

import csv
from typing import TextIO

from copydesk.findings import Finding
from copydesk.formatters import Formatter
from copydesk.hookspecs import hookimpl
from copydesk.report import Report

COLUMNS = ("path", "document", "line", "column", "end_line", "end_column", "offset", "length",
           "severity", "check", "rule", "message", "text", "suggestions")


def row(finding: Finding) -> tuple:
    """A finding as a row of COLUMNS (``copydesk audit --format csv`` writes the same rows)."""
    location = finding.location
    return (location.path, finding.document_id, location.line, location.column,
            location.end_line, location.end_column, location.offset, location.length,
            finding.severity, finding.check, finding.rule, finding.message, location.text,
            " | ".join(repr(s) if s else "(delete)" for s in finding.suggestions))


def render_csv(report: Report, out: TextIO, color: bool) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(row(finding) for finding in report.findings)


@hookimpl
def register_formatters() -> list[Formatter]:
    return [Formatter("csv", "One finding per row, for spreadsheets.", render_csv)]
