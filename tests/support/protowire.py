"""Hand-made protobuf wire bytes, for files the schema classes cannot (or should not) build whole.

Tests use these to append fields to a serialized GraphDef, to pad a message, or to write a huge tensor
header whose content is a sparse hole, without holding the content in memory.
"""

from __future__ import annotations


def varint(value: int) -> bytes:
    """A base-128 varint, low group first."""
    out = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def field_head(number: int, length: int) -> bytes:
    """The key and length of a length-delimited field of `length` bytes (the payload follows)."""
    return varint(number << 3 | 2) + varint(length)


def field(number: int, payload: bytes) -> bytes:
    """One whole length-delimited field."""
    return field_head(number, len(payload)) + payload


def key(number: int, wire_type: int) -> bytes:
    """A field's tag."""
    return varint(number << 3 | wire_type)


def long_varint(value: int, size: int) -> bytes:
    """`value` as a varint of exactly `size` bytes (padded with continuation bytes, as upb allows)."""
    out = bytearray(varint(value))
    while len(out) < size:
        out[-1] |= 0x80
        out.append(0)
    return bytes(out)
