"""copydesk against proselint and write-good, side by side in one run, on the same copy.

Corpora: ../shared/corpus/bbc (2,225 stories) and 300 copies of ../shared/seeds.
copydesk runs every offline check (`copydesk audit --no-cache`), on one core
(--jobs 1, the per-process figure) and on every core (default --jobs); and,
as the floor no set of checks can beat, on every core with only
``repeated-word`` (reading, segmenting and one pass over the words).
proselint (PyPI) and write-good (npm) are installed here if absent: proselint
into this Python, write-good under benchmarks/out/node. Each tool gets every file
of the corpus in one command. Prints words/s, peak RSS (the largest single
process) and copydesk's speed as a multiple of each peer's.

    python benchmarks/peers.py
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from common import REPO, SHARED, copydesk_command, count_words

OUT = REPO / "benchmarks" / "out"


def proselint() -> list[str]:
    found = shutil.which("proselint", path=os.path.dirname(sys.executable))
    if not found:
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "proselint"], check=True)
        found = shutil.which("proselint", path=os.path.dirname(sys.executable))
    return [found, "check"]


def write_good() -> list[str]:
    binary = OUT / "node" / "node_modules" / ".bin" / "write-good"
    if not binary.exists():
        (OUT / "node").mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "install", "--silent", "--no-audit", "--no-fund", "write-good"],
                       cwd=OUT / "node", check=True)
    return [str(binary)]


def seeds_corpus(copies: int = 300) -> Path:
    folder = OUT / f"seeds-x{copies}"
    if not folder.exists():
        folder.mkdir(parents=True)
        for copy in range(copies):
            for seed in sorted((SHARED / "seeds").glob("*.txt")):
                shutil.copy(seed, folder / f"{copy:03d}-{seed.name}")
    return folder


def peak(command: list[str]) -> tuple[float, float, int]:
    """(seconds, peak RSS of the largest process in MB, exit code): the command and every process it waits for."""
    probe = ("import resource, subprocess, sys, time; t = time.perf_counter(); "
             "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode; "
             "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, code)")
    seconds, rss, code = subprocess.run([sys.executable, "-c", probe, *command], capture_output=True,
                                        text=True, check=True).stdout.split()
    return float(seconds), float(rss), int(code)


def main() -> None:
    if not (SHARED / "corpus" / "bbc").exists():
        sys.exit(f"needs {SHARED / 'corpus' / 'bbc'}")
    corpora = {"bbc": SHARED / "corpus" / "bbc", "seeds x300": seeds_corpus()}
    cores = os.cpu_count() or 1
    tools = {
        "copydesk (1 job)": [*copydesk_command(), "audit", "--no-cache", "--jobs", "1", "--progress", "never"],
        f"copydesk ({cores} jobs)": [*copydesk_command(), "audit", "--no-cache", "--jobs", str(cores),
                                     "--progress", "never"],
        f"floor ({cores} jobs)": [*copydesk_command(), "audit", "--no-cache", "--jobs", str(cores),
                                  "--progress", "never", "--select", "repeated-word"],
        "proselint": proselint(),
        "write-good": write_good(),
    }
    for name, folder in corpora.items():
        files = sorted(str(path) for path in folder.rglob("*.txt"))
        words = count_words([folder])
        print(f"\n{name}: {len(files):,} files, {words:,} words")
        rates = {}
        for tool, command in tools.items():
            target = files if tool in ("proselint", "write-good") else [str(folder)]
            seconds, rss, code = peak([*command, *target])
            rates[tool] = words / seconds
            print(f"  {tool:<18} {seconds:7.2f} s  {rates[tool]:>10,.0f} words/s  peak RSS {rss:6.0f} MB  exit {code}")
        for mine in (t for t in tools if t not in ("proselint", "write-good")):
            print(f"  {mine}: {rates[mine] / rates['proselint']:.2f}x proselint, "
                  f"{rates[mine] / rates['write-good']:.2f}x write-good")


if __name__ == "__main__":
    main()
