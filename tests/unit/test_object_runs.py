"""Issue 9 item 1: tensor and op objects looked up before quantize_model and run after it."""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from amct_lsp.check import apply_edits, check_source
from amct_lsp.check.findings import Code
from amct_lsp.check.suppress import is_suppression
from amct_lsp.model.cache import ModelCache
from amct_lsp.script import analyze

HEAD = """\
import amct_tensorflow as amct
import tensorflow as tf

with tf.gfile.GFile("./pb_model/model.pb", "rb") as f:
    graph_def = tf.GraphDef()
    graph_def.ParseFromString(f.read())
tf.import_graph_def(graph_def, name="")
graph = tf.get_default_graph()
"""


def runs(body: str) -> list[tuple[str, int, str]]:
    source = HEAD + textwrap.dedent(body)
    return [(r.value.value, r.run.start.line, r.how) for r in analyze(source, "/p/q.py").object_runs]


def test_run_after_quantize_is_recorded_with_its_lookup() -> None:
    got = runs(
        """\
        out = graph.get_tensor_by_name("Add:0")
        op = graph.get_operation_by_name("Add")
        amct.quantize_model(graph, "c.json", "r.txt")
        sess = tf.Session()
        sess.run(out)
        out.eval()
        op.run()
        sess.run({"a": [out]})
        """
    )
    assert got == [
        ("Add:0", 12, "sess.run"),
        ("Add:0", 13, ".eval()"),
        ("Add", 14, ".run()"),
        ("Add:0", 15, "sess.run"),
    ]


@pytest.mark.parametrize(
    "body",
    [
        # run before quantize_model
        'out = graph.get_tensor_by_name("Add:0")\ntf.Session().run(out)\n'
        'amct.quantize_model(graph, "c", "r")\n',
        # looked up after quantize_model: the new graph's tensor
        'amct.quantize_model(graph, "c", "r")\nout = graph.get_tensor_by_name("Add:0")\n'
        "tf.Session().run(out)\n",
        # a feed is an input, not a fetch
        'x = graph.get_tensor_by_name("input:0")\namct.quantize_model(graph, "c", "r")\n'
        'tf.Session().run("Add:0", feed_dict={x: 1})\n',
        # a fresh graph: the lookup is in a graph quantize_model did not rewrite
        'g2 = tf.Graph()\nout = g2.get_tensor_by_name("Add:0")\namct.quantize_model(graph, "c", "r")\n'
        "tf.Session(graph=g2).run(out)\n",
        # a session on another graph
        'out = graph.get_tensor_by_name("Add:0")\namct.quantize_model(graph, "c", "r")\n'
        "tf.Session(graph=tf.Graph()).run(out)\n",
    ],
)
def test_not_an_object_run(body: str) -> None:
    assert [r for r in runs(body) if r[0] == "Add:0"] == []


@pytest.fixture
def project(tmp_path: Path, fixture_path: Callable[[str], Path]) -> Callable[[str, str], Path]:
    def make(fixture: str, body: str) -> Path:
        (tmp_path / "pb_model").mkdir(exist_ok=True)
        shutil.copyfile(fixture_path(fixture), tmp_path / "pb_model" / "model.pb")
        script = tmp_path / "q.py"
        script.write_text(HEAD + textwrap.dedent(body), encoding="utf-8")
        return script

    return make


BODY = """\
out = graph.get_tensor_by_name("Add:0")
amct.quantize_model(graph, "c.json", "r.txt")
with tf.Session() as sess:
    sess.run(out)
"""


def test_every_fix_clears_the_finding(project: Callable[[str, str], Path]) -> None:
    script = project("s1_add", BODY)
    source = script.read_text(encoding="utf-8")
    cache = ModelCache()
    (finding,) = check_source(source, str(script), cache=cache).findings
    assert finding.code is Code.STALE_NAME and finding.span.start.line == 11
    assert finding.related[0].span.start.line == 8
    fixes = [f for f in finding.fixes if not is_suppression(f)]
    assert [f.primary for f in fixes] == [True, False]
    for fix in fixes:
        fixed = apply_edits(source, fix.edits)
        compile(fixed, "fixed", "exec")
        assert check_source(fixed, str(script), cache=cache).findings == [], (fix.message, fixed)


def test_a_tail_not_renamed_is_not_reported(project: Callable[[str, str], Path]) -> None:
    script = project("neg_relu", BODY.replace("Add:0", "Relu:0"))
    result = check_source(script.read_text(encoding="utf-8"), str(script), cache=ModelCache())
    assert result.findings == []


def test_a_list_built_from_the_object_is_bound_again_not_the_object(
    project: Callable[[str, str], Path],
) -> None:
    """`both = [out]` before quantize_model: binding `out` again would leave `both` holding the old tensor,
    so the fix binds the list that is run."""
    body = BODY.replace("sess.run(out)", "sess.run(both)").replace(
        "amct.quantize_model", "both = [out]\namct.quantize_model"
    )
    script = project("s1_add", body)
    source = script.read_text(encoding="utf-8")
    (finding,) = check_source(source, str(script), cache=ModelCache()).findings
    (fix,) = [f for f in finding.fixes if not is_suppression(f)]
    assert fix.message.startswith("Look 'both' up again after quantize_model: [graph.get_tensor_by_name(")
    assert check_source(apply_edits(source, fix.edits), str(script), cache=ModelCache()).findings == []


@pytest.mark.parametrize(
    ("body", "why"),
    [
        (
            'ops = [graph.get_operation_by_name("Add")]\namct.quantize_model(graph, "c", "r")\n'
            "tf.Session().run(ops[0].outputs[0])\n",
            "run through an expression (an attribute, an index, a call), not a variable",
        ),
        (
            'out = graph.get_tensor_by_name("Add:0")\namct.quantize_model(graph, "c", "r")\n\n\n'
            "def infer():\n    tf.Session().run(out)\n\n\ninfer()\n",
            "run in another function than the one that calls quantize_model",
        ),
    ],
)
def test_no_sound_edit_says_why(project: Callable[[str, str], Path], body: str, why: str) -> None:
    script = project("s1_add", body)
    (finding,) = check_source(script.read_text(encoding="utf-8"), str(script), cache=ModelCache()).findings
    assert finding.code is Code.STALE_NAME and finding.tensor == "Add:0"
    assert [f for f in finding.fixes if not is_suppression(f)] == []
    (note,) = [n for n in finding.notes if n.startswith("No automatic fix")]
    assert why in note and "calib_outputs" in note
