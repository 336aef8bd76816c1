"""Finding a script's pyproject.toml and reading its `[tool.amct]`, once per version of the file.

The nearest pyproject.toml above the script that has a `[tool.amct]` table wins (as ruff does for
`[tool.ruff]`): a sub-package's own pyproject.toml without one does not hide the project's. The walk stops at
`stop` (the workspace folder, `--root`) when the script is inside it, else at the filesystem root.
"""

from __future__ import annotations

import os
import re
import sys
import threading
from types import ModuleType

from amct_lsp.fileio import MAX_CONFIG_BYTES, FileKey, file_key, read_regular
from amct_lsp.project.config import EMPTY, ConfigProblem, ProjectConfig, parse_table

PYPROJECT = "pyproject.toml"
#: A file that does not parse counts as ours only if it seems to mean us.
_MENTIONS_US = re.compile(r"tool\s*\.\s*[\"']?amct\b|^\s*amct\s*[.=]", re.MULTILINE)
_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")
_AT_END = "(at end of document)"
_MAX_ENTRIES = 64

_lock = threading.Lock()
_cache: dict[str, tuple[FileKey, ProjectConfig | None]] = {}


def toml_reader() -> ModuleType:
    """tomllib (tomli on Python 3.10), imported on first use: most folders have no pyproject.toml."""
    if sys.version_info >= (3, 11):
        import tomllib

        return tomllib
    import tomli  # pragma: no cover - Python 3.10

    return tomli  # type: ignore[no-any-return,unused-ignore]  # pragma: no cover


def _read(path: str) -> ProjectConfig | None:
    """`[tool.amct]` of one pyproject.toml; None when it has none (or is not ours and does not parse)."""
    try:
        text = read_regular(path, MAX_CONFIG_BYTES).decode("utf-8")
    except (OSError, UnicodeDecodeError) as problem:
        reason = problem.strerror if isinstance(problem, OSError) else "not UTF-8"
        return ProjectConfig(
            path=path,
            problems=(ConfigProblem(path, 1, 1, f"cannot be read ({reason}); [tool.amct] not used"),),
        )
    tomllib = toml_reader()
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as problem:
        if not _MENTIONS_US.search(text):
            return None
        message = str(problem)
        where = _TOML_POSITION.search(message)
        if where:
            line, column = int(where.group(1)), int(where.group(2))
        elif _AT_END in message:
            lines = text.splitlines() or [""]
            line, column = len(lines), len(lines[-1]) + 1
        else:
            line, column = 1, 1
        short = _TOML_POSITION.sub("", message).replace(_AT_END, "").strip()
        bad = ConfigProblem(path, line, column, f"invalid TOML ({short}); [tool.amct] not used")
        return ProjectConfig(path=path, problems=(bad,))
    tool = data.get("tool")
    if not isinstance(tool, dict) or "amct" not in tool:
        return None
    return parse_table(path, text, tool["amct"])


def load_project(path: str) -> ProjectConfig | None:
    """`[tool.amct]` of the pyproject.toml at `path`, read once per (real path, size, mtime, inode);
    None when the file has no such table or does not exist."""
    key = file_key(path)
    if key is None:
        return None
    with _lock:
        hit = _cache.get(key[0])
        if hit is not None and hit[0] == key:
            return hit[1]
    config = _read(os.path.abspath(path))
    with _lock:
        if len(_cache) >= _MAX_ENTRIES:
            _cache.clear()
        _cache[key[0]] = (key, config)
    return config


def _folders(script: str, stop: str | None) -> list[str]:
    start = os.path.dirname(os.path.abspath(script))
    top = os.path.abspath(stop) if stop else None
    if top is not None and not (start == top or start.startswith(top.rstrip(os.sep) + os.sep)):
        top = None  # outside the workspace: walk to the filesystem root, like a script opened alone
    out = [start]
    while out[-1] != top:
        parent = os.path.dirname(out[-1])
        if parent == out[-1]:
            break
        out.append(parent)
    return out


def find_pyproject(script: str, stop: str | None = None) -> ProjectConfig | None:
    """The configuration of the nearest pyproject.toml with `[tool.amct]` above `script`, else None."""
    for folder in _folders(script, stop):
        candidate = os.path.join(folder, PYPROJECT)
        if os.path.isfile(candidate):
            config = load_project(candidate)
            if config is not None:
                return config
    return None


def project_for(script: str, stop: str | None = None) -> ProjectConfig:
    """`find_pyproject`, or the empty configuration (every default) when there is none."""
    return find_pyproject(script, stop) or EMPTY
