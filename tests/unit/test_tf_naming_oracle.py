"""TensorFlow is the oracle for `NameAllocator`: the same creations in a real `tf.Graph` give the same names.

AMCT builds its new ops with TensorFlow's Python API inside the user's graph, so the suffix of a renamed
output (`bias_add_1`, `search_n_quant_1/...`) is whatever `Graph.unique_name` hands out. Each test loads a
graph into TensorFlow, replays AMCT-like creations there and in an allocator fed with the graph's op names,
and compares every name (scopes included) — for the collision fixtures and for hypothesis-made existing names.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from amct_lsp.amct.names import NameAllocator


@dataclass(frozen=True)
class Step:
    """One AMCT-like creation: `kind` is bias_add_scope | bias_add_op | search_n | bn_replace (S, L)."""

    kind: str
    scope: str = ""  # bn_replace: S, the add_1's scope
    layer: str = ""  # bn_replace: L, S without its last component

    def __str__(self) -> str:
        return f"bn_replace({self.scope})" if self.kind == "bn_replace" else self.kind


ADD = Step("bias_add_scope")  # replace_add_pass: a `bias_add` scope around a BiasAdd op
FUSE = Step("bias_add_op")  # conv_bn_fusion_pass: one op named `bias_add`
SEARCH_N = Step("search_n")  # searchN: search_n_quant/search_n_quant_SEARCHN/Identity
BN = Step("bn_replace", "batch_normalization/batchnorm", "batch_normalization")  # replace_bn_pass
BN_OTHER = Step("bn_replace", "block/bn/batchnorm", "block/bn")

Names = tuple[str, ...]


def tf_step(tf: Any, graph: Any, step: Step, x: Any, params: Any) -> Names:
    """Do `step` with real TensorFlow; return the scopes entered and the op created, as TF reports them."""
    with graph.as_default():
        if step.kind == "bias_add_scope":
            with graph.name_scope("bias_add") as scope:
                out = tf.nn.bias_add(x, params)
            return scope, out.op.name
        if step.kind == "bias_add_op":
            return (tf.identity(x, name="bias_add").op.name,)
        if step.kind == "search_n":
            with (
                graph.name_scope("search_n_quant") as outer,
                graph.name_scope("search_n_quant_SEARCHN") as inner,
            ):
                out = tf.identity(x)
            return outer, inner, out.op.name
        assert step.kind == "bn_replace"
        with graph.name_scope(f"{step.scope}/bn_replace") as outer, graph.name_scope(step.layer) as inner:
            out, _, _ = tf.compat.v1.nn.fused_batch_norm(
                x, params, params, mean=params, variance=params, is_training=False
            )
        return outer, inner, out.op.name


def allocator_step(alloc: NameAllocator, step: Step) -> Names:
    """The same creation as `tf_step`, replayed as the unique_name / name_scope calls TensorFlow makes."""
    if step.kind == "bias_add_scope":
        with alloc.name_scope("bias_add") as scope:
            return scope, alloc.unique_name("BiasAdd")
    if step.kind == "bias_add_op":
        return (alloc.unique_name("bias_add"),)
    if step.kind == "search_n":
        with alloc.name_scope("search_n_quant") as outer, alloc.name_scope("search_n_quant_SEARCHN") as inner:
            return outer, inner, alloc.unique_name("Identity")
    with alloc.name_scope(f"{step.scope}/bn_replace") as outer, alloc.name_scope(step.layer) as inner:
        return outer, inner, alloc.unique_name("FusedBatchNormV3")


def replay(
    tf: Any, graph: Any, steps: Sequence[Step], x: Any, params: Any
) -> tuple[list[Names], list[Names]]:
    """Run `steps` in TF and in an allocator that knows the graph's current ops; return both name lists."""
    alloc = NameAllocator(op.name for op in graph.get_operations())
    tf_names: list[Names] = []
    for step in steps:
        before = {op.name for op in graph.get_operations()}
        names = tf_step(tf, graph, step, x, params)
        # Each step must create exactly the one op we model, or the replay below would be the wrong oracle.
        assert {op.name for op in graph.get_operations()} - before == {names[-1]}, step
        tf_names.append(names)
    return tf_names, [allocator_step(alloc, step) for step in steps]


def graph_with(tf: Any, existing: Iterable[str], *, channels: int = 3) -> tuple[Any, Any, Any]:
    """A graph holding NoOps named `existing` plus an NHWC input and a per-channel Const for the new ops."""
    graph_def = tf.compat.v1.GraphDef()
    for name in existing:
        graph_def.node.add(name=name, op="NoOp")
    graph = tf.Graph()
    with graph.as_default():
        tf.compat.v1.import_graph_def(graph_def, name="")
        x = tf.compat.v1.placeholder(tf.float32, [1, 2, 2, channels], name="oracle_x")
        params = tf.constant(np.ones(channels, np.float32), name="oracle_params")
    return graph, x, params


def load_fixture(tf: Any, path: Path) -> tuple[Any, Any, Any]:
    graph_def = tf.compat.v1.GraphDef()
    graph_def.ParseFromString(path.read_bytes())
    graph = tf.Graph()
    with graph.as_default():
        tf.compat.v1.import_graph_def(graph_def, name="")
        x = graph.get_tensor_by_name("input:0")
        params = tf.constant(np.ones(int(x.shape[-1]), np.float32), name="oracle_params")
    return graph, x, params


# What the fixtures must give, spelled out: these are the rules of amct-rules.md ("Names") made concrete.
FIXTURE_CASES: list[tuple[str, list[Step], list[str]]] = [
    ("s4_fbn_v3", [FUSE], ["bias_add"]),
    ("col_bias_add", [FUSE], ["bias_add_1"]),
    ("col_Bias_Add", [FUSE], ["bias_add_1"]),
    ("col_bias_add_1", [FUSE], ["bias_add_2"]),
    ("col_bias_add_1", [FUSE, FUSE], ["bias_add_2", "bias_add_3"]),
    ("s1_add", [ADD, SEARCH_N], ["bias_add/BiasAdd", "search_n_quant/search_n_quant_SEARCHN/Identity"]),
    ("col_bias_add_scope", [ADD], ["bias_add/BiasAdd"]),
    ("col_bias_add", [ADD], ["bias_add_1/BiasAdd"]),
    ("col_search_n_quant", [SEARCH_N], ["search_n_quant_1/search_n_quant_SEARCHN/Identity"]),
    (
        "s5_unfused_bn",
        [BN, FUSE],
        ["batch_normalization/batchnorm/bn_replace/batch_normalization/FusedBatchNormV3", "bias_add"],
    ),
    ("col_bias_add", [ADD, FUSE, SEARCH_N, SEARCH_N], [
        "bias_add_1/BiasAdd", "bias_add_2", "search_n_quant/search_n_quant_SEARCHN/Identity",
        "search_n_quant_1/search_n_quant_SEARCHN/Identity",
    ]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("fixture", "steps", "expected"),
    FIXTURE_CASES,
    ids=[f"{f}:{'+'.join(map(str, s))}" for f, s, _ in FIXTURE_CASES],
)
def test_fixture_names_match_tensorflow(
    tf: Any, fixture_path: Callable[[str], Path], fixture: str, steps: list[Step], expected: list[str]
) -> None:
    graph, x, params = load_fixture(tf, fixture_path(fixture))
    tf_names, our_names = replay(tf, graph, steps, x, params)
    assert [names[-1] for names in tf_names] == expected  # TensorFlow agrees with the rule as written
    assert our_names == tf_names


LONG_RUN = [ADD, FUSE, SEARCH_N, BN, BN_OTHER, FUSE, ADD, SEARCH_N, BN, FUSE]
COLLISION_FIXTURES = [
    "col_bias_add",
    "col_Bias_Add",
    "col_bias_add_1",
    "col_bias_add_scope",
    "col_search_n_quant",
]


@pytest.mark.parametrize("fixture", [*COLLISION_FIXTURES, "s1_add", "s5_unfused_bn", "multi_output"])
def test_long_run_on_fixture_matches_tensorflow(
    tf: Any, fixture_path: Callable[[str], Path], fixture: str
) -> None:
    """Every kind of creation, repeated, so names made earlier in the run are taken too."""
    graph, x, params = load_fixture(tf, fixture_path(fixture))
    tf_names, our_names = replay(tf, graph, LONG_RUN, x, params)
    assert our_names == tf_names


# Existing names built from the pieces AMCT's names are made of, in any case, with `_N` suffixes and scopes.
_BASES = ["bias_add", "BiasAdd", "search_n_quant", "search_n_quant_SEARCHN", "Identity", "FusedBatchNormV3",
          "bn_replace", "batch_normalization", "batchnorm"]  # fmt: skip
_PREFIXES = [
    "", "", "bias_add/", "bias_add_1/", "search_n_quant/", "search_n_quant/search_n_quant_SEARCHN/",
    "batch_normalization/", "batch_normalization/batchnorm/",
    "batch_normalization/batchnorm/bn_replace/batch_normalization/", "block/bn/batchnorm/",
]  # fmt: skip
_CASES: list[Callable[[str], str]] = [str, str, str.lower, str.upper, str.title, str.swapcase]


#: Full names AMCT itself creates: a graph that was already quantized once, or a user who mimicked them.
_AMCT_NAMES = [
    "bias_add", "bias_add/BiasAdd", "bias_add_1/BiasAdd", "search_n_quant/search_n_quant_SEARCHN/Identity",
    "search_n_quant/search_n_quant_SEARCHN", "search_n_quant_1/search_n_quant_SEARCHN/Identity",
    "batch_normalization/batchnorm/bn_replace",
    "batch_normalization/batchnorm/bn_replace/batch_normalization/FusedBatchNormV3",
    "block/bn/batchnorm/bn_replace/block/bn",
]  # fmt: skip


@st.composite
def op_name(draw: st.DrawFn) -> str:
    if draw(st.booleans()):
        name = draw(st.sampled_from(_AMCT_NAMES))
    else:
        name = draw(st.sampled_from(_PREFIXES)) + draw(st.sampled_from(_BASES))
    name = draw(st.sampled_from(_CASES))(name)
    suffix = draw(st.sampled_from(["", "", "_1", "_2", "_3", "_0", "_10"]))
    child = draw(st.sampled_from(["", "", "", "/inner"]))
    return name + suffix + child


step_strategy = st.sampled_from([ADD, FUSE, SEARCH_N, BN, BN_OTHER])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    existing=st.lists(op_name(), max_size=10, unique=True),
    steps=st.lists(step_strategy, min_size=1, max_size=6),
)
def test_generated_names_match_tensorflow(tf: Any, existing: list[str], steps: list[Step]) -> None:
    graph, x, params = graph_with(tf, existing)
    tf_names, our_names = replay(tf, graph, steps, x, params)
    assert our_names == tf_names


def test_scope_ops_do_not_block_the_scope_but_the_exact_name_does(tf: Any) -> None:
    """The two sides of the `bias_add/inner` rule, checked directly against TensorFlow."""
    for existing, expected in [
        (["bias_add/inner"], ("bias_add/", "bias_add/BiasAdd")),
        (["bias_add/BiasAdd"], ("bias_add/", "bias_add/BiasAdd_1")),
        (["BIAS_ADD", "Bias_Add_1"], ("bias_add_2/", "bias_add_2/BiasAdd")),
        (["bias_add_1"], ("bias_add/", "bias_add/BiasAdd")),
    ]:
        graph, x, params = graph_with(tf, existing)
        tf_names, our_names = replay(tf, graph, [ADD], x, params)
        assert tf_names == our_names == [expected], existing


def test_unique_name_directly_against_graph_unique_name(tf: Any) -> None:
    """Plain `unique_name` calls, including names that only differ in case and names already suffixed."""
    existing = ["a", "A_1", "b_2", "c/d"]
    calls = ["a", "a", "A", "b", "b", "b", "b_2", "c", "c/d", "C/D", "a_1"]
    graph, _, _ = graph_with(tf, existing)
    alloc = NameAllocator(op.name for op in graph.get_operations())
    assert [alloc.unique_name(n) for n in calls] == [graph.unique_name(n) for n in calls]
