"""Suppressions: comments in the copy, and the ``ignore:`` list of rules.yaml.

In any file (they are meant for Markdown and HTML, where they do not show):

    <!-- copydesk-disable RULE[, RULE…] -->   … up to <!-- copydesk-enable RULE -->
    <!-- copydesk-disable-next-line RULE -->

A RULE is a rule id or a check name; none means every rule. A disable with no
enable runs to the end of the file. ``ignore:`` entries name a path glob, a
rule (or check), optionally the matched text, and why.
"""

from __future__ import annotations

import fnmatch
import os
import re
from dataclasses import dataclass
from typing import Any

from copydesk.document import SourceText
from copydesk.findings import Finding, Location

UNUSED_RULE = "unused-suppression"
_COMMENT = re.compile(r"<!--\s*copydesk-(disable-next-line|disable|enable)\b(.*?)-->", re.DOTALL)
_NAMES = re.compile(r"[\w-]+")
_END = 1 << 62


@dataclass
class Suppression:
    """Lines of a file (inclusive) where findings of some rules (all, when ``names`` is empty) are dropped."""

    names: frozenset[str]
    first_line: int
    last_line: int
    where: Location
    used: int = 0

    def covers(self, finding: Finding) -> bool:
        return self.first_line <= finding.line <= self.last_line and \
            (not self.names or finding.rule in self.names or finding.check in self.names)


def from_comments(source: SourceText) -> list[Suppression]:
    found: list[Suppression] = []
    open_ranges: list[Suppression] = []
    for match in _COMMENT.finditer(source.text):
        kind = match.group(1)
        names = frozenset(_NAMES.findall(match.group(2)))
        line, column = source.position(match.start())
        end_line, end_column = source.position(match.end())
        where = Location(source.path, match.start(), match.end() - match.start(), line, column,
                         end_line, end_column, match.group())
        if kind == "disable-next-line":
            found.append(Suppression(names, end_line + 1, end_line + 1, where))
        elif kind == "disable":
            suppression = Suppression(names, end_line, _END, where)
            found.append(suppression)
            open_ranges.append(suppression)
        else:
            for suppression in [s for s in open_ranges if not names or s.names == names]:
                suppression.last_line = line
                open_ranges.remove(suppression)
    return found


@dataclass
class IgnoreEntry:
    """One entry of rules.yaml's ``ignore:`` list."""

    path: str
    rule: str
    text: str | None
    reason: str
    where: str  # "rules.yaml:12", for the note when it suppressed nothing
    used: int = 0

    def covers(self, finding: Finding) -> bool:
        if finding.rule != self.rule and finding.check != self.rule:
            return False
        if self.text is not None and self.text not in finding.text:
            return False
        return any(fnmatch.fnmatch(candidate, self.path)
                   for candidate in (finding.path, os.path.relpath(finding.path)))


def ignore_entries(entries: list[Any]) -> list[IgnoreEntry]:
    return [IgnoreEntry(entry["path"], entry["rule"], entry.get("text"), entry["reason"],
                        f"{getattr(entry, 'path', '') or 'rules'}:{getattr(entry, 'key_lines', {}).get('path', '?')}")
            for entry in entries]


def unused_finding(suppression: Suppression, document_id: str) -> Finding:
    where = suppression.where
    return Finding(check="suppressions", rule=UNUSED_RULE, severity="warning",
                   message=f"This suppression ({where.text.strip()}) suppressed nothing; remove it.",
                   location=where, suggestions=[""], document_id=document_id)
