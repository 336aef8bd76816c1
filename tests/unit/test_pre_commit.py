"""The pre-commit hook (.pre-commit-hooks.yaml), run by pre-commit itself against a scratch repository.

pre-commit clones this repository (here: a git repository made of the files a hook install needs, committed
in a temp folder), builds the hook's virtualenv and pip-installs amct-lsp into it, exactly as for a user.
That pip runs offline: `PIP_NO_INDEX` with `PIP_FIND_LINKS` pointing at a wheelhouse of the build backend
and every dependency for this Python, downloaded once with `pip download` (CI has PyPI) and kept in
build/pre-commit-wheels/ keyed by the requirement list, like the VSIX's wheel cache.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from amct_lsp.project.lookup import toml_reader

tomllib = toml_reader()  # tomli on Python 3.10

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "examples" / "seed"
#: What `pip install .` of the repository needs: the package, its metadata and the hook definition.
HOOK_FILES = ("pyproject.toml", "README.md", "LICENSE", ".pre-commit-hooks.yaml")

pytestmark = pytest.mark.slow


def git(folder: Path, *argv: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
    }
    done = subprocess.run(["git", *argv], cwd=folder, env=env, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def wheelhouse() -> Path:
    """Wheels of the build backend and every dependency for this interpreter (downloaded once)."""
    meta = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    wanted = sorted([*meta["build-system"]["requires"], *meta["project"]["dependencies"]])
    key = hashlib.sha256(f"{sys.version_info[:2]}{wanted}".encode()).hexdigest()[:16]
    folder = REPO / "build" / "pre-commit-wheels" / key
    if not (folder / ".complete").exists():
        pip = [sys.executable, "-m", "pip", "download", "--disable-pip-version-check", "--only-binary=:all:"]
        done = subprocess.run([*pip, "-d", str(folder), *wanted], capture_output=True, text=True, check=False)
        assert done.returncode == 0, f"filling the wheelhouse needs PyPI once:\n{done.stderr[-2000:]}"
        (folder / ".complete").write_text("\n".join(wanted) + "\n", encoding="utf-8")
    return folder


def hook_repository(tmp_path: Path) -> tuple[Path, str]:
    """This tree's hook as a git repository with one commit: (its folder, the commit)."""
    repo = tmp_path / "hook-repo"
    shutil.copytree(
        REPO / "server", repo / "server", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info")
    )
    for name in HOOK_FILES:
        shutil.copyfile(REPO / name, repo / name)
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "hook")
    return repo, git(repo, "rev-parse", "HEAD")


def test_the_hook_fails_a_staged_stale_name_and_passes_a_clean_script(tmp_path: Path) -> None:
    hook, rev = hook_repository(tmp_path)
    project = tmp_path / "project"
    project.mkdir()
    git(project, "init", "-q")
    (project / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {hook}\n    rev: {rev}\n    hooks:\n      - id: amct-lsp\n", encoding="utf-8"
    )
    shutil.copytree(SEED / "pb_model", project / "pb_model")
    stale = (SEED / "quant.py").read_text(encoding="utf-8")
    (project / "quant.py").write_text(stale, encoding="utf-8")
    (project / "notes.txt").write_text("infer_output_name = 'Add:0'\n", encoding="utf-8")  # not a script
    git(project, "add", "-A")
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
        "PIP_NO_INDEX": "1",
        "PIP_FIND_LINKS": str(wheelhouse()),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "VIRTUALENV_NO_PERIODIC_UPDATE": "1",
    }
    env.pop("PYTHONPATH", None)  # the hook must run the amct-lsp pre-commit installed, not this tree
    pre_commit = [sys.executable, "-m", "pre_commit", "run", "--color", "never"]

    failed = subprocess.run(pre_commit, cwd=project, env=env, capture_output=True, text=True, check=False)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "amct-lsp (stale AMCT output names)" in failed.stdout and "Failed" in failed.stdout
    assert "quant.py:16:25: AMCT001 stale output 'Add:0'" in failed.stdout
    assert "notes.txt" not in failed.stdout

    fixed = stale.replace("'Add:0'", "'search_n_quant/search_n_quant_SEARCHN/Identity:0'", 1)
    (project / "quant.py").write_text(fixed, encoding="utf-8")
    git(project, "add", "quant.py")
    passed = subprocess.run(pre_commit, cwd=project, env=env, capture_output=True, text=True, check=False)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "Passed" in passed.stdout
