"""A bare LSP client over JSON-RPC streams (a server's stdio pipes or a TCP connection).

pytest-lsp's client hides what some tests and the latency benchmark need: the raw process and its exit
code, malformed requests, error responses, and when each publishDiagnostics arrived. A background task reads
every message: responses settle their requests, the server's own requests are answered (an empty settings
object per workspace/configuration item), and published diagnostics are timed.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Sequence
from typing import Any


def frame(message: dict[str, Any]) -> bytes:
    """A JSON-RPC 2.0 message with its Content-Length header."""
    body = json.dumps({"jsonrpc": "2.0", **message}).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


async def read_message(stream: asyncio.StreamReader) -> dict[str, Any]:
    """The next message on `stream` (raises asyncio.IncompleteReadError at the end of the stream)."""
    header = await stream.readuntil(b"\r\n\r\n")
    length = next(
        int(line.split(b":")[1])
        for line in header.split(b"\r\n")
        if line.lower().startswith(b"content-length")
    )
    message: dict[str, Any] = json.loads(await stream.readexactly(length))
    return message


class RawClient:
    """Requests, notifications and published diagnostics over a pair of streams."""

    def __init__(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        proc: asyncio.subprocess.Process | None = None,
    ) -> None:
        self.writer = writer
        self._proc = proc
        self._ids = 0
        self._waiting: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self.published: dict[tuple[str, int | None], float] = {}
        """perf_counter() time at which diagnostics for (uri, version) were published (the last time)."""
        self._publish_event = asyncio.Event()
        self._reader = asyncio.create_task(self._read(reader))

    @classmethod
    async def spawn(cls, argv: Sequence[str]) -> RawClient:
        """Start a server process speaking LSP on its stdin/stdout (stderr is inherited)."""
        proc = await asyncio.create_subprocess_exec(
            *argv, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE
        )
        assert proc.stdout is not None and proc.stdin is not None
        return cls(proc.stdout, proc.stdin, proc)

    @property
    def proc(self) -> asyncio.subprocess.Process:
        assert self._proc is not None, "this client was not spawned"
        return self._proc

    async def _read(self, stream: asyncio.StreamReader) -> None:
        try:
            while True:
                message = await read_message(stream)
                if "id" in message and "method" not in message:
                    fut = self._waiting.pop(message["id"], None)
                    if fut is not None and not fut.done():
                        fut.set_result(message)
                elif "id" in message:  # a request from the server
                    params = message.get("params")
                    items = params.get("items", []) if isinstance(params, dict) else []
                    answer = [{}] * len(items) if message["method"] == "workspace/configuration" else None
                    self._send({"id": message["id"], "result": answer})
                elif message.get("method") == "textDocument/publishDiagnostics":
                    params = message["params"]
                    self.published[(params["uri"], params.get("version"))] = time.perf_counter()
                    self._publish_event.set()
        except (asyncio.IncompleteReadError, ConnectionError):
            for fut in self._waiting.values():
                if not fut.done():
                    fut.set_exception(ConnectionError("the server closed the connection"))
            self._waiting.clear()

    def _send(self, message: dict[str, Any]) -> None:
        self.writer.write(frame(message))

    def notify(self, method: str, params: Any) -> None:
        self._send({"method": method, "params": params})

    async def request(self, method: str, params: Any, timeout: float = 60) -> dict[str, Any]:
        """The whole response message: `result` or `error`."""
        self._ids += 1
        fut: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._waiting[self._ids] = fut
        self._send({"id": self._ids, "method": method, "params": params})
        return await asyncio.wait_for(fut, timeout)

    async def initialize(
        self, root_uri: str | None, capabilities: dict[str, Any], timeout: float = 60
    ) -> dict[str, Any]:
        """`initialize`, then the `initialized` notification; the initialize response."""
        answer = await self.request(
            "initialize",
            {"processId": None, "rootUri": root_uri, "capabilities": capabilities},
            timeout,
        )
        self.notify("initialized", {})
        return answer

    def open_document(self, uri: str, text: str, version: int = 1) -> None:
        self.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": "python", "version": version, "text": text}},
        )

    def close_document(self, uri: str) -> None:
        self.notify("textDocument/didClose", {"textDocument": {"uri": uri}})

    async def wait_published(self, uri: str, version: int, timeout: float = 30) -> float:
        """When diagnostics for this version of the document were published (waiting for them if need be)."""

        async def poll() -> float:
            while (uri, version) not in self.published:
                self._publish_event.clear()
                await self._publish_event.wait()
            return self.published[(uri, version)]

        return await asyncio.wait_for(poll(), timeout)

    async def close(self) -> None:
        """`shutdown` and `exit`; waits for a spawned process to end (up to 10 s)."""
        await self.request("shutdown", None)
        self.notify("exit", None)
        if self._proc is not None:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._proc.wait(), 10)
        self._reader.cancel()
