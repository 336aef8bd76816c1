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
        use.value,
        use.kind,
        phase,
        use.site,
        use.site_replaceable,
        use.call,
        use.function,
        use.after_call,
        use.graph_note,
        use.target,
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


class Graphs:
    """The graph `tf.get_default_graph()` gives now, and the graphs quantize_model rewrote (None once it
    rewrote a graph the walk cannot tell apart)."""

    def __init__(self) -> None:
        self.default = GraphRef()
        self.quantized: set[GraphRef] | None = set()
        #: Graphs a model was imported into after quantize_model ran, and what was imported (for the hover).
        self.reloaded: dict[GraphRef, str] = {}

    def note(self, graphs: frozenset[GraphRef] | None) -> str | None:
        """What the graphs a name is looked up in hold, when they are all graphs loaded again after
        quantize_model; None otherwise."""
        notes = {self.reloaded.get(g) for g in graphs} if graphs else {None}
        return next(iter(notes)) if len(notes) == 1 else None

    def is_fresh(self, graph: GraphRef) -> bool:
        """Whether `graph` is known not to be one quantize_model rewrote (a new `tf.Graph()`, the default
        graph after `reset_default_graph`), so the rewritten graphs are all told apart from it."""
        return bool(self.quantized) and self.quantized is not None and graph not in self.quantized

    def mark_quantized(self, rewritten: frozenset[GraphRef] | None) -> None:
        if rewritten is None or self.quantized is None:
            self.quantized = None
        else:
            self.quantized |= rewritten

    def phase(self, frame_phase: PhaseSet, graphs: frozenset[GraphRef] | None) -> Phase | None:
        """BEFORE for a lookup in a graph known not to be the one quantize_model rewrote (a float copy kept
        for comparison, a fresh load); None (the walk's phase) otherwise. Only ever removes findings."""
        if "after" not in frame_phase or not graphs or not self.quantized:
            return None
        return Phase.BEFORE if not graphs & self.quantized else None
