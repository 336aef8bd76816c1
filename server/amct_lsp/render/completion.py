"""What a completion item says: a short note beside the name, and Markdown with the rename chain for the
names of renamed tails (each step with its evidence, so an inferred step reads as inferred)."""

from __future__ import annotations

from amct_lsp.check.completion import Candidate, Tier
from amct_lsp.render.chains import chain_line
from amct_lsp.render.markdown import step_lines

_NOTES = {
    Tier.NEW: "new after quantize_model",
    Tier.OUTPUT: "network output",
    Tier.INPUT: "network input",
    Tier.STALE: "stale after quantize_model",
}


def item_note(item: Candidate) -> str:
    """A few words on why the name ranks where it does ("" for an ordinary node)."""
    note = _NOTES.get(item.tier, "")
    if item.replaces is not None:
        return f"replaces {item.replaces}"
    if item.chain is not None and item.tier not in (Tier.NEW, Tier.STALE):  # an original name, renamed later
        return f"{note}, renamed by quantize_model" if note else "renamed by quantize_model"
    return note


def item_documentation(item: Candidate) -> str | None:
    """Markdown for a name with a rename chain; None for the others (the op type says enough)."""
    chain = item.chain
    if chain is None:
        return None
    new = chain.final
    if item.tier is Tier.NEW:
        lead = f"**Right after `quantize_model`**: what `{chain.original}` becomes."
    elif item.tier is Tier.STALE:
        lead = (
            f"**Stale after `quantize_model`**: use `{new}` (or fetch through `calib_outputs`); as written "
            "calibration misses the new ops and `save_model` fails."
        )
    else:
        lead = f"**Original name**, right here; after `quantize_model` it is `{new}`."
    source = "confirmed by the AMCT log" if item.evidence == "amct-log" else "predicted"
    parts = [lead, f"`{chain_line(chain)}`", "\n".join(step_lines(chain)), f"_{source}_"]
    notes = [n.strip() for n in chain.notes if n.strip()]
    if notes:
        parts.append("\n".join(f"- {n}" for n in dict.fromkeys(notes)))
    return "\n\n".join(parts)


__all__ = ["item_documentation", "item_note"]
