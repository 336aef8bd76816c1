"""Text edits: the smallest edit inside a literal, applying edits, choosing each finding's primary fix."""

from __future__ import annotations

from collections.abc import Iterable

from amct_lsp.check.findings import Finding
from amct_lsp.script.values import Literal, Str
from amct_lsp.text import LineIndex, TextEdit


def apply_edits(source: str, edits: Iterable[TextEdit]) -> str:
    """Apply non-overlapping edits given in `source`'s coordinates; raises ValueError when they overlap."""
    index = LineIndex(source)
    spans = sorted(
        ((index.offset(e.span.start), index.offset(e.span.end), e.new_text) for e in edits),
        key=lambda t: t[:2],
    )
    out: list[str] = []
    cursor = 0
    for start, end, text in spans:
        if start < cursor:
            raise ValueError("overlapping edits")
        out.append(source[cursor:start])
        out.append(text)
        cursor = max(end, start)
    out.append(source[cursor:])
    return "".join(out)


def primary_edits(findings: Iterable[Finding]) -> list[TextEdit]:
    """Every finding's safe primary fix edits (`Finding.bulk_fix`: never a guess), dropping duplicates and
    any edit overlapping an earlier one."""
    chosen: list[TextEdit] = []
    for finding in findings:
        fix = finding.bulk_fix
        if fix is None:
            continue
        if any(_overlaps(e, c) and e != c for e in fix.edits for c in chosen):
            continue
        chosen.extend(e for e in fix.edits if e not in chosen)
    return chosen


def _overlaps(a: TextEdit, b: TextEdit) -> bool:
    return (a.span.start < b.span.end and b.span.start < a.span.end) or a.span.start == b.span.start


def literal_edit(value: Str, new: str) -> TextEdit | None:
    """The smallest edit inside one literal that turns `value` into `new` (keeps quotes, prefixes, ':N')."""
    old = value.value
    candidates: list[tuple[int, int, str]] = [(0, len(old), new)]
    if ":" in old and ":" in new and old.rpartition(":")[2] == new.rpartition(":")[2]:
        old_op, new_op = old.rpartition(":")[0], new.rpartition(":")[0]
        candidates.append((0, len(old_op), new_op))
    prefix = _common_prefix(old, new)
    suffix = _common_prefix(old[prefix:][::-1], new[prefix:][::-1])
    candidates.append((prefix, len(old) - suffix, new[prefix : len(new) - suffix]))
    for start, end, text in candidates:
        found = value.locate(start, end)
        if found is None:
            continue
        literal, lo, hi = found
        span = literal.body_span(lo, hi)
        escaped = _escape(text, literal)
        if span is not None and escaped is not None:
            return TextEdit(span, escaped)
    return None


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _escape(text: str, literal: Literal) -> str | None:
    quote = literal.quote[0]
    if "r" in literal.prefix.lower():
        return None if ("\\" in text or quote in text) else text
    if "f" in literal.prefix.lower() and ("{" in text or "}" in text):
        text = text.replace("{", "{{").replace("}", "}}")
    return text.replace("\\", "\\\\").replace(quote, "\\" + quote)


def quoted(text: str, literal: Literal) -> str:
    quote = literal.quote if len(literal.quote) == 1 else "'"
    return quote + text.replace("\\", "\\\\").replace(quote, "\\" + quote) + quote
