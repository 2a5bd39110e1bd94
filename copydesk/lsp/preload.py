"""Loading the checks on the second core while the language server starts.

An editor starts ``copydesk lsp`` and opens a story at once, so the first
diagnostics wait for the server's imports (pygls and lsprotocol's 570-odd
protocol classes) and then for the first check, which loads the word lists and
models. Both are Python work, so a thread would only take turns with the
imports. A process can run beside them: :class:`FirstCheck` forks the server
before it imports anything else (this module imports no more of copydesk than
the command line has), and the copy (the *twin*) loads the registry and warms up
the Engine of the working folder (:meth:`Engine.warm_up`) while the server
imports the protocol and shakes hands with the client. The server hands the
twin its first story (the text and the settings to check it with) as soon as it
is opened and gets the report back; the twin then exits. Only then does the
server build its own registry and Engine, and it warms them up in a thread
(:class:`WarmUp`), so that later checks find everything loaded. Nothing of the
Engine is imported by the server before its first diagnostics are out.

The twin pays where the server does not have every core to itself: with a core
free it takes its loading off the server's path; sharing one core with the
server, it costs little more than the server's own loading would (about a tenth
more CPU: the warm-up story, the fork, the report's pickling), since the server
loads nothing of the checks before the first diagnostics. On a machine whose
cores are all busy already (a load average of at least the number of cores), or
with one core, there is none. Nor is there one where ``fork`` is missing or
unsafe (Windows; macOS, whose system libraries do not survive it). Without a
twin, the first check loads what it needs.
"""

from __future__ import annotations

import gc
import logging
import os
import signal
import sys
import threading
from dataclasses import dataclass
from multiprocessing.connection import Connection, Pipe
from typing import TYPE_CHECKING, Sequence

from copydesk.cli import usable_cpus

if TYPE_CHECKING:
    from copydesk.engine import Engine
    from copydesk.plugins import Registry
    from copydesk.report import Report

log = logging.getLogger(__name__)

# How long the twin waits for its check before it gives up and exits (a client that opens no story).
_TWIN_WAITS = 60.0  # seconds
# How long the server waits for the twin's report before it checks the story itself.
_REPORT_WAIT = 60.0  # seconds


def rules_path(rules: str | None, root: str) -> str | None:
    """The rules file ``copydesk check`` would use in the folder ``root``: ``rules`` (a client's setting,
    relative to ``root``), or the one found from ``root`` (None: none)."""
    if rules:
        return os.path.join(root, os.path.expanduser(rules))
    from copydesk.config import find_user_config

    return find_user_config(root)


def rules_stamp(rules: str | None) -> tuple[int, int] | None:
    """The rules file's modification time and size (None: no file): another stamp, another version."""
    try:
        status = os.stat(rules) if rules else None
    except OSError:
        return None
    return status and (status.st_mtime_ns, status.st_size)


def engine_for(registry: Registry, rules: str | None, root: str, select: Sequence[str] = (),
               ignore: Sequence[str] = (), published: str | None = None) -> Engine:
    """The Engine ``copydesk check`` would run in the folder ``root`` with this rules file (None: none).
    Raises ConfigError or UsageError for a rules file or a selection copydesk cannot use."""
    from copydesk import house_words
    from copydesk.config import load_config
    from copydesk.engine import Engine, plan

    config = load_config(rules, root)
    config.validate(registry)
    checks = plan(registry, config, select, ignore)
    return Engine(registry, config, checks, published=published,
                  house_words_path=house_words.path_for(config.files, root))


def is_copy(engine: Engine, path: str) -> bool:
    """Whether copydesk reads this file: a known extension, and not one of copydesk's own files."""
    return engine.registry.reader_for(path) is not None and os.path.realpath(path) not in engine.skip_files


def too_large(engine: Engine, text: str) -> bool:
    return len(text.encode("utf-8", "surrogatepass")) > engine.config.max_file_bytes()


@dataclass(frozen=True)
class Request:
    """A check for the twin: the client's settings (``rules`` as :func:`rules_path` takes it) and the story."""

    rules: str | None
    root: str
    select: tuple[str, ...]
    ignore: tuple[str, ...]
    published: str | None
    path: str
    text: str

    def engine_settings(self) -> tuple:
        """The arguments of :func:`engine_for` after the registry."""
        return rules_path(self.rules, self.root), self.root, self.select, self.ignore, self.published


class FirstCheck:
    """A forked copy of the starting server that loads the checks and runs the first one."""

    @classmethod
    def start(cls, rules_file: str | None = None) -> FirstCheck | None:
        """The twin, where it can run beside the server: fork works and the cores are not all busy."""
        cores = usable_cpus()
        if not hasattr(os, "fork") or sys.platform == "darwin" or cores < 2:
            return None
        try:
            busy = os.getloadavg()[0] >= cores
        except OSError:  # no load average to read: a writer's machine seldom has every core busy
            busy = False
        if busy:
            return None
        try:
            return cls(rules_file)
        except OSError as error:  # no memory or processes to spare for it: the server checks alone
            log.info("no twin for the first check: %s", error)
            return None

    def __init__(self, rules_file: str | None = None) -> None:
        ours, theirs = Pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        try:
            pid = os.fork()
        except OSError:
            ours.close()
            theirs.close()
            raise
        if pid == 0:  # the twin: never returns to the caller
            ours.close()
            _twin(theirs, rules_file and os.path.abspath(rules_file))
        theirs.close()
        self._connection: Connection | None = ours
        self.pid = pid  # the twin's process

    def run(self, request: Request) -> tuple[Report, tuple[int, int] | None] | None:
        """The twin's report on the story and the :func:`rules_stamp` of the rules file it checked with, or
        None (then check it here): the twin failed or was used before, the rules cannot be used, or the story
        is not copy or too large to check."""
        connection, self._connection = self._connection, None
        if connection is None:
            return None
        answer = None
        try:
            connection.send(request)
            if connection.poll(_REPORT_WAIT):
                answer = connection.recv()
        except (OSError, EOFError) as error:  # the twin gave up or died: the server checks the story itself
            log.info("the first check's twin did not answer: %s", error)
        finally:
            connection.close()
            self._end()
        from copydesk.report import Report

        return answer if isinstance(answer, tuple) and isinstance(answer[0], Report) else None

    def close(self) -> None:
        """Let the twin go unused (a first check the server must run itself)."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None
            self._end()

    def _end(self) -> None:
        try:
            os.kill(self.pid, signal.SIGKILL)  # it has answered or must not linger; it keeps no state
            os.waitpid(self.pid, 0)
        except OSError:
            pass


def _twin(connection: Connection, rules_file: str | None) -> None:
    # The language server's standard input and output are the client's: the twin must not touch them.
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(2, 1)
    # It lives for one check, and what it loads is kept to the end: the cycle collector would only slow it.
    gc.disable()
    status = 0
    try:
        from copydesk import plugins

        registry = plugins.load_registry()
        root = os.getcwd()  # the workspace folder is not known yet; most editors start the server in it
        guess = (rules_file or rules_path(None, root), root, (), (), None)
        guess_stamp = rules_stamp(guess[0])  # before the file is read: a change while it is read is a change
        engine = None
        try:
            engine = engine_for(registry, *guess)
            engine.warm_up()
        except Exception as error:  # a broken rules file: the server will say so
            log.info("the first check's twin could not warm up: %s", error)
        if connection.poll(_TWIN_WAITS):
            request: Request = connection.recv()
            settings = request.engine_settings()
            stamp = rules_stamp(settings[0])
            if engine is None or settings != guess or stamp != guess_stamp:  # the rules file may have changed
                engine = engine_for(registry, *settings)
            checkable = is_copy(engine, request.path) and not too_large(engine, request.text)
            connection.send((engine.check_text(request.text, path=request.path), stamp) if checkable else None)
    except BaseException as error:  # whatever happens, the twin must not run on as a second server
        log.info("the first check's twin stopped: %s", error)
        status = 1
    finally:
        os._exit(status)


class WarmUp:
    """:meth:`Engine.warm_up` in a background thread, while the server has nothing to do."""

    def __init__(self, engine: Engine) -> None:
        self._thread = threading.Thread(target=self._run, args=(engine,), name="copydesk-warm-up", daemon=True)
        self._thread.start()

    @staticmethod
    def _run(engine: Engine) -> None:
        try:
            engine.warm_up()
        except Exception as error:  # a check that fails here fails on the story too, and says so there
            log.info("warming up stopped: %s", error)

    def wait(self) -> None:
        self._thread.join()
