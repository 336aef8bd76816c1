"""Where names and model paths end up: a use at a sink (get_tensor_by_name, sess.run, ...), a model loader."""

from __future__ import annotations

from collections.abc import Iterable

import libcst as cst

from amct_lsp.findings import Span
from amct_lsp.script import values as V
from amct_lsp.script.facts import ModelCandidate, ModelSource, NameUse, Phase, UseKind
from amct_lsp.script.walk.known_apis import MODEL_SUFFIXES
from amct_lsp.script.walk.phases import phase_of
from amct_lsp.script.walk.scopes import Frame
from amct_lsp.script.walk.state import WalkState


class Sinks(WalkState):
    """Turns the strings reaching a sink into `NameUse`s and `.pb` paths reaching a loader into candidates."""

    def _loader(
        self,
        name: tuple[cst.Arg, V.Vals] | None,
        mode: tuple[cst.Arg, V.Vals] | None,
        how: str,
        frame: Frame,
    ) -> None:
        if name is None:
            return
        modes = [v.value for v in (mode[1] if mode else ()) if isinstance(v, V.Str)]
        writing = any(("w" in m or "a" in m or "x" in m) for m in modes)
        for s in V.strings(name[1]):
            if not s.value.lower().endswith(MODEL_SUFFIXES):
                continue
            literal = file_literal(s)
            if writing:
                if literal is not None:
                    self._written.add(literal.span)
                continue
            where = f"{_short(how)}(...)" + (
                f" in {frame.function}()" if frame.function != "<module>" else ""
            )
            self.models.append(
                ModelCandidate(s.value, ModelSource.LOADER, literal.span if literal else None, where)
            )

    def _sink(
        self,
        arg: tuple[cst.Arg, V.Vals] | None,
        kind: UseKind,
        call: cst.Call,
        frame: Frame,
        *,
        phase: Phase | None = None,
        graphs: frozenset[V.GraphRef] | None = None,
    ) -> None:
        if arg is None:
            return
        call_span = self.parsed.span(call)
        phase = phase if phase is not None else self._graph_phase(frame, graphs)
        for expr, strs, replaceable in self._flatten(arg[0].value, arg[1], frame):
            site = self.parsed.span(expr)
            for s in strs:
                self._record(s, kind, phase, site, replaceable, call_span, frame)

    def _sink_keys(
        self, arg: tuple[cst.Arg, V.Vals], call: cst.Call, frame: Frame, graphs: frozenset[V.GraphRef] | None
    ) -> None:
        call_span = self.parsed.span(call)
        phase = self._graph_phase(frame, graphs)
        expr = arg[0].value
        if isinstance(expr, cst.Dict):
            for el in expr.elements:
                if isinstance(el, cst.DictElement):
                    vals = self._reeval(el.key, frame)
                    for s in V.strings(vals):
                        self._record(
                            s, UseKind.FEED, phase, self.parsed.span(el.key), len(vals) == 1, call_span, frame
                        )
            return
        site = self.parsed.span(expr)
        for v in arg[1]:
            if isinstance(v, V.DictV):
                for keys, _ in v.pairs:
                    for s in V.strings(keys):
                        self._record(s, UseKind.FEED, phase, site, False, call_span, frame)

    def _graph_phase(self, frame: Frame, graphs: frozenset[V.GraphRef] | None) -> Phase | None:
        """BEFORE for a lookup in a graph known not to be the one quantize_model rewrote (a float copy kept
        for comparison, a fresh load); None (the walk's phase) otherwise. Only ever removes findings."""
        if "after" not in frame.phase or not graphs or self._quantized is None or not self._quantized:
            return None
        return Phase.BEFORE if not graphs & self._quantized else None

    def _reeval(self, expr: cst.BaseExpression, frame: Frame) -> V.Vals:
        """Value of a display's item, already evaluated once; only pure shapes are re-evaluated."""
        known = self._items.get(expr)
        if known is not None:
            return known
        pure = cst.SimpleString | cst.Name | cst.Subscript | cst.BinaryOperation | cst.FormattedString
        if isinstance(expr, pure) and not any(isinstance(n, cst.Call) for n in _walk(expr)):
            return self.eval(expr, frame)
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

    def _record(
        self,
        value: V.Str,
        kind: UseKind,
        phase: Phase | None,
        site: Span,
        replaceable: bool,
        call: Span,
        frame: Frame,
    ) -> None:
        if not value.literals:
            return
        if phase is None:
            phase = phase_of(frame.phase)
        key = (value, kind, phase, site)
        if key in self._use_keys:
            return
        use = NameUse(
            value,
            kind,
            phase,
            site,
            replaceable,
            call,
            frame.function,
            frame.quant_call if phase == Phase.AFTER else None,
        )
        self._use_keys[key] = len(self.uses)
        if phase == Phase.UNKNOWN:
            frame.pending.append(len(self.uses))
        self.uses.append(use)


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


def _walk(node: cst.CSTNode) -> Iterable[cst.CSTNode]:
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(current.children)
