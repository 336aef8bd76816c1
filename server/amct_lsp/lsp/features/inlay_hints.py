"""textDocument/inlayHint: `→ search_n_quant/…/Identity:0` after each stale name string, and the command its
click runs (`amct-lsp.applyFix`), which applies that finding's fix to the version the hint was made for.

The hint carries the document version and where the stale string starts, not the edit: the command finds the
finding again in the analysis of that same version and refuses when the document has moved on, so an edit is
never applied to a text it was not computed for (and a forged argument cannot smuggle an edit in).
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
    arguments: list[Any] = [
        analysis.snapshot.uri,
        analysis.version,
        start.line,
        start.character,
        hint.finding.code.value,
    ]
    part = types.InlayHintLabelPart(
        value=hint.label,
        tooltip=types.MarkupContent(kind=types.MarkupKind.Markdown, value=hint.tooltip),
        command=types.Command(title=hint.fix.message, command=CMD_APPLY_FIX, arguments=arguments),
    )
    return types.InlayHint(
        position=convert.to_client_position(analysis.lines, hint.span.end, ls.codec),
        label=[part],
        padding_left=True,
    )


async def inlay_hint(ls: AmctLanguageServer, params: types.InlayHintParams) -> list[types.InlayHint]:
    uri = params.text_document.uri
    analysis = await ls.analyzer.current(uri)  # waits for the client's settings first
    if analysis is None:
        return []
    out = []
    for hint in hints_of(ls, analysis):
        inlay = to_inlay_hint(hint, analysis, ls)
        if _within(inlay.position, params.range):
            out.append(inlay)
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
