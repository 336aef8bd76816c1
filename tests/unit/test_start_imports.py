"""A plain `amct-lsp check` loads only what it uses: start-up time is a product target (≥ 15× TensorFlow).

Each module below costs a fresh check a millisecond or more and is needed only on a path the plain check of a
script next to its frozen graph never takes (a pyproject.toml, an AMCT log, a misspelt name, a write, a bug).
The check runs in a fresh interpreter exactly as a user or CI starts it (`python -m amct_lsp check`), and
`-X importtime` lists every module it imported.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from amct_lsp import cli

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "examples" / "seed"

#: Modules a plain check must not import, and where each is needed instead.
NOT_AT_START = {
    "shutil": "argparse's help formatter (ours computes the width itself)",
    "tomllib": "a pyproject.toml (none here)",
    "difflib": "a 'did you mean' suggestion",
    "tempfile": "writing a fix",
    "traceback": "an internal error with AMCT_LSP_DEBUG",
    "amct_lsp.amct.log": "an AMCT log next to the script (none here)",
    "amct_lsp.model.text_reader": "a text (.pbtxt) model",
    "google.protobuf": "a text (.pbtxt) model",
}


def imported_modules(cwd: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    env = {**os.environ, "AMCT_LSP_CACHE_DIR": str(cwd / ".cache")}
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "amct_lsp", "check", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    names = {
        line.rsplit("|", 1)[1].strip()
        for line in proc.stderr.splitlines()
        if line.startswith("import time:") and line.count("|") == 2
    }
    return proc, names


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(SEED, tmp_path / "seed")
    return tmp_path / "seed"


def test_a_plain_check_imports_nothing_it_does_not_use(project: Path) -> None:
    imported_modules(project, "quant.py")  # the first run writes the start-up code cache (with tempfile)
    proc, names = imported_modules(project, "quant.py", "--format", "json")
    assert proc.returncode == 1, proc.stdout + proc.stderr  # the seed script's one finding
    assert '"AMCT001"' in proc.stdout
    assert "amct_lsp.check.checker" in names and "libcst" in names, "the -X importtime listing was not read"
    loaded = {name: why for name, why in NOT_AT_START.items() if name in names}
    assert loaded == {}, f"imported at start, but only needed for: {loaded}"


def test_a_pyproject_still_loads_its_reader(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.amct]\nseverity = { AMCT001 = "warning" }\n')
    proc, names = imported_modules(project, "quant.py", "--format", "json")
    assert "tomllib" in names or "tomli" in names
    assert '"severity": "warning"' in proc.stdout, proc.stdout


def test_help_width_follows_columns_like_shutil(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "57")
    assert cli._terminal_columns() == shutil.get_terminal_size().columns == 57
    monkeypatch.setenv("COLUMNS", "not a number")
    assert cli._terminal_columns() == shutil.get_terminal_size().columns
    monkeypatch.setenv("COLUMNS", "40")
    help_text = cli._parser().format_help()
    assert (
        max(len(line) for line in help_text.splitlines()) <= 40 - 2 + 10
    )  # argparse may overrun for a long word
    assert "usage: amct-lsp" in help_text
