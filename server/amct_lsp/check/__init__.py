"""Join the script analysis, the model and the predicted rewrite into findings with fixes.

Editor-neutral and fast: the language server calls `check_source` on every edit (models come from a shared
`ModelCache`), the CLI calls `check_paths`. Nothing here raises for a bad script or a bad model; both become
findings (AMCT900, AMCT004).
"""

from __future__ import annotations

from amct_lsp.check.checker import check_source
from amct_lsp.check.edits import apply_edits, literal_edit, primary_edits
from amct_lsp.check.files import check_paths, decode_failure, iter_scripts
from amct_lsp.check.results import CheckResult, NameInfo

__all__ = [
    "CheckResult",
    "NameInfo",
    "apply_edits",
    "check_paths",
    "check_source",
    "decode_failure",
    "iter_scripts",
    "literal_edit",
    "primary_edits",
]
