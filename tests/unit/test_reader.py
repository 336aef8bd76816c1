"""The reader without TensorFlow: attrs kept, text format, big nodes skimmed, a typed error per bad file.

Graphs here are built with our own schema classes (wire-identical to TensorFlow's), or taken from the
TensorFlow-built fixtures; test_reader_oracle.py compares against TensorFlow itself.
"""

from __future__ import annotations

import os
import struct
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from amct_lsp.model import reader, schema
from amct_lsp.model.errors import (
    CorruptModel,
    EmptyModel,
    ModelError,
    ModelNotFound,
    ModelTooLarge,
    ModelUnreadable,
    WrongModelKind,
)
from amct_lsp.model.graph import ModelGraph
from amct_lsp.model.reader import read_model, read_model_bytes
from support.protowire import field

DT_FLOAT, DT_INT32, DT_HALF = 1, 3, 19


def add_node(graph: Any, name: str | bytes, op: str, inputs: tuple[str, ...] = (), **attrs: Any) -> Any:
    node = graph.node.add(name=name.encode() if isinstance(name, str) else name, op=op.encode())
    node.input.extend(i.encode() for i in inputs)
    for key, value in attrs.items():
        entry = node.attr.add(key=key.encode())
        if isinstance(value, bool):
            entry.value.b = value
        elif isinstance(value, int):
            entry.value.i = value
        elif isinstance(value, float):
            entry.value.f = value
        elif isinstance(value, str):
            entry.value.s = value.encode()
        elif isinstance(value, tuple) and value and isinstance(value[0], int):
            entry.value.list.i.extend(value)
        elif isinstance(value, dict):  # {"type": n}
            entry.value.type = value["type"]
        else:
            raise TypeError(value)
    return node


def add_const(graph: Any, name: str, shape: tuple[int, ...], payload: int = 0, dtype: int = DT_FLOAT) -> Any:
    node = add_node(graph, name, "Const", dtype={"type": dtype})
    entry = node.attr.add(key=b"value")
    tensor = entry.value.tensor
    tensor.dtype = dtype
    for size in shape:
        tensor.tensor_shape.dim.add(size=size)
    if payload:
        tensor.tensor_content = bytes(range(256)) * (payload // 256) + b"\x01" * (payload % 256)
    return node


def conv_graph(weights_bytes: int = 0) -> Any:
    """input -> Conv2D(filter const) -> Add(bias const), like fixture s1_add, optionally with big weights."""
    graph = schema.GraphDef()
    graph.versions.producer = 1234
    add_node(graph, "input", "Placeholder", dtype={"type": DT_FLOAT})
    add_const(graph, "Const", (3, 3, 3, 8), payload=weights_bytes)
    add_node(
        graph,
        "Conv2D",
        "Conv2D",
        ("input", "Const"),
        T={"type": DT_FLOAT},
        strides=(1, 1, 1, 1),
        dilations=(1, 2, 2, 1),
        padding="SAME",
        data_format="NHWC",
        use_cudnn_on_gpu=True,
    )
    add_const(graph, "bias", (8,), payload=32)
    add_node(graph, "Add", "Add", ("Conv2D", "bias", "^input"), T={"type": DT_FLOAT})
    return graph


def read_with_peak(path: Path) -> tuple[ModelGraph, int]:
    """read_model(path) and the peak bytes Python allocated meanwhile."""
    tracemalloc.start()
    try:
        result = read_model(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, peak


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# ----------------------------------------------------------------------------------------------------
# What is kept


def test_reads_nodes_in_order_with_kept_attrs(tmp_path: Path) -> None:
    graph = read_model(write(tmp_path, "m.pb", conv_graph().SerializeToString()))
    assert [n.name for n in graph] == ["input", "Const", "Conv2D", "bias", "Add"]
    conv = graph.nodes["Conv2D"]
    assert conv.op == "Conv2D"
    assert conv.inputs == ("input", "Const")
    assert dict(conv.attrs) == {
        "T": "DT_FLOAT",
        "strides": (1, 1, 1, 1),
        "dilations": (1, 2, 2, 1),
        "padding": "SAME",
        "data_format": "NHWC",
    }  # use_cudnn_on_gpu is not a kept attr
    assert graph.nodes["Add"].inputs == ("Conv2D", "bias", "^input")
    assert graph.nodes["Const"].const_dtype == "DT_FLOAT"
    assert graph.nodes["Const"].const_shape == (3, 3, 3, 8)
    assert graph.nodes["input"].const_dtype is None and graph.nodes["input"].const_shape is None
    assert graph.producer_version == 1234
    assert graph.path == str(tmp_path / "m.pb")
    assert [n.name for n in graph.tails()] == ["Add"]


def test_scalar_const_has_empty_shape_and_attr_kinds() -> None:
    graph = schema.GraphDef()
    add_const(graph, "scalar", (), dtype=DT_INT32)
    add_node(
        graph, "bn", "FusedBatchNormV3", ("scalar",), is_training=False, epsilon=0.25, T={"type": DT_HALF}
    )
    add_node(graph, "mm", "BatchMatMulV2", ("scalar", "scalar"), adj_x=True, adj_y=False)
    add_node(graph, "concat", "ConcatV2", ("scalar", "scalar"), N=2)
    node = graph.node.add(name=b"typed", op=b"IdentityN")
    node.attr.add(key=b"T").value.list.type.extend([DT_FLOAT, DT_HALF, 999])
    node.attr.add(key=b"strides").value.list.SetInParent()  # an empty list
    result = read_model_bytes(graph.SerializeToString())
    assert result.nodes["scalar"].const_shape == ()
    assert result.nodes["scalar"].const_dtype == "DT_INT32"
    assert dict(result.nodes["bn"].attrs) == {"is_training": False, "epsilon": 0.25, "T": "DT_HALF"}
    assert dict(result.nodes["mm"].attrs) == {"adj_x": True, "adj_y": False}
    assert result.nodes["concat"].attrs["N"] == 2
    assert result.nodes["typed"].attrs["T"] == ("DT_FLOAT", "DT_HALF", "DT_UNKNOWN_999")
    assert result.nodes["typed"].attrs["strides"] == ()


def test_later_map_entry_wins_like_protobuf() -> None:
    graph = schema.GraphDef()
    node = add_node(graph, "x", "Relu", T={"type": DT_FLOAT})
    node.attr.add(key=b"T").value.type = DT_HALF
    assert read_model_bytes(graph.SerializeToString()).nodes["x"].attrs["T"] == "DT_HALF"


def test_odd_name_encodings_are_replaced_not_raised() -> None:
    graph = schema.GraphDef()
    add_node(graph, b"caf\xc3\xa9/\xff\xfe", "Placeholder")
    add_node(graph, "y", "Identity", ("caf\u00e9/\ufffd\ufffd",))
    result = read_model_bytes(graph.SerializeToString())
    assert "caf\u00e9/\ufffd\ufffd" in result
    assert result.producer(result.nodes["y"].inputs[0]) is result.nodes["caf\u00e9/\ufffd\ufffd"]


def test_unknown_fields_and_library_are_skipped() -> None:
    data = bytearray(conv_graph().SerializeToString())
    data += b"\x12\x05" + b"\x0a\x03abc"  # library (field 2) holding something we never read
    data += b"\x2a\x02\x08\x01"  # debug_info (5)
    data += b"\x18\x07"  # deprecated `version` (3)
    result = read_model_bytes(bytes(data))
    assert len(result) == 5


def test_text_format(tmp_path: Path) -> None:
    text = (
        "# a comment\n"
        'node { name: "input" op: "Placeholder" attr { key: "dtype" value { type: DT_FLOAT } } }\n'
        'node { name: "w" op: "Const" attr { key: "value" value { tensor { dtype: DT_FLOAT '
        "tensor_shape { dim { size: 2 } dim { size: 3 } } float_val: 1.0 } } } }\n"
        'node { name: "caf\u00e9" op: "MatMul" input: "input" input: "w" '
        'attr { key: "transpose_b" value { b: true } } }\n'
        'library { function { signature { name: "f" } } }\n'
        "versions { producer: 27 }\n"
    )
    for name in ("m.pbtxt", "m.pb"):  # text content is recognised whatever the name
        graph = read_model(write(tmp_path, name, text.encode()))
        assert [n.name for n in graph] == ["input", "w", "caf\u00e9"]
        assert graph.nodes["w"].const_shape == (2, 3)
        assert graph.nodes["caf\u00e9"].attrs == {"transpose_b": True}
        assert graph.producer_version == 27


def test_fixture_text_and_binary_agree(fixture_path: Callable[[str], Path]) -> None:
    binary = read_model(fixture_path("s1_add"))
    text = read_model(fixture_path("s1_add.pbtxt"))
    assert list(binary.nodes.values()) == list(text.nodes.values())


def test_progress_is_reported_up_to_one(fixture_path: Callable[[str], Path]) -> None:
    seen: list[float] = []
    read_model(fixture_path("multi_output"), progress=seen.append)
    assert seen and seen[-1] == 1.0
    assert seen == sorted(seen) and all(0.0 < f <= 1.0 for f in seen)


# ----------------------------------------------------------------------------------------------------
# Big nodes: weights are skipped, never held


def test_big_const_is_skimmed_with_same_result(tmp_path: Path) -> None:
    small = read_model_bytes(conv_graph().SerializeToString())
    big_graph = conv_graph(weights_bytes=3 * 1024 * 1024 + 7)
    big_graph.node[1].attr[1].value.tensor.float_val.extend([1.0] * 5000)  # typed values are skipped too
    extra = big_graph.node[1].attr.add(key=b"_huge")  # a big attr we never keep
    extra.value.s = b"x" * 200_000
    big = read_model(write(tmp_path, "big.pb", big_graph.SerializeToString()))
    assert list(big.nodes.values()) == list(small.nodes.values())


def test_reading_a_big_model_holds_no_weights(tmp_path: Path) -> None:
    graph = schema.GraphDef()
    add_node(graph, "input", "Placeholder")
    previous = "input"
    for index in range(4):
        add_const(graph, f"w{index}", (1024, 2048), payload=8 * 1024 * 1024)
        add_node(graph, f"mm{index}", "MatMul", (previous, f"w{index}"))
        previous = f"mm{index}"
    path = write(tmp_path, "big.pb", graph.SerializeToString())
    del graph
    assert path.stat().st_size > 32 * 1024 * 1024
    result, peak = read_with_peak(path)
    assert len(result) == 9 and result.nodes["w3"].const_shape == (1024, 2048)
    assert peak < 4 * 1024 * 1024, f"peak Python allocation {peak} bytes: weights were read"


class CountingFile:
    """A file object that counts the bytes read through it."""

    def __init__(self, file: Any) -> None:
        self.file = file
        self.bytes_read = 0

    def read(self, count: int = -1) -> bytes:
        data: bytes = self.file.read(count)
        self.bytes_read += len(data)
        return data

    def __getattr__(self, name: str) -> Any:
        return getattr(self.file, name)

    def __enter__(self) -> CountingFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.file.close()


def test_weights_are_seeked_over_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """After skipping a weight only a small chunk is read: the next node is a header, not a megabyte."""
    graph = schema.GraphDef()
    add_node(graph, "input", "Placeholder")
    previous = "input"
    for index in range(8):
        add_const(graph, f"w{index}", (512, 1024), payload=2 * 1024 * 1024)
        add_node(graph, f"mm{index}", "MatMul", (previous, f"w{index}"))
        previous = f"mm{index}"
    path = write(tmp_path, "weights.pb", graph.SerializeToString())
    opened: list[CountingFile] = []
    real_open = reader.open_regular_file

    def counting_open(target: Any, max_bytes: int | None = None) -> tuple[Any, int]:
        file, size = real_open(target, max_bytes)
        opened.append(CountingFile(file))
        return opened[-1], size

    monkeypatch.setattr(reader, "open_regular_file", counting_open)
    result = read_model(path)
    assert len(result) == 17 and result.nodes["mm7"].inputs == ("mm6", "w7")
    assert path.stat().st_size > 16 * 1024 * 1024
    # The first chunk (1 MiB), then a small one after each later weight (1 MiB each would make 8 MiB).
    assert sum(f.bytes_read for f in opened) < 2 * 1024 * 1024


def test_a_giant_versions_field_is_skipped_unread(tmp_path: Path) -> None:
    """A VersionDef is a few bytes; a huge one (garbage padding) must not be pulled into memory."""
    data = conv_graph().SerializeToString()
    # Field 4 (versions), length-delimited, holding producer=7 then 8 MB of an unknown bytes field (number 9).
    padding = 8 * 1024 * 1024
    data += field(4, b"\x08\x07" + field(9, bytes(padding)))
    path = write(tmp_path, "padded.pb", data)
    result, peak = read_with_peak(path)
    assert list(result.nodes) == ["input", "Const", "Conv2D", "bias", "Add"]
    assert result.producer_version == 1234  # the real, small VersionDef earlier in the file
    assert peak < 4 * 1024 * 1024, f"peak Python allocation {peak} bytes: the padded field was read"


# ----------------------------------------------------------------------------------------------------
# One typed error per way a file can be wrong


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ModelNotFound, match="does not exist") as caught:
        read_model(tmp_path / "nope.pb")
    assert caught.value.path == str(tmp_path / "nope.pb")


def test_directory_and_saved_model_directory(tmp_path: Path) -> None:
    with pytest.raises(ModelUnreadable, match="is a directory"):
        read_model(tmp_path)
    saved = tmp_path / "exported"
    saved.mkdir()
    (saved / "saved_model.pb").write_bytes(b"\x08\x01")
    with pytest.raises(WrongModelKind, match=r"is a SavedModel directory.*freeze it"):
        read_model(saved)


def test_permission_denied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, "m.pb", conv_graph().SerializeToString())
    if os.geteuid() != 0:  # root reads anything, so also simulate the failure below
        path.chmod(0)
        with pytest.raises(ModelUnreadable, match="permission denied"):
            read_model(path)
        path.chmod(0o644)

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise PermissionError(13, "Permission denied")

    opener = reader.open_regular_file
    monkeypatch.setattr(reader, "open_regular_file", refuse)
    with pytest.raises(ModelUnreadable, match="permission denied"):
        read_model(path)
    monkeypatch.setattr(reader, "open_regular_file", opener)
    assert len(read_model(path)) == 5


def test_fifo_is_not_read(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.pb"
    os.mkfifo(fifo)
    with pytest.raises(ModelUnreadable, match="not a regular file"):
        read_model(fifo)


def test_empty_file_and_empty_graph(tmp_path: Path) -> None:
    with pytest.raises(EmptyModel, match="0 bytes"):
        read_model(write(tmp_path, "empty.pb", b""))
    with pytest.raises(EmptyModel):
        read_model_bytes(b"")
    only_versions = schema.GraphDef()
    only_versions.versions.producer = 5
    with pytest.raises(EmptyModel, match="no nodes"):
        read_model_bytes(only_versions.SerializeToString())


def test_too_large_file(tmp_path: Path) -> None:
    path = tmp_path / "huge.pb"
    with open(path, "wb") as sparse:
        sparse.truncate(2**31 + 10)  # sparse: costs no disk
    with pytest.raises(ModelTooLarge, match="2 GiB"):
        read_model(path)


def test_duplicate_node_names() -> None:
    graph = conv_graph()
    add_node(graph, "Conv2D", "Relu")
    with pytest.raises(CorruptModel, match="two nodes named 'Conv2D'"):
        read_model_bytes(graph.SerializeToString())
    text = 'node { name: "a" op: "X" } node { name: "a" op: "Y" }'
    with pytest.raises(CorruptModel, match="two nodes named 'a'"):
        read_model_bytes(text.encode(), "m.pbtxt")


def test_truncation_says_where(fixture_path: Callable[[str], Path]) -> None:
    data = fixture_path("s4_fbn_v3").read_bytes()
    with pytest.raises(CorruptModel, match=r"truncated: the field at byte offset \d+") as caught:
        read_model_bytes(data[: len(data) // 2], "cut.pb")
    assert "cut.pb" in str(caught.value)


@pytest.mark.parametrize("fixture", ["s1_add", "multi_output", "keras_conv_bn"])
def test_truncated_fixtures_at_many_offsets(fixture: str, fixture_path: Callable[[str], Path]) -> None:
    data = fixture_path(fixture).read_bytes()
    offsets = sorted({*range(1, min(len(data), 400)), *range(1, len(data), max(1, len(data) // 300))})
    node_ends = _top_level_ends(data)
    for cut in offsets:
        if cut in node_ends:  # a cut exactly between fields is a valid, shorter GraphDef
            graph = read_model_bytes(data[:cut])
            assert len(graph) >= 1
            continue
        with pytest.raises(CorruptModel, match="truncated"):
            read_model_bytes(data[:cut], f"{fixture}.pb")


def _top_level_ends(data: bytes) -> set[int]:
    """Offsets at which a top-level GraphDef field ends (cutting there leaves a valid message)."""
    ends, pos = set(), 0
    while pos < len(data):
        src = reader._Source(len(data), data=data)
        src.seek(pos)
        key = src.varint()
        assert key & 7 == 2
        length = src.varint()
        pos = src.pos + length
        ends.add(pos)
    return ends


def test_corrupt_node_says_where() -> None:
    data = conv_graph().SerializeToString()
    first_len = data[1]
    broken = data[:2] + b"\x2a\x7f" + data[4 : 2 + first_len] + data[2 + first_len :]
    with pytest.raises(CorruptModel, match=r"byte offset 0 .*not a valid NodeDef"):
        read_model_bytes(broken, "bad.pb")


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"\x08\x01\x12\x04\x0a\x02\x0a\x00", "SavedModel proto"),
        (b"\x89HDF\r\n\x1a\n" + bytes(100), "Keras HDF5"),
        (b"\x1c\x00\x00\x00TFL3" + bytes(100), "TensorFlow Lite"),
        (b"\x08\x07\x12\x07pytorch\x1a\x032.1:\x00", "ONNX"),
        (b"\x1f\x8b\x08\x00" + bytes(20), "gzip"),
    ],
)
def test_other_formats_are_named(data: bytes, kind: str) -> None:
    with pytest.raises(WrongModelKind, match=kind):
        read_model_bytes(data, "model.pb")


def test_keras_zip_archive(tmp_path: Path) -> None:
    path = tmp_path / "model.keras"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("config.json", "{}")
    with pytest.raises(WrongModelKind, match=r"zip archive \(a Keras \.keras model"):
        read_model(path)


def test_onnx_by_suffix(tmp_path: Path) -> None:
    with pytest.raises(WrongModelKind, match="ONNX"):
        read_model(write(tmp_path, "m.onnx", b"\x08\x08\x3a\x00"))


def test_synthetic_meta_graph_def() -> None:
    """MetaGraphDef: meta_info_def (1), graph_def (2) holding the nodes, saver_def (3), collection_def (4)."""
    meta_info = b"\x0a\x02v1" + b"\x2a\x062.21.0"  # meta_graph_version, tensorflow_version
    graph = conv_graph().SerializeToString()
    saver = b"\x0a\x0bsave/Const:0"
    collection = b"\x0a\x09variables\x12\x00"
    data = b"".join(
        reader._len_field(number, payload)
        for number, payload in ((1, meta_info), (2, graph), (3, saver), (4, collection))
    )
    for name in ("model.meta", "model.pb"):
        with pytest.raises(WrongModelKind, match="MetaGraphDef"):
            read_model_bytes(data, name)
    only_graph = reader._len_field(2, graph)  # no meta_info_def: the walk sees only a "library"
    with pytest.raises(WrongModelKind, match="MetaGraphDef"):
        read_model_bytes(only_graph, "model.pb")


def test_text_saved_model_and_meta_graph() -> None:
    with pytest.raises(WrongModelKind, match="SavedModel in text form"):
        read_model_bytes(b"saved_model_schema_version: 1\nmeta_graphs {\n}\n", "saved_model.pbtxt")
    with pytest.raises(WrongModelKind, match="MetaGraphDef in text form"):
        read_model_bytes(b'meta_info_def { tags: "serve" }\ngraph_def { }\n', "m.pbtxt")


def test_text_that_is_not_a_graph() -> None:
    with pytest.raises(CorruptModel, match="not a GraphDef in text format"):
        read_model_bytes(b"import tensorflow as tf\nprint(tf)\n", "quant.py")
    with pytest.raises(CorruptModel, match="not a GraphDef in text format"):
        read_model_bytes(b'node { name: "a" op: "X" ', "cut.pbtxt")


def test_binary_that_is_not_a_graph() -> None:
    with pytest.raises(CorruptModel, match="no graph nodes"):
        read_model_bytes(b"\x38\x01\x45\x00\x00\x00\x00", "odd.pb")
    with pytest.raises(CorruptModel, match="invalid wire type 7"):
        read_model_bytes(b"\x0f\x00\x00", "odd.pb")


def test_unexpected_exceptions_become_corrupt_model(monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(decoder: Any, data: bytes) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(reader.NodeDecoder, "node", explode)
    with pytest.raises(CorruptModel, match=r"could not be read as a GraphDef \(RuntimeError\)") as caught:
        read_model_bytes(conv_graph().SerializeToString(), "m.pb")
    assert "boom" not in str(caught.value)  # an exception's text may quote the file: only its type is shown


def test_every_error_is_a_full_sentence(tmp_path: Path) -> None:
    bad: list[ModelError] = []
    for data in (b"", b"\x0a\x05", b"\x89HDF\r\n\x1a\n", b"junk { }"):
        try:
            read_model_bytes(data, "x.pb")
        except ModelError as err:
            bad.append(err)
    try:
        read_model(tmp_path / "missing.pb")
    except ModelError as err:
        bad.append(err)
    assert len(bad) == 5
    for err in bad:
        message = str(err)
        assert message[0].isupper() or message.startswith(("x.pb", str(tmp_path))), message
        assert message.rstrip().endswith("."), message
        assert "\n" not in message


# ----------------------------------------------------------------------------------------------------
# The schema matches TensorFlow's field numbers (checked against TF's descriptors in test_reader_oracle.py)


def test_data_type_names() -> None:
    assert schema.DATA_TYPES["DT_FLOAT"] == 1
    assert schema.DATA_TYPES["DT_HALF"] == 19
    assert schema.DATA_TYPES["DT_FLOAT_REF"] == 101
    assert schema.data_type_name(14) == "DT_BFLOAT16"
    assert schema.data_type_name(4242) == "DT_UNKNOWN_4242"


def test_schema_uses_its_own_package() -> None:
    assert schema.GraphDef.DESCRIPTOR.full_name == "amct_lsp.tf.GraphDef"
    assert schema.NodeDef.DESCRIPTOR.fields_by_name["attr"].number == 5
    assert struct.calcsize("<f") == 4  # float attrs are float32 on the wire


# ----------------------------------------------------------------------------------------------------
# Found by the explain review


def test_meta_graph_with_only_tags_and_graph_is_named_whatever_its_suffix() -> None:
    """MetaGraphDef field 1 (meta_info_def) parses as a GraphDef node without name or op; field 2
    (graph_def) as its library. Without saver/collection fields nothing else looked odd."""
    meta_info = b"\x22\x05serve"  # MetaInfoDef.tags
    graph_def = conv_graph().SerializeToString()
    data = field(1, meta_info) + field(2, graph_def)
    for name in ("model.meta", "model.pb"):
        with pytest.raises(WrongModelKind, match="is a MetaGraphDef"):
            read_model_bytes(data, name)


def test_node_without_op_is_corrupt() -> None:
    graph = schema.GraphDef()
    graph.node.add(name=b"a")
    with pytest.raises(CorruptModel, match="a node without an op"):
        read_model_bytes(graph.SerializeToString(), "m.pb")


def test_text_error_names_line_and_column_not_our_schema() -> None:
    with pytest.raises(CorruptModel) as caught:
        read_model_bytes(b"hello world\n", "notes.pbtxt")
    message = str(caught.value)
    assert "(line 1, column 1: a field name that GraphDef does not have)" in message
    assert "amct_lsp.tf" not in message and "hello" not in message  # never the file's content


def test_missing_relative_path_names_the_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ModelNotFound) as caught:
        read_model("nope.pb")
    assert str(caught.value) == (
        f"Model file nope.pb does not exist (relative to the current directory {tmp_path}); check the path."
    )
    assert caught.value.path == str(tmp_path / "nope.pb")
