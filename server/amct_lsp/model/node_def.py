"""A parsed NodeDef (a `schema` message, from the text reader) reduced to a `graph.Node`; no protobuf import.

`wire` decodes binary NodeDefs straight to the same `Node` and keeps the same attrs.
"""

from __future__ import annotations

from typing import Any

from amct_lsp.model.fields import data_type_name
from amct_lsp.model.graph import AttrValue, Node

#: Node attrs the rewrite rules look at; everything else (and every weight) is dropped while reading.
KEPT_ATTRS = frozenset(
    {"T", "dtype", "transpose_a", "transpose_b", "adj_x", "adj_y", "dilations", "strides", "is_training",
     "data_format", "epsilon", "padding", "N"}
)  # fmt: skip


def _text(raw: bytes) -> str:
    return raw.decode("utf-8", errors="replace")


def _attr_value(value: Any) -> AttrValue | None:
    """The kept form of an AttrValue: scalars, int lists and dtype-name lists; None for anything else."""
    kind = value.WhichOneof("value")
    if kind == "s":
        return _text(value.s)
    if kind == "i":
        return int(value.i)
    if kind == "f":
        return float(value.f)
    if kind == "b":
        return bool(value.b)
    if kind == "type":
        return data_type_name(value.type)
    if kind == "list":
        items = value.list
        if len(items.i):
            return tuple(int(i) for i in items.i)
        if len(items.type):
            return tuple(data_type_name(t) for t in items.type)
        if len(items.s):
            return tuple(_text(s) for s in items.s)
        if len(items.f) or len(items.b) or len(items.shape) or len(items.tensor) or len(items.func):
            return None
        return ()
    return None


def to_node(node_def: Any) -> Node:
    """A parsed NodeDef reduced to what the rewrite rules need (kept attrs, a Const's dtype and shape)."""
    op = _text(node_def.op)
    attrs: dict[str, AttrValue] = {}
    const_dtype: str | None = None
    const_shape: tuple[int, ...] | None = None
    for entry in node_def.attr:  # a map on the wire: a later entry for the same key wins
        key = _text(entry.key)
        if key in KEPT_ATTRS:
            kept = _attr_value(entry.value)
            if kept is None:
                attrs.pop(key, None)
            else:
                attrs[key] = kept
        elif key == "value" and op == "Const":
            if entry.value.WhichOneof("value") == "tensor":
                tensor = entry.value.tensor
                const_dtype = data_type_name(tensor.dtype)
                const_shape = tuple(int(dim.size) for dim in tensor.tensor_shape.dim)
            else:
                const_dtype = const_shape = None
    return Node(
        name=_text(node_def.name),
        op=op,
        inputs=tuple(_text(i) for i in node_def.input),
        attrs=attrs,
        const_dtype=const_dtype,
        const_shape=const_shape,
    )


__all__ = ["KEPT_ATTRS", "to_node"]
