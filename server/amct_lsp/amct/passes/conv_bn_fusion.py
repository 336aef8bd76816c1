"""conv_bn_fusion_pass: a FusedBatchNorm[V2|V3] after Conv2D / DepthwiseConv2dNative (+ BiasAdd) ending the
network is folded into the conv; the new output is an op named `bias_add`.

FAQ scenario 4: `batch_normalization/FusedBatchNormV3:0` → `bias_add:0`; also runs on replace_bn's result
(scenario 5).
"""

from __future__ import annotations

from amct_lsp.amct.chain import Evidence, RenameStep
from amct_lsp.amct.passes.base import (
    PassContext,
    claim_fused_layer,
    conv_source,
    create,
    describe,
    describe_input,
    fusion_blocked,
    replacement_step,
)

FUSED_BN_OPS = frozenset({"FusedBatchNorm", "FusedBatchNormV2", "FusedBatchNormV3"})


class ConvBnFusionPass:
    name = "conv_bn_fusion_pass"

    def apply(self, ctx: PassContext, tensor: str) -> RenameStep | None:
        node = ctx.node(tensor)
        if node is None or node.op not in FUSED_BN_OPS or not node.data_inputs:
            return None
        conv = conv_source(ctx, node.data_inputs[0])
        if conv is None:
            ctx.miss(
                f"{node.op}'s input comes from {describe_input(ctx, node.data_inputs[0])}, not Conv2D or "
                "DepthwiseConv2dNative (optionally through BiasAdd), so conv_bn_fusion_pass leaves it alone"
            )
            return None
        # The user can only name layers of the model: for replace_bn's result that is the original tail.
        names = [conv.name, node.name] + ([ctx.tail.name] if ctx.tail is not None else [])
        if fusion_blocked(ctx, node, names, conv.op, check_bn=not ctx.is_virtual(tensor)):
            return None
        if not claim_fused_layer(ctx, conv, self.name):
            return None
        allocation = create(ctx, [], "bias_add", "BiasAdd", conv.name, T="DT_FLOAT")
        reason = f"{node.op} after {describe(conv)} is folded into the conv; the result is a BiasAdd"
        return replacement_step(
            ctx, self.name, tensor, conv, allocation, reason, Evidence.FAQ, unknown="the BN is still fused"
        )


PASS = ConvBnFusionPass()
