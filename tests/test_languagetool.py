"""The optional LanguageTool backend: against a loopback server speaking its HTTP API, and the real one when installed."""

from __future__ import annotations

import json
import re
import shutil
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from conftest import json_findings


def utf16_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-16-le")) // 2


class FakeLanguageTool(BaseHTTPRequestHandler):
    """Answers POST /v2/check like LanguageTool: a match for every "a apple" (any space) and a style
    match for "irregardless", offsets in UTF-16 code units as Java counts them."""

    requests: list[dict] = []

    def do_POST(self):  # noqa: N802 - the http.server API
        form = urllib.parse.parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
        type(self).requests.append({key: values[0] for key, values in form.items()})
        text = form["text"][0]
        matches = [{
            "message": 'Use "an" instead of "a" before a vowel.',
            "replacements": [{"value": "an apple"}],
            "offset": utf16_offset(text, found.start()), "length": len(found.group()),
            "rule": {"id": "EN_A_VS_AN", "issueType": "misspelling", "category": {"id": "MISC"}},
        } for found in re.finditer(r"\ba\sapple", text)]
        if "irregardless" in text:
            start = text.find("irregardless")
            matches.append({"message": "Consider a different word.", "replacements": [],
                            "offset": utf16_offset(text, start), "length": 12,
                            "rule": {"id": "STYLE_X", "issueType": "style", "category": {"id": "STYLE"}}})
        body = json.dumps({"matches": matches}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    FakeLanguageTool.requests = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), FakeLanguageTool)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def configure(tmp_path, mode, url=""):
    (tmp_path / "copydesk.yaml").write_text(
        f"checks:\n  languagetool:\n    enabled: true\n    mode: '{mode}'\n    url: '{url}'\n", encoding="utf-8")


def findings(cli, *paths):
    return json_findings(cli, *paths, select="languagetool")


def test_matches_map_to_exact_positions_in_markdown_past_astral_characters(cli, tmp_path, server):
    configure(tmp_path, "remote", server)
    story = tmp_path / "story.md"
    story.write_text("---\ntitle: Fruit 🍎 prices\n---\n\n# Fruit 🍎 prices\n\nShe ate *a apple* 😀 and\n"
                     "then a apple again, irregardless.\n", encoding="utf-8")
    found = findings(cli, story)
    text = story.read_text(encoding="utf-8")
    slips = [f for f in found if f["rule"] == "languagetool" and f["severity"] == "warning"]
    # The emoji in the headline before them are two UTF-16 units each, one character.
    assert [(f["line"], f["column"], f["text"]) for f in slips] == [(7, 10, "a apple"), (8, 6, "a apple")]
    assert all(text[f["offset"]:f["offset"] + f["length"]] == f["text"] for f in found)
    assert slips[0]["suggestions"] == ["an apple"] and slips[0]["message"].endswith("[EN_A_VS_AN]")
    (style,) = [f for f in found if f["severity"] == "info"]
    assert style["text"] == "irregardless"
    sent = FakeLanguageTool.requests[0]
    assert "She ate a apple 😀 and\nthen a apple again" in sent["text"]
    assert sent["disabledRules"].startswith("MORFOLOGIK_RULE_EN_US") and sent["language"] == "en-US"


def test_a_match_over_an_html_entity_spans_the_entity_in_the_file(cli, tmp_path, server):
    configure(tmp_path, "remote", server)
    story = tmp_path / "story.html"
    story.write_text("<html><body><article><h1>Fruit</h1><p>She ate a&nbsp;apple &amp; left.</p>"
                     "</article></body></html>", encoding="utf-8")
    found = findings(cli, story)
    assert [f["text"] for f in found] == ["a&nbsp;apple"]


def test_an_unreachable_server_is_one_info_note_per_run(cli, tmp_path):
    configure(tmp_path, "remote", "http://127.0.0.1:9")  # the discard port: nothing listens
    for name in ("one.txt", "two.txt"):
        (tmp_path / name).write_text("Headline\n\nShe ate a apple.\n", encoding="utf-8")
    found = findings(cli, tmp_path / "one.txt", tmp_path / "two.txt")
    assert [f["rule"] for f in found] == ["languagetool-unavailable"]
    assert found[0]["severity"] == "info"
    assert "did not answer" in found[0]["message"] and "copydesk languagetool install" in found[0]["message"]


def test_local_mode_without_an_installed_languagetool_says_so(cli, tmp_path):
    from language_tool_python.download_lt import LocalLanguageTool

    if LocalLanguageTool.get_latest_installed_version() is not None:
        pytest.skip("a LanguageTool is installed here, so local mode is available")
    configure(tmp_path, "local")
    (tmp_path / "one.txt").write_text("Headline\n\nShe ate a apple.\n", encoding="utf-8")
    (found,) = findings(cli, tmp_path / "one.txt")
    assert found["rule"] == "languagetool-unavailable"
    assert "no local LanguageTool is installed" in found["message"]


def test_off_by_default_and_silent_when_mode_is_off(cli, tmp_path):
    (tmp_path / "one.txt").write_text("Headline\n\nShe ate a apple.\n", encoding="utf-8")
    result = cli("check", tmp_path / "one.txt", "--format", "json", "--fail-on", "never")
    assert "languagetool" not in result.out
    configure(tmp_path, "off")
    assert findings(cli, tmp_path / "one.txt") == []


def test_against_the_real_languagetool_when_installed(cli, tmp_path):
    from language_tool_python.download_lt import LocalLanguageTool

    if LocalLanguageTool.get_latest_installed_version() is None or shutil.which("java") is None:
        pytest.skip("LanguageTool is not installed here (copydesk languagetool install; needs Java)")
    configure(tmp_path, "local")
    story = tmp_path / "story.md"
    story.write_text("# Fruit\n\nShe ate *a apple* yesterday.\n", encoding="utf-8")
    found = findings(cli, story)
    assert any(f["text"].startswith("a") and "an" in " ".join(f["suggestions"]) for f in found)


def test_a_server_that_failed_is_asked_again_after_a_while(server, monkeypatch):
    # A long-running copydesk (serve, lsp) must not give LanguageTool up for good after one outage.
    import socket

    from copydesk.checks import languagetool

    options = {"language": "en-US", "disabled_rules": [], "enabled_rules": [], "disabled_categories": [],
               "enabled_categories": []}
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        down = f"http://127.0.0.1:{closed.getsockname()[1]}/v2/"
    tool = languagetool.Server(down, timeout=2)
    with pytest.raises(languagetool.Unavailable):
        tool.check("The the cat.", options)
    tool.url = server.rstrip("/") + "/v2/"  # the same server, back up
    with pytest.raises(languagetool.Unavailable):  # not waited for again at once
        tool.check("The the cat.", options)
    monkeypatch.setattr(languagetool, "RETRY_SECONDS", 0.0)
    assert isinstance(tool.check("The the cat.", options), list) and tool.failure is None
