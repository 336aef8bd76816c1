"""What AMCT's quantize_model does to a graph's tail: the rewrite model, its options, and the log reader."""

from __future__ import annotations

from amct_lsp.amct.chain import Evidence, Prediction, RenameChain, RenameStep, TailVerdict
from amct_lsp.amct.driver import PASSES, predict
from amct_lsp.amct.log import LogRename, log_chains, parse_log
from amct_lsp.amct.names import NameAllocator
from amct_lsp.amct.options import ConfigError, QuantOptions, load_cfg, load_config, load_config_json, merge

__all__ = [
    "PASSES",
    "ConfigError",
    "Evidence",
    "LogRename",
    "NameAllocator",
    "Prediction",
    "QuantOptions",
    "RenameChain",
    "RenameStep",
    "TailVerdict",
    "load_cfg",
    "load_config",
    "load_config_json",
    "log_chains",
    "merge",
    "parse_log",
    "predict",
]
