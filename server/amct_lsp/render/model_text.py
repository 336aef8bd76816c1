"""The model report as plain text (`amct-lsp explain`): every tail, what it becomes, each step and why."""

from __future__ import annotations

import textwrap

from amct_lsp.amct.chain import Prediction, RenameChain, RenameStep, TailVerdict
from amct_lsp.check.consequence import SHIFT_BIT_ERROR, unquantized_consequence
from amct_lsp.render.chains import step_text
from amct_lsp.safe_text import escape_text

_WIDTH = 100  # prose is wrapped here
_HEAD_WIDTH = 110  # a step's `old → new` moves its `→ new` to a second line beyond this


def _wrapped(text: str, indent: str) -> list[str]:
    """`text` wrapped at the table width; tensor names are never split (they contain no spaces)."""
    return textwrap.wrap(
        text, _WIDTH, initial_indent=indent, subsequent_indent=indent, break_long_words=False,
        break_on_hyphens=False,
    )  # fmt: skip


def _fate(verdict: TailVerdict, chain: RenameChain) -> str:
    """What happens when a script keeps fetching the original tensor, in the user's terms: the old op is
    never deleted from the graph, so the fetch works but runs off the quantized path."""
    if verdict.layer is not None and verdict.layer_unquantized:
        return f"fetching '{chain.original}' after quantize_model: " + unquantized_consequence(
            verdict.layer, verdict.layer_unquantized
        ).removeprefix("as written, ")
    if verdict.layer is not None:
        who, shift = f"layer '{verdict.layer}'", SHIFT_BIT_ERROR.format(layer=verdict.layer)
    else:
        who, shift = "the last quantized layer", SHIFT_BIT_ERROR.format(layer="…")
    return (
        f"fetching '{chain.original}' after quantize_model runs off the quantized path: {who} gets "
        f'no calibration record and save_model fails (RuntimeError: "{shift}")'
    )


def _step_lines(number: int, step: RenameStep) -> list[str]:
    """`1. pass: old → new  [evidence]`, with `→ new` on its own line when the names are long."""
    head = f"  {number}. {step_text(step)}"
    if len(head) <= _HEAD_WIDTH:
        lines = [head]
    else:
        lines = [f"  {number}. {step.pass_name}: {step.old}", f"     → {step.new}  [{step.evidence.label}]"]
    return lines + _wrapped(step.reason, "     ")


def _caveat_key(note: str) -> str:
    """A chain's note and the model's note on the same caveat differ only after their first clause."""
    return note.split(";", 1)[0]


def model_text(prediction: Prediction, node_count: int | None = None) -> str:
    """Per tail: its tensor and op, what it becomes and why, then one numbered entry per rename step."""
    lines: list[str] = []
    size = f"{node_count} nodes, " if node_count is not None else ""
    count = len(prediction.tails)
    lines.append(
        f"Model: {prediction.model_path or '<in memory>'} ({size}{count} tail{'s' if count != 1 else ''})"
    )
    if prediction.rules:
        lines.extend(_wrapped(f"Rules: {prediction.rules}", ""))
    shown_caveats: set[str] = set()
    for verdict in prediction.tails:
        lines.append("")
        chain = verdict.chain
        lines.append(f"Tail {verdict.output}  [{verdict.op}]")
        if chain is None:
            lines.extend(_wrapped(f"keeps its name: {verdict.reason}", "  "))
            continue
        lines.append(f"  becomes {chain.final}  [{chain.evidence.label}]")
        lines.extend(_wrapped(_fate(verdict, chain), "  "))
        for number, step in enumerate(chain.steps, 1):
            lines.extend(_step_lines(number, step))
        for note in chain.notes:
            lines.extend(_wrapped(f"note: {note}", "  "))
            shown_caveats.add(_caveat_key(note))
    if not prediction.tails:
        lines.append("")
        lines.append("The model has no tails (no node whose output is unused), so nothing is renamed.")
    # A model-wide caveat every chain already carries is not repeated.
    model_notes = [n for n in prediction.notes if _caveat_key(n) not in shown_caveats]
    if model_notes:
        lines.append("")
        for note in model_notes:
            lines.extend(_wrapped(f"Note: {note}", ""))
    # Node names come from the model file: an ESC or a newline in one must not reach the terminal raw.
    return "\n".join(escape_text(line) for line in lines) + "\n"
