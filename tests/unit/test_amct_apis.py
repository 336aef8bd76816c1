"""Issue 9 item 2: the AMCT TensorFlow APIs that take output names, bound as documented."""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from amct_lsp.check import CheckResult, check_source
from amct_lsp.model.cache import ModelCache
from amct_lsp.script import analyze
from amct_lsp.script.facts import Phase, UseKind

HEAD = "import amct_tensorflow as amct\nimport tensorflow as tf\ngraph = tf.get_default_graph()\n"


def uses(code: str) -> list[tuple[str, UseKind, Phase]]:
    analysis = analyze(HEAD + textwrap.dedent(code), "/p/q.py")
    return [(u.value.value, u.kind, u.phase) for u in analysis.uses]


def test_quantize_model_ascend_outputs_is_its_second_parameter_and_not_updated() -> None:
    got = uses(
        """\
        outs = ["Add"]
        g, calib = amct.quantize_model_ascend(graph, outs, "c.json", "r.txt")
        tf.Session().run(outs[0] + ":0")
        """
    )
    assert ("Add", UseKind.MODEL_OUTPUT, Phase.CALIB) in got
    assert ("Add:0", UseKind.FETCH, Phase.AFTER) in got
    assert all(v != "c.json" for v, _, _ in got)


@pytest.mark.parametrize("api", ["quantize_preprocess", "quantized_preprocess"])
def test_quantize_preprocess_updates_outputs_in_place(api: str) -> None:
    got = uses(
        f"""\
        outs = ["Add"]
        amct.{api}(graph, "c.json", "r.txt", outs)
        tf.Session().run(outs[0] + ":0")
        """
    )
    # Original names going in; what the list holds afterwards is AMCT's, not checked.
    assert got == [("Add", UseKind.CALIB_OUTPUT, Phase.CALIB)]


def test_save_model_ascend_and_auto_calibration_take_original_names() -> None:
    code = """\
        from amct_tensorflow.accuracy_based_auto_calibration import accuracy_based_auto_calibration
        amct.save_model_ascend("./m.pb", ["Add"], "r.txt", "./out")
        accuracy_based_auto_calibration("./m.pb", ["Relu"], "r.txt", "c.json", "./out", None)
        """
    analysis = analyze(HEAD + textwrap.dedent(code), "/p/q.py")
    got = [(u.value.value, u.kind, u.phase) for u in analysis.uses]
    assert ("Add", UseKind.SAVE_OUTPUT, Phase.SAVE) in got
    assert ("Relu", UseKind.MODEL_OUTPUT, Phase.CALIB) in got
    assert [m.how for m in analysis.models] == [
        "save_model(pb_model=...)",
        "accuracy_based_auto_calibration(model_file=...)",
    ]


def test_hover_of_ascend_outputs_says_the_list_is_not_updated(
    tmp_path: Path, fixture_path: Callable[[str], Path]
) -> None:
    (tmp_path / "pb_model").mkdir()
    shutil.copyfile(fixture_path("s1_add"), tmp_path / "pb_model" / "model.pb")
    source = HEAD + 'tf.gfile.GFile("./pb_model/model.pb", "rb")\n'
    source += 'amct.quantize_model_ascend(graph, ["Add"], "c", "r")\n'
    result = check_source(source, str(tmp_path / "q.py"), cache=ModelCache())
    assert result.findings == []
    (name,) = [n for n in result.names if n.value == "Add"]
    assert name.verdict is not None and "does not say AMCT updates this list" in name.verdict


def test_a_helper_module_gets_no_amct004(tmp_path: Path) -> None:
    source = "from amct_tensorflow import ModelEvaluator\n\n\nclass E(ModelEvaluator):\n    pass\n"
    result = check_source(source, str(tmp_path / "evaluator.py"), cache=ModelCache())
    assert result.findings == []
    quantizing = source + 'import amct_tensorflow as amct\namct.quantize_model(None, "c", "r")\n'
    again = check_source(quantizing, str(tmp_path / "quant.py"), cache=ModelCache())
    assert [f.code.value for f in again.findings] == ["AMCT004"]


def _check_s1(tmp_path: Path, fixture_path: Callable[[str], Path], code: str) -> CheckResult:
    (tmp_path / "pb_model").mkdir(exist_ok=True)
    shutil.copyfile(fixture_path("s1_add"), tmp_path / "pb_model" / "model.pb")
    source = HEAD + 'tf.gfile.GFile("./pb_model/model.pb", "rb")\n' + textwrap.dedent(code)
    return check_source(source, str(tmp_path / "q.py"), cache=ModelCache())


def test_messages_name_the_api_and_parameter(tmp_path: Path, fixture_path: Callable[[str], Path]) -> None:
    """AMCT003 / AMCT002 on the `outputs` of other APIs say which API and parameter, not calib_outputs."""
    result = _check_s1(
        tmp_path,
        fixture_path,
        """\
        amct.quantize_model_ascend(graph, ["bias_add/BiasAdd"], "c", "r")
        amct.quantize_preprocess(graph, "c", "r", ["Add:0"])
        """,
    )
    early, tensor = sorted(result.findings, key=lambda f: f.span.start.line)
    assert early.code.value == "AMCT003"
    assert (
        "in quantize_model_ascend(outputs=...), which AMCT matches against the original graph"
        in early.message
    )
    assert "calib_outputs" not in early.message
    assert tensor.code.value == "AMCT002"
    assert tensor.message.startswith("quantize_preprocess(outputs=...) holds op names (documented)")
    assert "fetch outputs[i] + ':0'" in tensor.message


def test_hovers_name_the_api_and_what_is_not_documented(
    tmp_path: Path, fixture_path: Callable[[str], Path]
) -> None:
    result = _check_s1(
        tmp_path,
        fixture_path,
        """\
        from amct_tensorflow.accuracy_based_auto_calibration import accuracy_based_auto_calibration
        accuracy_based_auto_calibration("./pb_model/model.pb", ["Add"], "r", "c", "./out", None)
        amct.create_prune_retrain_model(graph, ["Conv2D"], "r", "prune.cfg")
        amct.quantize_preprocess(graph, "c", "r", ["input"])
        """,
    )
    assert result.findings == []
    verdicts = {n.value: n.verdict or "" for n in result.names}
    assert "right for accuracy_based_auto_calibration(outputs=...)" in verdicts["Add"]
    assert "which graph the evaluator's methods receive is not documented" in verdicts["Add"]
    assert "right for create_prune_retrain_model(outputs=...)" in verdicts["Conv2D"]
    assert "does not say whether inserting the sparsity (mask) ops renames" in verdicts["Conv2D"]
    assert "quantize_model_ascend" not in verdicts["Add"] + verdicts["Conv2D"]


def test_sparsity_and_compression_apis_bind_outputs_as_documented() -> None:
    got = uses(
        """\
        amct.create_prune_retrain_model(graph, ["Add"], "r.txt", "prune.cfg")
        amct.save_prune_retrain_model("./masked.pb", ["Add"], "r.txt", "./out")
        amct.create_compressed_retrain_model(graph, "c.cfg", ["Relu"], "r.txt")
        amct.save_compressed_retrain_model("./masked.pb", ["Relu"], "r.txt", "./out")
        amct.convert_model(pb_model="./m.pb", outputs=["Conv2D"], record_file="r.txt", save_path="./q/m")
        """
    )
    assert ("Conv2D", UseKind.SAVE_OUTPUT, Phase.SAVE) in got
    assert ("Add", UseKind.MODEL_OUTPUT, Phase.CALIB) in got
    assert ("Add", UseKind.SAVE_OUTPUT, Phase.SAVE) in got
    assert ("Relu", UseKind.MODEL_OUTPUT, Phase.CALIB) in got
    assert ("Relu", UseKind.SAVE_OUTPUT, Phase.SAVE) in got
    assert all(v not in ("prune.cfg", "c.cfg", "r.txt") for v, _, _ in got)
