"""Issue 13 items 10 and 11: FIFOs, devices and huge files are refused everywhere, without blocking.

Each case runs in a daemon thread with a deadline: the old code blocked forever on a FIFO (or read /dev/zero
until memory ran out), which would hang the test run instead of failing it.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from amct_lsp import fileio
from amct_lsp.cli import main
from amct_lsp.model import ModelCache, ModelUnreadable, read_model

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "examples" / "seed"
DEADLINE = 10.0


def finishes(call: Callable[[], Any]) -> Any:
    """The result (or raised exception) of `call`, which must finish within DEADLINE seconds."""
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = call()
        except BaseException as err:
            box["error"] = err

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(DEADLINE)
    assert not thread.is_alive(), "blocked: the call did not finish (a FIFO or device was read)"
    if "error" in box:
        raise box["error"]
    return box["value"]


def unblock(fifo: Path) -> None:
    """Open the FIFO for writing so that a reader stuck in open() (old behaviour) can go on and end."""
    with contextlib.suppress(OSError):
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))


def test_open_regular_refuses_fifo_device_directory_and_size(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(fileio.NotRegularFile, match=r"is a FIFO \(named pipe\), not a regular file"):
        finishes(lambda: fileio.open_regular(fifo))
    zero = tmp_path / "zero.py"
    zero.symlink_to("/dev/zero")
    with pytest.raises(fileio.NotRegularFile, match="is a character device"):
        finishes(lambda: fileio.read_regular(zero, 1024))
    with pytest.raises(IsADirectoryError):
        fileio.open_regular(tmp_path)
    big = tmp_path / "big.py"
    with big.open("wb") as handle:
        handle.truncate(fileio.MAX_SCRIPT_BYTES + 1)  # sparse: costs no disk
    with pytest.raises(fileio.FileTooLarge, match=r"is 16\.0 MiB, more than the 16\.0 MiB amct-lsp reads"):
        fileio.read_regular(big, fileio.MAX_SCRIPT_BYTES)
    small = tmp_path / "small.py"
    small.write_bytes(b"x = 1\n")
    assert fileio.read_regular(small, 6) == b"x = 1\n"


def test_model_fifo_and_dev_zero_are_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "model.pb"
    os.mkfifo(fifo)
    try:
        with pytest.raises(ModelUnreadable, match=r"model\.pb is a FIFO \(named pipe\), not a regular file"):
            finishes(lambda: read_model(fifo))
    finally:
        unblock(fifo)
    zero = tmp_path / "zero.pb"
    zero.symlink_to("/dev/zero")
    with pytest.raises(ModelUnreadable, match="is a character device"):
        finishes(lambda: read_model(zero))


def test_fifo_swapped_in_after_the_cache_stat_does_not_block(tmp_path: Path) -> None:
    """Item 11: the cache stats a regular file, then a FIFO takes its place before the reader opens it."""
    path = tmp_path / "model.pb"
    shutil.copy(SEED / "pb_model" / "case_1_1.pb", path)
    fifo = tmp_path / "swap"
    os.mkfifo(fifo)

    class SwappingCache(ModelCache):
        @staticmethod
        def key(p: str | os.PathLike[str]) -> Any:
            found = ModelCache.key(p)
            if fifo.exists():
                os.replace(fifo, path)  # the race, made certain
            return found

    cache = SwappingCache()
    try:
        with pytest.raises(ModelUnreadable, match="is a FIFO"):
            finishes(lambda: cache.get(path))
    finally:
        unblock(path)


@pytest.mark.parametrize("kind", ["fifo", "dev-zero"])
def test_check_refuses_a_script_that_is_not_a_regular_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    monkeypatch.chdir(tmp_path)
    script = tmp_path / "quant.py"
    if kind == "fifo":
        os.mkfifo(script)
    else:
        script.symlink_to("/dev/zero")
    try:
        code = finishes(lambda: main(["check", "--format", "json", "quant.py"]))
    finally:
        if kind == "fifo":
            unblock(script)
    out, err = capsys.readouterr()
    assert code == 1 and err == ""
    (item,) = json.loads(out)
    words = "a FIFO (named pipe)" if kind == "fifo" else "a character device"
    assert item["code"] == "AMCT900"
    assert item["message"] == (
        f"The script cannot be read: is {words}, not a regular file; amct-lsp reads only regular files."
    )


def test_check_refuses_a_huge_script(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    with (tmp_path / "quant.py").open("wb") as handle:
        handle.truncate(2**30)  # sparse 1 GiB: reading it whole used to cost 1 GiB of memory
    code = finishes(lambda: main(["check", "--format", "json", "quant.py"]))
    (item,) = json.loads(capsys.readouterr().out)
    assert code == 1
    assert "is 1024.0 MiB, more than the 16.0 MiB amct-lsp reads" in item["message"]


def test_explain_config_fifo_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fixture_path: Callable[[str], Path]
) -> None:
    config = tmp_path / "config.json"
    os.mkfifo(config)
    try:
        code = finishes(lambda: main(["explain", str(fixture_path("s1_add")), "--config", str(config)]))
    finally:
        unblock(config)
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err == (
        f"amct-lsp explain: The AMCT config file '{config}' is a FIFO (named pipe), not a regular file; "
        "amct-lsp reads only regular files.\n"
    )


def test_check_model_option_fifo_is_a_finding(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    shutil.copy(SEED / "quant.py", tmp_path / "quant.py")
    os.mkfifo(tmp_path / "model.pb")
    try:
        code = finishes(lambda: main(["check", "--format", "json", "--model", "model.pb", "quant.py"]))
    finally:
        unblock(tmp_path / "model.pb")
    items = json.loads(capsys.readouterr().out)
    assert code == 1
    assert [i["code"] for i in items] == ["AMCT004"]
    assert "is a FIFO (named pipe), not a regular file" in items[0]["message"]


def test_check_log_option_fifo_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    shutil.copy(SEED / "quant.py", tmp_path / "quant.py")
    os.mkfifo(tmp_path / "amct.log")
    code = finishes(lambda: main(["check", "--log", "amct.log", "quant.py"]))
    assert code == 2
    assert capsys.readouterr().err == "amct-lsp check: --log amct.log: not a regular file\n"
