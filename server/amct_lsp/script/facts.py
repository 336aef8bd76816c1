"""What the analysis of one script finds: plain data for `check.py` and the hover, nothing about the model."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from amct_lsp.script.values import Literal, Str
from amct_lsp.text import Span


class Phase(str, Enum):
    """Which graph a name is looked up in, which decides whether the old or the new name is right."""

    BEFORE = "before"  # before quantize_model: the original graph
    AFTER = "after"  # after quantize_model: the rewritten graph (inference / calibration)
    SAVE = "save_model"  # save_model(outputs=...): re-reads the original .pb, so original (op) names
    CALIB = (
        "calib_outputs"  # quantize_model(calib_outputs=...): original names, AMCT updates the list in place
    )
    UNKNOWN = "unknown"  # a function we never saw called and that does not call quantize_model itself

    @property
    def wants_original(self) -> bool:
        return self in (Phase.BEFORE, Phase.SAVE, Phase.CALIB)


class UseKind(str, Enum):
    """How a name is used; decides whether it must be a tensor name ("x:0"), an op name, or either."""

    TENSOR = "get_tensor_by_name"
    OPERATION = "get_operation_by_name"
    FETCH = "sess.run fetch"
    FEED = "feed_dict key"
    SAVE_OUTPUT = "save_model outputs"
    CALIB_OUTPUT = "calib_outputs"
    #: quantize_model_ascend / accuracy_based_auto_calibration `outputs`: read against the original model.
    MODEL_OUTPUT = "outputs of an AMCT API"
    SKIP_LAYER = "skip_layers"
    RETURN_ELEMENT = "import_graph_def return_elements"


@dataclass(frozen=True, slots=True)
class NameUse:
    """One string value arriving at one use site."""

    value: Str
    kind: UseKind
    phase: Phase
    site: Span  # the expression at the use (argument, list element, dict key)
    #: The site expression evaluates to this single string (so it may be replaced by a literal without
    #: changing the script's meaning); False inside loops over several names and the like.
    site_replaceable: bool
    #: Span of the whole call (get_tensor_by_name(...), sess.run(...), save_model(...)), for messages.
    call: Span
    function: str  # qualified name of the function holding the use, "<module>" at top level
    #: The quantize_model call this use follows (AFTER) — for the calib_outputs fix.
    after_call: AmctCall | None = None
    #: The graph the name is looked up in, when it is one loaded again after quantize_model ("the saved
    #: quantized model './result/model_quantized.pb'"): the hover tells it instead of "before quantize_model".
    graph_note: str | None = None
    #: The AMCT parameter the name is given to, as the messages name it: "calib_outputs" for quantize_model,
    #: "quantize_model_ascend(outputs=...)", "quantize_preprocess(outputs=...)"; None for other uses.
    target: str | None = None

    @property
    def target_api(self) -> str | None:
        """The AMCT API of `target` ("quantize_model_ascend"), None without one."""
        return self.target.partition("(")[0] if self.target is not None else None


@dataclass(frozen=True, slots=True)
class AmctCall:
    """A call to an amct_tensorflow API."""

    api: str  # "quantize_model", "create_quant_config", "save_model", "quantize_model_ascend", ...
    span: Span  # the whole call expression
    function: str
    #: Span of the statement holding the call when it is a bare expression statement or `x = call` on its own
    #: line(s) — where a new line can be inserted before it.
    statement: Span | None
    #: Where a new keyword argument can be inserted: just after the last argument (or after "(").
    insert_arg_at: Span | None
    has_args: bool
    #: Keyword (or positional, mapped to its name) arguments: name -> span of the value expression.
    args: dict[str, Span] = field(default_factory=dict)
    #: Evaluated string list arguments (skip_layers, skip_layer_types, calib_outputs, outputs, ...).
    arg_strings: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: Source text of the calib_outputs argument when it is a plain name (`outputs`), else None.
    calib_var: str | None = None
    #: The calib_outputs list position by position (None where an item is not one known string); None when
    #: the argument is not one known list.
    calib_items: tuple[str | None, ...] | None = None
    #: The call passes `*args` or `**kwargs` (so its keyword arguments are not all known).
    has_star: bool = False


@dataclass(frozen=True, slots=True)
class ObjectRun:
    """A tensor or op object looked up by name before quantize_model and run after it on the same graph
    (`sess.run(output)`, `output.eval()`, `op.run()`): the run fetches the old tensor."""

    value: Str  # the name the object was looked up by
    kind: UseKind  # TENSOR or OPERATION
    lookup: Span  # the name argument of the lookup
    lookup_call: Span
    method: str  # the lookup method ("get_tensor_by_name")
    lookup_function: str
    refetch: tuple[str, str] | None  # (variable, receiver source) of `variable = receiver.method(name)`
    run: Span  # the expression run (the fetch argument, the element of a fetch list, the `.eval()` receiver)
    run_call: Span
    how: str  # "sess.run", ".eval()", ".run()"
    function: str
    after_call: AmctCall | None
    #: The run expression is this variable of the running function's own scope (so one line after
    #: quantize_model can bind it again); None when the object is run through anything else.
    run_var: str | None = None
    #: When `run_var` holds a list or tuple of looked-up objects: each item's (lookup method, name), in order;
    #: None when it holds the object itself or an item is not one known lookup.
    run_items: tuple[tuple[str, str], ...] | None = None
    #: The run is `run_var.outputs[i]` of an op object: binding the op again reaches the run.
    run_via_op: bool = False


class ModelSource(str, Enum):
    DIRECTIVE = "directive"  # `# amct: model=...`
    LOADER = "loader"  # flows into GFile / open / a loader helper
    SAVE_MODEL = "save_model"  # save_model(pb_model=...)
    CONSTANT = "constant"  # a .pb string in the script that we did not see reach a loader


@dataclass(frozen=True, slots=True)
class ModelCandidate:
    """A model path the script names."""

    path: str  # as the script spells it after evaluation (may be relative)
    source: ModelSource
    span: Span | None  # the literal holding the file name (None for a directive without position)
    how: str  # "tf.gfile.GFile(model_name)", "load_pb(model_name)", "# amct: model=", ...


@dataclass(frozen=True, slots=True)
class ConfigRef:
    """A config file the script hands to AMCT (config_file=, config_defination=)."""

    path: str
    kind: str  # "config_file" or "config_defination"
    span: Span | None


@dataclass(frozen=True, slots=True)
class SkipSet:
    """What one create_quant_config call asks to skip, and the .cfg that overrides it.

    AMCT ignores skip_layers (and batch_num, activation_offset) when config_defination is given: the .cfg
    wins.
    """

    skip_layers: tuple[str, ...]
    skip_layer_types: tuple[str, ...]
    config_defination: str | None  # the .cfg path when the call gives one (as the script spells it)
    call: Span


@dataclass(frozen=True, slots=True)
class SyntaxProblem:
    message: str
    span: Span


@dataclass(slots=True)
class ScriptAnalysis:
    """Everything `check` needs to know about a script."""

    path: str
    uses_amct: bool = False
    amct_aliases: tuple[str, ...] = ()  # module aliases ("amct") and imported function names
    calls: list[AmctCall] = field(default_factory=list)
    uses: list[NameUse] = field(default_factory=list)
    models: list[ModelCandidate] = field(default_factory=list)
    configs: list[ConfigRef] = field(default_factory=list)
    skip_layers: tuple[str, ...] = ()
    skip_layer_types: tuple[str, ...] = ()
    #: Per create_quant_config call: its skip lists and its config_defination (which overrides them).
    skip_sets: tuple[SkipSet, ...] = ()
    #: Prefixes `tf.import_graph_def` gives the model's nodes ("import" when no name= is given).
    import_prefixes: tuple[str, ...] = ()
    #: Op names the script creates with TensorFlow calls (`name='prob'`): not the model's, not AMCT's.
    script_names: frozenset[str] = frozenset()
    #: line (0-based) -> codes suppressed there (empty set = every code).
    ignores: dict[int, frozenset[str]] = field(default_factory=dict)
    #: `# amct: model=...` directive value and its span.
    directive_model: tuple[str, Span] | None = None
    syntax_error: SyntaxProblem | None = None
    #: Names bound anywhere in the script (a new variable for a fix must not clash with them).
    bound_names: frozenset[str] = frozenset()
    newline: str = "\n"
    #: Objects looked up before quantize_model and run after it.
    object_runs: list[ObjectRun] = field(default_factory=list)

    @property
    def quantize_calls(self) -> list[AmctCall]:
        return [c for c in self.calls if c.api in ("quantize_model", "quantize_model_ascend")]

    def literals(self) -> list[Literal]:
        seen: list[Literal] = []
        for use in self.uses:
            for lit in use.value.literals:
                if lit not in seen:
                    seen.append(lit)
        return seen
