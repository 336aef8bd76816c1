"""Walk a quantization script in execution order and record where every name string ends up.

The walk is flow-sensitive inside a function (assignments replace bindings; `if` branches and loops merge),
follows calls into the script's own functions (arguments bound to parameters, return values back), and keeps
the phase: whether `quantize_model` has run yet. Each string reaching a sink (`get_tensor_by_name`,
`sess.run`, `save_model(outputs=...)`, ...) becomes a `NameUse`; each `.pb` path reaching a loader a
`ModelCandidate`.
Anything it does not understand evaluates to "unknown" and is simply not reported.
"""

from __future__ import annotations

from amct_lsp.script import values as V
from amct_lsp.script.walk.calls import Calls
from amct_lsp.script.walk.phases import BEFORE, UNKNOWN
from amct_lsp.script.walk.scopes import Frame, FuncNode, Function, Instance
from amct_lsp.script.walk.statements import Statements


class Evaluator(Statements, Calls):
    """One walk over one parsed script: `Evaluator(parsed, path).run()`, then read its fields."""

    def run(self) -> None:
        frame = Frame(self.module_env, "<module>", BEFORE)
        self._frames.append(frame)
        self.exec_block(self.parsed.statements, frame)
        # Functions nobody called (library-style scripts, methods): walk each once on its own.
        done: set[FuncNode] = set()
        while True:
            todo = [f for f in self.functions.values() if f.activations == 0 and f.node not in done]
            if not todo:
                break
            # A class's __init__ first: the attributes it sets are what the other methods read.
            todo.sort(key=lambda f: f.owner is not None and f.node.name.value != "__init__")
            for fn in todo:
                done.add(fn.node)
                self._activate(fn, self._standalone_args(fn), {}, UNKNOWN, standalone=True)

    def _standalone_args(self, fn: Function) -> list[V.Vals]:
        """`self` (or `cls`) for a method walked on its own: the class's latest object, else a fresh one."""
        cls = fn.owner
        if cls is None or fn.method_kind == "staticmethod":
            return []
        if fn.method_kind == "classmethod":
            return [(V.ClassObj(cls),)]
        if cls.standalone is None:
            made = [i for i in self._instances if i.cls is cls]
            if not made:
                made.append(Instance(cls))
                self._instances.append(made[-1])
            cls.standalone = made[-1]
        return [(V.InstanceObj(cls.standalone),)]
