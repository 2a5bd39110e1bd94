"""copydesk audit: archives, record dumps, malformed records, parallel runs, the cache and the dashboard."""

from __future__ import annotations

import bz2
import contextlib
import gzip
import io
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from conftest import REPO

EXAMPLES = REPO / "examples"
WORDS = ("council budget library hours mayor vote residents harbour strike port union ministers election "
         "results polling station turnout clinic nurses hospital river flood bridge school teachers").split()


def synthetic_story(rng: random.Random, number: int) -> tuple[str, str]:
    """A headline and a body of plain invented sentences, with a repeated word now and then."""
    sentences = []
    for _ in range(rng.randint(6, 14)):
        words = [rng.choice(WORDS) for _ in range(rng.randint(8, 16))]
        if rng.random() < 0.15:
            words.insert(3, words[2])
        sentences.append(f"The {' '.join(words)} said officials on day {number}.")
    return f"Story {number} about the {rng.choice(WORDS)}", " ".join(sentences)


def write_jsonl(path: Path, count: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        for number in range(1, count + 1):
            headline, body = synthetic_story(rng, number)
            out.write(json.dumps({"id": number, "headline": headline, "body": body,
                                  "published": f"2024-{1 + number % 12:02d}-15"}, ensure_ascii=False) + "\n")


def audit(cli, *args) -> tuple[list[dict], str, int]:
    run = cli("audit", *args, "--no-cache", "--progress", "never")
    return [json.loads(line) for line in run.out.splitlines()], run.err, run.code


def _key(finding: dict) -> tuple:
    return (finding["document"], finding["rule"], finding["line"], finding["column"], finding["offset"],
            finding["length"], finding["text"], finding["message"])


def test_audit_finds_what_check_finds(cli):
    found, err, code = audit(cli, EXAMPLES, "--jobs", "1")
    checked = json.loads(cli("check", EXAMPLES, "--format", "json", "--fail-on", "never").out)
    expected = [dict(f, document=d["id"]) for d in checked["documents"] for f in d["findings"]]
    assert code == 0 and found
    assert sorted(map(_key, found)) == sorted(map(_key, expected))
    assert "audited 6 stories" in err


def test_compressed_and_zipped_copies_give_the_same_findings(cli, tmp_path):
    budget = (EXAMPLES / "council-budget.txt").read_bytes()
    (tmp_path / "budget.txt.gz").write_bytes(gzip.compress(budget))
    (tmp_path / "harbour.md.bz2").write_bytes(bz2.compress((EXAMPLES / "harbour-strike.md").read_bytes()))
    with zipfile.ZipFile(tmp_path / "bundle.zip", "w") as bundle:
        bundle.write(EXAMPLES / "election-night.html", "web/election-night.html")
        bundle.writestr("export.jsonl.gz", gzip.compress((EXAMPLES / "cms-export.jsonl").read_bytes()))
    found, _, _ = audit(cli, tmp_path, "--jobs", "1")
    originals, _, _ = audit(cli, EXAMPLES, "--jobs", "1", "--ignore", "duplicate-article")
    renamed = {"budget.txt.gz": "council-budget.txt", "harbour.md.bz2": "harbour-strike.md",
               "bundle.zip!/web/election-night.html": "election-night.html",
               "bundle.zip!/export.jsonl.gz": "cms-export.jsonl"}

    def normalised(findings, root):
        keys = []
        for f in findings:
            if f["rule"] == "duplicate-article":
                continue
            name = os.path.relpath(f["path"], root)
            document = f["document"].replace(f["path"], renamed.get(name, name))
            keys.append((renamed.get(name, name), document, *_key(f)[1:]))
        return sorted(keys)

    assert normalised(found, tmp_path) == normalised(originals, EXAMPLES)
    assert any(f["path"].endswith("bundle.zip!/export.jsonl.gz") for f in found)


def _at(path: Path, finding: dict) -> str:
    """The text at a finding's offset, and (checked) at its line and column, in the file as on disk."""
    text = path.read_text(encoding="utf-8")
    by_offset = text[finding["offset"]:finding["offset"] + finding["length"]]
    line = text.split("\n")[finding["line"] - 1]
    assert line[finding["column"] - 1:].startswith(by_offset.split("\n")[0])
    return by_offset


def test_a_big_jsonl_dump_is_read_in_chunks_with_exact_positions(cli, tmp_path):
    dump = tmp_path / "dump.jsonl"
    write_jsonl(dump, 650)  # several units of records
    found, _, _ = audit(cli, dump, "--select", "repeated-word", "--jobs", "2")
    assert len({f["document"] for f in found}) > 50
    assert max(f["line"] for f in found) > 600
    assert all(_at(dump, f) == f["text"] for f in found)
    checked = json.loads(cli("check", dump, "--select", "repeated-word", "--format", "json",
                             "--fail-on", "never").out)
    expected = [dict(f, document=d["id"]) for d in checked["documents"] for f in d["findings"]]
    assert sorted(map(_key, found)) == sorted(map(_key, expected))


def test_a_csv_dump_with_mapped_columns_and_quoted_cells(cli, tmp_path):
    rules = tmp_path / "copydesk.yaml"
    rules.write_text("readers:\n  csv:\n    fields:\n      headline: title\n      body: text\n", encoding="utf-8")
    dump = tmp_path / "dump.csv"
    dump.write_text('story_id,title,text\n'
                    '1,"Council ""approves"" budget","The vote was close.\n\nThe mayor said the the cuts were fair."\n'
                    '2,Harbour strike ends,Dockers went back to work and and the port reopened.\n',
                    encoding="utf-8")
    found, _, code = audit(cli, dump, "--rules", rules, "--select", "repeated-word", "--jobs", "1")
    assert code == 0
    assert [(f["document"].rsplit("#", 1)[1], f["line"], f["text"]) for f in found] == \
        [("2", 4, "the the"), ("5", 5, "and and")]
    assert all(_at(dump, f) == f["text"] for f in found)


def _warc(path: Path, pages: list[tuple[str, str]], damaged_tail: bytes = b"") -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        for url, html in pages:
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(html.encode()),
                                                          http_headers=headers))
        out.write(damaged_tail)


def test_warc_pages_are_extracted_and_checked(cli, tmp_path):
    page = ("<html><head><title>x</title></head><body><article><h1>Port reopens</h1>"
            "<p>Dockers went back to work and and the port reopened on Monday.</p></article></body></html>")
    _warc(tmp_path / "crawl.warc.gz", [("https://news.example/port", page),
                                       ("https://news.example/other", page.replace("and and", "and"))])
    found, _, code = audit(cli, tmp_path / "crawl.warc.gz", "--select", "repeated-word", "--jobs", "1")
    assert code == 0
    assert [(f["path"].rsplit("/", 1)[1], f["text"]) for f in found] == [("crawl.warc.gz#1", "and and")]


def test_malformed_records_are_reported_and_the_audit_goes_on(cli, tmp_path):
    good = json.dumps({"headline": "Fine", "body": "Dockers went back to work and and the port reopened."})
    lines = [good.encode(), b"{not json", good.encode(), json.dumps({"headline": "No body"}).encode(),
             b'{"headline": "Bad bytes", "body": "caf\xe9 owners said"}', good.encode()]
    (tmp_path / "dump.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    (tmp_path / "dump.csv").write_text("headline,body\nOne,Dockers went back and and worked.\nTwo,cells,too many\n"
                                       "Three,The the port reopened.\n", encoding="utf-8")
    found, err, code = audit(cli, tmp_path, "--select", "repeated-word", "--jobs", "2")
    assert code == 2  # input problems, as in copydesk check
    assert "dump.jsonl:2:" in err and "malformed JSON" in err
    assert "dump.jsonl:4:" in err and "no 'body' field" in err
    assert "dump.jsonl:5" in err and "not valid UTF-8 (byte 0xe9" in err
    assert "dump.csv:3:" in err and "3 cells where the header has 2" in err
    assert sorted((Path(f["path"]).name, f["line"]) for f in found) == \
        [("dump.csv", 2), ("dump.csv", 4), ("dump.jsonl", 1), ("dump.jsonl", 3), ("dump.jsonl", 6)]


def test_a_damaged_warc_keeps_the_records_before_the_damage(cli, tmp_path):
    page = "<html><body><article><h1>A</h1><p>Dockers went back to work and and the port reopened.</p></article></body></html>"
    _warc(tmp_path / "crawl.warc.gz", [("https://news.example/a", page)], damaged_tail=b"\x1f\x8bgarbage" * 10)
    found, err, code = audit(cli, tmp_path / "crawl.warc.gz", "--select", "repeated-word", "--jobs", "1")
    assert [f["text"] for f in found] == ["and and"]
    assert code == 2 and "crawl.warc.gz" in err and "record" in err


def test_one_and_two_jobs_give_identical_output(cli, tmp_path):
    write_jsonl(tmp_path / "dump.jsonl", 450)
    for name in ("council-budget.txt", "harbour-strike.md", "election-night.html"):
        (tmp_path / name).write_bytes((EXAMPLES / name).read_bytes())
    serial = cli("audit", tmp_path, "--jobs", "1", "--no-cache", "--format", "csv")
    parallel = cli("audit", tmp_path, "--jobs", "2", "--no-cache", "--format", "csv")
    assert serial.out == parallel.out and serial.out.count("\n") > 20


def test_the_cache_serves_an_unchanged_archive_and_notices_changes(cli, tmp_path):
    archive = tmp_path / "archive"
    archive.mkdir()
    for name in ("council-budget.txt", "harbour-strike.md", "election-night.html", "cms-export.jsonl"):
        (archive / name).write_bytes((EXAMPLES / name).read_bytes())
    cache = tmp_path / "cache"

    def run(*extra):
        result = cli("audit", archive, "--cache-dir", cache, "--jobs", "1", "--progress", "never", *extra)
        return result.out, result.err

    first, err = run()
    assert "0 of 4 units from the cache" in err
    second, err = run()
    assert second == first and "4 of 4 units from the cache" in err
    budget = archive / "council-budget.txt"
    budget.write_text(budget.read_text(encoding="utf-8") + "\nThe the council met again.\n", encoding="utf-8")
    third, err = run()
    assert "3 of 4 units from the cache" in err and third.count("\n") == first.count("\n") + 1
    _, err = run("--ignore", "dates")  # other rules: other results
    assert "0 of 4 units from the cache" in err


def test_cached_and_batched_stories_keep_archive_order(cli, tmp_path):
    """Small files go to workers in batches; cache hits between them must not jump the queue."""
    archive = tmp_path / "archive"
    archive.mkdir()
    rng = random.Random(5)
    stories = [synthetic_story(rng, number) for number in range(120)]
    for number, (headline, body) in enumerate(stories):
        (archive / f"{number:03d}.txt").write_text(f"{headline}\n\n{body}\n", encoding="utf-8")
    cache = ("--cache-dir", tmp_path / "cache")
    cli("audit", archive, *cache, "--jobs", "2", "--progress", "never")
    for number in range(0, 120, 3):  # every third story changes: hits and misses alternate
        (archive / f"{number:03d}.txt").write_text(f"{stories[number][0]}\n\nThe the {stories[number][1]}\n",
                                                   encoding="utf-8")
    mixed = cli("audit", archive, *cache, "--jobs", "2", "--progress", "never")
    fresh = cli("audit", archive, "--no-cache", "--jobs", "1", "--progress", "never")
    assert "80 of 120 units from the cache" in mixed.err
    assert mixed.out == fresh.out and mixed.out.count('"repeated-word"') >= 40


def test_a_killed_audit_resumes_from_the_cache(tmp_path):
    archive = tmp_path / "archive"
    archive.mkdir()
    rng = random.Random(3)
    for number in range(1500):
        headline, body = synthetic_story(rng, number)
        (archive / f"{number:05d}.txt").write_text(f"{headline}\n\n{body}\n", encoding="utf-8")
    cache = tmp_path / "cache"
    base = [sys.executable, "-m", "copydesk", "audit", str(archive), "--jobs", "2", "--progress", "never",
            "--ignore", "duplicate-article"]
    command = [*base, "--cache-dir", str(cache)]
    # Run from tmp_path: from the repository, "python -m copydesk" would import the bare checkout, fail at
    # once, and the test would never kill anything.
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=tmp_path)
    database = cache / "audit-v1.sqlite"
    deadline = time.monotonic() + 120
    done = 0
    # Killed as soon as the first units are committed (after about 100 of the 1,500, or 2 seconds).
    while time.monotonic() < deadline and process.poll() is None and not done:
        time.sleep(0.05)
        if database.exists():
            try:
                with contextlib.closing(sqlite3.connect(database)) as connection:
                    done = connection.execute("SELECT count(*) FROM units").fetchone()[0]
            except sqlite3.OperationalError:
                continue
    assert process.poll() is None, f"the audit ended before it could be killed: {process.stderr.read()}"
    process.send_signal(signal.SIGKILL)
    process.wait()
    process.stderr.close()
    resumed = subprocess.run(command, capture_output=True, text=True, check=False, cwd=tmp_path)
    fresh = subprocess.run([*base, "--no-cache"], capture_output=True, text=True, check=False, cwd=tmp_path)
    cached = int(resumed.stderr.split(" of 1,500 units from the cache")[0].rsplit(" ", 1)[1].replace(",", ""))
    assert done <= cached < 1500
    assert resumed.stdout == fresh.stdout and resumed.stdout


def test_dashboard_totals_chart_clusters_and_story_links(cli, tmp_path):
    archive = tmp_path / "archive"
    archive.mkdir()
    write_jsonl(archive / "dump.jsonl", 30)
    for name in ("council-budget.txt", "harbour-strike.md"):
        (archive / name).write_bytes((EXAMPLES / name).read_bytes())
    headline, body = synthetic_story(random.Random(5), 99)
    for name in ("wire-story.txt", "copy-of-wire-story.txt"):
        (archive / name).write_text(f"{headline}\n\n{body}\n\n{body[::-1]}\n", encoding="utf-8")
    run = cli("audit", archive, "--no-cache", "--jobs", "1", "--dashboard", tmp_path / "dash",
              "--output", tmp_path / "findings.jsonl")
    assert run.code == 0, run.err
    findings = [json.loads(line) for line in (tmp_path / "findings.jsonl").read_text().splitlines()]
    page = (tmp_path / "dash" / "index.html").read_text(encoding="utf-8")
    assert f"<strong>{len(findings)}</strong>findings" in page
    assert "<svg" in page and "2024-03: " in page
    assert "Duplicate articles: 1 clusters" in page and "copy-of-wire-story.txt" in page
    links = [part.split('"')[0] for part in page.split('<a href="')[1:]]
    assert links and all((tmp_path / "dash" / link).exists() for link in links)
    story = (tmp_path / "dash" / links[0]).read_text(encoding="utf-8")
    assert '<mark class="hl' in story


def test_dashboard_links_stay_right_after_an_unreadable_archive(cli, tmp_path):
    archive = tmp_path / "archive"
    archive.mkdir()
    (archive / "0-broken.zip").write_bytes(b"not a zip at all")
    write_jsonl(archive / "dump.jsonl", 450)  # three units, after the broken file
    run = cli("audit", archive, "--no-cache", "--jobs", "1", "--select", "repeated-word",
              "--dashboard", tmp_path / "dash")
    assert run.code == 2 and "0-broken.zip" in run.err
    page = (tmp_path / "dash" / "index.html").read_text(encoding="utf-8")
    worst = page.split("Stories with the most serious findings")[1].split("</table>")[0]
    rows = worst.split("<tr><td>")[1:]
    assert rows and all(row.startswith('<a href="stories/') for row in rows)
    for row in rows:
        link, story = row.split('<a href="')[1].split('">')[:2]
        assert story.split("<")[0].rsplit("#", 1)[1] in (tmp_path / "dash" / link).read_text(encoding="utf-8")
