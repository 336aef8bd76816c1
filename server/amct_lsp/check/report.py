"""Pipeline stage 5: verdicts become `NameInfo`s and findings (one per value, literal and code)."""

from __future__ import annotations

from amct_lsp.check.context import CheckContext
from amct_lsp.check.findings import Code, Finding, Fix, Related, Span
from amct_lsp.check.fixes import calib_fix, name_uncertain, prefer_rename_proof, primary_fix, reached_before
from amct_lsp.check.judge import judge
from amct_lsp.check.results import NameInfo
from amct_lsp.check.verdict import Verdict, phase_text
from amct_lsp.script.facts import NameUse, Phase, ScriptAnalysis
from amct_lsp.script.values import Literal, Str


def unchecked_names(analysis: ScriptAnalysis, reason: str) -> list[NameInfo]:
    """Without a model, still list the names (the hover says why they are not checked)."""
    verdict = Verdict(None, verdict=f"not checked: {reason}")
    return [
        _name_info(value, literal, uses, None, verdict)
        for (_, value, literal), uses in _groups(analysis.uses).items()
    ]


def report(ctx: CheckContext) -> tuple[list[NameInfo], list[Finding]]:
    """Every name with its verdict, and a finding per value, literal and code (the strongest use speaks)."""
    names: list[NameInfo] = []
    findings: list[Finding] = []
    verdicts: dict[tuple[Str, Literal], list[tuple[NameUse, Verdict]]] = {}
    for use in ctx.analysis.uses:
        verdict = judge(ctx, use)
        literal = _primary_literal(use.value, verdict.change)
        verdicts.setdefault((use.value, literal), []).append((use, verdict))
    for (value, literal), items in verdicts.items():
        uses = [u for u, _ in items]
        # The finding with the strongest code speaks for the value; other uses of it are fine.
        bad = [(u, v) for u, v in items if v.code is not None]
        best = bad[0][1] if bad else items[0][1]
        names.append(_name_info(value.value, literal, uses, best.replacement, best))
        for code in dict.fromkeys(v.code for _, v in bad):
            group = [(u, v) for u, v in bad if v.code == code]
            findings.append(_finding(ctx, value, literal, group))
    return names, findings


def _finding(
    ctx: CheckContext, value: Str, literal: Literal, group: list[tuple[NameUse, Verdict]]
) -> Finding:
    verdict = group[0][1]
    uses = [u for u, _ in group]
    assert verdict.code is not None
    fixes: list[Fix] = []
    primary = primary_fix(ctx, value, literal, uses, verdict) if verdict.replacement is not None else None
    if primary is not None:
        fixes.append(primary)
    if verdict.code == Code.STALE_NAME:
        calib = calib_fix(ctx, value, uses, verdict, primary=primary is None)
        if calib is not None:
            fixes.append(calib)
        if name_uncertain(ctx, verdict):
            fixes = prefer_rename_proof(fixes)
    related = _related(ctx, literal, uses)
    notes = (*verdict.notes, *(verdict.chain.notes if verdict.chain is not None else ()))
    if not fixes and reached_before(ctx, uses):
        notes += (
            "No automatic fix: the same line also runs where the old name is right (before "
            "quantize_model on another branch or in another call).",
        )
    elif not fixes and verdict.replacement is not None:
        notes += ("No automatic fix: the string is shared with a use that needs the old name.",)
    elif primary is None and verdict.replacement is not None:
        notes += (
            "The string is shared with a use that needs the old name: the fix goes through calib_outputs.",
        )
    return Finding(
        verdict.code,
        verdict.severity,
        verdict.message,
        ctx.path,
        literal.span,
        tensor=value.value,
        replacement=verdict.replacement,
        chain=verdict.chain,
        evidence=verdict.evidence,
        model=ctx.model.path,
        fixes=tuple(fixes),
        related=tuple(related),
        notes=notes,
        layer=verdict.layer,
        consequence=verdict.consequence or None,
    )


def _related(ctx: CheckContext, literal: Literal, uses: list[NameUse]) -> list[Related]:
    """Only places the user cannot see from the finding: uses on other lines than the literal (never the
    finding's own position, never the binary model)."""
    line = literal.span.start.line
    sites = dict.fromkeys(u.site for u in uses if u.site.start.line != line and u.site != literal.span)
    by_site = {u.site: u for u in uses}
    return [
        Related(ctx.path, site, f"used here ({by_site[site].kind.value}, {_where(by_site[site])})")
        for site in sites
    ]


def _where(use: NameUse) -> str:
    """The phase of a use, or the AMCT parameter it is given to ("in quantize_model_ascend(outputs=...)")."""
    return f"in {use.target}" if use.target is not None else phase_text(use.phase)


def _primary_literal(value: Str, change: tuple[int, int] | None) -> Literal:
    """The literal holding the characters that change; when several do, the one holding the ':N' (the
    template of a `+`, `%`, `.format` or f-string construction), else the name's end, else the first."""
    if change is not None:
        found = value.locate(*change)
        if found is not None:
            return found[0]
        at = value.locate(change[0], change[0])
        if at is not None and change[0] == change[1]:
            return at[0]
    text = value.value
    for index in (text.rfind(":"), len(text) - 1):
        holder = value.locate(index, index + 1) if index >= 0 else None
        if holder is not None:
            return holder[0]
    return value.literals[0]


def _groups(uses: list[NameUse]) -> dict[tuple[Str, str, Literal], list[NameUse]]:
    groups: dict[tuple[Str, str, Literal], list[NameUse]] = {}
    for use in uses:
        groups.setdefault((use.value, use.value.value, use.value.literals[0]), []).append(use)
    return groups


_PHASE_ORDER = (Phase.AFTER, Phase.SAVE, Phase.CALIB, Phase.BEFORE, Phase.UNKNOWN)


def _name_info(
    value: str, literal: Literal, uses: list[NameUse], replacement: str | None, verdict: Verdict
) -> NameInfo:
    phases = sorted({u.phase for u in uses}, key=_PHASE_ORDER.index)
    literals: list[Span] = [literal.span]
    for use in uses:
        for lit in use.value.literals:
            if lit.span not in literals:
                literals.append(lit.span)
    return NameInfo(
        value=value,
        span=literal.span,
        uses=tuple(dict.fromkeys(u.site for u in uses)),
        phase=phases[0].value,
        phases=tuple(p.value for p in phases),
        kinds=tuple(dict.fromkeys(u.kind.value for u in uses)),
        targets=tuple(dict.fromkeys(u.target for u in uses if u.target is not None)),
        tensor=value if ":" in value else f"{value}:0",
        chain=verdict.chain,
        evidence=verdict.evidence,
        verdict=verdict.verdict or (verdict.message if verdict.code is not None else None),
        replacement=replacement,
        literal_spans=tuple(literals),
    )
