"""What one walk over one script finds, collected as it goes: the raw material of `ScriptAnalysis`."""

from __future__ import annotations

from amct_lsp.script import values as V
from amct_lsp.script.facts import (
    AmctCall,
    ConfigRef,
    ModelCandidate,
    NameUse,
    ObjectRun,
    Phase,
    SkipSet,
    UseKind,
)
from amct_lsp.script.walk.phases import phase_of, with_phase
from amct_lsp.script.walk.scopes import Frame
from amct_lsp.text import Span


class Record:
    """The facts of one walk; handlers and the interpreter add to it, `analyze` reads it."""

    def __init__(self) -> None:
        self.uses_amct = False
        self.uses: list[NameUse] = []
        self.calls: dict[Span, AmctCall] = {}
        self.models: list[ModelCandidate] = []
        #: `.pb` strings anywhere in the script (candidates when none reaches a loader).
        self.constants: list[ModelCandidate] = []
        self.configs: list[ConfigRef] = []
        self.skip_layers: list[str] = []
        self.skip_layer_types: list[str] = []
        self.skip_sets: list[SkipSet] = []
        self.bound_names: set[str] = set()
        #: Literals that flowed into a write-mode open(): files the script writes are not its model.
        self.written: set[Span] = set()
        #: Name prefixes `tf.import_graph_def` puts on the model's nodes ("import" unless name='' is given).
        self.import_prefixes: set[str] = set()
        #: Op names the script creates itself (`name=` of TensorFlow calls): not the model's, not AMCT's.
        self.script_names: set[str] = set()
        self._use_keys: set[tuple[object, ...]] = set()
        #: The path a loader read last (what a following `tf.import_graph_def` imports, as a guess).
        self.last_loaded: str | None = None
        #: Tensor and op objects looked up before quantize_model and run after it (each once).
        self.object_runs: dict[tuple[object, ...], ObjectRun] = {}

    def add_use(
        self,
        value: V.Str,
        kind: UseKind,
        phase: Phase | None,
        site: Span,
        replaceable: bool,
        call: Span,
        frame: Frame,
        note: str | None = None,
        target: str | None = None,
    ) -> None:
        """One string arriving at one use site (once per value, kind, phase and site); `phase` None: the
        frame's phase; `note`: what the graph it is looked up in holds (a model loaded again)."""
        if not value.literals:
            return
        if phase is None:
            phase = phase_of(frame.phase)
        key = (value, kind, phase, site)
        if key in self._use_keys:
            return
        self._use_keys.add(key)
        after = frame.quant_call if phase == Phase.AFTER else None
        use = NameUse(value, kind, phase, site, replaceable, call, frame.function, after, note, target)
        if phase == Phase.UNKNOWN:
            frame.pending.append(len(self.uses))
        self.uses.append(use)

    def add_object_run(self, run: ObjectRun) -> None:
        self.object_runs.setdefault((run.value, run.kind, run.lookup, run.run, run.function), run)

    def settle_pending(self, frame: Frame) -> None:
        """quantize_model ran after the uses of unknown phase `frame` recorded: they were before it."""
        for index in frame.pending:
            old = self.uses[index]
            if old.phase == Phase.UNKNOWN:
                self.uses[index] = with_phase(old, Phase.BEFORE)
        frame.pending.clear()
