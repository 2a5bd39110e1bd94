"""The JSON report (its schema is ``copydesk/schemas/report.schema.json``)."""

from __future__ import annotations

import json
from typing import Any, TextIO

from copydesk.formatters import Formatter
from copydesk.hookspecs import hookimpl
from copydesk.report import DocumentResult, Report

REPORT_VERSION = 1


def report_dict(report: Report) -> dict[str, Any]:
    data = {
        "version": REPORT_VERSION,
        "tool": {"name": "copydesk", "version": report.tool_version},
        "documents": [_document(result) for result in report.results],
        "summary": report.summary(),
    }
    if report.collections:
        data["collections"] = report.collections
    return data


def _document(result: DocumentResult) -> dict[str, Any]:
    document, publication = result.document, result.document.publication
    data = {
        "path": document.path,
        "id": document.id,
        "headline": document.headline,
        "published": {
            "date": publication.date.isoformat() if publication.date else None,
            "source": publication.source,
        },
        "findings": [finding.to_dict() for finding in result.findings],
    }
    if result.summaries:
        data["summaries"] = result.summaries
    return data


def render_json(report: Report, out: TextIO, color: bool) -> None:
    # One string written once: json.dump writes each of a big report's million pieces apart.
    out.write(json.dumps(report_dict(report), ensure_ascii=False, indent=2) + "\n")


@hookimpl
def register_formatters() -> list[Formatter]:
    return [Formatter("json", "For programs: every finding with exact positions.", render_json)]
