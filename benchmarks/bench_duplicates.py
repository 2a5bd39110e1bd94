"""duplicate-article benchmark (issue 3).

1. The BBC corpus: the whole `copydesk check --select duplicate-article` command
   (reading and start-up included), and the check alone (summaries + clustering).
2. A synthetic archive of perturbed BBC stories (5% of words replaced, so each
   is a near-copy of its source but the copies differ), at growing sizes, each
   in a fresh process: time and peak RSS, to show memory grows linearly.

    python benchmarks/bench_duplicates.py [--sizes 12500,25000,50000,100000]
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import subprocess
import sys
import time

from common import BBC_SECTIONS, best_of, copydesk_command, one_core


def _bbc_bodies() -> list[tuple[str, list[str]]]:
    stories = []
    for section in BBC_SECTIONS:
        for path in sorted(section.glob("*.txt")):
            title, _, body = path.read_bytes().decode("cp1252").partition("\n")
            stories.append((title.strip(), body.split()))
    return stories


def _run_check(documents, check_name: str = "duplicate-article"):
    from copydesk.config import load_config
    from copydesk.engine import plan
    from copydesk.plugins import load_registry

    registry = load_registry()
    (active,) = plan(registry, load_config(), [check_name])
    summaries = [active.check.summarise(document, active.context(document)) for document in documents]
    context = active.context()
    findings = list(active.check.function(summaries, context))
    return findings, context.summary


def _synthetic(size: int, seed: int = 7):
    """Documents built in memory (no files), each a perturbed copy of a BBC story."""
    from copydesk.document import Block, Document, OffsetMap, SourceText

    rng = random.Random(seed)
    stories = _bbc_bodies()
    vocabulary = [word for _, words in stories[:200] for word in words]
    for number in range(size):
        title, words = stories[number % len(stories)]
        words = list(words)
        for _ in range(len(words) // 20):
            words[rng.randrange(len(words))] = rng.choice(vocabulary)
        text = f"{title}\n\n{' '.join(words)}\n"
        source = SourceText(f"synthetic/{number}.txt", text)
        blocks = [Block("headline", title, OffsetMap.shifted(0)),
                  Block("paragraph", text[len(title) + 2:-1], OffsetMap.shifted(len(title) + 2))]
        yield Document(source, source.path, "text", blocks)


def _one_size(size: int) -> None:
    started = time.perf_counter()
    findings, summary = _run_check(_synthetic(size))
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{size},{elapsed:.2f},{peak:.1f},{len(findings)},{len(summary.get('clusters', []))}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="12500,25000,50000,100000")
    parser.add_argument("--one-size", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one_size:
        _one_size(args.one_size)
        return
    if not all(path.is_dir() for path in BBC_SECTIONS):
        raise SystemExit(f"needs the BBC corpus at {BBC_SECTIONS[0].parent}")

    command = [*copydesk_command(), "check", *map(str, BBC_SECTIONS), "--select", "duplicate-article",
               "--format", "json", "--fail-on", "never"]
    seconds, rss = best_of(3, one_core(command))
    print(f"BBC, whole command (read + start-up + check): {seconds:.2f} s, peak RSS {rss:.0f} MB")

    from copydesk.config import load_config
    from copydesk.engine import Engine
    from copydesk.plugins import load_registry

    documents = [item for item in Engine(load_registry(), load_config(), []).documents(map(str, BBC_SECTIONS))
                 if not hasattr(item, "fatal")]
    started = time.perf_counter()
    findings, summary = _run_check(documents)
    print(f"BBC, the check alone on {len(documents)} stories: {time.perf_counter() - started:.2f} s, "
          f"{len(summary['clusters'])} clusters, {summary['duplicate_documents']} duplicate stories")

    print("synthetic archive (perturbed BBC stories), each size in a fresh process:")
    print(f"{'stories':>9} {'seconds':>8} {'peak MB':>8} {'MB / 10k stories':>17} {'findings':>9}")
    baseline = None
    for size in (int(s) for s in args.sizes.split(",")):
        output = subprocess.run([sys.executable, __file__, "--one-size", str(size)], capture_output=True,
                                text=True, check=True, cwd=os.path.dirname(__file__)).stdout.strip()
        _, seconds_text, peak_text, found, _ = output.split(",")
        peak = float(peak_text)
        baseline = baseline or (size, peak)
        growth = (peak - baseline[1]) / max(size - baseline[0], 1) * 10_000 if size != baseline[0] else 0.0
        print(f"{size:>9,} {float(seconds_text):>8.1f} {peak:>8.1f} {growth:>17.1f} {int(found):>9,}")


if __name__ == "__main__":
    main()
