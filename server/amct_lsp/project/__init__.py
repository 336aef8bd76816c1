"""`[tool.amct]` in pyproject.toml: the project's own settings, read by the CLI and the server alike.

`project_for(script, stop)` finds the nearest pyproject.toml with a `[tool.amct]` table above a script and
gives its `ProjectConfig` (cached per file version); every problem in it is a `ConfigProblem` with its
file:line:col, never an exception. What the command line or the editor says explicitly wins over it.
"""

from __future__ import annotations

from amct_lsp.project.config import EMPTY, KEYS, ConfigProblem, ProjectConfig
from amct_lsp.project.globs import glob_match
from amct_lsp.project.lookup import PYPROJECT, find_pyproject, load_project, project_for

__all__ = [
    "EMPTY",
    "KEYS",
    "PYPROJECT",
    "ConfigProblem",
    "ProjectConfig",
    "find_pyproject",
    "glob_match",
    "load_project",
    "project_for",
]
