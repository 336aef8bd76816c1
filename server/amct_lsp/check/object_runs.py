"""Tensor and op objects looked up before quantize_model and run after it on the same graph (issue 9).

quantize_model rewrites the user's graph object in place, so the object still names the old tail: the run
skips the new ops (or fetches a node the rewrite removed) exactly like a stale name string. The finding is
at the run; the lookup is its related location. Fixes: look the object up again right after quantize_model
with the new name (primary), or pass the name through calib_outputs and look it up from that list."""

from __future__ import annotations

from dataclasses import replace

from amct_lsp.check import messages
from amct_lsp.check.context import CheckContext
from amct_lsp.check.findings import Code, Finding, Fix, Position, Related, Span, TextEdit
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
    refetch = _refetch_edits(ctx, stale)
    findings = [_finding(ctx, run, verdict, refetch) for run, verdict in stale]
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


def _finding(
    ctx: CheckContext, run: ObjectRun, verdict: Verdict, refetch: dict[int, tuple[AmctCall, TextEdit]]
) -> Finding:
    assert verdict.chain is not None and verdict.replacement is not None
    steps = " → ".join(verdict.chain.names())
    new = verdict.replacement
    message = messages.stale_object(run.how, _OBJECT[run.kind], run.value.value, new)
    why = f"{_describe(run)} ({steps})."
    if not verdict.chain.removes_original:
        why += " The old node survives but no longer ends the network, so calibration skips the new ops."
    fixes: list[Fix] = []
    if run.refetch is not None and id(run) in refetch:
        _, edit = refetch[id(run)]
        var, receiver = run.refetch
        fixes.append(
            Fix(f"Look '{var}' up again after quantize_model: {receiver}.{run.method}('{new}')", (edit,))
        )
    calib = _calib_fix(ctx, run, primary=not fixes)
    if calib is not None:
        fixes.append(calib)
    notes = (
        why[0].upper() + why[1:] + " AMCT keeps no float copy of the graph.",
        *verdict.chain.notes,
    )
    if not fixes:
        notes += (
            "No automatic fix: the lookup is not a plain `name = graph.get_tensor_by_name(...)` in the "
            "function that calls quantize_model; look the object up again after quantize_model.",
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


def _refetch_edits(
    ctx: CheckContext, stale: list[tuple[ObjectRun, Verdict]]
) -> dict[int, tuple[AmctCall, TextEdit]]:
    """One inserted block per quantize_model call that looks up again every stale object it can (so the
    fixes of several objects are one edit, and apply together)."""
    lines_by_call: dict[int, tuple[AmctCall, dict[str, str]]] = {}
    for run, verdict in stale:
        call = run.after_call
        if run.refetch is None or call is None or call.statement is None:
            continue
        if run.lookup_function != call.function or run.lookup_call.start >= call.span.start:
            continue
        var, receiver = run.refetch
        quote = run.value.literals[0].quote if len(run.value.literals[0].quote) == 1 else "'"
        text = f"{var} = {receiver}.{run.method}({quote}{verdict.replacement}{quote})"
        lines_by_call.setdefault(id(call), (call, {}))[1].setdefault(var, text)
    edits: dict[int, tuple[AmctCall, TextEdit]] = {}
    for call, texts in lines_by_call.values():
        edit = _insert_after(ctx, call, list(texts.values()))
        for run, _ in stale:
            if run.after_call is call and run.refetch is not None and run.refetch[0] in texts:
                edits[id(run)] = (call, edit)
    return edits


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


def _calib_fix(ctx: CheckContext, run: ObjectRun, *, primary: bool) -> Fix | None:
    """Pass the op name through quantize_model(calib_outputs=[...]) and look the object up from that list."""
    call = run.after_call
    if call is None or call.api != "quantize_model" or call.has_star or call.statement is None:
        return None
    if "calib_outputs" in call.args or call.insert_arg_at is None or run.refetch is None:
        return None
    if run.lookup_function != call.function or run.lookup_call.start >= call.span.start:
        return None
    var = _fresh("calib_outputs", ctx.analysis.bound_names)
    op = run.value.value.rpartition(":")[0] if run.kind is UseKind.TENSOR else run.value.value
    index = run.value.value.rpartition(":")[2] if run.kind is UseKind.TENSOR else ""
    line = call.statement.start.line
    head = ctx.lines[line] if line < len(ctx.lines) else ""
    indent = head[: len(head) - len(head.lstrip())]
    quote = run.value.literals[0].quote if len(run.value.literals[0].quote) == 1 else "'"
    nl = ctx.analysis.newline
    target, receiver = run.refetch
    name = f"{var}[0] + {quote}:{index}{quote}" if index else f"{var}[0]"
    edits = (
        TextEdit(Span(Position(line, 0), Position(line, 0)), f"{indent}{var} = [{quote}{op}{quote}]{nl}"),
        TextEdit(call.insert_arg_at, f"{', ' if call.has_args else ''}calib_outputs={var}"),
        _insert_after(ctx, call, [f"{target} = {receiver}.{run.method}({name})"]),
    )
    return Fix(
        f"Pass '{op}' through quantize_model(calib_outputs={var}) and look '{target}' up again from it "
        "(AMCT updates the list to the new name)",
        edits,
        primary=primary,
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
