"""Calls of the script's own functions, lambdas, classes and methods (and `super()` in a method): the walk
goes into them with the arguments bound (see `walk.functions`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import libcst as cst

from amct_lsp.script import values as V
from amct_lsp.script.walk.callsite import CallSite

if TYPE_CHECKING:
    from amct_lsp.script.walk.interpreter import Interpreter


class SuperCall:
    """`super()` in a method: the class's bases, bound to the method's `self`."""

    def call(self, site: CallSite, walk: Interpreter) -> V.Vals | None:
        if isinstance(site.node.func, cst.Name) and site.attr == "super" and not site.node.args:
            return walk.callables.super_of(site.frame)
        return None


class OwnCallables:
    """`f(...)`, `Cls(...)`, `obj.method(...)` where the callee is the script's own."""

    def call(self, site: CallSite, walk: Interpreter) -> V.Vals | None:
        func = site.node.func
        if isinstance(func, cst.Name):
            callee = site.receiver
        elif isinstance(func, cst.Attribute):
            callee = walk.callables.methods_of(site.receiver, site.attr)
        else:
            return None
        if not callee:
            return None
        return walk.callables.call(callee, site.args, site.kwargs, site.frame)
