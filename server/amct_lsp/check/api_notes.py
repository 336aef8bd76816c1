"""What the hover says about names given to the AMCT APIs besides quantize_model (issue 9 item 2), where the
general verdicts speak of calib_outputs: quantize_model_ascend's and accuracy_based_auto_calibration's
`outputs` are read against the original model and, as far as the documentation says, not updated."""

from __future__ import annotations

from dataclasses import replace

from amct_lsp.check.results import NameInfo
from amct_lsp.script.facts import UseKind

_SILENT = (
    "the vendor documentation does not say AMCT updates this list (unlike calib_outputs), so after "
    "quantize_model_ascend fetch its returned calibration_outputs"
)


def with_api_notes(names: list[NameInfo]) -> list[NameInfo]:
    """The names with the verdict of an `outputs` argument of those APIs told as such."""
    return [_told(name) for name in names]


def _told(name: NameInfo) -> NameInfo:
    if UseKind.MODEL_OUTPUT.value not in name.kinds or len(name.kinds) != 1:
        return name
    verdict = "original op name, right for the `outputs` of quantize_model_ascend / "
    verdict += f"accuracy_based_auto_calibration (read against the original model); {_SILENT}"
    if name.chain is not None and name.chain.steps:
        verdict += f"; after quantize_model the tensor is '{name.chain.final}'"
    return replace(name, verdict=verdict) if name.verdict is not None else name
