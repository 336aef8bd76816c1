"""libcst analysis of a quantization script: AMCT calls, the model it loads, where every name string goes."""

from __future__ import annotations

from amct_lsp.script.analyze import analyze
from amct_lsp.script.facts import (
    AmctCall,
    ModelCandidate,
    ModelSource,
    NameUse,
    Phase,
    ScriptAnalysis,
    UseKind,
)

__all__ = [
    "AmctCall",
    "ModelCandidate",
    "ModelSource",
    "NameUse",
    "Phase",
    "ScriptAnalysis",
    "UseKind",
    "analyze",
]
