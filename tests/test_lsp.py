"""``copydesk lsp`` driven by a real LSP client (pytest-lsp) over stdio, the server in a subprocess."""

from __future__ import annotations

import ast
import asyncio
import contextlib
import json
import os
import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

pytestmark = pytest.mark.asyncio
# The installed command: `python -m copydesk` from the checkout would import the source tree, which
# lacks the checks (they are put into the package when it is built).
COPYDESK = str(Path(sys.executable).with_name("copydesk"))

STORY = """---
title: "Ferry service resumes"
date: 2024-03-04
---

# Ferry service resumes

![Passengers board the ferry](ferry.jpg)
*Passengers board the first ferry on Monday. (AFP)*

*Passengers board the first ferry on Monday. (AFP)*

The ferry service resumed on Monday, the operator said, after the the winds kept boats in port.
"""

# Runs the server with the repeated-word check replaced by one that raises, to see it survive.
CRASHING_SERVER = """
import dataclasses, sys
sys.path.remove("")  # the installed package, not the checkout
from copydesk import plugins
load = plugins.load_registry
def crashing():
    registry = load()
    def boom(document, ctx):
        raise RuntimeError("boom")
    registry.checks["repeated-word"] = dataclasses.replace(registry.checks["repeated-word"], function=boom)
    return registry
plugins.load_registry = crashing
from copydesk.cli import main
sys.exit(main(["lsp"]))
"""


def twin_server(patch: str) -> str:
    """A server script that forks its twin (copydesk/lsp/preload.py) whatever the machine's load, with
    ``patch`` (code run after ``preload`` is imported, its ``FirstCheck.run`` at hand as ``run``) applied."""
    return f"""
import sys
from pathlib import Path
sys.path.remove("")  # the installed package, not the checkout
from copydesk.lsp import preload
preload.FirstCheck.start = classmethod(lambda cls, rules_file=None: cls(rules_file))
run = preload.FirstCheck.run
{patch}
from copydesk.cli import main
sys.exit(main(["lsp"]))
"""


# The first check is the twin's, the next ones the server's own. Beside a story the twin was asked about, a
# file says whether it answered.
TWIN_SERVER = twin_server("""
def recorded(twin, request):
    engine_first = "copydesk.engine" in sys.modules  # the server's own Engine waits for the first diagnostics
    report = run(twin, request)
    Path(request.path + ".twin").write_text(("answered" if report else "failed") +
                                            (" after the server imported its Engine" if engine_first else ""))
    return report
preload.FirstCheck.run = recorded
""")

# The rules file changed just after the twin checked the first story and before the server builds its own Engine.
RULES_CHANGED_SERVER = twin_server("""
def then_the_rules_change(twin, request):
    answer = run(twin, request)
    Path(request.root, "copydesk.yaml").write_text("checks:\\n  repeated-word:\\n    enabled: false\\n")
    return answer
preload.FirstCheck.run = then_the_rules_change
""")

# A file in the workspace says when the server starts warming up its own Engine.
WARMING_SERVER = twin_server("""
asked = []
def recorded(twin, request):
    asked.append(request.root)
    return run(twin, request)
preload.FirstCheck.run = recorded
warm_up = preload.WarmUp.__init__
def announced(warming, engine):
    Path(asked[0], "warming").touch()
    warm_up(warming, engine)
preload.WarmUp.__init__ = announced
""")


def utf16_column(line: str, characters: int) -> int:
    return len(line[:characters].encode("utf-16-le")) // 2


def apply(text: str, edits: list[types.TextEdit]) -> str:
    """Apply LSP edits (UTF-16 positions) to ``text``, last first."""
    lines = text.splitlines(keepends=True) + [""]

    def offset(position: types.Position) -> int:
        line = lines[position.line]
        units = characters = 0
        while units < position.character:
            units += len(line[characters].encode("utf-16-le")) // 2
            characters += 1
        return sum(len(previous) for previous in lines[:position.line]) + characters

    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        text = text[:offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end):]
    return text


def workspace_of(request) -> Path:
    return request.getfixturevalue("tmp_path")


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[COPYDESK, "lsp"]))
async def client(lsp_client: LanguageClient, request, tmp_path):
    """A session with the server: ``request.param`` gives initialization options and capabilities."""
    options = dict(getattr(request, "param", None) or {})
    capabilities = client_capabilities(options.pop("client", "visual-studio-code"))
    encodings = options.pop("positionEncodings", None)
    if encodings:
        capabilities.general = types.GeneralClientCapabilities(position_encodings=encodings)
    lsp_client.registrations = []
    lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)(
        lambda params: lsp_client.registrations.extend(params.registrations))
    lsp_client.set_configuration(options.pop("configuration", {}), section="copydesk")
    lsp_client.workspace_root = tmp_path
    lsp_client.initialize_result = await lsp_client.initialize_session(types.InitializeParams(
        capabilities=capabilities, root_uri=tmp_path.as_uri(), initialization_options=options))
    yield
    await lsp_client.shutdown_session()


async def next_diagnostics(client: LanguageClient, uri: str, timeout: float = 15) -> list[types.Diagnostic]:
    """The next diagnostics published for ``uri``."""
    async def wait():
        while True:
            params = await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
            if params.uri == uri:
                return list(params.diagnostics)

    return await asyncio.wait_for(wait(), timeout)


async def diagnostics_after(client: LanguageClient, uri: str, previous: object,
                            timeout: float = 15) -> list[types.Diagnostic]:
    """The diagnostics of ``uri`` once the server has published others than ``previous``. Read from
    the client's record of every publication: when the server re-checks several documents, one
    published while the test awaited another is not missed."""
    async def wait():
        while client.diagnostics.get(uri) is previous:
            await asyncio.sleep(0.02)
        return list(client.diagnostics[uri])

    return await asyncio.wait_for(wait(), timeout)


async def open_file(client: LanguageClient, name: str, text: str, language: str = "markdown"):
    path = client.workspace_root / name
    path.write_text(text, encoding="utf-8")
    uri = path.as_uri()
    client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
        uri=uri, language_id=language, version=1, text=text)))
    return uri


async def opened(client: LanguageClient, name: str, text: str, language: str = "markdown"):
    uri = await open_file(client, name, text, language)
    return uri, await next_diagnostics(client, uri)


def change(client: LanguageClient, uri: str, version: int, text: str) -> None:
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)]))


async def saved(client: LanguageClient, uri: str, version: int, text: str) -> list[types.Diagnostic]:
    """Change the document to ``text``, save it, and return the diagnostics of the save."""
    change(client, uri, version, text)
    Path(client.workspace_root / Path(uri).name).write_text(text, encoding="utf-8")
    client.text_document_did_save(types.DidSaveTextDocumentParams(
        text_document=types.TextDocumentIdentifier(uri=uri)))
    return await next_diagnostics(client, uri)


def by_code(diagnostics) -> dict[str, types.Diagnostic]:
    return {d.code: d for d in diagnostics}


async def actions_at(client: LanguageClient, uri: str, diagnostic: types.Diagnostic, only=None):
    return await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=diagnostic.range,
        context=types.CodeActionContext(diagnostics=[diagnostic], only=only)))


async def test_initialize_announces_what_it_does(client: LanguageClient):
    capabilities = client.initialize_result.capabilities
    assert client.initialize_result.server_info.name == "copydesk"
    assert capabilities.position_encoding == types.PositionEncodingKind.Utf16
    assert capabilities.hover_provider
    assert set(capabilities.code_action_provider.code_action_kinds) == {
        types.CodeActionKind.QuickFix, types.CodeActionKind.SourceFixAll}
    assert capabilities.execute_command_provider.commands == ("copydesk.addHouseWord",)
    sync = capabilities.text_document_sync
    assert sync.open_close and sync.save and sync.change == types.TextDocumentSyncKind.Incremental
    await asyncio.sleep(0.5)  # the server registers its file watchers after `initialized`
    [watch] = client.registrations
    assert watch.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES
    assert [w["globPattern"] for w in watch.register_options["watchers"]] == [
        "**/copydesk.yaml", "**/.copydesk.yaml", "**/copydesk-words.txt"]


async def test_diagnostics_on_open(client: LanguageClient):
    uri, diagnostics = await opened(client, "story.md", STORY)
    found = by_code(diagnostics)
    assert set(found) == {"duplicate-caption", "repeated-word"}
    caption = found["duplicate-caption"]
    # Line 11 (0-based 10), inside the asterisks, as `copydesk check` reports it (11:2).
    assert caption.range == types.Range(start=types.Position(line=10, character=1),
                                        end=types.Position(line=10, character=50))
    assert caption.severity == types.DiagnosticSeverity.Error
    assert caption.source == "copydesk"
    assert caption.code_description.href.endswith("#checks")
    [first] = caption.related_information
    assert first.location.uri == uri and first.message == "first occurrence"
    assert first.location.range.start == types.Position(line=8, character=1)
    assert found["repeated-word"].severity == types.DiagnosticSeverity.Warning


@pytest.mark.parametrize("client", [{"positionEncodings": ["utf-8", "utf-16"]}], indirect=True)
async def test_utf8_is_used_when_the_client_offers_it(client: LanguageClient):
    assert client.initialize_result.capabilities.position_encoding == types.PositionEncodingKind.Utf8
    line = "“Storms 🌊 hit”, the the port said."
    _, diagnostics = await opened(client, "u8.md", f"# Storm\n\n{line}\n")
    [repeat] = diagnostics
    start = line.index("the the")
    assert repeat.range.start.character == len(line[:start].encode("utf-8"))
    assert repeat.range.end.character == len(line[:start + 7].encode("utf-8"))


async def test_utf16_ranges_count_emoji_as_two_units(client: LanguageClient):
    line = "“Storms 🌊🌊 hit” the port, ‘officials’ said, and the the ferries stopped."
    uri, diagnostics = await opened(client, "emoji.md", f"# Storm 🌊\n\n{line}\n")
    [repeat] = [d for d in diagnostics if d.code == "repeated-word"]
    start = line.index("the the")
    assert repeat.range.start == types.Position(line=2, character=utf16_column(line, start))
    assert repeat.range.end == types.Position(line=2, character=utf16_column(line, start + 7))
    assert utf16_column(line, start) == start + 2  # two emoji, one extra unit each
    [fix] = [a for a in await actions_at(client, uri, repeat) if a.title == "Replace with “the”"]
    text = apply(f"# Storm 🌊\n\n{line}\n", fix.edit.changes[uri])
    assert "and the ferries" in text and "the the" not in text


@pytest.mark.parametrize("client", [{"lintOnChange": True, "debounceMs": 50}], indirect=True)
async def test_diagnostics_as_you_type_when_asked(client: LanguageClient):
    uri, diagnostics = await opened(client, "typing.md", "# Vote\n\nThe vote was held.\n")
    assert diagnostics == []
    for version, text in enumerate(("# Vote\n\nThe the", "# Vote\n\nThe the vote", "# Vote\n\nThe the vote was held.\n"), 2):
        change(client, uri, version, text)  # a burst: one check after it rests
    diagnostics = await next_diagnostics(client, uri)
    assert [d.code for d in diagnostics] == ["repeated-word"]


async def test_no_diagnostics_on_change_by_default_but_on_save(client: LanguageClient):
    uri, diagnostics = await opened(client, "saving.md", "# Vote\n\nThe vote was held.\n")
    assert diagnostics == []
    change(client, uri, 2, "# Vote\n\nThe the vote was held.\n")
    with pytest.raises(asyncio.TimeoutError):
        await next_diagnostics(client, uri, timeout=1)
    diagnostics = await saved(client, uri, 3, "# Vote\n\nThe the vote was held again.\n")
    assert [d.code for d in diagnostics] == ["repeated-word"]


async def test_every_format_copydesk_reads_and_nothing_else(client: LanguageClient):
    stories = {
        "story.txt": ("Ferry resumes\n\nThe the ferry sailed.\n", "plaintext"),
        "story.html": ("<article><h1>Ferry</h1><p>The the ferry sailed.</p></article>\n", "html"),
        "story.json": (json.dumps({"headline": "Ferry", "body": "The the ferry sailed."}) + "\n", "json"),
        "stories.jsonl": (json.dumps({"headline": "Ferry", "body": "The the ferry sailed."}) + "\n", "json"),
    }
    for name, (text, language) in stories.items():
        _, diagnostics = await opened(client, name, text, language)
        assert [d.code for d in diagnostics] == ["repeated-word"], name
    for name in ("notes.py", "copydesk-words.txt"):
        await open_file(client, name, "The the ferry sailed.\n", "plaintext")
        with pytest.raises(asyncio.TimeoutError):
            await next_diagnostics(client, (client.workspace_root / name).as_uri(), timeout=1)


async def test_quick_fixes_applied_and_rechecked(client: LanguageClient):
    uri, diagnostics = await opened(client, "story.md", STORY)
    found = by_code(diagnostics)
    actions = await actions_at(client, uri, found["duplicate-caption"])
    titles = [action.title for action in actions]
    assert titles == ["Delete “Passengers board the first ferry on Mon…”",
                      "Disable duplicate-caption for this line", "Fix all safe findings in this file (1)"]
    delete, disable, fix_all = actions
    assert delete.is_preferred and delete.kind == types.CodeActionKind.QuickFix
    assert fix_all.kind == types.CodeActionKind.SourceFixAll
    # The quick fix and "fix all" make the same text as `copydesk check --fix`.
    fixed = apply(STORY, delete.edit.changes[uri])
    assert fixed == apply(STORY, fix_all.edit.changes[uri])
    assert fixed.count("Passengers board the first ferry on Monday. (AFP)") == 1
    assert set(by_code(await saved(client, uri, 2, fixed))) == {"repeated-word"}

    disabled = apply(STORY, disable.edit.changes[uri])
    assert "*Passengers board the first ferry on Monday. (AFP)* " \
           "<!-- copydesk-disable-next-line duplicate-caption -->" not in disabled
    assert "\n<!-- copydesk-disable-next-line duplicate-caption -->\n*Passengers" in disabled
    assert set(by_code(await saved(client, uri, 3, disabled))) == {"repeated-word"}

    repeat = by_code(await saved(client, uri, 4, STORY))["repeated-word"]
    replace, disable_repeat = await actions_at(client, uri, repeat, only=[types.CodeActionKind.QuickFix])
    assert replace.title == "Replace with “the”" and not replace.is_preferred
    assert "after the winds" in apply(STORY, replace.edit.changes[uri])
    assert set(by_code(await saved(client, uri, 5, apply(STORY, replace.edit.changes[uri])))) == {"duplicate-caption"}
    # Mid-paragraph, the comment goes at the end of the line before: the paragraph stays whole.
    wrapped = STORY.replace("the operator said, after", "the operator said,\nafter")
    repeat = by_code(await saved(client, uri, 6, wrapped))["repeated-word"]
    _, disable_repeat = await actions_at(client, uri, repeat, only=[types.CodeActionKind.QuickFix])
    disabled = apply(wrapped, disable_repeat.edit.changes[uri])
    assert "the operator said, <!-- copydesk-disable-next-line repeated-word -->\nafter the the" in disabled
    assert set(by_code(await saved(client, uri, 7, disabled))) == {"duplicate-caption"}


async def test_suppression_comments_only_where_the_format_hides_them(client: LanguageClient):
    text = "Ferry resumes\n\nThe the ferry sailed.\n"
    uri, [repeat] = await opened(client, "story.txt", text, "plaintext")
    assert [a.title for a in await actions_at(client, uri, repeat)] == ["Replace with “The”"]
    page = "<article>\n  <h1>Ferry</h1>\n  <p>The ferry sailed,\n  the the port said.</p>\n</article>\n"
    uri, [repeat] = await opened(client, "story.html", page, "html")
    _, disable = await actions_at(client, uri, repeat)
    disabled = apply(page, disable.edit.changes[uri])
    assert disabled == page.replace("  the the", "  <!-- copydesk-disable-next-line repeated-word -->\n  the the")
    assert await saved(client, uri, 2, disabled) == []


async def test_add_a_word_to_the_house_list(client: LanguageClient):
    text = ("# Hezbollah fighters withdraw\n\nHezbollah said its fighters had left the town. A spokesman for "
            "Hezbollah said the move was temporary. Hizbollah has not confirmed the details.\n")
    uri, diagnostics = await opened(client, "spelling.md", text)
    spelling = by_code(diagnostics)["inconsistent-spelling"]
    actions = await actions_at(client, uri, spelling)
    assert [a.title for a in actions] == ["Replace with “Hezbollah”", "Disable inconsistent-spelling for this line",
                                          "Add “Hizbollah” to the house word list"]
    assert len(spelling.related_information) == 3
    # lsprotocol reads a code action that carries a command (and no edit) back as a Command whose
    # `command` is the action's command as text: the JSON on the wire is a CodeAction.
    add = ast.literal_eval(actions[-1].command)
    assert add["command"] == "copydesk.addHouseWord" and add["arguments"] == ["Hizbollah"]
    rechecked = asyncio.ensure_future(next_diagnostics(client, uri))  # published before the command's answer
    await asyncio.sleep(0)
    assert await client.workspace_execute_command_async(types.ExecuteCommandParams(
        command=add["command"], arguments=add["arguments"])) is True
    assert "inconsistent-spelling" not in by_code(await rechecked)
    assert (client.workspace_root / "copydesk-words.txt").read_text(encoding="utf-8") == "Hizbollah\n"


async def test_hover_says_which_rule_and_why(client: LanguageClient):
    uri, diagnostics = await opened(client, "story.md", STORY)
    caption = by_code(diagnostics)["duplicate-caption"]
    hover = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=caption.range.start))
    assert hover.contents.kind == types.MarkupKind.Markdown
    assert hover.contents.value.startswith("**duplicate-caption** (error, check `duplicates`): ")
    assert "Why: This caption repeats the caption on line 9" in hover.contents.value
    nothing = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=5, character=3)))
    assert nothing is None


@pytest.mark.parametrize("client", [{"configuration": {"ignore": ["repeated-word"]}}], indirect=True)
async def test_workspace_configuration(client: LanguageClient):
    uri, diagnostics = await opened(client, "story.md", STORY)
    assert set(by_code(diagnostics)) == {"duplicate-caption"}
    client.set_configuration({"select": ["repeated-word"]}, section="copydesk")
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    assert set(by_code(await next_diagnostics(client, uri))) == {"repeated-word"}
    # The publication date resolves a bare weekday; without one, the story says it cannot.
    undated = "# Vote\n\nThe council met on Monday, Nov. 21.\n"
    client.set_configuration({"select": ["dates"]}, section="copydesk")
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    await next_diagnostics(client, uri)
    vote, diagnostics = await opened(client, "vote.md", undated)
    assert set(by_code(diagnostics)) == {"publication-date-unknown"}
    before = client.diagnostics[vote]
    client.set_configuration({"select": ["dates"], "published": "2024-11-25"}, section="copydesk")
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    assert "weekday-mismatch" in by_code(await diagnostics_after(client, vote, before))  # a Thursday in 2024


async def test_a_change_to_the_rules_file_rechecks_open_documents(client: LanguageClient):
    uri, diagnostics = await opened(client, "story.md", STORY)
    assert set(by_code(diagnostics)) == {"duplicate-caption", "repeated-word"}
    rules = client.workspace_root / "copydesk.yaml"
    rules.write_text("checks:\n  repeated-word:\n    enabled: false\n", encoding="utf-8")
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[
        types.FileEvent(uri=rules.as_uri(), type=types.FileChangeType.Created)]))
    assert set(by_code(await next_diagnostics(client, uri))) == {"duplicate-caption"}
    rules.write_text("checks:\n  repeated-word:\n    enabled: maybe\n", encoding="utf-8")
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[
        types.FileEvent(uri=rules.as_uri(), type=types.FileChangeType.Changed)]))
    [broken] = await next_diagnostics(client, uri)
    assert broken.severity == types.DiagnosticSeverity.Error
    assert "copydesk.yaml" in broken.message and "'enabled' must be true or false" in broken.message
    assert any("'enabled' must be true or false" in m.message for m in client.messages)


@contextlib.asynccontextmanager
async def neovim_session(lsp_client: LanguageClient, tmp_path):
    """A session with Neovim's capabilities and no settings, in the workspace ``tmp_path``."""
    lsp_client.workspace_root = tmp_path
    await lsp_client.initialize_session(types.InitializeParams(
        capabilities=client_capabilities("neovim"), root_uri=tmp_path.as_uri()))
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-c", CRASHING_SERVER]))
async def crashing_client(lsp_client: LanguageClient, tmp_path):
    async with neovim_session(lsp_client, tmp_path):
        yield


async def test_a_crashing_check_is_one_diagnostic_and_the_server_lives_on(crashing_client: LanguageClient):
    uri, diagnostics = await opened(crashing_client, "story.md", STORY)
    found = by_code(diagnostics)
    assert set(found) == {"duplicate-caption", "internal-error"}
    assert "check 'repeated-word' failed" in found["internal-error"].message
    assert found["internal-error"].code_description is None
    assert set(by_code(await saved(crashing_client, uri, 2, STORY + "\nMore copy.\n"))) == set(found)


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-c", TWIN_SERVER]))
async def twin_client(lsp_client: LanguageClient, tmp_path):
    async with neovim_session(lsp_client, tmp_path):
        yield


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the twin is forked; this system has no fork")
async def test_the_twins_first_check_and_the_servers_next(twin_client: LanguageClient):
    uri, diagnostics = await opened(twin_client, "story.md", STORY)
    assert (twin_client.workspace_root / "story.md.twin").read_text() == "answered"
    found = by_code(diagnostics)
    assert set(found) == {"duplicate-caption", "repeated-word"}
    assert found["duplicate-caption"].related_information[0].location.uri == uri
    # The twin's report serves the code actions as the server's own would.
    [fix_all] = await actions_at(twin_client, uri, found["duplicate-caption"], only=[types.CodeActionKind.SourceFixAll])
    fixed = apply(STORY, fix_all.edit.changes[uri])
    assert set(by_code(await saved(twin_client, uri, 2, fixed))) == {"repeated-word"}
    _, other = await opened(twin_client, "other.md", STORY.replace("the the", "the"))
    assert set(by_code(other)) == {"duplicate-caption"}
    assert not (twin_client.workspace_root / "other.md.twin").exists()


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-c", RULES_CHANGED_SERVER]))
async def rules_changed_client(lsp_client: LanguageClient, tmp_path):
    async with neovim_session(lsp_client, tmp_path):
        yield


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the twin is forked; this system has no fork")
async def test_the_first_story_is_checked_again_when_the_rules_changed_after_the_twin_read_them(
        rules_changed_client: LanguageClient):
    uri, diagnostics = await opened(rules_changed_client, "story.md", STORY)
    assert set(by_code(diagnostics)) == {"duplicate-caption", "repeated-word"}  # the twin's, with the old rules

    async def rechecked():
        while set(by_code(rules_changed_client.diagnostics.get(uri, []))) != {"duplicate-caption"}:
            await asyncio.sleep(0.02)

    await asyncio.wait_for(rechecked(), 15)


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-c", WARMING_SERVER]))
async def warming_client(lsp_client: LanguageClient, tmp_path):
    async with neovim_session(lsp_client, tmp_path):
        yield


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the twin is forked; this system has no fork")
async def test_a_file_that_is_not_copy_opened_first_spends_the_twin_but_the_server_warms_up(
        warming_client: LanguageClient):
    await open_file(warming_client, "build.py", "print('the the')\n", language="python")
    _, diagnostics = await opened(warming_client, "story.md", STORY)
    assert set(by_code(diagnostics)) == {"duplicate-caption", "repeated-word"}
    assert (warming_client.workspace_root / "warming").exists()
