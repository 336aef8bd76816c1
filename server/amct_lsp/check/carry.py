"""Carry the findings of the last text that parsed onto a newer text that does not (an edit in progress).

A syntax error mid-edit must not wipe every finding. The lines the edit did not touch are matched between
the two texts (difflib over whole lines), and every finding, fix and related place written on such lines moves
with them; one that touches an edited line is dropped, since its text is no longer what was checked.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterable, Sequence
from difflib import SequenceMatcher

from amct_lsp.check.findings import Finding, Fix, Related
from amct_lsp.text import Position, Span, TextEdit, split_lines


class LineMap:
    """Old line number → new line number, for the lines both texts share unchanged."""

    def __init__(self, old: Sequence[str], new: Sequence[str]) -> None:
        self._map: dict[int, int] = {}
        matcher = SequenceMatcher(None, old, new, autojunk=False)
        for tag, i1, i2, j1, _ in matcher.get_opcodes():
            if tag == "equal":
                self._map.update((i1 + k, j1 + k) for k in range(i2 - i1))

    def span(self, span: Span) -> Span | None:
        """`span` on the new text, or None when one of its lines changed."""
        lines = range(span.start.line, span.end.line + 1)
        moved = [self._map.get(line) for line in lines]
        known = [m for m in moved if m is not None]
        if len(known) != len(moved) or any(b != a + 1 for a, b in itertools.pairwise(known)):
            return None
        delta = known[0] - span.start.line
        return Span(
            Position(span.start.line + delta, span.start.character),
            Position(span.end.line + delta, span.end.character),
        )


def _edits(edits: Iterable[TextEdit], lines: LineMap) -> tuple[TextEdit, ...] | None:
    out = []
    for edit in edits:
        span = lines.span(edit.span)
        if span is None:
            return None
        out.append(TextEdit(span, edit.new_text))
    return tuple(out)


def _fixes(fixes: Iterable[Fix], lines: LineMap) -> tuple[Fix, ...]:
    out = []
    for fix in fixes:
        edits = _edits(fix.edits, lines)
        if edits is not None:
            out.append(dataclasses.replace(fix, edits=edits))
    return tuple(out)


def _related(related: Iterable[Related], path: str, lines: LineMap) -> tuple[Related, ...]:
    out = []
    for place in related:
        if place.path != path:
            out.append(place)  # another file: the edit did not move it
        elif (span := lines.span(place.span)) is not None:
            out.append(dataclasses.replace(place, span=span))
    return tuple(out)


def carry_findings(old_source: str, new_source: str, findings: Iterable[Finding]) -> list[Finding]:
    """The findings of `old_source` that still stand, unchanged, on `new_source`, at their new positions."""
    lines = LineMap(split_lines(old_source), split_lines(new_source))
    out = []
    for finding in findings:
        span = lines.span(finding.span)
        if span is None:
            continue
        out.append(
            dataclasses.replace(
                finding,
                span=span,
                fixes=_fixes(finding.fixes, lines),
                related=_related(finding.related, finding.path, lines),
            )
        )
    return out


__all__ = ["LineMap", "carry_findings"]
