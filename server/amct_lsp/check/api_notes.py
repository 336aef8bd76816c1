"""What the hover says about names given to the AMCT APIs besides quantize_model (issue 9 item 2), where
the general verdicts speak of calib_outputs: each API's `outputs` is read against the original model and, as
far as its documentation says, not updated. The note names the API and where the documentation is silent."""

from __future__ import annotations

from dataclasses import replace

from amct_lsp.check.results import NameInfo
from amct_lsp.script.facts import UseKind

_RETRAIN_SILENT = (
    "the vendor documentation does not say whether inserting the {what} ops renames the graph's output, "
    "so this note predicts no rename for this call (the AMCT log settles it)"
)

#: Per API: what the documentation says its `outputs` is, and what it does not say.
_NOTES = {
    "quantize_model_ascend": (
        "the graph's output op names (documented)",
        "the vendor documentation does not say AMCT updates this list (unlike calib_outputs), so after "
        "quantize_model_ascend fetch its returned calibration_outputs",
    ),
    "accuracy_based_auto_calibration": (
        "the model's output node names (documented)",
        "AMCT reads the original model_file itself and calibrates, evaluates and saves it in this one call; "
        "which graph the evaluator's methods receive is not documented",
    ),
    "create_prune_retrain_model": (
        "the model's outputs (documented)",
        _RETRAIN_SILENT.format(what="sparsity (mask)"),
    ),
    "create_compressed_retrain_model": (
        "the model's output node names (documented)",
        _RETRAIN_SILENT.format(what="sparsity and quantization"),
    ),
}


def with_api_notes(names: list[NameInfo]) -> list[NameInfo]:
    """The names with the verdict of an `outputs` argument of those APIs told as such."""
    return [_told(name) for name in names]


def _told(name: NameInfo) -> NameInfo:
    if UseKind.MODEL_OUTPUT.value not in name.kinds or len(name.kinds) != 1 or name.verdict is None:
        return name
    targets = name.targets or ("quantize_model_ascend(outputs=...)",)
    notes = []
    for target in targets:
        what, silent = _NOTES.get(target.partition("(")[0], _NOTES["quantize_model_ascend"])
        notes.append(
            f"original op name, right for {target}: {what}, read against the original model; {silent}"
        )
    verdict = "; ".join(notes)
    if name.chain is not None and name.chain.steps:
        verdict += f"; after quantize_model the tensor is '{name.chain.final}'"
    return replace(name, verdict=verdict)
