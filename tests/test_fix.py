"""--fix and --diff: only the safe suggestions, only the bytes of a finding, atomically, once."""

from __future__ import annotations

import json
import os
import shutil
import stat

from conftest import SEEDS, json_findings, needs, read

RESIDUE = {"TT", "20"}


def fixable(cli, *paths):
    return [f for f in json_findings(cli, *paths, select="duplicates,house-spelling,dates") if f["fixable"]]


@needs(SEEDS)
def test_fix_on_the_seeds_removes_repeats_and_residue_and_nothing_else(cli, tmp_path):
    copies = tmp_path / "seeds"
    shutil.copytree(SEEDS, copies)
    before = {path.name: path.read_text(encoding="utf-8") for path in copies.iterdir()}
    paragraphs_before = {path.name: [[b.text for b in d.blocks if b.kind == "paragraph"] for d in read(path)]
                         for path in copies.iterdir()}

    result = cli("check", copies, "--fix", "--fail-on", "never")
    assert "fixed" in result.err

    for path in copies.iterdir():
        original, fixed = before[path.name].splitlines(), path.read_text(encoding="utf-8").splitlines()
        # Only deletions: the fixed file is the original with lines taken out, in order.
        remaining = iter(original)
        assert all(any(line == candidate for candidate in remaining) for line in fixed), path.name
        removed = [line for line in original if line.strip() and line not in fixed or line in RESIDUE]
        assert set(removed) <= RESIDUE | {line for line in original if original.count(line) > 1}
        assert not RESIDUE & set(fixed)
        for line in set(fixed):  # every repeated caption and headline went; one copy stayed
            if line.strip():
                assert fixed.count(line) == 1, line
        # The stories are the same stories, with the same paragraphs.
        documents = read(path)
        assert [[b.text for b in d.blocks if b.kind == "paragraph"] for d in documents] == paragraphs_before[path.name]
        assert all(sum(b.kind == "caption" for b in d.blocks) == 1 for d in documents)
        assert all(sum(b.kind == "headline" for b in d.blocks) == 1 for d in documents)
    assert fixable(cli, copies) == []
    again = cli("check", copies, "--diff")
    assert (again.code, again.out) == (0, "")


@needs(SEEDS)
def test_diff_shows_the_fix_and_writes_nothing(cli, tmp_path):
    seed = tmp_path / "seed.txt"
    shutil.copy(SEEDS / "002_62c41b247a7a4074.txt", seed)
    original = seed.read_bytes()
    result = cli("check", seed, "--diff")
    assert result.code == 1
    assert result.out.startswith(f"--- a/{seed}\n+++ b/{seed}\n")
    assert "\n-TT\n" in result.out and "\n+" not in result.out.split("\n", 2)[2]
    assert seed.read_bytes() == original


def test_fix_keeps_permissions_and_every_byte_outside_a_finding(cli, tmp_path):
    story = tmp_path / "story.md"
    text = ("---\ntitle: Port strike\n---\n\n# Port strike\n\n"
            "*Cranes stand idle. (Reuters)*\r\n\r\n"
            "The union's “free reign” ended on Thursday, Nov. 22, 2024 — the the talks said so. "
            "They voted on Tuesday, Nov. 19, 2024 and again on Wednesday, Nov. 20.\r\n")
    story.write_bytes(text.encode("utf-8"))
    story.chmod(0o640)
    result = cli("check", story, "--fix", "--fail-on", "never")
    assert "fixed 2 findings in 1 file" in result.err
    fixed = story.read_bytes().decode("utf-8")
    assert fixed == text.replace("free reign", "free rein").replace("Thursday, Nov. 22", "Friday, Nov. 22")
    assert stat.S_IMODE(os.stat(story).st_mode) == 0o640
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".copydesk-")]


def test_weekday_fix_needs_a_stated_year(cli, tmp_path):
    story = tmp_path / "story.md"
    story.write_text("---\ntitle: Vote\ndate: 2024-11-25\n---\n\nThey met on Monday, Nov. 20, 2024. "
                     "They met again on Monday, Nov. 21.\n", encoding="utf-8")
    cli("check", story, "--fix", "--fail-on", "never")
    assert story.read_text(encoding="utf-8").endswith(
        "They met on Wednesday, Nov. 20, 2024. They met again on Monday, Nov. 21.\n")
    remaining = json_findings(cli, story, select="weekday-mismatch")
    assert [(f["text"], f["fixable"]) for f in remaining] == [("Monday, Nov. 21", False)]


def test_files_that_did_not_read_cleanly_are_refused(cli, tmp_path):
    story = tmp_path / "story.txt"
    data = "Headline\n\nCaption here. (AFP)\nCaption here. (AFP)\n\nThe caf\xe9 opened.\n".encode("latin-1")
    story.write_bytes(data)
    result = cli("check", story, "--fix", "--fail-on", "never")
    assert "not fixed" in result.err and "not valid UTF-8" in result.err
    assert story.read_bytes() == data


def test_json_marks_what_fix_applies(cli, tmp_path):
    story = tmp_path / "story.txt"
    story.write_text("Headline\n\nA pic. (AFP)\nA pic. (AFP)\n\nThe the vote was held.\n", encoding="utf-8")
    result = cli("check", story, "--format", "json", "--fail-on", "never")
    marks = {f["rule"]: f["fixable"] for d in json.loads(result.out)["documents"] for f in d["findings"]}
    assert marks == {"duplicate-caption": True, "repeated-word": False}


def test_a_byte_order_mark_and_its_encoding_are_kept(cli, tmp_path):
    text = "Headline\n\nA pic. (AFP)\nA pic. (AFP)\n\nThe vote was held.\n"
    for name, encoding, bom in (("utf8.txt", "utf-8", b"\xef\xbb\xbf"), ("utf16.txt", "utf-16-le", b"\xff\xfe")):
        story = tmp_path / name
        story.write_bytes(bom + text.encode(encoding))
        cli("check", story, "--fix", "--fail-on", "never")
        assert story.read_bytes() == bom + text.replace("A pic. (AFP)\n", "", 1).encode(encoding)
