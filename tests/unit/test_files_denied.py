"""Issue 13 item 13: a file in a folder this user may not search is "permission denied", not "not found".

Root searches every folder, so when the tests run as root the check runs in a forked child that has
switched its effective user to `nobody` (65534) — real permission checks by the kernel, no mocks. The
modules are imported before the fork (the interpreter's own files may not be readable by nobody).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from amct_lsp.cli import main

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "examples" / "seed"
NOBODY = 65534


def as_other_user(call: Callable[[], str]) -> str:
    """`call()`'s string, computed by a user subject to permission checks (nobody, when we are root)."""
    if os.geteuid() != 0:
        return call()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: drop root, run, send the answer, leave without running pytest's cleanup
        status = 0
        try:
            os.close(read_end)
            os.setegid(NOBODY)
            os.seteuid(NOBODY)
            answer = call()
        except BaseException as err:
            answer, status = f"child failed: {type(err).__name__}: {err}", 1
        with os.fdopen(write_end, "w", encoding="utf-8") as pipe:
            pipe.write(answer)
        os._exit(status)
    os.close(write_end)
    with os.fdopen(read_end, encoding="utf-8") as pipe:
        answer = pipe.read()
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, answer
    return answer


@pytest.fixture
def workspace() -> Iterator[Path]:
    """A folder every user may enter (pytest's own tmp_path is private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="amct-denied-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)  # root may remove what nobody could not enter


def check_json(*argv: str) -> Callable[[], str]:
    def call() -> str:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["check", "--format", "json", *argv])
        return json.dumps({"code": code, "out": out.getvalue(), "err": err.getvalue()})

    return call


def make_script(workspace: Path, model_line: str) -> Path:
    script = workspace / "quant.py"
    script.write_text(f"{model_line}\n" + (SEED / "quant.py").read_text(encoding="utf-8"), encoding="utf-8")
    script.chmod(0o644)
    return script


def test_model_in_an_unsearchable_folder_is_permission_denied(workspace: Path) -> None:
    locked = workspace / "models"
    locked.mkdir()
    shutil.copy(SEED / "pb_model" / "case_1_1.pb", locked / "case_1_1.pb")
    make_script(workspace, "# amct: model=models/case_1_1.pb")
    locked.chmod(0o700)  # root's: nobody may not enter it
    check_json(str(workspace / "quant.py"))()  # imports every module the check needs before the fork
    result = json.loads(as_other_user(check_json(str(workspace / "quant.py"))))
    (item,) = json.loads(result["out"])
    assert item["code"] == "AMCT004"
    assert "permission denied" in item["message"]
    assert "not found" not in item["message"] and "does not exist" not in item["message"]


def test_model_option_and_script_in_an_unsearchable_folder(workspace: Path) -> None:
    locked = workspace / "locked"
    locked.mkdir()
    shutil.copy(SEED / "pb_model" / "case_1_1.pb", locked / "m.pb")
    shutil.copy(SEED / "quant.py", locked / "quant.py")
    make_script(workspace, "")
    locked.chmod(0o700)
    run = check_json("--model", str(locked / "m.pb"), str(workspace / "quant.py"))
    run()
    result = json.loads(as_other_user(run))
    assert "no such file" not in result["err"], result
    (item,) = json.loads(result["out"])
    assert item["code"] == "AMCT004" and "permission denied" in item["message"]

    result = json.loads(as_other_user(check_json(str(locked / "quant.py"))))
    assert result["code"] == 1 and "no such file" not in result["err"], result
    (item,) = json.loads(result["out"])
    assert item["code"] == "AMCT900"
    assert item["message"] == "The script cannot be read: Permission denied."
