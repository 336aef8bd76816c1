"""The `amct` settings section: typed, validated by hand so a bad value costs the user one message, not the
server.

Settings arrive as untyped JSON from `initializationOptions` and `workspace/configuration`. Each key is
checked on its own: an invalid value is reported (once per distinct problem) and that key falls back to its
default while the valid keys still apply.
"""

from __future__ import annotations

import contextlib
import fnmatch
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, get_type_hints

import cattrs

from amct_lsp.amct.versions import RuleVersion, parse_version, resolve_rules
from amct_lsp.check.findings import Code, Severity

if TYPE_CHECKING:
    from amct_lsp.project import ProjectConfig

SECTION = "amct"


DEFAULT_HIDDEN = frozenset({Code.SYNTAX})
#: The `severity` level that hides a code.
OFF = "off"


@dataclass(frozen=True, slots=True)
class Settings:
    """What the user can configure; every field has a safe default."""

    enable: bool = True
    #: Extra folders to look for a model in when the script's own model path does not exist.
    model_paths: tuple[str, ...] = ()
    #: Glob (matched against the script path, absolute or relative to the workspace root) → model path.
    models: tuple[tuple[str, str], ...] = ()
    #: An AMCT log to use instead of the one found next to a script.
    log_path: str | None = None
    #: Per-code severity overrides, e.g. {"AMCT001": "warning"}.
    severity: Mapping[Code, Severity] = field(default_factory=dict)
    #: Codes not shown (`"off"` in `severity`). AMCT900, the syntax error, is off unless given a level: the
    #: Python language server reports it already.
    hidden: frozenset[Code] = DEFAULT_HIDDEN
    #: Codes the user turned off (`"off"`), as opposed to hidden by default.
    off: frozenset[Code] = frozenset()
    #: Extra layers (op names) to treat as not quantized.
    skip_layers: tuple[str, ...] = ()
    #: The AMCT version whose rewrite rules to use ("7.0", "8.0.RC3"); None: the installed one or the newest.
    amct_version: str | None = None
    #: `→ new name` inlay hints after stale name strings (clicking one applies the fix).
    inlay_hints: bool = True
    #: "renames N outputs · Explain" code lenses above each quantize_model call.
    code_lens: bool = True

    def rules(self) -> RuleVersion:
        """The rules to predict with: this setting's version, else amct_tensorflow's where the server runs
        (the user's own interpreter under `amct.interpreter`), else the newest documented."""
        return resolve_rules(self.amct_version, "the amct.amctVersion setting")

    def model_for(self, script: str, root: str | None) -> str | None:
        """The model configured for `script` by the first glob in `models` resolved against `root`."""
        candidates = [PurePosixPath(Path(script).as_posix())]
        if root:
            with contextlib.suppress(ValueError):
                candidates.append(PurePosixPath(Path(script).relative_to(root).as_posix()))
        for pattern, model in self.models:
            for cand in candidates:
                if cand.match(pattern) or fnmatch.fnmatch(str(cand), pattern):
                    return resolve_path(model, root)
        return None


def resolve_path(value: str, root: str | None) -> str:
    """Expand `~` and `${workspaceFolder}`; relative paths are taken from the workspace root."""
    if root:
        value = value.replace("${workspaceFolder}", root).replace("${workspaceRoot}", root)
    expanded = os.path.expanduser(value)
    if not os.path.isabs(expanded) and root:
        expanded = os.path.join(root, expanded)
    return os.path.normpath(expanded)


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _strict(kind: type) -> Callable[[Any, Any], Any]:
    def structure(value: Any, _: Any) -> Any:
        if not isinstance(value, kind):
            raise TypeError(f"expected {kind.__name__}, got {type(value).__name__}")
        return value

    return structure


def _comma_list(value: Any, _: Any) -> tuple[str, ...]:
    """A list of strings; one string is split at commas (what a user types into a text box)."""
    if isinstance(value, str):
        value = [v.strip() for v in value.split(",") if v.strip()]
    if not isinstance(value, list):
        raise TypeError(f"expected a list, got {type(value).__name__}")
    return tuple(_CONVERTER.structure(v, str) for v in value)


def _glob_map(value: Any, _: Any) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, Mapping):
        raise TypeError(f"expected an object, got {type(value).__name__}")
    pairs = tuple((_CONVERTER.structure(k, str), _CONVERTER.structure(v, str)) for k, v in value.items())
    if any(not model for _, model in pairs):
        raise ValueError("a model path is empty")
    return pairs


def _optional_path(value: Any, _: Any) -> str | None:
    return _CONVERTER.structure(value, str) or None


#: Reads each key into the type of its `Settings` field. Strict: JSON `"yes"` is not a boolean, `1` is not a
#: string.
_CONVERTER = cattrs.Converter()
_CONVERTER.register_structure_hook(bool, _strict(bool))
_CONVERTER.register_structure_hook(str, _strict(str))
_CONVERTER.register_structure_hook_func(lambda t: t == tuple[str, ...], _comma_list)
_CONVERTER.register_structure_hook_func(lambda t: t == tuple[tuple[str, str], ...], _glob_map)
_CONVERTER.register_structure_hook_func(lambda t: t == (str | None), _optional_path)


@dataclass(frozen=True, slots=True)
class SettingKey:
    """One key of the `amct` section: its JSON name, the `Settings` field it fills, the JSON type package.json
    declares for it, and what to tell the user when a value cannot be read."""

    name: str
    field: str
    json_type: str
    expected: str


#: The settings schema, in one place: parsing reads it, and a test checks package.json against it.
SCHEMA: tuple[SettingKey, ...] = (
    SettingKey("enable", "enable", "boolean", "must be true or false"),
    SettingKey("modelPaths", "model_paths", "array", "must be a list of strings"),
    SettingKey("models", "models", "object", "must map globs to model paths (strings)"),
    SettingKey("logPath", "log_path", "string", "must be a path (string)"),
    SettingKey("severity", "severity", "object", 'must map codes to severities, e.g. {"AMCT001": "warning"}'),
    SettingKey("skipLayers", "skip_layers", "array", "must be a list of strings"),
    SettingKey("amctVersion", "amct_version", "string", "must be an AMCT version such as 7.0 or 8.0.RC3"),
    SettingKey("inlayHints", "inlay_hints", "boolean", "must be true or false"),
    SettingKey("codeLens", "code_lens", "boolean", "must be true or false"),
)


def _expected(name: str) -> str:
    return next(key.expected for key in SCHEMA if key.name == name)


def parse_settings(raw: Any) -> tuple[Settings, list[str]]:
    """Validate a raw `amct` settings object; returns the settings (defaults where invalid) and the problems.

    Accepts the section itself (`{"enable": true, ...}`) or an object wrapping it (`{"amct": {...}}`). Keys
    we do not know (an editor's own `interpreter`, `trace`, ...) are left alone, not reported.
    """
    problems: list[str] = []
    if raw is None:
        return Settings(), problems
    if isinstance(raw, Mapping) and SECTION in raw and isinstance(raw[SECTION], Mapping | None):
        raw = raw[SECTION] or {}
    if not isinstance(raw, Mapping):
        return Settings(), [f"amct settings must be an object, got {_show(raw)}"]
    hints = get_type_hints(Settings)
    values: dict[str, Any] = {}
    for key in SCHEMA:
        value = raw.get(key.name)
        if value is None:
            continue
        if key.field == "severity":  # each entry on its own: the valid ones apply
            values["severity"], values["hidden"], values["off"] = _parse_severity(value, problems)
            continue
        try:
            values[key.field] = _CONVERTER.structure(value, hints[key.field])
            if key.field == "amct_version" and values[key.field] is not None:
                parse_version(values[key.field])
        except (TypeError, ValueError, cattrs.BaseValidationError):
            values.pop(key.field, None)
            problems.append(f"amct.{key.name} {key.expected}, got {_show(value)}")
    return Settings(**values), problems


def _parse_severity(
    value: Any, problems: list[str]
) -> tuple[dict[Code, Severity], frozenset[Code], frozenset[Code]]:
    """The levels per code, the codes hidden (AMCT900 unless it is given a level) and those turned off."""
    if not isinstance(value, Mapping):
        problems.append(f"amct.severity {_expected('severity')}, got {_show(value)}")
        return {}, DEFAULT_HIDDEN, frozenset()
    codes = {c.value: c for c in Code}
    levels = {s.value: s for s in Severity} | {"information": Severity.INFO}
    out: dict[Code, Severity] = {}
    hidden = set(DEFAULT_HIDDEN)
    off: set[Code] = set()
    for code, level in value.items():
        if not isinstance(code, str) or code.upper() not in codes:
            problems.append(f"amct.severity: unknown code {_show(code)} (known: {', '.join(codes)})")
            continue
        if isinstance(level, str) and level.lower() == OFF:
            hidden.add(codes[code.upper()])
            off.add(codes[code.upper()])
            continue
        if not isinstance(level, str) or level.lower() not in levels:
            names = ", ".join([*(s.value for s in Severity), OFF])
            problems.append(f"amct.severity.{code}: {_show(level)} is not one of {names}")
            continue
        out[codes[code.upper()]] = levels[level.lower()]
        hidden.discard(codes[code.upper()])
    return out, frozenset(hidden), frozenset(off)


@dataclass(frozen=True, slots=True)
class DocumentOptions:
    """What applies to one document: the editor's settings on top of its project's `[tool.amct]`."""

    enable: bool
    #: The project's `ignore` globs match the document: it is not checked.
    ignored: bool
    model: str | None
    log: str | None
    skip_layers: tuple[str, ...]
    model_folders: tuple[str, ...]
    rules: RuleVersion
    severity: Mapping[Code, Severity]
    hidden: frozenset[Code]


def document_options(
    settings: Settings, project: ProjectConfig, script: str, root: str | None
) -> DocumentOptions:
    """Explicit editor setting > `[tool.amct]` > defaults. An editor setting left empty (VS Code sends every
    key, empty by default) defers to the project; `models` globs are tried the editor's first, and
    `severity` is overlaid code by code (the project's levels, then the editor's)."""
    severity = {**project.severity, **settings.severity}
    hidden = set(DEFAULT_HIDDEN)
    for off, levels in ((project.off, project.severity), (settings.off, settings.severity)):
        hidden |= off
        hidden -= set(levels) - off
    for code in settings.off:
        severity.pop(code, None)
    return DocumentOptions(
        enable=settings.enable,
        ignored=project.ignores(script),
        model=settings.model_for(script, root) or project.model_for(script),
        log=resolve_path(settings.log_path, root) if settings.log_path else project.log_path,
        skip_layers=settings.skip_layers or project.skip_layers,
        model_folders=tuple(resolve_path(f, root) for f in settings.model_paths) or project.model_paths,
        rules=resolve_rules(
            settings.amct_version,
            "the amct.amctVersion setting",
            project=project.amct_version,
            project_source=project.source,
        ),
        severity=severity,
        hidden=frozenset(hidden),
    )


def merge_raw(*layers: Any) -> dict[str, Any]:
    """Overlay raw settings objects (later wins, key by key); non-objects are skipped (reported elsewhere)."""
    merged: dict[str, Any] = {}
    for layer in layers:
        if isinstance(layer, Mapping) and SECTION in layer and isinstance(layer[SECTION], Mapping):
            layer = layer[SECTION]
        if isinstance(layer, Mapping):
            merged.update({k: v for k, v in layer.items() if v is not None})
    return merged


__all__ = [
    "SCHEMA",
    "SECTION",
    "DocumentOptions",
    "SettingKey",
    "Settings",
    "document_options",
    "merge_raw",
    "parse_settings",
    "resolve_path",
]
