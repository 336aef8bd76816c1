"""Markdown for hovers and the model report: rename chains, step by step, with their evidence.

Kept to the Markdown subset both VS Code and Neovim render legibly (paragraphs, lists, inline code, one
table), and the whole chain always sits on one line so it can be read (and searched for) at a glance.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import TYPE_CHECKING

from amct_lsp.amct.chain import Evidence, Prediction, RenameChain, RenameStep
from amct_lsp.check.findings import Code, Finding, Severity
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
    """The hover of one name string. A finding leads with the answer (what to use, what happens otherwise),
    then the chain once, one line of evidence and the rules, then any notes; short enough for an editor's
    hover box."""
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
        parts.append(_answer(finding, chain))
    elif name.verdict:
        parts.append(f"**amct** {_code(name.value)} is right here: {name.verdict}.")
    else:
        parts.append(f"**amct** {_code(name.value)}:")
    # The chain, its evidence and the rules as one paragraph of short lines: no paragraph gaps, so the whole
    # hover fits an editor's box without scrolling (the real-VS Code test measures it).
    details = [_code(chain_line(chain)) if renamed or chain.steps else _code(chain.original)]
    details.append(_evidence_line(name, finding, chain, result))
    if result.prediction is not None and result.prediction.rules and name.evidence != "amct-log":
        details.append(f"_Rules: {result.prediction.rules}_")
    parts.append("  \n".join(details))
    notes = _notes([*chain.notes, *(finding.notes if finding else ())])
    if notes:
        parts.append("\n".join(notes))
    return "\n\n".join(parts)


def _answer(finding: Finding, chain: RenameChain) -> str:
    """The first paragraph of a finding's hover: the preferred fix (or the new name), then what happens as
    written."""
    code = f"**{finding.code.value}**"
    new = finding.replacement
    fix = finding.primary_fix
    if new is None:  # not predicted (e.g. under a tf.import_graph_def prefix)
        lead = f"{code} stale after `quantize_model`: fetch it through `calib_outputs` (or the log's name)"
    elif fix is not None and fix.rename_proof:
        lead = f"{code} fetch it through `calib_outputs`; the new name: {_code(new)}"
    else:
        lead = f"{code} use {_code(new)} after `quantize_model`"
    if finding.code is Code.STALE_NAME and finding.severity is Severity.ERROR:
        layer = f"layer {_code(finding.layer)}" if finding.layer else "the last quantized layer"
        lead += f"  \nAs written: no calibration record for {layer}, `save_model` raises a RuntimeError."
    elif finding.code is Code.STALE_NAME:  # the layer behind it is not quantized: nothing fails
        lead += "  \nAs written: the fetch still works (its layer is not quantized), off the new tail."
    return lead


def _evidence_line(name: NameInfo, finding: Finding | None, chain: RenameChain, result: CheckResult) -> str:
    """One line: each step's pass and how sure it is, then where the answer comes from."""
    labels = {evidence_label(s) for s in chain.steps}
    if len(labels) == 1:  # one label for every step: said once
        steps = " · ".join(s.pass_name for s in chain.steps) + f" _({labels.pop()})_"
    else:
        steps = " · ".join(f"{s.pass_name} _({evidence_label(s)})_" for s in chain.steps)
    evidence = name.evidence or (finding.evidence if finding else None)
    model = (finding.model if finding else None) or result.model_path
    if evidence == "amct-log":
        where = f" {_code(os.path.basename(result.log_path))}" if result.log_path else ""
        source = f"confirmed by the AMCT log{where}"
    elif model:
        source = f"predicted from {_code(os.path.basename(model))}"
    else:
        source = "predicted"
    return f"{steps} — {source}" if steps else source


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
