"""What one use of one name means, before it becomes a finding."""

from __future__ import annotations

from dataclasses import dataclass

from amct_lsp.amct.chain import Evidence, RenameChain
from amct_lsp.check.findings import Code, Severity
from amct_lsp.script.facts import Phase

EVIDENCE_LOG = "amct-log"
EVIDENCE_PREDICTED = "predicted"


def evidence_of(chain: RenameChain) -> str:
    """How a finding names a chain's evidence: the AMCT log when the log confirmed it, else predicted."""
    return EVIDENCE_LOG if chain.evidence is Evidence.LOG else EVIDENCE_PREDICTED


@dataclass(frozen=True, slots=True)
class Verdict:
    """What one use of one value means."""

    code: Code | None
    severity: Severity = Severity.ERROR
    replacement: str | None = None  # the right value at this use
    chain: RenameChain | None = None
    evidence: str | None = None
    message: str = ""
    verdict: str | None = None  # one line for the hover when fine
    #: Which characters of the value change (value range) — decides which literal the finding points at.
    change: tuple[int, int] | None = None
    #: AMCT001: what happens at run time when the name stays (consequence.py): the finding's consequence.
    consequence: str = ""
    #: AMCT001: the quantized layer whose calibration record a stale name leaves empty.
    layer: str | None = None
    #: The replacement is a guess ("did you mean"): offered as a fix, never applied in bulk.
    guess: bool = False
    #: The fix is right but needs the user's eye (other code must change with it): never applied in bulk.
    safe: bool = True
    #: Extra lines for the hover and `check`'s detail (why the message says what it says).
    notes: tuple[str, ...] = ()


def phase_text(phase: Phase) -> str:
    return {
        Phase.AFTER: "after quantize_model",
        Phase.BEFORE: "before quantize_model",
        Phase.SAVE: "in save_model(outputs=...)",
        Phase.CALIB: "in calib_outputs",
        Phase.UNKNOWN: "in a function not seen called",
    }[phase]
