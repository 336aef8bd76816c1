"""`shutdown` and `exit` as the protocol says, checked on the raw process: exit code and time taken.

pytest-lsp's client hides the exit code, so these tests speak JSON-RPC over the server's pipes themselves.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from test_robustness import big_script

SERVER = [sys.executable, "-m", "amct_lsp", "serve", "--log-level", "error"]


class Raw:
    """A bare JSON-RPC client over the server's stdin/stdout."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc
        self.ids = 0

    def send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    async def request(self, method: str, params: Any) -> dict[str, Any]:
        """Send a request and read until its response, answering the server's own requests on the way."""
        self.ids += 1
        mine = self.ids
        self.send({"id": mine, "method": method, "params": params})
        out = self.proc.stdout
        assert out is not None
        while True:
            header = await out.readuntil(b"\r\n\r\n")
            length = next(
                int(h.split(b":")[1])
                for h in header.split(b"\r\n")
                if h.lower().startswith(b"content-length")
            )
            message = json.loads(await out.readexactly(length))
            if "method" in message and "id" in message:
                items = message.get("params", {}).get("items", [])
                answer = [{}] * len(items) if message["method"] == "workspace/configuration" else None
                self.send({"id": message["id"], "result": answer})
            elif message.get("id") == mine:
                return message


async def start(root: Path) -> Raw:
    proc = await asyncio.create_subprocess_exec(
        *SERVER, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE
    )
    raw = Raw(proc)
    capabilities = {"workspace": {"configuration": True}, "textDocument": {"publishDiagnostics": {}}}
    answer = await asyncio.wait_for(
        raw.request(
            "initialize", {"processId": None, "rootUri": root.as_uri(), "capabilities": capabilities}
        ),
        20,
    )
    assert "result" in answer, answer
    raw.send({"method": "initialized", "params": {}})
    return raw


def open_big(raw: Raw, path: Path) -> None:
    """Open a 20,000-line script: its first check keeps a worker busy for seconds."""
    text = big_script(20_000)
    raw.send(
        {
            "method": "textDocument/didOpen",
            "params": {
                "textDocument": {"uri": path.as_uri(), "languageId": "python", "version": 1, "text": text}
            },
        }
    )


async def exit_code(raw: Raw, timeout: float = 10) -> tuple[int, float]:
    started = time.perf_counter()
    raw.send({"method": "exit", "params": None})
    code = await asyncio.wait_for(raw.proc.wait(), timeout)
    return code, time.perf_counter() - started


async def test_shutdown_then_exit_is_code_0(seed: Path) -> None:
    raw = await start(seed)
    answer = await asyncio.wait_for(raw.request("shutdown", None), 10)
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
    answer = await asyncio.wait_for(raw.request("shutdown", None), 10)
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
        answer = await asyncio.wait_for(raw.request(method, params), 10)
        assert "error" in answer or answer.get("result") in (None, []), answer
    text = (seed / "quant.py").read_text()
    raw.send(
        {
            "method": "textDocument/didOpen",
            "params": {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}},
        }
    )
    hover = await asyncio.wait_for(
        raw.request(
            "textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": 15, "character": 26}}
        ),
        10,
    )
    assert "search_n_quant" in json.dumps(hover["result"])
    await raw.request("shutdown", None)
    code, _ = await exit_code(raw)
    assert code == 0


async def test_requests_after_shutdown_are_refused_not_dropped(seed: Path) -> None:
    raw = await start(seed)
    await raw.request("shutdown", None)
    uri = (seed / "quant.py").as_uri()
    answer = await asyncio.wait_for(
        raw.request(
            "textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": 0, "character": 0}}
        ),
        5,
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

    def send(message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        writer.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    async def answer(msg_id: int) -> None:
        while True:
            header = await reader.readuntil(b"\r\n\r\n")
            length = next(
                int(h.split(b":")[1])
                for h in header.split(b"\r\n")
                if h.lower().startswith(b"content-length")
            )
            message = json.loads(await reader.readexactly(length))
            if message.get("id") == msg_id and "method" not in message:
                return

    send(
        {"id": 1, "method": "initialize", "params": {"processId": None, "rootUri": None, "capabilities": {}}}
    )
    await asyncio.wait_for(answer(1), 20)
    send({"method": "initialized", "params": {}})
    if shutdown:
        send({"id": 2, "method": "shutdown", "params": None})
        await asyncio.wait_for(answer(2), 10)
    send({"method": "exit", "params": None})
    code = await asyncio.wait_for(proc.wait(), 10)
    assert proc.stderr is not None
    stderr = (await proc.stderr.read()).decode()
    writer.close()
    assert code == expected
    assert "Traceback" not in stderr, stderr
