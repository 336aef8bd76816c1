"""Edit → publishDiagnostics latency of the language server, over stdio, with a small raw JSON-RPC client.

Opens the seed script and a generated 2,000-line script (model already cached after the first check), performs
N one-character edits on each, waits for the diagnostics of every new version, and prints a Markdown table
with the median and p95 latency against the targets (p95 < 50 ms for the seed, < 150 ms for 2,000 lines).
Then a burst of 50 keystrokes sent back to back on each: how long after the last one its diagnostics
arrive, and how many intermediate versions were published (debouncing should make that 0).

    .venv/bin/python benchmarks/bench_lsp.py [--edits 60]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "examples" / "seed"
TARGETS_MS = {"seed": 50.0, "2,000 lines": 150.0}


class RawClient:
    """Just enough LSP client: requests, notifications, and answers to the server's own requests."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc
        self._ids = 0
        self._waiting: dict[int, asyncio.Future[Any]] = {}
        self.published: dict[tuple[str, int | None], float] = {}
        self.publish_event = asyncio.Event()
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        out = self.proc.stdout
        assert out is not None
        while True:
            header = await out.readuntil(b"\r\n\r\n")
            length = next(
                int(line.split(b":")[1])
                for line in header.split(b"\r\n")
                if line.lower().startswith(b"content-length")
            )
            message = json.loads(await out.readexactly(length))
            if "id" in message and "method" not in message:
                fut = self._waiting.pop(message["id"], None)
                if fut is not None and not fut.done():
                    fut.set_result(message.get("result"))
            elif "id" in message:  # a request from the server
                result: Any = (
                    [{}] * len(message["params"]["items"])
                    if message["method"] == "workspace/configuration"
                    else None
                )
                self._send({"jsonrpc": "2.0", "id": message["id"], "result": result})
            elif message.get("method") == "textDocument/publishDiagnostics":
                params = message["params"]
                self.published[(params["uri"], params.get("version"))] = time.perf_counter()
                self.publish_event.set()

    def _send(self, message: dict[str, Any]) -> None:
        body = json.dumps(message).encode()
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    async def request(self, method: str, params: Any) -> Any:
        self._ids += 1
        fut: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._waiting[self._ids] = fut
        self._send({"jsonrpc": "2.0", "id": self._ids, "method": method, "params": params})
        return await asyncio.wait_for(fut, 60)

    def notify(self, method: str, params: Any) -> None:
        self._send({"jsonrpc": "2.0", "method": method, "params": params})

    async def wait_published(self, uri: str, version: int, timeout: float = 30) -> float:
        async def poll() -> float:
            while (uri, version) not in self.published:
                self.publish_event.clear()
                await self.publish_event.wait()
            return self.published[(uri, version)]

        return await asyncio.wait_for(poll(), timeout)

    async def close(self) -> None:
        await self.request("shutdown", None)
        self.notify("exit", None)
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self.proc.wait(), 10)
        self._reader.cancel()


def big_script(lines: int) -> str:
    """The seed script with helper functions in front of it until it has about `lines` lines."""
    seed = (SEED / "quant.py").read_text()
    block = (
        "def helper_{i}(values):\n"
        "    # 第{i}个辅助函数: not related to AMCT\n"
        "    label = 'helper_{i}'\n"
        "    total = sum(v * {i} for v in values)\n"
        "    if total > {i}:\n"
        "        print(label, total)\n"
        "    return total\n"
        "\n\n"
    )
    parts: list[str] = []
    count, i = seed.count("\n"), 0
    while count < lines:
        parts.append(block.format(i=i))
        count += block.count("\n")
        i += 1
    head, _, tail = seed.partition("\n\n\ndef ")
    return head + "\n\n\n" + "".join(parts) + "def " + tail


async def measure(client: RawClient, path: Path, edits: int) -> list[float]:
    uri = path.as_uri()
    text = path.read_text()
    client.notify(
        "textDocument/didOpen",
        {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}},
    )
    await client.wait_published(uri, 1)  # the first check reads the model; later ones hit the cache
    latencies = []
    for n in range(edits):
        version = n + 2
        sent = time.perf_counter()
        client.notify(
            "textDocument/didChange",
            {
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [
                    {
                        "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
                        "text": "#",
                    }
                    if n % 2 == 0
                    else {
                        "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 1}},
                        "text": "",
                    }
                ],
            },
        )
        published = await client.wait_published(uri, version)
        latencies.append((published - sent) * 1000)
    client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    return latencies


async def burst(client: RawClient, path: Path, changes: int) -> tuple[float, int]:
    """`changes` keystrokes sent back to back: ms from the last one to the final version's diagnostics, and
    how many of the intermediate versions got diagnostics published (0 when debouncing works)."""
    uri = path.as_uri()
    client.notify(
        "textDocument/didOpen",
        {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": path.read_text()}},
    )
    await client.wait_published(uri, 1)
    sent = 0.0
    for n in range(changes):
        client.notify(
            "textDocument/didChange",
            {
                "textDocument": {"uri": uri, "version": n + 2},
                "contentChanges": [
                    {
                        "range": {"start": {"line": 0, "character": n}, "end": {"line": 0, "character": n}},
                        "text": "#",
                    }
                ],
            },
        )
        sent = time.perf_counter()
    final = changes + 1
    published = await client.wait_published(uri, final)
    await asyncio.sleep(0.3)
    extra = sum(1 for (u, v) in client.published if u == uri and v is not None and 1 < v < final)
    client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    return (published - sent) * 1000, extra


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


async def run(edits: int) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / "seed"
        shutil.copytree(SEED, work)
        big = work / "big_quant.py"
        big.write_text(big_script(2000))
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "amct_lsp",
            "serve",
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        client = RawClient(proc)
        await client.request(
            "initialize",
            {
                "processId": None,
                "rootUri": work.as_uri(),
                "capabilities": {
                    "workspace": {"configuration": True},
                    "textDocument": {"publishDiagnostics": {"versionSupport": True}},
                },
            },
        )
        client.notify("initialized", {})
        rows = []
        failed = False
        for label, path in (("seed", work / "quant.py"), ("2,000 lines", big)):
            lat = await measure(client, path, edits)
            lines = path.read_text().count("\n")
            median, tail = statistics.median(lat), p95(lat)
            ok = tail < TARGETS_MS[label]
            failed |= not ok
            rows.append(
                f"| {label} | {lines} | {edits} | {median:.1f} | {tail:.1f} | < {TARGETS_MS[label]:.0f} | "
                f"{'yes' if ok else 'NO'} |"
            )
        bursts = []
        for label, path in (("seed", work / "quant.py"), ("2,000 lines", big)):
            copy = path.with_name(f"burst_{path.name}")
            shutil.copyfile(path, copy)
            took, extra = await burst(client, copy, 50)
            bursts.append(f"| {label} | 50 | {took:.1f} | {extra} |")
        await client.close()
    print("| script | lines | edits | median ms | p95 ms | target p95 ms | met |")
    print("|---|---|---|---|---|---|---|")
    print("\n".join(rows))
    print()
    print(
        "| burst on | changes back to back | last change → diagnostics ms | intermediate versions published |"
    )
    print("|---|---|---|---|")
    print("\n".join(bursts))
    return 1 if failed else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=60, help="edits per script (default 60)")
    args = parser.parse_args()
    return asyncio.run(run(args.edits))


if __name__ == "__main__":
    raise SystemExit(main())
