"""AMCT's APIs: each call is recorded as an `AmctCall`; what an API does besides is one entry in `AMCT_APIS`
(its positional parameters and its effects: skip lists, a saved model, the quantize_model phase change)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import libcst as cst

from amct_lsp.script import values as V
from amct_lsp.script.facts import AmctCall, ConfigRef, ModelCandidate, ModelSource, Phase, SkipSet, UseKind
from amct_lsp.script.walk.callsite import Arg, CallSite
from amct_lsp.script.walk.known_apis import MODEL_SUFFIXES
from amct_lsp.script.walk.phases import AFTER, graphs_in
from amct_lsp.script.walk.scopes import Env, Frame
from amct_lsp.script.walk.sinks import file_literal
from amct_lsp.text import Position, Span

if TYPE_CHECKING:
    from amct_lsp.script.walk.interpreter import Interpreter


@dataclass(frozen=True, slots=True)
class AmctSite:
    """One AMCT call: the call site, its arguments bound to the API's parameter names, and its record."""

    site: CallSite
    bound: dict[str, Arg]
    call: AmctCall


class AmctEffect(Protocol):
    """What an AMCT API does to the walk besides being recorded."""

    def apply(self, amct: AmctSite, walk: Interpreter) -> V.Vals | None:
        """The call's value when this effect decides it, else None."""
        ...


@dataclass(frozen=True, slots=True)
class AmctApi:
    params: tuple[str, ...]  # positional parameters, in order
    effects: tuple[AmctEffect, ...] = ()


class QuantConfig:
    """create_quant_config: the layers to skip (and the .cfg that overrides them)."""

    def apply(self, amct: AmctSite, walk: Interpreter) -> V.Vals | None:
        record, bound, call = walk.record, amct.bound, amct.call
        skips = call.arg_strings.get("skip_layers", ())
        types = call.arg_strings.get("skip_layer_types", ())
        record.skip_layers.extend(skips)
        record.skip_layer_types.extend(types)
        cfgs = (
            [s.value for s in V.strings(bound["config_defination"][1])]
            if "config_defination" in bound
            else []
        )
        record.skip_sets.append(SkipSet(skips, types, cfgs[0] if len(cfgs) == 1 else None, call.span))
        walk.sinks.sink(bound.get("skip_layers"), UseKind.SKIP_LAYER, amct.site, phase=Phase.BEFORE)
        return None


class SaveModel:
    """save_model: `outputs` are original names; `pb_model` is the model the script quantizes."""

    def apply(self, amct: AmctSite, walk: Interpreter) -> V.Vals | None:
        bound = amct.bound
        walk.sinks.sink(bound.get("outputs"), UseKind.SAVE_OUTPUT, amct.site, phase=Phase.SAVE)
        _model_candidates(bound.get("pb_model"), "save_model(pb_model=...)", walk)
        _written(bound.get("save_path"), walk)
        return None


def _written(arg: Arg | None, walk: Interpreter) -> None:
    """The literals of a path AMCT writes (save_path, save_dir): never the model the script reads."""
    for s in V.strings(arg[1]) if arg is not None else ():
        walk.record.written.update(lit.span for lit in s.literals)


def _model_candidates(arg: Arg | None, how: str, walk: Interpreter) -> None:
    """The `.pb` paths an AMCT API reads as the original model."""
    for s in V.strings(arg[1]) if arg is not None else ():
        if s.value.lower().endswith(MODEL_SUFFIXES):
            literal = file_literal(s)
            span = literal.span if literal else None
            walk.record.models.append(ModelCandidate(s.value, ModelSource.SAVE_MODEL, span, how))


class OutputsInPlace:
    """An output list AMCT updates in place when its rewrite changes the tail (quantize_model's
    calib_outputs, quantize_preprocess's outputs [DOC]): original names going in, unknown names after."""

    def __init__(self, param: str) -> None:
        self.param = param

    def apply(self, amct: AmctSite, walk: Interpreter) -> V.Vals | None:
        frame = amct.site.frame
        found = amct.bound.get(self.param)
        walk.sinks.sink(
            found, UseKind.CALIB_OUTPUT, amct.site, phase=Phase.CALIB, target=_target(amct, self.param)
        )
        # AMCT rewrites the list in place: its old strings are no longer what it holds, under any name that
        # refers to it (an alias, the caller's variable, an object attribute).
        if found is not None:
            if isinstance(found[0].value, cst.Name | cst.Attribute):
                walk.bind(found[0].value, (V.CalibOutputs(),), frame)
            _updated_in_place({v for v in found[1] if isinstance(v, V.Seq)}, frame, walk)
        return None


class ModelOutputs:
    """An output list AMCT reads against the original model and does not update (quantize_model_ascend's
    `outputs`, accuracy_based_auto_calibration's `outputs`): every name must be an original one."""

    def apply(self, amct: AmctSite, walk: Interpreter) -> V.Vals | None:
        outputs = amct.bound.get("outputs")
        target = _target(amct, "outputs")
        walk.sinks.sink(outputs, UseKind.MODEL_OUTPUT, amct.site, phase=Phase.CALIB, target=target)
        return None


def _target(amct: AmctSite, param: str) -> str:
    """How messages name the parameter: quantize_model's list is "calib_outputs" as users know it, any
    other API's `api(param=...)`."""
    if amct.call.api == "quantize_model" and param == "calib_outputs":
        return "calib_outputs"
    return f"{amct.call.api}({param}=...)"


class ModelFile:
    """accuracy_based_auto_calibration(model_file=...): the original .pb, the model the script quantizes."""

    def apply(self, amct: AmctSite, walk: Interpreter) -> V.Vals | None:
        _model_candidates(amct.bound.get("model_file"), f"{amct.call.api}(model_file=...)", walk)
        _written(amct.bound.get("save_dir"), walk)
        return None


class Quantize:
    """quantize_model: from here on the graph is rewritten (the phase changes)."""

    def apply(self, amct: AmctSite, walk: Interpreter) -> V.Vals | None:
        bound, frame = amct.bound, amct.site.frame
        walk.graphs.mark_quantized(graphs_in(bound["graph"][1]) if "graph" in bound else None)
        if "unknown" in frame.phase:
            walk.record.settle_pending(frame)
        frame.phase = AFTER
        frame.quant_call = amct.call
        return None


class AscendResult:
    """quantize_model_ascend returns (graph, calib_outputs)."""

    def apply(self, amct: AmctSite, walk: Interpreter) -> V.Vals | None:
        return (V.Seq(((V.Graph(),), (V.CalibOutputs(),))),)


_QUANTIZE_PARAMS = ("graph", "config_file", "record_file", "calib_outputs")
_SAVE_PARAMS = ("pb_model", "outputs", "record_file", "save_path")
_PREPROCESS = AmctApi(("graph", "config_file", "record_file", "outputs"), (OutputsInPlace("outputs"),))

#: The AMCT APIs the walk knows, with their documented positional parameters (docs/amct-rules.md, "The AMCT
#: TensorFlow APIs that take output names"); adding one is one entry.
AMCT_APIS: dict[str, AmctApi] = {
    "create_quant_config": AmctApi(
        ("config_file", "graph", "skip_layers", "batch_num", "activation_offset", "config_defination"),
        (QuantConfig(),),
    ),
    "quantize_model": AmctApi(_QUANTIZE_PARAMS, (OutputsInPlace("calib_outputs"), Quantize())),
    # calibration_graph, calibration_outputs = quantize_model_ascend(graph, outputs, config_file, record_file)
    "quantize_model_ascend": AmctApi(
        ("graph", "outputs", "config_file", "record_file"), (ModelOutputs(), Quantize(), AscendResult())
    ),
    "save_model": AmctApi(_SAVE_PARAMS, (SaveModel(),)),
    "save_model_ascend": AmctApi(_SAVE_PARAMS, (SaveModel(),)),
    # Model adaptation with the user's own record (CANN 5.0.4 `atlasamcttf_16_0092` → 8.1): the original .pb
    # and the graph's output ops, like save_model.
    "convert_model": AmctApi(_SAVE_PARAMS, (SaveModel(),)),
    # Documented as quantize_preprocess, prototyped as quantized_preprocess: both spellings.
    "quantize_preprocess": _PREPROCESS,
    "quantized_preprocess": _PREPROCESS,
    "create_quant_retrain_config": AmctApi(("config_file", "graph", "config_defination"), (QuantConfig(),)),
    "create_quant_retrain_model": AmctApi(("graph", "config_file", "record_file")),
    "save_quant_retrain_model": AmctApi(_SAVE_PARAMS, (SaveModel(),)),
    # Sparsity and combined compression (CANN 5.0.4+): `outputs` are the model's output names, read against
    # the graph; the save APIs take the original names like save_model.
    "create_prune_retrain_model": AmctApi(
        ("graph", "outputs", "record_file", "config_defination"), (ModelOutputs(),)
    ),
    "save_prune_retrain_model": AmctApi(_SAVE_PARAMS, (SaveModel(),)),
    "create_compressed_retrain_model": AmctApi(
        ("graph", "config_defination", "outputs", "record_file"), (ModelOutputs(),)
    ),
    "save_compressed_retrain_model": AmctApi(_SAVE_PARAMS, (SaveModel(),)),
    "accuracy_based_auto_calibration": AmctApi(
        ("model_file", "outputs", "record_file", "config_file", "save_dir", "evaluator"),
        (ModelOutputs(), ModelFile()),
    ),
}

_CONFIG_ARGS = ("config_file", "config_defination")


class AmctCalls:
    """Every call of an AMCT API (through any import spelling): recorded, then the API's effects."""

    def call(self, site: CallSite, walk: Interpreter) -> V.Vals | None:
        if site.api is None:
            return None
        record = walk.record
        record.uses_amct = True
        api = AMCT_APIS.get(site.api, AmctApi(()))
        bound: dict[str, Arg] = dict(site.keywords)
        for i, item in enumerate(site.positional):
            if i < len(api.params) and api.params[i] not in bound:
                bound[api.params[i]] = item
        call = _record_call(site, bound, walk)
        record.calls.setdefault(call.span, call)
        for key in _CONFIG_ARGS:
            for s in V.strings(bound[key][1]) if key in bound else ():
                literal = file_literal(s)
                record.configs.append(ConfigRef(s.value, key, literal.span if literal else None))
        result: V.Vals | None = None
        amct = AmctSite(site, bound, call)
        for effect in api.effects:
            value = effect.apply(amct, walk)
            result = value if value is not None else result
        return result if result is not None else (V.AmctResult(site.api),)


def _record_call(site: CallSite, bound: dict[str, Arg], walk: Interpreter) -> AmctCall:
    node, frame, parsed = site.node, site.frame, walk.parsed
    span = site.span
    arg_spans = {name: parsed.span(a.value) for name, (a, _) in bound.items()}
    arg_strings: dict[str, tuple[str, ...]] = {}
    for name, (_, vals) in bound.items():
        found = [s.value for s in _all_strings(vals)]
        if found:
            arg_strings[name] = tuple(found)
    statement = None
    small = frame.statement.body[0] if frame.statement is not None else None
    if isinstance(small, cst.Expr | cst.Assign) and small.value is node:
        statement = parsed.span(frame.statement) if frame.statement is not None else None
    if node.args:
        insert = parsed.span(node.args[-1].value).end
    else:
        insert = Position(span.end.line, span.end.character - 1)
    calib = bound.get("calib_outputs")
    calib_var = calib[0].value.value if calib and isinstance(calib[0].value, cst.Name) else None
    return AmctCall(
        site.api or "",
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


def _updated_in_place(lists: set[V.Val], frame: Frame, walk: Interpreter) -> None:
    """Every binding that may hold one of `lists` now holds what AMCT put there (unknown strings).

    Lists are compared by value, so an unrelated list with the same names is forgotten too: that can
    only hide a finding, never invent one."""
    if not lists:
        return
    updated = V.CalibOutputs()
    tables: list[dict[str, V.Vals]] = []
    seen: set[int] = set()
    for start in (frame, *walk.frames):
        env: Env | None = start.env
        while env is not None:
            if id(env) not in seen:
                seen.add(id(env))
                tables.append(env.vars)
            env = env.parent
    tables.extend(i.attrs for i in walk.callables.instances)
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
