"""Nothing under server/amct_lsp imports TensorFlow, directly or through a dependency (~2 s, ~600 MB).

Every submodule is imported in a fresh interpreter (the pytest process may already hold TensorFlow), and
reading a model there must not pull it in either.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import amct_lsp

SCRIPT = r"""
import importlib, json, pkgutil, sys
import amct_lsp
names = ["amct_lsp"]
for info in pkgutil.walk_packages(amct_lsp.__path__, "amct_lsp."):
    if not info.name.endswith(".__main__"):  # it would run the CLI; it only imports amct_lsp.cli
        names.append(info.name)
failed = {}
for name in names:
    try:
        importlib.import_module(name)
    except Exception as err:  # reported below: a module that cannot even be imported is a bug too
        failed[name] = f"{type(err).__name__}: {err}"
from amct_lsp.model.reader import read_model
graph = read_model(sys.argv[1])
print(json.dumps({"modules": names, "failed": failed, "nodes": len(graph),
                  "tf": sorted(m for m in sys.modules if m == "tensorflow" or m.startswith("tensorflow.")
                               or m == "keras" or m.startswith(("tf_keras", "keras.")))}))
"""


def test_server_package_never_imports_tensorflow(fixture_path: Callable[[str], Path]) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(fixture_path("s1_add"))],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    package_dir = Path(amct_lsp.__file__).parent
    expected = set()
    for path in package_dir.rglob("*.py"):
        parts = path.relative_to(package_dir).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        if parts[-1:] != ("__main__",):
            expected.add(".".join(("amct_lsp", *parts)))
    assert expected <= set(report["modules"]), "walk_packages missed a module"
    assert report["failed"] == {}
    assert report["nodes"] == 5
    assert report["tf"] == []
