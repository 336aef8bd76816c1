"""The suppression fix: each finding also offers to add `# amct: ignore[CODE]` to its line.

It comes from the engine, as a non-primary fix, so every front end offers the same actions: the editor's
light bulb lists it after the real fixes, the CLI's JSON lists it under `fixes`, and neither `--fix` nor
`source.fixAll` applies it (they take primary fixes only).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from amct_lsp.check.findings import Finding, Fix, Position, Span, TextEdit
from amct_lsp.script.directives import IGNORE_RE
from amct_lsp.text import lines_with_ends


def ignore_fix(lines: Sequence[str], line: int, code: str) -> Fix | None:
    """Append `# amct: ignore[CODE]` to `line`, or add CODE to the ignore comment already there; None when
    the line is already ignored for CODE (or does not exist)."""
    if not 0 <= line < len(lines):
        return None
    text = lines[line].rstrip("\r\n")
    match = IGNORE_RE.search(text)
    if match is not None:
        codes = match.group("codes")
        if codes is None:
            return None  # a bare `# amct: ignore` already covers every code
        listed = [c.strip() for c in codes.split(",") if c.strip()]
        if code in listed:
            return None
        span = Span(Position(line, match.start("codes")), Position(line, match.end("codes")))
        edit = TextEdit(span, ", ".join([*listed, code]))
    else:
        stripped = text.rstrip()
        sep = "  " if stripped else ""
        span = Span(Position(line, len(stripped)), Position(line, len(text)))
        edit = TextEdit(span, f"{sep}# amct: ignore[{code}]")
    return Fix(f"Ignore {code} on this line", (edit,), primary=False, suppression=True)


def is_suppression(fix: Fix) -> bool:
    """Whether `fix` is the ignore-comment fix (it silences the finding rather than repairing the name)."""
    return fix.suppression


def with_ignore_fixes(findings: Sequence[Finding], source: str) -> list[Finding]:
    """`findings`, each with its ignore fix appended (where one can be written)."""
    lines = lines_with_ends(source)
    out = []
    for finding in findings:
        fix = ignore_fix(lines, finding.span.start.line, finding.code.value)
        out.append(finding if fix is None else dataclasses.replace(finding, fixes=(*finding.fixes, fix)))
    return out


__all__ = ["ignore_fix", "is_suppression", "with_ignore_fixes"]
