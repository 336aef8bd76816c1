"""Read frozen TensorFlow graphs into a small topology index (no TensorFlow, no weights kept)."""

from __future__ import annotations

from amct_lsp.model.cache import ModelCache
from amct_lsp.model.errors import (
    CorruptModel,
    EmptyModel,
    ModelError,
    ModelNotFound,
    ModelTooLarge,
    ModelUnreadable,
    UserError,
    WrongModelKind,
)
from amct_lsp.model.graph import NON_TAIL_OPS, ModelGraph, Node, split_input
from amct_lsp.model.reader import KEPT_ATTRS, read_model, read_model_bytes

__all__ = [
    "KEPT_ATTRS",
    "NON_TAIL_OPS",
    "CorruptModel",
    "EmptyModel",
    "ModelCache",
    "ModelError",
    "ModelGraph",
    "ModelNotFound",
    "ModelTooLarge",
    "ModelUnreadable",
    "Node",
    "UserError",
    "WrongModelKind",
    "read_model",
    "read_model_bytes",
    "split_input",
]
