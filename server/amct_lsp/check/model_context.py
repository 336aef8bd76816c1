"""Pipeline stage 1: which model the script means, the quantization options around it, the rewrite prediction,
and the other models it loads. Problems with any of these are findings (AMCT004), never exceptions."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

from amct_lsp.amct.chain import Prediction
from amct_lsp.amct.driver import predict
from amct_lsp.amct.options import ConfigError, QuantOptions, load_cfg, load_config_json, merge
from amct_lsp.amct.versions import RuleVersion, resolve_rules
from amct_lsp.check.consequence import quantized_layers
from amct_lsp.check.findings import Code, Finding, Position, Related, Severity, Span
from amct_lsp.discovery import Located, locate_file, locate_model
from amct_lsp.model.cache import ModelCache
from amct_lsp.model.errors import ModelError
from amct_lsp.model.graph import ModelGraph
from amct_lsp.script.facts import ScriptAnalysis


@dataclass(frozen=True, slots=True)
class ModelStage:
    """The model a script is checked against; `graph` and `prediction` are None when it cannot be used."""

    located: Located
    path: str | None  # where it was found, else the path as the script spells it
    error: str | None = None
    graph: ModelGraph | None = None
    prediction: Prediction | None = None
    config_paths: tuple[str, ...] = ()
    #: skip_layers names AMCT ignores because the same call gives a config_defination .cfg.
    overridden: frozenset[str] = frozenset()
    findings: tuple[Finding, ...] = ()
    #: The layers AMCT will quantize; with more than one the fixes prefer the calib_outputs route.
    quantized_layers: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ModelRequest:
    """What the caller says about the model: the explicit one, the search root, extra folders and skips."""

    cache: ModelCache
    explicit: str | None = None
    root: str | None = None
    folders: tuple[str, ...] = ()
    extra_skip_layers: tuple[str, ...] = ()
    #: Which AMCT version's rules to predict with; None: the installed amct_tensorflow's, else the newest.
    rules: RuleVersion | None = None


def load_model(
    analysis: ScriptAnalysis, path: str, lines: Sequence[str], request: ModelRequest
) -> ModelStage:
    """Locate and read the model, read the configs, predict the rewrite."""
    located = locate_model(analysis, path, request.root, request.explicit, request.folders)
    if located.path is None:
        error = f"No model found for this script: {located.note}."
        hint = (
            " Name it in a line # amct: model=path/to/model.pb, or with the amct.models setting"
            " (amct-lsp check: --model)."
        )
        finding = model_finding(
            analysis, path, lines, f"{error}{hint}", located.span, model_path=located.wanted
        )
        return ModelStage(located, located.wanted, error=error, findings=(finding,))
    try:
        graph = request.cache.get(located.path)
    except ModelError as err:
        finding = model_finding(
            analysis, path, lines, f"The model cannot be used: {err}", located.span, model_path=located.path
        )
        return ModelStage(located, located.path, error=str(err), findings=(finding,))
    options = read_options(analysis, path, request)
    config_findings = tuple(
        model_finding(
            analysis,
            path,
            lines,
            f"The AMCT config cannot be used, so names are predicted without it: {problem}",
            span,
            model_path=None,
        )
        for span, problem in options.problems
    )
    return ModelStage(
        located,
        located.path,
        graph=graph,
        prediction=predict(graph, options.options, request.rules or resolve_rules()),
        config_paths=options.paths,
        overridden=options.overridden,
        findings=config_findings,
        quantized_layers=quantized_layers(graph, options.options),
    )


def model_finding(
    analysis: ScriptAnalysis,
    path: str,
    lines: Sequence[str],
    message: str,
    span: Span | None,
    *,
    model_path: str | None,
) -> Finding:
    """An AMCT004 warning at `span`, else at the first quantize_model (or AMCT) call, else on line 1."""
    if span is None:
        calls = analysis.quantize_calls or analysis.calls
        if calls:
            span = calls[0].span
        else:
            first = lines[0] if lines else ""
            span = Span(Position(0, 0), Position(0, len(first)))
    related: tuple[Related, ...] = ()
    if model_path and os.path.isabs(model_path) and os.path.isfile(model_path):  # never link a missing file
        origin = Span(Position(0, 0), Position(0, 0))
        related = (Related(model_path, origin, "the model file"),)
    return Finding(
        Code.MODEL_PROBLEM, Severity.WARNING, message, path, span, model=model_path, related=related
    )


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """The merged options, the config files they came from, and the configs that could not be read."""

    options: QuantOptions
    paths: tuple[str, ...]
    overridden: frozenset[str]
    problems: tuple[tuple[Span | None, str], ...]


def read_options(analysis: ScriptAnalysis, path: str, request: ModelRequest) -> ReadOptions:
    loaded: dict[str, QuantOptions] = {}
    paths: list[str] = []
    parts: list[QuantOptions] = []
    problems: list[tuple[Span | None, str]] = []
    for ref in analysis.configs:
        found = locate_file(ref.path, path, request.root)
        if found is None or found in paths:
            continue
        try:
            if ref.kind == "config_defination":
                options = load_cfg(found)
                loaded[ref.path] = options
            elif found.lower().endswith(".json"):
                options = load_config_json(found)
            else:
                continue
        except ConfigError as err:
            # AMCT would fail on it too; say so once, and predict without it.
            problems.append((ref.span, str(err)))
            continue
        parts.append(options)
        paths.append(found)
    # AMCT ignores a create_quant_config call's skip_layers when the call also gives config_defination:
    # the .cfg wins. When that .cfg cannot be read its own skips are unknown, so the call's are kept
    # (a layer wrongly taken as skipped hides a finding; the other way round would invent one).
    skips: list[str] = list(request.extra_skip_layers)
    types: list[str] = []
    overridden: set[str] = set()
    for group in analysis.skip_sets:
        if group.config_defination is not None and group.config_defination in loaded:
            overridden.update(group.skip_layers)
            continue
        skips.extend(group.skip_layers)
        types.extend(group.skip_layer_types)
    script = QuantOptions(
        skip_layers=frozenset(skips),
        skip_layer_types=frozenset(types),
        sources=("the script",) if skips or types else (),
    )
    return ReadOptions(merge(script, *parts), tuple(paths), frozenset(overridden), tuple(problems))


class OtherModels:
    """The other models a script loads (a script that quantizes several), read on first need."""

    def __init__(
        self, analysis: ScriptAnalysis, path: str, chosen: str | None, request: ModelRequest
    ) -> None:
        self._analysis = analysis
        self._path = path
        self._chosen = chosen
        self._request = request
        self._graphs: list[tuple[str, ModelGraph]] | None = None

    def holding(self, op_name: str) -> str | None:
        """The file name of another loaded model that has this op.

        Never when the user named the model (--model, a setting, `# amct: model=`): that one is the model."""
        if self._request.explicit or self._analysis.directive_model is not None:
            return None
        for path, graph in self._load():
            if graph.get(op_name) is not None:
                return os.path.basename(path)
        return None

    def _load(self) -> list[tuple[str, ModelGraph]]:
        if self._graphs is None:
            self._graphs = []
            located: set[str] = set()
            for cand in self._analysis.models:
                if cand.source.value not in ("loader", "save_model", "directive"):
                    continue
                found = locate_file(cand.path, self._path, self._request.root)
                if found is None or found == self._chosen or found in located:
                    continue
                located.add(found)
                try:
                    self._graphs.append((found, self._request.cache.get(found)))
                except ModelError:
                    continue
        return self._graphs
