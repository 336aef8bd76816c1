"""What calls into Python's library return: builtins, os.path / pathlib, str / list / dict methods,
argparse defaults."""

from __future__ import annotations

import itertools

import libcst as cst

from amct_lsp.script import values as V
from amct_lsp.script.walk.bindings import Bindings
from amct_lsp.script.walk.scopes import Frame


class LibraryCalls(Bindings):
    """The library calls a script builds names and paths with; anything else is unknown."""

    def _builtin(self, name: str, positional: list[tuple[cst.Arg, V.Vals]]) -> V.Vals:
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

    def _path_call(self, name: str, positional: list[tuple[cst.Arg, V.Vals]]) -> V.Vals:
        short = name.rsplit(".", 1)[-1]
        args = [tuple(V.strings(vals)) for _, vals in positional]
        if short in ("join", "Path", "PurePath", "PosixPath", "joinpath") and args:
            out = [V.path_join(list(combo)) for combo in itertools.islice(itertools.product(*args), 16)]
            return V.union(out)
        if not args:
            return (V.const("."),) if short in ("getcwd", "cwd") else ()
        first = args[0]
        if short == "dirname":
            return tuple(V.path_dirname(s) for s in first)
        if short == "basename":
            return tuple(V.slice_str(s, s.value.rfind("/") + 1, None) for s in first)
        if short in ("abspath", "realpath", "normpath", "expanduser", "fspath", "str", "resolve", "absolute"):
            return first
        return ()

    def _method(
        self,
        func: cst.Attribute,
        attr: str,
        receiver: V.Vals,
        positional: list[tuple[cst.Arg, V.Vals]],
        keywords: dict[str, tuple[cst.Arg, V.Vals]],
        frame: Frame,
    ) -> V.Vals:
        out: list[V.Val] = []
        args = [vals for _, vals in positional]

        def one_str(i: int) -> str | None:
            if i >= len(args):
                return None
            found = [v.value for v in args[i] if isinstance(v, V.Str)]
            return found[0] if len(found) == 1 else None

        def one_int(i: int, default: int) -> int | None:
            if i >= len(args):
                return default
            found = [v.value for v in args[i] if isinstance(v, V.Int)]
            return found[0] if len(found) == 1 else None

        for v in receiver:
            if isinstance(v, V.Str):
                if attr in ("split", "rsplit"):
                    sep = one_str(0)
                    maxsplit = one_int(1, -1)
                    if (sep is None and args) or maxsplit is None or sep == "":
                        continue
                    out.append(V.split_str(v, sep, maxsplit, right=attr == "rsplit"))
                elif attr in ("partition", "rpartition"):
                    sep = one_str(0)
                    if sep:
                        out.append(V.partition_str(v, sep, right=attr == "rpartition"))
                elif attr in ("strip", "lstrip", "rstrip"):
                    chars = one_str(0)
                    if args and chars is None:
                        continue
                    out.append(V.strip_str(v, chars, left=attr != "rstrip", right=attr != "lstrip"))
                elif attr in ("removesuffix", "removeprefix"):
                    affix = one_str(0)
                    if affix is None:
                        continue
                    if attr == "removesuffix" and affix and v.value.endswith(affix):
                        out.append(V.slice_str(v, 0, len(v.value) - len(affix)))
                    elif attr == "removeprefix" and v.value.startswith(affix):
                        out.append(V.slice_str(v, len(affix), None))
                    else:
                        out.append(v)
                elif attr == "format":
                    pos_vals = [vals[0] if len(vals) == 1 else None for vals in args]
                    kw_vals = {k: vals[0] for k, (_, vals) in keywords.items() if len(vals) == 1}
                    if any(p is None for p in pos_vals):
                        continue
                    formatted = V.format_template(v, [p for p in pos_vals if p is not None], kw_vals)
                    if formatted is not None:
                        out.append(formatted)
                elif attr == "replace":
                    old, new = one_str(0), one_str(1)
                    if old is not None and new is not None:
                        replaced = v.value.replace(old, new)
                        if len(replaced) <= V.MAX_STR_LENGTH:
                            out.append(V.const(replaced))
                elif attr == "join" and args:
                    for seq in args[0]:
                        if isinstance(seq, V.Seq) and all(len(item) == 1 for item in seq.items):
                            parts: list[V.Str] = []
                            for k, item in enumerate(seq.items):
                                if k:
                                    parts.append(v)
                                text = V.to_str(item[0])
                                if text is None:
                                    break
                                parts.append(text)
                            else:
                                joined = V.concat(*parts)
                                if joined is not None:
                                    out.append(joined)
                elif attr in ("joinpath",):
                    out.extend(self._path_call("joinpath", [(positional[0][0], (v,)), *positional]))
                elif attr in ("resolve", "absolute"):
                    out.append(v)
            elif (
                isinstance(v, V.Seq)
                and isinstance(func.value, cst.Name)
                and attr in ("append", "extend", "insert")
            ):
                if attr == "append" and len(args) == 1:
                    updated: V.Vals = V.seq((*v.items, args[0]))
                elif attr == "extend" and len(args) == 1:
                    extra = [s for s in args[0] if isinstance(s, V.Seq)]
                    if len(extra) != 1:
                        continue
                    updated = V.seq(v.items + extra[0].items)
                elif attr == "insert" and len(args) == 2:
                    idx = one_int(0, 0)
                    if idx is None:
                        continue
                    items = list(v.items)
                    items.insert(idx, args[1])
                    updated = V.seq(items)
                else:
                    continue
                self.bind(func.value, updated, frame)
            elif isinstance(v, V.DictV) and attr == "get" and args:
                for key in args[0]:
                    if isinstance(key, V.Str):
                        for key_alts, value_alts in v.pairs:
                            if any(isinstance(a, V.Str) and a.value == key.value for a in key_alts):
                                out.extend(value_alts)
            elif isinstance(v, V.DictV) and attr in ("values", "keys"):
                index = 1 if attr == "values" else 0
                out.append(V.Seq(tuple(pair[index] for pair in v.pairs)))
        return V.union(out)

    def _argparse(
        self, positional: list[tuple[cst.Arg, V.Vals]], keywords: dict[str, tuple[cst.Arg, V.Vals]]
    ) -> None:
        if "default" not in keywords:
            return
        dest: str | None = None
        if "dest" in keywords:
            names = [v.value for v in keywords["dest"][1] if isinstance(v, V.Str)]
            dest = names[0] if names else None
        else:
            flags = [v.value for _, vals in positional for v in vals if isinstance(v, V.Str)]
            longs = [f for f in flags if f.startswith("--")]
            chosen = longs[0] if longs else (flags[0] if flags else None)
            if chosen is not None:
                dest = chosen.lstrip("-").replace("-", "_")
        if dest:
            self.argparse_defaults[dest] = V.union(
                self.argparse_defaults.get(dest, ()), keywords["default"][1]
            )
