"""The language server: an editor's open documents checked by the same Engine as ``copydesk check``.

The registry (checks, readers, plugins) is loaded once per process and the
Engine once per rules file: a check's models stay loaded between documents.
What is checked is the editor's text, unsaved changes included; the rules file
and the house word list are the ones ``copydesk check`` would use from the
workspace folder. Settings come from the client, as initialization options and
as the ``copydesk`` section of its configuration:

    rules        path of the rules file (relative: to the workspace folder)
    select       checks or rules to run only (as --select)
    ignore       checks or rules to skip (as --ignore)
    published    YYYY-MM-DD, for stories whose metadata has no date (as --published)
    lintOnChange check as the text changes, not only on open and save (default false)
    debounceMs   how long the text must rest before that check (default 300)
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import traceback
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Mapping

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from copydesk import __version__, house_words
from copydesk.findings import INCOMPLETE_RULES, Finding
from copydesk.lsp import actions
from copydesk.lsp.positions import LineIndex
from copydesk.lsp.preload import FirstCheck, Request, WarmUp, engine_for, is_copy, rules_path, rules_stamp, too_large
from copydesk.report import DocumentResult, Report

if TYPE_CHECKING:  # imported when the Engine is first built: with a twin, after the first diagnostics
    from copydesk.engine import Engine
    from copydesk.plugins import Registry

SOURCE = "copydesk"
ADD_HOUSE_WORD = "copydesk.addHouseWord"
# The README's table of checks and rules (GitHub anchors every heading).
RULES_DOCUMENTATION = "https://github.com/copydesk/copydesk#checks"
_SEVERITIES = {"error": types.DiagnosticSeverity.Error, "warning": types.DiagnosticSeverity.Warning,
               "info": types.DiagnosticSeverity.Information}
_MOST_SUGGESTIONS = 5
_SETTINGS_WAIT = 5.0  # seconds
_WATCHED = ("**/copydesk.yaml", "**/.copydesk.yaml", f"**/{house_words.FILE_NAME}")

log = logging.getLogger(__name__)


class SettingsError(ValueError):
    """A client setting copydesk cannot use; the message says which."""


@dataclass(frozen=True)
class Settings:
    rules: str | None = None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    published: str | None = None
    lint_on_change: bool = False
    debounce_ms: int = 300

    def updated(self, values: Mapping[str, Any] | None) -> Settings:
        """These settings with the client's ``values`` (camelCase keys) over them."""
        if not values:
            return self
        changes: dict[str, Any] = {}
        if "rules" in values:
            changes["rules"] = _optional_string(values["rules"], "rules")
        for key in ("select", "ignore"):
            if key in values:
                names = values[key] or []
                if isinstance(names, str):
                    names = names.split(",")
                if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
                    raise SettingsError(f"copydesk setting {key!r} must be a list of check or rule names")
                changes[key] = tuple(name.strip() for name in names if name.strip())
        if "published" in values:
            published = _optional_string(values["published"], "published")
            try:
                changes["published"] = published and dt.date.fromisoformat(published).isoformat()
            except ValueError:
                raise SettingsError(f"copydesk setting 'published' must be a date as YYYY-MM-DD, "
                                    f"not {published!r}") from None
        if "lintOnChange" in values:
            changes["lint_on_change"] = bool(values["lintOnChange"])
        if "debounceMs" in values:
            debounce = values["debounceMs"]
            if isinstance(debounce, bool) or not isinstance(debounce, int) or not 0 <= debounce <= 10_000:
                raise SettingsError("copydesk setting 'debounceMs' must be a whole number of milliseconds, 0–10000")
            changes["debounce_ms"] = debounce
        return replace(self, **changes)


def _optional_string(value: Any, key: str) -> str | None:
    if value is not None and not isinstance(value, str):
        raise SettingsError(f"copydesk setting {key!r} must be a string")
    return value or None


@dataclass
class Checked:
    """An open document's last check: its text and version, the report, and where each diagnostic came from."""

    uri: str
    path: str
    version: int | None
    index: LineIndex
    report: Report
    findings: list[tuple[DocumentResult, Finding]] = field(default_factory=list)

    def at(self, start: int, end: int) -> list[tuple[DocumentResult, Finding]]:
        """The findings touching the span [start, end] (a cursor touches the finding it is in or beside)."""
        return [(result, finding) for result, finding in self.findings
                if finding.offset <= end and start <= finding.offset + finding.location.length]


class CopydeskLanguageServer(LanguageServer):
    def __init__(self, rules_file: str | None = None, first_check: FirstCheck | None = None) -> None:
        super().__init__("copydesk", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        # The process's twin, loading the checks since the start, runs the first check (see copydesk.lsp.preload).
        self.first_check = first_check
        # Once the twin has checked the first story, this Engine loads the checks' resources in the background.
        self.warm_up: WarmUp | None = None
        self.registry: Registry | None = None
        # The command line's and the initialization options' settings; the client's configuration goes over them.
        self.initial_settings = Settings(rules=rules_file and os.path.abspath(rules_file))
        self.settings = self.initial_settings
        self.engine: Engine | None = None
        # Why there is no engine (a broken rules file, an unknown --select), shown on every open document.
        self.problem: str | None = None
        self._engine_key: tuple | None = None
        self.checked: dict[str, Checked] = {}
        self._pending: dict[str, asyncio.Task] = {}
        # Set once the client's settings are in (after `initialized`): nothing is checked before.
        self.configured = asyncio.Event()

    async def settled(self) -> None:
        """Wait for the client's settings (a client that never sends `initialized` waits a few seconds)."""
        try:
            await asyncio.wait_for(self.configured.wait(), _SETTINGS_WAIT)
        except asyncio.TimeoutError:
            self.configured.set()

    # -- the engine ---------------------------------------------------------------------------------

    @property
    def root(self) -> str:
        """The workspace folder (the working directory when the client names none)."""
        root_uri = self.workspace.root_uri
        return (root_uri and to_fs_path(root_uri)) or os.getcwd()

    def refresh_engine(self) -> bool:
        """(Re)build the Engine when the settings or the rules file changed; True when it was rebuilt."""
        from copydesk.config import ConfigError
        from copydesk.engine import UsageError
        from copydesk.plugins import load_registry

        rules = rules_path(self.settings.rules, self.root)
        key = (self.settings, rules, rules_stamp(rules))
        if key == self._engine_key:
            return False
        self._engine_key = key
        if self.registry is None:
            self.registry = load_registry()
            for problem in self.registry.problems:
                self.show(types.MessageType.Error, f"copydesk: {problem}")
        try:
            self.engine = engine_for(self.registry, rules, self.root, self.settings.select, self.settings.ignore,
                                     self.settings.published)
            self.problem = None
        except (ConfigError, UsageError) as error:
            self.engine, self.problem = None, f"copydesk cannot check: {error}"
            self.show(types.MessageType.Error, self.problem)
            if self.first_check is not None:  # it would fail the same way
                self.first_check.close()
                self.first_check = None
        return True

    def show(self, kind: types.MessageType, message: str) -> None:
        self.window_show_message(types.ShowMessageParams(type=kind, message=message))

    # -- checking -----------------------------------------------------------------------------------

    def is_copy(self, path: str) -> bool:
        """Whether copydesk reads this file (any known extension while there is no Engine)."""
        assert self.registry is not None
        if self.engine is None:
            return self.registry.reader_for(path) is not None
        return is_copy(self.engine, path)

    def check(self, uri: str) -> Checked | None:
        """Check an open document's current text and publish its diagnostics (None: not copy, or closed)."""
        document = self.workspace.text_documents.get(uri)
        path = to_fs_path(uri) if uri.startswith("file:") else None
        twin_spent = False
        if self.first_check is not None and document is not None and path is not None:
            checked = self.first_checked(uri, path, document.source, document.version)
            if checked is not None:
                return checked
            twin_spent = True
        if self.refresh_engine():
            self.recheck_all(except_uri=uri)
        if document is None or path is None or not self.is_copy(path):
            if twin_spent and self.engine is not None:  # on a file that is not copy: the first story is still to come
                self.warm_up = WarmUp(self.engine)
            return None
        checked = Checked(uri, path, document.version, self.line_index(document.source), Report())
        self.publish(checked, self._diagnose(checked))
        return checked

    def first_checked(self, uri: str, path: str, text: str, version: int | None) -> Checked | None:
        """The first story checked by the twin, or None (then the server checks it): the server's own
        registry and Engine are built once its diagnostics are out, and warmed up in the background."""
        assert self.first_check is not None
        first_check, self.first_check = self.first_check, None
        settings = self.settings
        answer = first_check.run(Request(settings.rules, self.root, settings.select, settings.ignore,
                                         settings.published, path, text))
        if answer is None:
            return None
        report, rules_read = answer
        checked = Checked(uri, path, version, self.line_index(text), report)
        self.publish(checked, self.diagnostics(checked))
        if self.refresh_engine():
            self.recheck_all(except_uri=uri)
        assert self._engine_key is not None
        if self._engine_key[2] != rules_read:  # the rules file changed after the twin read it
            return self.check(uri)
        if self.engine is not None:
            self.warm_up = WarmUp(self.engine)
        return checked

    def line_index(self, text: str) -> LineIndex:
        return LineIndex(text, self.workspace.position_encoding or types.PositionEncodingKind.Utf16)

    def publish(self, checked: Checked, diagnostics: list[types.Diagnostic]) -> None:
        self.checked[checked.uri] = checked
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
            uri=checked.uri, diagnostics=diagnostics, version=checked.version))

    def _diagnose(self, checked: Checked) -> list[types.Diagnostic]:
        text = checked.index.text
        if self.engine is None:
            return [_note(self.problem or "copydesk cannot check", types.DiagnosticSeverity.Error)]
        if too_large(self.engine, text):
            limit = self.engine.config.max_file_bytes()
            return [_note(f"too large to check (the limit is {limit / 1e6:g} MB, set files: max_size_mb)",
                          types.DiagnosticSeverity.Information)]
        try:
            checked.report = self.check_text(text, checked.path)
        except Exception as error:  # a bug in copydesk must not take the editor's server down
            log.error("checking %s failed:\n%s", checked.path, traceback.format_exc())
            return [_note(f"copydesk failed on this file ({type(error).__name__}: {error})",
                          types.DiagnosticSeverity.Error)]
        return self.diagnostics(checked)

    def diagnostics(self, checked: Checked) -> list[types.Diagnostic]:
        """The diagnostics of a check's report (and the findings they stand for, kept in ``checked``)."""
        diagnostics = []
        for problem in checked.report.problems:
            if problem.fatal:
                line = (problem.line or 1) - 1
                at = checked.index.position(checked.index.starts[min(line, len(checked.index.starts) - 1)])
                diagnostics.append(types.Diagnostic(range=types.Range(start=at, end=at), message=problem.message,
                                                    severity=types.DiagnosticSeverity.Error, source=SOURCE))
        for result in checked.report.results:
            for finding in result.findings:
                checked.findings.append((result, finding))
                diagnostics.append(self.diagnostic(finding, checked))
        return diagnostics

    def check_text(self, text: str, path: str) -> Report:
        """The Engine's report on the text."""
        assert self.engine is not None
        if self.warm_up is not None:  # loading the same word lists and models twice would only be slower
            self.warm_up.wait()
            self.warm_up = None
        return self.engine.check_text(text, path=path)

    def diagnostic(self, finding: Finding, checked: Checked) -> types.Diagnostic:
        index = checked.index
        related = []
        for location in finding.related:
            if location.path == checked.path:
                where = types.Location(uri=checked.uri, range=index.range(location.offset,
                                                                          location.offset + location.length))
            else:  # another file (a collection check's other story): its own text is not at hand
                start = types.Position(line=location.line - 1, character=location.column - 1)
                end = types.Position(line=location.end_line - 1, character=location.end_column - 1)
                where = types.Location(uri=from_fs_path(location.path) or location.path,
                                       range=types.Range(start=start, end=end))
            related.append(types.DiagnosticRelatedInformation(
                location=where, message=location.message or f"related: {location.text[:80]}"))
        start = finding.offset
        return types.Diagnostic(
            range=index.range(start, start + finding.location.length),
            message=finding.message,
            severity=_SEVERITIES.get(finding.severity, types.DiagnosticSeverity.Warning),
            code=finding.rule,
            code_description=None if finding.rule in INCOMPLETE_RULES
            else types.CodeDescription(href=RULES_DOCUMENTATION),
            source=SOURCE,
            related_information=related or None,
        )

    def current(self, uri: str) -> Checked | None:
        """The check of the document's current text: the last one, or a fresh one if the text changed since."""
        checked = self.checked.get(uri)
        document = self.workspace.text_documents.get(uri)
        if checked is not None and document is not None and checked.version == document.version \
                and checked.index.text == document.source:
            return checked
        return self.check(uri)

    def recheck_all(self, except_uri: str | None = None) -> None:
        for uri in list(self.checked):
            if uri != except_uri:
                self.check(uri)

    def check_later(self, uri: str) -> None:
        """Check once the text has rested ``debounceMs``: a burst of keystrokes costs one check."""
        pending = self._pending.pop(uri, None)
        if pending is not None:
            pending.cancel()

        async def after_rest() -> None:
            await asyncio.sleep(self.settings.debounce_ms / 1000)
            self._pending.pop(uri, None)
            self.check(uri)

        self._pending[uri] = asyncio.ensure_future(after_rest())

    def forget(self, uri: str) -> None:
        pending = self._pending.pop(uri, None)
        if pending is not None:
            pending.cancel()
        if self.checked.pop(uri, None) is not None:
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    async def pull_configuration(self) -> None:
        """Ask the client for its ``copydesk`` settings, when it can answer."""
        if not _client_can(self, "workspace", "configuration"):
            return
        try:
            values = await self.workspace_configuration_async(
                types.ConfigurationParams(items=[types.ConfigurationItem(section="copydesk")]))
        except Exception as error:  # a client that cannot answer keeps the settings it gave at start
            log.warning("workspace/configuration failed: %s", error)
            return
        self.apply_settings(values[0] if values else None)

    def apply_settings(self, values: Any) -> None:
        if values is not None and not isinstance(values, dict):
            self.show(types.MessageType.Error, "copydesk settings must be an object")
            return
        try:
            self.settings = self.initial_settings.updated(values)
        except SettingsError as error:
            self.show(types.MessageType.Error, str(error))
            return
        # With a twin pending (the client's settings arrive in `initialized`), the first check builds the Engine.
        if self.first_check is None and self.refresh_engine():
            self.recheck_all()


def _note(message: str, severity: types.DiagnosticSeverity) -> types.Diagnostic:
    at = types.Position(line=0, character=0)
    return types.Diagnostic(range=types.Range(start=at, end=at), message=message, severity=severity, source=SOURCE)


def _client_can(server: LanguageServer, *path: str) -> bool:
    capability: Any = server.client_capabilities
    for name in path:
        capability = getattr(capability, name, None)
    return bool(capability)


def create_server(rules_file: str | None = None, first_check: FirstCheck | None = None) -> CopydeskLanguageServer:
    server = CopydeskLanguageServer(rules_file, first_check)

    @server.feature(types.INITIALIZE)
    def initialize(ls: CopydeskLanguageServer, params: types.InitializeParams) -> None:
        try:
            ls.initial_settings = ls.settings = ls.initial_settings.updated(params.initialization_options)
        except SettingsError as error:
            ls.show(types.MessageType.Error, str(error))

    @server.feature(types.INITIALIZED)
    async def initialized(ls: CopydeskLanguageServer, params: types.InitializedParams) -> None:
        if _client_can(ls, "workspace", "did_change_watched_files", "dynamic_registration"):
            watchers = [types.FileSystemWatcher(glob_pattern=pattern) for pattern in _WATCHED]
            try:
                await ls.client_register_capability_async(types.RegistrationParams(registrations=[types.Registration(
                    id="copydesk-rules", method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                    register_options=types.DidChangeWatchedFilesRegistrationOptions(watchers=watchers))]))
            except Exception as error:  # the rules file is still looked at before every check
                log.warning("could not register file watchers: %s", error)
        await ls.pull_configuration()
        if ls.first_check is None:  # with a twin, the first story is checked before the Engine is built
            ls.refresh_engine()
        ls.configured.set()

    async def check_document(ls: CopydeskLanguageServer,
                             params: types.DidOpenTextDocumentParams | types.DidSaveTextDocumentParams) -> None:
        await ls.settled()
        ls.check(params.text_document.uri)

    server.feature(types.TEXT_DOCUMENT_DID_OPEN)(check_document)
    server.feature(types.TEXT_DOCUMENT_DID_SAVE)(check_document)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: CopydeskLanguageServer, params: types.DidChangeTextDocumentParams) -> None:
        if ls.settings.lint_on_change and params.text_document.uri in ls.checked:
            ls.check_later(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: CopydeskLanguageServer, params: types.DidCloseTextDocumentParams) -> None:
        ls.forget(params.text_document.uri)

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(ls: CopydeskLanguageServer,
                                       params: types.DidChangeConfigurationParams) -> None:
        pushed = params.settings.get("copydesk") if isinstance(params.settings, dict) else None
        if pushed is not None:
            ls.apply_settings(pushed)
        else:
            await ls.pull_configuration()

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched_files(ls: CopydeskLanguageServer, params: types.DidChangeWatchedFilesParams) -> None:
        # The house word list is reread by the Engine when it changes; a rules file rebuilds it.
        ls.refresh_engine()
        ls.recheck_all()

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls: CopydeskLanguageServer, params: types.HoverParams) -> types.Hover | None:
        checked = ls.current(params.text_document.uri)
        if checked is None:
            return None
        offset = checked.index.offset(params.position)
        parts = []
        for _, finding in checked.at(offset, offset):
            info = checked.report.rules.get(finding.rule)
            described = f": {info.description}" if info and info.description else ""
            part = f"**{finding.rule}** ({finding.severity}, check `{finding.check}`){described}\n\n" \
                   f"Why: {finding.message}"
            if finding.suggestions:
                part += "\n\nSuggested: " + ", ".join(f"“{s}”" if s else "delete it"
                                                      for s in finding.suggestions[:_MOST_SUGGESTIONS])
            parts.append(part)
        if not parts:
            return None
        return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown,
                                                        value="\n\n---\n\n".join(parts)))

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION, types.CodeActionOptions(
        code_action_kinds=[types.CodeActionKind.QuickFix, types.CodeActionKind.SourceFixAll]))
    def code_action(ls: CopydeskLanguageServer, params: types.CodeActionParams) -> list[types.CodeAction] | None:
        checked = ls.current(params.text_document.uri)
        if checked is None or ls.engine is None:
            return None
        only = params.context.only

        def wants(kind: str) -> bool:
            return not only or any(kind == asked or kind.startswith(f"{asked}.") for asked in only)

        found: list[types.CodeAction] = []
        if wants(types.CodeActionKind.QuickFix):
            start, end = checked.index.offset(params.range.start), checked.index.offset(params.range.end)
            for result, finding in checked.at(start, end):
                found.extend(_quick_fixes(ls, checked, result, finding))
        if wants(types.CodeActionKind.SourceFixAll):
            fix_all = actions.fix_all_edit(checked.report, checked.path, checked.index)
            if fix_all is not None:
                edit, count = fix_all
                found.append(types.CodeAction(
                    title=f"Fix all safe findings in this file ({count})", kind=types.CodeActionKind.SourceFixAll,
                    edit=types.WorkspaceEdit(changes={checked.uri: [edit]})))
        return found

    @server.command(ADD_HOUSE_WORD)
    def add_house_word(ls: CopydeskLanguageServer, word: str) -> bool:
        if ls.engine is None:
            return False
        try:
            added = ls.engine.house_words.add(word)
        except (ValueError, house_words.HouseWordsError) as error:
            ls.show(types.MessageType.Error, f"copydesk: {error}")
            return False
        ls.recheck_all()
        return added

    return server


def _quick_fixes(ls: CopydeskLanguageServer, checked: Checked, result: DocumentResult,
                 finding: Finding) -> list[types.CodeAction]:
    assert ls.engine is not None and ls.registry is not None
    diagnostic = ls.diagnostic(finding, checked)
    uri = checked.uri
    found = []
    for number, suggestion in enumerate(finding.suggestions[:_MOST_SUGGESTIONS]):
        edit = actions.suggestion_edit(result, finding, suggestion, checked.index)
        title = f"Replace with “{suggestion}”" if suggestion else f"Delete “{_short(finding.text)}”"
        found.append(types.CodeAction(title=title, kind=types.CodeActionKind.QuickFix, diagnostics=[diagnostic],
                                      is_preferred=finding.fixable and number == 0,
                                      edit=types.WorkspaceEdit(changes={uri: [edit]})))
    reader = ls.registry.reader_for(checked.path)
    if finding.rule not in INCOMPLETE_RULES and reader is not None:
        edit = actions.suppression_edit(reader.name, finding.line - 1, finding.rule, checked.index)
        if edit is not None:
            found.append(types.CodeAction(title=f"Disable {finding.rule} for this line",
                                          kind=types.CodeActionKind.QuickFix, diagnostics=[diagnostic],
                                          edit=types.WorkspaceEdit(changes={uri: [edit]})))
    if finding.rule in ls.engine.spelling_rules:
        for word in dict.fromkeys(house_words.words_in(finding.text)):
            found.append(types.CodeAction(
                title=f"Add “{word}” to the house word list", kind=types.CodeActionKind.QuickFix,
                diagnostics=[diagnostic],
                command=types.Command(title=f"Add “{word}” to the house word list", command=ADD_HOUSE_WORD,
                                      arguments=[word])))
    return found


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 40 else text[:39] + "…"
