"""Project discovery: the one lookup for a script's model, AMCT config files and AMCT log.

A relative path is tried against the script's folder, then each parent up to the workspace root (or a few
levels without one): scripts are run from their own folder as often as from the project root. The same walk
finds `amct_log/amct_tensorflow.log`. A model not found that way is looked for by its file name in the extra
model folders (the editor's `modelPaths`). The choice, and every folder tried, is kept so the user can see
why a file was (not) found. The CLI, the server and, through the server's status, the client all use this.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field

from amct_lsp.fileio import path_state
from amct_lsp.script.facts import ModelCandidate, ModelSource, ScriptAnalysis
from amct_lsp.text import Span

#: Without a workspace root, look at most this many folders above the script.
MAX_PARENTS = 6


@dataclass(frozen=True, slots=True)
class Located:
    """The outcome of looking for one file."""

    wanted: str | None  # the path as the script (or the user) spells it
    path: str | None  # absolute path found, None when not found
    span: Span | None  # the string in the script that names it
    note: str  # how it was found, or where we looked
    looked_in: tuple[str, ...] = field(default_factory=tuple)


def search_dirs(script_path: str, root: str | None, *, named: bool = True) -> list[str]:
    """The script's folder and its parents up to `root`. Outside a workspace root, a few levels up for a file
    the script names (`named`: its model, its config — the user pointed at it), but only the script's own
    folder for one it does not name (the AMCT log: an `amct_log` further up may be another project's)."""
    limit = MAX_PARENTS if named else 0
    start = os.path.dirname(os.path.abspath(script_path))
    top = os.path.abspath(root) if root else None
    dirs = [start]
    current = start
    inside = top is not None and (start == top or start.startswith(top.rstrip(os.sep) + os.sep))
    while True:
        if inside and current == top:
            break
        parent = os.path.dirname(current)
        if parent == current or (not inside and len(dirs) > limit):
            break
        dirs.append(parent)
        current = parent
    return dirs


def resolve(wanted: str, dirs: list[str]) -> tuple[str | None, str | None]:
    """(absolute path, folder it was found relative to) for the first folder where `wanted` exists.

    When it exists nowhere but a folder on the way to it cannot be searched, that path is returned: the
    reader then says "permission denied" instead of the file being reported as missing."""
    expanded = os.path.expanduser(wanted)
    if os.path.isabs(expanded):
        norm = os.path.normpath(expanded)
        return (norm, None) if path_state(norm) != "missing" else (None, None)
    denied: tuple[str | None, str | None] = (None, None)
    for folder in dirs:
        candidate = os.path.normpath(os.path.join(folder, expanded))
        state = path_state(candidate)
        if state == "exists":
            return candidate, folder
        if state == "denied" and denied[0] is None:
            denied = (candidate, folder)
    return denied


def _relative_note(folder: str | None, dirs: list[str]) -> str:
    if folder is None:
        return "at an absolute path"
    if folder == dirs[0]:
        return "relative to the script's folder"
    levels = dirs.index(folder)
    return f"relative to {folder} ({levels} level{'s' if levels > 1 else ''} above the script)"


def _also_note(wanted: str, folder: str | None, dirs: list[str]) -> str:
    """When a relative path exists from another folder too (the script may run from its project root, the
    working directory), say which one was assumed."""
    if folder is None:
        return ""
    expanded = os.path.expanduser(wanted)
    others = [
        d for d in dirs if d != folder and path_state(os.path.normpath(os.path.join(d, expanded))) == "exists"
    ]
    if not others:
        return ""
    where = "the script's folder" if folder == dirs[0] else folder
    return (
        f"; it also exists relative to {others[0]} (the file read when the script runs from there): "
        f"assumed relative to {where}"
    )


_TIERS = ((ModelSource.DIRECTIVE,), (ModelSource.LOADER, ModelSource.SAVE_MODEL), (ModelSource.CONSTANT,))


def locate_model(
    analysis: ScriptAnalysis,
    script_path: str,
    root: str | None,
    explicit: str | None,
    model_folders: Sequence[str] = (),
) -> Located:
    """The script's model: `explicit` (--model), then `# amct: model=`, then what reaches a loader; a name
    not found next to the script is looked for by file name in `model_folders` (absolute folders)."""
    dirs = search_dirs(script_path, root)
    if explicit:
        path = os.path.abspath(os.path.expanduser(explicit))
        if path_state(path) != "missing":
            return Located(explicit, path, None, "given explicitly (--model / the model setting)")
        return Located(explicit, None, None, f"the model given explicitly, {path}, does not exist", (path,))
    candidates: list[ModelCandidate] = list(analysis.models)
    if analysis.directive_model is not None:
        wanted, span = analysis.directive_model
        candidates.insert(0, ModelCandidate(wanted, ModelSource.DIRECTIVE, span, "# amct: model="))
    for tier in _TIERS:
        group = [c for c in candidates if c.source in tier]
        if not group:
            continue
        for cand in group:
            found, folder = resolve(cand.path, dirs)
            if found is not None:
                note = f"'{cand.path}' from {cand.how}, found {_relative_note(folder, dirs)}"
                note += _also_note(cand.path, folder, dirs)
                return Located(cand.path, found, cand.span, note, tuple(dirs))
        first = group[0]
        found = _in_folders(first.path, model_folders)
        if found is not None:
            note = (
                f"'{first.path}' from {first.how}, found by name in {os.path.dirname(found)} (model folders)"
            )
            return Located(first.path, found, first.span, note, tuple(dirs))
        if os.path.isabs(os.path.expanduser(first.path)):
            where = f"{os.path.normpath(os.path.expanduser(first.path))} does not exist"
        else:
            where = "looked in " + ", ".join(dirs)
        return Located(
            first.path, None, first.span, f"'{first.path}' (from {first.how}) not found: {where}", tuple(dirs)
        )
    return Located(
        None, None, None, "the script names no .pb/.pbtxt model that reaches a loader", tuple(dirs)
    )


def _in_folders(wanted: str, folders: Sequence[str]) -> str | None:
    """The first `folder/<file name of wanted>` that is a file."""
    name = os.path.basename(os.path.expanduser(wanted))
    for folder in folders if name else ():
        candidate = os.path.normpath(os.path.join(folder, name))
        if os.path.isfile(candidate):
            return candidate
    return None


def locate_file(wanted: str, script_path: str, root: str | None, *, named: bool = True) -> str | None:
    """A config file the script names, found like the model; None when it does not exist (yet)."""
    path, _ = resolve(wanted, search_dirs(script_path, root, named=named))
    return path if path is not None and os.path.isfile(path) else None


#: Where AMCT writes its log, relative to the folder it runs in.
LOG_FILE = os.path.join("amct_log", "amct_tensorflow.log")


def locate_log(script_path: str, root: str | None, explicit: str | None = None) -> str | None:
    """The AMCT log: `explicit` (--log, the logPath setting) when it is a file, else the nearest
    `amct_log/amct_tensorflow.log` in the script's folder or a parent inside the root (the same walk as the
    model; the script does not name its log, so outside a root only its own folder counts)."""
    if explicit:
        path = os.path.abspath(explicit)
        return path if os.path.isfile(path) else None
    return locate_file(LOG_FILE, script_path, root, named=False)
