"""One check of one script's text: `check_source`, and the `Checker` that joins its parts."""

from __future__ import annotations

import os
from collections.abc import Sequence

from amct_lsp.check.ignores import is_ignored
from amct_lsp.check.report import Reporter
from amct_lsp.check.results import CheckResult
from amct_lsp.check.suppress import with_ignore_fixes
from amct_lsp.findings import Code, Finding, Severity
from amct_lsp.model.cache import ModelCache
from amct_lsp.script import analyze


def check_source(
    source: str,
    path: str,
    *,
    cache: ModelCache,
    model: str | None = None,
    root: str | None = None,
    log: str | None = None,
    extra_skip_layers: Sequence[str] = (),
) -> CheckResult:
    """Check one script's text. `model`/`log` override what the script names; `root` bounds file searches."""
    path = os.path.abspath(path)
    if "amct" not in source.lower():
        # Not a quantization script (no import, alias or directive): nothing to say, and nothing to parse.
        return CheckResult(path=path)
    analysis = analyze(source, path)
    result = CheckResult(path=path, analysis=analysis)
    if analysis.syntax_error is not None:
        problem = analysis.syntax_error
        result.findings.append(
            Finding(
                Code.SYNTAX,
                Severity.WARNING,
                f"The script does not parse, so AMCT names are not checked: {problem.message}",
                path,
                problem.span,
            )
        )
        return result
    if not analysis.uses_amct:
        return result
    return Checker(source, path, analysis, result, cache, model, root, log, extra_skip_layers).run()


class Checker(Reporter):
    """Loads the model and log, judges every name, drops ignored findings."""

    def run(self) -> CheckResult:
        self._load_model()
        if self.graph is not None:
            self._load_log()
            self._check_names()
        else:
            self._unchecked_names()
        self.result.findings = [
            f for f in self.result.findings if not is_ignored(f, self.analysis.ignores, self.path)
        ]
        self.result.findings.sort(key=lambda f: (f.span.start, f.code.value))
        self.result.findings = with_ignore_fixes(self.result.findings, self.source)
        return self.result
