"""TensorFlow as the oracle for the rewrites AMCT documents beyond the FAQ (8.0 and later).

For every new rename, the fixture is imported into real TensorFlow and the rewrite is replayed the way the
rule says (the addend folded into a per-channel bias under a `bias_add` name scope; the scalar Mul folded
into the layer; a searchN Identity after the new tail). TensorFlow must hand out exactly the names we
predict, and the rewritten graph must compute what the original did (so the documented replacement is
possible at all).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from amct_lsp.amct.driver import predict
from amct_lsp.amct.versions import CONV3D_MUL_SINCE, NEWEST, AmctVersion, RuleVersion
from amct_lsp.model.reader import read_model

FixturePath = Callable[[str], Path]


def _import(tf: Any, path: Path) -> Any:
    graph_def = tf.compat.v1.GraphDef()
    graph_def.ParseFromString(path.read_bytes())
    graph = tf.Graph()
    with graph.as_default():
        tf.compat.v1.import_graph_def(graph_def, name="")
    return graph


def _feed(graph: Any) -> dict[Any, Any]:
    out = graph.get_tensor_by_name("input:0")
    return {out: np.random.default_rng(0).random(out.shape.as_list()).astype(np.float32)}


def _const_value(tf: Any, tensor: Any) -> Any:
    return tf.make_ndarray(tensor.op.get_attr("value"))


def _split_const(tf: Any, op: Any) -> tuple[Any, Any]:
    """(the layer-side input, the constant value) of a binary op with one Const input."""
    a, b = op.inputs
    return (a, _const_value(tf, b)) if b.op.type == "Const" else (b, _const_value(tf, a))


def _replay(tf: Any, graph: Any, steps: list[Any]) -> tuple[list[str], Any]:
    """Rebuild each predicted step in `graph` as the rule describes: the names TF gives, the last tensor."""
    names: list[str] = []
    tensor = None
    with graph.as_default():
        for step in steps:
            old = graph.get_tensor_by_name(step.old)
            if step.pass_name == "replace_add_pass":
                layer_out, value = _split_const(tf, old.op)
                channels = int(layer_out.shape[-1])
                bias = tf.constant(np.broadcast_to(value, (*value.shape[:-1], channels)).reshape(channels))
                with graph.name_scope("bias_add"):
                    tensor = tf.nn.bias_add(layer_out, bias)
            elif step.pass_name == "mul_fusion_pass":
                tensor = graph.get_tensor_by_name(step.new)  # the Mul is deleted; the network ends here
            else:
                assert step.pass_name == "quantize_model"
                with graph.name_scope("search_n_quant"), graph.name_scope("search_n_quant_SEARCHN"):
                    tensor = tf.identity(old)
            names.append(tensor.name)
    return names, tensor


@pytest.mark.parametrize(
    "name",
    ["v8_add_scalar", "v8_add_nd", "neg_add_2d", "v8_matmul_add_row", "v8_batch_matmul_add", "v8_conv3d_add"],
)
def test_op_add_replacement_names_and_values(tf: Any, fixture_path: FixturePath, name: str) -> None:
    path = fixture_path(name)
    (verdict,) = predict(read_model(path)).tails
    assert verdict.chain is not None
    graph = _import(tf, path)
    names, tensor = _replay(tf, graph, list(verdict.chain.steps))
    assert names == [s.new for s in verdict.chain.steps]
    with tf.compat.v1.Session(graph=graph) as sess:
        old, new = sess.run([verdict.chain.original, tensor], feed_dict=_feed(graph))
    np.testing.assert_allclose(new, old, rtol=1e-5, atol=1e-6)  # the BiasAdd computes what the Add did


def test_a_per_position_addend_cannot_become_a_bias(tf: Any, fixture_path: FixturePath) -> None:
    """v8_add_full's [1,8,8,8] addend has no per-channel equivalent: why the rule leaves it alone."""
    graph = _import(tf, fixture_path("v8_add_full"))
    _, value = _split_const(tf, graph.get_operation_by_name("Add"))
    with pytest.raises(ValueError):
        np.broadcast_to(value, (8,))
    assert predict(read_model(fixture_path("v8_add_full"))).tails[0].chain is None


@pytest.mark.parametrize(
    ("name", "layer"), [("v8_mul_bias", "Conv2D"), ("v8_mul_conv", "Conv2D"), ("v8_conv3d_mul", "Conv3D")]
)
def test_mul_fusion_names_and_fold(tf: Any, fixture_path: FixturePath, name: str, layer: str) -> None:
    path = fixture_path(name)
    (verdict,) = predict(read_model(path)).tails
    assert verdict.chain is not None
    graph = _import(tf, path)
    names, _ = _replay(tf, graph, list(verdict.chain.steps))
    assert names == [s.new for s in verdict.chain.steps]
    # The fold the documentation describes: the scalar goes into the weights (and the bias), the Mul goes.
    mul = graph.get_operation_by_name("mul")
    before, scale = _split_const(tf, mul)
    conv = graph.get_operation_by_name(layer)
    weights = _const_value(tf, conv.inputs[1])
    with graph.as_default():
        conv_op = tf.nn.conv3d if layer == "Conv3D" else tf.nn.conv2d
        strides = [1] * len(conv.get_attr("strides"))
        folded = conv_op(conv.inputs[0], weights * scale, strides=strides, padding="SAME")
        if before.op.type == "BiasAdd":
            folded = tf.nn.bias_add(folded, _const_value(tf, before.op.inputs[1]) * scale)
    with tf.compat.v1.Session(graph=graph) as sess:
        want, got = sess.run(["mul:0", folded], feed_dict=_feed(graph))
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)


def test_conv3d_mul_fusion_follows_the_version(tf: Any, fixture_path: FixturePath) -> None:
    """8.5+ (and the default) fuse Conv3D+BiasAdd+Mul: the network ends at the BiasAdd, which TensorFlow
    still has under that name; 8.0.x knows no Conv3D+Mul fusion, so the Mul tail stays and no step applies;
    7.0 knows no Conv3D at all."""
    path = fixture_path("v8_conv3d_mul")
    model = read_model(path)
    for rules in (NEWEST, RuleVersion(CONV3D_MUL_SINCE, ""), RuleVersion(AmctVersion.parse("9.0"), "")):
        (verdict,) = predict(model, rules=rules).tails
        assert verdict.chain is not None
        assert [(s.pass_name, s.new) for s in verdict.chain.steps] == [
            ("mul_fusion_pass", "BiasAdd:0"),
            ("quantize_model", "search_n_quant/search_n_quant_SEARCHN/Identity:0"),
        ]
        assert "Conv3D" in verdict.chain.steps[0].reason and "inferred" in verdict.chain.steps[0].reason
    assert _import(tf, path).get_operation_by_name("BiasAdd").type == "BiasAdd"
    for version in ("7.0", "8.0.RC1", "8.0.RC3", "8.0", "8.3.RC1"):
        (verdict,) = predict(model, rules=RuleVersion(AmctVersion.parse(version), "")).tails
        assert verdict.chain is None, version
        if version != "7.0":  # 7.0 runs no fusion at all; 8.0.x says why this one does not apply
            assert "documented from AMCT 8.5 on" in verdict.reason, version


def test_group_conv_bn_fusion_name_and_fold(tf: Any, fixture_path: FixturePath) -> None:
    """The BN's scale goes into each group's filters and its shift into one BiasAdd after the ConcatV2: the
    result computes the BN's output, and TensorFlow names an op `bias_add` as predicted."""
    path = fixture_path("v8_group_conv_bn")
    (verdict,) = predict(read_model(path)).tails
    assert verdict.chain is not None
    (step,) = verdict.chain.steps
    graph = _import(tf, path)
    bn = graph.get_operation_by_name("batch_normalization/FusedBatchNormV3")
    scale, offset, mean, variance = (_const_value(tf, t) for t in bn.inputs[1:5])
    factor = scale / np.sqrt(variance + bn.get_attr("epsilon"))
    concat = graph.get_operation_by_name("concat")
    with graph.as_default():
        parts = []
        start = 0
        for conv_out in concat.inputs[:-1]:
            conv = conv_out.op
            weights = _const_value(tf, conv.inputs[1])
            width = weights.shape[-1]
            folded = weights * factor[start : start + width]
            parts.append(tf.nn.conv2d(conv.inputs[0], folded, strides=[1, 1, 1, 1], padding="SAME"))
            start += width
        joined = tf.concat(parts, axis=3)
        fused = tf.nn.bias_add(joined, offset - mean * factor, name="bias_add")
    assert fused.name == step.new == "bias_add:0"
    with tf.compat.v1.Session(graph=graph) as sess:
        want, got = sess.run([step.old, fused], feed_dict=_feed(graph))
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4)


def test_matmul_reshape_bn_fusion_name_and_fold(tf: Any, fixture_path: FixturePath) -> None:
    """The BN folded into the MatMul's weights and bias computes the second Reshape's output, and TensorFlow
    names the new BiasAdd `bias_add` as predicted (the searchN after it as in the FAQ)."""
    path = fixture_path("v8_matmul_reshape_bn")
    (verdict,) = predict(read_model(path)).tails
    assert verdict.chain is not None
    fuse, search = verdict.chain.steps
    graph = _import(tf, path)
    bn = graph.get_operation_by_name("batch_normalization/FusedBatchNormV3")
    scale, offset, mean, variance = (_const_value(tf, t) for t in bn.inputs[1:5])
    factor = scale / np.sqrt(variance + bn.get_attr("epsilon"))
    matmul = graph.get_operation_by_name("MatMul")
    bias = _const_value(tf, graph.get_operation_by_name("BiasAdd").inputs[1])
    with graph.as_default():
        product = tf.matmul(matmul.inputs[0], _const_value(tf, matmul.inputs[1]) * factor)
        fused = tf.nn.bias_add(product, bias * factor + offset - mean * factor, name="bias_add")
        with graph.name_scope("search_n_quant"), graph.name_scope("search_n_quant_SEARCHN"):
            searched = tf.identity(fused)
    assert [fused.name, searched.name] == [fuse.new, search.new]
    with tf.compat.v1.Session(graph=graph) as sess:
        want, got = sess.run([fuse.old, fused], feed_dict=_feed(graph))
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4)


def _bn_fold(tf: Any, bn: Any) -> tuple[Any, Any]:
    """(per-channel factor, shift) of an inference BN: y = x * factor + shift."""
    scale, offset, mean, variance = (_const_value(tf, t) for t in bn.inputs[1:5])
    factor = scale / np.sqrt(variance + bn.get_attr("epsilon"))
    return factor, offset - mean * factor


def test_conv3d_bn_fusion_name_and_fold(tf: Any, fixture_path: FixturePath) -> None:
    """Conv3D+BN (8.0+): the BN folded into the Conv3D's filter plus a BiasAdd computes the BN's output;
    TensorFlow names the BiasAdd `bias_add` and the searchN Identity after it as predicted."""
    path = fixture_path("v8_conv3d_bn")
    (verdict,) = predict(read_model(path)).tails
    assert verdict.chain is not None
    fuse, search = verdict.chain.steps
    graph = _import(tf, path)
    factor, shift = _bn_fold(tf, graph.get_operation_by_name("batch_normalization/FusedBatchNormV3"))
    conv = graph.get_operation_by_name("Conv3D")
    weights = _const_value(tf, conv.inputs[1]) * factor
    with graph.as_default():
        folded = tf.nn.conv3d(conv.inputs[0], weights, strides=[1, 1, 1, 1, 1], padding="SAME")
        fused = tf.nn.bias_add(folded, shift, name="bias_add")
        with graph.name_scope("search_n_quant"), graph.name_scope("search_n_quant_SEARCHN"):
            searched = tf.identity(fused)
    assert [fused.name, searched.name] == [fuse.new, search.new]
    feed = {graph.get_tensor_by_name("input:0"): np.random.default_rng(0).random((1, 4, 8, 8, 3))}
    with tf.compat.v1.Session(graph=graph) as sess:
        want, got = sess.run([fuse.old, fused], feed_dict=feed)
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4)


def test_batch_to_space_bn_reorder_and_fold(tf: Any, fixture_path: FixturePath) -> None:
    """Conv2D+BatchToSpace+BN (8.0+): moving the BN before the BatchToSpaceND and folding it into the conv
    computes the BN's output (so the documented reorder is exact), and the conv's new BiasAdd is named
    `bias_add`. The predicted tail is the model's own BatchToSpaceND; a new one built by the TF API would be
    suffixed instead, which is why the step is labelled inferred."""
    path = fixture_path("v8_atrous_conv_bn")
    (verdict,) = predict(read_model(path)).tails
    assert verdict.chain is not None
    (step,) = verdict.chain.steps
    assert step.new == "convolution/BatchToSpaceND:0" and step.removes_old
    graph = _import(tf, path)
    factor, shift = _bn_fold(tf, graph.get_operation_by_name("batch_normalization/FusedBatchNormV3"))
    conv = graph.get_operation_by_name("convolution")
    reorder = graph.get_operation_by_name("convolution/BatchToSpaceND")
    weights = _const_value(tf, conv.inputs[1]) * factor
    with graph.as_default():
        folded = tf.nn.conv2d(conv.inputs[0], weights, strides=[1, 1, 1, 1], padding=conv.get_attr("padding"))
        fused = tf.nn.bias_add(folded, shift, name="bias_add")
        block_shape, crops = reorder.inputs[1], reorder.inputs[2]
        with graph.name_scope("convolution/"):
            moved = tf.raw_ops.BatchToSpaceND(input=fused, block_shape=block_shape, crops=crops)
    assert fused.name == "bias_add:0"
    assert verdict.chain.side == (fused.name,)  # registered: a name that only exists after the rewrite
    assert moved.name != step.new  # a new op cannot take the old one's name: only a rewire keeps it
    with tf.compat.v1.Session(graph=graph) as sess:
        want, got = sess.run([step.old, moved], feed_dict=_feed(graph))
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4)
