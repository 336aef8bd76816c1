"""Whether a model file is text, from its first bytes, without loading the text reader (start-up time).

`text_reader` compiles a dozen regexes and, at its first block, imports protobuf; a binary model needs
neither. `NotText` and `FREEZE_ADVICE` live here too, so that the binary path names them without importing it.
"""

from __future__ import annotations

import codecs
import re

FREEZE_ADVICE = (
    "freeze it to a GraphDef (e.g. convert_variables_to_constants_v2, then tf.io.write_graph) "
    "or point amct-lsp at the frozen .pb"
)

#: Control characters no text proto holds.
NOT_TEXT = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


class NotText(Exception):
    """The data stops being text at byte `offset` (not UTF-8, or a control character)."""

    def __init__(self, offset: int) -> None:
        super().__init__(offset)
        self.offset = offset


def looks_like_text(head: bytes) -> bool:
    """Text protos are UTF-8 without control characters; a binary GraphDef has tags like 0x12 at once."""
    decoder = codecs.getincrementaldecoder("utf-8")(errors="strict")
    try:
        text = decoder.decode(head.removeprefix(b"\xef\xbb\xbf"), final=False)  # a cut last character is fine
    except UnicodeDecodeError:
        return False
    return bool(text.strip()) and not NOT_TEXT.search(text)


__all__ = ["FREEZE_ADVICE", "NOT_TEXT", "NotText", "looks_like_text"]
