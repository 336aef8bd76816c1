"""replace_add_pass: `Add|AddV2(layer, 1-D bias)` ending the network becomes a BiasAdd in scope `bias_add`.

FAQ scenario 1: `Add:0` and `add:0` → `bias_add/BiasAdd:0`.
"""

from __future__ import annotations

from amct_lsp.amct.chain import Evidence, RenameStep
from amct_lsp.amct.layers import WEIGHTED_OPS, output_channels, resolve_identity
from amct_lsp.amct.passes.base import (
    PassContext,
    claim_fused_layer,
    create,
    describe,
    describe_input,
    replacement_step,
)
from amct_lsp.model.graph import Node


def _shape_text(shape: tuple[int, ...]) -> str:
    return "[" + ",".join(str(d) for d in shape) + "]"


class ReplaceAddPass:
    name = "replace_add_pass"

    def apply(self, ctx: PassContext, tensor: str) -> RenameStep | None:
        node = ctx.node(tensor)
        if node is None or ctx.is_virtual(tensor) or node.op not in ("Add", "AddV2"):
            return None
        if len(node.data_inputs) != 2:
            return None
        for i in (0, 1):
            const = resolve_identity(ctx.graph, node.data_inputs[i])
            if const is None or const.op != "Const":
                continue
            layer_ref = node.data_inputs[1 - i]
            layer = ctx.node(layer_ref)
            if layer is None or layer.op not in WEIGHTED_OPS:
                ctx.miss(
                    f"{node.op}'s other input comes from {describe_input(ctx, layer_ref)}, not Conv2D, "
                    "DepthwiseConv2dNative, Conv2DBackpropInput or MatMul, so replace_add_pass does not apply"
                )
                return None
            return self._replace(ctx, tensor, node, const, layer, layer_ref)
        return None

    def _replace(
        self, ctx: PassContext, tensor: str, node: Node, const: Node, layer: Node, layer_ref: str
    ) -> RenameStep | None:
        shape = const.const_shape
        if shape is None or len(shape) != 1:
            dims = f"{len(shape)}-D (shape {_shape_text(shape)})" if shape is not None else "of unknown shape"
            ctx.miss(
                f"{node.op}'s constant operand is {dims}, not a 1-D bias, so replace_add_pass does not apply "
                "(as in the vendor FAQ; newer AMCT documentation also lists scalar and multi-dimensional "
                "constants, so an AMCT log showing a rename wins)"
            )
            return None
        channels = output_channels(ctx.graph, layer)
        if channels is not None and shape[0] != channels:
            ctx.miss(
                f"{node.op}'s 1-D constant has length {shape[0]} but {describe(layer)} has {channels} output "
                "channels, so it is not a bias and replace_add_pass does not apply"
            )
            return None
        if not claim_fused_layer(ctx, layer, self.name):
            return None
        allocation = create(ctx, ["bias_add"], "BiasAdd", "BiasAdd", layer_ref, T=layer.dtype or "DT_FLOAT")
        reason = f"{node.op} of a 1-D bias after {describe(layer)} is replaced by a BiasAdd"
        unknown = "the Add is still replaced"
        return replacement_step(
            ctx, self.name, tensor, layer, allocation, reason, Evidence.FAQ, unknown=unknown
        )


PASS = ReplaceAddPass()
