"""Findings: what `check` reports, free of any LSP type. Positions come from `amct_lsp.text`: 0-based, in code
points; the CLI prints them 1-based and the LSP layer converts columns to the client's encoding."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from amct_lsp.amct.chain import RenameChain
from amct_lsp.text import Position, Span, TextEdit


class Code(str, Enum):
    STALE_NAME = "AMCT001"  # used after quantize_model, renamed by the rewrite
    UNKNOWN_NAME = "AMCT002"  # not in the model and not created by the rewrite
    NAME_TOO_EARLY = "AMCT003"  # a post-rewrite name used before quantize_model or in save_model(outputs=)
    MODEL_PROBLEM = "AMCT004"  # model not found or unreadable
    SYNTAX = "AMCT900"  # the script does not parse (mid-edit); reported once


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"
    HINT = "hint"


@dataclass(frozen=True, slots=True)
class Fix:
    message: str
    edits: tuple[TextEdit, ...]
    #: The primary fix is the preferred one (first in the editor's list, `check --fix`'s choice).
    primary: bool = True
    #: Safe fixes are certain: only they are applied without a look (`check --fix`, fix-all, fix on save).
    #: A "did you mean" guess is offered, never applied in bulk.
    safe: bool = True
    #: The fix needs no new name (the calib_outputs route: AMCT updates the list itself).
    rename_proof: bool = False
    #: The `# amct: ignore[CODE]` fix (check/suppress.py): it silences the finding instead of repairing it.
    suppression: bool = False


@dataclass(frozen=True, slots=True)
class Related:
    """Another place that explains the finding: the use site, the model file, the log."""

    path: str
    span: Span
    message: str


@dataclass(frozen=True, slots=True)
class Finding:
    code: Code
    severity: Severity
    message: str
    path: str  # absolute path of the script
    span: Span  # where the value is written (the string literal)
    tensor: str | None = None  # the name as the script has it, e.g. "Add:0"
    replacement: str | None = None  # the name it should be, e.g. "search_n_quant/...:0"
    chain: RenameChain | None = None
    evidence: str | None = None  # "predicted" or "amct-log"
    model: str | None = None  # absolute model path
    fixes: tuple[Fix, ...] = ()
    related: tuple[Related, ...] = ()
    #: Extra lines for the hover (notes, caveats).
    notes: tuple[str, ...] = field(default_factory=tuple)
    #: AMCT001: the quantized layer whose calibration record the stale name leaves empty (save_model fails).
    layer: str | None = None
    #: AMCT001: what happens as written (check/consequence.py): the hover's and `check`'s detail, not the
    #: one-line message.
    consequence: str | None = None

    @property
    def primary_fix(self) -> Fix | None:
        return next((f for f in self.fixes if f.primary), None)

    @property
    def bulk_fix(self) -> Fix | None:
        """The fix `check --fix` and fix-all apply: the primary one, when it is safe."""
        fix = self.primary_fix
        return fix if fix is not None and fix.safe else None


def short_name(name: str, limit: int = 32) -> str:
    """A long scoped name with its middle elided, for a fix title or an inlay hint that fits:
    `search_n_quant/…/Identity:0`."""
    parts = name.split("/")
    if len(name) <= limit or len(parts) < 3:
        return name
    return f"{parts[0]}/…/{parts[-1]}"


__all__ = ["Code", "Finding", "Fix", "Position", "Related", "Severity", "Span", "TextEdit", "short_name"]
