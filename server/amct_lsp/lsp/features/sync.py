"""didOpen, didChange, didClose: pygls has updated its copy of the document; schedule (or drop) a check."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from amct_lsp.lsp.handlers import Route

if TYPE_CHECKING:
    from amct_lsp.lsp.server import AmctLanguageServer


def did_open(ls: AmctLanguageServer, params: types.DidOpenTextDocumentParams) -> None:
    uri = params.text_document.uri
    if ls.snapshot(uri) is None:
        return  # not Python: not ours to check
    if not ls.enabled_for(uri) and ls.settings_known:
        return  # switched off: don't spend a check (turning it on re-checks every open document)
    ls.analyzer.invalidate(uri)
    ls.analyzer.schedule(uri, 0)


def did_change(ls: AmctLanguageServer, params: types.DidChangeTextDocumentParams) -> None:
    uri = params.text_document.uri
    if ls.snapshot(uri) is None:
        return
    if not ls.enabled_for(uri) and ls.settings_known:
        return
    ls.analyzer.schedule(uri, ls.debounce)


def did_close(ls: AmctLanguageServer, params: types.DidCloseTextDocumentParams) -> None:
    uri = params.text_document.uri
    ls.forget_document(uri)
    if not ls.pull_diagnostics:
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))


ROUTES = (
    Route(types.TEXT_DOCUMENT_DID_OPEN, did_open),
    Route(types.TEXT_DOCUMENT_DID_CHANGE, did_change),
    Route(types.TEXT_DOCUMENT_DID_CLOSE, did_close),
)
