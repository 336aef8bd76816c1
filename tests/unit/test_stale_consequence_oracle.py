"""TensorFlow as the oracle for the documented consequence of a stale name (docs/amct-rules.md).

AMCT adds its ops to the user's `tf.Graph`; a graph has no public way to delete an op, so after
`quantize_model` the old output tensor still exists. Running it is no error at that point: it is computed off
the quantized path, without the inserted searchN (and, for a replaced tail, without the new layer), so
calibration records nothing for the tail layer and `save_model` fails later. Each test imports a fixture into
real TensorFlow, adds the new ops the way the rewrite rules say, and checks exactly that.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

pytestmark = pytest.mark.slow


def _import(tf: Any, path: Path) -> Any:
    graph_def = tf.compat.v1.GraphDef()
    graph_def.ParseFromString(path.read_bytes())
    graph = tf.Graph()
    with graph.as_default():
        tf.import_graph_def(graph_def, name="")
    return graph


def _ancestors(tensor: Any) -> set[str]:
    """Names of every op the tensor's value is computed from."""
    seen: set[str] = set()
    stack = [tensor.op]
    while stack:
        op = stack.pop()
        if op.name in seen:
            continue
        seen.add(op.name)
        stack.extend(t.op for t in op.inputs)
    return seen


def _feed(graph: Any) -> dict[Any, Any]:
    feeds = {}
    for op in graph.get_operations():
        if op.type == "Placeholder":
            out = op.outputs[0]
            shape = [d if d is not None else 1 for d in out.shape.as_list()]
            feeds[out] = np.random.default_rng(0).random(shape).astype(np.float32)
    return feeds


@pytest.mark.parametrize(
    ("fixture", "old", "rewrite"),
    [
        ("s1_add", "Add:0", "replace_add"),  # Add with a constant becomes bias_add/BiasAdd, then searchN
        ("s2_biasadd_conv2d", "BiasAdd:0", "search_n"),  # the tail layer itself gets a searchN after it
    ],
)
def test_old_output_still_runs_but_bypasses_the_new_ops(
    tf: Any, fixture_path: Callable[[str], Path], fixture: str, old: str, rewrite: str
) -> None:
    graph = _import(tf, fixture_path(fixture))
    old_tensor = graph.get_tensor_by_name(old)
    with graph.as_default():
        tail = old_tensor
        if rewrite == "replace_add":
            layer_out, constant = old_tensor.op.inputs
            if constant.op.type != "Const":
                layer_out, constant = constant, layer_out
            with graph.name_scope("bias_add"):
                tail = tf.nn.bias_add(layer_out, constant)
        with graph.name_scope("search_n_quant"), graph.name_scope("search_n_quant_SEARCHN"):
            new = tf.identity(tail)
    assert new.name == "search_n_quant/search_n_quant_SEARCHN/Identity:0"
    # The old op was not deleted: looking its name up again still works (no KeyError) ...
    assert graph.get_tensor_by_name(old) is old_tensor
    # ... and it is computed without any of the new ops: calibration through it never reaches the searchN.
    new_ops = {op.name for op in graph.get_operations()} - _ancestors(old_tensor) - {old_tensor.op.name}
    assert "search_n_quant/search_n_quant_SEARCHN/Identity" in new_ops
    assert not any(name.startswith(("search_n_quant", "bias_add")) for name in _ancestors(old_tensor))
    with tf.compat.v1.Session(graph=graph) as sess:
        feeds = _feed(graph)
        stale, fresh = sess.run([old, new.name], feed_dict=feeds)
    assert stale.shape == fresh.shape
    np.testing.assert_allclose(stale, fresh, rtol=1e-5)  # same numbers: nothing fails until save_model
