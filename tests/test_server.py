"""``copydesk serve``: a real server process on 127.0.0.1, spoken to by LanguageTool's own client
(language-tool-python) and by plain HTTP; the abuse cases; the safe defaults.

Every server here listens on loopback only and every test is bounded in time.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest

from conftest import SEEDS, run_process

EMOJI_STORY = ("Health budget rises\n\n"
               "Nurses 😀 at the clinic said “public heath care” costs rose 👩‍⚕️ again on Monday, "
               "and the mayor’s office agreed.\n")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(port: int, process: subprocess.Popen | None = None, log: Path | None = None,
                  timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise AssertionError(f"copydesk serve exited: {log.read_text() if log else ''}")
        try:
            status, _, _ = request(port, "GET", "/healthz", timeout=1)
            if status == 200:
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("copydesk serve did not answer /healthz in time")


def request(port: int, method: str, path: str, body: bytes | str | None = None,
            headers: dict | None = None, timeout: float = 30) -> tuple[int, dict, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body=body.encode() if isinstance(body, str) else body,
                           headers=headers or {})
        response = connection.getresponse()
        return response.status, {k.casefold(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def post_form(port: int, path: str, fields: dict, headers: dict | None = None) -> tuple[int, dict, bytes]:
    return request(port, "POST", path, urlencode(fields),
                   {"Content-Type": "application/x-www-form-urlencoded", **(headers or {})})


def post_json(port: int, path: str, data, headers: dict | None = None) -> tuple[int, dict, bytes]:
    return request(port, "POST", path, json.dumps(data), {"Content-Type": "application/json", **(headers or {})})


@contextlib.contextmanager
def serving(folder: Path):
    """``copydesk serve`` as a user starts it, with its rules (and so its word list) in ``folder``."""
    rules = folder / "copydesk.yaml"
    rules.write_text("checks: {}\n", encoding="utf-8")
    port = free_port()
    log = folder / "server.log"
    with open(log, "wb") as stderr:
        process = subprocess.Popen([sys.executable, "-m", "copydesk", "serve", "--port", str(port), "--rules",
                                    str(rules)], cwd=folder, stdout=subprocess.DEVNULL, stderr=stderr)
    try:
        wait_until_up(port, process, log)
        yield {"port": port, "url": f"http://127.0.0.1:{port}", "folder": folder, "process": process, "log": log}
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with serving(tmp_path_factory.mktemp("newsroom")) as served:
        yield served


def utf16_slice(text: str, offset: int, length: int) -> str:
    units = text.encode("utf-16-le")
    return units[2 * offset:2 * (offset + length)].decode("utf-16-le")


def native_findings(port: int, text: str) -> list[dict]:
    status, _, body = post_json(port, "/api/v1/check", {"text": text})
    assert status == 200, body
    return json.loads(body)["findings"]


def _texts_to_check() -> list[tuple[str, str]]:
    texts = [("emoji and curly quotes", EMOJI_STORY)]
    if SEEDS.exists():
        texts += [(path.name, path.read_text(encoding="utf-8")) for path in sorted(SEEDS.glob("*.txt"))]
    return texts


def test_language_tool_python_gets_copydesks_findings_at_exact_utf16_positions(server):
    from language_tool_python import LanguageTool

    port = server["port"]
    tool = LanguageTool("en-US", remote_server=f"http://127.0.0.1:{port}")
    try:
        checked = 0
        for name, text in _texts_to_check():
            expected = native_findings(port, text)
            matches = tool.check(text)
            assert len(matches) == len(expected), name
            for match, finding in zip(matches, expected):
                assert match.rule_id == finding["rule"] and match.category == finding["check"], name
                # language-tool-python turns the UTF-16 offset into a character offset, as Python counts.
                assert match.offset == finding["offset"], name
                assert text[match.offset:match.offset + len(finding["text"])] == finding["text"], name
                assert match.replacements == finding["suggestions"][:5]
            # And the raw response: offset and length in UTF-16 code units land on the finding's text.
            status, _, body = post_form(port, "/v2/check", {"text": text, "language": "en-US"})
            raw = json.loads(body)
            assert status == 200 and raw["warnings"]["incompleteResults"] is False
            for match, finding in zip(raw["matches"], expected):
                assert utf16_slice(text, match["offset"], match["length"]) == finding["text"], name
                context = match["context"]
                assert utf16_slice(context["text"], context["offset"], context["length"]) == finding["text"]
            checked += len(expected)
        assert checked > 0
    finally:
        tool.close()
    emoji = native_findings(port, EMOJI_STORY)
    assert any(f["rule"] == "real-word-error" and f["text"] == "public heath" for f in emoji)
    if not SEEDS.exists():
        pytest.skip(f"the emoji story passed; the seeds need {SEEDS} (shared data beside the repo)")


def test_lt_annotation_positions_count_the_markup(server):
    data = {"annotation": [{"markup": "<h1>"}, {"text": "Budget"}, {"markup": "</h1>", "interpretAs": "\n\n"},
                           {"markup": "<p>"}, {"text": "Nurses 😀 said “"}, {"markup": "<b>", "interpretAs": ""},
                           {"text": "public heath"}, {"markup": "</b>"}, {"text": " care” costs rose on Monday."},
                           {"markup": "</p>", "interpretAs": "\n\n"}]}
    original = "".join(item.get("text", item.get("markup")) for item in data["annotation"])
    status, _, body = post_form(server["port"], "/v2/check", {"data": json.dumps(data), "language": "auto"})
    assert status == 200, body
    response = json.loads(body)
    assert response["language"]["detectedLanguage"]["code"] == "en-US"
    (match,) = [m for m in response["matches"] if m["rule"]["id"] == "real-word-error"]
    assert utf16_slice(original, match["offset"], match["length"]) == "public heath"
    assert match["rule"]["category"]["id"] == "real-word-error" and match["type"]["typeName"] == "UnknownWord"


def test_lt_rule_and_category_filters(server):
    port = server["port"]
    text = EMOJI_STORY

    def rules(**fields):
        status, _, body = post_form(port, "/v2/check", {"text": text, "language": "en-GB", **fields})
        assert status == 200, body
        return {m["rule"]["id"] for m in json.loads(body)["matches"]}

    everything = rules()
    assert "real-word-error" in everything
    assert "real-word-error" not in rules(disabledRules="real-word-error")
    assert "real-word-error" not in rules(disabledCategories="real-word-error")
    assert rules(enabledOnly="true", enabledRules="real-word-error") == {"real-word-error"}
    status, _, body = post_form(port, "/v2/check", {"text": text, "language": "de-DE"})
    assert status == 400 and b"English" in body
    # curl -d sends UTF-8 as it is, not %-escaped: read as LanguageTool reads it.
    raw = "language=en-US&text=" + text.replace("&", "%26").replace("+", "%2B")
    status, _, body = request(port, "POST", "/v2/check", raw.encode("utf-8"),
                              {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 200 and "real-word-error" in {m["rule"]["id"] for m in json.loads(body)["matches"]}


def test_native_check_is_the_json_reports_document(server):
    import jsonschema

    from copydesk.formatters.json import REPORT_VERSION

    schema = json.loads((Path(__import__("copydesk").__file__).parent / "schemas" / "report.schema.json").read_text())
    story = {"headline": "Clinic budget rises", "captions": ["Nurses at the clinic. (AP)"] * 2,
             "markdown": "Nurses said “public heath care” costs rose, the mayor said.\n", "published": "2024-03-04"}
    status, _, body = post_json(server["port"], "/api/v1/check", story)
    assert status == 200, body
    document = json.loads(body)
    report = {"version": REPORT_VERSION, "tool": {"name": "copydesk", "version": "x"}, "documents": [document],
              "summary": {"documents": 1, "findings": 0, "by_severity": {"error": 0, "warning": 0, "info": 0},
                          "by_rule": {}}}
    jsonschema.validate(report, schema)
    source = "\n\n".join([story["headline"], *story["captions"], story["markdown"]])
    rules = {f["rule"]: f for f in document["findings"]}
    assert {"duplicate-caption", "real-word-error"} <= set(rules)
    for finding in document["findings"]:
        assert source[finding["offset"]:finding["offset"] + finding["length"]] == finding["text"]
    assert rules["duplicate-caption"]["offset"] == len(story["headline"]) + 2 + len(story["captions"][0]) + 2
    assert rules["duplicate-caption"]["fixable"] is True
    assert document["headline"] == "Clinic budget rises" and document["published"]["date"] == "2024-03-04"
    status, _, body = post_json(server["port"], "/api/v1/check", {"text": "x", "select": ["no-such-rule"]})
    assert status == 400 and b"no-such-rule" in body


def test_checks_listing_and_health(server):
    status, _, body = request(server["port"], "GET", "/api/v1/checks")
    checks = {check["name"]: check for check in json.loads(body)["checks"]}
    assert status == 200 and "duplicates" in checks
    assert any(rule["id"] == "real-word-error" and rule["spelling"] for rule in checks["real-word-error"]["rules"])
    assert request(server["port"], "GET", "/healthz")[0] == 200
    status, _, body = request(server["port"], "GET", "/v2/languages")
    assert status == 200 and {"name": "English (US)", "code": "en", "longCode": "en-US"} in json.loads(body)


def test_house_words_through_v2_words(server):
    port, folder = server["port"], server["folder"]
    text = "Budget\n\nPatients said “the public heath” costs rose on Monday.\n"
    assert any(f["rule"] == "real-word-error" for f in native_findings(port, text))
    status, _, body = post_form(port, "/v2/words/add", {"word": "heath"})
    assert (status, json.loads(body)) == (200, {"added": True})
    assert "heath" in (folder / "copydesk-words.txt").read_text(encoding="utf-8").split()
    assert json.loads(request(port, "GET", "/v2/words")[2]) == {"words": ["heath"]}
    assert not any(f["rule"] == "real-word-error" for f in native_findings(port, text))
    # The command line shares the list: the same rules file, the same word.
    story = folder / "story.txt"
    story.write_text(text, encoding="utf-8")
    cli = run_process("check", story, "--rules", folder / "copydesk.yaml", "--format", "json", cwd=folder)
    assert "real-word-error" not in cli.out
    assert json.loads(post_form(port, "/v2/words/delete", {"word": "heath"})[2]) == {"deleted": True}
    assert any(f["rule"] == "real-word-error" for f in native_findings(port, text))
    assert post_form(port, "/v2/words/add", {"word": "two words"})[0] == 400


# --- abuse: loopback only, bounded in time -------------------------------------------------------

def test_a_50_mb_body_gets_413_without_being_read(server):
    port = server["port"]
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(b"POST /api/v1/check HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                           b"Content-Length: 52428800\r\n\r\n" + b"x" * 65536)
        answer = connection.recv(4096)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:100]
    assert time.monotonic() - started < 2
    # Without a declared length (chunked), the body is cut off at the limit too.
    def chunks():
        for _ in range(50 * 16):
            yield b"x" * 65536

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    started = time.monotonic()
    try:
        connection.request("POST", "/v2/check", body=chunks(), encode_chunked=True,
                           headers={"Content-Type": "application/x-www-form-urlencoded"})
        status = connection.getresponse().status
    except (BrokenPipeError, ConnectionResetError):
        status = 413  # the server answered and closed while the client was still sending
    finally:
        connection.close()
    assert status == 413 and time.monotonic() - started < 10


def test_a_slow_client_does_not_block_others(server):
    port = server["port"]
    with socket.create_connection(("127.0.0.1", port), timeout=10) as slow:
        slow.sendall(b"POST /api/v1/check HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 1000\r\n\r\n{\"text\": \"")
        started = time.monotonic()
        for _ in range(5):
            assert native_findings(port, EMOJI_STORY)
        assert request(port, "GET", "/healthz")[0] == 200
        assert time.monotonic() - started < 10


def test_a_thousand_malformed_requests_get_400s_and_the_server_still_answers(server):
    port = server["port"]
    malformed = [
        ("POST", "/api/v1/check", b"{not json", "application/json"),
        ("POST", "/api/v1/check", b"[1, 2]", "application/json"),
        ("POST", "/api/v1/check", b'{"text": 5}', "application/json"),
        ("POST", "/api/v1/check", b'{"text": "a", "markdown": "b"}', "application/json"),
        ("POST", "/api/v1/check", b'{"text": "a", "captions": "b"}', "application/json"),
        ("POST", "/api/v1/check", b'{"text": "a", "published": "yesterday"}', "application/json"),
        ("POST", "/api/v1/check", b"\xff\xfe\x00", "application/json"),
        ("POST", "/v2/check", b"text=a", "application/x-www-form-urlencoded"),
        ("POST", "/v2/check", b"language=en-US", "application/x-www-form-urlencoded"),
        ("POST", "/v2/check", b"language=en-US&data=%7Bbad", "application/x-www-form-urlencoded"),
        ("POST", "/v2/check", b'language=en-US&data={"annotation":[{"x":1}]}', "application/x-www-form-urlencoded"),
        ("POST", "/v2/check", b"language=en-US&text=%ff", "application/x-www-form-urlencoded"),
        ("POST", "/v2/check", b"language=en-US&text=a", "application/json"),
        ("POST", "/v2/words/add", b"", "application/x-www-form-urlencoded"),
        ("GET", "/v2/words?offset=x", None, None),
    ]
    statuses = {}
    for number in range(1000):
        method, path, body, content_type = malformed[number % len(malformed)]
        status, _, answer = request(port, method, path, body, {"Content-Type": content_type} if content_type else {})
        statuses[status] = statuses.get(status, 0) + 1
        assert status == 400, (path, body, answer)
        assert b"Traceback" not in answer and json.loads(answer)["error"]
    assert statuses == {400: 1000}
    assert native_findings(port, EMOJI_STORY)


def test_no_cors_grant_for_an_origin_not_allowed(server):
    port = server["port"]
    status, headers, _ = request(port, "OPTIONS", "/v2/check", headers={
        "Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in headers
    status, headers, _ = request(port, "GET", "/healthz", headers={"Origin": "https://evil.example"})
    assert status == 200 and "access-control-allow-origin" not in headers
    # A page elsewhere cannot make a visitor's browser change the word list (a "simple" form post).
    status, _, _ = post_form(port, "/v2/words/add", {"word": "Evil"}, {"Origin": "https://evil.example"})
    assert status == 403
    assert "Evil" not in json.loads(request(port, "GET", "/v2/words")[2])["words"]
    # LanguageTool's browser add-on sends its extension origin, which no web page can take.
    status, headers, _ = post_form(port, "/v2/check", {"text": "A story.", "language": "auto"},
                                   {"Origin": "chrome-extension://oldceeleldhonbafppcapldpdifcinji"})
    assert status == 200 and "access-control-allow-origin" not in headers


def test_non_loopback_without_a_token_refuses_to_start(cli, tmp_path):
    # Refused before anything is bound: the address is never listened on.
    result = cli("serve", "--host", "0.0.0.0", "--port", "1")
    assert result.code == 2
    assert "refusing to listen on 0.0.0.0 without a token" in result.err and "--token-file" in result.err
    short = tmp_path / "token"
    short.write_text("abc\n")
    result = cli("serve", "--host", "10.1.2.3", "--token-file", short)
    assert result.code == 2 and "at least 16 characters" in result.err


def test_loopback_addresses_are_recognised():
    from copydesk.server.run import is_loopback

    assert all(map(is_loopback, ["127.0.0.1", "127.8.0.1", "::1", "[::1]", "localhost"]))
    assert not any(map(is_loopback, ["0.0.0.0", "::", "10.0.0.1", "example.com", "192.168.1.5"]))


# --- in-process servers, for settings and plugins a user would not normally use ------------------

SLOW_CHECK = '''
import time

from copydesk import Rule, document_check, hookimpl


@document_check(name="slowpoke", description="Spins on a story that says 'slow', past any time budget.",
                rules=[Rule("slow-story", "info", "Never reported: the check runs out of time first.")])
def slowpoke(document, ctx):
    while "slow" in document.source.text:
        time.sleep(0.01)
    return []


@hookimpl
def register_checks():
    return [slowpoke]
'''


class ThreadServer:
    """The app under uvicorn in a thread of this process, on 127.0.0.1."""

    def __init__(self, app) -> None:
        import uvicorn

        self.port = free_port()
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="error",
                                                    access_log=False))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> "ThreadServer":
        self.thread.start()
        wait_until_up(self.port, timeout=20)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def _engine(tmp_path, registry=None, rules="checks: {}\n"):
    from copydesk.config import load_config
    from copydesk.engine import Engine, plan
    from copydesk.plugins import load_registry

    registry = registry or load_registry()
    rules_file = tmp_path / "copydesk.yaml"
    rules_file.write_text(rules, encoding="utf-8")
    config = load_config(str(rules_file))
    return Engine(registry, config, plan(registry, config))


@pytest.mark.parametrize("processes", [False, True], ids=["threads", "worker processes"])
def test_a_check_out_of_time_gives_the_other_findings_and_incomplete_results(tmp_path, monkeypatch, processes):
    from test_plugins import install_plugin

    from copydesk.server.app import Settings, create_app
    from copydesk.server.pool import EngineRecipe

    environment = install_plugin(tmp_path, SLOW_CHECK)
    monkeypatch.syspath_prepend(environment["PYTHONPATH"])  # worker processes are started with this path too
    engine = _engine(tmp_path, rules="limits: {check_seconds: 0.5}\n")
    settings = Settings(processes=processes, workers=1, recipe=EngineRecipe(str(tmp_path / "copydesk.yaml"), 0.5))
    with ThreadServer(create_app(engine, settings)) as served:
        for text, incomplete in (("A slow story: the the council met.", True), ("A quick story: the the end.", False)):
            status, _, body = post_form(served.port, "/v2/check", {"text": text, "language": "en-US"})
            response = json.loads(body)
            assert status == 200 and response["warnings"]["incompleteResults"] is incomplete
            assert [match["rule"]["id"] for match in response["matches"]] == ["repeated-word"]


def test_a_full_queue_answers_503_with_retry_after(tmp_path):
    from copydesk.server.app import Settings, create_app

    engine = _engine(tmp_path)
    release = threading.Event()
    original = engine.check_text

    def held(*args, **kwargs):
        release.wait(10)
        return original(*args, **kwargs)

    engine.check_text = held
    with ThreadServer(create_app(engine, Settings(workers=1, queue_size=1))) as served:
        answers = []

        def post():
            answers.append(post_json(served.port, "/api/v1/check", {"text": "A story."}))

        waiting = [threading.Thread(target=post) for _ in range(2)]
        for thread in waiting:
            thread.start()
        time.sleep(0.5)  # one running, one queued
        status, headers, _ = post_json(served.port, "/api/v1/check", {"text": "A story."})
        assert status == 503 and headers["retry-after"] == "1"
        assert request(served.port, "GET", "/healthz")[0] == 200  # the event loop still answers
        release.set()
        for thread in waiting:
            thread.join(10)
        assert [answer[0] for answer in answers] == [200, 200]


def test_without_a_token_only_requests_addressed_to_this_machine_are_answered(tmp_path):
    from copydesk.server.app import create_app

    # DNS rebinding: a page at evil.example, its name pointed at 127.0.0.1, posts with its own Origin and Host.
    with ThreadServer(create_app(_engine(tmp_path))) as served:
        port = served.port
        rebound = {"Host": f"evil.example:{port}", "Origin": f"http://evil.example:{port}"}
        assert post_form(port, "/v2/words/add", {"word": "Zelenskyy"}, rebound)[0] == 403
        assert post_json(port, "/api/v1/check", {"text": "A story."}, {"Host": "evil.example"})[0] == 403
        for host in (f"127.0.0.1:{port}", f"localhost:{port}", "localhost"):
            assert post_json(port, "/api/v1/check", {"text": "A story."}, {"Host": host})[0] == 200


def test_a_token_is_needed_when_set(tmp_path):
    from copydesk.server.app import Settings, create_app

    token = "s3cret-token-0123456789"
    with ThreadServer(create_app(_engine(tmp_path), Settings(token=token))) as served:
        port = served.port
        assert post_json(port, "/api/v1/check", {"text": "A story."})[0] == 401
        assert post_json(port, "/api/v1/check", {"text": "A story."}, {"Authorization": "Bearer wrong"})[0] == 401
        assert post_json(port, "/api/v1/check", {"text": "A story."}, {"Authorization": f"Bearer {token}"})[0] == 200
        form = {"text": "A story.", "language": "en-US"}
        assert post_form(port, "/v2/check", form)[0] == 401
        assert post_form(port, "/v2/check", {**form, "apiKey": "wrong"})[0] == 401
        assert post_form(port, "/v2/check", {**form, "apiKey": token})[0] == 200
        assert request(port, "GET", f"/v2/words?apiKey={token}")[0] == 200
        assert request(port, "GET", "/v2/words")[0] == 401
        # An empty or bare apiKey in the query is no token, and does not excuse the form from having one.
        for query in ("?apiKey=", "?apiKey", "?apiKey=wrong"):
            assert post_form(port, f"/v2/check{query}", form)[0] == 401
            assert post_form(port, f"/v2/words/add{query}", {"word": "Zelenskyy"})[0] == 401
        assert post_form(port, f"/v2/check?apiKey={token}", form)[0] == 200
        # The editor's page and files hold no copy: the editor asks for the token itself.
        assert [request(port, "GET", path)[0] for path in ("/healthz", "/", "/static/editor.js")] == [200] * 3


def test_an_allowed_origin_gets_a_cors_grant(tmp_path):
    from copydesk.server.app import Settings, create_app

    allowed = "https://cms.newsroom.example"
    with ThreadServer(create_app(_engine(tmp_path), Settings(allow_origins=[allowed]))) as served:
        status, headers, _ = request(served.port, "OPTIONS", "/api/v1/check", headers={
            "Origin": allowed, "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type"})
        assert status == 200 and headers["access-control-allow-origin"] == allowed
        status, headers, _ = post_json(served.port, "/api/v1/check", {"text": "A story."}, {"Origin": allowed})
        assert status == 200 and headers["access-control-allow-origin"] == allowed
        status, headers, _ = request(served.port, "OPTIONS", "/api/v1/check", headers={
            "Origin": "https://other.example", "Access-Control-Request-Method": "POST"})
        assert headers.get("access-control-allow-origin") != "https://other.example"


def test_access_log_has_no_copy(server):
    secret = "Zanzibarian"
    post_form(server["port"], "/v2/check?text=" + secret, {"language": "en-US"})
    post_json(server["port"], "/api/v1/check", {"text": f"A story about {secret} lentils."})
    server["process"].terminate()
    server["process"].wait(timeout=10)
    log = server["log"].read_text(encoding="utf-8")
    assert "POST /api/v1/check 200" in log and "POST /v2/check 200" in log
    assert secret not in log
