"""Both verdicts on a serialized NodeDef: protobuf's (upb, through our schema classes) and our wire decoder's.

A verdict is the `Node` as its repr (so NaN attrs compare equal) or None when the bytes are refused.
"""

from __future__ import annotations

from google.protobuf.message import DecodeError

from amct_lsp.model import schema
from amct_lsp.model.node_def import to_node
from amct_lsp.model.wire import NodeDecoder, WireError, producer


def protobuf_verdict(data: bytes) -> str | None:
    try:
        node_def = schema.NodeDef.FromString(data)
    except DecodeError:
        return None
    return repr(to_node(node_def))


def wire_verdict(data: bytes, decoder: NodeDecoder | None = None) -> str | None:
    try:
        return repr((decoder or NodeDecoder()).node(data))
    except WireError:
        return None


def protobuf_producer(data: bytes) -> int | None:
    try:
        return int(schema.VersionDef.FromString(data).producer)
    except DecodeError:
        return None


def wire_producer(data: bytes) -> int | None:
    try:
        return producer(data)
    except WireError:
        return None
