"""Formatters turn a finished :class:`~copydesk.report.Report` into a report file or screen."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, TextIO

if TYPE_CHECKING:
    from copydesk.report import Report


@dataclass(frozen=True)
class Formatter:
    """A report format, chosen with ``--format NAME``.

    ``render(report, out, color)`` writes the whole report to ``out``; ``color``
    says whether ANSI colour is wanted (a terminal, and ``NO_COLOR`` unset).
    """

    name: str
    description: str
    render: Callable[[Report, TextIO, bool], None]
