"""workspace/executeCommand `amct-lsp.explainModelView`: the picture of the rewrite for the editor's webview.

The server stays the one renderer (`amct_lsp.render.html`): the answer is an `ExplainView` with the HTML
fragment, its stylesheet, and the script's uses of each renamed tail in the client's position units, which the
fragment's buttons name by index. `amct-lsp.explainModel` keeps answering Markdown for other editors.
"""

from __future__ import annotations

import asyncio
import os
from typing import TYPE_CHECKING, Any

from amct_lsp.lsp import convert
from amct_lsp.lsp.analysis import describe_error
from amct_lsp.lsp.features.commands import uri_arg
from amct_lsp.lsp.handlers import Route
from amct_lsp.lsp.payloads import ExplainUse, ExplainView, unstructure
from amct_lsp.model.errors import ModelError

if TYPE_CHECKING:
    from amct_lsp.lsp.server import AmctLanguageServer

CMD_EXPLAIN_VIEW = "amct-lsp.explainModelView"
_HEADING = "AMCT: Explain model"


def _message(uri: str, version: int | None, message: str) -> Any:
    from amct_lsp.render.html import STYLE, message_fragment  # on first use: the server starts without it

    return unstructure(ExplainView(uri, version, _HEADING, message_fragment(_HEADING, message), STYLE))


async def explain_view(ls: AmctLanguageServer, args: tuple[Any, ...]) -> Any:
    """The picture of the model a document uses, with links back to the document's uses of each tail."""
    # The picture's renderer loads on first use: most sessions never open it, and start-up is measured.
    from amct_lsp.render.html import STYLE, UseLink, explain_fragment
    from amct_lsp.render.script_uses import tail_uses

    uri = uri_arg(args)
    analysis = await ls.analyzer.current(uri)
    if analysis is None:
        return _message(uri, None, f"{uri} is not open in the editor.")
    version = analysis.version
    result = analysis.result
    if result is None:
        return _message(uri, version, describe_error(analysis))
    if result.model_path is None or result.prediction is None:
        why = result.model_error or result.model_note or "No model was found for this script."
        return _message(uri, version, why)
    try:
        graph = await asyncio.to_thread(ls.cache.get, result.model_path)
    except ModelError as error:
        return _message(uri, version, str(error))
    uses = tail_uses(result)
    links = [UseLink(index, use.tail, use.label, use.stale) for index, use in enumerate(uses)]
    targets = []
    for use in uses:
        found = convert.to_client_range(analysis.lines, use.span, ls.codec)
        start, end = found.start, found.end
        targets.append(
            ExplainUse(use.label, (start.line, start.character), (end.line, end.character), use.stale)
        )
    title = f"AMCT: {os.path.basename(result.model_path)}"
    fragment = explain_fragment(result.prediction, graph, links)
    return unstructure(ExplainView(uri, version, title, fragment, STYLE, tuple(targets)))


def _failed(args: Any) -> Any:
    uri = args[0] if isinstance(args, (list, tuple)) and args and isinstance(args[0], str) else ""
    return _message(uri, None, "The model picture failed; see the amct-lsp output for details.")


ROUTES = (Route(CMD_EXPLAIN_VIEW, explain_view, fallback=_failed, command=True),)
