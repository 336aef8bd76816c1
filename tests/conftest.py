"""Shared pytest fixtures: the TensorFlow-built model fixtures and a lazily imported TensorFlow.

The model files are generated, not committed (see tests/fixtures/README.md). `fixtures_dir` runs the
generator once per session when its stamp is stale, in a subprocess so TensorFlow never lands in the pytest
process unless a test asks for the `tf` fixture (tests that check "the server never imports tensorflow" rely
on that).
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

TESTS_DIR = Path(__file__).resolve().parent
GENERATOR_PATH = TESTS_DIR / "fixtures" / "generate.py"
FIXTURES_DIR = TESTS_DIR / "fixtures" / "models"

# Quiet TensorFlow for every test that imports it, however it gets imported.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")


def load_generator() -> ModuleType:
    """tests/fixtures/generate.py as a module (it imports TensorFlow only when it builds)."""
    name = "amct_lsp_fixture_generator"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, GENERATOR_PATH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def fixture_generator() -> ModuleType:
    """The generator module: `FIXTURES`, `build_graph_def(tf, name)`, `serialize`, `tail_names`, ..."""
    return load_generator()


@pytest.fixture(scope="session")
def fixtures_dir(fixture_generator: ModuleType) -> Path:
    """tests/fixtures/models, (re)built first when the generator's stamp says it is stale."""
    if not fixture_generator.is_up_to_date(FIXTURES_DIR):
        proc = subprocess.run(
            [sys.executable, str(GENERATOR_PATH)], capture_output=True, text=True, timeout=600, check=False
        )
        if proc.returncode != 0:
            pytest.fail(f"building the model fixtures failed:\n{proc.stdout}\n{proc.stderr}", pytrace=False)
    return FIXTURES_DIR


@pytest.fixture(scope="session")
def manifest(fixtures_dir: Path) -> dict[str, dict[str, Any]]:
    """manifest.json: {name: {file, description, inputs, outputs, output_ops, keras}}."""
    data: dict[str, dict[str, Any]] = json.loads((fixtures_dir / "manifest.json").read_text())
    return data


@pytest.fixture(scope="session")
def fixture_path(fixtures_dir: Path, manifest: dict[str, dict[str, Any]]) -> Callable[[str], Path]:
    """`fixture_path("s1_add")` -> the .pb; `fixture_path("s1_add.pbtxt")` -> that exact file."""

    def resolve(name: str) -> Path:
        stem = name.removesuffix(".pb").removesuffix(".pbtxt")
        if stem not in manifest:
            raise LookupError(f"no model fixture {name!r}; known: {', '.join(sorted(manifest))}")
        path = fixtures_dir / (name if name.endswith((".pb", ".pbtxt")) else f"{name}.pb")
        if not path.is_file():
            raise LookupError(f"model fixture file {path} does not exist")
        return path

    return resolve


@pytest.fixture(scope="session")
def tf(fixture_generator: ModuleType) -> Any:
    """TensorFlow, imported on first use with its logging silenced (~2 s)."""
    return fixture_generator.import_tensorflow()
