"""`amct-lsp explain MODEL` through `cli.main`: the text table, the JSON shape, options, and clean errors."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from amct_lsp.amct.versions import NEWEST
from amct_lsp.cli import main
from amct_lsp.model import schema

SN = "search_n_quant/search_n_quant_SEARCHN/Identity:0"
FixturePath = Callable[[str], Path]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["explain", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> list[dict[str, Any]]:
    code, out, err = run(capsys, *argv, "--format", "json")
    assert code == 0, err
    data: list[dict[str, Any]] = json.loads(out)
    return data


def test_text_table(capsys: pytest.CaptureFixture[str], fixture_path: FixturePath) -> None:
    path = fixture_path("s1_add")
    code, out, err = run(capsys, str(path))
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == f"Model: {path} (5 nodes, 1 tail)"
    blank = lines.index("")
    rules = " ".join(lines[1:blank])
    assert rules.startswith("Rules: newest documented AMCT (8.5+): no AMCT version set")
    assert lines[blank + 1 :] == [
        "Tail Add:0  [Add]",
        f"  becomes {SN}  [vendor FAQ]",
        "  fetching 'Add:0' after quantize_model runs off the quantized path: layer 'Conv2D' gets no",
        '  calibration record and save_model fails (RuntimeError: "cannot find shift_bit of layer Conv2D in',
        '  record_file")',
        "  1. replace_add_pass: Add:0 → bias_add/BiasAdd:0  [vendor FAQ]",
        "     Add of a 1-D bias after Conv2D is replaced by a BiasAdd",
        f"  2. quantize_model: bias_add/BiasAdd:0 → {SN}  [vendor FAQ]",
        "     searchN is inserted after the quantized Conv2D and its BiasAdd 'bias_add/BiasAdd'; the old",
        "     output survives",
    ]
    assert all(len(line) <= 110 for line in lines[1:])


def test_text_for_untouched_and_noted_tails(
    capsys: pytest.CaptureFixture[str], fixture_path: FixturePath
) -> None:
    code, out, _ = run(capsys, str(fixture_path("neg_relu")))
    assert code == 0
    assert "  keeps its name: Relu is not quantized, so AMCT leaves this output alone" in out.splitlines()
    code, out, _ = run(capsys, str(fixture_path("multi_output")))
    assert code == 0
    assert "(14 nodes, 2 tails)" in out
    assert "Tail head_a/Add:0  [Add]" in out and "Tail head_b/BiasAdd:0  [BiasAdd]" in out
    assert "[inferred (not confirmed by the vendor)]" in out
    assert "  note: The model has 1 other quantizable layer ('trunk/Conv2D')" in out
    # The model-wide version of a caveat every chain shows is not printed again.
    assert "Note: The model has" not in out
    code, out, _ = run(capsys, str(fixture_path("s3_avgpool")))
    assert "layer 'AvgPool' gets no calibration record and save_model fails" in " ".join(out.split())
    assert "<layer>" not in out
    assert "shift-N" in out


def test_long_names_wrap_onto_an_arrow_line(
    capsys: pytest.CaptureFixture[str], fixture_path: FixturePath
) -> None:
    code, out, _ = run(capsys, str(fixture_path("s5_unfused_bn")))
    assert code == 0
    lines = out.splitlines()
    first = lines.index("  1. replace_bn_pass: batch_normalization/batchnorm/add_1:0")
    assert lines[first + 1] == (
        "     → batch_normalization/batchnorm/bn_replace/batch_normalization/FusedBatchNormV3:0  [vendor FAQ]"
    )


def test_json_shape(capsys: pytest.CaptureFixture[str], fixture_path: FixturePath) -> None:
    data = run_json(capsys, str(fixture_path("s1_add")))
    assert data == [
        {
            "tail": "Add",
            "op": "Add",
            "output": "Add:0",
            "final": SN,
            "reason": "renamed by replace_add_pass then quantize_model (searchN)",
            "chain": [
                {
                    "pass": "replace_add_pass",
                    "old": "Add:0",
                    "new": "bias_add/BiasAdd:0",
                    "reason": "Add of a 1-D bias after Conv2D is replaced by a BiasAdd",
                    "evidence": "faq",
                    "removes_old": True,
                },
                {
                    "pass": "quantize_model",
                    "old": "bias_add/BiasAdd:0",
                    "new": SN,
                    "reason": data[0]["chain"][1]["reason"],
                    "evidence": "faq",
                    "removes_old": False,
                },
            ],
            "notes": [],
            "layer": "Conv2D",
            "rules": {"version": None, "source": NEWEST.source, "summary": NEWEST.describe()},
        }
    ]
    assert "searchN is inserted" in data[0]["chain"][1]["reason"]


def test_json_says_which_rules(capsys: pytest.CaptureFixture[str], fixture_path: FixturePath) -> None:
    """The JSON carries the rules line as data (additive: every other key is unchanged)."""
    [entry] = run_json(capsys, str(fixture_path("s1_add")), "--amct-version", "7.0")
    assert entry["rules"] == {
        "version": "7.0",
        "source": "from --amct-version 7.0",
        "summary": "AMCT 7.0 (vendor FAQ rules only): from --amct-version 7.0",
    }


def test_the_layer_is_named_not_a_placeholder(
    capsys: pytest.CaptureFixture[str], fixture_path: FixturePath
) -> None:
    """Conv3D (a layer only the 8.0+ rules know) and a skipped layer: explain names the layer or says why
    nothing is lost, never `<layer>`."""
    code, out, _ = run(capsys, str(fixture_path("v8_conv3d_bn")))
    text = " ".join(out.split())
    assert code == 0 and "<layer>" not in out
    assert "layer 'Conv3D' gets no calibration record" in text
    code, out, _ = run(capsys, str(fixture_path("multi_output")), "--skip-layers", "head_a/Conv2D")
    text = " ".join(out.split())
    assert "layer 'head_a/Conv2D' is not quantized ('head_a/Conv2D' is listed in skip_layers" in text
    [entry] = [
        e for e in run_json(capsys, str(fixture_path("multi_output"))) if e["tail"] == "head_b/BiasAdd"
    ]
    assert entry["layer"] == "head_b/MatMul"


def test_json_untouched_tail(capsys: pytest.CaptureFixture[str], fixture_path: FixturePath) -> None:
    [entry] = run_json(capsys, str(fixture_path("neg_matmul_transpose_b")))
    assert entry["output"] == entry["final"] == "MatMul:0"
    assert entry["chain"] == [] and entry["notes"] == []
    assert "MatMul with transpose_b=True is not quantized by AMCT" in entry["reason"]


def test_json_collision_and_notes(capsys: pytest.CaptureFixture[str], fixture_path: FixturePath) -> None:
    entries = {e["tail"]: e for e in run_json(capsys, str(fixture_path("col_Bias_Add")))}
    fused = entries["batch_normalization/FusedBatchNormV3"]
    assert [s["new"] for s in fused["chain"]] == ["bias_add_1:0", SN]
    assert fused["chain"][0]["evidence"] == "tf-rule"
    assert entries["Bias_Add"]["chain"] == []
    [avgpool] = run_json(capsys, str(fixture_path("s3_avgpool")))
    assert any("shift-N" in note for note in avgpool["notes"])


def test_pbtxt_model(capsys: pytest.CaptureFixture[str], fixture_path: FixturePath) -> None:
    [entry] = run_json(capsys, str(fixture_path("s1_add.pbtxt")))
    assert entry["final"] == SN


def test_skip_options(capsys: pytest.CaptureFixture[str], fixture_path: FixturePath) -> None:
    [entry] = run_json(capsys, str(fixture_path("s2_biasadd_conv2d")), "--skip-layers", "other, Conv2D")
    assert entry["chain"] == []
    assert "'Conv2D' is listed in skip_layers (from --skip-layers)" in entry["reason"]
    [entry] = run_json(capsys, str(fixture_path("s3_matmul")), "--skip-layer-types", "MatMul")
    assert entry["chain"] == [] and "skip_layer_types" in entry["reason"]


def test_config_files(capsys: pytest.CaptureFixture[str], fixture_path: FixturePath, tmp_path: Path) -> None:
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"version": 1, "Conv2D": {"quant_enable": False}}), encoding="utf-8")
    [entry] = run_json(capsys, str(fixture_path("s3_conv2d")), "--config", str(config))
    assert entry["chain"] == [] and '"quant_enable": false' in entry["reason"]
    cfg = tmp_path / "quant.cfg"
    cfg.write_text("# no fusion\ndo_fusion: false\n", encoding="utf-8")
    [entry] = run_json(capsys, str(fixture_path("s4_fbn_v3")), "--config", str(cfg))
    assert entry["chain"] == [] and "do_fusion is false" in entry["reason"]


@pytest.mark.parametrize("kind", ["missing", "corrupt", "directory", "bad-config"])
def test_errors_exit_2_without_traceback(
    capsys: pytest.CaptureFixture[str], fixture_path: FixturePath, tmp_path: Path, kind: str
) -> None:
    argv: list[str]
    if kind == "missing":
        argv = [str(tmp_path / "nope.pb")]
    elif kind == "corrupt":
        bad = tmp_path / "bad.pb"
        bad.write_bytes(b"\xff\xfe this is not a GraphDef \x00\x01" * 10)
        argv = [str(bad)]
    elif kind == "directory":
        argv = [str(tmp_path)]
    else:
        config = tmp_path / "config.json"
        config.write_text("{oops", encoding="utf-8")
        argv = [str(fixture_path("s1_add")), "--config", str(config)]
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert err.startswith("amct-lsp explain: ") and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


# --- the toughest user: bad input of every kind, one clear line on stderr, exit 2 ---


def _graph_bytes(weights: int = 0) -> bytes:
    """input -> MatMul(Const[n,8]) with `weights` float32 values in the Const, built with our schema."""
    graph = schema.GraphDef()
    graph.node.add(name=b"input", op=b"Placeholder")
    const = graph.node.add(name=b"w", op=b"Const")
    tensor = const.attr.add(key=b"value").value.tensor
    tensor.dtype = 1
    rows = max(weights // 8, 1)
    tensor.tensor_shape.dim.add(size=rows)
    tensor.tensor_shape.dim.add(size=8)
    tensor.tensor_content = b"\0" * (rows * 8 * 4)
    matmul = graph.node.add(name=b"MatMul", op=b"MatMul", input=[b"input", b"w"])
    matmul.attr.add(key=b"T").value.type = 1
    return bytes(graph.SerializeToString())


def _bad_model(kind: str, tmp_path: Path, fixture_path: FixturePath, tf: Any) -> tuple[Path, str]:
    """A path of the given bad kind and a fragment its error message must contain."""
    if kind == "empty":
        return write(tmp_path / "m.pb", b""), "is empty (0 bytes)"
    if kind == "truncated":
        data = fixture_path("s5_unfused_bn").read_bytes()
        return write(tmp_path / "m.pb", data[: len(data) // 2]), "is truncated"
    if kind == "text":
        return write(tmp_path / "notes.pb", b"this is not a graph\n"), "not a GraphDef in text format (line 1"
    if kind == "script":
        return write(tmp_path / "quant.py", b"import tensorflow as tf\n"), "not a GraphDef in text format"
    if kind == "saved_model_dir":
        saved = tmp_path / "saved"
        saved.mkdir()
        write(saved / "saved_model.pb", b"\x08\x01\x12\x00")
        return saved, "is a SavedModel directory"
    if kind == "saved_model_pb":
        return write(tmp_path / "saved_model.pb", b"\x08\x01\x12\x00"), "SavedModel proto"
    if kind == "meta":
        meta = tf.compat.v1.MetaGraphDef()
        meta.graph_def.ParseFromString(fixture_path("s1_add").read_bytes())
        meta.meta_info_def.tags.append("serve")
        return write(tmp_path / "model.ckpt.meta", meta.SerializeToString()), "is a MetaGraphDef"
    assert kind == "directory"
    return tmp_path, "is a directory"


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


BAD_MODELS = [
    "empty",
    "truncated",
    "text",
    "script",
    "saved_model_dir",
    "saved_model_pb",
    "meta",
    "directory",
]


@pytest.mark.parametrize("kind", BAD_MODELS)
def test_bad_models_give_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], fixture_path: FixturePath, tmp_path: Path, tf: Any, kind: str
) -> None:
    path, fragment = _bad_model(kind, tmp_path, fixture_path, tf)
    code, out, err = run(capsys, str(path))
    assert (code, out) == (2, "")
    assert err.startswith("amct-lsp explain: ") and err.endswith("\n") and err.count("\n") == 1, err
    assert fragment in err
    assert "Traceback" not in err and "amct_lsp.tf" not in err


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (None, "does not exist"),
        ("{oops", "is not valid JSON: Expecting property name enclosed in double quotes at line 1"),
        ('{"do_fusion": "no"}', '"do_fusion" must be true or false, not "no"'),
        ('{"Conv2D": {"quant_enable": 0}}', '"Conv2D".quant_enable must be true or false'),
        ('{"skip_fusion_layers": 3}', '"skip_fusion_layers" must be a list of layer names'),
        ("[1, 2]", "must hold a JSON object at the top level"),
        ("", "is not valid JSON"),
    ],
)
def test_bad_config_files(
    capsys: pytest.CaptureFixture[str],
    fixture_path: FixturePath,
    tmp_path: Path,
    content: str | None,
    fragment: str,
) -> None:
    config = tmp_path / "config.json"
    if content is not None:
        config.write_text(content, encoding="utf-8")
    code, out, err = run(capsys, str(fixture_path("s1_add")), "--config", str(config))
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and fragment in err and "Traceback" not in err


def test_config_with_a_byte_order_mark(
    capsys: pytest.CaptureFixture[str], fixture_path: FixturePath, tmp_path: Path
) -> None:
    config = tmp_path / "config.json"
    config.write_bytes(b"\xef\xbb\xbf" + json.dumps({"Conv2D": {"quant_enable": False}}).encode())
    [entry] = run_json(capsys, str(fixture_path("s3_conv2d")), "--config", str(config))
    assert entry["chain"] == [] and '"quant_enable": false' in entry["reason"]


def test_missing_relative_path_says_where_it_looked(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, "pb_model/case_1_1.pb")
    assert code == 2
    assert err == (
        f"amct-lsp explain: Model file pb_model/case_1_1.pb does not exist (relative to the current "
        f"directory {tmp_path}); check the path.\n"
    )


def test_skip_names_not_in_the_model_are_warned_about(
    capsys: pytest.CaptureFixture[str], fixture_path: FixturePath
) -> None:
    code, out, err = run(
        capsys,
        str(fixture_path("s2_biasadd_conv2d")),
        "--skip-layers",
        "conv2d,BiasAdd,Conv2D:0",
        "--skip-layer-types",
        "Matmul",
        "--format",
        "json",
    )
    assert code == 0
    assert json.loads(out)[0]["final"] == SN  # none of them matches, so the searchN is still predicted
    assert err.splitlines() == [
        "amct-lsp explain: warning: skip_layers names 'BiasAdd', an op of type BiasAdd, not a layer AMCT "
        "quantizes (AvgPool, Conv2D, Conv2DBackpropInput, DepthwiseConv2dNative, MatMul)",
        "amct-lsp explain: warning: skip_layers names the tensor 'Conv2D:0'; AMCT wants the layer's op name "
        "'Conv2D'",
        "amct-lsp explain: warning: skip_layers names 'conv2d', which is not in the model; did you mean "
        "'Conv2D'?",
        "amct-lsp explain: warning: skip_layer_types names 'Matmul', but the model has no op of that type",
    ]
    # Names that match give no warning.
    code, _, err = run(capsys, str(fixture_path("s2_biasadd_conv2d")), "--skip-layers", "Conv2D")
    assert code == 0 and err == ""


def test_not_frozen_graph_gets_a_model_note(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    graph = schema.GraphDef()
    graph.node.add(name=b"input", op=b"Placeholder")
    graph.node.add(name=b"w", op=b"VarHandleOp")
    graph.node.add(name=b"read", op=b"ReadVariableOp", input=[b"w"])
    graph.node.add(name=b"MatMul", op=b"MatMul", input=[b"input", b"read"])
    graph.node.add(name=b"init", op=b"AssignVariableOp", input=[b"w", b"input"])
    code, out, _ = run(capsys, str(write(tmp_path / "m.pb", graph.SerializeToString())))
    assert code == 0
    assert "(5 nodes, 1 tail)" in out  # the AssignVariableOp is bookkeeping, not a tail
    assert "Note: The graph is not frozen: it holds 1 variable ('w')." in out


def test_a_100_mb_model(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = write(tmp_path / "big.pb", _graph_bytes(weights=26_000_000))
    assert path.stat().st_size > 100_000_000
    start = time.perf_counter()
    [entry] = run_json(capsys, str(path))
    assert entry["final"] == SN
    assert time.perf_counter() - start < 2.0  # measured ~0.05 s: the weights are skipped, not read


def test_closed_pipe_is_not_a_traceback(tmp_path: Path) -> None:
    """`amct-lsp explain m.pb | head -1`: the reader leaves early; no BrokenPipeError traceback."""
    graph = schema.GraphDef()
    graph.node.add(name=b"input", op=b"Placeholder")
    for index in range(300):  # 300 MatMul tails: far more JSON than a pipe buffer holds
        const = graph.node.add(name=f"w{index}".encode(), op=b"Const")
        tensor = const.attr.add(key=b"value").value.tensor
        tensor.dtype = 1
        tensor.tensor_shape.dim.add(size=4)
        tensor.tensor_shape.dim.add(size=4)
        graph.node.add(name=f"m{index}".encode(), op=b"MatMul", input=[b"input", f"w{index}".encode()])
    path = write(tmp_path / "many.pb", graph.SerializeToString())
    code = "import sys; from amct_lsp.cli import main; sys.exit(main())"
    proc = subprocess.Popen(
        [sys.executable, "-c", code, "explain", "--format", "json", str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.read(1) == b"["
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 0
    assert "Traceback" not in err and "BrokenPipe" not in err, err
