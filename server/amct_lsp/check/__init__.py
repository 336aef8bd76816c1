"""Join the script analysis, the model and the predicted rewrite into findings with fixes.

Editor-neutral and fast: the language server calls `check_source` on every edit (models come from a shared
`ModelCache`), the CLI calls `check_paths`. Nothing here raises for a bad script or a bad model; both become
findings (AMCT900, AMCT004).

The names below load on first use, so `amct_lsp.check.findings` (the finding types) can be imported without
loading the engine and libcst (the server starts faster).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from amct_lsp.lazy import lazy_exports

if TYPE_CHECKING:
    from amct_lsp.check.checker import check_source
    from amct_lsp.check.edits import apply_edits, literal_edit, primary_edits
    from amct_lsp.check.files import check_file, check_paths, decode_failure, iter_scripts
    from amct_lsp.check.notebooks import check_notebook, check_notebook_file, fixed_notebook
    from amct_lsp.check.results import CheckResult, NameInfo

_WHERE = {
    "CheckResult": "results",
    "NameInfo": "results",
    "apply_edits": "edits",
    "check_file": "files",
    "check_notebook": "notebooks",
    "check_notebook_file": "notebooks",
    "fixed_notebook": "notebooks",
    "check_paths": "files",
    "check_source": "checker",
    "decode_failure": "files",
    "iter_scripts": "files",
    "literal_edit": "edits",
    "primary_edits": "edits",
}


__getattr__ = lazy_exports(__name__, _WHERE, globals())


__all__ = [
    "CheckResult",
    "NameInfo",
    "apply_edits",
    "check_file",
    "check_notebook",
    "check_notebook_file",
    "check_paths",
    "check_source",
    "decode_failure",
    "fixed_notebook",
    "iter_scripts",
    "literal_edit",
    "primary_edits",
]
