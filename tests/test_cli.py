"""The command line: exit codes, selection, report formats, start-up commands."""

from __future__ import annotations

import json

import jsonschema
import pytest

from conftest import REPO, SEEDS, needs, run_process

STORY = "Headline\n\nThe mayor said the the budget was final.\n"


@pytest.fixture
def story(tmp_path):
    path = tmp_path / "story.txt"
    path.write_text(STORY, encoding="utf-8")
    return path


def test_version_and_checks_list(cli):
    from copydesk import __version__

    with pytest.raises(SystemExit) as stopped:
        cli("--version")
    assert stopped.value.code == 0
    listing = cli("checks")
    assert listing.code == 0
    assert "repeated-word — The same word typed twice in a row. [built-in]" in listing.out
    assert "    repeated-word  warning" in listing.out
    assert __version__ == "0.1.0"


def test_exit_codes_follow_fail_on(cli, story):
    assert cli("check", story).code == 0  # a warning does not fail by default
    assert cli("check", story, "--fail-on", "warning").code == 1
    assert cli("check", story, "--fail-on", "info").code == 1
    assert cli("check", story, "--fail-on", "never").code == 0
    clean = story.with_name("clean.txt")
    clean.write_text("Headline\n\nAll clear.\n", encoding="utf-8")
    assert cli("check", clean, "--fail-on", "info").code == 0


def test_usage_errors_exit_2(cli, story):
    assert cli("check", story, "--select", "spelling").code == 2
    assert cli("check", story, "--ignore", "nope").code == 2
    assert cli("check", story, "--format", "pdf").code == 2
    with pytest.raises(SystemExit) as stopped:
        cli("check", story, "--published", "22/11/2024")
    assert stopped.value.code == 2
    assert cli().code == 2


def test_select_and_ignore_by_rule_or_check(cli, story):
    assert "repeated-word" in cli("check", story, "--select", "repeated-word").out
    assert "No findings" in cli("check", story, "--ignore", "repeated-word").out


def test_text_report_has_location_source_line_caret_and_summary(cli, story):
    out = cli("check", story).out
    lines = out.splitlines()
    assert lines[0] == f"{story} — Headline"
    assert lines[1] == f'{story}:3:16: warning repeated-word Repeated word "the".'
    assert lines[2] == "  3 | The mayor said the the budget was final."
    assert lines[3] == "    |                ^^^^^^^"
    assert lines[4] == "    = suggestion: 'the'"
    assert lines[-1] == "1 finding in 1 of 1 document (0 errors, 1 warning, 0 info)"
    assert "\033[" not in out


def test_colour_only_when_asked_and_never_with_no_color(tmp_path, story):
    coloured = run_process("check", story, "--color", "always", cwd=tmp_path)
    assert "\033[33mwarning\033[0m" in coloured.out
    plain = run_process("check", story, cwd=tmp_path)  # a pipe is not a terminal
    assert "\033[" not in plain.out
    script = tmp_path / "run_on_terminal.py"
    script.write_text(
        "import os, pty, sys\n"
        "pid, fd = pty.fork()\n"
        "if pid == 0:\n"
        "    os.execvp(sys.executable, [sys.executable, '-m', 'copydesk', 'check', sys.argv[1]])\n"
        "out = b''\n"
        "while True:\n"
        "    try:\n"
        "        chunk = os.read(fd, 4096)\n"
        "    except OSError:\n"
        "        break\n"
        "    if not chunk:\n"
        "        break\n"
        "    out += chunk\n"
        "os.waitpid(pid, 0)\n"
        "sys.stdout.write(repr(out))\n", encoding="utf-8")
    import subprocess
    import sys
    import os

    def on_tty(env):
        return subprocess.run([sys.executable, str(script), str(story)], capture_output=True,
                              text=True, env={**os.environ, **env}, cwd=tmp_path, timeout=60).stdout

    assert "\\x1b[" in on_tty({"NO_COLOR": ""})
    assert "\\x1b[" not in on_tty({"NO_COLOR": "1"})


def test_json_report_matches_its_schema_and_the_readme_shape(cli, story, tmp_path):
    output = tmp_path / "report.json"
    result = cli("check", story, "--format", "json", "--output", output)
    assert result.out == ""
    report = json.loads(output.read_text(encoding="utf-8"))
    schema = json.loads((REPO / "copydesk" / "schemas" / "report.schema.json").read_text())
    jsonschema.validate(report, schema)
    assert list(report) == ["version", "tool", "documents", "summary"]
    (document,) = report["documents"]
    assert document["headline"] == "Headline" and document["id"] == str(story)
    (finding,) = document["findings"]
    assert finding == {
        "check": "repeated-word", "rule": "repeated-word", "severity": "warning",
        "message": 'Repeated word "the".', "line": 3, "column": 16, "end_line": 3, "end_column": 23,
        "offset": 25, "length": 7, "text": "the the", "suggestions": ["the"], "fixable": False,
        "related": [],
    }
    assert STORY[25:32] == "the the"
    assert report["summary"] == {"documents": 1, "findings": 1,
                                 "by_severity": {"error": 0, "warning": 1, "info": 0},
                                 "by_rule": {"repeated-word": 1}}


def test_published_fills_in_missing_metadata_only(cli, tmp_path):
    from copydesk.config import load_config
    from copydesk.engine import Engine
    from copydesk.plugins import load_registry

    dated = tmp_path / "dated.md"
    dated.write_text("---\ndate: 2024-01-02\n---\n\nCopy here.\n", encoding="utf-8")
    undated = tmp_path / "undated.txt"
    undated.write_text("Headline\n\nCopy here.\n", encoding="utf-8")
    engine = Engine(load_registry(), load_config(), [], published="2024-11-22")
    first, second = list(engine.documents([str(dated), str(undated)]))
    assert (first.metadata.published, first.metadata.published_source) == ("2024-01-02", "front matter")
    assert (second.metadata.published, second.metadata.published_source) == ("2024-11-22", "--published")


@needs(SEEDS)
def test_folders_are_walked_recursively_in_a_stable_order(cli, tmp_path):
    result = cli("check", SEEDS, REPO / "examples", "--format", "json")
    ids = [d["id"] for d in json.loads(result.out)["documents"]]
    assert len(ids) == 6 + 6
    assert ids == sorted(ids[:6]) + ids[6:]
    assert ids[6].endswith("cms-export.jsonl#1")


def test_readme_example_command_reports_each_format(tmp_path):
    result = run_process("check", REPO / "examples", "--format", "json", cwd=tmp_path)
    assert result.code == 1, result.err  # the duplicated caption is an error
    report = json.loads(result.out)
    flagged = {d["path"].rsplit("/", 1)[1]: [f["text"] for f in d["findings"]]
               for d in report["documents"] if d["findings"]}
    caption = "Residents queue outside the central library on Monday. (AP Photo/Dana Lee)"
    assert flagged == {"cms-export.jsonl": ["the the"], "council-budget.txt": [caption, "TT", "the the"],
                       "election-night.html": ["Officials said", "would would"],
                       "harbour-strike.md": ["the the", "Tuesday, Nov. 20",
                                             "Container traffic through the port plummeted by a third "
                                             "during the walkout."]}
