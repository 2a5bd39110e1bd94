"""What checks report: findings with exact locations in the original file."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SEVERITIES = ("error", "warning", "info")
# Lower rank is more severe; `--fail-on` compares ranks.
SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}

INTERNAL_ERROR_RULE = "internal-error"
# A check that ran over its time budget on a story (rules.yaml: limits: check_seconds).
TIME_LIMIT_RULE = "time-limit"
# Findings that say a story was not fully checked: a run that has them fails, and no cache keeps them.
INCOMPLETE_RULES = frozenset({INTERNAL_ERROR_RULE, TIME_LIMIT_RULE})


@dataclass(frozen=True, slots=True)
class Location:
    """A span of the original file.

    ``offset``/``length`` are 0-based character offsets; ``line``/``column`` are
    1-based, in characters; ``end_column`` is exclusive (the column just past the
    span), as in SARIF and LSP.
    """

    path: str
    offset: int
    length: int
    line: int
    column: int
    end_line: int
    end_column: int
    text: str = ""
    message: str = ""

    def __reduce__(self) -> tuple:
        # Plain constructor arguments: archive audits pickle millions of these (workers, the cache),
        # and the dataclass default for slotted classes goes through Python code per field.
        return (Location, (self.path, self.offset, self.length, self.line, self.column, self.end_line,
                           self.end_column, self.text, self.message))

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "offset": self.offset,
            "length": self.length,
            "text": self.text,
        }
        if self.message:
            data["message"] = self.message
        return data


@dataclass(slots=True)
class Finding:
    """One problem in one document, reported by one rule of one check."""

    check: str
    rule: str
    severity: str
    message: str
    location: Location
    suggestions: list[str] = field(default_factory=list)
    related: list[Location] = field(default_factory=list)
    # Which story of the file: collection checks report on many at once.
    document_id: str = ""
    # The first suggestion is safe to apply unreviewed (``copydesk check --fix``).
    fixable: bool = False

    @property
    def path(self) -> str:
        return self.location.path

    @property
    def line(self) -> int:
        return self.location.line

    @property
    def column(self) -> int:
        return self.location.column

    @property
    def offset(self) -> int:
        return self.location.offset

    @property
    def text(self) -> str:
        return self.location.text

    def __reduce__(self) -> tuple:
        return (Finding, (self.check, self.rule, self.severity, self.message, self.location, self.suggestions,
                          self.related, self.document_id, self.fixable))

    def sort_key(self) -> tuple[int, int, str, str]:
        return (self.location.offset, self.location.length, self.rule, self.message)

    def to_dict(self) -> dict[str, Any]:
        loc = self.location
        return {
            "check": self.check,
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "line": loc.line,
            "column": loc.column,
            "end_line": loc.end_line,
            "end_column": loc.end_column,
            "offset": loc.offset,
            "length": loc.length,
            "text": loc.text,
            "suggestions": list(self.suggestions),
            "fixable": self.fixable,
            "related": [r.to_dict() for r in self.related],
        }
