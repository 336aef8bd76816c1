"""What an inlay hint shows after a stale name string: the new name, shortened, and the fix it applies.

A hint is offered where a safe fix writes the new name into that very string (a literal fix): the preferred
one, or — in a model with several quantized layers, where the rename-proof calib_outputs route is preferred
— the literal name that comes second, labelled inferred (the tail's searchN may be numbered). A "did you
mean" guess and an object looked up again have no one name to show inline. No LSP types: the feature and the
refresh (`refresh.py`) share it.
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
UNCERTAIN = (
    "Inferred: the model has several quantized layers and AMCT inserts a searchN after each, so this "
    "searchN name may be numbered (`search_n_quant_K`). "
    "The calib_outputs quick fix is the rename-proof route."
)


@dataclass(frozen=True, slots=True)
class NameHint:
    """One hint: where it goes (the end of the stale string), what it says, and the fix its click applies."""

    finding: Finding
    fix: Fix

    @property
    def span(self) -> Span:
        return self.finding.span

    @property
    def second(self) -> bool:
        """The literal name is not the preferred fix: calib_outputs is (several quantized layers)."""
        return not self.fix.primary

    @property
    def label(self) -> str:
        new = self.finding.replacement or ""
        chain = self.finding.chain
        inferred = self.second or (chain is not None and chain.evidence is Evidence.INFERRED)
        # A long scoped name loses its middle (`search_n_quant/…/Identity:0`); the tooltip has it whole.
        return f"{ARROW}{short_name(new)}" + (" (inferred)" if inferred else "")

    @property
    def tooltip(self) -> str:
        """Markdown: the whole new name, the chain with its evidence, and what a click does."""
        finding = self.finding
        lines = [f"**{finding.code.value}** {finding.message}", f"New name: `{finding.replacement}`"]
        if finding.chain is not None and finding.chain.steps:
            lines.append(f"`{chain_line(finding.chain)}` — {finding.chain.evidence.label}")
        if self.second:
            lines.append(UNCERTAIN)
        lines.append(f"Click to apply: {self.fix.message}")
        return "\n\n".join(lines)

    def key(self) -> tuple[object, ...]:
        """What the client shows of this hint (for deciding whether to ask it to refresh)."""
        return (self.span, self.label, self.fix.edits)


def literal_fix(finding: Finding) -> Fix | None:
    """The fix a hint applies: the finding's primary fix when it is a safe edit of the stale string itself;
    when the primary fix is the rename-proof calib_outputs route, the literal fix that comes second (never a
    guess: those are not safe); else None."""
    primary = finding.primary_fix
    if finding.replacement is None or primary is None:
        return None
    if _edits_string(finding, primary):
        return primary
    if not primary.rename_proof:
        return None
    return next((f for f in finding.fixes if not f.primary and _edits_string(finding, f)), None)


def _edits_string(finding: Finding, fix: Fix) -> bool:
    """A safe fix that writes the new name into the stale string (not the calib_outputs route, not an
    ignore comment, not an object looked up again elsewhere)."""
    if not fix.safe or fix.rename_proof or fix.suppression:
        return False
    span = finding.span
    return any(span.start <= e.span.start and e.span.end <= span.end for e in fix.edits)


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
