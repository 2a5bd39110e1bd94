"""Fuzz copydesk: mutated stories through every reader, every default check and ``--fix``.

The example stories and the test fixtures (and with ``--shared-seeds`` the
stories of ../shared/seeds) are mutated the way a hostile tester would: byte
flips, truncation, odd line breaks (bare CR, U+2028…), combining and
zero-width characters, impossible dates, entity and markup soup, JSON escapes
with lone surrogates, repeated lines and phrases ``--fix`` rewrites. Each input
is read as its own format or, one time in four, as another reader's format,
and must pass four properties:

* no exception escapes: no reader failure, no internal-error finding;
* every finding's span (and every related span) lies inside the file, its
  text is the file's text there, its line and column match its offset, and it
  is not empty; and every letter and digit of every block maps onto itself in
  the file (or onto the escape or entity that spelled it), which is what
  catches a finding one character off;
* the ``--fix`` property: the fix changes only the characters of the fixed
  findings' spans (plus the line break and spacing blank lines of a deleted
  whole-line block), the result re-reads without problems, a second fix plan
  changes nothing, and each fixed rule fires fewer times by what was fixed;
* no input takes over 2 s of CPU time (a run over 20 s of it is stopped).

    python benchmarks/fuzz.py --inputs 100000 --jobs 2
    python benchmarks/fuzz.py --seconds 600

It prints the inputs tried, crashes, hangs, wrong positions and
non-idempotent fixes, and saves every failing input to benchmarks/out/fuzz/
beside a .json saying what went wrong. Failures are also grouped by the module
they happened in, so each can go to whoever owns it. Runs are reproducible:
``--seed`` and the batch number fix every input. ``tests/test_fuzz.py`` runs
the same properties under hypothesis for about a minute.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import signal
import sys
import tempfile
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("COPYDESK_SHARED", REPO.parent / "shared"))
OUT = REPO / "benchmarks" / "out" / "fuzz"
SLOW_SECONDS = 2.0
STOP_SECONDS = 20

# What the mutations insert.
LINE_BREAKS = ("\r", "\r\n", "\n", "\n\n", "\r\r\n", "\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\n\r")
MARKS = ("\u0301", "\u0308", "\u0327", "\u20dd", "\u200b", "\u200c", "\u200d", "\ufeff", "\u2060", "\u00ad",
         "\u202e", "\U0001f600", "\ufffd")
DATES = ("February 30, 2024", "0000-01-01", "0001-01-01T00:00:00Z", "2024-13-45", "Monday, Nov. 31, 2024",
         "31/02/2023", "9999-12-31", "on Tuesday, Feb. 29, 2023", "Friday, Jan. 0, 2024", "Sept. 31",
         "\npublished: 0001-01-01T00:00:00Z\n", "Thursday, Nov. 22, 2024", "yesterday", "1 January 10000")
SOUP = ("&amp;", "&#0;", "&#x110000;", "&nbsp", "&", "&#xD800;", "<![", "<![alt](x.png)", "<!--", "-->", "<p>",
        "</p>", "<figure><figcaption>", "</figcaption>", "<![CDATA[", "]]>", "<br>", "<script>", "<", ">",
        "**", "*", "_", "`", "``", "![", "](", "![A](f.jpg \"T\\/t (AFP)\")", "[x]: /u", "\\", "\n---\n", "# ",
        "| a | b |\n|---|---|\n", "    ", "\t", "> ", "1. ", "- ", '"', "'", ",", "{", "}", "[", "]", ":",
        "```\n", "~~~", "<http://x>", "[^1]")
JSON_ESCAPES = ("\\ud800", "\\udfff", "\\ud83d\\ude00", "\\ud83d", "\\u0000", '\\"', "\\\\", "\\u12", "\\",
                "\\n", "\\r\\n", "\\u2028", "\\/", "\\u00e9")
FIXABLE = ("could of", "free reign", "Thursday, Nov. 22, 2024", "TT", "Advertisement", "Share this article",
           "*Smoke over the port. (AFP)*", "![Smoke over the port](b.jpg)")
KINDS = ("flip", "truncate", "delete", "break", "all_breaks", "mark", "date", "soup", "escape", "repeat_line",
         "fixable")
# Where a crash or a wrong position happened, for routing: module → who owns it.
OWNERS = {"html.py": "HTML reader", "dates.py": "dates", "sources.py": "sources", "archive.py": "archive",
          "config.py": "config"}

Mutation = tuple[str, float, int]


def apply_mutations(data: bytes, mutations: list[Mutation]) -> bytes:
    """``data`` changed by each mutation in turn: (kind, where in the input 0..1, a choice)."""
    for kind, where, choice in mutations:
        if kind == "flip":
            if data:
                at = min(int(where * len(data)), len(data) - 1)
                data = data[:at] + bytes([data[at] ^ (1 << (choice % 8))]) + data[at + 1:]
            continue
        if kind == "truncate":
            data = data[:int(where * len(data))]
            continue
        text = data.decode("utf-8", "surrogateescape")
        at = int(where * len(text))
        if kind == "delete":
            text = text[:at] + text[at + choice % 40:]
        elif kind == "all_breaks":
            text = text.replace("\r\n", "\n").replace("\n", LINE_BREAKS[choice % len(LINE_BREAKS)])
        elif kind == "repeat_line":
            lines = text.splitlines(keepends=True)
            if lines:
                line = min(int(where * len(lines)), len(lines) - 1)
                spaces = ("", " ", "  ", "\t")[choice % 4]
                copy = spaces + lines[line].rstrip("\r\n") + spaces[::-1] + "\n"
                lines.insert(line + 1 + choice % 3, copy)
                text = "".join(lines)
        else:
            pool = {"break": LINE_BREAKS, "mark": MARKS, "date": DATES, "soup": SOUP, "escape": JSON_ESCAPES,
                    "fixable": FIXABLE}[kind]
            text = text[:at] + pool[choice % len(pool)] + text[at:]
        data = text.encode("utf-8", "surrogateescape")
    return data


def random_mutations(rng: random.Random) -> list[Mutation]:
    return [(rng.choice(KINDS), rng.random(), rng.randrange(1 << 16)) for _ in range(rng.randint(1, 6))]


@dataclass
class Seed:
    name: str
    data: bytes
    reader: str


def seeds(shared: bool = False) -> list[Seed]:
    """The inputs mutations start from, each with the reader its name picks: the examples and
    test fixtures, and with ``shared`` the longer scraped stories of ../shared/seeds."""
    from copydesk.plugins import load_registry

    registry = load_registry()
    found = []
    folders = [REPO / "examples", REPO / "tests" / "fixtures", *([SHARED / "seeds"] if shared else [])]
    for folder in folders:
        for path in sorted(folder.glob("*")) if folder.is_dir() else ():
            reader = registry.reader_for(str(path))
            if path.is_file() and reader is not None and path.stat().st_size < 50_000:
                found.append(Seed(path.name, path.read_bytes(), reader.name))
    found.append(Seed("inline.csv", CSV_SEED.encode("utf-8"), "csv"))
    return found


# No CSV example ships with copydesk; this one is written for the fuzzer.
CSV_SEED = ('headline,body,captions,published\r\n'
            '"Ferry strike ends","The the ferry crew voted on Thursday, Nov. 22, 2024.\n\nThey could of '
            'stayed out.","Ferries wait in port. (AFP)",2024-11-23\r\n'
            'Harbour,"A ""free reign"" for the harbour board, said the mayor.",,2024-11-20\r\n')


@dataclass
class Failure:
    kind: str  # crash, hang, wrong-position, non-idempotent-fix
    detail: str
    where: str = ""  # the module it happened in, when known

    @property
    def owner(self) -> str:
        for module, owner in OWNERS.items():
            if self.where.rsplit("/", 1)[-1] == module:
                return owner
        return "fix, readers, formatters, engine"


@dataclass
class Outcome:
    failures: list[Failure] = field(default_factory=list)
    seconds: float = 0.0


class Fuzzer:
    """Runs the properties on one input at a time, in a folder of its own."""

    def __init__(self, folder: str) -> None:
        from copydesk.config import load_config
        from copydesk.engine import Engine, plan
        from copydesk.plugins import load_registry

        _cache_lsh_parameters()
        self.registry = load_registry()
        config = load_config(search_from=folder)
        self.engine = Engine(self.registry, config, plan(self.registry, config))
        self.folder = folder
        self.extensions = {name: reader.extensions[0] for name, reader in self.registry.readers.items()}

    def run(self, data: bytes, reader: str) -> Outcome:
        outcome = Outcome()
        path = os.path.join(self.folder, "story" + self.extensions[reader])
        with open(path, "wb") as handle:
            handle.write(data)
        # CPU time, not wall time: the machine may be shared, and a slow input is slow on any machine.
        started = time.process_time()
        try:
            outcome.failures = self._properties(path, reader)
        except _Stopped:
            outcome.failures = [Failure("hang", f"stopped after {STOP_SECONDS} s")]
        except Exception as error:  # noqa: BLE001 — this is what the fuzzer is looking for
            outcome.failures = [_crash(error)]
        outcome.seconds = time.process_time() - started
        if outcome.seconds > SLOW_SECONDS and not any(f.kind == "hang" for f in outcome.failures):
            outcome.failures.append(Failure("hang", f"took {outcome.seconds:.1f} s of CPU time"))
        return outcome

    def _properties(self, path: str, reader: str) -> list[Failure]:
        from copydesk import fixing

        report = self.engine.run([path])
        failures = self._reader_crashes(report, reader) + _crashes(report) + _wrong_positions(report)
        for fix in fixing.plan(report):
            if fix.changed:
                failures += self._fix_property(fix, report)
        return failures

    def _fix_property(self, fix, report) -> list[Failure]:
        from copydesk import fixing

        wrong = _changes_outside(fix)
        if wrong:
            return [Failure("non-idempotent-fix", wrong, "fixing.py")]
        fixing.write(fix)
        again = self.engine.run([fix.path])
        # As --fix does: what a fix reveals ("free\n---\n reign" once the residue line is gone) is
        # fixed in a further pass, and each pass changes only its own findings' characters.
        for _ in range(fixing.MAX_PASSES - 1):
            more = [f for f in fixing.plan(again) if f.changed]
            if not more:
                break
            wrong = _changes_outside(more[0])
            if wrong:
                return [Failure("non-idempotent-fix", wrong, "fixing.py")]
            fixing.write(more[0])
            again = self.engine.run([fix.path])
        # A note is no failure: deleting the only residue of a file leaves it "empty, nothing to check".
        failures = [Failure("non-idempotent-fix", f"the fixed file does not re-read cleanly: {problem}",
                            "fixing.py") for problem in again.problems if problem.fatal]
        second = [f for f in fixing.plan(again) if f.changed]
        if second:
            failures.append(Failure("non-idempotent-fix", f"--fix still changes the file after {fixing.MAX_PASSES} "
                                    "passes:\n" + second[0].diff(), "fixing.py"))
        # Each fixed finding is gone: its rule fires on its words that many times fewer. (Counted by
        # rule and words: a fix may reveal another finding elsewhere, which is no failure of this one.)
        before = Counter((f.rule, f.text) for result in report.results for f in result.findings)
        after = Counter((f.rule, f.text) for result in again.results for f in result.findings)
        for (rule, text), fixed in Counter((f.rule, f.text) for f in fix.applied).items():
            if after[rule, text] > before[rule, text] - fixed:
                failures.append(Failure("non-idempotent-fix", f"{rule} fired {before[rule, text]} times on "
                                        f"{text!r}, {fixed} fixed, and {after[rule, text]} times after the fix",
                                        "fixing.py"))
        return failures

    def _reader_crashes(self, report, reader: str) -> list[Failure]:
        """A reader failure, with where it happened: the engine keeps only its message, so the
        reader runs again here to raise it."""
        from copydesk import sources

        if not any("reader failed" in problem.message for problem in report.problems):
            return []
        path = report.problems[0].path
        with open(path, "rb") as handle:
            source, _ = sources.decode(path, handle.read())
        try:
            list(self.registry.readers[reader].read(source, self.engine.reader_options))
        except Exception as error:  # noqa: BLE001
            return [_crash(error)]
        return [Failure("crash", "a reader failed, and did not when run again")]


def _cache_lsh_parameters() -> None:
    """duplicate-article builds a MinHash LSH index per run, and datasketch works out the index's
    parameters by numerical integration each time (about 65 ms); they depend only on its settings."""
    from functools import lru_cache

    from datasketch import lsh

    if not hasattr(lsh._optimal_param, "cache_info"):
        lsh._optimal_param = lru_cache(maxsize=None)(lsh._optimal_param)


class _Stopped(Exception):
    pass


def _crash(error: BaseException) -> Failure:
    frames = traceback.extract_tb(error.__traceback__)
    ours = [frame.filename for frame in frames if "copydesk" in frame.filename]
    where = ours[-1] if ours else frames[-1].filename if frames else ""
    return Failure("crash", "".join(traceback.format_exception(error)), where)


_AT = re.compile(r"at ([\w./-]+\.py):\d+\)")


def _crashes(report) -> list[Failure]:
    from copydesk.findings import INTERNAL_ERROR_RULE

    failures = []
    for result in report.results:
        for finding in result.findings:
            if finding.rule == INTERNAL_ERROR_RULE:
                module = _AT.search(finding.message)
                where = module.group(1) if module else ""
                failures.append(Failure("crash", finding.message, where))
    return failures


def _wrong_positions(report) -> list[Failure]:
    from copydesk.findings import INTERNAL_ERROR_RULE

    failures = []
    for result in report.results:
        source = result.document.source
        text = source.text
        failures += _misplaced_blocks(result.document)
        for finding in result.findings:
            if finding.rule == INTERNAL_ERROR_RULE:
                continue
            for location in (finding.location, *finding.related):
                end = location.offset + location.length
                problem = None
                if not 0 <= location.offset <= end <= len(text):
                    problem = f"span {location.offset}+{location.length} outside the text ({len(text)} chars)"
                elif location.text != text[location.offset:end]:
                    problem = f"text {location.text!r} but the file has {text[location.offset:end]!r}"
                elif (location.line, location.column) != source.position(location.offset) or \
                        (location.end_line, location.end_column) != source.position(end):
                    problem = (f"{location.line}:{location.column}-{location.end_line}:{location.end_column} "
                               f"is not where offsets {location.offset}-{end} are")
                elif location is finding.location and location.length == 0:
                    problem = "empty span"
                if problem:
                    failures.append(Failure("wrong-position", f"{finding.rule}: {problem}",
                                            f"checks/{finding.check.replace('-', '_')}.py"))
    return failures


_HTML_TAG = re.compile(r"<[A-Za-z/!]")
_READER_MODULES = {"json": "cms_json", "jsonl": "cms_json", "csv": "csv_records", "text": "plaintext"}


def _misplaced_blocks(document) -> list[Failure]:
    """A finding is only as exact as its block's map: every letter and digit of a block must map
    onto itself in the file, or onto the start of the escape or entity that spelled it."""
    text = document.source.text
    for block in document.blocks:
        for index, char in enumerate(block.text):
            if not char.isalnum():
                continue
            offset = block.offsets(index)
            if not 0 <= offset < len(text) or text[offset] != char and text[offset] not in "\\&":
                found = text[offset] if 0 <= offset < len(text) else "(outside the file)"
                module = _READER_MODULES.get(document.format, document.format)
                if _HTML_TAG.search(text, max(0, block.start - 100), block.end):
                    module = "html"  # a body or block the HTML reader read (for routing; check by hand)
                return [Failure("wrong-position", f"{block.kind} {block.text[:40]!r}: character {index} "
                                f"{char!r} maps to offset {offset}, which holds {found!r}",
                                f"readers/{module}.py")]
    return []


def _changes_outside(fix) -> str:
    """What the fix changed outside the spans it may change, or "".

    The text between the spans must all be in the fixed file, in order: the
    file is those pieces with each span's replacement between them.
    """
    text = fix.original
    allowed = []
    for finding in sorted(fix.applied, key=lambda f: f.offset):
        start, end = finding.offset, finding.offset + finding.location.length
        if finding.suggestions[0] == "":
            # A deleted whole-line block takes its markup (*…*), its line break and the blank lines around it.
            while start > 0 and text[start - 1] in _SPACE:
                start -= 1
            while end < len(text) and text[end] in _SPACE:
                end += 1
        if allowed and start <= allowed[-1][1]:
            allowed[-1] = (allowed[-1][0], max(end, allowed[-1][1]))
        else:
            allowed.append((start, end))
    bounds = [0] + [edge for span in allowed for edge in span] + [len(text)]
    kept = [text[bounds[i]:bounds[i + 1]] for i in range(0, len(bounds), 2)]
    first, *middle, last = kept
    wrong = not fix.fixed.startswith(first) or not fix.fixed.endswith(last)
    position = len(first)
    for piece in middle:
        found = fix.fixed.find(piece, position)
        wrong |= found < 0
        position = found + len(piece)
    if wrong or position > len(fix.fixed) - len(last):
        return (f"text outside the fixed findings {[(f.rule, f.offset, f.location.length) for f in fix.applied]} "
                "changed")
    return ""


_SPACE = frozenset("*_ \t\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")


def _on_alarm(signum, frame):
    raise _Stopped()


def run_batch(task: tuple[int, int, int]) -> list[tuple[str, str, bytes, Outcome]]:
    """Inputs ``count`` of batch ``batch`` (reproducible from the seed): (seed name, reader, input, outcome)."""
    seed_value, batch, count = task
    rng = random.Random(f"{seed_value}/{batch}")
    readers = sorted(_FUZZER.registry.readers)
    results = []
    for _ in range(count):
        seed = rng.choice(_SEEDS)
        reader = seed.reader if rng.random() < 0.75 else rng.choice(readers)
        data = apply_mutations(seed.data, random_mutations(rng))
        signal.setitimer(signal.ITIMER_PROF, STOP_SECONDS)  # CPU time, as the 2 s limit
        try:
            outcome = _FUZZER.run(data, reader)
        finally:
            signal.setitimer(signal.ITIMER_PROF, 0)
        results.append((seed.name, reader, data if outcome.failures else b"", outcome))
    return results


_FUZZER: Fuzzer
_SEEDS: list[Seed]


def _start_worker(shared_seeds: bool) -> None:
    global _FUZZER, _SEEDS
    signal.signal(signal.SIGPROF, _on_alarm)
    _SEEDS = seeds(shared_seeds)
    memory = "/dev/shm" if os.path.isdir("/dev/shm") else None  # each input is a file: spare the disk
    _FUZZER = Fuzzer(tempfile.mkdtemp(prefix="copydesk-fuzz-", dir=memory))


def save(seed: str, reader: str, data: bytes, failure: Failure) -> str:
    OUT.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha1(data).hexdigest()[:12]
    ext = {"markdown": ".md", "text": ".txt"}.get(reader, "." + reader)
    name = f"{failure.kind}-{digest}{ext}"
    (OUT / name).write_bytes(data)
    (OUT / f"{failure.kind}-{digest}.json").write_text(json.dumps(
        {"seed": seed, "reader": reader, "kind": failure.kind, "where": failure.where, "owner": failure.owner,
         "detail": failure.detail}, indent=1, ensure_ascii=False), encoding="utf-8")
    return name


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--inputs", type=int, default=10_000, help="how many inputs to try")
    parser.add_argument("--seconds", type=float, help="stop after this long instead")
    parser.add_argument("--jobs", type=int, default=1, help="worker processes (the machine may be shared)")
    parser.add_argument("--seed", type=int, default=0, help="the run's random seed")
    parser.add_argument("--batch", type=int, default=200, help="inputs per task")
    parser.add_argument("--shared-seeds", action="store_true",
                        help="mutate ../shared/seeds too (longer stories, about 10 times slower each)")
    args = parser.parse_args(argv)

    import multiprocessing

    print(f"{len(seeds(args.shared_seeds))} seed files", file=sys.stderr)  # and copydesk is installed
    started = time.monotonic()
    total = args.inputs if args.seconds is None else 1 << 40
    tasks = ((args.seed, batch, min(args.batch, total - batch * args.batch))
             for batch in range((total + args.batch - 1) // args.batch))
    tried = 0
    kinds: Counter[str] = Counter()
    by_owner: Counter[tuple[str, str]] = Counter()
    slowest = 0.0
    saved: dict[tuple[str, str, str], str] = {}
    with multiprocessing.Pool(args.jobs, initializer=_start_worker, initargs=(args.shared_seeds,)) as pool:
        for results in pool.imap(run_batch, tasks):
            for seed, reader, data, outcome in results:
                tried += 1
                slowest = max(slowest, outcome.seconds)
                for failure in outcome.failures:
                    kinds[failure.kind] += 1
                    by_owner[(failure.owner, failure.kind)] += 1
                    key = (failure.kind, failure.where, failure.detail.splitlines()[-1][:80])
                    if key not in saved:
                        saved[key] = save(seed, reader, data, failure)
            elapsed = time.monotonic() - started
            if tried % 5000 < args.batch:
                print(f"  {tried} inputs, {elapsed:.0f} s, {dict(kinds)}", file=sys.stderr, flush=True)
            if args.seconds is not None and elapsed >= args.seconds:
                pool.terminate()
                break
    elapsed = time.monotonic() - started
    print(f"inputs tried: {tried} in {elapsed:.0f} s with {args.jobs} job(s) (seed {args.seed}); "
          f"slowest input {slowest:.2f} s of CPU time")
    for kind, label in (("crash", "crashes"), ("hang", "hangs"), ("wrong-position", "wrong positions"),
                        ("non-idempotent-fix", "non-idempotent fixes")):
        print(f"{label}: {kinds[kind]}")
    for (owner, kind), count in sorted(by_owner.items()):
        print(f"  {kind} in {owner}: {count}")
    for (kind, where, last), name in sorted(saved.items()):
        print(f"  saved benchmarks/out/fuzz/{name}: {kind} {where} {last}")
    return 1 if kinds else 0


if __name__ == "__main__":
    sys.exit(main())
