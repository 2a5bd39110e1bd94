"""Duplicated captions, headlines, paragraphs, residue, and duplicate articles across a run."""

from __future__ import annotations

import hashlib
import json
import re

import jsonschema

from conftest import BBC, REPO, SEEDS, json_findings, needs

# The seeds as an editor reads them: which lines repeat, which are residue.
SEED_EXPECTED = {
    "000_ac87ea10dbb1d0c7.txt": {
        "duplicate-caption": [4, 10, 11, 44, 50, 51], "duplicate-headline": [8, 48],
        "scrape-residue": [5, 6, 45, 46]},
    "002_62c41b247a7a4074.txt": {
        "duplicate-caption": [4, 9, 10, 43, 48, 49], "duplicate-headline": [7, 46],
        "scrape-residue": [5, 44]},
    "003_5d32d3a7631451d8.txt": {
        "duplicate-caption": [4, 9, 10, 43, 48, 49], "duplicate-headline": [7, 46],
        "scrape-residue": [5, 44]},
}


def report(cli, *paths, select="duplicates,duplicate-article"):
    result = cli("check", *paths, "--select", select, "--format", "json", "--fail-on", "never")
    assert result.code == 0, result.err
    return json.loads(result.out)


def findings_of(data, check=None):
    return [(d["id"], f) for d in data["documents"] for f in d["findings"]
            if check is None or f["check"] == check]


@needs(SEEDS)
def test_seeds_every_repeat_and_residue_line_and_nothing_else(cli):
    data = report(cli, SEEDS, select="duplicates")
    for name, expected in SEED_EXPECTED.items():
        found: dict[str, list[int]] = {}
        for doc_id, finding in findings_of(data):
            if doc_id.rsplit("#", 1)[0].endswith(name):
                found.setdefault(finding["rule"], []).append(finding["line"])
        assert {rule: sorted(lines) for rule, lines in found.items()} == expected, name


@needs(SEEDS)
def test_seed_repeats_point_at_the_first_occurrence_and_suggest_deleting(cli):
    data = report(cli, SEEDS / "000_ac87ea10dbb1d0c7.txt", select="duplicates")
    by_line = {f["line"]: f for _, f in findings_of(data)}
    caption = by_line[10]
    assert caption["severity"] == "error" and caption["suggestions"] == [""]
    assert caption["text"] == "Members of Iraq's Shiite al-Nujaba movement are seen at a rally in Baghdad. (AFP)"
    (first,) = caption["related"]
    assert (first["line"], first["column"], first["message"]) == (3, 1, "first occurrence")
    assert by_line[48]["related"][0]["line"] == 41
    assert by_line[45]["text"] == "TT" and by_line[45]["severity"] == "warning"


@needs(SEEDS)
def test_seeds_the_iraqi_story_is_one_cluster_of_three_and_nothing_else_is_linked(cli):
    data = report(cli, SEEDS, select="duplicate-article")
    (cluster,) = data["collections"]["duplicate-article"]["clusters"]
    assert [doc.rsplit("/", 1)[1] for doc in cluster["documents"]] == [
        "000_ac87ea10dbb1d0c7.txt#1", "002_62c41b247a7a4074.txt#1", "003_5d32d3a7631451d8.txt#1"]
    assert cluster["identical"] is True
    flagged = findings_of(data, "duplicate-article")
    assert [doc.rsplit("/", 1)[1] for doc, _ in flagged] == [
        "002_62c41b247a7a4074.txt#1", "003_5d32d3a7631451d8.txt#1"]
    for _, finding in flagged:
        assert finding["line"] == 1 and finding["severity"] == "warning"
        assert len(finding["related"]) == 2
        assert "3 copies in this run" in finding["message"]
    schema = json.loads((REPO / "copydesk" / "schemas" / "report.schema.json").read_text())
    jsonschema.validate(data, schema)


MARKDOWN = """---
title: Floods close the ring road
---

# Floods close the ring road

![Water covers the ring road near the stadium](road.jpg)
*Water covers the "ring road" near the stadium on Friday. (AFP)*

Police closed the ring road on Friday after a night of heavy rain, and said it
would stay closed until the water drained.

![Water covers the ring road near the stadium](road-2.jpg)
*Water covers the “ring road” near the stadium on Friday. (AFP)*

Police closed the ring road on Friday after a night of heavy rain, and said it
would stay closed until the water drained.

Police closed the ring road on Friday, after a night of heavy rain and said it
would stay closed until the water drained!

Advertisement

Share this article

It rained.

It rained.
"""


def test_markdown_repeated_alt_text_caption_and_paragraphs(cli, tmp_path):
    story = tmp_path / "floods.md"
    story.write_text(MARKDOWN, encoding="utf-8")
    found = [(f["rule"], f["line"], f["severity"]) for _, f in findings_of(report(cli, story))]
    assert found == [
        ("duplicate-caption", 13, "error"),   # the alt text again
        ("duplicate-caption", 14, "error"),   # the italic caption again, with curly quotes
        ("duplicate-paragraph", 16, "error"),  # identical paragraph
        ("duplicate-paragraph", 19, "warning"),  # nearly identical paragraph
        ("scrape-residue", 22, "warning"),
        ("scrape-residue", 24, "warning"),
    ]


HTML = """<html><body><article>
<h1>Bridge closed for repairs</h1>
<p class="byline">By Ana Ruiz</p>
<p class="dateline">LISBON</p>
<figure><img src="a.jpg" alt="Workers on the bridge deck at night">
<figcaption>Workers on the bridge deck on Monday. (Reuters)</figcaption></figure>
<h2>What happens next</h2>
<p>The bridge will close for six weeks, the city said on Monday.</p>
<p>Yes.</p>
<figure><img src="b.jpg" alt="Workers on the bridge deck at  night">
<figcaption>WORKERS ON THE BRIDGE DECK ON MONDAY. (REUTERS)</figcaption></figure>
<h1>Bridge closed for repairs</h1>
<p>Yes.</p>
<p>Read more: Other bridges in the region</p>
</article></body></html>
"""


def test_html_repeated_figcaption_alt_text_and_headline(cli, tmp_path):
    story = tmp_path / "bridge.html"
    story.write_text(HTML, encoding="utf-8")
    found = [(f["rule"], f["line"], f["column"]) for _, f in findings_of(report(cli, story))]
    assert found == [
        ("duplicate-caption", 10, 31),   # alt text, differing only in white space
        ("duplicate-caption", 11, 13),   # figcaption, differing only in case
        ("duplicate-headline", 12, 5),
        ("scrape-residue", 14, 4),
    ]
    # Byline, dateline, subhead and the short "Yes." paragraphs are copy, not residue or duplicates.


def test_one_changed_word_in_a_long_paragraph_is_a_near_duplicate(cli, tmp_path):
    paragraph = ("The regional council confirmed on Thursday that the northern bypass will open to "
                 "traffic in the first week of March, two years later than planned, after engineers "
                 "finished repairs to the viaduct over the river and the final safety inspections.")
    changed = paragraph.replace("final safety inspections", "final safety checks")
    story = tmp_path / "bypass.txt"
    story.write_text(f"Bypass to open in March\n\n{paragraph}\n\n{changed}\n", encoding="utf-8")
    (finding,) = [f for _, f in findings_of(report(cli, story))]
    assert (finding["rule"], finding["line"], finding["severity"]) == ("duplicate-paragraph", 5, "warning")
    assert finding["related"][0]["line"] == 3 and "shared" in finding["message"]


def test_plain_text_short_lines_that_are_copy_are_not_residue(cli, tmp_path):
    story = tmp_path / "brief.txt"
    story.write_text("Ceasefire holds\n\nBy Dana Lee\n\nGAZA CITY —\n\nThe ceasefire held on Sunday.\n\n"
                     "Why it matters\n\nOK.\n\nNo.\n", encoding="utf-8")
    assert findings_of(report(cli, story)) == []


def test_near_duplicate_threshold_and_minimum_length_come_from_rules(cli, tmp_path):
    story = tmp_path / "s.md"
    story.write_text(MARKDOWN, encoding="utf-8")
    (tmp_path / "copydesk.yaml").write_text(
        "checks:\n  duplicates:\n    near_duplicate_similarity: 1\n    paragraph_min_words: 2\n",
        encoding="utf-8")
    rules = [(f["rule"], f["line"]) for _, f in findings_of(report(cli, story))
             if f["rule"] == "duplicate-paragraph"]
    assert rules == [("duplicate-paragraph", 16), ("duplicate-paragraph", 28)]  # "It rained." now counts


def test_residue_patterns_that_name_the_same_group_are_each_still_matched(cli, tmp_path):
    # The patterns run joined as one RE2 pattern: a group name in two of them must not break it.
    story = tmp_path / "s.txt"
    story.write_text("Ferry strike ends\n\nThe ferries sail again today, the union said.\n\nPromo\n\n"
                     "Advert\n", encoding="utf-8")
    rules = tmp_path / "rules.yaml"
    rules.write_text("checks:\n  duplicates:\n    residue_patterns: ['(?P<w>advert)', '(?P<w>promo)']\n",
                     encoding="utf-8")
    found = json_findings(cli, story, select="scrape-residue", extra=("--rules", rules))
    assert [f["text"] for f in found] == ["Promo", "Advert"]


def test_duplicate_articles_across_formats_identical_and_near(cli, tmp_path):
    body = ("The council voted on Tuesday to close four branch libraries on Sundays from "
            "January, saying the savings would protect weekday opening hours across the city. "
            "Library users and staff unions said they would campaign against the cuts, which "
            "were approved by nine votes to four after a debate lasting more than three hours. ")
    (tmp_path / "a.txt").write_text(f"Libraries to close on Sundays\n\n{body}\n", encoding="utf-8")
    (tmp_path / "b.md").write_text(f"# Council cuts Sunday library hours\n\n{body}\n", encoding="utf-8")
    edited = body.replace("nine votes to four", "nine votes to five")
    (tmp_path / "c.jsonl").write_text(json.dumps({"headline": "Libraries", "body": edited}) + "\n",
                                      encoding="utf-8")
    (tmp_path / "d.txt").write_text("Other news\n\n" + " ".join(reversed(body.split())) + "\n",
                                    encoding="utf-8")
    data = report(cli, tmp_path, select="duplicate-article")
    (cluster,) = data["collections"]["duplicate-article"]["clusters"]
    assert [d.rsplit("/", 1)[1] for d in cluster["documents"]] == ["a.txt", "b.md", "c.jsonl#1"]
    assert cluster["identical"] is False and 0.8 <= cluster["similarity"] < 1
    messages = {doc.rsplit("/", 1)[1]: f["message"] for doc, f in findings_of(data)}
    assert set(messages) == {"b.md", "c.jsonl#1"}
    assert messages["b.md"].startswith("This story is identical to ")
    assert messages["c.jsonl#1"].startswith("This story is nearly the same as ")
    assert "% of the 3-word sequences in the two stories are in both" in messages["c.jsonl#1"]


_RESENT = ("The harbour board said on Thursday that the ferry to the islands would run twice a day "
           "from next month, after a winter in which storms cancelled one sailing in three. "
           "Its chairman, who took office in the spring, told councillors that the new timetable "
           "had been agreed with the crew's union and would cost nothing extra. "
           "Islanders have campaigned for a second daily crossing since the old pier was rebuilt, "
           "saying that patients, pupils and traders could not rely on a single boat. "
           "The board's own figures show that passenger numbers rose by a fifth last year even "
           "though fewer crossings sailed, and freight bookings are at their highest for a decade. "
           "A spokesman for the union said the crew welcomed the change but wanted more staff on "
           "the busiest days of the summer season. ")


def test_a_corrected_resend_with_curly_quotes_is_found_with_its_exact_similarity(cli, tmp_path):
    from copydesk.checks.duplicate_article import shingle_hashes

    (tmp_path / "first.txt").write_text(f"Ferry to sail twice a day\n\n{_RESENT}\n", encoding="utf-8")
    # The correction: one word fixed, one clause cut, apostrophes made curly.
    resent = _RESENT.replace("one sailing in three", "one sailing in four") \
        .replace(" who took office in the spring,", "").replace("'s", "\u2019s")
    (tmp_path / "second.txt").write_text(f"Ferry to sail twice a day (corrected)\n\n{resent}\n",
                                         encoding="utf-8")
    data = report(cli, tmp_path, select="duplicate-article")
    ((document, finding),) = findings_of(data)
    assert document.endswith("second.txt")
    words = [w.casefold().replace("\u2019", "'") for w in re.findall(r"\w+(?:['\u2019]\w+)*", _RESENT)]
    edited = [w.casefold().replace("\u2019", "'") for w in re.findall(r"\w+(?:['\u2019]\w+)*", resent)]
    first, second = set(shingle_hashes(words)), set(shingle_hashes(edited))
    exact = len(first & second) / len(first | second)
    assert 0.8 < exact < 0.9
    assert f"{int(exact * 100)}% of the 3-word sequences" in finding["message"]


def test_a_pair_below_the_threshold_is_not_merged_though_the_index_proposes_it(cli, tmp_path):
    # Half the story rewritten: similar enough for the LSH index to propose now and then,
    # never enough for the exact similarity to reach 0.8.
    sentences = _RESENT.split(". ")
    rewritten = ". ".join(s if i % 2 else " ".join(reversed(s.split())) for i, s in enumerate(sentences))
    (tmp_path / "a.txt").write_text(f"Ferry\n\n{_RESENT}\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text(f"Ferry again\n\n{rewritten}\n", encoding="utf-8")
    (tmp_path / "copydesk.yaml").write_text(
        "checks:\n  duplicate-article:\n    threshold: 0.8\n    recall: 0.999999\n", encoding="utf-8")
    assert findings_of(report(cli, tmp_path, select="duplicate-article")) == []


def test_bands_and_rows_compare_a_pair_at_the_threshold_with_the_asked_probability():
    from copydesk.checks.duplicate_article import bands_and_rows

    for threshold in (0.5, 0.7, 0.8, 0.9):
        for num_perm in (64, 128, 256):
            bands, rows = bands_and_rows(threshold, num_perm, 0.99)
            assert bands * rows <= num_perm
            assert 1 - (1 - threshold ** rows) ** bands >= 0.99
            # One row more per band would fall short: the fewest pairs below the threshold.
            fewer = num_perm // (rows + 1)
            assert 1 - (1 - threshold ** (rows + 1)) ** fewer < 0.99
    assert bands_and_rows(0.8, 64, 0.99) == (12, 5)


def _normalised_text_digest(path) -> str:
    text = path.read_bytes().decode("cp1252")
    return hashlib.sha1(" ".join(re.findall(r"\w+", text.lower())).encode()).hexdigest()


@needs(BBC)
def test_bbc_every_exact_duplicate_pair_is_found(cli):
    sections = [BBC / s for s in ("business", "entertainment", "politics", "sport", "tech")]
    groups: dict[str, list[str]] = {}
    for section in sections:
        for path in sorted(section.glob("*.txt")):
            groups.setdefault(_normalised_text_digest(path), []).append(str(path))
    exact_pairs = {frozenset((a, b)) for paths in groups.values()
                   for i, a in enumerate(paths) for b in paths[i + 1:]}
    assert 95 <= len(exact_pairs) <= 110  # the corpus is known to hold ~98 copies

    data = report(cli, *sections)
    clustered = set()
    for cluster in data["collections"]["duplicate-article"]["clusters"]:
        members = cluster["documents"]
        clustered |= {frozenset((a, b)) for i, a in enumerate(members) for b in members[i + 1:]}
    assert exact_pairs <= clustered
    near = data["collections"]["duplicate-article"]["duplicate_documents"] - len(exact_pairs)
    assert 0 < near < 80  # same story re-filed with a changed title or small edits
    in_document = findings_of(data, "duplicates")
    # At most one false alarm per 1,000 stories; the one finding is a stray "." line.
    assert len(in_document) <= 2
    assert [f["text"] for _, f in in_document] == ["."]


def test_a_summary_cached_without_its_shingles_is_compared_by_its_minhash_estimate():
    from dataclasses import replace

    from copydesk.checks.duplicate_article import (ArticleSummary, _permutations, shingle_hashes, signature,
                                                   similarity)
    from copydesk.findings import Location

    def summary(words, digest):
        shingles = shingle_hashes(words)
        return ArticleSummary(digest, None, Location("s.txt", 0, 0, 1, 1, 1, 1), digest,
                              signature(shingles, _permutations(64)).astype("<u4").tobytes(),
                              shingles.astype("<u4").tobytes())

    words = _RESENT.lower().split()
    a, b = summary(words, "a"), summary(words[:-12], "b")
    exact = similarity(a, b)
    estimated = similarity(replace(a, shingles=None), b)
    assert exact != estimated and abs(exact - estimated) < 0.15


def test_near_duplicates_found_by_prefix_filtering_are_those_of_comparing_every_pair():
    from random import Random

    from copydesk.checks.duplicates import _similar_pairs

    def every_pair(sets, threshold):
        for later, b in enumerate(sets):
            for earlier, a in enumerate(sets[:later]):
                if len(a & b) / len(a | b) >= threshold:
                    yield later, earlier, len(a & b) / len(a | b)
                    break

    rng = Random(5)
    vocabulary = [f"w{n}" for n in range(40)]
    for threshold in (0.9, 0.8, 0.5, 0.3):
        base = [frozenset(rng.sample(vocabulary, rng.randint(1, 20))) for _ in range(30)]
        # Near copies of earlier sets: a shingle or two changed, added or dropped.
        sets = base + [frozenset(rng.sample(sorted(s), max(1, len(s) - rng.randint(0, 2)))) |
                       {rng.choice(vocabulary)} for s in base for _ in range(3)]
        sets += rng.sample(sets, 20)  # copies word for word
        rng.shuffle(sets)
        expected = list(every_pair(sets, threshold))
        assert expected  # the sample has near-duplicates to find
        assert list(_similar_pairs(sets, threshold)) == expected


def test_thousands_of_copies_of_one_paragraph_are_not_compared_with_each_other(monkeypatch):
    """Every copy of a paragraph pasted thousands of times once became a candidate of every later
    copy (a story of 8,000 took 3 s): the candidates looked at must grow with the story, not its square."""
    from random import Random

    from copydesk.checks import duplicates

    looked_at = 0

    def counted_sorted(items, **order):
        nonlocal looked_at
        items = list(items)
        looked_at += len(items)
        return sorted(items, **order)

    monkeypatch.setattr(duplicates, "sorted", counted_sorted, raising=False)
    rng = Random(11)
    boilerplate = frozenset(f"sign up {n}" for n in range(12))
    sets, copies = [], 2_000
    for number in range(copies):
        sets.append(boilerplate)
        sets.append(frozenset(f"story {number} {rng.random()}" for _ in range(12)))
    expected = [(later, 0, 1.0) for later in range(2, len(sets), 2)]
    assert list(duplicates._similar_pairs(sets, 0.9)) == expected
    assert looked_at < 40 * copies
