"""One module per LSP feature; each lists its `ROUTES` (see `amct_lsp.lsp.handlers`).

Adding a feature is one module here plus one entry in `FEATURES`.
"""

from __future__ import annotations

from collections.abc import Sequence

from amct_lsp.lsp.features import (
    code_actions,
    commands,
    configuration,
    diagnostics,
    files,
    hover,
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
    code_actions,
    commands,
    notebook_sync,
)

__all__ = ["FEATURES"]
