"""Tensor and op objects looked up before quantize_model and run after it on the same graph (issue 9).

quantize_model rewrites the user's graph object in place, so the object still names the old tail: the run
skips the new ops (or fetches a node the rewrite removed) exactly like a stale name string. The finding is
at the run; the lookup is its related location. Fixes: look the object up again right after quantize_model
with the new name (primary), or pass the name through calib_outputs and look it up from that list."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from amct_lsp.check import messages
from amct_lsp.check.context import CheckContext
from amct_lsp.check.findings import Code, Finding, Fix, Position, Related, Span, TextEdit
from amct_lsp.check.fixes import name_uncertain
from amct_lsp.check.judge import judge
from amct_lsp.check.results import NameInfo
from amct_lsp.check.verdict import Verdict
from amct_lsp.script.facts import AmctCall, NameUse, ObjectRun, Phase, UseKind

_OBJECT = {UseKind.TENSOR: "tensor", UseKind.OPERATION: "op"}


def object_run_report(ctx: CheckContext, names: list[NameInfo]) -> tuple[list[NameInfo], list[Finding]]:
    """The findings for stale object runs, and the names list with a hover entry at each run and the
    lookups' hovers telling where the object is run after quantize_model."""
    stale: list[tuple[ObjectRun, Verdict]] = []
    for run in ctx.analysis.object_runs:
        verdict = judge(ctx, _as_use(run))
        if verdict.code is Code.STALE_NAME and verdict.replacement is not None:
            stale.append((run, verdict))
    if not stale:
        return names, []
    plans = _plans(ctx, stale)
    findings = [_finding(ctx, run, verdict, plans) for run, verdict in stale]
    runs_by_lookup: dict[Span, list[ObjectRun]] = {}
    for run, _ in stale:
        runs_by_lookup.setdefault(run.lookup, []).append(run)
    out = [_with_runs(name, runs_by_lookup) for name in names]
    out.extend(_run_name(run, verdict) for run, verdict in stale)
    return out, findings


def _as_use(run: ObjectRun) -> NameUse:
    """The lookup's name, judged as if it were used after quantize_model (which the run does)."""
    return NameUse(
        run.value, run.kind, Phase.AFTER, run.lookup, False, run.run_call, run.function, run.after_call
    )


def _describe(run: ObjectRun) -> str:
    line = run.lookup_call.start.line + 1
    return (
        f"the {_OBJECT[run.kind]} '{run.value.value}' was looked up on line {line} before quantize_model; "
        "quantize_model rewrites that same graph in place, so the object still names the old "
        f"{_OBJECT[run.kind]}"
    )


def _finding(ctx: CheckContext, run: ObjectRun, verdict: Verdict, plans: dict[int, _Plan | str]) -> Finding:
    assert verdict.chain is not None and verdict.replacement is not None
    steps = " → ".join(verdict.chain.names())
    new = verdict.replacement
    message = messages.stale_object(run.how, _OBJECT[run.kind], run.value.value, new)
    why = f"{_describe(run)} ({steps})."
    if not verdict.chain.removes_original:
        why += " The old node survives but no longer ends the network, so calibration skips the new ops."
    plan = plans.get(id(run), "no line to insert after quantize_model")
    fixes: list[Fix] = []
    if isinstance(plan, _Plan):
        # With several quantized layers the searchN name may be numbered (not public): said in the title.
        # The calib_outputs fix is not made preferred here: one per object would each add the argument.
        inferred = " (inferred)" if name_uncertain(ctx, verdict) else ""
        title = f"Look '{plan.var}' up again after quantize_model: {plan.shown}{inferred}"
        fixes.append(Fix(title, (plan.edit,)))
        calib = _calib_fix(ctx, run, plan)
        if calib is not None:
            fixes.append(calib)
    notes = (
        why[0].upper() + why[1:] + " AMCT keeps no float copy of the graph.",
        *verdict.chain.notes,
    )
    if not fixes:
        notes += (
            f"No automatic fix: {plan}. Look the object up again after quantize_model where it is built, "
            "or fetch it through quantize_model(calib_outputs=[...]), which AMCT updates.",
        )
    related = [Related(ctx.path, run.lookup_call, "looked up here, before quantize_model")]
    if run.after_call is not None:
        related.append(Related(ctx.path, run.after_call.span, "the quantize_model call that renames it"))
    return Finding(
        Code.STALE_NAME,
        verdict.severity,
        message,
        ctx.path,
        run.run,
        tensor=run.value.value,
        replacement=new,
        chain=verdict.chain,
        evidence=verdict.evidence,
        model=ctx.model.path,
        fixes=tuple(fixes),
        related=tuple(related),
        notes=notes,
        layer=verdict.layer,
        consequence=verdict.consequence or None,
    )


@dataclass(frozen=True)
class _Plan:
    """How one line after quantize_model binds the run's variable again: `var = rhs`, the edit inserting
    it (shared by every stale object of that call), and what the fix title shows."""

    var: str
    receiver: str
    method: str
    shown: str
    edit: TextEdit


_METHOD = {UseKind.TENSOR: "get_tensor_by_name", UseKind.OPERATION: "get_operation_by_name"}
_RECEIVER = re.compile(r"^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*$")


def _rebind(ctx: CheckContext, run: ObjectRun, new: dict[str, str]) -> tuple[str, str, str] | str:
    """(variable, receiver, right-hand side) of the line that binds the run's variable again after
    quantize_model — sound only when the run is of a variable of the function that calls quantize_model,
    so one line there re-binds what is run — or why there is none."""
    call = run.after_call
    if call is None or run.function != call.function:
        return "the object is run in another function than the one that calls quantize_model"
    if call.statement is None:
        return "the quantize_model call is not a statement of its own"
    if run.run_var is None:
        return "the object is run through an expression (an attribute, an index, a call), not a variable"
    receiver = _receiver(ctx, run, call)
    if receiver is None:
        return "the graph quantize_model rewrote is not passed to it as a variable"
    quote = run.value.literals[0].quote if len(run.value.literals[0].quote) == 1 else "'"
    if run.run_via_op:  # `op.outputs[i]` is run: the op is bound again, to the new tail's op
        name = new.get(run.value.value, run.value.value).rpartition(":")[0]
        return run.run_var, receiver, f"{receiver}.get_operation_by_name({quote}{name}{quote})"
    if run.run_items is None:
        name = new.get(run.value.value, run.value.value)
        return run.run_var, receiver, f"{receiver}.{_METHOD[run.kind]}({quote}{name}{quote})"
    items = [f"{receiver}.{method}({quote}{new.get(name, name)}{quote})" for method, name in run.run_items]
    return run.run_var, receiver, "[" + ", ".join(items) + "]"


def _receiver(ctx: CheckContext, run: ObjectRun, call: AmctCall) -> str | None:
    """The graph to look the object up in again: the lookup's own receiver when the run is of the variable
    the lookup bound in this function, else the graph argument of quantize_model (the graph it rewrote)."""
    if (
        run.refetch is not None
        and run.refetch[0] == run.run_var
        and run.lookup_function == call.function
        and run.lookup_call.start < call.span.start
    ):
        return run.refetch[1]
    span = call.args.get("graph")
    if call.api != "quantize_model" or span is None or span.start.line != span.end.line:
        return None
    line = ctx.lines[span.start.line] if span.start.line < len(ctx.lines) else ""
    text = line[span.start.character : span.end.character]
    return text if _RECEIVER.match(text) else None


def _plans(ctx: CheckContext, stale: list[tuple[ObjectRun, Verdict]]) -> dict[int, _Plan | str]:
    """Per stale run, its plan or why there is none. One inserted block per quantize_model call binds
    every variable it can (so the fixes of several objects are one edit, and apply together)."""
    new = {run.value.value: verdict.replacement for run, verdict in stale if verdict.replacement}
    found: dict[int, tuple[str, str, str] | str] = {id(run): _rebind(ctx, run, new) for run, _ in stale}
    lines_by_call: dict[int, tuple[AmctCall, dict[str, str]]] = {}
    for run, _ in stale:
        rebind = found[id(run)]
        if isinstance(rebind, tuple) and run.after_call is not None:
            var, _, rhs = rebind
            lines_by_call.setdefault(id(run.after_call), (run.after_call, {}))[1].setdefault(
                var, f"{var} = {rhs}"
            )
    edits = {
        key: _insert_after(ctx, call, list(texts.values())) for key, (call, texts) in lines_by_call.items()
    }
    plans: dict[int, _Plan | str] = {}
    for run, _ in stale:
        rebind = found[id(run)]
        if isinstance(rebind, str) or run.after_call is None:
            plans[id(run)] = rebind if isinstance(rebind, str) else "no quantize_model call"
            continue
        var, receiver, rhs = rebind
        plans[id(run)] = _Plan(var, receiver, _METHOD[run.kind], rhs, edits[id(run.after_call)])
    return plans


def _insert_after(ctx: CheckContext, call: AmctCall, texts: list[str]) -> TextEdit:
    assert call.statement is not None
    start = call.statement.start.line
    head = ctx.lines[start] if start < len(ctx.lines) else ""
    indent = head[: len(head) - len(head.lstrip())]
    nl = ctx.analysis.newline
    block = "".join(f"{indent}{t}{nl}" for t in texts)
    end = call.statement.end.line
    if end + 1 < len(ctx.lines):
        at = Position(end + 1, 0)
        return TextEdit(Span(at, at), block)
    last = ctx.lines[end] if end < len(ctx.lines) else ""
    at = Position(end, len(last))
    return TextEdit(Span(at, at), nl + block.rstrip("\r\n"))


def _calib_fix(ctx: CheckContext, run: ObjectRun, plan: _Plan) -> Fix | None:
    """Pass the op name through quantize_model(calib_outputs=[...]) and look the object up from that list
    (a single object only: the list's one entry is the op the run needs)."""
    call = run.after_call
    if call is None or call.api != "quantize_model" or call.has_star or call.statement is None:
        return None
    if "calib_outputs" in call.args or call.insert_arg_at is None or run.run_items is not None:
        return None
    if run.run_via_op:
        return None
    var = _fresh("calib_outputs", ctx.analysis.bound_names)
    op = run.value.value.rpartition(":")[0] if run.kind is UseKind.TENSOR else run.value.value
    index = run.value.value.rpartition(":")[2] if run.kind is UseKind.TENSOR else ""
    line = call.statement.start.line
    head = ctx.lines[line] if line < len(ctx.lines) else ""
    indent = head[: len(head) - len(head.lstrip())]
    quote = run.value.literals[0].quote if len(run.value.literals[0].quote) == 1 else "'"
    nl = ctx.analysis.newline
    name = f"{var}[0] + {quote}:{index}{quote}" if index else f"{var}[0]"
    edits = (
        TextEdit(Span(Position(line, 0), Position(line, 0)), f"{indent}{var} = [{quote}{op}{quote}]{nl}"),
        TextEdit(call.insert_arg_at, f"{', ' if call.has_args else ''}calib_outputs={var}"),
        _insert_after(ctx, call, [f"{plan.var} = {plan.receiver}.{plan.method}({name})"]),
    )
    return Fix(
        f"Pass '{op}' through quantize_model(calib_outputs={var}) and look '{plan.var}' up again from it "
        "(AMCT updates the list to the new name)",
        edits,
        primary=False,
    )


def _fresh(base: str, taken: frozenset[str]) -> str:
    n, name = 0, base
    while name in taken:
        n += 1
        name = f"{base}_{n}"
    return name


def _with_runs(name: NameInfo, runs_by_lookup: dict[Span, list[ObjectRun]]) -> NameInfo:
    runs = [r for span in (name.uses or ()) for r in runs_by_lookup.get(span, ())]
    if not runs:
        return name
    lines = ", ".join(dict.fromkeys(str(r.run.start.line + 1) for r in runs))
    told = (
        f"{name.verdict + '; ' if name.verdict else ''}the {_OBJECT[runs[0].kind]} object looked up here is "
        f"run after quantize_model (line {lines}), where it is stale: AMCT001 there"
    )
    return replace(name, verdict=told)


def _run_name(run: ObjectRun, verdict: Verdict) -> NameInfo:
    """A hover entry at the run: the object, its lookup and its chain."""
    return NameInfo(
        value=run.value.value,
        span=run.run,
        uses=(run.run,),
        phase=Phase.AFTER.value,
        phases=(Phase.AFTER.value,),
        kinds=(f"{run.how} of a {_OBJECT[run.kind]} object",),
        tensor=run.value.value if ":" in run.value.value else f"{run.value.value}:0",
        chain=verdict.chain,
        evidence=verdict.evidence,
        verdict=None,
        replacement=verdict.replacement,
        literal_spans=(),
    )
