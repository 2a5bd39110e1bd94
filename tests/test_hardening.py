"""Hostile input that once crashed a reader, misplaced a finding or broke a report (issue 17)."""

from __future__ import annotations

import json

from conftest import json_findings, run_process
from test_plugins import install_plugin

BROKEN_THEN_GOOD = ('{"headline": "One", "body": "abc\r\n'
                    '{"headline": "Two", "body": "x"\r\n}\r\n'
                    '{"headline": "Three", "body": "The the vote was held."}\r\n')


def test_broken_jsonl_records_ending_in_crlf_lose_nothing_after_them(cli, tmp_path):
    export = tmp_path / "export.jsonl"
    export.write_bytes(BROKEN_THEN_GOOD.encode("utf-8"))
    result = cli("check", export, "--format", "json", "--select", "repeated-word")
    problems = result.err.splitlines()
    # Each problem names its line once, where the record breaks off, and the message ends in words.
    assert problems[0] == f"{export}:1:33: error: malformed JSON: Invalid control character"
    assert problems[1] == f"{export}:2:32: error: malformed JSON: expected ',' or '}}' in an object"
    assert problems[2].startswith(f"{export}:3:1: error: malformed JSON: ")
    assert not any(" at" == line[-3:] or "line " in line for line in problems)
    documents = json.loads(result.out)["documents"]
    assert [d["id"].rsplit("#", 1)[1] for d in documents] == ["4"]
    assert documents[0]["findings"][0]["text"] == "The the"


def test_an_inline_code_span_across_a_line_break_is_mapped_character_for_character(cli, tmp_path):
    story = tmp_path / "story.md"
    story.write_text("# Vote\n\nThey said `we could\r\nof won` and the the vote was held.\n", encoding="utf-8")
    findings = json_findings(cli, story, select="house-spelling,repeated-word")
    assert [(f["line"], f["column"], f["text"]) for f in findings] == [(3, 15, "could\r\nof"),
                                                                        (4, 13, "the the")]


def test_sarif_uris_are_percent_encoded(cli, tmp_path):
    folder = tmp_path / "Front page #1"
    folder.mkdir()
    (folder / "story 50%.txt").write_text("Headline\n\nThe the vote was held.\n", encoding="utf-8")
    result = cli("check", "Front page #1", "--format", "sarif", "--fail-on", "never")
    (run,) = json.loads(result.out)["runs"]
    uris = {location["physicalLocation"]["artifactLocation"]["uri"]
            for result in run["results"] for location in result["locations"]}
    assert uris == {"Front%20page%20%231/story%2050%25.txt"}


def test_a_newline_in_a_file_name_stays_on_the_finding_line(cli, tmp_path):
    (tmp_path / "evil\nname.txt").write_text("Head\u2028line\n\nThe the vote was held.\n", encoding="utf-8")
    result = cli("check", tmp_path / "evil\nname.txt", "--select", "repeated-word")
    lines = result.out.splitlines()
    assert lines[0] == f"{tmp_path}/evil\\nname.txt — Head\\u2028line"
    assert lines[1].startswith(f"{tmp_path}/evil\\nname.txt:3:1: warning repeated-word")
    assert lines[2:4] == ["  3 | The the vote was held.", "    | ^^^^^^^"]


BAD_PLUGIN = '''
from copydesk import Finding, Location, Rule, document_check, hookimpl, Formatter


@document_check(name="sloppy", description="A plugin with bugs.",
                rules=[Rule("sloppy-rule", "warning", "Anything.")])
def sloppy(document, ctx):
    yield "not a finding"
    yield ctx.finding("sloppy-rule", "A fine finding.", (0, 4))
    yield Finding("sloppy", "sloppy-rule", "warning", "Out of range.",
                  Location(document.path, 900, 3, 0, -588, 0, -585), document_id=document.id)


def explode(report, out, color):
    out.write("half a report")
    raise RuntimeError("formatter bug")


@hookimpl
def register_checks():
    return [sloppy]


@hookimpl
def register_formatters():
    return [Formatter("explode", "A formatter with a bug.", explode)]
'''


def test_a_plugin_yielding_garbage_or_bad_positions_is_an_internal_error_not_a_crash(tmp_path):
    env = install_plugin(tmp_path, BAD_PLUGIN)
    story = tmp_path / "story.txt"
    story.write_text("Headline\n\nThe vote was held.\n", encoding="utf-8")
    result = run_process("check", story, "--select", "sloppy", "--format", "json", cwd=tmp_path, env=env)
    assert result.code == 1, result.err
    findings = json.loads(result.out)["documents"][0]["findings"]
    assert [(f["rule"], f["line"], f["column"]) for f in findings] == [("internal-error", 1, 1),
                                                                        ("sloppy-rule", 1, 1)]
    assert "produced str 'not a finding', not a Finding" in findings[0]["message"]
    text = run_process("check", story, "--select", "sloppy", cwd=tmp_path, env=env)
    assert ":0:" not in text.out and "-588" not in text.out


def test_a_formatter_that_raises_is_an_error_message_and_prints_no_half_report(tmp_path):
    env = install_plugin(tmp_path, BAD_PLUGIN)
    story = tmp_path / "story.txt"
    story.write_text("Headline\n\nThe the vote was held.\n", encoding="utf-8")
    result = run_process("check", story, "--select", "repeated-word", "--format", "explode",
                         cwd=tmp_path, env=env)
    assert result.code == 1 and result.out == ""
    assert "copydesk: error: the explode formatter failed (RuntimeError: formatter bug); no report was written" \
        in result.err
    assert "Traceback" not in result.err


def test_an_impossible_date_in_front_matter_is_read_as_text_not_a_failed_file(cli, tmp_path):
    story = tmp_path / "story.md"
    story.write_text("---\ntitle: Vote\ndate: 2024-13-45\n---\n\nThe the vote was held.\n", encoding="utf-8")
    result = cli("check", story, "--select", "repeated-word", "--format", "json")
    assert "reader failed" not in result.err
    (document,) = json.loads(result.out)["documents"]
    assert [f["text"] for f in document["findings"]] == ["The the"]
