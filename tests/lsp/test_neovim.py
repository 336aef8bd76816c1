"""Neovim smoke test: a real editor starts `amct-lsp serve`, shows AMCT001 on the seed script and the hover
chain.

Uses Debian's `nvim` (installed by scripts/system-deps.sh) headless with tests/lsp/nvim/init.lua, which writes
the diagnostics and the hover text it got to a JSON file.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from lsp_helpers import SEED

INIT = Path(__file__).resolve().parent / "nvim" / "init.lua"
CHAIN = "Add:0 → bias_add/BiasAdd:0 → search_n_quant/search_n_quant_SEARCHN/Identity:0"


@pytest.mark.slow
def test_neovim_shows_amct001_and_hover(seed: Path, tmp_path: Path) -> None:
    nvim = shutil.which("nvim")
    if nvim is None:
        pytest.skip("nvim is not installed (scripts/system-deps.sh installs it)")
    out = tmp_path / "report.json"
    env = {
        **os.environ,
        "AMCT_CMD": json.dumps([sys.executable, "-m", "amct_lsp", "serve"]),
        "AMCT_SCRIPT": str(seed / "quant.py"),
        "AMCT_ROOT": str(seed),
        "AMCT_OUT": str(out),
        "AMCT_HOVER_LINE": "15",
        "AMCT_HOVER_COL": "27",
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
    }
    proc = subprocess.run(
        [nvim, "--headless", "--clean", "-u", str(INIT)],
        env=env,
        cwd=seed,
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    assert out.is_file(), f"nvim wrote no report (exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
    report = json.loads(out.read_text())
    assert report["errors"] == [], report
    stale = [d for d in report["diagnostics"] if d["code"] == "AMCT001"]
    assert len(stale) == 1, report
    assert (stale[0]["lnum"], stale[0]["col"], stale[0]["end_col"]) == (15, 24, 31)
    assert stale[0]["source"] == "amct"
    assert isinstance(report["hover"], str) and CHAIN in report["hover"], report["hover"]
    assert (SEED / "quant.py").read_text() == (seed / "quant.py").read_text()  # nothing was edited
