"""What the picture of one tail's rewrite shows: the last few ops before quantize_model and after it.

Pure data, no drawing (`svg` lays it out). Before: the tail and its producers up to `MAX_DEPTH` data edges
back (weights and other constants are left out). After: the same ops without those a rename step takes off
the path, plus the ops the steps create (`RenameStep.new_op` / `new_input`; for a step from the AMCT log,
which does not say, the op type is read from the name and the input is the layer the step rewrote). The
number of ops per picture is capped, so a tail fed by a 500-way Concat still draws small.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import Enum

from amct_lsp.amct.chain import Evidence, RenameChain, RenameStep, TailVerdict
from amct_lsp.amct.layers import QUANTIZABLE_OPS
from amct_lsp.model.graph import ModelGraph, Node, split_input

#: Producers drawn behind a tail (data edges).
MAX_DEPTH = 3
#: Ops per picture row; the rest are counted (`Row.hidden`).
MAX_OPS = 12
#: Not drawn: weights and constants (and Identity reads of them) would crowd the picture.
_CONSTANT_OPS = frozenset({"Const", "HostConst"})


class OpState(str, Enum):
    """How an op takes part in the rewrite (the CSS class the picture gives it)."""

    KEPT = "kept"  # in the graph before and after
    REMOVED = "removed"  # a step takes it off the path (replaced or fused away)
    NEW = "new"  # created by a step


@dataclass(frozen=True, slots=True)
class DrawnOp:
    """One op box: its name and type, its part in the rewrite, and whether it ends the network."""

    name: str
    op: str
    state: OpState
    is_tail: bool = False
    #: For NEW and REMOVED ops: the 1-based step that made or removed it, and that step's evidence.
    step: int | None = None
    evidence: Evidence | None = None


@dataclass(frozen=True, slots=True)
class Row:
    """One DAG: ops in draw order (producers first) and edges (producer, consumer) between drawn ops."""

    ops: tuple[DrawnOp, ...]
    edges: tuple[tuple[str, str], ...]
    #: Ops within reach that the cap left out.
    hidden: int = 0


@dataclass(frozen=True, slots=True)
class TailPicture:
    """The two rows of one renamed tail."""

    verdict: TailVerdict
    chain: RenameChain
    before: Row
    after: Row


@dataclass(slots=True)
class _Op:
    name: str
    op: str
    inputs: tuple[str, ...]  # producer op names (data inputs only)


def _is_constant(graph: ModelGraph, node: Node) -> bool:
    if node.op in _CONSTANT_OPS:
        return True
    if node.op == "Identity" and node.data_inputs:
        source = graph.producer(node.data_inputs[0])
        return source is not None and source.op in _CONSTANT_OPS
    return False


def _producers(graph: ModelGraph, node: Node) -> tuple[str, ...]:
    names: list[str] = []
    for ref in node.data_inputs:
        producer = graph.producer(ref)
        if producer is not None and not _is_constant(graph, producer) and producer.name not in names:
            names.append(producer.name)
    return tuple(names)


def _neighbourhood(graph: ModelGraph, tail: Node) -> tuple[dict[str, _Op], int]:
    """The tail and its non-constant producers up to MAX_DEPTH back, breadth first, capped at MAX_OPS."""
    found: dict[str, _Op] = {}
    seen = {tail.name}
    frontier = [tail]
    hidden = 0
    for depth in range(MAX_DEPTH + 1):
        following: list[Node] = []
        for node in frontier:
            if len(found) >= MAX_OPS:
                hidden += 1
                continue
            found[node.name] = _Op(node.name, node.op, _producers(graph, node))
            if depth == MAX_DEPTH:
                continue
            for name in found[node.name].inputs:
                producer = graph.get(name)
                if producer is not None and name not in seen:
                    seen.add(name)
                    following.append(producer)
        frontier = following
    return found, hidden


def _ancestors(ops: dict[str, _Op], start: str) -> set[str]:
    """`start` and every op of `ops` it reads from, directly or not."""
    result: set[str] = set()
    stack = [start]
    while stack:
        name = stack.pop()
        if name in result or name not in ops:
            continue
        result.add(name)
        stack.extend(ops[name].inputs)
    return result


def _op_of_log_name(name: str) -> str:
    """A step from the AMCT log names the new op but not its type: TF names an op after its type unless
    told otherwise, so the last part of the name is the best guess (`bias_add/BiasAdd` → `BiasAdd`)."""
    return name.rpartition("/")[2]


def _layer_behind(ops: dict[str, _Op], name: str) -> str:
    """For a log step that replaces `name`: the nearest quantizable layer it reads from (what AMCT's
    replacement is fed by), else its first input."""
    stack = list(ops[name].inputs) if name in ops else []
    seen: set[str] = set()
    while stack:
        current = stack.pop(0)
        if current in seen or current not in ops:
            continue
        seen.add(current)
        if ops[current].op in QUANTIZABLE_OPS:
            return current
        stack.extend(ops[current].inputs)
    inputs = ops[name].inputs if name in ops else ()
    return inputs[0] if inputs else name


def _source_of(step: RenameStep, ops: dict[str, _Op], old: str) -> str:
    if step.new_input is not None:
        return split_input(step.new_input)[0]
    return _layer_behind(ops, old) if step.removes_old else old


def picture(graph: ModelGraph, verdict: TailVerdict) -> TailPicture | None:
    """The picture of a renamed tail; None when the tail keeps its name or is not in `graph`."""
    chain = verdict.chain
    tail = graph.get(verdict.tail)
    if chain is None or not chain.steps or tail is None:
        return None
    ops, hidden = _neighbourhood(graph, tail)
    original = set(ops)
    made: dict[str, tuple[int, Evidence]] = {}
    removed: dict[str, tuple[int, Evidence]] = {}
    for number, step in enumerate(chain.steps, 1):
        old = split_input(step.old)[0]
        new = split_input(step.new)[0]
        if new in ops or new in graph:
            source = new  # the step ends the network at an op the graph has (a fusion that deletes the tail)
            if new not in ops and (node := graph.get(new)) is not None:
                ops[new] = _Op(new, node.op, _producers(graph, node))
        else:
            source = _source_of(step, ops, old)
            if source not in ops and (node := graph.get(source)) is not None:
                ops[source] = _Op(source, node.op, _producers(graph, node))
            ops[new] = _Op(new, step.new_op or _op_of_log_name(new), (source,))
            made[new] = (number, step.evidence)
        if step.removes_old:
            for name in _ancestors(ops, old) - _ancestors(ops, source):
                removed.setdefault(name, (number, step.evidence))
    final = split_input(chain.final)[0]

    def before_op(name: str) -> DrawnOp:
        if name in removed:
            number, evidence = removed[name]
            return DrawnOp(name, ops[name].op, OpState.REMOVED, name == tail.name, number, evidence)
        return DrawnOp(name, ops[name].op, OpState.KEPT, name == tail.name)

    def after_op(name: str) -> DrawnOp:
        if name in made:
            number, evidence = made[name]
            return DrawnOp(name, ops[name].op, OpState.NEW, name == final, number, evidence)
        return DrawnOp(name, ops[name].op, OpState.KEPT, name == final)

    before = _row([n for n in ops if n in original], ops, before_op, hidden)
    after = _row([n for n in ops if n not in removed], ops, after_op, hidden)
    return TailPicture(verdict, chain, before, after)


def _row(names: list[str], ops: dict[str, _Op], draw: Callable[[str], DrawnOp], hidden: int) -> Row:
    """The ops in producer-first order (the tail's breadth-first order reversed) and their edges."""
    ordered = list(reversed(names))
    present = set(ordered)
    edges = tuple((source, n) for n in ordered for source in ops[n].inputs if source in present)
    return Row(tuple(draw(n) for n in ordered), edges, hidden)


def pictures(graph: ModelGraph, tails: Iterable[TailVerdict], limit: int) -> tuple[list[TailPicture], int]:
    """Pictures of the first `limit` renamed tails, and how many renamed tails are left out."""
    drawn: list[TailPicture] = []
    left = 0
    for verdict in tails:
        if verdict.chain is None or not verdict.chain.steps:
            continue
        if len(drawn) >= limit:
            left += 1
            continue
        shown = picture(graph, verdict)
        if shown is not None:
            drawn.append(shown)
    return drawn, left
