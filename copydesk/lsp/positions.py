"""Character offsets into a document ↔ LSP positions in the negotiated encoding.

copydesk counts characters (code points); LSP counts UTF-16 code units unless
client and server agreed on UTF-8 or UTF-32. Lines end at ``\\n``, ``\\r\\n`` or
``\\r``, as in LSP and in :class:`~copydesk.document.SourceText`.
"""

from __future__ import annotations

from bisect import bisect_right

from lsprotocol import types

from copydesk.document import SourceText


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _utf8(text: str) -> int:
    return len(text.encode("utf-8", "surrogatepass"))


_UNITS = {types.PositionEncodingKind.Utf16: _utf16, types.PositionEncodingKind.Utf8: _utf8,
          types.PositionEncodingKind.Utf32: len}


class LineIndex:
    """Converts between offsets into ``text`` and LSP positions in ``encoding``."""

    def __init__(self, text: str, encoding: str = types.PositionEncodingKind.Utf16) -> None:
        self.text = text
        self.starts = SourceText("", text).line_starts
        self.units = _UNITS.get(encoding, _utf16)

    def position(self, offset: int) -> types.Position:
        offset = max(0, min(offset, len(self.text)))
        line = bisect_right(self.starts, offset) - 1
        return types.Position(line=line, character=self.units(self.text[self.starts[line]:offset]))

    def range(self, start: int, end: int) -> types.Range:
        return types.Range(start=self.position(start), end=self.position(end))

    def offset(self, position: types.Position) -> int:
        """The offset of a client position; past the end of a line is its end, past the last line the text's end."""
        if position.line >= len(self.starts):
            return len(self.text)
        start = self.starts[position.line]
        end = self.starts[position.line + 1] if position.line + 1 < len(self.starts) else len(self.text)
        line = self.text[start:end].rstrip("\r\n")
        units = 0
        for index, char in enumerate(line):
            if units >= position.character:
                return start + index
            units += self.units(char)
        return start + len(line)
