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

``ctx.finding`` fills in the check name, the effective severity and the exact
line and column; ``ctx.options`` holds the effective options.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Literal, Mapping, Sequence

from copydesk.document import Document
from copydesk.findings import SEVERITIES, SEVERITY_RANK, Finding, Location

MISSING: Any = object()


@dataclass(frozen=True)
class Rule:
    """A rule id a check can report, with its default severity.

    A ``spelling`` rule questions how a word is spelt: it never reports a word on the newsroom's
    house word list (``copydesk-words.txt``).
    """

    id: str
    severity: str
    description: str
    spelling: bool = False

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"rule {self.id}: severity must be one of {', '.join(SEVERITIES)}")


@dataclass(frozen=True)
class Option:
    """A setting of a check.

    ``type`` is ``bool``, ``int``, ``float``, ``str``, ``list[str]``,
    ``dict[str, str]`` or ``list[dict]``. Built-in checks keep their defaults in
    ``rules.yaml``; a third-party check gives ``default`` here. ``choices``
    lists the values a ``str`` option may take, when it is one of a few.
    ``validate`` returns why a value of the right type is still unusable (a
    regular expression RE2 cannot run), so that the rules file is refused when
    it is loaded rather than the check failing on every story.
    """

    name: str
    type: Any
    description: str
    default: Any = MISSING
    choices: tuple[str, ...] = ()
    validate: Callable[[Any], str | None] | None = None

    def problem_with(self, value: Any) -> str | None:
        """Why ``value`` does not fit this option, or None when it does."""
        if not _fits(value, self.type):
            return f"expected {_type_name(self.type)}, got {_type_name(type(value))} {value!r:.60}"
        if self.choices and value not in self.choices:
            return f"expected one of {', '.join(self.choices)}, got {value!r:.60}"
        return self.validate(value) if self.validate else None


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
    """A declared check. Create one with :func:`document_check` or :func:`collection_check`.

    A document check's ``function(document, ctx)`` yields findings. A collection
    check sees every story of a run in two steps, so that a run never has to
    hold all its stories in memory: ``summarise(document, ctx)`` returns a small
    picklable summary of each story as it is read, and ``function(summaries,
    ctx)`` yields findings once all are in.
    """

    name: str
    description: str
    rules: tuple[Rule, ...]
    options: tuple[Option, ...]
    scope: Literal["document", "collection"]
    function: Callable[..., Iterable[Finding]] = field(repr=False)
    summarise: Callable[..., Any] | None = field(default=None, repr=False)
    # A collection check that compares stories has nothing to say about fewer than this many: a run
    # with fewer neither summarises them nor calls ``function`` (a one-story check loads nothing for it).
    min_stories: int = 1
    # Rules by id: every finding looks its rule up, and a story can have tens of thousands.
    _rules_by_id: dict[str, Rule] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_rules_by_id", {rule.id: rule for rule in reversed(self.rules)})

    def rule(self, rule_id: str) -> Rule | None:
        return self._rules_by_id.get(rule_id)

    def option(self, name: str) -> Option | None:
        return next((option for option in self.options if option.name == name), None)


def document_check(*, name: str, description: str, rules: Sequence[Rule],
                   options: Sequence[Option] = ()) -> Callable[[Callable], Check]:
    """Declare ``function(document, ctx) -> Iterable[Finding]``, run once per story."""
    def wrap(function: Callable) -> Check:
        return Check(name, description, tuple(rules), tuple(options), "document", function)

    return wrap


def collection_check(*, name: str, description: str, rules: Sequence[Rule],
                     summarise: Callable[[Document, CheckContext], Any],
                     options: Sequence[Option] = (), min_stories: int = 1) -> Callable[[Callable], Check]:
    """Declare ``function(summaries, ctx) -> Iterable[Finding]``, run once per run.

    ``summarise(document, ctx)`` is called for each story as it is read; its
    results, in reading order, are what ``function`` gets. A check that compares
    stories sets ``min_stories``: a run with fewer stories skips it.
    """
    def wrap(function: Callable) -> Check:
        return Check(name, description, tuple(rules), tuple(options), "collection", function, summarise,
                     min_stories)

    return wrap


class CheckContext:
    """What a running check gets besides the story: its options and a finding factory.

    A check may also put a summary of what it found in ``summary`` (a
    JSON-serialisable mapping): a document check about the story, a collection
    check about the run. Reports that can show it do.
    """

    def __init__(self, check: Check, options: Mapping[str, Any], severities: Mapping[str, str],
                 document: Document | None = None) -> None:
        self.check = check
        self.options = options
        self.severities = severities
        self.document = document
        self.summary: dict[str, Any] = {}
        # Why the check could not do its work on this story for a reason outside the story (a server
        # that is down), or None. A result that says so is shown, but never cached as the story's result.
        self.incomplete: str | None = None

    def location(self, span: tuple[int, int], *, document: Document | None = None,
                 message: str = "") -> Location:
        """A :class:`Location` for a source span (character offsets) of a story."""
        source = (document or self._current()).source
        start, end = span
        line, column = source.position(start)
        end_line, end_column = source.position(end)
        return Location(source.path, start, end - start, line, column, end_line, end_column,
                        source.text[start:end], message)

    def finding(self, rule: str, message: str, at: tuple[int, int] | Location, *,
                document: Document | None = None, document_id: str | None = None,
                suggestions: Sequence[str] = (), related: Sequence[Location] = (),
                severity: str | None = None, fixable: bool = False) -> Finding:
        """A finding of one of this check's rules.

        ``at`` is a source span of the story (character offsets), or a
        :class:`Location` made earlier (a collection check makes them while
        summarising, and names the story with ``document_id``). ``severity``
        can only lower the rule's effective severity ("near-identical" as a
        warning under an error rule), never raise it. ``fixable`` says the
        first suggestion is safe to apply without review (``--fix``).
        """
        if self.check.rule(rule) is None:
            raise ValueError(f"check {self.check.name!r} has no rule {rule!r}")
        if isinstance(at, Location):
            location = at
            document_id = document_id or (document or self._current()).id
        else:
            document = document or self._current()
            location = self.location(at, document=document)
            document_id = document.id
        effective = self.severities.get(rule, "warning")
        if severity is not None and effective in SEVERITY_RANK:
            effective = max(effective, severity, key=SEVERITY_RANK.__getitem__)
        return Finding(
            check=self.check.name,
            rule=rule,
            severity=effective,
            message=message,
            location=location,
            suggestions=list(suggestions),
            related=list(related),
            document_id=document_id,
            # --fix leaves a replacement across a line break to an editor (the lines below would
            # move), so such a finding is not offered as fixable either: "free\n reign" → "free rein".
            fixable=fixable and bool(suggestions) and (
                suggestions[0] == "" or not any(mark in location.text + suggestions[0] for mark in "\r\n")),
        )

    def _current(self) -> Document:
        if self.document is None:
            raise ValueError("a collection check must say which document a finding is in")
        return self.document
