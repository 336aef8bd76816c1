"""Jupyter notebooks: the `.ipynb` file (read, and written back byte-faithfully), IPython syntax made
parseable, and the code cells joined into one script with a position map cell ↔ script.

The names below load on first use (`amct_lsp.lazy`): checking a plain script asks only `is_notebook_path`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from amct_lsp.lazy import lazy_exports
from amct_lsp.notebook.paths import is_notebook_path

if TYPE_CHECKING:
    from amct_lsp.notebook.ipynb import (
        MAX_NOTEBOOK_BYTES,
        CodeCell,
        Notebook,
        NotebookError,
        parse_notebook,
        read_notebook,
    )
    from amct_lsp.notebook.joined import CellSlice, NotebookScript, join_cells
    from amct_lsp.notebook.magics import neutralise

_WHERE = {
    "MAX_NOTEBOOK_BYTES": "ipynb",
    "CodeCell": "ipynb",
    "Notebook": "ipynb",
    "NotebookError": "ipynb",
    "parse_notebook": "ipynb",
    "read_notebook": "ipynb",
    "CellSlice": "joined",
    "NotebookScript": "joined",
    "join_cells": "joined",
    "neutralise": "magics",
}

__getattr__ = lazy_exports(__name__, _WHERE, globals())

__all__ = [
    "MAX_NOTEBOOK_BYTES",
    "CellSlice",
    "CodeCell",
    "Notebook",
    "NotebookError",
    "NotebookScript",
    "is_notebook_path",
    "join_cells",
    "neutralise",
    "parse_notebook",
    "read_notebook",
]
