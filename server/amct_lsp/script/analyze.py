"""`analyze(source, path)`: everything the checker needs to know about one quantization script."""

from __future__ import annotations

import contextlib
import re

from amct_lsp.findings import Position, Span
from amct_lsp.script.directives import read_directives
from amct_lsp.script.evaluator import Evaluator
from amct_lsp.script.facts import ModelCandidate, ScriptAnalysis, SyntaxProblem
from amct_lsp.script.parse import ParseError, parse, split_lines

_NEWLINE = re.compile(r"\r\n|\r|\n")


def detect_newline(source: str) -> str:
    match = _NEWLINE.search(source)
    return match.group(0) if match else "\n"


def analyze(source: str, path: str) -> ScriptAnalysis:
    """Analyse a script; a syntax error comes back as data (`syntax_error`), never raised."""
    ignores, directive = read_directives(source)
    result = ScriptAnalysis(
        path=path, ignores=ignores, directive_model=directive, newline=detect_newline(source)
    )
    try:
        parsed = parse(source)
    except ParseError as err:
        result.syntax_error = SyntaxProblem(err.message, _error_span(source, err.line, err.column))
        result.uses_amct = "amct_tensorflow" in source
        return result
    except RecursionError:
        result.syntax_error = SyntaxProblem(
            "the script is nested too deeply to analyse", Span(Position(0, 0), Position(0, 0))
        )
        return result
    evaluator = Evaluator(parsed, path)
    with contextlib.suppress(RecursionError):  # absurdly deep expressions: keep what the walk found
        evaluator.run()

    result.uses_amct = evaluator.uses_amct
    result.amct_aliases = tuple(
        sorted(
            {k for k, v in evaluator.imports.items() if v == "amct_tensorflow"} | set(evaluator.amct_funcs)
        )
    )
    result.calls = sorted(evaluator.calls.values(), key=lambda c: (c.span.start, c.span.end))
    result.uses = evaluator.uses
    models = _dedupe(evaluator.models)
    written = evaluator._written
    constants = [c for c in _dedupe(evaluator.constants) if c.span not in written and c not in models]
    constants = [c for c in constants if all(m.span != c.span for m in models)]
    result.models = models + sorted(constants, key=lambda c: c.span.start if c.span else Position(0, 0))
    result.configs = list(dict.fromkeys(evaluator.configs))
    result.skip_layers = tuple(dict.fromkeys(evaluator.skip_layers))
    result.skip_layer_types = tuple(dict.fromkeys(evaluator.skip_layer_types))
    result.bound_names = frozenset(evaluator.bound_names)
    return result


def _dedupe(items: list[ModelCandidate]) -> list[ModelCandidate]:
    return list(dict.fromkeys(items))


def _error_span(source: str, line: int, column: int) -> Span:
    lines = split_lines(source)
    line = min(line, max(0, len(lines) - 1))
    text = lines[line] if lines else ""
    column = min(column, len(text))
    end = column + 1 if column < len(text) else column
    return Span(Position(line, column), Position(line, end))
