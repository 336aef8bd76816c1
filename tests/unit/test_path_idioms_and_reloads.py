"""Issue 9 items 3 and 5: the path idioms of real scripts, and names looked up in a graph loaded again."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from amct_lsp.check import check_source
from amct_lsp.model.cache import ModelCache
from amct_lsp.script import analyze
from amct_lsp.script import values as V
from amct_lsp.script.parse import parse
from amct_lsp.script.walk.interpreter import Interpreter
from support.corpus import build_with_model

CORPUS = Path(__file__).resolve().parents[1] / "scripts"

IDIOMS = """\
import os
import pathlib
CUR_DIR, _ = os.path.split(os.path.realpath(__file__))
A = os.path.join(CUR_DIR, "m/a.pb")
B = os.path.join(os.path.split(os.path.realpath(__file__))[0], "b.pb")
C = os.path.join(os.path.realpath("./"), "c.pb")
D = pathlib.Path(__file__).resolve().parents[1] / "d.pb"
E = os.path.split("x.pb")
"""


def test_path_idioms_evaluate_to_paths() -> None:
    walk = Interpreter(parse(IDIOMS), "/w/proj/tools/q.py")
    walk.run()
    env = walk.module_env.vars
    got = {k: [s.value for s in V.strings(env[k])] for k in "ABCD"}
    assert got == {
        "A": ["/w/proj/tools/m/a.pb"],
        "B": ["/w/proj/tools/b.pb"],
        "C": ["./c.pb"],
        "D": ["/w/proj/d.pb"],
    }
    (pair,) = env["E"]
    assert isinstance(pair, V.Seq) and [[s.value for s in V.strings(i)] for i in pair.items] == [
        [""],
        ["x.pb"],
    ]


def test_output_paths_are_never_the_model_fallback() -> None:
    source = """\
import argparse
import amct_tensorflow as amct
import tensorflow as tf
parser = argparse.ArgumentParser()
parser.add_argument("--save_path", default="./result/model_quantized.pb")
parser.add_argument("--output_dir", default="./result/out.pb")
tf.io.write_graph(None, "./out", "frozen.pb", as_text=False)
T = "{}_quantized.pb"
amct.save_model(unknown, ["Add"], "r.txt", "./saved/m.pb")
M = "./pre_model/model.pb"
"""
    assert [m.path for m in analyze(source, "/w/q.py").models] == ["./pre_model/model.pb"]


def test_a_name_in_the_saved_quantized_model_is_told_as_such(
    tmp_path: Path, fixture_path: Callable[[str], Path]
) -> None:
    source, copy, _ = build_with_model(CORPUS / "sample_quantized_reload.py", tmp_path, fixture_path)
    result = check_source(source, str(copy), cache=ModelCache(), root=str(tmp_path))
    line = next(i for i, text in enumerate(source.splitlines()) if "quant_graph.get_tensor_by_name" in text)
    (name,) = [n for n in result.names if n.span.start.line == line]
    assert name.verdict is not None
    assert "saved quantized model" in name.verdict and "right before quantize_model" not in name.verdict
    assert "inferred" in name.verdict
    float_line = next(i for i, t in enumerate(source.splitlines()) if "float_graph.get_tensor_by_name" in t)
    (float_name,) = [n for n in result.names if n.span.start.line == float_line]
    assert float_name.verdict is not None and "right before quantize_model" in float_name.verdict
