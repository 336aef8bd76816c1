"""textDocument/codeLens: above each `quantize_model` / `quantize_model_ascend` call, "renames N outputs"
(its click shows the renames: `amct-lsp.showRenames`) and "Explain" (the model report).

"Explain" runs the VS Code extension's `amct.explainModel` for a client that announces it
(`experimental.amctExplainModel`: the extension shows the report), else the server's own
`amct-lsp.explainModel`, which returns the Markdown report to any client. In a notebook cell the lenses
are the notebook's whose call is in that cell; both commands take the cell's URI (its notebook's model).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from amct_lsp.lsp import convert
from amct_lsp.lsp.analysis import parses
from amct_lsp.lsp.features.commands import CMD_EXPLAIN, uri_arg
from amct_lsp.lsp.handlers import Route
from amct_lsp.lsp.lenses import lenses_for, renames_text

if TYPE_CHECKING:
    from amct_lsp.lsp.server import AmctLanguageServer

CMD_SHOW_RENAMES = "amct-lsp.showRenames"
#: The client capability (`experimental`) saying the client has its own `amct.explainModel` command.
EXPLAIN_CAPABILITY = "amctExplainModel"
CLIENT_EXPLAIN = "amct.explainModel"
EXPLAIN_TITLE = "Explain"
QUANTIZE_APIS = ("quantize_model", "quantize_model_ascend")


def explain_command(ls: AmctLanguageServer) -> str:
    experimental = getattr(ls.client_capabilities, "experimental", None)
    if isinstance(experimental, Mapping) and experimental.get(EXPLAIN_CAPABILITY):
        return CLIENT_EXPLAIN
    return CMD_EXPLAIN


async def code_lens(ls: AmctLanguageServer, params: types.CodeLensParams) -> list[types.CodeLens]:
    uri = params.text_document.uri
    view = ls.notebooks.of_cell(uri)
    # A cell's lenses are its notebook's whose call is in this cell, at cell positions.
    analysis = await ls.analyzer.current(view.uri if view is not None else uri)  # waits for the settings
    if analysis is None:
        return []
    owner = analysis.snapshot.uri
    settings = ls.settings_for(owner)
    if view is not None:
        view = ls.notebooks.of_cell(uri)  # as it is now, the version the analysis is of
        if view is None or view.version != analysis.version:
            return []
    explain = explain_command(ls)
    out = []
    for lens in lenses_for(analysis, ls.analyzer.last_good(owner), settings):
        if view is None:
            rng = convert.to_client_range(analysis.lines, lens.span, ls.codec)
        else:
            place = view.cell_range(lens.span, ls.codec)
            if place is None or place[0] != uri:
                continue
            rng = place[1]
        count = types.Command(title=lens.title, command=CMD_SHOW_RENAMES, arguments=[uri, lens.api])
        out.append(types.CodeLens(range=rng, command=count))
        explain_lens = types.Command(title=EXPLAIN_TITLE, command=explain, arguments=[uri])
        out.append(types.CodeLens(range=rng, command=explain_lens))
    return out


async def show_renames(ls: AmctLanguageServer, args: tuple[Any, ...]) -> str:
    """Show (window/showMessage) and return what the document's quantize call renames."""
    uri = uri_arg(args)
    api = args[1] if len(args) > 1 and args[1] in QUANTIZE_APIS else QUANTIZE_APIS[0]
    view = ls.notebooks.of_cell(uri)
    uri = view.uri if view is not None else uri  # a cell's call is its notebook's
    analysis = await ls.analyzer.current(uri)
    if analysis is None or analysis.result is None:
        return ""
    good = ls.analyzer.last_good(uri)
    # Mid-edit (the text does not parse) the lens stands for the last text that did: so does its message.
    result = analysis.result if parses(analysis) or good is None or good.result is None else good.result
    text = renames_text(result, api)
    ls.window_show_message(types.ShowMessageParams(type=types.MessageType.Info, message=text))
    return text


def _no_lenses(params: Any) -> list[types.CodeLens]:
    return []


ROUTES = (
    Route(
        types.TEXT_DOCUMENT_CODE_LENS,
        code_lens,
        fallback=_no_lenses,
        options=types.CodeLensOptions(resolve_provider=False),
    ),
    Route(CMD_SHOW_RENAMES, show_renames, fallback=lambda args: "", command=True),
)
