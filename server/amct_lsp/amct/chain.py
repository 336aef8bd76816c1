"""What a prediction is: per network tail, the chain of renames AMCT applies, each step with its evidence."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum


class Evidence(str, Enum):
    """How sure we are of a step. The product shows this to the user next to every rename."""

    FAQ = "faq"  # the vendor FAQ shows this exact rename with its log lines
    DOC = "documented"  # the vendor's API / constraint documentation says it
    TF = "tf-rule"  # follows from TensorFlow's own naming (checked against real TensorFlow in the tests)
    INFERRED = "inferred"  # our inference: labelled as such wherever it is shown
    LOG = "amct-log"  # confirmed by the AMCT log of a real run

    @property
    def label(self) -> str:
        return {
            Evidence.FAQ: "vendor FAQ",
            Evidence.DOC: "documented",
            Evidence.TF: "TensorFlow naming rule",
            Evidence.INFERRED: "inferred (not confirmed by the vendor)",
            Evidence.LOG: "confirmed by the AMCT log",
        }[self]


#: Least certain first. A confirmed log entry beats every kind of prediction.
_STRENGTH = (Evidence.INFERRED, Evidence.TF, Evidence.DOC, Evidence.FAQ, Evidence.LOG)


def weakest(evidences: Iterable[Evidence]) -> Evidence:
    """The least certain of `evidences` (LOG when there are none): a rename is only as sure as its weakest
    part."""
    return min(evidences, key=_STRENGTH.index, default=Evidence.LOG)


@dataclass(frozen=True, slots=True)
class RenameStep:
    """One rename: `old` tensor → `new` tensor by pass `pass_name`."""

    pass_name: str  # "replace_bn_pass", "replace_add_pass", "conv_bn_fusion_pass", "quantize_model"
    old: str  # tensor name, "Add:0"
    new: str  # tensor name, "bias_add/BiasAdd:0"
    reason: str  # one line: why this pass applies here
    evidence: Evidence
    #: True when the old node is removed from the graph (replace_add, BN fusion, replace_bn);
    #: False when it survives but no longer ends the network (searchN insertion).
    removes_old: bool
    #: For steps read from the AMCT log: the record's timestamp.
    timestamp: str | None = None
    #: For a predicted step that creates an op: its type ("BiasAdd", "Identity") and the tensor it reads
    #: (what the picture of the rewrite draws); None for log steps and for steps that keep an existing op.
    #: Not compared: they describe the same rename.
    new_op: str | None = field(default=None, compare=False)
    new_input: str | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class RenameChain:
    """Every rename of one tail, in the order AMCT applies them."""

    tail: str  # node name of the original tail, "Add"
    steps: tuple[RenameStep, ...]
    #: Caveats to show with the chain (AvgPool/shift-N, numbering may differ when other layers are rewritten,
    #: ...).
    notes: tuple[str, ...] = ()
    #: Tensors the rewrite creates off the renamed path (Conv2D+BatchToSpace+BN: the fused conv's `bias_add`,
    #: which the model's own BatchToSpaceND, the new tail, reads): they only exist after quantize_model too.
    side: tuple[str, ...] = ()

    @property
    def original(self) -> str:
        return self.steps[0].old if self.steps else f"{self.tail}:0"

    @property
    def final(self) -> str:
        return self.steps[-1].new if self.steps else self.original

    @property
    def removes_original(self) -> bool:
        """Whether the original node is gone after the rewrite (KeyError at run time) rather than bypassed."""
        return any(step.removes_old for step in self.steps)

    @property
    def evidence(self) -> Evidence:
        """The weakest evidence of any step (LOG counts as strongest)."""
        return weakest(s.evidence for s in self.steps)

    def names(self) -> list[str]:
        """original, then each new name: ["Add:0", "bias_add/BiasAdd:0", "search_n_quant/...:0"]."""
        return [self.original, *(s.new for s in self.steps)]

    def created(self) -> list[str]:
        """Every tensor the rewrite creates: each new name, then the `side` ones."""
        return [*self.names()[1:], *self.side]


@dataclass(frozen=True, slots=True)
class TailVerdict:
    """Why a tail is or is not rewritten; `chain` is None when nothing is renamed."""

    tail: str  # node name
    op: str
    chain: RenameChain | None
    #: One line for the user: "Relu is not quantized", "MatMul with transpose_b=True is not quantized", ...
    reason: str
    #: The model's layer (Conv2D, MatMul, ...) the tail's rewrite is built on: the one whose calibration
    #: record a stale fetch leaves empty. None when the rewrite involves no layer.
    layer: str | None = None
    #: Why `layer` is not quantized (a skip setting, a constraint); "" when it is.
    layer_unquantized: str = ""

    @property
    def output(self) -> str:
        """The tail's tensor name as a script fetches it before quantization ("Add:0")."""
        return self.chain.original if self.chain is not None else f"{self.tail}:0"


@dataclass(frozen=True, slots=True)
class Prediction:
    """The predicted rewrite of one model: every tail's verdict and every name the rewrite creates."""

    model_path: str
    tails: tuple[TailVerdict, ...]
    #: Tensor and op names that only exist after the rewrite (e.g. "bias_add/BiasAdd:0", "bias_add/BiasAdd").
    created: frozenset[str] = field(default_factory=frozenset)
    #: Caveats about the whole model (e.g. other rewritable layers may push suffixes higher).
    notes: tuple[str, ...] = ()
    #: Which AMCT version's rules were used and why, one line ("" for a prediction made elsewhere).
    rules: str = ""
    #: The same as data: the version ("7.0"; None: the newest documented behaviour) and where it came from.
    rules_version: str | None = None
    rules_source: str = ""

    def verdict_for(self, tail: str) -> TailVerdict | None:
        """The verdict on the tail node named `tail`."""
        for verdict in self.tails:
            if verdict.tail == tail:
                return verdict
        return None

    def chain_for(self, tensor: str) -> RenameChain | None:
        """The chain whose original tensor is `tensor` ("Add:0"; an op name "Add" means its ":0")."""
        key = tensor if ":" in tensor else f"{tensor}:0"
        for verdict in self.tails:
            if verdict.chain is not None and verdict.chain.original == key:
                return verdict.chain
        return None

    @property
    def chains(self) -> list[RenameChain]:
        return [v.chain for v in self.tails if v.chain is not None]
