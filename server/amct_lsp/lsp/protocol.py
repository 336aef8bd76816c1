"""The JSON-RPC side of the server: every request gets an answer, and nothing is kept after it.

pygls logs a request whose parameters cannot be read, and one that arrives after `shutdown`, and drops it:
the client then waits for a response that never comes (an editor's hover spinner, a test's timeout). Here the
first is answered with `InvalidParams` (and the problem shown in the client's log), the second with
`InvalidRequest` as LSP says, and the server carries on.

pygls files the future of every handler it runs in `_request_futures`; for a request the response pops it,
but a notification handled by one of pygls' generator handlers (didOpen, didChange, didClose, ...) is filed
under a fresh uuid that nothing ever pops: ~2 KB per notification for the life of the process (issue 13).
`_execute_handler` here forgets each future once it is done, unless the entry has been replaced meanwhile.

`lsp_initialize` swaps pygls' workspace for `LspWorkspace` (LSP's line rules) right after pygls builds it and
before any handler of ours runs. The private pygls names this module relies on (`_execute_handler`,
`_request_futures`, `_workspace`, `_send_response`, `_shutdown`, `_handle_cancel_notification`) are checked by
tests/lsp/test_pygls_hooks.py, which fails when an upgrade moves one of them; pyproject.toml pins pygls' minor
version.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Generator
from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams, JsonRpcInvalidRequest
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.language_server import lsp_method

from amct_lsp.lsp.documents import LspWorkspace

log = logging.getLogger(__name__)


class _Answered:
    """Stands in for a request that was already answered with an error."""

    jsonrpc = "2.0"


ANSWERED = _Answered()


class AmctProtocol(LanguageServerProtocol):
    @lsp_method(types.INITIALIZE)
    def lsp_initialize(self, params: types.InitializeParams) -> Generator[Any, Any, types.InitializeResult]:
        """pygls' initialize, with our workspace swapped in as soon as pygls has built its own."""
        steps = super().lsp_initialize(params)
        try:
            request = next(steps)  # pygls built the workspace and asks to run the user's handler
        except StopIteration as done:
            self._install_workspace()
            return done.value  # type: ignore[no-any-return]
        self._install_workspace()
        while True:
            answer = yield request
            try:
                request = steps.send(answer)
            except StopIteration as done:
                return done.value  # type: ignore[no-any-return]

    def _install_workspace(self) -> None:
        if not isinstance(self._workspace, LspWorkspace) and self._workspace is not None:
            self._workspace = LspWorkspace.like(self._workspace)

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

    def _execute_handler(
        self,
        msg_id: Any,
        handler: Callable[..., Any],
        callback: Callable[..., Any],
        args: tuple[Any, ...] | None = None,
        kwargs: dict[str, Any] | None = None,
    ) -> None:
        super()._execute_handler(msg_id, handler, callback, args, kwargs)
        future = self._request_futures.get(msg_id)
        if future is not None:
            future.add_done_callback(lambda done: self._forget_soon(msg_id, done))

    def _forget_soon(self, msg_id: Any, future: Any) -> None:
        # Not at once: `shutdown` cancels every future while iterating over the dictionary.
        try:
            asyncio.get_running_loop().call_soon(self._forget, msg_id, future)
        except RuntimeError:  # no loop in this thread (a handler run in a worker thread)
            self._forget(msg_id, future)

    def _forget(self, msg_id: Any, future: Any) -> None:
        if self._request_futures.get(msg_id) is future:
            self._request_futures.pop(msg_id, None)

    def _handle_cancel_notification(self, msg_id: Any) -> None:
        """A cancel for a request already answered is normal (the editor cancels hovers it no longer shows):
        pygls logs each one as a warning ("Cancel notification for unknown message id"); say nothing."""
        if msg_id not in self._request_futures:
            log.debug("$/cancelRequest for %s, already answered", msg_id)
            return
        super()._handle_cancel_notification(msg_id)

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
