"""textDocument/completion: the model's tensor and op names inside the name strings the script uses.

The engine (`amct_lsp.check.completion`) finds the string and its role and ranks the names; this module
only translates: ranks to `sortText`, the op type to `detail`, the chain to `documentation`, stale names to
the Deprecated tag, the string's characters to the edit's range. Typing a quote or `/` triggers it.
"""

from __future__ import annotations

import asyncio
from functools import partial
from typing import TYPE_CHECKING

from lsprotocol import types
from pygls.capabilities import get_capability

from amct_lsp.lsp import convert
from amct_lsp.lsp.analysis import parses
from amct_lsp.lsp.handlers import Route
from amct_lsp.lsp.plaintext import markdown_to_plain
from amct_lsp.text import Position, Span

if TYPE_CHECKING:
    from amct_lsp.check.completion import Candidate, Completions
    from amct_lsp.lsp.server import AmctLanguageServer

TRIGGERS = ["'", '"', "/"]


async def completion(ls: AmctLanguageServer, params: types.CompletionParams) -> types.CompletionList | None:
    uri = params.text_document.uri
    if not ls.settings_for(uri).enable:
        return None
    analysis = await ls.analyzer.current(uri)
    if analysis is None or analysis.result is None:
        return None
    model, model_source = analysis.result, None
    if model.prediction is None and not parses(analysis):
        good = ls.analyzer.last_good(uri)  # mid-edit: the model of the last text that parsed
        if good is not None and good.result is not None:
            model, model_source = good.result, good.snapshot.source
    pos = convert.from_client_position(analysis.lines, params.position, ls.codec)
    from amct_lsp.check.completion import complete
    from amct_lsp.script import analyze

    path = analysis.snapshot.path
    found = await asyncio.to_thread(
        complete,
        analysis.snapshot.source,
        pos,
        analysis.result,
        model,
        ls.cache,
        partial(analyze, path=path),
        model_source=model_source,
    )
    if found is None:
        return None
    return types.CompletionList(is_incomplete=found.incomplete, items=items(ls, found, analysis.lines, pos))


def items(
    ls: AmctLanguageServer, found: Completions, lines: list[str], pos: Position
) -> list[types.CompletionItem]:
    """The LSP items, in the engine's order (which `sortText` keeps)."""
    from amct_lsp.render.completion import item_documentation, item_note

    caps = ls.client_capabilities
    replace_ok = get_capability(
        caps, "text_document.completion.completion_item.insert_replace_support", False
    )
    tags = get_capability(caps, "text_document.completion.completion_item.tag_support", None)
    tag_ok = tags is not None and types.CompletionItemTag.Deprecated in (tags.value_set or [])
    formats = get_capability(caps, "text_document.completion.completion_item.documentation_format", None)
    markdown = not formats or types.MarkupKind.Markdown in formats
    slot = found.slot
    insert = convert.to_client_range(lines, Span(slot.start, pos), ls.codec)
    replace = convert.to_client_range(lines, Span(slot.start, slot.end), ls.codec)
    out: list[types.CompletionItem] = []
    preselected = False
    for index, item in enumerate(found.items):
        text = found.insert_text(item)
        edit: types.TextEdit | types.InsertReplaceEdit
        if replace_ok:
            edit = types.InsertReplaceEdit(new_text=text, insert=insert, replace=replace)
        else:
            edit = types.TextEdit(range=replace, new_text=text)
        doc = item_documentation(item)
        documentation = None
        if doc is not None:
            kind = types.MarkupKind.Markdown if markdown else types.MarkupKind.PlainText
            documentation = types.MarkupContent(kind=kind, value=doc if markdown else markdown_to_plain(doc))
        note = item_note(item)
        preselect = not preselected and item.tier == 0
        preselected = preselected or preselect
        out.append(
            types.CompletionItem(
                label=item.name,
                label_details=types.CompletionItemLabelDetails(description=note) if note else None,
                kind=types.CompletionItemKind.Operator if slot.want_ops else types.CompletionItemKind.Value,
                detail=item.op,
                documentation=documentation,
                sort_text=sort_text(item, index),
                filter_text=(item.replaces or item.name)[len(slot.before) :],
                text_edit=edit,
                tags=[types.CompletionItemTag.Deprecated] if item.stale and tag_ok else None,
                deprecated=True if item.stale and not tag_ok else None,
                preselect=True if preselect else None,
            )
        )
    return out


def sort_text(item: Candidate, index: int) -> str:
    """The engine's order as text: tier, match quality, then position (so clients keep it)."""
    return f"{int(item.tier)}{item.quality}{index:05d}"


def _fallback(params: types.CompletionParams) -> None:
    return None


ROUTES = (
    Route(
        types.TEXT_DOCUMENT_COMPLETION,
        completion,
        _fallback,
        options=types.CompletionOptions(trigger_characters=TRIGGERS, resolve_provider=False),
    ),
)
