"""The contract between the interpreter and the call handlers: a `CallSite` per call, handlers per API family.

The interpreter evaluates a call's callee and arguments once, then asks each registered handler in turn
(`handlers.HANDLERS`, in order); the first that answers with a value (possibly "unknown", `()`) decides the
call's result. A handler that only observes (the `name=` a TensorFlow call gives its op) answers None.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import libcst as cst

from amct_lsp.script import values as V
from amct_lsp.script.walk.phases import PhaseSet, graphs_in
from amct_lsp.script.walk.scopes import Frame
from amct_lsp.text import Span

if TYPE_CHECKING:
    from amct_lsp.script.walk.interpreter import Interpreter

#: One argument as written and what it evaluates to.
Arg = tuple[cst.Arg, V.Vals]


@dataclass(slots=True)
class CallSite:
    """One call, its callee resolved and its arguments evaluated (not frozen: one is made per call)."""

    node: cst.Call
    span: Span
    frame: Frame
    #: The AMCT API called (through any import spelling), else None (and `receiver` is not evaluated).
    api: str | None
    attr: str  # the callee's last name: "get_tensor_by_name" for `g.get_tensor_by_name`, "" when none
    canonical: str  # the dotted callee through the imports ("tensorflow.compat.v1.Session"), "" when none
    #: `obj` of `obj.f(...)`, or `f` itself for a plain name: what the call is made on.
    receiver: V.Vals
    positional: tuple[Arg, ...]
    keywords: dict[str, Arg]
    #: Argument values for the script's own callables: `*seq` and `**dict` of known shape expanded.
    args: tuple[V.Vals, ...]
    kwargs: dict[str, V.Vals]

    @property
    def phase(self) -> PhaseSet:
        return self.frame.phase

    @property
    def graphs(self) -> frozenset[V.GraphRef] | None:
        """The graphs the receiver may be, when it is only known graphs."""
        return graphs_in(self.receiver)

    @property
    def is_method(self) -> bool:
        """`obj.f(...)`, as opposed to `f(...)`."""
        return isinstance(self.node.func, cst.Attribute)

    def arg(self, index: int, name: str) -> Arg | None:
        """The argument for parameter `name` at `index`: by keyword, else by position."""
        if name in self.keywords:
            return self.keywords[name]
        return self.positional[index] if index < len(self.positional) else None


class CallHandler(Protocol):
    """What calls of one kind do: record uses and facts, change the walk's state, return a value."""

    def call(self, site: CallSite, walk: Interpreter) -> V.Vals | None:
        """The call's value (`()`: unknown); None when the call is not this handler's."""
        ...
