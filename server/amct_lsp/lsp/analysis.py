"""Runs `check_source` off the event loop, one analysis per document version, and keeps the latest result.

Every feature (diagnostics, hover, code actions, commands) asks for the analysis of the document *as it is
now*; edits arriving quickly are debounced, an analysis whose version has been superseded is never published,
and a dependency change (model, log, config on disk) drops the cached result so the next request re-checks.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import os
import traceback
from collections.abc import Awaitable, Callable, Iterable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING

from amct_lsp.check.findings import Code, Finding
from amct_lsp.text import lines_with_ends

if TYPE_CHECKING:
    from amct_lsp.check import CheckResult

log = logging.getLogger(__name__)

MODEL_SUFFIXES = (".pb", ".pbtxt")
CONFIG_SUFFIXES = (".json", ".cfg")
PROJECT_FILE = "pyproject.toml"


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The text of an open document at one version."""

    uri: str
    path: str
    version: int | None
    source: str


@dataclass(frozen=True, slots=True)
class Analysis:
    """The result of checking one snapshot; `result` is None when the engine failed (`error` says why)."""

    snapshot: Snapshot
    serial: int
    result: CheckResult | None
    error: str | None = None
    lines: list[str] = field(default_factory=list)
    #: Real paths of the files this result was computed from (model, log, configs).
    deps: frozenset[str] = frozenset()

    @property
    def version(self) -> int | None:
        return self.snapshot.version


def result_deps(result: CheckResult | None) -> frozenset[str]:
    """The files on disk a result depends on (model, log, configs), as real paths."""
    if result is None:
        return frozenset()
    paths = [p for p in (result.model_path, result.log_path, *result.config_paths) if p]
    return frozenset(os.path.realpath(p) for p in paths)


def is_affected(analysis: Analysis, changed: str) -> bool:
    """Whether a change to the file `changed` (absolute) may change `analysis`."""
    real = os.path.realpath(changed)
    if real in analysis.deps or changed in analysis.deps:
        return True
    result = analysis.result
    script_dir = os.path.dirname(os.path.realpath(analysis.snapshot.path))
    lower = changed.lower()
    if os.path.basename(changed) == PROJECT_FILE:
        # `[tool.amct]` applies to every script below it (and a new one may now be the nearest).
        return within(script_dir, os.path.dirname(real)) or within(script_dir, os.path.dirname(changed))
    if lower.endswith(MODEL_SUFFIXES):
        # A model appearing (or reappearing) can only matter to a script that has none yet.
        return result is None or result.model_error is not None
    base = os.path.dirname(real)
    if os.path.basename(base) == "amct_log":
        base = os.path.dirname(base)  # a log belongs to the directory the script ran from
    elif not lower.endswith(CONFIG_SUFFIXES):
        return False
    return within(script_dir, base) or within(base, script_dir)


def within(path: str, folder: str) -> bool:
    """Whether `path` is `folder` or lies under it (by path prefix, not by resolving links)."""
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


class Analyzer:
    """Schedules and caches analyses; knows nothing of LSP besides URIs and versions."""

    def __init__(
        self,
        *,
        snapshot: Callable[[str], Snapshot | None],
        check: Callable[[Snapshot], CheckResult],
        executor: Executor,
        on_result: Callable[[Analysis], Awaitable[None] | None],
        ready: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self._snapshot = snapshot
        self._check = check
        self._executor = executor
        self._on_result = on_result
        self._ready = ready
        self._serials = itertools.count(1)
        self._pending: dict[str, tuple[int | None, int, asyncio.Future[Analysis]]] = {}
        #: The newest check submitted per URI: a document never has two checks running at once, so a slow
        #: one (a huge model) holds one worker, not all of them, and edits meanwhile don't queue up.
        self._inflight: dict[str, asyncio.Future[Analysis]] = {}
        #: Checks run so far (each one a `check_source` call); for the log and the tests.
        self.runs = 0
        self._latest: dict[str, Analysis] = {}
        #: The newest analysis per URI of a text that parsed: its findings stand in while an edit does not.
        self._good: dict[str, Analysis] = {}
        self._timers: dict[str, asyncio.Task[None]] = {}
        #: Bumped per URI when a dependency changes, so an equal version still re-checks.
        self._generation: dict[str, int] = {}

    # -- scheduling --

    def schedule(self, uri: str, delay: float = 0.0) -> None:
        """(Re)start the debounce timer of `uri`; the newest call wins."""
        old = self._timers.pop(uri, None)
        if old is not None:
            old.cancel()
        task = asyncio.get_running_loop().create_task(self._run(uri, delay))
        self._timers[uri] = task
        task.add_done_callback(partial(self._forget_timer, uri))

    def _forget_timer(self, uri: str, task: asyncio.Task[None]) -> None:
        if self._timers.get(uri) is task:
            del self._timers[uri]

    async def _run(self, uri: str, delay: float) -> None:
        if delay > 0:
            await asyncio.sleep(delay)
        analysis = await self.current(uri)
        if analysis is None:
            return
        try:
            outcome = self._on_result(analysis)
            if outcome is not None:
                await outcome
        except Exception:
            log.exception("publishing the analysis of %s failed", uri)

    def invalidate(self, uri: str) -> None:
        """Forget the cached analysis of `uri` so the next request re-checks even at the same version."""
        self._generation[uri] = self._generation.get(uri, 0) + 1
        self._pending.pop(uri, None)

    def close(self, uri: str) -> None:
        timer = self._timers.pop(uri, None)
        if timer is not None:
            timer.cancel()
        self._pending.pop(uri, None)
        self._latest.pop(uri, None)
        self._good.pop(uri, None)
        self._generation.pop(uri, None)
        self._inflight.pop(uri, None)

    def shutdown(self) -> None:
        for timer in self._timers.values():
            timer.cancel()
        self._timers.clear()

    def busy(self) -> bool:
        """Whether a check is still running in a worker thread."""
        return any(not fut.done() for fut in self._inflight.values())

    # -- results --

    def latest(self, uri: str) -> Analysis | None:
        """The newest finished analysis of `uri` (maybe of an older version)."""
        return self._latest.get(uri)

    def last_good(self, uri: str) -> Analysis | None:
        """The newest analysis of `uri` whose text parsed (maybe of an older version)."""
        return self._good.get(uri)

    def latest_all(self) -> Iterable[Analysis]:
        return list(self._latest.values())

    async def current(self, uri: str, attempts: int = 5) -> Analysis | None:
        """The analysis of the document's current version; None when the document is not open."""
        if self._ready is not None:
            await self._ready()
        for _ in range(attempts):
            snap = self._snapshot(uri)
            if snap is None:
                return None
            analysis = await self._analysis_of(snap)
            if analysis is None:
                continue  # superseded while an older check of the document finished
            now = self._snapshot(uri)
            if now is None:
                return None
            if now.version == analysis.version and now.source == analysis.snapshot.source:
                return analysis
        return None

    async def _analysis_of(self, snap: Snapshot) -> Analysis | None:
        """The analysis of `snap`, sharing a check already running for it; None when `snap` went stale while
        waiting for an older check of the same document."""
        uri = snap.uri
        while True:
            gen = self._generation.get(uri, 0)
            pending = self._pending.get(uri)
            if pending is not None and pending[0] == snap.version and pending[1] == gen:
                fut = pending[2]
                break
            busy = self._inflight.get(uri)
            if busy is not None and not busy.done():
                await asyncio.wait([busy])
                now = self._snapshot(uri)
                if now is None or now.version != snap.version or now.source != snap.source:
                    return None
                continue
            fut = asyncio.get_running_loop().run_in_executor(self._executor, self._analyse, snap)
            self._pending[uri] = (snap.version, gen, fut)
            self._inflight[uri] = fut
            self.runs += 1
            break
        analysis = await asyncio.shield(fut)
        prev = self._latest.get(uri)
        if self._snapshot(uri) is not None and (prev is None or prev.serial < analysis.serial):
            self._latest[uri] = analysis
            good = self._good.get(uri)
            if parses(analysis) and (good is None or good.serial < analysis.serial):
                self._good[uri] = analysis
        return analysis

    def _analyse(self, snap: Snapshot) -> Analysis:
        """Runs in a worker thread; never raises."""
        serial = next(self._serials)
        lines = lines_with_ends(snap.source)
        try:
            result = self._check(snap)
        except Exception as exc:
            detail = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
            log.error("checking %s failed:\n%s", snap.path, detail)
            return Analysis(snap, serial, None, error=f"{type(exc).__name__}: {exc}\n{detail}", lines=lines)
        return Analysis(snap, serial, result, lines=lines, deps=result_deps(result))


def parses(analysis: Analysis) -> bool:
    """Whether the analysed text parsed (a check that failed, or a text with a syntax error, did not)."""
    result = analysis.result
    return result is not None and (result.analysis is None or result.analysis.syntax_error is None)


def shown_findings(analysis: Analysis, last_good: Analysis | None) -> list[Finding]:
    """The findings to show for `analysis`: its own, or, while its text does not parse, the last good
    analysis's findings moved with the edits (check.carry) next to the syntax problem."""
    result = analysis.result
    if result is None:
        return []
    if parses(analysis) or last_good is None or last_good.result is None:
        return list(result.findings)
    from amct_lsp.check.carry import carry_findings

    kept = [f for f in last_good.result.findings if f.code is not Code.SYNTAX]
    carried = carry_findings(last_good.snapshot.source, analysis.snapshot.source, kept)
    return sorted([*carried, *result.findings], key=lambda f: (f.span.start, f.code.value))


def describe_error(analysis: Analysis) -> str:
    return f"amct-lsp could not check {analysis.snapshot.path}: {analysis.error}"


__all__ = [
    "Analysis",
    "Analyzer",
    "Snapshot",
    "describe_error",
    "is_affected",
    "parses",
    "result_deps",
    "shown_findings",
    "within",
]
