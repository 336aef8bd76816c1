"""textDocument/hover: the rename chain of the name string (or the model path) under the cursor."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types
from pygls.capabilities import get_capability

from amct_lsp.lsp import convert
from amct_lsp.lsp import hover as markdown
from amct_lsp.lsp.handlers import Route
from amct_lsp.lsp.plaintext import markdown_to_plain

if TYPE_CHECKING:
    from amct_lsp.lsp.server import AmctLanguageServer


def hover_kind(ls: AmctLanguageServer) -> types.MarkupKind:
    """Markdown unless the client's hover `contentFormat` lists formats without it (LSP: in order of
    preference; a client that says nothing gets Markdown)."""
    formats = get_capability(ls.client_capabilities, "text_document.hover.content_format", None)
    if formats and types.MarkupKind.Markdown not in formats:
        return types.MarkupKind.PlainText
    return types.MarkupKind.Markdown


async def hover(ls: AmctLanguageServer, params: types.HoverParams) -> types.Hover | None:
    if ls.notebooks.is_cell(params.text_document.uri):
        return await cell_hover(ls, params)
    if not ls.settings_for(params.text_document.uri).enable:
        return None
    analysis = await ls.analyzer.current(params.text_document.uri)
    if analysis is None or analysis.result is None:
        return None
    pos = convert.from_client_position(analysis.lines, params.position, ls.codec)
    found = markdown.hover_at(analysis.result, pos)
    if found is None:
        return None
    text, span = found
    return _hover(ls, text, convert.to_client_range(analysis.lines, span, ls.codec))


async def cell_hover(ls: AmctLanguageServer, params: types.HoverParams) -> types.Hover | None:
    """A hover in a notebook cell: the notebook's analysis, positions through its cell ↔ script map."""
    uri = params.text_document.uri
    view = ls.notebooks.of_cell(uri)
    if view is None or not ls.settings_for(view.uri).enable:
        return None
    current = await ls.notebooks.cell_analysis(uri)
    if current is None:
        return None
    view, analysis = current
    if analysis.result is None:
        return None
    pos = view.script_position(uri, params.position, ls.codec)
    found = markdown.hover_at(analysis.result, pos) if pos is not None else None
    place = view.cell_range(found[1], ls.codec) if found is not None else None
    if found is None or place is None or place[0] != uri:
        return None
    return _hover(ls, found[0], place[1])


def _hover(ls: AmctLanguageServer, text: str, rng: types.Range) -> types.Hover:
    kind = hover_kind(ls)
    if kind is types.MarkupKind.PlainText:
        text = markdown_to_plain(text)
    return types.Hover(contents=types.MarkupContent(kind=kind, value=text), range=rng)


ROUTES = (Route(types.TEXT_DOCUMENT_HOVER, hover),)
