"""Baselines: accept the findings an archive already has, and report only new ones.

A baseline file lists findings by path, rule, the text flagged and the words
around it — never by line — so copy added or removed above a finding does not
turn it into a "new" one. Paths are stored relative to the baseline file's
folder, so the file works from any working directory and in any clone.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from typing import Any

from copydesk import __version__
from copydesk.report import Report
from copydesk.sources import STDIN, write_atomically

BASELINE_VERSION = 1
# Characters either side of the flagged text, on its own lines, that identify a finding along with its
# rule and text: an edit to a neighbouring line or paragraph leaves the finding accepted.
_CONTEXT = 40
_SPACE = re.compile(r"\s+")

Key = tuple[str, str, str, str, str]


class BaselineError(Exception):
    """A baseline file that cannot be read (a usage error: exit code 2)."""


def _relative(path: str, folder: str) -> str:
    if path == STDIN:
        return path
    return os.path.relpath(os.path.abspath(path), folder).replace(os.sep, "/")


def _squeeze(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def _keys(report: Report, folder: str) -> list[tuple[Key, Any]]:
    """Each finding of the report with its baseline key."""
    keyed = []
    for result in report.results:
        text = result.document.source.text
        for finding in result.findings:
            start, end = finding.location.offset, finding.location.offset + finding.location.length
            before = _squeeze(re.split(r"[\r\n]", text[max(0, start - _CONTEXT):start])[-1])
            after = _squeeze(re.split(r"[\r\n]", text[end:end + _CONTEXT])[0])
            key = (_relative(finding.path, folder), finding.rule, _squeeze(finding.text), before, after)
            keyed.append((key, finding))
    return keyed


def write(report: Report, path: str) -> int:
    """Write every finding of ``report`` to the baseline file ``path``; how many were written."""
    folder = os.path.dirname(os.path.abspath(path))
    counts = Counter(key for key, _ in _keys(report, folder))
    entries = [{"path": p, "rule": rule, "text": text, "before": before, "after": after, "count": count}
               for (p, rule, text, before, after), count in sorted(counts.items())]
    data = {"version": BASELINE_VERSION, "tool": f"copydesk {__version__}", "findings": entries}
    write_atomically(path, (json.dumps(data, indent=1, ensure_ascii=False) + "\n").encode("utf-8"))
    return sum(counts.values())


def load(path: str) -> Counter[Key]:
    """The findings a baseline file accepts, counted (a finding may be accepted several times)."""
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
        if not isinstance(data, dict) or data.get("version") != BASELINE_VERSION:
            raise ValueError(f"not a copydesk baseline of version {BASELINE_VERSION}")
        return Counter({(entry["path"], entry["rule"], entry["text"], entry["before"], entry["after"]):
                        int(entry["count"]) for entry in data["findings"]})
    except OSError as error:
        raise BaselineError(f"{path}: cannot read the baseline: {error.strerror}") from None
    except (ValueError, KeyError, TypeError) as error:
        raise BaselineError(f"{path}: not a valid baseline file ({error}); "
                            "write one with --write-baseline") from None


def subtract(report: Report, path: str) -> int:
    """Drop the findings the baseline at ``path`` accepts; how many were dropped."""
    accepted = load(path)
    folder = os.path.dirname(os.path.abspath(path))
    dropped = set()
    for key, finding in _keys(report, folder):
        if accepted[key] > 0:
            accepted[key] -= 1
            dropped.add(id(finding))
    for result in report.results:
        result.findings = [finding for finding in result.findings if id(finding) not in dropped]
    return len(dropped)
