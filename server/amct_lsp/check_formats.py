"""Output formats of `amct-lsp check`: text for people, JSON, GitHub annotations and SARIF for tools."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from amct_lsp import __version__
from amct_lsp.check import CheckResult
from amct_lsp.check.findings import Code, Finding, Fix, Position, Severity, Span
from amct_lsp.render.chains import chain_json, rules_json, step_text
from amct_lsp.safe_text import escape_text

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
    Code.MODEL_PROBLEM: (
        "model-problem",
        "The model file (or an AMCT config file) cannot be found or read",
        "warning",
    ),
    Code.SYNTAX: (
        "script-does-not-parse",
        "The script cannot be parsed or decoded, so it is not checked",
        "warning",
    ),
}


_HELP_URI = "https://github.com/amct-lsp/amct-lsp#finding-codes"


def display_path(path: str) -> str:
    """Relative to the current folder when inside it (like ruff), else absolute."""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return path
    return path if rel.startswith("..") else rel


def _loc(pos: Position) -> dict[str, int]:
    return {"row": pos.line + 1, "column": pos.character + 1}


# -- notebooks: a finding's place is a cell (text, JSON) or the notebook file's own lines (GitHub, SARIF) --


def cell_place(result: CheckResult, span: Span) -> tuple[int | None, Span]:
    """The 1-based notebook cell (every cell counted) holding a span of a notebook's check and the span in
    that cell; (None, span) for a script."""
    found = result.cells.to_cell_span(span) if result.cells is not None else None
    if found is None:
        return None, span
    return found[0].index + 1, found[1]


def file_span(result: CheckResult, span: Span) -> Span:
    """Where a span is written in the file: for a notebook read from disk, inside its JSON."""
    cell, local = cell_place(result, span)
    notebook = result.notebook
    if cell is None or notebook is None:
        return span
    start = notebook.file_position(cell - 1, local.start)
    end = notebook.file_position(cell - 1, local.end)
    return Span(start, end) if start is not None and end is not None else span


def file_text(result: CheckResult, text: str) -> str:
    """Text to insert into the file: in a notebook, inside a JSON string (escaped as the file escapes)."""
    if result.notebook is None:
        return text
    return json.dumps(text, ensure_ascii=result.notebook.text.isascii())[1:-1]


def _where(result: CheckResult, span: Span) -> str:
    cell, local = cell_place(result, span)
    row = f"{local.start.line + 1}:{local.start.character + 1}"
    return row if cell is None else f"cell {cell}:{row}"


def finding_json(f: Finding, result: CheckResult | None = None) -> dict[str, Any]:
    fix = f.bulk_fix  # the one --fix applies: a guess is listed in "fixes" only
    cell, span = cell_place(result, f.span) if result is not None else (None, f.span)
    out: dict[str, Any] = {
        "code": f.code.value,
        "severity": f.severity.value,
        "message": f.message,
        "filename": f.path,
        "location": _loc(span.start),
        "end_location": _loc(span.end),
        "tensor": f.tensor,
        "replacement": f.replacement,
        "chain": chain_json(f.chain),
        "evidence": f.evidence,
        "model": f.model,
        "consequence": f.consequence,  # AMCT001: what happens as written (the message says what to use)
        "fix": _fix_json(fix, result) if fix is not None else None,
        # Every fix, the preferred one first; the others (calib_outputs route, ignore comment) and any
        # guess ("safe": false) are offered, never applied by --fix.
        "fixes": [{**_fix_json(x, result), "primary": x.primary, "safe": x.safe} for x in f.fixes],
    }
    if cell is not None:
        out["cell"] = cell  # a notebook: rows and columns count in this cell
    return out


def _fix_json(fix: Fix, result: CheckResult | None = None) -> dict[str, Any]:
    edits = []
    for e in fix.edits:
        cell, span = cell_place(result, e.span) if result is not None else (None, e.span)
        edit: dict[str, Any] = {
            "location": _loc(span.start),
            "end_location": _loc(span.end),
            "content": e.new_text,
        }
        if cell is not None:
            edit["cell"] = cell
        edits.append(edit)
    return {"message": fix.message, "edits": edits}


def to_json(results: Sequence[CheckResult]) -> list[dict[str, Any]]:
    """Every finding; each also says which AMCT version's rules judged its script (`rules`, null without
    a model)."""
    out: list[dict[str, Any]] = []
    for result in results:
        rules = rules_json(result.prediction)
        out.extend({**finding_json(f, result), "rules": rules} for f in result.findings)
    return out


def _step_lines(f: Finding) -> list[str]:
    if f.chain is None or not f.chain.steps:
        return []
    lines = [f"chain ({f.evidence or 'predicted'}):"]
    for step in f.chain.steps:
        lines.append(f"  {step_text(step)}")
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
            lines.append(f"{where}:{_where(result, f.span)}: {f.code.value} {f.message}")
            detail = _step_lines(f)
            for rel in f.related:
                if rel.path == f.path:
                    detail.append(f"{rel.message}: {where}:{_where(result, rel.span)}")
            if f.model and f.code is not Code.MODEL_PROBLEM:
                detail.append(f"model: {display_path(f.model)}")
            if f.consequence:
                detail.append(f"consequence: {f.consequence}")
            detail.extend(f"note: {n}" for n in f.notes)
            if f.bulk_fix is not None:
                fixable += 1
                detail.append(f"fix: {f.bulk_fix.message}")
            elif f.primary_fix is not None:
                detail.append(f"suggestion (not applied by --fix): {f.primary_fix.message}")
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
    # Names and paths may hold control characters or undecodable bytes: each line is escaped on its own.
    return "\n".join(escape_text(line) for line in lines) + "\n"


def _gh_escape(text: str, *, prop: bool = False) -> str:
    text = escape_text(text, keep="\r\n").replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
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
            span = file_span(result, f.span)
            props = ",".join(
                [
                    f"file={_gh_escape(display_path(f.path), prop=True)}",
                    f"line={span.start.line + 1}",
                    f"col={span.start.character + 1}",
                    f"endLine={span.end.line + 1}",
                    f"endColumn={span.end.character + 1}",
                    f"title={f.code.value}",
                ]
            )
            cell, _ = cell_place(result, f.span)
            message = f.message if cell is None else f"{_where(result, f.span)}: {f.message}"
            lines.append(f"::{_GH_LEVEL[f.severity]} {props}::{_gh_escape(message)}")
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
                            "region": _region(file_span(result, f.span)),
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
                        "region": _region(file_span(result, rel.span)),
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
                                {
                                    "deletedRegion": _region(file_span(result, e.span)),
                                    "insertedContent": {"text": file_text(result, e.new_text)},
                                }
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
                props["chain"] = chain_json(f.chain)
            if f.model:
                props["model"] = f.model
            cell, local = cell_place(result, f.span)
            if cell is not None:  # a notebook: the region above is in its JSON, this one in the cell
                props["cell"] = cell
                props["cellRegion"] = _region(local)
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
