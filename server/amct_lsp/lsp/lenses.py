"""What the code lenses above each `quantize_model` (and `quantize_model_ascend`) call say: how many of the
model's outputs the rewrite renames, and the renames themselves for the lens's click.

No model, no lens: without a prediction there is nothing to count. No LSP types: the feature and the refresh
(`refresh.py`) share it.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from amct_lsp.amct.chain import Prediction, RenameChain
from amct_lsp.check.findings import Span
from amct_lsp.lsp.analysis import Analysis, parses
from amct_lsp.render.chains import chain_line
from amct_lsp.text import split_lines

if TYPE_CHECKING:
    from amct_lsp.check import CheckResult
    from amct_lsp.lsp.settings import Settings


@dataclass(frozen=True, slots=True)
class CallLens:
    """One quantize call of the script and the renames its model undergoes."""

    span: Span
    api: str
    renamed: tuple[RenameChain, ...]

    @property
    def title(self) -> str:
        return renames_title(len(self.renamed))

    def key(self) -> tuple[object, ...]:
        return (self.span, self.title)


def renamed_chains(prediction: Prediction) -> tuple[RenameChain, ...]:
    """The tails whose output name changes (a chain with at least one step to another name)."""
    return tuple(c for c in prediction.chains if c.steps and c.final != c.original)


def renames_title(count: int) -> str:
    """`renames no outputs`, `renames 1 output`, `renames 3 outputs`."""
    if count == 0:
        return "renames no outputs"
    return f"renames {count} output{'s' if count != 1 else ''}"


def call_lenses(result: CheckResult) -> list[CallLens]:
    """One lens per quantize call (each call once, in the order of the text) when a model was read."""
    prediction = result.prediction
    analysis = result.analysis
    if prediction is None or analysis is None:
        return []
    renamed = renamed_chains(prediction)
    spans: dict[Span, str] = {}
    for call in analysis.quantize_calls:
        spans.setdefault(call.span, call.api)
    ordered = sorted(spans.items(), key=lambda item: item[0].start)
    return [CallLens(span, api, renamed) for span, api in ordered]


def lenses_for(analysis: Analysis, last_good: Analysis | None, settings: Settings) -> list[CallLens]:
    """The lenses of an analysis; none when amct or its code lenses are switched off. While the text does
    not parse, the last good analysis's lenses moved with the edits (as its findings are): a lens vanishing
    at each keystroke would move the code below it up and down."""
    if not settings.enable or not settings.code_lens or analysis.result is None:
        return []
    if parses(analysis) or last_good is None or last_good.result is None:
        return call_lenses(analysis.result)
    from amct_lsp.check.carry import LineMap

    lines = LineMap(split_lines(last_good.snapshot.source), split_lines(analysis.snapshot.source))
    out = []
    for lens in call_lenses(last_good.result):
        span = lines.span(lens.span)
        if span is not None:
            out.append(dataclasses.replace(lens, span=span))
    return out


def renames_text(result: CheckResult, api: str = "quantize_model") -> str:
    """One message for the lens's click: each renamed output's chain and how sure it is, or why none is."""
    prediction = result.prediction
    if prediction is None:
        return "amct: no model was read for this script."
    model = os.path.basename(result.model_path or prediction.model_path) or "the model"
    renamed = renamed_chains(prediction)
    head = f"{api} {renames_title(len(renamed))} of {model}"
    if not renamed:
        unchanged = "; ".join(f"{v.tail}: {v.reason}" for v in prediction.tails if v.reason)
        return f"{head}" + (f" ({unchanged})." if unchanged else ".")
    parts = [f"{chain_line(chain)} ({chain.evidence.label})" for chain in renamed]
    return f"{head}: " + "; ".join(parts) + "."


__all__ = ["CallLens", "call_lenses", "lenses_for", "renamed_chains", "renames_text", "renames_title"]
