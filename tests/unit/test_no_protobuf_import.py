"""A binary (.pb) model is read without importing protobuf (~12 ms of a fresh `amct-lsp check`) or the text
reader; only a text (.pbtxt) model needs them. Each read runs in a fresh interpreter: the pytest process
already holds protobuf. (That `amct-lsp check` imports neither is in test_start_imports.py, with the other
modules a plain check must not load.)
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

GOOGLE = "sorted(m for m in sys.modules if m == 'google' or m.startswith('google.'))"

READ = f"""
import json, sys
from amct_lsp.model import read_model, read_model_bytes
nodes = [len(read_model(path)) for path in sys.argv[1:]]
nodes.append(len(read_model_bytes(open(sys.argv[1], "rb").read(), "in-memory.pb")))
text_reader = "amct_lsp.model.text_reader" in sys.modules
print(json.dumps({{"nodes": nodes, "google": {GOOGLE}, "text_reader": text_reader}}))
"""


def run(script: str, *args: str) -> dict[str, Any]:
    """The JSON report the script prints last."""
    proc = subprocess.run(
        [sys.executable, "-c", script, *args], capture_output=True, text=True, timeout=120, check=False
    )
    assert proc.stdout.strip(), proc.stderr
    report: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return report


def test_reading_binary_models_imports_no_protobuf(fixtures_dir: Path) -> None:
    paths = [str(p) for p in sorted(fixtures_dir.glob("*.pb"))[:8]]
    report = run(READ, *paths)
    assert report["google"] == []
    assert not report["text_reader"]  # nor the text reader's regexes
    assert len(report["nodes"]) == len(paths) + 1 and all(n > 0 for n in report["nodes"])


def test_reading_a_text_model_still_works(fixture_path: Callable[[str], Path]) -> None:
    report = run(READ, str(fixture_path("s1_add.pbtxt")))
    assert report["nodes"] == [5, 5]
    assert "google.protobuf" in report["google"]
