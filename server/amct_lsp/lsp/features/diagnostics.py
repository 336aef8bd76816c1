"""textDocument/diagnostic: pull diagnostics (pushed ones go out from `AmctLanguageServer.publish`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lsprotocol import types

from amct_lsp.lsp.handlers import Route

if TYPE_CHECKING:
    from amct_lsp.lsp.server import AmctLanguageServer


async def pull(
    ls: AmctLanguageServer, params: types.DocumentDiagnosticParams
) -> types.DocumentDiagnosticReport:
    uri = params.text_document.uri
    if ls.notebooks.is_cell(uri):
        # A notebook's cells get their diagnostics pushed (lsp/notebooks.py); answering here as well would
        # show each one twice in a client that keeps pulled and pushed diagnostics apart.
        return types.RelatedFullDocumentDiagnosticReport(items=[])
    await ls.wait_settings()
    settings = ls.settings_for(uri)
    if not settings.enable:
        return types.RelatedFullDocumentDiagnosticReport(items=[], result_id=f"off:{id(settings)}")
    analysis = await ls.analyzer.current(uri)
    if analysis is None:
        return types.RelatedFullDocumentDiagnosticReport(items=[])
    ls.after_analysis(analysis)
    ls.send_status(analysis)
    result_id = f"{analysis.serial}:{int(settings.enable)}:{id(settings)}"
    if params.previous_result_id == result_id:
        return types.RelatedUnchangedDocumentDiagnosticReport(result_id=result_id)
    return types.RelatedFullDocumentDiagnosticReport(items=ls.diagnostics_of(analysis), result_id=result_id)


def _empty(params: Any) -> types.RelatedFullDocumentDiagnosticReport:
    return types.RelatedFullDocumentDiagnosticReport(items=[])


ROUTES = (
    Route(
        types.TEXT_DOCUMENT_DIAGNOSTIC,
        pull,
        fallback=_empty,
        options=types.DiagnosticOptions(
            identifier="amct", inter_file_dependencies=True, workspace_diagnostics=False
        ),
    ),
)
