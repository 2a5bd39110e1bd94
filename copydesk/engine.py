"""Runs a check: paths → texts → Documents → checks → Findings → Report.

Data flows one way. A check that raises does not lose the others' findings: it
becomes an ``internal-error`` finding naming the check. A check that runs over
its time budget on a story (``limits: check_seconds``) is stopped and becomes
one ``time-limit`` finding; the run goes on. The budget holds in any thread, so
front-ends may call :meth:`Engine.check_document` from worker threads.
"""

from __future__ import annotations

import os
import traceback
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator, Sequence, TypeVar

from copydesk.checking import Check, CheckContext
from copydesk.config import Config
from copydesk.document import Document, SourceText
from copydesk.findings import INTERNAL_ERROR_RULE, TIME_LIMIT_RULE, Finding, Location
from copydesk.plugins import Registry
from copydesk.readers import Reader, ReaderError
from copydesk.report import DocumentResult, Report, RuleInfo
from copydesk import house_words, sources, suppression
from copydesk.timelimit import OverBudget, budget


T = TypeVar("T")

# A short story for Engine.warm_up, written to give every built-in check something to look at:
# front matter with a date, a headline, a photo caption, figures, claims with a speaker and one
# without (which the attribution model is asked about), a quotation and enough words for the
# near-duplicate summary. Its findings are thrown away.
_WARM_UP_STORY = """---
title: Harbour reopens after storm
date: 2024-03-04
---

# Harbour reopens after storm

![Boats in the harbour](harbour.jpg)
*Boats return to the harbour on Monday.*

The harbour reopened on Monday after three days of gales, the port authority said. Their crews
cleared the main channel overnight, and the first ferry left at 6am with 212 passengers on board.

Unemployment in the town fell to 4 per cent last year, the lowest level since 1975.

Freight traffic fell by 40 per cent during the closure, according to figures from the authority,
the biggest drop since records began. "We have never seen a storm close the port for so long,"
said Ana Ruiz, the harbour master, who added that repairs to the north quay would take weeks.
"""


class UsageError(Exception):
    """A command-line mistake (exit code 2)."""


@dataclass
class ActiveCheck:
    """A check that runs, with its effective options and the severity of each rule (or ``off``)."""

    check: Check
    options: dict[str, Any]
    severities: dict[str, str]

    def context(self, document: Document | None = None) -> CheckContext:
        return CheckContext(self.check, self.options, self.severities, document)


def plan(registry: Registry, config: Config, select: Sequence[str] = (),
         ignore: Sequence[str] = ()) -> list[ActiveCheck]:
    """The checks to run and the rules they may report, after rules files, --select and --ignore."""
    owners = registry.rule_owners()
    for name in (*select, *ignore):
        if name not in registry.checks and name not in owners:
            raise UsageError(f"unknown check or rule {name!r} (see 'copydesk checks')")
    selected, ignored = set(select), set(ignore)
    active = []
    for check in registry.checks.values():
        chosen = check.name in selected
        if not config.enabled(check) and not (chosen or any(r.id in selected for r in check.rules)):
            continue
        severities = {}
        for rule in check.rules:
            severity = config.severities(check)[rule.id]
            explicitly = chosen or rule.id in selected
            if selected and not explicitly:
                severity = "off"
            elif severity == "off" and rule.id in selected:
                severity = rule.severity
            if check.name in ignored or rule.id in ignored:
                severity = "off"
            severities[rule.id] = severity
        if any(severity != "off" for severity in severities.values()):
            active.append(ActiveCheck(check, config.options(check), severities))
    return active


class Engine:
    def __init__(self, registry: Registry, config: Config, checks: list[ActiveCheck], *,
                 published: str | None = None, stdin_format: str = "auto",
                 report_unused_suppressions: bool = False, skip_files: Iterable[str] = (),
                 house_words_path: str | None = None) -> None:
        self.registry = registry
        self.config = config
        self.checks = checks
        self.published = published
        self.stdin_format = stdin_format
        self.reader_options = config.reader_options()
        self.check_seconds = config.check_seconds()
        self.report_unused_suppressions = report_unused_suppressions
        self.house_words = house_words.HouseWords(house_words_path or house_words.path_for(config.files))
        try:
            self.house_words.read()
        except house_words.HouseWordsError as error:
            raise UsageError(str(error)) from None
        # Which rules spare the house words: every spelling rule, so a front-end that runs other
        # checks than these for one request (check_text's ``checks``) spares them too.
        self.spelling_rules = {rule.id for check in registry.checks.values() for rule in check.rules if rule.spelling}
        # copydesk's own files inside a checked folder (a baseline, the house word list) are not copy.
        self.skip_files = {os.path.realpath(path) for path in (*skip_files, self.house_words.path)}

    def run(self, paths: Iterable[str]) -> Report:
        return self._report(self.documents(paths), self.checks)

    def warm_up(self) -> None:
        """Load now what the planned checks load on first use (word lists, models, compiled
        patterns), by checking a short built-in story: a long-running front-end calls it while it
        would otherwise wait, so that a writer's first check does not pay for the loading."""
        self.check_text(_WARM_UP_STORY, path="warm-up.md")

    def check_text(self, text: str, reader: str | Reader | None = None, *, path: str = "<text>",
                   checks: list[ActiveCheck] | None = None) -> Report:
        """Check copy held in memory (a server request, an editor's unsaved buffer) as if it were
        the file at ``path``: read and suppressed as that file would be, nothing read from disk.

        ``reader`` is a reader's name or a Reader (default: the one for ``path``'s extension, as
        for a file); ``checks`` (from :func:`plan`) replaces the engine's own for this call only,
        so a front-end can honour a request's select/ignore without loading anything again.
        """
        source = SourceText(path, text)
        if reader is None:
            reader = self._reader(path, source)
        elif isinstance(reader, str):
            if reader not in self.registry.readers:
                raise UsageError(f"unknown format {reader!r} (known: {', '.join(self.registry.readers)})")
            reader = self.registry.readers[reader]
        return self._report(self.read(source, reader), self.checks if checks is None else checks)

    def _report(self, items: Iterable[Document | sources.InputProblem], checks: list[ActiveCheck]) -> Report:
        report = Report(rules={
            rule.id: RuleInfo(rule.id, active.check.name, rule.description, active.severities[rule.id])
            for active in checks for rule in active.check.rules if active.severities[rule.id] != "off"})
        collections = [_Collection(self, active) for active in checks if active.check.scope == "collection"]
        for item in items:
            if isinstance(item, sources.InputProblem):
                report.problems.append(item)
                continue
            result = self.check_document(item, checks)
            for collection in collections:
                collection.add(item, result)
            report.results.append(result)
        if collections:
            results = {}
            for result in report.results:
                results.setdefault(result.document.id, result)
            for collection in collections:
                collection.finish(report, results)
        self.suppress(report)
        for result in report.results:
            result.findings.sort(key=Finding.sort_key)
        return report

    def suppress(self, report: Report) -> None:
        """Drop the findings that suppression comments and ``ignore:`` entries cover."""
        entries = suppression.ignore_entries(self.config.ignore())
        comments: dict[str, list[suppression.Suppression]] = {}
        owner: dict[str, DocumentResult] = {}
        for result in report.results:
            source = result.document.source
            if source.path not in comments:
                comments[source.path] = suppression.from_comments(source)
                owner[source.path] = result
            kept = []
            for finding in result.findings:
                covering = [s for s in comments.get(finding.path, ()) if s.covers(finding)] + \
                    [entry for entry in entries if entry.covers(finding)]
                for cover in covering:
                    cover.used += 1
                if not covering:
                    kept.append(finding)
            result.findings = kept
        if not self.report_unused_suppressions:
            return
        # A suppression of a rule that did not run (--select, a disabled check) may still be needed.
        ran = set(report.rules) | {rule.check for rule in report.rules.values()}
        for path, found in comments.items():
            for unused in (s for s in found if not s.used and s.names <= ran):
                owner[path].findings.append(suppression.unused_finding(unused, owner[path].document.id))
                report.rules.setdefault(suppression.UNUSED_RULE, RuleInfo(
                    suppression.UNUSED_RULE, "suppressions", "A suppression comment that suppressed nothing.",
                    "warning"))
        for entry in entries:
            if not entry.used and entry.rule in ran:
                report.problems.append(sources.InputProblem(
                    entry.where, f"this ignore entry ({entry.rule} in {entry.path}) suppressed nothing; "
                                 "remove it", fatal=False))

    def documents(self, paths: Iterable[str]) -> Iterator[Document | sources.InputProblem]:
        max_bytes = self.config.max_file_bytes()
        for path in sources.expand(paths, self.registry.extensions()):
            if isinstance(path, sources.InputProblem):
                yield path
                continue
            if self.skip_files and os.path.realpath(path) in self.skip_files:
                continue
            source, problem = sources.load(path, max_bytes)
            if problem is not None:
                yield problem
            if source is not None:
                yield from self.read(source, self._reader(path, source))

    def _reader(self, path: str, source: SourceText) -> Reader:
        readers = self.registry.readers
        if path == sources.STDIN:
            if self.stdin_format != "auto":
                return readers[self.stdin_format]
            for reader in readers.values():
                if reader.sniff is not None and reader.sniff(source.text):
                    return reader
            return readers["text"]
        return self.registry.reader_for(path) or readers["text"]

    def read(self, source: SourceText, reader: Reader) -> Iterator[Document | sources.InputProblem]:
        try:
            for item in reader.read(source, self.reader_options):
                if isinstance(item, ReaderError):
                    yield _problem(source, item)
                    continue
                if self.published and not item.metadata.published:
                    item.metadata.published = self.published
                    item.metadata.published_source = "--published"
                yield item
        except ReaderError as error:
            yield _problem(source, error)
        except Exception as error:  # a reader bug must not stop the batch
            yield sources.InputProblem(source.path, f"the {reader.name} reader failed: "
                                                    f"{type(error).__name__}: {error}")

    def check_document(self, document: Document, checks: list[ActiveCheck] | None = None) -> DocumentResult:
        result = DocumentResult(document)
        for active in self.checks if checks is None else checks:
            if active.check.scope != "document":
                continue
            context = active.context(document)
            produced, failure = self.run_check(active.check, document,
                                               lambda: list(active.check.function(document, context)))
            if failure is not None:
                result.findings.append(failure)
                continue
            valid, invalid = [], None
            for finding in produced:
                try:
                    _validate(finding, document)
                    valid.append(finding)
                except ValueError as error:  # a plugin's mistake: one internal error says so
                    invalid = invalid or error
            if invalid is not None:
                result.findings.append(internal_error(active.check, document, invalid))
            result.findings.extend(f for f in valid if active.severities.get(f.rule, "off") != "off"
                                   and not (f.rule in self.spelling_rules and self.house_words.covers(f.text)))
            if context.incomplete:
                result.incomplete[active.check.name] = context.incomplete
            if context.summary:
                result.summaries[active.check.name] = context.summary
        return result

    def run_check(self, check: Check, document: Document, call: Callable[[], T]) -> tuple[T | None, Finding | None]:
        """``call()``'s result within the time budget, or the finding saying why there is none."""
        try:
            with budget(self.check_seconds):
                return call(), None
        except OverBudget:
            return None, time_limit(check, document, self.check_seconds)
        except Exception as error:
            return None, internal_error(check, document, error)


class _Collection:
    """One collection check during a run: a summary per story, then findings over all of them."""

    def __init__(self, engine: Engine, active: ActiveCheck) -> None:
        self.engine = engine
        self.active = active
        self.context = active.context()
        self.summaries: list[Any] = []
        self.first: Document | None = None
        # The first stories, held unsummarised until there are as many as the check compares.
        self.waiting: list[tuple[Document, DocumentResult]] = []

    def add(self, document: Document, result: DocumentResult) -> None:
        """Summarise a story (a summary that fails adds the finding saying why to its ``result``)."""
        self.first = self.first or document
        self.waiting.append((document, result))
        if len(self.waiting) + len(self.summaries) < self.active.check.min_stories:
            return
        for story, story_result in self.waiting:
            summary, failure = self.engine.run_check(
                self.active.check, story, lambda: self.active.check.summarise(story, self.active.context(story)))
            if failure is None:
                self.summaries.append(summary)
            else:
                story_result.findings.append(failure)
        self.waiting.clear()

    def finish(self, report: Report, results: dict[str, DocumentResult]) -> None:
        """Run the check over the summaries; ``results`` finds each story's result by id."""
        if self.first is None or self.waiting:  # none, or fewer stories than the check compares
            return
        try:
            produced = list(self.active.check.function(self.summaries, self.context))
        except Exception as error:
            results[self.first.id].findings.append(internal_error(self.active.check, self.first, error))
            return
        for finding in produced:
            target = results.get(finding.document_id) if isinstance(finding, Finding) else None
            try:
                _validate(finding, self.first if target is None else target.document)
                if target is None:
                    raise ValueError(f"a {finding.rule} finding for a story it was not given "
                                     f"({finding.document_id!r})")
            except ValueError as error:
                results[self.first.id].findings.append(internal_error(self.active.check, self.first, error))
                continue
            if self.active.severities.get(finding.rule, "off") != "off":
                target.findings.append(finding)
        if self.context.summary:
            report.collections[self.active.check.name] = self.context.summary


def _validate(finding: Any, document: Document) -> None:
    """Raises ValueError unless ``finding`` is a Finding whose spans are spans of the story's file
    with the line and column of their offsets (a plugin may build them by hand)."""
    if not isinstance(finding, Finding):
        raise ValueError(f"the check produced {type(finding).__name__} {finding!r:.80}, not a Finding")
    source = document.source
    # A related location may be in another file (the story a duplicate repeats).
    for location in (finding.location, *(r for r in finding.related if r.path == source.path)):
        if not _is_span(location, source):
            raise ValueError(f"a {finding.rule} finding at {location.line}:{location.column} (offset "
                             f"{location.offset}, length {location.length}) that is not a span of {source.path}")


def _is_span(location: Location, source: SourceText) -> bool:
    end = location.offset + location.length
    return location.path == source.path and 0 <= location.offset <= end <= len(source.text) and \
        (location.line, location.column, location.end_line, location.end_column) == \
        (*source.position(location.offset), *source.position(end))


def _problem(source: SourceText, error: ReaderError) -> sources.InputProblem:
    if error.offset is None:
        return sources.InputProblem(source.path, error.message)
    line, column = source.position(error.offset)
    return sources.InputProblem(source.path, error.message, line, column)


def internal_error(check: Check, document: Document, error: Exception) -> Finding:
    frame = traceback.extract_tb(error.__traceback__)[-1]
    where = f"{frame.filename.rsplit('/', 1)[-1]}:{frame.lineno}"
    return _about_document(check, document, INTERNAL_ERROR_RULE,
                           f"check {check.name!r} failed on this document ({type(error).__name__}: {error}, "
                           f"at {where}); the other checks ran")


def time_limit(check: Check, document: Document, seconds: float) -> Finding:
    return _about_document(check, document, TIME_LIMIT_RULE,
                           f"check {check.name!r} ran over its time budget of {seconds:g} s on this document and "
                           "was stopped, so its findings here are missing; the other checks ran "
                           "(rules file: limits: check_seconds)")


def _about_document(check: Check, document: Document, rule: str, message: str) -> Finding:
    """A finding about the whole story, placed at its start."""
    start = document.blocks[0].start if document.blocks else 0
    line, column = document.source.position(start)
    return Finding(check=check.name, rule=rule, severity="error", message=message,
                   location=Location(document.path, start, 0, line, column, line, column), document_id=document.id)
