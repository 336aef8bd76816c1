"""Checking files and folders from disk (the CLI's entry point): finding scripts, reading them."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from amct_lsp.amct.versions import RuleVersion
from amct_lsp.check.checker import check_source
from amct_lsp.check.findings import Code, Finding, Position, Severity, Span
from amct_lsp.check.results import CheckResult
from amct_lsp.fileio import path_state
from amct_lsp.model.cache import ModelCache
from amct_lsp.notebook import is_notebook_path
from amct_lsp.script.source import ScriptDecodeError, ScriptText, read_script

if TYPE_CHECKING:
    from amct_lsp.notebook import Notebook

_SKIP_DIRS = frozenset(
    {".git", ".hg", ".svn", ".venv", "venv", "node_modules", "__pycache__", ".tox", ".mypy_cache"}
)


def decode_failure(path: str, err: ScriptDecodeError) -> CheckResult:
    """The result for a script whose bytes do not decode: one AMCT900 finding, like a syntax error."""
    span = Span(Position(err.line, err.column), Position(err.line, err.column + 1))
    finding = Finding(Code.SYNTAX, Severity.WARNING, f"The script cannot be read: {err.message}", path, span)
    return CheckResult(path=path, findings=[finding])


#: What a folder search picks up: scripts and Jupyter notebooks.
SCRIPT_SUFFIXES = (".py", ".ipynb")


def iter_scripts(paths: Iterable[str]) -> list[str]:
    """Files as given, folders searched recursively for *.py and *.ipynb (hidden and virtualenv folders
    skipped: `.ipynb_checkpoints` too).

    Symlinked folders are not followed (no loops); in a folder, a *.py that is not a readable regular file
    through its links (dangling or looping symlink, fifo) is skipped, while a file named explicitly is kept
    so that its problem is reported."""
    out: list[str] = []
    for given in paths:
        if os.path.isdir(given):
            for folder, dirs, files in os.walk(given):
                dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS and not d.startswith("."))
                for name in sorted(files):
                    full = os.path.join(folder, name)
                    if name.endswith(SCRIPT_SUFFIXES) and not name.startswith(".") and os.path.isfile(full):
                        out.append(full)
        elif os.path.lexists(given) or path_state(given) == "denied":
            out.append(given)  # reading it says why it cannot be read
        else:
            raise FileNotFoundError(given)
    return list(dict.fromkeys(os.path.abspath(p) for p in out))


def check_file(
    path: str,
    *,
    cache: ModelCache,
    model: str | None = None,
    root: str | None = None,
    log: str | None = None,
    extra_skip_layers: Sequence[str] = (),
    model_folders: Sequence[str] = (),
    rules: RuleVersion | None = None,
) -> tuple[ScriptText | Notebook | None, CheckResult]:
    """Read and check one script (or notebook) from disk; its text (None when unreadable: the result is one
    AMCT900)."""
    if is_notebook_path(path):
        from amct_lsp.check.notebooks import check_notebook_file

        return check_notebook_file(
            path,
            cache=cache,
            model=model,
            root=root,
            log=log,
            extra_skip_layers=extra_skip_layers,
            model_folders=model_folders,
            rules=rules,
        )
    try:
        text = read_script(path)
    except ScriptDecodeError as err:
        return None, decode_failure(path, err)
    except OSError as err:
        return None, decode_failure(path, ScriptDecodeError(f"{err.strerror or err}."))
    result = check_source(
        text.text,
        path,
        cache=cache,
        model=model,
        root=root,
        log=log,
        extra_skip_layers=extra_skip_layers,
        model_folders=model_folders,
        rules=rules,
    )
    return text, result


def check_paths(
    paths: Iterable[str],
    *,
    model: str | None = None,
    root: str | None = None,
    log: str | None = None,
    extra_skip_layers: Sequence[str] = (),
    cache: ModelCache | None = None,
    rules: RuleVersion | None = None,
) -> list[CheckResult]:
    """Check files and folders (recursively *.py and *.ipynb); every model is read once through one shared
    cache.

    Raises FileNotFoundError for a path that does not exist; unreadable scripts become AMCT900 results."""
    shared = cache if cache is not None else ModelCache()
    return [
        check_file(
            script,
            cache=shared,
            model=model,
            root=root,
            log=log,
            extra_skip_layers=extra_skip_layers,
            rules=rules,
        )[1]
        for script in iter_scripts(paths)
    ]
