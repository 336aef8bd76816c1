"""replace_bn_pass: an unfused BatchNorm (small Rsqrt/Mul/Add ops) ending the network becomes one
FusedBatchNormV3.

FAQ scenario 5: `batch_normalization/batchnorm/add_1:0` →
`batch_normalization/batchnorm/bn_replace/batch_normalization/FusedBatchNormV3:0`; the `{S}/bn_replace/{L}/`
pattern for other scopes is our inference from that one example.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

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
from amct_lsp.model.graph import Node, split_input

_ADD = ("Add", "AddV2")
FAQ_SCOPE = "batch_normalization/batchnorm"


@dataclass(frozen=True)
class UnfusedBN:
    """The pieces of `x * inv + (beta - mean * inv)` that matter: x and the constants."""

    x_ref: str
    params: tuple[str, ...]


def _inv(ctx: PassContext, node: Node | None) -> list[str] | None:
    """If `node` is `rsqrt(variance + eps)` (optionally `* gamma`), the refs of its constants."""
    if node is None:
        return None
    if node.op == "Rsqrt" and node.data_inputs:
        add = ctx.node(node.data_inputs[0])
        if add is not None and add.op in _ADD and len(add.data_inputs) == 2:
            return list(add.data_inputs)
        return None
    if node.op == "Mul" and len(node.data_inputs) == 2:
        for i in (0, 1):
            rsqrt = ctx.node(node.data_inputs[i])
            if rsqrt is not None and rsqrt.op == "Rsqrt":
                inner = _inv(ctx, rsqrt)
                if inner is not None:
                    return [*inner, node.data_inputs[1 - i]]
    return None


def _mean_times_inv(ctx: PassContext, node: Node | None, inv_name: str) -> list[str] | None:
    """`mean * inv` (or `-mean * inv`): the ref of mean."""
    if node is None or node.op != "Mul" or len(node.data_inputs) != 2:
        return None
    for i in (0, 1):
        if split_input(node.data_inputs[i])[0] == inv_name:
            other = node.data_inputs[1 - i]
            neg = ctx.node(other)
            if neg is not None and neg.op == "Neg" and neg.data_inputs:
                return [neg.data_inputs[0]]
            return [other]
    return None


def _shift(ctx: PassContext, node: Node | None, inv_name: str) -> list[str] | None:
    """`beta - mean * inv`, `-(mean * inv)` or `-mean * inv`: refs of beta and mean."""
    if node is None:
        return None
    if node.op == "Sub" and len(node.data_inputs) == 2:
        mean = _mean_times_inv(ctx, ctx.node(node.data_inputs[1]), inv_name)
        return None if mean is None else [node.data_inputs[0], *mean]
    if node.op == "Neg" and node.data_inputs:
        return _mean_times_inv(ctx, ctx.node(node.data_inputs[0]), inv_name)
    return _mean_times_inv(ctx, node, inv_name)


def match_unfused_bn(ctx: PassContext, node: Node) -> UnfusedBN | None:
    """Recognise the op pattern `tf.nn.batch_normalization` builds, ending in `node` (its `add_1`)."""
    if node.op not in _ADD or len(node.data_inputs) != 2:
        return None
    for i in (0, 1):
        scaled, shift = ctx.node(node.data_inputs[i]), ctx.node(node.data_inputs[1 - i])
        if scaled is None or scaled.op != "Mul" or len(scaled.data_inputs) != 2:
            continue
        for j in (0, 1):
            inv_ref, x_ref = scaled.data_inputs[j], scaled.data_inputs[1 - j]
            inv_node = ctx.node(inv_ref)
            inv_params = _inv(ctx, inv_node)
            if inv_node is None or inv_params is None:
                continue
            shift_params = _shift(ctx, shift, inv_node.name)
            if shift_params is not None:
                return UnfusedBN(x_ref, (*inv_params, *shift_params))
    return None


class ReplaceBnPass:
    name = "replace_bn_pass"

    def apply(self, ctx: PassContext, tensor: str) -> RenameStep | None:
        node = ctx.node(tensor)
        if node is None or ctx.is_virtual(tensor):
            return None
        bn = match_unfused_bn(ctx, node)
        if bn is None:
            return None
        conv = conv_source(ctx, bn.x_ref)
        if conv is None:
            x = ctx.node(bn.x_ref)
            what = describe_input(ctx, bn.x_ref) + (" (2-D)" if x is not None and x.op == "MatMul" else "")
            ctx.miss(
                f"the unfused BatchNorm's input comes from {what}, not the 4-D output of a Conv2D or "
                "DepthwiseConv2dNative (optionally through BiasAdd), so replace_bn_pass leaves it alone"
            )
            return None
        dynamic = [
            ref for ref in bn.params if (p := resolve_identity(ctx.graph, ref)) is None or p.op != "Const"
        ]
        if dynamic:
            ctx.miss(
                f"the unfused BatchNorm's parameter '{dynamic[0]}' is not a Const, so replace_bn_pass "
                "leaves it alone"
            )
            return None
        if not claim_fused_layer(ctx, conv, self.name):
            return None
        scope = node.name.rpartition("/")[0]
        layer = scope.rpartition("/")[0]
        scopes = [f"{scope}/" if scope else "", "bn_replace", layer]
        op = "FusedBatchNormV3"
        allocation = create(ctx, [s for s in scopes if s], op, op, bn.x_ref, is_training=False, T="DT_FLOAT")
        if allocation.evidence is Evidence.TF:
            # TF's suffix rule is sure, but which of the nested scopes AMCT opens fresh is not.
            allocation = replace(
                allocation,
                evidence=Evidence.INFERRED,
                reason=f"{allocation.reason} (where AMCT opens its bn_replace scopes is our inference)",
            )
        reason = (
            f"the tail is an unfused BatchNorm (small Rsqrt/Mul/Add ops) on the output of {describe(conv)}; "
            "AMCT replaces it by one FusedBatchNormV3"
        )
        evidence = Evidence.FAQ
        if scope != FAQ_SCOPE:
            evidence = Evidence.INFERRED
            reason += f"; the name follows the FAQ's '{FAQ_SCOPE}/bn_replace/batch_normalization/' pattern"
        return replacement_step(
            ctx, self.name, tensor, conv, allocation, reason, evidence, unknown="the BN is still replaced"
        )


PASS = ReplaceBnPass()
