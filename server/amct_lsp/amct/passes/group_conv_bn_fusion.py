"""Group conv + BN fusion (CANN 8.0+ fusion documentation): a FusedBatchNorm[V2|V3] ending the network whose
input is a ConcatV2 of several Conv2D / DepthwiseConv2dNative (each optionally through BiasAdd) that all read
one Split / SplitV is folded into the convolutions.

The documentation says the BN's equivalent output node is a BiasAdd; that it is an op named `bias_add`, as in
FAQ scenario 4's Conv+BN fusion, is our inference (no log of this fusion is public).
"""

from __future__ import annotations

from amct_lsp.amct.chain import Evidence, RenameStep
from amct_lsp.amct.passes.base import (
    PassContext,
    claim_fused_layer,
    conv_source,
    create,
    fusion_blocked,
    replacement_step,
)
from amct_lsp.amct.passes.conv_bn_fusion import FUSED_BN_OPS
from amct_lsp.model.graph import Node

_SPLIT_OPS = frozenset({"Split", "SplitV"})


def group_convs(ctx: PassContext, concat: Node) -> list[Node] | None:
    """The convolutions of a group conv ending in `concat`, or None when it is not one."""
    if concat.op != "ConcatV2" or len(concat.data_inputs) < 3:
        return None
    convs: list[Node] = []
    splits: set[str] = set()
    for ref in concat.data_inputs[:-1]:  # the last input is the axis
        conv = conv_source(ctx, ref)
        if conv is None or not conv.data_inputs:
            return None
        source = ctx.node(conv.data_inputs[0])
        if source is None or source.op not in _SPLIT_OPS:
            return None
        splits.add(source.name)
        convs.append(conv)
    return convs if len(splits) == 1 else None


class GroupConvBnFusionPass:
    name = "group_conv_bn_fusion_pass"

    def apply(self, ctx: PassContext, tensor: str) -> RenameStep | None:
        node = ctx.node(tensor)
        if node is None or ctx.is_virtual(tensor) or node.op not in FUSED_BN_OPS or not node.data_inputs:
            return None
        concat = ctx.node(node.data_inputs[0])
        convs = group_convs(ctx, concat) if concat is not None else None
        if concat is None or convs is None:
            return None
        if fusion_blocked(ctx, node, [node.name, *(c.name for c in convs)], "the group conv"):
            return None
        if not all(claim_fused_layer(ctx, conv, self.name) for conv in convs):
            return None
        allocation = create(ctx, [], "bias_add", "BiasAdd", f"{concat.name}:0", T="DT_FLOAT")
        split = ctx.node(convs[0].data_inputs[0])
        split_op = split.op if split is not None else "Split"
        reason = (
            f"{node.op} after a group conv ({len(convs)} {convs[0].op} reading one {split_op}, joined by "
            f"ConcatV2 '{concat.name}') is folded into the convolutions (documented for AMCT 8.0 and later); "
            "that the result is an op named 'bias_add', as in the FAQ's Conv+BN fusion, is inferred"
        )
        unknown = "the BN is still fused"
        return replacement_step(
            ctx, self.name, tensor, convs[0], allocation, reason, Evidence.INFERRED, unknown=unknown
        )


PASS = GroupConvBnFusionPass()
