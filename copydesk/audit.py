"""``copydesk audit``: the same checks over a whole archive, streamed, in parallel, cached.

The main process walks the archive (:mod:`copydesk.archive`) and hands *units*
to workers — local processes, or a dask.distributed cluster — small ones in
batches, at most a few tasks per worker at a time, so memory stays flat however
large the archive. Each worker builds the engine once and returns, per unit,
compact results: the findings, a line of figures per story, and the small
summaries collection checks need.
Results are taken in archive order, so any number of jobs gives the same output
in the same order. Each unit's result is cached under a hash of its bytes, its
name, the effective rules and the copydesk version: an unchanged archive is
re-audited from the cache, and a killed audit resumes where it stopped.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import pickle
import sqlite3
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from copydesk import __version__
from copydesk.archive import Unit, units
from copydesk.document import Document
from copydesk.findings import INCOMPLETE_RULES, Finding, Location
from copydesk.report import DocumentResult, Report
from copydesk.sources import InputProblem, decode

RECORDS_PER_UNIT = 200  # JSONL/CSV records per unit: big enough to amortise, small enough to spread
# Small units (a file per story) go to a worker in batches of about this many bytes: one task per
# story spends more on handing it over than on checking it.
BATCH_BYTES = 64 * 1024
CACHE_FILE = "audit-v1.sqlite"


@dataclass(frozen=True)
class Settings:
    """What a worker needs to build the same engine as the main process (picklable)."""

    rules: str | None = None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    published: str | None = None


@dataclass
class Story:
    """One story's outcome: its findings and the figures a dashboard needs."""

    id: str
    path: str
    headline: str | None
    published: str | None  # YYYY-MM-DD when known
    words: int
    findings: list[Finding]


@dataclass
class UnitResult:
    name: str
    stories: list[Story] = field(default_factory=list)
    problems: list[InputProblem] = field(default_factory=list)
    # Collection checks' summaries of each story, by check name (duplicate-article's MinHash signatures).
    collected: dict[str, list[Any]] = field(default_factory=dict)
    # A check crashed, ran out of time or could not reach what it needs: shown, never cached.
    incomplete: bool = False


_ENGINES: dict[Settings, Any] = {}


def engine_for(settings: Settings, registry=None, config=None):
    """The engine for ``settings``, built once per process (from ``registry`` and ``config`` when the
    caller has loaded them already)."""
    engine = _ENGINES.get(settings)
    if engine is None:
        from copydesk.config import load_config
        from copydesk.engine import Engine, plan
        from copydesk.plugins import load_registry

        if registry is None or config is None:
            registry = load_registry()
            config = load_config(settings.rules)
            config.validate(registry)
        engine = _ENGINES[settings] = Engine(registry, config, plan(registry, config, settings.select,
                                                                    settings.ignore),
                                             published=settings.published)
    return engine


def fingerprint(settings: Settings) -> str:
    """A digest of everything that decides the findings besides the copy: rules in effect and version."""
    from copydesk.config import plain

    engine = engine_for(settings)
    effective = {
        "version": __version__,
        "checks": [[active.check.name, plain(active.options), active.severities] for active in engine.checks],
        "readers": plain(engine.reader_options),
        "ignore": plain(engine.config.ignore()),
        "published": settings.published,
        "max_bytes": engine.config.max_file_bytes(),
        "house_words": sorted(engine.house_words.words()),
    }
    return hashlib.sha256(json.dumps(effective, sort_keys=True, default=str).encode()).hexdigest()


def _reader(engine, unit: Unit):
    from copydesk.readers import Reader

    if unit.header:
        from copydesk.readers.csv_records import read_rows

        return Reader("csv", (), lambda source, options: read_rows(source, options, unit.header))
    return engine.registry.reader_for(unit.reader_path) or engine.registry.readers["text"]


def read_and_check(engine, unit: Unit) -> tuple[Report, list[InputProblem]]:
    """The unit's stories checked by the document checks (not yet suppressed), and its input problems.

    Positions are the unit text's: offsets count from the start of the unit, lines from the file's top.
    """
    problems: list[InputProblem] = []
    checked = Report()
    source, problem = decode(unit.name, unit.data)
    if problem is not None:
        problems.append(_shift_problem(problem, unit))
    if source is None:
        return checked, problems
    source.first_line = unit.first_line
    for item in engine.read(source, _reader(engine, unit)):
        if isinstance(item, InputProblem):
            problems.append(item)
            continue
        if unit.url and not item.metadata.url:
            item.metadata.url = unit.url
        checked.results.append(engine.check_document(item))
    return checked, problems


def check_unit(settings: Settings, unit: Unit) -> UnitResult:
    """Read and check one unit: what a worker does."""
    engine = engine_for(settings)
    checked, problems = read_and_check(engine, unit)
    result = UnitResult(unit.name, problems=problems)
    collections = [active for active in engine.checks if active.check.scope == "collection"]
    for document_result in checked.results:
        document = document_result.document
        for active in collections:
            summaries = result.collected.setdefault(active.check.name, [])
            context = active.context(document)
            summary, failure = engine.run_check(active.check, document,
                                                lambda: active.check.summarise(document, context))
            if failure is None:
                summaries.append(_shift(summary, unit.first_offset))
            else:  # as in a plain check: the other checks' findings are kept
                document_result.findings.append(failure)
            result.incomplete = result.incomplete or context.incomplete is not None
    result.incomplete = result.incomplete or any(
        document_result.incomplete or any(finding.rule in INCOMPLETE_RULES for finding in document_result.findings)
        for document_result in checked.results)
    engine.suppress(checked)
    result.stories = [_story(document_result, unit.first_offset) for document_result in checked.results]
    return result


def check_units(settings: Settings, batch: list[Unit]) -> list[UnitResult]:
    """Read and check a batch of units, in order: a worker's task."""
    return [check_unit(settings, unit) for unit in batch]


def _story(result: DocumentResult, shift: int) -> Story:
    document: Document = result.document
    findings = sorted(result.findings, key=Finding.sort_key)
    published = document.publication.date
    return Story(document.id, document.path, document.headline, published.isoformat() if published else None,
                 sum(len(block.words) for block in document.blocks), [_shift(f, shift) for f in findings])


def _shift(item: Any, shift: int) -> Any:
    """Offsets counted from the top of the file for a unit that starts further down (a chunk of records)."""
    if not shift:
        return item
    if isinstance(item, Location):
        return dataclasses.replace(item, offset=item.offset + shift)
    if isinstance(item, Finding):
        return dataclasses.replace(item, location=_shift(item.location, shift),
                                   related=[_shift(r, shift) for r in item.related])
    if dataclasses.is_dataclass(item) and isinstance(getattr(item, "location", None), Location):
        return dataclasses.replace(item, location=_shift(item.location, shift))
    return item


def _shift_problem(problem: InputProblem, unit: Unit) -> InputProblem:
    if problem.line is None or unit.first_line == 1:
        return problem
    return dataclasses.replace(problem, line=problem.line + unit.first_line - 1)


class Cache:
    """Unit results by content hash, in one SQLite file; committed every 100 units or 2 seconds so a
    killed audit keeps what it had done.

    A cache only ever saves time, so a damaged one never fails an audit: a file
    SQLite cannot open is replaced by a new one, an entry that does not load is
    computed again, and a file that breaks during the run is set aside for the
    rest of it and replaced by the next audit; each is said once on ``warn``.
    """

    def __init__(self, folder: str | None, warn: Callable[[str], None] | None = None) -> None:
        self.connection: sqlite3.Connection | None = None
        self.hits = self.misses = 0
        self.warn = warn or (lambda message: print(f"copydesk: {message}", file=sys.stderr))
        self.damaged = False
        self.last_commit, self.unsaved = time.monotonic(), 0
        if folder is None:
            return
        self.path = os.path.join(folder, CACHE_FILE)
        try:
            os.makedirs(folder, exist_ok=True)
            self.connection = self._open()
        except sqlite3.DatabaseError as error:
            self.warn(f"the audit cache {self.path} is damaged ({error}); starting a new one")
            self._remove()
            try:
                self.connection = self._open()
            except (sqlite3.Error, OSError) as again:
                self.warn(f"the audit cache {self.path} cannot be used ({again}); auditing without it")
        except (sqlite3.Error, OSError) as error:
            self.warn(f"the audit cache in {folder} cannot be used ({error}); auditing without it")

    def _open(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self.path, timeout=30)
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("CREATE TABLE IF NOT EXISTS units (key TEXT PRIMARY KEY, value BLOB)")
            connection.execute("SELECT key, value FROM units LIMIT 1").fetchall()
        except sqlite3.Error:
            connection.close()
            raise
        return connection

    def _remove(self) -> None:
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                os.remove(self.path + suffix)

    def _broken(self, error: Exception) -> None:
        """The file failed during the run: not used again in it, and replaced by the next audit."""
        self.warn(f"the audit cache {self.path} is damaged ({error}); not using it for the rest of this "
                  "audit, the next one starts a new one")
        with contextlib.suppress(sqlite3.Error):
            self.connection.close()
        self.connection, self.damaged = None, True

    @staticmethod
    def key(prefix: str, unit: Unit) -> str:
        digest = hashlib.sha256(prefix.encode())
        for part in (unit.name, unit.reader_path, str(unit.first_line), str(unit.first_offset),
                     "\x1f".join(unit.header), unit.url or ""):
            digest.update(part.encode("utf-8", "surrogateescape") + b"\0")
        digest.update(unit.data)
        return digest.hexdigest()

    def get(self, key: str, kind: type | tuple[type, ...]) -> Any:
        """The value kept under ``key`` if it is a ``kind``; None when there is none (or it is damaged)."""
        if self.connection is None:
            return None
        try:
            row = self.connection.execute("SELECT value FROM units WHERE key = ?", (key,)).fetchone()
        except sqlite3.DatabaseError as error:
            self._broken(error)
            return None
        value = None
        if row is not None:
            try:
                value = pickle.loads(row[0])
            except Exception:  # noqa: BLE001 - any damage to a kept entry means: compute it again
                value = None
            if not isinstance(value, kind):
                self.warn("an entry of the audit cache was damaged; its unit is checked again")
                value = None
        if value is None:
            self.misses += 1
        else:
            self.hits += 1
        return value

    def put(self, key: str, value: Any) -> None:
        if self.connection is None:
            return
        blob = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        try:
            self.connection.execute("INSERT OR REPLACE INTO units VALUES (?, ?)", (key, blob))
            self.unsaved += 1
            if self.unsaved >= 100 or time.monotonic() - self.last_commit > 2:
                self.connection.commit()
                self.last_commit, self.unsaved = time.monotonic(), 0
        except sqlite3.DatabaseError as error:
            self._broken(error)

    def close(self) -> None:
        if self.connection is not None:
            try:
                self.connection.commit()
                self.connection.close()
            except sqlite3.DatabaseError as error:
                self._broken(error)
        if self.damaged:
            self._remove()


class _Inline:
    """An executor that runs each task when its result is asked for (--jobs 1)."""

    class _Task:
        def __init__(self, function: Callable, args: tuple) -> None:
            self.function, self.args = function, args

        def result(self) -> Any:
            return self.function(*self.args)

    def submit(self, function: Callable, *args: Any) -> Any:
        return _Inline._Task(function, args)

    def shutdown(self) -> None:
        pass


def local_executor(jobs: int):
    if jobs <= 1:
        return _Inline()
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # fork: workers start at once with the parent's imports (spawn would re-import everything per worker).
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
    return ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context(method),
                               initializer=_exit_with_parent, initargs=(os.getpid(),))


def _exit_with_parent(parent: int) -> None:
    """In a worker: exit as soon as the audit that started it is gone (``kill -9`` gives it no chance
    to stop its workers, which would otherwise wait for tasks for ever)."""
    import threading

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="copydesk-parent-watch", daemon=True).start()


class DaskExecutor:
    """Units submitted to a dask.distributed scheduler; ``copydesk`` must be installed on its workers."""

    def __init__(self, address: str) -> None:
        try:
            from distributed import Client
        except ImportError:
            from copydesk.engine import UsageError

            raise UsageError("--engine dask needs dask.distributed: pip install 'copydesk[dask]'") from None
        self.client = Client(address, set_as_default=False)
        self.workers = max(1, len(self.client.scheduler_info().get("workers", {})))

    def submit(self, function: Callable, *args: Any) -> Any:
        return self.client.submit(function, *args, pure=False)

    def shutdown(self) -> None:
        self.client.close()


@dataclass
class Outcome:
    """What a finished audit hands to its outputs."""

    stories: int = 0
    words: int = 0
    findings: int = 0
    problems: list[InputProblem] = field(default_factory=list)
    collections: dict[str, dict[str, Any]] = field(default_factory=dict)
    from_cache: int = 0
    units: int = 0


def run(paths: Iterable[str], settings: Settings, *, executor, window: int, cache: Cache,
        on_unit: Callable[[UnitResult, Outcome], None], on_problem: Callable[[InputProblem], None],
        on_collection_finding: Callable[[Finding], None]) -> Outcome:
    """Audit ``paths``; ``on_unit`` receives each unit's result in archive order with the totals so far,
    ``on_problem`` each file or archive that could not be cut into units, in the same order, then
    ``on_collection_finding`` each finding of the collection checks."""
    engine = engine_for(settings)
    prefix = fingerprint(settings)
    collected: dict[str, list[Any]] = {}
    outcome = Outcome()
    # In archive order: a cached unit's result, or a batch of units submitted together, with their cache keys.
    pending: deque[tuple[list[str], Any, bool]] = deque()
    batch: list[Unit] = []
    batch_keys: list[str] = []
    batch_bytes = 0
    run_digest = hashlib.sha256(prefix.encode())
    complete = True  # every unit's result is whole: the collection checks' result may be cached

    def submit_batch() -> None:
        nonlocal batch_bytes
        if batch:
            pending.append((batch_keys[:], executor.submit(check_units, settings, batch[:]), False))
            batch.clear()
            batch_keys.clear()
            batch_bytes = 0

    def take() -> None:
        nonlocal complete
        keys, future, cached = pending.popleft()
        for key, result in zip(keys, [future] if cached else future.result()):
            if not cached and not result.incomplete:
                cache.put(key, result)
            complete = complete and not result.incomplete
            outcome.units += 1
            outcome.from_cache += cached
            outcome.stories += len(result.stories)
            outcome.words += sum(story.words for story in result.stories)
            outcome.findings += sum(len(story.findings) for story in result.stories)
            outcome.problems.extend(result.problems)
            for name, summaries in result.collected.items():
                collected.setdefault(name, []).extend(summaries)
            on_unit(result, outcome)

    items = units(paths, engine.registry.extensions(), max_bytes=engine.config.max_file_bytes(),
                  records_per_unit=RECORDS_PER_UNIT)
    for item in items:
        if isinstance(item, InputProblem):
            submit_batch()
            while pending:  # keep problems in archive order with the units around them
                take()
            outcome.problems.append(item)
            on_problem(item)
            continue
        key = Cache.key(prefix, item)
        run_digest.update(key.encode())
        hit = cache.get(key, UnitResult)
        if hit is not None:
            submit_batch()
            pending.append(([key], hit, True))
        else:
            batch.append(item)
            batch_keys.append(key)
            batch_bytes += len(item.data)
            if batch_bytes >= BATCH_BYTES:
                submit_batch()
        while len(pending) > window or (pending and pending[0][2]):
            take()
    submit_batch()
    while pending:
        take()
    _collections(engine, collected, cache if complete else Cache(None), run_digest.hexdigest(), outcome,
                 on_collection_finding)
    return outcome


def _collections(engine, collected: dict[str, list[Any]], cache: Cache, key: str, outcome: Outcome,
                 emit: Callable[[Finding], None]) -> None:
    """Run the collection checks over every story's summary (cached for an unchanged archive)."""
    done = cache.get(key + ":collections", tuple)
    if done is None:
        findings: list[Finding] = []
        summaries: dict[str, dict[str, Any]] = {}
        for active in engine.checks:
            if active.check.scope != "collection" or not collected.get(active.check.name) or \
                    outcome.stories < active.check.min_stories:
                continue
            context = active.context()
            findings += [f for f in active.check.function(collected[active.check.name], context)
                         if active.severities.get(f.rule, "off") != "off"]
            if context.summary:
                summaries[active.check.name] = context.summary
        done = (_suppressed(engine, findings), summaries)
        cache.put(key + ":collections", done)
    findings, outcome.collections = done
    for finding in findings:
        outcome.findings += 1
        emit(finding)


def _suppressed(engine, findings: list[Finding]) -> list[Finding]:
    """The ``ignore:`` entries of the rules file apply to collection findings too."""
    from copydesk import suppression

    entries = suppression.ignore_entries(engine.config.ignore())
    return [finding for finding in findings if not any(entry.covers(finding) for entry in entries)]


def progress_display(enabled: bool):
    """A rich progress line on stderr, or nothing."""
    if not enabled:
        return None
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(TextColumn("[bold]auditing[/]"), BarColumn(), TextColumn("{task.fields[status]}"),
                    TimeElapsedColumn(), console=Console(file=sys.stderr), transient=True)
