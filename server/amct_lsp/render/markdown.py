"""Markdown for hovers and the model report: rename chains, step by step, with their evidence.

Kept to the Markdown subset both VS Code and Neovim render legibly (paragraphs, lists, inline code, one
table), and the whole chain always sits on one line so it can be read (and searched for) at a glance.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from amct_lsp.amct.chain import Evidence, Prediction, RenameChain, RenameStep
from amct_lsp.render.chains import chain_line

if TYPE_CHECKING:
    from amct_lsp.check import CheckResult, NameInfo


def _code(text: str) -> str:
    """Inline code that survives backticks inside the text."""
    fence = "``" if "`" in text else "`"
    pad = " " if fence == "``" else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def evidence_label(step: RenameStep) -> str:
    label = step.evidence.label
    if step.evidence is Evidence.LOG and step.timestamp:
        label = f"{label} ({step.timestamp})"
    return label


def step_lines(chain: RenameChain) -> list[str]:
    """One list item per step: pass, old → new, the reason, the evidence."""
    return [
        f"{i}. **{s.pass_name}**: {_code(s.old)} → {_code(s.new)} — {s.reason.strip()} "
        f"_({evidence_label(s)})_"
        for i, s in enumerate(chain.steps, 1)
    ]


def _notes(notes: Iterable[str]) -> list[str]:
    seen: list[str] = []
    for note in notes:
        note = note.strip()
        if note and note not in seen:
            seen.append(note)
    return [f"- {n}" for n in seen]


def name_hover(name: NameInfo, result: CheckResult) -> str:
    """The hover of one name string: its chain with every step, or a one-line verdict when it is fine."""
    finding = next((f for f in result.findings if f.span == name.span), None)
    chain = name.chain or (finding.chain if finding else None)
    parts: list[str] = []
    if chain is None:
        verdict = name.verdict or (finding.message if finding else "not renamed by quantize_model")
        parts.append(f"**amct** {_code(name.value)}: {verdict}")
        if finding is not None and finding.message != verdict:
            parts.append(f"**{finding.code.value}**: {finding.message}")
        if finding is not None and finding.primary_fix is not None:
            parts.append(f"**Fix:** {finding.primary_fix.message}")
        return "\n\n".join(parts)

    renamed = bool(chain.steps) and chain.final != chain.original
    if finding is not None:
        parts.append(f"**amct {finding.code.value}** {_code(name.value)} is renamed by `quantize_model`:")
    elif name.verdict:
        parts.append(f"**amct** {_code(name.value)} is right here: {name.verdict}.")
        if renamed:
            parts.append("What `quantize_model` does to it:")
    else:
        parts.append(f"**amct** {_code(name.value)}:")
    parts.append(_code(chain_line(chain)))
    if chain.steps:
        parts.append("\n".join(step_lines(chain)))
    if renamed and finding is not None:
        parts.append(
            "The original node is **removed** by the rewrite: fetching the old name fails with a `KeyError`."
            if chain.removes_original
            else "The original node survives but no longer ends the network: fetching it skips the new ops."
        )
    notes = _notes([*chain.notes, *(finding.notes if finding else ())])
    if notes:
        parts.append("Notes:\n\n" + "\n".join(notes))
    evidence = name.evidence or (finding.evidence if finding else None)
    if evidence == "amct-log":
        where = f" {_code(result.log_path)}" if result.log_path else ""
        parts.append(f"Evidence: confirmed by the AMCT log{where}.")
    elif evidence:
        parts.append(f"Evidence: predicted from the model (weakest step: {chain.evidence.label}).")
        if result.prediction is not None and result.prediction.rules:
            parts.append(f"Rules: {result.prediction.rules}.")
    model = (finding.model if finding else None) or result.model_path
    if model:
        parts.append(f"Model: {_code(model)}")
    if finding is not None and finding.primary_fix is not None:
        parts.append(f"**Fix:** {finding.primary_fix.message}")
    return "\n\n".join(parts)


def tails_table(prediction: Prediction) -> str:
    rows = ["| tail | op | after `quantize_model` | evidence |", "|---|---|---|---|"]
    for verdict in prediction.tails:
        if verdict.chain is not None and verdict.chain.steps:
            after = chain_line(verdict.chain)
            evidence = verdict.chain.evidence.label
        else:
            after = f"unchanged — {verdict.reason}" if verdict.reason else "unchanged"
            evidence = ""
        rows.append(
            f"| {_cell(_code(verdict.tail))} | {_cell(verdict.op)} | {_cell(after)} | {_cell(evidence)} |"
        )
    return "\n".join(rows)


def model_hover(result: CheckResult) -> str:
    """The hover of the model path string: each tail of the model and its chain."""
    path = result.model_path or "the model"
    if result.model_error is not None:
        return f"**amct** model {_code(path)}: {result.model_error}"
    prediction = result.prediction
    if prediction is None:
        return f"**amct** model {_code(path)}" + (f": {result.model_note}" if result.model_note else "")
    parts = [f"**amct** model {_code(path)} — {len(prediction.tails)} tail(s)", tails_table(prediction)]
    if prediction.rules:
        parts.append(f"Rules: {prediction.rules}.")
    notes = _notes([*prediction.notes, *([result.model_note] if result.model_note else [])])
    if notes:
        parts.append("\n".join(notes))
    return "\n\n".join(parts)


def model_report(result: CheckResult) -> str:
    """The `amct-lsp.explainModel` report: the tails table, then every chain with its steps."""
    path = result.model_path or "(no model)"
    parts = [f"# Model {_code(path)}"]
    if result.model_error is not None:
        parts.append(f"The model could not be read: {result.model_error}")
        return "\n\n".join(parts) + "\n"
    prediction = result.prediction
    if prediction is None:
        parts.append(result.model_note or "No model was found for this script.")
        return "\n\n".join(parts) + "\n"
    parts.append(tails_table(prediction))
    if prediction.rules:
        parts.append(f"Rules: {prediction.rules}.")
    for chain in prediction.chains:
        parts.append(f"## {_code(chain.tail)}")
        parts.append(_code(chain_line(chain)))
        parts.append("\n".join(step_lines(chain)))
        notes = _notes(chain.notes)
        if notes:
            parts.append("\n".join(notes))
    notes = _notes(prediction.notes)
    if notes:
        parts.append("Notes:\n\n" + "\n".join(notes))
    return "\n\n".join(parts) + "\n"
