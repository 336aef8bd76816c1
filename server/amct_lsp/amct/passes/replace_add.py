"""replace_add_pass: `Add|AddV2(layer, 1-D bias)` ending the network becomes a BiasAdd in scope `bias_add`.

FAQ scenario 1: `Add:0` and `add:0` → `bias_add/BiasAdd:0`. `PASS` is the FAQ's rule (a 1-D bias); `EXTENDED`
is the rule CANN 8.0.RC3 and later document (atlasamcttf_16_0141): for convolutions also a scalar or a
multi-dimensional constant, for MatMul a constant whose other axes are 1. The new name is the FAQ's.
"""

from __future__ import annotations

from amct_lsp.amct.chain import Evidence, RenameStep
from amct_lsp.amct.layers import (
    BATCH_MATMUL_OPS,
    CONV3D_OPS,
    WEIGHTED_OPS,
    output_channels,
    resolve_identity,
)
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


#: The documented multi-dimensional and scalar addends, per layer kind (CANN 8.0.RC3+).
_CONV_LAYERS = frozenset({"Conv2D", "DepthwiseConv2dNative", "Conv2DBackpropInput"}) | CONV3D_OPS
#: Layers only the 8.0.RC3+ OP+Add documentation lists (the FAQ knows neither).
_EXTENDED_LAYERS = BATCH_MATMUL_OPS | CONV3D_OPS
_SINCE = "documented for AMCT 8.0.RC3 and later"


class ReplaceAddPass:
    name = "replace_add_pass"

    def __init__(self, *, extended: bool = False) -> None:
        #: Whether the addends of CANN 8.0.RC3+ (scalar, N-d) are replaced too.
        self.extended = extended

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
            extra = _EXTENDED_LAYERS if self.extended else frozenset()
            if layer is None or (layer.op not in WEIGHTED_OPS and layer.op not in extra):
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
        evidence, what = Evidence.FAQ, "a 1-D bias"
        if self.extended and shape is not None and len(shape) != 1:
            if not self._documented_addend(ctx, node, layer, shape):
                return None
            evidence = Evidence.DOC
            what = "a scalar constant" if not shape else f"a constant of shape {_shape_text(shape)}"
        elif layer.op in _EXTENDED_LAYERS and shape is not None and len(shape) == 1:
            evidence = Evidence.DOC  # a 1-D bias, but on a layer the FAQ does not know
        elif shape is None or len(shape) != 1:
            dims = f"{len(shape)}-D (shape {_shape_text(shape)})" if shape is not None else "of unknown shape"
            ctx.miss(
                f"{node.op}'s constant operand is {dims}, not a 1-D bias, so replace_add_pass does not apply "
                "(the vendor FAQ's rule, used for AMCT before 8.0.RC3; newer AMCT documentation also lists "
                "scalar and multi-dimensional constants, so an AMCT log showing a rename wins)"
            )
            return None
        channels = output_channels(ctx.graph, layer)
        if shape is not None and len(shape) == 1 and channels is not None and shape[0] != channels:
            ctx.miss(
                f"{node.op}'s 1-D constant has length {shape[0]} but {describe(layer)} has {channels} output "
                "channels, so it is not a bias and replace_add_pass does not apply"
            )
            return None
        if not claim_fused_layer(ctx, layer, self.name):
            return None
        allocation = create(ctx, ["bias_add"], "BiasAdd", "BiasAdd", layer_ref, T=layer.dtype or "DT_FLOAT")
        reason = f"{node.op} of {what} after {describe(layer)} is replaced by a BiasAdd"
        if evidence is Evidence.DOC:
            reason += f" ({_SINCE}; the new name is the one the FAQ shows for a 1-D bias)"
        unknown = "the Add is still replaced"
        return replacement_step(ctx, self.name, tensor, layer, allocation, reason, evidence, unknown=unknown)

    @staticmethod
    def _documented_addend(ctx: PassContext, node: Node, layer: Node, shape: tuple[int, ...]) -> bool:
        """Whether a scalar or N-d constant is an addend the 8.0.RC3+ documentation lists for `layer`;
        records why not. A BiasAdd adds one value per output channel, so an N-d constant must have every
        axis but the last 1 and the last cout (or 1) — our reading of "multi-dimensional array" [INF]."""
        if not shape:
            if layer.op in _CONV_LAYERS:
                return True
            ctx.miss(
                f"{node.op}'s constant is a scalar; the documentation lists scalar addends for convolutions, "
                f"not {layer.op}, so replace_add_pass does not apply"
            )
            return False
        channels = output_channels(ctx.graph, layer)
        last_ok = shape[-1] == channels or channels is None or (layer.op in _CONV_LAYERS and shape[-1] == 1)
        if all(d == 1 for d in shape[:-1]) and last_ok:
            return True
        wanted = "1 on every axis but the last, and the last cout" + (f" ({channels})" if channels else "")
        ctx.miss(
            f"{node.op}'s constant has shape {_shape_text(shape)}; a BiasAdd adds one value per output "
            f"channel, so AMCT can only replace an addend with {wanted} (inferred from the documentation's "
            f"'multi-dimensional array'), and replace_add_pass does not apply"
        )
        return False


PASS = ReplaceAddPass()
EXTENDED = ReplaceAddPass(extended=True)
