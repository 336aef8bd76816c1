"""TensorFlow is the oracle for the reader: on every model it parses, our `ModelGraph` says the same.

Compared per node: name (in file order), op, inputs, every kept attr (dtype names, bools, ints, int lists,
strings) and, for Const, the value's dtype and shape. Checked on every generated fixture (.pb and .pbtxt), on
graphs built here (big weights, unicode names, a function library), and real SavedModel / MetaGraphDef files
must be refused with `WrongModelKind`. The schema's field numbers are checked against TF's own descriptors.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from amct_lsp.model import schema
from amct_lsp.model.errors import WrongModelKind
from amct_lsp.model.graph import ModelGraph
from amct_lsp.model.reader import KEPT_ATTRS, read_model

REPO = Path(__file__).resolve().parents[2]
#: The attrs the rules need (restated here so a change to the reader's list is a visible decision).
KEPT = frozenset(
    {"T", "dtype", "transpose_a", "transpose_b", "adj_x", "adj_y", "dilations", "strides", "is_training",
     "data_format", "epsilon", "padding", "N"}
)  # fmt: skip


def test_kept_attrs_are_the_documented_ones() -> None:
    assert KEPT_ATTRS == KEPT


def expected_attr(tf: Any, value: Any) -> Any:
    """What the reader should keep for a TensorFlow AttrValue, computed with TF's own types."""
    from tensorflow.core.framework import types_pb2

    kind = value.WhichOneof("value")
    if kind == "s":
        return value.s.decode("utf-8", errors="replace")
    if kind in ("i", "f", "b"):
        return getattr(value, kind)
    if kind == "type":
        return types_pb2.DataType.Name(value.type)
    if kind == "list":
        if value.list.i:
            return tuple(value.list.i)
        if value.list.type:
            return tuple(types_pb2.DataType.Name(t) for t in value.list.type)
        if value.list.s:
            return tuple(s.decode("utf-8", errors="replace") for s in value.list.s)
        if value.list.f or value.list.b or value.list.shape or value.list.tensor or value.list.func:
            return None
        return ()
    return None


def assert_agrees(tf: Any, ours: ModelGraph, graph_def: Any, label: str) -> None:
    from tensorflow.core.framework import types_pb2

    assert [n.name for n in ours] == [n.name for n in graph_def.node], label
    for node, node_def in zip(ours, graph_def.node, strict=True):
        where = f"{label}: {node_def.name}"
        assert node.op == node_def.op, where
        assert node.inputs == tuple(node_def.input), where
        want = {}
        for key, value in node_def.attr.items():
            if key in KEPT and (kept := expected_attr(tf, value)) is not None:
                want[key] = kept
        assert dict(node.attrs) == want, where
        if node_def.op == "Const":
            tensor = node_def.attr["value"].tensor
            assert node.const_dtype == types_pb2.DataType.Name(tensor.dtype), where
            assert node.const_shape == tuple(tf.TensorShape(tensor.tensor_shape).as_list()), where
        else:
            assert node.const_dtype is None and node.const_shape is None, where
    assert ours.producer_version == (graph_def.versions.producer or None), label


def tf_parse(tf: Any, path: Path) -> Any:
    from google.protobuf import text_format

    graph_def = tf.compat.v1.GraphDef()
    if path.suffix == ".pbtxt":
        text_format.Parse(path.read_text(encoding="utf-8"), graph_def)
    else:
        graph_def.ParseFromString(path.read_bytes())
    return graph_def


def test_every_fixture_agrees_with_tensorflow(
    tf: Any, fixtures_dir: Path, manifest: dict[str, dict[str, Any]]
) -> None:
    paths = sorted([*fixtures_dir.glob("*.pb"), *fixtures_dir.glob("*.pbtxt")])
    # Every fixture of the manifest, the Keras applications included, plus s1_add's text form.
    assert {p.name for p in paths} == {entry["file"] for entry in manifest.values()} | {"s1_add.pbtxt"}
    assert {"keras_conv_bn", "keras_mobilenet_v2", "keras_mobilenet_v1", "keras_efficientnet_b0"} <= set(
        manifest
    )
    paths.append(REPO / "examples" / "seed" / "pb_model" / "case_1_1.pb")
    for path in paths:
        assert_agrees(tf, read_model(path), tf_parse(tf, path), path.name)


def assert_agrees_on_disk(tf: Any, graph_def: Any, directory: Path, stem: str) -> None:
    """Write `graph_def` as binary and as text with TensorFlow; our reader must agree with TF on both."""
    for name in (f"{stem}.pb", f"{stem}.pbtxt"):
        tf.io.write_graph(graph_def, str(directory), name, as_text=name.endswith(".pbtxt"))
        path = directory / name
        assert_agrees(tf, read_model(path), tf_parse(tf, path), name)


def build_varied_graph(tf: Any) -> Any:
    """Ops and attrs the fixtures don't cover: big (skimmed) weights, unicode names, every attr kind."""
    rng = np.random.default_rng(7)
    graph = tf.Graph()
    with graph.as_default():
        x = tf.compat.v1.placeholder(tf.float32, [1, 16, 16, 8], name="input")
        big = tf.constant(rng.standard_normal((3, 3, 8, 2048)).astype(np.float32), name="big_weights")
        y = tf.nn.conv2d(x, big, strides=[1, 2, 2, 1], padding="VALID", dilations=[1, 1, 1, 1], name="conv")
        with tf.name_scope("block"):
            depth_w = tf.constant(rng.standard_normal((3, 3, 8, 1)).astype(np.float32))
            d = tf.nn.depthwise_conv2d(x, depth_w, [1, 1, 1, 1], "SAME", dilations=[2, 2])
        scale, offset = tf.ones([2048]), tf.zeros([2048])
        bn, *_ = tf.compat.v1.nn.fused_batch_norm(y, scale, offset, epsilon=1e-3, is_training=True)
        m = tf.reshape(d, [16, 128])
        w = tf.constant(rng.standard_normal((64, 128)).astype(np.float16))
        mm = tf.matmul(tf.cast(m, tf.float16), w, transpose_b=True, name="mm")
        bmm = tf.linalg.matmul(tf.ones([2, 3, 4]), tf.ones([2, 5, 4]), adjoint_b=True, name="bmm")
        cat = tf.concat([tf.reshape(mm, [-1]), tf.cast(tf.reshape(bmm, [-1]), tf.float16)], 0, name="cat")
        tf.identity(cat, name="out")
        tf.identity(bn, name="out2")
        tf.constant(["a", "bé"], name="strings")
        tf.constant(True, name="flag")
        tf.constant(np.int64(7), name="scalar64")
        with tf.control_dependencies([x]):
            tf.no_op(name="after_input")
    graph_def = graph.as_graph_def()
    # TF's Python API refuses non-ASCII op names, but a GraphDef may hold them: rename one by hand.
    rename = {"block/depthwise": "blöck/深度"}
    for node in graph_def.node:
        node.name = rename.get(node.name, node.name)
        node.input[:] = [rename.get(i, i) for i in node.input]
    assert any(n.name == "blöck/深度" for n in graph_def.node)
    return graph_def


def test_built_graph_agrees_binary_and_text(tf: Any, tmp_path: Path) -> None:
    graph_def = build_varied_graph(tf)
    assert any(n.ByteSize() > 64 * 1024 for n in graph_def.node), "the skim path must be exercised"
    assert_agrees_on_disk(tf, graph_def, tmp_path, "varied")


def test_graph_with_function_library(tf: Any, tmp_path: Path) -> None:
    @tf.function
    def twice(v: Any) -> Any:
        return v * 2.0

    graph = tf.Graph()
    with graph.as_default():
        x = tf.compat.v1.placeholder(tf.float32, [4], name="input")
        tf.identity(twice(x), name="out")
    graph_def = graph.as_graph_def()
    assert len(graph_def.library.function) >= 1
    assert_agrees_on_disk(tf, graph_def, tmp_path, "lib")


def test_meta_graph_def_is_refused(tf: Any, tmp_path: Path) -> None:
    graph = tf.Graph()
    with graph.as_default():
        x = tf.compat.v1.placeholder(tf.float32, [2, 2], name="input")
        v = tf.compat.v1.get_variable("w", [2, 2])
        tf.matmul(x, v, name="out")
        tf.compat.v1.train.Saver()
        tf.compat.v1.train.export_meta_graph(str(tmp_path / "model.meta"), graph=graph)
        tf.compat.v1.train.export_meta_graph(str(tmp_path / "model.pbtxt"), graph=graph, as_text=True)
    meta = (tmp_path / "model.meta").read_bytes()
    (tmp_path / "renamed.pb").write_bytes(meta)
    for name in ("model.meta", "renamed.pb", "model.pbtxt"):
        with pytest.raises(WrongModelKind, match="MetaGraphDef") as caught:
            read_model(tmp_path / name)
        assert "freeze it" in str(caught.value)


def test_saved_model_is_refused(tf: Any, tmp_path: Path) -> None:
    class Tiny(tf.Module):  # type: ignore[misc, name-defined]
        def __init__(self) -> None:
            super().__init__()
            self.w = tf.Variable([[1.0, 2.0]])

        @tf.function(input_signature=[tf.TensorSpec([None, 1], tf.float32)])
        def __call__(self, x: Any) -> Any:
            return tf.matmul(x, self.w)

    export = tmp_path / "exported"
    tf.saved_model.save(Tiny(), str(export))
    with pytest.raises(WrongModelKind, match=r"is a SavedModel directory.*convert_variables_to_constants_v2"):
        read_model(export)
    with pytest.raises(WrongModelKind, match="SavedModel proto"):
        read_model(export / "saved_model.pb")
    (tmp_path / "copy.pb").write_bytes((export / "saved_model.pb").read_bytes())
    with pytest.raises(WrongModelKind, match="SavedModel proto"):
        read_model(tmp_path / "copy.pb")


# ----------------------------------------------------------------------------------------------------
# The schema is TensorFlow's, field for field

PAIRS = [
    ("GraphDef", "tensorflow.core.framework.graph_pb2", "GraphDef"),
    ("NodeDef", "tensorflow.core.framework.node_def_pb2", "NodeDef"),
    ("AttrValue", "tensorflow.core.framework.attr_value_pb2", "AttrValue"),
    ("NameAttrList", "tensorflow.core.framework.attr_value_pb2", "NameAttrList"),
    ("TensorProto", "tensorflow.core.framework.tensor_pb2", "TensorProto"),
    ("TensorShapeProto", "tensorflow.core.framework.tensor_shape_pb2", "TensorShapeProto"),
    ("VersionDef", "tensorflow.core.framework.versions_pb2", "VersionDef"),
    ("ResourceHandleProto", "tensorflow.core.framework.resource_handle_pb2", "ResourceHandleProto"),
    ("VariantTensorDataProto", "tensorflow.core.framework.tensor_pb2", "VariantTensorDataProto"),
]
#: Messages we declare empty on purpose (never read; see schema.py).
OPAQUE = {"FunctionDefLibrary", "GraphDebugInfo", "FullTypeDef"}


def _compare(ours: Any, theirs: Any, seen: set[str]) -> None:
    if theirs.name in seen or theirs.name in OPAQUE:
        return
    seen.add(theirs.name)
    assert set(ours.fields_by_number) == set(theirs.fields_by_number), theirs.full_name
    for number, field in theirs.fields_by_number.items():
        mine = ours.fields_by_number[number]
        where = f"{theirs.full_name}.{field.name}"
        assert mine.name == field.name, where
        assert mine.is_repeated == field.is_repeated, where
        if field.type == field.TYPE_STRING:
            assert mine.type == mine.TYPE_BYTES, where  # same wire format, no UTF-8 check
        else:
            assert mine.type == field.type, where
        assert (mine.containing_oneof is None) == (field.containing_oneof is None), where
        if field.message_type is not None:
            _compare(mine.message_type, field.message_type, seen)


@pytest.mark.parametrize(("ours", "module", "name"), PAIRS)
def test_schema_matches_tensorflow(tf: Any, ours: str, module: str, name: str) -> None:
    import importlib

    theirs = getattr(importlib.import_module(module), name).DESCRIPTOR
    _compare(getattr(schema, ours).DESCRIPTOR, theirs, set())


def test_data_types_match_tensorflow(tf: Any) -> None:
    from tensorflow.core.framework import types_pb2

    theirs = {v.name: v.number for v in types_pb2.DataType.DESCRIPTOR.values}
    assert theirs == schema.DATA_TYPES
