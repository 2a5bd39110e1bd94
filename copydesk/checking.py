"""How a check is declared and what it is handed when it runs.

A check is a function decorated with :func:`document_check` (called once per
story) or :func:`collection_check` (called once with every story of a run). The
decorator records its name, description, rules and options; the host reads the
effective options and severities from ``rules.yaml`` and a newsroom's own file.

    from copydesk import Rule, document_check

    @document_check(
        name="exclamation",
        description="Exclamation marks outside quotes.",
        rules=[Rule("exclamation-mark", "warning", "An exclamation mark in running copy.")],
    )
    def exclamation(doc, ctx):
        for block in doc.body:
            for i, char in enumerate(block.text):
                if char == "!":
                    yield ctx.finding("exclamation-mark", "Avoid exclamation marks.",
                                      block.source_span(i, i + 1), suggestions=["."])
"""

from __future__ import annotations

import typing
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Literal, Mapping, Sequence

from copydesk.document import Document
from copydesk.findings import SEVERITIES, Finding, Location

MISSING: Any = object()


@dataclass(frozen=True)
class Rule:
    """A rule id a check can report, with its default severity."""

    id: str
    severity: str
    description: str

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"rule {self.id}: severity must be one of {', '.join(SEVERITIES)}")


@dataclass(frozen=True)
class Option:
    """A setting of a check.

    ``type`` is ``bool``, ``int``, ``float``, ``str``, ``list[str]``,
    ``dict[str, str]`` or ``list[dict]``. Built-in checks keep their defaults in
    ``rules.yaml``; a third-party check gives ``default`` here.
    """

    name: str
    type: Any
    description: str
    default: Any = MISSING

    def problem_with(self, value: Any) -> str | None:
        """Why ``value`` does not fit this option, or None when it does."""
        if _fits(value, self.type):
            return None
        return f"expected {_type_name(self.type)}, got {_type_name(type(value))} {value!r:.60}"


def _fits(value: Any, expected: Any) -> bool:
    origin = typing.get_origin(expected)
    if origin is None:
        if expected is float:
            return isinstance(value, (int, float)) and not isinstance(value, bool)
        if expected is int:
            return isinstance(value, int) and not isinstance(value, bool)
        return isinstance(value, expected)
    args = typing.get_args(expected)
    if origin is list:
        return isinstance(value, list) and all(_fits(item, args[0]) for item in value)
    if origin is dict:
        return isinstance(value, dict) and all(
            _fits(k, args[0]) and _fits(v, args[1]) for k, v in value.items()
        )
    raise TypeError(f"unsupported option type {expected!r}")


def _type_name(kind: Any) -> str:
    if typing.get_origin(kind) is None:
        return {bool: "a boolean", int: "an integer", float: "a number", str: "a string",
                list: "a list", dict: "a mapping", type(None): "nothing"}.get(kind, kind.__name__)
    return str(kind).replace("typing.", "")


@dataclass(frozen=True)
class Check:
    """A declared check. Create one with :func:`document_check` or :func:`collection_check`."""

    name: str
    description: str
    rules: tuple[Rule, ...]
    options: tuple[Option, ...]
    scope: Literal["document", "collection"]
    function: Callable[..., Iterable[Finding]] = field(repr=False)

    def rule(self, rule_id: str) -> Rule | None:
        return next((rule for rule in self.rules if rule.id == rule_id), None)

    def option(self, name: str) -> Option | None:
        return next((option for option in self.options if option.name == name), None)


def _declare(scope: Literal["document", "collection"], name: str, description: str,
             rules: Sequence[Rule], options: Sequence[Option]) -> Callable[[Callable], Check]:
    def wrap(function: Callable) -> Check:
        return Check(name, description, tuple(rules), tuple(options), scope, function)

    return wrap


def document_check(*, name: str, description: str, rules: Sequence[Rule],
                   options: Sequence[Option] = ()) -> Callable[[Callable], Check]:
    """Declare ``function(document, ctx) -> Iterable[Finding]``, run once per story."""
    return _declare("document", name, description, rules, options)


def collection_check(*, name: str, description: str, rules: Sequence[Rule],
                     options: Sequence[Option] = ()) -> Callable[[Callable], Check]:
    """Declare ``function(documents, ctx) -> Iterable[Finding]``, run once per run."""
    return _declare("collection", name, description, rules, options)


class CheckContext:
    """What a running check gets besides the story: its options and a finding factory."""

    def __init__(self, check: Check, options: Mapping[str, Any], severities: Mapping[str, str],
                 document: Document | None = None) -> None:
        self.check = check
        self.options = options
        self.severities = severities
        self.document = document

    def location(self, span: tuple[int, int], *, document: Document | None = None,
                 message: str = "") -> Location:
        """A :class:`Location` for a source span (character offsets) of a story."""
        source = (document or self._current()).source
        start, end = span
        line, column = source.position(start)
        end_line, end_column = source.position(end)
        return Location(source.path, start, end - start, line, column, end_line, end_column,
                        source.text[start:end], message)

    def finding(self, rule: str, message: str, span: tuple[int, int], *,
                document: Document | None = None, suggestions: Sequence[str] = (),
                related: Sequence[Location] = ()) -> Finding:
        """A finding of one of this check's rules at a source span of a story."""
        if self.check.rule(rule) is None:
            raise ValueError(f"check {self.check.name!r} has no rule {rule!r}")
        document = document or self._current()
        return Finding(
            check=self.check.name,
            rule=rule,
            severity=self.severities.get(rule, "warning"),
            message=message,
            location=self.location(span, document=document),
            suggestions=list(suggestions),
            related=list(related),
            document_id=document.id,
        )

    def _current(self) -> Document:
        if self.document is None:
            raise ValueError("a collection check must say which document a finding is in")
        return self.document
