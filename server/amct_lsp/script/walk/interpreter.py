"""Walk a quantization script in execution order and record where every name string ends up.

The walk is flow-sensitive inside a function (assignments replace bindings; `if` branches and loops merge),
follows calls into the script's own functions (arguments bound to parameters, return values back), and keeps
the phase: whether `quantize_model` has run yet. Each string reaching a sink (`get_tensor_by_name`,
`sess.run`, `save_model(outputs=...)`, ...) becomes a `NameUse`; each `.pb` path reaching a loader a
`ModelCandidate`. What a call does is decided by the call handlers (`handlers.HANDLERS`).
Anything it does not understand evaluates to "unknown" and is simply not reported.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import libcst as cst

from amct_lsp.script import values as V
from amct_lsp.script.parse import Parsed
from amct_lsp.script.walk.bindings import Binder
from amct_lsp.script.walk.callsite import Arg, CallHandler, CallSite
from amct_lsp.script.walk.expressions import Expressions
from amct_lsp.script.walk.functions import Callables
from amct_lsp.script.walk.handlers import AMCT_APIS, HANDLERS
from amct_lsp.script.walk.imports import ImportTable
from amct_lsp.script.walk.phases import BEFORE, Graphs
from amct_lsp.script.walk.record import Record
from amct_lsp.script.walk.scopes import Env, Frame
from amct_lsp.script.walk.sinks import Sinks
from amct_lsp.script.walk.statements import Statements
from amct_lsp.script.walk.syntax import last_name


class Interpreter:
    """One walk over one parsed script: `Interpreter(parsed, path).run()`, then read `record`.

    The parts (expressions, statements, bindings, the script's callables, sinks) are objects that share
    this interpreter; the handlers get it with each call."""

    def __init__(self, parsed: Parsed, path: str, handlers: Sequence[CallHandler] = HANDLERS) -> None:
        self.parsed = parsed
        self.handlers = tuple(handlers)
        self.script_file = os.path.abspath(path) if path else "<script>"
        self.record = Record()
        self.imports = ImportTable(self.record, AMCT_APIS)
        self.module_env = Env()
        #: Frames being executed (module first): AMCT's in-place update of calib_outputs reaches all of them.
        self.frames: list[Frame] = []
        self.graphs = Graphs()
        #: argparse option name -> its default values (what `args.<name>` holds).
        self.argparse_defaults: dict[str, V.Vals] = {}
        self.expressions = Expressions(self)
        self.statements = Statements(self)
        self.binder = Binder(self)
        self.callables = Callables(self)
        self.sinks = Sinks(self)
        # The parts' entry points, as attributes (not wrapper methods: they run for every node).
        #: The alternatives an expression may evaluate to (unknown → empty), recording sinks along the way.
        self.eval = self.expressions.eval
        self.exec_suite = self.statements.exec_suite
        self.exec_stmt = self.statements.exec_stmt
        #: Bind values to an assignment target.
        self.bind = self.binder.bind

    def run(self) -> None:
        frame = Frame(self.module_env, "<module>", BEFORE)
        self.frames.append(frame)
        self.statements.exec_block(self.parsed.statements, frame)
        self.callables.walk_uncalled()

    def call(self, node: cst.Call, frame: Frame) -> V.Vals:
        """Evaluate the callee and the arguments, then let the first handler that knows the call decide."""
        site = self._site(node, frame)
        for handler in self.handlers:
            result = handler.call(site, self)
            if result is not None:
                return result
        return ()

    def _site(self, node: cst.Call, frame: Frame) -> CallSite:
        func = node.func
        api = self.imports.amct_api(func)
        receiver: V.Vals = ()
        if api is None and isinstance(func, cst.Attribute):
            receiver = self.eval(func.value, frame)
        elif api is None and isinstance(func, cst.Name):
            receiver = self.expressions.name(func, frame)
        positional: list[Arg] = []
        keywords: dict[str, Arg] = {}
        args: list[V.Vals] = []
        kwargs: dict[str, V.Vals] = {}
        for item in node.args:
            vals = self.eval(item.value, frame)
            if item.keyword is not None:
                keywords[item.keyword.value] = (item, vals)
                kwargs[item.keyword.value] = vals
            elif not item.star:
                positional.append((item, vals))
                args.append(vals)
            elif item.star == "*":
                seqs = [v for v in vals if isinstance(v, V.Seq)]
                args.extend(seqs[0].items if len(seqs) == 1 and len(vals) == 1 else ())
            else:
                dicts = [v for v in vals if isinstance(v, V.DictV)]
                for keys, value in dicts[0].pairs if len(dicts) == 1 and len(vals) == 1 else ():
                    names = [k.value for k in keys if isinstance(k, V.Str)]
                    if len(names) == 1 and len(keys) == 1:
                        kwargs[names[0]] = value
        return CallSite(
            node=node,
            span=self.parsed.span(node),
            frame=frame,
            api=api,
            attr=last_name(func),
            canonical=self.imports.canonical(func) or "",
            receiver=receiver,
            positional=tuple(positional),
            keywords=keywords,
            args=tuple(args),
            kwargs=kwargs,
        )
