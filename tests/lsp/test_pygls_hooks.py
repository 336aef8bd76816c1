"""Canary: the pygls internals amct_lsp.lsp relies on are still where they were.

pyproject.toml pins pygls' minor version; when it is raised, these tests say which hook moved before a user
sees a server that silently mis-tracks documents or leaks memory.
"""

from __future__ import annotations

import inspect
from typing import Any

from lsprotocol import types
from pygls.protocol import JsonRPCProtocol, LanguageServerProtocol
from pygls.workspace import TextDocument, Workspace

from amct_lsp.lsp.documents import LspTextDocument, LspWorkspace
from amct_lsp.lsp.server import create_server


def test_private_protocol_hooks_exist_with_their_signatures() -> None:
    params = list(inspect.signature(JsonRPCProtocol._execute_handler).parameters)
    assert params == ["self", "msg_id", "handler", "callback", "args", "kwargs"]
    assert list(inspect.signature(JsonRPCProtocol._send_response).parameters)[:2] == ["self", "msg_id"]
    protocol = create_server().protocol
    assert isinstance(protocol._request_futures, dict)
    assert protocol._shutdown is False
    assert protocol._workspace is None  # built by initialize
    cancel = inspect.signature(JsonRPCProtocol._handle_cancel_notification)
    assert list(cancel.parameters) == ["self", "msg_id"]


def test_cancel_of_an_answered_request_is_not_logged(caplog: Any) -> None:
    """pygls warns "Cancel notification for unknown message id" for every late cancel; ours says nothing."""
    protocol = create_server().protocol
    with caplog.at_level("DEBUG", logger="pygls"):
        protocol._handle_cancel_notification(42)
    assert not [r for r in caplog.records if r.name.startswith("pygls") and r.levelname == "WARNING"]


def test_initialize_is_a_generator_that_builds_the_workspace_before_the_user_handler() -> None:
    """Our `lsp_initialize` swaps the workspace between pygls building it and the user's handler."""
    assert inspect.isgeneratorfunction(LanguageServerProtocol.lsp_initialize)
    ls = create_server()
    protocol = ls.protocol
    seen: list[Any] = []
    params = types.InitializeParams(capabilities=types.ClientCapabilities(), root_uri="file:///ws")
    steps = protocol.lsp_initialize(params)
    handler, args, _ = next(steps)
    seen.append(protocol.workspace)
    try:
        steps.send(handler(*args))
    except StopIteration as done:
        result = done.value
    assert isinstance(seen[0], LspWorkspace)
    assert isinstance(result, types.InitializeResult)
    assert protocol.workspace is seen[0]


def test_public_document_api_we_override() -> None:
    assert "notebook_uri" in inspect.signature(Workspace.put_text_document).parameters
    assert isinstance(inspect.getattr_static(TextDocument, "source"), property)
    assert isinstance(inspect.getattr_static(Workspace, "text_documents"), property)
    ws = LspWorkspace(None)
    item = types.TextDocumentItem(uri="file:///ws/a.py", language_id="python", version=1, text="a\u2028b\n")
    ws.put_text_document(item)
    doc = ws.get_text_document(item.uri)
    assert isinstance(doc, LspTextDocument)
    change = types.TextDocumentContentChangePartial(
        range=types.Range(start=types.Position(line=1, character=0), end=types.Position(line=1, character=0)),
        text="c",
    )
    ws.update_text_document(types.VersionedTextDocumentIdentifier(uri=item.uri, version=2), change)
    assert doc.source == "a\u2028b\nc" and doc.version == 2
