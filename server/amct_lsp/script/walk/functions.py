"""The script's own functions, lambdas, classes and methods: defining them, and walking into a call with the
arguments bound (memoized, depth- and count-limited), the result and the phase coming back out."""

from __future__ import annotations

from typing import TYPE_CHECKING

import libcst as cst

from amct_lsp.script import values as V
from amct_lsp.script.facts import AmctCall
from amct_lsp.script.walk.known_apis import MAX_ACTIVATIONS, MAX_INLINE_DEPTH
from amct_lsp.script.walk.phases import UNKNOWN, PhaseSet
from amct_lsp.script.walk.scopes import ClassInfo, Env, Frame, FuncNode, Function, Instance, LambdaFn
from amct_lsp.script.walk.syntax import dotted_name

if TYPE_CHECKING:
    from amct_lsp.script.walk.interpreter import Interpreter

#: What walking a function gives back: its return values, the phase it ends in, the quantize_model call.
Outcome = tuple[V.Vals, PhaseSet, AmctCall | None]


class Callables:
    """The script's functions and classes, and the walk into each call of them."""

    def __init__(self, walk: Interpreter) -> None:
        self.walk = walk
        self.functions: dict[FuncNode, Function] = {}
        #: Objects of the script's classes made so far (AMCT's in-place update of calib_outputs reaches them).
        self.instances: list[Instance] = []
        self._stack: list[FuncNode] = []
        self._lambdas: list[LambdaFn] = []
        self._memo: dict[tuple[object, ...], Outcome] = {}
        self._activations = 0

    # --- definitions -------------------------------------------------------------------------------------

    def define(self, node: FuncNode, frame: Frame, cls: ClassInfo | None = None) -> None:
        name = node.name.value
        self.walk.record.bound_names.add(name)
        owner = cls.name if cls is not None else ("" if frame.function == "<module>" else frame.function)
        qualname = f"{owner}.{name}" if owner else name
        if node not in self.functions:
            kind = "method"
            for deco in node.decorators:
                dotted = dotted_name(deco.decorator) or ""
                if dotted.rsplit(".", 1)[-1] in ("staticmethod", "classmethod"):
                    kind = dotted.rsplit(".", 1)[-1]
            self.functions[node] = Function(node, qualname, frame.env, owner=cls, method_kind=kind)
        if cls is None:
            self.walk.bind(node.name, (V.FunctionObj(node),), frame)
        else:
            cls.methods[name] = self.functions[node]

    def define_class(self, node: cst.ClassDef, frame: Frame) -> None:
        self.walk.record.bound_names.add(node.name.value)
        info = ClassInfo(node, frame.env)
        for base in node.bases:
            for v in self.walk.eval(base.value, frame):
                if isinstance(v, V.ClassObj):
                    info.bases.append(v.info)
        self.walk.bind(node.name, (V.ClassObj(info),), frame)
        body = node.body.body if isinstance(node.body, cst.IndentedBlock) else ()
        # The class body runs once, at definition: its assignments become class attributes.
        inner = Frame(info.attrs, f"{info.name}", frame.phase, frame.quant_call, [], None, frame.pending)
        for stmt in body:
            if isinstance(stmt, cst.FunctionDef):
                self.define(stmt, frame, cls=info)
            elif isinstance(stmt, cst.SimpleStatementLine):
                for small in stmt.body:
                    if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
                        info.fields.append(small.target.value)
                self.walk.exec_stmt(stmt, inner)

    # --- calls -------------------------------------------------------------------------------------------

    def super_of(self, frame: Frame) -> V.Vals:
        """`super()` in a method: the class's bases, bound to the method's `self`."""
        fn = self.functions.get(self._stack[-1]) if self._stack else None
        if fn is None or fn.owner is None or not fn.node.params.params:
            return ()
        owner = frame.env.lookup(fn.node.params.params[0].name.value) or ()
        return (V.SuperObj(fn.owner, owner),)

    def methods_of(self, receiver: V.Vals, attr: str) -> V.Vals:
        """What `obj.attr` calls when `obj` is an object or class of the script: bound methods, or a function
        held in an attribute."""
        out: list[V.Val] = []
        for v in receiver:
            match v:
                case V.SuperObj(cls, owners):
                    method = next((m for m in (b.method(attr) for b in cls.bases) if m is not None), None)
                    if method is not None:
                        out.extend(V.BoundMethod(method.node, o) for o in owners if V.is_object(o))
                case V.InstanceObj() | V.ClassObj():
                    cls = v.obj.cls if isinstance(v, V.InstanceObj) else v.info
                    method = cls.method(attr)
                    if method is not None:
                        out.append(V.BoundMethod(method.node, v))
                        continue
                    held = v.obj.lookup(attr) if isinstance(v, V.InstanceObj) else v.info.attr(attr)
                    out.extend(h for h in held or () if isinstance(h, V.FunctionObj | V.LambdaObj))
        return tuple(out)

    def call(
        self, callee: V.Vals, args: tuple[V.Vals, ...], kwargs: dict[str, V.Vals], frame: Frame
    ) -> V.Vals | None:
        """Call the script's own functions, lambdas, classes and methods among `callee`: their results, or
        None when `callee` holds none of them."""
        out: list[V.Val] = []
        handled = False
        for v in callee:
            match v:
                case V.FunctionObj(node) if node in self.functions:
                    handled = True
                    out.extend(self._inline(self.functions[node], args, kwargs, frame))
                case V.LambdaObj(fn):
                    handled = True
                    out.extend(self._call_lambda(fn, args, kwargs, frame))
                case V.ClassObj(info):
                    handled = True
                    out.extend(self._instantiate(info, args, kwargs, frame))
                case V.BoundMethod(node, owner) if node in self.functions:
                    method = self.functions[node]
                    handled = True
                    if method.method_kind == "staticmethod":
                        out.extend(self._inline(method, args, kwargs, frame))
                    else:
                        first: V.Val = owner
                        if method.method_kind == "classmethod" and isinstance(owner, V.InstanceObj):
                            first = V.ClassObj(owner.obj.cls)
                        out.extend(self._inline(method, ((first,), *args), kwargs, frame))
        return V.union(out) if handled else None

    def walk_uncalled(self) -> None:
        """Walk each function nobody called (library-style scripts, methods) once on its own."""
        done: set[FuncNode] = set()
        while True:
            todo = [f for f in self.functions.values() if f.activations == 0 and f.node not in done]
            if not todo:
                break
            # A class's __init__ first: the attributes it sets are what the other methods read.
            todo.sort(key=lambda f: f.owner is not None and f.node.name.value != "__init__")
            for fn in todo:
                done.add(fn.node)
                self._activate(fn, self._standalone_args(fn), {}, UNKNOWN)

    def _standalone_args(self, fn: Function) -> tuple[V.Vals, ...]:
        """`self` (or `cls`) for a method walked on its own: the class's latest object, else a fresh one."""
        cls = fn.owner
        if cls is None or fn.method_kind == "staticmethod":
            return ()
        if fn.method_kind == "classmethod":
            return ((V.ClassObj(cls),),)
        if cls.standalone is None:
            made = [i for i in self.instances if i.cls is cls]
            if not made:
                made.append(Instance(cls))
                self.instances.append(made[-1])
            cls.standalone = made[-1]
        return ((V.InstanceObj(cls.standalone),),)

    def _instantiate(
        self, cls: ClassInfo, args: tuple[V.Vals, ...], kwargs: dict[str, V.Vals], frame: Frame
    ) -> V.Vals:
        instance = Instance(cls)
        self.instances.append(instance)
        value = V.InstanceObj(instance)
        init = cls.method("__init__")
        if init is not None:
            self._inline(init, ((value,), *args), kwargs, frame)
        else:  # a dataclass / NamedTuple style class: arguments fill the annotated fields in order
            for i, name in enumerate(cls.fields):
                if i < len(args):
                    instance.attrs[name] = args[i]
                elif name in kwargs:
                    instance.attrs[name] = kwargs[name]
        return (value,)

    def _call_lambda(
        self, fn: LambdaFn, args: tuple[V.Vals, ...], kwargs: dict[str, V.Vals], frame: Frame
    ) -> V.Vals:
        if fn in self._lambdas or len(self._stack) + len(self._lambdas) >= MAX_INLINE_DEPTH:
            return ()
        env = Env(fn.closure)
        self._bind_params(fn.node.params, env, args, kwargs, Frame(fn.closure, frame.function, frame.phase))
        inner = Frame(env, frame.function, frame.phase, frame.quant_call, [], None, frame.pending)
        self._lambdas.append(fn)
        try:
            result = self.walk.eval(fn.node.body, inner)
        finally:
            self._lambdas.pop()
        frame.phase, frame.quant_call = inner.phase, inner.quant_call
        return result

    def _inline(
        self, fn: Function, args: tuple[V.Vals, ...], kwargs: dict[str, V.Vals], frame: Frame
    ) -> V.Vals:
        if (
            fn.node in self._stack
            or len(self._stack) >= MAX_INLINE_DEPTH
            or self._activations >= MAX_ACTIVATIONS
        ):
            return ()
        key = (fn.node, frame.phase, args, tuple(sorted(kwargs.items(), key=lambda kv: kv[0])))
        # Objects of the script change between calls (`self.graph = ...`): never reuse a walk that saw one.
        stateful = any(
            isinstance(v, V.InstanceObj | V.ClassObj) for vals in (*args, *kwargs.values()) for v in vals
        )
        memo = None if stateful else self._memo.get(key)
        if memo is None:
            memo = self._activate(fn, args, kwargs, frame.phase)
            # A function that makes a graph or an object makes a new one per call: walk each call.
            fresh = any(isinstance(v, V.Graph | V.InstanceObj | V.Session) for v in memo[0])
            if not stateful and not fresh:
                self._memo[key] = memo
        returns, exit_phase, quant_call = memo
        if quant_call is not None and quant_call is not frame.quant_call and "after" in exit_phase:
            frame.quant_call = quant_call
        if "after" in exit_phase and "after" not in frame.phase and "unknown" in frame.phase:
            self.walk.record.settle_pending(frame)
        if "after" not in exit_phase:
            frame.quant_call = None
        frame.phase = exit_phase
        return returns

    def _bind_params(
        self,
        params: cst.Parameters,
        env: Env,
        args: tuple[V.Vals, ...],
        kwargs: dict[str, V.Vals],
        outer: Frame,
    ) -> None:
        """Bind a call's argument values to a function's (or lambda's) parameters in `env`."""
        ordered = [*params.posonly_params, *params.params]
        used: set[str] = set()
        bound_names = self.walk.record.bound_names

        def bind(param: cst.Param, given: V.Vals | None) -> None:
            """The positional argument if `given`, else the keyword one, else the default, else unknown."""
            name = param.name.value
            bound_names.add(name)
            if given is not None:
                env.vars[name] = given
            elif name in kwargs:
                env.vars[name] = kwargs[name]
                used.add(name)
            elif param.default is not None:
                env.vars[name] = self.walk.eval(param.default, outer)
            else:
                env.vars[name] = ()

        for i, param in enumerate(ordered):
            bind(param, args[i] if i < len(args) else None)
        star = params.star_arg
        if isinstance(star, cst.Param):
            bound_names.add(star.name.value)
            env.vars[star.name.value] = (V.Seq(tuple(args[len(ordered) :])),)
        for param in params.kwonly_params:
            bind(param, None)
        if params.star_kwarg is not None:
            name = params.star_kwarg.name.value
            bound_names.add(name)
            rest = [((V.const(k),), v) for k, v in kwargs.items() if k not in used]
            env.vars[name] = (V.DictV(tuple(rest)),)

    def _activate(
        self, fn: Function, args: tuple[V.Vals, ...], kwargs: dict[str, V.Vals], phase: PhaseSet
    ) -> Outcome:
        fn.activations += 1
        self._activations += 1
        env = Env(fn.closure)
        frame = Frame(env, fn.qualname, phase)
        parsed = self.walk.parsed
        self._stack.append(fn.node)
        self.walk.frames.append(frame)
        focus = parsed.focus(fn.node)  # default values and the body are in the function's chunk
        try:
            self._bind_params(fn.node.params, env, args, kwargs, Frame(fn.closure, fn.qualname, phase))
            self.walk.exec_suite(fn.node.body, frame)
        finally:
            self._stack.pop()
            self.walk.frames.pop()
            parsed.restore(focus)
        return V.union(frame.returns), frame.phase, frame.quant_call
