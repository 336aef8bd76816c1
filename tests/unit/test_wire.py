"""The wire decoder against protobuf (upb): the same `Node` for every real node, the same verdict per rule.

Every case is checked against protobuf itself (our schema classes + `to_node`), and the expected verdict is
written down too, so a rule that changes in a new protobuf shows up here rather than as a silent drift.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from amct_lsp.model import read_model, schema
from amct_lsp.model.fields import FIXED32_TYPES, FIXED64_TYPES, MESSAGES, VARINT_TYPES, field_number
from amct_lsp.model.wire import DECODED_TAGS, NodeDecoder
from amct_lsp.model.wire_format import MAX_DEPTH
from support.protowire import field, key, long_varint, varint
from support.wire_oracle import protobuf_producer, protobuf_verdict, wire_producer, wire_verdict


def real_nodes(fixtures_dir: Path) -> list[bytes]:
    nodes = []
    for path in sorted(fixtures_dir.glob("*.pb")):
        nodes += [node.SerializeToString() for node in schema.GraphDef.FromString(path.read_bytes()).node]
    return nodes


def test_every_fixture_node_decodes_like_protobuf(fixtures_dir: Path) -> None:
    nodes = real_nodes(fixtures_dir)
    assert len(nodes) > 1000
    shared = NodeDecoder()  # one decoder per model remembers attrs: it must not change a verdict
    for data in nodes:
        expected = protobuf_verdict(data)
        assert expected is not None
        assert wire_verdict(data) == expected
        assert wire_verdict(data, shared) == expected


def test_every_fixture_model_reads_as_protobuf_parses_it(fixtures_dir: Path) -> None:
    for path in sorted(fixtures_dir.glob("*.pb")):
        graph_def = schema.GraphDef.FromString(path.read_bytes())
        graph = read_model(path)
        assert [repr(n) for n in graph] == [protobuf_verdict(n.SerializeToString()) for n in graph_def.node]
        assert graph.producer_version == (graph_def.versions.producer or None)


NODE = field(1, b"n") + field(2, b"Const")


def attr(name: bytes, value: bytes) -> bytes:
    """A NodeDef attr entry (field 5) with an AttrValue payload."""
    return field(5, field(1, name) + field(2, value))


def groups(number: int, count: int) -> bytes:
    """`count` unknown groups of field `number`, nested."""
    return key(number, 3) * count + key(number, 4) * count


TENSOR = field(8, key(1, 0) + varint(1) + field(2, field(2, key(1, 0) + varint(3)) + field(2, b"")))

# (what, bytes, whether protobuf accepts them)
CASES = [
    ("empty NodeDef", b"", True),
    ("a tag in 5 bytes", long_varint(1 << 3 | 2, 5) + b"\x01a", True),
    ("a tag in 6 bytes", long_varint(1 << 3 | 2, 6) + b"\x01a", False),
    ("a tag above 2**32", b"\x80\x80\x80\x80\x10\x00", False),
    ("the largest field number", varint((2**29 - 1) << 3) + b"\x00", True),
    ("a length in 5 bytes", key(1, 2) + long_varint(1, 5) + b"a", True),
    ("a length in 6 bytes", key(1, 2) + long_varint(1, 6) + b"a", False),
    ("an unknown field's length in 6 bytes", key(9, 2) + long_varint(1, 6) + b"a", False),
    ("a length past the end", key(1, 2) + b"\x05abc", False),
    ("a varint of 10 bytes", key(9, 0) + b"\xff" * 9 + b"\x7f", True),
    ("a varint of 11 bytes", key(9, 0) + b"\xff" * 10 + b"\x01", False),
    ("a cut varint", key(9, 0) + b"\xff", False),
    ("a cut fixed64", key(9, 1) + b"1234567", False),
    ("a cut fixed32", key(9, 5) + b"123", False),
    ("field number 0, varint", b"\x00\x00", False),
    ("field number 0, LEN", b"\x02\x00", False),
    ("field number 0, fixed32", b"\x05abcd", False),
    ("field number 0 in an attr entry", field(5, b"\x00\x00"), False),
    ("wire type 6", b"\x0e", False),
    ("wire type 7", b"\x0f", False),
    ("an end group at the top", key(1, 4), False),
    ("an end group in a nested message", field(5, key(1, 4)), False),
    ("an empty group", groups(9, 1), True),
    ("a group with fields", key(9, 3) + key(1, 0) + b"\x01" + field(2, b"x") + key(9, 4), True),
    ("a group closed by another field", key(9, 3) + key(8, 4), False),
    ("a group never closed", key(9, 3), False),
    ("a group closed after its message ended", field(5, key(9, 3)) + key(9, 4), False),
    ("field number 0 inside a group", key(9, 3) + b"\x00\x00\x02\x01a\x05abcd\x01abcdefgh" + key(9, 4), True),
    ("a field-0 group inside a group", key(9, 3) + b"\x03\x04" + key(9, 4), True),
    ("wire type 6 inside a group", key(9, 3) + b"\x0e" + key(9, 4), False),
    ("a tag in 6 bytes inside a group", key(9, 3) + long_varint(8, 6) + b"\x01" + key(9, 4), False),
    ("a varint of 11 bytes inside a group", key(9, 3) + b"\x08" + b"\xff" * 10 + b"\x01" + key(9, 4), False),
    ("name as a varint (another wire type)", key(1, 0) + b"\x05" + NODE, True),
    ("name as a group", groups(1, 1) + NODE, True),
    ("attr as a group", key(5, 3) + key(1, 0) + b"\x01" + key(5, 4) + NODE, True),
    ("attr as a fixed64", key(5, 1) + b"12345678" + NODE, True),
    ("the last name wins", field(1, b"a") + NODE + field(1, b"b"), True),
    ("odd bytes in names", field(1, b"\xff\xfe") + field(2, b"\xc3") + field(3, b"\x80^x"), True),
    (
        "the last entry for a key wins",
        NODE + attr(b"T", key(6, 0) + b"\x01") + attr(b"T", key(6, 0) + b"\x03"),
        True,
    ),
    (
        "an entry without a value drops the key",
        NODE + attr(b"T", key(6, 0) + b"\x01") + field(5, field(1, b"T")),
        True,
    ),
    (
        "an entry's key twice",
        NODE + field(5, field(1, b"x") + field(2, key(3, 0) + b"\x07") + field(1, b"N")),
        True,
    ),
    (
        "an entry's value twice: merged",
        NODE + field(5, field(1, b"N") + field(2, key(3, 0) + b"\x07") + field(2, b"")),
        True,
    ),
    ("oneof: the last member wins", NODE + attr(b"N", key(3, 0) + b"\x07" + field(2, b"s")), True),
    ("oneof: i as fixed32 is unknown", NODE + attr(b"N", key(3, 0) + b"\x07" + key(3, 5) + b"abcd"), True),
    (
        "oneof: list, i, list starts afresh",
        NODE
        + attr(
            b"strides", field(1, key(3, 0) + b"\x01") + key(3, 0) + b"\x02" + field(1, key(3, 0) + b"\x03")
        ),
        True,
    ),
    (
        "oneof: list twice merges",
        NODE + attr(b"strides", field(1, key(3, 0) + b"\x01") + field(1, key(3, 0) + b"\x03")),
        True,
    ),
    (
        "oneof: tensor, i, tensor starts afresh",
        NODE + attr(b"value", TENSOR + key(3, 0) + b"\x02" + field(8, b"")),
        True,
    ),
    ("oneof: tensor twice merges", NODE + attr(b"value", TENSOR + TENSOR), True),
    ("oneof: a later shape hides the tensor", NODE + attr(b"value", TENSOR + field(7, b"")), True),
    ("oneof: placeholder", NODE + attr(b"T", key(6, 0) + b"\x01" + field(9, b"p")), True),
    ("oneof: func", NODE + attr(b"T", key(6, 0) + b"\x01" + field(10, field(1, b"f"))), True),
    (
        "a Const tensor shape given twice",
        NODE + attr(b"value", field(8, field(2, field(2, b"\x08\x02")) + field(2, field(2, b"\x08\x05")))),
        True,
    ),
    ("negative ints", NODE + attr(b"N", key(3, 0) + varint(2**64 - 5)), True),
    ("an int from a 10-byte varint wraps", NODE + attr(b"N", key(3, 0) + b"\xff" * 9 + b"\x7f"), True),
    ("an enum keeps the low 32 bits", NODE + attr(b"T", key(6, 0) + varint(2**40 + 2**32 + 19)), True),
    ("a negative enum", NODE + attr(b"T", key(6, 0) + varint(2**64 - 1)), True),
    ("a bool from 2", NODE + attr(b"is_training", key(5, 0) + b"\x02"), True),
    ("a bool from 2**32", NODE + attr(b"is_training", key(5, 0) + varint(2**32)), True),
    (
        "a bool from 2**64 wraps to false",
        NODE + attr(b"is_training", key(5, 0) + b"\x80" * 9 + b"\x02"),
        True,
    ),
    ("a NaN float", NODE + attr(b"epsilon", key(4, 5) + b"\x01\x00\xc0\x7f"), True),
    ("a float", NODE + attr(b"epsilon", key(4, 5) + b"\x6f\x12\x83\x3a"), True),
    ("a subnormal float", NODE + attr(b"epsilon", key(4, 5) + b"\x01\x00\x00\x80"), True),
    ("negative zero", NODE + attr(b"epsilon", key(4, 5) + b"\x00\x00\x00\x80"), True),
    ("minus infinity", NODE + attr(b"epsilon", key(4, 5) + b"\x00\x00\x80\xff"), True),
    ("the largest float", NODE + attr(b"epsilon", key(4, 5) + b"\xff\xff\x7f\x7f"), True),
    ("a float cut short", NODE + attr(b"epsilon", key(4, 5) + b"\x01\x00"), False),
    (
        "list: packed and unpacked ints",
        NODE
        + attr(b"strides", field(1, key(3, 0) + b"\x01" + field(3, b"\x02\x83\x01") + key(3, 0) + b"\x04")),
        True,
    ),
    ("list: packed int cut", NODE + attr(b"strides", field(1, field(3, b"\x02\x83"))), False),
    (
        "list: packed int of 11 bytes",
        NODE + attr(b"strides", field(1, field(3, b"\xff" * 10 + b"\x01"))),
        False,
    ),
    ("list: packed types", NODE + attr(b"T", field(1, field(6, b"\x01\x13") + key(6, 0) + b"\x03")), True),
    ("list: packed empty floats", NODE + attr(b"T", field(1, field(4, b""))), True),
    ("list: packed floats", NODE + attr(b"T", field(1, field(4, b"abcdefgh"))), True),
    ("list: packed floats in 6 bytes", NODE + attr(b"T", field(1, field(4, b"abcdef"))), False),
    ("list: packed bools", NODE + attr(b"T", field(1, field(5, b"\x01\x00"))), True),
    ("list: packed bools cut", NODE + attr(b"T", field(1, field(5, b"\x01\x80"))), False),
    ("list: strings", NODE + attr(b"T", field(1, field(2, b"a") + field(2, b"\xff"))), True),
    ("list: a shape", NODE + attr(b"T", field(1, field(7, b""))), True),
    ("list: a bad shape", NODE + attr(b"T", field(1, field(7, b"\x00"))), False),
    ("packed ints in a singular int are unknown", NODE + attr(b"N", field(3, b"\x01\x02")), True),
    ("packed doubles in a tensor", NODE + attr(b"value", field(8, field(6, b"12345678"))), True),
    ("packed doubles in 12 bytes", NODE + attr(b"value", field(8, field(6, b"123456789012"))), False),
    ("packed uint64 (field 17) cut", NODE + attr(b"value", field(8, field(17, b"\x80"))), False),
    ("a bad variant tensor", NODE + attr(b"value", field(8, field(15, field(3, b"\x0e")))), False),
    ("a bad resource handle", NODE + attr(b"value", field(8, field(14, field(6, b"\x00\x00")))), False),
    ("a bad func attr", NODE + attr(b"f", field(10, field(2, field(2, field(1, b"\x80"))))), False),
    ("a bad debug info", NODE + field(6, field(1, b"x") + b"\x0f"), False),
    ("a good debug info", NODE + field(6, field(1, b"x") + field(2, b"y") + key(3, 0) + b"\x01"), True),
    (
        "experimental_type holds only unknown fields",
        NODE + field(7, key(1, 0) + b"\x01" + groups(2, 1)),
        True,
    ),
    # upb lets field number 0 pass in a message type without fields (FullTypeDef in our schema)
    ("experimental_type with field 0", NODE + field(7, b"\x00\x00\x02\x01a\x05abcd\x03\x04"), True),
    ("experimental_type with a stray end group", NODE + field(7, b"\x04"), False),
    ("experimental_type with wire type 7", NODE + field(7, b"\x0f"), False),
    (
        "a dim size from fixed64 is unknown",
        NODE + attr(b"value", field(8, field(2, field(2, key(1, 1) + b"12345678")))),
        True,
    ),
]


@pytest.mark.parametrize(("data", "accepted"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_rules_match_protobuf(data: bytes, accepted: bool) -> None:
    expected = protobuf_verdict(data)
    assert (expected is not None) == accepted, "protobuf itself changed its verdict"
    assert wire_verdict(data) == expected


def tensor_chain(level: int, inner: bytes = b"") -> bytes:
    """A NodeDef whose deepest message sits at `level` (>= 3), through TensorProto.variant_val / tensors."""
    payload = inner
    for depth in range(level, 3, -1):  # TensorProtos sit at odd levels, VariantTensorDataProtos at even ones
        payload = field(15 if (depth - 1) % 2 else 3, payload)
    return NODE + attr(b"value", field(8, payload))


def func_chain(level: int, inner: bytes = b"") -> bytes:
    """A NodeDef whose deepest message sits at `level` (>= 3), through AttrValue.func / NameAttrList.attr."""
    payload = inner
    for depth in range(
        level, 2, -1
    ):  # AttrValue at 2, 5, ...; NameAttrList at 3, 6, ...; AttrEntry at 4, ...
        payload = field(10 if (depth - 1) % 3 == 2 else 2, payload)
    return NODE + attr(b"f", payload)


@pytest.mark.parametrize("level", [MAX_DEPTH - 2, MAX_DEPTH - 1, MAX_DEPTH, MAX_DEPTH + 1, MAX_DEPTH + 2])
@pytest.mark.parametrize("chain", [tensor_chain, func_chain])
def test_nesting_limit_matches_protobuf(level: int, chain: object) -> None:
    assert callable(chain)
    data = chain(level)
    assert (protobuf_verdict(data) is not None) == (level <= MAX_DEPTH) == (wire_verdict(data) is not None)


@pytest.mark.parametrize("count", [MAX_DEPTH - 1, MAX_DEPTH, MAX_DEPTH + 1])
@pytest.mark.parametrize("where", ["top", "experimental_type", "tensor", "func"])
def test_groups_count_toward_the_nesting_limit(count: int, where: str) -> None:
    if where == "top":
        data, level = NODE + groups(9, count), count
    elif where == "experimental_type":
        data, level = NODE + field(7, groups(9, count - 1)), count
    elif where == "tensor":
        data, level = tensor_chain(5, groups(20, count - 5)), count
    else:
        data, level = func_chain(4, groups(20, count - 4)), count
    assert (protobuf_verdict(data) is not None) == (level <= MAX_DEPTH) == (wire_verdict(data) is not None)


def test_upb_default_depth_limit_is_100() -> None:
    assert MAX_DEPTH == 100
    assert protobuf_verdict(NODE + groups(9, 100)) is not None
    assert protobuf_verdict(NODE + groups(9, 101)) is None


@pytest.mark.parametrize(
    "data",
    [
        b"",
        key(1, 0) + varint(26),
        key(1, 0) + varint(2**64 - 1),
        key(1, 0) + varint(2**35 + 7) + key(2, 0) + b"\x01" + field(3, b"\x01\x02") + key(3, 0) + b"\x05",
        key(1, 0) + b"\x05" + key(1, 0) + b"\x00",
        key(1, 2) + b"\x01\x05",
        field(3, b"\x80"),
        key(1, 0) + b"\x80",
        b"\x00\x00",
        groups(7, 3),
    ],
)
def test_version_def_producer_matches_protobuf(data: bytes) -> None:
    assert wire_producer(data) == protobuf_producer(data)


def test_decoded_tags_match_the_schema_table() -> None:
    """The tags `wire` decodes by hand are the table's: a field renumbered in `fields` cannot drift."""
    for (message, name), tags in DECODED_TAGS.items():
        number = field_number(message, name)
        type_name, repeated = next((t, r) for f, _, t, r, _ in MESSAGES[message] if f == name)
        if type_name in VARINT_TYPES:
            wire_types = {0, 2} if repeated else {0}
        elif type_name in FIXED32_TYPES:
            wire_types = {5, 2} if repeated else {5}
        elif type_name in FIXED64_TYPES:
            wire_types = {1, 2} if repeated else {1}
        else:
            wire_types = {2}  # bytes or a message
        assert set(tags) == {number << 3 | wire_type for wire_type in wire_types}, (message, name)
