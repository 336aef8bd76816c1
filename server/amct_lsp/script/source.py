"""Read and write scripts byte-faithfully: BOM, PEP 263 coding cookies, CRLF, and bytes that do not decode."""

from __future__ import annotations

import io
import os
import tokenize
from dataclasses import dataclass

from amct_lsp.fileio import MAX_SCRIPT_BYTES, read_regular


class ScriptDecodeError(Exception):
    """The file's bytes are not text in its declared encoding; `line`/`column` are 0-based."""

    def __init__(self, message: str, line: int = 0, column: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


@dataclass(frozen=True, slots=True)
class ScriptText:
    text: str  # decoded, newlines untouched, BOM removed
    encoding: str  # Python codec name used to decode ("utf-8", "gbk", ...)
    bom: bool  # the file starts with a UTF-8 BOM

    def encode(self, text: str) -> bytes:
        """Bytes for `text` in the file's own encoding (BOM kept)."""
        return (b"\xef\xbb\xbf" if self.bom else b"") + text.encode(self.encoding)


def decode_script(data: bytes) -> ScriptText:
    """Decode a Python file's bytes the way Python would (BOM, then a coding cookie, else UTF-8)."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as err:
        raise ScriptDecodeError(f"The file's encoding cannot be used: {err.msg}.") from None
    bom = encoding == "utf-8-sig"
    codec = "utf-8" if bom else encoding
    body = data[3:] if bom else data
    try:
        text = body.decode(codec)
    except UnicodeDecodeError as err:
        before = body[: err.start]
        line = before.count(b"\n")
        line_start = before.rfind(b"\n") + 1
        column = len(before[line_start:].decode(codec, errors="replace"))
        bad = body[err.start : err.start + 1].hex()
        raise ScriptDecodeError(
            f"The file is not valid {codec} text: byte 0x{bad} at line {line + 1}, column {column + 1} "
            f"cannot be decoded ({err.reason}).",
            line,
            column,
        ) from None
    except LookupError:
        raise ScriptDecodeError(f"The file declares an unknown encoding '{encoding}'.") from None
    return ScriptText(text, codec, bom)


def read_script(path: str | os.PathLike[str]) -> ScriptText:
    """Read and decode a script; OSError propagates (also for a FIFO, a device or a file above
    MAX_SCRIPT_BYTES, see fileio), bad bytes raise ScriptDecodeError."""
    return decode_script(read_regular(path, MAX_SCRIPT_BYTES))
