"""Each reader on the seeds and on our own fixtures, with positions checked exactly."""

from __future__ import annotations

import pytest

from conftest import FIXTURES, SEEDS, assert_maps_exactly, needs, read, run_process


def kinds_by_line(document):
    source = document.source
    return [(source.position(block.start)[0], block.kind) for block in document.blocks]


@needs(SEEDS)
def test_seed_files_split_into_two_stories_each_with_file_line_numbers():
    for path in sorted(SEEDS.glob("*.txt")):
        documents = read(path)
        assert [d.id for d in documents] == [f"{path}#1", f"{path}#2"]
        for document in documents:
            assert_maps_exactly(document)


@needs(SEEDS)
def test_seed_000_blocks_are_classified_line_by_line():
    first, second = read(SEEDS / "000_ac87ea10dbb1d0c7.txt")
    assert kinds_by_line(first)[:8] == [
        (1, "headline"), (3, "caption"), (4, "caption"), (5, "residue"), (6, "residue"),
        (8, "headline"), (10, "caption"), (11, "caption"),
    ]
    assert {kind for _, kind in kinds_by_line(first)[8:]} == {"paragraph"}
    assert kinds_by_line(first)[8][0] == 13 and kinds_by_line(first)[-1][0] == 37
    assert first.headline == "Report: Iraqi Pro-Iran Factions Establish Operations Room with Hamas"
    assert kinds_by_line(second)[:8] == [
        (41, "headline"), (43, "caption"), (44, "caption"), (45, "residue"), (46, "residue"),
        (48, "headline"), (50, "caption"), (51, "caption"),
    ]
    # The file ends without a newline; the last paragraph still ends at the last character.
    assert second.blocks[-1].end == len(second.source.text)


@needs(SEEDS)
def test_seed_002_second_story_has_the_heath_care_headline_twice():
    _, health = read(SEEDS / "002_62c41b247a7a4074.txt")
    headlines = [(line, b.text) for (line, _), b in zip(kinds_by_line(health), health.blocks)
                 if b.kind == "headline"]
    assert [line for line, _ in headlines] == [40, 46]
    assert all("Heath Care" in text for _, text in headlines)
    assert [line for line, kind in kinds_by_line(health) if kind == "residue"] == [44]


def test_plain_text_joins_hand_wrapped_lines_and_finds_byline_and_subhead(tmp_path):
    story = tmp_path / "wrapped.txt"
    story.write_text(
        "Port reopens\n\nBy Sam Okoro\n\nBEIRUT (AP) — The port reopened on Monday after\n"
        "a week of repairs, officials said.\n\nWhat comes next\n\nShips will return.\n",
        encoding="utf-8")
    (document,) = read(story)
    assert [b.kind for b in document.blocks] == ["headline", "byline", "paragraph", "subhead", "paragraph"]
    paragraph = document.blocks[2]
    assert paragraph.text.startswith("BEIRUT") and paragraph.text.endswith("officials said.")
    assert document.metadata.byline == "By Sam Okoro"
    assert document.metadata.dateline == "BEIRUT"
    assert document.id == str(story)  # one story: named by its path alone


def test_crlf_line_endings_keep_columns_exact(tmp_path):
    story = tmp_path / "crlf.txt"
    story.write_bytes(b"Headline here\r\n\r\nFirst line of copy.\r\n\r\nSecond paragraph here.\r\n")
    (document,) = read(story)
    assert_maps_exactly(document)
    last = document.blocks[-1]
    assert document.source.position(last.start) == (5, 1)


def test_markdown_front_matter_metadata_and_blocks():
    (document,) = read(FIXTURES / "story.md")
    meta = document.metadata
    assert meta.headline == "Ferry service resumes after storm"
    assert meta.published == "2024-03-04" and meta.published_source == "front matter"
    assert meta.byline == "Ana Ruiz, Tom Beck"
    assert meta.dateline == "VALLETTA" and meta.url == "https://example.org/ferry"
    assert meta.extra == {"tags": ["weather", "transport"]}
    kinds = kinds_by_line(document)
    assert kinds[:2] == [(2, "headline"), (10, "headline")]  # front-matter title, then the h1
    assert (12, "caption") in kinds and (13, "caption") in kinds  # alt text and title, italic line
    assert (19, "paragraph") in kinds and (21, "subhead") in kinds
    assert (23, "paragraph") in kinds and (24, "paragraph") in kinds  # list items
    captions = [b.text for b in document.blocks if b.kind == "caption"]
    assert captions == [
        "Passengers board the first ferry to Gozo",
        "The first ferry leaves Cirkewwa harbour",
        "Passengers board the first ferry on Monday. (AFP)",
        "Cars queue at the harbour",
        "Cars queue at the harbour on Monday. (Reuters)",
    ]
    assert_maps_exactly(document, decoded={"&"})


def test_markdown_paragraph_text_drops_markup_but_maps_into_the_file():
    (document,) = read(FIXTURES / "story.md")
    lead = next(b for b in document.blocks if b.text.startswith("VALLETTA"))
    assert "**" not in lead.text and "](" not in lead.text and "&amp;" not in lead.text
    assert "the ferry service to Gozo resumed" in lead.text.replace("The", "the", 1)
    start = lead.text.index("the\nthe")
    source = document.source
    offset = lead.offsets(start)
    assert source.text[offset:offset + 7] == "the\nthe"
    assert source.position(offset) == (16, 76)


def test_markdown_front_matter_that_is_not_yaml_is_an_input_error(cli, tmp_path):
    story = tmp_path / "broken.md"
    story.write_text("---\ntitle: [unclosed\n---\n\nBody text here.\n", encoding="utf-8")
    result = cli("check", story)
    assert result.code == 2
    assert f"{story}:" in result.err and "malformed YAML front matter" in result.err


def test_html_reads_the_article_not_the_page_furniture():
    (document,) = read(FIXTURES / "story.html")
    texts = [(b.kind, b.text) for b in document.blocks]
    assert ("headline", "Bridge reopens after  repairs") in texts
    assert ("standfirst", "Commuters return to the old crossing.") in texts
    assert ("byline", "By Lea Novak") in texts
    assert ("caption", "The bridge at dusk & the river") in texts
    assert ("caption", "The bridge at dusk on Sunday. (EPA)") in texts
    assert ("subhead", "Costs") in texts
    assert ("paragraph", "An unclosed paragraph here.") in texts
    assert ("paragraph", "The work cost 12 million euros.") in texts
    all_text = " ".join(text for _, text in texts)
    for furniture in ("Home", "Related", "Contact", "Not a paragraph", "color"):
        assert furniture not in all_text
    meta = document.metadata
    assert meta.published == "2024-05-06T08:00:00+02:00" and meta.published_source == "html <meta>"
    assert meta.url == "https://example.org/bridge"
    assert_maps_exactly(document, decoded={"&", "'"})


def test_html_text_spans_tags_and_entities_with_exact_offsets():
    (document,) = read(FIXTURES / "story.html")
    source = document.source
    paragraph = next(b for b in document.blocks if b.text.startswith("Cyclists"))
    assert paragraph.text == "Cyclists said the the new lanes were\nwider."
    start, end = paragraph.source_span(paragraph.text.index("were"), len(paragraph.text))
    assert source.text[start:end] == "were<br>wider."
    reopened = next(b for b in document.blocks if b.text.startswith("The bridge reopened"))
    apostrophe = reopened.offsets(reopened.text.index("'s engineers"))
    assert source.text[apostrophe:apostrophe + 5] == "&#39;"


def test_html_entities_without_a_semicolon_keep_the_next_letters_in_place(tmp_path):
    # Legacy entities may lack their ";" and run into the next word; unknown ones stay as written.
    page = tmp_path / "entities.html"
    page.write_text('<figure><img src="a.jpg" alt="The cit&nbspy &ampx museum">'
                    "<figcaption>Dusk &Thursday, Nov. 22 &copy2024</figcaption></figure>\n"
                    "<p>Fish &ampchips and &notit cost &#169 money.</p>\n", encoding="utf-8")
    (document,) = read(page)
    assert [block.text for block in document.blocks] == [
        "The cit\xa0y &x museum", "Dusk &Thursday, Nov. 22 ©2024", "Fish &chips and ¬it cost © money."]
    assert_maps_exactly(document, decoded=frozenset("\xa0&©¬"))


def test_json_export_fields_escapes_and_positions():
    first, second = read(FIXTURES / "export.json")
    assert first.id.endswith("export.json#1") and second.id.endswith("export.json#2")
    assert first.headline == 'Café owners protest "rent rises"'
    assert first.metadata.published == "2024-06-01" and first.metadata.id == "story-1"
    assert [b.kind for b in first.blocks] == ["headline", "caption", "paragraph", "paragraph"]
    body = first.blocks[3]
    assert body.text == 'They said the the new rents were "unaffordable".'
    source = first.source
    offset = body.offsets(body.text.index("the the"))
    assert source.text[offset:offset + 7] == "the the"
    line, column = source.position(offset)
    assert source.line_text(line)[column - 1:column + 6] == "the the"
    assert [b.text for b in second.blocks] == [
        "Library extends hours", "The library will open on Sundays.", "Staff welcomed the the change."]
    assert_maps_exactly(first, decoded={"é", '"', "\n"})


def test_jsonl_bad_lines_are_reported_and_the_rest_are_read(cli):
    result = cli("check", FIXTURES / "export.jsonl", "--format", "json", "--select", "repeated-word")
    assert result.code == 2  # input problems
    assert f"{FIXTURES / 'export.jsonl'}:2:" in result.err and ": error: malformed JSON: " in result.err and "line 2:" not in result.err
    assert "#4: no 'body' field" in result.err and "#5: no 'body' field" in result.err
    import json

    report = json.loads(result.out)
    assert [d["id"].rsplit("#", 1)[1] for d in report["documents"]] == ["1"]
    (finding,) = report["documents"][0]["findings"]
    assert finding["rule"] == "repeated-word" and finding["line"] == 1 and finding["text"] == "the the"


def test_json_field_names_come_from_the_rules_file(cli, tmp_path):
    rules = tmp_path / "copydesk.yaml"
    rules.write_text("readers:\n  json:\n    fields:\n      headline: content.title\n"
                     "      body: content.text\n", encoding="utf-8")
    result = cli("check", FIXTURES / "export.jsonl", "--format", "json", "--select", "repeated-word")
    import json

    report = json.loads(result.out)
    nested = next(d for d in report["documents"] if d["id"].endswith("#5"))
    assert nested["headline"] == "Nested"
    (finding,) = nested["findings"]
    assert finding["text"] == "with with" and finding["line"] == 5


def test_stdin_is_sniffed_and_named(tmp_path):
    markdown = b"---\ntitle: Piped story\n---\n\nThe the copy came from a pipe.\n"
    result = run_process("check", "-", "--format", "json", cwd=tmp_path, stdin=markdown)
    import json

    report = json.loads(result.out)
    (document,) = report["documents"]
    assert document["path"] == "<stdin>" and document["headline"] == "Piped story"
    assert document["findings"][0]["line"] == 5
    forced = run_process("check", "-", "--stdin-format", "text", "--format", "json",
                         cwd=tmp_path, stdin=markdown)
    assert json.loads(forced.out)["documents"][0]["headline"] == "---"


@pytest.mark.parametrize("name", ["story.md", "story.html", "export.json"])
def test_every_fixture_maps_every_character(name):
    for document in read(FIXTURES / name):
        assert document.blocks
        assert_maps_exactly(document, decoded={"&", "'", "é", '"', "\n"})
