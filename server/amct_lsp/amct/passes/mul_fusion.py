"""Conv/MatMul(+BiasAdd)+Mul fusion (CANN 8.0+ fusion documentation): a tail `Mul` by a scalar Const after
Conv2D, DepthwiseConv2dNative, Conv2DBackpropInput or MatMul (optionally through BiasAdd) is folded into
the layer's weights, and "the fused Mul layer is deleted" (融合后的Mul层会被删除).

The network then ends at the op before the Mul. That AMCT keeps that op's name (scaling the Const weights
in place rather than building new ops) is our inference: no log of this fusion is public.

`PASS` fuses the layers the 8.0.0 fusion page lists; `CONV3D` also fuses Conv3D, which the 8.5 / 9.0 fusion
pages add to the list (docs/amct-rules.md rule 5b; that it arrives no earlier than 8.5 is our reading of
which pages list it).
"""

from __future__ import annotations

from collections.abc import Mapping

from amct_lsp.amct.chain import Evidence, RenameStep
from amct_lsp.amct.layers import CONV3D_OPS, WEIGHTED_OPS, resolve_identity
from amct_lsp.amct.passes.base import Allocation, PassContext, claim_fused_layer, describe, replacement_step
from amct_lsp.amct.versions import CONV3D_MUL_SINCE
from amct_lsp.model.graph import Node


def _fused_layer(ctx: PassContext, ref: str, layers: Mapping[str, str]) -> tuple[Node, Node] | None:
    """(the node the Mul reads, the weighted layer) when `ref` is one of `layers` or a BiasAdd of one."""
    node = ctx.node(ref)
    if node is None:
        return None
    layer = node
    if node.op == "BiasAdd" and node.data_inputs:
        inner = ctx.node(node.data_inputs[0])
        if inner is None:
            return None
        layer = inner
    return (node, layer) if layer.op in layers else None


#: The layers the 8.0.0 fusion page lists, each with the first version whose documents fuse it.
_LAYERS = dict.fromkeys(WEIGHTED_OPS, "8.0")
#: Conv3D joins the list on the 8.5 / 9.0 fusion pages.
CONV3D_MUL_VERSION = str(CONV3D_MUL_SINCE)


class MulFusionPass:
    """Conv/MatMul(+BiasAdd)+Mul fusion over `layers` (op type -> the first version documenting it)."""

    name = "mul_fusion_pass"

    def __init__(self, layers: Mapping[str, str], later: Mapping[str, str] | None = None) -> None:
        self.layers = dict(layers)
        #: Layers only later versions' pages fuse (op type -> that version): recognised to say why not.
        self.later = dict(later or {})

    def apply(self, ctx: PassContext, tensor: str) -> RenameStep | None:
        node = ctx.node(tensor)
        if node is None or ctx.is_virtual(tensor) or node.op != "Mul" or len(node.data_inputs) != 2:
            return None
        for i in (0, 1):
            const = resolve_identity(ctx.graph, node.data_inputs[i])
            found = _fused_layer(ctx, node.data_inputs[1 - i], self.layers)
            if const is None or const.op != "Const":
                continue
            if found is None:
                self._later_layer(ctx, node.data_inputs[1 - i])
                continue
            before, layer = found
            if const.const_shape != ():
                shape = "unknown" if const.const_shape is None else list(const.const_shape)
                ctx.miss(
                    f"Mul's constant has shape {shape}, not a scalar; AMCT documents the Mul fusion for a "
                    "scalar Const only, so mul_fusion_pass does not apply"
                )
                return None
            return self._fuse(ctx, tensor, node, before, layer)
        return None

    def _later_layer(self, ctx: PassContext, ref: str) -> None:
        """Say so when the Mul follows a layer this version's pages do not fuse but a later one's do."""
        found = _fused_layer(ctx, ref, self.later)
        if found is not None:
            op = found[1].op
            ctx.miss(
                f"the Mul fusion on {op} is documented from AMCT {self.later[op]} on (its fusion pages add "
                f"{op}; the 8.0.0 page lists Conv2D, DepthwiseConv2dNative, Conv2DBackpropInput and MatMul "
                "only), so mul_fusion_pass does not apply to this version"
            )

    def _fuse(
        self, ctx: PassContext, tensor: str, node: Node, before: Node, layer: Node
    ) -> RenameStep | None:
        opts = ctx.options
        if not opts.do_fusion:
            ctx.miss(f"do_fusion is false{opts.source_text()}, so AMCT does not fuse the Mul into {layer.op}")
            return None
        skipped = [n for n in (layer.name, node.name) if n in opts.skip_fusion_layers]
        if skipped:
            ctx.miss(
                f"'{skipped[0]}' is listed in skip_fusion_layers{opts.source_text()}, so AMCT does not fuse "
                f"the Mul into {layer.op}"
            )
            return None
        if not claim_fused_layer(ctx, layer, self.name):
            return None
        kept = Allocation(before.name, before.name)
        since = self.layers[layer.op]
        documented = f"documented for AMCT {since} and later"
        if since != "8.0":
            documented = (
                f"documented for {layer.op} on the {since} and later fusion pages; that no earlier version "
                f"fuses it is inferred"
            )
        reason = (
            f"Mul by a scalar Const after {describe(before)} is folded into the weights and deleted "
            f"({documented}); that the network then ends at '{before.name}' under its own name is inferred"
        )
        return replacement_step(
            ctx, self.name, tensor, layer, kept, reason, Evidence.INFERRED, unknown="the Mul is still fused"
        )


_CONV3D = dict.fromkeys(CONV3D_OPS, CONV3D_MUL_VERSION)

#: 8.0 up to 8.5: the layers of the 8.0.0 fusion page.
PASS = MulFusionPass(_LAYERS, later=_CONV3D)
#: 8.5 and later: Conv3D too.
CONV3D = MulFusionPass(_LAYERS | _CONV3D)
