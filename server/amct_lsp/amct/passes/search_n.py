"""searchN insertion (log tag `quantize_model`): a quantized layer (or its BiasAdd) ending the network gets a
searchN op after it, whose Identity becomes the new output. The old node survives but no longer ends the
network.

FAQ scenarios 1–5: … → `search_n_quant/search_n_quant_SEARCHN/Identity:0`.
"""

from __future__ import annotations

from collections.abc import Mapping

from amct_lsp.amct.chain import Evidence, RenameStep
from amct_lsp.amct.layers import (
    BATCH_MATMUL_OPS,
    CONV3D_OPS,
    QUANTIZABLE_OPS,
    WEIGHTED_OPS,
    will_be_quantized,
)
from amct_lsp.amct.passes.base import PassContext, create, describe, make_step
from amct_lsp.model.graph import Node

AVGPOOL_NOTE = (
    "The vendor's layer table says AvgPool does not support shift-N, while the FAQ lists an AvgPool tail "
    "among the searchN cases; this prediction follows the FAQ."
)


class SearchNPass:
    name = "quantize_model"

    def __init__(self, extra_layers: Mapping[str, str] | None = None) -> None:
        #: Layer types beyond the FAQ's that a variant quantizes [DOC], each with where the documentation
        #: starts listing it (BatchMatMul: 8.0.RC3; Conv3D: 8.0).
        self.extra_layers: Mapping[str, str] = extra_layers or {}

    def apply(self, ctx: PassContext, tensor: str) -> RenameStep | None:
        node = ctx.node(tensor)
        if node is None:
            return None
        layer: Node | None = None
        if node.op == "BiasAdd" and node.data_inputs:
            inner = ctx.node(node.data_inputs[0])
            if inner is not None and (inner.op in WEIGHTED_OPS or inner.op in self.extra_layers):
                layer = inner
        elif node.op in QUANTIZABLE_OPS or node.op in self.extra_layers:
            layer = node
        if layer is None:
            return None
        quantized, why = will_be_quantized(ctx.graph, layer, ctx.options)
        if not quantized:
            ctx.miss(f"{why}, so no searchN is inserted after it")
            return None
        ctx.claim(layer)
        if layer.op == "AvgPool":
            ctx.note(AVGPOOL_NOTE)
        scopes = ["search_n_quant", "search_n_quant_SEARCHN"]
        allocation = create(ctx, scopes, "Identity", "Identity", tensor, T="DT_FLOAT")
        via = f" and its {describe(node)}" if node is not layer else ""
        reason = f"searchN is inserted after the quantized {describe(layer)}{via}; the old output survives"
        evidence = Evidence.FAQ
        if layer.op in self.extra_layers:
            evidence = Evidence.DOC
            since = self.extra_layers[layer.op]
            reason += f" ({layer.op} is a layer AMCT {since} and later documents; the name is the FAQ's)"
        return make_step(self.name, tensor, allocation, reason, evidence, removes_old=False)


_CONV3D = dict.fromkeys(CONV3D_OPS, "8.0")

PASS = SearchNPass()
#: 8.0 and later: Conv3D layers (the layer tables' dilation_d = 1, the fusion list's Conv3D+BN).
CONV3D = SearchNPass(_CONV3D)
#: 8.0.RC3 and later: BatchMatMul layers are quantized too.
EXTENDED = SearchNPass(_CONV3D | dict.fromkeys(BATCH_MATMUL_OPS, "8.0.RC3"))
