"""Load on ``copydesk serve``: concurrent clients posting 1,000-word stories, on loopback only.

Starts ``copydesk serve`` on 127.0.0.1 (a private rules folder, so a private word list),
warms it up, then for each endpoint (``/api/v1/check``, then LanguageTool's ``/v2/check``)
runs N clients for S seconds, each posting a different story per request over a kept-alive
connection, while a prober asks ``/healthz`` every 200 ms and the server's RSS is sampled.
Prints requests/s, p50/p95/p99 latency, the server's CPU time per request (which other load
on the machine inflates far less than latency), errors, /healthz latency, RSS (after
warm-up, peak, and at the end of each phase) and the machine's load average, and the engine's own time per
story in this process as the floor the server adds to.

Stories are windows of BBC paragraphs (../shared/corpus/bbc) when present, else of the
examples; every request sends a story never sent before (a prefix numbers it), so the server's
cache of answers never hits and the figures are those of checking.

    python benchmarks/serve_load.py            # 8 clients, 60 s per endpoint
    python benchmarks/serve_load.py --seconds 10 --clients 4
    python benchmarks/serve_load.py --serve-options '--workers 0 --cache 0'   # threads, no cache
    python benchmarks/serve_load.py --engine-only   # the engine's time per story, and per check
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

from common import REPO, SHARED, copydesk_command

BBC = SHARED / "corpus" / "bbc"


def stories(count: int, words: int, seed: int = 7) -> list[str]:
    """``count`` different stories of about ``words`` words: a headline, then paragraphs."""
    sources = sorted(BBC.glob("*/*.txt")) if BBC.exists() else sorted((REPO / "examples").glob("*.*"))
    texts = [path.read_bytes().decode("utf-8", "replace") for path in sources]
    paragraphs = [[p.strip() for p in text.split("\n\n") if p.strip()] for text in texts]
    chooser = random.Random(seed)
    made = []
    for _ in range(count):
        first = chooser.choice(paragraphs)
        body, total = [], 0
        while total < words:
            for paragraph in chooser.choice(paragraphs)[1:]:
                body.append(paragraph)
                total += len(paragraph.split())
                if total >= words:
                    break
        made.append(first[0] + "\n\n" + "\n\n".join(body) + "\n")
    return made


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def rss_mb(pid: int) -> float:
    """The resident memory of ``pid`` and its descendants (the server's engine workers)."""
    total = 0.0
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) / 1024
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as children:
                total += sum(rss_mb(int(child)) for child in children.read().split())
    except FileNotFoundError:  # it ended while we looked
        pass
    return total


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) used so far by ``pid`` and its live descendants."""
    total = 0.0
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as children:
                total += sum(cpu_seconds(int(child)) for child in children.read().split())
    except FileNotFoundError:
        pass
    return total


class Server:
    def __init__(self, folder: Path, options: list[str]) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        rules = folder / "copydesk.yaml"
        rules.write_text("checks: {}\n", encoding="utf-8")
        self.log = open(folder / "server.log", "wb")
        self.process = subprocess.Popen([*copydesk_command(), "serve", "--host", "127.0.0.1", "--port",
                                         str(self.port), "--rules", str(rules), *options], cwd=folder,
                                        stdout=subprocess.DEVNULL, stderr=self.log)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if self.get("/healthz")[0] == 200:
                    return
            except OSError:
                time.sleep(0.1)
        self.stop()
        sys.exit("copydesk serve did not start")

    def get(self, path: str) -> tuple[int, float]:
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            return response.status, time.perf_counter() - started
        finally:
            connection.close()

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)
        self.log.close()


def request_for(endpoint: str, story: str) -> tuple[bytes, dict]:
    if endpoint == "/v2/check":
        return urlencode({"text": story, "language": "en-US"}).encode(), \
            {"Content-Type": "application/x-www-form-urlencoded"}
    return json.dumps({"text": story}).encode(), {"Content-Type": "application/json"}


def phase(server: Server, endpoint: str, texts: list[str], clients: int, seconds: float) -> dict:
    latencies: list[float] = []
    errors: list[str] = []
    health: list[float] = []
    health_failures = 0
    rss: list[tuple[float, float]] = []
    lock = threading.Lock()
    counter = iter(range(10 ** 9))
    # Every request a story never sent before, so that no cache of answers flatters the figures.
    tag = f"{time.time_ns():x}"
    started = time.monotonic()
    stop_at = started + seconds

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        while time.monotonic() < stop_at:
            with lock:
                number = next(counter)
            story = f"Update {tag}-{number}: " + texts[number % len(texts)]
            body, headers = request_for(endpoint, story)
            sent = time.perf_counter()
            try:
                connection.request("POST", endpoint, body=body, headers=headers)
                response = connection.getresponse()
                response.read()
                status = response.status
            except OSError as error:
                status = f"{type(error).__name__}"
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
            elapsed = time.perf_counter() - sent
            with lock:
                if status == 200:
                    latencies.append(elapsed)
                else:
                    errors.append(str(status))
        connection.close()

    def watch() -> None:
        nonlocal health_failures
        while time.monotonic() < stop_at:
            try:
                status, elapsed = server.get("/healthz")
                if status == 200:
                    health.append(elapsed)
                else:
                    health_failures += 1
            except OSError:
                health_failures += 1
            rss.append((time.monotonic() - started, rss_mb(server.process.pid)))
            time.sleep(0.2)

    cpu_before = cpu_seconds(server.process.pid)
    threads = [threading.Thread(target=client) for _ in range(clients)] + [threading.Thread(target=watch)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.monotonic() - started
    # The server's own CPU time per answer: what a story costs whatever else the machine runs.
    cpu_ms = (cpu_seconds(server.process.pid) - cpu_before) * 1000 / max(1, len(latencies) + len(errors))
    early = [mb for at, mb in rss if 5 <= at <= 15] or [rss[0][1]]
    return {
        "endpoint": endpoint, "clients": clients, "seconds": round(wall, 1), "requests": len(latencies),
        "requests_per_s": round(len(latencies) / wall, 1),
        "p50_ms": round(percentile(latencies, 0.50) * 1000, 1), "p95_ms": round(percentile(latencies, 0.95) * 1000, 1),
        "p99_ms": round(percentile(latencies, 0.99) * 1000, 1), "server_cpu_ms_per_request": round(cpu_ms, 1),
        "errors": len(errors),
        "error_kinds": sorted(set(errors)),
        "healthz_p50_ms": round(percentile(health, 0.5) * 1000, 1),
        "healthz_max_ms": round(max(health) * 1000, 1) if health else None, "healthz_failures": health_failures,
        "rss_mb_at_10s": round(statistics.mean(early), 1), "rss_mb_peak": round(max(mb for _, mb in rss), 1),
        "rss_mb_end": round(rss[-1][1], 1),
    }


def engine_floor(texts: list[str]) -> dict:
    """The engine's own time per story, in this process: what a request costs before any HTTP,
    and where it goes: reading the story into a Document, then each check on it."""
    from copydesk.config import load_config
    from copydesk.engine import Engine, plan
    from copydesk.plugins import load_registry
    from copydesk.server.documents import plain_text

    registry = load_registry()
    with tempfile.TemporaryDirectory() as folder:
        rules = Path(folder) / "copydesk.yaml"
        rules.write_text("checks: {}\n", encoding="utf-8")
        config = load_config(str(rules))
        engine = Engine(registry, config, plan(registry, config))
        times: list[float] = []
        parts: dict[str, list[float]] = {}
        spent: dict[str, float] = {}
        run_check = engine.run_check

        def timed(check, document, call):  # each check's own time, inside the real run
            started = time.perf_counter()
            try:
                return run_check(check, document, call)
            finally:
                spent[check.name] = spent.get(check.name, 0.0) + time.perf_counter() - started

        engine.run_check = timed  # type: ignore[method-assign]
        for number, text in enumerate(texts):
            story = plain_text(text)
            spent.clear()
            started = time.perf_counter()
            engine.check_text(story.source, story.reader(engine))
            elapsed = time.perf_counter() - started
            if number < len(texts) // 2:  # the first half warms the lexicon's memo, as a running server's is
                continue
            times.append(elapsed)
            for name, seconds in spent.items():
                parts.setdefault(name, []).append(seconds)
            parts.setdefault("(outside the checks: reading, validating, suppressing)", []).append(
                elapsed - sum(spent.values()))
    return {"stories": len(times), "p50_ms": round(percentile(times, 0.5) * 1000, 1),
            "p99_ms": round(percentile(times, 0.99) * 1000, 1),
            "per_part_ms": {name: {"p50": round(percentile(spent, 0.5) * 1000, 2),
                                   "mean": round(statistics.mean(spent) * 1000, 2)}
                            for name, spent in sorted(parts.items(), key=lambda item: -statistics.mean(item[1]))}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=60.0, help="per endpoint")
    parser.add_argument("--words", type=int, default=1000)
    parser.add_argument("--warm-up", type=int, default=200, help="stories posted before measuring")
    parser.add_argument("--engine-only", action="store_true", help="only the engine's own time, per check")
    parser.add_argument("--no-engine", action="store_true", help="leave out the engine-alone figures")
    parser.add_argument("--serve-options", default="",
                        help="options for copydesk serve, e.g. '--workers 0 --cache 0' (threads, no cache)")
    args = parser.parse_args()
    texts = stories(2000 + args.warm_up, args.words)
    if args.engine_only:
        print(json.dumps(engine_floor(texts[:400]), indent=2))
        return
    warm_up, measured = texts[:args.warm_up], texts[args.warm_up:]
    source = "BBC paragraphs" if BBC.exists() else "the examples (no ../shared/corpus/bbc)"
    print(f"stories: {len(measured)} different ~{args.words}-word stories from {source}; "
          f"{os.cpu_count()} CPUs; load average before: {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory() as folder:
        server = Server(Path(folder), args.serve_options.split())
        print(f"copydesk serve {args.serve_options}".rstrip())
        try:
            print(f"server RSS after start: {rss_mb(server.process.pid):.0f} MB")
            for text in warm_up:
                body, headers = request_for("/api/v1/check", text)
                connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
                connection.request("POST", "/api/v1/check", body=body, headers=headers)
                connection.getresponse().read()
                connection.close()
            print(f"server RSS after {len(warm_up)} warm-up stories: {rss_mb(server.process.pid):.0f} MB")
            results = []
            for endpoint in ("/api/v1/check", "/v2/check"):
                result = phase(server, endpoint, measured, args.clients, args.seconds)
                result["load_average"] = round(os.getloadavg()[0], 2)
                results.append(result)
                print(json.dumps(result))
        finally:
            server.stop()
    floor = None if args.no_engine else engine_floor(texts[:400])
    if floor is not None:
        print("engine alone, one story at a time in this process (warm):", json.dumps(floor))
    out = REPO / "benchmarks" / "out"
    out.mkdir(exist_ok=True)
    (out / "serve_load.json").write_text(json.dumps({"serve_options": args.serve_options, "phases": results,
                                                   "engine": floor}, indent=2) + "\n")


if __name__ == "__main__":
    main()
