"""Decode a binary NodeDef (or VersionDef) straight into a `graph.Node` in pure Python, without protobuf.

protobuf costs ~20 ms of a fresh `amct-lsp check`. This decoder accepts and refuses exactly the bytes that
protobuf's upb parser accepts and refuses (tests/unit/test_wire*.py hold it to that), so a model TensorFlow
would call corrupt is corrupt here too, and it gives the `Node` that `node_def.to_node` makes of upb's parse.
upb's rules, as matched here:

- a tag is a varint of at most 5 bytes and at most 2**32 - 1; field number 0 is refused in a message, but
  not inside an unknown group nor in a message type without fields; wire types 6 and 7 are refused; an
  end-group tag must close the open group;
- any other varint takes at most 10 bytes (its value is kept modulo 2**64); a length takes at most 5 bytes;
  nothing may run past the end of its message;
- a known field that arrives with another wire type is an unknown field: it must be well formed, no more;
- repeated numbers may come packed or one by one; packed fixed32/fixed64 lengths are multiples of 4/8;
- a singular field seen twice: the last wins, a message is merged; in a oneof the last member set wins, and
  a message member that follows another member starts afresh;
- messages and groups nest at most `MAX_DEPTH` deep below the NodeDef.

Only what `to_node` keeps is decoded (name, op, inputs, kept attrs, a tensor's dtype and shape); the rest is
validated field by field, building no objects. Field numbers not decoded here come from the `fields` table.
"""

from __future__ import annotations

import re
import struct

from amct_lsp.model.fields import FIXED32_TYPES, FIXED64_TYPES, MESSAGES, VARINT_TYPES, data_type_name
from amct_lsp.model.graph import AttrValue, Node
from amct_lsp.model.node_def import KEPT_ATTRS

#: upb's default recursion limit: a message or group may sit at most this many levels below the NodeDef.
MAX_DEPTH = 100

_MASK64 = (1 << 64) - 1
_FLOAT = struct.Struct("<f")
# Ten bytes in a row with the continuation bit: a varint longer than 10 bytes.
_LONG_VARINT = re.compile(rb"[\x80-\xff]{10}")
# Attr entries up to this size are remembered by their bytes: most (T: DT_FLOAT, data_format: NHWC, ...)
# repeat across a graph, and the same bytes always decode the same way.
_CACHED_ATTR_BYTES = 512


class WireError(ValueError):
    """Bytes that protobuf's parser refuses (it raises DecodeError); `offset` is where it was noticed."""

    def __init__(self, offset: int, what: str) -> None:
        super().__init__(f"{what} at offset {offset}")
        self.offset = offset
        self.what = what


# ----------------------------------------------------------------------------------------------------
# Varints


def _varint(buf: bytes, pos: int) -> tuple[int, int]:
    """(value modulo 2**64, position after it) of a varint of 2 to 10 bytes (its first byte is >= 0x80)."""
    result = buf[pos] & 0x7F
    shift = 7
    for index in range(pos + 1, pos + 10):
        byte = buf[index]
        result |= (byte & 0x7F) << shift
        if byte < 0x80:
            return result & _MASK64, index + 1
        shift += 7
    raise WireError(pos, "a varint longer than 10 bytes")


def _short_varint(buf: bytes, pos: int, limit: int, what: str) -> tuple[int, int]:
    """A tag or length of 2 to 5 bytes (its first byte is >= 0x80) whose value is at most `limit`."""
    result = buf[pos] & 0x7F
    shift = 7
    for index in range(pos + 1, pos + 5):
        byte = buf[index]
        result |= (byte & 0x7F) << shift
        if byte < 0x80:
            if result > limit:
                break
            return result, index + 1
        shift += 7
    raise WireError(pos, what)


def _tag(buf: bytes, pos: int) -> tuple[int, int]:
    return _short_varint(buf, pos, 0xFFFFFFFF, "a field key longer than 5 bytes or above 2**32")


def _size(buf: bytes, pos: int) -> tuple[int, int]:
    return _short_varint(buf, pos, 0x7FFFFFFF, "a length longer than 5 bytes or above 2**31")


def _int64(value: int) -> int:
    return value - (1 << 64) if value >> 63 else value


def _int32(value: int) -> int:
    """An int32 or enum field: the varint's low 32 bits, signed (as upb keeps it)."""
    value &= 0xFFFFFFFF
    return value - (1 << 32) if value >> 31 else value


# ----------------------------------------------------------------------------------------------------
# Validation: skip a field, or check a whole message against its table


def _skip(buf: bytes, pos: int, tag: int, depth: int) -> int:
    """Skip the value of an unknown field (its tag is read) of a message at level `depth`."""
    if tag < 8:
        raise WireError(pos, "a field number 0")
    wire_type = tag & 7
    if wire_type == 0:
        return pos + 1 if buf[pos] < 0x80 else _varint(buf, pos)[1]
    if wire_type == 2:
        size = buf[pos]
        if size < 0x80:
            return pos + 1 + size
        size, pos = _size(buf, pos)
        return pos + size
    return _skip_any(buf, pos, tag, depth)


def _skip_any(buf: bytes, pos: int, tag: int, depth: int) -> int:
    """Skip a field's value (its tag is read) where upb allows field number 0: inside a group, or in a
    message type that has no fields at all (FullTypeDef here)."""
    wire_type = tag & 7
    if wire_type == 0:
        return pos + 1 if buf[pos] < 0x80 else _varint(buf, pos)[1]
    if wire_type == 2:
        size = buf[pos]
        if size < 0x80:
            return pos + 1 + size
        size, pos = _size(buf, pos)
        return pos + size
    if wire_type == 1:
        return pos + 8
    if wire_type == 5:
        return pos + 4
    if wire_type == 3:
        return _skip_group(buf, pos, tag, depth + 1)
    raise WireError(pos, f"a field of wire type {wire_type}")  # 4 (an end group that is not ours), 6, 7


def _skip_group(buf: bytes, pos: int, tag: int, depth: int) -> int:
    """Skip an unknown group at level `depth` up to its end tag."""
    if depth > MAX_DEPTH:
        raise WireError(pos, f"groups and messages nested more than {MAX_DEPTH} deep")
    end_tag = tag + 1  # the same field number with wire type 4
    while True:
        inner = buf[pos]
        if inner < 0x80:
            pos += 1
        else:
            inner, pos = _tag(buf, pos)
        if inner == end_tag:
            return pos
        pos = _skip_any(buf, pos, inner, depth)


# What a LEN field of a known message holds: the submessage's table, or packed numbers of one of these kinds.
_PACKED_VARINT, _PACKED_FIXED32, _PACKED_FIXED64 = 0, 3, 7  # the last two are the masks a length must pass
_Table = dict[int, "int | _Table"]


def _field(buf: bytes, pos: int, tag: int, depth: int, table: _Table) -> int:
    """Validate one field (its tag is read) of a message at level `depth`; the position after it."""
    kind = table.get(tag)
    if kind is None:
        return _skip(buf, pos, tag, depth)
    size = buf[pos]
    if size < 0x80:
        pos += 1
    else:
        size, pos = _size(buf, pos)
    stop = pos + size
    if isinstance(kind, dict):
        _check(buf, pos, stop, depth + 1, kind)
    else:
        _check_packed(buf, pos, stop, kind)
    return stop


def _check_packed(buf: bytes, pos: int, stop: int, kind: int) -> None:
    """Validate packed numbers in buf[pos:stop] without decoding them."""
    if kind == _PACKED_VARINT:
        if stop > pos and (buf[stop - 1] >= 0x80 or _LONG_VARINT.search(buf, pos, stop)):
            raise WireError(pos, "packed varints that are cut or longer than 10 bytes")
    elif (stop - pos) & kind:
        raise WireError(pos, f"packed fixed-size numbers in {stop - pos} bytes")


def _check(buf: bytes, pos: int, end: int, depth: int, table: _Table) -> None:
    """Validate the message in buf[pos:end] at level `depth` (the NodeDef is level 0)."""
    if depth > MAX_DEPTH:
        raise WireError(pos, f"messages nested more than {MAX_DEPTH} deep")
    skip_any = table is _NO_FIELDS
    while pos < end:
        tag = buf[pos]
        if tag < 0x80:
            pos += 1
        else:
            tag, pos = _tag(buf, pos)
        pos = _skip_any(buf, pos, tag, depth) if skip_any else _field(buf, pos, tag, depth, table)
    if pos != end:
        raise WireError(end, "a field that runs past the end of its message")


# The table of every message type without fields: upb lets field number 0 pass in those (not in others).
_NO_FIELDS: _Table = {}


def _tables() -> dict[str, _Table]:
    """Per message, its LEN fields that need more than a skip: submessages and packable numbers."""
    tables: dict[str, _Table] = {name: {} if specs else _NO_FIELDS for name, specs in MESSAGES.items()}
    for name, specs in MESSAGES.items():
        for _, number, type_name, repeated, _ in specs:
            tag = number << 3 | 2
            if type_name in tables:
                tables[name][tag] = tables[type_name]
            elif repeated and type_name in VARINT_TYPES:
                tables[name][tag] = _PACKED_VARINT
            elif repeated and type_name in FIXED32_TYPES:
                tables[name][tag] = _PACKED_FIXED32
            elif repeated and type_name in FIXED64_TYPES:
                tables[name][tag] = _PACKED_FIXED64
    return tables


_TABLES = _tables()
_NODE_DEF = _TABLES["NodeDef"]
_ATTR_ENTRY = _TABLES["NodeDef.AttrEntry"]
_ATTR_VALUE = _TABLES["AttrValue"]
_LIST_VALUE = _TABLES["AttrValue.ListValue"]
_TENSOR = _TABLES["TensorProto"]
_SHAPE = _TABLES["TensorShapeProto"]
_DIM = _TABLES["TensorShapeProto.Dim"]
_VERSION_DEF = _TABLES["VersionDef"]


# ----------------------------------------------------------------------------------------------------
# Decoding the fields `to_node` keeps. Tags: field number << 3 | wire type (0 varint, 2 LEN, 5 fixed32).


def _packed(buf: bytes, pos: int, end: int, signed32: bool) -> list[int]:
    """Packed int64 (or int32/enum when `signed32`) values in buf[pos:end]."""
    values = []
    while pos < end:
        value = buf[pos]
        if value < 0x80:
            pos += 1
        else:
            value, pos = _varint(buf, pos)
            value = _int32(value) if signed32 else _int64(value)
        values.append(value)
    if pos != end:
        raise WireError(end, "a packed varint that runs past the end of its field")
    return values


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
        tag = buf[pos]
        if tag < 0x80:
            pos += 1
        else:
            tag, pos = _tag(buf, pos)
        if tag == 0x08:
            size = buf[pos]
            if size < 0x80:
                pos += 1
            else:
                size, pos = _varint(buf, pos)
                size = _int64(size)
        else:
            pos = _field(buf, pos, tag, 5, _DIM)
    if pos != end:
        raise WireError(end, "a field that runs past the end of its message")
    return size


def _shape(buf: bytes, pos: int, end: int, dims: list[int]) -> None:
    """TensorShapeProto (level 4): appends each dim's (2) size; unknown_rank (3) is validated."""
    while pos < end:
        tag = buf[pos]
        if tag < 0x80:
            pos += 1
        else:
            tag, pos = _tag(buf, pos)
        if tag == 0x12:
            size = buf[pos]
            if size < 0x80:
                pos += 1
            else:
                size, pos = _size(buf, pos)
            dims.append(_dim_size(buf, pos, pos + size))
            pos += size
        else:
            pos = _field(buf, pos, tag, 4, _SHAPE)
    if pos != end:
        raise WireError(end, "a field that runs past the end of its message")


def _tensor(buf: bytes, pos: int, end: int, tensor: _Tensor) -> None:
    """TensorProto (level 3): dtype (1) and tensor_shape (2); the values are validated, never read."""
    while pos < end:
        tag = buf[pos]
        if tag < 0x80:
            pos += 1
        else:
            tag, pos = _tag(buf, pos)
        if tag == 0x08:
            dtype = buf[pos]
            if dtype < 0x80:
                pos += 1
            else:
                dtype, pos = _varint(buf, pos)
                dtype = _int32(dtype)
            tensor.dtype = dtype
        elif tag == 0x12:
            size = buf[pos]
            if size < 0x80:
                pos += 1
            else:
                size, pos = _size(buf, pos)
            _shape(buf, pos, pos + size, tensor.dims)
            pos += size
        else:
            pos = _field(buf, pos, tag, 3, _TENSOR)
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
        tag = buf[pos]
        if tag < 0x80:
            pos += 1
        else:
            tag, pos = _tag(buf, pos)
        if tag == 0x18 or tag == 0x30:  # i, type: one varint
            value = buf[pos]
            if value < 0x80:
                pos += 1
            else:
                value, pos = _varint(buf, pos)
                value = _int64(value) if tag == 0x18 else _int32(value)
            (items.i if tag == 0x18 else items.type).append(value)
        elif (
            tag == 0x12 or tag == 0x1A or tag == 0x32 or tag == 0x22 or tag == 0x2A
        ):  # s; packed i, type, f, b
            size = buf[pos]
            if size < 0x80:
                pos += 1
            else:
                size, pos = _size(buf, pos)
            stop = pos + size
            if tag == 0x12:
                items.s.append(buf[pos:stop])
            elif tag == 0x1A:
                items.i += _packed(buf, pos, stop, signed32=False)
            elif tag == 0x32:
                items.type += _packed(buf, pos, stop, signed32=True)
            else:
                _check_packed(buf, pos, stop, _PACKED_FIXED32 if tag == 0x22 else _PACKED_VARINT)
                items.other = items.other or size > 0
            pos = stop
        else:
            pos = _field(buf, pos, tag, 3, _LIST_VALUE)
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
        tag = buf[pos]
        if tag < 0x80:
            pos += 1
        else:
            tag, pos = _tag(buf, pos)
        if tag == 0x18 or tag == 0x28 or tag == 0x30:  # i, b, type
            number = buf[pos]
            if number < 0x80:
                pos += 1
            else:
                number, pos = _varint(buf, pos)
                if tag != 0x28:  # a bool is any of the 64 bits
                    number = _int64(number) if tag == 0x18 else _int32(number)
            value.case = tag >> 3
            value.scalar = number != 0 if tag == 0x28 else number
        elif tag == 0x25:  # f
            if pos + 4 > end:
                raise WireError(pos, "a float that runs past the end of its message")
            value.case = 4
            value.scalar = _FLOAT.unpack_from(buf, pos)[0]
            pos += 4
        elif tag == 0x0A or tag == 0x12 or tag == 0x42:  # list, s, tensor
            size = buf[pos]
            if size < 0x80:
                pos += 1
            else:
                size, pos = _size(buf, pos)
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
            pos = _field(buf, pos, tag, 2, _ATTR_VALUE)
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
        tag = buf[pos]
        if tag < 0x80:
            pos += 1
        else:
            tag, pos = _tag(buf, pos)
        if tag == 0x0A or tag == 0x12:
            size = buf[pos]
            if size < 0x80:
                pos += 1
            else:
                size, pos = _size(buf, pos)
            stop = pos + size
            if tag == 0x0A:
                key = buf[pos:stop]
            else:
                if value is None:
                    value = _Value()
                _attr_value(buf, pos, stop, value)
            pos = stop
        else:
            pos = _field(buf, pos, tag, 1, _ATTR_ENTRY)
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
        except (IndexError, struct.error):  # a read past the end of `data`
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
            tag = buf[pos]
            if tag < 0x80:
                pos += 1
            else:
                tag, pos = _tag(buf, pos)
            if tag == 0x2A:
                tail_name, op, more, tail_attrs, const = self._tail(buf, start, end, op)
                if tail_name is not None:
                    name = tail_name
                inputs += more
                attrs = dict(tail_attrs)  # its own dict: tails are shared
                break
            if tag not in _NODE_FIELDS:
                pos = _field(buf, pos, tag, 0, _NODE_DEF)
                continue
            size = buf[pos]
            if size < 0x80:
                pos += 1
            else:
                size, pos = _size(buf, pos)
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
            if not has_value:  # a tensor in a `value` attr (a Const's) is unique: not worth remembering
                self._tails[key] = tail
        return tail

    def _decode_tail(self, buf: bytes, pos: int, end: int, op: bytes) -> tuple[_Tail, bool]:
        """(the tail, whether it has a `value` attr)."""
        name: bytes | None = None
        inputs: list[bytes] = []
        entries: list[_Attr] = []
        cache = self._attrs
        while pos < end:
            tag = buf[pos]
            if tag < 0x80:
                pos += 1
            else:
                tag, pos = _tag(buf, pos)
            if tag != 0x2A and tag not in _NODE_FIELDS:
                pos = _field(buf, pos, tag, 0, _NODE_DEF)
                continue
            size = buf[pos]
            if size < 0x80:
                pos += 1
            else:
                size, pos = _size(buf, pos)
            stop = pos + size
            if tag == 0x2A:
                if size > _CACHED_ATTR_BYTES or stop > end:
                    entries.append(_attr_entry(buf, pos, stop))
                else:
                    raw = buf[pos:stop]
                    attr = cache.get(raw)
                    if attr is None:
                        attr = cache[raw] = _attr_entry(buf, pos, stop)
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
            tag = data[pos]
            if tag < 0x80:
                pos += 1
            else:
                tag, pos = _tag(data, pos)
            if tag == 0x08:
                value, pos = (data[pos], pos + 1) if data[pos] < 0x80 else _varint(data, pos)
                value = _int32(value)
            else:
                pos = _field(data, pos, tag, 0, _VERSION_DEF)
        if pos != end:
            raise WireError(end, "a field that runs past the end of the message")
        return value
    except IndexError:
        raise WireError(len(data), "a field that runs past the end of the message") from None


__all__ = ["MAX_DEPTH", "NodeDecoder", "WireError", "producer"]
