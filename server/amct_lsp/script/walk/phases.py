"""Where a use stands relative to quantize_model: the phase sets of the walk and the graphs it tells apart."""

from __future__ import annotations

from amct_lsp.script import values as V
from amct_lsp.script.facts import NameUse, Phase
from amct_lsp.script.values import GraphRef

PhaseSet = frozenset[str]
BEFORE: PhaseSet = frozenset({"before"})
AFTER: PhaseSet = frozenset({"after"})
UNKNOWN: PhaseSet = frozenset({"unknown"})


def with_phase(use: NameUse, phase: Phase) -> NameUse:
    return NameUse(
        use.value, use.kind, phase, use.site, use.site_replaceable, use.call, use.function, use.after_call
    )


def phase_of(phases: PhaseSet) -> Phase:
    if "after" in phases:
        return Phase.AFTER
    if "before" in phases:
        return Phase.BEFORE
    return Phase.UNKNOWN


def graphs_in(vals: V.Vals) -> frozenset[GraphRef] | None:
    """The graphs `vals` may be, when every alternative is a known graph; None otherwise."""
    refs = [v.ref for v in vals if isinstance(v, V.Graph) and v.ref is not None]
    return frozenset(refs) if refs and len(refs) == len(vals) else None


def session_graphs(vals: V.Vals) -> frozenset[GraphRef] | None:
    """The graphs the sessions in `vals` run, when every alternative is a session on a known graph."""
    refs = [v.graph for v in vals if isinstance(v, V.Session) and v.graph is not None]
    return frozenset(refs) if refs and len(refs) == len(vals) else None


def settle_pending(uses: list[NameUse], pending: list[int]) -> None:
    """quantize_model ran after these uses of unknown phase: they were before it."""
    for index in pending:
        old = uses[index]
        if old.phase == Phase.UNKNOWN:
            uses[index] = with_phase(old, Phase.BEFORE)
    pending.clear()
