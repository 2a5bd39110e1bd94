"""Changed-lines mode: which lines of which files git sees as changed.

``--changed`` (staged changes, what a pre-commit hook is about to commit) or
``--changed REV`` (the working tree against a revision, e.g. ``origin/main``).
Only added or modified lines count: a deletion leaves no line to report on.
"""

from __future__ import annotations

import functools
import os
import re
import subprocess

from copydesk.report import Report

STAGED = ""
_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")


class ChangesError(Exception):
    """git could not say what changed (a usage error: exit code 2)."""


def _git(*args: str, cwd: str | None = None) -> str:
    try:
        done = subprocess.run(["git", "-c", "core.quotePath=false", *args], cwd=cwd, check=False,
                              capture_output=True, text=True, encoding="utf-8", errors="surrogateescape")
    except FileNotFoundError:
        raise ChangesError("--changed needs git, which is not on PATH") from None
    if done.returncode != 0:
        raise ChangesError(f"git {' '.join(args)}: {done.stderr.strip() or 'failed'}")
    return done.stdout


def is_revision(name: str) -> bool:
    """Whether ``name`` names a commit here (``--changed stories/`` means a path, not a revision)."""
    try:
        _git("rev-parse", "--verify", "--quiet", f"{name}^{{commit}}")
    except ChangesError:
        return False
    return True


def changed_lines(revision: str = STAGED) -> dict[str, set[int] | None]:
    """Changed lines by real path: a set of 1-based line numbers, or None for a whole new untracked file."""
    top = _git("rev-parse", "--show-toplevel").strip()
    against = ["--cached"] if revision == STAGED else [revision]
    diff = _git("diff", "--no-color", "--no-ext-diff", "--no-renames", "-U0", "--src-prefix=a/",
                "--dst-prefix=b/", *against, "--", cwd=top)
    changed: dict[str, set[int] | None] = {}
    lines: set[int] | None = None
    for row in diff.splitlines():
        if row.startswith("+++ "):
            target = row[4:].rstrip("\t")  # git ends a name holding spaces with a tab
            lines = None
            if target != "/dev/null":
                lines = changed.setdefault(os.path.realpath(os.path.join(top, target[2:])), set())
        elif row.startswith("@@") and lines is not None:
            hunk = _HUNK.match(row)
            if hunk:
                start, count = int(hunk.group(1)), int(hunk.group(2) or 1)
                lines.update(range(start, start + count))
    if revision != STAGED:  # files git does not track yet are new in the working tree, every line of them
        for name in _git("ls-files", "--others", "--exclude-standard", cwd=top).splitlines():
            changed[os.path.realpath(os.path.join(top, name))] = None
    return changed


def keep_changed(report: Report, changed: dict[str, set[int] | None]) -> int:
    """Drop the findings on lines that did not change; how many were dropped."""
    real = functools.lru_cache(maxsize=None)(os.path.realpath)
    dropped = 0
    for result in report.results:
        kept = []
        for finding in result.findings:
            lines = changed.get(real(finding.path), set())
            span = range(finding.location.line, finding.location.end_line + 1)
            if lines is None or any(line in lines for line in span):
                kept.append(finding)
        dropped += len(result.findings) - len(kept)
        result.findings = kept
    return dropped
