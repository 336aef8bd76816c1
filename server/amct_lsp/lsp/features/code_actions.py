"""textDocument/codeAction and codeAction/resolve: each diagnostic's fixes, the ignore comment, fix-all."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from lsprotocol import types
from pygls.capabilities import get_capability

from amct_lsp.lsp import actions, cell_actions
from amct_lsp.lsp.handlers import Route
from amct_lsp.lsp.model_action import PICK_MODEL_CAPABILITY, pick_model_actions
from amct_lsp.text import lines_with_ends

if TYPE_CHECKING:
    from amct_lsp.lsp.server import AmctLanguageServer

FIX_ALL_TITLE = "amct: fix all stale output names"


def document_changes(ls: AmctLanguageServer) -> bool:
    return bool(get_capability(ls.client_capabilities, "workspace.workspace_edit.document_changes", False))


def _lazy_edits(ls: AmctLanguageServer) -> bool:
    props = get_capability(ls.client_capabilities, "text_document.code_action.resolve_support.properties", [])
    return "edit" in (props or [])


def _client_picks_models(ls: AmctLanguageServer) -> bool:
    experimental = getattr(ls.client_capabilities, "experimental", None)
    return isinstance(experimental, Mapping) and bool(experimental.get(PICK_MODEL_CAPABILITY))


async def fix_all_edit(ls: AmctLanguageServer, uri: str) -> types.WorkspaceEdit | None:
    """Every primary fix of the document's current version, as one versioned edit; None when there is none
    (or amct is disabled). For a notebook or one of its cells: the notebook's fixes, in its cells."""
    if ls.notebooks.is_cell(uri) or ls.notebooks.view(uri) is not None:
        return await cell_actions.notebook_fix_all(ls, uri, document_changes=document_changes(ls))
    if not ls.settings_for(uri).enable:
        return None
    analysis = await ls.analyzer.current(uri)
    if analysis is None or analysis.result is None:
        return None
    edits = actions.fix_all_edits(analysis.result.findings, analysis.lines, ls.codec)
    if not edits:
        return None
    return actions.workspace_edit(uri, analysis.version, edits, document_changes=document_changes(ls))


async def code_action(ls: AmctLanguageServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    uri = params.text_document.uri
    if ls.notebooks.is_cell(uri):
        return await cell_actions.cell_code_actions(ls, params, document_changes=document_changes(ls))
    if not ls.settings_for(uri).enable:
        return []
    snap = ls.snapshot(uri)
    if snap is None:
        return []
    only = [str(k) for k in params.context.only] if params.context.only else None
    out: list[types.CodeAction] = []
    if actions.wants(only, actions.QUICKFIX_KIND):
        out += actions.quick_fixes(
            uri,
            snap.version,
            lines_with_ends(snap.source),
            ls.codec,
            params.context.diagnostics,
            lazy=_lazy_edits(ls),
            document_changes=document_changes(ls),
        )
        if _client_picks_models(ls):
            out += pick_model_actions(uri, lines_with_ends(snap.source), params.context.diagnostics)
    if actions.wants(only, actions.FIX_ALL_KIND):
        edit = await fix_all_edit(ls, uri)
        if edit is not None and (now := ls.snapshot(uri)) is not None and now.version == snap.version:
            out.append(types.CodeAction(title=FIX_ALL_TITLE, kind=actions.FIX_ALL_KIND, edit=edit))
    return out


async def resolve(ls: AmctLanguageServer, action: types.CodeAction) -> types.CodeAction:
    """The action with its edit filled in; on any failure the action as it came (resolve must return one)."""
    data = action.data
    if not isinstance(data, Mapping) or not isinstance(data.get("uri"), str):
        return action
    snap = ls.snapshot(data["uri"])
    if snap is None or snap.version != data.get("version"):
        ls.log_message(f"not resolving {action.title!r}: the document changed since it was offered")
        return action
    edits = actions.resolve_edit(data, lines_with_ends(snap.source), ls.codec)
    if edits:
        action.edit = actions.workspace_edit(
            snap.uri, snap.version, edits, document_changes=document_changes(ls)
        )
    return action


def _no_actions(params: Any) -> list[types.CodeAction]:
    return []


def _as_it_came(action: Any) -> Any:
    return action


ROUTES = (
    Route(
        types.TEXT_DOCUMENT_CODE_ACTION,
        code_action,
        fallback=_no_actions,
        options=types.CodeActionOptions(
            code_action_kinds=[types.CodeActionKind.QuickFix, actions.FIX_ALL_KIND], resolve_provider=True
        ),
    ),
    Route(types.CODE_ACTION_RESOLVE, resolve, fallback=_as_it_came),
)
