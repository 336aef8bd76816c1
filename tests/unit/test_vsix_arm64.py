"""The linux-arm64 VSIX (`make vsix TARGET=linux-arm64`, for Ascend's aarch64 servers without internet) is
built for real and read back: every wheel inside is pure or manylinux aarch64, and each binary dependency
covers CPython 3.10-3.13, so the extension's private environment installs offline there (issue 11).

The build runs client/scripts/package.sh in a copy of the tracked files, so the developer's client/wheels/ and
dist/ stay as they are; the dependency wheels are downloaded from PyPI once and cached in build/wheel-cache/.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import zipfile
from collections import defaultdict
from pathlib import Path

import pytest
from pip._vendor.packaging.tags import Tag
from pip._vendor.packaging.utils import parse_wheel_filename

ROOT = Path(__file__).resolve().parents[2]
PYTHONS = ("3.10", "3.11", "3.12", "3.13")
WHEELS = "extension/client/wheels/"

pytestmark = pytest.mark.slow


def _tracked_copy(dest: Path) -> None:
    """The repository's tracked files in `dest`, with the built tools (.venv, node_modules) and the wheel
    cache (build/) linked, not copied."""
    listed = (
        subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, check=True, capture_output=True)
        .stdout.decode()
        .split("\0")
    )
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file() and not source.is_symlink():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    (ROOT / "build").mkdir(exist_ok=True)
    for name in (".venv", "node_modules", "build"):
        (dest / name).symlink_to((ROOT / name).resolve(), target_is_directory=True)


@pytest.fixture(scope="module")
def arm64_vsix(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("vsix-arm64")
    _tracked_copy(work)
    done = subprocess.run(
        ["bash", "client/scripts/package.sh"],
        cwd=work,
        env={**os.environ, "TARGET": "linux-arm64"},
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    vsix = Path(done.stdout.strip().splitlines()[-1])
    assert vsix.name.startswith("amct-lsp-linux-arm64-") and vsix.suffix == ".vsix", done.stdout
    return vsix


def _wheel_tags(vsix: Path) -> dict[str, frozenset[Tag]]:
    with zipfile.ZipFile(vsix) as archive:
        names = [n for n in archive.namelist() if n.startswith(WHEELS) and n.endswith(".whl")]
    return {n[len(WHEELS) :]: parse_wheel_filename(n[len(WHEELS) :])[3] for n in names}


def _covers(tags: frozenset[Tag], python: str) -> bool:
    """Whether a wheel with `tags` installs on CPython `python` (abi3 wheels: their version and later)."""
    minor = int(python.split(".")[1])
    for tag in tags:
        if tag.interpreter == f"cp3{minor}" or tag.interpreter in ("py3", "py2.py3"):
            return True
        if tag.abi == "abi3" and tag.interpreter.startswith("cp3") and int(tag.interpreter[3:]) <= minor:
            return True
    return False


def test_every_wheel_is_pure_or_manylinux_aarch64(arm64_vsix: Path) -> None:
    wheels = _wheel_tags(arm64_vsix)
    assert any(name.startswith("amct_lsp-") for name in wheels)
    for name, tags in wheels.items():
        platforms = {t.platform for t in tags}
        assert platforms == {"any"} or all(
            p.startswith("manylinux") and p.endswith("_aarch64") for p in platforms
        ), name


def test_binary_dependencies_cover_cpython_3_10_to_3_13(arm64_vsix: Path) -> None:
    by_project: dict[str, list[frozenset[Tag]]] = defaultdict(list)
    for name, tags in _wheel_tags(arm64_vsix).items():
        if {t.platform for t in tags} != {"any"}:
            by_project[name.split("-")[0].lower()].append(tags)
    # The server's compiled dependencies: libcst (and PyYAML, which it needs) and protobuf.
    assert {"libcst", "pyyaml", "protobuf"} <= set(by_project), sorted(by_project)
    for project, wheels in by_project.items():
        for python in PYTHONS:
            assert any(_covers(tags, python) for tags in wheels), (project, python)


def test_the_manifest_names_the_target_and_the_pythons(arm64_vsix: Path) -> None:
    with zipfile.ZipFile(arm64_vsix) as archive:
        manifest = json.loads(archive.read(WHEELS + "manifest.json"))
        package = json.loads(archive.read("extension/package.json"))
        vsix_manifest = archive.read("extension.vsixmanifest").decode()
    assert manifest["target"] == "linux-arm64" and tuple(manifest["pythons"]) == PYTHONS
    assert manifest["version"] == package["version"]
    assert 'TargetPlatform="linux-arm64"' in vsix_manifest
    assert manifest["pip"] in _wheel_tags(arm64_vsix)
