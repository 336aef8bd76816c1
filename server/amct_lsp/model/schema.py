"""Our own protobuf classes for TensorFlow's GraphDef family, so reading a text model never needs TensorFlow.

The messages are built at import time from the table in `fields` (TensorFlow's exact field numbers and wire
types) as a `FileDescriptorProto`, under the package `amct_lsp.tf` so they never clash with `tensorflow.*`
descriptors in the same process.

Three deliberate, wire-compatible differences from TensorFlow's .proto files make parsing total on odd input:
- every `string` field is declared `bytes`: upb rejects invalid UTF-8 in proto3 strings, and a model with an
  oddly encoded node name should still load (the reader decodes names with errors="replace");
- `map<string, AttrValue>` is a repeated `AttrEntry` message (key=1, value=2), which is exactly how a map is
  encoded on the wire and in text format, but allows a `bytes` key;
- `library`, `debug_info` and `experimental_type` are empty messages: we never read them, the binary parser
  keeps their bytes as unknown fields and the text parser skips them.

Only the text reader (and tests) import this module: protobuf costs ~20 ms of start-up, so binary models are
decoded by `wire` from the same table instead.
"""

from __future__ import annotations

from typing import Any

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

from amct_lsp.model.fields import DATA_TYPE_NAMES, DATA_TYPES, MESSAGES, ONEOFS, data_type_name

PACKAGE = "amct_lsp.tf"
FILE_NAME = "amct_lsp/tf_graph.proto"

_F = descriptor_pb2.FieldDescriptorProto
_OPTIONAL, _REPEATED = _F.LABEL_OPTIONAL, _F.LABEL_REPEATED
_SCALARS = {
    "bytes": _F.TYPE_BYTES,
    "int32": _F.TYPE_INT32,
    "int64": _F.TYPE_INT64,
    "uint32": _F.TYPE_UINT32,
    "uint64": _F.TYPE_UINT64,
    "float": _F.TYPE_FLOAT,
    "double": _F.TYPE_DOUBLE,
    "bool": _F.TYPE_BOOL,
}


def _add_fields(message: descriptor_pb2.DescriptorProto, relative_name: str) -> None:
    for oneof in ONEOFS.get(relative_name, []):
        message.oneof_decl.add(name=oneof)
    for name, number, type_name, repeated, oneof_index in MESSAGES[relative_name]:
        field = message.field.add(name=name, number=number, label=_REPEATED if repeated else _OPTIONAL)
        if type_name in _SCALARS:
            field.type = _SCALARS[type_name]
        elif type_name == ".DataType":
            field.type = _F.TYPE_ENUM
            field.type_name = f".{PACKAGE}.DataType"
        else:
            field.type = _F.TYPE_MESSAGE
            field.type_name = f".{PACKAGE}.{type_name}"
        if oneof_index is not None:
            field.oneof_index = oneof_index


def _file_descriptor() -> descriptor_pb2.FileDescriptorProto:
    """The whole schema as one proto3 file; nested messages go inside their parents."""
    file = descriptor_pb2.FileDescriptorProto(name=FILE_NAME, package=PACKAGE, syntax="proto3")
    enum = file.enum_type.add(name="DataType")
    for name, number in DATA_TYPES.items():
        enum.value.add(name=name, number=number)
    built: dict[str, descriptor_pb2.DescriptorProto] = {}
    for relative_name in MESSAGES:  # parents are listed before their nested messages
        parent, _, short = relative_name.rpartition(".")
        container = built[parent].nested_type if parent else file.message_type
        message = container.add(name=short)
        built[relative_name] = message
        _add_fields(message, relative_name)
    return file


def _build() -> dict[str, Any]:
    pool = descriptor_pool.DescriptorPool()
    pool.Add(_file_descriptor())
    return {
        name: message_factory.GetMessageClass(pool.FindMessageTypeByName(f"{PACKAGE}.{name}"))
        for name in MESSAGES
        if "." not in name
    }


_CLASSES = _build()

# The classes are generated, so their precise types are only known at run time.
GraphDef: Any = _CLASSES["GraphDef"]
NodeDef: Any = _CLASSES["NodeDef"]
AttrValue: Any = _CLASSES["AttrValue"]
NameAttrList: Any = _CLASSES["NameAttrList"]
TensorProto: Any = _CLASSES["TensorProto"]
TensorShapeProto: Any = _CLASSES["TensorShapeProto"]
VersionDef: Any = _CLASSES["VersionDef"]
ResourceHandleProto: Any = _CLASSES["ResourceHandleProto"]
VariantTensorDataProto: Any = _CLASSES["VariantTensorDataProto"]


__all__ = [
    "DATA_TYPES",
    "DATA_TYPE_NAMES",
    "PACKAGE",
    "AttrValue",
    "GraphDef",
    "NameAttrList",
    "NodeDef",
    "ResourceHandleProto",
    "TensorProto",
    "TensorShapeProto",
    "VariantTensorDataProto",
    "VersionDef",
    "data_type_name",
]
