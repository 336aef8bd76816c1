"""The rewrite model: exact rename chains for every fixture (built with real TensorFlow), and the rule
details on small hand-built graphs."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from amct_lsp.amct.chain import Evidence, Prediction, TailVerdict
from amct_lsp.amct.driver import predict
from amct_lsp.amct.layers import option_warnings, output_channels, weights_are_const, will_be_quantized
from amct_lsp.amct.options import QuantOptions
from amct_lsp.amct.passes.search_n import AVGPOOL_NOTE
from amct_lsp.amct.versions import AmctVersion, RuleVersion
from amct_lsp.model.graph import ModelGraph, Node
from amct_lsp.model.reader import read_model, read_model_bytes

SN = "search_n_quant/search_n_quant_SEARCHN/Identity:0"
BN_FAQ = "batch_normalization/batchnorm/bn_replace/batch_normalization/FusedBatchNormV3:0"
ADD, FUSE, BN, QM = "replace_add_pass", "conv_bn_fusion_pass", "replace_bn_pass", "quantize_model"
FAQ, TF, INF = Evidence.FAQ, Evidence.TF, Evidence.INFERRED

#: The FAQ's rules only: every rule test below holds at 7.0, and at the default where the rules coincide.
V7 = RuleVersion(AmctVersion.parse("7.0"), "from the test")
RULES = [pytest.param(V7, id="7.0"), pytest.param(None, id="default")]

FixturePath = Callable[[str], Path]
#: A rename chain as (pass, old, new, evidence, removes_old) per step.
Chain = list[tuple[str, str, str, Evidence, bool]]


def load(fixture_path: FixturePath, name: str) -> ModelGraph:
    return read_model(fixture_path(name))


def verdict(prediction: Prediction, tail: str) -> TailVerdict:
    found = [v for v in prediction.tails if v.tail == tail]
    assert found, f"no tail {tail!r}; tails: {[v.tail for v in prediction.tails]}"
    return found[0]


def chain_of(prediction: Prediction, tail: str) -> Chain:
    chain = verdict(prediction, tail).chain
    assert chain is not None, verdict(prediction, tail).reason
    return [(s.pass_name, s.old, s.new, s.evidence, s.removes_old) for s in chain.steps]


# --- the FAQ's five scenarios, one fixture each variant ---


def search_n_chain(tail: str) -> Chain:
    """Scenarios 2 and 3: a searchN after the tail."""
    return [(QM, f"{tail}:0", SN, FAQ, False)]


def replace_add_chain(tail: str) -> Chain:
    """Scenario 1: the Add becomes `bias_add/BiasAdd`, then gets a searchN."""
    return [(ADD, f"{tail}:0", "bias_add/BiasAdd:0", FAQ, True), *search_n_chain("bias_add/BiasAdd")]


def fusion_chain(tail: str) -> Chain:
    """Scenario 4: the FusedBatchNorm is folded into an op `bias_add`, then gets a searchN."""
    return [(FUSE, f"{tail}:0", "bias_add:0", FAQ, True), *search_n_chain("bias_add")]


FAQ_CHAINS: dict[str, tuple[str, Chain]] = {
    **{
        name: (tail, replace_add_chain(tail))
        for name, tail in [
            ("s1_add", "Add"),
            ("s1_addv2", "add"),
            # The bias length is checked against each layer type's output channels.
            ("s1_add_depthwise", "Add"),  # channel multiplier 2: 3 input channels, bias of 6
            ("s1_add_deconv", "Add"),
            ("s1_add_matmul", "add"),
            ("s1_add_identity_bias", "Add"),  # the bias reaches its Const through two Identity nodes
        ]
    },
    **{
        name: (tail, search_n_chain(tail))
        for name, tail in [
            ("s2_biasadd_conv2d", "BiasAdd"),
            ("s2_biasadd_depthwise", "BiasAdd"),
            ("s2_biasadd_deconv", "BiasAdd"),
            ("s2_biasadd_matmul", "BiasAdd"),
            ("s3_conv2d", "Conv2D"),
            ("s3_depthwise", "depthwise"),
            ("s3_deconv", "conv2d_transpose"),
            ("s3_matmul", "MatMul"),
            ("s3_avgpool", "AvgPool"),
            ("ctrl_dep_tail", "Conv2D"),  # ^Conv2D does not consume it
        ]
    },
    **{
        name: (f"batch_normalization/{op}", fusion_chain(f"batch_normalization/{op}"))
        for name, op in [
            ("s4_fbn_v1", "FusedBatchNorm"),
            ("s4_fbn_v2", "FusedBatchNormV2"),
            ("s4_fbn_v3", "FusedBatchNormV3"),
            ("s4_bias_fbn_v3", "FusedBatchNormV3"),
            ("s4_depthwise_fbn_v3", "FusedBatchNormV3"),
        ]
    },
    **{
        name: (
            "batch_normalization/batchnorm/add_1",
            [
                (BN, "batch_normalization/batchnorm/add_1:0", BN_FAQ, FAQ, True),
                *fusion_chain(BN_FAQ.removesuffix(":0")),
            ],
        )
        for name in (
            "s5_unfused_bn",
            "s5_unfused_bn_bias",
            # Rule details beyond the FAQ's own graphs, built with real TensorFlow as users' graphs are:
            "s5_unfused_bn_noscale",  # scale=False: x * Rsqrt, no mul by gamma
            "s5_unfused_bn_nocenter",  # center=False: Neg(mean) * inv instead of Sub(beta, ...)
            "s5_unfused_bn_bare",  # both
            "s5_unfused_bn_depthwise",  # x from DepthwiseConv2dNative
            "s5_unfused_bn_tf1_add",  # Add (TF 1.x) instead of AddV2 in both places
        )
    },
}


@pytest.mark.parametrize("rules", RULES)
@pytest.mark.parametrize("name", sorted(FAQ_CHAINS))
def test_faq_scenario_chain(fixture_path: FixturePath, name: str, rules: RuleVersion | None) -> None:
    tail, expected = FAQ_CHAINS[name]
    prediction = predict(load(fixture_path, name), rules=rules)
    assert [v.tail for v in prediction.tails] == [tail]
    assert chain_of(prediction, tail) == expected
    chain = verdict(prediction, tail).chain
    assert chain is not None
    assert chain.final == SN
    assert chain.removes_original == (expected[0][0] != QM)
    assert prediction.chain_for(f"{tail}:0") is chain
    assert prediction.chain_for(tail) is chain  # an op name means its :0
    # Every new tensor and op name, intermediate ones included.
    for _, _, new, _, _ in expected:
        assert new in prediction.created
        assert new.removesuffix(":0") in prediction.created
    assert f"{tail}:0" not in prediction.created


def test_faq_scenario_notes(fixture_path: FixturePath) -> None:
    avgpool = predict(load(fixture_path, "s3_avgpool"))
    chain = verdict(avgpool, "AvgPool").chain
    assert chain is not None
    assert AVGPOOL_NOTE in chain.notes
    # The Conv2D before Relu/AvgPool is another quantizable layer: AMCT may number the tail differently.
    assert any("other quantizable layer" in n and "'Conv2D'" in n for n in chain.notes)
    assert avgpool.notes and "calib_outputs" in avgpool.notes[0]
    plain = predict(load(fixture_path, "s1_add"))
    assert verdict(plain, "Add").chain.notes == ()  # type: ignore[union-attr]
    assert plain.notes == ()


# --- tails AMCT leaves alone ---

NEGATIVE = {
    "neg_relu": ("Relu", "Relu is not quantized, so AMCT leaves this output alone"),
    "neg_softmax": ("Softmax", "Softmax is not quantized, so AMCT leaves this output alone"),
    "neg_identity": ("output", "Identity is not quantized, so AMCT leaves this output alone"),
    "neg_matmul_transpose_b": ("MatMul", "MatMul with transpose_b=True is not quantized by AMCT"),
    "neg_matmul_transpose_a": ("MatMul", "MatMul with transpose_a=True is not quantized by AMCT"),
    "neg_placeholder_weights": ("Conv2D", "weights of Conv2D come from Placeholder 'weights', not a Const"),
    "neg_float16": ("Conv2D", "dtype float16; AMCT quantizes float32 layers only"),
    "neg_add_2d": ("Add", "constant operand is 2-D (shape [1,8]), not a 1-D bias"),
    "neg_add_len": ("Add", "1-D constant has length 1 but Conv2D has 8 output channels"),
    "neg_unfused_bn_2d": (
        "batch_normalization/batchnorm/add_1",
        "input comes from MatMul (2-D), not the 4-D output",
    ),
}


#: Tails the FAQ's rules leave alone but AMCT 8.0.RC3+ documents a rewrite for (test_versions.py).
RENAMED_SINCE_8 = {"neg_add_2d"}


@pytest.mark.parametrize(
    ("name", "rules"),
    [(name, V7) for name in sorted(NEGATIVE)]
    + [(name, None) for name in sorted(NEGATIVE) if name not in RENAMED_SINCE_8],
)
def test_negative_fixture_keeps_its_name(
    fixture_path: FixturePath, name: str, rules: RuleVersion | None
) -> None:
    tail, fragment = NEGATIVE[name]
    prediction = predict(load(fixture_path, name), rules=rules)
    assert [v.tail for v in prediction.tails] == [tail]
    found = verdict(prediction, tail)
    assert found.chain is None
    assert fragment.lower() in found.reason.lower()
    assert "\n" not in found.reason
    assert prediction.created == frozenset()


def test_model_notes_only_when_something_is_renamed(fixture_path: FixturePath) -> None:
    assert predict(load(fixture_path, "neg_relu")).notes == ()
    assert "other quantizable layer" in predict(load(fixture_path, "multi_output")).notes[0]


@pytest.mark.parametrize("name", ["keras_mobilenet_v2", "keras_mobilenet_v1", "keras_efficientnet_b0"])
def test_prediction_is_fast_on_a_real_network(fixture_path: FixturePath, name: str) -> None:
    graph = load(fixture_path, name)
    start = time.perf_counter()
    for _ in range(20):
        predict(graph)
    assert (time.perf_counter() - start) / 20 < 0.05  # measured ~0.5-1.5 ms for 565-1994 nodes


def test_identity_tail_says_what_it_forwards(fixture_path: FixturePath) -> None:
    found = verdict(predict(load(fixture_path, "neg_identity")), "output")
    assert "it forwards 'Conv2D:0', which AMCT would rename to" in found.reason


# --- the script's exclusions ---


FBN3_TAIL = "batch_normalization/FusedBatchNormV3"
NO_SEARCH_N = "so no searchN is inserted after it"

#: fixture, its tail, the setting, what the tail's reason must say: each setting keeps the tail's name.
KEEPING_SETTINGS = {
    "skip_layers": (
        "s2_biasadd_conv2d",
        "BiasAdd",
        QuantOptions(skip_layers=frozenset({"Conv2D"}), sources=("test",)),
        ["'Conv2D' is listed in skip_layers (from test)", NO_SEARCH_N],
    ),
    "skip_layer_types": (
        "s3_matmul",
        "MatMul",
        QuantOptions(skip_layer_types=["MatMul"]),  # type: ignore[arg-type]
        ["layer type MatMul is listed in skip_layer_types", NO_SEARCH_N],
    ),
    "quant_enable": (
        "s3_conv2d",
        "Conv2D",
        QuantOptions(disabled_layers=["Conv2D"]),  # type: ignore[arg-type]
        ['"quant_enable": false', NO_SEARCH_N],
    ),
    "do_fusion": ("s4_fbn_v3", FBN3_TAIL, QuantOptions(do_fusion=False), ["do_fusion is false"]),
    "skip_fusion_layers=conv": (
        "s4_fbn_v3",
        FBN3_TAIL,
        QuantOptions(skip_fusion_layers=frozenset({"Conv2D"})),
        ["'Conv2D' is listed in skip_fusion_layers"],
    ),
    "skip_fusion_layers=bn": (
        "s4_fbn_v3",
        FBN3_TAIL,
        QuantOptions(skip_fusion_layers=frozenset({FBN3_TAIL})),
        [f"'{FBN3_TAIL}' is listed in skip_fusion_layers"],
    ),
}


@pytest.mark.parametrize("setting", list(KEEPING_SETTINGS))
def test_setting_keeps_the_name(fixture_path: FixturePath, setting: str) -> None:
    name, tail, options, fragments = KEEPING_SETTINGS[setting]
    found = verdict(predict(load(fixture_path, name), options), tail)
    assert found.chain is None
    for fragment in fragments:
        assert fragment in found.reason


def test_skipped_layer_still_gets_replace_add_but_inferred(fixture_path: FixturePath) -> None:
    prediction = predict(load(fixture_path, "s1_add"), QuantOptions(skip_layers=frozenset({"Conv2D"})))
    assert chain_of(prediction, "Add") == [(ADD, "Add:0", "bias_add/BiasAdd:0", INF, True)]
    found = verdict(prediction, "Add")
    assert "skip_layers" in found.reason
    assert found.chain is not None and "FAQ does not say" in found.chain.steps[0].reason


def test_do_fusion_false_still_replaces_bn(fixture_path: FixturePath) -> None:
    # replace_bn still runs; only the fusion (and so the searchN) is gone.
    prediction = predict(load(fixture_path, "s5_unfused_bn"), QuantOptions(do_fusion=False))
    assert chain_of(prediction, "batch_normalization/batchnorm/add_1") == [
        (BN, "batch_normalization/batchnorm/add_1:0", BN_FAQ, FAQ, True)
    ]


# --- TensorFlow's suffixes ---


@pytest.mark.parametrize(
    ("name", "new", "blocker"),
    [
        ("col_bias_add", "bias_add_1:0", "'bias_add'"),
        ("col_Bias_Add", "bias_add_1:0", "'Bias_Add'"),
        ("col_bias_add_1", "bias_add_2:0", "'bias_add', 'bias_add_1'"),
    ],
)
def test_collision_with_existing_bias_add(
    fixture_path: FixturePath, name: str, new: str, blocker: str
) -> None:
    prediction = predict(load(fixture_path, name))
    tail = "batch_normalization/FusedBatchNormV3"
    assert chain_of(prediction, tail) == [
        (FUSE, f"{tail}:0", new, TF, True),
        (QM, new, SN, FAQ, False),
    ]
    chain = verdict(prediction, tail).chain
    assert chain is not None and chain.evidence is TF
    assert f"already has {'ops' if ',' in blocker else 'an op'} named {blocker}" in chain.steps[0].reason
    # The colliding Identity is itself a tail, and it is left alone.
    for other in prediction.tails:
        if other.tail != tail:
            assert other.chain is None and other.op == "Identity"


def test_scope_of_an_existing_op_does_not_collide(fixture_path: FixturePath) -> None:
    prediction = predict(load(fixture_path, "col_bias_add_scope"))
    assert chain_of(prediction, "Add") == FAQ_CHAINS["s1_add"][1]
    assert verdict(prediction, "bias_add/inner").chain is None


def test_collision_with_existing_search_n_quant(fixture_path: FixturePath) -> None:
    prediction = predict(load(fixture_path, "col_search_n_quant"))
    new = "search_n_quant_1/search_n_quant_SEARCHN/Identity:0"
    assert chain_of(prediction, "Conv2D") == [(QM, "Conv2D:0", new, TF, False)]
    assert "'search_n_quant'" in verdict(prediction, "Conv2D").chain.steps[0].reason  # type: ignore[union-attr]
    assert new in prediction.created and SN not in prediction.created


def test_multi_output(fixture_path: FixturePath) -> None:
    prediction = predict(load(fixture_path, "multi_output"))
    assert [v.tail for v in prediction.tails] == ["head_a/Add", "head_b/BiasAdd"]
    # Both tails get a searchN; which one AMCT numbers first is undocumented, so both are inferred.
    assert chain_of(prediction, "head_a/Add") == [
        (ADD, "head_a/Add:0", "bias_add/BiasAdd:0", FAQ, True),
        (QM, "bias_add/BiasAdd:0", SN, INF, False),
    ]
    a_chain = verdict(prediction, "head_a/Add").chain
    assert a_chain is not None and "another tail ('head_b/BiasAdd') also gets" in a_chain.steps[1].reason
    second = "search_n_quant_1/search_n_quant_SEARCHN/Identity:0"
    assert chain_of(prediction, "head_b/BiasAdd") == [(QM, "head_b/BiasAdd:0", second, INF, False)]
    b_chain = verdict(prediction, "head_b/BiasAdd").chain
    assert b_chain is not None and "created for another tail" in b_chain.steps[0].reason
    # The shared trunk Conv2D is quantizable and not a tail: numbering caveat on both chains.
    for tail in ("head_a/Add", "head_b/BiasAdd"):
        chain = verdict(prediction, tail).chain
        assert chain is not None and any("'trunk/Conv2D'" in n for n in chain.notes)
    assert {SN, second, "bias_add/BiasAdd:0", "bias_add/BiasAdd"} <= prediction.created


# --- Keras-built models ---

KERAS_BN = "sequential_1/batch_normalization_1/batchnorm"


def test_keras_conv_bn(fixture_path: FixturePath) -> None:
    graph = load(fixture_path, "keras_conv_bn")
    prediction = predict(graph)
    # A TF2 frozen function ends in an Identity: no rewritable tail, but the hint names what it forwards.
    assert [(v.tail, v.op, v.chain) for v in prediction.tails] == [("Identity", "Identity", None)]
    reason = prediction.tails[0].reason
    assert f"it forwards '{KERAS_BN}/add_1:0', which AMCT would rename to '{SN}'" in reason

    # Without the output Identity, Keras' unfused BN is the tail: the general bn_replace form applies.
    nodes = {n.name: n for n in graph if n.name not in ("Identity", "NoOp")}
    stripped = predict(ModelGraph(nodes))
    new = f"{KERAS_BN}/bn_replace/sequential_1/batch_normalization_1/FusedBatchNormV3:0"
    assert chain_of(stripped, f"{KERAS_BN}/add_1") == [
        (BN, f"{KERAS_BN}/add_1:0", new, INF, True),
        (FUSE, new, "bias_add:0", FAQ, True),
        (QM, "bias_add:0", SN, FAQ, False),
    ]


#: Keras application -> (the Softmax its output Identity forwards, the ops between that Softmax and the
#: classifier's BiasAdd, that BiasAdd). Without them the classifier ends the network.
KERAS_APPS = {
    "keras_mobilenet_v2": (
        "mobilenetv2_0.35_96_1/predictions_1/Softmax",
        (),
        "mobilenetv2_0.35_96_1/predictions_1/BiasAdd",  # Dense: MatMul -> BiasAdd
    ),
    "keras_mobilenet_v1": (
        "mobilenet_0.25_128_1/predictions_1/Softmax",
        ("mobilenet_0.25_128_1/reshape_2_1/Reshape",),
        "mobilenet_0.25_128_1/conv_preds_1/BiasAdd",  # a 1x1 Conv2D classifier, reshaped to [1, 10]
    ),
    "keras_efficientnet_b0": (
        "efficientnetb0_1/predictions_1/Softmax",
        (),
        "efficientnetb0_1/predictions_1/BiasAdd",
    ),
}


@pytest.mark.parametrize("name", sorted(KERAS_APPS))
def test_keras_application(fixture_path: FixturePath, manifest: dict[str, dict[str, Any]], name: str) -> None:
    softmax, between, head = KERAS_APPS[name]
    graph = load(fixture_path, name)
    prediction = predict(graph)
    # Every tail TensorFlow sees (the manifest's) is found: the frozen function's one output Identity.
    assert [v.output for v in prediction.tails] == manifest[name]["outputs"] == ["Identity:0"]
    assert [(v.tail, v.op, v.chain) for v in prediction.tails] == [("Identity", "Identity", None)]
    assert prediction.tails[0].reason == (
        "Identity is not quantized, so AMCT leaves this output alone; "
        f"it forwards '{softmax}:0' (Softmax), which AMCT does not rename either"
    )
    assert prediction.created == frozenset()
    # Its classifier (conv or MatMul → BiasAdd) as the tail gets a searchN, with the many-layers caveat.
    headless = predict(
        ModelGraph({n.name: n for n in graph if n.name not in {"Identity", "NoOp", softmax, *between}})
    )
    assert [v.tail for v in headless.tails] == [head]
    assert chain_of(headless, head) == search_n_chain(head)
    chain = verdict(headless, head).chain
    assert chain is not None and any("other quantizable layers" in n for n in chain.notes)


# --- hand-built graphs: rule details ---


def const(name: str, shape: tuple[int, ...], dtype: str = "DT_FLOAT") -> Node:
    return Node(name, "Const", (), {"dtype": dtype}, const_dtype=dtype, const_shape=shape)


def op(name: str, op_type: str, *inputs: str, **attrs: object) -> Node:
    return Node(name, op_type, tuple(inputs), {"T": "DT_FLOAT", **attrs})  # type: ignore[dict-item]


def graph(*nodes: Node) -> ModelGraph:
    return ModelGraph({n.name: n for n in nodes})


def conv_net(*extra: Node, channels: int = 8) -> list[Node]:
    return [
        Node("input", "Placeholder", (), {"dtype": "DT_FLOAT"}),
        const("w", (3, 3, 3, channels)),
        op("conv", "Conv2D", "input", "w", data_format="NHWC"),
        *extra,
    ]


def unfused_bn(scope: str, x: str, *, scale: bool = True, center: str = "sub") -> list[Node]:
    """The ops tf.nn.batch_normalization emits in `scope` (center: 'sub', 'neg_mul' or 'mul_neg')."""
    s = scope
    nodes = [
        const(f"{s}/variance", (8,)),
        const(f"{s}/eps", ()),
        const(f"{s}/mean", (8,)),
        op(f"{s}/add", "AddV2", f"{s}/variance", f"{s}/eps"),
        op(f"{s}/Rsqrt", "Rsqrt", f"{s}/add"),
    ]
    inv = f"{s}/Rsqrt"
    if scale:
        nodes += [const(f"{s}/gamma", (8,)), op(f"{s}/mul", "Mul", f"{s}/Rsqrt", f"{s}/gamma")]
        inv = f"{s}/mul"
    nodes.append(op(f"{s}/mul_1", "Mul", x, inv))
    if center == "sub":
        nodes += [
            const(f"{s}/beta", (8,)),
            op(f"{s}/mul_2", "Mul", f"{s}/mean", inv),
            op(f"{s}/sub", "Sub", f"{s}/beta", f"{s}/mul_2"),
        ]
    elif center == "neg_mul":
        nodes += [op(f"{s}/mul_2", "Mul", f"{s}/mean", inv), op(f"{s}/sub", "Neg", f"{s}/mul_2")]
    else:
        nodes += [op(f"{s}/Neg", "Neg", f"{s}/mean"), op(f"{s}/sub", "Mul", f"{s}/Neg", inv)]
    nodes.append(op(f"{s}/add_1", "AddV2", f"{s}/mul_1", f"{s}/sub"))
    return nodes


@pytest.mark.parametrize(
    ("scale", "center"), [(True, "sub"), (False, "sub"), (True, "neg_mul"), (False, "mul_neg")]
)
def test_unfused_bn_variants(scale: bool, center: str) -> None:
    g = graph(*conv_net(*unfused_bn("batch_normalization/batchnorm", "conv", scale=scale, center=center)))
    prediction = predict(g)
    assert chain_of(prediction, "batch_normalization/batchnorm/add_1")[0] == (
        BN,
        "batch_normalization/batchnorm/add_1:0",
        BN_FAQ,
        FAQ,
        True,
    )


def test_unfused_bn_general_scope_is_inferred() -> None:
    g = graph(*conv_net(*unfused_bn("net/head/bn/batchnorm", "conv")))
    steps = chain_of(predict(g), "net/head/bn/batchnorm/add_1")
    assert steps[0][2] == "net/head/bn/batchnorm/bn_replace/net/head/bn/FusedBatchNormV3:0"
    assert steps[0][3] is INF
    assert [s[2] for s in steps[1:]] == ["bias_add:0", SN]


def test_unfused_bn_with_dynamic_parameter_is_left_alone() -> None:
    nodes = [
        n if n.name != "bn/variance" else Node("bn/variance", "Placeholder", (), {})
        for n in unfused_bn("bn", "conv")
    ]
    found = verdict(predict(graph(*conv_net(*nodes))), "bn/add_1")
    assert found.chain is None and "'bn/variance' is not a Const" in found.reason


def test_add_operand_order_and_identity_chained_bias() -> None:
    g = graph(
        *conv_net(
            const("b", (8,)),
            op("b/read", "Identity", "b"),
            op("b/read2", "Identity", "b/read"),
            op("out", "AddV2", "b/read2", "conv"),
        )
    )
    assert [s[2] for s in chain_of(predict(g), "out")] == ["bias_add/BiasAdd:0", SN]


def test_add_of_two_tensors_is_not_replaced() -> None:
    g = graph(*conv_net(Node("other", "Placeholder", (), {}), op("out", "AddV2", "conv", "other")))
    found = verdict(predict(g), "out")
    assert found.chain is None and found.reason == "AddV2 is not quantized, so AMCT leaves this output alone"


def test_add_after_non_layer_explains() -> None:
    g = graph(*conv_net(op("relu", "Relu", "conv"), const("b", (8,)), op("out", "Add", "relu", "b")))
    found = verdict(predict(g), "out")
    assert found.chain is None and "other input comes from Relu 'relu'" in found.reason


@pytest.mark.parametrize(
    ("layer", "weights", "bias_len", "applies"),
    [
        (op("layer", "DepthwiseConv2dNative", "input", "w"), (3, 3, 3, 2), 6, True),
        (op("layer", "DepthwiseConv2dNative", "input", "w"), (3, 3, 3, 2), 2, False),
        (op("layer", "Conv2DBackpropInput", "shape", "w", "input"), (3, 3, 4, 3), 4, True),
        (op("layer", "Conv2DBackpropInput", "shape", "w", "input"), (3, 3, 4, 3), 3, False),
        (op("layer", "MatMul", "input", "w"), (16, 10), 10, True),
        (op("layer", "MatMul", "input", "w"), (16, 10), 16, False),
        (
            op("layer", "Conv2D", "input", "w", data_format="NCHW"),
            (3, 3, 3, 8),
            5,
            True,
        ),  # last dim not channels
    ],
)
def test_bias_length_must_match_channels(
    layer: Node, weights: tuple[int, ...], bias_len: int, applies: bool
) -> None:
    g = graph(
        Node("input", "Placeholder", (), {}),
        const("shape", (4,), "DT_INT32"),
        const("w", weights),
        layer,
        const("b", (bias_len,)),
        op("out", "Add", "layer", "b"),
    )
    found = verdict(predict(g), "out")
    assert (found.chain is not None) == applies, found.reason
    if not applies:
        assert f"length {bias_len}" in found.reason


def test_fused_bn_training_mode_and_inputs() -> None:
    params = [const(f"p{i}", (8,)) for i in range(4)]
    names = [p.name for p in params]
    for attrs, fragment in [({"is_training": True}, "is_training=True"), ({}, "is_training unset")]:
        g = graph(*conv_net(*params, op("bn", "FusedBatchNormV3", "conv", *names, **attrs)))
        found = verdict(predict(g), "bn")
        assert found.chain is None and fragment in found.reason
    g = graph(
        *conv_net(
            *params,
            op("relu", "Relu", "conv"),
            op("bn", "FusedBatchNormV3", "relu", *names, is_training=False),
        )
    )
    assert "input comes from Relu 'relu'" in verdict(predict(g), "bn").reason
    dyn = [Node("p0", "Placeholder", (), {}), *params[1:]]
    g = graph(*conv_net(*dyn, op("bn", "FusedBatchNormV3", "conv", *names, is_training=False)))
    assert "parameter 'p0' is not a Const" in verdict(predict(g), "bn").reason


def test_two_fused_tails_number_in_graph_order() -> None:
    params = [const(f"p{i}", (8,)) for i in range(4)]
    names = [p.name for p in params]
    g = graph(
        *conv_net(
            *params,
            const("w2", (1, 1, 3, 8)),
            op("conv2", "Conv2D", "input", "w2"),
            op("bn_a", "FusedBatchNormV3", "conv", *names, is_training=False),
            op("bn_b", "FusedBatchNormV3", "conv2", *names, is_training=False),
        )
    )
    prediction = predict(g)
    a, b = chain_of(prediction, "bn_a"), chain_of(prediction, "bn_b")
    assert [s[2] for s in a] == ["bias_add:0", SN]
    assert [s[2] for s in b] == ["bias_add_1:0", "search_n_quant_1/search_n_quant_SEARCHN/Identity:0"]
    assert [s[3] for s in a] == [INF, INF]  # the winner of an undocumented race is not sure either
    assert [s[3] for s in b] == [INF, INF]


def test_control_inputs_do_not_make_a_node_non_tail() -> None:
    g = graph(*conv_net(Node("noop", "NoOp", ("^conv",), {})))
    prediction = predict(g)
    assert [v.tail for v in prediction.tails] == ["conv"]
    assert chain_of(prediction, "conv") == search_n_chain("conv")


def test_empty_and_constant_only_graphs() -> None:
    assert predict(graph()).tails == ()
    assert predict(graph(const("c", (1,)))).tails == ()


# --- layer predicates ---


def test_weights_are_const_through_identity_chains() -> None:
    g = graph(
        const("w", (1,)),
        op("r1", "Identity", "w"),
        op("r2", "Identity", "r1:0"),
        Node("p", "Placeholder", (), {}),
        op("rp", "Identity", "p"),
    )
    assert weights_are_const(g, "w") and weights_are_const(g, "r2") and weights_are_const(g, "r2:0")
    assert not weights_are_const(g, "rp") and not weights_are_const(g, "missing")


def test_identity_cycle_terminates() -> None:
    g = graph(op("a", "Identity", "b"), op("b", "Identity", "a"))
    assert not weights_are_const(g, "a")


@pytest.mark.parametrize(
    ("node", "ok", "fragment"),
    [
        (op("m", "MatMul", "x", "w"), True, "is quantized"),
        (
            op("m", "MatMul", "x", "w", transpose_a=True),
            False,
            "MatMul with transpose_a=True is not quantized by AMCT",
        ),
        (op("m", "MatMul", "x", "w", adj_y=True), False, "adj_y=True"),
        (op("d", "Conv2DBackpropInput", "s", "w", "x", dilations=(1, 2, 2, 1)), False, "dilations [1,2,2,1]"),
        (op("d", "Conv2DBackpropInput", "s", "w", "x", dilations=(1, 1, 1, 1)), True, "is quantized"),
        (op("c", "Conv2D", "x", "x"), False, "weights of Conv2D come from Placeholder 'x', not a Const"),
        (op("c", "Conv2D", "x", "nowhere"), False, "'nowhere', which is not in the model"),
        (op("c", "Conv2D", "x"), False, "has no weight input"),
        (Node("c", "Conv2D", ("x", "w"), {"T": "DT_HALF"}), False, "dtype float16"),
        (op("p", "AvgPool", "x"), True, "is quantized"),
        (op("r", "Relu", "x"), False, "Relu is not quantized by AMCT"),
    ],
)
def test_will_be_quantized(node: Node, ok: bool, fragment: str) -> None:
    g = graph(Node("x", "Placeholder", (), {}), const("w", (16, 10)), const("s", (4,), "DT_INT32"), node)
    result, reason = will_be_quantized(g, node)
    assert result is ok
    assert fragment in reason


def test_output_channels() -> None:
    g = graph(const("w", (3, 3, 4, 2)), Node("x", "Placeholder", (), {}))
    assert output_channels(g, op("c", "Conv2D", "x", "w")) == 2
    assert output_channels(g, op("d", "DepthwiseConv2dNative", "x", "w")) == 8
    assert output_channels(g, op("t", "Conv2DBackpropInput", "s", "w", "x")) == 4
    assert output_channels(g, op("c", "Conv2D", "x", "x")) is None
    assert output_channels(g, op("c", "Conv2D", "x", "w", data_format="NCHW")) is None


# --- found by the rules review: each test failed before its fix ---


def test_two_real_fused_bn_tails_are_both_inferred(fixture_path: FixturePath) -> None:
    prediction = predict(load(fixture_path, "multi_fbn"))
    a, b = chain_of(prediction, "bn_a/FusedBatchNormV3"), chain_of(prediction, "bn_b/FusedBatchNormV3")
    assert [(s[2], s[3]) for s in a] == [("bias_add:0", INF), (SN, INF)]
    assert [(s[2], s[3]) for s in b] == [
        ("bias_add_1:0", INF),
        ("search_n_quant_1/search_n_quant_SEARCHN/Identity:0", INF),
    ]
    first = verdict(prediction, "bn_a/FusedBatchNormV3").chain
    assert first is not None and first.evidence is INF
    assert "another tail ('bn_b/FusedBatchNormV3') also gets a new 'bias_add'" in first.steps[0].reason


def test_single_tail_keeps_faq_evidence_despite_other_allocations(fixture_path: FixturePath) -> None:
    # Only contested names are downgraded: one tail asking for bias_add and search_n_quant stays FAQ.
    steps = chain_of(predict(load(fixture_path, "s4_fbn_v3")), "batch_normalization/FusedBatchNormV3")
    assert [s[3] for s in steps] == [FAQ, FAQ]


def test_bn_replace_suffix_is_inferred_not_tf() -> None:
    # An op already holds the bn_replace scope name: TF would suffix some scope, but which one AMCT opens
    # fresh (and so where the `_1` lands) is our inference.
    g = graph(
        *conv_net(*unfused_bn("batch_normalization/batchnorm", "conv")),
        Node("batch_normalization/batchnorm/bn_replace", "Identity", ("input",), {"T": "DT_FLOAT"}),
    )
    step = chain_of(predict(g), "batch_normalization/batchnorm/add_1")[0]
    assert step[2] == "batch_normalization/batchnorm/bn_replace_1/batch_normalization/FusedBatchNormV3:0"
    assert step[3] is INF


def test_skip_fusion_layers_may_name_the_unfused_bn_tail(fixture_path: FixturePath) -> None:
    tail = "batch_normalization/batchnorm/add_1"
    options = QuantOptions(skip_fusion_layers=frozenset({tail}))
    prediction = predict(load(fixture_path, "s5_unfused_bn"), options)
    assert chain_of(prediction, tail) == [(BN, f"{tail}:0", BN_FAQ, FAQ, True)]
    assert f"'{tail}' is listed in skip_fusion_layers" in verdict(prediction, tail).reason


def test_fusions_need_a_layer_that_meets_the_constraints(tf: Any) -> None:
    """The vendor's fusion list says every op it fuses must first meet the quantization constraints: a
    MatMul(transpose_b) + bias Add (real TF), a BN after a conv with Placeholder weights, an unfused BN after
    a float16 conv keep their names. Before, they were renamed with an 'inferred' label."""
    g = tf.Graph()
    with g.as_default():
        x = tf.compat.v1.placeholder(tf.float32, [1, 16], name="input")
        tf.matmul(x, tf.constant([[0.5] * 16] * 8), transpose_b=True) + tf.constant([0.1] * 8)
    found = verdict(predict(read_model_bytes(g.as_graph_def().SerializeToString())), "add")
    assert found.chain is None
    assert found.reason == (
        "MatMul with transpose_b=True is not quantized by AMCT, and AMCT's documentation requires a fused "
        "layer to meet the quantization constraints, so replace_add_pass does not apply"
    )

    params = [const(f"p{i}", (8,)) for i in range(4)]
    dynamic = [
        Node("input", "Placeholder", (), {"dtype": "DT_FLOAT"}),
        Node("w", "Placeholder", (), {"dtype": "DT_FLOAT"}),
        op("conv", "Conv2D", "input", "w"),
        *params,
        op("bn", "FusedBatchNormV3", "conv", *(p.name for p in params), is_training=False),
    ]
    found = verdict(predict(graph(*dynamic)), "bn")
    assert found.chain is None and "Placeholder 'w', not a Const" in found.reason
    assert "so conv_bn_fusion_pass does not apply" in found.reason

    half = [
        Node("input", "Placeholder", (), {"dtype": "DT_HALF"}),
        const("w", (3, 3, 3, 8), "DT_HALF"),
        Node("conv", "Conv2D", ("input", "w"), {"T": "DT_HALF"}),
        *unfused_bn("bn", "conv"),
    ]
    found = verdict(predict(graph(*half)), "bn/add_1")
    assert found.chain is None and "dtype float16" in found.reason
    assert "so replace_bn_pass does not apply" in found.reason


def test_skipped_layer_is_still_fused_but_inferred(fixture_path: FixturePath) -> None:
    # A skip setting is not a constraint failure: the fusion is still predicted, labelled inferred.
    options = QuantOptions(skip_layers=frozenset({"Conv2D"}))
    prediction = predict(load(fixture_path, "s4_fbn_v3"), options)
    tail = "batch_normalization/FusedBatchNormV3"
    assert chain_of(prediction, tail) == [(FUSE, f"{tail}:0", "bias_add:0", INF, True)]


def test_non_rank_1_add_mentions_the_newer_documentation(fixture_path: FixturePath) -> None:
    found = verdict(predict(load(fixture_path, "neg_add_2d"), rules=V7), "Add")
    assert found.chain is None and "newer AMCT documentation" in found.reason


def test_graph_that_is_not_frozen(tf: Any) -> None:
    """A real TF1 graph with a resource variable and a Saver: bookkeeping ops are not tails, and a note
    says the graph is not frozen."""
    g = tf.Graph()
    with g.as_default():
        x = tf.compat.v1.placeholder(tf.float32, [1, 8, 8, 3], name="input")
        w = tf.compat.v1.get_variable("w", [3, 3, 3, 8], use_resource=True)
        tf.nn.conv2d(x, w, 1, "SAME")
        tf.compat.v1.train.Saver()
        tf.compat.v1.global_variables_initializer()
    prediction = predict(read_model_bytes(g.as_graph_def().SerializeToString()))
    ops = {v.op for v in prediction.tails}
    assert "Conv2D" in ops
    assert not ops & {"AssignVariableOp", "VarIsInitializedOp", "NoOp"}, ops
    conv = next(v for v in prediction.tails if v.op == "Conv2D")
    assert conv.chain is None and "ReadVariableOp" in conv.reason
    assert any(n.startswith("The graph is not frozen: it holds 1 variable ('w')") for n in prediction.notes)
    assert not any("not frozen" in n for n in predict(load_s1(tf)).notes)


def load_s1(tf: Any) -> ModelGraph:
    g = tf.Graph()
    with g.as_default():
        x = tf.compat.v1.placeholder(tf.float32, [1, 4], name="input")
        tf.matmul(x, tf.constant([[1.0]] * 4))
    return read_model_bytes(g.as_graph_def().SerializeToString())


# --- warnings about skip settings that cannot match ---


def test_option_warnings(fixture_path: FixturePath) -> None:
    g = load(fixture_path, "s1_add")
    options = QuantOptions(
        skip_layers=frozenset({"Conv2D:0", "conv2d", "Add", "Conv2D"}),
        skip_layer_types=frozenset({"Matmul", "Conv2D"}),
        disabled_layers=frozenset({"other/Conv2D"}),
        skip_fusion_layers=frozenset({"bn"}),
    )
    warnings = option_warnings(g, options)
    assert warnings == [
        "skip_layers names 'Add', an op of type Add, not a layer AMCT quantizes "
        "(AvgPool, Conv2D, Conv2DBackpropInput, DepthwiseConv2dNative, MatMul)",
        "skip_layers names the tensor 'Conv2D:0'; AMCT wants the layer's op name 'Conv2D'",
        "skip_layers names 'conv2d', which is not in the model; did you mean 'Conv2D'?",
        "\"quant_enable\": false names 'other/Conv2D', which is not in the model",
        "skip_layer_types names 'Matmul', but the model has no op of that type",
        "skip_fusion_layers names 'bn', which is not in the model",
    ]
    assert option_warnings(g, QuantOptions(skip_layers=frozenset({"Conv2D"}))) == []
