"""LanguageTool's HTTP API (``/v2/check``) over copydesk's findings.

LanguageTool's clients (the browser add-on, LibreOffice, Obsidian, language-tool-python…)
let the user set a server URL; answering in LanguageTool's exact shape puts copydesk's
findings into all of them. copydesk checks are LanguageTool's categories and copydesk
rules its rules. Offsets and lengths count UTF-16 code units, as Java strings do.

A request's copy is either ``text`` or ``data``: LanguageTool's annotation JSON, a list of
``{"text": …}`` and ``{"markup": …, "interpretAs": …}`` items. Only the text (and what markup
is to be read as) is checked, and positions count in the whole annotated string, markup
included, as LanguageTool's do.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Any, Mapping

from copydesk import __version__
from copydesk import text as textutil
from copydesk.document import OffsetMap
from copydesk.findings import INCOMPLETE_RULES as ENGINE_INCOMPLETE_RULES, Finding
from copydesk.report import Report, RuleInfo

# Findings that say the check of this text did not finish: LanguageTool's incompleteResults.
INCOMPLETE_RULES = ENGINE_INCOMPLETE_RULES | {"languagetool-unavailable"}
LANGUAGES = [
    {"name": "English", "code": "en", "longCode": "en"},
    {"name": "English (US)", "code": "en", "longCode": "en-US"},
    {"name": "English (GB)", "code": "en", "longCode": "en-GB"},
    {"name": "English (Australian)", "code": "en", "longCode": "en-AU"},
    {"name": "English (Canadian)", "code": "en", "longCode": "en-CA"},
    {"name": "English (New Zealand)", "code": "en", "longCode": "en-NZ"},
    {"name": "English (South African)", "code": "en", "longCode": "en-ZA"},
]
_LANGUAGE_NAMES = {language["longCode"].casefold(): language["name"] for language in LANGUAGES}
_CONTEXT = 40  # characters of context either side, as LanguageTool shows


class RequestError(ValueError):
    """A /v2/check request that cannot be answered; the message says why (HTTP 400)."""


@dataclass
class CheckRequest:
    """A /v2/check request, read: the copy to check and which rules the client wants."""

    text: str
    # Plain-text position -> position in the annotated string the client sent.
    positions: OffsetMap
    original: str
    language: str
    enabled_rules: set[str] = field(default_factory=set)
    disabled_rules: set[str] = field(default_factory=set)
    enabled_categories: set[str] = field(default_factory=set)
    disabled_categories: set[str] = field(default_factory=set)
    enabled_only: bool = False

    def wants(self, finding: Finding) -> bool:
        if finding.rule in self.disabled_rules or finding.check in self.disabled_categories:
            return False
        if self.enabled_only:
            return finding.rule in self.enabled_rules or finding.check in self.enabled_categories
        return True


def _names(value: str | None) -> set[str]:
    return {name.strip() for name in (value or "").split(",") if name.strip()}


def parse_request(form: Mapping[str, str]) -> CheckRequest:
    """Read the parameters of a /v2/check request (form fields or query parameters)."""
    language = form.get("language", "").strip()
    if not language:
        raise RequestError("missing parameter 'language' (e.g. en-US, or auto)")
    if language.casefold() != "auto" and not language.casefold().startswith("en"):
        raise RequestError(f"language {language!r} is not supported: copydesk checks English "
                           "(en, en-US, en-GB, … or auto)")
    if "text" in form:
        text = form["text"]
        positions, original = OffsetMap.shifted(0), text
    elif "data" in form:
        text, positions, original = _annotation(form["data"])
    else:
        raise RequestError("missing parameter 'text' or 'data'")
    enabled_only = form.get("enabledOnly", "false").strip().casefold() == "true"
    request = CheckRequest(
        text, positions, original, language,
        enabled_rules=_names(form.get("enabledRules")), disabled_rules=_names(form.get("disabledRules")),
        enabled_categories=_names(form.get("enabledCategories")),
        disabled_categories=_names(form.get("disabledCategories")), enabled_only=enabled_only)
    if enabled_only and not (request.enabled_rules or request.enabled_categories):
        raise RequestError("enabledOnly=true needs enabledRules or enabledCategories")
    return request


def _annotation(data: str) -> tuple[str, OffsetMap, str]:
    """The checked text of an annotation, its map into the annotated string, and that string."""
    try:
        items = json.loads(data)["annotation"]
    except (ValueError, TypeError, KeyError):
        raise RequestError("'data' must be JSON like {\"annotation\": [{\"text\": …}, "
                           "{\"markup\": …, \"interpretAs\": …}]}") from None
    if not isinstance(items, list):
        raise RequestError("'data': 'annotation' must be a list")
    plain: list[str] = []
    pieces: list[tuple[int, int]] = []
    original: list[str] = []
    plain_length = original_length = 0
    for item in items:
        if not isinstance(item, dict) or not all(isinstance(v, str) for v in item.values()):
            raise RequestError("'data': each annotation item is an object of strings")
        if "text" in item:
            read, written = item["text"], item["text"]
        elif "markup" in item:
            read, written = item.get("interpretAs", ""), item["markup"]
        else:
            raise RequestError("'data': each annotation item has 'text' or 'markup'")
        pieces.append((plain_length, original_length))
        plain.append(read)
        original.append(written)
        plain_length += len(read)
        original_length += len(written)
    return "".join(plain), OffsetMap(pieces or [(0, 0)]), "".join(original)


def _utf16(text: str) -> list[int] | None:
    """UTF-16 offset of each character index of ``text`` (and of its end); None when they agree."""
    if all(ord(char) <= 0xFFFF for char in text):
        return None
    offsets, position = [], 0
    for char in text:
        offsets.append(position)
        position += 2 if ord(char) > 0xFFFF else 1
    offsets.append(position)
    return offsets


def _issue_type(finding: Finding, rule: RuleInfo | None, spelling_rules: set[str]) -> tuple[str, str]:
    """LanguageTool's issueType and type name, which clients colour by."""
    if finding.rule in spelling_rules:
        return "misspelling", "UnknownWord"
    if finding.severity == "info":
        return "style", "Hint"
    if rule is not None and rule.check == "duplicates":
        return "duplication", "Other"
    return "grammar" if finding.severity == "error" else "inconsistency", "Other"


def response(request: CheckRequest, report: Report, spelling_rules: set[str],
             descriptions: Mapping[str, str]) -> dict[str, Any]:
    """The LanguageTool response to ``request``, from copydesk's report on its text.

    ``descriptions`` gives each check's description (the category name clients show).
    """
    original = request.original
    units = _utf16(original)

    def unit(index: int) -> int:
        return index if units is None else units[index]

    sentences = textutil.split_sentences(request.text)
    sentence_starts = [start for start, _ in sentences]
    findings = [finding for result in report.results for finding in result.findings]
    incomplete = any(finding.rule in INCOMPLETE_RULES for finding in findings)
    matches = []
    for finding in findings:
        if finding.rule in INCOMPLETE_RULES or not request.wants(finding):
            continue
        plain_start, plain_end = finding.offset, finding.offset + finding.location.length
        start, end = request.positions.span(plain_start, plain_end)
        context_start, context_end = max(0, start - _CONTEXT), min(len(original), end + _CONTEXT)
        number = max(0, bisect_right(sentence_starts, plain_start) - 1)
        sentence = request.text[slice(*sentences[number])] if sentences else request.text
        rule = report.rules.get(finding.rule)
        issue_type, type_name = _issue_type(finding, rule, spelling_rules)
        check = rule.check if rule else finding.check
        matches.append({
            "message": finding.message,
            "shortMessage": "",
            "replacements": [{"value": suggestion} for suggestion in finding.suggestions[:5]],
            "offset": unit(start),
            "length": unit(end) - unit(start),
            "context": {
                "text": original[context_start:context_end],
                "offset": unit(start) - unit(context_start),
                "length": unit(end) - unit(start),
            },
            "sentence": sentence,
            "type": {"typeName": type_name},
            "rule": {
                "id": finding.rule,
                "description": rule.description if rule else finding.rule,
                "issueType": issue_type,
                "category": {"id": check, "name": descriptions.get(check, check)},
                "urls": [],
            },
            "ignoreForIncompleteSentence": False,
            "contextForSureMatch": 0,
        })
    language = request.language if request.language.casefold() != "auto" else "en-US"
    name = _LANGUAGE_NAMES.get(language.casefold(), "English")
    return {
        "software": {"name": "copydesk", "version": __version__, "buildDate": None, "apiVersion": 1,
                     "premium": False, "status": ""},
        "warnings": {"incompleteResults": incomplete},
        "language": {
            "name": name, "code": language,
            "detectedLanguage": {"name": _LANGUAGE_NAMES.get("en-us"), "code": "en-US", "confidence": 0.99},
        },
        "matches": matches,
    }
