"""Issue 13 item 8: `check --fix` edits the file the user has, not a copy that replaces it.

Owner, group and mode stay; a symlink stays a link and its target is fixed; hard links keep sharing the fix;
a read-only file is refused; no `*.amct-tmp` is left behind, not even when the fixer is killed mid-write.
Tests run as root, so "read-only" is the mode having no write bit for anyone (root could write it anyway;
`fileio.check_writable` refuses it on purpose and also asks `os.access` for other users).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from amct_lsp import fileio
from amct_lsp.cli import main

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "examples" / "seed"
FIXED = (SEED / "quant_fixed.py").read_bytes()


def fix(capsys: pytest.CaptureFixture[str], *paths: str) -> tuple[int, str, str]:
    code = main(["check", "--fix", *paths])
    out, err = capsys.readouterr()
    return code, out, err


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if p.name.endswith(fileio.TEMP_SUFFIX))


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a file to another owner needs root")
def test_owner_group_and_mode_are_kept(seed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    os.chown(seed, 12345, 23456)
    seed.chmod(0o640)
    code, out, _ = fix(capsys, "quant.py")
    assert code == 0 and "Fixed 1 finding in 1 file." in out
    info = seed.stat()
    assert (info.st_uid, info.st_gid, info.st_mode & 0o7777) == (12345, 23456, 0o640)
    assert seed.read_bytes() == FIXED


def test_owner_kept_when_it_cannot_be_given_away(
    seed: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A non-root fixer cannot chown the temporary file: the file is then rewritten in place (same inode)."""
    inode = seed.stat().st_ino
    monkeypatch.setattr(os, "getuid", lambda: 99999)  # "the file is not ours"

    def refuse(fd: int, uid: int, gid: int) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "fchown", refuse)
    code, _, _ = fix(capsys, "quant.py")
    assert code == 0
    assert seed.stat().st_ino == inode and seed.read_bytes() == FIXED
    assert leftovers(seed.parent) == []


def test_read_only_file_is_refused(seed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = seed.read_bytes()
    seed.chmod(0o444)
    code, _, err = fix(capsys, "quant.py")
    assert code == 2
    assert err == (
        f"amct-lsp check: {seed}: cannot write the fix (the file is read-only: its mode has no write "
        "permission; chmod u+w to let --fix edit it); file unchanged\n"
    )
    assert seed.read_bytes() == before and seed.stat().st_mode & 0o777 == 0o444
    assert leftovers(seed.parent) == []


def test_symlinked_script_fixes_its_target(seed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    real = seed.parent / "real"
    real.mkdir()
    target = real / "quant.py"
    seed.rename(target)
    shutil.copytree(seed.parent / "pb_model", real / "pb_model")
    seed.symlink_to(target)
    code, _, _ = fix(capsys, "quant.py")
    assert code == 0
    assert seed.is_symlink() and os.readlink(seed) == str(target)
    assert target.read_bytes() == FIXED
    assert leftovers(seed.parent) == []


def test_hard_links_all_see_the_fix(seed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    other = seed.parent / "other_name.txt"
    os.link(seed, other)
    inode = seed.stat().st_ino
    code, _, _ = fix(capsys, "quant.py")
    assert code == 0
    assert seed.stat().st_ino == inode and seed.stat().st_nlink == 2
    assert other.read_bytes() == FIXED == seed.read_bytes()


def test_failed_write_leaves_no_temporary_file(
    seed: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    before = seed.read_bytes()

    def fail(fd: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "fsync", fail)
    code, _, err = fix(capsys, "quant.py")
    assert code == 2 and "cannot write the fix (Input/output error); file unchanged" in err
    assert seed.read_bytes() == before and leftovers(seed.parent) == []


_KILLED_MID_WRITE = """
import os, signal, sys
from amct_lsp import fileio
os.fsync = lambda fd: os.kill(os.getpid(), signal.SIGTERM)  # killed while the temporary file exists
fileio.write_preserving(sys.argv[1], b"new content\\n")
print("not reached")
"""


def test_sigterm_mid_write_removes_the_temporary_file_and_still_kills(tmp_path: Path) -> None:
    script = tmp_path / "quant.py"
    script.write_bytes(b"old content\n")
    env = dict(os.environ, PYTHONPATH=str(REPO / "server"))
    done = subprocess.run(
        [sys.executable, "-c", _KILLED_MID_WRITE, str(script)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == -signal.SIGTERM, done.stderr
    assert "not reached" not in done.stdout
    assert script.read_bytes() == b"old content\n"
    assert leftovers(tmp_path) == []
