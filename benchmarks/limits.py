"""Hostile inputs against copydesk's limits (issue 17): builds them in a temporary folder and prints,
for each, the wall time, the peak RSS of the largest process (the audit or one of its workers), the
exit code and the message that names the file.

    python benchmarks/limits.py            # all of them (about a minute; writes ~60 MB to /tmp)
    python benchmarks/limits.py --streamed # and a 52 MB CSV of ordinary rows, audited (minutes)

Targets: the 1 MB zip holding 1 GB of zeros as dump.jsonl and a 52 MB CSV (one endless record)
refused with a message naming the file, at most 200 MB peak RSS per process with -j1 and -j2; a FIFO and a symlink to
/dev/zero skipped with a message within 1 s; the catastrophic house pattern (a+)+$ over 100 KB in
under 1 s.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import copydesk_command  # noqa: E402

MB = 1 << 20


def run(command: list[str], cwd: Path) -> tuple[float, float, int, str]:
    """(seconds, peak RSS in MB of the largest process of the run, exit code, standard error)."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=errors)
        # wait4's ru_maxrss is the largest of the process and the descendants it waited for (its workers).
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        errors.seek(0)
        return elapsed, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status), errors.read().decode()


def zip_bomb(path: Path, size: int) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        with archive.open("dump.jsonl", "w", force_zip64=True) as out:
            zeros = b"\0" * MB
            for _ in range(size // MB):
                out.write(zeros)


def gzip_bomb(path: Path, size: int) -> None:
    import gzip

    with gzip.open(path, "wb", compresslevel=9) as out:
        zeros = b"\0" * MB
        for _ in range(size // MB):
            out.write(zeros)


def big_csv(path: Path, size: int, *, endless_cell: bool) -> None:
    """A CSV dump of ``size`` bytes: rows of ordinary stories, or one row whose quoted cell never closes."""
    row = 0
    with path.open("w", encoding="utf-8") as out:
        out.write("id,headline,body\n")
        if endless_cell:
            out.write('0,Council budget,"The council met on Tuesday and the quote never closes\n')
        while out.tell() < size:
            if endless_cell:
                out.write("and the the mayor said it was a fair settlement for all.\n" * 1000)
                continue
            out.write(f'{row},Council budget {row},"The council met on Tuesday to agree the budget for the '
                      f'coming year, and the the mayor said it was a fair settlement for all."\n' * 100)
            row += 1


def show(label: str, figures: tuple[float, float, int, str], *names: str) -> None:
    seconds, rss, code, errors = figures
    print(f"{label:<46} {seconds:6.2f} s  {rss:6.0f} MB peak RSS  exit {code}")
    for name in names:
        print("    " + next((line for line in errors.splitlines() if name in line), f"(nothing said about {name})"))


def main() -> None:
    copydesk = copydesk_command()
    with tempfile.TemporaryDirectory(prefix="copydesk-limits-") as folder:
        here = Path(folder)
        zip_bomb(here / "bomb.zip", 1024 * MB)
        gzip_bomb(here / "dump.jsonl.gz", 1024 * MB)
        big_csv(here / "dump.csv", 52 * 1000 * 1000, endless_cell=True)
        print(f"bomb.zip: {os.path.getsize(here / 'bomb.zip') / MB:.1f} MB holding 1,024 MB of zeros as dump.jsonl "
              "(a dump: limited record by record as it is read);\n"
              f"dump.jsonl.gz: {os.path.getsize(here / 'dump.jsonl.gz') / MB:.1f} MB, the same zeros;\n"
              f"dump.csv: {os.path.getsize(here / 'dump.csv') / 1e6:.1f} MB, one record whose quoted cell never "
              "closes; limit: max_size_mb 50 (the default)\n")
        for jobs in ("1", "2"):
            audit = [*copydesk, "audit", "--no-cache", "--progress", "never", "--jobs", jobs]
            for name in ("bomb.zip", "dump.jsonl.gz", "dump.csv"):
                show(f"audit -j{jobs} {name}", run([*audit, name], here), name)
        show("check dump.csv", run([*copydesk, "check", "dump.csv"], here), "dump.csv")
        if "--streamed" in sys.argv:  # minutes: the same size of ordinary rows is audited, in flat memory
            big_csv(here / "rows.csv", 52 * 1000 * 1000, endless_cell=False)
            show("audit -j2 rows.csv (52 MB of ordinary rows)",
                 run([*copydesk, "audit", "--no-cache", "--progress", "never", "--jobs", "2", "rows.csv"], here))

        special = here / "special"
        special.mkdir()
        os.mkfifo(special / "pipe.txt")
        (special / "zero.txt").symlink_to("/dev/zero")
        print()
        show("start-up alone: copydesk checks", run([*copydesk, "checks"], here))
        for command in ("check", "audit"):  # the whole run, start-up included
            extra = ["--no-cache", "--jobs", "1", "--progress", "never"] if command == "audit" else []
            show(f"{command} special/ (a FIFO, a link to /dev/zero)", run([*copydesk, command, *extra, "special"], here),
                 "pipe.txt", "zero.txt")
        from copydesk.sources import expand

        started = time.perf_counter()
        found = list(expand([str(special)], [".txt"]))
        print(f"    finding and skipping both, without start-up: {(time.perf_counter() - started) * 1000:.2f} ms "
              f"({len(found)} notes)")

        (here / "house.yaml").write_text("checks:\n  house-spelling:\n    patterns:\n      '(a+)+$': 'a'\n",
                                         encoding="utf-8")
        (here / "aaa.txt").write_text("Headline\n\n" + "a" * 100_000 + "!\n", encoding="utf-8")
        print()
        show("check (a+)+$ over 100 KB of a's and a '!'",
             run([*copydesk, "check", "--rules", "house.yaml", "--select", "house-spelling", "aaa.txt"], here))
        from copydesk.patterns import compile_pattern

        started = time.perf_counter()
        compile_pattern("(a+)+$").search("a" * 100_000 + "!")
        print(f"    the match alone (RE2): {(time.perf_counter() - started) * 1000:.2f} ms")


if __name__ == "__main__":
    main()
