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
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from amct_lsp.check.findings import Code, Severity

SECTION = "amct"


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
    #: Extra layers (op names) to treat as not quantized.
    skip_layers: tuple[str, ...] = ()

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


def _str_list(value: Any, key: str, problems: list[str]) -> tuple[str, ...] | None:
    if isinstance(value, str):
        value = [v.strip() for v in value.split(",") if v.strip()]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    problems.append(f"amct.{key} must be a list of strings, got {_show(value)}")
    return None


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def parse_settings(raw: Any) -> tuple[Settings, list[str]]:
    """Validate a raw `amct` settings object; returns the settings (defaults where invalid) and the problems.

    Accepts the section itself (`{"enable": true, ...}`) or an object wrapping it (`{"amct": {...}}`).
    """
    problems: list[str] = []
    if raw is None:
        return Settings(), problems
    if isinstance(raw, Mapping) and SECTION in raw and isinstance(raw[SECTION], Mapping | None):
        raw = raw[SECTION] or {}
    if not isinstance(raw, Mapping):
        return Settings(), [f"amct settings must be an object, got {_show(raw)}"]

    # Keys we do not know (an editor's own `interpreter`, `trace`, ...) are left alone, not reported.
    values: dict[str, Any] = {}

    if "enable" in raw and raw["enable"] is not None:
        if isinstance(raw["enable"], bool):
            values["enable"] = raw["enable"]
        else:
            problems.append(f"amct.enable must be true or false, got {_show(raw['enable'])}")

    if raw.get("modelPaths") is not None:
        paths = _str_list(raw["modelPaths"], "modelPaths", problems)
        if paths is not None:
            values["model_paths"] = paths

    if raw.get("skipLayers") is not None:
        layers = _str_list(raw["skipLayers"], "skipLayers", problems)
        if layers is not None:
            values["skip_layers"] = layers

    if raw.get("models") is not None:
        models = raw["models"]
        if isinstance(models, Mapping) and all(
            isinstance(k, str) and isinstance(v, str) and v for k, v in models.items()
        ):
            values["models"] = tuple(models.items())
        else:
            problems.append(f"amct.models must map globs to model paths (strings), got {_show(models)}")

    if raw.get("logPath") is not None:
        log_path = raw["logPath"]
        if isinstance(log_path, str):
            values["log_path"] = log_path or None
        else:
            problems.append(f"amct.logPath must be a path (string), got {_show(log_path)}")

    if raw.get("severity") is not None:
        values["severity"] = _parse_severity(raw["severity"], problems)

    return Settings(**values), problems


def _parse_severity(value: Any, problems: list[str]) -> dict[Code, Severity]:
    if not isinstance(value, Mapping):
        problems.append(
            f'amct.severity must map codes to severities, e.g. {{"AMCT001": "warning"}}, got {_show(value)}'
        )
        return {}
    codes = {c.value: c for c in Code}
    levels = {s.value: s for s in Severity} | {"information": Severity.INFO}
    out: dict[Code, Severity] = {}
    for code, level in value.items():
        if not isinstance(code, str) or code.upper() not in codes:
            problems.append(f"amct.severity: unknown code {_show(code)} (known: {', '.join(codes)})")
            continue
        if not isinstance(level, str) or level.lower() not in levels:
            problems.append(
                f"amct.severity.{code}: {_show(level)} is not one of {', '.join(s.value for s in Severity)}"
            )
            continue
        out[codes[code.upper()]] = levels[level.lower()]
    return out


def merge_raw(*layers: Any) -> dict[str, Any]:
    """Overlay raw settings objects (later wins, key by key); non-objects are skipped (reported elsewhere)."""
    merged: dict[str, Any] = {}
    for layer in layers:
        if isinstance(layer, Mapping) and SECTION in layer and isinstance(layer[SECTION], Mapping):
            layer = layer[SECTION]
        if isinstance(layer, Mapping):
            merged.update({k: v for k, v in layer.items() if v is not None})
    return merged


__all__ = ["SECTION", "Settings", "merge_raw", "parse_settings", "resolve_path"]
