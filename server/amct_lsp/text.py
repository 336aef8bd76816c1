"""Positions in a text and the one rule for where its lines end. Dependency-free: every layer may import it.

Lines end at \\r\\n, \\r or \\n — where Python's tokenizer and the LSP specification both end them (not
at \\f, U+0085 or U+2028, where `str.splitlines` would). Positions are 0-based, columns in code points; a
column past the end of its line, or a line past the end of the text, clamps to the end.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

#: The only line ends.
NEWLINE = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True, slots=True, order=True)
class Position:
    line: int  # 0-based
    character: int  # 0-based, code points


@dataclass(frozen=True, slots=True)
class Span:
    start: Position
    end: Position


@dataclass(frozen=True, slots=True)
class TextEdit:
    span: Span
    new_text: str


def split_lines(text: str) -> list[str]:
    """The lines without their ends; `n` line ends give `n + 1` lines (the last may be empty)."""
    return NEWLINE.split(text)


def lines_with_ends(text: str) -> list[str]:
    """The lines with their ends; a text ending in a line end has no empty last line (LSP document lines)."""
    index = LineIndex(text)
    return [text[index.starts[n] : index.line_end(n, with_break=True)] for n in range(index.line_count)]


class LineIndex:
    """Where each line of a text starts: offsets ↔ positions in O(log n), one rule for every caller."""

    __slots__ = ("starts", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        #: Offset of each line's first character; a final line end opens an (empty) last line.
        self.starts: list[int] = [0, *(m.end() for m in NEWLINE.finditer(text))]

    @property
    def line_count(self) -> int:
        """Lines with at least one character or a line end (an empty last line does not count)."""
        if not self.text:
            return 0
        count = len(self.starts)
        return count - 1 if self.starts[-1] == len(self.text) else count

    def line_end(self, line: int, *, with_break: bool = False) -> int:
        """Offset just past `line`'s last character (past its line end when `with_break`)."""
        if line + 1 >= len(self.starts):
            return len(self.text)
        nxt = self.starts[line + 1]
        if with_break:
            return nxt
        return nxt - 2 if self.text.startswith("\r\n", nxt - 2) else nxt - 1

    def line(self, line: int) -> str:
        """The text of `line` without its end ("" past the end)."""
        if line < 0 or line >= len(self.starts):
            return ""
        return self.text[self.starts[line] : self.line_end(line)]

    def offset(self, pos: Position) -> int:
        """The offset of `pos`, clamped to its line and to the text."""
        if pos.line < 0:
            return 0
        if pos.line >= len(self.starts):
            return len(self.text)
        start = self.starts[pos.line]
        return start + min(max(pos.character, 0), self.line_end(pos.line) - start)

    def position(self, offset: int) -> Position:
        """The position of `offset` (clamped to the text)."""
        offset = min(max(offset, 0), len(self.text))
        line = bisect_right(self.starts, offset) - 1
        return Position(line, offset - self.starts[line])


__all__ = ["NEWLINE", "LineIndex", "Position", "Span", "TextEdit", "lines_with_ends", "split_lines"]
