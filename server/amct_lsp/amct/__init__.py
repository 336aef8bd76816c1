"""What AMCT's quantize_model does to a graph's tail: the rewrite model, its options, and the log reader.

The names below load on first use: `amct_lsp.amct.chain` (the chain types every layer above reads) must not
pull in the model reader and protobuf (start-up time).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from amct_lsp.lazy import lazy_exports

if TYPE_CHECKING:
    from amct_lsp.amct.chain import Evidence, Prediction, RenameChain, RenameStep, TailVerdict
    from amct_lsp.amct.driver import PASSES, predict
    from amct_lsp.amct.log import LogRename, log_chains, parse_log
    from amct_lsp.amct.names import NameAllocator
    from amct_lsp.amct.options import (
        ConfigError,
        QuantOptions,
        load_cfg,
        load_config,
        load_config_json,
        merge,
    )

_WHERE = {
    "PASSES": "driver",
    "ConfigError": "options",
    "Evidence": "chain",
    "LogRename": "log",
    "NameAllocator": "names",
    "Prediction": "chain",
    "QuantOptions": "options",
    "RenameChain": "chain",
    "RenameStep": "chain",
    "TailVerdict": "chain",
    "load_cfg": "options",
    "load_config": "options",
    "load_config_json": "options",
    "log_chains": "log",
    "merge": "options",
    "parse_log": "log",
    "predict": "driver",
}


__getattr__ = lazy_exports(__name__, _WHERE, globals())


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
