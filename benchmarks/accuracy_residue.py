"""scrape-residue false alarms on clean wire copy: the BBC corpus.

    python benchmarks/accuracy_residue.py

../shared/corpus/bbc (2,225 BBC News stories, latin-1 plain text) holds no
scraping residue: every story is edited copy with its headline first, so every
scrape-residue finding on it is a false alarm. The script runs ``copydesk
check --select scrape-residue`` over the five sections and prints the findings
per section and each one's text, so a change to the patterns that starts
flagging copy shows here. Target: 0.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter

from common import BBC_SECTIONS, copydesk_command


def main() -> None:
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


if __name__ == "__main__":
    main()
