"""Whether a script quantizes at all (issue 9 item 4): a module that only imports an amct_tensorflow helper
(an evaluator plug-in, a data handler) and never calls an AMCT API that reads or rewrites a model is not
told that its model cannot be found."""

from __future__ import annotations

from amct_lsp.script.facts import ScriptAnalysis
from amct_lsp.script.walk.handlers.amct import AMCT_APIS


def quantizes(analysis: ScriptAnalysis) -> bool:
    """The script calls an AMCT API that takes a graph or a model, or names its model in a directive."""
    return analysis.directive_model is not None or any(c.api in AMCT_APIS for c in analysis.calls)
