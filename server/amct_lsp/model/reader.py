"""Read a frozen TensorFlow GraphDef (.pb or .pbtxt) into a `ModelGraph`, node by node, without TensorFlow.

A binary GraphDef is never parsed as one message: we walk its top-level wire format ourselves and decode
each `node` field on its own straight to a `graph.Node` (`wire`, which refuses what protobuf refuses, so
protobuf is never imported for a binary model). Nodes bigger than `_SKIM_NODE_BYTES`
(weights) are skimmed: their tensor payloads are skipped with a seek, never read, so a 500 MB model costs a
few MB of memory and only the pages that hold topology are touched. Every failure is a typed `ModelError`
whose message tells the user what to do; nothing else escapes.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import BinaryIO

from amct_lsp.fileio import NotRegularFile, open_regular_file
from amct_lsp.model.errors import (
    CorruptModel,
    EmptyModel,
    ModelError,
    ModelNotFound,
    ModelTooLarge,
    ModelUnreadable,
    WrongModelKind,
)
from amct_lsp.model.graph import ModelGraph, Node
from amct_lsp.model.node_def import KEPT_ATTRS
from amct_lsp.model.text_sniff import FREEZE_ADVICE as _FREEZE_ADVICE
from amct_lsp.model.text_sniff import NotText, looks_like_text
from amct_lsp.model.wire import NodeDecoder, WireError
from amct_lsp.model.wire import producer as _producer

#: protobuf cannot represent a message of 2 GiB or more, so TensorFlow cannot write or read such a GraphDef.
MAX_MODEL_BYTES = 2**31 - 1

ProgressFn = Callable[[float], None]

_SKIM_NODE_BYTES = 64 * 1024  # bigger nodes are skimmed (their weights skipped, not read)
# Inside a skimmed node, fields up to this size are copied; larger ones are skipped.
_SMALL_FIELD_BYTES = 16 * 1024
_CHUNK_BYTES = 1 << 20
# After a seek (past a weight) the next refill reads only this much, then doubles up to _CHUNK_BYTES: what
# follows a weight is usually a few bytes of header before the next weight, not a megabyte of topology.
_SEEK_CHUNK_BYTES = 64 * 1024
_HEAD_BYTES = 4096
_PROGRESS_STEP = 0.01

_WT_VARINT, _WT_I64, _WT_LEN, _WT_SGROUP, _WT_EGROUP, _WT_I32 = 0, 1, 2, 3, 4, 5
# GraphDef's top-level fields and their wire types: node, library, version, versions, debug_info.
_GRAPHDEF_FIELDS = {1: _WT_LEN, 2: _WT_LEN, 3: _WT_VARINT, 4: _WT_LEN, 5: _WT_LEN}


class _Truncated(Exception):
    """The data ended inside the field that starts at `offset`; becomes CorruptModel with that offset."""

    def __init__(self, offset: int) -> None:
        super().__init__(offset)
        self.offset = offset


class _Bad(Exception):
    """Malformed wire data at `offset`; becomes CorruptModel with `what` in the message."""

    def __init__(self, offset: int, what: str) -> None:
        super().__init__(what)
        self.offset = offset
        self.what = what


def _read_fully(file: BinaryIO, count: int) -> bytes:
    """`count` bytes from `file`, fewer only at end of file (a raw read may return short)."""
    data = file.read(count)
    if len(data) == count or not data:
        return data
    parts = [data]
    missing = count - len(data)
    while missing:
        more = file.read(missing)
        if not more:
            break
        parts.append(more)
        missing -= len(more)
    return b"".join(parts)


class _Source:
    """Sequential reader over a file (read in 1 MiB chunks, long skips are seeks) or an in-memory buffer."""

    def __init__(self, size: int, file: BinaryIO | None = None, data: bytes = b"") -> None:
        self.size = size
        self._file = file
        self._buf = data
        self._buf_start = 0  # absolute offset of _buf[0]
        self._off = 0  # read position inside _buf
        self._fill = _CHUNK_BYTES  # how much the next refill reads

    @property
    def pos(self) -> int:
        return self._buf_start + self._off

    def seek(self, offset: int) -> None:
        if self._buf_start <= offset <= self._buf_start + len(self._buf) or self._file is None:
            self._off = offset - self._buf_start
            return
        self._file.seek(offset)
        self._buf, self._buf_start, self._off = b"", offset, 0
        self._fill = _SEEK_CHUNK_BYTES

    def skip(self, count: int) -> None:
        self.seek(self.pos + count)

    def _ensure(self, count: int) -> None:
        """Make `count` bytes available after the read position if the data has them."""
        if len(self._buf) - self._off >= count or self._file is None:
            return
        rest = self._buf[self._off :]
        self._buf_start += self._off
        self._buf = rest + _read_fully(self._file, max(self._fill, count - len(rest)))
        self._off = 0
        self._fill = min(self._fill * 2, _CHUNK_BYTES)

    def read(self, count: int) -> bytes:
        off = self._off
        if off + count <= len(self._buf):  # the common case: already in the buffer
            self._off = off + count
            return self._buf[off : off + count]
        start = self.pos
        if count > _CHUNK_BYTES and self._file is not None and len(self._buf) - self._off < count:
            rest = self._buf[self._off :]
            data = rest + _read_fully(self._file, count - len(rest))
            self._buf, self._buf_start, self._off = b"", start + len(data), 0
        else:
            self._ensure(count)
            data = self._buf[self._off : self._off + count]
            self._off += len(data)
        if len(data) < count:
            raise _Truncated(start)
        return data

    def read_some(self, count: int) -> bytes:
        """Up to `count` bytes (fewer only at the end): the text reader's chunks."""
        start = self.pos
        try:
            return self.read(count)
        except _Truncated:
            self.seek(start)
            return self.read(self.size - start) if start < self.size else b""

    def varint(self) -> int:
        buf, off = self._buf, self._off
        if off + 1 < len(buf):  # the common one- and two-byte varints (keys, most node lengths)
            byte = buf[off]
            if byte < 0x80:
                self._off = off + 1
                return byte
            second = buf[off + 1]
            if second < 0x80:
                self._off = off + 2
                return (byte & 0x7F) | second << 7
        return self._long_varint()

    def _long_varint(self) -> int:
        start = self.pos
        self._ensure(10)
        buf, off = self._buf, self._off
        result = shift = 0
        for index in range(10):
            if off + index >= len(buf):
                raise _Truncated(start)
            byte = buf[off + index]
            result |= (byte & 0x7F) << shift
            if not byte & 0x80:
                self._off = off + index + 1
                return result
            shift += 7
        raise _Bad(start, "a varint longer than 10 bytes")


# ----------------------------------------------------------------------------------------------------
# Wire helpers


def _encode_varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _len_field(field: int, payload: bytes) -> bytes:
    return _encode_varint(field << 3 | _WT_LEN) + _encode_varint(len(payload)) + payload


def _read_key(src: _Source, end: int) -> tuple[int, int, int]:
    """(field number, wire type, offset of the key) of the next field before `end`."""
    at = src.pos
    key = src.varint()
    if src.pos > end:
        _check_end(src, end, at, "a field key that runs past the end of its message")
    field, wire_type = key >> 3, key & 7
    if field == 0:
        raise _Bad(at, "a field number 0")
    return field, wire_type, at


def _check_end(src: _Source, end: int, at: int, what: str) -> None:
    """The field at `at` must end by `end`: past the file's end it is truncated, else it is corrupt."""
    if src.pos > end:
        if end >= src.size:
            raise _Truncated(at)
        raise _Bad(at, what)


def _read_length(src: _Source, end: int, at: int) -> int:
    length = src.varint()
    if src.pos + length > end:
        if end >= src.size:
            raise _Truncated(at)
        raise _Bad(at, f"a field of {length} bytes that runs past the end of its message")
    return length


def _skip_value(src: _Source, field: int, wire_type: int, end: int, at: int) -> None:
    """Skip one field's value (any wire type, groups included) that starts at the read position."""
    if wire_type == _WT_VARINT:
        src.varint()
    elif wire_type == _WT_I64:
        src.skip(8)
    elif wire_type == _WT_I32:
        src.skip(4)
    elif wire_type == _WT_LEN:
        src.skip(_read_length(src, end, at))
    elif wire_type == _WT_SGROUP:
        while True:
            inner, inner_type, inner_at = _read_key(src, end)
            if inner_type == _WT_EGROUP:
                if inner != field:
                    raise _Bad(inner_at, "a group that ends with the wrong field number")
                break
            _skip_value(src, inner, inner_type, end, inner_at)
    else:
        raise _Bad(at, f"an invalid wire type {wire_type}")
    _check_end(src, end, at, "a field that runs past the end of its message")


# ----------------------------------------------------------------------------------------------------
# Skimming: a big node (a Const holding weights) is rewritten without its tensor payloads before parsing.


def _skim_fields(
    src: _Source, length: int, handle_len: Mapping[int, Callable[[_Source, int], bytes]], keep_varints: bool
) -> bytes:
    """Re-encode a message of `length` bytes without its big payloads.

    LEN fields in `handle_len` go through their handler, other small LEN fields are copied and big ones are
    skipped; varint fields are copied when `keep_varints`, every other field is dropped.
    """
    end = src.pos + length
    out = bytearray()
    while src.pos < end:
        field, wire_type, at = _read_key(src, end)
        if wire_type == _WT_LEN:
            size = _read_length(src, end, at)
            handler = handle_len.get(field)
            if handler is not None:
                out += _len_field(field, handler(src, size))
            elif size <= _SMALL_FIELD_BYTES:
                out += _len_field(field, src.read(size))
            else:
                src.skip(size)
        elif wire_type == _WT_VARINT and keep_varints:
            out += _encode_varint(field << 3) + _encode_varint(src.varint())
        else:
            _skip_value(src, field, wire_type, end, at)
    return bytes(out)


def _skim_tensor(src: _Source, length: int) -> bytes:
    # Keep dtype (1), tensor_shape (2, small) and version_number (3); every value field is skipped.
    end = src.pos + length
    out = bytearray()
    while src.pos < end:
        field, wire_type, at = _read_key(src, end)
        if field in (1, 3) and wire_type == _WT_VARINT:
            out += _encode_varint(field << 3) + _encode_varint(src.varint())
        elif field == 2 and wire_type == _WT_LEN:
            size = _read_length(src, end, at)
            if size <= _SMALL_FIELD_BYTES:
                out += _len_field(2, src.read(size))
            else:
                src.skip(size)
        else:
            _skip_value(src, field, wire_type, end, at)
    return bytes(out)


def _skim_attr_value(src: _Source, length: int) -> bytes:
    return _skim_fields(src, length, {8: _skim_tensor}, keep_varints=True)


def _skim_attr_entry(src: _Source, length: int) -> bytes:
    return _skim_fields(src, length, {2: _skim_attr_value}, keep_varints=False)


def _skim_node(src: _Source, length: int) -> bytes:
    return _skim_fields(src, length, {5: _skim_attr_entry}, keep_varints=False)


# ----------------------------------------------------------------------------------------------------
# Kinds of files that are not a GraphDef


def _looks_like_onnx(head: bytes) -> bool:
    """ONNX ModelProto: ir_version (field 1 varint), then producer_name (2), graph (7), opset_import (8)."""
    try:
        src = _Source(len(head), data=head)
        if src.varint() != 0x08:
            return False
        src.varint()
        tag = src.varint()
        if tag in (0x1A, 0x22, 0x28, 0x32, 0x3A, 0x42):
            return True
        if tag == 0x12:
            name = src.read(min(src.varint(), 256))
            return bool(name) and all(32 <= byte < 127 for byte in name)
    except (_Truncated, _Bad):
        return False
    return False


def _sniff_kind(head: bytes, suffix: str) -> tuple[str, str] | None:
    """(what the file is, what to do) for well-known non-GraphDef formats, from the first bytes."""
    if head.startswith(b"\x89HDF\r\n\x1a\n"):
        return "a Keras HDF5 (.h5) model", "load it with Keras and " + _FREEZE_ADVICE
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return (
            "a zip archive (a Keras .keras model or a zipped model)",
            "load it with Keras and " + _FREEZE_ADVICE,
        )
    if head[4:8] == b"TFL3":
        return (
            "a TensorFlow Lite flatbuffer (.tflite)",
            "point amct-lsp at the frozen .pb it was converted from",
        )
    if head.startswith(b"\x1f\x8b"):
        return "gzip-compressed", "decompress it first (gunzip) and point amct-lsp at the .pb inside"
    if suffix == ".onnx" or _looks_like_onnx(head):
        return (
            "an ONNX model",
            "amct-lsp reads TensorFlow frozen GraphDefs; point it at the frozen .pb instead",
        )
    if _looks_like_saved_model(head):
        return "a SavedModel proto (saved_model.pb)", _FREEZE_ADVICE
    return None


def _looks_like_saved_model(head: bytes) -> bool:
    """SavedModel: saved_model_schema_version (field 1 varint), then meta_graphs (field 2, a message)."""
    try:
        src = _Source(len(head), data=head)
        return src.varint() == 0x08 and src.varint() < 16 and src.varint() == 0x12
    except (_Truncated, _Bad):
        return False


def _first_node_is_plausible(src: _Source, end: int) -> bool:
    """Whether the message starting at the read position begins with a NodeDef that has a name and an op."""
    field, wire_type, at = _read_key(src, end)
    if field != 1 or wire_type != _WT_LEN:
        return False
    length = _read_length(src, end, at)
    if length > _SKIM_NODE_BYTES:
        return False
    node = NodeDecoder().node(src.read(length))
    return bool(node.name) and bool(node.op)


def _classify_container(src: _Source) -> str | None:
    """Recognise a SavedModel or MetaGraphDef by its top-level fields.

    Called only when a GraphDef walk failed, looked odd or found no nodes: a real GraphDef never pays for it.
    """
    seen: list[tuple[int, int]] = []
    graph_inside = False
    try:
        src.seek(0)
        while src.pos < src.size and len(seen) < 64:
            field, wire_type, at = _read_key(src, src.size)
            seen.append((field, wire_type))
            if wire_type == _WT_LEN:
                length = _read_length(src, src.size, at)
                start = src.pos
                if field == 2 and not graph_inside:
                    try:
                        graph_inside = _first_node_is_plausible(src, start + length)
                    except (_Truncated, _Bad, WireError):
                        graph_inside = False
                src.seek(start + length)
            else:
                _skip_value(src, field, wire_type, src.size, at)
    except (_Truncated, _Bad):
        pass
    if seen[:1] == [(1, _WT_VARINT)] and (2, _WT_LEN) in seen:
        return "a SavedModel proto (saved_model.pb)"
    # A GraphDef's field 2 is its library: FunctionDefs have no `op` (field 2), so never look like nodes.
    if graph_inside:
        return "a MetaGraphDef (.meta) — the GraphDef is inside it next to saver/collection/signature defs"
    return None


# ----------------------------------------------------------------------------------------------------
# The walk


#: A VersionDef is three small ints; anything bigger than this is skipped unread.
_MAX_VERSIONS_BYTES = 64 * 1024


def _walk_graph(
    src: _Source, display: str, progress: ProgressFn | None
) -> tuple[dict[str, Node], int | None, bool]:
    """Walk a binary GraphDef's top-level fields; (nodes, producer, whether any field was not GraphDef's)."""
    nodes: dict[str, Node] = {}
    offsets: dict[str, int] = {}
    version: int | None = None
    odd = False
    next_report = _PROGRESS_STEP
    decoder = NodeDecoder()
    while src.pos < src.size:
        field, wire_type, at = _read_key(src, src.size)
        if _GRAPHDEF_FIELDS.get(field) != wire_type:
            odd = True
            _skip_value(src, field, wire_type, src.size, at)
            continue
        if field == 1:
            length = _read_length(src, src.size, at)
            start = src.pos
            try:
                if length <= _SKIM_NODE_BYTES:
                    node = decoder.node(src.read(length))
                else:
                    node = decoder.node(_skim_node(src, length))
            except (_Bad, WireError):
                raise _Bad(
                    at, f"a node ({length} bytes at byte offset {start}) that is not a valid NodeDef"
                ) from None
            if node.name in nodes:
                raise CorruptModel(
                    f"{display} has two nodes named {node.name!r} (at byte offsets {offsets[node.name]} "
                    f"and {at}); TensorFlow refuses such a graph. Export the frozen graph again.",
                )
            nodes[node.name] = node
            offsets[node.name] = at
        elif field == 4:
            length = _read_length(src, src.size, at)
            if length > _MAX_VERSIONS_BYTES:
                # A real VersionDef is a few bytes; never pull a giant one into memory just for `producer`.
                src.skip(length)
                _check_end(src, src.size, at, "a field that runs past the end of its message")
                continue
            version = _producer(src.read(length)) or version
        else:
            _skip_value(src, field, wire_type, src.size, at)
        if progress is not None and src.size and src.pos / src.size >= next_report:
            progress(min(src.pos / src.size, 1.0))
            next_report = src.pos / src.size + _PROGRESS_STEP
    return nodes, version, odd


def _truncated_error(display: str, offset: int, size: int) -> CorruptModel:
    return CorruptModel(
        f"{display} is truncated: the field at byte offset {offset} runs past the end of the file "
        f"({size} bytes). It was probably cut short while copying or writing; copy or export it again.",
    )


def _container_error(src: _Source, display: str, suffix: str) -> WrongModelKind | None:
    """The error for a SavedModel / MetaGraphDef proto mistaken for a GraphDef, or None if it is neither."""
    kind = _classify_container(src)
    if kind is None and suffix == ".meta":
        kind = "a MetaGraphDef (.meta)"
    if kind is None:
        return None
    return WrongModelKind(f"{display} is {kind}, not a frozen GraphDef; {_FREEZE_ADVICE}.")


def _read_binary(
    src: _Source, head: bytes, display: str, suffix: str, progress: ProgressFn | None
) -> ModelGraph:
    known = _sniff_kind(head, suffix)
    if known is not None:
        what, advice = known
        raise WrongModelKind(f"{display} is {what}, not a frozen TensorFlow GraphDef; {advice}.")
    try:
        nodes, producer, odd = _walk_graph(src, display, progress)
    except (_Truncated, _Bad, WireError) as err:
        wrong_kind = _container_error(src, display, suffix)
        if wrong_kind is not None:
            raise wrong_kind from None
        if isinstance(err, _Truncated):
            raise _truncated_error(display, err.offset, src.size) from None
        where = err.offset if isinstance(err, _Bad) else src.pos
        what = err.what if isinstance(err, _Bad) else "data that is not a valid message"
        raise CorruptModel(
            f"{display} is not a valid GraphDef: at byte offset {where} it holds {what}. "
            "Check that it is a frozen TensorFlow graph (.pb) and export it again if it was damaged.",
        ) from None
    nameless = next((n for n in nodes.values() if not n.name or not n.op), None)
    if nameless is not None:
        # TensorFlow never writes a node without a name and an op: this is another message's bytes.
        wrong_kind = _container_error(src, display, suffix)
        if wrong_kind is not None:
            raise wrong_kind
        raise CorruptModel(
            f"{display} is not a valid GraphDef: it holds a node without "
            f"{'a name' if not nameless.name else 'an op'}, which TensorFlow never writes. Check that it is "
            "a frozen TensorFlow graph (.pb) and export it again if it was damaged.",
        )
    if odd or not nodes:
        # Fields a GraphDef lacks, or no nodes at all: most likely another message of TensorFlow's.
        wrong_kind = _container_error(src, display, suffix)
        if wrong_kind is not None:
            raise wrong_kind
        if odd and not nodes:
            raise CorruptModel(
                f"{display} is not a TensorFlow GraphDef: it holds no graph nodes, only fields a GraphDef "
                "does not have. Point amct-lsp at a frozen graph (.pb or .pbtxt).",
            )
        if not nodes:
            raise _no_nodes_error(display)
    if progress is not None:
        progress(1.0)
    return ModelGraph(nodes=nodes, producer_version=producer)


def _no_nodes_error(display: str) -> EmptyModel:
    return EmptyModel(
        f"{display} is a GraphDef with no nodes; point amct-lsp at the frozen graph of your network."
    )


def _read_source(src: _Source, display: str, suffix: str, progress: ProgressFn | None) -> ModelGraph:
    if src.size == 0:
        raise EmptyModel(
            f"{display} is empty (0 bytes); the model was probably not written completely. Export it again."
        )
    if src.size > MAX_MODEL_BYTES:
        raise ModelTooLarge(
            f"{display} is {src.size / 2**30:.1f} GiB; protobuf (and so TensorFlow) cannot read a GraphDef "
            "of 2 GiB or more. Freeze a smaller graph or keep the weights outside the GraphDef.",
        )
    head = src.read(min(_HEAD_BYTES, src.size))
    src.seek(0)
    if looks_like_text(head):
        # Imported here: its regexes (and protobuf, at its first block) are for text models only.
        from amct_lsp.model.text_reader import read_text_graph

        try:
            nodes, producer = read_text_graph(src.read_some, src.size, display, progress)
        except NotText as err:
            # The first bytes looked like text but the rest does not: a binary GraphDef cut a few bytes
            # after its first tag (0x0a = "\n") is read as binary; anything else is not a model.
            if not head.startswith(b"\x0a"):
                raise CorruptModel(
                    f"{display} starts like a text GraphDef but holds binary data at byte offset "
                    f"{err.offset}; it is neither a text (.pbtxt) nor a binary (.pb) GraphDef.",
                ) from None
            src.seek(0)
        except CorruptModel as text_error:
            if head.startswith(b"\x0a"):
                try:
                    src.seek(0)
                    _walk_graph(src, display, None)
                except _Truncated as err:
                    raise _truncated_error(display, err.offset, src.size) from None
                except (_Bad, WireError, ModelError):
                    pass
            raise text_error from None
        else:
            if not nodes:
                raise _no_nodes_error(display)
            if progress is not None:
                progress(1.0)
            return ModelGraph(nodes=nodes, producer_version=producer)
    return _read_binary(src, head, display, suffix, progress)


def _guarded(read: Callable[[], ModelGraph], display: str) -> ModelGraph:
    """Run a read and turn anything unexpected into CorruptModel: callers only ever see ModelError."""
    try:
        return read()
    except ModelError:
        raise
    except (_Truncated, _Bad) as err:
        raise CorruptModel(
            f"{display} is not a valid GraphDef (problem at byte offset {err.offset})."
        ) from None
    except MemoryError:
        raise ModelTooLarge(f"{display} needs more memory to read than is available.") from None
    except Exception as err:
        # Only the exception's type: its text may quote the file's bytes.
        raise CorruptModel(
            f"{display} could not be read as a GraphDef ({type(err).__name__}). "
            "Check that it is a frozen TensorFlow graph (.pb or .pbtxt).",
        ) from err


# ----------------------------------------------------------------------------------------------------
# Public API


def read_model_bytes(data: bytes, path: str = "", progress: ProgressFn | None = None) -> ModelGraph:
    """Read a GraphDef (binary or text) held in memory; `path` is used in messages and as `graph.path`."""
    display = path or "The model data"
    suffix = os.path.splitext(path)[1].lower()

    def read() -> ModelGraph:
        graph = _read_source(_Source(len(data), data=bytes(data)), display, suffix, progress)
        graph.path = path
        return graph

    try:
        return _guarded(read, display)
    except ModelError as err:
        err.path = err.path or path
        raise


def _directory_error(path: str) -> ModelError:
    for marker in ("saved_model.pb", "saved_model.pbtxt"):
        if os.path.isfile(os.path.join(path, marker)):
            return WrongModelKind(
                f"{path} is a SavedModel directory, not a frozen GraphDef; {_FREEZE_ADVICE}.", path=path
            )
    return ModelUnreadable(
        f"{path} is a directory; point amct-lsp at the frozen GraphDef file inside it (.pb or .pbtxt).",
        path=path,
    )


def _open(path: str) -> tuple[BinaryIO, int]:
    """Open `path` for reading, with the typed error for every way that can fail.

    The descriptor is opened without blocking and checked with fstat (no race between a check and the open:
    a FIFO swapped in cannot block a worker thread), and only a regular file is read.
    """
    try:
        return open_regular_file(path)
    except FileNotFoundError:
        where = "" if os.path.isabs(path) else f" (relative to the current directory {os.getcwd()})"
        raise ModelNotFound(f"Model file {path} does not exist{where}; check the path.", path=path) from None
    except IsADirectoryError:
        raise _directory_error(path) from None
    except NotRegularFile as err:
        raise ModelUnreadable(
            f"{path} {err.strerror}; point amct-lsp at a frozen GraphDef (.pb).", path=path
        ) from None
    except PermissionError:
        raise ModelUnreadable(
            f"Cannot read {path}: permission denied. Make the file readable by this user (e.g. chmod a+r) "
            "and its folders searchable (chmod a+x).",
            path=path,
        ) from None
    except OSError as err:
        raise ModelUnreadable(
            f"Cannot read {path}: {err.strerror or err}; check the path and its permissions.", path=path
        ) from None


def read_model(path: str | os.PathLike[str], progress: ProgressFn | None = None) -> ModelGraph:
    """Read a frozen GraphDef file (.pb binary or .pbtxt text) into a `ModelGraph`; raises only `ModelError`.

    `progress(fraction)` is called now and then while a binary model is read, and with 1.0 at the end.
    """
    text_path = os.fsdecode(path)
    absolute = os.path.abspath(text_path)
    suffix = os.path.splitext(text_path)[1].lower()

    def read() -> ModelGraph:
        file, size = _open(text_path)
        with file:
            graph = _read_source(_Source(size, file=file), text_path, suffix, progress)
        graph.path = absolute
        return graph

    try:
        return _guarded(read, text_path)
    except ModelError as err:
        err.path = absolute
        raise


__all__ = ["KEPT_ATTRS", "MAX_MODEL_BYTES", "ProgressFn", "read_model", "read_model_bytes"]
