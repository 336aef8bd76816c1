"""Scopes and the script's own callables and objects: bindings, frames, functions, classes, instances."""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from amct_lsp.script import values as V
from amct_lsp.script.facts import AmctCall
from amct_lsp.script.walk.phases import PhaseSet

FuncNode = cst.FunctionDef


class Env:
    """Variable bindings of one scope; lookups fall back to the enclosing scope (module for functions)."""

    __slots__ = ("parent", "vars")

    def __init__(self, parent: Env | None = None, bindings: dict[str, V.Vals] | None = None) -> None:
        self.parent = parent
        self.vars: dict[str, V.Vals] = bindings if bindings is not None else {}

    def lookup(self, name: str) -> V.Vals | None:
        env: Env | None = self
        while env is not None:
            found = env.vars.get(name)
            if found is not None:
                return found
            env = env.parent
        return None

    def copy(self) -> Env:
        return Env(self.parent, dict(self.vars))

    def merge(self, *others: Env) -> None:
        """Join branches into self: a name keeps every alternative any branch may leave it with."""
        keys = set(self.vars).union(*(o.vars for o in others))
        for key in keys:
            self.vars[key] = V.union(self.vars.get(key, ()), *(o.vars.get(key, ()) for o in others))


@dataclass(slots=True)
class Frame:
    """One activation of a function (or the module body)."""

    env: Env
    function: str
    phase: PhaseSet
    quant_call: AmctCall | None = None
    returns: list[V.Val] = field(default_factory=list)
    #: The single small statement being executed, when it is alone on its line(s).
    statement: cst.SimpleStatementLine | None = None
    #: Indexes of uses recorded while the phase was still unknown (become BEFORE if quantize_model follows).
    pending: list[int] = field(default_factory=list)
    #: Names declared `global` / `nonlocal` here → the scope an assignment to them writes to.
    declared: dict[str, Env] = field(default_factory=dict)


@dataclass(slots=True)
class Function:
    node: FuncNode
    qualname: str
    closure: Env
    activations: int = 0
    #: The class a method belongs to (its first parameter is bound to an instance), None for a function.
    owner: ClassInfo | None = None
    #: "method", "classmethod" or "staticmethod" for methods.
    method_kind: str = "method"


class ClassInfo:
    """A class of the script: its class-level attributes and its methods (hashable by identity)."""

    __slots__ = ("attrs", "bases", "fields", "methods", "name", "node", "standalone")

    def __init__(self, node: cst.ClassDef, closure: Env) -> None:
        self.node = node
        self.name = node.name.value
        self.attrs = Env(closure)
        self.methods: dict[str, Function] = {}
        self.bases: list[ClassInfo] = []
        #: Annotated class-level names in order (dataclass fields, bound from constructor arguments).
        self.fields: list[str] = []
        #: The instance a method gets when it is walked on its own (nobody seen calling it).
        self.standalone: Instance | None = None

    def method(self, name: str) -> Function | None:
        found = self.methods.get(name)
        if found is not None:
            return found
        for base in self.bases:
            found = base.method(name)
            if found is not None:
                return found
        return None

    def attr(self, name: str) -> V.Vals | None:
        found = self.attrs.vars.get(name)
        if found is not None:
            return found
        for base in self.bases:
            found = base.attr(name)
            if found is not None:
                return found
        return None


class Instance:
    """An object of a script class: attribute bindings that methods read and write (`self.output_name`)."""

    __slots__ = ("attrs", "cls")

    def __init__(self, cls: ClassInfo) -> None:
        self.cls = cls
        self.attrs: dict[str, V.Vals] = {}

    def lookup(self, name: str) -> V.Vals | None:
        found = self.attrs.get(name)
        return found if found is not None else self.cls.attr(name)


@dataclass(frozen=True, slots=True)
class LambdaFn:
    node: cst.Lambda
    closure: Env
