"""Decode a binary NodeDef (or VersionDef) straight into a `graph.Node` in pure Python, without protobuf.

protobuf costs ~20 ms of a fresh `amct-lsp check`. This decoder accepts and refuses exactly the bytes that
protobuf's upb parser accepts and refuses (the rules are in `wire_format`; tests/unit/test_wire*.py hold both
to protobuf), so a model TensorFlow would call corrupt is corrupt here too, and it gives the `Node` that
`node_def.to_node` makes of upb's parse: a singular field seen twice, the last wins and a message is merged;
in a oneof (AttrValue's `value`) the last member set wins, and a message member that follows another member
starts afresh; map entries are a repeated AttrEntry, so the last entry for a key wins.

Only what `to_node` keeps is decoded (name, op, inputs, kept attrs, a tensor's dtype and shape); the rest is
validated by `wire_format`, field by field, building no objects. The tags decoded here are `DECODED_TAGS`
(a test checks them against the `fields` table).
"""

from __future__ import annotations

import math

from amct_lsp.model.fields import data_type_name
from amct_lsp.model.graph import AttrValue, Node
from amct_lsp.model.node_def import KEPT_ATTRS
from amct_lsp.model.wire_format import (
    PACKED_FIXED32,
    PACKED_VARINT,
    TABLES,
    WireError,
    check_field,
    check_packed,
    int32,
    int64,
    read_size,
    read_tag,
    read_varint,
)

# Attr entries up to this size are remembered by their bytes: most (T: DT_FLOAT, data_format: NHWC, ...)
# repeat across a graph, and the same bytes always decode the same way.
_CACHED_ATTR_BYTES = 512
# At most this many attr entries (and as many tails) are remembered: a few MB for a graph of unique attrs.
_REMEMBERED = 8192

_NODE_DEF = TABLES["NodeDef"]
_ATTR_ENTRY = TABLES["NodeDef.AttrEntry"]
_ATTR_VALUE = TABLES["AttrValue"]
_LIST_VALUE = TABLES["AttrValue.ListValue"]
_TENSOR = TABLES["TensorProto"]
_SHAPE = TABLES["TensorShapeProto"]
_DIM = TABLES["TensorShapeProto.Dim"]
_VERSION_DEF = TABLES["VersionDef"]

#: The tags (field number << 3 | wire type) this module decodes itself, by (message, field); every other field
#: is validated from the `fields` table. tests/unit/test_wire.py checks these against the table.
DECODED_TAGS: dict[tuple[str, str], tuple[int, ...]] = {
    ("NodeDef", "name"): (0x0A,),
    ("NodeDef", "op"): (0x12,),
    ("NodeDef", "input"): (0x1A,),
    ("NodeDef", "attr"): (0x2A,),
    ("NodeDef.AttrEntry", "key"): (0x0A,),
    ("NodeDef.AttrEntry", "value"): (0x12,),
    ("AttrValue", "list"): (0x0A,),
    ("AttrValue", "s"): (0x12,),
    ("AttrValue", "i"): (0x18,),
    ("AttrValue", "f"): (0x25,),
    ("AttrValue", "b"): (0x28,),
    ("AttrValue", "type"): (0x30,),
    ("AttrValue", "shape"): (0x3A,),
    ("AttrValue", "tensor"): (0x42,),
    ("AttrValue", "placeholder"): (0x4A,),
    ("AttrValue", "func"): (0x52,),
    ("AttrValue.ListValue", "s"): (0x12,),
    ("AttrValue.ListValue", "i"): (0x18, 0x1A),
    ("AttrValue.ListValue", "f"): (0x25, 0x22),
    ("AttrValue.ListValue", "b"): (0x28, 0x2A),
    ("AttrValue.ListValue", "type"): (0x30, 0x32),
    ("AttrValue.ListValue", "shape"): (0x3A,),
    ("AttrValue.ListValue", "tensor"): (0x42,),
    ("AttrValue.ListValue", "func"): (0x4A,),
    ("TensorProto", "dtype"): (0x08,),
    ("TensorProto", "tensor_shape"): (0x12,),
    ("TensorShapeProto", "dim"): (0x12,),
    ("TensorShapeProto.Dim", "size"): (0x08,),
    ("VersionDef", "producer"): (0x08,),
}

# ----------------------------------------------------------------------------------------------------
# Decoding the fields `to_node` keeps. Tags: field number << 3 | wire type (0 varint, 2 LEN, 5 fixed32).


def _packed(buf: bytes, pos: int, end: int, signed32: bool) -> list[int]:
    """Packed int64 (or int32/enum when `signed32`) values in buf[pos:end]."""
    values = []
    while pos < end:
        value, pos = read_varint(buf, pos)
        values.append(int32(value) if signed32 else int64(value))
    if pos != end:
        raise WireError(end, "a packed varint that runs past the end of its field")
    return values


def _float32(bits: int) -> float:
    """The IEEE 754 single with these bits as a Python float, exactly (importing `struct` costs ~0.5 ms)."""
    sign = -1.0 if bits >> 31 else 1.0
    exponent = bits >> 23 & 0xFF
    fraction = bits & 0x7FFFFF
    if exponent == 0xFF:
        return sign * math.inf if fraction == 0 else math.nan
    if exponent == 0:  # zero or subnormal
        return sign * math.ldexp(fraction, -149)
    return sign * math.ldexp(fraction | 0x800000, exponent - 150)


class _Tensor:
    """What a TensorProto tells `Node`: its dtype and shape."""

    __slots__ = ("dims", "dtype")

    def __init__(self) -> None:
        self.dtype = 0
        self.dims: list[int] = []


def _dim_size(buf: bytes, pos: int, end: int) -> int:
    """TensorShapeProto.Dim (level 5): its size (1, int64); name (2) and the rest are validated."""
    size = 0
    while pos < end:
        tag, pos = read_tag(buf, pos)
        if tag == 0x08:
            size, pos = read_varint(buf, pos)
            size = int64(size)
        else:
            pos = check_field(buf, pos, tag, 5, _DIM)
    if pos != end:
        raise WireError(end, "a field that runs past the end of its message")
    return size


def _shape(buf: bytes, pos: int, end: int, dims: list[int]) -> None:
    """TensorShapeProto (level 4): appends each dim's (2) size; unknown_rank (3) is validated."""
    while pos < end:
        tag, pos = read_tag(buf, pos)
        if tag == 0x12:
            size, pos = read_size(buf, pos)
            dims.append(_dim_size(buf, pos, pos + size))
            pos += size
        else:
            pos = check_field(buf, pos, tag, 4, _SHAPE)
    if pos != end:
        raise WireError(end, "a field that runs past the end of its message")


def _tensor(buf: bytes, pos: int, end: int, tensor: _Tensor) -> None:
    """TensorProto (level 3): dtype (1) and tensor_shape (2); the values are validated, never read."""
    while pos < end:
        tag, pos = read_tag(buf, pos)
        if tag == 0x08:
            dtype, pos = read_varint(buf, pos)
            tensor.dtype = int32(dtype)
        elif tag == 0x12:
            size, pos = read_size(buf, pos)
            _shape(buf, pos, pos + size, tensor.dims)
            pos += size
        else:
            pos = check_field(buf, pos, tag, 3, _TENSOR)
    if pos != end:
        raise WireError(end, "a field that runs past the end of its message")


class _Items:
    """What an AttrValue.ListValue tells `Node`: its s, i and type values, and whether it holds others."""

    __slots__ = ("i", "other", "s", "type")

    def __init__(self) -> None:
        self.s: list[bytes] = []
        self.i: list[int] = []
        self.type: list[int] = []
        self.other = False


def _items(buf: bytes, pos: int, end: int, items: _Items) -> None:
    """ListValue (level 3): s (2), i (3) and type (6) are read; f, b, shape, tensor, func only counted."""
    while pos < end:
        tag, pos = read_tag(buf, pos)
        if tag == 0x18 or tag == 0x30:  # i, type: one varint
            value, pos = read_varint(buf, pos)
            (items.i if tag == 0x18 else items.type).append(int64(value) if tag == 0x18 else int32(value))
        elif (
            tag == 0x12 or tag == 0x1A or tag == 0x32 or tag == 0x22 or tag == 0x2A
        ):  # s; packed i, type, f, b
            size, pos = read_size(buf, pos)
            stop = pos + size
            if tag == 0x12:
                items.s.append(buf[pos:stop])
            elif tag == 0x1A:
                items.i += _packed(buf, pos, stop, signed32=False)
            elif tag == 0x32:
                items.type += _packed(buf, pos, stop, signed32=True)
            else:
                check_packed(buf, pos, stop, PACKED_FIXED32 if tag == 0x22 else PACKED_VARINT)
                items.other = items.other or size > 0
            pos = stop
        else:
            pos = check_field(buf, pos, tag, 3, _LIST_VALUE)
            if tag in _LIST_OTHERS:
                items.other = True
    if pos != end:
        raise WireError(end, "a field that runs past the end of its message")


# ListValue's f (4, fixed32), b (5, varint), shape (7), tensor (8) and func (9): one value each.
_LIST_OTHERS = frozenset({0x25, 0x28, 0x3A, 0x42, 0x4A})


class _Value:
    """An AttrValue's `value` oneof: which member is set (its field number, 0 for none) and its content."""

    __slots__ = ("case", "items", "scalar", "tensor")

    def __init__(self) -> None:
        self.case = 0
        self.scalar: bytes | int | float = 0  # s, i, f, b or type, by `case`
        self.items: _Items | None = None
        self.tensor: _Tensor | None = None

    def kept(self) -> AttrValue | None:
        """The attr as `Node` keeps it, like `node_def._attr_value`: None when it is not kept."""
        case, scalar, items = self.case, self.scalar, self.items
        if case == 2 and isinstance(scalar, bytes):
            return _text(scalar)
        if case in (3, 4, 5) and not isinstance(scalar, bytes):
            return scalar
        if case == 6 and isinstance(scalar, int):
            return data_type_name(scalar)
        if case == 1 and items is not None:
            if items.i:
                return tuple(items.i)
            if items.type:
                return tuple(data_type_name(t) for t in items.type)
            if items.s:
                return tuple(_text(s) for s in items.s)
            return None if items.other else ()
        return None


def _attr_value(buf: bytes, pos: int, end: int, value: _Value) -> None:
    """AttrValue (level 2) merged into `value`: list (1), s (2), i (3), f (4), b (5), type (6), shape (7),
    tensor (8), placeholder (9), func (10); the last member set wins."""
    while pos < end:
        tag, pos = read_tag(buf, pos)
        if tag == 0x18 or tag == 0x28 or tag == 0x30:  # i, b, type
            number, pos = read_varint(buf, pos)
            value.case = tag >> 3
            if tag == 0x28:  # a bool is any of the 64 bits
                value.scalar = number != 0
            else:
                value.scalar = int64(number) if tag == 0x18 else int32(number)
        elif tag == 0x25:  # f
            if pos + 4 > end:
                raise WireError(pos, "a float that runs past the end of its message")
            value.case = 4
            value.scalar = _float32(int.from_bytes(buf[pos : pos + 4], "little"))
            pos += 4
        elif tag == 0x0A or tag == 0x12 or tag == 0x42:  # list, s, tensor
            size, pos = read_size(buf, pos)
            stop = pos + size
            if tag == 0x12:
                value.scalar = buf[pos:stop]
            elif tag == 0x0A:
                if value.case != 1 or value.items is None:
                    value.items = _Items()
                _items(buf, pos, stop, value.items)
            else:
                if value.case != 8 or value.tensor is None:
                    value.tensor = _Tensor()
                _tensor(buf, pos, stop, value.tensor)
            value.case = tag >> 3
            pos = stop
        else:
            pos = check_field(buf, pos, tag, 2, _ATTR_VALUE)
            if tag == 0x3A or tag == 0x4A or tag == 0x52:  # shape, placeholder, func: validated only
                value.case = tag >> 3
    if pos != end:
        raise WireError(end, "a field that runs past the end of its message")


#: A decoded attr entry: (key, the kept value or None, (dtype, shape) when the value is a tensor).
_Attr = tuple[str, AttrValue | None, tuple[str, tuple[int, ...]] | None]


def _attr_entry(buf: bytes, pos: int, end: int) -> _Attr:
    """NodeDef.AttrEntry (level 1): key (1) and value (2, merged when it repeats)."""
    key = b""
    value: _Value | None = None
    while pos < end:
        tag, pos = read_tag(buf, pos)
        if tag == 0x0A or tag == 0x12:
            size, pos = read_size(buf, pos)
            stop = pos + size
            if tag == 0x0A:
                key = buf[pos:stop]
            else:
                if value is None:
                    value = _Value()
                _attr_value(buf, pos, stop, value)
            pos = stop
        else:
            pos = check_field(buf, pos, tag, 1, _ATTR_ENTRY)
    if pos != end:
        raise WireError(end, "a field that runs past the end of its message")
    name = _text(key)
    if value is None:
        return name, None, None
    tensor = value.tensor if value.case == 8 else None  # a tensor member that a later member replaced
    return (
        name,
        value.kept() if name in KEPT_ATTRS else None,
        None if tensor is None else (data_type_name(tensor.dtype), tuple(tensor.dims)),
    )


def _text(raw: bytes) -> str:
    return raw.decode("utf-8", "replace")


# NodeDef's name (1), op (2) and input (3): the LEN fields it reads before its attrs (5).
_NODE_FIELDS = frozenset({0x0A, 0x12, 0x1A})
# A NodeDef's attrs usually end it; tails up to this size are remembered by their bytes and the op (an
# Identity's or a Relu's are the same across a graph), unless they hold a Const's value.
_CACHED_TAIL_BYTES = 1024

#: What the fields from a node's first attr to its end come to: (name or None when they hold none, op, more
#: inputs, attrs, the Const's (dtype, shape) or None).
_Tail = tuple[
    "bytes | None", bytes, tuple[bytes, ...], dict[str, AttrValue], "tuple[str, tuple[int, ...]] | None"
]


class NodeDecoder:
    """Decodes the NodeDefs of one model, remembering attrs by their bytes: most repeat across a graph."""

    def __init__(self) -> None:
        self._attrs: dict[bytes, _Attr] = {}
        self._tails: dict[tuple[bytes, bytes], _Tail] = {}

    def node(self, data: bytes) -> Node:
        """The `Node` of a serialized NodeDef; raises WireError where protobuf raises DecodeError."""
        try:
            return self._node(data)
        except IndexError:  # a read past the end of `data`
            raise WireError(len(data), "a field that runs past the end of the message") from None

    def _node(self, buf: bytes) -> Node:
        end = len(buf)
        pos = 0
        name = op = b""
        inputs: list[bytes] = []
        attrs: dict[str, AttrValue] = {}
        const: tuple[str, tuple[int, ...]] | None = None
        while pos < end:
            start = pos
            tag, pos = read_tag(buf, pos)
            if tag == 0x2A:
                tail_name, op, more, tail_attrs, const = self._tail(buf, start, end, op)
                if tail_name is not None:
                    name = tail_name
                inputs += more
                attrs = dict(tail_attrs)  # its own dict: tails are shared
                break
            if tag not in _NODE_FIELDS:
                pos = check_field(buf, pos, tag, 0, _NODE_DEF)
                continue
            size, pos = read_size(buf, pos)
            if tag == 0x1A:
                inputs.append(buf[pos : pos + size])
            elif tag == 0x0A:
                name = buf[pos : pos + size]
            else:
                op = buf[pos : pos + size]
            pos += size
        else:
            if pos != end:
                raise WireError(end, "a field that runs past the end of the message")
        return Node(
            _text(name),
            _text(op),
            tuple([i.decode("utf-8", "replace") for i in inputs]),
            attrs,
            None if const is None else const[0],
            None if const is None else const[1],
        )

    def _tail(self, buf: bytes, start: int, end: int, op: bytes) -> _Tail:
        """The fields from the first attr (at `start`) to the end of the node, whose op so far is `op`."""
        if end - start > _CACHED_TAIL_BYTES:
            return self._decode_tail(buf, start, end, op)[0]
        key = (op, buf[start:end])
        tail = self._tails.get(key)
        if tail is None:
            tail, has_value = self._decode_tail(buf, start, end, op)
            # A tensor in a `value` attr (a Const's) is unique: not worth remembering.
            if not has_value and len(self._tails) < _REMEMBERED:
                self._tails[key] = tail
        return tail

    def _decode_tail(self, buf: bytes, pos: int, end: int, op: bytes) -> tuple[_Tail, bool]:
        """(the tail, whether it has a `value` attr)."""
        name: bytes | None = None
        inputs: list[bytes] = []
        entries: list[_Attr] = []
        cache = self._attrs
        while pos < end:
            tag, pos = read_tag(buf, pos)
            if tag != 0x2A and tag not in _NODE_FIELDS:
                pos = check_field(buf, pos, tag, 0, _NODE_DEF)
                continue
            size, pos = read_size(buf, pos)
            stop = pos + size
            if tag == 0x2A:
                if size > _CACHED_ATTR_BYTES or stop > end:
                    entries.append(_attr_entry(buf, pos, stop))
                else:
                    raw = buf[pos:stop]
                    attr = cache.get(raw)
                    if attr is None:
                        attr = _attr_entry(buf, pos, stop)
                        if len(cache) < _REMEMBERED:
                            cache[raw] = attr
                    entries.append(attr)
            elif tag == 0x1A:
                inputs.append(buf[pos:stop])
            elif tag == 0x0A:
                name = buf[pos:stop]
            else:
                op = buf[pos:stop]
            pos = stop
        if pos != end:
            raise WireError(end, "a field that runs past the end of the message")
        attrs, const = _reduce(op == b"Const", entries)
        return (name, op, tuple(inputs), attrs, const), any(entry[0] == "value" for entry in entries)


def _reduce(
    is_const: bool, entries: list[_Attr]
) -> tuple[dict[str, AttrValue], tuple[str, tuple[int, ...]] | None]:
    """(kept attrs, a Const's value dtype and shape) as `node_def.to_node` has them: the last entry wins."""
    attrs: dict[str, AttrValue] = {}
    const: tuple[str, tuple[int, ...]] | None = None
    for key, kept, tensor in entries:
        if key in KEPT_ATTRS:
            if kept is None:
                attrs.pop(key, None)
            else:
                attrs[key] = kept
        elif key == "value" and is_const:
            const = tensor
    return attrs, const


def producer(data: bytes) -> int:
    """VersionDef.producer (1, int32) of a serialized VersionDef; raises WireError like `NodeDecoder.node`."""
    try:
        end = len(data)
        pos = 0
        value = 0
        while pos < end:
            tag, pos = read_tag(data, pos)
            if tag == 0x08:
                value, pos = read_varint(data, pos)
                value = int32(value)
            else:
                pos = check_field(data, pos, tag, 0, _VERSION_DEF)
        if pos != end:
            raise WireError(end, "a field that runs past the end of the message")
        return value
    except IndexError:
        raise WireError(len(data), "a field that runs past the end of the message") from None


__all__ = ["DECODED_TAGS", "NodeDecoder", "WireError", "producer"]
