"""SARIF 2.1.0, for code-scanning dashboards (GitHub, GitLab, Azure DevOps) and IDE viewers.

Every rule that ran is listed with its help text; each finding is a result
with its exact region (columns in Unicode code points, as copydesk counts
them), its related locations, and a fix per suggestion: a replacement of the
finding's characters.
"""

from __future__ import annotations

import json
from pathlib import PurePath
from urllib.parse import quote
from typing import Any, TextIO

from copydesk.findings import Finding, Location
from copydesk.formatters import Formatter
from copydesk.hookspecs import hookimpl
from copydesk.report import Report

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/copydesk/copydesk"
_LEVELS = {"error": "error", "warning": "warning", "info": "note"}


def _uri(path: str) -> str:
    """A URI reference, percent-encoded; a relative path stays relative (code scanning resolves it
    against the repository)."""
    pure = PurePath(path)
    return pure.as_uri() if pure.is_absolute() else quote(pure.as_posix(), safe="/")


def _region(location: Location) -> dict[str, Any]:
    region: dict[str, Any] = {
        "startLine": location.line, "startColumn": location.column,
        "endLine": location.end_line, "endColumn": location.end_column,
        "charOffset": location.offset, "charLength": location.length,
    }
    if location.text:
        region["snippet"] = {"text": location.text}
    return region


def _physical(location: Location) -> dict[str, Any]:
    return {"artifactLocation": {"uri": _uri(location.path)}, "region": _region(location)}


def _fix(finding: Finding, suggestion: str) -> dict[str, Any]:
    location = finding.location
    description = f"Replace with {suggestion!r}" if suggestion else "Delete it"
    return {
        "description": {"text": description},
        "artifactChanges": [{
            "artifactLocation": {"uri": _uri(location.path)},
            "replacements": [{
                "deletedRegion": {"charOffset": location.offset, "charLength": location.length},
                "insertedContent": {"text": suggestion},
            }],
        }],
    }


def _result(finding: Finding, rule_index: dict[str, int]) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "level": _LEVELS[finding.severity],
        "message": {"text": finding.message},
        "locations": [{"physicalLocation": _physical(finding.location)}],
        "properties": {"check": finding.check, "document": finding.document_id},
    }
    if finding.rule in rule_index:
        result["ruleIndex"] = rule_index[finding.rule]
    if finding.related:
        result["relatedLocations"] = [
            {"id": number, "physicalLocation": _physical(related),
             **({"message": {"text": related.message}} if related.message else {})}
            for number, related in enumerate(finding.related, 1)]
    if finding.suggestions:
        result["fixes"] = [_fix(finding, suggestion) for suggestion in finding.suggestions]
    return result


def sarif_dict(report: Report) -> dict[str, Any]:
    rules = list(report.rules.values())
    rule_index = {rule.id: index for index, rule in enumerate(rules)}
    notifications = [
        {"level": "error" if problem.fatal else "warning", "message": {"text": problem.message},
         "locations": [{"physicalLocation": {"artifactLocation": {"uri": _uri(problem.path)},
                                             **({"region": {"startLine": problem.line}} if problem.line else {})}}]}
        for problem in report.problems]
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "copydesk",
                "version": report.tool_version,
                "informationUri": INFORMATION_URI,
                "rules": [{
                    "id": rule.id,
                    "name": rule.id,
                    "shortDescription": {"text": rule.description},
                    "fullDescription": {"text": rule.description},
                    "help": {"text": f"{rule.description} (check {rule.check!r}; set its severity or "
                                     f"options under checks: {rule.check}: in rules.yaml)"},
                    "defaultConfiguration": {"level": _LEVELS.get(rule.severity, "warning")},
                    "properties": {"check": rule.check},
                } for rule in rules],
            }},
            "columnKind": "unicodeCodePoints",
            "invocations": [{"executionSuccessful": not any(p.fatal for p in report.problems),
                             "toolExecutionNotifications": notifications}],
            "results": [_result(finding, rule_index) for finding in report.findings],
        }],
    }


def render_sarif(report: Report, out: TextIO, color: bool) -> None:
    json.dump(sarif_dict(report), out, ensure_ascii=False, indent=2)
    out.write("\n")


@hookimpl
def register_formatters() -> list[Formatter]:
    return [Formatter("sarif", "SARIF 2.1.0 for code scanning (GitHub, GitLab) and IDE viewers.", render_sarif)]
