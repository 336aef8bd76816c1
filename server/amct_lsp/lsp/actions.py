"""Code actions: each finding's fixes (the engine's, the ignore comment among them) and fix-all — all
stateless (ruff's way).

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

from amct_lsp.check.findings import Finding
from amct_lsp.lsp.convert import SOURCE, edits_from_data, fix_to_data, to_client_range
from amct_lsp.lsp.payloads import DiagnosticData, read_data, read_fix, unstructure

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


def _data(diag: types.Diagnostic) -> DiagnosticData | None:
    return read_data(diag.data) if diag.source == SOURCE else None


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
    """The fixes of each diagnostic that was computed for the current `version`, primary first."""
    actions: list[types.CodeAction] = []
    for diag in diagnostics:
        data = _data(diag)
        if data is None or data.version != version:
            continue
        for fix in data.fixes:
            action = types.CodeAction(
                title=fix.title, kind=QUICKFIX_KIND, diagnostics=[diag], is_preferred=fix.primary
            )
            if lazy:
                action.data = {"kind": "fix", "uri": uri, "version": version, "fix": unstructure(fix)}
            else:
                edits = edits_from_data(fix, lines, codec)
                if not edits:
                    continue
                action.edit = workspace_edit(uri, version, edits, document_changes=document_changes)
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
    fix = read_fix(data.get("fix")) if data.get("kind") == "fix" else None
    return edits_from_data(fix, lines, codec) if fix is not None else None


__all__ = [
    "FIX_ALL_KIND",
    "fix_all_edits",
    "fix_to_data",
    "quick_fixes",
    "resolve_edit",
    "wants",
    "workspace_edit",
]
