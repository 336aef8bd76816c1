"""`amct-lsp check`: output formats, exit codes, --fix (atomic, encoding-preserving), robust reading."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from amct_lsp import check_cmd
from amct_lsp.cli import main

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "examples" / "seed"


@pytest.fixture
def seed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the seed example (script + model) in a temp folder, which is also the current folder."""
    shutil.copy(SEED / "quant.py", tmp_path / "quant.py")
    shutil.copytree(SEED / "pb_model", tmp_path / "pb_model")
    monkeypatch.chdir(tmp_path)
    return tmp_path / "quant.py"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["check", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_text_output(seed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "quant.py")
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith("quant.py:16:25: AMCT001 'Add:0' is renamed by quantize_model: Add:0 → ")
    assert "    chain (predicted):" in lines
    assert "      replace_add_pass: Add:0 → bias_add/BiasAdd:0  [vendor FAQ]" in lines
    assert any(line.startswith("    fix: Replace 'Add:0' with ") for line in lines)
    assert lines[-1] == "Found 1 finding in 1 file; 1 fixable with --fix."


def test_json_output(seed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--format", "json", "quant.py")
    assert code == 1
    (item,) = json.loads(out)
    assert list(item) == [
        "code", "severity", "message", "filename", "location", "end_location", "tensor",
        "replacement", "chain", "evidence", "model", "fix",
    ]  # fmt: skip
    assert item["code"] == "AMCT001" and item["severity"] == "error"
    assert item["filename"] == str(seed)
    assert item["location"] == {"row": 16, "column": 25} and item["end_location"] == {"row": 16, "column": 32}
    assert item["tensor"] == "Add:0"
    assert item["replacement"] == "search_n_quant/search_n_quant_SEARCHN/Identity:0"
    assert item["chain"] == [
        {"pass": "replace_add_pass", "old": "Add:0", "new": "bias_add/BiasAdd:0"},
        {
            "pass": "quantize_model",
            "old": "bias_add/BiasAdd:0",
            "new": "search_n_quant/search_n_quant_SEARCHN/Identity:0",
        },
    ]
    assert item["evidence"] == "predicted"
    assert item["model"] == str(seed.parent / "pb_model" / "case_1_1.pb")
    (edit,) = item["fix"]["edits"]
    assert edit == {
        "location": {"row": 16, "column": 26},
        "end_location": {"row": 16, "column": 31},
        "content": "search_n_quant/search_n_quant_SEARCHN/Identity:0",
    }


def test_json_nulls_for_model_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    shutil.copy(SEED / "quant.py", tmp_path / "quant.py")
    code, out, _ = run(capsys, "--format", "json", "quant.py")
    assert code == 1
    (item,) = json.loads(out)
    assert item["code"] == "AMCT004" and item["severity"] == "warning"
    assert item["replacement"] is None and item["chain"] is None and item["fix"] is None
    assert item["location"] == {"row": 14, "column": 18}  # the model path string


def test_github_output(seed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--format", "github", "quant.py")
    assert code == 1
    assert out.startswith(
        "::error file=quant.py,line=16,col=25,endLine=16,endColumn=32,title=AMCT001::'Add:0' is renamed"
    )
    assert out.count("\n") == 1


def test_sarif_output(seed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--format", "sarif", "quant.py")
    assert code == 1
    sarif = json.loads(out)
    assert sarif["version"] == "2.1.0" and "sarif-2.1.0" in sarif["$schema"]
    (run_,) = sarif["runs"]
    rules = run_["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == ["AMCT001", "AMCT002", "AMCT003", "AMCT004", "AMCT900"]
    (result,) = run_["results"]
    assert result["ruleId"] == "AMCT001" and rules[result["ruleIndex"]]["id"] == "AMCT001"
    assert result["level"] == "error"
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == seed.as_uri()
    assert location["region"] == {"startLine": 16, "startColumn": 25, "endLine": 16, "endColumn": 32}
    replacement = result["fixes"][0]["artifactChanges"][0]["replacements"][0]
    assert replacement["insertedContent"]["text"] == "search_n_quant/search_n_quant_SEARCHN/Identity:0"
    assert result["relatedLocations"][0]["physicalLocation"]["region"]["startLine"] == 34


def test_fix_gives_the_hand_fixed_script(seed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--fix", "quant.py")
    assert code == 0
    assert "Fixed 1 finding in 1 file." in out and "All checks passed" in out
    assert seed.read_bytes() == (SEED / "quant_fixed.py").read_bytes()
    assert [p.name for p in seed.parent.iterdir() if p.name.endswith(".amct-tmp")] == []


@pytest.mark.parametrize(
    ("encode", "label"),
    [
        (lambda text: b"\xef\xbb\xbf" + text.encode("utf-8"), "bom"),
        (lambda text: ("# -*- coding: gbk -*-\n" + text).encode("gbk"), "gbk"),
        (lambda text: text.replace("\n", "\r\n").encode("utf-8"), "crlf"),
    ],
)
def test_fix_keeps_encoding_and_newlines(
    seed: Path, capsys: pytest.CaptureFixture[str], encode, label: str
) -> None:  # type: ignore[no-untyped-def]
    original = seed.read_text(encoding="utf-8")
    expected = (SEED / "quant_fixed.py").read_text(encoding="utf-8")
    seed.write_bytes(encode(original))
    code, out, _ = run(capsys, "quant.py")
    assert code == 1, out
    assert ":16:25: AMCT001" in out or ":17:25: AMCT001" in out
    code, _, _ = run(capsys, "--fix", "quant.py")
    assert code == 0
    assert seed.read_bytes() == encode(expected)


def test_invalid_bytes_are_reported_not_crashed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad.py").write_bytes(b"import amct_tensorflow as amct\nx = '\xff\xfe'\n")
    code, out, _ = run(capsys, "--format", "json", "bad.py")
    assert code == 1
    (item,) = json.loads(out)
    assert item["code"] == "AMCT900" and item["location"] == {"row": 2, "column": 6}
    assert "not valid utf-8" in item["message"]


def test_fix_is_atomic(
    seed: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    before = seed.read_bytes()

    def fail(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(check_cmd.os, "replace", fail)
    code, _, err = run(capsys, "--fix", "quant.py")
    assert code == 2
    assert "cannot write the fix (No space left on device); file unchanged" in err
    assert seed.read_bytes() == before
    assert sorted(p.name for p in seed.parent.iterdir()) == ["pb_model", "quant.py"]


def test_exit_codes(seed: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "quant.py")[0] == 1
    (tmp_path / "clean.py").write_text("print('no amct here')\n")
    code, out, _ = run(capsys, "clean.py")
    assert code == 0 and out == "All checks passed (1 file).\n"
    code, _, err = run(capsys, "missing.py")
    assert code == 2 and "missing.py: no such file or directory" in err
    code, _, err = run(capsys, "--model", "nope.pb", "quant.py")
    assert code == 2 and "--model nope.pb" in err


def test_model_and_skip_layers_options(seed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--skip-layers", "Conv2D", "--format", "json", "quant.py")
    (item,) = json.loads(out)
    # Conv2D not quantized: no searchN, but replace_add still renames Add:0.
    assert item["replacement"] == "bias_add/BiasAdd:0"
    code, out, _ = run(
        capsys, "--model", str(seed.parent / "pb_model" / "case_1_1.pb"), "--format", "json", "."
    )
    assert code == 1 and len(json.loads(out)) == 1


def test_folder_and_log_options(seed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = seed.parent / "run.log"
    log.write_text(
        "2020-09-01 09:31:04,896 - WARNING - [AMCT]:[replace_add_pass]: "
        "Replace ADD at the end of the network! "
        "You need to replace the old output node by the new output node in inference process! "
        ">>>>>>>>>>>>>>>>>>>>>>>>>>>>>>The name of the old output node is 'Add:0' "
        "<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<The name of the new output node is 'bias_add_7/BiasAdd:0'\n"
    )
    code, out, _ = run(capsys, "--log", str(log), "--format", "json", str(seed.parent))
    assert code == 1
    (item,) = json.loads(out)
    assert item["evidence"] == "amct-log" and item["replacement"] == "bias_add_7/BiasAdd:0"


def test_internal_errors_exit_2(
    seed: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("bug")

    monkeypatch.setattr(check_cmd, "check_source", boom)
    code, _, err = run(capsys, "quant.py")
    assert code == 2 and "internal error: RuntimeError: bug" in err
    assert os.path.exists(seed)
