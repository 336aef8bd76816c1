"""What a stale output name does when the script runs (docs/amct-rules.md, "The consequence of a stale name").

A `tf.Graph` cannot delete an op, so after quantize_model the old output still exists and still runs, off the
quantized path (tests/unit/test_stale_consequence_oracle.py checks that with real TensorFlow).
Calibration then records nothing for the layer that ends the network, and save_model fails with the
vendor FAQ's RuntimeError.
"""

from __future__ import annotations

from collections import deque

from amct_lsp.amct.chain import Prediction, RenameChain
from amct_lsp.amct.layers import QUANTIZABLE_OPS, will_be_quantized
from amct_lsp.amct.options import QuantOptions
from amct_lsp.model.graph import ModelGraph, split_input

#: The FAQ's errors: CANN 6.x/7.x (atlasamcttf_16_0130) and 8.0 and later (atlasamct_16_0367).
SHIFT_BIT_ERROR = "cannot find shift_bit of layer {layer} in record_file"
EMPTY_RECORD_ERROR = "record_file is empty, no layers to be quantized"

_MAX_DEPTH = 4  # the tail ops the passes look through: Add/BiasAdd/BN/small-op BN over the layer


def quantized_layer(graph: ModelGraph, chain: RenameChain) -> str | None:
    """The quantized layer that ends the network behind `chain`'s tail (the tail itself, or the Conv/MatMul
    its BiasAdd, Add or batch norm reads), nearest first; None when the model has none close to the tail."""
    start = graph.get(chain.tail)
    if start is None:
        return None
    queue = deque([(start, 0)])
    seen = {start.name}
    while queue:
        node, depth = queue.popleft()
        if node.op in QUANTIZABLE_OPS:
            return node.name
        if depth >= _MAX_DEPTH:
            continue
        for ref in node.data_inputs:
            parent = graph.get(split_input(ref)[0])
            if parent is not None and parent.name not in seen:
                seen.add(parent.name)
                queue.append((parent, depth + 1))
    return None


def quantized_layers(graph: ModelGraph, options: QuantOptions | None) -> tuple[str, ...]:
    """Every layer AMCT will quantize. The record parser needs a shift_bit for each, so a searchN follows
    each one (docs/amct-rules.md); with more than one, the tail's searchN name is not public."""
    return tuple(
        node.name
        for node in graph
        if node.op in QUANTIZABLE_OPS and will_be_quantized(graph, node, options)[0]
    )


def consequence(layer: str | None) -> str:
    """One clause: what happens at save_model when the old name is fetched for calibration."""
    if layer:
        who, error = f"layer '{layer}'", f'"{SHIFT_BIT_ERROR.format(layer=layer)}"'
    else:  # no layer found behind the tail: the FAQ's message without a name we would have to invent
        who, error = "the last quantized layer", f'"{SHIFT_BIT_ERROR.format(layer="…")}"'
    return (
        f"as written, {who} gets no calibration record and save_model fails "
        f'(RuntimeError: {error}; CANN 8.0+: "{EMPTY_RECORD_ERROR}")'
    )


def unquantized_consequence(layer: str, why: str) -> str:
    """The clause for a tail whose layer AMCT does not quantize (skipped, or failing a constraint): no
    searchN follows it and calibration needs no record from it, so the old tensor still computes the same
    float values; the name is stale only in that the rewrite (inferred for a skipped layer) moved the end
    of the network."""
    return (
        f"as written, the fetch still works: layer '{layer}' is not quantized ({why}), so no searchN "
        "follows it and calibration needs no record from it; the old output computes the same values but "
        "no longer ends the network"
    )


def stale_consequence(
    prediction: Prediction | None, graph: ModelGraph, chain: RenameChain
) -> tuple[str | None, str, bool]:
    """(the layer whose record goes missing, the clause for the message, whether save_model fails): the
    prediction's layer for the tail when it has one, else the nearest quantizable op behind it."""
    verdict = prediction.verdict_for(chain.tail) if prediction is not None else None
    if verdict is not None and verdict.layer is not None:
        if verdict.layer_unquantized:
            return None, unquantized_consequence(verdict.layer, verdict.layer_unquantized), False
        return verdict.layer, consequence(verdict.layer), True
    layer = quantized_layer(graph, chain)
    return layer, consequence(layer), True
