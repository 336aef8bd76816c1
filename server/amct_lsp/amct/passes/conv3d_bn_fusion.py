"""Conv3D + BN fusion (CANN 8.0+ fusion documentation: "Conv2D/Conv3D+BatchNorm" under Conv+BN fusion): a
FusedBatchNorm[V2|V3] ending the network fed by Conv3D, optionally through BiasAdd, is folded into the conv.

The documentation lists Conv3D next to Conv2D in the Conv+BN fusion, so the step carries that pass's log tag
and FAQ scenario 4's new name, an op `bias_add` after the conv; both are our inference (no log of a Conv3D
fusion is public). Then, as for Conv2D, a searchN follows the quantized Conv3D (search_n's 8.0 variants).
"""

from __future__ import annotations

from amct_lsp.amct.chain import Evidence, RenameStep
from amct_lsp.amct.layers import CONV3D_OPS
from amct_lsp.amct.passes.base import (
    PassContext,
    claim_fused_layer,
    create,
    describe,
    fusion_blocked,
    layer_behind,
    replacement_step,
)
from amct_lsp.amct.passes.conv_bn_fusion import FUSED_BN_OPS


class Conv3dBnFusionPass:
    name = "conv_bn_fusion_pass"

    def apply(self, ctx: PassContext, tensor: str) -> RenameStep | None:
        node = ctx.node(tensor)
        if node is None or ctx.is_virtual(tensor) or node.op not in FUSED_BN_OPS or not node.data_inputs:
            return None
        conv = layer_behind(ctx, node.data_inputs[0], CONV3D_OPS)
        if conv is None:
            return None
        if fusion_blocked(ctx, node, (conv.name, node.name), conv.op):
            return None
        if not claim_fused_layer(ctx, conv, self.name):
            return None
        allocation = create(ctx, [], "bias_add", "BiasAdd", conv.name, T="DT_FLOAT")
        reason = (
            f"{node.op} after {describe(conv)} is folded into the conv (Conv3D+BN, documented for AMCT 8.0 "
            "and later); that the result is an op named 'bias_add', as in the FAQ's Conv2D+BN fusion, is "
            "inferred"
        )
        return replacement_step(
            ctx,
            self.name,
            tensor,
            conv,
            allocation,
            reason,
            Evidence.INFERRED,
            unknown="the BN is still fused",
        )


PASS = Conv3dBnFusionPass()
