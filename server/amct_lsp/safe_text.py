"""Make names and paths safe to print: no terminal escapes, no forged lines, no invalid UTF-8.

Node names come from a model file and paths from the disk, so either can hold control characters (an ESC
that recolours or rewrites the terminal, a newline that forges an output line), bidirectional overrides, or
bytes that are not UTF-8 (a GBK file name from a Windows zip reaches Python as lone surrogates, which cannot
be written to a UTF-8 stream and make JSON invalid). Every text output goes through `escape_text`; JSON
outputs (where the encoder already escapes control characters) go through `escape_json`.
"""

from __future__ import annotations

import re

# C0 and C1 controls, DEL, lone surrogates, bidi embeddings/overrides/isolates, line/paragraph separators.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape_char(char: str) -> str:
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # os.fsdecode's stand-in for an undecodable byte: show the byte
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape_text(text: str, keep: str = "") -> str:
    """`text` with every unsafe character written as a backslash escape (`\\x1b`, `\\n`, `\\xb2`, `\\u202e`).

    Characters in `keep` are left alone (the GitHub format encodes newlines its own way)."""
    if keep:
        return _UNSAFE.sub(lambda m: m.group() if m.group() in keep else _escape_char(m.group()), text)
    return _UNSAFE.sub(lambda m: _escape_char(m.group()), text)


def escape_json(encoded: str) -> str:
    """JSON text (from `json.dumps(..., ensure_ascii=False)`) with lone surrogates made valid.

    They can only occur inside JSON strings, where each becomes the escaped text `\\\\xNN` (the string then
    holds `\\xNN`, as the text format shows it)."""
    return _SURROGATE.sub(lambda m: "\\" + _escape_char(m.group()), encoded)


def one_line(text: str) -> str:
    """A message on one line: runs of whitespace collapsed, then every unsafe character escaped."""
    return escape_text(" ".join(text.split()))


__all__ = ["escape_json", "escape_text", "one_line"]
