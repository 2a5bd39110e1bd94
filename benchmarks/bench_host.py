"""Host benchmark (issue 2): reading + segmenting + repeated-word over the BBC corpus.

Prints words/s and peak memory of the whole `copydesk check` process, start-up
included, pinned to one core; and the start-up time of `--version` and `checks`.

    python benchmarks/bench_host.py [--runs N]
"""

from __future__ import annotations

import argparse

from common import BBC_SECTIONS, best_of, copydesk_command, count_words, one_core


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5, help="take the best of N runs (default 5)")
    args = parser.parse_args()
    if not all(path.is_dir() for path in BBC_SECTIONS):
        raise SystemExit(f"needs the BBC corpus at {BBC_SECTIONS[0].parent}")
    copydesk = copydesk_command()
    words = count_words(BBC_SECTIONS)

    for extra in (["--version"], ["checks"]):
        seconds, rss = best_of(args.runs, one_core([*copydesk, *extra]))
        print(f"start-up  copydesk {' '.join(extra):<10} {seconds * 1000:7.1f} ms   peak RSS {rss:6.1f} MB")

    for fmt in ("json", "text"):
        command = [*copydesk, "check", *map(str, BBC_SECTIONS), "--select", "repeated-word",
                   "--format", fmt, "--fail-on", "never"]
        seconds, rss = best_of(args.runs, one_core(command))
        print(f"check     repeated-word, {fmt:<4} report  {words:,} words in {seconds:.3f} s = "
              f"{words / seconds:,.0f} words/s   peak RSS {rss:.1f} MB")


if __name__ == "__main__":
    main()
