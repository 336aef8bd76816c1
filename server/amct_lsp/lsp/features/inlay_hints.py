"""textDocument/inlayHint: `→ search_n_quant/…/Identity:0` after each stale name string, and the command its
click runs (`amct-lsp.applyFix`), which applies that finding's fix to the version the hint was made for.

The hint carries the document version and where the stale string starts, not the edit: the command finds the
finding again in the analysis of that same version and refuses when the document has moved on, so an edit is
never applied to a text it was not computed for (and a forged argument cannot smuggle an edit in). In a
notebook cell the hint names the cell, the notebook's version and the cell position: the finding is looked
up in the notebook's analysis of that version and the edit is the cell's, at the cell's version.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lsprotocol import types

from amct_lsp.lsp import convert
from amct_lsp.lsp.actions import workspace_edit
from amct_lsp.lsp.analysis import Analysis
from amct_lsp.lsp.features.code_actions import document_changes
from amct_lsp.lsp.features.commands import uri_arg
from amct_lsp.lsp.handlers import Route
from amct_lsp.lsp.hints import NameHint, hint_at, hints_for
from amct_lsp.text import Position

if TYPE_CHECKING:
    from amct_lsp.lsp.server import AmctLanguageServer

CMD_APPLY_FIX = "amct-lsp.applyFix"


def hints_of(ls: AmctLanguageServer, analysis: Analysis) -> list[NameHint]:
    uri = analysis.snapshot.uri
    return hints_for(analysis, ls.analyzer.last_good(uri), ls.settings_for(uri))


def _within(pos: types.Position, rng: types.Range) -> bool:
    start, end = rng.start, rng.end
    return (start.line, start.character) <= (pos.line, pos.character) <= (end.line, end.character)


def to_inlay_hint(hint: NameHint, analysis: Analysis, ls: AmctLanguageServer) -> types.InlayHint:
    start = hint.span.start
    arguments = [
        analysis.snapshot.uri,
        analysis.version,
        start.line,
        start.character,
        hint.finding.code.value,
    ]
    return inlay(hint, convert.to_client_position(analysis.lines, hint.span.end, ls.codec), arguments)


def inlay(hint: NameHint, position: types.Position, arguments: list[Any]) -> types.InlayHint:
    """The hint at `position` (the end of the stale string, client units); its click runs `applyFix` with
    `arguments`: the document, its version, where the stale string starts in it (code points), the code."""
    part = types.InlayHintLabelPart(
        value=hint.label,
        tooltip=types.MarkupContent(kind=types.MarkupKind.Markdown, value=hint.tooltip),
        command=types.Command(title=hint.fix.message, command=CMD_APPLY_FIX, arguments=arguments),
    )
    return types.InlayHint(position=position, label=[part], padding_left=True)


async def inlay_hint(ls: AmctLanguageServer, params: types.InlayHintParams) -> list[types.InlayHint]:
    uri = params.text_document.uri
    if ls.notebooks.is_cell(uri):
        return await cell_inlay_hints(ls, params)
    analysis = await ls.analyzer.current(uri)  # waits for the client's settings first
    if analysis is None:
        return []
    out = []
    for hint in hints_of(ls, analysis):
        found = to_inlay_hint(hint, analysis, ls)
        if _within(found.position, params.range):
            out.append(found)
    return out


async def cell_inlay_hints(ls: AmctLanguageServer, params: types.InlayHintParams) -> list[types.InlayHint]:
    """The hints of a notebook cell: the notebook's hints whose stale string is in this cell, at cell
    positions; the click's arguments name the cell, the notebook's version and the cell position."""
    uri = params.text_document.uri
    current = await ls.notebooks.cell_analysis(uri)
    if current is None:
        return []
    view, analysis = current
    out = []
    for hint in hints_of(ls, analysis):
        place = view.script.to_cell_span(hint.span)
        rng = view.cell_range(hint.span, ls.codec)
        if place is None or rng is None or rng[0] != uri or not _within(rng[1].end, params.range):
            continue
        start = place[1].start
        arguments = [uri, view.version, start.line, start.character, hint.finding.code.value]
        out.append(inlay(hint, rng[1].end, arguments))
    return out


def _fix_args(args: tuple[Any, ...]) -> tuple[str, int | None, tuple[int, int], str]:
    """(uri, version, start of the stale string, code) from the command's arguments (see `to_inlay_hint`)."""
    uri = uri_arg(args)
    if len(args) != 5:
        raise ValueError(f"{CMD_APPLY_FIX} takes 5 arguments, got {len(args)}")
    _, version, line, column, code = args
    ints = (line, column) if version is None else (version, line, column)
    if any(not isinstance(v, int) or isinstance(v, bool) for v in ints) or not isinstance(code, str):
        raise ValueError(f"{CMD_APPLY_FIX}: malformed arguments {args!r}")
    return uri, version, (line, column), code


async def apply_fix(ls: AmctLanguageServer, args: tuple[Any, ...]) -> bool:
    """Apply the fix of the hint's finding with `workspace/applyEdit`; False when the document changed since
    the hint was made, the finding is gone, or the client did not apply it."""
    uri, version, start, code = _fix_args(args)
    if ls.notebooks.is_cell(uri):
        return await apply_cell_fix(ls, uri, version, start, code)
    snap = ls.snapshot(uri)
    if snap is None or snap.version != version:
        ls.log_message(f"not applying the fix: {uri} changed since the hint was shown")
        return False
    analysis = await ls.analyzer.current(uri)
    if analysis is None or analysis.version != version:
        ls.log_message(f"not applying the fix: {uri} changed since the hint was shown")
        return False
    hint = hint_at(hints_of(ls, analysis), start, code)
    if hint is None:
        ls.log_message(f"not applying the fix: no stale name at {start[0] + 1}:{start[1] + 1} any more")
        return False
    edits = [
        types.TextEdit(range=convert.to_client_range(analysis.lines, e.span, ls.codec), new_text=e.new_text)
        for e in hint.fix.edits
    ]
    edit = workspace_edit(uri, version, edits, document_changes=document_changes(ls))
    return await _apply(ls, edit, hint)


async def apply_cell_fix(
    ls: AmctLanguageServer, uri: str, version: int | None, start: tuple[int, int], code: str
) -> bool:
    """A cell hint's click: `version` is the notebook's, `start` a position in the cell. The finding is
    looked up again in the notebook's analysis of that version; the edit is the cell's, at its version."""
    view = ls.notebooks.of_cell(uri)
    if view is None or view.version != version:
        ls.log_message(f"not applying the fix: the notebook of {uri} changed since the hint was shown")
        return False
    analysis = await ls.analyzer.current(view.uri)
    view = ls.notebooks.of_cell(uri)
    if analysis is None or view is None or analysis.version != version or view.version != version:
        ls.log_message(f"not applying the fix: the notebook of {uri} changed since the hint was shown")
        return False
    cell = view.cell(uri)
    where = view.script.cell(cell.index) if cell is not None else None
    at = view.script.to_script(where.index, Position(*start)) if where is not None else None
    if where is None or at is None or not 0 <= start[0] < where.line_count:
        ls.log_message(f"not applying the fix: no line {start[0] + 1} in {uri}")
        return False
    hint = hint_at(hints_of(ls, analysis), (at.line, at.character), code)
    edit = (
        view.workspace_edit(hint.fix.edits, ls.codec, document_changes=document_changes(ls)) if hint else None
    )
    if hint is None or edit is None:
        ls.log_message(f"not applying the fix: no stale name at {start[0] + 1}:{start[1] + 1} any more")
        return False
    return await _apply(ls, edit, hint)


async def _apply(ls: AmctLanguageServer, edit: types.WorkspaceEdit, hint: NameHint) -> bool:
    response = await ls.workspace_apply_edit_async(
        types.ApplyWorkspaceEditParams(edit=edit, label=hint.fix.message)
    )
    return bool(response and response.applied)


def _no_hints(params: Any) -> list[types.InlayHint]:
    return []


def _not_applied(args: Any) -> bool:
    return False


ROUTES = (
    Route(
        types.TEXT_DOCUMENT_INLAY_HINT,
        inlay_hint,
        fallback=_no_hints,
        options=types.InlayHintOptions(resolve_provider=False),
    ),
    Route(CMD_APPLY_FIX, apply_fix, fallback=_not_applied, command=True),
)
