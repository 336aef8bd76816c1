"""The abstract string domain: every transformation keeps where each character was written."""

from __future__ import annotations

from amct_lsp.script import values as V
from amct_lsp.text import Position, Span


def lit(text: str, col: int = 10) -> V.Str:
    span = Span(Position(0, col - 1), Position(0, col + len(text) + 1))
    return V.from_literal(V.Literal(span, text, Position(0, col), "'"))


def test_slice_keeps_origin_of_each_character() -> None:
    s = V.concat(lit("Add", 10), lit(":0", 30))
    assert V.slice_str(s, None, -2).value == "Add"
    cut = V.slice_str(s, 1, 4)
    assert cut.value == "dd:"
    assert [(seg.text, seg.offset) for seg in cut.segments] == [("dd", 1), (":", 0)]


def test_locate_maps_a_value_range_back_to_one_literal() -> None:
    s = V.concat(lit("Add", 10), lit(":0", 30))
    found = s.locate(0, 3)
    assert found is not None and found[0].value == "Add" and found[1:] == (0, 3)
    assert s.locate(0, 5) is None  # spans two literals
    literal, lo, hi = s.locate(3, 5) or (None, 0, 0)
    assert literal is not None and literal.body_span(lo, hi) == Span(Position(0, 30), Position(0, 32))


def test_split_and_partition() -> None:
    s = lit("scope/Add:0")
    first = V.split_str(s, ":").items[0][0]
    assert isinstance(first, V.Str) and first.value == "scope/Add" and first.locate(0, 9) is not None
    last = V.split_str(s, "/", right=True).items[-1][0]
    assert isinstance(last, V.Str) and last.value == "Add:0"
    assert [v[0].value for v in V.partition_str(s, ":").items if isinstance(v[0], V.Str)] == [
        "scope/Add",
        ":",
        "0",
    ]


def test_format_and_percent() -> None:
    template = lit("{}:{}")
    out = V.format_template(template, [lit("Add"), V.Int(0)], {})
    assert out is not None and out.value == "Add:0"
    assert out.locate(0, 3) is not None  # "Add" still maps to its literal
    named = V.format_template(lit("{name}:0"), [], {"name": lit("Relu")})
    assert named is not None and named.value == "Relu:0"
    assert V.format_template(lit("{:>5}"), [lit("x")], {}) is None  # a spec: unknown
    pct = V.percent_format(lit("%s:%d"), [lit("Add"), V.Int(1)])
    assert pct is not None and pct.value == "Add:1"
    assert V.percent_format(lit("%s %s"), [lit("a")]) is None


def test_paths() -> None:
    joined = V.path_join([V.const("/work/x"), lit("model"), lit("net.pb")])
    assert joined.value == "/work/x/model/net.pb"
    assert V.path_dirname(V.const("/work/x/run.py")).value == "/work/x"
    assert V.path_join([lit("a"), V.const("/abs")]).value == "/abs"


def test_union_dedupes_and_caps() -> None:
    many = [V.Int(i) for i in range(200)]
    assert len(V.union(many, many)) == V.MAX_ALTERNATIVES
