"""Latency of ``copydesk lsp``: server start to first diagnostics, and diagnostics after an edit.

A real client (pygls) starts ``copydesk lsp`` in a subprocess, opens a Markdown
story of about 1,000 words right after ``initialized`` and times, from the
moment the process is spawned, the ``initialize`` response and the first
``publishDiagnostics`` (target: ≤ 1 s). That is repeated ``--starts`` times,
each a new server (cold: a new process; the operating system's file cache and
copydesk's kept word lists stay warm, as they are on a writer's machine), and
the median is reported. ``--baseline COMMAND`` starts another copydesk (an
older install) alternately with this one, so both are measured in the same
minutes of a shared machine.

Then, the server warm, it edits the story 100 times (a word changed in a
different paragraph each time) and times each edit's diagnostics, from sending
``didChange`` to receiving them (target: p50 and p95 ≤ 50 ms). Lint-as-you-type
is on with no debounce, so the figure is the server's own work; an editor's
default debounce (300 ms) comes on top while typing, and none on save.

``--breakdown`` times, in a fresh interpreter of the same install, each step a
server takes before its first diagnostics: the imports, the registry and rules,
the first run of each planned check on the story (what it loads lazily) and a
second, warm check. CPU time is given beside wall time.

The story is stitched from BBC stories (../shared/corpus/bbc/business, read at
run time, never copied) with front matter, a photo and its caption repeated;
without the corpus, from examples/harbour-strike.md repeated.

On a shared, loaded machine wall time measures the queue for a core as much as
the server, so the script also prints the CPU time the server process used
(Linux /proc): to the first diagnostics (and, apart, that of the twin that
ran the first check on another core, see copydesk/lsp/preload.py), and per edit. The server forks
that twin only when the cores are not all busy; ``--twin always`` or ``never`` forces it.

    python benchmarks/lsp_latency.py [--starts 5] [--baseline COMMAND] [--twin auto|always|never]
                                     [--breakdown] [--edits 100] [--words 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

from common import REPO, SHARED, copydesk_command


def cpu_seconds(pid: int, children: bool = False) -> float:
    """User + system CPU time of a process so far (Linux only, NaN elsewhere), or that of its children
    that have ended (the server's twin, once it has answered)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    start = 13 if children else 11
    return (int(fields[start]) + int(fields[start + 1])) / os.sysconf("SC_CLK_TCK")


# ``copydesk lsp`` with its twin forced on or off, whatever the machine's load (see copydesk/lsp/preload.py).
_FORCED_TWIN = """
import sys
sys.path.remove("")  # the installed package, not a checkout
from copydesk.lsp import preload
preload.FirstCheck.start = classmethod(lambda cls, rules_file=None: {twin})
from copydesk.cli import main
sys.exit(main(sys.argv[1:]))
"""


def server_command(twin: str) -> list[str]:
    if twin == "auto":
        return copydesk_command()
    python = Path(copydesk_command()[0]).with_name("python")
    return [str(python), "-c", _FORCED_TWIN.format(twin="cls(rules_file)" if twin == "always" else "None")]


def story_of(words: int) -> tuple[str, str]:
    """A Markdown story of about ``words`` words, and where its copy came from."""
    paragraphs: list[str] = []
    bbc = SHARED / "corpus" / "bbc" / "business"
    if bbc.is_dir():
        origin = f"BBC business stories ({bbc})"
        for path in sorted(bbc.glob("*.txt")):
            lines = [line.strip() for line in path.read_bytes().decode("latin-1").splitlines()]
            paragraphs.extend(line for line in lines[1:] if len(line.split()) > 8)
            if sum(len(p.split()) for p in paragraphs) >= words:
                break
    else:
        origin = "examples/harbour-strike.md, repeated (no ../shared/corpus/bbc)"
        body = (REPO / "examples" / "harbour-strike.md").read_text(encoding="utf-8").split("\n---\n", 1)[-1]
        chunks = [p for p in body.split("\n\n") if len(p.split()) > 8]
        while sum(len(p.split()) for p in paragraphs) < words:
            paragraphs.extend(chunks)
    kept, count = [], 0
    for paragraph in paragraphs:
        if count >= words:
            break
        kept.append(paragraph)
        count += len(paragraph.split())
    caption = "*Traders watch the screens in London on Monday. (Reuters)*"
    head = ("---\ntitle: Markets close lower\ndate: 2005-03-07\n---\n\n# Markets close lower\n\n"
            f"![Traders at work](traders.jpg)\n{caption}\n\n{caption}\n\n")
    return head + "\n\n".join(kept) + "\n", origin


@dataclass
class Start:
    """One server's start, in ms from spawning the process: the initialize response, the first diagnostics,
    and the CPU time the server and its twin (if any) had used by then."""

    initialized: float
    first: float
    cpu: float
    twin_cpu: float


async def start_server(command: list[str], folder: Path, uri: str, text: str,
                       published: asyncio.Queue) -> tuple[LanguageClient, Start]:
    client = LanguageClient("lsp-latency", "1")
    client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)(
        lambda params: published.put_nowait((time.perf_counter(), params)))
    client.feature(types.WORKSPACE_CONFIGURATION)(lambda params: [None for _ in params.items])
    spawned = time.perf_counter()
    await client.start_io(*command, "lsp")
    await client.initialize_async(types.InitializeParams(
        # As VS Code and Neovim do: the server then asks for the "copydesk" settings while it starts.
        capabilities=types.ClientCapabilities(workspace=types.WorkspaceClientCapabilities(configuration=True)),
        root_uri=folder.as_uri(),
        initialization_options={"lintOnChange": True, "debounceMs": 0}))
    initialized = time.perf_counter()
    client.initialized(types.InitializedParams())
    client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
        uri=uri, language_id="markdown", version=1, text=text)))
    first_at, _ = await asyncio.wait_for(published.get(), 60)
    pid = client._server.pid
    return client, Start((initialized - spawned) * 1000, (first_at - spawned) * 1000, cpu_seconds(pid) * 1000,
                         cpu_seconds(pid, children=True) * 1000)


async def stop_server(client: LanguageClient) -> None:
    await client.shutdown_async(None)
    client.exit(None)
    await asyncio.sleep(0.2)
    await client.stop()


async def time_edits(client: LanguageClient, uri: str, text: str, edits: int,
                     published: asyncio.Queue) -> tuple[list[float], float]:
    """Each edit's latency in ms (sorted), and the server's CPU ms per edit."""
    server = client._server.pid
    before = cpu_seconds(server)
    lines = text.split("\n")
    paragraph_lines = [number for number, line in enumerate(lines) if len(line.split()) > 8]
    timings = []
    for edit in range(edits):
        number = paragraph_lines[edit % len(paragraph_lines)]
        line = lines[number]
        words_of_line = line.split(" ")
        position = len(" ".join(words_of_line[:len(words_of_line) // 2]))
        # Replace the middle word with a word of the same length, alternately restoring it.
        old = words_of_line[len(words_of_line) // 2]
        new = old if edit // len(paragraph_lines) % 2 else "x" * len(old)
        sent = time.perf_counter()
        client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=edit + 2),
            content_changes=[types.TextDocumentContentChangePartial(
                range=types.Range(start=types.Position(line=number, character=position + 1),
                                  end=types.Position(line=number, character=position + 1 + len(old))),
                text=new)]))
        while True:
            received, params = await asyncio.wait_for(published.get(), 60)
            if params.version == edit + 2:
                break
        timings.append((received - sent) * 1000)
    return sorted(timings), (cpu_seconds(server) - before) / max(edits, 1) * 1000


def describe(name: str, starts: list[Start]) -> str:
    first = [start.first for start in starts]
    twin = statistics.median(s.twin_cpu for s in starts)
    return (f"{name}: start to first diagnostics median {statistics.median(first):.0f} ms wall "
            f"(min {min(first):.0f}, max {max(first):.0f}; initialize answered at median "
            f"{statistics.median(s.initialized for s in starts):.0f} ms), "
            f"{statistics.median(s.cpu for s in starts):.0f} ms CPU in the server"
            + (f" and {twin:.0f} ms in its twin" if twin else "") + f", {len(starts)} cold starts")


# Run in a fresh interpreter of the same install: the steps of a server's start, in the order ``copydesk lsp``
# takes them, timed in-process; printed as JSON lines (step, wall ms, CPU ms). In "server" mode the server
# loads everything itself (no twin); in "twin" mode, what the twin does after the fork (copydesk/lsp/preload.py).
_BREAKDOWN = r"""
import json, pickle, sys, time
from pathlib import Path
mode, story, folder = sys.argv[1:4]
last = [time.perf_counter(), time.process_time()]
def step(name):
    wall, cpu = time.perf_counter(), time.process_time()
    print(json.dumps([name, (wall - last[0]) * 1000, (cpu - last[1]) * 1000]), flush=True)
    last[:] = [time.perf_counter(), time.process_time()]
import copydesk.cli
step("import copydesk.cli (the command line)")
import copydesk.lsp.preload
step("import copydesk.lsp.preload; the twin forks here")
if mode == "server":
    import lsprotocol.types
    step("import lsprotocol.types")
    import pygls.lsp.server
    step("import pygls.lsp.server")
    import copydesk.lsp.server
    step("import copydesk.lsp.server; with a twin, its report comes")
import copydesk.config, copydesk.engine, copydesk.plugins
step("import copydesk's Engine, config and plugins")
registry = copydesk.plugins.load_registry()
step("registry (checks, readers, plugins)")
engine = copydesk.lsp.preload.engine_for(registry, None, folder)
step("rules and Engine")
text = Path(story).read_text(encoding="utf-8")
if mode == "server":
    for active in engine.checks:
        engine.check_text(text, path=story, checks=[active])
        step(f"first run of {active.check.name}")
else:
    engine.warm_up()
    step("Engine.warm_up (the built-in story)")
    report = engine.check_text(text, path=story)
    step("first check of the story, after the warm-up")
    pickle.loads(pickle.dumps(report))
    step("its report pickled and read back")
engine.check_text(text, path=story)
step("the whole check, warm")
"""


def breakdown(path: Path, folder: Path) -> None:
    """Print each step of a start, and the CPU time on the path to the first diagnostics with and
    without the twin (with it: the slower of the server's and the twin's loading, then the twin's check)."""
    python = Path(copydesk_command()[0]).with_name("python")
    steps = {}
    for mode in ("server", "twin"):
        # Run from the story's folder, so that the install is imported rather than a checkout's sources.
        out = subprocess.run([str(python), "-c", _BREAKDOWN, mode, str(path), str(folder)], check=True, cwd=folder,
                             capture_output=True, text=True).stdout
        steps[mode] = [json.loads(line) for line in out.splitlines()]
        print(f"breakdown, {'the server alone' if mode == 'server' else 'the twin'} ({python}), in-process:")
        for name, wall, cpu in steps[mode]:
            print(f"  {name:<62} {wall:6.0f} ms wall {cpu:6.0f} ms CPU")
    server = [cpu for _, _, cpu in steps["server"]]
    twin = [cpu for _, _, cpu in steps["twin"]]
    alone = sum(server[:-1])
    # With a twin the server imports only the protocol before it sends the story: its Engine comes after.
    loaded = sum(server[:5])
    twin_ready = sum(twin[:6])  # up to the warm-up, from the same start (the fork comes after two imports)
    with_twin = max(loaded, twin_ready) + twin[6] + twin[7]
    print(f"CPU on the path to the first diagnostics: {alone:.0f} ms without a twin; with a twin on a free core "
          f"{with_twin:.0f} ms (server {loaded:.0f} ms, twin ready at {twin_ready:.0f} ms, then its check "
          f"{twin[6] + twin[7]:.0f} ms); protocol messages not included")


async def run(args: argparse.Namespace) -> None:
    text, origin = story_of(args.words)
    folder = Path(tempfile.mkdtemp(prefix="copydesk-lsp-bench-"))
    path = folder / "story.md"
    path.write_text(text, encoding="utf-8")
    uri = path.as_uri()
    load = os.getloadavg()
    print(f"story: {len(text.split()):,} words ({origin}); load average at the start {load[0]:.2f} "
          f"on {os.cpu_count()} cores")
    ours = server_command(args.twin)
    baseline = shlex.split(args.baseline) if args.baseline else None
    starts: dict[str, list[Start]] = {"this install": [], "baseline": []}
    for _ in range(args.starts):
        for name, command in (("this install", ours), ("baseline", baseline)):
            if command is None:
                continue
            published: asyncio.Queue = asyncio.Queue()
            client, start = await start_server(command, folder, uri, text, published)
            await stop_server(client)
            starts[name].append(start)
    for name, measured in starts.items():
        if measured:
            twin = f", twin {args.twin}" if name == "this install" else ""
            print(describe(name + twin, measured) + " (target ≤ 1000 ms)")
    if args.breakdown:
        breakdown(path, folder)
    if args.edits:
        published = asyncio.Queue()
        client, _ = await start_server(ours, folder, uri, text, published)
        timings, edit_cpu = await time_edits(client, uri, text, args.edits, published)
        await stop_server(client)
        p95 = timings[min(len(timings) - 1, round(0.95 * len(timings)) - 1)]
        print(f"diagnostics after an edit, warm, {args.edits} edits: p50 {statistics.median(timings):.1f} ms, "
              f"p95 {p95:.1f} ms, max {timings[-1]:.1f} ms wall; {edit_cpu:.1f} ms CPU per edit (target ≤ 50 ms)")
    load = os.getloadavg()
    print(f"load average at the end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} cores")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--starts", type=int, default=5, help="cold starts to time (default 5)")
    parser.add_argument("--baseline", metavar="COMMAND",
                        help="another copydesk command (an older install) to start alternately with this one")
    parser.add_argument("--twin", choices=("auto", "always", "never"), default="auto",
                        help="whether this install's server forks its twin for the first check: as it decides "
                             "from the machine's load (default), or forced")
    parser.add_argument("--breakdown", action="store_true", help="time each step of a start, in-process")
    parser.add_argument("--edits", type=int, default=100, help="edits to time on a warm server (0: none)")
    parser.add_argument("--words", type=int, default=1000)
    args = parser.parse_args()
    if args.starts < 1:
        parser.error("--starts must be at least 1")
    asyncio.run(run(args))


if __name__ == "__main__":
    sys.exit(main())
