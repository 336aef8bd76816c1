"""Checking a Jupyter notebook: its code cells as one script (amct_lsp.notebook), the model found from the
notebook's folder, and `--fix` written back into the cell sources only."""

from __future__ import annotations

from typing import Any

from amct_lsp.check.checker import check_source
from amct_lsp.check.edits import apply_edits, primary_edits
from amct_lsp.check.findings import Code, Finding, Position, Severity, Span
from amct_lsp.check.results import CheckResult
from amct_lsp.notebook import Notebook, NotebookError, read_notebook


def check_notebook(notebook: Notebook, path: str, **options: Any) -> CheckResult:
    """Check the notebook's Python code cells as one script (`options` as for `check_source`)."""
    script = notebook.script()
    result = check_source(script.source, path, **options)
    result.cells = script
    result.notebook = notebook
    return result


def unreadable_notebook(path: str, message: str, line: int = 0, column: int = 0) -> CheckResult:
    """One AMCT900 finding at the problem's place in the file, like a script that does not decode."""
    span = Span(Position(line, column), Position(line, column + 1))
    finding = Finding(Code.SYNTAX, Severity.WARNING, f"The notebook cannot be read: {message}", path, span)
    return CheckResult(path=path, findings=[finding])


def check_notebook_file(path: str, **options: Any) -> tuple[Notebook | None, CheckResult]:
    """Read and check a notebook from disk; (None, one AMCT900) when it cannot be read."""
    try:
        notebook = read_notebook(path)
    except NotebookError as err:
        return None, unreadable_notebook(path, err.message, err.line, err.column)
    except OSError as err:
        return None, unreadable_notebook(path, f"{err.strerror or err}.")
    return notebook, check_notebook(notebook, path, **options)


def fixed_notebook(notebook: Notebook, result: CheckResult) -> bytes | None:
    """The notebook's bytes with every safe primary fix applied to its cell sources (everything else as it
    was); None when there is nothing to fix."""
    cells = result.cells
    edits = primary_edits(result.findings)
    if cells is None or not edits:
        return None
    sources: dict[int, str] = {}
    for index, cell_edits in cells.cell_edits(edits).items():
        cell = notebook.code_cell(index)
        if cell is not None:
            sources[index] = apply_edits(cell.source, cell_edits)
    return notebook.with_sources(sources) if sources else None


__all__ = ["check_notebook", "check_notebook_file", "fixed_notebook", "unreadable_notebook"]
