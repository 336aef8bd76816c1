"""Issue 9 item 1 in the editor: a tensor object looked up before quantize_model and run after it gets
AMCT001 at the run, a hover at the run and at the lookup, and a quick fix that re-checks clean."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from lsp_helpers import apply_text_edits, edits_of, start_session

SCRIPT = """\
import amct_tensorflow as amct
import tensorflow as tf

with tf.io.gfile.GFile("./pre_model/model.pb", "rb") as f:
    graph_def = tf.compat.v1.GraphDef()
    graph_def.ParseFromString(f.read())
tf.import_graph_def(graph_def, name="")
graph = tf.compat.v1.get_default_graph()
output = graph.get_tensor_by_name("Add:0")
amct.quantize_model(graph, "./config.json", "./record.txt")
with tf.compat.v1.Session() as sess:
    sess.run(output)
"""
NEW = "search_n_quant/search_n_quant_SEARCHN/Identity:0"
LOOKUP_LINE, RUN_LINE = 8, 11


async def test_object_run_diagnostic_hover_fix(tmp_path: Path, fixture_path: Callable[[str], Path]) -> None:
    (tmp_path / "pre_model").mkdir()
    shutil.copyfile(fixture_path("s1_add"), tmp_path / "pre_model" / "model.pb")
    script = tmp_path / "quant.py"
    script.write_text(SCRIPT, encoding="utf-8")
    async with start_session(root=tmp_path) as s:
        uri = s.open(script)
        diags = list((await s.wait_published(uri, 1)).diagnostics)
        assert [(d.code, d.range.start.line) for d in diags] == [("AMCT001", RUN_LINE)], diags
        diag = diags[0]
        run_col = SCRIPT.splitlines()[RUN_LINE].index("output")
        assert (diag.range.start.character, diag.range.end.character) == (run_col, run_col + len("output"))
        related = diag.related_information or []
        assert any(r.location.range.start.line == LOOKUP_LINE for r in related), related

        run_hover = await s.hover(uri, RUN_LINE, run_col + 2)
        assert run_hover is not None
        text = str(run_hover.contents)
        assert "looked up" in text and NEW in text and "same graph" in text, text

        lookup_col = SCRIPT.splitlines()[LOOKUP_LINE].index('"Add:0"') + 2
        lookup_hover = await s.hover(uri, LOOKUP_LINE, lookup_col)
        assert lookup_hover is not None
        assert f"run after quantize_model (line {RUN_LINE + 1})" in str(lookup_hover.contents)

        actions = await s.code_actions(uri, [diag])
        preferred = [a for a in actions if a.is_preferred]
        assert len(preferred) == 1, [a.title for a in actions]
        assert any("calib_outputs" in a.title for a in actions), [a.title for a in actions]
        edits, _ = edits_of(preferred[0].edit, uri)
        fixed = apply_text_edits(SCRIPT, edits)
        assert f'output = graph.get_tensor_by_name("{NEW}")' in fixed.splitlines()[LOOKUP_LINE + 2]
        version = s.replace(uri, fixed)
        after = list((await s.wait_published(uri, version)).diagnostics)
        assert after == [], after
