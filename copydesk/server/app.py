"""The ASGI application of ``copydesk serve``: routes, limits, tokens, CORS and the access log.

Checking is CPU work in Python: it runs in engine workers (:mod:`copydesk.server.pool`) behind
a bounded queue, so the event loop keeps answering (``/healthz`` under load) and a burst beyond
the queue gets 503 with ``Retry-After`` instead of piling up memory.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import ipaddress
import json
import logging
import time
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, AsyncIterator, Awaitable, Callable, Mapping
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from copydesk import house_words
from copydesk.cli import usable_cpus
from copydesk.engine import Engine, UsageError
from copydesk.server import documents, drafts, languagetool as lt
from copydesk.server.pool import Checker, EngineRecipe, checks_for

log = logging.getLogger("copydesk.server")

# The editor page: its own script only, no inline script, nothing from another origin. Inline
# style is allowed (as in the HTML report): CodeMirror positions its widgets with it.
EDITOR_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; "
                 "img-src 'self' data:; form-action 'none'; base-uri 'none'; frame-ancestors 'none'")
_STATIC = {"editor.js": "text/javascript; charset=utf-8", "editor.css": "text/css; charset=utf-8"}


@dataclass
class Settings:
    """How the server is bounded; the defaults are the safe ones."""

    token: str | None = None
    allow_origins: list[str] = field(default_factory=list)
    max_body_bytes: int = 1_000_000
    # The Engine's budget for each check on a story (limits: check_seconds).
    time_limit_seconds: float = 10.0
    # Checks at once: one per CPU. In worker processes (each with its own Engine, built from
    # ``recipe``) when ``processes``, else in threads of the server's process, which share one core.
    workers: int = field(default_factory=usable_cpus)
    processes: bool = False
    recipe: EngineRecipe | None = None
    queue_size: int = 64
    # Complete answers kept for copy sent again unchanged (0: none).
    cache_entries: int = 256


def _error(status: int, message: str, headers: Mapping[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": message}, status, headers=dict(headers or {}))


async def _body(request: Request) -> bytes:
    """The request body, refused with 413 as soon as it passes the limit (never read whole)."""
    limit = request.app.state.settings.max_body_bytes
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise HTTPException(413, f"the request body is over the limit of {limit:,} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise HTTPException(413, f"the request body is over the limit of {limit:,} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


async def _form(request: Request) -> dict[str, str]:
    """Query parameters and a URL-encoded form body, as LanguageTool's clients send them."""
    if hasattr(request.state, "form"):  # the body is read once: the apiKey check may have read it
        return request.state.form
    fields = dict(request.query_params)
    body = await _body(request)
    if body:
        content_type = request.headers.get("content-type", "").split(";")[0].strip().casefold()
        if content_type not in ("", "application/x-www-form-urlencoded"):
            raise HTTPException(400, "send the parameters form-encoded (application/x-www-form-urlencoded)")
        try:
            fields.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=True,
                                    errors="strict", max_num_fields=100))
        except (UnicodeDecodeError, ValueError) as error:
            raise HTTPException(400, f"malformed form body: {error}") from None
    request.state.form = fields
    return fields


async def _json_object(request: Request) -> dict[str, Any]:
    body = await _body(request)
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, ValueError) as error:
        raise HTTPException(400, f"malformed JSON: {error}") from None
    if not isinstance(data, dict):
        raise HTTPException(400, "the request body must be a JSON object")
    return data


def _names(data: Mapping[str, Any], key: str) -> tuple[str, ...]:
    value = data.get(key, [])
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list) or not all(isinstance(name, str) for name in value):
        raise HTTPException(400, f"'{key}' must be a list of check or rule names")
    return tuple(name.strip() for name in value if name.strip())


async def native_check(request: Request) -> Response:
    """POST /api/v1/check: the document object of the JSON report."""
    data = await _json_object(request)
    checker: Checker = request.app.state.checker
    revision = None
    if "draft" in data:
        data, revision = _draft_story(request, data)
    try:
        story = documents.story_from_request(data)
    except documents.RequestError as error:
        raise HTTPException(400, str(error)) from None
    select, ignore = _names(data, "select"), _names(data, "ignore")
    try:
        checks_for(checker.engine, select, ignore)  # unknown names are the client's mistake
    except UsageError as error:
        raise HTTPException(400, str(error)) from None
    answer = await checker.native(story, select, ignore)
    # The document object is the JSON report's; a draft's new revision travels beside it.
    return Response(answer, media_type="application/json",
                    headers=None if revision is None else {DRAFT_REVISION_HEADER: str(revision)})


DRAFT_REVISION_HEADER = "Copydesk-Draft-Revision"


def _draft_story(request: Request, data: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """A draft request (``draft``, ``revision``, ``blocks``, ``format``) as the request for its whole story."""
    body_format = data.get("format", "text")
    if body_format not in documents.BODY_FORMATS:
        raise HTTPException(400, f"'format' must be one of {', '.join(documents.BODY_FORMATS)}")
    if any(key in data for key in documents.BODY_FORMATS):
        raise HTTPException(400, "send a draft's 'blocks' or the copy as 'text', 'markdown' or 'html', not both")
    held: drafts.Drafts = request.app.state.drafts
    try:
        story, revision = held.assemble(data["draft"], data.get("revision"), data.get("blocks"))
    except drafts.DraftError as error:
        raise HTTPException(400, str(error)) from None
    except drafts.StaleDraft as error:
        raise HTTPException(409, str(error)) from None
    limit = request.app.state.settings.max_body_bytes
    if len(story) > limit or len(story.encode("utf-8", "surrogatepass")) > limit:
        held.forget(data["draft"])
        raise HTTPException(413, f"the draft's story is over the limit of {limit:,} bytes")
    return {**data, body_format: story}, revision


async def list_checks(request: Request) -> Response:
    """GET /api/v1/checks: every check, its rules and their severities in this server's rules."""
    engine: Engine = request.app.state.checker.engine
    listing = []
    for check in engine.registry.checks.values():
        severities = engine.config.severities(check)
        listing.append({
            "name": check.name, "description": check.description, "enabled": engine.config.enabled(check),
            "scope": check.scope,
            "rules": [{"id": rule.id, "severity": severities[rule.id], "description": rule.description,
                       "spelling": rule.spelling} for rule in check.rules],
        })
    return JSONResponse({"checks": listing})


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def lt_check(request: Request) -> Response:
    """POST (or GET) /v2/check, in LanguageTool's shape."""
    form = await _form(request)
    try:
        asked = lt.parse_request(form)
    except lt.RequestError as error:
        raise HTTPException(400, str(error)) from None
    checker: Checker = request.app.state.checker
    return Response(await checker.languagetool(asked), media_type="application/json")


async def lt_languages(request: Request) -> Response:
    return JSONResponse(lt.LANGUAGES)


def _word_list(request: Request) -> house_words.HouseWords:
    return request.app.state.checker.engine.house_words


async def words(request: Request) -> Response:
    """GET /v2/words: the house word list (LanguageTool's offset and limit page it)."""
    try:
        offset = int(request.query_params.get("offset", "0"))
        limit = int(request.query_params.get("limit", "10000"))
    except ValueError:
        raise HTTPException(400, "offset and limit must be whole numbers") from None
    if offset < 0 or limit < 0:
        raise HTTPException(400, "offset and limit must not be negative")
    return JSONResponse({"words": _word_list(request).words()[offset:offset + limit]})


async def words_change(request: Request) -> Response:
    """POST /v2/words/add and /v2/words/delete, form field ``word``."""
    form = await _form(request)
    word = form.get("word")
    if word is None:
        raise HTTPException(400, "missing parameter 'word'")
    adding = request.url.path.endswith("/add")
    try:
        changed = _word_list(request).add(word) if adding else _word_list(request).delete(word)
    except ValueError as error:
        raise HTTPException(400, str(error)) from None
    except house_words.HouseWordsError as error:
        log.error("%s", error)
        raise HTTPException(500, "the house word list could not be written (see the server log)") from None
    return JSONResponse({"added" if adding else "deleted": changed})


async def editor(request: Request) -> Response:
    page = resources.files("copydesk.server").joinpath("static/index.html").read_text(encoding="utf-8")
    return Response(page, media_type="text/html; charset=utf-8", headers=_page_headers())


async def static(request: Request) -> Response:
    name = request.path_params["name"]
    if name not in _STATIC:  # a fixed list: no path from the request ever reaches the file system
        raise HTTPException(404, "not found")
    content = resources.files("copydesk.server").joinpath(f"static/{name}").read_bytes()
    return Response(content, media_type=_STATIC[name], headers=_page_headers())


def _page_headers() -> dict[str, str]:
    return {"Content-Security-Policy": EDITOR_POLICY, "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer", "Cache-Control": "no-cache"}


async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    return _error(error.status_code, error.detail, error.headers)


async def _server_error(request: Request, error: Exception) -> Response:
    log.exception("error answering %s %s", request.method, request.url.path)
    return _error(500, "internal error (see the server log)")


class Guard:
    """Outermost layer: the access log, the token, and refusing cross-origin writes.

    The access log records method, path (never the query: LanguageTool clients may put the
    copy there), status, response size and time — never copy.
    """

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings
        self.allowed = set(settings.allow_origins)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status, size = 0, 0

        async def logged(message: Message) -> None:
            nonlocal status, size
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                size += len(message.get("body", b""))
            await send(message)

        try:
            refusal = self._refusal(scope)
            if refusal is not None:
                await refusal(scope, receive, logged)
            else:
                await self.app(scope, receive, logged)
        finally:
            log.info("%s %s %d %d %.1fms", scope["method"], scope["path"], status, size,
                     (time.perf_counter() - started) * 1000)

    def _refusal(self, scope: Scope) -> Response | None:
        headers = {key.decode("latin-1").casefold(): value.decode("latin-1") for key, value in scope["headers"]}
        if not self.settings.token and not is_loopback(_host_name(headers.get("host", ""))):
            # A server without a token listens on loopback only; a page whose own name was made to
            # point at 127.0.0.1 (DNS rebinding) would pass the same-origin test below, not this one.
            return _error(403, "this server answers only requests addressed to this machine "
                               "(Host: 127.0.0.1 or localhost)")
        origin = headers.get("origin")
        if origin and origin not in self.allowed and not _same_origin(origin, headers.get("host", "")) \
                and not origin.startswith(_EXTENSION_ORIGINS):
            if scope["method"] not in ("GET", "HEAD", "OPTIONS"):
                # A page elsewhere may not make a visitor's browser check copy or change the word list.
                return _error(403, f"requests from {origin} are not allowed (see --allow-origin)")
        if self.settings.token and not _public(scope):
            verdict = _authorised(scope, headers, self.settings.token)
            if verdict is False:
                return _error(401, "a token is needed: Authorization: Bearer TOKEN, or the apiKey parameter",
                              {"WWW-Authenticate": "Bearer"})
            if verdict is True:  # the routes that read forms need not look for apiKey again
                scope.setdefault("state", {})[_TOKEN_CHECKED] = True
        return None


# Browser add-ons (LanguageTool's among them) send their own origin, which no web page can
# take: they are the user's own tools, not a page elsewhere riding on the user's browser.
_EXTENSION_ORIGINS = ("chrome-extension://", "moz-extension://", "safari-web-extension://")


def _public(scope: Scope) -> bool:
    """What needs no token: the health check, CORS preflights, and the editor's page and files
    (they hold no copy; the editor asks for the token before it checks anything)."""
    path = scope["path"]
    return path in ("/", "/healthz") or path.startswith("/static/") or scope["method"] == "OPTIONS"


LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})


def is_loopback(host: str) -> bool:
    """Whether ``host`` names only this machine (127.0.0.0/8, ::1, localhost)."""
    if host.casefold() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False



def _host_name(host: str) -> str:
    """The name in a Host header, without its port ("[::1]:8081" → "[::1]")."""
    if host.startswith("["):
        return host[:host.find("]") + 1]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def _same_origin(origin: str, host: str) -> bool:
    return origin.split("://", 1)[-1] == host


_TOKEN_CHECKED = "copydesk_token_checked"


def _authorised(scope: Scope, headers: Mapping[str, str], token: str) -> bool | None:
    """True when the request carries the token, False when it does not, None when a LanguageTool
    form may still carry it (a POST to /v2/: the route checks ``apiKey`` once the form is read)."""
    given = headers.get("authorization", "")
    if given[:7].casefold() == "bearer ":
        return hmac.compare_digest(given[7:].strip().encode(), token.encode())
    query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True))
    if "apiKey" in query:
        return hmac.compare_digest(query["apiKey"].encode(), token.encode())
    return None if scope["method"] == "POST" and scope["path"].startswith("/v2/") else False


def _api_key_checked(handler: Callable[[Request], Awaitable[Response]]) -> Callable[[Request], Awaitable[Response]]:
    """LanguageTool's clients send the key as the form field ``apiKey``: checked once the form is read,
    unless the guard has already found the token in the request's header or query."""

    async def checked(request: Request) -> Response:
        token = request.app.state.settings.token
        if token and not request.scope.get("state", {}).get(_TOKEN_CHECKED):
            form = await _form(request)
            if not hmac.compare_digest(form.get("apiKey", "").encode(), token.encode()):
                raise HTTPException(401, "a token is needed: Authorization: Bearer TOKEN, or the apiKey parameter",
                                    headers={"WWW-Authenticate": "Bearer"})
        return await handler(request)

    return checked


def create_app(engine: Engine, settings: Settings | None = None) -> Starlette:
    settings = settings or Settings()
    routes = [
        Route("/", editor, methods=["GET"]),
        Route("/static/{name}", static, methods=["GET"]),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/api/v1/check", native_check, methods=["POST"]),
        Route("/api/v1/checks", list_checks, methods=["GET"]),
        Route("/v2/check", _api_key_checked(lt_check), methods=["GET", "POST"]),
        Route("/v2/languages", lt_languages, methods=["GET"]),
        Route("/v2/words", words, methods=["GET"]),
        Route("/v2/words/add", _api_key_checked(words_change), methods=["POST"]),
        Route("/v2/words/delete", _api_key_checked(words_change), methods=["POST"]),
    ]
    middleware = []
    if settings.allow_origins:
        middleware.append(Middleware(CORSMiddleware, allow_origins=settings.allow_origins,
                                     allow_methods=["GET", "POST"],
                                     allow_headers=["Authorization", "Content-Type"],
                                     expose_headers=[DRAFT_REVISION_HEADER]))
    checker = Checker(engine, workers=settings.workers, queue_size=settings.queue_size,
                      processes=settings.processes, recipe=settings.recipe, cache_entries=settings.cache_entries,
                      # past every check's time limit
                      backstop_seconds=settings.time_limit_seconds * max(1, len(engine.checks)) + 5)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await asyncio.to_thread(checker.start)  # every worker ready before the first request
        yield
        checker.close()

    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan,
                    exception_handlers={HTTPException: _http_error, Exception: _server_error})
    app.state.settings = settings
    app.state.drafts = drafts.Drafts()
    app.state.checker = checker
    return Guard(app, settings)  # type: ignore[return-value]
