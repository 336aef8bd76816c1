"""check_source: findings, messages, fixes and verdicts against real TensorFlow-built model fixtures."""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from amct_lsp.amct.versions import AmctVersion, RuleVersion
from amct_lsp.check import CheckResult, apply_edits, check_paths, check_source, primary_edits
from amct_lsp.check.findings import Code, Finding, Severity
from amct_lsp.check.messages import stale_name
from amct_lsp.check.suppress import is_suppression
from amct_lsp.model.cache import ModelCache
from amct_lsp.render.markdown import model_hover, name_hover
from support.amct_log import FAQ_LOG

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "examples" / "seed"
CACHE = ModelCache()
HEAD = "import tensorflow as tf\nimport amct_tensorflow as amct\n"

Make = Callable[..., Path]


@pytest.fixture
def make(tmp_path: Path, fixture_path: Callable[[str], Path]) -> Make:
    """Write a script (HEAD + dedented body) next to a copy of a fixture model at `model/<fixture>.pb`."""

    def build(fixture: str | None, body: str, *, name: str = "quant.py", model_as: str | None = None) -> Path:
        if fixture is not None:
            target = tmp_path / (model_as or f"model/{fixture}.pb")
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(fixture_path(fixture), target)
        script = tmp_path / name
        script.parent.mkdir(parents=True, exist_ok=True)
        script.write_text(HEAD + textwrap.dedent(body), encoding="utf-8")
        return script

    return build


def check(script: Path, **kwargs: object) -> CheckResult:
    kwargs.setdefault("root", str(script.parent))
    return check_source(script.read_text(encoding="utf-8"), str(script), cache=CACHE, **kwargs)  # type: ignore[arg-type]


def codes(result: CheckResult) -> list[tuple[str, int, str | None]]:
    """(code, 1-based line, tensor) of every finding."""
    return [(f.code.value, f.span.start.line + 1, f.tensor) for f in result.findings]


def fixed_source(script: Path, result: CheckResult) -> str:
    """The script's text with every finding's primary fix applied."""
    return apply_edits(script.read_text(encoding="utf-8"), primary_edits(result.findings))


def fix_and_recheck(script: Path, result: CheckResult) -> CheckResult:
    script.write_text(fixed_source(script, result), encoding="utf-8")
    return check(script)


def infer_script(fixture: str, name: str) -> str:
    return f"""
        def main():
            with tf.gfile.GFile('./model/{fixture}.pb', 'rb') as f:
                pass
            graph = tf.get_default_graph()
            amct.quantize_model(graph, './c.json', './r.txt')
            with tf.Session() as sess:
                sess.run(graph.get_tensor_by_name('{name}'))
        main()
        """


# -- the seed ------------------------------------------------------------------------------------------------


def test_seed_script_end_to_end() -> None:
    source = (SEED / "quant.py").read_text(encoding="utf-8")
    result = check_source(source, str(SEED / "quant.py"), cache=CACHE)
    assert result.model_path == str(SEED / "pb_model" / "case_1_1.pb")
    assert result.model_note is not None and "found relative to the script's folder" in result.model_note
    (finding,) = result.findings
    assert finding.code is Code.STALE_NAME and finding.severity is Severity.ERROR
    assert (finding.span.start.line + 1, finding.span.start.character + 1) == (16, 25)
    assert finding.tensor == "Add:0"
    assert finding.replacement == "search_n_quant/search_n_quant_SEARCHN/Identity:0"
    # One short line that leads with the action (issue 11); the consequence is the finding's detail.
    assert finding.message == (
        "stale output 'Add:0' → use 'search_n_quant/search_n_quant_SEARCHN/Identity:0' after quantize_model"
    )
    assert finding.consequence == (
        "as written, layer 'Conv2D' gets no calibration record and save_model fails "
        '(RuntimeError: "cannot find shift_bit of layer Conv2D in record_file"; CANN 8.0+: '
        '"record_file is empty, no layers to be quantized")'
    )
    assert finding.evidence == "predicted"
    assert finding.related[0].span.start.line + 1 == 34  # the get_tensor_by_name use
    assert apply_edits(source, primary_edits(result.findings)) == (SEED / "quant_fixed.py").read_text("utf-8")
    save = next(n for n in result.names if n.phase == "save_model")
    assert save.value == "Add" and save.verdict is not None and "save_model" in save.verdict
    fixed = check_source(
        (SEED / "quant_fixed.py").read_text("utf-8"), str(SEED / "quant_fixed.py"), cache=CACHE
    )
    assert fixed.findings == []
    new = next(n for n in fixed.names if n.phase == "after")
    assert new.verdict is not None and "created by quantize_model" in new.verdict


# -- AMCT001 -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fixture", "name", "final", "severity"),
    [
        ("s1_add", "Add:0", "search_n_quant/search_n_quant_SEARCHN/Identity:0", Severity.ERROR),
        ("s1_addv2", "add:0", "search_n_quant/search_n_quant_SEARCHN/Identity:0", Severity.ERROR),
        (
            "s2_biasadd_conv2d",
            "BiasAdd:0",
            "search_n_quant/search_n_quant_SEARCHN/Identity:0",
            Severity.ERROR,
        ),
        ("s3_conv2d", "Conv2D:0", "search_n_quant/search_n_quant_SEARCHN/Identity:0", Severity.ERROR),
        (
            "s4_fbn_v3",
            "batch_normalization/FusedBatchNormV3:0",
            "search_n_quant/search_n_quant_SEARCHN/Identity:0",
            Severity.ERROR,
        ),
        (
            "s5_unfused_bn",
            "batch_normalization/batchnorm/add_1:0",
            "search_n_quant/search_n_quant_SEARCHN/Identity:0",
            Severity.ERROR,
        ),
    ],
)
def test_stale_name_after_quantize(
    make: Make, fixture: str, name: str, final: str, severity: Severity
) -> None:
    script = make(fixture, infer_script(fixture, name))
    result = check(script)
    (finding,) = result.findings
    assert finding.code is Code.STALE_NAME and finding.severity is severity
    assert finding.replacement == final
    assert finding.chain is not None and finding.chain.original == name
    # Every stale name is an error, whether the rewrite removes the old op or bypasses it: save_model fails.
    assert finding.message == stale_name(name, final)
    assert finding.consequence is not None
    assert "cannot find shift_bit of layer Conv2D in record_file" in finding.consequence
    assert fix_and_recheck(script, result).findings == []


@pytest.mark.parametrize(
    ("fixture", "name", "verdict"),
    [
        ("neg_relu", "Relu:0", "network output, not rewritten"),
        ("neg_softmax", "Softmax:0", "network output, not rewritten"),
        ("neg_matmul_transpose_b", "MatMul:0", "network output, not rewritten"),
        ("neg_placeholder_weights", "Conv2D:0", "network output, not rewritten"),
        ("neg_relu", "BiasAdd:0", "internal node of the model"),
        ("neg_relu", "input:0", "network input"),
    ],
)
def test_names_that_are_fine(make: Make, fixture: str, name: str, verdict: str) -> None:
    result = check(make(fixture, infer_script(fixture, name)))
    assert result.findings == []
    (info,) = result.names
    assert info.verdict is not None and info.verdict.startswith(verdict)
    assert info.chain is None


def test_op_name_form_fix_keeps_the_form(make: Make) -> None:
    script = make(
        "s3_deconv",
        """
        with tf.gfile.GFile('./model/s3_deconv.pb', 'rb') as f:
            pass
        amct.quantize_model(g, 'c', 'r')
        op = g.get_operation_by_name("conv2d_transpose")
        """,
    )
    result = check(script)
    (finding,) = result.findings
    assert finding.replacement == "search_n_quant/search_n_quant_SEARCHN/Identity"
    fixed = fixed_source(script, result)
    assert 'g.get_operation_by_name("search_n_quant/search_n_quant_SEARCHN/Identity")' in fixed


def test_concatenated_op_name_replaces_only_the_op_part(make: Make) -> None:
    script = make(
        "s1_add",
        """
        with tf.gfile.GFile('./model/s1_add.pb', 'rb') as f:
            pass
        OP = 'Add'
        amct.quantize_model(g, 'c', 'r')
        sess.run(g.get_tensor_by_name(OP + ':0'))
        """,
    )
    result = check(script)
    (finding,) = result.findings
    assert finding.span.start.line == 5  # the 'Add' literal, not the ':0'
    fixed = fixed_source(script, result)
    assert "OP = 'search_n_quant/search_n_quant_SEARCHN/Identity'" in fixed
    assert fix_and_recheck(script, result).findings == []


def test_multi_layer_graph_prefers_the_rename_proof_fix(make: Make) -> None:
    """Three quantized layers: a searchN follows each, so the tail's name may be numbered. The calib_outputs
    route is the preferred fix (and what --fix applies); the literal name is second, labelled inferred."""
    script = make("multi_output", infer_script("multi_output", "head_b/BiasAdd:0"))
    result = check(script)
    (finding,) = result.findings
    calib, literal = [f for f in finding.fixes if not is_suppression(f)]
    assert calib.rename_proof and calib.primary and calib.safe
    assert not literal.primary and literal.message.endswith("(inferred)")
    assert finding.bulk_fix is calib
    assert "calib_outputs" in fixed_source(script, result)
    assert fix_and_recheck(script, result).findings == []


def test_single_layer_graph_prefers_the_literal_name(make: Make) -> None:
    """One quantized layer (the FAQ's case): the literal new name stays preferred."""
    result = check(make("s2_biasadd_conv2d", infer_script("s2_biasadd_conv2d", "BiasAdd:0")))
    (finding,) = result.findings
    first = finding.fixes[0]
    assert first.primary and not first.rename_proof
    assert first.message == "AMCT001: use 'search_n_quant/…/Identity:0'"


def test_shared_literal_fixes_the_use_site(make: Make) -> None:
    script = make(
        "s1_add",
        """
        with tf.gfile.GFile('./model/s1_add.pb', 'rb') as f:
            pass
        OUT = "Add:0"
        amct.quantize_model(g, 'c', 'r')
        t = g.get_tensor_by_name(OUT)
        amct.save_model('./model/s1_add.pb', [OUT[:-2]], 'r', 'out')
        """,
    )
    result = check(script)
    (finding,) = result.findings
    fix = finding.primary_fix
    assert fix is not None and fix.message == "AMCT001: use 'search_n_quant/…/Identity:0' here"
    fixed = fixed_source(script, result)
    assert 'OUT = "Add:0"' in fixed
    assert 't = g.get_tensor_by_name("search_n_quant/search_n_quant_SEARCHN/Identity:0")' in fixed
    assert fix_and_recheck(script, result).findings == []


def test_loop_over_shared_names_has_no_primary_fix_but_explains(make: Make) -> None:
    script = make(
        "multi_output",
        """
        with tf.gfile.GFile('./model/multi_output.pb', 'rb') as f:
            pass
        OUTS = ['head_a/Add:0', 'head_b/BiasAdd:0']
        amct.quantize_model(g, 'c', 'r')
        for name in OUTS:
            sess.run(g.get_tensor_by_name(name))
        amct.save_model('./model/multi_output.pb', [o.split(':')[0] for o in OUTS], 'r', 'out')
        """,
    )
    result = check(script)
    assert {f.tensor for f in result.findings} == {"head_a/Add:0", "head_b/BiasAdd:0"}
    for finding in result.findings:
        assert finding.primary_fix is None
        assert any("No automatic fix" in n for n in finding.notes)


def test_calib_outputs_fix_is_offered_and_works(make: Make) -> None:
    script = make("s1_add", infer_script("s1_add", "Add:0"))
    result = check(script)
    (finding,) = result.findings
    calib = [f for f in finding.fixes if not f.primary and not is_suppression(f)]
    assert len(calib) == 1 and "calib_outputs" in calib[0].message
    fixed = apply_edits(script.read_text(), calib[0].edits)
    assert "calib_outputs = ['Add']\n" in fixed  # op names, as the API documents and the samples do
    assert "calib_outputs=calib_outputs)" in fixed
    assert "graph.get_tensor_by_name(calib_outputs[0] + ':0')" in fixed
    compile(fixed, "fixed.py", "exec")
    script.write_text(fixed)
    after = check(script)
    assert after.findings == []


def test_existing_calib_outputs_list_is_used(make: Make) -> None:
    script = make(
        "s1_add",
        """
        with tf.gfile.GFile('./model/s1_add.pb', 'rb') as f:
            pass
        outs = ['Relu', 'Add']
        amct.quantize_model(g, 'c', 'r', calib_outputs=outs)
        sess.run(g.get_tensor_by_name('Add:0'))
        """,
    )
    (finding,) = [f for f in check(script).findings if f.code is Code.STALE_NAME]
    calib = next(f for f in finding.fixes if not f.primary)
    assert [e.new_text for e in calib.edits] == ["outs[1] + ':0'"]


def test_tensor_name_in_calib_outputs_is_a_finding(make: Make) -> None:
    """calib_outputs holds op names: 'Add:0' there is not updated by AMCT. The fix (the op name) is offered,
    not applied in bulk, since the fetches reading the list need their ':0' back."""
    script = make(
        "s1_add",
        """
        with tf.gfile.GFile('./model/s1_add.pb', 'rb') as f:
            pass
        outs = ['Add:0']
        amct.quantize_model(g, 'c', 'r', calib_outputs=outs)
        """,
    )
    result = check(script)
    (finding,) = result.findings
    assert finding.code is Code.UNKNOWN_NAME and "calib_outputs holds op names" in finding.message
    fix = finding.primary_fix
    assert fix is not None and not fix.safe and fix.message == "AMCT002: use 'Add'"
    assert "outs = ['Add']" in apply_edits(script.read_text(), fix.edits)
    assert primary_edits(result.findings) == []


def test_calib_fix_keeps_one_argument_per_line_and_drops_the_dead_variable() -> None:
    """The seed's call puts one argument per line: calib_outputs gets its own line; infer_output_name (and
    its comment) is only read at the fetch the fix replaces, so it goes."""
    source = (SEED / "quant.py").read_text(encoding="utf-8")
    (finding,) = check_source(source, str(SEED / "quant.py"), cache=CACHE).findings
    calib = next(f for f in finding.fixes if f.rename_proof)
    fixed = apply_edits(source, calib.edits)
    assert "infer_output_name" not in fixed and "# 网络量化推理输出节点的名字" not in fixed
    assert (
        "    calib_outputs = ['Add']\n"
        "    amct.quantize_model(\n"
        "        graph=graph,\n"
        "        config_file='./configs/config.json',\n"
        "        record_file='./configs/record_scale_offset.txt',\n"
        "        calib_outputs=calib_outputs)\n"
    ) in fixed
    assert "output_tensor = graph.get_tensor_by_name(calib_outputs[0] + ':0')" in fixed
    assert "save_output_name = 'Add:0'" in fixed
    assert check_source(fixed, str(SEED / "quant.py"), cache=CACHE).findings == []


def test_intermediate_name_after_quantize_is_stale(make: Make) -> None:
    result = check(make("s1_add", infer_script("s1_add", "bias_add/BiasAdd:0")))
    (finding,) = result.findings
    assert finding.code is Code.STALE_NAME and finding.severity is Severity.ERROR
    assert finding.replacement == "search_n_quant/search_n_quant_SEARCHN/Identity:0"


def test_skip_layers_change_the_prediction(make: Make) -> None:
    body = infer_script("s3_conv2d", "Conv2D:0").replace(
        "amct.quantize_model(",
        "amct.create_quant_config('./c.json', graph, skip_layers=['Conv2D'])\n"
        "            amct.quantize_model(",
    )
    assert check(make("s3_conv2d", body)).findings == []
    assert (
        check(make("s3_conv2d", infer_script("s3_conv2d", "Conv2D:0")), extra_skip_layers=["Conv2D"]).findings
        == []
    )


# -- AMCT002 / AMCT003 ---------------------------------------------------------------------------------------


def test_unknown_name_suggests_close_names(make: Make) -> None:
    result = check(make("s1_add", infer_script("s1_add", "Ad:0")))
    (finding,) = result.findings
    assert finding.code is Code.UNKNOWN_NAME
    assert "did you mean 'Add:0'?" in finding.message
    # The use is after quantize_model: the suggestion is what 'Add:0' becomes there.
    assert finding.replacement == "search_n_quant/search_n_quant_SEARCHN/Identity:0"
    before = check(make("s1_add", infer_script("s1_add", "Ad:0").replace("amct.quantize_model", "print")))
    assert before.findings[0].replacement == "Add:0"
    # A "did you mean" is offered as a fix, never applied in bulk (check --fix, fix-all, fix on save).
    fix = finding.primary_fix
    assert fix is not None and not fix.safe
    assert fix.message == "AMCT002: did you mean 'search_n_quant/…/Identity:0'?"
    assert finding.bulk_fix is None and primary_edits(result.findings) == []


def test_wrong_output_index(make: Make) -> None:
    result = check(make("neg_relu", infer_script("neg_relu", "Relu:1")))
    (finding,) = result.findings
    assert finding.code is Code.UNKNOWN_NAME and "single output" in finding.message
    assert finding.replacement == "Relu:0"
    assert finding.primary_fix is not None and not finding.primary_fix.safe  # a guess


def test_tensor_vs_op_form(make: Make) -> None:
    result = check(make("neg_relu", infer_script("neg_relu", "Relu")))
    (finding,) = result.findings
    assert finding.code is Code.UNKNOWN_NAME and "get_tensor_by_name needs a tensor name" in finding.message
    assert finding.primary_fix is not None and finding.primary_fix.edits[0].new_text == "Relu:0"
    assert finding.bulk_fix is finding.primary_fix  # certain: TensorFlow needs the ':0'


@pytest.mark.parametrize(
    "body",
    [
        """
        with tf.gfile.GFile('./model/s1_add.pb', 'rb') as f:
            pass
        g.get_tensor_by_name('search_n_quant/search_n_quant_SEARCHN/Identity:0')
        amct.quantize_model(g, 'c', 'r')
        """,
        """
        with tf.gfile.GFile('./model/s1_add.pb', 'rb') as f:
            pass
        amct.quantize_model(g, 'c', 'r')
        amct.save_model('./model/s1_add.pb', ['search_n_quant/search_n_quant_SEARCHN/Identity'], 'r', 'out')
        """,
    ],
)
def test_post_rewrite_name_too_early(make: Make, body: str) -> None:
    script = make("s1_add", body)
    result = check(script)
    (finding,) = result.findings
    assert finding.code is Code.NAME_TOO_EARLY
    assert finding.replacement in ("Add:0", "Add")
    assert fix_and_recheck(script, result).findings == []


def test_bias_add_of_a_batch_to_space_bn_fusion_only_exists_after_the_rewrite(make: Make) -> None:
    """Conv2D+BatchToSpace+BN: the fused conv's new `bias_add` is off the renamed path (the network ends at
    the model's own BatchToSpaceND) but is still a name the rewrite creates: AMCT003 before quantize_model
    and in save_model, not AMCT002; fine after it. Before it the tail's value differs, so that fix is only
    offered."""
    script = make(
        "v8_atrous_conv_bn",
        """
        with tf.gfile.GFile('./model/v8_atrous_conv_bn.pb', 'rb') as f:
            pass
        t = g.get_tensor_by_name('bias_add:0')
        amct.quantize_model(g, 'c', 'r')
        u = g.get_tensor_by_name('bias_add:0')
        amct.save_model('./model/v8_atrous_conv_bn.pb', ['bias_add'], 'r', 'out')
        """,
    )
    result = check(script)
    assert codes(result) == [("AMCT003", 6, "bias_add:0"), ("AMCT003", 9, "bias_add")]
    before, saved = result.findings
    bn = "batch_normalization/FusedBatchNormV3"
    assert "before 'convolution/BatchToSpaceND:0'" in before.message
    assert before.replacement == f"{bn}:0" and before.bulk_fix is None  # offered, not applied in bulk
    assert before.primary_fix is not None and any("value differs" in n for n in before.notes)
    assert saved.replacement == bn and saved.bulk_fix is not None
    after = next(n for n in result.names if n.span.start.line == 7)  # 0-based: line 8
    assert after.verdict is not None and "created by quantize_model" in after.verdict


# -- AMCT004 and the model search ----------------------------------------------------------------------------


def test_model_not_found_says_where_it_looked(make: Make) -> None:
    script = make(None, infer_script("missing", "Add:0"))
    result = check(script)
    (finding,) = result.findings
    assert finding.code is Code.MODEL_PROBLEM and finding.severity is Severity.WARNING
    assert "./model/missing.pb" in finding.message and str(script.parent) in finding.message
    assert finding.span.start.line == 4  # the model path string
    assert result.model_error is not None


def test_no_model_named_points_at_quantize_call(make: Make) -> None:
    result = check(make(None, "amct.quantize_model(g, 'c', 'r')\n"))
    (finding,) = result.findings
    assert finding.code is Code.MODEL_PROBLEM and finding.span.start.line == 2
    assert "names no .pb" in finding.message


def test_unreadable_model(make: Make, tmp_path: Path) -> None:
    script = make(None, infer_script("broken", "Add:0"))
    (tmp_path / "model").mkdir()
    (tmp_path / "model" / "broken.pb").write_bytes(b"\x0a\xff\xff\xff\xff not a graph")
    (finding,) = check(script).findings
    assert finding.code is Code.MODEL_PROBLEM and finding.message.startswith("The model cannot be used:")


def test_model_found_in_a_parent_folder(make: Make, tmp_path: Path) -> None:
    script = make("s1_add", infer_script("s1_add", "Add:0"), name="scripts/sub/quant.py")
    result = check(script, root=str(tmp_path))
    assert result.model_path == str(tmp_path / "model" / "s1_add.pb")
    assert result.model_note is not None and "2 levels above the script" in result.model_note


def test_directive_and_explicit_model_override(make: Make, fixture_path: Callable[[str], Path]) -> None:
    body = "\n        # amct: model=model/s1_add.pb" + infer_script("neg_relu", "Add:0")
    script = make("s1_add", body)
    assert check(script).model_path == str(script.parent / "model" / "s1_add.pb")
    assert [f.code for f in check(script).findings] == [Code.STALE_NAME]
    other = check(script, model=str(fixture_path("neg_relu")))
    assert other.model_path == str(fixture_path("neg_relu"))
    assert [f.code for f in other.findings] == [Code.UNKNOWN_NAME]


def test_script_without_amct_has_no_findings(tmp_path: Path) -> None:
    script = tmp_path / "plain.py"
    script.write_text("import tensorflow as tf\ng.get_tensor_by_name('Nope:0')\n")
    result = check(script)
    assert result.findings == [] and result.model_path is None


# -- log, ignores, syntax ------------------------------------------------------------------------------------


def test_log_beats_prediction(make: Make, tmp_path: Path) -> None:
    script = make("s1_add", infer_script("s1_add", "Add:0"))
    (tmp_path / "amct_log").mkdir()
    (tmp_path / "amct_log" / "amct_tensorflow.log").write_text(FAQ_LOG)
    result = check(script)
    (finding,) = result.findings
    assert finding.evidence == "amct-log" and finding.replacement == "search_n_quant_1/Identity:0"
    assert finding.message.endswith("(AMCT log)")
    assert result.log_path == str(tmp_path / "amct_log" / "amct_tensorflow.log")
    assert fix_and_recheck(script, result).findings == []


def test_log_override(make: Make, tmp_path: Path) -> None:
    script = make("s1_add", infer_script("s1_add", "Add:0"))
    log = tmp_path / "elsewhere.log"
    log.write_text(FAQ_LOG)
    (finding,) = check(script, log=str(log)).findings
    assert finding.evidence == "amct-log"


@pytest.mark.parametrize(
    ("comment", "suppressed"),
    [("# amct: ignore", True), ("# amct: ignore[AMCT001]", True), ("# amct: ignore[AMCT002]", False)],
)
def test_ignore_comments(make: Make, comment: str, suppressed: bool) -> None:
    body = infer_script("s1_add", "Add:0").replace(
        "get_tensor_by_name('Add:0'))", f"get_tensor_by_name('Add:0'))  {comment}"
    )
    result = check(make("s1_add", body))
    assert (result.findings == []) is suppressed


def test_syntax_error_is_one_warning(make: Make) -> None:
    script = make("s1_add", "def main(:\n    g.get_tensor_by_name('Add:0')\n")
    (finding,) = check(script).findings
    assert finding.code is Code.SYNTAX and finding.severity is Severity.WARNING
    assert finding.span.start.line >= 2 and "does not parse" in finding.message


# -- apply_edits, check_paths --------------------------------------------------------------------------------


def test_apply_edits_rejects_overlaps_and_handles_crlf() -> None:
    from amct_lsp.text import Position, Span, TextEdit

    source = "a = 'x'\r\nb = 'y'\r\n"
    edit = TextEdit(Span(Position(1, 5), Position(1, 6)), "zz")
    assert apply_edits(source, [edit]) == "a = 'x'\r\nb = 'zz'\r\n"
    with pytest.raises(ValueError):
        apply_edits(source, [edit, TextEdit(Span(Position(1, 4), Position(1, 6)), "q")])


def test_check_paths_reads_folders_once(make: Make, tmp_path: Path) -> None:
    make("s1_add", infer_script("s1_add", "Add:0"), name="a/one.py")
    make("s1_add", infer_script("s1_add", "Add:0"), name="a/two.py")
    (tmp_path / "a" / "notes.txt").write_text("x")
    cache = ModelCache()
    results = check_paths([str(tmp_path / "a")], root=str(tmp_path), cache=cache)
    assert [Path(r.path).name for r in results] == ["one.py", "two.py"]
    assert [codes(r) for r in results] == [[("AMCT001", 10, "Add:0")]] * 2
    assert len(cache) == 1
    with pytest.raises(FileNotFoundError):
        check_paths([str(tmp_path / "nope")])


def first(findings: list[Finding]) -> Finding:
    return findings[0]


# -- adversarial QA: what a careful expert would (not) want reported -----------------------------------------


def test_script_without_amct_is_not_even_parsed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Zero findings at zero cost: a plain TensorFlow script (even a broken one) never reaches the parser."""
    import amct_lsp.check.checker as check_module

    def boom(*_: object) -> None:
        raise AssertionError("analyze() must not run on a script without AMCT")

    monkeypatch.setattr(check_module, "analyze", boom)
    for text in ("import tensorflow as tf\ntf.Session().run('Addd:0')\n", "def f(:\n", "\x00\x00"):
        result = check_source(text, str(tmp_path / "plain.py"), cache=CACHE)
        assert result.findings == [] and result.names == [] and result.analysis is None


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(
            """
            with tf.gfile.GFile('./model/s1_add.pb', 'rb') as f:
                pass
            graph = tf.get_default_graph()
            amct.create_quant_config('c.json', graph, skip_layers=['Conv2D'])
            with tf.Session() as sess:
                sess.run('Add:0')
            """,
            id="only-create-quant-config",
        ),
        pytest.param(
            """
            import json
            with open('settings.json') as f:
                cfg = json.load(f)
            with tf.gfile.GFile('./model/s1_add.pb', 'rb') as f:
                pass
            graph = tf.get_default_graph()
            amct.quantize_model(graph, 'c.json', 'r.txt')
            with tf.Session() as sess:
                sess.run(graph.get_tensor_by_name(cfg['output']))
                sess.run(cfg.get('outputs', ['Add:0']))
                sess.run([cfg['name'] + ':0', '{}:0'.format(cfg['op'])])
            """,
            id="names-from-a-config-file-are-unknown",
        ),
        pytest.param(
            """
            with tf.gfile.GFile('./model/s1_add.pb', 'rb') as f:
                pass
            graph = tf.get_default_graph()
            name = 'Add:0'
            before = graph.get_tensor_by_name(name)
            amct.quantize_model(graph, 'c.json', 'r.txt')
            name = 'search_n_quant/search_n_quant_SEARCHN/Identity:0'
            with tf.Session() as sess:
                sess.run(graph.get_tensor_by_name(name))
            """,
            id="reassigned-variable-judged-per-assignment",
        ),
    ],
)
def test_scripts_an_expert_would_leave_alone(make: Make, body: str) -> None:
    """Only create_quant_config; names read from a config file (unknown, so silent); a variable
    reassigned around quantize_model (judged per assignment)."""
    assert check(make("s1_add", body)).findings == []


def test_function_never_called_cannot_tell(make: Make) -> None:
    """A helper nobody calls: whether it runs after quantize_model is unknown, so no finding (the hover
    says so)."""
    result = check(
        make(
            "s1_add",
            """
            with tf.gfile.GFile('./model/s1_add.pb', 'rb') as f:
                pass
            amct.quantize_model(tf.get_default_graph(), 'c.json', 'r.txt')

            def infer(graph, sess):
                return sess.run(graph.get_tensor_by_name('Add:0'))
            """,
        )
    )
    assert result.findings == []
    (info,) = result.names
    assert info.phase == "unknown" and info.verdict is not None
    assert info.verdict.startswith("cannot tell") and "search_n_quant" in info.verdict


def test_shared_expression_reached_before_and_after_has_no_fix(make: Make) -> None:
    """The same helper line runs before and after quantize_model with one constant: no edit fits both."""
    result = check(
        make(
            "s1_add",
            """
            NAME = 'Add:0'

            def infer(graph, name):
                with tf.Session() as sess:
                    return sess.run(graph.get_tensor_by_name(name))

            with tf.gfile.GFile('./model/s1_add.pb', 'rb') as f:
                pass
            graph = tf.get_default_graph()
            infer(graph, NAME)
            amct.quantize_model(graph, 'c.json', 'r.txt')
            infer(graph, NAME)
            """,
        )
    )
    (finding,) = result.findings
    assert finding.code is Code.STALE_NAME
    assert [f for f in finding.fixes if not is_suppression(f)] == []
    assert any("also runs where the old name is right" in n for n in finding.notes)


def test_config_defination_overrides_the_calls_skip_layers(make: Make, tmp_path: Path) -> None:
    body = """
        with tf.gfile.GFile('./model/s3_conv2d.pb', 'rb') as f:
            pass
        graph = tf.get_default_graph()
        amct.create_quant_config('./c.json', graph, skip_layers=['Conv2D'], config_defination='./q.cfg')
        amct.quantize_model(graph, './c.json', './r.txt')
        with tf.Session() as sess:
            sess.run('Conv2D:0')
        """
    script = make("s3_conv2d", body)
    # The .cfg is missing: its own skips are unknown, so the call's skip_layers are kept (no invented
    # finding).
    assert check(script).findings == []
    (tmp_path / "q.cfg").write_text("batch_num: 2\n", encoding="utf-8")
    result = check(script)
    assert codes(result) == [("AMCT001", 10, "Conv2D:0")]
    skip = next(n for n in result.names if n.kinds == ("skip_layers",))
    assert skip.verdict is not None and "AMCT ignores skip_layers here" in skip.verdict
    # A .cfg that skips the layer itself: no searchN again.
    (tmp_path / "q.cfg").write_text('skip_layers: "Conv2D"\n', encoding="utf-8")
    assert check(script).findings == []


def test_config_json_quant_enable_false_is_honoured(make: Make, tmp_path: Path) -> None:
    script = make("s3_conv2d", infer_script("s3_conv2d", "Conv2D:0"))
    assert codes(check(script)) == [("AMCT001", 10, "Conv2D:0")]
    (tmp_path / "c.json").write_text('{"version": 1, "Conv2D": {"quant_enable": false}}', encoding="utf-8")
    result = check(script)
    assert result.findings == [] and result.config_paths == (str(tmp_path / "c.json"),)


def test_name_of_another_model_the_script_loads_is_not_unknown(
    make: Make, tmp_path: Path, fixture_path: Callable[[str], Path]
) -> None:
    """A script that quantizes two models: a name of the second is not a typo against the first."""
    script = make(
        "s1_add",
        """
            def run(path, output):
                with tf.gfile.GFile(path, 'rb') as f:
                    pass
                graph = tf.get_default_graph()
                with tf.Session() as sess:
                    sess.run(output)
                amct.quantize_model(graph, 'c.json', 'r.txt')
            run('./model/s1_add.pb', 'Add:0')
            run('./model/heads.pb', 'head_b/BiasAdd:0')
            run('./model/heads.pb', 'head_b/BiasAd:0')
            """,
    )
    shutil.copyfile(fixture_path("multi_output"), tmp_path / "model" / "heads.pb")
    result = check(script)
    assert codes(result) == [("AMCT002", 13, "head_b/BiasAd:0")]
    info = next(n for n in result.names if n.value == "head_b/BiasAdd:0")
    assert info.verdict is not None and "heads.pb" in info.verdict


@pytest.mark.parametrize(
    "expression",
    ["(" * 400 + "1" + ")" * 400, "+".join(["'a'"] * 20_000), "+".join(["'a'"] * 1_000)],
    ids=["deep-nesting", "long-operator-chain", "chain-past-our-depth-limit"],
)
def test_pathological_expressions_are_refused_fast(tmp_path: Path, expression: str) -> None:
    """libcst's native parser crashes on very deep nesting and is quadratic on long chains: refused first."""
    import time

    source = f"import amct_tensorflow as amct\nx = {expression}\n"
    started = time.perf_counter()
    result = check_source(source, str(tmp_path / "q.py"), cache=CACHE)
    assert time.perf_counter() - started < 2.0
    (finding,) = result.findings
    assert finding.code is Code.SYNTAX and "too deeply" in finding.message
    assert finding.span.start.line == 1


def test_the_amct_version_changes_the_finding_and_the_hover_says_why(make: Make) -> None:
    """neg_add_2d's [1,8] addend: left alone by the FAQ's rules (7.0), replaced since 8.0.RC3 (the default);
    the hover names the rules it used and where the version came from."""
    script = make("neg_add_2d", infer_script("neg_add_2d", "Add:0"))
    old = check(script, rules=RuleVersion(AmctVersion.parse("7.0"), "from --amct-version 7.0"))
    assert not [f for f in old.findings if f.code is Code.STALE_NAME]
    assert "Rules: AMCT 7.0 (vendor FAQ rules only): from --amct-version 7.0." in model_hover(old)
    new = check(script)
    assert [f.tensor for f in new.findings if f.code is Code.STALE_NAME] == ["Add:0"]
    (info,) = [n for n in new.names if n.value == "Add:0"]
    hover = name_hover(info, new)
    assert "bias_add/BiasAdd:0" in hover
    assert info.chain is not None
    assert any("documented for AMCT 8.0.RC3 and later" in step.reason for step in info.chain.steps)
    assert "Rules: newest documented AMCT (8.5+): no AMCT version set" in hover


def test_a_skipped_tail_layer_loses_no_record(make: Make) -> None:
    """multi_output with head_a/Conv2D in skip_layers: no searchN follows a layer AMCT does not quantize
    (docs/amct-rules.md: a searchN after every *quantized* layer), so head_a's chain ends at the replaced
    Add (inferred). Fetching the old name then loses no calibration record: a warning that says so, not the
    save_model error."""
    script = make(
        "multi_output",
        """
        def main():
            with tf.gfile.GFile('./model/multi_output.pb', 'rb') as f:
                pass
            graph = tf.get_default_graph()
            amct.create_quant_config('./c.json', graph, skip_layers=['head_a/Conv2D'])
            amct.quantize_model(graph, './c.json', './r.txt')
            with tf.Session() as sess:
                sess.run(graph.get_tensor_by_name('head_a/Add:0'))
                sess.run(graph.get_tensor_by_name('head_b/BiasAdd:0'))
        main()
        """,
    )
    result = check(script)
    by_tensor = {f.tensor: f for f in result.findings}
    skipped, quantized = by_tensor["head_a/Add:0"], by_tensor["head_b/BiasAdd:0"]
    assert skipped.replacement == "bias_add/BiasAdd:0"  # no searchN step
    assert skipped.severity is Severity.WARNING and skipped.layer is None
    # The message says what to use (messages.py); what happens as written is the finding's consequence.
    assert skipped.consequence is not None and quantized.consequence is not None
    assert "the fetch still works: layer 'head_a/Conv2D' is not quantized" in skipped.consequence
    assert "save_model fails" not in skipped.consequence
    assert quantized.severity is Severity.ERROR and quantized.layer == "head_b/MatMul"
    assert "cannot find shift_bit of layer head_b/MatMul in record_file" in quantized.consequence
    hovers = {n.value: name_hover(n, result) for n in result.names if n.value in by_tensor}
    assert "As written: the fetch still works (its layer is not quantized)" in hovers["head_a/Add:0"]
    assert "As written: no calibration record for layer `head_b/MatMul`" in hovers["head_b/BiasAdd:0"]
