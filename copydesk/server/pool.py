"""Where the server's checks run: engine worker processes (or threads), a bounded queue, and a
cache of answers.

Checking is CPU work in Python, and one interpreter runs one thread of Python at a time: in
threads, eight editors share one core. So by default each CPU gets a worker *process* holding
its own Engine — the same checks, rules and house word list as the server's, built once when the
worker starts — and the event loop only parses requests and hands them over. A worker answers
with the response body, ready to send. The Engine's time budget holds inside the worker, and a
backstop past every check's budget answers 503 if a worker never does. With ``processes`` off
(``--workers 0``, and the tests) the same answers are made in threads of this process.

Copy is often sent again unchanged (an editor re-checking after adding a word elsewhere, a CMS
saving twice), so answers are kept in a small LRU keyed by everything the answer depends on: the
request's copy and options, the house word list's state and today's date (which dates are read
against). An answer that is incomplete (a check ran out of time, failed or could not reach its
server) is never kept. Nothing kept is ever logged.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import json
import multiprocessing
import os
import signal
import threading
from collections import OrderedDict
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable, Hashable

from starlette.exceptions import HTTPException

from copydesk import audit
from copydesk.engine import ActiveCheck, Engine, plan
from copydesk.findings import INCOMPLETE_RULES
from copydesk.formatters.json import report_dict
from copydesk.server import documents, languagetool as lt


class NothingToCheck(ValueError):
    """The request held no story (HTTP 400); the message says why."""


@dataclass(frozen=True)
class Answer:
    """A response body, and whether every check finished (only complete answers are kept)."""

    body: bytes
    complete: bool


# The answers, made wherever the Engine is: in a worker process or in a thread of the server.

@lru_cache(maxsize=64)  # a request's select/ignore, planned once per engine and combination
def checks_for(engine: Engine, select: tuple[str, ...], ignore: tuple[str, ...]) -> list[ActiveCheck]:
    return plan(engine.registry, engine.config, select, ignore)


def native_answer(engine: Engine, story: documents.Story, select: tuple[str, ...],
                  ignore: tuple[str, ...]) -> Answer:
    """POST /api/v1/check: the document object of the JSON report."""
    report = engine.check_text(story.source, story.reader(engine), path=story.path,
                               checks=checks_for(engine, select, ignore))
    if not report.results:
        raise NothingToCheck(report.problems[0].message if report.problems else "nothing to check")
    document = report_dict(report)["documents"][0]
    complete = not any(finding["rule"] in INCOMPLETE_RULES for finding in document["findings"])
    return Answer(_json(document), complete)


def languagetool_answer(engine: Engine, asked: lt.CheckRequest) -> Answer:
    """POST /v2/check, in LanguageTool's shape."""
    story = documents.plain_text(asked.text)
    report = engine.check_text(story.source, story.reader(engine), path=story.path)
    descriptions = {name: check.description for name, check in engine.registry.checks.items()}
    answer = lt.response(asked, report, engine.spelling_rules, descriptions)
    return Answer(_json(answer), not answer["warnings"]["incompleteResults"])


ANSWERS: dict[str, Callable[..., Answer]] = {"native": native_answer, "languagetool": languagetool_answer}


def _json(value: Any) -> bytes:
    # ASCII escapes: a lone surrogate (a JSON escape in the request) goes back as the escape it came as.
    return json.dumps(value, ensure_ascii=True, allow_nan=False, separators=(",", ":")).encode("ascii")


# Inside a worker process.

@dataclass(frozen=True)
class EngineRecipe:
    """What a worker process needs to build the server's Engine (picklable)."""

    rules: str | None
    check_seconds: float


_worker_engine: Engine | None = None


def _start_worker(recipe: EngineRecipe, parent: int) -> None:
    global _worker_engine
    # Ctrl-C reaches the whole process group: the server stops its workers, which need not
    # each print a KeyboardInterrupt.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    audit._exit_with_parent(parent)  # a server killed with -9 leaves no workers behind
    engine = audit.engine_for(audit.Settings(recipe.rules))
    engine.check_seconds = recipe.check_seconds
    engine.warm_up()  # word lists and models load now, not in the first request
    _worker_engine = engine


def _in_worker(kind: str, *args: Any) -> Answer:
    assert _worker_engine is not None, "the worker's initializer builds its engine"
    return ANSWERS[kind](_worker_engine, *args)


def _ready() -> int:
    return os.getpid()


# In the server.

class AnswerCache:
    """The last ``entries`` complete answers, by a digest of everything they depend on; at most
    ``max_chars`` bytes of answers in all."""

    def __init__(self, entries: int, max_chars: int = 16_000_000) -> None:
        self.entries = entries
        self.max_chars = max_chars
        self._kept: OrderedDict[Hashable, tuple[bytes, int]] = OrderedDict()
        self._chars = 0

    def clear(self) -> None:
        self._kept.clear()
        self._chars = 0

    def get(self, key: Hashable) -> bytes | None:
        kept = self._kept.get(key)
        if kept is None:
            return None
        self._kept.move_to_end(key)
        return kept[0]

    def put(self, key: Hashable, body: bytes, chars: int) -> None:
        if not self.entries or chars > self.max_chars:
            return
        old = self._kept.pop(key, None)
        if old is not None:
            self._chars -= old[1]
        self._kept[key] = (body, chars)
        self._chars += chars
        while len(self._kept) > self.entries or self._chars > self.max_chars:
            _, (_, dropped) = self._kept.popitem(last=False)
            self._chars -= dropped


class Checker:
    """The server's Engine (listings, the word list, planning) and the bounded pool that checks.

    ``workers`` checks run at once, in worker processes when ``processes`` (each with its own
    Engine built from ``recipe``) or else in threads over ``engine``; up to ``queue_size`` more
    wait, and beyond that a request gets 503 with ``Retry-After``.
    """

    def __init__(self, engine: Engine, *, workers: int, queue_size: int, backstop_seconds: float,
                 processes: bool = False, recipe: EngineRecipe | None = None, cache_entries: int = 0) -> None:
        self.engine = engine
        self.workers = workers
        self.queue_size = queue_size
        self.backstop_seconds = backstop_seconds
        self.recipe = recipe if processes else None
        if processes and recipe is None:
            raise ValueError("worker processes need the recipe of the engine to build")
        self.cache = AnswerCache(cache_entries)
        self._waiting = 0  # running or queued
        self._lock = threading.Lock()
        self.pool = self._new_pool()

    def _new_pool(self) -> Executor:
        if self.recipe is None:
            return ThreadPoolExecutor(self.workers, thread_name_prefix="copydesk-check")
        # spawn, not fork: a forked worker would inherit the server's threads' locks (and the time
        # limit's watchdog) in whatever state they were in.
        return ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_start_worker, initargs=(self.recipe, os.getpid()))

    def start(self) -> None:
        """Start every worker process now (each builds and warms its Engine), not in the first requests."""
        if self.recipe is None:
            return
        started = [self.pool.submit(_ready) for _ in range(self.workers)]
        for future in started:
            future.result()

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)

    async def native(self, story: documents.Story, select: tuple[str, ...], ignore: tuple[str, ...]) -> bytes:
        task = ("native", story, select, ignore)
        return await self._answer(task, task)  # the story's repr names every field

    async def languagetool(self, asked: lt.CheckRequest) -> bytes:
        # Everything the answer depends on, sets in a fixed order.
        same = ("languagetool", asked.original, asked.text, tuple(asked.positions.text_starts),
                tuple(asked.positions.source_starts), asked.language, sorted(asked.enabled_rules),
                sorted(asked.disabled_rules), sorted(asked.enabled_categories),
                sorted(asked.disabled_categories), asked.enabled_only)
        return await self._answer(("languagetool", asked), same)

    async def _answer(self, task: tuple, same: tuple) -> bytes:
        key = None
        if self.cache.entries:
            # A digest, so that no copy is kept as a key and the cache's size is its answers';
            # the house word list and today's date change answers too.
            described = repr((same, sorted(self.engine.house_words.words()), dt.date.today().isoformat()))
            key = hashlib.blake2b(described.encode("utf-8", "surrogatepass"), digest_size=32).digest()
        kept = self.cache.get(key) if key is not None else None
        if kept is not None:
            return kept
        answer = await self._run(task)
        if key is not None and answer.complete:
            self.cache.put(key, answer.body, len(answer.body))
        return answer.body

    async def _run(self, task: tuple) -> Answer:
        with self._lock:
            if self._waiting >= self.workers + self.queue_size:
                raise HTTPException(503, "the server is busy: try again shortly", headers={"Retry-After": "1"})
            self._waiting += 1
        pool = self.pool
        try:
            if self.recipe is None:
                future = pool.submit(ANSWERS[task[0]], self.engine, *task[1:])
            else:
                future = pool.submit(_in_worker, *task)
        except BrokenProcessPool:
            self._done(None)
            self._replace_pool(pool)
            raise HTTPException(503, "a check worker stopped: try again", headers={"Retry-After": "1"}) from None
        future.add_done_callback(self._done)
        try:
            # The Engine stops each check at its time limit; this backstop, past every check's
            # limit, answers even if something outside the checks hangs.
            return await asyncio.wait_for(asyncio.wrap_future(future), self.backstop_seconds)
        except asyncio.TimeoutError:
            raise HTTPException(503, f"the check did not finish within {self.backstop_seconds:g} s",
                                headers={"Retry-After": "5"}) from None
        except NothingToCheck as error:
            raise HTTPException(400, str(error)) from None
        except BrokenProcessPool:  # a worker died (killed, out of memory): start afresh
            self._replace_pool(pool)
            raise HTTPException(503, "a check worker stopped: try again", headers={"Retry-After": "1"}) from None

    def _replace_pool(self, broken: Executor) -> None:
        with self._lock:
            if self.pool is not broken:  # another request has replaced it already
                return
            self.pool = self._new_pool()
            # The new workers read the rules file as it is now: answers kept from the old ones may differ.
            self.cache.clear()
        broken.shutdown(wait=False, cancel_futures=True)

    def _done(self, _future: object) -> None:
        with self._lock:
            self._waiting -= 1
