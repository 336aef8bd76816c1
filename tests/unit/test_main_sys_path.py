"""`python -m amct_lsp` started in a project folder (as editors do) never imports that folder's modules."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def test_python_m_ignores_modules_in_the_working_directory(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    markers = tmp_path / "markers"
    markers.mkdir()
    for name in ("argparse", "json", "textwrap"):
        (project / f"{name}.py").write_text(f"open({str(markers / name)!r}, 'w').close()\n")
    done = subprocess.run(
        [sys.executable, "-m", "amct_lsp", "--help"], cwd=project, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert "usage: amct-lsp" in done.stdout
    assert sorted(p.name for p in markers.iterdir()) == []
    # The control: the same folder does shadow the standard library for a plain `python -c`.
    subprocess.run([sys.executable, "-c", "import argparse"], cwd=project, check=True, timeout=60)
    assert (markers / "argparse").exists()
