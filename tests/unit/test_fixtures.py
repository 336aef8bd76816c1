"""The generated model fixtures are what the fixture table promises, checked with TensorFlow's own parser.

The rule tests trust these graphs blindly, so the fixture table is restated here by hand rather than read
from the generator: a generator change that alters a tail fails here.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pytest

FBN3 = "batch_normalization/FusedBatchNormV3:0"
UNFUSED = "batch_normalization/batchnorm/add_1:0"

#: fixture -> {tail tensor: op type}, straight from the fixture table.
EXPECTED_TAILS: dict[str, dict[str, str]] = {
    "s1_add": {"Add:0": "Add"},
    "s1_addv2": {"add:0": "AddV2"},
    "s2_biasadd_conv2d": {"BiasAdd:0": "BiasAdd"},
    "s2_biasadd_depthwise": {"BiasAdd:0": "BiasAdd"},
    "s2_biasadd_deconv": {"BiasAdd:0": "BiasAdd"},
    "s2_biasadd_matmul": {"BiasAdd:0": "BiasAdd"},
    "s3_conv2d": {"Conv2D:0": "Conv2D"},
    "s3_depthwise": {"depthwise:0": "DepthwiseConv2dNative"},
    "s3_deconv": {"conv2d_transpose:0": "Conv2DBackpropInput"},
    "s3_matmul": {"MatMul:0": "MatMul"},
    "s3_avgpool": {"AvgPool:0": "AvgPool"},
    "s4_fbn_v1": {"batch_normalization/FusedBatchNorm:0": "FusedBatchNorm"},
    "s4_fbn_v2": {"batch_normalization/FusedBatchNormV2:0": "FusedBatchNormV2"},
    "s4_fbn_v3": {FBN3: "FusedBatchNormV3"},
    "s4_bias_fbn_v3": {FBN3: "FusedBatchNormV3"},
    "s4_depthwise_fbn_v3": {FBN3: "FusedBatchNormV3"},
    "s5_unfused_bn": {UNFUSED: "AddV2"},
    "s5_unfused_bn_bias": {UNFUSED: "AddV2"},
    "neg_relu": {"Relu:0": "Relu"},
    "neg_softmax": {"Softmax:0": "Softmax"},
    "neg_identity": {"output:0": "Identity"},
    "neg_matmul_transpose_b": {"MatMul:0": "MatMul"},
    "neg_placeholder_weights": {"Conv2D:0": "Conv2D"},
    "neg_float16": {"Conv2D:0": "Conv2D"},
    "neg_add_2d": {"Add:0": "Add"},
    "neg_add_len": {"Add:0": "Add"},
    "neg_unfused_bn_2d": {UNFUSED: "AddV2"},
    "col_bias_add": {FBN3: "FusedBatchNormV3", "bias_add:0": "Identity"},
    "col_Bias_Add": {FBN3: "FusedBatchNormV3", "Bias_Add:0": "Identity"},
    "col_bias_add_1": {FBN3: "FusedBatchNormV3", "bias_add:0": "Identity", "bias_add_1:0": "Identity"},
    "col_bias_add_scope": {"Add:0": "Add", "bias_add/inner:0": "Identity"},
    "col_search_n_quant": {"Conv2D:0": "Conv2D", "search_n_quant:0": "Identity"},
    "multi_output": {"head_a/Add:0": "Add", "head_b/BiasAdd:0": "BiasAdd"},
    # Added by the rules review: rule details the FAQ does not show.
    "s5_unfused_bn_noscale": {UNFUSED: "AddV2"},
    "s5_unfused_bn_nocenter": {UNFUSED: "AddV2"},
    "s5_unfused_bn_bare": {UNFUSED: "AddV2"},
    "s5_unfused_bn_depthwise": {UNFUSED: "AddV2"},
    "s5_unfused_bn_tf1_add": {UNFUSED: "Add"},
    "s1_add_depthwise": {"Add:0": "Add"},
    "s1_add_deconv": {"Add:0": "Add"},
    "s1_add_matmul": {"add:0": "AddV2"},
    "s1_add_identity_bias": {"Add:0": "Add"},
    "ctrl_dep_tail": {"Conv2D:0": "Conv2D"},
    "neg_matmul_transpose_a": {"MatMul:0": "MatMul"},
    "multi_fbn": {
        "bn_a/FusedBatchNormV3:0": "FusedBatchNormV3",
        "bn_b/FusedBatchNormV3:0": "FusedBatchNormV3",
    },
    # Rewrites documented for AMCT 8.0 and later.
    "v8_add_scalar": {"Add:0": "Add"},
    "v8_add_nd": {"Add:0": "Add"},
    "v8_add_full": {"Add:0": "Add"},
    "v8_matmul_add_row": {"add:0": "AddV2"},
    "v8_matmul_add_scalar": {"add:0": "AddV2"},
    "v8_mul_bias": {"mul:0": "Mul"},
    "v8_mul_conv": {"mul:0": "Mul"},
    "v8_mul_matmul": {"mul:0": "Mul"},
    "v8_mul_vector": {"mul:0": "Mul"},
    "v8_group_conv_bn": {FBN3: "FusedBatchNormV3"},
    "v8_batch_matmul_add": {"add:0": "AddV2"},
    "v8_matmul_reshape_bn": {"Reshape_1:0": "Reshape"},
    "v8_conv3d_bn": {FBN3: "FusedBatchNormV3"},
    "v8_conv3d_bias": {"BiasAdd:0": "BiasAdd"},
    "v8_conv3d_add": {"Add:0": "Add"},
    "v8_conv3d_mul": {"mul:0": "Mul"},
    "v8_atrous_conv_bn": {FBN3: "FusedBatchNormV3"},
}
KERAS = ("keras_conv_bn", "keras_mobilenet_v2", "keras_mobilenet_v1", "keras_efficientnet_b0")
ALL = (*EXPECTED_TAILS, *KERAS)
NEVER_TAILS = {"Const", "Placeholder", "PlaceholderWithDefault", "NoOp"}
VARIABLE_OPS = {"VariableV2", "VarHandleOp", "Variable", "ReadVariableOp", "AssignVariableOp"}


def read_graph_def(tf: Any, path: Path) -> Any:
    graph_def = tf.compat.v1.GraphDef()
    graph_def.ParseFromString(path.read_bytes())
    return graph_def


def tails(graph_def: Any) -> dict[str, str]:
    """Tail tensor -> op type, by the definition in amct-rules.md (control inputs don't consume)."""
    consumed = {ref.split(":")[0] for n in graph_def.node for ref in n.input if not ref.startswith("^")}
    return {f"{n.name}:0": n.op for n in graph_def.node if n.name not in consumed and n.op not in NEVER_TAILS}


def nodes(graph_def: Any) -> dict[str, Any]:
    return {n.name: n for n in graph_def.node}


def structure(graph_def: Any) -> list[tuple[str, str, list[str]]]:
    return [(n.name, n.op, list(n.input)) for n in graph_def.node]


@pytest.fixture(scope="module")
def graph_defs(tf: Any, manifest: dict[str, dict[str, Any]], fixtures_dir: Path) -> dict[str, Any]:
    return {name: read_graph_def(tf, fixtures_dir / entry["file"]) for name, entry in manifest.items()}


def test_manifest_lists_exactly_the_table(manifest: dict[str, dict[str, Any]]) -> None:
    assert list(manifest) == list(ALL)
    for name, entry in manifest.items():
        assert entry["description"], name
        assert entry["file"] == f"{name}.pb"
        assert list(entry["output_ops"]) == entry["outputs"]


@pytest.mark.parametrize("name", list(EXPECTED_TAILS))
def test_tails_are_the_tables(
    name: str, graph_defs: dict[str, Any], manifest: dict[str, dict[str, Any]]
) -> None:
    actual = tails(graph_defs[name])
    assert actual == EXPECTED_TAILS[name]
    assert manifest[name]["output_ops"] == EXPECTED_TAILS[name]
    # The first listed output is the one the scenario is about (collision Identities come after it).
    assert manifest[name]["outputs"][0] == next(iter(EXPECTED_TAILS[name]))


@pytest.mark.parametrize("name", KERAS)
def test_keras_manifest_matches_graph(
    name: str, graph_defs: dict[str, Any], manifest: dict[str, Any]
) -> None:
    assert tails(graph_defs[name]) == manifest[name]["output_ops"] == {"Identity:0": "Identity"}


@pytest.mark.parametrize("name", ALL)
def test_graph_is_frozen_and_runs(
    name: str, tf: Any, graph_defs: dict[str, Any], manifest: dict[str, Any]
) -> None:
    """No variables left, every placeholder is listed as an input, and TensorFlow can compute every tail."""
    graph_def = graph_defs[name]
    assert not {n.op for n in graph_def.node} & VARIABLE_OPS
    graph = tf.Graph()
    with graph.as_default():
        tf.compat.v1.import_graph_def(graph_def, name="")
    placeholders = [op for op in graph.get_operations() if op.type == "Placeholder"]
    assert sorted(f"{op.name}:0" for op in placeholders) == sorted(manifest[name]["inputs"])
    assert "input:0" in manifest[name]["inputs"]
    feeds = {
        op.outputs[0]: np.zeros(op.outputs[0].shape.as_list(), op.outputs[0].dtype.as_numpy_dtype)
        for op in placeholders
    }
    with tf.compat.v1.Session(graph=graph) as sess:
        values = sess.run([graph.get_tensor_by_name(t) for t in manifest[name]["outputs"]], feed_dict=feeds)
    assert all(np.all(np.isfinite(v)) for v in values)


def test_unfused_bn_is_tf_small_op_structure(graph_defs: dict[str, Any]) -> None:
    for name in ("s5_unfused_bn", "s5_unfused_bn_bias", "neg_unfused_bn_2d"):
        by_name = nodes(graph_defs[name])
        p = "batch_normalization/batchnorm/"
        ops = {k.removeprefix(p): v.op for k, v in by_name.items() if k.startswith(p) and v.op != "Const"}
        assert ops == {"add": "AddV2", "Rsqrt": "Rsqrt", "mul": "Mul", "mul_1": "Mul", "mul_2": "Mul",
                       "sub": "Sub", "add_1": "AddV2"}, name  # fmt: skip
        assert list(by_name[p + "add_1"].input) == [p + "mul_1", p + "sub"]
        assert by_name[p + "mul"].input[0] == p + "Rsqrt"
        assert by_name[p + "sub"].input[1] == p + "mul_2"
    assert nodes(graph_defs["s5_unfused_bn"])["batch_normalization/batchnorm/mul_1"].input[0] == "Conv2D"
    assert (
        nodes(graph_defs["s5_unfused_bn_bias"])["batch_normalization/batchnorm/mul_1"].input[0] == "BiasAdd"
    )
    assert nodes(graph_defs["neg_unfused_bn_2d"])["batch_normalization/batchnorm/mul_1"].input[0] == "MatMul"


@pytest.mark.parametrize(
    ("name", "producer"),
    [("s4_fbn_v1", "Conv2D"), ("s4_fbn_v2", "Conv2D"), ("s4_fbn_v3", "Conv2D"),
     ("s4_bias_fbn_v3", "BiasAdd"), ("s4_depthwise_fbn_v3", "depthwise")],
)  # fmt: skip
def test_fused_bn_is_inference_mode_with_const_params(
    name: str, producer: str, graph_defs: dict[str, Any]
) -> None:
    by_name = nodes(graph_defs[name])
    (bn,) = (n for n in by_name.values() if n.op.startswith("FusedBatchNorm"))
    assert bn.attr["is_training"].b is False
    assert bn.input[0] == producer
    assert all(by_name[i].op == "Const" for i in bn.input[1:])


def test_negative_fixtures_have_their_defect(graph_defs: dict[str, Any]) -> None:
    def const_shape(graph: str, node: str) -> list[int]:
        return [d.size for d in nodes(graph_defs[graph])[node].attr["value"].tensor.tensor_shape.dim]

    assert nodes(graph_defs["neg_matmul_transpose_b"])["MatMul"].attr["transpose_b"].b is True
    assert nodes(graph_defs["s3_matmul"])["MatMul"].attr["transpose_b"].b is False
    conv = nodes(graph_defs["neg_placeholder_weights"])["Conv2D"]
    assert nodes(graph_defs["neg_placeholder_weights"])[conv.input[1]].op == "Placeholder"
    assert conv.input[1] == "weights"
    assert nodes(graph_defs["neg_float16"])["Conv2D"].attr["T"].type == 19  # DT_HALF
    assert const_shape("neg_add_2d", nodes(graph_defs["neg_add_2d"])["Add"].input[1]) == [1, 8]
    assert const_shape("neg_add_len", nodes(graph_defs["neg_add_len"])["Add"].input[1]) == [1]
    assert const_shape("s1_add", nodes(graph_defs["s1_add"])["Add"].input[1]) == [8]
    assert list(nodes(graph_defs["s1_addv2"])["add"].input) == ["Conv2D", "Const_1"]


def test_producers_of_tails(graph_defs: dict[str, Any]) -> None:
    """Each tail sits on the layer the table names (what the rewrite rules look through)."""
    expect = {
        "s2_biasadd_conv2d": ("BiasAdd", "Conv2D"),
        "s2_biasadd_depthwise": ("BiasAdd", "DepthwiseConv2dNative"),
        "s2_biasadd_deconv": ("BiasAdd", "Conv2DBackpropInput"),
        "s2_biasadd_matmul": ("BiasAdd", "MatMul"),
        "s3_avgpool": ("AvgPool", "Relu"),
        "neg_relu": ("Relu", "BiasAdd"),
        "neg_softmax": ("Softmax", "BiasAdd"),
        "neg_identity": ("output", "Conv2D"),
        "multi_output": ("head_a/Add", "Conv2D"),
    }
    for fixture, (tail, producer_op) in expect.items():
        by_name = nodes(graph_defs[fixture])
        assert by_name[by_name[tail].input[0]].op == producer_op, fixture
    head_b = nodes(graph_defs["multi_output"])
    assert head_b[head_b["head_b/BiasAdd"].input[0]].op == "MatMul"


#: Per Keras fixture: ops it must hold (what makes it worth having next to the others), its Conv2D count, and
#: the op its output Identity forwards.
KERAS_SHAPE = {
    "keras_conv_bn": ({"BiasAdd", "Rsqrt", "Mul", "Sub", "AddV2"}, 1, "AddV2"),
    "keras_mobilenet_v2": ({"DepthwiseConv2dNative", "Relu6", "Softmax", "MatMul"}, 35, "Softmax"),
    "keras_mobilenet_v1": (
        {"DepthwiseConv2dNative", "Relu6", "BiasAdd", "Reshape", "Softmax"},
        15,
        "Softmax",
    ),
    "keras_efficientnet_b0": (
        {"DepthwiseConv2dNative", "Sigmoid", "IdentityN", "MatMul", "Softmax"},
        65,
        "Softmax",
    ),
}


@pytest.mark.parametrize("name", KERAS)
def test_keras_weights_reach_const_through_identity(name: str, graph_defs: dict[str, Any]) -> None:
    ops, conv_count, last = KERAS_SHAPE[name]
    by_name = nodes(graph_defs[name])
    assert {n.op for n in by_name.values()} >= ops
    convs = [n for n in by_name.values() if n.op == "Conv2D"]
    assert len(convs) == conv_count
    for conv in convs:
        read = by_name[conv.input[1]]
        assert read.op == "Identity", conv.name
        assert by_name[read.input[0]].op == "Const", conv.name
    assert by_name[by_name["Identity"].input[0]].op == last


def test_pbtxt_is_the_same_graph(
    tf: Any, fixture_path: Callable[[str], Path], graph_defs: dict[str, Any]
) -> None:
    from google.protobuf import text_format

    parsed = text_format.Parse(fixture_path("s1_add.pbtxt").read_text(), tf.compat.v1.GraphDef())
    assert parsed == graph_defs["s1_add"]


def test_committed_example_is_a_fresh_s1_add(tf: Any, fixture_generator: ModuleType) -> None:
    """examples/seed/pb_model/case_1_1.pb (committed, for `make demo`) is what the generator builds now."""
    committed = read_graph_def(tf, fixture_generator.EXAMPLE_PATH)
    fresh = fixture_generator.build_graph_def(tf, "s1_add")
    assert structure(committed) == structure(fresh)
    assert structure(committed) == [
        ("input", "Placeholder", []),
        ("Const", "Const", []),
        ("Conv2D", "Conv2D", ["input", "Const"]),
        ("Const_1", "Const", []),
        ("Add", "Add", ["Conv2D", "Const_1"]),
    ]
    # Same weights too (seeded RNG); only the producer version may differ under another TensorFlow.
    fresh.versions.CopyFrom(committed.versions)
    assert fixture_generator.serialize(fresh) == fixture_generator.serialize(committed)


def test_rebuild_is_byte_identical(tf: Any, fixture_generator: ModuleType) -> None:
    for name in ("s1_add", "s5_unfused_bn", "multi_output"):
        first = fixture_generator.serialize(fixture_generator.build_graph_def(tf, name))
        assert fixture_generator.serialize(fixture_generator.build_graph_def(tf, name)) == first


def test_stamp_detects_stale_builds(
    fixtures_dir: Path, fixture_generator: ModuleType, tmp_path: Path
) -> None:
    assert fixture_generator.is_up_to_date(fixtures_dir)
    copy = tmp_path / "models"
    shutil.copytree(fixtures_dir, copy)
    assert fixture_generator.is_up_to_date(copy)
    (copy / "s3_conv2d.pb").unlink()
    assert not fixture_generator.is_up_to_date(copy)
    shutil.copy(fixtures_dir / "s3_conv2d.pb", copy / "s3_conv2d.pb")
    (copy / ".stamp").write_text("0" * 64 + "\n")
    assert not fixture_generator.is_up_to_date(copy)
    assert not fixture_generator.is_up_to_date(tmp_path / "missing")
