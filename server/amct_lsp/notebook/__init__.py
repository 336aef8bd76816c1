"""Jupyter notebooks: the `.ipynb` file (read, and written back byte-faithfully), IPython syntax made
parseable, and the code cells joined into one script with a position map cell ↔ script."""

from __future__ import annotations

from amct_lsp.notebook.ipynb import (
    MAX_NOTEBOOK_BYTES,
    CodeCell,
    Notebook,
    NotebookError,
    is_notebook_path,
    parse_notebook,
    read_notebook,
)
from amct_lsp.notebook.joined import CellSlice, NotebookScript, join_cells
from amct_lsp.notebook.magics import neutralise

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
