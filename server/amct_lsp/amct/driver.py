"""Apply AMCT's tail passes to a model, in AMCT's order, and say what every tail becomes.

Each pass runs over every tail (graph order) before the next pass starts, as AMCT's graph-wide passes do; one
`NameAllocator` is shared, so a second tail's names get TensorFlow's `_1` suffixes. Pure: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from amct_lsp.amct.chain import Evidence, Prediction, RenameChain, RenameStep, TailVerdict
from amct_lsp.amct.layers import QUANTIZABLE_OPS, resolve_identity, will_be_quantized
from amct_lsp.amct.names import NameAllocator
from amct_lsp.amct.options import QuantOptions
from amct_lsp.amct.passes import (
    batch_to_space_bn_fusion,
    conv3d_bn_fusion,
    conv_bn_fusion,
    group_conv_bn_fusion,
    matmul_bn_fusion,
    mul_fusion,
    replace_add,
    replace_bn,
    search_n,
)
from amct_lsp.amct.passes.base import PassContext, RewritePass
from amct_lsp.amct.versions import (
    CONV3D_MUL_SINCE,
    FUSIONS_SINCE,
    NEWEST,
    OP_ADD_EXTENDED_SINCE,
    AmctVersion,
    RuleVersion,
)
from amct_lsp.model.graph import NON_TAIL_OPS, ModelGraph, Node


@dataclass(frozen=True)
class PassEntry:
    """One pass (or pass variant), the vendor source it follows and the AMCT versions it applies to."""

    rewrite: RewritePass
    source: str
    since: AmctVersion | None = None
    #: Exclusive: the variant is replaced from this version on.
    until: AmctVersion | None = None

    def applies(self, rules: RuleVersion) -> bool:
        if self.since is not None and not rules.at_least(self.since):
            return False
        return self.until is None or not rules.at_least(self.until)


_FUSION_DOC = "CANN 8.0+ fusion documentation"
#: AMCT's order. Adding a pass is one module plus one entry here; a variant for other versions is one more
#: entry with `since` / `until`.
PASS_TABLE: tuple[PassEntry, ...] = (
    PassEntry(replace_bn.PASS, "FAQ scenario 5"),
    PassEntry(replace_add.PASS, "FAQ scenario 1", until=OP_ADD_EXTENDED_SINCE),
    PassEntry(replace_add.EXTENDED, "OP+Add replacement, atlasamcttf_16_0141", since=OP_ADD_EXTENDED_SINCE),
    PassEntry(
        mul_fusion.PASS,
        f"Conv/MatMul(+BiasAdd)+Mul fusion, {_FUSION_DOC}",
        since=FUSIONS_SINCE,
        until=CONV3D_MUL_SINCE,
    ),
    PassEntry(
        mul_fusion.CONV3D,
        "Conv/Conv3D/MatMul(+BiasAdd)+Mul fusion, CANN 8.5 / 9.0 fusion documentation (Conv3D added)",
        since=CONV3D_MUL_SINCE,
    ),
    PassEntry(
        group_conv_bn_fusion.PASS,
        f"group conv (Split, Conv2D x k, ConcatV2)+BN, {_FUSION_DOC}",
        since=FUSIONS_SINCE,
    ),
    PassEntry(
        matmul_bn_fusion.PASS, f"MatMul(+BiasAdd)+Reshape+BN+Reshape, {_FUSION_DOC}", since=FUSIONS_SINCE
    ),
    PassEntry(conv3d_bn_fusion.PASS, f"Conv3D+BN, {_FUSION_DOC}", since=FUSIONS_SINCE),
    PassEntry(
        batch_to_space_bn_fusion.PASS,
        f"Conv2D+BatchToSpace+BN reordered to Conv2D+BN+BatchToSpace, {_FUSION_DOC}",
        since=FUSIONS_SINCE,
    ),
    PassEntry(conv_bn_fusion.PASS, "FAQ scenario 4"),
    PassEntry(search_n.PASS, "FAQ scenarios 1-5", until=FUSIONS_SINCE),
    PassEntry(
        search_n.CONV3D,
        "FAQ scenarios 1-5; Conv3D layers, 8.0+ layer table and fusion documentation",
        since=FUSIONS_SINCE,
        until=OP_ADD_EXTENDED_SINCE,
    ),
    PassEntry(
        search_n.EXTENDED,
        "FAQ scenarios 1-5; Conv3D layers (8.0+); BatchMatMul layers, atlasamcttf_16_0141",
        since=OP_ADD_EXTENDED_SINCE,
    ),
)


def passes_for(rules: RuleVersion) -> tuple[RewritePass, ...]:
    """The passes AMCT of `rules`' version runs, in order."""
    return tuple(entry.rewrite for entry in PASS_TABLE if entry.applies(rules))


#: The passes of the newest documented behaviour (what `predict` uses without a version).
PASSES: tuple[RewritePass, ...] = passes_for(NEWEST)

_PASS_LABEL = {"quantize_model": "quantize_model (searchN)"}

_OTHER_LAYERS_NOTE = (
    "The model has {count} other quantizable layer{s} ({examples}); if AMCT also rewrites non-tail layers, "
    "it may number this name differently. The AMCT log or calib_outputs settles it."
)


def predict(
    graph: ModelGraph, options: QuantOptions | None = None, rules: RuleVersion | None = None
) -> Prediction:
    """Every tail's predicted rename chain (or why it keeps its name), and every name the rewrite creates,
    by the rules of `rules`' AMCT version (the newest documented when None)."""
    rules = rules or NEWEST
    passes = passes_for(rules)
    ctx = PassContext(graph, options or QuantOptions(), NameAllocator(graph.nodes))
    tails = graph.tails()
    current = {tail.name: f"{tail.name}:0" for tail in tails}
    steps: dict[str, list[RenameStep]] = {tail.name: [] for tail in tails}
    for rewrite in passes:
        for tail in tails:
            ctx.tail = tail
            step = rewrite.apply(ctx, current[tail.name])
            if step is not None:
                steps[tail.name].append(step)
                current[tail.name] = step.new
    ctx.tail = None
    _mark_contested(ctx, steps)

    other = _other_quantized_layers(ctx, tails)
    other_note = ""
    if other:
        other_note = _OTHER_LAYERS_NOTE.format(
            count=len(other), s="" if len(other) == 1 else "s", examples=_sample(other)
        )

    verdicts: list[TailVerdict] = []
    created: set[str] = set()
    for tail in tails:
        tail_steps = steps[tail.name]
        misses = ctx.misses.get(tail.name, [])
        if not tail_steps:
            reason = _no_rename_reason(tail, misses) + _forwarding_hint(ctx, tail, passes)
            verdicts.append(TailVerdict(tail.name, tail.op, None, reason))
            continue
        notes = list(ctx.notes.get(tail.name, []))
        if other_note:
            notes.append(other_note)
        chain = RenameChain(tail.name, tuple(tail_steps), tuple(notes), _side(ctx, tail.name, tail_steps))
        for new in chain.created():
            if new.rpartition(":")[0] in graph:
                continue  # a fusion that deletes the tail ends the network at a node the model has
            created.add(new)
            created.add(new.rpartition(":")[0])
        labels = " then ".join(_PASS_LABEL.get(s.pass_name, s.pass_name) for s in tail_steps)
        reason = f"renamed by {labels}"
        if misses:
            reason += f"; {misses[0]}"
        layer, unquantized = _tail_layer(ctx, tail.name)
        verdicts.append(TailVerdict(tail.name, tail.op, chain, reason, layer, unquantized))
    renamed = any(v.chain is not None for v in verdicts)
    model_notes = [other_note.replace("this name", "the tails' new names")] if other_note and renamed else []
    model_notes.extend(_not_frozen_note(graph))
    return Prediction(
        graph.path,
        tuple(verdicts),
        frozenset(created),
        tuple(model_notes),
        rules=rules.describe(),
        rules_version=str(rules.version) if rules.version is not None else None,
        rules_source=rules.source,
    )


def _side(ctx: PassContext, tail: str, steps: list[RenameStep]) -> tuple[str, ...]:
    """The tensors of the ops `create` made for `tail` that its chain does not name (a fusion that ends the
    network at a node the model has, reading a new `bias_add`)."""
    on_path = {step.new.rpartition(":")[0] for step in steps}
    return tuple(
        f"{name}:0" for name, (owner, _) in ctx.allocations.items() if owner == tail and name not in on_path
    )


_VARIABLE_OPS = frozenset({"VariableV2", "VarHandleOp", "Variable"})


def _not_frozen_note(graph: ModelGraph) -> list[str]:
    """A graph with variables is not a frozen .pb: layers reading them look unquantized."""
    variables = [n.name for n in graph if n.op in _VARIABLE_OPS]
    if not variables:
        return []
    return [
        f"The graph is not frozen: it holds {len(variables)} variable{'s' if len(variables) != 1 else ''} "
        f"({_sample(variables)}). AMCT quantizes layers whose weights are Const, so layers reading a "
        "variable are predicted to keep their names; freeze the graph (convert_variables_to_constants_v2) "
        "for the prediction the script's frozen .pb will get."
    ]


def _mark_contested(ctx: PassContext, steps: dict[str, list[RenameStep]]) -> None:
    """A name several tails ask for goes to whichever AMCT handles first, which no document says: every
    step that asked for it is inferred, the un-suffixed winner included."""
    askers: dict[str, set[str]] = {}
    for tail, wanted in ctx.allocations.values():
        askers.setdefault(wanted.lower(), set()).add(tail)
    for tail, tail_steps in steps.items():
        for index, step in enumerate(tail_steps):
            allocation = ctx.allocations.get(step.new.rpartition(":")[0])
            if allocation is None or step.evidence is Evidence.INFERRED:
                continue
            others = sorted(askers[allocation[1].lower()] - {tail})
            if not others:
                continue
            reason = (
                f"{step.reason}; another tail ({_sample(others)}) also gets a new '{allocation[1]}', and "
                "which one AMCT names first (and so which one gets a _1 suffix) is not documented"
            )
            tail_steps[index] = replace(step, evidence=Evidence.INFERRED, reason=reason)


def _sample(names: list[str]) -> str:
    """The first three names, quoted, for a one-line message: `'a', 'b', 'c', …`."""
    return ", ".join(f"'{n}'" for n in names[:3]) + (", …" if len(names) > 3 else "")


def _no_rename_reason(tail: Node, misses: list[str]) -> str:
    if misses:
        return misses[0]
    return f"{tail.op} is not quantized, so AMCT leaves this output alone"


def _forwarding_hint(ctx: PassContext, tail: Node, passes: tuple[RewritePass, ...]) -> str:
    """For an Identity tail (how TF2 frozen functions end): what it forwards, and what that would become."""
    if tail.op != "Identity":
        return ""
    source = resolve_identity(ctx.graph, f"{tail.name}:0")
    if source is None or source.op == "Identity" or source.op in NON_TAIL_OPS:
        return ""
    # A dry run with fresh bookkeeping: would the forwarded node be rewritten if it ended the network?
    dry = PassContext(ctx.graph, ctx.options, NameAllocator(ctx.graph.nodes), tail=source)
    tensor = f"{source.name}:0"
    for rewrite in passes:
        step = rewrite.apply(dry, tensor)
        if step is not None:
            tensor = step.new
    if tensor == f"{source.name}:0":
        return f"; it forwards '{source.name}:0' ({source.op}), which AMCT does not rename either"
    return (
        f"; it forwards '{source.name}:0', which AMCT would rename to '{tensor}' if it ended the network "
        "(AMCT only rewrites the last node)"
    )


def _tail_layer(ctx: PassContext, tail: str) -> tuple[str | None, str]:
    """(the layer the tail's rewrite is built on, why it is not quantized or ""): the first layer the rewrite
    claimed that AMCT quantizes, in graph order, else the first it claimed with the reason."""
    claimed = ctx.claimed.get(tail, set())
    first: tuple[str | None, str] = (None, "")
    for node in ctx.graph:
        if node.name not in claimed:
            continue
        quantized, why = will_be_quantized(ctx.graph, node, ctx.options)
        if quantized:
            return node.name, ""
        if first[0] is None:
            first = (node.name, why)
    return first


def _other_quantized_layers(ctx: PassContext, tails: list[Node]) -> list[str]:
    """Quantizable layers that no tail's rewrite consumed (AMCT may rewrite them too and use up names)."""
    claimed: set[str] = set().union(*ctx.claimed.values()) if ctx.claimed else set()
    tail_names = {t.name for t in tails}
    found: list[str] = []
    for node in ctx.graph:
        if node.op not in QUANTIZABLE_OPS or node.name in claimed or node.name in tail_names:
            continue
        if will_be_quantized(ctx.graph, node, ctx.options)[0]:
            found.append(node.name)
    return found
