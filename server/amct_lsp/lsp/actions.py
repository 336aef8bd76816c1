"""Code actions: each finding's fixes, an ignore comment, and fix-all — all stateless (ruff's way).

A diagnostic carries its fixes in `data` together with the document version they were computed for; an action
is only built when that version is the document's current one, so an edit computed for older text is never
offered. Edits are converted to the client's position encoding from the current text when the action is built
(or resolved).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from lsprotocol import types
from pygls.workspace.position_codec import PositionCodec

from amct_lsp.check.findings import Finding, Position, Span
from amct_lsp.lsp.convert import DATA_LAYOUT, SOURCE, edits_from_data, fix_to_data, to_client_range

FIX_ALL_KIND = f"{types.CodeActionKind.SourceFixAll.value}.amct"
QUICKFIX_KIND = types.CodeActionKind.QuickFix.value


def wants(only: Sequence[str] | None, kind: str) -> bool:
    """Whether the client asked for actions of `kind` (`only` holds kinds or their parents)."""
    if not only:
        return True
    return any(kind == k or kind.startswith(f"{k}.") for k in only)


def workspace_edit(
    uri: str, version: int | None, edits: list[types.TextEdit], *, document_changes: bool = True
) -> types.WorkspaceEdit:
    """A versioned `documentChanges` edit (or plain `changes` for clients without documentChanges support)."""
    if document_changes:
        doc = types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version)
        return types.WorkspaceEdit(
            document_changes=[types.TextDocumentEdit(text_document=doc, edits=list(edits))]
        )
    return types.WorkspaceEdit(changes={uri: list(edits)})


def ignore_edit(lines: Sequence[str], line: int, code: str, codec: PositionCodec) -> types.TextEdit | None:
    """Append `# amct: ignore[CODE]` to `line`, or add CODE to an ignore comment already there."""
    # The comment the engine's directives reader honours; imported here, as the engine is loaded by now.
    from amct_lsp.script.directives import IGNORE_RE

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
        new = ", ".join([*listed, code])
        span = Span(Position(line, match.start("codes")), Position(line, match.end("codes")))
        return types.TextEdit(range=to_client_range(lines, span, codec), new_text=new)
    end = Position(line, len(text))
    stripped = text.rstrip()
    sep = "" if not stripped else "  "
    start = Position(line, len(stripped))
    return types.TextEdit(
        range=to_client_range(lines, Span(start, end), codec), new_text=f"{sep}# amct: ignore[{code}]"
    )


def _data(diag: types.Diagnostic) -> Mapping[str, Any] | None:
    data = diag.data
    if diag.source != SOURCE or not isinstance(data, Mapping) or data.get("layout") != DATA_LAYOUT:
        return None
    return data


def quick_fixes(
    uri: str,
    version: int | None,
    lines: Sequence[str],
    codec: PositionCodec,
    diagnostics: Iterable[types.Diagnostic],
    *,
    lazy: bool,
    document_changes: bool,
) -> list[types.CodeAction]:
    """The fixes and the ignore action of each diagnostic that was computed for the current `version`."""
    actions: list[types.CodeAction] = []
    for diag in diagnostics:
        data = _data(diag)
        if data is None or data.get("version") != version:
            continue
        fixes = data.get("fixes")
        for fix in fixes if isinstance(fixes, list) else []:
            if not isinstance(fix, Mapping):
                continue
            action = types.CodeAction(
                title=str(fix.get("title", "Apply amct fix")),
                kind=QUICKFIX_KIND,
                diagnostics=[diag],
                is_preferred=bool(fix.get("primary", False)),
            )
            if lazy:
                action.data = {"kind": "fix", "uri": uri, "version": version, "fix": dict(fix)}
            else:
                edits = edits_from_data(fix, lines, codec)
                if not edits:
                    continue
                action.edit = workspace_edit(uri, version, edits, document_changes=document_changes)
            actions.append(action)
        code, line = data.get("code"), data.get("line")
        if isinstance(code, str) and isinstance(line, int):
            edit = ignore_edit(lines, line, code, codec)
            if edit is None:
                continue
            action = types.CodeAction(
                title=f"Ignore {code} on this line", kind=QUICKFIX_KIND, diagnostics=[diag]
            )
            if lazy:
                action.data = {"kind": "ignore", "uri": uri, "version": version, "code": code, "line": line}
            else:
                action.edit = workspace_edit(uri, version, [edit], document_changes=document_changes)
            actions.append(action)
    return actions


def fix_all_edits(
    findings: Iterable[Finding], lines: Sequence[str], codec: PositionCodec
) -> list[types.TextEdit]:
    """The primary fix of every finding, chosen as `amct-lsp check --fix` chooses them (`primary_edits`:
    no duplicates, and a fix overlapping an earlier one is left out whole), in the client's units."""
    from amct_lsp.check.edits import primary_edits  # the engine is loaded once there are findings

    chosen = sorted(primary_edits(findings), key=lambda edit: (edit.span.start, edit.span.end))
    return [types.TextEdit(range=to_client_range(lines, e.span, codec), new_text=e.new_text) for e in chosen]


def resolve_edit(
    data: Mapping[str, Any], lines: Sequence[str], codec: PositionCodec
) -> list[types.TextEdit] | None:
    """The edits of a lazily built action, from its `data` (see `quick_fixes`)."""
    if data.get("kind") == "fix" and isinstance(data.get("fix"), Mapping):
        return edits_from_data(data["fix"], lines, codec)
    if (
        data.get("kind") == "ignore"
        and isinstance(data.get("line"), int)
        and isinstance(data.get("code"), str)
    ):
        edit = ignore_edit(lines, data["line"], data["code"], codec)
        return [edit] if edit else None
    return None


__all__ = [
    "FIX_ALL_KIND",
    "fix_all_edits",
    "fix_to_data",
    "ignore_edit",
    "quick_fixes",
    "resolve_edit",
    "wants",
    "workspace_edit",
]
