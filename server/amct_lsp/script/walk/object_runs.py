"""Tensor and op objects: where one is looked up by name (`Lookup`), and where one looked up before
quantize_model is run after it on the graph quantize_model rewrote in place (an `ObjectRun`).

AMCT rewrites the user's graph object itself, so there is no float copy left for an old tensor object to
belong to: running it fetches the old tail, which skips the new ops (or no longer exists)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import libcst as cst

from amct_lsp.script import values as V
from amct_lsp.script.facts import ObjectRun, Phase, UseKind
from amct_lsp.script.walk.callsite import CallSite
from amct_lsp.script.walk.phases import phase_of
from amct_lsp.script.walk.scopes import Frame

if TYPE_CHECKING:
    from amct_lsp.script.walk.interpreter import Interpreter

_MAX_DEPTH = 4


def make_lookup(
    site: CallSite, walk: Interpreter, value: V.Str, graphs: frozenset[V.GraphRef] | None
) -> V.Lookup:
    """The `Lookup` of `receiver.get_tensor_by_name(value)` at `site`."""
    frame = site.frame
    phase = walk.graphs.phase(frame.phase, graphs) or phase_of(frame.phase)
    arg = site.arg(0, "name")
    where = walk.parsed.span(arg[0].value) if arg is not None else site.span
    return V.Lookup(
        value,
        where,
        site.span,
        site.attr,
        graphs,
        phase is Phase.BEFORE,
        frame.function,
        _refetch(site),
    )


def _refetch(site: CallSite) -> tuple[str, str] | None:
    """(variable, receiver source) when the lookup is `variable = receiver.method(...)` alone on its line."""
    statement = site.frame.statement
    func = site.node.func
    if statement is None or not isinstance(func, cst.Attribute) or len(statement.body) != 1:
        return None
    small = statement.body[0]
    if not isinstance(small, cst.Assign) or small.value is not site.node or len(small.targets) != 1:
        return None
    target = small.targets[0].target
    if not isinstance(target, cst.Name):
        return None
    return target.value, cst.Module([]).code_for_node(func.value)


def record_runs(
    walk: Interpreter,
    site: CallSite,
    expr: cst.BaseExpression,
    vals: V.Vals,
    how: str,
    run_graphs: frozenset[V.GraphRef] | None,
) -> None:
    """Record every object in `vals` (run at `expr`) that was looked up before quantize_model and is run
    now, after it, on the graph it was looked up in."""
    frame = site.frame
    if "after" not in frame.phase:
        return
    quantized = walk.graphs.quantized
    for obj, at in _objects(walk, expr, vals, 0):
        run_var, run_items = _run_binding(at, frame, walk)
        via_op = _op_of_outputs(at, frame)
        if via_op is not None:
            run_var = via_op
        lookup = obj.lookup
        if lookup is None or not lookup.before:
            continue
        if lookup.graphs is not None and quantized is not None and not lookup.graphs & quantized:
            continue  # looked up in a graph quantize_model did not rewrite (a float copy, a fresh load)
        if lookup.graphs is not None and run_graphs is not None and not lookup.graphs & run_graphs:
            continue  # run in another graph's session
        kind = UseKind.TENSOR if isinstance(obj, V.Tensor) else UseKind.OPERATION
        walk.record.add_object_run(
            ObjectRun(
                lookup.value,
                kind,
                lookup.site,
                lookup.call,
                lookup.method,
                lookup.function,
                lookup.refetch,
                walk.parsed.span(at),
                site.span,
                how,
                frame.function,
                frame.quant_call,
                run_var,
                run_items,
                via_op is not None,
            )
        )


def _op_of_outputs(at: cst.BaseExpression, frame: Frame) -> str | None:
    """`v` when the run is `v.outputs[i]` and `v`, a variable of the running function's own scope, holds one
    op object looked up by name."""
    if not isinstance(at, cst.Subscript) or not isinstance(at.value, cst.Attribute):
        return None
    attr = at.value
    if attr.attr.value != "outputs" or not isinstance(attr.value, cst.Name):
        return None
    vals = frame.env.vars.get(attr.value.value, ())
    if len(vals) == 1 and isinstance(vals[0], V.Operation) and vals[0].lookup is not None:
        return attr.value.value
    return None


def _run_binding(
    at: cst.BaseExpression, frame: Frame, walk: Interpreter
) -> tuple[str | None, tuple[tuple[str, str], ...] | None]:
    """(the local variable run at `at`, its items when it holds a sequence of looked-up objects)."""
    if not isinstance(at, cst.Name) or at.value not in frame.env.vars:
        return None, None
    vals = frame.env.vars[at.value]
    if len(vals) != 1 or not isinstance(vals[0], V.Seq):
        return at.value, None
    items: list[tuple[str, str]] = []
    for alts in vals[0].items:
        if len(alts) != 1 or not isinstance(alts[0], V.Tensor | V.Operation) or alts[0].lookup is None:
            return at.value, None
        lookup = alts[0].lookup
        method = "get_tensor_by_name" if isinstance(alts[0], V.Tensor) else "get_operation_by_name"
        items.append((method, lookup.value.value))
    return at.value, tuple(items)


def _objects(
    walk: Interpreter, expr: cst.BaseExpression, vals: V.Vals, depth: int
) -> Iterable[tuple[V.Tensor | V.Operation, cst.BaseExpression]]:
    """The tensor and op objects a fetch structure holds, each with the most precise expression for it."""
    if isinstance(expr, cst.List | cst.Tuple | cst.Set) and depth < _MAX_DEPTH:
        for el in expr.elements:
            if not isinstance(el, cst.StarredElement):
                known = walk.expressions.items.get(el.value, ())
                yield from _objects(walk, el.value, known, depth + 1)
        return
    if isinstance(expr, cst.Dict) and depth < _MAX_DEPTH:
        for entry in expr.elements:
            if isinstance(entry, cst.DictElement):
                known = walk.expressions.items.get(entry.value, ())
                yield from _objects(walk, entry.value, known, depth + 1)
        return
    for obj in _flat(vals, 0):
        yield obj, expr


def _flat(vals: V.Vals, depth: int) -> Iterable[V.Tensor | V.Operation]:
    for v in vals:
        if isinstance(v, V.Tensor | V.Operation):
            yield v
        elif depth < _MAX_DEPTH and isinstance(v, V.Seq):
            for item in v.items:
                yield from _flat(item, depth + 1)
        elif depth < _MAX_DEPTH and isinstance(v, V.DictV):
            for _, alts in v.pairs:
                yield from _flat(alts, depth + 1)
