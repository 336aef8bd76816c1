"""The `[tool.amct]` table, typed: parsed strictly key by key, a bad key reported and the rest applied."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from amct_lsp.amct.versions import parse_version
from amct_lsp.check.findings import Code, Severity
from amct_lsp.project.globs import glob_match
from amct_lsp.project.positions import locate

#: The level that turns a code off.
OFF = "off"
_LEVELS = {s.value: s for s in Severity} | {"information": Severity.INFO}


@dataclass(frozen=True, slots=True)
class ConfigProblem:
    """One thing wrong in a pyproject.toml; `str()` is `path:line:col: message`, what editors link."""

    path: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.message}"


@dataclass(frozen=True)
class ProjectConfig:
    """`[tool.amct]` of one pyproject.toml; paths are absolute (taken from the file's folder)."""

    #: The pyproject.toml, None when the script has no project configuration.
    path: str | None = None
    #: (glob relative to the project folder, absolute model path), in the file's order.
    models: tuple[tuple[str, str], ...] = ()
    model_paths: tuple[str, ...] = ()
    skip_layers: tuple[str, ...] = ()
    log_path: str | None = None
    severity: Mapping[Code, Severity] = field(default_factory=dict)
    #: Codes turned off (`"off"` in `severity`).
    off: frozenset[Code] = frozenset()
    #: Globs of scripts not checked at all.
    ignore: tuple[str, ...] = ()
    amct_version: str | None = None
    problems: tuple[ConfigProblem, ...] = ()

    @property
    def folder(self) -> str | None:
        return os.path.dirname(self.path) if self.path else None

    @property
    def source(self) -> str:
        """Where the settings come from, for the "Rules: ..." line of hover and explain."""
        return f"[tool.amct] in {self.path}"

    def relative(self, script: str) -> str | None:
        """The script's path relative to the project folder (POSIX), None outside it."""
        if self.folder is None:
            return None
        try:
            return Path(os.path.abspath(script)).relative_to(self.folder).as_posix()
        except ValueError:
            return None

    def model_for(self, script: str) -> str | None:
        """The model of the first `models` glob matching the script."""
        rel = self.relative(script)
        if rel is None:
            return None
        return next((model for pattern, model in self.models if glob_match(rel, pattern)), None)

    def ignores(self, script: str) -> bool:
        """Whether an `ignore` glob matches the script (it is then not checked)."""
        rel = self.relative(script)
        return rel is not None and any(glob_match(rel, pattern) for pattern in self.ignore)


EMPTY = ProjectConfig()


# -- parsing ---------------------------------------------------------------------------------------------


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


class _Reader:
    """Reads one key at a time; a problem is recorded with its position and the key is left out."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.folder = os.path.dirname(path)
        self.lines = text.splitlines()
        self.problems: list[ConfigProblem] = []

    def problem(self, keys: Sequence[str], message: str) -> None:
        line, column = locate(self.lines, keys)
        self.problems.append(ConfigProblem(self.path, line, column, message))

    def absolute(self, value: str) -> str:
        return os.path.normpath(os.path.join(self.folder, os.path.expanduser(value)))


def _strings(reader: _Reader, key: str, value: Any) -> tuple[str, ...] | None:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        reader.problem([key], f"[tool.amct] {key} must be a list of strings, got {_show(value)}; ignored")
        return None
    return tuple(v for v in value if v.strip())


def _string(reader: _Reader, key: str, value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        reader.problem([key], f"[tool.amct] {key} must be a non-empty string, got {_show(value)}; ignored")
        return None
    return value.strip()


def _models(reader: _Reader, value: Any) -> tuple[tuple[str, str], ...] | None:
    if not isinstance(value, Mapping):
        reader.problem(
            ["models"], f"[tool.amct] models must be a table of glob = model path, got {_show(value)}"
        )
        return None
    out = []
    for pattern, model in value.items():
        if not isinstance(model, str) or not model.strip():
            reader.problem(
                ["models", pattern],
                f"[tool.amct.models] {pattern!r} must map to a model path (string); ignored",
            )
            continue
        out.append((pattern, reader.absolute(model.strip())))
    return tuple(out)


def _severity(reader: _Reader, value: Any) -> tuple[dict[Code, Severity], frozenset[Code]]:
    if not isinstance(value, Mapping):
        reader.problem(
            ["severity"],
            f'[tool.amct] severity must be a table such as {{AMCT001 = "warning"}}, got {_show(value)}',
        )
        return {}, frozenset()
    codes = {c.value: c for c in Code}
    levels: dict[Code, Severity] = {}
    off: set[Code] = set()
    for name, level in value.items():
        code = codes.get(name.upper())
        if code is None:
            reader.problem(
                ["severity", name], f"[tool.amct.severity] unknown code {name!r} (known: {', '.join(codes)})"
            )
            continue
        word = level.lower() if isinstance(level, str) else None
        if word == OFF:
            off.add(code)
        elif word in _LEVELS:
            levels[code] = _LEVELS[word]
        else:
            names = ", ".join([*(s.value for s in Severity), OFF])
            reader.problem(
                ["severity", name], f"[tool.amct.severity] {name}: {_show(level)} is not one of {names}"
            )
    return levels, frozenset(off)


def _version(reader: _Reader, value: Any) -> str | None:
    text = _string(reader, "amct_version", value)
    if text is None:
        return None
    try:
        parse_version(text)
    except ValueError as problem:
        reader.problem(["amct_version"], f"[tool.amct] amct_version: {problem}; ignored")
        return None
    return text


def _paths(reader: _Reader, key: str, value: Any) -> tuple[str, ...] | None:
    found = _strings(reader, key, value)
    return None if found is None else tuple(reader.absolute(v) for v in found)


def _log(reader: _Reader, value: Any) -> str | None:
    found = _string(reader, "log_path", value)
    return None if found is None else reader.absolute(found)


#: Each key of `[tool.amct]`: its reader (value → the `ProjectConfig` field's value, None when invalid).
_FIELDS: dict[str, Callable[[_Reader, Any], Any]] = {
    "models": _models,
    "model_paths": lambda r, v: _paths(r, "model_paths", v),
    "skip_layers": lambda r, v: _strings(r, "skip_layers", v),
    "log_path": _log,
    "severity": _severity,
    "ignore": lambda r, v: _strings(r, "ignore", v),
    "amct_version": _version,
}
KEYS = tuple(_FIELDS)


def parse_table(path: str, text: str, table: Any) -> ProjectConfig:
    """The `ProjectConfig` of `table` (the parsed `[tool.amct]`) in the file `path` whose text is `text`."""
    reader = _Reader(path, text)
    if not isinstance(table, Mapping):
        reader.problem([], f"[tool.amct] must be a table, got {_show(table)}; not used")
        return ProjectConfig(path=path, problems=tuple(reader.problems))
    values: dict[str, Any] = {}
    for key, value in table.items():
        parse = _FIELDS.get(key)
        if parse is None:
            import difflib  # only for a mistake

            close = difflib.get_close_matches(key.replace("-", "_"), KEYS, n=1, cutoff=0.6)
            hint = f" (did you mean {close[0]!r}?)" if close else f" (known: {', '.join(KEYS)})"
            reader.problem([key], f"[tool.amct] unknown key {key!r}{hint}; ignored")
            continue
        parsed = parse(reader, value)
        if key == "severity":
            values["severity"], values["off"] = parsed
        elif parsed is not None:
            values[key] = parsed
    return ProjectConfig(path=path, problems=tuple(reader.problems), **values)
