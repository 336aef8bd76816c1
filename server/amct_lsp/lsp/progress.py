"""`$/progress` while a large model loads: the model cache reports from a worker thread, the client hears it
here.

The cache calls `on_progress(path, fraction)` from the thread that reads a model over its size threshold (~50
MB), with 1.0 at the end; `finish(path)` ends a load the reader abandoned (a corrupt file raises before 1.0).
Each model load gets its own work-done token, created with `window/workDoneProgress/create` when the client
supports it; the notifications of one token are sent in order on the event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from lsprotocol import types
from pygls.capabilities import get_capability

if TYPE_CHECKING:
    from pygls.lsp.server import LanguageServer

log = logging.getLogger(__name__)


@dataclass
class _Load:
    token: str
    ready: asyncio.Future[bool]  # True once the token exists on the client
    last_percent: int = -1


class ProgressBridge:
    """Thread-safe adapter from the cache's progress hook to work-done progress notifications."""

    def __init__(self, server: LanguageServer) -> None:
        self._server = server
        self._loop: asyncio.AbstractEventLoop | None = None
        self._loads: dict[str, _Load] = {}
        self._ids = itertools.count(1)
        self._tasks: set[asyncio.Future[None]] = set()
        #: Paths whose load just ended: a late `finish()` for them must not open a new progress.
        self._done_recently: set[str] = set()

    def attach(self, cache: Any) -> None:
        """Hook into a cache; must run on the event loop thread (it remembers the loop)."""
        try:
            self._loop = asyncio.get_running_loop()
        except RuntimeError:
            self._loop = None
        cache.on_progress = self.report

    def report(self, path: str, fraction: float) -> None:
        """Called by the cache from any thread."""
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        with contextlib.suppress(RuntimeError):  # the loop is shutting down
            loop.call_soon_threadsafe(self._on_event, os.path.realpath(path), float(fraction))

    def finish(self, path: str) -> None:
        """End the progress of `path` if it is still open (call on the event loop thread)."""
        if os.path.realpath(path) in self._loads:
            self._on_event(os.path.realpath(path), 1.0)

    def _supported(self) -> bool:
        return bool(get_capability(self._server.client_capabilities, "window.work_done_progress", False))

    def _on_event(self, path: str, fraction: float) -> None:
        load = self._loads.get(path)
        finished = fraction >= 1.0
        if load is None:
            # The cache only reports files over its threshold, so even a read that jumps straight to 1.0 (one
            # huge weight skipped at once) was a large model: show its begin and end.
            if not self._supported() or path in self._done_recently:
                return
            token = f"amct-model-{next(self._ids)}"
            load = _Load(token=token, ready=asyncio.ensure_future(self._create(token, path)))
            self._loads[path] = load
        percent = 100 if finished else max(0, min(99, int(fraction * 100)))
        if not finished and percent == load.last_percent:
            return
        load.last_percent = percent
        if finished:
            del self._loads[path]
            self._done_recently.add(path)
            loop = asyncio.get_running_loop()
            loop.call_later(1.0, self._done_recently.discard, path)
        task = asyncio.ensure_future(self._send(load, percent, finished))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _create(self, token: str, path: str) -> bool:
        try:
            await self._server.work_done_progress.create_async(token)
        except Exception as exc:
            log.debug("work done progress create failed: %s", exc)
            return False
        self._server.work_done_progress.begin(
            token,
            types.WorkDoneProgressBegin(
                title="amct: reading model", message=os.path.basename(path), percentage=0, cancellable=False
            ),
        )
        return True

    async def _send(self, load: _Load, percent: int, finished: bool) -> None:
        if not await load.ready:
            return
        progress = self._server.work_done_progress
        if finished:
            progress.end(load.token, types.WorkDoneProgressEnd(message="model read"))
            progress.tokens.pop(load.token, None)
        else:
            progress.report(load.token, types.WorkDoneProgressReport(percentage=percent))
