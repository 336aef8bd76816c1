"""Where the script uses each renamed tail's name: the links of the editor's picture back to the script."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from amct_lsp.model.graph import split_input
from amct_lsp.text import Span

if TYPE_CHECKING:
    from amct_lsp.check import CheckResult

#: The phase words a use's label adds (save_model and calib_outputs uses already say where they are).
_PHASE = {
    "after": "after quantize_model",
    "before": "before quantize_model",
}


@dataclass(frozen=True, slots=True)
class TailUse:
    """One name string of the script that names a renamed tail (by its old or any of its new names)."""

    tail: str  # the tail's op name
    span: Span  # the literal
    label: str  # "line 17: 'Add:0' · get_tensor_by_name after quantize_model"
    stale: bool  # a finding marks this string


def tail_uses(result: CheckResult) -> list[TailUse]:
    """Every name string of `result` that belongs to a renamed tail, in script order."""
    prediction = result.prediction
    if prediction is None:
        return []
    tails: dict[str, str] = {}
    for chain in prediction.chains:
        for name in chain.names():
            tails.setdefault(name, chain.tail)
            tails.setdefault(split_input(name)[0], chain.tail)
    flagged = {finding.span for finding in result.findings}
    uses: list[TailUse] = []
    for info in result.names:
        tail = info.chain.tail if info.chain is not None else tails.get(info.tensor) or tails.get(info.value)
        if tail is None:
            continue
        how = " ".join(
            part for part in (info.kinds[0] if info.kinds else "", _PHASE.get(info.phase, "")) if part
        )
        label = f"line {info.span.start.line + 1}: '{info.value}'" + (f" · {how}" if how else "")
        uses.append(TailUse(tail, info.span, label, info.span in flagged))
    uses.sort(key=lambda use: (use.span.start.line, use.span.start.character))
    return uses
