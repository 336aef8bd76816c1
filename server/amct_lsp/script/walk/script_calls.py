"""Calling the script's own functions, lambdas, classes and methods: arguments in, results and phase out."""

from __future__ import annotations

import libcst as cst

from amct_lsp.script import values as V
from amct_lsp.script.facts import AmctCall
from amct_lsp.script.walk.bindings import Bindings
from amct_lsp.script.walk.known_apis import MAX_ACTIVATIONS, MAX_INLINE_DEPTH
from amct_lsp.script.walk.phases import PhaseSet, settle_pending
from amct_lsp.script.walk.scopes import ClassInfo, Env, Frame, Function, Instance, LambdaFn


class ScriptCalls(Bindings):
    """Walks into the script's own callables (memoized, depth- and count-limited)."""

    def _super(self, frame: Frame) -> V.Vals:
        """`super()` in a method: the class's bases, bound to the method's `self`."""
        fn = self.functions.get(self._stack[-1]) if self._stack else None
        if fn is None or fn.owner is None or not fn.node.params.params:
            return ()
        owner = frame.env.lookup(fn.node.params.params[0].name.value) or ()
        return (V.SuperObj(fn.owner, owner),)

    def _methods(self, receiver: V.Vals, attr: str) -> V.Vals:
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

    def _call_script(
        self, callee: V.Vals, args: list[V.Vals], kwargs: dict[str, V.Vals], frame: Frame
    ) -> tuple[bool, V.Vals]:
        """Call the script's own functions, lambdas, classes and methods; (whether any was, their results)."""
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
                        out.extend(self._inline(method, [(first,), *args], kwargs, frame))
        return handled, V.union(out)

    def _instantiate(
        self, cls: ClassInfo, args: list[V.Vals], kwargs: dict[str, V.Vals], frame: Frame
    ) -> V.Vals:
        instance = Instance(cls)
        self._instances.append(instance)
        value = V.InstanceObj(instance)
        init = cls.method("__init__")
        if init is not None:
            self._inline(init, [(value,), *args], kwargs, frame)
        else:  # a dataclass / NamedTuple style class: arguments fill the annotated fields in order
            for i, name in enumerate(cls.fields):
                if i < len(args):
                    instance.attrs[name] = args[i]
                elif name in kwargs:
                    instance.attrs[name] = kwargs[name]
        return (value,)

    def _call_lambda(
        self, fn: LambdaFn, args: list[V.Vals], kwargs: dict[str, V.Vals], frame: Frame
    ) -> V.Vals:
        if fn in self._lambdas or len(self._stack) + len(self._lambdas) >= MAX_INLINE_DEPTH:
            return ()
        env = Env(fn.closure)
        self._bind_params(fn.node.params, env, args, kwargs, Frame(fn.closure, frame.function, frame.phase))
        inner = Frame(env, frame.function, frame.phase, frame.quant_call, [], None, frame.pending)
        self._lambdas.append(fn)
        try:
            result = self.eval(fn.node.body, inner)
        finally:
            self._lambdas.pop()
        frame.phase, frame.quant_call = inner.phase, inner.quant_call
        return result

    def _inline(self, fn: Function, args: list[V.Vals], kwargs: dict[str, V.Vals], frame: Frame) -> V.Vals:
        if (
            fn.node in self._stack
            or len(self._stack) >= MAX_INLINE_DEPTH
            or self._activations >= MAX_ACTIVATIONS
        ):
            return ()
        key = (fn.node, frame.phase, tuple(args), tuple(sorted(kwargs.items(), key=lambda kv: kv[0])))
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
            settle_pending(self.uses, frame.pending)
        if "after" not in exit_phase:
            frame.quant_call = None
        frame.phase = exit_phase
        return returns

    def _bind_params(
        self, params: cst.Parameters, env: Env, args: list[V.Vals], kwargs: dict[str, V.Vals], outer: Frame
    ) -> None:
        """Bind a call's argument values to a function's (or lambda's) parameters in `env`."""
        ordered = [*params.posonly_params, *params.params]
        used: set[str] = set()

        def bind(param: cst.Param, given: V.Vals | None) -> None:
            """The positional argument if `given`, else the keyword one, else the default, else unknown."""
            name = param.name.value
            self.bound_names.add(name)
            if given is not None:
                env.vars[name] = given
            elif name in kwargs:
                env.vars[name] = kwargs[name]
                used.add(name)
            elif param.default is not None:
                env.vars[name] = self.eval(param.default, outer)
            else:
                env.vars[name] = ()

        for i, param in enumerate(ordered):
            bind(param, args[i] if i < len(args) else None)
        star = params.star_arg
        if isinstance(star, cst.Param):
            self.bound_names.add(star.name.value)
            env.vars[star.name.value] = (V.Seq(tuple(args[len(ordered) :])),)
        for param in params.kwonly_params:
            bind(param, None)
        if params.star_kwarg is not None:
            name = params.star_kwarg.name.value
            self.bound_names.add(name)
            rest = [((V.const(k),), v) for k, v in kwargs.items() if k not in used]
            env.vars[name] = (V.DictV(tuple(rest)),)

    def _activate(
        self,
        fn: Function,
        args: list[V.Vals],
        kwargs: dict[str, V.Vals],
        phase: PhaseSet,
        *,
        standalone: bool = False,
    ) -> tuple[V.Vals, PhaseSet, AmctCall | None]:
        fn.activations += 1
        self._activations += 1
        env = Env(fn.closure)
        frame = Frame(env, fn.qualname, phase)
        self._stack.append(fn.node)
        self._frames.append(frame)
        focus = self.parsed.focus(fn.node)  # default values and the body are in the function's chunk
        try:
            self._bind_params(fn.node.params, env, args, kwargs, Frame(fn.closure, fn.qualname, phase))
            self.exec_suite(fn.node.body, frame)
        finally:
            self._stack.pop()
            self._frames.pop()
            self.parsed.restore(focus)
        return V.union(frame.returns), frame.phase, frame.quant_call
