"""`amct-lsp check` and `--fix` on Jupyter notebooks: the seed flow as a notebook next to the real seed model
(examples/seed/pb_model), findings named by cell, the model found from the notebook's folder, fixes written
into the cell sources only."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from amct_lsp.cli import main
from amct_lsp.notebook import parse_notebook
from support.notebooks import SEED_CELLS, notebook_bytes, write_notebook

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "examples" / "seed"
NEW = "search_n_quant/search_n_quant_SEARCHN/Identity:0"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The notebook in a sub-folder with the model beside it; the current folder is the project root, so
    './pb_model/...' only resolves from the notebook's own folder."""
    folder = tmp_path / "notebooks"
    folder.mkdir()
    shutil.copytree(SEED / "pb_model", folder / "pb_model")
    write_notebook(folder / "flow.ipynb")
    monkeypatch.chdir(tmp_path)
    return folder / "flow.ipynb"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["check", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_text_names_the_cell(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "notebooks/flow.ipynb")
    assert code == 1
    lines = out.splitlines()
    # Cell 6 (1-based, markdown cells counted), line 3 of that cell (after the %%time line).
    assert lines[0].startswith("notebooks/flow.ipynb:cell 6:3:46: AMCT001 stale output 'Add:0' → use ")
    assert "    model: notebooks/pb_model/case_1_1.pb" in lines
    assert lines[-1] == "Found 1 finding in 1 file; 1 fixable with --fix."


def test_json_adds_the_cell(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--format", "json", "notebooks/flow.ipynb")
    assert code == 1
    (item,) = json.loads(out)
    assert item["filename"] == str(project)
    assert item["cell"] == 6
    assert item["location"] == {"row": 3, "column": 46} and item["end_location"] == {"row": 3, "column": 53}
    assert item["model"] == str(project.parent / "pb_model" / "case_1_1.pb")
    (edit,) = item["fix"]["edits"]
    assert edit == {
        "location": {"row": 3, "column": 47},
        "end_location": {"row": 3, "column": 52},
        "content": NEW,
        "cell": 6,
    }
    source = "".join(json.loads(project.read_text())["cells"][5]["source"]).splitlines()[2]
    assert source[45:52] == "'Add:0'"


def test_github_and_sarif_point_into_the_notebook_file(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file_lines = project.read_text().splitlines()
    code, out, _ = run(capsys, "--format", "github", "notebooks/flow.ipynb")
    assert code == 1
    props, message = out.strip().split("::", 2)[1:]
    fields = dict(p.split("=", 1) for p in props.split(" ", 1)[1].split(","))
    line, col = int(fields["line"]), int(fields["col"])
    assert file_lines[line - 1][col - 1 :].startswith("'Add:0'")
    assert message.startswith("cell 6:3:46: stale output ")
    code, out, _ = run(capsys, "--format", "sarif", "notebooks/flow.ipynb")
    (result,) = json.loads(out)["runs"][0]["results"]
    region = result["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"]) == (line, col)
    assert result["properties"]["cell"] == 6
    assert result["properties"]["cellRegion"]["startLine"] == 3
    (replacement,) = result["fixes"][0]["artifactChanges"][0]["replacements"]
    start = replacement["deletedRegion"]
    assert file_lines[start["startLine"] - 1][start["startColumn"] - 1 : start["endColumn"] - 1] == "Add:0"
    assert replacement["insertedContent"]["text"] == NEW


def test_fix_rewrites_only_the_cell_source(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = project.read_bytes()
    code, out, _ = run(capsys, "--fix", "notebooks/flow.ipynb")
    assert code == 0, out
    assert "Fixed 1 finding in 1 file." in out
    after = project.read_bytes()
    changed = [
        (a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b
    ]  # same number of lines, one of them changed
    assert changed == [
        (
            b"    \"    output_tensor = graph.get_tensor_by_name('Add:0')\\n\",",
            b"    \"    output_tensor = graph.get_tensor_by_name('" + NEW.encode() + b"')\\n\",",
        )
    ]
    assert parse_notebook(after).code_cell(5) is not None
    code, out, _ = run(capsys, "notebooks/flow.ipynb")
    assert code == 0 and out == "All checks passed (1 file).\n"


def test_a_folder_includes_notebooks_and_skips_checkpoints(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    checkpoints = project.parent / ".ipynb_checkpoints"
    checkpoints.mkdir()
    write_notebook(checkpoints / "flow-checkpoint.ipynb")
    (project.parent / "helper.py").write_text("x = 1\n")
    code, out, _ = run(capsys, "--format", "json", "notebooks")
    assert code == 1
    assert [(i["filename"], i["cell"]) for i in json.loads(out)] == [(str(project), 6)]


def test_a_bad_notebook_is_one_located_finding(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.ipynb"
    bad.write_bytes(notebook_bytes(SEED_CELLS)[:-40])  # cut off: not JSON any more
    code, out, _ = run(capsys, "--format", "json", str(bad))
    assert code == 1
    (item,) = json.loads(out)
    assert item["code"] == "AMCT900" and "cell" not in item
    assert item["message"].startswith("The notebook cannot be read: The notebook is not valid JSON:")
    assert item["location"]["row"] > 1
    old = tmp_path / "old.ipynb"
    old.write_text('{"cells": [], "nbformat": 3, "worksheets": []}')
    code, out, _ = run(capsys, str(old))
    assert code == 1 and "nbformat 3; amct-lsp reads nbformat 4" in out


def test_a_syntax_error_in_a_cell_is_reported_in_that_cell(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cells = [*SEED_CELLS[:3], ("code", "x = (\n"), *SEED_CELLS[3:]]
    write_notebook(tmp_path / "broken.ipynb", cells)
    code, out, _ = run(capsys, "--format", "json", str(tmp_path / "broken.ipynb"))
    assert code == 1
    (item,) = json.loads(out)
    assert item["code"] == "AMCT900" and item["cell"] == 4
