"""Latency of ``copydesk lsp``: server start to first diagnostics, and diagnostics after an edit.

A real client (pygls) starts ``copydesk lsp`` in a subprocess, opens a Markdown
story of about 1,000 words and times the first ``publishDiagnostics`` from the
moment the process is started (targets: ≤ 1 s). Then, the server warm, it edits
the story 100 times (a word changed in a different paragraph each time) and
times each edit's diagnostics, from sending ``didChange`` to receiving them
(target: p50 and p95 ≤ 50 ms). Lint-as-you-type is on with no debounce, so the
figure is the server's own work; an editor's default debounce (300 ms) comes on
top while typing, and none on save.

The story is stitched from BBC stories (../shared/corpus/bbc/business, read at
run time, never copied) with front matter, a photo and its caption repeated;
without the corpus, from examples/harbour-strike.md repeated.

On a shared, loaded machine wall time measures the queue for a core as much as
the server, so the script also prints the CPU time the server process used
(Linux /proc): to the first diagnostics, and per edit. It is what the wall time
would be on an idle core, give or take caches.

    python benchmarks/lsp_latency.py [--edits 100] [--words 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

from common import REPO, SHARED, copydesk_command


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux), or NaN elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


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


async def run(edits: int, words: int) -> None:
    text, origin = story_of(words)
    folder = Path(tempfile.mkdtemp(prefix="copydesk-lsp-bench-"))
    path = folder / "story.md"
    path.write_text(text, encoding="utf-8")
    uri = path.as_uri()
    published: asyncio.Queue = asyncio.Queue()
    client = LanguageClient("lsp-latency", "1")
    client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)(
        lambda params: published.put_nowait((time.perf_counter(), params)))
    client.feature(types.WORKSPACE_CONFIGURATION)(lambda params: [None for _ in params.items])

    started = time.perf_counter()
    await client.start_io(*copydesk_command(), "lsp")
    await client.initialize_async(types.InitializeParams(
        capabilities=types.ClientCapabilities(), root_uri=folder.as_uri(),
        initialization_options={"lintOnChange": True, "debounceMs": 0}))
    client.initialized(types.InitializedParams())
    client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
        uri=uri, language_id="markdown", version=1, text=text)))
    first_at, first = await asyncio.wait_for(published.get(), 60)
    first_latency = first_at - started
    server = client._server.pid
    first_cpu = cpu_seconds(server)

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
    edits_cpu = (cpu_seconds(server) - first_cpu) / edits * 1000
    await client.shutdown_async(None)
    client.exit(None)
    await asyncio.sleep(0.2)
    await client.stop()

    timings.sort()
    p95 = timings[min(len(timings) - 1, round(0.95 * len(timings)) - 1)]
    load = os.getloadavg()
    print(f"story: {len(text.split()):,} words ({origin}); {len(first.diagnostics)} diagnostics on open")
    print(f"start to first diagnostics: {first_latency * 1000:.0f} ms wall, {first_cpu * 1000:.0f} ms CPU "
          f"(target ≤ 1000 ms)")
    print(f"diagnostics after an edit, warm, {edits} edits: p50 {statistics.median(timings):.1f} ms, "
          f"p95 {p95:.1f} ms, max {timings[-1]:.1f} ms wall; {edits_cpu:.1f} ms CPU per edit (target ≤ 50 ms)")
    print(f"load average during the run: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} cores")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=100)
    parser.add_argument("--words", type=int, default=1000)
    args = parser.parse_args()
    asyncio.run(run(args.edits, args.words))


if __name__ == "__main__":
    sys.exit(main())
