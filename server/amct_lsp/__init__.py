"""amct-lsp: predict AMCT's output-node renames and flag stale names in quantization scripts."""

__version__ = "0.1.0"
