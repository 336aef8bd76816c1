"""`[tool.amct]` in pyproject.toml: strict typed parsing, problems with their file:line:col, the lookup."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from amct_lsp.check.findings import Code, Severity
from amct_lsp.project import EMPTY, KEYS, find_pyproject, glob_match, load_project, project_for
from amct_lsp.project.lookup import toml_reader

tomllib = toml_reader()  # tomli on Python 3.10

GOOD = """\
[project]
name = "demo"

[tool.amct]
models = {"quant/*.py" = "models/resnet.pb", "**/legacy_*.py" = "/abs/old.pb"}
model_paths = ["models", "~/shared"]
skip_layers = ["conv1/Conv2D"]
log_path = "run/amct_log/amct_tensorflow.log"
ignore = ["scratch/**", "*_old.py"]
amct_version = "8.0.RC3"

[tool.amct.severity]
AMCT001 = "warning"
amct004 = "OFF"
AMCT900 = "information"
"""


def write(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "pyproject.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_every_key_is_read_with_paths_from_the_file_folder(tmp_path: Path) -> None:
    write(tmp_path, GOOD)
    config = project_for(str(tmp_path / "quant" / "q.py"))
    assert config.problems == ()
    assert config.path == str(tmp_path / "pyproject.toml")
    assert config.model_for(str(tmp_path / "quant" / "q.py")) == str(tmp_path / "models" / "resnet.pb")
    assert config.model_for(str(tmp_path / "a" / "b" / "legacy_x.py")) == "/abs/old.pb"
    assert config.model_for(str(tmp_path / "other.py")) is None
    assert config.model_paths == (str(tmp_path / "models"), os.path.expanduser("~/shared"))
    assert config.skip_layers == ("conv1/Conv2D",)
    assert config.log_path == str(tmp_path / "run" / "amct_log" / "amct_tensorflow.log")
    assert config.severity == {Code.STALE_NAME: Severity.WARNING, Code.SYNTAX: Severity.INFO}
    assert config.off == {Code.MODEL_PROBLEM}
    assert config.amct_version == "8.0.RC3"
    assert config.ignores(str(tmp_path / "scratch" / "deep" / "try.py"))
    assert config.ignores(str(tmp_path / "x" / "quant_old.py"))
    assert not config.ignores(str(tmp_path / "quant" / "q.py"))
    assert set(KEYS) == {
        "models",
        "model_paths",
        "skip_layers",
        "log_path",
        "severity",
        "ignore",
        "amct_version",
    }


def test_problems_name_file_line_and_column_and_the_rest_applies(tmp_path: Path) -> None:
    text = """\
[tool.amct]
modle_paths = ["models"]
skip_layers = "conv1"
amct_version = "latest"
log_path = 3
models = {"a.py" = "m.pb", "b.py" = 1}
ignore = ["x/**"]

[tool.amct.severity]
AMCT001 = "loud"
AMCT042 = "error"
AMCT002 = "hint"
"""
    path = write(tmp_path, text)
    config = load_project(str(path))
    assert config is not None
    shown = [str(p) for p in config.problems]
    where = str(path)
    assert shown == [
        f"{where}:2:1: [tool.amct] unknown key 'modle_paths' (did you mean 'model_paths'?); ignored",
        f"{where}:3:1: [tool.amct] skip_layers must be a list of strings, got 'conv1'; ignored",
        f"{where}:4:1: [tool.amct] amct_version: 'latest' is not an AMCT version (expected X.Y, e.g. 7.0, "
        "8.0.RC3); ignored",
        f"{where}:5:1: [tool.amct] log_path must be a non-empty string, got 3; ignored",
        f"{where}:6:28: [tool.amct.models] 'b.py' must map to a model path (string); ignored",
        f"{where}:10:1: [tool.amct.severity] AMCT001: 'loud' is not one of error, warning, info, hint, off",
        f"{where}:11:1: [tool.amct.severity] unknown code 'AMCT042' (known: AMCT001, AMCT002, AMCT003, "
        "AMCT004, AMCT900)",
    ]
    # Everything valid still applies.
    assert config.models == (("a.py", str(tmp_path / "m.pb")),)
    assert config.ignore == ("x/**",)
    assert config.severity == {Code.UNKNOWN_NAME: Severity.HINT}
    assert config.skip_layers == () and config.amct_version is None and config.log_path is None


def test_inline_tables_and_quoted_keys_are_located(tmp_path: Path) -> None:
    path = write(tmp_path, '[tool.amct]\nseverity = {"AMCT001" = "warning", AMCT003 = 7}\n"ignore" = 1\n')
    config = load_project(str(path))
    assert config is not None
    assert [(p.line, p.column) for p in config.problems] == [(2, 36), (3, 1)]
    assert config.severity == {Code.STALE_NAME: Severity.WARNING}


def test_invalid_toml_is_one_problem_at_the_parser_position(tmp_path: Path) -> None:
    text = '[tool.amct]\nskip_layers = ["a",\nmodels = 1\n'
    path = write(tmp_path, text)
    with pytest.raises(tomllib.TOMLDecodeError) as real:
        tomllib.loads(text)
    config = project_for(str(tmp_path / "q.py"))
    (problem,) = config.problems
    assert problem.path == str(path)
    assert f"(at line {problem.line}, column {problem.column})" in str(real.value)
    assert problem.message.startswith("invalid TOML (") and problem.message.endswith("[tool.amct] not used")
    assert config.skip_layers == ()


def test_a_table_that_is_not_a_table_and_an_unreadable_file(tmp_path: Path) -> None:
    write(tmp_path / "a", "[tool]\namct = 3\n")
    (problem,) = project_for(str(tmp_path / "a" / "q.py")).problems
    assert (problem.line, problem.column) == (1, 1) and "[tool.amct] must be a table" in problem.message
    write(tmp_path / "b", '[tool.amct]\nskip_layers = ["\xff"]\n')
    (tmp_path / "b" / "pyproject.toml").write_bytes(b"[tool.amct]\nskip_layers = ['\xff']\n")
    (problem,) = project_for(str(tmp_path / "b" / "q.py")).problems
    assert "cannot be read (not UTF-8)" in problem.message


def test_the_nearest_pyproject_with_the_table_wins(tmp_path: Path) -> None:
    write(tmp_path, '[tool.amct]\nskip_layers = ["top"]\n')
    write(tmp_path / "pkg", '[project]\nname = "pkg"\n')  # no [tool.amct]: does not hide the project's
    write(tmp_path / "pkg" / "inner", '[tool.amct]\nskip_layers = ["inner"]\n')
    assert project_for(str(tmp_path / "pkg" / "q.py")).skip_layers == ("top",)
    assert project_for(str(tmp_path / "pkg" / "inner" / "deep" / "q.py")).skip_layers == ("inner",)
    # A broken file that is not about us is not ours either; one that mentions [tool.amct] is.
    write(tmp_path / "pkg", "[project\n")
    assert project_for(str(tmp_path / "pkg" / "q.py")).skip_layers == ("top",)
    write(tmp_path / "pkg", "[tool.amct\n")
    assert project_for(str(tmp_path / "pkg" / "q.py")).problems[0].message.startswith("invalid TOML")


def test_the_walk_stops_at_the_workspace_root(tmp_path: Path) -> None:
    write(tmp_path, '[tool.amct]\nskip_layers = ["outside"]\n')
    script = str(tmp_path / "ws" / "src" / "q.py")
    assert project_for(script, stop=str(tmp_path / "ws")) is EMPTY
    assert find_pyproject(script, stop=str(tmp_path / "ws")) is None
    assert project_for(script).skip_layers == ("outside",)
    # A script outside the given root walks up as if there were none.
    assert project_for(script, stop=str(tmp_path / "elsewhere")).skip_layers == ("outside",)


def test_read_once_per_version_of_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, '[tool.amct]\nskip_layers = ["a"]\n')
    first = load_project(str(path))
    assert load_project(str(path)) is first
    path.write_text('[tool.amct]\nskip_layers = ["b", "c"]\n', encoding="utf-8")
    again = load_project(str(path))
    assert again is not first and again is not None and again.skip_layers == ("b", "c")
    path.unlink()
    assert load_project(str(path)) is None


@pytest.mark.parametrize(
    ("relative", "pattern", "matches"),
    [
        ("quant.py", "quant.py", True),
        ("a/b/quant.py", "quant.py", True),  # no slash: a name at any depth
        ("a/b/quant.py", "b/quant.py", False),  # a slash: from the project folder
        ("a/b/quant.py", "a/*/quant.py", True),
        ("a/b/c/quant.py", "a/*/quant.py", False),
        ("a/b/c/quant.py", "a/**/quant.py", True),
        ("a/quant.py", "a/**/quant.py", True),
        ("legacy/x/y.py", "legacy/", True),  # a folder: everything under it
        ("legacy/x/y.py", "legacy/**", True),
        ("src/legacy.py", "legacy", False),
        ("t/q_test.py", "**/*_test.py", True),
        ("t/q1.py", "t/q[0-9].py", True),
        ("t/qa.py", "t/q[!0-9].py", True),
        ("t/q1.py", "t/q[!0-9].py", False),
        ("t/q1.py", "", False),
    ],
)
def test_globs(relative: str, pattern: str, matches: bool) -> None:
    assert glob_match(relative, pattern) is matches
