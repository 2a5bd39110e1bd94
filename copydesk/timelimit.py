"""Time budgets for running code, in any thread: ``with budget(10): ...`` raises :class:`OverBudget`
inside the block once it has run for 10 seconds.

One watchdog thread per process keeps the deadlines. When one passes, it raises
the exception *in the thread that is over budget* (``PyThreadState_SetAsyncExc``),
so a budget works in the HTTP server's and the language server's worker threads
and in audit workers alike, and leaves signals (Ctrl-C) to the main thread. The
exception arrives between two Python bytecodes: code that spends a long time
inside one C call (a backtracking ``re`` match) is stopped only when the call
returns, which is why user-supplied patterns run on RE2 (linear time).
"""

from __future__ import annotations

import ctypes
import heapq
import itertools
import os
import threading
import time
from types import TracebackType


class OverBudget(BaseException):
    """Raised in a thread whose budget ran out. A BaseException, so that a check's own
    ``except Exception`` does not swallow it."""


class _Deadline:
    __slots__ = ("thread", "at", "active", "fired")

    def __init__(self, thread: int, at: float) -> None:
        self.thread, self.at, self.active, self.fired = thread, at, True, False


class _Watchdog:
    def __init__(self) -> None:
        self.lock = threading.Condition()
        self.queue: list[tuple[float, int, _Deadline]] = []
        self.order = itertools.count()
        self.thread: threading.Thread | None = None

    def add(self, deadline: _Deadline) -> None:
        with self.lock:
            heapq.heappush(self.queue, (deadline.at, next(self.order), deadline))
            if self.thread is None:
                self.thread = threading.Thread(target=self._watch, name="copydesk-time-limit", daemon=True)
                self.thread.start()
            self.lock.notify()

    def remove(self, deadline: _Deadline) -> None:
        # The watchdog raises only for an active deadline, holding the lock; so once this thread
        # holds the lock, no exception for it can start. One raised just before may arrive at any
        # bytecode here, even right after the lock is acquired and before a "with" block would
        # be entered (which would leave the lock held for good): hence acquire/release by hand.
        deadline.active = False
        try:
            self.lock.acquire()
            if deadline.fired:  # raised too late to matter: withdraw it if it is still pending
                _raise_in(deadline.thread, None)
        except OverBudget:
            pass  # it arrived after the budgeted block had ended: there is nothing left to stop
        finally:
            if self.lock._is_owned():  # type: ignore[attr-defined]
                self.lock.release()

    def _watch(self) -> None:
        with self.lock:
            while True:
                while self.queue and not self.queue[0][2].active:
                    heapq.heappop(self.queue)
                if not self.queue:
                    self.lock.wait()
                    continue
                wait = self.queue[0][0] - time.monotonic()
                if wait > 0:
                    self.lock.wait(wait)
                    continue
                deadline = heapq.heappop(self.queue)[2]
                if deadline.active:  # its thread may have left the block since the queue was pruned
                    deadline.fired = True
                    _raise_in(deadline.thread, OverBudget)


def _raise_in(thread: int, exception: type[BaseException] | None) -> None:
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread),
                                               ctypes.py_object(exception) if exception else None)


_watchdog = _Watchdog()


def _after_fork() -> None:
    # A forked child (an audit worker) has no watchdog thread: it starts its own when first needed.
    global _watchdog
    _watchdog = _Watchdog()


os.register_at_fork(after_in_child=_after_fork)


class budget:
    """``with budget(seconds):`` — the block gets ``seconds`` of wall-clock time, then OverBudget.

    ``seconds`` of None or 0 means no limit. Budgets do not nest within one thread.
    """

    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds
        self.deadline: _Deadline | None = None

    def __enter__(self) -> budget:
        if self.seconds:
            self.deadline = _Deadline(threading.get_ident(), time.monotonic() + self.seconds)
            _watchdog.add(self.deadline)
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self.deadline is not None:
            _watchdog.remove(self.deadline)

    @property
    def expired(self) -> bool:
        return self.deadline is not None and self.deadline.fired
