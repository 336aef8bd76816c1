"""Which name string the cursor is in, and what the script does with it (for completion).

The role comes from the script analysis: a literal is a name slot when its characters reach a name use
(`get_tensor_by_name`, `sess.run`, `save_model(outputs=...)`, `calib_outputs`, ...), directly or through
variables. While a name is being typed the text often does not parse (`get_tensor_by_name('Ad` with no
closing quote): the line is then repaired — the string closed at the cursor, and failing that the line's
open brackets closed too — and the repaired text analysed instead. Lines before the cursor keep their
positions, so what the analysis finds maps straight back.
"""

from __future__ import annotations

import io
import tokenize
from collections.abc import Callable
from dataclasses import dataclass

from amct_lsp.script.facts import NameUse, Phase, ScriptAnalysis, SyntaxProblem, UseKind
from amct_lsp.script.values import Literal
from amct_lsp.text import Position, lines_with_ends

#: Uses that take op names ("conv1/Conv2D"); the others take tensor names ("conv1/Conv2D:0").
OP_NAME_KINDS = frozenset(
    {
        UseKind.OPERATION,
        UseKind.SAVE_OUTPUT,
        UseKind.CALIB_OUTPUT,
        UseKind.MODEL_OUTPUT,
        UseKind.SKIP_LAYER,
    }
)
#: When one literal reaches several uses, the phase that decides which names are right (most telling first).
_PHASE_ORDER = (Phase.AFTER, Phase.SAVE, Phase.CALIB, Phase.BEFORE, Phase.UNKNOWN)
_OPEN = {"(": ")", "[": "]", "{": "}"}
_STRING_PREFIXES = frozenset({"", "r", "u", "f", "rf", "fr"})
#: Written at the cursor in a repaired text: an empty string holds no characters, so no use would record it.
SENTINEL = "_"


@dataclass(frozen=True, slots=True)
class NameSlot:
    """The name string under the cursor: where its characters are, what was typed, and what it is for."""

    start: Position  # the string's first character (just after the quote)
    end: Position  # the end of the characters a completion replaces (the closing quote, or the cursor)
    typed: str  # the literal's characters before the cursor
    #: Characters the script puts before and after the literal's in the value ("import/" + '...', '...' +
    #: ":0"): a completed name must carry them, and only the part between them is inserted.
    before: str
    after: str
    kind: UseKind
    phase: Phase
    want_ops: bool  # op names ("Add") rather than tensor names ("Add:0")
    closing: str  # the quote to write after the name ("" when the string is already closed)
    #: The `tf.import_graph_def` prefix ("import/") the names carry in the script's graph, or "".
    import_prefix: str = ""

    @property
    def pattern(self) -> str:
        """What the whole value looks like so far: the filter for the names offered."""
        return self.before + self.typed


def name_slot(
    source: str,
    pos: Position,
    analysis: ScriptAnalysis | None,
    analyze: Callable[[str], ScriptAnalysis],
    earlier: tuple[str, ScriptAnalysis] | None = None,
) -> NameSlot | None:
    """The name slot at `pos`; `analysis` is the analysis of `source` (None or with a syntax error when it
    does not parse), `analyze` analyses a repaired text. `earlier` (the last text that parsed and its
    analysis) stands in when the syntax error is elsewhere and the cursor's line is as it was then."""
    parsed = analysis is not None and analysis.syntax_error is None
    if parsed:
        assert analysis is not None
        found = slot_in(analysis, pos)
        if found is not None or not _in_empty_string(source, pos):
            return found
    still_broken: list[tuple[str, str, SyntaxProblem]] = []
    for text, closing in repairs(source, pos, closed_only=parsed):
        repaired = analyze(text)
        if repaired.syntax_error is None:
            return slot_in(repaired, pos, closing=closing, sentinel=True)
        still_broken.append((text, closing, repaired.syntax_error))
    if not parsed and earlier is not None and earlier[1].syntax_error is None:
        before, now = lines_with_ends(earlier[0]), lines_with_ends(source)
        if pos.line < min(len(before), len(now)) and before[pos.line] == now[pos.line]:
            return slot_in(earlier[1], pos)
    # Another line is being typed (`if (`, `x = `): set the line Python blames aside and try once more.
    for text, closing, problem in still_broken:
        blamed = problem.span.start.line
        if blamed != pos.line:
            again = analyze(set_aside(text, blamed))
            if again.syntax_error is None:
                return slot_in(again, pos, closing=closing, sentinel=True)
    return None


def set_aside(source: str, line: int) -> str:
    """`source` with line `line` replaced by `pass` at its indentation: the same lines, one statement fewer
    (a guess for completion only; it never reaches a finding or an edit)."""
    lines = lines_with_ends(source)
    if line >= len(lines):
        return source
    raw = lines[line]
    body = raw.rstrip("\r\n")
    indent = body[: len(body) - len(body.lstrip(" \t"))]
    lines[line] = indent + "pass" + raw[len(body) :]
    return "".join(lines)


def slot_in(
    analysis: ScriptAnalysis, pos: Position, closing: str = "", sentinel: bool = False
) -> NameSlot | None:
    """The slot of the literal holding `pos` among the analysis's name uses; with `sentinel` the text has
    one `SENTINEL` character at `pos` that is not the user's."""
    found: list[tuple[NameUse, Literal]] = []
    for use in analysis.uses:
        for lit in use.value.literals:
            if _inside(lit, pos):
                found.append((use, lit))
    if not found:
        return None
    use, lit = min(found, key=lambda f: _PHASE_ORDER.index(f[0].phase))
    assert lit.body is not None
    k = pos.character - lit.body.character
    value = lit.value[:k] + lit.value[k + 1 :] if sentinel else lit.value
    before, after, whole = _around(use, lit)
    if sentinel:
        before, after = before.replace(SENTINEL, ""), after.replace(SENTINEL, "")
    want_ops = use.kind in OP_NAME_KINDS
    if not whole:  # the script cuts the literal itself ('Add:0'[:-2]): complete the literal as it is written
        before, after, want_ops = "", "", ":" not in value and use.kind in OP_NAME_KINDS
    if after.startswith(":"):  # 'name' + ':0': the literal holds the op part of a tensor name
        want_ops = False
    end = Position(pos.line, lit.body.character + len(value)) if not closing else pos
    prefix = import_prefix(analysis.import_prefixes, before + value[:k])
    return NameSlot(
        start=lit.body,
        end=end,
        typed=value[:k],
        before=before,
        after=after,
        kind=use.kind,
        phase=use.phase,
        want_ops=want_ops,
        closing=closing,
        import_prefix=prefix,
    )


def import_prefix(prefixes: tuple[str, ...], pattern: str) -> str:
    """The `tf.import_graph_def` prefix (with its "/") the name being typed is under, or is the start of
    (so an empty string offers prefixed names); "" when the graph's names carry none."""
    for prefix in sorted(prefixes, key=len, reverse=True):
        scope = prefix + "/"
        if pattern.startswith(scope) or scope.startswith(pattern):
            return scope
    return ""


def _inside(lit: Literal, pos: Position) -> bool:
    """Whether `pos` is between the quotes of a literal whose characters map 1:1 onto the source."""
    body = lit.body
    if body is None or body.line != pos.line or lit.span.start.line != lit.span.end.line:
        return False
    return body.character <= pos.character <= body.character + len(lit.value)


def _around(use: NameUse, lit: Literal) -> tuple[str, str, bool]:
    """The value's characters before and after the literal's, and whether the value holds all of it."""
    segments = use.value.segments
    for i, seg in enumerate(segments):
        if seg.literal == lit:
            whole = seg.offset == 0 and seg.text == lit.value
            before = "".join(s.text for s in segments[:i])
            after = "".join(s.text for s in segments[i + 1 :])
            return before, after, whole
    return "", "", False


# -- repairing the line being typed --


def repairs(source: str, pos: Position, closed_only: bool = False) -> list[tuple[str, str]]:
    """Texts in which the string at `pos` holds one `SENTINEL` character at `pos` (so an empty string is a
    value too) and is closed, most faithful first, each with the quote it added ("" when the string was
    closed already); `closed_only`: only for a string that is closed."""
    lines = lines_with_ends(source)
    if pos.line >= len(lines):
        return []
    raw = lines[pos.line]
    body = raw.rstrip("\r\n")
    ending = raw[len(body) :] or "\n"
    opened = _open_string(body[: pos.character])
    if opened is None:
        return []
    start, quote = opened
    head_before = "".join(lines[: pos.line])
    rest = "".join(lines[pos.line + 1 :])
    marked = body[: pos.character] + SENTINEL
    closes = _closing_quote(body, start, quote)
    out: list[tuple[str, str]] = []
    if closes is None:  # unterminated: close it at the cursor
        if closed_only:
            return []
        head = marked + quote
        out.append((head + body[pos.character :], quote))
    else:
        head = marked + body[pos.character : closes + 1]
        out.append((head + body[closes + 1 :], ""))
    brackets = _unclosed(head_before + head)
    if brackets and not closed_only:
        out.append((head + brackets, out[0][1]))
    return [(head_before + line + ending + rest, added) for line, added in out]


def _in_empty_string(source: str, pos: Position) -> bool:
    """Whether `pos` sits between the two quotes of an empty string (`''`, `""`)."""
    lines = lines_with_ends(source)
    if pos.line >= len(lines):
        return False
    line, col = lines[pos.line], pos.character
    return 0 < col < len(line) and line[col - 1] == line[col] and line[col] in "'\""


def _open_string(text: str) -> tuple[int, str] | None:
    """Where the single-line string still open at the end of `text` starts (its first character) and its
    quote; None when `text` ends outside a string, in a comment, or in a triple-quoted string."""
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "#":
            return None
        if ch in "'\"":
            if text.startswith(ch * 3, i):
                return None  # docstrings and the like: never a name slot
            j = i - 1
            while j >= 0 and text[j].isalpha():
                j -= 1
            if text[j + 1 : i].lower() not in _STRING_PREFIXES:
                return None
            end = _closing_quote(text, i + 1, ch)
            if end is None:
                return i + 1, ch
            i = end + 1
            continue
        i += 1
    return None


def _closing_quote(text: str, start: int, quote: str) -> int | None:
    """The index of the quote closing a string whose characters start at `start`, None if the line ends
    first."""
    i = start
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == quote:
            return i
        i += 1
    return None


def _unclosed(text: str) -> str:
    """The closing brackets `text` still needs (innermost first); "" when it is balanced or cannot be
    tokenized."""
    stack: list[str] = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type == tokenize.OP:
                if tok.string in _OPEN:
                    stack.append(_OPEN[tok.string])
                elif tok.string in (")", "]", "}") and stack:
                    stack.pop()
    except (tokenize.TokenError, SyntaxError):
        pass  # "EOF in multi-line statement": exactly the case being repaired
    return "".join(reversed(stack))


__all__ = ["OP_NAME_KINDS", "SENTINEL", "NameSlot", "import_prefix", "name_slot", "repairs", "slot_in"]
