"""The result of a run, as formatters see it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from copydesk import __version__
from copydesk.document import Document
from copydesk.findings import SEVERITIES, Finding
from copydesk.sources import InputProblem


@dataclass
class DocumentResult:
    document: Document
    findings: list[Finding] = field(default_factory=list)
    # What document checks say about the story as a whole, by check name
    # (the attribution check's sourcing counts).
    summaries: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Why a check could not finish its work here (CheckContext.incomplete), by check name.
    incomplete: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RuleInfo:
    """A rule that ran, as reports describe it (SARIF lists every rule with its help)."""

    id: str
    check: str
    description: str
    severity: str


@dataclass
class Report:
    results: list[DocumentResult] = field(default_factory=list)
    # The rules that ran, by id, in the order the checks declare them.
    rules: dict[str, RuleInfo] = field(default_factory=dict)
    problems: list[InputProblem] = field(default_factory=list)
    # What collection checks say about the run as a whole, by check name.
    collections: dict[str, dict[str, Any]] = field(default_factory=dict)
    tool_version: str = __version__

    @property
    def findings(self) -> list[Finding]:
        return [finding for result in self.results for finding in result.findings]

    def summary(self) -> dict[str, Any]:
        findings = self.findings
        by_severity = {severity: 0 for severity in SEVERITIES}
        by_severity.update(Counter(finding.severity for finding in findings))
        by_rule = dict(sorted(Counter(finding.rule for finding in findings).items()))
        return {
            "documents": len(self.results),
            "findings": len(findings),
            "by_severity": by_severity,
            "by_rule": by_rule,
        }
