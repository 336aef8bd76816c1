"""`check -j N`: check (and `--fix`) files in worker processes, with results in the order the files came.

Each file is one `Job` (its path and its own options: a script's `[tool.amct]` may differ from its
neighbour's); a worker checks it, applies its safe primary fixes when asked (each file is written by the one
worker that checked it), re-checks it and sends back only what the output needs: the findings. Files go to
the workers in consecutive chunks, so scripts of one folder (usually one model) meet the same worker, whose
model cache reads each model once. `-j 1` runs the very same steps in this process.
"""

from __future__ import annotations

import dataclasses
import math
import os
import signal
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from amct_lsp.amct.versions import RuleVersion
from amct_lsp.check import CheckResult, apply_edits, check_file, primary_edits
from amct_lsp.check.findings import Code, Finding, Severity
from amct_lsp.fileio import write_preserving
from amct_lsp.model.cache import ModelCache
from amct_lsp.script.source import ScriptText

if TYPE_CHECKING:
    from amct_lsp.notebook import Notebook

#: Chunks per worker: small enough to balance uneven files, large enough to keep a folder together.
CHUNKS_PER_WORKER = 4


@dataclass(frozen=True)
class FileOptions:
    """How to check one file: what `check_file` takes, and the per-code levels to apply to its findings."""

    model: str | None = None
    root: str | None = None
    log: str | None = None
    extra_skip_layers: tuple[str, ...] = ()
    model_folders: tuple[str, ...] = ()
    rules: RuleVersion | None = None
    severity: Mapping[Code, Severity] = field(default_factory=dict)
    off: frozenset[Code] = frozenset()

    def check_kwargs(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "root": self.root,
            "log": self.log,
            "extra_skip_layers": self.extra_skip_layers,
            "model_folders": self.model_folders,
            "rules": self.rules,
        }

    def apply_levels(self, findings: Sequence[Finding]) -> list[Finding]:
        """Drop the codes turned off, give the others their configured severity."""
        out = []
        for finding in findings:
            if finding.code in self.off:
                continue
            level = self.severity.get(finding.code)
            out.append(finding if level is None else dataclasses.replace(finding, severity=level))
        return out


@dataclass(frozen=True)
class Job:
    path: str
    options: FileOptions
    fix: bool = False


@dataclass(frozen=True)
class Outcome:
    """What the output of one file needs: its result (after any fix; trimmed to what the formats read —
    findings, the prediction's rules, a notebook's cells), how many were fixed, and why a fix could not be
    written."""

    result: CheckResult
    fixed: int = 0
    write_error: str | None = None

    @property
    def path(self) -> str:
        return self.result.path

    @property
    def findings(self) -> list[Finding]:
        return self.result.findings


def _for_output(result: CheckResult, findings: list[Finding]) -> CheckResult:
    """The result with the configured levels applied, without what only the editor reads (the analysis and
    the hover's names), so that it crosses from a worker cheaply."""
    return dataclasses.replace(result, findings=findings, names=[], analysis=None)


def _fixed_bytes(text: ScriptText | Notebook, result: CheckResult) -> bytes | None:
    """The file's bytes with its safe primary fixes applied (a notebook: in its cell sources only)."""
    if not isinstance(text, ScriptText):  # a notebook (not imported here: a plain script does not need it)
        from amct_lsp.check.notebooks import fixed_notebook

        return fixed_notebook(text, result)
    edits = primary_edits(result.findings)
    return text.encode(apply_edits(text.text, edits)) if edits else None


def run_job(job: Job, cache: ModelCache) -> Outcome:
    """Check one file; with `fix`, write its safe primary fixes and check it again."""
    kwargs = job.options.check_kwargs()
    text, result = check_file(job.path, cache=cache, **kwargs)
    shown = _for_output(result, job.options.apply_levels(result.findings))
    data = _fixed_bytes(text, shown) if job.fix and text is not None else None
    if data is None:
        return Outcome(shown)
    try:
        write_preserving(job.path, data)
    except OSError as problem:
        reason = problem.strerror or str(problem)
        return Outcome(shown, write_error=f"{job.path}: cannot write the fix ({reason}); file unchanged")
    fixed = sum(1 for f in shown.findings if f.bulk_fix is not None)
    _, result = check_file(job.path, cache=cache, **kwargs)
    return Outcome(_for_output(result, job.options.apply_levels(result.findings)), fixed)


def default_jobs() -> int:
    """Every core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


_worker_cache: ModelCache | None = None


def _start_worker() -> None:
    global _worker_cache
    _worker_cache = ModelCache()
    # Ctrl-C reaches the whole process group: the parent stops the run, a worker finishes its file quietly.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _run_in_worker(job: Job) -> Outcome:
    assert _worker_cache is not None
    return run_job(job, _worker_cache)


def _context() -> Any:
    """fork where it is safe and cheap (Linux: the workers inherit the loaded engine); else the default."""
    import multiprocessing  # only with several workers: one file (or -j 1) never pays for it

    if sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


def run_jobs(jobs: Sequence[Job], workers: int) -> list[Outcome]:
    """Every job's outcome, in the jobs' order. With one worker (or one file) everything runs here and stops
    at the first fix that cannot be written; otherwise the first such failure in the jobs' order is what the
    caller reports (other workers may have written their files by then)."""
    workers = max(1, min(workers, len(jobs)))
    if workers == 1:
        cache = ModelCache()
        out: list[Outcome] = []
        for job in jobs:
            out.append(run_job(job, cache))
            if out[-1].write_error is not None:
                break
        return out
    chunk = max(1, math.ceil(len(jobs) / (workers * CHUNKS_PER_WORKER)))
    from concurrent.futures import ProcessPoolExecutor

    pool: ProcessPoolExecutor = ProcessPoolExecutor(
        max_workers=workers, mp_context=_context(), initializer=_start_worker
    )
    try:
        return list(pool.map(_run_in_worker, jobs, chunksize=chunk))
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
