"""TensorFlow's GraphDef message family as a plain table: field numbers, types, oneofs and the DataType enum.

The one place the schema is written down, free of protobuf so that reading a binary model never imports it:
`schema` builds protobuf classes from it (for the text reader) and `wire` decodes binary NodeDefs with it.
The deliberate differences from TensorFlow's .proto files are explained in `schema`.
"""

from __future__ import annotations

#: TensorFlow's DataType enum (tensorflow/core/framework/types.proto), same names and numbers.
DATA_TYPES: dict[str, int] = {
    "DT_INVALID": 0,
    "DT_FLOAT": 1,
    "DT_DOUBLE": 2,
    "DT_INT32": 3,
    "DT_UINT8": 4,
    "DT_INT16": 5,
    "DT_INT8": 6,
    "DT_STRING": 7,
    "DT_COMPLEX64": 8,
    "DT_INT64": 9,
    "DT_BOOL": 10,
    "DT_QINT8": 11,
    "DT_QUINT8": 12,
    "DT_QINT32": 13,
    "DT_BFLOAT16": 14,
    "DT_QINT16": 15,
    "DT_QUINT16": 16,
    "DT_UINT16": 17,
    "DT_COMPLEX128": 18,
    "DT_HALF": 19,
    "DT_RESOURCE": 20,
    "DT_VARIANT": 21,
    "DT_UINT32": 22,
    "DT_UINT64": 23,
    "DT_FLOAT8_E5M2": 24,
    "DT_FLOAT8_E4M3FN": 25,
    "DT_FLOAT8_E4M3FNUZ": 26,
    "DT_FLOAT8_E4M3B11FNUZ": 27,
    "DT_FLOAT8_E5M2FNUZ": 28,
    "DT_INT4": 29,
    "DT_UINT4": 30,
    "DT_INT2": 31,
    "DT_UINT2": 32,
    "DT_FLOAT4_E2M1FN": 33,
}
# Reference types are the value types + 100 (DT_FLOAT_REF = 101, ...).
DATA_TYPES.update({f"{name}_REF": number + 100 for name, number in list(DATA_TYPES.items()) if number})

#: DataType number -> name, for turning attrs into the strings `graph.Node` keeps.
DATA_TYPE_NAMES: dict[int, str] = {number: name for name, number in DATA_TYPES.items()}

#: (name, number, type, repeated, oneof index or None). A type is a scalar ("bytes", "int64", "float", ...),
#: ".DataType" for the enum, or the relative name of a message in this table (e.g. "TensorShapeProto.Dim").
FieldSpec = tuple[str, int, str, bool, "int | None"]

MESSAGES: dict[str, list[FieldSpec]] = {
    "VersionDef": [
        ("producer", 1, "int32", False, None),
        ("min_consumer", 2, "int32", False, None),
        ("bad_consumers", 3, "int32", True, None),
    ],
    "TensorShapeProto": [
        ("dim", 2, "TensorShapeProto.Dim", True, None),
        ("unknown_rank", 3, "bool", False, None),
    ],
    "TensorShapeProto.Dim": [
        ("size", 1, "int64", False, None),
        ("name", 2, "bytes", False, None),
    ],
    "ResourceHandleProto": [
        ("device", 1, "bytes", False, None),
        ("container", 2, "bytes", False, None),
        ("name", 3, "bytes", False, None),
        ("hash_code", 4, "uint64", False, None),
        ("maybe_type_name", 5, "bytes", False, None),
        ("dtypes_and_shapes", 6, "ResourceHandleProto.DtypeAndShape", True, None),
    ],
    "ResourceHandleProto.DtypeAndShape": [
        ("dtype", 1, ".DataType", False, None),
        ("shape", 2, "TensorShapeProto", False, None),
    ],
    "VariantTensorDataProto": [
        ("type_name", 1, "bytes", False, None),
        ("metadata", 2, "bytes", False, None),
        ("tensors", 3, "TensorProto", True, None),
    ],
    "TensorProto": [
        ("dtype", 1, ".DataType", False, None),
        ("tensor_shape", 2, "TensorShapeProto", False, None),
        ("version_number", 3, "int32", False, None),
        ("tensor_content", 4, "bytes", False, None),
        ("half_val", 13, "int32", True, None),
        ("float_val", 5, "float", True, None),
        ("double_val", 6, "double", True, None),
        ("int_val", 7, "int32", True, None),
        ("string_val", 8, "bytes", True, None),
        ("scomplex_val", 9, "float", True, None),
        ("int64_val", 10, "int64", True, None),
        ("bool_val", 11, "bool", True, None),
        ("dcomplex_val", 12, "double", True, None),
        ("resource_handle_val", 14, "ResourceHandleProto", True, None),
        ("variant_val", 15, "VariantTensorDataProto", True, None),
        ("uint32_val", 16, "uint32", True, None),
        ("uint64_val", 17, "uint64", True, None),
        ("float8_val", 18, "bytes", False, None),
    ],
    "AttrValue": [
        ("s", 2, "bytes", False, 0),
        ("i", 3, "int64", False, 0),
        ("f", 4, "float", False, 0),
        ("b", 5, "bool", False, 0),
        ("type", 6, ".DataType", False, 0),
        ("shape", 7, "TensorShapeProto", False, 0),
        ("tensor", 8, "TensorProto", False, 0),
        ("list", 1, "AttrValue.ListValue", False, 0),
        ("func", 10, "NameAttrList", False, 0),
        ("placeholder", 9, "bytes", False, 0),
    ],
    "AttrValue.ListValue": [
        ("s", 2, "bytes", True, None),
        ("i", 3, "int64", True, None),
        ("f", 4, "float", True, None),
        ("b", 5, "bool", True, None),
        ("type", 6, ".DataType", True, None),
        ("shape", 7, "TensorShapeProto", True, None),
        ("tensor", 8, "TensorProto", True, None),
        ("func", 9, "NameAttrList", True, None),
    ],
    "NameAttrList": [
        ("name", 1, "bytes", False, None),
        ("attr", 2, "NameAttrList.AttrEntry", True, None),
    ],
    "NameAttrList.AttrEntry": [
        ("key", 1, "bytes", False, None),
        ("value", 2, "AttrValue", False, None),
    ],
    "NodeDef": [
        ("name", 1, "bytes", False, None),
        ("op", 2, "bytes", False, None),
        ("input", 3, "bytes", True, None),
        ("device", 4, "bytes", False, None),
        ("attr", 5, "NodeDef.AttrEntry", True, None),
        ("experimental_debug_info", 6, "NodeDef.ExperimentalDebugInfo", False, None),
        ("experimental_type", 7, "FullTypeDef", False, None),
    ],
    "NodeDef.AttrEntry": [
        ("key", 1, "bytes", False, None),
        ("value", 2, "AttrValue", False, None),
    ],
    "NodeDef.ExperimentalDebugInfo": [
        ("original_node_names", 1, "bytes", True, None),
        ("original_func_names", 2, "bytes", True, None),
    ],
    "FullTypeDef": [],
    "FunctionDefLibrary": [],
    "GraphDebugInfo": [],
    "GraphDef": [
        ("node", 1, "NodeDef", True, None),
        ("versions", 4, "VersionDef", False, None),
        ("version", 3, "int32", False, None),
        ("library", 2, "FunctionDefLibrary", False, None),
        ("debug_info", 5, "GraphDebugInfo", False, None),
    ],
}

#: Oneofs per message (index -> name); only AttrValue has one.
ONEOFS: dict[str, list[str]] = {"AttrValue": ["value"]}


def data_type_name(number: int) -> str:
    """The DataType name TensorFlow uses for `number` ("DT_FLOAT"); unknown numbers stay visible."""
    return DATA_TYPE_NAMES.get(number, f"DT_UNKNOWN_{number}")


#: Scalar types by the wire type of their values (repeated ones may also come packed, in one LEN field).
VARINT_TYPES = frozenset({"int32", "int64", "uint32", "uint64", "bool", ".DataType"})
FIXED32_TYPES = frozenset({"float"})
FIXED64_TYPES = frozenset({"double"})


def field_number(message: str, name: str) -> int:
    """The number of field `name` of `message` (a relative name such as "AttrValue.ListValue")."""
    return next(number for field, number, *_ in MESSAGES[message] if field == name)


__all__ = [
    "DATA_TYPES",
    "DATA_TYPE_NAMES",
    "FIXED32_TYPES",
    "FIXED64_TYPES",
    "MESSAGES",
    "ONEOFS",
    "VARINT_TYPES",
    "FieldSpec",
    "data_type_name",
    "field_number",
]
