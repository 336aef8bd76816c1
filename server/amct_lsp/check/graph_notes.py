"""The hover of a name looked up in a graph loaded again after quantize_model (issue 9 item 5): it is told
as such ("right in a graph imported from the saved quantized model ...") instead of "right before
quantize_model", which is what the walk's phase alone would say."""

from __future__ import annotations

from dataclasses import replace

from amct_lsp.check.results import NameInfo
from amct_lsp.script.facts import NameUse

_BEFORE = "right before quantize_model"
_SAVED = (
    " (save_model writes the output names it is given, the original ones, into the saved model; "
    "inferred, the vendor documentation does not say so)"
)


def with_graph_notes(names: list[NameInfo], uses: list[NameUse]) -> list[NameInfo]:
    by_site: dict[object, set[str | None]] = {}
    for use in uses:
        by_site.setdefault(use.site, set()).add(use.graph_note)
    return [_told(name, by_site) for name in names]


def _told(name: NameInfo, by_site: dict[object, set[str | None]]) -> NameInfo:
    if name.verdict is None or _BEFORE not in name.verdict:
        return name
    notes: set[str | None] = set()
    for site in name.uses:
        notes |= by_site.get(site, {None})
    if len(notes) != 1 or None in notes:
        return name
    note = next(iter(notes))
    assert note is not None
    told = f"right in {note}, not in the graph quantize_model rewrote"
    if "saved quantized model" in note:
        told += _SAVED
    return replace(name, verdict=name.verdict.replace(_BEFORE, told, 1))
