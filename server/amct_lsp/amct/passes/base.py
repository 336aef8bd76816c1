"""The contract between the driver and the passes, and the helpers every pass uses.

A pass looks at the current tail tensor (which may be a node an earlier pass created — the "virtual" view) and
returns the rename it causes, or None. New ops are named through the shared `NameAllocator`, so collisions get
TF's suffixes; `create` also says which name forced a suffix, which decides the step's evidence.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from typing import Protocol

from amct_lsp.amct.chain import Evidence, RenameStep, weakest
from amct_lsp.amct.layers import CONV_OPS, constraint_failure, resolve_identity, will_be_quantized
from amct_lsp.amct.names import NameAllocator
from amct_lsp.amct.options import QuantOptions
from amct_lsp.model.graph import AttrValue, ModelGraph, Node, split_input


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
    #: The type of the op `create` made and the tensor it reads ("" when the op is the model's own).
    op: str = ""
    source: str = ""

    @property
    def tensor(self) -> str:
        return f"{self.op_name}:0"


def create(
    ctx: PassContext, scopes: Sequence[str], name: str, op: str, source: str, **attrs: AttrValue
) -> Allocation:
    """Create the op AMCT adds: named `name` inside nested name scopes as AMCT's TF code would ('a/'
    re-enters scope a), of type `op` fed by `source`; later passes see it as the tail."""
    alloc = ctx.allocator
    with ExitStack() as stack:
        for scope in scopes:
            stack.enter_context(alloc.name_scope(scope))
        got = alloc.unique_name(name)
    wanted = "/".join([s.rstrip("/") for s in scopes if s] + [name])
    ctx.allocations[got] = (ctx._key(), wanted)
    ctx.add_virtual(Node(got, op, (source,), attrs))
    if got == wanted:
        return Allocation(got, wanted, op=op, source=source)
    return replace(_explain_suffix(alloc, wanted, got), op=op, source=source)


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
        evidence = weakest((evidence, allocation.evidence))
        reason = f"{reason}; {allocation.reason}"
    return RenameStep(
        pass_name, old, allocation.tensor, reason, evidence, removes_old,
        new_op=allocation.op or None, new_input=allocation.source or None,
    )  # fmt: skip


def replacement_step(
    ctx: PassContext,
    pass_name: str,
    tensor: str,
    layer: Node,
    allocation: Allocation,
    reason: str,
    evidence: Evidence,
    *,
    unknown: str,
) -> RenameStep:
    """The step of a pass that removes the tail built on `layer` (replace_add, replace_bn, conv_bn_fusion).

    The FAQ shows these rewrites on quantized layers only: when a skip setting leaves `layer` unquantized the
    rewrite is still predicted, but inferred, and the reason names what the FAQ does not say (`unknown`,
    e.g. "the BN is still fused")."""
    quantized, why = will_be_quantized(ctx.graph, layer, ctx.options)
    if not quantized:
        evidence = Evidence.INFERRED
        reason += f"; {why}, and the FAQ does not say whether {unknown} then"
    return make_step(pass_name, tensor, allocation, reason, evidence, removes_old=True)


def claim_fused_layer(ctx: PassContext, layer: Node, pass_name: str) -> bool:
    """Claim `layer` for this tail's rewrite when it meets AMCT's quantization constraints: the vendor's
    fusion list (Conv+BN, OP+Add, small-op BN) requires every op it fuses to meet them first [DOC]. Otherwise
    record why `pass_name` does not apply and say False. A skip setting is not such a failure: the layer is
    merely left unquantized."""
    failure = constraint_failure(ctx.graph, layer)
    if failure is not None:
        ctx.miss(
            f"{failure}, and AMCT's documentation requires a fused layer to meet the quantization "
            f"constraints, so {pass_name} does not apply"
        )
        return False
    ctx.claim(layer)
    return True


def bn_refusal(ctx: PassContext, node: Node) -> str | None:
    """Why a BN of the model itself cannot be fused: training mode or non-constant parameters."""
    training = node.attrs.get("is_training")
    if training is not False:
        detail = "is_training=True" if training is True else "is_training unset; TensorFlow's default is True"
        return f"{node.op} runs in training mode ({detail}), so AMCT does not fuse it"
    for ref in node.data_inputs[1:5]:
        source = resolve_identity(ctx.graph, ref)
        if source is None or source.op != "Const":
            return f"{node.op}'s parameter '{ref}' is not a Const, so AMCT does not fuse it"
    return None


def fusion_blocked(
    ctx: PassContext, bn: Node, layers: Iterable[str], into: str, *, check_bn: bool = True
) -> bool:
    """Whether AMCT will not fuse `bn` into `into` (the reason goes to `ctx.miss`): the BN itself cannot be
    fused (only when `check_bn`), `do_fusion` is off, or one of `layers` is listed in skip_fusion_layers.
    Every BN fusion pass asks the same three questions in this order."""
    if check_bn:
        refusal = bn_refusal(ctx, bn)
        if refusal:
            ctx.miss(refusal)
            return True
    opts = ctx.options
    if not opts.do_fusion:
        ctx.miss(f"do_fusion is false{opts.source_text()}, so AMCT does not fuse {bn.op} into {into}")
        return True
    skipped = [name for name in layers if name in opts.skip_fusion_layers]
    if skipped:
        ctx.miss(
            f"'{skipped[0]}' is listed in skip_fusion_layers{opts.source_text()}, so AMCT does not fuse "
            f"{bn.op} into {into}"
        )
        return True
    return False


def layer_behind(ctx: PassContext, ref: str, ops: Collection[str]) -> Node | None:
    """The layer (one of `ops`) behind `ref`, directly or through one BiasAdd: where fusions find it."""
    node = ctx.node(ref)
    if node is not None and node.op == "BiasAdd" and node.data_inputs:
        node = ctx.node(node.data_inputs[0])
    return node if node is not None and node.op in ops else None


def conv_source(ctx: PassContext, ref: str) -> Node | None:
    """The Conv2D / DepthwiseConv2dNative behind `ref`, directly or through one BiasAdd."""
    return layer_behind(ctx, ref, CONV_OPS)


def describe(node: Node) -> str:
    """`Conv2D 'conv1/Conv2D'`, or just `Conv2D` when the name is the op type."""
    return node.op if node.name == node.op else f"{node.op} '{node.name}'"


def describe_input(ctx: PassContext, ref: str) -> str:
    """`describe` of the node producing `ref`, or the quoted ref when nothing in the graph does."""
    node = ctx.node(ref)
    return describe(node) if node is not None else f"'{ref}'"
