"""GitHub Actions workflow commands: each finding becomes an annotation on the pull request."""

from __future__ import annotations

from typing import TextIO

from copydesk.formatters import Formatter
from copydesk.hookspecs import hookimpl
from copydesk.report import Report

_COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(report: Report, out: TextIO, color: bool) -> None:
    for problem in report.problems:
        out.write(f"::error file={_property(problem.path)}::{_data(problem.message)}\n")
    for finding in report.findings:
        location = finding.location
        message = finding.message
        if finding.suggestions:
            message += f" Suggestion: {finding.suggestions[0]!r}" if finding.suggestions[0] else " Suggestion: delete it"
        out.write(f"::{_COMMANDS[finding.severity]} file={_property(location.path)},line={location.line},"
                  f"col={location.column},endLine={location.end_line},endColumn={location.end_column},"
                  f"title={_property(f'copydesk {finding.rule}')}::{_data(message)}\n")


@hookimpl
def register_formatters() -> list[Formatter]:
    return [Formatter("github", "GitHub Actions annotations (::error file=…::message).", render_github)]
