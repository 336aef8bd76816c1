"""textDocument/completion: the model's tensor and op names inside the name strings the script uses.

The engine (`amct_lsp.check.completion`) finds the string and its role and ranks the names; this module
only translates: ranks to `sortText`, the op type to `detail`, the chain to `documentation`, stale names to
the Deprecated tag, the string's characters to the edit's range. Typing a quote or `/` triggers it. In a
notebook cell the engine completes in the notebook's joined cells (a string being typed is repaired there)
and the ranges are mapped back to the cell (lsp/notebooks.py).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING

from lsprotocol import types
from pygls.capabilities import get_capability

from amct_lsp.lsp import convert
from amct_lsp.lsp.analysis import Analysis, parses
from amct_lsp.lsp.handlers import Route
from amct_lsp.lsp.plaintext import markdown_to_plain
from amct_lsp.text import Position, Span

if TYPE_CHECKING:
    from amct_lsp.check.completion import Candidate, Completions
    from amct_lsp.lsp.server import AmctLanguageServer
    from amct_lsp.script.facts import ScriptAnalysis

TRIGGERS = ["'", '"', "/"]


async def completion(ls: AmctLanguageServer, params: types.CompletionParams) -> types.CompletionList | None:
    uri = params.text_document.uri
    if ls.notebooks.is_cell(uri):
        return await cell_completion(ls, params)
    if not ls.settings_for(uri).enable:
        return None
    analysis = await ls.analyzer.current(uri)
    if analysis is None or analysis.result is None:
        return None
    pos = convert.from_client_position(analysis.lines, params.position, ls.codec)
    found = await _complete(ls, analysis, pos)
    if found is None:
        return None
    lines = analysis.lines
    ranges = (
        convert.to_client_range(lines, Span(found.slot.start, pos), ls.codec),
        convert.to_client_range(lines, Span(found.slot.start, found.slot.end), ls.codec),
    )
    return types.CompletionList(is_incomplete=found.incomplete, items=items(ls, found, ranges))


async def cell_completion(
    ls: AmctLanguageServer, params: types.CompletionParams
) -> types.CompletionList | None:
    """Completion in a notebook cell: the notebook's analysis of its joined cells (a repaired text is the
    joined script repaired), the cursor mapped in and the edit's ranges mapped back to the cell."""
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
    # A repaired text is the joined script repaired: its cells' magics are neutralised again.
    found = await _complete(ls, analysis, pos, view.script.neutralised_again) if pos is not None else None
    if found is None or pos is None:
        return None
    insert = view.cell_range(Span(found.slot.start, pos), ls.codec)
    replace = view.cell_range(Span(found.slot.start, found.slot.end), ls.codec)
    if insert is None or replace is None or insert[0] != uri or replace[0] != uri:
        return None
    ranges = (insert[1], replace[1])
    return types.CompletionList(is_incomplete=found.incomplete, items=items(ls, found, ranges))


async def _complete(
    ls: AmctLanguageServer,
    analysis: Analysis,
    pos: Position,
    prepare: Callable[[str], str] | None = None,
) -> Completions | None:
    """The engine's completions at `pos` (code points) in the analysed text (a script, or a notebook's
    joined cells); mid-edit, the model of the last text that parsed. `prepare` turns a repaired text into
    what is analysed."""
    assert analysis.result is not None
    uri = analysis.snapshot.uri
    model, model_source = analysis.result, None
    if model.prediction is None and not parses(analysis):
        good = ls.analyzer.last_good(uri)  # mid-edit: the model of the last text that parsed
        if good is not None and good.result is not None:
            model, model_source = good.result, good.snapshot.source
    from amct_lsp.check.completion import complete
    from amct_lsp.script import analyze

    path = analysis.snapshot.path

    def analyze_repaired(text: str) -> ScriptAnalysis:
        return analyze(prepare(text) if prepare is not None else text, path)

    return await asyncio.to_thread(
        complete,
        analysis.snapshot.source,
        pos,
        analysis.result,
        model,
        ls.cache,
        analyze_repaired,
        model_source=model_source,
    )


def items(
    ls: AmctLanguageServer, found: Completions, ranges: tuple[types.Range, types.Range]
) -> list[types.CompletionItem]:
    """The LSP items, in the engine's order (which `sortText` keeps); `ranges`: the insert range (the
    string's start to the cursor) and the replace range (its characters), in the client's document."""
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
    insert, replace = ranges
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
