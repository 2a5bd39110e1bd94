"""The dates check on a story with very many dates (issue 17, item 11): time grows linearly.

    python benchmarks/dates_scale.py [--lines 24000]

Builds a story of ``--lines`` dated lines (month-name, numeric, ISO, weekday
and relative dates, in past and future sentences; about 1.3 MB for 24,000
lines), then the same lines run together as one paragraph, and times the
dates check alone (one core, CPU; the block work it triggers shown apart) on
each at a quarter, half and the full size, and the whole
``copydesk check --select dates`` command on the full file.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import tempfile
import time

from common import copydesk_command, one_core

_MONTHS = ["Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."]


def dated_lines(count: int, seed: int = 11) -> list[str]:
    rng = random.Random(seed)
    lines = []
    for number in range(count):
        year, month, day = rng.randint(1990, 2024), rng.randrange(12), rng.randint(1, 28)
        lines.append([
            f"The council met on {_MONTHS[month]} {day}, {year}, and said it would vote again.",
            f"Shares fell {day}/{month + 1}/{year} after the report last October.",
            f"On Monday, {day} {_MONTHS[month].rstrip('.')} {year} the board resigned.",
            f"Since {year}-{month + 1:02d}-{day:02d} prices have risen, he said on Friday.",
        ][number % 4])
    return lines


def check_seconds(text: str) -> tuple[float, float, int]:
    """CPU seconds of the block work the check triggers (date extraction and sentence splitting,
    cached on each block and shared with other checks), of the check itself, and its findings."""
    from copydesk.config import load_config
    from copydesk.document import SourceText
    from copydesk.engine import Engine, plan
    from copydesk.plugins import load_registry

    registry, config = load_registry(), load_config()
    (active,) = plan(registry, config, ["dates"])
    engine = Engine(registry, config, [], published="2024-06-01")
    (document,) = engine.read(SourceText("dated.txt", text), registry.readers["text"])
    started = time.process_time()
    for block in document.blocks:
        block.dates, block.sentences
    shared = time.process_time()
    found = list(active.check.function(document, active.context(document)))
    return shared - started, time.process_time() - shared, len(found)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=24_000)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {0})
    lines = dated_lines(args.lines)
    for layout, joiner in (("one date a line", "\n"), ("one long paragraph", " ")):
        for share in (4, 2, 1):
            part = lines[:args.lines // share]
            shared, seconds, found = check_seconds(joiner.join(part) + "\n")
            print(f"{layout:>18}: {len(part):>6,} lines, {shared + seconds:5.2f} s CPU = dates found and "
                  f"sentences split {shared:.2f} s + dates check {seconds:.2f} s; {found:,} findings")
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "dated.txt")
        with open(path, "w", encoding="utf-8") as file:
            file.write("\n".join(lines) + "\n")
        command = one_core([*copydesk_command(), "check", path, "--select", "dates", "--published",
                            "2024-06-01", "--format", "json", "--fail-on", "never"])
        started = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        print(f"whole command on {os.path.getsize(path) / 1e6:.1f} MB ({args.lines:,} lines, JSON output): "
              f"{time.perf_counter() - started:.2f} s wall")


if __name__ == "__main__":
    main()
