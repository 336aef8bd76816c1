"""Property tests: on any bytes, the wire decoder and protobuf (upb) agree on accept/refuse and on the `Node`.

Two sources of bytes: real NodeDefs from the TensorFlow-built fixtures, mutated (bits flipped, bytes inserted,
deleted or cut, random fields spliced in), and NodeDefs generated from the schema table with every wire-level
oddity upb has a rule for (other wire types, packed and unpacked numbers, overlong varints, repeated singular
and oneof fields, unknown fields and groups, garbage, deep nesting).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from amct_lsp.model import schema
from amct_lsp.model.fields import FIXED32_TYPES, FIXED64_TYPES, MESSAGES, VARINT_TYPES
from amct_lsp.model.node_def import KEPT_ATTRS
from amct_lsp.model.wire import NodeDecoder
from support.protowire import key, long_varint, varint
from support.wire_oracle import protobuf_producer, protobuf_verdict, wire_producer, wire_verdict

SETTINGS = settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
#: One decoder for every example, as the reader uses one per model: its attr memory must never leak a verdict.
SHARED = NodeDecoder()


def assert_same_verdict(data: bytes) -> None:
    expected = protobuf_verdict(data)
    assert wire_verdict(data) == expected
    assert wire_verdict(data, SHARED) == expected


# ----------------------------------------------------------------------------------------------------
# Values and fields


def encoded_varint(draw: st.DrawFn, value: int) -> bytes:
    """`value` as a varint, now and then padded to more bytes than it needs (up to 10, or 11: refused)."""
    plain = varint(value & (2**64 - 1))
    if draw(st.integers(0, 5)):
        return plain
    return long_varint(value & (2**64 - 1), draw(st.integers(len(plain), 11)))


INTS = st.one_of(
    st.integers(0, 20),
    st.integers(0, 2**64 - 1),
    st.sampled_from([2**31 - 1, 2**31, 2**32 - 1, 2**32, 2**63 - 1, 2**63, 2**64 - 1]),
)
NAMES = st.one_of(
    st.sampled_from([*sorted(KEPT_ATTRS), "value", "Const", "x", "_class", ""]).map(str.encode),
    st.binary(max_size=4),
)
ATTR_NAMES = st.sampled_from([*sorted(KEPT_ATTRS), "value"]).map(str.encode)
FIELD_TYPES = {spec[1]: spec[2] for specs in MESSAGES.values() for spec in specs}


@st.composite
def value_of(draw: st.DrawFn, type_name: str, repeated: bool, depth: int) -> tuple[int, bytes]:
    """(wire type, encoded value) of a field of `type_name`, packed now and then when `repeated`."""
    if type_name == "bytes":
        payload = draw(NAMES)
        return 2, varint(len(payload)) + payload
    if type_name in MESSAGES:
        payload = draw(message_of(type_name, depth + 1)) if depth < 6 else b""
        return 2, varint(len(payload)) + payload
    packed = repeated and draw(st.booleans())
    if type_name in VARINT_TYPES:
        values = [draw(INTS) for _ in range(draw(st.integers(0, 3) if packed else st.just(1)))]
        encoded = b"".join(encoded_varint(draw, v) for v in values)
        return (2, varint(len(encoded)) + encoded) if packed else (0, encoded)
    size = 4 if type_name in FIXED32_TYPES else 8
    assert type_name in FIXED32_TYPES | FIXED64_TYPES
    if packed:
        payload = draw(st.binary(max_size=3 * size))  # not always a multiple of the size: refused then
        return 2, varint(len(payload)) + payload
    return (5 if size == 4 else 1), draw(st.binary(min_size=size, max_size=size))


@st.composite
def any_value(draw: st.DrawFn, number: int, depth: int) -> tuple[int, bytes]:
    """A well-formed value of a random wire type (a group of field `number` included)."""
    wire_type = draw(st.sampled_from([0, 1, 2, 3, 5]))
    if wire_type == 0:
        return 0, encoded_varint(draw, draw(INTS))
    if wire_type == 1:
        return 1, draw(st.binary(min_size=8, max_size=8))
    if wire_type == 5:
        return 5, draw(st.binary(min_size=4, max_size=4))
    if wire_type == 2:
        payload = draw(st.binary(max_size=6))
        return 2, varint(len(payload)) + payload
    inner = b"".join(draw(st.lists(unknown_field(depth + 1), max_size=2))) if depth < 6 else b""
    return 3, inner + key(number, 4)


@st.composite
def unknown_field(draw: st.DrawFn, depth: int) -> bytes:
    number = draw(st.sampled_from([0, 1, 2, 3, 11, 19, 20, 100, 2**29 - 1]))
    wire_type, value = draw(any_value(number, depth))
    return key(number, wire_type) + value


@st.composite
def field_of(draw: st.DrawFn, name: str, depth: int) -> bytes:
    specs = MESSAGES[name]
    kind = draw(st.sampled_from(["known"] * 8 + ["other wire type", "unknown", "garbage"]))
    if kind == "known" and specs:
        _, number, type_name, repeated, _ = draw(st.sampled_from(specs))
        wire_type, value = draw(value_of(type_name, repeated, depth))
    elif kind == "other wire type" and specs:
        number = draw(st.sampled_from(specs))[1]
        wire_type, value = draw(any_value(number, depth))
    elif kind == "garbage":
        return draw(st.binary(min_size=1, max_size=4))
    else:
        return draw(unknown_field(depth))
    return key(number, wire_type) + value


@st.composite
def message_of(draw: st.DrawFn, name: str, depth: int) -> bytes:
    """A message of type `name` at nesting level `depth`, field by field, mostly well formed."""
    count = draw(st.integers(0, 6 if depth < 2 else 3 if depth < 4 else 1))
    return b"".join(draw(field_of(name, depth)) for _ in range(count))


def len_field(number: int, payload: bytes) -> bytes:
    return key(number, 2) + varint(len(payload)) + payload


@st.composite
def tensors(draw: st.DrawFn) -> bytes:
    """A TensorProto with a dtype and a shape (given in one or two pieces), and maybe anything else."""
    shapes = []
    for _ in range(draw(st.integers(1, 2))):
        dims = [
            len_field(2, key(1, 0) + encoded_varint(draw, draw(INTS))) for _ in range(draw(st.integers(0, 3)))
        ]
        shapes.append(len_field(2, b"".join(dims)))
    parts = [key(1, 0) + encoded_varint(draw, draw(INTS)), *shapes, len_field(4, draw(st.binary(max_size=8)))]
    parts += [draw(field_of("TensorProto", 3)) for _ in range(draw(st.integers(0, 2)))]
    return b"".join(draw(st.permutations(parts)))


@st.composite
def node_defs(draw: st.DrawFn) -> bytes:
    """A NodeDef that often is a Const, whose attrs have the names the reader keeps."""
    parts = [key(2, 2) + varint(5) + b"Const"] if draw(st.booleans()) else []
    for index in range(draw(st.integers(0, 4))):
        name = b"value" if index == 0 and draw(st.booleans()) else draw(st.one_of(ATTR_NAMES, NAMES))
        entry = key(1, 2) + varint(len(name)) + name
        value = draw(message_of("AttrValue", 2))
        if draw(st.booleans()):  # a tensor first, so that the Const's dtype and shape are often kept
            tensor = draw(tensors())
            value = key(8, 2) + varint(len(tensor)) + tensor + value[: draw(st.integers(0, len(value)))]
        entry += key(2, 2) + varint(len(value)) + value
        if draw(st.integers(0, 4)) == 0:
            entry += draw(field_of("NodeDef.AttrEntry", 1))
        parts.append(key(5, 2) + varint(len(entry)) + entry)
    parts += [draw(field_of("NodeDef", 0)) for _ in range(draw(st.integers(0, 3)))]
    return b"".join(draw(st.permutations(parts)))


@SETTINGS
@given(node_defs())
def test_generated_node_defs(data: bytes) -> None:
    assert_same_verdict(data)


@SETTINGS
@given(message_of("NodeDef", 0))
def test_generated_messages(data: bytes) -> None:
    assert_same_verdict(data)


@SETTINGS
@given(message_of("VersionDef", 0))
def test_generated_version_defs(data: bytes) -> None:
    assert wire_producer(data) == protobuf_producer(data)


# ----------------------------------------------------------------------------------------------------
# Real NodeDefs, mutated

FIXTURES = ("s4_bias_fbn_v3", "keras_conv_bn", "multi_output", "s5_unfused_bn", "neg_float16")


@pytest.fixture(scope="module")
def real_nodes(fixtures_dir: Path) -> list[bytes]:
    nodes = []
    for name in FIXTURES:
        graph = schema.GraphDef.FromString((fixtures_dir / f"{name}.pb").read_bytes())
        nodes += [n.SerializeToString() for n in graph.node if n.ByteSize() < 4096]
    return nodes


@st.composite
def mutations(draw: st.DrawFn, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["flip", "set", "insert", "delete", "cut", "field", "nest"]))
        at = draw(st.integers(0, len(out)))
        if kind == "flip" and at < len(out):
            out[at] ^= 1 << draw(st.integers(0, 7))
        elif kind == "set" and at < len(out):
            out[at] = draw(st.integers(0, 255))
        elif kind == "insert":
            out[at:at] = draw(st.binary(min_size=1, max_size=4))
        elif kind == "delete":
            del out[at : at + draw(st.integers(1, 4))]
        elif kind == "cut":
            del out[at:]
        elif kind == "field":
            out[at:at] = draw(field_of(draw(st.sampled_from(sorted(MESSAGES))), 2))
        else:  # wrap the rest in a field of a message type: nested garbage, or a message one level deeper
            rest = bytes(out[at:])
            out[at:] = key(draw(st.sampled_from(sorted(FIELD_TYPES))), 2) + varint(len(rest)) + rest
    return bytes(out)


@SETTINGS
@given(st.data())
def test_mutated_real_node_defs(real_nodes: list[bytes], data: st.DataObject) -> None:
    assert_same_verdict(data.draw(mutations(data.draw(st.sampled_from(real_nodes)))))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_real_node_defs_cut_anywhere(real_nodes: list[bytes], data: st.DataObject) -> None:
    node = data.draw(st.sampled_from(real_nodes))
    assert_same_verdict(node[: data.draw(st.integers(0, len(node)))])


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.sampled_from([(10, 2), (1, 2), (2, 2), (15, 2), (3, 2), (9, 3)]), min_size=90, max_size=110)
)
def test_deep_nesting(path: list[tuple[int, int]]) -> None:
    """Random paths of messages (and groups) around the nesting limit, under an attr's AttrValue."""
    payload = b""
    for number, wire_type in reversed(path):
        if wire_type == 3:
            payload = key(number, 3) + payload + key(number, 4)
        else:
            payload = key(number, 2) + varint(len(payload)) + payload
    entry = key(1, 2) + b"\x01f" + key(2, 2) + varint(len(payload)) + payload
    assert_same_verdict(key(5, 2) + varint(len(entry)) + entry)
