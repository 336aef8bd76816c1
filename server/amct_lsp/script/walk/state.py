"""The state of one walk over one script, shared by the mixins that make up the `Evaluator`."""

from __future__ import annotations

import os

import libcst as cst

from amct_lsp.findings import Span
from amct_lsp.script import values as V
from amct_lsp.script.facts import AmctCall, ConfigRef, ModelCandidate, NameUse, SkipSet
from amct_lsp.script.parse import Parsed
from amct_lsp.script.walk.phases import PhaseSet
from amct_lsp.script.walk.scopes import Env, Frame, FuncNode, Function, Instance, LambdaFn


class WalkState:
    """Everything one walk over one script accumulates; the walk's parts are mixins over this state.

    The few operations the parts call on one another across modules are declared here and implemented by
    the part that owns them (expressions, statements, calls)."""

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
        self._default_graph = V.GraphRef()
        self._quantized: set[V.GraphRef] | None = set()

    def eval(self, node: cst.BaseExpression, frame: Frame) -> V.Vals:
        """Implemented by `Expressions`."""
        raise NotImplementedError

    def exec_suite(self, suite: cst.BaseSuite, frame: Frame) -> None:
        """Implemented by `Statements`."""
        raise NotImplementedError

    def exec_stmt(self, stmt: cst.CSTNode, frame: Frame) -> None:
        """Implemented by `Statements`."""
        raise NotImplementedError

    def _call(self, node: cst.Call, frame: Frame) -> V.Vals:
        """Implemented by `Calls`."""
        raise NotImplementedError
