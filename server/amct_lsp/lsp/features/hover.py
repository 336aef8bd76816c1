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
    kind = hover_kind(ls)
    if kind is types.MarkupKind.PlainText:
        text = markdown_to_plain(text)
    return types.Hover(
        contents=types.MarkupContent(kind=kind, value=text),
        range=convert.to_client_range(analysis.lines, span, ls.codec),
    )


ROUTES = (Route(types.TEXT_DOCUMENT_HOVER, hover),)
