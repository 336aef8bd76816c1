"""Which AMCT version's rules are used: parsing, the resolution order, the installed distribution's metadata
(read, never imported), the CLI option and the setting, and what each version's pass list is."""

from __future__ import annotations

import argparse
import io
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from amct_lsp.amct.chain import Evidence
from amct_lsp.amct.driver import PASS_TABLE, passes_for, predict
from amct_lsp.amct.options import QuantOptions
from amct_lsp.amct.passes import batch_to_space_bn_fusion, conv3d_bn_fusion, mul_fusion, replace_add, search_n
from amct_lsp.amct.versions import (
    CONV3D_MUL_SINCE,
    FUSIONS_SINCE,
    NEWEST,
    OP_ADD_EXTENDED_SINCE,
    AmctVersion,
    RuleVersion,
    installed_version,
    resolve_rules,
)
from amct_lsp.cli import main
from amct_lsp.explain_cmd import run_explain
from amct_lsp.lsp.settings import Settings, parse_settings
from amct_lsp.model.graph import ModelGraph, Node
from amct_lsp.model.reader import read_model

FixturePath = Callable[[str], Path]


def v(text: str) -> AmctVersion:
    return AmctVersion.parse(text)


def test_versions_parse_and_order() -> None:
    assert v("8.0.RC3") < v("8.0") == v("8.0.0") < v("8.0.1") < v("8.1.RC1") < v("9.0")
    assert v("7.0.RC1") < v("7.0") < FUSIONS_SINCE < OP_ADD_EXTENDED_SINCE
    assert v("8.0.rc2") < OP_ADD_EXTENDED_SINCE and v("8.0.RC3") == OP_ADD_EXTENDED_SINCE
    assert v("6.0.RC1.alpha002") == v("6.0.RC1")  # later parts of a wheel version are ignored
    assert str(v(" 7.0 ")) == "7.0"
    for bad in ("", "7", "latest", "seven.0", "7.x"):
        with pytest.raises(ValueError, match="not an AMCT version"):
            v(bad)


def test_pass_table_per_version() -> None:
    """7.0 runs today's FAQ passes exactly; 8.0 adds the fusions and Conv3D layers; 8.0.RC3 and the default
    swap in the extended OP+Add replacement."""
    names = [type(p).__name__ for p in passes_for(RuleVersion(v("7.0"), ""))]
    assert names == ["ReplaceBnPass", "ReplaceAddPass", "ConvBnFusionPass", "SearchNPass"]
    assert replace_add.PASS in passes_for(RuleVersion(v("7.0"), ""))
    eight = passes_for(RuleVersion(v("8.0.RC1"), ""))
    assert mul_fusion.PASS in eight and replace_add.PASS in eight and replace_add.EXTENDED not in eight
    assert search_n.CONV3D in eight and search_n.PASS not in eight and search_n.EXTENDED not in eight
    assert search_n.PASS in passes_for(RuleVersion(v("7.0"), ""))
    assert conv3d_bn_fusion.PASS in eight and batch_to_space_bn_fusion.PASS in eight
    for rules in (RuleVersion(v("8.0.RC3"), ""), RuleVersion(v("9.0"), ""), NEWEST):
        chosen = passes_for(rules)
        assert replace_add.EXTENDED in chosen and replace_add.PASS not in chosen
        assert search_n.EXTENDED in chosen and search_n.PASS not in chosen and search_n.CONV3D not in chosen
    for version in ("8.0.RC3", "8.0", "8.3.RC1"):
        chosen = passes_for(RuleVersion(v(version), ""))
        assert mul_fusion.PASS in chosen and mul_fusion.CONV3D not in chosen
    for rules in (RuleVersion(CONV3D_MUL_SINCE, ""), RuleVersion(v("9.0"), ""), NEWEST):
        chosen = passes_for(rules)
        assert mul_fusion.CONV3D in chosen and mul_fusion.PASS not in chosen
    assert all(entry.source for entry in PASS_TABLE)


def _fake_dist(folder: Path, version: str, name: str = "amct_tensorflow") -> Path:
    info = folder / f"{name}-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
    return folder


def test_installed_version_is_read_from_metadata(tmp_path: Path) -> None:
    site = _fake_dist(tmp_path / "site-packages", "7.0.RC1")
    found = installed_version([str(site)])
    assert found is not None and found[0] == "7.0.RC1" and str(site) in found[1]
    assert "amct_tensorflow" not in sys.modules  # metadata only: nothing imported
    assert installed_version([str(tmp_path / "empty")]) is None


def test_resolution_order(tmp_path: Path) -> None:
    site = str(_fake_dist(tmp_path / "site", "8.0.RC1"))
    # 1. the user's version wins over everything
    rules = resolve_rules("7.0", "--amct-version", project="9.0", search_paths=[site])
    assert rules.version == v("7.0") and rules.source == "from --amct-version 7.0"
    # 2. then the project's ([tool.amct], issue 12)
    rules = resolve_rules(None, project="8.0", search_paths=[site])
    assert rules.version == v("8.0") and "pyproject.toml" in rules.source
    # 3. then the installed distribution
    rules = resolve_rules(None, search_paths=[site])
    assert rules.version == v("8.0.RC1") and "amct_tensorflow 8.0.RC1 is installed in" in rules.source
    assert rules.describe().startswith("AMCT 8.0.RC1 (FAQ + 8.0 fusions)")
    # 4. else the newest documented behaviour
    assert resolve_rules(None, search_paths=[str(tmp_path / "none")]) is NEWEST
    assert NEWEST.describe().startswith("newest documented AMCT (8.5+)")
    assert "8.5 Conv3D+Mul" in RuleVersion(v("9.0"), "").describe()
    assert "Conv3D+Mul" not in RuleVersion(v("8.3.RC1"), "").describe()
    with pytest.raises(ValueError):
        resolve_rules("eight")
    odd = resolve_rules(None, search_paths=[str(_fake_dist(tmp_path / "odd", "unknown"))])
    assert odd.version is None and "cannot be read" in odd.source


def test_explain_says_which_rules(fixture_path: FixturePath) -> None:
    out, err = io.StringIO(), io.StringIO()
    args = argparse.Namespace(model=str(fixture_path("neg_add_2d")), format="text", amct_version="7.0")
    assert run_explain(args, out, err) == 0
    text = out.getvalue()
    assert "Rules: AMCT 7.0 (vendor FAQ rules only): from --amct-version 7.0" in text
    assert "keeps its name" in text
    out = io.StringIO()
    assert run_explain(argparse.Namespace(model=args.model, format="text", amct_version="8.0.RC3"), out) == 0
    assert "becomes search_n_quant/search_n_quant_SEARCHN/Identity:0" in out.getvalue()


def test_cli_rejects_a_bad_version(fixture_path: FixturePath, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", str(fixture_path("s1_add")), "--amct-version", "latest"]) == 2
    assert "--amct-version: 'latest' is not an AMCT version" in capsys.readouterr().err
    script = Path(__file__).resolve().parents[1] / "scripts" / "calib_outputs_ok.py"
    assert main(["check", str(script), "--amct-version", "x"]) == 2
    assert "--amct-version" in capsys.readouterr().err


def test_setting(tmp_path: Path) -> None:
    settings, problems = parse_settings({"amctVersion": "7.0"})
    assert problems == [] and settings.amct_version == "7.0"
    assert settings.rules().version == v("7.0")
    assert "the amct.amctVersion setting" in settings.rules().source
    settings, problems = parse_settings({"amctVersion": "seven"})
    assert settings == Settings() and problems and "amct.amctVersion must be an AMCT version" in problems[0]
    assert parse_settings({"amctVersion": ""})[0].amct_version is None


def test_prediction_records_its_rules(fixture_path: FixturePath) -> None:
    graph = read_model(fixture_path("s1_add"))
    assert predict(graph).rules == NEWEST.describe()
    assert predict(graph, rules=RuleVersion(v("7.0"), "from X")).rules.endswith("from X")


# --- the rewrites documented beyond the FAQ, on real TensorFlow fixtures ---

SN = "search_n_quant/search_n_quant_SEARCHN/Identity:0"
FBN = "batch_normalization/FusedBatchNormV3"
ADD, MUL, QM = "replace_add_pass", "mul_fusion_pass", "quantize_model"
FAQ, DOC, INF = Evidence.FAQ, Evidence.DOC, Evidence.INFERRED
V7, V80, V83 = (RuleVersion(v(t), "from the test") for t in ("7.0", "8.0.RC1", "8.0.RC3"))
Steps = list[tuple[str, str, str, Evidence, bool]]


def _steps(name: str, fixture_path: FixturePath, rules: RuleVersion | None) -> tuple[Steps, str]:
    prediction = predict(read_model(fixture_path(name)), rules=rules)
    (tail,) = prediction.tails
    if tail.chain is None:
        return [], tail.reason
    steps = [(s.pass_name, s.old, s.new, s.evidence, s.removes_old) for s in tail.chain.steps]
    return steps, tail.reason


def _add_chain(tail: str) -> Steps:
    return [(ADD, f"{tail}:0", "bias_add/BiasAdd:0", DOC, True), (QM, "bias_add/BiasAdd:0", SN, FAQ, False)]


def _mul_chain(before: str) -> Steps:
    return [(MUL, "mul:0", f"{before}:0", INF, True), (QM, f"{before}:0", SN, FAQ, False)]


#: fixture -> the chain since its version (None: the default, newest) and the FAQ-only (7.0) reason.
BEYOND_FAQ: dict[str, tuple[Steps, RuleVersion, str]] = {
    "v8_add_scalar": (_add_chain("Add"), V83, "constant operand is 0-D (shape [])"),
    "v8_add_nd": (_add_chain("Add"), V83, "constant operand is 4-D (shape [1,1,1,8])"),
    "neg_add_2d": (_add_chain("Add"), V83, "constant operand is 2-D (shape [1,8])"),
    "v8_matmul_add_row": (_add_chain("add"), V83, "constant operand is 2-D (shape [1,10])"),
    "v8_batch_matmul_add": (
        [
            (ADD, "add:0", "bias_add/BiasAdd:0", DOC, True),
            (QM, "bias_add/BiasAdd:0", SN, DOC, False),  # a BatchMatMul layer: documented, not in the FAQ
        ],
        V83,
        "comes from BatchMatMulV2 'MatMul', not Conv2D",
    ),
    "v8_matmul_reshape_bn": (
        [
            ("matmul_bn_fusion_pass", "Reshape_1:0", "bias_add:0", INF, True),
            (QM, "bias_add:0", SN, FAQ, False),
        ],
        V80,
        "Reshape is not quantized",
    ),
    "v8_conv3d_bn": (
        [
            ("conv_bn_fusion_pass", f"{FBN}:0", "bias_add:0", INF, True),
            (QM, "bias_add:0", SN, DOC, False),  # a Conv3D layer: documented, not in the FAQ
        ],
        V80,
        "input comes from Conv3D, not Conv2D",
    ),
    "v8_conv3d_bias": ([(QM, "BiasAdd:0", SN, DOC, False)], V80, "BiasAdd is not quantized"),
    "v8_conv3d_add": (
        [(ADD, "Add:0", "bias_add/BiasAdd:0", DOC, True), (QM, "bias_add/BiasAdd:0", SN, DOC, False)],
        V83,
        "comes from Conv3D, not Conv2D",
    ),
    "v8_atrous_conv_bn": (
        # Reordered to Conv2D+BN+BatchToSpace, fused: the network ends at the model's own BatchToSpaceND.
        [("conv_bn_fusion_pass", f"{FBN}:0", "convolution/BatchToSpaceND:0", INF, True)],
        V80,
        "input comes from BatchToSpaceND 'convolution/BatchToSpaceND', not Conv2D",
    ),
    "v8_mul_bias": (_mul_chain("BiasAdd"), V80, "Mul is not quantized"),
    "v8_mul_conv": (_mul_chain("Conv2D"), V80, "Mul is not quantized"),
    "v8_mul_matmul": (_mul_chain("BiasAdd"), V80, "Mul is not quantized"),
}


@pytest.mark.parametrize("name", sorted(BEYOND_FAQ))
def test_rewrites_beyond_the_faq_follow_the_version(fixture_path: FixturePath, name: str) -> None:
    expected, since, faq_reason = BEYOND_FAQ[name]
    for rules in (None, since, RuleVersion(v("9.0"), "")):
        assert _steps(name, fixture_path, rules)[0] == expected, rules
    steps, reason = _steps(name, fixture_path, V7)
    assert steps == [] and faq_reason in reason
    if since is V83:  # the Mul fusion is 8.0.RC1; the OP+Add replacements wait for 8.0.RC3
        assert _steps(name, fixture_path, V80)[0] == []


def test_fused_mul_ends_at_an_existing_node(fixture_path: FixturePath) -> None:
    prediction = predict(read_model(fixture_path("v8_mul_bias")))
    assert "BiasAdd:0" not in prediction.created and "BiasAdd" not in prediction.created
    assert SN in prediction.created
    chain = prediction.chain_for("mul:0")
    assert chain is not None and chain.removes_original
    assert "inferred" in chain.steps[0].reason and "documented for AMCT 8.0" in chain.steps[0].reason


NOT_REWRITTEN = {
    "v8_add_full": "shape [1,8,8,8]; a BiasAdd adds one value per output channel",
    "v8_matmul_add_scalar": "scalar addends for convolutions, not MatMul",
    "v8_mul_vector": "shape [8], not a scalar",
    "neg_add_len": "1-D constant has length 1 but Conv2D has 8 output channels",
}


@pytest.mark.parametrize("name", sorted(NOT_REWRITTEN))
def test_documented_limits_at_the_newest_version(fixture_path: FixturePath, name: str) -> None:
    steps, reason = _steps(name, fixture_path, None)
    assert steps == [] and NOT_REWRITTEN[name] in reason


def test_fusion_switches_stop_the_mul_fusion(fixture_path: FixturePath) -> None:
    graph = read_model(fixture_path("v8_mul_bias"))
    off = predict(graph, QuantOptions(do_fusion=False, sources=("config.json x",)))
    assert off.tails[0].chain is None and "do_fusion is false (from config.json x)" in off.tails[0].reason
    skipped = predict(graph, QuantOptions(skip_fusion_layers=frozenset({"Conv2D"})))
    assert skipped.tails[0].chain is None and "skip_fusion_layers" in skipped.tails[0].reason


def test_group_conv_bn_fusion(fixture_path: FixturePath) -> None:
    """Split -> Conv2D x2 -> ConcatV2 -> FusedBatchNormV3: fused since 8.0 into an op `bias_add` (inferred
    name); no searchN at the tail, since a BiasAdd after a ConcatV2 ends no quantized layer."""
    tail = "batch_normalization/FusedBatchNormV3"
    for rules in (None, V80):
        steps, reason = _steps("v8_group_conv_bn", fixture_path, rules)
        assert steps == [("group_conv_bn_fusion_pass", f"{tail}:0", "bias_add:0", INF, True)], rules
    steps, reason = _steps("v8_group_conv_bn", fixture_path, V7)
    assert steps == [] and "input comes from ConcatV2 'concat', not Conv2D" in reason
    prediction = predict(read_model(fixture_path("v8_group_conv_bn")))
    chain = prediction.chain_for(f"{tail}:0")
    assert chain is not None and "inferred" in chain.steps[0].reason
    assert "group conv (2 Conv2D reading one Split, joined by ConcatV2 'concat')" in chain.steps[0].reason
    assert "bias_add:0" in prediction.created
    off = predict(read_model(fixture_path("v8_group_conv_bn")), QuantOptions(do_fusion=False))
    assert off.tails[0].chain is None and "do_fusion is false" in off.tails[0].reason


def test_batch_matmul_with_adj_y_is_not_replaced() -> None:
    """The layer constraints (adj_x = adj_y = false) apply to BatchMatMul as to MatMul's transpose flags."""
    nodes = [
        Node("x", "Placeholder", attrs={"dtype": "DT_FLOAT"}),
        Node("w", "Const", const_dtype="DT_FLOAT", const_shape=(10, 16)),
        Node("MatMul", "BatchMatMulV2", ("x", "w"), {"T": "DT_FLOAT", "adj_x": False, "adj_y": True}),
        Node("b", "Const", const_dtype="DT_FLOAT", const_shape=(10,)),
        Node("add", "AddV2", ("MatMul", "b"), {"T": "DT_FLOAT"}),
    ]
    (tail,) = predict(ModelGraph({n.name: n for n in nodes})).tails
    assert tail.chain is None and "BatchMatMulV2 with adj_y=True is not quantized by AMCT" in tail.reason
