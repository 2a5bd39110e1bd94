"""repeated-word: typos like "the the", never legitimate repeats or names."""

from __future__ import annotations

import json

import pytest


def findings(cli, tmp_path, body: str, name: str = "story.txt", headline: str = "Headline"):
    story = tmp_path / name
    story.write_text(f"{headline}\n\n{body}\n", encoding="utf-8")
    report = json.loads(cli("check", story, "--select", "repeated-word", "--format", "json").out)
    return report["documents"][0]["findings"]


@pytest.mark.parametrize("body, flagged", [
    ("The the minister spoke.", ["The the"]),
    ("She said it was was late.", ["was was"]),
    ("They voted for\nfor the plan, which was long.", ["for\nfor"]),
    ("It rose in in March and and April.", ["in in", "and and"]),
    ("He said that that was final. It had had no effect.", []),
    ("She said no. No one disagreed.", []),
    ("The vote was 20 20 across the board.", []),
    ("Boutros Boutros-Ghali and Sirhan Sirhan were named.", []),
    ("Bye bye, he said.", []),
    ("They wanted it done. Done by Friday.", []),
    ("the theme was clear.", []),
])
def test_repeats(cli, tmp_path, body, flagged):
    assert [f["text"] for f in findings(cli, tmp_path, body)] == flagged


def test_finding_suggests_the_single_word_with_exact_span(cli, tmp_path):
    (finding,) = findings(cli, tmp_path, "Councillors said the\nthe plan had support.")
    assert finding["suggestions"] == ["the"]
    assert (finding["line"], finding["column"], finding["end_line"], finding["end_column"]) == (3, 18, 4, 4)


def test_capitalised_repeat_in_a_headline_is_flagged(cli, tmp_path):
    (finding,) = findings(cli, tmp_path, "Copy.", headline="Strikes Hit The The Port")
    assert finding["text"] == "The The" and finding["line"] == 1
