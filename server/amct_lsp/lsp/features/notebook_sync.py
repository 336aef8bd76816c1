"""notebookDocument/didOpen, didChange, didSave, didClose (LSP 3.17): pygls has updated the notebook and
its cells; the notebook's Python cells are checked together, as one script, under the notebook's URI."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from amct_lsp.lsp.handlers import Route

if TYPE_CHECKING:
    from amct_lsp.lsp.server import AmctLanguageServer


def did_open(ls: AmctLanguageServer, params: types.DidOpenNotebookDocumentParams) -> None:
    uri = params.notebook_document.uri
    ls.notebooks.changed(uri)
    if not ls.enabled_for(uri) and ls.settings_known:
        return
    ls.analyzer.invalidate(uri)
    ls.analyzer.schedule(uri, 0)


def did_change(ls: AmctLanguageServer, params: types.DidChangeNotebookDocumentParams) -> None:
    uri = params.notebook_document.uri
    ls.notebooks.changed(uri)  # a new version even when only a cell's text changed
    if not ls.enabled_for(uri) and ls.settings_known:
        return
    ls.analyzer.schedule(uri, ls.debounce)


def did_save(ls: AmctLanguageServer, params: types.DidSaveNotebookDocumentParams) -> None:
    """Saving changes no text, but the notebook's folder may have gained the model or AMCT's log since
    (the run that wrote them): check again."""
    uri = params.notebook_document.uri
    if ls.notebooks.view(uri) is None or not ls.enabled_for(uri):
        return
    ls.analyzer.invalidate(uri)
    ls.analyzer.schedule(uri, 0)


def did_close(ls: AmctLanguageServer, params: types.DidCloseNotebookDocumentParams) -> None:
    uri = params.notebook_document.uri
    ls.forget_document(uri)
    ls.notebooks.closed(uri, [cell.uri for cell in params.cell_text_documents])


ROUTES = (
    Route(types.NOTEBOOK_DOCUMENT_DID_OPEN, did_open),
    Route(types.NOTEBOOK_DOCUMENT_DID_CHANGE, did_change),
    Route(types.NOTEBOOK_DOCUMENT_DID_SAVE, did_save),
    Route(types.NOTEBOOK_DOCUMENT_DID_CLOSE, did_close),
)
