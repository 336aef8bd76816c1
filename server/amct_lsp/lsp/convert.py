"""Findings → LSP diagnostics, and code-point spans → ranges in the client's position encoding.

Findings count columns in code points; the client counts in UTF-16 (the default), UTF-8 or UTF-32 units,
whichever was negotiated. Every conversion goes through the lines of the exact text that was analysed, so a
range is never computed against a different version of the document.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence

from lsprotocol import types
from pygls.uris import from_fs_path
from pygls.workspace.position_codec import PositionCodec

from amct_lsp.check.findings import Code, Finding, Fix, Position, Severity, Span
from amct_lsp.lsp.payloads import DATA_LAYOUT, DiagnosticData, EditData, FixData, unstructure

SOURCE = "amct"
DOCS_URL = "https://github.com/amct-lsp/amct-lsp"

_SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
    Severity.HINT: types.DiagnosticSeverity.Hint,
}


def code_url(code: Code | str) -> str:
    """The README section on `code` (its heading is the code, so the anchor is the code in lower case)."""
    value = code.value if isinstance(code, Code) else code
    return f"{DOCS_URL}#{value.lower()}"


def path_uri(path: str) -> str:
    return from_fs_path(path) or f"file://{path}"


def to_client_position(lines: Sequence[str], pos: Position, codec: PositionCodec) -> types.Position:
    """A code-point position → the client's units. Positions past the end clamp to the end of the text,
    negative ones to its start."""
    if pos.line < 0:
        return types.Position(line=0, character=0)
    if pos.line >= len(lines):
        if not lines:
            return types.Position(line=0, character=0)
        last = lines[-1]
        if last.endswith(("\n", "\r")):
            return types.Position(line=len(lines), character=0)
        return types.Position(line=len(lines) - 1, character=codec.client_num_units(last))
    text = lines[pos.line].rstrip("\r\n")
    column = min(max(pos.character, 0), len(text))
    return types.Position(line=pos.line, character=codec.client_num_units(text[:column]))


def to_client_range(lines: Sequence[str], span: Span, codec: PositionCodec) -> types.Range:
    return types.Range(
        start=to_client_position(lines, span.start, codec), end=to_client_position(lines, span.end, codec)
    )


def column_from_units(text: str, units: int, codec: PositionCodec) -> int:
    """The code-point column of `units` client units into `text`, clamped to its end.

    A column inside a surrogate pair (or a UTF-8 sequence) rounds up to the character's end.
    """
    if units <= 0:
        return 0
    kind = codec.encoding or types.PositionEncodingKind.Utf16
    encoding = kind.value if isinstance(kind, types.PositionEncodingKind) else str(kind)
    if encoding == types.PositionEncodingKind.Utf32.value or text.isascii():
        return min(units, len(text))
    wide = encoding == types.PositionEncodingKind.Utf8.value
    count = 0
    for index, ch in enumerate(text):
        if count >= units:
            return index
        point = ord(ch)
        if wide:
            count += 1 if point < 0x80 else 2 if point < 0x800 else 3 if point < 0x10000 else 4
        else:
            count += 2 if point > 0xFFFF else 1
    return len(text)


def from_client_position(lines: Sequence[str], pos: types.Position, codec: PositionCodec) -> Position:
    """A client position → code points. Past the end of a line means its end (LSP says so); past the last
    line means the end of the text."""
    if pos.line >= len(lines):
        if not lines:
            return Position(0, 0)
        last = lines[-1]
        if last.endswith(("\n", "\r")):
            return Position(len(lines), 0)
        return Position(len(lines) - 1, len(last))
    text = lines[pos.line].rstrip("\r\n")
    return Position(pos.line, column_from_units(text, pos.character, codec))


def span_contains(span: Span, pos: Position) -> bool:
    """Whether `pos` is on the span, its end included (a cursor right after the closing quote counts)."""
    return span.start <= pos <= span.end


def severity_of(finding: Finding, overrides: Mapping[Code, Severity]) -> types.DiagnosticSeverity:
    return _SEVERITY[overrides.get(finding.code, finding.severity)]


def fix_to_data(fix: Fix) -> FixData:
    """A fix in code points; code actions convert it to client units."""
    return FixData(
        title=fix.message,
        primary=fix.primary,
        edits=tuple(
            EditData(
                start=(e.span.start.line, e.span.start.character),
                end=(e.span.end.line, e.span.end.character),
                text=e.new_text,
            )
            for e in fix.edits
        ),
    )


def to_diagnostic(
    finding: Finding,
    lines: Sequence[str],
    codec: PositionCodec,
    *,
    uri: str,
    version: int | None,
    overrides: Mapping[Code, Severity],
) -> types.Diagnostic:
    """One finding as an LSP diagnostic; `data` carries its fixes and the document version they are for."""
    related: list[types.DiagnosticRelatedInformation] = []
    for rel in finding.related:
        same = rel.path == finding.path
        rel_uri = uri if same else path_uri(rel.path)
        rng = (
            to_client_range(lines, rel.span, codec)
            if same
            else types.Range(
                start=types.Position(line=rel.span.start.line, character=rel.span.start.character),
                end=types.Position(line=rel.span.end.line, character=rel.span.end.character),
            )
        )
        related.append(
            types.DiagnosticRelatedInformation(
                location=types.Location(uri=rel_uri, range=rng), message=rel.message
            )
        )
    model = finding.model
    # Never a link to a file that does not exist (a relative path that was not found, a deleted model).
    if (
        model
        and os.path.isabs(model)
        and os.path.isfile(model)
        and not any(r.path == model for r in finding.related)
    ):
        zero = types.Range(start=types.Position(line=0, character=0), end=types.Position(line=0, character=0))
        related.append(
            types.DiagnosticRelatedInformation(
                location=types.Location(uri=path_uri(model), range=zero),
                message="the model this was checked against",
            )
        )

    tags: list[types.DiagnosticTag] | None = None
    if finding.code is Code.STALE_NAME:
        # The name is obsolete after the rewrite: editors strike it through.
        tags = [types.DiagnosticTag.Deprecated]

    data = DiagnosticData(
        layout=DATA_LAYOUT,
        version=version,
        code=finding.code.value,
        line=finding.span.start.line,
        fixes=tuple(fix_to_data(f) for f in finding.fixes),
    )
    return types.Diagnostic(
        range=to_client_range(lines, finding.span, codec),
        message=finding.message,
        severity=severity_of(finding, overrides),
        code=finding.code.value,
        code_description=types.CodeDescription(href=code_url(finding.code)),
        source=SOURCE,
        related_information=related or None,
        tags=tags,
        data=unstructure(data),
    )


def edits_from_data(fix: FixData, lines: Sequence[str], codec: PositionCodec) -> list[types.TextEdit]:
    """A fix's edits in the client's units, against the lines of the text the fix is for."""
    return [
        types.TextEdit(
            range=to_client_range(lines, Span(Position(*e.start), Position(*e.end)), codec), new_text=e.text
        )
        for e in fix.edits
    ]
