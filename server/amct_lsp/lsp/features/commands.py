"""workspace/executeCommand: apply every fix of a document, and the Markdown report of its model."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from amct_lsp.lsp import hover as markdown
from amct_lsp.lsp.analysis import describe_error
from amct_lsp.lsp.features.code_actions import FIX_ALL_TITLE, fix_all_edit
from amct_lsp.lsp.handlers import Route

if TYPE_CHECKING:
    from amct_lsp.lsp.server import AmctLanguageServer

#: The server's command ids differ from the extension's (`amct.applyAllFixes`, `amct.explainModel`, which add
#: the active editor's URI and show the result): vscode-languageclient registers a VS Code command for every
#: id a server advertises, and the same id twice would collide.
CMD_APPLY_ALL = "amct-lsp.applyAllFixes"
CMD_EXPLAIN = "amct-lsp.explainModel"


def uri_arg(args: tuple[Any, ...]) -> str:
    """Commands take the document URI first (a string, or an object with `uri`)."""
    if args:
        first = args[0]
        if isinstance(first, str):
            return first
        if isinstance(first, Mapping) and isinstance(first.get("uri"), str):
            return str(first["uri"])
    raise ValueError("expected the document URI as the first argument")


async def apply_all(ls: AmctLanguageServer, args: tuple[Any, ...]) -> bool:
    """Apply every primary fix of a document with `workspace/applyEdit`; True when the client applied it."""
    edit = await fix_all_edit(ls, uri_arg(args))
    if edit is None:
        return False
    response = await ls.workspace_apply_edit_async(
        types.ApplyWorkspaceEditParams(edit=edit, label=FIX_ALL_TITLE)
    )
    return bool(response and response.applied)


async def explain(ls: AmctLanguageServer, args: tuple[Any, ...]) -> str:
    """A Markdown report of the model a document uses: its tails and their rename chains."""
    uri = uri_arg(args)
    view = ls.notebooks.of_cell(uri)
    uri = view.uri if view is not None else uri  # a cell's model is its notebook's
    analysis = await ls.analyzer.current(uri)
    if analysis is None:
        return f"# amct\n\n{uri} is not open in the editor.\n"
    if analysis.result is None:
        return f"# amct\n\n{describe_error(analysis)}\n"
    return markdown.model_report(analysis.result)


def _not_applied(args: Any) -> bool:
    return False


def _report_failed(args: Any) -> str:
    return "# amct\n\nThe model report failed; see the amct-lsp output for details.\n"


ROUTES = (
    Route(CMD_APPLY_ALL, apply_all, fallback=_not_applied, command=True),
    Route(CMD_EXPLAIN, explain, fallback=_report_failed, command=True),
)
