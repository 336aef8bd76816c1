"""Where names and model paths end up: a use at a sink (get_tensor_by_name, sess.run, ...), a model loader."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import libcst as cst

from amct_lsp.script import values as V
from amct_lsp.script.facts import ModelCandidate, ModelSource, Phase, UseKind
from amct_lsp.script.walk.callsite import Arg, CallSite
from amct_lsp.script.walk.known_apis import MODEL_SUFFIXES
from amct_lsp.script.walk.scopes import Frame
from amct_lsp.script.walk.syntax import walk_nodes

if TYPE_CHECKING:
    from amct_lsp.script.walk.interpreter import Interpreter


class Sinks:
    """Turns the strings reaching a sink into `NameUse`s and `.pb` paths reaching a loader into candidates."""

    def __init__(self, walk: Interpreter) -> None:
        self.walk = walk

    def loader(self, name: Arg | None, mode: Arg | None, how: str, frame: Frame) -> None:
        if name is None:
            return
        record = self.walk.record
        modes = [v.value for v in (mode[1] if mode else ()) if isinstance(v, V.Str)]
        writing = any(("w" in m or "a" in m or "x" in m) for m in modes)
        loaded = [s.value for s in V.strings(name[1])]
        if not writing:
            record.last_loaded = loaded[0] if len(loaded) == 1 else None
        for s in V.strings(name[1]):
            if not s.value.lower().endswith(MODEL_SUFFIXES):
                continue
            literal = file_literal(s)
            if writing:
                if literal is not None:
                    record.written.add(literal.span)
                continue
            where = f"{_short(how)}(...)" + (
                f" in {frame.function}()" if frame.function != "<module>" else ""
            )
            record.models.append(
                ModelCandidate(s.value, ModelSource.LOADER, literal.span if literal else None, where)
            )

    def sink(
        self,
        arg: Arg | None,
        kind: UseKind,
        site: CallSite,
        *,
        phase: Phase | None = None,
        graphs: frozenset[V.GraphRef] | None = None,
        target: str | None = None,
    ) -> None:
        """Every string `arg` may hold arrives at `site` as a `kind` use (`target`: the AMCT parameter)."""
        if arg is None:
            return
        frame = site.frame
        phase = phase if phase is not None else self.walk.graphs.phase(frame.phase, graphs)
        note = self.walk.graphs.note(graphs) if phase is not Phase.SAVE else None
        for expr, strs, replaceable in self._flatten(arg[0].value, arg[1], frame):
            where = self.walk.parsed.span(expr)
            for s in strs:
                self.walk.record.add_use(s, kind, phase, where, replaceable, site.span, frame, note, target)

    def sink_keys(self, arg: Arg, site: CallSite, graphs: frozenset[V.GraphRef] | None) -> None:
        """The keys of a feed_dict: each arrives at `site` as a FEED use."""
        frame, record, parsed = site.frame, self.walk.record, self.walk.parsed
        phase = self.walk.graphs.phase(frame.phase, graphs)
        expr = arg[0].value
        if isinstance(expr, cst.Dict):
            for el in expr.elements:
                if isinstance(el, cst.DictElement):
                    vals = self._reeval(el.key, frame)
                    for s in V.strings(vals):
                        where = parsed.span(el.key)
                        record.add_use(s, UseKind.FEED, phase, where, len(vals) == 1, site.span, frame)
            return
        where = parsed.span(expr)
        for v in arg[1]:
            if isinstance(v, V.DictV):
                for keys, _ in v.pairs:
                    for s in V.strings(keys):
                        record.add_use(s, UseKind.FEED, phase, where, False, site.span, frame)

    def _reeval(self, expr: cst.BaseExpression, frame: Frame) -> V.Vals:
        """Value of a display's item, already evaluated once; only pure shapes are re-evaluated."""
        known = self.walk.expressions.items.get(expr)
        if known is not None:
            return known
        pure = cst.SimpleString | cst.Name | cst.Subscript | cst.BinaryOperation | cst.FormattedString
        if isinstance(expr, pure) and not any(isinstance(n, cst.Call) for n in walk_nodes(expr)):
            return self.walk.eval(expr, frame)
        return ()

    def _flatten(
        self, expr: cst.BaseExpression, vals: V.Vals, frame: Frame
    ) -> Iterable[tuple[cst.BaseExpression, list[V.Str], bool]]:
        """(most precise expression, its strings, whether a literal may replace it) for a fetch structure.

        An expression may be replaced by one literal only when it always evaluates to that one string."""
        if isinstance(expr, cst.List | cst.Tuple | cst.Set):
            for el in expr.elements:
                if not isinstance(el, cst.StarredElement):
                    yield from self._flatten(el.value, self._reeval(el.value, frame), frame)
            return
        if isinstance(expr, cst.Dict):
            for entry in expr.elements:
                if isinstance(entry, cst.DictElement):
                    yield from self._flatten(entry.value, self._reeval(entry.value, frame), frame)
            return
        flat: list[V.Str] = []

        def walk(v: V.Val, depth: int) -> None:
            if isinstance(v, V.Str):
                flat.append(v)
            elif depth < 4 and isinstance(v, V.Seq):
                for item in v.items:
                    for x in item:
                        walk(x, depth + 1)
            elif depth < 4 and isinstance(v, V.DictV):
                for _, value_alts in v.pairs:
                    for x in value_alts:
                        walk(x, depth + 1)

        for v in vals:
            walk(v, 0)
        strs = list(dict.fromkeys(flat))
        yield expr, strs, len(vals) == 1 and isinstance(vals[0], V.Str)


def file_literal(s: V.Str) -> V.Literal | None:
    """The literal holding a path's file name (its last characters), else its last literal."""
    value = s.value
    cut = value.rfind("/") + 1
    found = s.locate(cut, len(value))
    if found is not None:
        return found[0]
    literals = s.literals
    return literals[-1] if literals else None


def _short(dotted: str) -> str:
    for prefix, short in (("tensorflow.compat.v1.", "tf.compat.v1."), ("tensorflow.", "tf.")):
        if dotted.startswith(prefix):
            return short + dotted[len(prefix) :]
    return dotted
