"""Issue 9 item 2: the AMCT TensorFlow APIs that take output names, bound as documented."""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from amct_lsp.check import check_source
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
