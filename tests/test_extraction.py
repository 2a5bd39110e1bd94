"""Which part of an HTML page is the story (readers: html: content), with exact positions."""

from __future__ import annotations

import gzip
import json

import pytest

from conftest import SHARED, assert_maps_exactly, needs, read

EXTRACTION = SHARED / "corpus" / "article-extraction"

STORY = [
    "The regional council voted on Tuesday to close the old harbour bridge for six weeks of repairs "
    "to its steel deck, the first full closure since the bridge opened in 1961.",
    "Engineers found corrosion in two of the main girders during an inspection in March, the "
    "council's transport committee was told, and said the work could not wait until next year.",
    "Ferries will run every twenty minutes during the closure, and the council said it would pay "
    "for extra buses between the two town centres on weekdays.",
    "Shop owners on the quay said the closure would cost them custom in the busiest weeks of the "
    "summer, and asked the council to delay the work until the autumn.",
]


def page(body: str) -> str:
    return f"""<!doctype html><html><head><title>Bridge to close | The Gazette</title></head>
<body>
<header><div class="menu"><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></div></header>
{body}
<div class="footer-links"><a href="/about">About us</a> <a href="/jobs">Jobs at the Gazette</a></div>
</body></html>"""


def write(tmp_path, html: str, name: str = "page.html"):
    path = tmp_path / name
    path.write_text(html, encoding="utf-8")
    return path


def blocks(tmp_path, html: str, content: str | None = None):
    if content is not None:
        (tmp_path / "copydesk.yaml").write_text(f"readers:\n  html:\n    content: {content}\n", encoding="utf-8")
    (document,) = read(write(tmp_path, html))
    assert_maps_exactly(document, decoded={"'"})
    return [(block.kind, block.text) for block in document.blocks]


TEASERS = """<div class="related"><h3>More from the Gazette</h3>
<ul><li><a href="/a">Council tax to rise by 4%</a></li><li><a href="/b">New ferry named after local nurse</a></li></ul></div>"""


def test_an_article_holding_only_a_photo_box_loses_nothing_of_the_story(tmp_path):
    # The <article> holds the photo box and teasers; the story's paragraphs stand outside it.
    html = page(f"""<article class="media"><figure><img src="b.jpg" alt="The bridge at dawn">
<figcaption>The harbour bridge at dawn on Monday.</figcaption></figure>{TEASERS}</article>
<div class="story"><h1>Harbour bridge to close for six weeks</h1>
{''.join(f'<p>{text}</p>' for text in STORY)}</div>""")
    found = blocks(tmp_path, html)
    assert [text for kind, text in found if kind == "paragraph"] == STORY
    assert ("headline", "Harbour bridge to close for six weeks") in found
    assert not any("Council tax" in text or "Home" in text or "About us" in text for _, text in found)
    # The old rule, still available, keeps only the <article>'s blocks.
    article = blocks(tmp_path, html, "article")
    assert not any(kind == "paragraph" and text in STORY for kind, text in article)


def test_story_in_divs_and_line_breaks_is_read_and_navigation_is_not(tmp_path):
    body = "<br><br>\n".join(STORY)
    html = page(f"""<div id="nav"><a href="/1">World</a> | <a href="/2">Business</a> | <a href="/3">Opinion</a></div>
<h1>Harbour bridge to close for six weeks</h1><div class="byline">By Lea Novak</div>
<div class="text">{body}</div>{TEASERS}""")
    found = blocks(tmp_path, html)
    assert [text for kind, text in found if kind == "paragraph"] == STORY
    assert ("byline", "By Lea Novak") in found
    assert not any("World" in text or "Council tax" in text for _, text in found)
    everything = blocks(tmp_path, html, "all")
    assert any("Council tax" in text for _, text in everything)


def test_captions_headline_and_dateline_come_through_as_such(tmp_path):
    html = page(f"""<h1>Harbour bridge to close for six weeks</h1>
<p class="dateline">PORTREE</p><p>{STORY[0]}</p>
<figure><img src="g.jpg" alt="A corroded girder under the deck">
<figcaption>Corrosion on one of the main girders. (Council handout)</figcaption></figure>
{''.join(f'<p>{text}</p>' for text in STORY[1:])}
<div class="teaser"><img src="t.jpg" alt="Council tax bills on a kitchen table"><a href="/a">Council tax to rise by 4%</a></div>""")
    found = blocks(tmp_path, html)
    assert found[0] == ("headline", "Harbour bridge to close for six weeks")
    assert ("dateline", "PORTREE") in found
    assert ("caption", "Corrosion on one of the main girders. (Council handout)") in found
    assert ("caption", "A corroded girder under the deck") in found
    assert not any("kitchen table" in text for _, text in found)  # a teaser's thumbnail


def test_a_page_wide_form_still_reads(tmp_path):
    html = page(f"""<form id="aspnetForm" action="/story" method="post">
<h1>Harbour bridge to close for six weeks</h1>{''.join(f'<p>{text}</p>' for text in STORY)}
</form>""")
    assert [text for kind, text in blocks(tmp_path, html) if kind == "paragraph"] == STORY


def test_an_unclosed_list_item_does_not_swallow_the_page(tmp_path):
    html = page(f"""<ul class="share"><li><a href="/s">Share this</a></ul>
<h1>Harbour bridge to close for six weeks</h1>{''.join(f'<p>{text}' for text in STORY)}""")
    found = blocks(tmp_path, html, "all")
    assert ("paragraph", "Share this") in found
    assert all(("paragraph", text) in found for text in STORY)


@pytest.mark.parametrize("content", ["auto", "article", "all"])
def test_a_page_with_no_story_is_a_reader_problem_naming_the_file(cli, tmp_path, content):
    (tmp_path / "copydesk.yaml").write_text(f"readers:\n  html:\n    content: {content}\n", encoding="utf-8")
    empty = write(tmp_path, "<html><head><title>Loading…</title><script>go()</script></head><body>"
                            "<nav><a href='/'>Home</a></nav></body></html>", "empty.html")
    fine = write(tmp_path, page(f"<h1>Harbour bridge to close</h1><p>{STORY[0]}</p>"), "fine.html")
    result = cli("check", empty, fine, "--fail-on", "never")
    assert result.code == 2
    assert f"{empty}: error: no story found" in result.err and "fine.html: error" not in result.err
    audit = cli("audit", tmp_path, "--output", tmp_path / "out")
    assert "empty.html" in audit.err and "no story found" in audit.err


def test_an_unknown_content_choice_is_a_configuration_error(cli, tmp_path):
    (tmp_path / "copydesk.yaml").write_text("readers:\n  html:\n    content: body\n", encoding="utf-8")
    result = cli("check", write(tmp_path, page(f"<p>{STORY[0]}</p>")))
    assert result.code == 2 and "auto, article, all" in result.err


def test_markdown_image_syntax_in_html_is_text_not_a_crash(cli, tmp_path):
    path = write(tmp_path, "<p>See <![alt](x.png) the the.</p>", "fragment.html")
    (document,) = read(path)
    assert [block.text for block in document.blocks] == ["See <![alt](x.png) the the."]
    findings = json.loads(cli("check", path, "--select", "repeated-word", "--format", "json",
                              "--fail-on", "never").out)["documents"][0]["findings"]
    assert [(f["rule"], f["text"]) for f in findings] == [("repeated-word", "the the")]


@needs(EXTRACTION)
def test_every_finding_on_the_benchmark_pages_points_at_its_text(cli, tmp_path):
    """On 90 real news pages, the file's text at each finding's offset is the finding's text."""
    pages = tmp_path / "pages"
    pages.mkdir()
    for packed in sorted((EXTRACTION / "html").glob("*.html.gz")):
        (pages / packed.name[:-3]).write_bytes(gzip.decompress(packed.read_bytes()))
    result = cli("check", pages, "--format", "json", "--fail-on", "never")
    assert result.code == 0, result.err
    report = json.loads(result.out)
    assert len(report["documents"]) == 90
    findings = 0
    for document in report["documents"]:
        text = (pages / document["path"].rsplit("/", 1)[-1]).read_text(encoding="utf-8", errors="replace")
        for finding in document["findings"]:
            findings += 1
            assert text[finding["offset"]:finding["offset"] + finding["length"]] == finding["text"], finding
    assert findings > 100
