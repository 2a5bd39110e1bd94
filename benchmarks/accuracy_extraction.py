"""Which text of a news page copydesk checks: the HTML reader against the article-extraction benchmark.

    python benchmarks/accuracy_extraction.py [--before REV] [--peers] [--findings]

../shared/corpus/article-extraction holds 90 pages of Scrapinghub's
article-extraction benchmark (gzip HTML) and their gold ``articleBody``. For
each page, the text the checks see (every block of the documents the HTML
reader makes) is compared with the gold body the benchmark's way, with words
instead of its 4-word shingles: lower-cased ``\\w+`` tokens as bags, true and
false positives and negatives normalised per page, precision and recall
averaged over pages, F1 from the two averages.

Printed for each ``readers: html: content:`` choice: precision, recall, F1,
pages with recall < 0.5, pages read as empty without a reader problem, pages
with a reader problem, and pages per second of HTML reading alone (the page
already decoded, one process): per second of the process's CPU time, which a
machine shared with other jobs does not inflate, and of wall time. ``--before REV`` adds the reader of that git
revision (``git show REV:copydesk/readers/html.py``), loaded beside this one,
so the before/after figures come from one run. ``--peers`` adds trafilatura,
readability-lxml and jusText (English stop list) on their own (their text, no
alignment) as references; the last two are not dependencies of copydesk
(``pip install readability-lxml justext`` to run it).
``--findings`` runs the default checks on every document and prints findings
per page for English pages (``<html lang="en…">``), before and after.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Callable

from common import REPO, SHARED

from copydesk.config import load_config
from copydesk.document import SourceText
from copydesk.engine import Engine, plan
from copydesk.plugins import load_registry
from copydesk.readers import Reader, ReaderError
from copydesk.readers import html as html_reader

CORPUS = SHARED / "corpus" / "article-extraction"
_TOKEN = re.compile(r"\w+")
_LANG = re.compile(r"<html[^>]*\slang\s*=\s*[\"']?([A-Za-z-]+)", re.I)


def load_pages() -> dict[str, tuple[str, str]]:
    """{page id: (decoded HTML, gold article body)}."""
    gold = json.loads((CORPUS / "ground-truth.json").read_text(encoding="utf-8"))
    return {key: (gzip.decompress((CORPUS / "html" / f"{key}.html.gz").read_bytes())
                  .decode("utf-8", "replace"), gold[key]["articleBody"]) for key in sorted(gold)}


def precision_recall(true: str, predicted: str) -> tuple[float, float]:
    """The benchmark's per-page scores, on word tokens."""
    gold, seen = Counter(_TOKEN.findall(true.lower())), Counter(_TOKEN.findall(predicted.lower()))
    tp = sum((gold & seen).values())
    fp, fn = sum(seen.values()) - tp, sum(gold.values()) - tp
    if fp == fn == 0:
        return 1.0, 1.0
    return (tp / (tp + fp) if tp else 0.0), (tp / (tp + fn) if tp else 0.0)


def reader_text(read: Callable, options: dict) -> Callable[[str], str | None]:
    """Text the checks see on a page, or None for a reader problem."""
    def run(page: str) -> str | None:
        try:
            items = list(read(SourceText("page.html", page), options))
        except ReaderError:
            return None
        documents = [item for item in items if not isinstance(item, ReaderError)]
        if not documents:
            return None
        return "\n".join(block.text for document in documents for block in document.blocks)
    return run


def old_reader(revision: str) -> Callable:
    """``read_html`` of the HTML reader at a git revision, loaded as its own module."""
    source = subprocess.run(["git", "show", f"{revision}:copydesk/readers/html.py"], cwd=REPO,
                            check=True, capture_output=True, text=True).stdout
    folder = Path(tempfile.mkdtemp(prefix="copydesk-html-"))
    path = folder / "html_before.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("html_before", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module.read_html


def score(name: str, extract: Callable[[str], str | None], pages: dict[str, tuple[str, str]]) -> None:
    precisions, recalls, low, empty, problems = [], [], [], 0, 0
    seconds = cpu_seconds = 0.0
    for key, (page, gold) in pages.items():
        started, cpu_started = time.perf_counter(), time.process_time()
        text = extract(page)
        seconds += time.perf_counter() - started
        cpu_seconds += time.process_time() - cpu_started
        if text is None:
            problems += 1
            text = ""
        elif not text.strip():
            empty += 1
        precision, recall = precision_recall(gold, text)
        precisions.append(precision)
        recalls.append(recall)
        if recall < 0.5:
            low.append(key[:8])
    p, r = statistics.mean(precisions), statistics.mean(recalls)
    print(f"{name:<22} P {p:.3f}  R {r:.3f}  F1 {2 * p * r / (p + r):.3f}  recall<0.5: {len(low):2d}  "
          f"empty: {empty}  reader problems: {problems}  {len(pages) / cpu_seconds:5.1f} pages/s "
          f"({len(pages) / seconds:.1f} wall)"
          + (f"  low: {' '.join(low)}" if low else ""), flush=True)


def findings_per_page(readers: dict[str, Reader], pages: dict[str, tuple[str, str]]) -> None:
    registry = load_registry()
    config = load_config(search_from=str(REPO))
    engine = Engine(registry, config, plan(registry, config))
    english = {key: page for key, (page, _) in pages.items()
               if (_LANG.search(page[:5000]) or [None, ""])[1].lower().startswith("en")}
    print(f"\nfindings on the {len(english)} English pages (<html lang=\"en…\">), default checks:")
    for name, reader in readers.items():
        per_rule: Counter[str] = Counter()
        for key, page in english.items():
            for item in engine.read(SourceText(f"{key}.html", page), reader):
                if not isinstance(item, ReaderError) and hasattr(item, "blocks"):
                    per_rule.update(f.rule for f in engine.check_document(item).findings)
        total = sum(per_rule.values())
        top = ", ".join(f"{rule} {count}" for rule, count in per_rule.most_common())
        print(f"  {name:<20} {total / len(english):.2f} per page ({total}): {top}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", metavar="REV", help="also measure the HTML reader of this git revision")
    parser.add_argument("--peers", action="store_true",
                        help="also trafilatura, readability-lxml and jusText alone")
    parser.add_argument("--findings", action="store_true", help="findings per English page, before/after")
    args = parser.parse_args()
    if not CORPUS.is_dir():
        sys.exit(f"{CORPUS} not found: the benchmark needs ../shared/corpus/article-extraction")
    pages = load_pages()
    print(f"{len(pages)} pages of {CORPUS} (the tuning split; the rest of the benchmark is held out)")
    readers: dict[str, Reader] = {}
    if args.before:
        before = old_reader(args.before)
        readers[f"before ({args.before})"] = Reader("html", (".html",), before)
        score(f"before ({args.before})", reader_text(before, {}), pages)
    for content in html_reader.CONTENT_CHOICES:
        options = {"html": {"content": content}}
        score(f"content: {content}", reader_text(html_reader.read_html, options), pages)
    readers["after (auto)"] = Reader("html", (".html",), html_reader.read_html)
    if args.peers:
        import trafilatura
        from lxml import html as lxml_html
        from readability import Document as Readability

        score("trafilatura alone", lambda page: trafilatura.extract(page, fast=True) or "", pages)

        def readability_text(page: str) -> str:
            summary = Readability(page).summary(html_partial=True)
            return lxml_html.fromstring(summary).text_content() if summary.strip() else ""
        score("readability-lxml alone", readability_text, pages)

        import justext

        def justext_text(page: str) -> str:
            paragraphs = justext.justext(page.encode("utf-8"), justext.get_stoplist("English"))
            return "\n".join(p.text for p in paragraphs if not p.is_boilerplate)
        score("justext alone", justext_text, pages)
    if args.findings:
        findings_per_page(readers, pages)


if __name__ == "__main__":
    main()
