"""Fixtures of the language-server tests; the client helpers live in lsp_helpers.py."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from lsp_helpers import SEED


@pytest.fixture
def seed(tmp_path: Path) -> Path:
    """A private copy of examples/seed (the tests edit and replace its files)."""
    dest = tmp_path / "seed"
    shutil.copytree(SEED, dest)
    return dest
