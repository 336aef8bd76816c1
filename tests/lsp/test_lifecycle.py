"""`shutdown` and `exit` as the protocol says, checked on the raw process: exit code and time taken.

pytest-lsp's client hides the exit code, so these tests speak JSON-RPC over the server's pipes themselves.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path

import pytest
from test_robustness import big_script

from support.jsonrpc import RawClient

SERVER = [sys.executable, "-m", "amct_lsp", "serve", "--log-level", "error"]


async def start(root: Path) -> RawClient:
    raw = await RawClient.spawn(SERVER)
    capabilities = {"workspace": {"configuration": True}, "textDocument": {"publishDiagnostics": {}}}
    answer = await raw.initialize(root.as_uri(), capabilities, timeout=20)
    assert "result" in answer, answer
    return raw


def open_big(raw: RawClient, path: Path) -> None:
    """Open a 20,000-line script: its first check keeps a worker busy for seconds."""
    raw.open_document(path.as_uri(), big_script(20_000))


async def exit_code(raw: RawClient, timeout: float = 10) -> tuple[int, float]:
    started = time.perf_counter()
    raw.notify("exit", None)
    code = await asyncio.wait_for(raw.proc.wait(), timeout)
    return code, time.perf_counter() - started


async def test_shutdown_then_exit_is_code_0(seed: Path) -> None:
    raw = await start(seed)
    answer = await raw.request("shutdown", None, timeout=10)
    assert answer.get("result", "missing") is None and "error" not in answer
    code, _ = await exit_code(raw)
    assert code == 0


async def test_exit_without_shutdown_is_code_1(seed: Path) -> None:
    raw = await start(seed)
    code, _ = await exit_code(raw)
    assert code == 1


async def test_shutdown_while_checking_exits_promptly(seed: Path) -> None:
    raw = await start(seed)
    open_big(raw, seed / "quant.py")
    await asyncio.sleep(0.3)  # the check is under way
    started = time.perf_counter()
    answer = await raw.request("shutdown", None, timeout=10)
    answered = time.perf_counter() - started
    assert "error" not in answer
    code, took = await exit_code(raw)
    assert code == 0
    assert answered < 2.0 and took < 2.0, (answered, took)  # it used to wait for the check: ~5 s


async def test_exit_without_shutdown_while_checking(seed: Path) -> None:
    raw = await start(seed)
    open_big(raw, seed / "quant.py")
    await asyncio.sleep(0.3)
    code, took = await exit_code(raw)
    assert code == 1 and took < 2.0


@pytest.mark.parametrize("method", ["textDocument/hover", "textDocument/codeAction"])
async def test_malformed_requests_get_errors_and_the_server_goes_on(seed: Path, method: str) -> None:
    raw = await start(seed)
    uri = (seed / "quant.py").as_uri()
    for params in (
        None,
        {},
        {"textDocument": {"uri": uri}, "position": {"line": -1, "character": "x"}},
        [1, 2],
    ):
        answer = await raw.request(method, params, timeout=10)
        assert "error" in answer or answer.get("result") in (None, []), answer
    raw.open_document(uri, (seed / "quant.py").read_text())
    hover = await raw.request(
        "textDocument/hover",
        {"textDocument": {"uri": uri}, "position": {"line": 15, "character": 26}},
        timeout=10,
    )
    assert "search_n_quant" in json.dumps(hover["result"])
    await raw.request("shutdown", None)
    code, _ = await exit_code(raw)
    assert code == 0


async def test_requests_after_shutdown_are_refused_not_dropped(seed: Path) -> None:
    raw = await start(seed)
    await raw.request("shutdown", None)
    uri = (seed / "quant.py").as_uri()
    answer = await raw.request(
        "textDocument/hover",
        {"textDocument": {"uri": uri}, "position": {"line": 0, "character": 0}},
        timeout=5,
    )
    assert answer["error"]["code"] == -32600, answer
    code, _ = await exit_code(raw)
    assert code == 0


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize(("shutdown", "expected"), [(True, 0), (False, 1)])
async def test_tcp_exit_codes(shutdown: bool, expected: int) -> None:
    """`serve --tcp`: the same exit codes, promptly, and no traceback on stderr."""
    port = free_port()
    proc = await asyncio.create_subprocess_exec(
        *SERVER, "--tcp", f"127.0.0.1:{port}", stderr=asyncio.subprocess.PIPE
    )
    for _ in range(200):
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            break
        except OSError:
            await asyncio.sleep(0.05)
    else:
        proc.kill()
        pytest.fail("the server never listened")

    raw = RawClient(reader, writer)
    answer = await raw.initialize(None, {}, timeout=20)
    assert "result" in answer, answer
    if shutdown:
        await raw.request("shutdown", None, timeout=10)
    raw.notify("exit", None)
    code = await asyncio.wait_for(proc.wait(), 10)
    assert proc.stderr is not None
    stderr = (await proc.stderr.read()).decode()
    writer.close()
    assert code == expected
    assert "Traceback" not in stderr, stderr


def test_tcp_port_in_use_is_one_line() -> None:
    """`serve --tcp PORT` (a bare port, as eglot's :autoport passes) on a port already taken: one line on
    stderr and exit code 2, not a traceback."""
    import socket
    import subprocess

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = int(sock.getsockname()[1])
        done = subprocess.run([*SERVER, "--tcp", str(port)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and f"127.0.0.1:{port}" in lines[0] and "in use" in lines[0], done.stderr
