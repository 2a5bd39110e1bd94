"""languagetool: grammar and style through LanguageTool, an optional backend.

LanguageTool is a Java server (~260 MB) that no package registry ships, so it
is never downloaded at check time. ``mode: local`` starts an installed copy
(``copydesk languagetool install`` downloads one, once, through
language-tool-python; Java is needed); ``mode: remote`` talks to a self-hosted
server by URL. When neither works the run gets one ``info`` finding saying
why and how to enable it.

Each story is sent once, its blocks joined by blank lines, to LanguageTool's
HTTP API (``POST /v2/check``). Match offsets count UTF-16 code units (Java
strings); they are turned into characters and mapped through each block's
offset map, so a match points into the original Markdown, HTML or JSON.
"""

from __future__ import annotations

import json
import shutil
import time
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterator
from urllib.parse import urlencode, urljoin

from copydesk.checking import CheckContext, Option, Rule, collection_check
from copydesk.document import Document
from copydesk.findings import Finding
from copydesk.hookspecs import hookimpl

# LanguageTool issue types that are slips rather than matters of style.
_SLIPS = frozenset({"misspelling", "grammar", "duplication", "inconsistency", "typographical"})
_BLOCK_SEPARATOR = "\n\n"
# How long a server that did not answer is left alone before it is asked again.
RETRY_SECONDS = 60.0
HOW_TO_ENABLE = ("install it with `pip install 'copydesk[languagetool]' && copydesk languagetool install` "
                 "(needs Java), or set checks: languagetool: mode: remote and url: in copydesk.yaml")


class Unavailable(Exception):
    """LanguageTool cannot be used; the message says why."""


@dataclass
class Server:
    url: str  # ending in /v2/
    timeout: float
    # Why the server stopped answering, and when: it is not waited for again for a while, so a run
    # does not wait on every story, and a long-running copydesk (serve, lsp) tries it again later.
    failure: str | None = None
    failed_at: float = 0.0

    def check(self, text: str, options: dict[str, Any]) -> list[dict[str, Any]]:
        from urllib.request import Request, urlopen  # ~20 ms: only when LanguageTool is used

        if self.failure and time.monotonic() - self.failed_at < RETRY_SECONDS:
            raise Unavailable(self.failure)

        form = {"text": text, "language": options["language"]}
        for field, key in (("disabledRules", "disabled_rules"), ("enabledRules", "enabled_rules"),
                           ("disabledCategories", "disabled_categories"),
                           ("enabledCategories", "enabled_categories")):
            if options[key]:
                form[field] = ",".join(options[key])
        request = Request(urljoin(self.url, "check"), data=urlencode(form).encode(), method="POST")
        try:
            with urlopen(request, timeout=self.timeout) as response:
                matches = json.load(response)["matches"]
        except (OSError, ValueError, KeyError) as error:
            self.failure, self.failed_at = f"LanguageTool at {self.url} did not answer ({error})", time.monotonic()
            raise Unavailable(self.failure) from error
        self.failure = None
        return matches


@lru_cache(maxsize=4)
def connect(mode: str, url: str, timeout: float) -> Server:
    """The server to talk to, started once per process in local mode; Unavailable says why not."""
    if mode == "remote":
        if not url:
            raise Unavailable("mode is remote but no url is set")
        return Server(url.rstrip("/") + "/v2/", timeout)
    try:
        from language_tool_python import LanguageTool
        from language_tool_python.download_lt import LocalLanguageTool
    except ImportError as error:
        raise Unavailable("language-tool-python is not installed") from error
    installed = LocalLanguageTool.get_latest_installed_version()
    if installed is None:
        raise Unavailable("no local LanguageTool is installed")
    if shutil.which("java") is None:
        raise Unavailable("Java is not installed (LanguageTool needs it)")
    version = installed.get_directory_path().name.removeprefix("LanguageTool-")
    try:
        tool = LanguageTool(language_tool_download_version=version)
    except Exception as error:  # noqa: BLE001 - any failure to start is "unavailable", never a crash
        raise Unavailable(f"the local LanguageTool {version} did not start ({error})") from error
    return Server(tool.url, timeout)


def utf16_to_index(text: str) -> list[int] | None:
    """For each UTF-16 offset into ``text``, the character index; None when they are the same."""
    if text.isascii() or all(ord(char) <= 0xFFFF for char in text):
        return None
    index = []
    for position, char in enumerate(text):
        index.extend([position] * (2 if ord(char) > 0xFFFF else 1))
    index.append(len(text))
    return index


def _summarise(document: Document, ctx: CheckContext) -> dict[str, Any]:
    options = ctx.options
    first = ctx.location(document.blocks[0].span if document.blocks else (0, 0), document=document)
    if options["mode"] == "off":
        return {"id": document.id, "matches": [], "unavailable": None, "first": first}
    try:
        server = connect(options["mode"], options["url"], float(options["timeout_seconds"]))
        blocks = [block for block in document.blocks if block.kind != "residue"]
        text = _BLOCK_SEPARATOR.join(block.text for block in blocks)
        matches = server.check(text, options)
    except Unavailable as error:
        ctx.incomplete = str(error)  # an outage is not the story's result: no cache keeps it
        return {"id": document.id, "matches": [], "unavailable": str(error), "first": first}
    starts, position = [], 0
    for block in blocks:
        starts.append(position)
        position += len(block.text) + len(_BLOCK_SEPARATOR)
    characters = utf16_to_index(text)
    found = []
    for match in matches:
        start, end = match["offset"], match["offset"] + match["length"]
        if characters is not None:
            start, end = characters[start], characters[min(end, len(characters) - 1)]
        number = bisect_right(starts, start) - 1
        block = blocks[number]
        local_start = start - starts[number]
        local_end = min(end - starts[number], len(block.text))
        rule = match.get("rule", {})
        found.append({
            "location": ctx.location(block.source_span(local_start, local_end), document=document),
            "message": f"{match['message']} [{rule.get('id', 'LT')}]",
            "suggestions": [r["value"] for r in match.get("replacements", [])[:5]],
            "slip": rule.get("issueType", "") in _SLIPS,
        })
    return {"id": document.id, "matches": found, "unavailable": None, "first": first}


@collection_check(
    name="languagetool",
    description="Grammar and style through LanguageTool (optional: an installed or self-hosted server).",
    rules=[
        Rule("languagetool", "warning",
             "A LanguageTool match; style, register and other non-slips are reported as info."),
        Rule("languagetool-unavailable", "info", "LanguageTool could not be used in this run: why, and how to enable it."),
    ],
    summarise=_summarise,
    options=[
        Option("mode", str, "off, local (an installed LanguageTool) or remote (url).",
               choices=("off", "local", "remote")),
        Option("url", str, "The server for mode remote, e.g. http://lt.newsroom.internal:8081."),
        Option("language", str, "LanguageTool language code: en-US, en-GB, …"),
        Option("disabled_rules", list[str], "LanguageTool rule ids never reported."),
        Option("enabled_rules", list[str], "LanguageTool rule ids switched on (off by default in LanguageTool)."),
        Option("disabled_categories", list[str], "LanguageTool category ids never reported."),
        Option("enabled_categories", list[str], "LanguageTool category ids switched on."),
        Option("timeout_seconds", float, "How long to wait for LanguageTool per story."),
    ],
)
def languagetool(summaries: list[dict[str, Any]], ctx: CheckContext) -> Iterator[Finding]:
    reported_unavailable = False
    for summary in summaries:
        document_id = summary["id"]
        if summary["unavailable"] and not reported_unavailable:
            reported_unavailable = True
            yield ctx.finding("languagetool-unavailable",
                              f"LanguageTool is not available: {summary['unavailable']}. To use it, {HOW_TO_ENABLE}.",
                              summary["first"], document_id=document_id)
        for match in summary["matches"]:
            yield ctx.finding("languagetool", match["message"], match["location"], document_id=document_id,
                              suggestions=match["suggestions"], severity=None if match["slip"] else "info")


@hookimpl
def register_checks() -> list:
    return [languagetool]
