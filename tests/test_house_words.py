"""The house word list: words a newsroom has said are right are never flagged by the spelling rules."""

from __future__ import annotations

import os
import stat
import threading

import pytest

from conftest import json_findings
from copydesk.house_words import FILE_NAME, HouseWords, path_for

STORY = ("Senate Passes Heath Care Bill\n\n"
         "The health care bill passed on Monday. Supporters of health care reform cheered.\n")


def write(folder, name, text):
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_listed_word_is_not_flagged_by_the_spelling_rules(cli, tmp_path):
    story = write(tmp_path, "story.txt", STORY)
    before = json_findings(cli, story, select="real-word-error,inconsistent-spelling")
    assert {f["rule"] for f in before} == {"real-word-error", "inconsistent-spelling"}
    write(tmp_path, FILE_NAME, "# words our desk uses\nheath\n")
    assert json_findings(cli, story, select="real-word-error,inconsistent-spelling") == []


def test_the_list_beside_the_rules_file_is_the_one_used(cli, tmp_path):
    desk = tmp_path / "desk"
    desk.mkdir()
    rules = write(desk, "copydesk.yaml", "version: 1\n")
    write(desk, FILE_NAME, "Heath\n")
    story = write(tmp_path, "story.txt", STORY)
    assert json_findings(cli, story, select="real-word-error", extra=("--rules", rules)) == []
    # Without that rules file there is no list in the working folder or above it: the word is flagged.
    assert json_findings(cli, story, select="real-word-error")


def test_other_rules_still_fire_on_a_listed_word(cli, tmp_path):
    story = write(tmp_path, "story.txt", "Heath Care Bill\n\nThe the bill passed.\n")
    write(tmp_path, FILE_NAME, "the\n")
    assert [f["rule"] for f in json_findings(cli, story, select="repeated-word")] == ["repeated-word"]


def test_the_list_itself_is_not_checked_as_copy(cli, tmp_path):
    write(tmp_path, FILE_NAME, "teh\nteh\n")
    write(tmp_path, "story.txt", "A short story.\n")
    result = cli("check", tmp_path, "--format", "json", "--fail-on", "never")
    assert FILE_NAME not in result.out


def test_an_unreadable_list_is_a_usage_error_naming_it(cli, tmp_path):
    if os.geteuid() == 0:
        # root reads any file; a folder in the list's place is unreadable as a file for everyone.
        (tmp_path / FILE_NAME).mkdir()
    else:
        listed = write(tmp_path, FILE_NAME, "heath\n")
        listed.chmod(0)
    write(tmp_path, "story.txt", STORY)
    result = cli("check", "story.txt")
    assert result.code == 2
    assert FILE_NAME in result.err


def test_add_and_delete_write_the_file_atomically_and_keep_comments(tmp_path):
    path = tmp_path / FILE_NAME
    path.write_text("# reviewed by the standards desk\nKyiv\n", encoding="utf-8")
    path.chmod(0o640)
    words = HouseWords(str(path))
    assert words.add("Zelenskyy") is True
    assert words.add("zelenskyy") is False  # already there, whatever the case
    assert "KYIV" in words and words.covers("Zelenskyy's") is False and words.covers("Kyiv region")
    assert words.delete("kyiv") is True and words.delete("kyiv") is False
    assert path.read_text(encoding="utf-8") == "# reviewed by the standards desk\nZelenskyy\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == [FILE_NAME]  # no temporary file left


def test_a_change_by_another_process_is_seen(tmp_path):
    path = tmp_path / FILE_NAME
    words = HouseWords(str(path))
    assert words.words() == []
    path.write_text("Brexit\n", encoding="utf-8")
    os.utime(path, ns=(1, 1))  # a different stamp even within the file system's time resolution
    assert words.words() == ["Brexit"]


def test_concurrent_adds_lose_no_word(tmp_path):
    words = HouseWords(str(tmp_path / FILE_NAME))
    threads = [threading.Thread(target=words.add, args=(f"word{i}",)) for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(HouseWords(str(tmp_path / FILE_NAME)).words()) == sorted(f"word{i}" for i in range(20))


@pytest.mark.parametrize("bad", ["", "two words", "#comment", "x" * 101])
def test_what_is_not_one_word_is_refused(tmp_path, bad):
    with pytest.raises(ValueError):
        HouseWords(str(tmp_path / FILE_NAME)).add(bad)


def test_the_list_is_found_upward_when_there_is_no_rules_file(tmp_path):
    write(tmp_path, FILE_NAME, "x\n")
    inner = tmp_path / "a" / "b"
    inner.mkdir(parents=True)
    assert path_for([], str(inner)) == str(tmp_path / FILE_NAME)
    assert path_for([str(inner / "copydesk.yaml")]) == str(inner / FILE_NAME)


def test_a_front_end_running_other_checks_than_its_engine_still_spares_listed_words(tmp_path):
    # The server plans a request's select/ignore per request (check_text's checks=), from an engine
    # whose own checks may leave the spelling rules out.
    from copydesk.config import load_config
    from copydesk.engine import Engine, plan
    from copydesk.plugins import load_registry

    rules = write(tmp_path, "copydesk.yaml", "checks:\n  real-word-error:\n    enabled: false\n")
    write(tmp_path, FILE_NAME, "heath\n")
    registry, config = load_registry(), load_config(str(rules))
    engine = Engine(registry, config, plan(registry, config))
    asked = plan(registry, config, select=["real-word-error"])
    report = engine.check_text("Clinic budget\n\nThe cost of public heath care rose, the mayor said.\n", checks=asked)
    assert [f.rule for f in report.findings] == []
    write(tmp_path, FILE_NAME, "")
    report = engine.check_text("Clinic budget\n\nThe cost of public heath care rose, the mayor said.\n", checks=asked)
    assert [f.rule for f in report.findings] == ["real-word-error"]
