"""IPython syntax in a code cell, made into Python that parses, without moving any line or column that stays.

Jupyter runs a cell through IPython, which turns `%magic`, `!shell`, `x = !cmd`, `obj?` and `%%cell` magics
into function calls before Python sees them. We only need the cell to parse and every ordinary line to keep
its place, so each such line becomes `pass` at its own indentation (a block whose only statement was a magic
still has a body), and a cell magic whose body is not Python (`%%bash`, `%%writefile`, ...) becomes blank
lines. Like IPython, escapes count only at the start of a logical line: a `%` continuing a bracketed
expression is the modulo operator, and text inside a triple-quoted string is left alone.
"""

from __future__ import annotations

import re

from amct_lsp.text import NEWLINE

#: Cell magics whose body IPython runs as Python (the first line is the only non-Python line).
PYTHON_BODY_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun", "debug", "memit", "tensorboard"})

_ESCAPE = re.compile(r"[ \t]*(?:[%!]|\?\??[A-Za-z_])")
_ASSIGNED = re.compile(r"[ \t]*[A-Za-z_][\w.]*(?:[ \t]*,[ \t]*[A-Za-z_][\w.]*)*[ \t]*=[ \t]*[%!]")
_HELP_AFTER = re.compile(r"[ \t]*[A-Za-z_][\w.]*(?:\(\))?\?\??[ \t]*(?:#.*)?")
_CELL_MAGIC = re.compile(r"[ \t]*%%([A-Za-z_]\w*)")
_INDENT = re.compile(r"[ \t]*")


def neutralise(cell: str) -> str:
    """`cell` with its IPython-only lines replaced: same line count and line ends, other lines unchanged."""
    parts = NEWLINE.split(cell)
    ends = NEWLINE.findall(cell)
    first = _CELL_MAGIC.match(parts[0])
    if first is not None:
        if first.group(1) not in PYTHON_BODY_CELL_MAGICS:
            return "".join(end for end in ends)  # a cell in another language: every line blank
        parts[0] = ""
        start = 1
    else:
        start = 0
    scanner = _LineScanner()
    continued = False  # the previous magic line ended in a backslash
    for index in range(start, len(parts)):
        line = parts[index]
        at_start = scanner.at_statement_start()
        if continued or (at_start and _is_ipython(line)):
            continued = line.rstrip().endswith("\\")
            parts[index] = _INDENT.match(line).group(0) + "pass"  # type: ignore[union-attr]
            continue
        scanner.feed(line)
    out = [parts[0]]
    for end, part in zip(ends, parts[1:], strict=True):
        out.append(end)
        out.append(part)
    return "".join(out)


def _is_ipython(line: str) -> bool:
    return bool(_ESCAPE.match(line) or _ASSIGNED.match(line) or _HELP_AFTER.fullmatch(line))


class _LineScanner:
    """Just enough of Python's tokenizer to know whether the next line starts a statement: open brackets,
    an unfinished triple-quoted string, a backslash continuation."""

    __slots__ = ("continued", "depth", "quote")

    def __init__(self) -> None:
        self.depth = 0
        self.quote: str | None = None  # the open triple quote
        self.continued = False

    def at_statement_start(self) -> bool:
        return self.depth == 0 and self.quote is None and not self.continued

    def feed(self, line: str) -> None:
        i, n = 0, len(line)
        self.continued = False
        while i < n:
            if self.quote is not None:
                close = _find_close(line, i, self.quote)
                if close < 0:
                    return
                i, self.quote = close, None
                continue
            ch = line[i]
            if ch == "#":
                return
            if ch in "([{":
                self.depth += 1
            elif ch in ")]}":
                self.depth = max(self.depth - 1, 0)
            elif ch in "\"'":
                triple = line.startswith(ch * 3, i)
                if triple:
                    self.quote = ch * 3
                    i += 3
                    continue
                close = _find_close(line, i + 1, ch)
                if close < 0:
                    return  # an unterminated one-line string: Python reports it; nothing continues
                i = close
                continue
            elif ch == "\\" and i == n - 1:
                self.continued = True
            i += 1


def _find_close(line: str, start: int, quote: str) -> int:
    """The index just past the closing `quote` from `start` (backslash escapes skipped); -1 when none."""
    i = start
    while i < len(line):
        if line[i] == "\\":
            i += 2
            continue
        if line.startswith(quote, i):
            return i + len(quote)
        i += 1
    return -1


__all__ = ["PYTHON_BODY_CELL_MAGICS", "neutralise"]
