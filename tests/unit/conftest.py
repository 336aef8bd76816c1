"""Fixtures shared by the unit tests of the command line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

SEED = Path(__file__).resolve().parents[2] / "examples" / "seed"


@pytest.fixture
def seed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the seed example (script + model) in a temp folder, which is also the current folder."""
    shutil.copy(SEED / "quant.py", tmp_path / "quant.py")
    shutil.copytree(SEED / "pb_model", tmp_path / "pb_model")
    monkeypatch.chdir(tmp_path)
    return tmp_path / "quant.py"
