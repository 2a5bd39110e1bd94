"""Helpers for the benchmarks: run a command once, report wall time and the child's peak RSS."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("COPYDESK_SHARED", REPO.parent / "shared"))
BBC_SECTIONS = [SHARED / "corpus" / "bbc" / name
                for name in ("business", "entertainment", "politics", "sport", "tech")]
_WORD = re.compile(r"\w+(?:['’]\w+)*")


def copydesk_command() -> list[str]:
    found = shutil.which("copydesk", path=os.path.dirname(sys.executable)) or shutil.which("copydesk")
    if not found:
        sys.exit("copydesk is not installed: pip install . first")
    return [found]


def one_core(command: list[str]) -> list[str]:
    """Pin to one CPU where taskset exists, so the figure is a one-core figure."""
    return ["taskset", "-c", "0", *command] if shutil.which("taskset") else command


def count_words(paths: list[Path]) -> int:
    words = 0
    for folder in paths:
        for file in sorted(folder.rglob("*.txt")):
            words += len(_WORD.findall(file.read_bytes().decode("latin-1")))
    return words


def measure(command: list[str]) -> tuple[float, float, int]:
    """(seconds, peak RSS in MB, exit code) of one run, output discarded."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    return elapsed, usage.ru_maxrss / 1024, process.returncode


def best_of(runs: int, command: list[str]) -> tuple[float, float]:
    results = [measure(command) for _ in range(runs)]
    return min(r[0] for r in results), max(r[1] for r in results)
