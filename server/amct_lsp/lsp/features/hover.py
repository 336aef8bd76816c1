"""textDocument/hover: the rename chain of the name string (or the model path) under the cursor."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from amct_lsp.lsp import convert
from amct_lsp.lsp import hover as markdown
from amct_lsp.lsp.handlers import Route

if TYPE_CHECKING:
    from amct_lsp.lsp.server import AmctLanguageServer


async def hover(ls: AmctLanguageServer, params: types.HoverParams) -> types.Hover | None:
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
    return types.Hover(
        contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text),
        range=convert.to_client_range(analysis.lines, span, ls.codec),
    )


ROUTES = (Route(types.TEXT_DOCUMENT_HOVER, hover),)
