"""Methods of the values scripts build names with: str (split, strip, format, join, replace...), list
(append, extend, insert: the variable now holds the longer list) and dict (get, keys, values)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import libcst as cst

from amct_lsp.script import values as V
from amct_lsp.script.walk.callsite import CallSite
from amct_lsp.script.walk.handlers.stdlib import path_call

if TYPE_CHECKING:
    from amct_lsp.script.walk.interpreter import Interpreter


class ValueMethods:
    """`receiver.method(...)` where the receiver is a known string, list or dict."""

    def call(self, site: CallSite, walk: Interpreter) -> V.Vals | None:
        func = site.node.func
        if not isinstance(func, cst.Attribute) or not site.receiver:
            return None
        args = _Args([vals for _, vals in site.positional])
        out: list[V.Val] = []
        for v in site.receiver:
            if isinstance(v, V.Str):
                out.extend(_str_method(v, site, args))
            elif isinstance(v, V.Seq) and isinstance(func.value, cst.Name):
                updated = _list_method(v, site.attr, args)
                if updated is not None:
                    walk.bind(func.value, updated, site.frame)
            elif isinstance(v, V.DictV):
                out.extend(_dict_method(v, site.attr, args))
        return V.union(out)


class _Args:
    """Positional argument values, with the questions the methods ask of them."""

    def __init__(self, values: list[V.Vals]) -> None:
        self.values = values

    def one_str(self, i: int) -> str | None:
        if i >= len(self.values):
            return None
        found = [v.value for v in self.values[i] if isinstance(v, V.Str)]
        return found[0] if len(found) == 1 else None

    def one_int(self, i: int, default: int) -> int | None:
        if i >= len(self.values):
            return default
        found = [v.value for v in self.values[i] if isinstance(v, V.Int)]
        return found[0] if len(found) == 1 else None


def _str_method(v: V.Str, site: CallSite, args: _Args) -> list[V.Val]:
    attr, values = site.attr, args.values
    if attr in ("split", "rsplit"):
        sep = args.one_str(0)
        maxsplit = args.one_int(1, -1)
        if (sep is None and values) or maxsplit is None or sep == "":
            return []
        return [V.split_str(v, sep, maxsplit, right=attr == "rsplit")]
    if attr in ("partition", "rpartition"):
        sep = args.one_str(0)
        return [V.partition_str(v, sep, right=attr == "rpartition")] if sep else []
    if attr in ("strip", "lstrip", "rstrip"):
        chars = args.one_str(0)
        if values and chars is None:
            return []
        return [V.strip_str(v, chars, left=attr != "rstrip", right=attr != "lstrip")]
    if attr in ("removesuffix", "removeprefix"):
        affix = args.one_str(0)
        if affix is None:
            return []
        if attr == "removesuffix" and affix and v.value.endswith(affix):
            return [V.slice_str(v, 0, len(v.value) - len(affix))]
        if attr == "removeprefix" and v.value.startswith(affix):
            return [V.slice_str(v, len(affix), None)]
        return [v]
    if attr == "format":
        pos_vals = [vals[0] if len(vals) == 1 else None for vals in values]
        kw_vals = {k: vals[0] for k, (_, vals) in site.keywords.items() if len(vals) == 1}
        if any(p is None for p in pos_vals):
            return []
        formatted = V.format_template(v, [p for p in pos_vals if p is not None], kw_vals)
        return [formatted] if formatted is not None else []
    if attr == "replace":
        old, new = args.one_str(0), args.one_str(1)
        if old is None or new is None:
            return []
        replaced = v.value.replace(old, new)
        return [V.const(replaced)] if len(replaced) <= V.MAX_STR_LENGTH else []
    if attr == "join" and values:
        return [joined for seq in values[0] if (joined := _join(v, seq)) is not None]
    if attr == "joinpath" and values:
        return list(path_call("joinpath", [(v,), *values]))
    if attr in ("resolve", "absolute"):
        return [v]
    return []


def _join(sep: V.Str, seq: V.Val) -> V.Str | None:
    """`sep.join(seq)` for a list of known strings (or numbers)."""
    if not isinstance(seq, V.Seq) or not all(len(item) == 1 for item in seq.items):
        return None
    parts: list[V.Str] = []
    for k, item in enumerate(seq.items):
        if k:
            parts.append(sep)
        text = V.to_str(item[0])
        if text is None:
            return None
        parts.append(text)
    return V.concat(*parts)


def _list_method(v: V.Seq, attr: str, args: _Args) -> V.Vals | None:
    """What the list variable holds after `append` / `extend` / `insert`; None when not known."""
    values = args.values
    if attr == "append" and len(values) == 1:
        return V.seq((*v.items, values[0]))
    if attr == "extend" and len(values) == 1:
        extra = [s for s in values[0] if isinstance(s, V.Seq)]
        return V.seq(v.items + extra[0].items) if len(extra) == 1 else None
    if attr == "insert" and len(values) == 2:
        idx = args.one_int(0, 0)
        if idx is None:
            return None
        items = list(v.items)
        items.insert(idx, values[1])
        return V.seq(items)
    return None


def _dict_method(v: V.DictV, attr: str, args: _Args) -> list[V.Val]:
    out: list[V.Val] = []
    if attr == "get" and args.values:
        for key in args.values[0]:
            if isinstance(key, V.Str):
                for key_alts, value_alts in v.pairs:
                    if any(isinstance(a, V.Str) and a.value == key.value for a in key_alts):
                        out.extend(value_alts)
    elif attr in ("values", "keys"):
        index = 1 if attr == "values" else 0
        out.append(V.Seq(tuple(pair[index] for pair in v.pairs)))
    return out
