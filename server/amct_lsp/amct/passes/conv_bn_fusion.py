"""conv_bn_fusion_pass: a FusedBatchNorm[V2|V3] after Conv2D / DepthwiseConv2dNative (+ BiasAdd) ending the
network is folded into the conv; the new output is an op named `bias_add`.

FAQ scenario 4: `batch_normalization/FusedBatchNormV3:0` → `bias_add:0`; also runs on replace_bn's result
(scenario 5).
"""

from __future__ import annotations

from amct_lsp.amct.chain import Evidence, RenameStep
from amct_lsp.amct.layers import resolve_identity
from amct_lsp.amct.passes.base import (
    PassContext,
    claim_fused_layer,
    conv_source,
    create,
    describe,
    describe_input,
    replacement_step,
)
from amct_lsp.model.graph import Node

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
        if not ctx.is_virtual(tensor):
            refusal = self.refusal(ctx, node)
            if refusal:
                ctx.miss(refusal)
                return None
        opts = ctx.options
        if not opts.do_fusion:
            ctx.miss(
                f"do_fusion is false{opts.source_text()}, so AMCT does not fuse {node.op} into {conv.op}"
            )
            return None
        # The user can only name layers of the model: for replace_bn's result that is the original tail.
        names = [conv.name, node.name] + ([ctx.tail.name] if ctx.tail is not None else [])
        skipped = [n for n in names if n in opts.skip_fusion_layers]
        if skipped:
            ctx.miss(
                f"'{skipped[0]}' is listed in skip_fusion_layers{opts.source_text()}, so AMCT does not fuse "
                f"{node.op} into {conv.op}"
            )
            return None
        if not claim_fused_layer(ctx, conv, self.name):
            return None
        allocation = create(ctx, [], "bias_add", "BiasAdd", conv.name, T="DT_FLOAT")
        reason = f"{node.op} after {describe(conv)} is folded into the conv; the result is a BiasAdd"
        return replacement_step(
            ctx, self.name, tensor, conv, allocation, reason, Evidence.FAQ, unknown="the BN is still fused"
        )

    @staticmethod
    def refusal(ctx: PassContext, node: Node) -> str | None:
        """Why a BN of the model itself cannot be fused: training mode or non-constant parameters."""
        training = node.attrs.get("is_training")
        if training is not False:
            detail = (
                "is_training=True" if training is True else "is_training unset; TensorFlow's default is True"
            )
            return f"{node.op} runs in training mode ({detail}), so AMCT does not fuse it"
        for ref in node.data_inputs[1:5]:
            source = resolve_identity(ctx.graph, ref)
            if source is None or source.op != "Const":
                return f"{node.op}'s parameter '{ref}' is not a Const, so AMCT does not fuse it"
        return None


PASS = ConvBnFusionPass()
