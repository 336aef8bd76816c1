"""Whatever the user types, the analysis of one script stays small and quick: the parser is never handed text
it stalls on (even text with a syntax error), and values never grow without bound."""

from __future__ import annotations

import time
import tracemalloc

import pytest

from amct_lsp.check.findings import Position, Span
from amct_lsp.script import analyze
from amct_lsp.script import parse as P
from amct_lsp.script import values as V

HEAD = "import tensorflow as tf\nimport amct_tensorflow as amct\n"


@pytest.mark.parametrize(
    "expression",
    [
        "-".join(["a"] * 1900) + " +",  # 7.5 KB: libcst took seconds on it (a syntax error)
        "f(1, " * 150 + "1" + ")" * 150 + " +",  # deep brackets under Python's own limit, then an error
        "-" * 3000 + "1 )",  # a unary chain and an unmatched bracket
        "a" + ".b" * 2000 + " = = 1",
        "f'{" + "-".join(["a"] * 1900) + "}' +",  # inside an f-string's field
    ],
    ids=["chain", "brackets", "unary", "attributes", "f-string"],
)
def test_deep_statement_with_a_syntax_error_is_refused_as_data(expression: str) -> None:
    source = HEAD + "g = tf.get_default_graph()\nx = " + expression + "\ny = 1\n"
    started = time.perf_counter()
    analysis = analyze(source, "/x/q.py")
    assert time.perf_counter() - started < 2.0
    assert analysis.syntax_error is not None
    assert "too deeply" in analysis.syntax_error.message
    assert analysis.syntax_error.span.start.line == 3
    assert analysis.uses_amct


def test_token_measure_counts_brackets_and_operator_runs() -> None:
    assert P.token_depth_beyond("x = " + "(" * 50 + "1" + ")" * 50 + "\n", 400, 100) is None
    assert P.token_depth_beyond("x = " + "(" * 101 + "\n", 400, 100) == 0  # unclosed: still measured
    assert P.token_depth_beyond("a = 1\nx = " + "+".join(["1"] * 402) + "\n", 400, 100) == 1
    # Separators end a run: a long list of sums, a long argument list, many statements are all shallow.
    many = "x = [" + ", ".join(["a + b"] * 2000) + "]\n" + "y = a + b\n" * 2000
    assert P.token_depth_beyond(many, 400, 100) is None
    # Operators inside strings and comments do not count; inside an f-string's fields they do.
    assert P.token_depth_beyond("s = '" + "+" * 1000 + "'  # " + "-" * 1000 + "\n", 400, 100) is None
    assert P.token_depth_beyond("s = f'" + "-" * 1000 + "{x}{{" + "+" * 500 + "}}'\n", 400, 100) is None
    assert P.token_depth_beyond("s = f'{" + "+".join(["1"] * 402) + "}'\n", 400, 100) == 0
    assert P.token_depth_beyond('x = 1\ns = rf"""\n{' + "(" * 101 + '"""\n', 400, 100) == 1


def test_a_syntax_error_never_hands_the_whole_script_to_libcst(monkeypatch: pytest.MonkeyPatch) -> None:
    """Re-parsing every statement of a script on each keystroke while it has an error is what stalled the
    server; the whole-module parse is only for scripts Python accepts (the quick scan guessed wrong)."""

    def refuse(source: str) -> object:
        raise AssertionError("whole-module parse")

    monkeypatch.setattr(P, "_whole", refuse)
    source = HEAD + "def f():\n    return 1\n\n\nx = (1,\ny = 2\n"
    analysis = analyze(source, "/x/q.py")
    assert analysis.syntax_error is not None and "never closed" in analysis.syntax_error.message


@pytest.mark.parametrize(
    ("start", "step"),
    [
        ("x = 'Add'", "x = x + x"),
        ("x = ['Add:0']", "x = x + x"),
        ("x = ['Add:0']", "x = [x, x]"),
        ("x = 'Add'", "x = x.replace('A', 'AA') + x"),
        ("x = 'Add'", "x = f'{x}{x}'"),
        ("x = ['Add:0']", "x.extend(x)"),
    ],
    ids=["string", "list", "nested-list", "replace", "f-string", "extend"],
)
def test_forty_doublings_stay_small(start: str, step: str) -> None:
    source = (
        HEAD
        + "g = tf.get_default_graph()\n"
        + start
        + "\n"
        + (step + "\n") * 40
        + "amct.quantize_model(g, 'c.json', 'r.txt')\n"
        + "g.get_tensor_by_name(x)\n"
        + "sess.run(x)\n"
    )
    tracemalloc.start()
    try:
        analysis = analyze(source, "/x/q.py")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 64 * 1024 * 1024
    assert analysis.syntax_error is None
    assert analysis.uses == []  # past the bounds the value is unknown: nothing to judge


def lit(text: str) -> V.Str:
    span = Span(Position(0, 0), Position(0, len(text) + 2))
    return V.from_literal(V.Literal(span, text, Position(0, 1), "'"))


def test_values_past_the_bounds_are_unknown() -> None:
    s = lit("a" * 3000)
    assert V.concat(s, s) is None
    assert V.concat(s, lit("b")) is not None
    many = V.const("")
    for i in range(V.MAX_SEGMENTS):
        joined = V.concat(many, lit(str(i % 10)))
        assert joined is not None
        many = joined
    assert V.concat(many, lit("x")) is None  # one run too many
    assert V.path_join([s, s]) is None
    item: V.Vals = (lit("n"),)
    assert V.seq([item] * (V.MAX_ITEMS - 1)) != ()
    assert V.seq([item] * V.MAX_ITEMS) == ()
    assert V.dict_value([(item, item)] * V.MAX_ITEMS) == ()
    assert V.union([None, lit("a"), None]) == (lit("a"),)
