"""What a check returns: the findings and every name string with its verdict (the hover reads these)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from amct_lsp.amct.chain import Prediction, RenameChain
from amct_lsp.check.findings import Finding, Span
from amct_lsp.script.facts import ScriptAnalysis

if TYPE_CHECKING:
    from amct_lsp.notebook import Notebook, NotebookScript


@dataclass(frozen=True, slots=True)
class NameInfo:
    """One name string of the script: where it is written, where it is used, and what becomes of it."""

    value: str  # as the script has it at the use: "Add:0" or the op name "Add"
    span: Span  # the literal where the (changing part of the) value is written
    uses: tuple[Span, ...]  # the use sites (argument expressions)
    phase: str  # the most telling phase: "after", "before", "save_model", "calib_outputs", "unknown"
    phases: tuple[str, ...]
    kinds: tuple[str, ...]  # "get_tensor_by_name", "sess.run fetch", ...
    tensor: str  # the value as a tensor name ("Add:0")
    chain: RenameChain | None = None
    evidence: str | None = None  # "amct-log" or "predicted" when there is a chain
    #: One line when there is no rename to show: "internal node of the model", "network input", ...
    verdict: str | None = None
    replacement: str | None = None
    literal_spans: tuple[Span, ...] = ()
    #: The AMCT parameters the name is given to ("quantize_model_ascend(outputs=...)", "calib_outputs").
    targets: tuple[str, ...] = ()


@dataclass(slots=True)
class CheckResult:
    """Everything one check of one script found; the LSP layer and the CLI only format this."""

    path: str
    findings: list[Finding] = field(default_factory=list)
    names: list[NameInfo] = field(default_factory=list)
    model_path: str | None = None
    model_span: Span | None = None
    model_note: str | None = None
    prediction: Prediction | None = None
    model_error: str | None = None
    log_path: str | None = None
    config_paths: tuple[str, ...] = ()
    analysis: ScriptAnalysis | None = None
    #: A notebook's check: the position map of its joined code cells (spans above are in the joined script)
    #: and, when read from disk, the notebook file (for positions in the file itself).
    cells: NotebookScript | None = None
    notebook: Notebook | None = None

    @property
    def has_findings(self) -> bool:
        return bool(self.findings)
