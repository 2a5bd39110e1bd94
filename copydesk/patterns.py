"""Regular expressions written in a rules file, run on RE2.

RE2 (google-re2) matches in time linear in the text whatever the pattern, so a
newsroom's ``(a+)+$`` cannot hang a run the way a backtracking engine would,
and no time limit is needed to stop it. The price is a smaller language: no
look-around and no back-references, and ``\\w``, ``\\d`` and ``\\b`` are ASCII
(``\\pL`` is any letter). A pattern RE2 cannot run is a rules-file error, found
when the rules are loaded, naming the file and the key.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from functools import lru_cache
from typing import Any

import re2

_GROUP_REFERENCE = re.compile(r"\\(?:(\d+)|g<(\w+)>)")


@lru_cache(maxsize=512)
def compile_pattern(pattern: str, ignore_case: bool = False) -> Pattern:
    """The compiled RE2 pattern (re2.error when it cannot be compiled)."""
    options = re2.Options()
    options.log_errors = False  # a bad pattern is reported once, as a rules-file error, not logged by RE2
    options.case_sensitive = not ignore_case
    return Pattern(re2.compile(pattern, options))


# RE2 reads UTF-8, which has no lone surrogates; a JSON story can hold one ("\udfff"). U+FFFD
# stands in for it, one character for one, so every position a match gives stays right.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _encodable(text: str) -> str:
    return _LONE_SURROGATE.sub("\ufffd", text) if _LONE_SURROGATE.search(text) else text


class Pattern:
    """An RE2 pattern that matches any Python string, lone surrogates included."""

    __slots__ = ("regexp",)

    def __init__(self, regexp: Any) -> None:
        self.regexp = regexp

    @property
    def groups(self) -> int:
        return self.regexp.groups

    @property
    def groupindex(self) -> Mapping[str, int]:
        return self.regexp.groupindex

    def match(self, text: str) -> Any:
        return self.regexp.match(_encodable(text))

    def search(self, text: str, pos: int = 0, endpos: int | None = None) -> Any:
        """The first match between ``pos`` and ``endpos``. Unlike ``re``, the text outside them stays the
        context of ``\\b``, ``^`` and ``$``: ``$`` matches at ``endpos`` only at the end of the text."""
        return self.regexp.search(_encodable(text), pos, endpos)

    def fullmatch(self, text: str) -> Any:
        return self.regexp.fullmatch(_encodable(text))

    def finditer(self, text: str) -> Iterator[Any]:
        return self.regexp.finditer(_encodable(text))


def pattern_problem(pattern: str, replacement: str | None = None) -> str | None:
    """Why RE2 cannot run ``pattern`` (or expand ``replacement`` after it), or None."""
    try:
        compiled = compile_pattern(pattern)
    except re2.error as error:
        reason = error.args[0].decode("utf-8", "replace") if error.args and isinstance(error.args[0], bytes) \
            else str(error)
        return (f"the pattern {pattern!r:.80} is not one RE2 can run ({reason}); RE2 has no look-around "
                "and no back-references")
    for number, name in _GROUP_REFERENCE.findall(replacement or ""):
        if (number and int(number) > compiled.groups) or (name and name not in compiled.groupindex):
            return f"the replacement {replacement!r:.60} refers to a group the pattern {pattern!r:.60} does not have"
    return None


def problem_in_patterns(value: Iterable[str] | dict[str, str]) -> str | None:
    """The first problem of a list of patterns, or of a mapping of patterns to replacements."""
    pairs = value.items() if isinstance(value, dict) else ((pattern, None) for pattern in value)
    return next((problem for pattern, replacement in pairs
                 if (problem := pattern_problem(pattern, replacement)) is not None), None)
