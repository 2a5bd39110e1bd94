"""Suppression comments in the copy and the ignore list of rules.yaml."""

from __future__ import annotations

import json

from conftest import json_findings

STORY = """---
title: Council vote
---

<!-- copydesk-disable-next-line repeated-word -->
The the mayor spoke.

The the council met.

<!-- copydesk-disable weekday-mismatch -->
They voted on Tuesday, Nov. 21, 2024.
<!-- copydesk-enable weekday-mismatch -->

They voted again on Tuesday, Nov. 21, 2024.

<!-- copydesk-disable-next-line house-spelling -->
Nothing to suppress here.
"""


def findings(cli, path, *extra):
    return [(f["rule"], f["line"]) for f in json_findings(cli, path, select="repeated-word,dates,house-spelling",
                                                          extra=extra)
            if f["rule"] != "date-style"]


def test_comments_suppress_the_next_line_and_ranges(cli, tmp_path):
    path = tmp_path / "story.md"
    path.write_text(STORY, encoding="utf-8")
    assert findings(cli, path) == [("repeated-word", 8), ("weekday-mismatch", 14)]


def test_unused_suppressions_are_reported_on_request(cli, tmp_path):
    path = tmp_path / "story.md"
    path.write_text(STORY, encoding="utf-8")
    result = cli("check", path, "--report-unused-suppressions", "--select", "repeated-word,dates,house-spelling",
                 "--format", "json", "--fail-on", "never")
    unused = [(f["line"], f["text"]) for d in json.loads(result.out)["documents"] for f in d["findings"]
              if f["rule"] == "unused-suppression"]
    assert unused == [(16, "<!-- copydesk-disable-next-line house-spelling -->")]
    only = cli("check", path, "--report-unused-suppressions", "--select", "repeated-word", "--format", "json",
               "--fail-on", "never")
    assert "unused-suppression" not in only.out  # house-spelling did not run: its comment may still be needed


def test_ignore_entries_in_rules_yaml(cli, tmp_path):
    stories = tmp_path / "archive"
    stories.mkdir()
    (stories / "a.md").write_text("# A\n\nThe the mayor spoke. The the council met.\n", encoding="utf-8")
    (tmp_path / "b.md").write_text("# B\n\nThe the mayor spoke.\n", encoding="utf-8")
    (tmp_path / "copydesk.yaml").write_text(
        'ignore:\n  - path: "archive/*.md"\n    rule: repeated-word\n    text: "The the"\n'
        '    reason: "Quoted as written."\n'
        '  - path: "nowhere/*.md"\n    rule: repeated-word\n    reason: "Old archive."\n'
        '  - path: "*.md"\n    rule: dates\n    reason: "Old archive."\n', encoding="utf-8")
    found = json_findings(cli, "archive", "b.md", select="repeated-word")
    assert [f["text"] for f in found] == ["The the"]  # b.md's; archive/a.md's two are ignored
    result = cli("check", "archive", "b.md", "--select", "repeated-word", "--report-unused-suppressions",
                 "--fail-on", "never")
    assert "copydesk.yaml" in result.err and "(repeated-word in nowhere/*.md) suppressed nothing" in result.err
    assert "dates in" not in result.err  # dates did not run: its entry may still be needed


def test_a_malformed_ignore_entry_is_a_config_error(cli, tmp_path):
    (tmp_path / "copydesk.yaml").write_text("ignore:\n  - path: '*.md'\n    rule: no-such-rule\n    reason: x\n",
                                            encoding="utf-8")
    (tmp_path / "a.md").write_text("# A\n\nText.\n", encoding="utf-8")
    result = cli("check", "a.md")
    assert result.code == 2
    assert "copydesk.yaml:3" in result.err and "no-such-rule" in result.err
