"""The AMCT and TensorFlow APIs the walk recognises, and the limits that keep it fast on any script."""

from __future__ import annotations

AMCT_MODULE = "amct_tensorflow"

#: Positional parameters of the AMCT APIs we read arguments of.
AMCT_SIGNATURES: dict[str, tuple[str, ...]] = {
    "create_quant_config": (
        "config_file",
        "graph",
        "skip_layers",
        "batch_num",
        "activation_offset",
        "config_defination",
    ),
    "quantize_model": ("graph", "config_file", "record_file", "calib_outputs"),
    "quantize_model_ascend": ("graph", "config_file", "record_file", "calib_outputs"),
    "save_model": ("pb_model", "outputs", "record_file", "save_path"),
    "create_quant_retrain_config": ("config_file", "graph", "config_defination"),
    "create_quant_retrain_model": ("graph", "config_file", "record_file"),
    "save_quant_retrain_model": ("pb_model", "outputs", "record_file", "save_path"),
}

QUANTIZE_APIS = frozenset({"quantize_model", "quantize_model_ascend"})

MODEL_SUFFIXES = (".pb", ".pbtxt")

LOADERS = frozenset({"GFile", "FastGFile", "Open", "open"})

SESSIONS = frozenset({"Session", "InteractiveSession"})

MAX_INLINE_DEPTH = 12

#: At most this many nested `if`s whose branches differ in whether quantize_model ran are followed apart.
MAX_SPLITS = 4

MAX_ACTIVATIONS = 4000
