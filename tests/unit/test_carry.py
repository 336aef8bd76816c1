"""Findings of the last parsed text carried onto a text with an edit in progress (check.carry)."""

from __future__ import annotations

from amct_lsp.check.carry import LineMap, carry_findings
from amct_lsp.check.findings import Code, Finding, Fix, Related, Severity
from amct_lsp.text import Position, Span, TextEdit


def span(line: int, start: int, end: int) -> Span:
    return Span(Position(line, start), Position(line, end))


OLD = "a = 1\nname = 'Add:0'\nrun(name)\n"


def finding(line: int) -> Finding:
    fix = Fix("use the new name", (TextEdit(span(line, 8, 13), "bias_add/BiasAdd:0"),))
    related = (Related("/s.py", span(line + 1, 0, 9), "used here"), Related("/m.pb", span(0, 0, 0), "model"))
    return Finding(
        Code.STALE_NAME, Severity.ERROR, "stale", "/s.py", span(line, 8, 13), fixes=(fix,), related=related
    )


def test_findings_move_with_inserted_lines() -> None:
    new = "# new\n# lines\n" + OLD.replace("run(name)", "run(name")
    [moved] = carry_findings(OLD, new, [finding(1)])
    assert moved.span == span(3, 8, 13)
    assert moved.fixes[0].edits[0].span == span(3, 8, 13)
    # the related use site is on the edited line: dropped; the model (another file) stays
    assert [r.path for r in moved.related] == ["/m.pb"]


def test_a_finding_on_an_edited_line_is_dropped() -> None:
    new = OLD.replace("'Add:0'", "'Add:0")
    assert carry_findings(OLD, new, [finding(1)]) == []


def test_line_map_needs_every_line_of_a_span_unchanged_and_adjacent() -> None:
    lines = LineMap(["a", "b", "c"], ["a", "x", "b", "c"])
    assert lines.span(Span(Position(1, 0), Position(2, 1))) == Span(Position(2, 0), Position(3, 1))
    assert LineMap(["a", "b"], ["a", "z"]).span(span(1, 0, 1)) is None
