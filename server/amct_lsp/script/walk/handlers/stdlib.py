"""Python's library as scripts use it to build names and paths: builtins (list, sorted, enumerate, zip),
os.path / pathlib, and argparse defaults (what `args.model` holds when the script is run without options)."""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

import libcst as cst

from amct_lsp.script import values as V
from amct_lsp.script.walk.callsite import CallSite

if TYPE_CHECKING:
    from amct_lsp.script.walk.interpreter import Interpreter

#: argparse options that name what the script writes, whose defaults are never its model.
_OUTPUT_OPTION = re.compile(r"save|output|out_|_out\b|^out$|export|dump|result", re.IGNORECASE)

_PATH_MODULES = ("os.path.", "posixpath.", "pathlib.", "os.")
_PATH_NAMES = ("Path", "PurePath", "fspath", "str")


class Argparse:
    """`parser.add_argument('--model', default=...)` and `parser.parse_args()`."""

    def call(self, site: CallSite, walk: Interpreter) -> V.Vals | None:
        if site.attr == "add_argument":
            dest = _add_argument(site, walk.argparse_defaults)
            if dest is not None and _OUTPUT_OPTION.search(dest):  # --save_path, --output_dir: written
                for s in V.strings(site.keywords["default"][1]):
                    walk.record.written.update(lit.span for lit in s.literals)
            return ()
        if site.attr in ("parse_args", "parse_known_args"):
            namespace = V.Namespace()
            return (namespace,) if site.attr == "parse_args" else (V.Seq(((namespace,), ())),)
        return None


class Paths:
    """os.path, posixpath, pathlib and os calls: joins, dirname, basename, the identity-like ones."""

    def call(self, site: CallSite, walk: Interpreter) -> V.Vals | None:
        if not site.canonical.startswith(_PATH_MODULES) and site.attr not in _PATH_NAMES:
            return None
        return path_call(site.canonical or site.attr, [vals for _, vals in site.positional])


class Builtins:
    """list, tuple, sorted, set, enumerate and zip over known lists."""

    def call(self, site: CallSite, walk: Interpreter) -> V.Vals | None:
        if not isinstance(site.node.func, cst.Name):
            return None
        name, positional = site.attr, site.positional
        if name in ("list", "tuple", "sorted", "set") and len(positional) == 1:
            return tuple(v for v in positional[0][1] if isinstance(v, V.Seq))
        if name == "enumerate" and positional:
            out: list[V.Val] = []
            for v in positional[0][1]:
                if isinstance(v, V.Seq):
                    out.append(V.Seq(tuple((V.Seq(((V.Int(i),), item)),) for i, item in enumerate(v.items))))
            return tuple(out)
        if name == "zip" and positional:
            seqs = []
            for _, vals in positional:
                found = [v for v in vals if isinstance(v, V.Seq)]
                if len(found) != 1:
                    return ()
                seqs.append(found[0])
            rows = zip(*(s.items for s in seqs), strict=False)
            return (V.Seq(tuple((V.Seq(tuple(row)),) for row in rows)),)
        return ()


def path_call(name: str, positional: Sequence[V.Vals]) -> V.Vals:
    """What the path function `name` (dotted, or its last part) returns for these arguments."""
    short = name.rsplit(".", 1)[-1]
    args = [tuple(V.strings(vals)) for vals in positional]
    if short in ("join", "Path", "PurePath", "PosixPath", "joinpath") and args:
        out = [V.path_join(list(combo)) for combo in itertools.islice(itertools.product(*args), 16)]
        return V.union(out)
    if not args:
        return (V.const("."),) if short in ("getcwd", "cwd") else ()
    first = args[0]
    if short == "dirname":
        return tuple(V.path_dirname(s) for s in first)
    if short == "split":  # os.path.split(p) -> (head, tail)
        return tuple(
            V.Seq(((V.path_dirname(s),), (V.slice_str(s, s.value.rfind("/") + 1, None),))) for s in first
        )
    if short == "basename":
        return tuple(V.slice_str(s, s.value.rfind("/") + 1, None) for s in first)
    if short in ("abspath", "realpath", "normpath", "expanduser", "fspath", "str", "resolve", "absolute"):
        return first
    return ()


def _add_argument(site: CallSite, defaults: dict[str, V.Vals]) -> str | None:
    """Record the option's default; its destination name (None when it has no default)."""
    keywords = site.keywords
    if "default" not in keywords:
        return None
    dest: str | None = None
    if "dest" in keywords:
        names = [v.value for v in keywords["dest"][1] if isinstance(v, V.Str)]
        dest = names[0] if names else None
    else:
        flags = [v.value for _, vals in site.positional for v in vals if isinstance(v, V.Str)]
        longs = [f for f in flags if f.startswith("--")]
        chosen = longs[0] if longs else (flags[0] if flags else None)
        if chosen is not None:
            dest = chosen.lstrip("-").replace("-", "_")
    if dest:
        defaults[dest] = V.union(defaults.get(dest, ()), keywords["default"][1])
    return dest
