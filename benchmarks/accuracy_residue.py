"""scrape-residue false alarms on clean wire copy: the BBC corpus.

    python benchmarks/accuracy_residue.py [--judge FILE]

../shared/corpus/bbc (2,225 BBC News stories, latin-1 plain text) holds no
scraping residue: every story is edited copy with its headline first, so every
scrape-residue finding on it is a false alarm. The script runs ``copydesk
check --select scrape-residue`` over the five sections and prints the findings
per section and each one's text, so a change to the patterns that starts
flagging copy shows here. Target: 0.

``--judge FILE`` also runs the rule on the 90 article-extraction pages (read
with ``content: auto``) and writes each finding there as a JSON line — its
text, the line around it and an empty ``verdict`` — for a reader who did not
write the rule to judge (residue or copy); the count of findings is printed.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

from common import BBC_SECTIONS, copydesk_command


def judge_sample(path: Path) -> None:
    from accuracy_extraction import CORPUS, load_pages

    from copydesk.config import load_config
    from copydesk.document import SourceText
    from copydesk.engine import Engine, plan
    from copydesk.plugins import load_registry

    registry = load_registry()
    config = load_config(search_from=str(Path(__file__).parent))
    engine = Engine(registry, config, plan(registry, config, select=["scrape-residue"]))
    reader = registry.readers["html"]
    rows = []
    for key, (page, _) in load_pages().items():
        source = SourceText(f"{key}.html", page)
        for item in engine.read(source, reader):
            if not hasattr(item, "blocks"):
                continue
            for finding in engine.check_document(item).findings:
                line = source.line_text(finding.location.line)
                rows.append({"page": key, "line": finding.location.line, "text": finding.location.text,
                             "context": line.strip()[:400], "verdict": ""})
    with path.open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{CORPUS.name}: {len(rows)} scrape-residue findings on 90 pages, written to {path} for judging")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--judge", type=Path, metavar="FILE",
                        help="also write the findings on the article-extraction pages to FILE")
    args = parser.parse_args()
    missing = [str(folder) for folder in BBC_SECTIONS if not folder.is_dir()]
    if missing:
        sys.exit(f"not found: {', '.join(missing)} (the benchmark needs ../shared/corpus/bbc)")
    result = subprocess.run([*copydesk_command(), "check", "--select", "scrape-residue", "--format", "json",
                             "--fail-on", "never", *map(str, BBC_SECTIONS)],
                            capture_output=True, text=True, check=True)
    report = json.loads(result.stdout)
    per_section: Counter[str] = Counter()
    stories = 0
    for document in report["documents"]:
        stories += 1
        for finding in document["findings"]:
            per_section[document["path"].split("/")[-2]] += 1
            print(f"  {document['path']}:{finding['line']}:{finding['column']}: {finding['text']!r}")
    total = sum(per_section.values())
    print(f"BBC ({stories} stories): {total} scrape-residue findings, all false alarms "
          f"({', '.join(f'{name} {count}' for name, count in sorted(per_section.items())) or 'none'})")
    if args.judge:
        judge_sample(args.judge)


if __name__ == "__main__":
    main()
