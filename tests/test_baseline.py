"""--baseline / --write-baseline and --changed: reporting only what is new on a large existing archive."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import REPO

STORY = """Council approves budget with cuts to library hours

Residents queue outside the central library on Monday. (AP Photo/Dana Lee)
Residents queue outside the central library on Monday. (AP Photo/Dana Lee)

The city council approved a budget on Tuesday that cuts opening hours at four
branch libraries, the council said in a statement.

The mayor said the the cuts were painful but necessary.
"""


def _findings(run) -> list[tuple[str, str]]:
    assert run.code in (0, 1), run.err
    return [(f["rule"], f["text"]) for d in json.loads(run.out)["documents"] for f in d["findings"]]


def _check(cli, *args):
    return cli("check", *args, "--format", "json", "--fail-on", "never")


def test_baseline_accepts_old_findings_and_survives_line_shifts(cli, tmp_path):
    story = tmp_path / "budget.txt"
    story.write_text(STORY, encoding="utf-8")
    written = cli("check", "budget.txt", "--write-baseline", "baseline.json")
    assert written.code == 0 and written.out == ""
    before = _findings(_check(cli, "budget.txt"))
    assert {"repeated-word", "duplicate-caption"} <= {rule for rule, _ in before}
    assert f"wrote {len(before)} findings" in written.err
    entries = json.loads((tmp_path / "baseline.json").read_text())["findings"]
    assert {(e["rule"], e["text"]) for e in entries} == set(before)
    assert not any("line" in entry for entry in entries)

    accepted = _check(cli, "budget.txt", "--baseline", "baseline.json")
    assert _findings(accepted) == [] and f"{len(before)} findings accepted by the baseline" in accepted.err

    # Copy added above every old finding moves them down; they stay accepted. New problems are reported.
    story.write_text("Council approves budget with cuts to library hours\n\nUPDATED: adds the vote.\n\n"
                     + STORY.split("\n", 2)[2] + "\nThe vote was 7 to 2 and and the chamber emptied.\n",
                     encoding="utf-8")
    assert _findings(_check(cli, "budget.txt", "--baseline", "baseline.json")) == [("repeated-word", "and and")]


def test_baseline_counts_each_accepted_finding_once(cli, tmp_path):
    story = tmp_path / "budget.txt"
    story.write_text(STORY, encoding="utf-8")
    cli("check", "budget.txt", "--write-baseline", "baseline.json")
    # The same words again, elsewhere: a second "the the" in a new context is new.
    story.write_text(STORY + "\nLater the mayor said the the cuts would be reviewed.\n", encoding="utf-8")
    assert _findings(_check(cli, "budget.txt", "--baseline", "baseline.json")) == [("repeated-word", "the the")]


def test_baseline_paths_are_relative_to_the_baseline_file(cli, tmp_path, monkeypatch):
    archive = tmp_path / "archive"
    archive.mkdir()
    (archive / "budget.txt").write_text(STORY, encoding="utf-8")
    cli("check", "archive", "--write-baseline", "archive/.copydesk-baseline.json")
    entries = json.loads((archive / ".copydesk-baseline.json").read_text())["findings"]
    assert {entry["path"] for entry in entries} == {"budget.txt"}
    monkeypatch.chdir(archive)
    assert _findings(_check(cli, "budget.txt", "--baseline", ".copydesk-baseline.json")) == []


def test_baseline_inside_the_checked_folder_is_not_read_as_copy(cli, tmp_path):
    (tmp_path / "budget.txt").write_text(STORY, encoding="utf-8")
    cli("check", ".", "--write-baseline", "baseline.json")
    run = _check(cli, ".", "--baseline", "baseline.json")
    assert run.code == 0 and "baseline.json:" not in run.err.replace("accepted by the baseline baseline.json", "")
    assert len(json.loads(run.out)["documents"]) == 1


@pytest.mark.parametrize("content, problem", [
    ("{not json", "not a valid baseline file"),
    ('{"version": 99, "findings": []}', "not a copydesk baseline of version 1"),
    (None, "cannot read the baseline"),
])
def test_a_bad_baseline_is_a_usage_error_naming_the_file(cli, tmp_path, content, problem):
    (tmp_path / "budget.txt").write_text(STORY, encoding="utf-8")
    if content is not None:
        (tmp_path / "old.json").write_text(content, encoding="utf-8")
    run = cli("check", "budget.txt", "--baseline", "old.json")
    assert run.code == 2 and "old.json" in run.err and problem in run.err


@pytest.fixture
def repo(tmp_path, monkeypatch):
    if shutil.which("git") is None:
        pytest.skip("needs git")
    for name, value in {"GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "t@example.org",
                        "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "t@example.org"}.items():
        monkeypatch.setenv(name, value)

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True)

    git("init", "-q")
    (tmp_path / "stories").mkdir()
    (tmp_path / "stories" / "budget.txt").write_text(STORY, encoding="utf-8")
    shutil.copy(REPO / "examples" / "harbour-strike.md", tmp_path / "stories" / "harbour.md")
    git("add", ".")
    git("commit", "-qm", "archive")
    return git


def _edit(path: Path) -> None:
    path.write_text(STORY.replace("branch libraries,", "branch libraries and and two pools,"), encoding="utf-8")


def test_changed_reports_only_staged_lines(cli, tmp_path, repo):
    assert _findings(_check(cli, "--changed")) == []  # nothing staged: nothing to report
    _edit(tmp_path / "stories" / "budget.txt")
    assert _findings(_check(cli, "--changed")) == []  # changed, not staged
    repo("add", "stories/budget.txt")
    run = _check(cli, "--changed")
    assert _findings(run) == [("repeated-word", "and and")]
    assert [d["path"] for d in json.loads(run.out)["documents"]] == ["stories/budget.txt"]
    assert "on unchanged lines not shown" in run.err
    # A folder right after --changed is a path, not a revision.
    assert _findings(_check(cli, "--changed", "stories")) == [("repeated-word", "and and")]


def test_changed_since_a_revision_includes_untracked_files(cli, tmp_path, repo):
    _edit(tmp_path / "stories" / "budget.txt")
    (tmp_path / "stories" / "new.txt").write_text(STORY, encoding="utf-8")
    found = _findings(_check(cli, "stories", "--changed", "HEAD"))
    every_new = _findings(_check(cli, "stories/new.txt"))
    assert sorted(found) == sorted([("repeated-word", "and and"), *every_new])


def test_changed_with_a_bad_revision_or_outside_git_is_a_usage_error(cli, tmp_path, repo):
    run = cli("check", "stories", "--changed", "no-such-branch")
    assert run.code == 2 and "neither a git revision nor a path" in run.err
    shutil.rmtree(tmp_path / ".git")
    run = cli("check", "stories", "--changed")
    assert run.code == 2 and "git" in run.err and "not a git repository" in run.err.lower()
