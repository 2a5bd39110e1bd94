"""JSON parsing that remembers where every string came from.

``json.loads`` forgets positions, and findings inside a CMS export must point at
the character in the file, past ``\\n`` and ``\\u00e9`` escapes. This walker uses
the standard library's own string scanner (``json.decoder.scanstring``, in C)
and returns ordinary Python values in which every string is a
:class:`JsonString`: a ``str`` that can map its characters back to the file.
"""

from __future__ import annotations

import json.decoder
import re
from typing import Any

from copydesk.document import OffsetMap

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
_ESCAPE = re.compile(r"\\(?:u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|.)")
_LITERALS = {"true": True, "false": False, "null": None}


class JsonError(ValueError):
    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


class JsonString(str):
    """A decoded JSON string that knows the file span between its quotes."""

    raw_start: int
    raw_end: int
    _file: str

    def offsets(self) -> OffsetMap:
        """Map from positions in this string to offsets in the file."""
        pieces, position, raw = [(0, self.raw_start)], 0, self.raw_start
        for escape in _ESCAPE.finditer(self._file, self.raw_start, self.raw_end):
            position += escape.start() - raw
            pieces.append((position, escape.start()))  # the decoded character sits on its backslash
            position += 1
            raw = escape.end()
            pieces.append((position, raw))
        return OffsetMap(pieces)


def _at(text: str, position: int, end: int, char: str) -> bool:
    """Whether ``char`` is at ``position``, before ``end`` (a JSONL line must not read the next)."""
    return position < end and text[position] == char


def parse(text: str, start: int = 0, end: int | None = None) -> Any:
    """The JSON value of ``text[start:end]``; raises :class:`JsonError` with the offset of a problem."""
    end = len(text) if end is None else end
    value, position = _value(text, start, end)
    position = _WHITESPACE.match(text, position, end).end()
    if position != end:
        raise JsonError("extra data after the JSON value", position)
    return value


def _value(text: str, position: int, end: int) -> tuple[Any, int]:
    position = _WHITESPACE.match(text, position, end).end()
    if position >= end:
        raise JsonError("expected a JSON value, found the end of the input", position)
    char = text[position]
    if char == '"':
        return _string(text, position, end)
    if char == "{":
        return _object(text, position + 1, end)
    if char == "[":
        return _array(text, position + 1, end)
    number = _NUMBER.match(text, position, end)
    if number:
        literal = number.group()
        return (float(literal) if any(c in literal for c in ".eE") else int(literal)), number.end()
    for word, value in _LITERALS.items():
        if text.startswith(word, position, end):
            return value, position + len(word)
    raise JsonError(f"unexpected character {char!r}", position)


def _string(text: str, quote: int, end: int) -> tuple[JsonString, int]:
    try:
        decoded, after = json.decoder.scanstring(text, quote + 1, True)
    except json.JSONDecodeError as error:
        # The standard library's messages end in "at" for the position it would append.
        raise JsonError(error.msg.removesuffix(" starting at").removesuffix(" at"), error.pos) from None
    if after > end:
        raise JsonError("unterminated string", quote)
    string = JsonString(decoded)
    string.raw_start = quote + 1
    string.raw_end = after - 1
    string._file = text
    return string, after


def _object(text: str, position: int, end: int) -> tuple[dict[str, Any], int]:
    result: dict[str, Any] = {}
    position = _WHITESPACE.match(text, position, end).end()
    if _at(text, position, end, "}"):
        return result, position + 1
    while True:
        position = _WHITESPACE.match(text, position, end).end()
        if not _at(text, position, end, '"'):
            raise JsonError("expected a quoted property name", position)
        key, position = _string(text, position, end)
        position = _WHITESPACE.match(text, position, end).end()
        if not _at(text, position, end, ":"):
            raise JsonError("expected ':' after a property name", position)
        result[str(key)], position = _value(text, position + 1, end)
        position = _WHITESPACE.match(text, position, end).end()
        if _at(text, position, end, ","):
            position += 1
        elif _at(text, position, end, "}"):
            return result, position + 1
        else:
            raise JsonError("expected ',' or '}' in an object", position)


def _array(text: str, position: int, end: int) -> tuple[list[Any], int]:
    result: list[Any] = []
    position = _WHITESPACE.match(text, position, end).end()
    if _at(text, position, end, "]"):
        return result, position + 1
    while True:
        value, position = _value(text, position, end)
        result.append(value)
        position = _WHITESPACE.match(text, position, end).end()
        if _at(text, position, end, ","):
            position += 1
        elif _at(text, position, end, "]"):
            return result, position + 1
        else:
            raise JsonError("expected ',' or ']' in an array", position)
