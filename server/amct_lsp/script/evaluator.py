"""Walk a quantization script in execution order and record where every name string ends up.

The walk is flow-sensitive inside a function (assignments replace bindings; `if` branches and loops merge),
follows calls into the script's own functions (arguments bound to parameters, return values back), and keeps
the phase: whether `quantize_model` has run yet. Each string reaching a sink (`get_tensor_by_name`,
`sess.run`, `save_model(outputs=...)`, ...) becomes a `NameUse`; each `.pb` path reaching a loader a
`ModelCandidate`.
Anything it does not understand evaluates to "unknown" and is simply not reported.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import libcst as cst

from amct_lsp.findings import Position, Span
from amct_lsp.script import values as V
from amct_lsp.script.facts import (
    AmctCall,
    ConfigRef,
    ModelCandidate,
    ModelSource,
    NameUse,
    Phase,
    SkipSet,
    UseKind,
)
from amct_lsp.script.parse import Parsed

AMCT_MODULE = "amct_tensorflow"
#: Positional parameters of the AMCT APIs we read arguments of.
AMCT_SIGNATURES: dict[str, tuple[str, ...]] = {
    "create_quant_config": (
        "config_file",
        "graph",
        "skip_layers",
        "batch_num",
        "activation_offset",
        "config_defination",
    ),
    "quantize_model": ("graph", "config_file", "record_file", "calib_outputs"),
    "quantize_model_ascend": ("graph", "config_file", "record_file", "calib_outputs"),
    "save_model": ("pb_model", "outputs", "record_file", "save_path"),
    "create_quant_retrain_config": ("config_file", "graph", "config_defination"),
    "create_quant_retrain_model": ("graph", "config_file", "record_file"),
    "save_quant_retrain_model": ("pb_model", "outputs", "record_file", "save_path"),
}
QUANTIZE_APIS = frozenset({"quantize_model", "quantize_model_ascend"})
MODEL_SUFFIXES = (".pb", ".pbtxt")
LOADERS = frozenset({"GFile", "FastGFile", "Open", "open"})
SESSIONS = frozenset({"Session", "InteractiveSession"})
MAX_INLINE_DEPTH = 12
#: Position of the `name` argument of TensorFlow calls that scripts often name positionally.
_NAME_POSITION = {"identity": 1, "placeholder": 2, "placeholder_with_default": 2, "constant": 3}
#: At most this many nested `if`s whose branches differ in whether quantize_model ran are followed apart.
MAX_SPLITS = 4
MAX_ACTIVATIONS = 4000

PhaseSet = frozenset[str]
BEFORE: PhaseSet = frozenset({"before"})
AFTER: PhaseSet = frozenset({"after"})
UNKNOWN: PhaseSet = frozenset({"unknown"})

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


class GraphRef:
    """One tf.Graph of the script (hashable by identity): which graph quantize_model rewrote, which one a
    lookup or a session reads."""

    __slots__ = ()


@dataclass(frozen=True, slots=True)
class LambdaFn:
    node: cst.Lambda
    closure: Env


class Evaluator:
    """One walk over one parsed script."""

    def __init__(self, parsed: Parsed, path: str) -> None:
        self.parsed = parsed
        self.path = path
        self.script_file = os.path.abspath(path) if path else "<script>"
        self.imports: dict[str, str] = {}  # local name -> dotted module path ("tf" -> "tensorflow")
        self.amct_funcs: dict[str, str] = {}  # local name -> AMCT api
        self.uses_amct = False
        self.uses: list[NameUse] = []
        self._use_keys: dict[tuple[object, ...], int] = {}
        self.calls: dict[Span, AmctCall] = {}
        self.models: list[ModelCandidate] = []
        self.constants: list[ModelCandidate] = []
        self.configs: list[ConfigRef] = []
        self.skip_layers: list[str] = []
        self.skip_layer_types: list[str] = []
        self.skip_sets: list[SkipSet] = []
        self.argparse_defaults: dict[str, V.Vals] = {}
        self.functions: dict[FuncNode, Function] = {}
        self.bound_names: set[str] = set()
        self._stack: list[FuncNode] = []
        self._memo: dict[tuple[object, ...], tuple[V.Vals, PhaseSet, AmctCall | None]] = {}
        self._activations = 0
        self._written: set[Span] = set()  # literals that flowed into a write-mode open()
        #: Values of the items of the latest list/tuple/dict displays, so sinks can look at each item.
        self._items: dict[cst.CSTNode, V.Vals] = {}
        self.module_env = Env()
        self._instances: list[Instance] = []
        self._lambdas: list[LambdaFn] = []
        #: Frames being executed (module first): AMCT's in-place update of calib_outputs reaches all of them.
        self._frames: list[Frame] = []
        #: Nested `if` statements whose branches are being followed separately (see exec_block).
        self._splits = 0
        #: Name prefixes `tf.import_graph_def` puts on the model's nodes ("import" unless name='' is given).
        self.import_prefixes: set[str] = set()
        #: Op names the script creates itself (`name=` of TensorFlow calls): not the model's, not AMCT's.
        self.script_names: set[str] = set()
        #: The graph `tf.get_default_graph()` gives now, and the graphs quantize_model rewrote (None once
        #: it rewrote a graph we cannot tell apart).
        self._default_graph = GraphRef()
        self._quantized: set[GraphRef] | None = set()

    # -- entry -----------------------------------------------------------------------------------------------

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
            return [(V.Opaque("class", cls),)]
        if cls.standalone is None:
            made = [i for i in self._instances if i.cls is cls]
            if not made:
                made.append(Instance(cls))
                self._instances.append(made[-1])
            cls.standalone = made[-1]
        return [(V.Opaque("instance", cls.standalone),)]

    # -- statements ------------------------------------------------------------------------------------------

    def exec_block(
        self,
        body: Sequence[cst.BaseStatement] | Sequence[cst.BaseSmallStatement],
        frame: Frame,
        top: bool | None = None,
    ) -> None:
        top = body is self.parsed.statements if top is None else top
        for index, stmt in enumerate(body):
            if top:
                self.parsed.focus(stmt)
            if isinstance(stmt, cst.If) and not _is_main_guard(stmt.test):
                branches = self._if_branches(stmt, frame)
                if self._splits < MAX_SPLITS and len({"after" in b.phase for b in branches}) > 1:
                    # quantize_model runs in some branches only: follow each branch through the rest of the
                    # block, so a name chosen in the branch that did not quantize is judged on that path.
                    self._splits += 1
                    try:
                        for branch in branches:
                            self.exec_block(body[index + 1 :], branch, top)
                    finally:
                        self._splits -= 1
                    self._take(frame, branches)
                    return
                self._take(frame, branches)
                continue
            self.exec_stmt(stmt, frame)

    def exec_suite(self, suite: cst.BaseSuite, frame: Frame) -> None:
        if isinstance(suite, cst.IndentedBlock | cst.SimpleStatementSuite):
            self.exec_block(suite.body, frame)

    def exec_stmt(self, stmt: cst.CSTNode, frame: Frame) -> None:
        if isinstance(stmt, cst.BaseSmallStatement):
            self.exec_small(stmt, frame)
        elif isinstance(stmt, cst.SimpleStatementLine):
            frame.statement = stmt if len(stmt.body) == 1 else None
            try:
                for small in stmt.body:
                    self.exec_small(small, frame)
            finally:
                frame.statement = None
        elif isinstance(stmt, cst.FunctionDef):
            self._define(stmt, frame)
        elif isinstance(stmt, cst.ClassDef):
            self.bound_names.add(stmt.name.value)
            self._define_class(stmt, frame)
        elif isinstance(stmt, cst.If):
            self._exec_if(stmt, frame)
        elif isinstance(stmt, cst.For):
            self._exec_for(stmt, frame)
        elif isinstance(stmt, cst.While):
            self.eval(stmt.test, frame)
            self._loop(frame, lambda f: self.exec_suite(stmt.body, f), stmt.orelse)
        elif isinstance(stmt, cst.With):
            default = self._default_graph
            for item in stmt.items:
                vals = self.eval(item.item, frame)
                if item.asname is not None:
                    self.bind(item.asname.name, vals, frame)
                graphs = _graphs(vals)
                if _is_as_default(item.item) and graphs is not None and len(graphs) == 1:
                    self._default_graph = next(iter(graphs))
            try:
                self.exec_suite(stmt.body, frame)
            finally:
                self._default_graph = default
        elif isinstance(stmt, cst.Try | cst.TryStar):
            self.exec_suite(stmt.body, frame)
            branches = []
            for handler in stmt.handlers:
                branch = self._fork(frame)
                self.exec_suite(handler.body, branch)
                branches.append(branch)
            if stmt.orelse is not None:
                self.exec_suite(stmt.orelse.body, frame)
            self._join(frame, [frame, *branches])
            if stmt.finalbody is not None:
                self.exec_suite(stmt.finalbody.body, frame)
        elif isinstance(stmt, cst.Match):
            self.eval(stmt.subject, frame)
            branches = []
            for case in stmt.cases:
                branch = self._fork(frame)
                self.exec_suite(case.body, branch)
                branches.append(branch)
            self._join(frame, [frame, *branches])

    def exec_small(self, small: cst.BaseSmallStatement, frame: Frame) -> None:
        if isinstance(small, cst.Expr):
            self.eval(small.value, frame)
        elif isinstance(small, cst.Assign):
            vals = self.eval(small.value, frame)
            for target in small.targets:
                self.bind(target.target, vals, frame)
        elif isinstance(small, cst.AnnAssign):
            if small.value is not None:
                self.bind(small.target, self.eval(small.value, frame), frame)
        elif isinstance(small, cst.AugAssign):
            right = self.eval(small.value, frame)
            if isinstance(small.target, cst.Name) and isinstance(small.operator, cst.AddAssign):
                left = self.eval(small.target, frame)
                self.bind(small.target, self._add(left, right), frame)
        elif isinstance(small, cst.Return):
            if small.value is not None:
                frame.returns.extend(self.eval(small.value, frame))
        elif isinstance(small, cst.Import):
            self._import(small, frame)
        elif isinstance(small, cst.ImportFrom):
            self._import_from(small, frame)
        elif isinstance(small, cst.Assert):
            self.eval(small.test, frame)
        elif isinstance(small, cst.Raise) and small.exc is not None:
            self.eval(small.exc, frame)
        elif isinstance(small, cst.Global) and frame.function != "<module>":
            for item in small.names:
                frame.declared[item.name.value] = self.module_env
        elif isinstance(small, cst.Nonlocal) and frame.env.parent is not None:
            for item in small.names:
                frame.declared[item.name.value] = frame.env.parent

    def _fork(self, frame: Frame) -> Frame:
        return Frame(
            frame.env.copy(),
            frame.function,
            frame.phase,
            frame.quant_call,
            frame.returns,
            None,
            frame.pending,
            frame.declared,
        )

    def _join(self, frame: Frame, branches: list[Frame]) -> None:
        """Merge branch frames back into `frame` (which may itself be one of them)."""
        others = [b for b in branches if b is not frame]
        if others:
            frame.env.merge(*(b.env for b in others))
        phases: set[str] = set(frame.phase)
        for b in branches:
            phases |= b.phase
        if len(phases) > 1:
            phases.discard("unknown")
        frame.phase = frozenset(phases)
        for b in others:
            if b.quant_call is not None:
                frame.quant_call = b.quant_call

    def _exec_if(self, stmt: cst.If, frame: Frame) -> None:
        if _is_main_guard(stmt.test):
            self.eval(stmt.test, frame)
            self.exec_suite(stmt.body, frame)
            return
        self._take(frame, self._if_branches(stmt, frame))

    def _if_branches(self, stmt: cst.If, frame: Frame) -> list[Frame]:
        """One frame per way through an if/elif/else chain (the implicit empty `else` included)."""
        self.eval(stmt.test, frame)
        then = self._fork(frame)
        self.exec_suite(stmt.body, then)
        orelse = stmt.orelse
        if isinstance(orelse, cst.If):
            return [then, *self._if_branches(orelse, self._fork(frame))]
        other = self._fork(frame)
        if isinstance(orelse, cst.Else):
            self.exec_suite(orelse.body, other)
        return [then, other]

    def _take(self, frame: Frame, branches: list[Frame]) -> None:
        """Continue `frame` from the join of `branches` (forks of it)."""
        first = branches[0]
        frame.env, frame.phase, frame.quant_call = first.env, first.phase, first.quant_call
        self._join(frame, branches[1:])

    def _exec_for(self, stmt: cst.For, frame: Frame) -> None:
        iterable = self.eval(stmt.iter, frame)
        items = self.iterate(iterable)

        def body(f: Frame) -> None:
            self.bind(stmt.target, items, f)
            self.exec_suite(stmt.body, f)

        self._loop(frame, body, stmt.orelse)

    def _loop(self, frame: Frame, body: Callable[[Frame], None], orelse: cst.Else | None) -> None:
        """A loop body runs zero or more times: walk it once on a copy and merge."""
        inner = self._fork(frame)
        body(inner)
        self._join(frame, [frame, inner])
        if orelse is not None:
            self.exec_suite(orelse.body, frame)

    # -- definitions and imports -----------------------------------------------------------------------------

    def _define(self, node: FuncNode, frame: Frame, cls: ClassInfo | None = None) -> None:
        name = node.name.value
        self.bound_names.add(name)
        owner = cls.name if cls is not None else ("" if frame.function == "<module>" else frame.function)
        qualname = f"{owner}.{name}" if owner else name
        if node not in self.functions:
            kind = "method"
            for deco in node.decorators:
                dotted = _dotted(deco.decorator) or ""
                if dotted.rsplit(".", 1)[-1] in ("staticmethod", "classmethod"):
                    kind = dotted.rsplit(".", 1)[-1]
            self.functions[node] = Function(node, qualname, frame.env, owner=cls, method_kind=kind)
        if cls is None:
            self.bind(node.name, (V.Opaque("function", node),), frame)
        else:
            cls.methods[name] = self.functions[node]

    def _define_class(self, node: cst.ClassDef, frame: Frame) -> None:
        info = ClassInfo(node, frame.env)
        for base in node.bases:
            for v in self.eval(base.value, frame):
                if isinstance(v, V.Opaque) and isinstance(v.ref, ClassInfo):
                    info.bases.append(v.ref)
        self.bind(node.name, (V.Opaque("class", info),), frame)
        body = node.body.body if isinstance(node.body, cst.IndentedBlock) else ()
        # The class body runs once, at definition: its assignments become class attributes.
        inner = Frame(info.attrs, f"{info.name}", frame.phase, frame.quant_call, [], None, frame.pending)
        for stmt in body:
            if isinstance(stmt, cst.FunctionDef):
                self._define(stmt, frame, cls=info)
            elif isinstance(stmt, cst.SimpleStatementLine):
                for small in stmt.body:
                    if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
                        info.fields.append(small.target.value)
                self.exec_stmt(stmt, inner)

    def _import(self, node: cst.Import, frame: Frame) -> None:
        for alias in node.names:
            dotted = _dotted(alias.name)
            if dotted is None:
                continue
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                local = alias.asname.name.value
                self.imports[local] = dotted
            else:
                local = dotted.split(".")[0]
                self.imports[local] = local
            self.bound_names.add(local)
            if dotted == AMCT_MODULE or dotted.startswith(AMCT_MODULE + "."):
                self.uses_amct = True

    def _import_from(self, node: cst.ImportFrom, frame: Frame) -> None:
        if node.module is None or node.relative:
            return
        module = _dotted(node.module)
        if module is None or isinstance(node.names, cst.ImportStar):
            if module is not None and module.split(".")[0] == AMCT_MODULE:
                self.uses_amct = True
                for api in AMCT_SIGNATURES:
                    self.amct_funcs[api] = api
            return
        is_amct = module == AMCT_MODULE or module.startswith(AMCT_MODULE + ".")
        self.uses_amct |= is_amct
        for alias in node.names:
            if not isinstance(alias.name, cst.Name):
                continue
            name = alias.name.value
            local = name
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                local = alias.asname.name.value
            self.bound_names.add(local)
            if is_amct:
                self.amct_funcs[local] = name
            else:
                self.imports[local] = f"{module}.{name}"

    # -- binding ---------------------------------------------------------------------------------------------

    def bind(self, target: cst.BaseExpression, vals: V.Vals, frame: Frame) -> None:
        if isinstance(target, cst.Name):
            scope = frame.declared.get(target.value)
            (scope if scope is not None else frame.env).vars[target.value] = vals
            self.bound_names.add(target.value)
        elif isinstance(target, cst.Tuple | cst.List):
            elements = [e for e in target.elements]
            for i, element in enumerate(elements):
                if isinstance(element, cst.StarredElement):
                    self.bind(element.value, (), frame)
                    continue
                parts: list[V.Val] = []
                for v in vals:
                    if isinstance(v, V.Seq) and len(v.items) == len(elements):
                        parts.extend(v.items[i])
                self.bind(element.value, V.union(parts), frame)
        elif isinstance(target, cst.Attribute):
            owners = self.eval(target.value, frame)
            objects = [v.ref for v in owners if isinstance(v, V.Opaque) and v.kind in ("instance", "class")]
            for obj in objects:
                if isinstance(obj, Instance):
                    attrs = obj.attrs
                elif isinstance(obj, ClassInfo):
                    attrs = obj.attrs.vars
                else:
                    continue
                name = target.attr.value
                # One object: the assignment replaces the value; several possible objects: it may.
                attrs[name] = vals if len(objects) == 1 else V.union(attrs.get(name, ()), vals)
        elif isinstance(target, cst.Subscript):
            self.eval(target, frame)

    # -- expressions -----------------------------------------------------------------------------------------

    def eval(self, node: cst.BaseExpression, frame: Frame) -> V.Vals:
        """The alternatives `node` may evaluate to (unknown → empty), recording sinks along the way."""
        if isinstance(node, cst.SimpleString):
            return self._simple_string(node)
        if isinstance(node, cst.Name):
            return self._name(node, frame)
        if isinstance(node, cst.Call):
            return self._call(node, frame)
        if isinstance(node, cst.Attribute):
            return self._attribute(node, frame)
        if isinstance(node, cst.FormattedString):
            return self._fstring(node, frame)
        if isinstance(node, cst.ConcatenatedString):
            left = self.eval(node.left, frame)
            right = self.eval(node.right, frame)
            return self._add(left, right)
        if isinstance(node, cst.Integer):
            try:
                return (V.Int(int(node.value.replace("_", ""), 0)),)
            except ValueError:
                return ()
        if isinstance(node, cst.List | cst.Tuple | cst.Set):
            return (V.Seq(tuple(self._elements(node.elements, frame))),)
        if isinstance(node, cst.Dict):
            pairs: list[tuple[V.Vals, V.Vals]] = []
            for el in node.elements:
                if isinstance(el, cst.DictElement):
                    key, value = self.eval(el.key, frame), self.eval(el.value, frame)
                    self._items[el.key], self._items[el.value] = key, value
                    pairs.append((key, value))
                else:
                    self.eval(el.value, frame)
            return (V.DictV(tuple(pairs)),)
        if isinstance(node, cst.Subscript):
            return self._subscript(node, frame)
        if isinstance(node, cst.BinaryOperation):
            return self._binary(node, frame)
        if isinstance(node, cst.UnaryOperation):
            inner = self.eval(node.expression, frame)
            if isinstance(node.operator, cst.Minus):
                return tuple(V.Int(-v.value) for v in inner if isinstance(v, V.Int))
            return ()
        if isinstance(node, cst.IfExp):
            self.eval(node.test, frame)
            return V.union(self.eval(node.body, frame), self.eval(node.orelse, frame))
        if isinstance(node, cst.ListComp | cst.SetComp | cst.GeneratorExp):
            return self._comprehension(node, frame)
        if isinstance(node, cst.DictComp):
            self._comprehension(node, frame)
            return ()
        if isinstance(node, cst.NamedExpr):
            vals = self.eval(node.value, frame)
            self.bind(node.target, vals, frame)
            return vals
        if isinstance(node, cst.Await):
            return self.eval(node.expression, frame)
        if isinstance(node, cst.BooleanOperation):
            return self._boolean(node, frame)
        if isinstance(node, cst.Comparison):
            self.eval(node.left, frame)
            for target in node.comparisons:
                self.eval(target.comparator, frame)
            return ()
        if isinstance(node, cst.Lambda):
            return (V.Opaque("lambda", LambdaFn(node, frame.env)),)
        # Anything else: look inside for calls (sinks) but know no value.
        for child in node.children:
            if isinstance(child, cst.BaseExpression):
                self.eval(child, frame)
        return ()

    def _boolean(self, node: cst.BooleanOperation, frame: Frame) -> V.Vals:
        """`a or b` is `a` when `a` is truthy, else `b`; `a and b` the other way round. Alternatives whose
        truth is known pick their side; an unknown left side may be either."""
        left = self.eval(node.left, frame)
        right = self.eval(node.right, frame)
        keep_truthy = isinstance(node.operator, cst.Or)
        out: list[V.Val] = []
        takes_right = not left
        for v in left:
            truth = bool(v.value) if isinstance(v, V.Str | V.Int) else None
            if truth is None or truth == keep_truthy:
                out.append(v)
            if truth is None or truth != keep_truthy:
                takes_right = True
        return V.union(out, right if takes_right else ())

    def _elements(self, elements: Sequence[cst.BaseElement], frame: Frame) -> Iterable[V.Vals]:
        for el in elements:
            vals = self.eval(el.value, frame)
            self._items[el.value] = vals
            if isinstance(el, cst.StarredElement):
                seqs = [v for v in vals if isinstance(v, V.Seq)]
                if len(seqs) == 1:
                    yield from seqs[0].items
                continue
            yield vals

    def _literal(self, node: cst.SimpleString) -> V.Literal | None:
        prefix = node.prefix
        if "b" in prefix.lower():
            return None  # bytes are never names
        quote = node.quote
        body_raw = node.value[len(prefix) + len(quote) : len(node.value) - len(quote)]
        # `evaluated_value` compiles the literal; names almost never hold escapes, so skip that when we can.
        value = body_raw if "\\" not in body_raw else node.evaluated_value
        if not isinstance(value, str):
            return None
        span = self.parsed.span(node)
        editable = (
            body_raw == value and "\\" not in body_raw and "\n" not in body_raw and "\r" not in body_raw
        )
        body = (
            Position(span.start.line, span.start.character + len(prefix) + len(quote)) if editable else None
        )
        return V.Literal(span, value, body, quote, prefix)

    def _simple_string(self, node: cst.SimpleString) -> V.Vals:
        literal = self._literal(node)
        if literal is None:
            return ()
        if literal.value.lower().endswith(MODEL_SUFFIXES):
            self.constants.append(
                ModelCandidate(literal.value, ModelSource.CONSTANT, literal.span, "a .pb path in the script")
            )
        return (V.from_literal(literal),)

    def _fstring(self, node: cst.FormattedString, frame: Frame) -> V.Vals:
        span = self.parsed.span(node)
        quote = node.end
        prefix = node.start[: len(node.start) - len(quote)]
        pieces: list[V.Vals] = []
        for part in node.parts:
            if isinstance(part, cst.FormattedStringText):
                text = part.value
                if "{{" in text or "}}" in text or "\\" in text or "\n" in text or "\r" in text:
                    try:
                        evaluated = _unescape_fstring_text(text, prefix)
                    except ValueError:
                        return ()
                    pieces.append((V.const(evaluated),))
                else:
                    pspan = self.parsed.span(part)
                    literal = V.Literal(span, text, pspan.start, quote, prefix)
                    pieces.append((V.from_literal(literal),))
            elif isinstance(part, cst.FormattedStringExpression):
                vals = self.eval(part.expression, frame)
                if part.conversion is not None or part.format_spec:
                    return ()
                texts = tuple(t for t in (V.to_str(v) for v in vals) if t is not None)
                if not texts:
                    return ()
                pieces.append(texts)
        return self._product(pieces)

    def _product(self, pieces: list[V.Vals]) -> V.Vals:
        out: list[V.Val] = []
        for combo in itertools.islice(itertools.product(*pieces), V.MAX_ALTERNATIVES):
            parts = [p for p in combo if isinstance(p, V.Str)]
            if len(parts) == len(combo):
                out.append(V.concat(*parts))
        return V.union(out)

    def _name(self, node: cst.Name, frame: Frame) -> V.Vals:
        name = node.value
        if name == "__file__":
            return (V.const(self.script_file),)
        found = frame.env.lookup(name)
        if found is None:
            found = self.module_env.lookup(name)
        return found if found is not None else ()

    def _attribute(self, node: cst.Attribute, frame: Frame) -> V.Vals:
        base = self.eval(node.value, frame)
        attr = node.attr.value
        out: list[V.Val] = []
        for v in base:
            if isinstance(v, V.Opaque) and v.kind == "args":
                out.extend(self.argparse_defaults.get(attr, ()))
            elif isinstance(v, V.Opaque) and isinstance(v.ref, Instance):
                out.extend(v.ref.lookup(attr) or ())
            elif isinstance(v, V.Opaque) and v.kind == "session" and attr == "graph" and v.ref is not None:
                out.append(V.Opaque("graph", v.ref))
            elif isinstance(v, V.Opaque) and isinstance(v.ref, ClassInfo):
                out.extend(v.ref.attr(attr) or ())
            elif isinstance(v, V.Str) and attr == "parent":
                out.append(V.path_dirname(v))
        if not out and self._canonical(node) == "os.sep":
            out.append(V.const("/"))
        return V.union(out)

    def _subscript(self, node: cst.Subscript, frame: Frame) -> V.Vals:
        base = self.eval(node.value, frame)
        if len(node.slice) != 1:
            return ()
        sl = node.slice[0].slice
        out: list[V.Val] = []
        if isinstance(sl, cst.Index):
            keys = self.eval(sl.value, frame)
            for v in base:
                for k in keys:
                    if isinstance(v, V.Seq) and isinstance(k, V.Int):
                        if -len(v.items) <= k.value < len(v.items):
                            out.extend(v.items[k.value])
                    elif isinstance(v, V.Str) and isinstance(k, V.Int):
                        ch = V.index_str(v, k.value)
                        if ch is not None:
                            out.append(ch)
                    elif isinstance(v, V.DictV) and isinstance(k, V.Str):
                        for key_alts, value_alts in v.pairs:
                            if any(isinstance(a, V.Str) and a.value == k.value for a in key_alts):
                                out.extend(value_alts)
        elif isinstance(sl, cst.Slice):
            bounds: list[int | None] = []
            for part in (sl.lower, sl.upper):
                if part is None:
                    bounds.append(None)
                    continue
                ints = [b for b in self.eval(part, frame) if isinstance(b, V.Int)]
                if len(ints) != 1:
                    return ()
                bounds.append(ints[0].value)
            if sl.step is not None:
                return ()
            for v in base:
                if isinstance(v, V.Str):
                    out.append(V.slice_str(v, bounds[0], bounds[1]))
                elif isinstance(v, V.Seq):
                    out.append(V.Seq(v.items[bounds[0] : bounds[1]]))
        return V.union(out)

    def _add(self, left: V.Vals, right: V.Vals) -> V.Vals:
        out: list[V.Val] = []
        for a, b in itertools.islice(itertools.product(left, right), V.MAX_ALTERNATIVES):
            if isinstance(a, V.Str) and isinstance(b, V.Str):
                out.append(V.concat(a, b))
            elif isinstance(a, V.Seq) and isinstance(b, V.Seq):
                out.append(V.Seq(a.items + b.items))
            elif isinstance(a, V.Int) and isinstance(b, V.Int):
                out.append(V.Int(a.value + b.value))
        return V.union(out)

    def _binary(self, node: cst.BinaryOperation, frame: Frame) -> V.Vals:
        left = self.eval(node.left, frame)
        right = self.eval(node.right, frame)
        op = node.operator
        if isinstance(op, cst.Add):
            return self._add(left, right)
        out: list[V.Val] = []
        if isinstance(op, cst.Modulo):
            for a in V.strings(left):
                for b in right:
                    args: list[V.Val] = [alts[0] for alts in b.items if alts] if isinstance(b, V.Seq) else [b]
                    if isinstance(b, V.Seq) and len(args) != len(b.items):
                        continue
                    formatted = V.percent_format(a, args)
                    if formatted is not None:
                        out.append(formatted)
        elif isinstance(op, cst.Divide):  # pathlib: Path(x) / "model.pb"
            for a in V.strings(left):
                for b in V.strings(right):
                    out.append(V.path_join([a, b]))
        return V.union(out)

    def _comprehension(
        self, node: cst.ListComp | cst.SetComp | cst.GeneratorExp | cst.DictComp, frame: Frame
    ) -> V.Vals:
        inner = Frame(Env(frame.env), frame.function, frame.phase, frame.quant_call, [], None, frame.pending)
        clauses: list[cst.CompFor] = []
        comp: cst.CompFor | None = node.for_in
        while comp is not None:
            clauses.append(comp)
            comp = comp.inner_for_in
        first = self.eval(clauses[0].iter, frame)
        # One `for` over one known list and no `if`: map element by element (keeps each item separate).
        seqs = [v for v in first if isinstance(v, V.Seq)]
        if (
            len(clauses) == 1
            and not clauses[0].ifs
            and len(first) == 1
            and len(seqs) == 1
            and not isinstance(node, cst.DictComp)
        ):
            items: list[V.Vals] = []
            for item in seqs[0].items:
                self.bind(clauses[0].target, item, inner)
                items.append(self.eval(node.elt, inner))
            return (V.Seq(tuple(items)),)
        for i, clause in enumerate(clauses):
            source = first if i == 0 else self.eval(clause.iter, inner)
            self.bind(clause.target, self.iterate(source), inner)
            for cond in clause.ifs:
                self.eval(cond.test, inner)
        if isinstance(node, cst.DictComp):
            self.eval(node.key, inner)
            self.eval(node.value, inner)
            return ()
        return (V.Seq((self.eval(node.elt, inner),)),)

    def iterate(self, vals: V.Vals) -> V.Vals:
        """What a `for` over `vals` binds its target to: every item of every list alternative."""
        out: list[V.Val] = []
        for v in vals:
            if isinstance(v, V.Seq):
                for item in v.items:
                    out.extend(item)
            elif isinstance(v, V.DictV):
                for keys, _ in v.pairs:
                    out.extend(keys)
        return V.union(out)

    # -- calls -----------------------------------------------------------------------------------------------

    def _canonical(self, func: cst.BaseExpression) -> str | None:
        """`tf.gfile.GFile` with `import tensorflow as tf` → "tensorflow.gfile.GFile"; None if not dotted."""
        dotted = _dotted(func)
        if dotted is None:
            return None
        head, _, rest = dotted.partition(".")
        if head in self.imports:
            head = self.imports[head]
        return f"{head}.{rest}" if rest else head

    def _amct_api(self, func: cst.BaseExpression) -> str | None:
        if isinstance(func, cst.Name):
            return self.amct_funcs.get(func.value)
        canonical = self._canonical(func)
        if canonical and canonical.startswith(AMCT_MODULE + "."):
            return canonical.rsplit(".", 1)[1]
        return None

    def _call(self, node: cst.Call, frame: Frame) -> V.Vals:
        func = node.func
        api = self._amct_api(func)
        receiver: V.Vals = ()
        if isinstance(func, cst.Attribute) and api is None:
            receiver = self.eval(func.value, frame)
        elif isinstance(func, cst.Name) and api is None:
            receiver = self._name(func, frame)
        positional: list[tuple[cst.Arg, V.Vals]] = []
        keywords: dict[str, tuple[cst.Arg, V.Vals]] = {}
        #: Argument values for the script's own functions: `*seq` and `**dict` of known shape expanded.
        call_args: list[V.Vals] = []
        call_kwargs: dict[str, V.Vals] = {}
        for item in node.args:
            vals = self.eval(item.value, frame)
            if item.keyword is not None:
                keywords[item.keyword.value] = (item, vals)
                call_kwargs[item.keyword.value] = vals
            elif not item.star:
                positional.append((item, vals))
                call_args.append(vals)
            elif item.star == "*":
                seqs = [v for v in vals if isinstance(v, V.Seq)]
                call_args.extend(seqs[0].items if len(seqs) == 1 and len(vals) == 1 else ())
            else:
                dicts = [v for v in vals if isinstance(v, V.DictV)]
                for keys, value in dicts[0].pairs if len(dicts) == 1 and len(vals) == 1 else ():
                    names = [k.value for k in keys if isinstance(k, V.Str)]
                    if len(names) == 1 and len(keys) == 1:
                        call_kwargs[names[0]] = value
        if api is not None:
            return self._amct(api, node, positional, keywords, frame)
        attr = (
            func.attr.value
            if isinstance(func, cst.Attribute)
            else func.value
            if isinstance(func, cst.Name)
            else ""
        )
        canonical = self._canonical(func) or ""
        self._script_op_name(attr, canonical, positional, keywords)

        def arg(index: int, name: str) -> tuple[cst.Arg, V.Vals] | None:
            if name in keywords:
                return keywords[name]
            return positional[index] if index < len(positional) else None

        if isinstance(func, cst.Name) and attr == "super" and not node.args:
            return self._super(frame)
        # A function, class or method of the script itself: walk into it with the arguments bound.
        if isinstance(func, cst.Name):
            callee = receiver
        else:
            callee = self._methods(receiver, attr) if isinstance(func, cst.Attribute) else ()
        if callee:
            handled, returned = self._call_script(callee, call_args, call_kwargs, frame)
            if handled:
                return returned

        if attr == "get_tensor_by_name":
            self._sink(arg(0, "name"), UseKind.TENSOR, node, frame, graphs=_graphs(receiver))
        elif attr == "get_operation_by_name":
            self._sink(arg(0, "name"), UseKind.OPERATION, node, frame, graphs=_graphs(receiver))
        elif attr == "as_graph_element":
            self._sink(arg(0, "obj"), UseKind.FETCH, node, frame, graphs=_graphs(receiver))
        elif attr == "run" and isinstance(func, cst.Attribute) and self._is_session(func.value, receiver):
            graphs = _session_graphs(receiver)
            self._sink(arg(0, "fetches"), UseKind.FETCH, node, frame, graphs=graphs)
            feed = arg(1, "feed_dict")
            if feed is not None:
                self._sink_keys(feed, node, frame, graphs)
        elif attr == "Graph" and canonical.startswith("tensorflow."):
            return (V.Opaque("graph", GraphRef()),)
        elif attr == "get_default_graph" and canonical.startswith("tensorflow."):
            return (V.Opaque("graph", self._default_graph),)
        elif attr == "reset_default_graph" and canonical.startswith("tensorflow."):
            self._default_graph = GraphRef()
        elif attr == "as_default" and _graphs(receiver) is not None:
            return receiver
        elif attr == "import_graph_def":
            self._sink(arg(2, "return_elements"), UseKind.RETURN_ELEMENT, node, frame, phase=Phase.BEFORE)
            self._import_graph_def(arg(3, "name"), frame)
        elif attr in LOADERS and (attr != "open" or canonical in ("open", "io.open", "codecs.open")):
            self._loader(
                arg(0, "name" if attr != "open" else "file"), arg(1, "mode"), canonical or attr, frame
            )
        elif attr in SESSIONS:
            graph = arg(1, "graph")
            graphs = _graphs(graph[1]) if graph is not None else frozenset({self._default_graph})
            return (V.Opaque("session", next(iter(graphs)) if graphs and len(graphs) == 1 else None),)
        elif attr == "add_argument":
            self._argparse(positional, keywords)
        elif attr in ("parse_args", "parse_known_args"):
            args_val = V.Opaque("args")
            return (args_val,) if attr == "parse_args" else (V.Seq(((args_val,), ())),)
        elif canonical.startswith(("os.path.", "posixpath.", "pathlib.", "os.")) or attr in (
            "Path",
            "PurePath",
            "fspath",
            "str",
        ):
            return self._path_call(canonical or attr, positional)
        elif isinstance(func, cst.Attribute) and receiver:
            return self._method(func, attr, receiver, positional, keywords, frame)
        elif isinstance(func, cst.Name):
            return self._builtin(attr, positional)
        return ()

    def _script_op_name(
        self,
        attr: str,
        canonical: str,
        positional: list[tuple[cst.Arg, V.Vals]],
        keywords: dict[str, tuple[cst.Arg, V.Vals]],
    ) -> None:
        """Record the op name a TensorFlow call of the script creates (`tf.nn.softmax(x, name='prob')`)."""
        if attr == "import_graph_def":
            return
        found = keywords.get("name")
        if found is None and canonical.startswith("tensorflow."):
            index = _NAME_POSITION.get(attr)
            if index is not None and index < len(positional):
                found = positional[index]
        if found is not None:
            self.script_names.update(v.value for v in found[1] if isinstance(v, V.Str) and v.value)

    def _super(self, frame: Frame) -> V.Vals:
        """`super()` in a method: the class's bases, bound to the method's `self`."""
        fn = self.functions.get(self._stack[-1]) if self._stack else None
        if fn is None or fn.owner is None or not fn.node.params.params:
            return ()
        owner = frame.env.lookup(fn.node.params.params[0].name.value) or ()
        return (V.Opaque("super", (fn.owner, owner)),)

    def _methods(self, receiver: V.Vals, attr: str) -> V.Vals:
        """What `obj.attr` calls when `obj` is an object or class of the script: bound methods, or a function
        held in an attribute."""
        out: list[V.Val] = []
        for v in receiver:
            if not isinstance(v, V.Opaque):
                continue
            if v.kind == "super" and isinstance(v.ref, tuple):
                cls, owners = v.ref
                method = next((m for m in (b.method(attr) for b in cls.bases) if m is not None), None)
                if method is not None:
                    out.extend(V.Opaque("bound", (method.node, o)) for o in owners if isinstance(o, V.Opaque))
                continue
            obj = v.ref
            if isinstance(obj, Instance | ClassInfo):
                cls = obj.cls if isinstance(obj, Instance) else obj
                method = cls.method(attr)
                if method is not None:
                    out.append(V.Opaque("bound", (method.node, v)))
                    continue
                held = obj.lookup(attr) if isinstance(obj, Instance) else obj.attr(attr)
                out.extend(
                    h for h in held or () if isinstance(h, V.Opaque) and h.kind in ("function", "lambda")
                )
        return tuple(out)

    def _call_script(
        self, callee: V.Vals, args: list[V.Vals], kwargs: dict[str, V.Vals], frame: Frame
    ) -> tuple[bool, V.Vals]:
        """Call the script's own functions, lambdas, classes and methods; (whether any was, their results)."""
        out: list[V.Val] = []
        handled = False
        for v in callee:
            if not isinstance(v, V.Opaque):
                continue
            ref = v.ref
            if v.kind == "function" and isinstance(ref, cst.FunctionDef) and ref in self.functions:
                handled = True
                out.extend(self._inline(self.functions[ref], args, kwargs, frame))
            elif v.kind == "lambda" and isinstance(ref, LambdaFn):
                handled = True
                out.extend(self._call_lambda(ref, args, kwargs, frame))
            elif v.kind == "class" and isinstance(ref, ClassInfo):
                handled = True
                out.extend(self._instantiate(ref, args, kwargs, frame))
            elif v.kind == "bound" and isinstance(ref, tuple) and ref[0] in self.functions:
                method, owner = self.functions[ref[0]], ref[1]
                handled = True
                if method.method_kind == "staticmethod":
                    out.extend(self._inline(method, args, kwargs, frame))
                else:
                    first: V.Val = owner
                    if method.method_kind == "classmethod" and isinstance(owner.ref, Instance):
                        first = V.Opaque("class", owner.ref.cls)
                    out.extend(self._inline(method, [(first,), *args], kwargs, frame))
        return handled, V.union(out)

    def _instantiate(
        self, cls: ClassInfo, args: list[V.Vals], kwargs: dict[str, V.Vals], frame: Frame
    ) -> V.Vals:
        instance = Instance(cls)
        self._instances.append(instance)
        value = V.Opaque("instance", instance)
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

    def _import_graph_def(self, name: tuple[cst.Arg, V.Vals] | None, frame: Frame) -> None:
        """Note the prefix the model's nodes get, and start over: the graph now holds a model not quantized.

        A script that quantizes one graph and then loads the model again (a second model, a float baseline,
        a run per model in a loop) uses the original names on the fresh graph."""
        if name is None or (isinstance(name[0].value, cst.Name) and name[0].value.value == "None"):
            self.import_prefixes.add("import")
        else:
            names = [v.value for v in name[1] if isinstance(v, V.Str)]
            if len(names) == 1 and len(name[1]) == 1 and names[0]:
                self.import_prefixes.add(names[0])
        if "after" in frame.phase:
            frame.phase = BEFORE
            frame.quant_call = None

    def _is_session(self, expr: cst.BaseExpression, receiver: V.Vals) -> bool:
        if any(isinstance(v, V.Opaque) and v.kind == "session" for v in receiver):
            return True
        last = (
            expr.attr.value
            if isinstance(expr, cst.Attribute)
            else expr.value
            if isinstance(expr, cst.Name)
            else ""
        )
        return "sess" in last.lower()

    def _builtin(self, name: str, positional: list[tuple[cst.Arg, V.Vals]]) -> V.Vals:
        if name in ("list", "tuple", "sorted", "set") and len(positional) == 1:
            return tuple(v for v in positional[0][1] if isinstance(v, V.Seq))
        if name == "enumerate" and positional:
            out: list[V.Val] = []
            for v in positional[0][1]:
                if isinstance(v, V.Seq):
                    out.append(V.Seq(tuple((V.Seq(((V.Int(i),), item)),) for i, item in enumerate(v.items))))
            return tuple(out)
        if name == "zip" and positional:
            seqs = []
            for _, vals in positional:
                found = [v for v in vals if isinstance(v, V.Seq)]
                if len(found) != 1:
                    return ()
                seqs.append(found[0])
            rows = zip(*(s.items for s in seqs), strict=False)
            return (V.Seq(tuple((V.Seq(tuple(row)),) for row in rows)),)
        return ()

    def _path_call(self, name: str, positional: list[tuple[cst.Arg, V.Vals]]) -> V.Vals:
        short = name.rsplit(".", 1)[-1]
        args = [tuple(V.strings(vals)) for _, vals in positional]
        if short in ("join", "Path", "PurePath", "PosixPath", "joinpath") and args:
            out = [V.path_join(list(combo)) for combo in itertools.islice(itertools.product(*args), 16)]
            return V.union(out)
        if not args:
            return (V.const("."),) if short in ("getcwd", "cwd") else ()
        first = args[0]
        if short == "dirname":
            return tuple(V.path_dirname(s) for s in first)
        if short == "basename":
            return tuple(V.slice_str(s, s.value.rfind("/") + 1, None) for s in first)
        if short in ("abspath", "realpath", "normpath", "expanduser", "fspath", "str", "resolve", "absolute"):
            return first
        return ()

    def _method(
        self,
        func: cst.Attribute,
        attr: str,
        receiver: V.Vals,
        positional: list[tuple[cst.Arg, V.Vals]],
        keywords: dict[str, tuple[cst.Arg, V.Vals]],
        frame: Frame,
    ) -> V.Vals:
        out: list[V.Val] = []
        args = [vals for _, vals in positional]

        def one_str(i: int) -> str | None:
            if i >= len(args):
                return None
            found = [v.value for v in args[i] if isinstance(v, V.Str)]
            return found[0] if len(found) == 1 else None

        def one_int(i: int, default: int) -> int | None:
            if i >= len(args):
                return default
            found = [v.value for v in args[i] if isinstance(v, V.Int)]
            return found[0] if len(found) == 1 else None

        for v in receiver:
            if isinstance(v, V.Str):
                if attr in ("split", "rsplit"):
                    sep = one_str(0)
                    maxsplit = one_int(1, -1)
                    if (sep is None and args) or maxsplit is None or sep == "":
                        continue
                    out.append(V.split_str(v, sep, maxsplit, right=attr == "rsplit"))
                elif attr in ("partition", "rpartition"):
                    sep = one_str(0)
                    if sep:
                        out.append(V.partition_str(v, sep, right=attr == "rpartition"))
                elif attr in ("strip", "lstrip", "rstrip"):
                    chars = one_str(0)
                    if args and chars is None:
                        continue
                    out.append(V.strip_str(v, chars, left=attr != "rstrip", right=attr != "lstrip"))
                elif attr in ("removesuffix", "removeprefix"):
                    affix = one_str(0)
                    if affix is None:
                        continue
                    if attr == "removesuffix" and affix and v.value.endswith(affix):
                        out.append(V.slice_str(v, 0, len(v.value) - len(affix)))
                    elif attr == "removeprefix" and v.value.startswith(affix):
                        out.append(V.slice_str(v, len(affix), None))
                    else:
                        out.append(v)
                elif attr == "format":
                    pos_vals = [vals[0] if len(vals) == 1 else None for vals in args]
                    kw_vals = {k: vals[0] for k, (_, vals) in keywords.items() if len(vals) == 1}
                    if any(p is None for p in pos_vals):
                        continue
                    formatted = V.format_template(v, [p for p in pos_vals if p is not None], kw_vals)
                    if formatted is not None:
                        out.append(formatted)
                elif attr == "replace":
                    old, new = one_str(0), one_str(1)
                    if old is not None and new is not None:
                        out.append(V.const(v.value.replace(old, new)))
                elif attr == "join" and args:
                    for seq in args[0]:
                        if isinstance(seq, V.Seq) and all(len(item) == 1 for item in seq.items):
                            parts: list[V.Str] = []
                            for k, item in enumerate(seq.items):
                                if k:
                                    parts.append(v)
                                text = V.to_str(item[0])
                                if text is None:
                                    break
                                parts.append(text)
                            else:
                                out.append(V.concat(*parts))
                elif attr in ("joinpath",):
                    out.extend(self._path_call("joinpath", [(positional[0][0], (v,)), *positional]))
                elif attr in ("resolve", "absolute"):
                    out.append(v)
            elif (
                isinstance(v, V.Seq)
                and isinstance(func.value, cst.Name)
                and attr in ("append", "extend", "insert")
            ):
                if attr == "append" and len(args) == 1:
                    updated: V.Val = V.Seq((*v.items, args[0]))
                elif attr == "extend" and len(args) == 1:
                    extra = [s for s in args[0] if isinstance(s, V.Seq)]
                    if len(extra) != 1:
                        continue
                    updated = V.Seq(v.items + extra[0].items)
                elif attr == "insert" and len(args) == 2:
                    idx = one_int(0, 0)
                    if idx is None:
                        continue
                    items = list(v.items)
                    items.insert(idx, args[1])
                    updated = V.Seq(tuple(items))
                else:
                    continue
                self.bind(func.value, (updated,), frame)
            elif isinstance(v, V.DictV) and attr == "get" and args:
                for key in args[0]:
                    if isinstance(key, V.Str):
                        for key_alts, value_alts in v.pairs:
                            if any(isinstance(a, V.Str) and a.value == key.value for a in key_alts):
                                out.extend(value_alts)
            elif isinstance(v, V.DictV) and attr in ("values", "keys"):
                index = 1 if attr == "values" else 0
                out.append(V.Seq(tuple(pair[index] for pair in v.pairs)))
        return V.union(out)

    def _argparse(
        self, positional: list[tuple[cst.Arg, V.Vals]], keywords: dict[str, tuple[cst.Arg, V.Vals]]
    ) -> None:
        if "default" not in keywords:
            return
        dest: str | None = None
        if "dest" in keywords:
            names = [v.value for v in keywords["dest"][1] if isinstance(v, V.Str)]
            dest = names[0] if names else None
        else:
            flags = [v.value for _, vals in positional for v in vals if isinstance(v, V.Str)]
            longs = [f for f in flags if f.startswith("--")]
            chosen = longs[0] if longs else (flags[0] if flags else None)
            if chosen is not None:
                dest = chosen.lstrip("-").replace("-", "_")
        if dest:
            self.argparse_defaults[dest] = V.union(
                self.argparse_defaults.get(dest, ()), keywords["default"][1]
            )

    def _loader(
        self,
        name: tuple[cst.Arg, V.Vals] | None,
        mode: tuple[cst.Arg, V.Vals] | None,
        how: str,
        frame: Frame,
    ) -> None:
        if name is None:
            return
        modes = [v.value for v in (mode[1] if mode else ()) if isinstance(v, V.Str)]
        writing = any(("w" in m or "a" in m or "x" in m) for m in modes)
        for s in V.strings(name[1]):
            if not s.value.lower().endswith(MODEL_SUFFIXES):
                continue
            literal = _file_literal(s)
            if writing:
                if literal is not None:
                    self._written.add(literal.span)
                continue
            where = f"{_short(how)}(...)" + (
                f" in {frame.function}()" if frame.function != "<module>" else ""
            )
            self.models.append(
                ModelCandidate(s.value, ModelSource.LOADER, literal.span if literal else None, where)
            )

    def _sink(
        self,
        arg: tuple[cst.Arg, V.Vals] | None,
        kind: UseKind,
        call: cst.Call,
        frame: Frame,
        *,
        phase: Phase | None = None,
        graphs: frozenset[GraphRef] | None = None,
    ) -> None:
        if arg is None:
            return
        call_span = self.parsed.span(call)
        phase = phase if phase is not None else self._graph_phase(frame, graphs)
        for expr, strs, replaceable in self._flatten(arg[0].value, arg[1], frame):
            site = self.parsed.span(expr)
            for s in strs:
                self._record(s, kind, phase, site, replaceable, call_span, frame)

    def _sink_keys(
        self, arg: tuple[cst.Arg, V.Vals], call: cst.Call, frame: Frame, graphs: frozenset[GraphRef] | None
    ) -> None:
        call_span = self.parsed.span(call)
        phase = self._graph_phase(frame, graphs)
        expr = arg[0].value
        if isinstance(expr, cst.Dict):
            for el in expr.elements:
                if isinstance(el, cst.DictElement):
                    vals = self._reeval(el.key, frame)
                    for s in V.strings(vals):
                        self._record(
                            s, UseKind.FEED, phase, self.parsed.span(el.key), len(vals) == 1, call_span, frame
                        )
            return
        site = self.parsed.span(expr)
        for v in arg[1]:
            if isinstance(v, V.DictV):
                for keys, _ in v.pairs:
                    for s in V.strings(keys):
                        self._record(s, UseKind.FEED, phase, site, False, call_span, frame)

    def _graph_phase(self, frame: Frame, graphs: frozenset[GraphRef] | None) -> Phase | None:
        """BEFORE for a lookup in a graph known not to be the one quantize_model rewrote (a float copy kept
        for comparison, a fresh load); None (the walk's phase) otherwise. Only ever removes findings."""
        if "after" not in frame.phase or not graphs or self._quantized is None or not self._quantized:
            return None
        return Phase.BEFORE if not graphs & self._quantized else None

    def _reeval(self, expr: cst.BaseExpression, frame: Frame) -> V.Vals:
        """Value of a display's item, already evaluated once; only pure shapes are re-evaluated."""
        known = self._items.get(expr)
        if known is not None:
            return known
        pure = cst.SimpleString | cst.Name | cst.Subscript | cst.BinaryOperation | cst.FormattedString
        if isinstance(expr, pure) and not any(isinstance(n, cst.Call) for n in _walk(expr)):
            return self.eval(expr, frame)
        return ()

    def _flatten(
        self, expr: cst.BaseExpression, vals: V.Vals, frame: Frame
    ) -> Iterable[tuple[cst.BaseExpression, list[V.Str], bool]]:
        """(most precise expression, its strings, whether a literal may replace it) for a fetch structure.

        An expression may be replaced by one literal only when it always evaluates to that one string."""
        if isinstance(expr, cst.List | cst.Tuple | cst.Set):
            for el in expr.elements:
                if not isinstance(el, cst.StarredElement):
                    yield from self._flatten(el.value, self._reeval(el.value, frame), frame)
            return
        if isinstance(expr, cst.Dict):
            for entry in expr.elements:
                if isinstance(entry, cst.DictElement):
                    yield from self._flatten(entry.value, self._reeval(entry.value, frame), frame)
            return
        flat: list[V.Str] = []

        def walk(v: V.Val, depth: int) -> None:
            if isinstance(v, V.Str):
                flat.append(v)
            elif depth < 4 and isinstance(v, V.Seq):
                for item in v.items:
                    for x in item:
                        walk(x, depth + 1)
            elif depth < 4 and isinstance(v, V.DictV):
                for _, value_alts in v.pairs:
                    for x in value_alts:
                        walk(x, depth + 1)

        for v in vals:
            walk(v, 0)
        strs = list(dict.fromkeys(flat))
        yield expr, strs, len(vals) == 1 and isinstance(vals[0], V.Str)

    def _record(
        self,
        value: V.Str,
        kind: UseKind,
        phase: Phase | None,
        site: Span,
        replaceable: bool,
        call: Span,
        frame: Frame,
    ) -> None:
        if not value.literals:
            return
        if phase is None:
            phase = _phase(frame.phase)
        key = (value, kind, phase, site)
        if key in self._use_keys:
            return
        use = NameUse(
            value,
            kind,
            phase,
            site,
            replaceable,
            call,
            frame.function,
            frame.quant_call if phase == Phase.AFTER else None,
        )
        self._use_keys[key] = len(self.uses)
        if phase == Phase.UNKNOWN:
            frame.pending.append(len(self.uses))
        self.uses.append(use)

    # -- AMCT calls ------------------------------------------------------------------------------------------

    def _amct(
        self,
        api: str,
        node: cst.Call,
        positional: list[tuple[cst.Arg, V.Vals]],
        keywords: dict[str, tuple[cst.Arg, V.Vals]],
        frame: Frame,
    ) -> V.Vals:
        self.uses_amct = True
        params = AMCT_SIGNATURES.get(api, ())
        bound: dict[str, tuple[cst.Arg, V.Vals]] = dict(keywords)
        for i, item in enumerate(positional):
            if i < len(params) and params[i] not in bound:
                bound[params[i]] = item
        span = self.parsed.span(node)
        arg_spans = {name: self.parsed.span(a.value) for name, (a, _) in bound.items()}
        arg_strings: dict[str, tuple[str, ...]] = {}
        for name, (_, vals) in bound.items():
            found = [s.value for s in _all_strings(vals)]
            if found:
                arg_strings[name] = tuple(found)
        statement = None
        small = frame.statement.body[0] if frame.statement is not None else None
        if isinstance(small, cst.Expr | cst.Assign) and small.value is node:
            statement = self.parsed.span(frame.statement) if frame.statement is not None else None
        if node.args:
            insert = self.parsed.span(node.args[-1].value).end
        else:
            insert = Position(span.end.line, span.end.character - 1)
        calib = bound.get("calib_outputs")
        calib_var = calib[0].value.value if calib and isinstance(calib[0].value, cst.Name) else None
        call = AmctCall(
            api,
            span,
            frame.function,
            statement,
            Span(insert, insert),
            bool(node.args),
            arg_spans,
            arg_strings,
            calib_var,
            calib_items=_list_items(calib[1]) if calib else None,
            has_star=any(a.star for a in node.args),
        )
        self.calls.setdefault(span, call)

        if api in ("create_quant_config", "create_quant_retrain_config"):
            skips = arg_strings.get("skip_layers", ())
            types = arg_strings.get("skip_layer_types", ())
            self.skip_layers.extend(skips)
            self.skip_layer_types.extend(types)
            cfgs = (
                [s.value for s in V.strings(bound["config_defination"][1])]
                if "config_defination" in bound
                else []
            )
            self.skip_sets.append(SkipSet(skips, types, cfgs[0] if len(cfgs) == 1 else None, span))
            self._sink(bound.get("skip_layers"), UseKind.SKIP_LAYER, node, frame, phase=Phase.BEFORE)
        for key in ("config_file", "config_defination"):
            if key in bound:
                for s in V.strings(bound[key][1]):
                    literal = _file_literal(s)
                    self.configs.append(ConfigRef(s.value, key, literal.span if literal else None))
        if api in ("save_model", "save_quant_retrain_model"):
            self._sink(bound.get("outputs"), UseKind.SAVE_OUTPUT, node, frame, phase=Phase.SAVE)
            if "pb_model" in bound:
                for s in V.strings(bound["pb_model"][1]):
                    if s.value.lower().endswith(MODEL_SUFFIXES):
                        literal = _file_literal(s)
                        self.models.append(
                            ModelCandidate(
                                s.value,
                                ModelSource.SAVE_MODEL,
                                literal.span if literal else None,
                                "save_model(pb_model=...)",
                            )
                        )
        if api in QUANTIZE_APIS:
            self._sink(bound.get("calib_outputs"), UseKind.CALIB_OUTPUT, node, frame, phase=Phase.CALIB)
            rewritten = _graphs(bound["graph"][1]) if "graph" in bound else None
            if rewritten is None or self._quantized is None:
                self._quantized = None
            else:
                self._quantized |= rewritten
            if "unknown" in frame.phase:
                for index in frame.pending:
                    old = self.uses[index]
                    if old.phase == Phase.UNKNOWN:
                        self.uses[index] = _with_phase(old, Phase.BEFORE)
                frame.pending.clear()
            frame.phase = AFTER
            frame.quant_call = call
            # AMCT rewrites the calib_outputs list in place: its old strings are no longer what it holds,
            # under any name that refers to it (an alias, the caller's variable, an object attribute).
            if calib is not None:
                if isinstance(calib[0].value, cst.Name | cst.Attribute):
                    self.bind(calib[0].value, (V.Opaque("calib_outputs"),), frame)
                self._updated_in_place({v for v in calib[1] if isinstance(v, V.Seq)}, frame)
            if api == "quantize_model_ascend":
                return (V.Seq(((V.Opaque("graph"),), (V.Opaque("calib_outputs"),))),)
        return (V.Opaque("amct", api),)

    def _updated_in_place(self, lists: set[V.Val], frame: Frame) -> None:
        """Every binding that may hold one of `lists` now holds what AMCT put there (unknown strings).

        Lists are compared by value, so an unrelated list with the same names is forgotten too: that can
        only hide a finding, never invent one."""
        if not lists:
            return
        updated = V.Opaque("calib_outputs")
        tables: list[dict[str, V.Vals]] = []
        seen: set[int] = set()
        for start in (frame, *self._frames):
            env: Env | None = start.env
            while env is not None:
                if id(env) not in seen:
                    seen.add(id(env))
                    tables.append(env.vars)
                env = env.parent
        tables.extend(i.attrs for i in self._instances)
        for table in tables:
            for key, vals in list(table.items()):
                if any(v in lists for v in vals):
                    table[key] = V.union(updated if v in lists else v for v in vals)

    # -- walking into the script's own functions -------------------------------------------------------------

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
            isinstance(v, V.Opaque) and v.kind in ("instance", "class")
            for vals in (*args, *kwargs.values())
            for v in vals
        )
        memo = None if stateful else self._memo.get(key)
        if memo is None:
            memo = self._activate(fn, args, kwargs, frame.phase)
            # A function that makes a graph or an object makes a new one per call: walk each call.
            fresh = any(
                isinstance(v, V.Opaque) and v.kind in ("graph", "instance", "session") for v in memo[0]
            )
            if not stateful and not fresh:
                self._memo[key] = memo
        returns, exit_phase, quant_call = memo
        if quant_call is not None and quant_call is not frame.quant_call and "after" in exit_phase:
            frame.quant_call = quant_call
        if "after" in exit_phase and "after" not in frame.phase and "unknown" in frame.phase:
            for index in frame.pending:
                old = self.uses[index]
                if old.phase == Phase.UNKNOWN:
                    self.uses[index] = _with_phase(old, Phase.BEFORE)
            frame.pending.clear()
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
        for i, param in enumerate(ordered):
            name = param.name.value
            self.bound_names.add(name)
            if i < len(args):
                env.vars[name] = args[i]
            elif name in kwargs:
                env.vars[name] = kwargs[name]
                used.add(name)
            elif param.default is not None:
                env.vars[name] = self.eval(param.default, outer)
            else:
                env.vars[name] = ()
        star = params.star_arg
        if isinstance(star, cst.Param):
            self.bound_names.add(star.name.value)
            env.vars[star.name.value] = (V.Seq(tuple(args[len(ordered) :])),)
        for param in params.kwonly_params:
            name = param.name.value
            self.bound_names.add(name)
            if name in kwargs:
                env.vars[name] = kwargs[name]
                used.add(name)
            elif param.default is not None:
                env.vars[name] = self.eval(param.default, outer)
            else:
                env.vars[name] = ()
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


# -- helpers -------------------------------------------------------------------------------------------------


def _with_phase(use: NameUse, phase: Phase) -> NameUse:
    return NameUse(
        use.value, use.kind, phase, use.site, use.site_replaceable, use.call, use.function, use.after_call
    )


def _phase(phases: PhaseSet) -> Phase:
    if "after" in phases:
        return Phase.AFTER
    if "before" in phases:
        return Phase.BEFORE
    return Phase.UNKNOWN


def _graphs(vals: V.Vals) -> frozenset[GraphRef] | None:
    """The graphs `vals` may be, when every alternative is a known graph; None otherwise."""
    refs = [
        v.ref for v in vals if isinstance(v, V.Opaque) and v.kind == "graph" and isinstance(v.ref, GraphRef)
    ]
    return frozenset(refs) if refs and len(refs) == len(vals) else None


def _session_graphs(vals: V.Vals) -> frozenset[GraphRef] | None:
    """The graphs the sessions in `vals` run, when every alternative is a session on a known graph."""
    refs = [
        v.ref for v in vals if isinstance(v, V.Opaque) and v.kind == "session" and isinstance(v.ref, GraphRef)
    ]
    return frozenset(refs) if refs and len(refs) == len(vals) else None


def _is_as_default(expr: cst.BaseExpression) -> bool:
    return (
        isinstance(expr, cst.Call)
        and isinstance(expr.func, cst.Attribute)
        and expr.func.attr.value == "as_default"
    )


def _list_items(vals: V.Vals) -> tuple[str | None, ...] | None:
    """The strings of a list argument position by position (None where not one known string)."""
    if len(vals) != 1 or not isinstance(vals[0], V.Seq):
        return None
    out: list[str | None] = []
    for item in vals[0].items:
        out.append(item[0].value if len(item) == 1 and isinstance(item[0], V.Str) else None)
    return tuple(out)


def _all_strings(vals: V.Vals) -> Iterable[V.Str]:
    for v in vals:
        if isinstance(v, V.Str):
            yield v
        elif isinstance(v, V.Seq):
            for item in v.items:
                yield from _all_strings(item)


def _file_literal(s: V.Str) -> V.Literal | None:
    """The literal holding a path's file name (its last characters), else its last literal."""
    value = s.value
    cut = value.rfind("/") + 1
    found = s.locate(cut, len(value))
    if found is not None:
        return found[0]
    literals = s.literals
    return literals[-1] if literals else None


def _dotted(node: cst.BaseExpression | cst.CSTNode) -> str | None:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr.value}" if base else None
    return None


def _short(dotted: str) -> str:
    for prefix, short in (("tensorflow.compat.v1.", "tf.compat.v1."), ("tensorflow.", "tf.")):
        if dotted.startswith(prefix):
            return short + dotted[len(prefix) :]
    return dotted


def _is_main_guard(test: cst.BaseExpression) -> bool:
    if not isinstance(test, cst.Comparison) or len(test.comparisons) != 1:
        return False
    left, right = test.left, test.comparisons[0].comparator
    names = {n.value for n in (left, right) if isinstance(n, cst.Name)}
    strs = {s.evaluated_value for s in (left, right) if isinstance(s, cst.SimpleString)}
    return names == {"__name__"} and strs == {"__main__"}


def _walk(node: cst.CSTNode) -> Iterable[cst.CSTNode]:
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(current.children)


def _unescape_fstring_text(text: str, prefix: str) -> str:
    """The characters an f-string's literal part stands for (`{{` → `{`, escapes unless raw)."""
    collapsed = text.replace("{{", "{").replace("}}", "}")
    if "r" in prefix.lower():
        return collapsed
    import ast

    value = ast.literal_eval('"""' + collapsed.replace('"""', '\\"\\"\\"') + '"""')
    if not isinstance(value, str):
        raise ValueError(text)
    return value
