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
    for path in copies.iterdir():
        path.chmod(0o644)  # the shared seeds are read-only, which --fix refuses
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
    shutil.copyfile(SEEDS / "002_62c41b247a7a4074.txt", seed)  # not its read-only mode
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


def test_a_bare_cr_in_a_markdown_paragraph_is_fixed_in_place_once(cli, tmp_path):
    story = tmp_path / "cr.md"
    story.write_bytes(b"The mayor\rsaid we could of won.\n")
    for _ in range(3):
        cli("check", story, "--fix", "--fail-on", "never")
    assert story.read_bytes() == b"The mayor\rsaid we could have won.\n"


def test_an_escaped_image_title_is_located_and_never_cut(cli, tmp_path):
    story = tmp_path / "t.md"
    text = ('# Ferry\n\n![A](f.jpg "The first f\\/erry leaves (AFP)")\n\n'
            '![B](g.jpg "The first f\\/erry leaves (AFP)")\n')
    story.write_text(text, encoding="utf-8")
    (repeat,) = json_findings(cli, story, select="duplicate-caption")
    assert (repeat["line"], repeat["column"], repeat["text"]) == (5, 13, "The first f\\/erry leaves (AFP)")
    assert not repeat["fixable"]  # deleting it would leave the image an empty title
    result = cli("check", story, "--diff")
    assert (result.code, result.out) == (0, "")


def test_a_repeated_image_and_italic_caption_lose_the_caption_line_not_the_alt_text(cli, tmp_path):
    story = tmp_path / "i.md"
    picture = "![Smoke over the port](b.jpg)\n*Smoke over the port. (AFP)*\n"
    story.write_text(f"# Ferry\n\n{picture}\n{picture}\nText here.\n", encoding="utf-8")
    cli("check", story, "--fix", "--fail-on", "never")
    assert story.read_text(encoding="utf-8") == (
        f"# Ferry\n\n{picture}\n![Smoke over the port](b.jpg)\n\nText here.\n")


def test_a_repeated_caption_with_spaces_around_it_goes_with_its_line(cli, tmp_path):
    story = tmp_path / "s.txt"
    story.write_text("Headline\n\nA pic. (AFP)\n  A pic. (AFP)  \n\nThe vote was held.\n", encoding="utf-8")
    cli("check", story, "--fix", "--fail-on", "never")
    assert story.read_text(encoding="utf-8") == "Headline\n\nA pic. (AFP)\n\nThe vote was held.\n"


def test_deleting_a_block_never_starts_a_new_story(cli, tmp_path):
    # Two blank lines before a line that looks like a headline start a story in plain text.
    story = tmp_path / "story.txt"
    paragraph = "The council met on Monday and agreed the budget after a long debate."
    story.write_text(f"Budget agreed\n\n{paragraph}\n\n\n {paragraph}\n\nCouncil Tax Rises\n\n"
                     "The rise is the first in years.\n", encoding="utf-8")
    cli("check", story, "--fix", "--fail-on", "never")
    assert story.read_text(encoding="utf-8") == (f"Budget agreed\n\n{paragraph}\n\nCouncil Tax Rises\n\n"
                                                 "The rise is the first in years.\n")
    assert len(read(story)) == 1


STORY = "Headline\n\nA pic. (AFP)\nA pic. (AFP)\n\nThe vote was held.\n"
FIXED = "Headline\n\nA pic. (AFP)\n\nThe vote was held.\n"


def test_symlinks_are_refused_unless_asked_and_then_the_target_is_fixed(cli, tmp_path):
    target = tmp_path / "desk" / "story.txt"
    target.parent.mkdir()
    target.write_text(STORY, encoding="utf-8")
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    result = cli("check", link, "--fix", "--fail-on", "never")
    assert f"{link}: not fixed: a symbolic link to {target}" in result.err
    assert "--fix-links-and-read-only" in result.err
    assert target.read_text(encoding="utf-8") == STORY and link.is_symlink()
    cli("check", link, "--fix", "--fix-links-and-read-only", "--fail-on", "never")
    assert link.is_symlink() and target.read_text(encoding="utf-8") == FIXED


def test_read_only_files_are_refused_unless_asked_and_stay_read_only(cli, tmp_path):
    story = tmp_path / "story.txt"
    story.write_text(STORY, encoding="utf-8")
    story.chmod(0o444)
    result = cli("check", story, "--diff")
    assert "not fixed: the file is read-only" in result.err and result.out == ""
    cli("check", story, "--fix", "--fail-on", "never")
    assert story.read_text(encoding="utf-8") == STORY
    cli("check", story, "--fix", "--fix-links-and-read-only", "--fail-on", "never")
    assert story.read_text(encoding="utf-8") == FIXED
    assert stat.S_IMODE(os.stat(story).st_mode) == 0o444


def test_a_temporary_file_left_by_a_killed_fix_is_swept_and_a_fresh_one_kept(cli, tmp_path):
    story = tmp_path / "story.txt"
    story.write_text(STORY, encoding="utf-8")
    stale, fresh = tmp_path / ".copydesk-abc123.tmp", tmp_path / ".copydesk-def456.tmp"
    for leftover in (stale, fresh):
        leftover.write_text("half a story", encoding="utf-8")
    os.utime(stale, (0, 0))
    cli("check", story, "--fix", "--fail-on", "never")
    assert story.read_text(encoding="utf-8") == FIXED
    assert not stale.exists() and fresh.exists()  # a fresh one may be another copydesk's, mid-write


def test_sigterm_during_the_write_leaves_the_story_and_no_temporary_file(tmp_path):
    import signal
    import subprocess
    import sys

    story = tmp_path / "story.txt"
    story.write_text(STORY, encoding="utf-8")
    # The signal arrives after the temporary file is written, just before it replaces the story.
    script = ("import os, signal, sys\n"
              "from copydesk.cli import main\n"
              "os.replace = lambda *args: os.kill(os.getpid(), signal.SIGTERM)\n"
              f"sys.exit(main(['check', '--fix', {str(story)!r}]))\n")
    result = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, timeout=120)
    assert result.returncode == 128 + signal.SIGTERM, result.stderr.decode()
    assert story.read_text(encoding="utf-8") == STORY
    assert [p.name for p in tmp_path.iterdir()] == ["story.txt"]


def test_a_replacement_across_a_line_break_is_reported_but_not_offered_as_fixable(cli, tmp_path):
    # --fix leaves such a replacement to an editor; the report must not promise it.
    story = tmp_path / "story.txt"
    story.write_text("Harbour vote\n\nThe mayor gave the board free\nreign over the harbour, she said.\n",
                     encoding="utf-8")
    result = cli("check", story, "--select", "house-spelling", "--format", "json", "--fail-on", "never")
    (finding,) = [f for d in __import__("json").loads(result.out)["documents"] for f in d["findings"]]
    assert (finding["text"], finding["suggestions"][0], finding["fixable"]) == ("free\nreign", "free rein", False)


def test_whether_a_repeat_takes_its_line_is_found_by_reading_its_line_not_the_file_before_it():
    """Where the line of a repeated block starts was once looked for back to the file's start for
    every repeat when the file had no CR (or no LF): quadratic in a story of repeated lines."""
    from random import Random

    from copydesk.fixing import deletes_cleanly

    class CountedText(str):
        scanned = 0

        def rfind(self, sub, start=0, end=None):
            CountedText.scanned += (len(self) if end is None else end) - start
            return super().rfind(sub, start, end)

    # Each line: whether deleting it whole, from its third character, or nothing at its start
    # takes its line with it.
    takes_its_line = {"A caption (AFP)": (True, False, False), "  *Photo: Reuters*": (True, True, False),
                      "": (True, None, True)}
    rng = Random(3)
    lines = [rng.choice(list(takes_its_line)) for _ in range(5_000)]
    for line_break in ("\n", "\r", "\r\n"):
        text = CountedText(line_break.join(lines))
        CountedText.scanned = 0
        start = 0
        for line in lines:
            whole, from_third, at_start = takes_its_line[line]
            assert deletes_cleanly(text, (start, start + len(line))) is whole
            assert from_third is None or deletes_cleanly(text, (start + 2, start + len(line))) is from_third
            assert deletes_cleanly(text, (start, start)) is at_start
            start += len(line) + len(line_break)
        assert CountedText.scanned < 3 * 1_000 * len(lines), repr(line_break)
