"""Code actions in notebook cells: a diagnostic's fixes (in script positions, for the notebook's version)
become edits of the cells they fall in (lsp/notebooks.py), each cell at its own version; a fix that spans
cells (the calib_outputs route: the quantize_model call in one cell, the run in another) edits all of them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from amct_lsp.lsp.actions import FIX_ALL_KIND, QUICKFIX_KIND, wants
from amct_lsp.lsp.convert import SOURCE
from amct_lsp.lsp.payloads import FixData, read_data
from amct_lsp.text import Position, Span, TextEdit

if TYPE_CHECKING:
    from amct_lsp.lsp.server import AmctLanguageServer


def fix_edits(fix: FixData) -> list[TextEdit]:
    """A fix's edits as the engine's (script positions in code points)."""
    return [TextEdit(Span(Position(*e.start), Position(*e.end)), e.text) for e in fix.edits]


async def cell_code_actions(
    ls: AmctLanguageServer, params: types.CodeActionParams, *, document_changes: bool
) -> list[types.CodeAction]:
    uri = params.text_document.uri
    view = ls.notebooks.of_cell(uri)
    if view is None or not ls.settings_for(view.uri).enable:
        return []
    only = [str(k) for k in params.context.only] if params.context.only else None
    out: list[types.CodeAction] = []
    if wants(only, QUICKFIX_KIND):
        for diag in params.context.diagnostics:
            data = read_data(diag.data) if diag.source == SOURCE else None
            if data is None or data.version != view.version:
                continue  # computed for another version of the notebook
            for fix in data.fixes:
                edit = view.workspace_edit(fix_edits(fix), ls.codec, document_changes=document_changes)
                if edit is not None:
                    out.append(
                        types.CodeAction(
                            title=fix.title,
                            kind=QUICKFIX_KIND,
                            diagnostics=[diag],
                            is_preferred=fix.primary,
                            edit=edit,
                        )
                    )
    if wants(only, FIX_ALL_KIND):
        from amct_lsp.lsp.features.code_actions import FIX_ALL_TITLE

        edit = await notebook_fix_all(ls, uri, document_changes=document_changes)
        now = ls.notebooks.of_cell(uri)
        if edit is not None and now is not None and now.version == view.version:
            out.append(types.CodeAction(title=FIX_ALL_TITLE, kind=FIX_ALL_KIND, edit=edit))
    return out


async def notebook_fix_all(
    ls: AmctLanguageServer, uri: str, *, document_changes: bool
) -> types.WorkspaceEdit | None:
    """Every primary fix of the notebook (given by its URI or a cell's), as `check --fix` picks them."""
    view = ls.notebooks.of_cell(uri) or ls.notebooks.view(uri)
    if view is None or not ls.settings_for(view.uri).enable:
        return None
    analysis = await ls.analyzer.current(view.uri)
    now = ls.notebooks.view(view.uri)
    if analysis is None or analysis.result is None or now is None or now.version != analysis.version:
        return None
    from amct_lsp.check.edits import primary_edits

    edits = primary_edits(analysis.result.findings)
    return now.workspace_edit(edits, ls.codec, document_changes=document_changes)


__all__ = ["cell_code_actions", "fix_edits", "notebook_fix_all"]
