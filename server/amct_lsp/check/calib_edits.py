"""The text of the calib_outputs fix: an op-name list next to the quantize_model call it feeds, the argument
in the call's own style, the fetch `calib_outputs[i] + ':0'`, and the variable the fix leaves dead.

calib_outputs is a list of op names [DOC: "graph输出算子列表"; the vendor samples pass
`['MobilenetV2/Predictions/Reshape_1']` and fetch `outputs[0] + ':0'`]."""

from __future__ import annotations

import re

from amct_lsp.check.context import CheckContext
from amct_lsp.check.findings import Position, Span, TextEdit
from amct_lsp.script.facts import AmctCall, NameUse
from amct_lsp.script.values import Str

_ARG_PREFIX = re.compile(r"^\s*(\w+\s*=\s*)?$")
_ASSIGN_PREFIX = re.compile(r"^(\s*)([A-Za-z_]\w*)\s*=\s*$")
_COMMENT_ONLY = re.compile(r"^\s*(#.*)?$")


def split_tensor(name: str) -> tuple[str, str] | None:
    """("Add", "0") for "Add:0"; None for an op name."""
    op, sep, index = name.rpartition(":")
    return (op, index) if sep and op and index.isdigit() else None


def fetch_text(var: str, index: int, output: str, quote: str) -> str:
    """`calib_outputs[0] + ':0'`: the op name AMCT updated, made a tensor name again."""
    return f"{var}[{index}] + {quote}:{output}{quote}"


def argument_edit(ctx: CheckContext, call: AmctCall, var: str) -> TextEdit | None:
    """`calib_outputs=var` after the call's last argument: on its own line, indented like it, when the call
    puts one argument per line; else inline."""
    at = call.insert_arg_at
    if at is None:
        return None
    if not call.has_args:
        return TextEdit(at, f"calib_outputs={var}")
    last = next((s for s in call.args.values() if s.end == at.end), None)
    if last is not None and last.start.line > call.span.start.line and last.start.line < len(ctx.lines):
        text = ctx.lines[last.start.line]
        if _ARG_PREFIX.match(text[: last.start.character]):
            indent = text[: len(text) - len(text.lstrip())]
            return TextEdit(at, f",{ctx.analysis.newline}{indent}calib_outputs={var}")
    return TextEdit(at, f", calib_outputs={var}")


def dead_binding_edit(ctx: CheckContext, value: Str, uses: list[NameUse]) -> TextEdit | None:
    """Delete `name = 'Add:0'` when every read of `name` is one of the uses the fix replaces (the seed's
    `infer_output_name`). Conservative: one literal alone on its assignment line, and the name spelled
    nowhere else in the script."""
    if len(value.literals) != 1:
        return None
    span = value.literals[0].span
    line = span.start.line
    if span.end.line != line or line >= len(ctx.lines):
        return None
    text = ctx.lines[line]
    head = _ASSIGN_PREFIX.match(text[: span.start.character])
    if head is None or not _COMMENT_ONLY.match(text[span.end.character :]):
        return None
    name = head.group(2)
    word = re.compile(rf"(?<![\w.]){re.escape(name)}(?!\w)")
    reads = sum(len(word.findall(t)) for i, t in enumerate(ctx.lines) if i != line)
    sites = [u.site for u in uses if _text(ctx, u.site) == name]
    if reads == 0 or reads != len(set(sites)):
        return None
    # A comment alone on the line above, indented like the assignment, goes with it.
    first = line
    above = ctx.lines[line - 1] if line > 0 else ""
    if above.strip().startswith("#") and above[: len(above) - len(above.lstrip())] == head.group(1):
        first = line - 1
    return TextEdit(Span(Position(first, 0), Position(line + 1, 0)), "")


def _text(ctx: CheckContext, span: Span) -> str | None:
    if span.start.line != span.end.line or span.start.line >= len(ctx.lines):
        return None
    return ctx.lines[span.start.line][span.start.character : span.end.character]
