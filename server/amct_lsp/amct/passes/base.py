"""The contract between the driver and the passes, and the naming helper every pass uses.

A pass looks at the current tail tensor (which may be a node an earlier pass created — the "virtual" view) and
returns the rename it causes, or None. Names go through the shared `NameAllocator`, so collisions get TF's
suffixes; `allocate` also says which name forced the suffix, which decides the step's evidence.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Protocol

from amct_lsp.amct.chain import Evidence, RenameStep
from amct_lsp.amct.layers import constraint_failure
from amct_lsp.amct.names import NameAllocator
from amct_lsp.amct.options import QuantOptions
from amct_lsp.model.graph import ModelGraph, Node, split_input

_STRENGTH = [Evidence.INFERRED, Evidence.TF, Evidence.DOC, Evidence.FAQ, Evidence.LOG]


def weaker(a: Evidence, b: Evidence) -> Evidence:
    """The less certain of two evidences (a step is only as sure as its weakest part)."""
    return min(a, b, key=_STRENGTH.index)


@dataclass
class PassContext:
    """Everything a pass may read, plus the nodes earlier passes created (looked up before the model's)."""

    graph: ModelGraph
    options: QuantOptions
    allocator: NameAllocator
    #: Nodes created by earlier passes, by op name: a later pass sees the new tail as this node.
    virtual: dict[str, Node] = field(default_factory=dict)
    #: The original tail node the driver is working on.
    tail: Node | None = None
    #: Per original tail name: why a pass recognised the structure but did not apply (first is most relevant).
    misses: dict[str, list[str]] = field(default_factory=dict)
    #: Per original tail name: caveats to show with its chain.
    notes: dict[str, list[str]] = field(default_factory=dict)
    #: Per original tail name: the model's layers (quantizable ops) its rewrite consumed.
    claimed: dict[str, set[str]] = field(default_factory=dict)
    #: Every op name a pass allocated → (original tail name, the name it asked for). Two tails asking for the
    #: same name make both steps depend on AMCT's undocumented tail order.
    allocations: dict[str, tuple[str, str]] = field(default_factory=dict)

    def node(self, ref: str) -> Node | None:
        """The node producing `ref` ("x", "x:0"), created nodes first."""
        name, _ = split_input(ref)
        return self.virtual.get(name) or self.graph.get(name)

    def is_virtual(self, ref: str) -> bool:
        return split_input(ref)[0] in self.virtual

    def add_virtual(self, node: Node) -> None:
        self.virtual[node.name] = node

    def _key(self) -> str:
        return self.tail.name if self.tail is not None else ""

    def miss(self, reason: str) -> None:
        """Record why a pass that recognised the tail's structure still leaves it alone."""
        self.misses.setdefault(self._key(), []).append(reason)

    def note(self, text: str) -> None:
        notes = self.notes.setdefault(self._key(), [])
        if text not in notes:
            notes.append(text)

    def claim(self, layer: Node) -> None:
        """Mark `layer` as part of this tail's rewrite (it is not one of the 'other' rewritable layers)."""
        self.claimed.setdefault(self._key(), set()).add(layer.name)


class RewritePass(Protocol):
    """One AMCT graph pass, as seen from one tail."""

    @property
    def name(self) -> str: ...

    def apply(self, ctx: PassContext, tensor: str) -> RenameStep | None: ...


@dataclass(frozen=True)
class Allocation:
    """A new op name and, when TensorFlow's suffixing changed it, why."""

    op_name: str
    wanted: str
    #: None when the name is the un-suffixed one; TF when an op of the model forced the suffix;
    #: INFERRED when a name created earlier in this run did (it depends on AMCT's undocumented order).
    evidence: Evidence | None = None
    reason: str = ""

    @property
    def tensor(self) -> str:
        return f"{self.op_name}:0"


def allocate(ctx: PassContext, scopes: Sequence[str], op: str) -> Allocation:
    """Create op `op` inside nested name scopes as AMCT's TF code would ('a/' re-enters scope a)."""
    alloc = ctx.allocator
    with ExitStack() as stack:
        for scope in scopes:
            stack.enter_context(alloc.name_scope(scope))
        got = alloc.unique_name(op)
    wanted = "/".join([s.rstrip("/") for s in scopes if s] + [op])
    ctx.allocations[got] = (ctx._key(), wanted)
    if got == wanted:
        return Allocation(got, wanted)
    return _explain_suffix(alloc, wanted, got)


def _explain_suffix(alloc: NameAllocator, wanted: str, got: str) -> Allocation:
    want_parts, got_parts = wanted.split("/"), got.split("/")
    for index, (w, g) in enumerate(zip(want_parts, got_parts, strict=False)):
        if w == g:
            continue
        base = "/".join([*got_parts[:index], w])
        suffix = g[len(w) + 1 :]
        count = int(suffix) if suffix.isdigit() else 1
        candidates = [base] + [f"{base}_{k}" for k in range(1, count)]
        existing = [op for op in (alloc.existing_op(c) for c in candidates) if op is not None]
        new_name = "/".join(got_parts[: index + 1])
        if existing and len(existing) == len([c for c in candidates if alloc.is_taken(c)]):
            shown = ", ".join(f"'{e}'" for e in existing)
            plural = "ops" if len(existing) > 1 else "an op"
            reason = (
                f"the model already has {plural} named {shown} (TensorFlow compares names "
                "case-insensitively), "
                f"so TensorFlow names the new one '{new_name}'"
            )
            return Allocation(got, wanted, Evidence.TF, reason)
        reason = (
            f"'{base}' is already used by a name this rewrite created for another tail, so it becomes "
            f"'{new_name}' (the order in which AMCT handles several tails is not documented)"
        )
        if existing:
            reason += f"; the model's own {', '.join(repr(e) for e in existing)} also counts"
        return Allocation(got, wanted, Evidence.INFERRED, reason)
    return Allocation(got, wanted, Evidence.INFERRED, f"TensorFlow names it '{got}' instead of '{wanted}'")


def make_step(
    pass_name: str,
    old: str,
    allocation: Allocation,
    reason: str,
    evidence: Evidence,
    *,
    removes_old: bool,
) -> RenameStep:
    """A step whose evidence and reason account for any suffix TensorFlow added."""
    if allocation.evidence is not None:
        evidence = weaker(evidence, allocation.evidence)
        reason = f"{reason}; {allocation.reason}"
    return RenameStep(pass_name, old, allocation.tensor, reason, evidence, removes_old)


def refuse_unquantizable(ctx: PassContext, layer: Node, pass_name: str) -> bool:
    """Record a miss and say True when `layer` fails AMCT's quantization constraints: the vendor's fusion
    list (Conv+BN, OP+Add, small-op BN) requires every op it fuses to meet them first [DOC]. A skip
    setting is not such a failure: the layer is merely left unquantized."""
    failure = constraint_failure(ctx.graph, layer)
    if failure is None:
        return False
    ctx.miss(
        f"{failure}, and AMCT's documentation requires a fused layer to meet the quantization "
        f"constraints, so {pass_name} does not apply"
    )
    return True


def conv_source(ctx: PassContext, ref: str) -> tuple[Node, bool] | None:
    """The Conv2D / DepthwiseConv2dNative behind `ref`, directly or through one BiasAdd (flagged)."""
    node = ctx.node(ref)
    if node is None:
        return None
    if node.op in ("Conv2D", "DepthwiseConv2dNative"):
        return node, False
    if node.op == "BiasAdd" and node.data_inputs:
        inner = ctx.node(node.data_inputs[0])
        if inner is not None and inner.op in ("Conv2D", "DepthwiseConv2dNative"):
            return inner, True
    return None


def describe(node: Node) -> str:
    """`Conv2D 'conv1/Conv2D'`, or just `Conv2D` when the name is the op type."""
    return node.op if node.name == node.op else f"{node.op} '{node.name}'"
