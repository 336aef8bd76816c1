"""The server's memory stays flat under a long stream of notifications (issue 13: pygls kept a future per
notification handled by one of its generator handlers, ~2 KB each, for the life of the process).

Speaks raw JSON-RPC over the real server's pipes (pytest-lsp's client is too slow for thousands of
messages) and samples the process's resident memory with psutil after a warm-up.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import psutil

from support.jsonrpc import RawClient

SERVER = [sys.executable, "-m", "amct_lsp", "serve", "--log-level", "error"]
WARM_UP = 3_000
MEASURED = 12_000
#: What 12,000 leaked futures would cost is ~24 MB; allocator noise is a few MB at most.
MAX_GROWTH_MB = 6.0
SCRIPT = "import tensorflow as tf\nOUT = 'Add:0'  # edit {n}\n"


async def send_changes(raw: RawClient, uri: str, first: int, count: int) -> int:
    """`count` whole-document didChange notifications; waits until the server has taken them all in."""
    version = first
    for _ in range(count):
        version += 1
        raw.notify(
            "textDocument/didChange",
            {
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [{"text": SCRIPT.format(n=version)}],
            },
        )
        if version % 500 == 0:
            await raw.writer.drain()
    await raw.writer.drain()
    await raw.wait_published(uri, version, timeout=60)
    return version


def rss_mb(pid: int) -> float:
    return float(psutil.Process(pid).memory_info().rss) / 1024**2


async def test_many_did_change_notifications_do_not_grow_memory(tmp_path: Path) -> None:
    raw = await RawClient.spawn(SERVER)
    try:
        caps = {"textDocument": {"publishDiagnostics": {"versionSupport": True}}}
        answer = await raw.initialize(tmp_path.as_uri(), caps, timeout=20)
        assert "result" in answer, answer
        uri = (tmp_path / "quant.py").as_uri()
        raw.open_document(uri, SCRIPT.format(n=1))
        version = await send_changes(raw, uri, 1, WARM_UP)
        before = rss_mb(raw.proc.pid)
        version = await send_changes(raw, uri, version, MEASURED)
        after = rss_mb(raw.proc.pid)
        print(f"RSS after {WARM_UP} didChange: {before:.1f} MB; after {MEASURED} more: {after:.1f} MB")
        assert after - before < MAX_GROWTH_MB, (before, after)
    finally:
        await asyncio.wait_for(raw.close(), 20)
