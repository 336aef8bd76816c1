"""Whether a path is a notebook: the one test the check pipeline needs before it reads anything, kept apart
so that checking a script does not load the notebook reader."""

from __future__ import annotations

NOTEBOOK_SUFFIX = ".ipynb"


def is_notebook_path(path: str) -> bool:
    return path.lower().endswith(NOTEBOOK_SUFFIX)
