"""One check of one script's text: `check_source`, a pipeline of functions over a frozen context.

analyse the script → load the model (and configs, and predict) → load the log → judge every name and build
its fixes (report) → drop ignored findings → sort. Each stage returns data; nothing is shared but the context.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from amct_lsp.amct.versions import RuleVersion
from amct_lsp.check.api_notes import with_api_notes
from amct_lsp.check.context import CheckContext, UseIndex
from amct_lsp.check.findings import Code, Finding, Severity
from amct_lsp.check.graph_notes import with_graph_notes
from amct_lsp.check.ignores import is_ignored
from amct_lsp.check.log_evidence import load_chains
from amct_lsp.check.model_context import ModelRequest, OtherModels, load_model
from amct_lsp.check.object_runs import object_run_report
from amct_lsp.check.report import report, unchecked_names
from amct_lsp.check.results import CheckResult
from amct_lsp.check.script_kind import quantizes
from amct_lsp.check.suppress import with_ignore_fixes
from amct_lsp.model.cache import ModelCache
from amct_lsp.script import analyze
from amct_lsp.text import split_lines


def check_source(
    source: str,
    path: str,
    *,
    cache: ModelCache,
    model: str | None = None,
    root: str | None = None,
    log: str | None = None,
    extra_skip_layers: Sequence[str] = (),
    model_folders: Sequence[str] = (),
    rules: RuleVersion | None = None,
) -> CheckResult:
    """Check one script's text. `model`/`log` override what the script names; `root` bounds file searches;
    a model the script names but that is not found from its folder is looked for by file name in
    `model_folders` (absolute folders); `rules` says which AMCT version's rewrite rules to use (None: the
    installed amct_tensorflow's, else the newest documented)."""
    path = os.path.abspath(path)
    if "amct" not in source.lower():
        # Not a quantization script (no import, alias or directive): nothing to say, and nothing to parse.
        return CheckResult(path=path)
    analysis = analyze(source, path)
    if analysis.syntax_error is not None:
        problem = analysis.syntax_error
        message = f"The script does not parse, so AMCT names are not checked: {problem.message}"
        finding = Finding(Code.SYNTAX, Severity.WARNING, message, path, problem.span)
        return CheckResult(path=path, analysis=analysis, findings=[finding])
    if not analysis.uses_amct:
        return CheckResult(path=path, analysis=analysis)
    lines = tuple(split_lines(source))
    request = ModelRequest(cache, model, root, tuple(model_folders), tuple(extra_skip_layers), rules)
    stage = load_model(analysis, path, lines, request)
    result = CheckResult(
        path=path,
        analysis=analysis,
        model_path=stage.path,
        model_span=stage.located.span,
        model_note=stage.located.note,
        model_error=stage.error,
        prediction=stage.prediction,
        config_paths=stage.config_paths,
    )
    findings = list(stage.findings)
    if not quantizes(analysis):  # a helper module: no model of its own to look for
        findings = [f for f in findings if f.code is not Code.MODEL_PROBLEM]
    if stage.graph is None or stage.prediction is None:
        result.names = unchecked_names(analysis, stage.error or "no model")
    else:
        chains = load_chains(stage.prediction, path, root, log)
        result.log_path = chains.log_path
        ctx = CheckContext(
            path=path,
            lines=lines,
            analysis=analysis,
            model=stage,
            graph=stage.graph,
            prediction=stage.prediction,
            chains=chains,
            uses=UseIndex.build(analysis.uses),
            others=OtherModels(analysis, path, stage.path, request),
        )
        names, name_findings = report(ctx)
        names, run_findings = object_run_report(ctx, names)
        result.names = with_graph_notes(with_api_notes(names), analysis.uses)
        findings.extend(name_findings)
        findings.extend(run_findings)
    findings = [f for f in findings if not is_ignored(f, analysis.ignores, path)]
    ordered = sorted(findings, key=lambda f: (f.span.start, f.code.value))
    result.findings = with_ignore_fixes(ordered, source)
    return result
