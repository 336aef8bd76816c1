"""`check -j N`: worker processes give the very output, exit code and fixes of `-j 1`."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from amct_lsp.check_jobs import FileOptions, Job, run_jobs
from amct_lsp.cli import main
from support.corpus import SCRIPTS, build_with_model


@pytest.fixture
def corpus(tmp_path: Path, fixture_path: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every corpus script in its own project folder under one tree (the current folder)."""
    root = tmp_path / "tree"
    for script in SCRIPTS:
        build_with_model(script, root / script.stem, fixture_path)
    monkeypatch.chdir(tmp_path)
    return root


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["check", *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("fmt", ["text", "json", "sarif"])
def test_same_output_with_one_or_two_workers(
    corpus: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    one = run(capsys, "--format", fmt, "-j", "1", "tree")
    two = run(capsys, "--format", fmt, "-j", "2", "tree")
    assert one[0] == 1 and one[1].count("AMCT00") >= 20
    assert two == one


def test_fix_in_workers_writes_each_file_once_and_reports_the_same(
    corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = corpus.parent / "copy"
    shutil.copytree(corpus, copy)
    one = run(capsys, "--fix", "-j", "1", "tree")
    two = run(capsys, "--fix", "-j", "2", "copy")
    assert one[0] == two[0]
    assert one[1].replace("tree/", "") == two[1].replace("copy/", "")
    assert "Fixed " in one[1]
    for script in sorted(corpus.rglob("*.py")):
        assert (copy / script.relative_to(corpus)).read_bytes() == script.read_bytes(), script
    assert not list(corpus.parent.rglob("*.amct-tmp"))


def test_run_jobs_keeps_the_input_order(corpus: Path) -> None:
    scripts = sorted(corpus.rglob("*.py"), reverse=True)
    jobs = [Job(str(s), FileOptions(root=str(corpus))) for s in scripts]
    outcomes = run_jobs(jobs, 2)
    assert [o.path for o in outcomes] == [str(s) for s in scripts]
    assert [o.findings for o in outcomes] == [o.findings for o in run_jobs(jobs, 1)]


def test_jobs_must_be_a_positive_number(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["check", "-j", "0", "."])
    assert stop.value.code == 2 and "expected a whole number of at least 1" in capsys.readouterr().err
