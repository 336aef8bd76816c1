"""`check` and `explain` read `[tool.amct]`: each key takes effect, the command line wins, problems warn."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from amct_lsp.cli import main

STALE = "search_n_quant/search_n_quant_SEARCHN/Identity:0"


def check(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[dict[str, Any]], str]:
    code = main(["check", "--format", "json", *argv])
    out, err = capsys.readouterr()
    return code, json.loads(out), err


def project(folder: Path, body: str) -> None:
    (folder / "pyproject.toml").write_text('[project]\nname = "q"\n\n[tool.amct]\n' + body, encoding="utf-8")


def test_severity_levels_and_off(seed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project(seed.parent, 'severity = {AMCT001 = "warning"}\n')
    code, items, err = check(capsys, "quant.py")
    assert code == 1 and err == ""
    assert [(i["code"], i["severity"]) for i in items] == [("AMCT001", "warning")]
    project(seed.parent, 'severity = {AMCT001 = "off"}\n')
    assert check(capsys, "quant.py")[:2] == (0, [])


def test_off_codes_are_not_fixed(seed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = seed.read_text(encoding="utf-8")
    project(seed.parent, 'severity = {AMCT001 = "off"}\n')
    assert main(["check", "--fix", "quant.py"]) == 0
    assert seed.read_text(encoding="utf-8") == before
    assert "Fixed" not in capsys.readouterr().out


def test_ignore_globs_skip_scripts_given_or_found(seed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project(seed.parent, 'ignore = ["quant.py"]\n')
    assert check(capsys, "quant.py")[:2] == (0, [])
    assert check(capsys, ".")[:2] == (0, [])
    project(seed.parent, 'ignore = ["other/**"]\n')
    assert check(capsys, ".")[0] == 1


def test_model_mapping_and_model_folders(seed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (seed.parent / "models").mkdir()
    shutil.move(seed.parent / "pb_model" / "case_1_1.pb", seed.parent / "models" / "resnet.pb")
    code, items, _ = check(capsys, "quant.py")
    assert [i["code"] for i in items] == ["AMCT004"]  # the script's own path no longer exists

    project(seed.parent, '[tool.amct.models]\n"quant*.py" = "models/resnet.pb"\n')
    code, items, _ = check(capsys, "quant.py")
    assert code == 1 and [(i["code"], i["replacement"]) for i in items] == [("AMCT001", STALE)]
    assert items[0]["model"] == str(seed.parent / "models" / "resnet.pb")

    shutil.move(seed.parent / "models" / "resnet.pb", seed.parent / "models" / "case_1_1.pb")
    project(seed.parent, 'model_paths = ["models"]\n')  # found by the script's file name
    _, items, _ = check(capsys, "quant.py")
    assert [i["model"] for i in items] == [str(seed.parent / "models" / "case_1_1.pb")]


def test_skip_layers_log_path_and_the_command_line_on_top(
    seed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project(seed.parent, 'skip_layers = ["Conv2D"]\n')
    _, (item,), _ = check(capsys, "quant.py")
    assert item["replacement"] == "bias_add/BiasAdd:0"  # Conv2D not quantized: no searchN
    _, (item,), _ = check(capsys, "--skip-layers", "Other", "quant.py")  # replaces the project's list
    assert item["replacement"] == STALE

    (seed.parent / "logs").mkdir()
    (seed.parent / "logs" / "run.log").write_text(
        "2020-09-01 09:31:04,896 - WARNING - [AMCT]:[replace_add_pass]: Replace ADD at the end of the "
        "network! You need to replace the old output node by the new output node in inference process! "
        ">>>>>>>>>>>>>>>>>>>>>>>>>>>>>>The name of the old output node is 'Add:0' "
        "<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<The name of the new output node is 'bias_add_7/BiasAdd:0'\n",
        encoding="utf-8",
    )
    project(seed.parent, 'log_path = "logs/run.log"\n')
    _, (item,), _ = check(capsys, "quant.py")
    assert item["evidence"] == "amct-log" and item["replacement"] == "bias_add_7/BiasAdd:0"


def test_amct_version_in_check_and_explain(
    seed: Path, capsys: pytest.CaptureFixture[str], fixture_path: Callable[[str], Path]
) -> None:
    # A 2-D constant Add: renamed by AMCT 8.0.RC3 and later, kept by the FAQ's rule (7.0).
    shutil.copyfile(fixture_path("neg_add_2d"), seed.parent / "pb_model" / "case_1_1.pb")
    project(seed.parent, 'amct_version = "7.0"\n')
    assert check(capsys, "quant.py")[:2] == (0, [])
    code, items, _ = check(capsys, "--amct-version", "8.0.RC3", "quant.py")
    assert code == 1 and [i["code"] for i in items] == ["AMCT001"]

    assert main(["explain", "pb_model/case_1_1.pb"]) == 0
    out = capsys.readouterr().out
    assert (
        f"Rules: AMCT 7.0 (vendor FAQ rules only): from [tool.amct] in {seed.parent / 'pyproject.toml'}"
        in (" ".join(out.split()))
    )
    assert main(["explain", "--amct-version", "8.0.RC3", "pb_model/case_1_1.pb"]) == 0
    assert "from --amct-version 8.0.RC3" in capsys.readouterr().out


def test_explain_reads_skip_layers(seed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project(seed.parent, 'skip_layers = ["Conv2D"]\n')
    assert main(["explain", "--format", "json", "pb_model/case_1_1.pb"]) == 0
    (tail,) = json.loads(capsys.readouterr().out)
    assert tail["chain"][-1]["new"] == "bias_add/BiasAdd:0"


def test_problems_are_warnings_with_their_position_and_the_rest_applies(
    seed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project(seed.parent, 'modelpaths = ["x"]\nseverity = {AMCT001 = "warning", AMCT002 = "loud"}\n')
    code, items, err = check(capsys, "quant.py", ".")
    assert code == 1 and [i["severity"] for i in items] == ["warning"]
    assert err.splitlines() == [
        "amct-lsp check: warning: pyproject.toml:5:1: [tool.amct] unknown key 'modelpaths' "
        "(did you mean 'model_paths'?); ignored",
        "amct-lsp check: warning: pyproject.toml:6:34: [tool.amct.severity] AMCT002: 'loud' is not one of "
        "error, warning, info, hint, off",
    ]  # once, though the project's script is checked twice over
    project(seed.parent, "severity = [\n")
    code, items, err = check(capsys, "quant.py")
    assert code == 1 and [i["severity"] for i in items] == ["error"]
    assert err.startswith("amct-lsp check: warning: pyproject.toml:5:13: invalid TOML (Invalid value); ")
    assert main(["explain", "pb_model/case_1_1.pb"]) == 0
    assert "amct-lsp explain: warning: " in capsys.readouterr().err


def test_root_bounds_the_walk(seed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project(seed.parent, 'severity = {AMCT001 = "off"}\n')
    sub = seed.parent / "sub"
    sub.mkdir()
    shutil.move(seed, sub / "quant.py")
    shutil.move(seed.parent / "pb_model", sub / "pb_model")
    assert check(capsys, "sub")[:2] == (0, [])
    assert check(capsys, "--root", "sub", "sub")[0] == 1
