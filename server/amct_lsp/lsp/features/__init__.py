"""One module per LSP feature; each lists its `ROUTES` (see `amct_lsp.lsp.handlers`).

Adding a feature is one module here plus one entry in `FEATURES`.
"""

from __future__ import annotations

from collections.abc import Sequence

from amct_lsp.lsp.features import (
    code_actions,
    commands,
    completion,
    configuration,
    diagnostics,
    files,
    hover,
    lifecycle,
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
)

__all__ = ["FEATURES"]
