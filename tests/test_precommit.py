"""copydesk as a git pre-commit hook, installed by the real pre-commit tool from this checkout."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO

STORY = """Council approves budget

Residents queue outside the library. (AP Photo/Dana Lee)
Residents queue outside the library. (AP Photo/Dana Lee)

The council approved the budget on Monday.
"""


def _git(*args: str, cwd: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def _head() -> str | None:
    """The commit of this checkout, or None when it is not a git checkout with the hook definition committed."""
    found = subprocess.run(["git", "-C", str(REPO), "log", "-1", "--format=%H", "--", ".pre-commit-hooks.yaml"],
                           capture_output=True, text=True)
    return found.stdout.strip() or None if found.returncode == 0 else None


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_commit_with_a_duplicated_caption_is_refused_then_passes_once_fixed(tmp_path):
    if _head() is None:
        pytest.skip("needs a git checkout of copydesk with .pre-commit-hooks.yaml committed")
    revision = subprocess.run(["git", "-C", str(REPO), "rev-parse", "HEAD"],
                              capture_output=True, text=True, check=True).stdout.strip()
    bin_dir = str(Path(sys.executable).parent)
    env = {**os.environ, "PATH": bin_dir + os.pathsep + os.environ.get("PATH", ""),
           "PRE_COMMIT_HOME": str(tmp_path / "cache"), "GIT_AUTHOR_NAME": "Desk", "GIT_AUTHOR_EMAIL": "desk@example.org",
           "GIT_COMMITTER_NAME": "Desk", "GIT_COMMITTER_EMAIL": "desk@example.org", "NO_COLOR": "1"}
    newsroom = tmp_path / "newsroom"
    newsroom.mkdir()
    assert _git("init", "-q", cwd=newsroom, env=env).returncode == 0
    (newsroom / ".pre-commit-config.yaml").write_text(
        f"repos:\n- repo: {REPO}\n  rev: {revision}\n  hooks:\n  - id: copydesk\n", encoding="utf-8")
    installed = subprocess.run([sys.executable, "-m", "pre_commit", "install"], cwd=newsroom, env=env,
                               capture_output=True, text=True, timeout=600)
    assert installed.returncode == 0, installed.stderr
    story = newsroom / "budget.txt"
    story.write_text(STORY, encoding="utf-8")
    _git("add", "budget.txt", ".pre-commit-config.yaml", cwd=newsroom, env=env)

    refused = _git("commit", "-m", "budget story", cwd=newsroom, env=env)
    output = refused.stdout + refused.stderr
    assert refused.returncode != 0, output
    assert "budget.txt:4:1: error duplicate-caption" in output
    assert _git("rev-parse", "--verify", "HEAD", cwd=newsroom, env=env).returncode != 0  # nothing committed

    story.write_text(STORY.replace("Residents queue outside the library. (AP Photo/Dana Lee)\n", "", 1),
                     encoding="utf-8")
    _git("add", "budget.txt", cwd=newsroom, env=env)
    passed = _git("commit", "-m", "budget story", cwd=newsroom, env=env)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "copydesk" in passed.stdout + passed.stderr and "Passed" in passed.stdout + passed.stderr
