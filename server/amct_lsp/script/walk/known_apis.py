"""The module the walk recognises as AMCT, the model file suffixes, and the limits that keep the walk fast on
any script. (What each API does is in `handlers/`.)"""

from __future__ import annotations

AMCT_MODULE = "amct_tensorflow"

MODEL_SUFFIXES = (".pb", ".pbtxt")

#: At most this many calls of the script's own functions inside one another.
MAX_INLINE_DEPTH = 12

#: At most this many nested `if`s whose branches differ in whether quantize_model ran are followed apart.
MAX_SPLITS = 4

#: At most this many walks into the script's own functions in all.
MAX_ACTIVATIONS = 4000
