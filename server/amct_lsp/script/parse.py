"""Parse a script with libcst and give every node's source span (0-based lines, code-point columns).

libcst's `PositionProvider` re-generates the code of the whole module, which costs more than the parse itself.
An editor re-checks the script on every keystroke while only one function changes, so the module is cut into
its top-level statements (found by a quick scan of strings, brackets and column-0 lines) and each statement is
parsed and given positions on its own, cached by its text; a statement's spans are shifted by its first line.
"""

from __future__ import annotations

import ast
import re
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider

from amct_lsp.text import NEWLINE, LineIndex, Position, Span

_CACHE_SIZE = 4096


@dataclass(frozen=True, slots=True)
class _Item:
    """One parsed run of lines: its tree, every node's range in it, and the functions defined in it."""

    module: cst.Module
    ranges: Mapping[cst.CSTNode, CodeRange]
    functions: tuple[cst.FunctionDef, ...]


@dataclass(frozen=True, slots=True)
class _Chunk:
    """A run of whole lines holding one or more top-level statements (and the comments before them)."""

    module: cst.Module
    ranges: Mapping[cst.CSTNode, CodeRange]
    first_line: int  # 0-based line of the chunk's first line in the script
    functions: tuple[cst.FunctionDef, ...] = ()


class ParseError(Exception):
    """libcst could not parse the script; `line`/`column` are 0-based. `fatal`: the text must not be given
    to libcst at all (its native parser overflows its stack on very deep nesting, and is quadratic on very
    long operator chains)."""

    def __init__(self, message: str, line: int, column: int, *, fatal: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column
        self.fatal = fatal


def _guard(text: str, first_line: int) -> None:
    """Refuse text that would crash or stall libcst: first a token-level measure that holds whether or not the
    text parses (libcst is as slow on a deep statement with a syntax error as on a valid one), then Python's
    own parser (fast, C) as the judge."""
    deep = token_depth_beyond(text, _MAX_AST_DEPTH, _MAX_BRACKETS)
    if deep is not None:
        raise ParseError(
            "an expression is nested too deeply (or chains too many operators) to analyse",
            first_line + deep,
            0,
            fatal=True,
        )
    try:
        tree = ast.parse(text)
    except SyntaxError as err:
        if "too many nested" in err.msg or "too complex" in err.msg:
            line = (err.lineno or 1) - 1 + first_line
            message = f"{err.msg}; the script is nested too deeply to analyse"
            raise ParseError(message, line, 0, fatal=True) from None
        # An ordinary syntax error: libcst reports it (and Python's message is used for the finding).
    except (RecursionError, MemoryError):
        raise ParseError(
            "an expression is nested too deeply (or chains too many operators) to analyse",
            first_line,
            0,
            fatal=True,
        ) from None
    except ValueError:  # null bytes: libcst's tokenizer rejects them cleanly
        pass
    else:
        # Python 3.10's parser accepts what 3.11's refuses (a 20,000-term `+` chain), and libcst then crashes:
        # judge the depth ourselves, iteratively, so every Python version refuses the same texts.
        depth = _depth_beyond(tree, _MAX_AST_DEPTH)
        if depth is not None:
            raise ParseError(
                "an expression is nested too deeply (or chains too many operators) to analyse",
                first_line + max(0, depth - 1),
                0,
                fatal=True,
            )


#: Far deeper than any real script; libcst stays fast and safe below it.
_MAX_AST_DEPTH = 400
#: Open brackets inside one another: libcst's time grows with the square of it (~0.3 s at 100 when the
#: statement has a syntax error, ~1 s at Python's own limit of 200).
_MAX_BRACKETS = 100


def _depth_beyond(tree: ast.AST, limit: int) -> int | None:
    """The 1-based line of the first node deeper than `limit` in `tree`, or None (no recursion)."""
    stack: list[tuple[ast.AST, int]] = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return getattr(node, "lineno", 1)
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return None


_DEPTH_TOKENS = re.compile(
    r"""
    (?P<str>[rRbBuUfF]{0,2}(?:'\'\'(?:\\.|[^\\])*?(?:'\'\'|\Z)|\"\"\"(?:\\.|[^\\])*?(?:\"\"\"|\Z)
        |'(?:\\.|[^\\'\r\n])*'?|"(?:\\.|[^\\"\r\n])*"?))
    |(?P<comment>\#[^\r\n]*)
    |(?P<word>\d[\w.]*|\w+)
    |(?P<open>[(\[{])
    |(?P<close>[)\]}])
    |(?P<augmented><<=|>>=|\*\*=|//=)
    |(?P<pair>==|!=|<=|>=|\*\*|//|<<|>>|->)
    |(?P<reset>:=|[-+*/%@&|^]=|[,;:=])
    |(?P<op>[-+*/%@&|^~<>.])
    |(?P<cont>\\(?:\r\n|\r|\n))
    |(?P<nl>\r\n|\r|\n)
    """,
    re.VERBOSE,
)
#: Words that join operands into one (deeper) expression, like operators.
_WORD_OPERATORS = frozenset({"and", "or", "not", "in", "is", "if", "else", "lambda", "await"})


def token_depth_beyond(text: str, limit: int, brackets: int) -> int | None:
    """The 0-based line where an expression gets deeper than `limit` by a token count, or opens more than
    `brackets` brackets inside one another; None when it does neither.

    Each open bracket, and each operator since the last separator (`,` `:` `=` `;` or the end of a logical
    line) at its bracket level, adds one: a bound on how deep libcst's tree gets, measured without parsing,
    so it holds for text with syntax errors too. The expressions in an f-string's fields are measured on
    their own. Linear in the text."""
    return _measure(text, limit, brackets, 0)


def _measure(text: str, limit: int, brackets: int, nested: int) -> int | None:
    runs = [0]  # operators since the last separator, per open bracket level (outermost first)
    total = 0  # the sum of `runs`: open brackets are counted in the run of the level they open in
    line = 0
    for match in _DEPTH_TOKENS.finditer(text):
        kind = match.lastgroup
        if kind == "word":
            if match.group() not in _WORD_OPERATORS:
                continue
            kind = "op"
        if kind in ("op", "pair", "open"):
            runs[-1] += 1
            total += 1
            if kind == "open":
                runs.append(0)
            if total > limit or len(runs) > brackets + 1:
                return line
        elif kind == "close" and len(runs) > 1:
            total -= runs.pop() + 1
            runs[-1] -= 1  # a closed group is an operand of its level, not a level deeper
        elif kind in ("reset", "augmented"):
            total -= runs[-1]
            runs[-1] = 0
        elif kind == "cont":
            line += 1
        elif kind == "nl":
            line += 1
            if len(runs) == 1:
                total -= runs[0]
                runs[0] = 0
        elif kind == "str":
            token = match.group()
            prefix = token[: len(token) - len(token.lstrip("rRbBuUfF"))]
            if "f" in prefix.lower() and nested < 4:  # f-strings inside f-strings: a few levels at most
                for field in _fstring_fields(token):
                    if _measure(field, limit, brackets, nested + 1) is not None:
                        return line
            line += len(NEWLINE.findall(token))
    return None


def _fstring_fields(token: str) -> list[str]:
    """The text of each replacement field of an f-string token (`{{` and `}}` are text; an unclosed field
    runs to the end)."""
    body = token.lstrip("rRbBuUfF")
    quote = body[:3] if body[:3] in ("'''", '"""') else body[:1]
    body = body[len(quote) :]
    if body.endswith(quote):
        body = body[: len(body) - len(quote)]
    fields: list[str] = []
    depth = start = i = 0
    while i < len(body):
        ch = body[i]
        if depth == 0 and body[i : i + 2] in ("{{", "}}"):
            i += 2
            continue
        if ch == "{":
            if depth == 0:
                start = i + 1
            depth += 1
        elif ch == "}" and depth:
            depth -= 1
            if depth == 0:
                fields.append(body[start:i])
        i += 1
    if depth:
        fields.append(body[start:])
    return fields


class _ChunkCache:
    """Parsed statements by their text, shared by every script (thread-safe; libcst trees are immutable)."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[str, _Item] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, text: str) -> _Item | None:
        with self._lock:
            item = self._items.get(text)
            if item is not None:
                self._items.move_to_end(text)
            return item

    def put(self, text: str, item: _Item) -> None:
        with self._lock:
            self._items[text] = item
            self._items.move_to_end(text)
            while len(self._items) > self._size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


CACHE = _ChunkCache(_CACHE_SIZE)


def _parse_text(text: str) -> _Item:
    module = cst.parse_module(text)
    ranges = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    functions = tuple(node for node in ranges if isinstance(node, cst.FunctionDef))
    return _Item(module, ranges, functions)


class Parsed:
    """The script's top-level statements, in order, and a span for any node in them."""

    def __init__(self, chunks: Sequence[_Chunk]) -> None:
        self._chunks = list(chunks)
        self._last = 0
        self.statements: list[cst.BaseStatement] = [s for c in self._chunks for s in c.module.body]
        #: Top-level statements and functions → their chunk, so lookups start in the right one.
        self._owner: dict[cst.CSTNode, int] = {}
        for index, chunk in enumerate(self._chunks):
            for stmt in chunk.module.body:
                self._owner[stmt] = index
            for fn in chunk.functions:
                self._owner[fn] = index

    def focus(self, node: cst.CSTNode) -> int:
        """Look in `node`'s chunk first from now on (a statement or function); returns the previous focus."""
        previous = self._last
        self._last = self._owner.get(node, previous)
        return previous

    def restore(self, focus: int) -> None:
        self._last = focus

    def span(self, node: cst.CSTNode) -> Span:
        """Where `node` is in the script; raises KeyError for a node that is not part of it."""
        chunks = self._chunks
        first = chunks[self._last].ranges.get(node)
        if first is not None:
            return self._shift(first, chunks[self._last].first_line)
        for index in range(len(chunks)):
            chunk = chunks[index]
            found = chunk.ranges.get(node)
            if found is not None:
                self._last = index
                return self._shift(found, chunk.first_line)
        raise KeyError(node)

    @staticmethod
    def _shift(found: CodeRange, first_line: int) -> Span:
        offset = first_line - 1  # CodeRange lines are 1-based
        return Span(
            Position(found.start.line + offset, found.start.column),
            Position(found.end.line + offset, found.end.column),
        )


def _line_starts(source: str) -> list[int]:
    return LineIndex(source).starts


_TOKENS = re.compile(
    r"""
    (?P<str>[rRbBuUfF]{0,2}(?:'\'\'(?:\\.|[^\\])*?'\'\'|\"\"\"(?:\\.|[^\\])*?\"\"\"
        |'(?:\\.|[^\\'\r\n])*'|"(?:\\.|[^\\"\r\n])*"))
    |(?P<comment>\#[^\r\n]*)
    |(?P<open>[(\[{])
    |(?P<close>[)\]}])
    |(?P<cont>\\(?:\r\n|\r|\n))
    |(?P<nl>\r\n|\r|\n)
    """,
    re.VERBOSE,
)
#: Lines at column 0 that continue the statement before them.
_CLAUSES = re.compile(r"(?:else|elif|except|finally)\b")


def _boundaries(source: str) -> list[int]:
    """1-based first line of each top-level statement (decorators included), from a quick scan.

    Tracks strings, comments, brackets and backslash continuations; a line that starts at column 0 outside all
    of them starts a statement, unless it is an `else:`-like clause or follows a decorator. A wrong guess only
    costs speed: a chunk that does not parse makes `parse` fall back to the whole module."""
    starts: list[int] = [1]
    line = 1
    depth = 0
    decorated = False
    lines = source
    for match in _TOKENS.finditer(source):
        kind = match.lastgroup
        if kind == "str":
            line += len(NEWLINE.findall(match.group()))
        elif kind == "open":
            depth += 1
        elif kind == "close":
            depth = max(0, depth - 1)
        elif kind == "cont":
            line += 1
        elif kind == "nl":
            line += 1
            if depth:
                continue
            at = match.end()
            ch = lines[at : at + 1]
            if not ch or ch in " \t\r\n#\f" or _CLAUSES.match(lines, at):
                continue
            if decorated:
                decorated = ch == "@"
                continue
            decorated = ch == "@"
            starts.append(line)
    return starts


def parse(source: str) -> Parsed:
    """Parse `source`; raises ParseError with libcst's message and location when it does not parse."""
    firsts = _boundaries(source)
    line_starts = _line_starts(source)
    chunks: list[_Chunk] = []
    seen: set[str] = set()
    firsts = [f for f in firsts if f <= len(line_starts)]
    for i, first in enumerate(firsts):
        lo = line_starts[first - 1]
        nxt = firsts[i + 1] if i + 1 < len(firsts) else None
        hi = line_starts[nxt - 1] if nxt is not None else len(source)
        try:
            chunks.append(_chunk(source[lo:hi], first - 1, seen))
        except ParseError as err:
            if err.fatal or not _python_accepts(source):
                raise  # a real syntax error: libcst need not re-parse the rest on every keystroke
            return Parsed([_whole(source)])  # the scan guessed wrong
    return Parsed(chunks)


def _python_accepts(source: str) -> bool:
    """Whether Python's own parser (fast, C) accepts `source`."""
    try:
        ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def _chunk(text: str, first_line: int, seen: set[str]) -> _Chunk:
    # The same text twice in one script (two identical functions) must get distinct nodes: parse it afresh.
    item = CACHE.get(text) if text not in seen else None
    if item is None:
        _guard(text, first_line)
        try:
            item = _parse_text(text)
        except cst.ParserSyntaxError as err:
            raise _error(err, first_line) from None
        if text not in seen:
            CACHE.put(text, item)
    seen.add(text)
    return _Chunk(item.module, item.ranges, first_line, item.functions)


def _whole(source: str) -> _Chunk:
    _guard(source, 0)
    try:
        item = _parse_text(source)
    except cst.ParserSyntaxError as err:
        raise _error(err, 0) from None
    return _Chunk(item.module, item.ranges, 0, item.functions)


def _error(err: cst.ParserSyntaxError, line_offset: int) -> ParseError:
    message = err.message.removeprefix("parser error: ")
    return ParseError(message, max(0, err.raw_line - 1) + line_offset, max(0, err.raw_column))
