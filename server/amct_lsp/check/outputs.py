"""How many outputs an op has: `name:N` past the last one does not exist."""

from __future__ import annotations

from collections.abc import Mapping

#: Ops with exactly one output: `name:1` on them does not exist.
_SINGLE_OUTPUT = frozenset(
    {
        "Conv2D",
        "DepthwiseConv2dNative",
        "Conv2DBackpropInput",
        "MatMul",
        "BatchMatMul",
        "BatchMatMulV2",
        "BiasAdd",
        "Add",
        "AddV2",
        "Sub",
        "Mul",
        "RealDiv",
        "Relu",
        "Relu6",
        "LeakyRelu",
        "Elu",
        "Selu",
        "Sigmoid",
        "Tanh",
        "Softmax",
        "LogSoftmax",
        "Identity",
        "AvgPool",
        "MaxPool",
        "Mean",
        "Sum",
        "Max",
        "Reshape",
        "Squeeze",
        "ExpandDims",
        "ConcatV2",
        "Pad",
        "Rsqrt",
        "Sqrt",
        "Placeholder",
        "Const",
        "Transpose",
        "Cast",
        "ArgMax",
        "Pack",
        "StridedSlice",
        "Shape",
        "Maximum",
        "Minimum",
        "Square",
        "ResizeBilinear",
        "ResizeNearestNeighbor",
        "Softplus",
        "Neg",
        "Exp",
        "Log",
        "Fill",
        "Tile",
    }
)
_FUSED_BN_OUTPUTS = {"FusedBatchNorm": 5, "FusedBatchNormV2": 5, "FusedBatchNormV3": 6}


def index_problem(op: str, index: int, attrs: object) -> str | None:
    if index == 0:
        return None
    if op in _SINGLE_OUTPUT:
        return "has a single output"
    count = _FUSED_BN_OUTPUTS.get(op)
    if count is not None and index >= count:
        return f"has {count} outputs"
    if op in ("Split", "SplitV", "Unpack") and isinstance(attrs, Mapping):
        n = attrs.get("num_split", attrs.get("num"))
        if isinstance(n, int) and index >= n:
            return f"has {n} outputs"
    return None
