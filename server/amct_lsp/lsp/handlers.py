"""How a feature module declares its handlers, and the one wrapper every handler runs inside.

Each module under `features/` lists `Route`s: an LSP method (or a command id), the function that handles it
and, for requests, the answer to give when that function fails. `install` registers a route with pygls behind
`guard`: an exception is logged (to stderr and the client's output) and answered with the fallback, so one
broken feature never turns into an error popup or a dead request. Cancellation (`asyncio.CancelledError`) is
not an `Exception` and passes through untouched.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from amct_lsp.lsp.server import AmctLanguageServer


class Handler(Protocol):
    """A feature function: the server first, then the request's parameters (a command's argument tuple)."""

    def __call__(self, ls: AmctLanguageServer, params: Any, /) -> Any: ...


def _none(params: Any) -> None:
    return None


@dataclass(frozen=True, slots=True)
class Route:
    """One LSP method (or, with `command=True`, one `workspace/executeCommand` id) and its handler."""

    method: str
    handler: Handler
    #: The answer when the handler raises, built from the same parameters.
    fallback: Callable[[Any], Any] = _none
    #: Registration options (pygls' `feature(method, options)`).
    options: Any = None
    command: bool = False


class Feature(Protocol):
    """What `create_server` needs of a feature module (a module satisfies it)."""

    @property
    def ROUTES(self) -> Sequence[Route]: ...


def guard(ls: AmctLanguageServer, route: Route) -> Callable[..., Any]:
    """`route.handler` bound to `ls`, answering `route.fallback(params)` when it raises.

    The wrapper's only parameter is not called `ls` and carries no annotation, so pygls passes it the
    parameters alone; a command's wrapper takes `*args` (pygls spreads the command's arguments).
    """
    handler = route.handler
    what = f"{route.method} failed"

    def recover(params: Any) -> Any:
        ls.log_error(what)
        return route.fallback(params)

    if inspect.iscoroutinefunction(handler):
        if route.command:

            async def run_command(*args: Any) -> Any:
                try:
                    return await handler(ls, args)
                except Exception:
                    return recover(args)

            return run_command

        async def run_async(params: Any) -> Any:
            try:
                return await handler(ls, params)
            except Exception:
                return recover(params)

        return run_async

    def run(params: Any) -> Any:
        try:
            return handler(ls, params)
        except Exception:
            return recover(params)

    return run


def install(ls: AmctLanguageServer, routes: Sequence[Route]) -> None:
    """Register each route with pygls (behind `guard`) and keep it in `ls.handlers` by method."""
    for route in routes:
        wrapped = guard(ls, route)
        if route.command:
            ls.command(route.method)(wrapped)
        elif route.options is not None:
            ls.feature(route.method, route.options)(wrapped)
        else:
            ls.feature(route.method)(wrapped)
        ls.handlers[route.method] = wrapped


__all__ = ["Feature", "Handler", "Route", "guard", "install"]
