"""MatMul(+BiasAdd)+Reshape+BN fusion (CANN 8.0+ fusion documentation): a network ending in
`Reshape(FusedBatchNorm[V2|V3](Reshape(MatMul or BiasAdd(MatMul))))`, the second Reshape giving MatMul's shape
back, has the BN folded into the MatMul.

The documentation says the BN's equivalent output node is a BiasAdd; that it is an op named `bias_add` after
the MatMul (FAQ scenario 4's name) and that the Reshapes go with the BN is our inference. The Reshapes' target
shapes are Const values, which the model reader does not keep, so "gives MatMul's shape back" is not checked.
"""

from __future__ import annotations

from amct_lsp.amct.chain import Evidence, RenameStep
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


class MatMulBnFusionPass:
    name = "matmul_bn_fusion_pass"

    def apply(self, ctx: PassContext, tensor: str) -> RenameStep | None:
        tail = ctx.node(tensor)
        if tail is None or ctx.is_virtual(tensor) or tail.op != "Reshape" or not tail.data_inputs:
            return None
        bn = ctx.node(tail.data_inputs[0])
        if bn is None or bn.op not in FUSED_BN_OPS or not bn.data_inputs:
            return None
        first = ctx.node(bn.data_inputs[0])
        if first is None or first.op != "Reshape" or not first.data_inputs:
            return None
        matmul = layer_behind(ctx, first.data_inputs[0], ("MatMul",))
        if matmul is None:
            return None
        if fusion_blocked(ctx, bn, (matmul.name, bn.name, tail.name), "MatMul"):
            return None
        if not claim_fused_layer(ctx, matmul, self.name):
            return None
        allocation = create(ctx, [], "bias_add", "BiasAdd", f"{matmul.name}:0", T="DT_FLOAT")
        reason = (
            f"Reshape, {bn.op}, Reshape after {describe(matmul)} are folded into the MatMul (documented "
            "for AMCT 8.0 and later, when the second Reshape gives MatMul's shape back, which is not checked "
            "here); that the result is an op named 'bias_add', as in the FAQ's Conv+BN fusion, is inferred"
        )
        unknown = "the BN is still fused"
        return replacement_step(
            ctx, self.name, tensor, matmul, allocation, reason, Evidence.INFERRED, unknown=unknown
        )


PASS = MatMulBnFusionPass()
