"""Conv2D + BatchToSpace + BN (CANN 8.0+ fusion documentation): AMCT turns "Conv2D+BatchToSpace+BN" into
"Conv2D+BN+BatchToSpace" when the channels agree, then fuses the Conv+BN, deleting the BN. TensorFlow builds
this shape for every dilated convolution made with `tf.nn.atrous_conv2d` / `tf.nn.convolution(dilations=...)`
in graph mode (SpaceToBatchND → Conv2D → BatchToSpaceND) followed by a fused batch norm.

The documentation names no output node. What we predict [INF]: the BN's Conv+BN fusion makes an op
`bias_add` after the conv (FAQ scenario 4's name), and the network then ends at the model's own
BatchToSpaceND, which keeps its name. If AMCT instead builds a new BatchToSpaceND, TensorFlow gives it
another name; the AMCT log or the calib_outputs route settles it, and the step says so.
"""

from __future__ import annotations

from amct_lsp.amct.chain import Evidence, RenameStep
from amct_lsp.amct.layers import const_shape, output_channels
from amct_lsp.amct.passes.base import (
    Allocation,
    PassContext,
    claim_fused_layer,
    create,
    describe,
    fusion_blocked,
    replacement_step,
)
from amct_lsp.amct.passes.conv_bn_fusion import FUSED_BN_OPS

BATCH_TO_SPACE_OPS = frozenset({"BatchToSpaceND", "BatchToSpace"})


class BatchToSpaceBnFusionPass:
    name = "conv_bn_fusion_pass"

    def apply(self, ctx: PassContext, tensor: str) -> RenameStep | None:
        bn = ctx.node(tensor)
        if bn is None or ctx.is_virtual(tensor) or bn.op not in FUSED_BN_OPS or not bn.data_inputs:
            return None
        reorder = ctx.node(bn.data_inputs[0])
        if reorder is None or reorder.op not in BATCH_TO_SPACE_OPS or not reorder.data_inputs:
            return None
        conv = ctx.node(reorder.data_inputs[0])
        if conv is None or conv.op != "Conv2D":
            return None
        channels = output_channels(ctx.graph, conv)
        scale = const_shape(ctx.graph, bn.data_inputs[1]) if len(bn.data_inputs) > 1 else None
        if channels is not None and scale is not None and scale != (channels,):
            ctx.miss(
                f"{bn.op}'s scale has shape {list(scale)} but {describe(conv)} has {channels} output "
                f"channels, so AMCT does not move it before {reorder.op} and does not fuse it"
            )
            return None
        if fusion_blocked(ctx, bn, (conv.name, bn.name), conv.op):
            return None
        if not claim_fused_layer(ctx, conv, self.name):
            return None
        create(ctx, [], "bias_add", "BiasAdd", conv.name, T="DT_FLOAT")
        kept = Allocation(reorder.name, reorder.name)
        reason = (
            f"{bn.op} after {describe(conv)} and {describe(reorder)} is moved before the {reorder.op} and "
            "folded into the conv (Conv2D+BatchToSpace+BN, documented for AMCT 8.0 and later); the "
            f"documentation names no output node: that the network then ends at the model's own "
            f"'{reorder.name}', reading the fused conv's new 'bias_add', is inferred (a new {reorder.op} "
            "op would get another name: the AMCT log or calib_outputs settles it)"
        )
        return replacement_step(
            ctx, self.name, tensor, conv, kept, reason, Evidence.INFERRED, unknown="the BN is still fused"
        )


PASS = BatchToSpaceBnFusionPass()
