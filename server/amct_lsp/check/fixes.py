"""Pipeline stage 4: the fixes for a finding that are safe for every use sharing the literal — edit the
literal, edit only the reported uses, or go through calib_outputs."""

from __future__ import annotations

from dataclasses import replace

from amct_lsp.check.calib_edits import argument_edit, dead_binding_edit, fetch_text, split_tensor
from amct_lsp.check.context import CheckContext
from amct_lsp.check.edits import literal_edit, quoted
from amct_lsp.check.findings import Fix, Position, Span, TextEdit, short_name
from amct_lsp.check.verdict import EVIDENCE_LOG, Verdict
from amct_lsp.script.facts import NameUse, Phase, UseKind
from amct_lsp.script.values import Literal, Str


def primary_fix(
    ctx: CheckContext, value: Str, literal: Literal, uses: list[NameUse], verdict: Verdict
) -> Fix | None:
    """The fix `--fix` applies: edit the literal when nothing else reads it, else only the reported use
    sites; None when no edit is safe for every use."""
    assert verdict.replacement is not None
    new = verdict.replacement
    group_sites = {u.site for u in uses}
    reported = {(u.site, u.phase, u.kind) for u in uses}
    shared = [
        u
        for u in ctx.uses.uses_of(literal)
        if not (u.value == value and (u.site, u.phase, u.kind) in reported)
    ]
    if any(u.site in group_sites for u in shared):
        return None  # the same expression also runs where the old name is right (a branch, a 2nd call)
    code = verdict.code.value if verdict.code is not None else "amct"
    safe = verdict.safe and not verdict.guess
    verb = "did you mean" if verdict.guess else "use"
    end = "?" if verdict.guess else ""
    if not shared:
        edit = literal_edit(value, new)
        if edit is not None:
            return Fix(
                f"{code}: {verb} '{short_name(new)}'{end}", (edit,), safe=verdict.safe and not verdict.guess
            )
    # The literal also feeds a use that must keep its value: change only the uses reported here.
    edits: list[TextEdit] = []
    for use in uses:
        if not ctx.uses.site_replaceable(use):
            return None
        edits.append(TextEdit(use.site, quoted(new, literal)))
    if not edits:
        return None
    where = "here" if len(edits) == 1 else f"at its {len(edits)} uses"
    title = f"{code}: {verb} '{short_name(new)}' {where}{end}"
    return Fix(title, tuple(dict.fromkeys(edits)), safe=safe)


def reached_before(ctx: CheckContext, uses: list[NameUse]) -> bool:
    """Whether one of these use sites also runs while the name is still the original one."""
    sites = {u.site for u in uses}
    return any(
        u.site in sites and u.phase is not Phase.AFTER
        for lit in uses[0].value.literals
        for u in ctx.uses.uses_of(lit)
    )


def calib_fix(
    ctx: CheckContext, value: Str, uses: list[NameUse], verdict: Verdict, *, primary: bool
) -> Fix | None:
    """Pass the name through quantize_model(calib_outputs=...) and fetch from that list (rename-proof)."""
    call = uses[0].after_call
    if call is None or call.api != "quantize_model" or verdict.chain is None:
        return None
    if any(u.after_call != call or u.function != call.function or ":" not in u.value.value for u in uses):
        return None
    if any(u.kind not in (UseKind.TENSOR, UseKind.FETCH) or not ctx.uses.site_replaceable(u) for u in uses):
        return None
    if reached_before(ctx, uses):
        return None  # on the path without quantize_model the new variable would not exist
    if call.has_star:  # `**kwargs` may already hold calib_outputs; `*args` may fill its position
        return None
    parts = split_tensor(value.value)
    if parts is None:
        return None
    op, output = parts
    quote = value.literals[0].quote if value.literals and len(value.literals[0].quote) == 1 else "'"
    edits: list[TextEdit] = []
    if call.calib_var is not None:
        items = call.calib_items or ()
        if op not in items:
            return None  # a tensor name in the list is a finding of its own (calib_outputs holds op names)
        var = call.calib_var
        index = items.index(op)
    else:
        if "calib_outputs" in call.args or call.statement is None:
            return None
        var = _fresh_name("calib_outputs", ctx.analysis.bound_names)
        index = 0
        argument = argument_edit(ctx, call, var)
        if argument is None:
            return None
        line = call.statement.start.line
        text = ctx.lines[line] if line < len(ctx.lines) else ""
        indent = text[: len(text) - len(text.lstrip())]
        edits.append(
            TextEdit(
                Span(Position(line, 0), Position(line, 0)),
                f"{indent}{var} = [{quote}{op}{quote}]{ctx.analysis.newline}",
            )
        )
        edits.append(argument)
    edits.extend(TextEdit(u.site, fetch_text(var, index, output, quote)) for u in uses)
    dead = dead_binding_edit(ctx, value, uses)
    if dead is not None and all(not _overlap(dead.span, e.span) for e in edits):
        edits.append(dead)
    return Fix(
        f"AMCT001: fetch through quantize_model(calib_outputs={var}) (rename-proof)",
        tuple(dict.fromkeys(edits)),
        primary=primary,
        rename_proof=True,
    )


def _overlap(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


def name_uncertain(ctx: CheckContext, verdict: Verdict) -> bool:
    """More than one layer will be quantized, so a searchN follows each and the tail's may be numbered
    (`search_n_quant_K`, not public); the AMCT log settles it."""
    return len(ctx.model.quantized_layers) > 1 and verdict.evidence != EVIDENCE_LOG


def prefer_rename_proof(fixes: list[Fix]) -> list[Fix]:
    """The calib_outputs route first and preferred; the literal new name second, labelled inferred. Without
    a rename-proof fix the order stays."""
    proof = [f for f in fixes if f.rename_proof]
    if not proof:
        return fixes
    rest = [
        replace(f, primary=False, message=f"{f.message} (inferred)" if f.primary else f.message)
        for f in fixes
        if not f.rename_proof
    ]
    return [replace(proof[0], primary=True), *proof[1:], *rest]


def _fresh_name(base: str, taken: frozenset[str]) -> str:
    if base not in taken:
        return base
    n = 1
    while f"{base}_{n}" in taken:
        n += 1
    return f"{base}_{n}"
