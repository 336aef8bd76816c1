"""`amct-lsp explain MODEL` through `cli.main`: the text table, the JSON shape, options, and clean errors."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from amct_lsp.cli import main

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
    assert "Tail Add:0  [Add]" in lines
    assert f"  becomes {SN}  (old node removed; vendor FAQ)" in lines
    steps = [line for line in lines if line.startswith(("  replace_add_pass", "  quantize_model"))]
    assert len(steps) == 2
    assert "Add:0 → bias_add/BiasAdd:0" in steps[0] and "(vendor FAQ)" in steps[0]
    assert f"bias_add/BiasAdd:0 → {SN}" in steps[1]
    # Columns line up: the evidence starts at the same place on each step row.
    assert steps[0].index("(vendor FAQ)") == steps[1].index("(vendor FAQ)")


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
    assert "inferred (not confirmed by the vendor)" in out
    assert "  note: The model has 1 other quantizable layer ('trunk/Conv2D')" in out


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
        }
    ]
    assert "searchN is inserted" in data[0]["chain"][1]["reason"]


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
