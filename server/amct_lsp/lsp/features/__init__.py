"""One module per LSP feature; each lists its `ROUTES` (see `amct_lsp.lsp.handlers`).

Adding a feature is one module here plus one entry in `FEATURES`.
"""

from __future__ import annotations

from collections.abc import Sequence

from amct_lsp.lsp.features import (
    code_actions,
    code_lens,
    commands,
    completion,
    configuration,
    diagnostics,
    explain_view,
    files,
    hover,
    inlay_hints,
    lifecycle,
    notebook_sync,
    sync,
)
from amct_lsp.lsp.handlers import Feature

FEATURES: Sequence[Feature] = (
    lifecycle,
    sync,
    diagnostics,
    files,
    configuration,
    hover,
    completion,
    code_actions,
    commands,
    inlay_hints,
    code_lens,
    explain_view,
    notebook_sync,
)

__all__ = ["FEATURES"]
