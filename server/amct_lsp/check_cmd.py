"""`amct-lsp check`: check files and folders, print findings (text, json, github, sarif), apply --fix.

Exit codes: 0 no findings, 1 findings, 2 usage or internal error. `--fix` writes each file atomically (a temp
file in the same folder, then os.replace), keeping its encoding, BOM and newlines, its owner, mode, symlinks
and hard links (fileio.write_preserving), refuses a read-only file, then re-checks.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
from collections.abc import Sequence
from typing import TextIO

from amct_lsp.amct.versions import resolve_rules
from amct_lsp.check import iter_scripts
from amct_lsp.check_formats import display_path, to_github, to_json, to_sarif, to_text
from amct_lsp.check_jobs import FileOptions, Job, default_jobs, run_jobs
from amct_lsp.fileio import path_state, write_preserving
from amct_lsp.project import project_for
from amct_lsp.safe_text import escape_json, one_line

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class UsageError(Exception):
    """A problem with the command line; printed as one line, exit code 2."""


def _split(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def run_check(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """The `check` command; returns the exit code (never raises for user errors)."""
    out = out if out is not None else sys.stdout
    err = err if err is not None else sys.stderr
    try:
        return _run(args, out, err)
    except UsageError as problem:
        print(f"amct-lsp check: {one_line(str(problem))}", file=err)
        return EXIT_ERROR
    except BrokenPipeError:  # `amct-lsp check ... | head`: the reader left, nothing more to say
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        return EXIT_ERROR
    except Exception as problem:  # the CLI must never show a bare traceback for a bug of ours
        print(f"amct-lsp check: internal error: {type(problem).__name__}: {one_line(str(problem))}", file=err)
        if os.environ.get("AMCT_LSP_DEBUG"):
            import traceback  # only for a bug of ours

            traceback.print_exc(file=err)
        return EXIT_ERROR


def _run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    paths: Sequence[str] = args.paths
    for given in paths:
        # A looping or dangling symlink, or a file in a folder we may not search, is reported later.
        if not os.path.lexists(given) and path_state(given) == "missing":
            raise UsageError(f"{given}: no such file or directory")
    model = getattr(args, "model", None)
    if model and path_state(model) == "missing":  # "denied" is the reader's to report
        raise UsageError(f"--model {model}: no such file")
    log = getattr(args, "log", None)
    if log and path_state(log) == "denied":
        raise UsageError(f"--log {log}: permission denied")
    if log and os.path.exists(log) and not os.path.isfile(log):
        raise UsageError(f"--log {log}: not a regular file")
    if log and not os.path.isfile(log):
        raise UsageError(f"--log {log}: no such file")
    root = getattr(args, "root", None)
    if root and not os.path.isdir(root):
        raise UsageError(f"--root {root}: no such folder")
    fmt = getattr(args, "format", "text") or "text"
    try:
        resolve_rules(getattr(args, "amct_version", None))
    except ValueError as problem:
        raise UsageError(f"--amct-version: {problem}") from None
    jobs = _jobs(args, iter_scripts(paths), err)
    workers = getattr(args, "jobs", None) or default_jobs()
    outcomes = run_jobs(jobs, workers)
    failed = next((o.write_error for o in outcomes if o.write_error is not None), None)
    if failed is not None:
        raise UsageError(failed)
    fixed = [o.fixed for o in outcomes if o.fixed]
    if fixed:
        total, files = sum(fixed), len(fixed)
        noun = "finding" if total == 1 else "findings"
        report = out if fmt == "text" else err
        print(f"Fixed {total} {noun} in {files} file{'s' if files != 1 else ''}.", file=report)
    results = [o.result for o in outcomes]
    if fmt == "json":
        out.write(escape_json(json.dumps(to_json(results), ensure_ascii=False, indent=2)) + "\n")
    elif fmt == "github":
        out.write(to_github(results))
    elif fmt == "sarif":
        out.write(escape_json(json.dumps(to_sarif(results), ensure_ascii=False, indent=2)) + "\n")
    else:
        out.write(to_text(results))
    return EXIT_FINDINGS if any(r.findings for r in results) else EXIT_OK


def _jobs(args: argparse.Namespace, scripts: Sequence[str], err: TextIO) -> list[Job]:
    """One job per script not ignored by its project, with the command line's options on top of its
    `[tool.amct]`; each project's problems are printed once, as warnings (the rest of it still applies)."""
    model, log, root = (getattr(args, key, None) for key in ("model", "log", "root"))
    skip = tuple(_split(getattr(args, "skip_layers", "")))
    version = getattr(args, "amct_version", None)
    stop = os.path.abspath(root) if root else None
    per_project: dict[str | None, FileOptions] = {}
    jobs = []
    for script in scripts:
        project = project_for(script, stop)
        if project.path not in per_project:
            for problem in project.problems:
                where = f"{display_path(problem.path)}:{problem.line}:{problem.column}"
                print(f"amct-lsp check: warning: {one_line(f'{where}: {problem.message}')}", file=err)
            per_project[project.path] = FileOptions(
                model=os.path.abspath(model) if model else None,
                root=os.path.abspath(root) if root else os.getcwd(),
                log=os.path.abspath(log) if log else project.log_path,
                extra_skip_layers=skip or project.skip_layers,
                model_folders=project.model_paths,
                rules=resolve_rules(version, project=project.amct_version, project_source=project.source),
                severity=project.severity,
                off=project.off,
            )
        if project.ignores(script):
            continue
        options = per_project[project.path]
        if not model and (mapped := project.model_for(script)):
            options = dataclasses.replace(options, model=mapped)
        jobs.append(Job(script, options, bool(getattr(args, "fix", False))))
    return jobs


def write_atomic(path: str, data: bytes) -> None:
    """Write a fix into `path`: atomically, keeping owner, mode, symlinks and hard links (fileio)."""
    write_preserving(path, data)


# -- formats -------------------------------------------------------------------------------------------------
