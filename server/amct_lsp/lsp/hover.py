"""Hovers: what is under the cursor (a name string, a variable holding one, the model path). The Markdown
itself comes from the one renderer, `amct_lsp.render.markdown`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from amct_lsp.lsp.convert import span_contains
from amct_lsp.render.markdown import model_hover, model_report, name_hover
from amct_lsp.text import Position, Span

if TYPE_CHECKING:
    from amct_lsp.check import CheckResult


def hover_at(result: CheckResult, pos: Position) -> tuple[str, Span] | None:
    """Markdown for what is under `pos` (a name string, a variable holding one, the model path), its span."""
    for name in result.names:
        if span_contains(name.span, pos):
            return name_hover(name, result), name.span
    for name in result.names:
        for use in name.uses:
            if span_contains(use, pos):
                return name_hover(name, result), use
    if result.model_span is not None and span_contains(result.model_span, pos):
        return model_hover(result), result.model_span
    for finding in result.findings:
        if span_contains(finding.span, pos):
            return f"**{finding.code.value}**: {finding.message}", finding.span
    return None


__all__ = ["hover_at", "model_hover", "model_report", "name_hover"]
