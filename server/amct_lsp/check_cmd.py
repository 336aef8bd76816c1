"""`amct-lsp check`: check files and folders, print findings (text, json, github, sarif), apply --fix.

Exit codes: 0 no findings, 1 findings, 2 usage or internal error. `--fix` writes each file atomically (a temp
file in the same folder, then os.replace), keeping its encoding, BOM and newlines, then re-checks.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import tempfile
import traceback
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from amct_lsp import __version__
from amct_lsp.check import CheckResult, apply_edits, check_source, decode_failure, iter_scripts, primary_edits
from amct_lsp.findings import Code, Finding, Position, Severity, Span
from amct_lsp.model.cache import ModelCache
from amct_lsp.script.source import ScriptDecodeError, ScriptText, read_script

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2

RULES: dict[Code, tuple[str, str, str]] = {
    Code.STALE_NAME: (
        "stale-output-name",
        "Output name used after quantize_model that the rewrite renames",
        "error",
    ),
    Code.UNKNOWN_NAME: (
        "unknown-name",
        "Name not in the model and not created by the rewrite (typo or wrong :N index)",
        "error",
    ),
    Code.NAME_TOO_EARLY: (
        "name-too-early",
        "Post-rewrite name used before quantize_model or given to save_model(outputs=...)",
        "error",
    ),
    Code.MODEL_PROBLEM: ("model-problem", "The model file cannot be found or read", "warning"),
    Code.SYNTAX: (
        "script-does-not-parse",
        "The script cannot be parsed or decoded, so it is not checked",
        "warning",
    ),
}
_HELP_URI = "https://github.com/amct-lsp/amct-lsp#finding-codes"


class UsageError(Exception):
    """A problem with the command line; printed as one line, exit code 2."""


@dataclass(slots=True)
class _Script:
    path: str
    text: ScriptText | None
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
        print(f"amct-lsp check: {problem}", file=err)
        return EXIT_ERROR
    except BrokenPipeError:  # `amct-lsp check ... | head`: the reader left, nothing more to say
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        return EXIT_ERROR
    except Exception as problem:  # the CLI must never show a bare traceback for a bug of ours
        print(f"amct-lsp check: internal error: {type(problem).__name__}: {problem}", file=err)
        if os.environ.get("AMCT_LSP_DEBUG"):
            traceback.print_exc(file=err)
        return EXIT_ERROR


def _run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    paths: Sequence[str] = args.paths
    for given in paths:
        if not os.path.lexists(given):  # a looping or dangling symlink is reported as unreadable, later
            raise UsageError(f"{given}: no such file or directory")
    model = getattr(args, "model", None)
    if model and not os.path.exists(model):
        raise UsageError(f"--model {model}: no such file")
    log = getattr(args, "log", None)
    if log and not os.path.isfile(log):
        raise UsageError(f"--log {log}: no such file")
    root = getattr(args, "root", None)
    if root and not os.path.isdir(root):
        raise UsageError(f"--root {root}: no such folder")
    fmt = getattr(args, "format", "text") or "text"
    options = {
        "model": os.path.abspath(model) if model else None,
        "root": os.path.abspath(root) if root else os.getcwd(),
        "log": os.path.abspath(log) if log else None,
        "extra_skip_layers": _split(getattr(args, "skip_layers", "")),
    }
    cache = ModelCache()
    scripts = [_check_file(p, cache, options) for p in iter_scripts(paths)]
    if getattr(args, "fix", False):
        scripts = _fix(scripts, cache, options, out if fmt == "text" else err)
    results = [s.result for s in scripts]
    if fmt == "json":
        json.dump(to_json(results), out, ensure_ascii=False, indent=2)
        out.write("\n")
    elif fmt == "github":
        out.write(to_github(results))
    elif fmt == "sarif":
        json.dump(to_sarif(results), out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        out.write(to_text(results))
    return EXIT_FINDINGS if any(r.findings for r in results) else EXIT_OK


def _check_file(path: str, cache: ModelCache, options: dict[str, Any]) -> _Script:
    try:
        text = read_script(path)
    except ScriptDecodeError as problem:
        return _Script(path, None, decode_failure(path, problem))
    except OSError as problem:
        return _Script(path, None, decode_failure(path, ScriptDecodeError(f"{problem.strerror or problem}.")))
    return _Script(path, text, check_source(text.text, path, cache=cache, **options))


def _fix(scripts: list[_Script], cache: ModelCache, options: dict[str, Any], report: TextIO) -> list[_Script]:
    """Apply every primary fix, file by file, then re-check the files that changed."""
    fixed_total = 0
    out: list[_Script] = []
    for script in scripts:
        edits = primary_edits(script.result.findings)
        if script.text is None or not edits:
            out.append(script)
            continue
        new_text = apply_edits(script.text.text, edits)
        try:
            write_atomic(script.path, script.text.encode(new_text))
        except OSError as problem:
            raise UsageError(
                f"{script.path}: cannot write the fix ({problem.strerror or problem}); file unchanged"
            ) from None
        fixed = sum(1 for f in script.result.findings if f.primary_fix is not None)
        fixed_total += fixed
        out.append(_check_file(script.path, cache, options))
    if fixed_total:
        files = sum(1 for a, b in zip(scripts, out, strict=True) if a is not b)
        noun = "finding" if fixed_total == 1 else "findings"
        print(f"Fixed {fixed_total} {noun} in {files} file{'s' if files != 1 else ''}.", file=report)
    return out


def write_atomic(path: str, data: bytes) -> None:
    """Replace `path` with `data` all at once: a crash or a full disk leaves the original untouched."""
    folder = os.path.dirname(os.path.abspath(path))
    mode = os.stat(path).st_mode & 0o7777
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{os.path.basename(path)}.", suffix=".amct-tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


# -- formats -------------------------------------------------------------------------------------------------


def display_path(path: str) -> str:
    """Relative to the current folder when inside it (like ruff), else absolute."""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return path
    return path if rel.startswith("..") else rel


def _loc(pos: Position) -> dict[str, int]:
    return {"row": pos.line + 1, "column": pos.character + 1}


def finding_json(f: Finding) -> dict[str, Any]:
    fix = f.primary_fix
    return {
        "code": f.code.value,
        "severity": f.severity.value,
        "message": f.message,
        "filename": f.path,
        "location": _loc(f.span.start),
        "end_location": _loc(f.span.end),
        "tensor": f.tensor,
        "replacement": f.replacement,
        "chain": [{"pass": s.pass_name, "old": s.old, "new": s.new} for s in f.chain.steps]
        if f.chain
        else None,
        "evidence": f.evidence,
        "model": f.model,
        "fix": (
            {
                "message": fix.message,
                "edits": [
                    {"location": _loc(e.span.start), "end_location": _loc(e.span.end), "content": e.new_text}
                    for e in fix.edits
                ],
            }
            if fix is not None
            else None
        ),
    }


def to_json(results: Sequence[CheckResult]) -> list[dict[str, Any]]:
    return [finding_json(f) for r in results for f in r.findings]


def _step_lines(f: Finding) -> list[str]:
    if f.chain is None or not f.chain.steps:
        return []
    lines = [f"chain ({f.evidence or 'predicted'}):"]
    for step in f.chain.steps:
        lines.append(f"  {step.pass_name}: {step.old} → {step.new}  [{step.evidence.label}]")
    return lines


def to_text(results: Sequence[CheckResult]) -> str:
    """ruff-like lines, each followed by indented detail (chain, where it is used, the fix)."""
    lines: list[str] = []
    count = fixable = 0
    files = 0
    for result in results:
        if result.findings:
            files += 1
        for f in result.findings:
            count += 1
            where = display_path(f.path)
            lines.append(
                f"{where}:{f.span.start.line + 1}:{f.span.start.character + 1}: {f.code.value} {f.message}"
            )
            detail = _step_lines(f)
            for rel in f.related:
                if rel.path == f.path:
                    detail.append(
                        f"{rel.message}: {where}:{rel.span.start.line + 1}:{rel.span.start.character + 1}"
                    )
            if f.model and f.code is not Code.MODEL_PROBLEM:
                detail.append(f"model: {display_path(f.model)}")
            detail.extend(f"note: {n}" for n in f.notes)
            if f.primary_fix is not None:
                fixable += 1
                detail.append(f"fix: {f.primary_fix.message}")
            lines.extend(f"    {d}" for d in detail)
    if count:
        lines.append("")
        summary = (
            f"Found {count} finding{'s' if count != 1 else ''} in {files} file{'s' if files != 1 else ''}"
        )
        if fixable:
            summary += f"; {fixable} fixable with --fix"
        lines.append(summary + ".")
    else:
        checked = len(results)
        lines.append(f"All checks passed ({checked} file{'s' if checked != 1 else ''}).")
    return "\n".join(lines) + "\n"


def _gh_escape(text: str, *, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


_GH_LEVEL = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFO: "notice",
    Severity.HINT: "notice",
}


def to_github(results: Sequence[CheckResult]) -> str:
    """GitHub Actions workflow commands: annotations on the pull request's diff."""
    lines: list[str] = []
    for result in results:
        for f in result.findings:
            props = ",".join(
                [
                    f"file={_gh_escape(display_path(f.path), prop=True)}",
                    f"line={f.span.start.line + 1}",
                    f"col={f.span.start.character + 1}",
                    f"endLine={f.span.end.line + 1}",
                    f"endColumn={f.span.end.character + 1}",
                    f"title={f.code.value}",
                ]
            )
            lines.append(f"::{_GH_LEVEL[f.severity]} {props}::{_gh_escape(f.message)}")
    return "".join(line + "\n" for line in lines)


_SARIF_LEVEL = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFO: "note",
    Severity.HINT: "note",
}


def _region(span: Span) -> dict[str, int]:
    return {
        "startLine": span.start.line + 1,
        "startColumn": span.start.character + 1,
        "endLine": span.end.line + 1,
        "endColumn": span.end.character + 1,
    }


def _uri(path: str) -> str:
    return Path(path).absolute().as_uri()


def to_sarif(results: Sequence[CheckResult]) -> dict[str, Any]:
    """SARIF 2.1.0 with one rule per code, a result per finding, related locations and fixes."""
    codes = list(RULES)
    rules = [
        {
            "id": code.value,
            "name": RULES[code][0],
            "shortDescription": {"text": RULES[code][1]},
            "helpUri": _HELP_URI,
            "defaultConfiguration": {"level": RULES[code][2]},
        }
        for code in codes
    ]
    sarif_results: list[dict[str, Any]] = []
    for result in results:
        for f in result.findings:
            item: dict[str, Any] = {
                "ruleId": f.code.value,
                "ruleIndex": codes.index(f.code),
                "level": _SARIF_LEVEL[f.severity],
                "message": {"text": f.message},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": {"uri": _uri(f.path)},
                            "region": _region(f.span),
                        }
                    }
                ],
            }
            related = [
                {
                    "id": i,
                    "message": {"text": rel.message},
                    "physicalLocation": {
                        "artifactLocation": {"uri": _uri(rel.path)},
                        "region": _region(rel.span),
                    }
                    if rel.path == f.path
                    else {"artifactLocation": {"uri": _uri(rel.path)}},
                }
                for i, rel in enumerate(f.related)
            ]
            if related:
                item["relatedLocations"] = related
            fixes = [
                {
                    "description": {"text": fix.message},
                    "artifactChanges": [
                        {
                            "artifactLocation": {"uri": _uri(f.path)},
                            "replacements": [
                                {"deletedRegion": _region(e.span), "insertedContent": {"text": e.new_text}}
                                for e in fix.edits
                            ],
                        }
                    ],
                }
                for fix in f.fixes
            ]
            if fixes:
                item["fixes"] = fixes
            props: dict[str, Any] = {"evidence": f.evidence, "tensor": f.tensor, "replacement": f.replacement}
            if f.chain is not None:
                props["chain"] = [{"pass": s.pass_name, "old": s.old, "new": s.new} for s in f.chain.steps]
            if f.model:
                props["model"] = f.model
            item["properties"] = {k: v for k, v in props.items() if v is not None}
            sarif_results.append(item)
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "amct-lsp",
                        "version": __version__,
                        "informationUri": _HELP_URI,
                        "rules": rules,
                    }
                },
                "invocations": [{"executionSuccessful": True}],
                # Our columns count code points, and a lone "\r" ends a line as it does for Python.
                "columnKind": "unicodeCodePoints",
                "newlineSequences": ["\r\n", "\n", "\r"],
                "results": sarif_results,
            }
        ],
    }
