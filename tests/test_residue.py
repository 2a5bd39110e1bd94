"""scrape-residue inside blocks: credits and page furniture glued to copy, on their exact span."""

from __future__ import annotations

import pytest

from conftest import json_findings, read

HEADLINE = "Harbour workers end their strike"
# A paragraph as stories have them: three sentences (a caption describes a picture in one or two).
SENTENCE = ("The union said the dockers would return on Monday after a week out. Talks had lasted "
            "two days. Both sides called the deal fair.")
OTHER = "Managers agreed to review the night-shift rota by the end of March."

# One of each kind of residue the rule is built for, as scraped copy carries it.
RESIDUE = [
    "Featured image via Mark Wilson / Getty Images",
    "Featured Image: Screenshot",
    "Photo by Ana Ruiz/Reuters",
    "Photo via Twitter",
    "Image via Facebook.",
    "(Photo: Jan Olsen)",
    "Click here to read the council's full report.",
    "Read more: Dockers vote on the new contract",
    "Follow Lea Novak on Twitter @leanovak",
    "Sign up for our daily newsletter.",
    "This article originally appeared on The Harbour Gazette.",
]


def story(tmp_path, body: str):
    path = tmp_path / "story.txt"
    path.write_text(f"{HEADLINE}\n\n{body}\n\n{OTHER}\n", encoding="utf-8")
    return path


def residue_findings(cli, path):
    return json_findings(cli, path, select="scrape-residue")


@pytest.mark.parametrize("residue", RESIDUE)
@pytest.mark.parametrize("glue", ["end, glued", "end, after a space", "start", "own line"])
def test_residue_is_flagged_on_its_exact_span(cli, tmp_path, residue, glue):
    body = {"end, glued": f"{SENTENCE}{residue}",
            "end, after a space": f"{SENTENCE} {residue}",
            "start": f"{residue} {SENTENCE}" if residue[-1] in ".)" else f"{residue}\n{SENTENCE}",
            "own line": f"{SENTENCE}\n{residue}"}[glue]
    path = story(tmp_path, body)
    text = path.read_text(encoding="utf-8")
    (finding,) = residue_findings(cli, path)
    assert finding["fixable"] and finding["suggestions"] == [""]
    assert residue in finding["message"]
    # The span is the residue and the white space that joins it to the copy, nothing else.
    span = text[finding["offset"]:finding["offset"] + finding["length"]]
    assert span == finding["text"] and span.strip() == residue

    cli("check", path, "--select", "scrape-residue", "--fix", "--fail-on", "never")
    fixed = path.read_text(encoding="utf-8")
    # Deleting a block that was the whole line takes the emptied line with it.
    assert fixed in (text.replace(span, "", 1), text.replace(span + "\n", "", 1))
    assert SENTENCE in fixed and residue not in fixed and not residue_findings(cli, path)


def test_a_credit_alone_is_residue_not_a_caption_and_the_story_stays_a_story(cli, tmp_path):
    # The whole body on one line, ending in a credit: the story's paragraph, not one long caption.
    path = story(tmp_path, f"{SENTENCE} He said: \"We are going back.\" {OTHER}Featured Image: Screenshot")
    (document,) = read(path)
    kinds = [block.kind for block in document.blocks]
    assert kinds == ["headline", "paragraph", "paragraph"]
    alone = tmp_path / "alone.txt"
    alone.write_text(f"{HEADLINE}\n\n{SENTENCE}\n\nFeatured Image: Screenshot\n", encoding="utf-8")
    (document,) = read(alone)
    assert "caption" not in [block.kind for block in document.blocks]
    (finding,) = residue_findings(cli, alone)
    assert finding["text"] == "Featured Image: Screenshot"


def test_a_caption_that_describes_a_picture_keeps_its_credit(cli, tmp_path):
    path = story(tmp_path, f"{SENTENCE}\n\nDockers leave the gates on Monday. Photo: Jan Olsen/Reuters")
    (document,) = read(path)
    assert ("caption", "Dockers leave the gates on Monday. Photo: Jan Olsen/Reuters") in [
        (block.kind, block.text) for block in document.blocks]
    assert residue_findings(cli, path) == []


@pytest.mark.parametrize("copy", [
    "Photo by photo, the exhibition tells the story of the harbour.",
    "Photo finishes decided two of the races.",
    "Read the small print, the union told its members, before signing anything.",
    "The museum said it would follow the advice of its photo conservators.",
    "Video from the quay showed the first ship docking at dawn.",
    "He said the picture by the river had been taken in 1952.",
])
def test_copy_that_merely_mentions_pictures_or_reading_is_not_residue(cli, tmp_path, copy):
    assert residue_findings(cli, story(tmp_path, f"{SENTENCE} {copy}")) == []
    assert residue_findings(cli, story(tmp_path, copy)) == []


def test_residue_patterns_read_a_story_with_a_lone_surrogate(cli, tmp_path):
    # RE2 reads UTF-8, which has no lone surrogates; a JSON escape can put one in a story.
    export = tmp_path / "export.jsonl"
    export.write_text('{"headline": "Ferry strike ends", "body": "The ferries sail again \\udfff today.\\n\\n'
                      'Featured image via Harbour Trust"}\n', encoding="utf-8")
    found = json_findings(cli, export, select="duplicates")
    assert [(f["rule"], f["text"]) for f in found] == [("scrape-residue", "Featured image via Harbour Trust")]


def test_residue_wrapped_in_markup_is_reported_but_never_fixed_unreviewed(cli, tmp_path):
    # Deleting "Photo: AP." out of "*Photo: AP.*" would leave a stray "*" that opens emphasis.
    story = tmp_path / "story.md"
    story.write_text("# Mayor\n\n*Photo: AP.* The mayor said the budget would pass on time.\n\n"
                     "Shares rose. **Featured image via [Reuters](http://x.example)**\n\n"
                     "The council met. Photo by Jane Doe\n", encoding="utf-8")
    found = json_findings(cli, story, select="scrape-residue")
    assert [(f["text"].strip(), f["fixable"]) for f in found] == [
        ("Photo: AP.*", False), ("**Featured image via [Reuters", False), ("Photo by Jane Doe", True)]
    assert cli("check", story, "--select", "scrape-residue", "--fix").code == 0
    assert story.read_text(encoding="utf-8") == (
        "# Mayor\n\n*Photo: AP.* The mayor said the budget would pass on time.\n\n"
        "Shares rose. **Featured image via [Reuters](http://x.example)**\n\nThe council met.\n")
