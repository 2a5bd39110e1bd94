"""A story with very many dates (issue 17, item 11): checked in linear time, 24,000 lines in under 2 s.

    python benchmarks/dates_scale.py [--lines 24000] [--runs 3]

Builds a story of ``--lines`` dated lines (month-name, numeric, ISO, weekday
and relative dates, in past and future sentences; about 1.3 MB for 24,000
lines), then the same lines run together as one paragraph, and times the
dates check alone (one core, CPU; the block work it triggers shown apart) on
each at a quarter, half and the full size. Then, on the full file of lines:
the CPU time of each default check in turn, and the whole ``copydesk check``
command (start-up, reading, every default check, the text report) and
``copydesk check --select dates``, CPU (user + system, of the child process)
and wall time. Every figure is the least of ``--runs`` runs: on a shared
machine the least is the one other processes disturbed least.
"""

from __future__ import annotations

import argparse
import gc
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


def seconds_by_check(text: str) -> list[tuple[str, float, int]]:
    """CPU seconds and findings of each default check on a freshly read story, in the engine's
    order (a check pays for the block work, such as sentence splitting, that no earlier one did);
    reading the story comes first, as "reading"."""
    from copydesk.config import load_config
    from copydesk.document import SourceText
    from copydesk.engine import Engine, plan
    from copydesk.plugins import load_registry

    registry, config = load_registry(), load_config()
    checks = plan(registry, config)
    engine = Engine(registry, config, [], published="2024-06-01")
    started = time.process_time()
    (document,) = engine.read(SourceText("dated.txt", text), registry.readers["text"])
    timings = [("reading", time.process_time() - started, 0)]
    for active in checks:
        started = time.process_time()
        if active.check.scope == "document":
            found = len(list(active.check.function(document, active.context(document))))
        else:
            summary = active.check.summarise(document, active.context(document))
            found = len(list(active.check.function([summary], active.context())))
        timings.append((active.check.name, time.process_time() - started, found))
    return timings


def command_seconds(command: list[str]) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of one run of ``command``, its output discarded."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed")
    return usage.ru_utime + usage.ru_stime, wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=24_000)
    parser.add_argument("--runs", type=int, default=3, help="runs of each figure; the least is shown")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {0})
    gc.set_threshold(50_000, 20, 20)  # as copydesk check sets it, so in-process figures are the command's
    lines = dated_lines(args.lines)
    for layout, joiner in (("one date a line", "\n"), ("one long paragraph", " ")):
        for share in (4, 2, 1):
            part = lines[:args.lines // share]
            runs = [check_seconds(joiner.join(part) + "\n") for _ in range(args.runs)]
            shared, seconds, found = min(runs, key=lambda run: run[0] + run[1])
            print(f"{layout:>18}: {len(part):>6,} lines, {shared + seconds:5.2f} s CPU = dates found and "
                  f"sentences split {shared:.2f} s + dates check {seconds:.2f} s; {found:,} findings")
    text = "\n".join(lines) + "\n"
    runs = [seconds_by_check(text) for _ in range(args.runs)]
    print(f"each default check on the {args.lines:,} lines, CPU (in process, after start-up):")
    for step, (name, _, found) in enumerate(runs[0]):
        print(f"  {name:>22}: {min(run[step][1] for run in runs):5.2f} s, {found:,} findings")
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "dated.txt")
        with open(path, "w", encoding="utf-8") as file:
            file.write(text)
        for label, select in (("every default check", []), ("--select dates", ["--select", "dates"])):
            command = one_core([*copydesk_command(), "check", path, *select, "--published", "2024-06-01",
                                "--fail-on", "never"])
            runs = [command_seconds(command) for _ in range(args.runs)]
            print(f"copydesk check, {label}, text report, on {os.path.getsize(path) / 1e6:.1f} MB "
                  f"({args.lines:,} lines): {min(cpu for cpu, _ in runs):.2f} s CPU, "
                  f"{min(wall for _, wall in runs):.2f} s wall")


if __name__ == "__main__":
    main()
