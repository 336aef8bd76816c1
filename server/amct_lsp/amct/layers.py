"""Graph predicates several passes share: are these weights constant, will AMCT quantize this layer, how many
output channels does it have. Each answer that is "no" comes with a one-line reason the user can act on."""

from __future__ import annotations

from amct_lsp.amct.options import QuantOptions
from amct_lsp.model.graph import ModelGraph, Node

CONV_OPS = frozenset({"Conv2D", "DepthwiseConv2dNative"})
#: Ops that take a bias (BiasAdd or a bias-like Add) AMCT can fold into the layer.
WEIGHTED_OPS = frozenset({"Conv2D", "DepthwiseConv2dNative", "Conv2DBackpropInput", "MatMul"})
#: Ops AMCT quantizes and inserts a searchN after when they end the network (FAQ scenario 3).
QUANTIZABLE_OPS = WEIGHTED_OPS | {"AvgPool"}
#: Layers the 8.0.RC3+ documentation adds (OP+Add replacement, layer constraints adj_x = adj_y = false); the
#: FAQ's rules do not know them, so only the passes' 8.0.RC3+ variants look at them.
BATCH_MATMUL_OPS = frozenset({"BatchMatMul", "BatchMatMulV2", "BatchMatMulV3"})
#: Conv3D: in the vendor's layer tables (dilation_d = 1) and the 8.0+ fusion list (Conv3D+BN), never in the
#: FAQ; only the passes' 8.0+ variants look at it, so the FAQ's rules (`--amct-version 7.0`) stay as before.
CONV3D_OPS = frozenset({"Conv3D"})
#: Ops between a weight and its Const in frozen graphs (TF2 puts ReadVariableOp Identities there).
_PASS_THROUGH = frozenset({"Identity"})
_MAX_HOPS = 64

#: Which data input holds the weights (Conv2DBackpropInput: input 0 is the output shape, input 1 the filter).
WEIGHT_INPUT = {
    "Conv2D": 1,
    "DepthwiseConv2dNative": 1,
    "Conv2DBackpropInput": 1,
    "MatMul": 1,
    "Conv3D": 1,
} | {op: 1 for op in BATCH_MATMUL_OPS}

_FLAG_ATTRS = ("transpose_a", "transpose_b", "adjoint_a", "adjoint_b", "adj_x", "adj_y")


def resolve_identity(graph: ModelGraph, ref: str) -> Node | None:
    """The node `ref` really comes from, looking through chains of Identity nodes (None when dangling)."""
    node = graph.producer(ref)
    hops = 0
    while node is not None and node.op in _PASS_THROUGH and node.data_inputs and hops < _MAX_HOPS:
        node = graph.producer(node.data_inputs[0])
        hops += 1
    return node


def weights_are_const(graph: ModelGraph, ref: str) -> bool:
    """Whether input `ref` reaches a Const through any chain of Identity nodes."""
    node = resolve_identity(graph, ref)
    return node is not None and node.op == "Const"


def const_shape(graph: ModelGraph, ref: str) -> tuple[int, ...] | None:
    """Shape of the Const behind `ref` (through Identity chains), or None when it is not a Const."""
    node = resolve_identity(graph, ref)
    if node is None or node.op != "Const":
        return None
    return node.const_shape


def weight_ref(node: Node) -> str | None:
    index = WEIGHT_INPUT.get(node.op)
    inputs = node.data_inputs
    if index is None or index >= len(inputs):
        return None
    return inputs[index]


def output_channels(graph: ModelGraph, node: Node) -> int | None:
    """The layer's output channel count (its output's last dimension, NHWC) when the weight shape says so."""
    ref = weight_ref(node)
    if ref is None:
        return None
    if node.attrs.get("data_format") in ("NCHW", "NCDHW"):
        return None  # the last dimension is not the channel dimension
    shape = const_shape(graph, ref)
    if shape is None:
        return None
    try:
        if node.op == "Conv2D":
            return shape[3]
        if node.op == "Conv3D":
            return shape[4]
        if node.op == "DepthwiseConv2dNative":
            return shape[2] * shape[3]
        if node.op == "Conv2DBackpropInput":
            return shape[2]
        if node.op == "MatMul":
            return shape[0] if node.attrs.get("transpose_b") is True else shape[1]
        if node.op in BATCH_MATMUL_OPS:
            return shape[-2] if node.attrs.get("adj_y") is True else shape[-1]
    except IndexError:
        return None
    return None


def _dtype_name(dtype: str) -> str:
    name = dtype.removeprefix("DT_").lower()
    return {"float": "float32", "double": "float64", "half": "float16"}.get(name, name)


def constraint_failure(graph: ModelGraph, node: Node) -> str | None:
    """Why `node` cannot meet AMCT's quantization constraints (flags, dilations, dtype, Const weights), or
    None. Unlike a skip setting, a failure here also rules out the fusions that involve the layer: the
    vendor's fusion list says its single ops "must first meet the quantization constraints"."""
    if node.op == "MatMul" or node.op in BATCH_MATMUL_OPS:
        for flag in _FLAG_ATTRS:
            if node.attrs.get(flag) is True:
                return f"{node.op} with {flag}=True is not quantized by AMCT"
    if node.op == "Conv2DBackpropInput":
        dilations = node.attrs.get("dilations")
        if isinstance(dilations, tuple) and any(d != 1 for d in dilations if isinstance(d, int)):
            shown = ",".join(str(d) for d in dilations)
            return f"Conv2DBackpropInput with dilations [{shown}] is not quantized by AMCT (needs all 1)"
    if node.op == "Conv3D":
        dilation_d = _depth_dilation(node)
        if dilation_d is not None and dilation_d != 1:
            return f"Conv3D with dilation_d {dilation_d} is not quantized by AMCT (needs 1)"
    dtype = node.dtype
    if dtype is not None and dtype != "DT_FLOAT":
        return f"{node.op} has dtype {_dtype_name(dtype)}; AMCT quantizes float32 layers only"
    if node.op in WEIGHT_INPUT:
        ref = weight_ref(node)
        if ref is None:
            return f"{node.op} has no weight input"
        source = resolve_identity(graph, ref)
        if source is None:
            return f"weights of {node.op} come from '{ref}', which is not in the model"
        if source.op != "Const":
            return f"weights of {node.op} come from {source.op} '{source.name}', not a Const"
    return None


def _depth_dilation(node: Node) -> int | None:
    """A Conv3D's dilation along depth: `dilations` is [1, d, h, w, 1] (NDHWC) or [1, 1, d, h, w] (NCDHW)."""
    dilations = node.attrs.get("dilations")
    if not isinstance(dilations, tuple) or len(dilations) != 5:
        return None
    value = dilations[2] if node.attrs.get("data_format") == "NCDHW" else dilations[1]
    return value if isinstance(value, int) else None


def will_be_quantized(graph: ModelGraph, node: Node, options: QuantOptions | None = None) -> tuple[bool, str]:
    """Whether AMCT quantizes `node` (so a tail gets a searchN after it); the reason when it does not."""
    opts = options or QuantOptions()
    if node.op not in QUANTIZABLE_OPS and node.op not in BATCH_MATMUL_OPS and node.op not in CONV3D_OPS:
        return False, f"{node.op} is not quantized by AMCT"
    if node.name in opts.skip_layers:
        return False, f"'{node.name}' is listed in skip_layers{opts.source_text()}"
    if node.op in opts.skip_layer_types:
        return False, f"layer type {node.op} is listed in skip_layer_types{opts.source_text()}"
    if node.name in opts.disabled_layers:
        return (
            False,
            f"'{node.name}' has \"quant_enable\": false in the quantization config{opts.source_text()}",
        )
    failure = constraint_failure(graph, node)
    if failure is not None:
        return False, failure
    return True, f"{node.op} is quantized by AMCT"


def _closest(name: str, candidates: list[str]) -> str:
    """`; did you mean 'x'?` for a misspelt name, or ""."""
    by_lower = {c.lower(): c for c in candidates}
    import difflib  # only for a name that matches no layer

    found = difflib.get_close_matches(name.lower(), list(by_lower), n=1, cutoff=0.75)
    return f"; did you mean '{by_lower[found[0]]}'?" if found else ""


def option_warnings(graph: ModelGraph, options: QuantOptions) -> list[str]:
    """One line per skip setting that cannot match this model: a name it lacks, a tensor name where AMCT
    wants an op name, an op that is not a layer AMCT quantizes, an op type the model does not use. Such an
    entry excludes nothing, so the layer the user meant is still quantized (and still renamed)."""
    warnings: list[str] = []
    layers = sorted(n.name for n in graph if n.op in QUANTIZABLE_OPS)
    settings = [(name, "skip_layers") for name in sorted(options.skip_layers)]
    settings += [(name, '"quant_enable": false') for name in sorted(options.disabled_layers)]
    for name, kind in settings:
        node = graph.get(name)
        if node is None:
            op_name, sep, index = name.rpartition(":")
            if sep and index.isdigit() and op_name in graph:
                warnings.append(
                    f"{kind} names the tensor '{name}'; AMCT wants the layer's op name '{op_name}'"
                )
            else:
                hint = _closest(name, layers)
                warnings.append(f"{kind} names '{name}', which is not in the model{hint}")
        elif node.op not in QUANTIZABLE_OPS:
            warnings.append(
                f"{kind} names '{name}', an op of type {node.op}, not a layer AMCT quantizes "
                f"({', '.join(sorted(QUANTIZABLE_OPS))}){_closest(name, layers)}"
            )
    types = sorted({n.op for n in graph})
    for op_type in sorted(options.skip_layer_types):
        if op_type not in types:
            hint = _closest(op_type, types)
            warnings.append(f"skip_layer_types names '{op_type}', but the model has no op of that type{hint}")
    fusable = sorted(n.name for n in graph if n.op in CONV_OPS or n.op.startswith("FusedBatchNorm"))
    for name in sorted(options.skip_fusion_layers):
        if name not in graph:
            hint = _closest(name, fusable)
            warnings.append(f"skip_fusion_layers names '{name}', which is not in the model{hint}")
    return warnings
