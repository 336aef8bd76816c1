"""`analyze(source, path)`: everything the checker needs to know about one quantization script."""

from __future__ import annotations

import ast
import contextlib

from amct_lsp.script.directives import read_directives
from amct_lsp.script.facts import ModelCandidate, ScriptAnalysis, SyntaxProblem
from amct_lsp.script.parse import ParseError, parse
from amct_lsp.script.walk.interpreter import Interpreter
from amct_lsp.script.walk.known_apis import AMCT_MODULE
from amct_lsp.text import NEWLINE, Position, Span, split_lines


def detect_newline(source: str) -> str:
    match = NEWLINE.search(source)
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
        python = None if err.fatal else _python_syntax_error(source)
        result.syntax_error = python or SyntaxProblem(err.message, _error_span(source, err.line, err.column))
        result.uses_amct = "amct_tensorflow" in source
        return result
    except RecursionError:
        result.syntax_error = SyntaxProblem(
            "the script is nested too deeply to analyse", Span(Position(0, 0), Position(0, 0))
        )
        return result
    walk = Interpreter(parsed, path)
    with contextlib.suppress(RecursionError):  # absurdly deep expressions: keep what the walk found
        walk.run()

    record, imports = walk.record, walk.imports
    result.uses_amct = record.uses_amct
    modules = {k for k, v in imports.modules.items() if v == AMCT_MODULE}
    result.amct_aliases = tuple(sorted(modules | set(imports.amct_funcs)))
    result.calls = sorted(record.calls.values(), key=lambda c: (c.span.start, c.span.end))
    result.uses = record.uses
    models = _dedupe(record.models)
    written = record.written
    constants = [
        c
        for c in _dedupe(record.constants)
        if c.span not in written and c not in models and not _template(c.path)
    ]
    constants = [c for c in constants if all(m.span != c.span for m in models)]
    result.models = models + sorted(constants, key=lambda c: c.span.start if c.span else Position(0, 0))
    result.configs = list(dict.fromkeys(record.configs))
    result.skip_layers = tuple(dict.fromkeys(record.skip_layers))
    result.skip_layer_types = tuple(dict.fromkeys(record.skip_layer_types))
    result.bound_names = frozenset(record.bound_names)
    result.skip_sets = tuple(dict.fromkeys(record.skip_sets))
    result.import_prefixes = tuple(sorted(record.import_prefixes))
    result.script_names = frozenset(record.script_names)
    result.object_runs = list(record.object_runs.values())
    return result


def _python_syntax_error(source: str) -> SyntaxProblem | None:
    """Python's own message and place for a script libcst cannot parse ("'(' was never closed" at the
    bracket), which read better than the parser's; None when Python accepts it (a libcst grammar gap)."""
    try:
        compile(source, "<script>", "exec", ast.PyCF_ONLY_AST | ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
    except SyntaxError as err:
        if err.lineno is None:  # null bytes and the like: point at the first one
            return _null_byte_problem(source, err.msg)
        line = err.lineno - 1
        column = max(0, (err.offset or 1) - 1)
        kind = "syntax error"
        if isinstance(err, IndentationError):  # point at the statement the indentation is wrong for
            kind = "indentation error"
            lines = split_lines(source)
            text = lines[line] if line < len(lines) else ""
            column = len(text) - len(text.lstrip())
        return SyntaxProblem(f"{kind}: {err.msg} (line {err.lineno})", _error_span(source, line, column))
    except ValueError:  # Python 3.10 reports null bytes with a ValueError, later versions a SyntaxError
        return _null_byte_problem(source, "source code cannot contain null bytes") if "\0" in source else None
    except (MemoryError, RecursionError):
        return None
    return None


def _null_byte_problem(source: str, message: str) -> SyntaxProblem:
    at = source.find("\0")
    line = source.count("\n", 0, max(at, 0))
    column = at - (source.rfind("\n", 0, max(at, 0)) + 1) if at >= 0 else 0
    return SyntaxProblem(message, _error_span(source, line, column))


def _template(path: str) -> bool:
    """A path template (`'{}_quantized.pb'`, `'%s.pb'`): filled in to name a file, usually one written."""
    return "{" in path or "%" in path


def _dedupe(items: list[ModelCandidate]) -> list[ModelCandidate]:
    return list(dict.fromkeys(items))


def _error_span(source: str, line: int, column: int) -> Span:
    lines = split_lines(source)
    line = min(line, max(0, len(lines) - 1))
    text = lines[line] if lines else ""
    column = min(column, len(text))
    end = column + 1 if column < len(text) else column
    return Span(Position(line, column), Position(line, end))
