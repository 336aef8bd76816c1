"""`amct-lsp check`: check files and folders, print findings (text, json, github, sarif), apply --fix.

Exit codes: 0 no findings, 1 findings, 2 usage or internal error. `--fix` writes each file atomically (a temp
file in the same folder, then os.replace), keeping its encoding, BOM and newlines, its owner, mode, symlinks
and hard links (fileio.write_preserving), refuses a read-only file, then re-checks.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import traceback
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TextIO

from amct_lsp.amct.versions import resolve_rules
from amct_lsp.check import CheckResult, apply_edits, check_source, decode_failure, iter_scripts, primary_edits
from amct_lsp.check_formats import to_github, to_json, to_sarif, to_text
from amct_lsp.fileio import path_state, write_preserving
from amct_lsp.model.cache import ModelCache
from amct_lsp.notebook import Notebook, is_notebook_path
from amct_lsp.safe_text import escape_json, one_line
from amct_lsp.script.source import ScriptDecodeError, ScriptText, read_script

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class UsageError(Exception):
    """A problem with the command line; printed as one line, exit code 2."""


@dataclass(slots=True)
class _Script:
    path: str
    text: ScriptText | Notebook | None
    result: CheckResult


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
        rules = resolve_rules(getattr(args, "amct_version", None))
    except ValueError as problem:
        raise UsageError(f"--amct-version: {problem}") from None
    options = {
        "model": os.path.abspath(model) if model else None,
        "root": os.path.abspath(root) if root else os.getcwd(),
        "log": os.path.abspath(log) if log else None,
        "extra_skip_layers": _split(getattr(args, "skip_layers", "")),
        "rules": rules,
    }
    cache = ModelCache()
    scripts = [_check_file(p, cache, options) for p in iter_scripts(paths)]
    if getattr(args, "fix", False):
        scripts = _fix(scripts, cache, options, out if fmt == "text" else err)
    results = [s.result for s in scripts]
    if fmt == "json":
        out.write(escape_json(json.dumps(to_json(results), ensure_ascii=False, indent=2)) + "\n")
    elif fmt == "github":
        out.write(to_github(results))
    elif fmt == "sarif":
        out.write(escape_json(json.dumps(to_sarif(results), ensure_ascii=False, indent=2)) + "\n")
    else:
        out.write(to_text(results))
    return EXIT_FINDINGS if any(r.findings for r in results) else EXIT_OK


def _check_file(path: str, cache: ModelCache, options: dict[str, Any]) -> _Script:
    if is_notebook_path(path):
        from amct_lsp.check.notebooks import check_notebook_file

        return _Script(path, *check_notebook_file(path, cache=cache, **options))
    try:
        text = read_script(path)
    except ScriptDecodeError as problem:
        return _Script(path, None, decode_failure(path, problem))
    except OSError as problem:
        return _Script(path, None, decode_failure(path, ScriptDecodeError(f"{problem.strerror or problem}.")))
    return _Script(path, text, check_source(text.text, path, cache=cache, **options))


def _fix(scripts: list[_Script], cache: ModelCache, options: dict[str, Any], report: TextIO) -> list[_Script]:
    """Apply every safe primary fix (never a guess), file by file, then re-check the files that changed."""
    fixed_total = 0
    out: list[_Script] = []
    for script in scripts:
        data = _fixed_bytes(script)
        if data is None:
            out.append(script)
            continue
        try:
            write_atomic(script.path, data)
        except OSError as problem:
            raise UsageError(
                f"{script.path}: cannot write the fix ({problem.strerror or problem}); file unchanged"
            ) from None
        fixed = sum(1 for f in script.result.findings if f.bulk_fix is not None)
        fixed_total += fixed
        out.append(_check_file(script.path, cache, options))
    if fixed_total:
        files = sum(1 for a, b in zip(scripts, out, strict=True) if a is not b)
        noun = "finding" if fixed_total == 1 else "findings"
        print(f"Fixed {fixed_total} {noun} in {files} file{'s' if files != 1 else ''}.", file=report)
    return out


def _fixed_bytes(script: _Script) -> bytes | None:
    """The file's bytes with its safe primary fixes applied (a notebook: in its cell sources only)."""
    if isinstance(script.text, Notebook):
        from amct_lsp.check.notebooks import fixed_notebook

        return fixed_notebook(script.text, script.result)
    edits = primary_edits(script.result.findings)
    if script.text is None or not edits:
        return None
    return script.text.encode(apply_edits(script.text.text, edits))


def write_atomic(path: str, data: bytes) -> None:
    """Write a fix into `path`: atomically, keeping owner, mode, symlinks and hard links (fileio)."""
    write_preserving(path, data)


# -- formats -------------------------------------------------------------------------------------------------
