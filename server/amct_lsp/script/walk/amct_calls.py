"""AMCT's own calls: create_quant_config, quantize_model (the phase change) and save_model."""

from __future__ import annotations

from collections.abc import Iterable

import libcst as cst

from amct_lsp.findings import Position, Span
from amct_lsp.script import values as V
from amct_lsp.script.facts import AmctCall, ConfigRef, ModelCandidate, ModelSource, Phase, SkipSet, UseKind
from amct_lsp.script.walk.bindings import Bindings
from amct_lsp.script.walk.known_apis import AMCT_SIGNATURES, MODEL_SUFFIXES, QUANTIZE_APIS
from amct_lsp.script.walk.phases import AFTER, graphs_in, settle_pending
from amct_lsp.script.walk.scopes import Env, Frame
from amct_lsp.script.walk.sinks import Sinks, file_literal


class AmctCalls(Sinks, Bindings):
    """Records each AMCT call, its name arguments and what quantize_model changes."""

    def _amct(
        self,
        api: str,
        node: cst.Call,
        positional: list[tuple[cst.Arg, V.Vals]],
        keywords: dict[str, tuple[cst.Arg, V.Vals]],
        frame: Frame,
    ) -> V.Vals:
        self.uses_amct = True
        params = AMCT_SIGNATURES.get(api, ())
        bound: dict[str, tuple[cst.Arg, V.Vals]] = dict(keywords)
        for i, item in enumerate(positional):
            if i < len(params) and params[i] not in bound:
                bound[params[i]] = item
        span = self.parsed.span(node)
        arg_spans = {name: self.parsed.span(a.value) for name, (a, _) in bound.items()}
        arg_strings: dict[str, tuple[str, ...]] = {}
        for name, (_, vals) in bound.items():
            found = [s.value for s in _all_strings(vals)]
            if found:
                arg_strings[name] = tuple(found)
        statement = None
        small = frame.statement.body[0] if frame.statement is not None else None
        if isinstance(small, cst.Expr | cst.Assign) and small.value is node:
            statement = self.parsed.span(frame.statement) if frame.statement is not None else None
        if node.args:
            insert = self.parsed.span(node.args[-1].value).end
        else:
            insert = Position(span.end.line, span.end.character - 1)
        calib = bound.get("calib_outputs")
        calib_var = calib[0].value.value if calib and isinstance(calib[0].value, cst.Name) else None
        call = AmctCall(
            api,
            span,
            frame.function,
            statement,
            Span(insert, insert),
            bool(node.args),
            arg_spans,
            arg_strings,
            calib_var,
            calib_items=_list_items(calib[1]) if calib else None,
            has_star=any(a.star for a in node.args),
        )
        self.calls.setdefault(span, call)

        if api in ("create_quant_config", "create_quant_retrain_config"):
            skips = arg_strings.get("skip_layers", ())
            types = arg_strings.get("skip_layer_types", ())
            self.skip_layers.extend(skips)
            self.skip_layer_types.extend(types)
            cfgs = (
                [s.value for s in V.strings(bound["config_defination"][1])]
                if "config_defination" in bound
                else []
            )
            self.skip_sets.append(SkipSet(skips, types, cfgs[0] if len(cfgs) == 1 else None, span))
            self._sink(bound.get("skip_layers"), UseKind.SKIP_LAYER, node, frame, phase=Phase.BEFORE)
        for key in ("config_file", "config_defination"):
            if key in bound:
                for s in V.strings(bound[key][1]):
                    literal = file_literal(s)
                    self.configs.append(ConfigRef(s.value, key, literal.span if literal else None))
        if api in ("save_model", "save_quant_retrain_model"):
            self._sink(bound.get("outputs"), UseKind.SAVE_OUTPUT, node, frame, phase=Phase.SAVE)
            if "pb_model" in bound:
                for s in V.strings(bound["pb_model"][1]):
                    if s.value.lower().endswith(MODEL_SUFFIXES):
                        literal = file_literal(s)
                        self.models.append(
                            ModelCandidate(
                                s.value,
                                ModelSource.SAVE_MODEL,
                                literal.span if literal else None,
                                "save_model(pb_model=...)",
                            )
                        )
        if api in QUANTIZE_APIS:
            self._sink(bound.get("calib_outputs"), UseKind.CALIB_OUTPUT, node, frame, phase=Phase.CALIB)
            rewritten = graphs_in(bound["graph"][1]) if "graph" in bound else None
            if rewritten is None or self._quantized is None:
                self._quantized = None
            else:
                self._quantized |= rewritten
            if "unknown" in frame.phase:
                settle_pending(self.uses, frame.pending)
            frame.phase = AFTER
            frame.quant_call = call
            # AMCT rewrites the calib_outputs list in place: its old strings are no longer what it holds,
            # under any name that refers to it (an alias, the caller's variable, an object attribute).
            if calib is not None:
                if isinstance(calib[0].value, cst.Name | cst.Attribute):
                    self.bind(calib[0].value, (V.CalibOutputs(),), frame)
                self._updated_in_place({v for v in calib[1] if isinstance(v, V.Seq)}, frame)
            if api == "quantize_model_ascend":
                return (V.Seq(((V.Graph(),), (V.CalibOutputs(),))),)
        return (V.AmctResult(api),)

    def _updated_in_place(self, lists: set[V.Val], frame: Frame) -> None:
        """Every binding that may hold one of `lists` now holds what AMCT put there (unknown strings).

        Lists are compared by value, so an unrelated list with the same names is forgotten too: that can
        only hide a finding, never invent one."""
        if not lists:
            return
        updated = V.CalibOutputs()
        tables: list[dict[str, V.Vals]] = []
        seen: set[int] = set()
        for start in (frame, *self._frames):
            env: Env | None = start.env
            while env is not None:
                if id(env) not in seen:
                    seen.add(id(env))
                    tables.append(env.vars)
                env = env.parent
        tables.extend(i.attrs for i in self._instances)
        for table in tables:
            for key, vals in list(table.items()):
                if any(v in lists for v in vals):
                    table[key] = V.union(updated if v in lists else v for v in vals)


def _list_items(vals: V.Vals) -> tuple[str | None, ...] | None:
    """The strings of a list argument position by position (None where not one known string)."""
    if len(vals) != 1 or not isinstance(vals[0], V.Seq):
        return None
    out: list[str | None] = []
    for item in vals[0].items:
        out.append(item[0].value if len(item) == 1 and isinstance(item[0], V.Str) else None)
    return tuple(out)


def _all_strings(vals: V.Vals) -> Iterable[V.Str]:
    for v in vals:
        if isinstance(v, V.Str):
            yield v
        elif isinstance(v, V.Seq):
            for item in v.items:
                yield from _all_strings(item)
