"""The JSON-RPC side of the server: every request gets an answer.

pygls logs a request whose parameters cannot be read, and one that arrives after `shutdown`, and drops it:
the client then waits for a response that never comes (an editor's hover spinner, a test's timeout). Here the
first is answered with `InvalidParams` (and the problem shown in the client's log), the second with
`InvalidRequest` as LSP says, and the server carries on.
"""

from __future__ import annotations

import logging
from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams, JsonRpcInvalidRequest
from pygls.protocol import LanguageServerProtocol

log = logging.getLogger(__name__)


class _Answered:
    """Stands in for a request that was already answered with an error."""

    jsonrpc = "2.0"


ANSWERED = _Answered()


class AmctProtocol(LanguageServerProtocol):
    def structure_message(self, data: Any) -> Any:
        try:
            return super().structure_message(data)
        except JsonRpcException as exc:
            method = data.get("method") if isinstance(data, dict) else None
            msg_id = data.get("id") if isinstance(data, dict) else None
            if not isinstance(method, str) or not isinstance(msg_id, int | str) or isinstance(msg_id, bool):
                raise
            cause = exc.__cause__
            detail = f"{type(cause).__name__}: {cause}" if cause is not None else exc.message
            error = JsonRpcInvalidParams(message=f"Invalid params for {method}: {detail.splitlines()[0]}")
            self._send_response(msg_id, error=error.to_response_error())
            try:
                self.notify(
                    types.WINDOW_LOG_MESSAGE,
                    types.LogMessageParams(
                        type=types.MessageType.Error,
                        message=f"amct-lsp: rejected a malformed {method} request",
                    ),
                )
            except Exception:
                log.exception("window/logMessage failed")
            return ANSWERED

    def handle_message(self, message: Any) -> None:
        if message is ANSWERED:
            return
        method = getattr(message, "method", None)
        msg_id = getattr(message, "id", None)
        if self._shutdown and method not in (None, types.EXIT) and msg_id is not None:
            # pygls drops requests after `shutdown` without a word; LSP says to answer InvalidRequest.
            error = JsonRpcInvalidRequest(message=f"{method}: the server is shutting down")
            self._send_response(msg_id, error=error.to_response_error())
            return
        super().handle_message(message)


__all__ = ["AmctProtocol"]
