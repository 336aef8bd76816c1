"""The protobuf wire format as upb (protobuf's C parser) applies it: read varints, skip and validate fields.

`wire` decodes NodeDefs with these; a message it does not decode is only validated here, against a table made
from `fields`. The rules, as upb has them (tests/unit/test_wire*.py check each against protobuf):

- a tag is a varint of at most 5 bytes and at most 2**32 - 1; field number 0 is refused in a message, but
  not inside an unknown group nor in a message type without fields; wire types 6 and 7 are refused; an
  end-group tag must close the open group;
- any other varint takes at most 10 bytes (its value is kept modulo 2**64); a length takes at most 5 bytes;
  nothing may run past the end of its message;
- a known field that arrives with another wire type is an unknown field: it must be well formed, no more;
- repeated numbers may come packed or one by one; packed fixed32/fixed64 lengths are multiples of 4/8;
- messages and groups nest at most `MAX_DEPTH` deep below the top message (level 0).

Reads past the end of the buffer raise IndexError (or struct.error); callers turn them into WireError.
"""

from __future__ import annotations

import re

from amct_lsp.model.fields import FIXED32_TYPES, FIXED64_TYPES, MESSAGES, VARINT_TYPES

#: upb's default recursion limit: a message or group may sit at most this many levels below the top message.
MAX_DEPTH = 100

_MASK64 = (1 << 64) - 1
# Ten bytes in a row with the continuation bit: a varint longer than 10 bytes.
_LONG_VARINT = re.compile(rb"[\x80-\xff]{10}")


class WireError(ValueError):
    """Bytes that protobuf's parser refuses (it raises DecodeError); `offset` is where it was noticed."""

    def __init__(self, offset: int, what: str) -> None:
        super().__init__(f"{what} at offset {offset}")
        self.offset = offset
        self.what = what


# ----------------------------------------------------------------------------------------------------
# Varints


def read_varint(buf: bytes, pos: int) -> tuple[int, int]:
    """(value modulo 2**64, position after it) of a varint of 1 to 10 bytes."""
    result = buf[pos]
    if result < 0x80:
        return result, pos + 1
    result &= 0x7F
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


def read_tag(buf: bytes, pos: int) -> tuple[int, int]:
    """(tag, position after it)."""
    tag = buf[pos]
    if tag < 0x80:
        return tag, pos + 1
    return _short_varint(buf, pos, 0xFFFFFFFF, "a field key longer than 5 bytes or above 2**32")


def read_size(buf: bytes, pos: int) -> tuple[int, int]:
    """(length, position after it)."""
    size = buf[pos]
    if size < 0x80:
        return size, pos + 1
    return _short_varint(buf, pos, 0x7FFFFFFF, "a length longer than 5 bytes or above 2**31")


def int64(value: int) -> int:
    return value - (1 << 64) if value >> 63 else value


def int32(value: int) -> int:
    """An int32 or enum field: the varint's low 32 bits, signed (as upb keeps it)."""
    value &= 0xFFFFFFFF
    return value - (1 << 32) if value >> 31 else value


# ----------------------------------------------------------------------------------------------------
# Validation: skip a field, or check a whole message against its table


def skip_field(buf: bytes, pos: int, tag: int, depth: int) -> int:
    """Skip the value of an unknown field (its tag is read) of a message at level `depth`."""
    if tag < 8:
        raise WireError(pos, "a field number 0")
    return _skip_any(buf, pos, tag, depth)


def _skip_any(buf: bytes, pos: int, tag: int, depth: int) -> int:
    """Skip a field's value (its tag is read) where upb allows field number 0: inside a group, or in a
    message type that has no fields at all (FullTypeDef here)."""
    wire_type = tag & 7
    if wire_type == 0:
        return read_varint(buf, pos)[1]
    if wire_type == 2:
        size, pos = read_size(buf, pos)
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
        inner, pos = read_tag(buf, pos)
        if inner == end_tag:
            return pos
        pos = _skip_any(buf, pos, inner, depth)


# What a LEN field of a known message holds: the submessage's table, or packed numbers of one of these kinds.
PACKED_VARINT, PACKED_FIXED32, PACKED_FIXED64 = 0, 3, 7  # the last two are the masks a length must pass
Table = dict[int, "int | Table"]


def check_field(buf: bytes, pos: int, tag: int, depth: int, table: Table) -> int:
    """Validate one field (its tag is read) of a message at level `depth`; the position after it."""
    kind = table.get(tag)
    if kind is None:
        return skip_field(buf, pos, tag, depth)
    size, pos = read_size(buf, pos)
    stop = pos + size
    if isinstance(kind, dict):
        check_message(buf, pos, stop, depth + 1, kind)
    else:
        check_packed(buf, pos, stop, kind)
    return stop


def check_packed(buf: bytes, pos: int, stop: int, kind: int) -> None:
    """Validate packed numbers in buf[pos:stop] without decoding them."""
    if kind == PACKED_VARINT:
        if stop > pos and (buf[stop - 1] >= 0x80 or _LONG_VARINT.search(buf, pos, stop)):
            raise WireError(pos, "packed varints that are cut or longer than 10 bytes")
    elif (stop - pos) & kind:
        raise WireError(pos, f"packed fixed-size numbers in {stop - pos} bytes")


def check_message(buf: bytes, pos: int, end: int, depth: int, table: Table) -> None:
    """Validate the message in buf[pos:end] at level `depth` (the top message is level 0)."""
    if depth > MAX_DEPTH:
        raise WireError(pos, f"messages nested more than {MAX_DEPTH} deep")
    skip_any = table is _NO_FIELDS
    while pos < end:
        tag, pos = read_tag(buf, pos)
        pos = _skip_any(buf, pos, tag, depth) if skip_any else check_field(buf, pos, tag, depth, table)
    if pos != end:
        raise WireError(end, "a field that runs past the end of its message")


# The table of every message type without fields: upb lets field number 0 pass in those (not in others).
_NO_FIELDS: Table = {}


def _tables() -> dict[str, Table]:
    """Per message, its LEN fields that need more than a skip: submessages and packable numbers."""
    tables: dict[str, Table] = {name: {} if specs else _NO_FIELDS for name, specs in MESSAGES.items()}
    for name, specs in MESSAGES.items():
        for _, number, type_name, repeated, _ in specs:
            tag = number << 3 | 2
            if type_name in tables:
                tables[name][tag] = tables[type_name]
            elif repeated and type_name in VARINT_TYPES:
                tables[name][tag] = PACKED_VARINT
            elif repeated and type_name in FIXED32_TYPES:
                tables[name][tag] = PACKED_FIXED32
            elif repeated and type_name in FIXED64_TYPES:
                tables[name][tag] = PACKED_FIXED64
    return tables


TABLES = _tables()


__all__ = [
    "MAX_DEPTH",
    "PACKED_FIXED32",
    "PACKED_FIXED64",
    "PACKED_VARINT",
    "TABLES",
    "Table",
    "WireError",
    "check_field",
    "check_message",
    "check_packed",
    "int32",
    "int64",
    "read_size",
    "read_tag",
    "read_varint",
    "skip_field",
]
