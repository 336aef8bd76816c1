"""The object-run fixes (issue 9 item 1) run: against the fake TensorFlow and AMCT of test_check_fixes_run,
the script as written fails like the real thing (save_model, after a run of the stale tensor object), and
each fix applied alone runs and fetches the new name after quantize_model."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from test_check_fixes_run import NEW, World, fake_modules

from amct_lsp.check import apply_edits, check_source
from amct_lsp.check.suppress import is_suppression
from amct_lsp.model.cache import ModelCache

SCRIPT = """\
import amct_tensorflow as amct
import tensorflow as tf

with tf.gfile.GFile("./pb_model/model.pb", "rb") as f:
    graph_def = tf.GraphDef()
    graph_def.ParseFromString(f.read())
tf.import_graph_def(graph_def, name="")
graph = tf.get_default_graph()
output = graph.get_tensor_by_name("Add:0")
amct.quantize_model(graph, "c.json", "r.txt")
with tf.Session() as sess:
    sess.run(output)
amct.save_model("./pb_model/model.pb", ["Add"], "r.txt", "out")
"""


def run(source: str, monkeypatch: pytest.MonkeyPatch) -> World:
    world = World()
    for name, module in fake_modules(world).items():
        monkeypatch.setitem(sys.modules, name, module)
    exec(compile(source, "<fixed script>", "exec"), {"__name__": "__main__"})
    return world


def test_object_run_fixes_run(
    tmp_path: Path, fixture_path: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pb_model").mkdir()
    (tmp_path / "pb_model" / "model.pb").write_bytes(fixture_path("s1_add").read_bytes())
    script = tmp_path / "q.py"
    with pytest.raises(RuntimeError, match="shift_bit"):  # save_model fails like the real thing
        run(SCRIPT, monkeypatch)
    (finding,) = check_source(SCRIPT, str(script), cache=ModelCache()).findings
    fixes = [f for f in finding.fixes if not is_suppression(f)]
    assert len(fixes) == 2
    for fix in fixes:
        world = run(apply_edits(SCRIPT, fix.edits), monkeypatch)
        assert [n for quantized, n in world.fetched if quantized] == [NEW], fix.message


#: The other documented forms of a lookup before quantize_model (issue 9 item 1): in a helper whose result the
#: quantize function assigns, a list of tensors, and an op object's `.outputs[0]`.
FORMS = {
    "helper": """\
def output_of(g):
    return g.get_tensor_by_name("Add:0")


output = output_of(graph)
amct.quantize_model(graph, "c.json", "r.txt")
with tf.Session() as sess:
    sess.run(output)
""",
    "list": """\
outputs = [graph.get_tensor_by_name("Add:0"), graph.get_tensor_by_name("Conv2D:0")]
amct.quantize_model(graph, "c.json", "r.txt")
with tf.Session() as sess:
    sess.run(outputs)
""",
    "op_outputs": """\
op = graph.get_operation_by_name("Add")
output = op.outputs[0]
amct.quantize_model(graph, "c.json", "r.txt")
with tf.Session() as sess:
    sess.run(output)
""",
    "op_outputs_at_run": """\
op = graph.get_operation_by_name("Add")
amct.quantize_model(graph, "c.json", "r.txt")
with tf.Session() as sess:
    sess.run(op.outputs[0])
""",
}
PREAMBLE = SCRIPT[: SCRIPT.index("output = ")]


@pytest.mark.parametrize("form", sorted(FORMS))
def test_other_lookup_forms_fix_and_run(
    form: str, tmp_path: Path, fixture_path: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """As written, save_model fails; the look-up-again fix (one line after quantize_model binding the run's
    variable again) and, for one object, the calib_outputs fix each run and fetch the new name."""
    (tmp_path / "pb_model").mkdir()
    (tmp_path / "pb_model" / "model.pb").write_bytes(fixture_path("s1_add").read_bytes())
    source = PREAMBLE + FORMS[form] + 'amct.save_model("./pb_model/model.pb", ["Add"], "r.txt", "out")\n'
    with pytest.raises(RuntimeError, match="shift_bit"):
        run(source, monkeypatch)
    cache = ModelCache()
    (finding,) = check_source(source, str(tmp_path / "q.py"), cache=cache).findings
    fixes = [f for f in finding.fixes if not is_suppression(f)]
    assert fixes and fixes[0].primary and fixes[0].message.startswith("Look '")
    # calib_outputs holds the one op a single object needs; an op run through .outputs is bound as an op.
    assert len(fixes) == (1 if form in ("list", "op_outputs_at_run") else 2)
    for fix in fixes:
        fixed = apply_edits(source, fix.edits)
        world = run(fixed, monkeypatch)
        assert (True, NEW) in world.fetched, fix.message
        assert check_source(fixed, str(tmp_path / "q.py"), cache=cache).findings == [], fixed
