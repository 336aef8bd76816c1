"""What an inlay hint shows after a stale name string: the new name, shortened, and the fix it applies.

A hint is offered only where the finding's primary fix writes the new name into that very string (a literal
fix, safe): the calib_outputs route, a "did you mean" guess and an object looked up again have no one name
to show inline. No LSP types: the feature and the refresh (`refresh.py`) share it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from amct_lsp.amct.chain import Evidence
from amct_lsp.check.findings import Code, Finding, Fix, Span, short_name
from amct_lsp.lsp.analysis import Analysis, shown_findings
from amct_lsp.render.chains import chain_line

if TYPE_CHECKING:
    from amct_lsp.lsp.settings import Settings

ARROW = "→ "


@dataclass(frozen=True, slots=True)
class NameHint:
    """One hint: where it goes (the end of the stale string), what it says, and the fix its click applies."""

    finding: Finding
    fix: Fix

    @property
    def span(self) -> Span:
        return self.finding.span

    @property
    def label(self) -> str:
        new = self.finding.replacement or ""
        inferred = self.finding.chain is not None and self.finding.chain.evidence is Evidence.INFERRED
        # A long scoped name loses its middle (`search_n_quant/…/Identity:0`); the tooltip has it whole.
        return f"{ARROW}{short_name(new)}" + (" (inferred)" if inferred else "")

    @property
    def tooltip(self) -> str:
        """Markdown: the whole new name, the chain with its evidence, and what a click does."""
        finding = self.finding
        lines = [f"**{finding.code.value}** {finding.message}", f"New name: `{finding.replacement}`"]
        if finding.chain is not None and finding.chain.steps:
            lines.append(f"`{chain_line(finding.chain)}` — {finding.chain.evidence.label}")
        lines.append(f"Click to apply: {self.fix.message}")
        return "\n\n".join(lines)

    def key(self) -> tuple[object, ...]:
        """What the client shows of this hint (for deciding whether to ask it to refresh)."""
        return (self.span, self.label, self.fix.edits)


def literal_fix(finding: Finding) -> Fix | None:
    """The finding's primary fix when it is a safe edit of the stale string itself, else None."""
    fix = finding.primary_fix
    if finding.replacement is None or fix is None or not fix.safe or fix.rename_proof or fix.suppression:
        return None
    span = finding.span
    if not any(span.start <= e.span.start and e.span.end <= span.end for e in fix.edits):
        return None  # the edit is elsewhere (an object looked up again): not "this string becomes ..."
    return fix


def name_hints(findings: Iterable[Finding], hidden: Iterable[Code] = ()) -> list[NameHint]:
    """A hint for each shown finding with a literal fix, in the order of the text."""
    off = set(hidden)
    out = []
    for finding in findings:
        if finding.code in off:
            continue
        fix = literal_fix(finding)
        if fix is not None:
            out.append(NameHint(finding, fix))
    return sorted(out, key=lambda h: (h.span.start, h.span.end))


def hints_for(analysis: Analysis, last_good: Analysis | None, settings: Settings) -> list[NameHint]:
    """The hints of an analysis as its diagnostics show it (while the text does not parse, the last good
    findings moved with the edits; hidden codes left out); none when switched off."""
    if not settings.enable or not settings.inlay_hints or analysis.result is None:
        return []
    return name_hints(shown_findings(analysis, last_good), settings.hidden)


def hint_at(hints: Sequence[NameHint], start: tuple[int, int], code: str) -> NameHint | None:
    """The hint whose stale string starts at `start` (code points) for a finding of `code`."""
    for hint in hints:
        pos = hint.span.start
        if (pos.line, pos.character) == start and hint.finding.code.value == code:
            return hint
    return None


__all__ = ["NameHint", "hint_at", "hints_for", "literal_fix", "name_hints"]
