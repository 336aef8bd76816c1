"""Which model the script means, the quantization options around it and the other models it loads."""

from __future__ import annotations

import os

from amct_lsp.amct.driver import predict
from amct_lsp.amct.options import ConfigError, QuantOptions, load_cfg, load_config_json, merge
from amct_lsp.check.state import CheckState
from amct_lsp.findings import Code, Finding, Position, Related, Severity, Span
from amct_lsp.model.errors import ModelError
from amct_lsp.script.locate import locate_file, locate_model


class ModelContext(CheckState):
    """Locates and reads the model, predicts the rewrite, finds other loaded models."""

    def _load_model(self) -> None:
        located = locate_model(self.analysis, self.path, self.root, self.explicit_model)
        self.result.model_span = located.span
        self.result.model_note = located.note
        if located.path is None:
            self.result.model_path = located.wanted
            self.result.model_error = f"No model found for this script: {located.note}."
            hint = " Add a comment `# amct: model=path/to/model.pb` or pass --model."
            self._model_finding(f"{self.result.model_error}{hint}", located.span, Severity.WARNING)
            return
        self.result.model_path = located.path
        try:
            self.graph = self.cache.get(located.path)
        except ModelError as err:
            self.result.model_error = str(err)
            self._model_finding(f"The model cannot be used: {err}", located.span, Severity.WARNING)
            return
        options, config_paths = self._options()
        self.result.config_paths = config_paths
        self.prediction = predict(self.graph, options)
        self.result.prediction = self.prediction

    def _model_finding(
        self, message: str, span: Span | None, severity: Severity, *, model: bool = True
    ) -> None:
        if span is None:
            calls = self.analysis.quantize_calls or self.analysis.calls
            if calls:
                span = calls[0].span
            else:
                first = self.lines[0] if self.lines else ""
                span = Span(Position(0, 0), Position(0, len(first)))
        related: tuple[Related, ...] = ()
        if model and self.result.model_path and os.path.isabs(self.result.model_path):
            origin = Span(Position(0, 0), Position(0, 0))
            related = (Related(self.result.model_path, origin, "the model file"),)
        self.result.findings.append(
            Finding(
                Code.MODEL_PROBLEM,
                severity,
                message,
                self.path,
                span,
                model=self.result.model_path if model else None,
                related=related,
            )
        )

    def _config_finding(self, span: Span | None, problem: str) -> None:
        message = f"The AMCT config cannot be used, so names are predicted without it: {problem}"
        self._model_finding(message, span, Severity.WARNING, model=False)

    def _options(self) -> tuple[QuantOptions, tuple[str, ...]]:
        loaded: dict[str, QuantOptions] = {}
        paths: list[str] = []
        parts: list[QuantOptions] = []
        for ref in self.analysis.configs:
            found = locate_file(ref.path, self.path, self.root)
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
                self._config_finding(ref.span, str(err))
                continue
            parts.append(options)
            paths.append(found)
        # AMCT ignores a create_quant_config call's skip_layers when the call also gives config_defination:
        # the .cfg wins. When that .cfg cannot be read its own skips are unknown, so the call's are kept
        # (a layer wrongly taken as skipped hides a finding; the other way round would invent one).
        skips: list[str] = list(self.extra_skip_layers)
        types: list[str] = []
        for group in self.analysis.skip_sets:
            if group.config_defination is not None and group.config_defination in loaded:
                self.overridden.update(group.skip_layers)
                continue
            skips.extend(group.skip_layers)
            types.extend(group.skip_layer_types)
        script = QuantOptions(
            skip_layers=frozenset(skips),
            skip_layer_types=frozenset(types),
            sources=("the script",) if skips or types else (),
        )
        return merge(script, *parts), tuple(paths)

    def _in_other_model(self, op_name: str) -> str | None:
        """Another model the script loads that has this op (a script that quantizes several models).

        Not when the user named the model (--model, a setting, `# amct: model=`): that one is the model."""
        if self.explicit_model or self.analysis.directive_model is not None:
            return None
        if self._others is None:
            self._others = []
            chosen = self.result.model_path
            located: set[str] = set()
            for cand in self.analysis.models:
                if cand.source.value not in ("loader", "save_model", "directive"):
                    continue
                found = locate_file(cand.path, self.path, self.root)
                if found is None or found == chosen or found in located:
                    continue
                located.add(found)
                try:
                    self._others.append((found, self.cache.get(found)))
                except ModelError:
                    continue
        for path, graph in self._others:
            if graph.get(op_name) is not None:
                return os.path.basename(path)
        return None
