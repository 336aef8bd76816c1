"""The one line rule and offset conversion every layer uses (amct_lsp.text)."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from amct_lsp.text import LineIndex, Position, lines_with_ends, split_lines

PIECES = st.sampled_from(["a", "é", "😀", "\r", "\n", "\r\n", "\f", "\u2028", "\x85"])
TEXT = st.lists(PIECES, max_size=30).map("".join)


@given(TEXT)
def test_lines_end_only_at_cr_lf_and_crlf(text: str) -> None:
    assert "".join(lines_with_ends(text)) == text
    assert lines_with_ends(text) == re.findall(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$", text)
    assert split_lines(text) == re.split(r"\r\n|\r|\n", text)
    index = LineIndex(text)
    assert [index.line(n) for n in range(len(split_lines(text)))] == split_lines(text)
    assert index.line_count == len(lines_with_ends(text))


@given(TEXT, st.integers(-2, 12), st.integers(-2, 12))
def test_offsets_and_positions_agree(text: str, line: int, character: int) -> None:
    index = LineIndex(text)
    offset = index.offset(Position(line, character))
    assert 0 <= offset <= len(text)
    assert index.offset(index.position(offset)) == offset
    lines = split_lines(text)
    if 0 <= line < len(lines):
        expected = sum(len(x) for x in lines_with_ends(text)[:line]) + min(
            max(character, 0), len(lines[line])
        )
        assert offset == expected


def test_examples() -> None:
    index = LineIndex("ab\r\ncd\re\n")
    assert index.starts == [0, 4, 7, 9]
    assert index.position(5) == Position(1, 1)
    assert index.offset(Position(0, 9)) == 2  # clamps before the line end, never inside "\r\n"
    assert index.offset(Position(7, 0)) == 9
    assert index.line(2) == "e" and index.line(3) == "" and index.line_count == 3


def _loaded_after_import(module: str) -> list[str]:
    code = (
        f"import sys, {module}; "
        "print(sorted(m for m in sys.modules if m.startswith(('amct_lsp', 'google', 'libcst'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return [m.strip(" '") for m in out.strip().strip("[]").split(",")]


def test_the_text_module_imports_nothing_of_the_project_or_protobuf() -> None:
    assert _loaded_after_import("amct_lsp.text") == ["amct_lsp", "amct_lsp.text"]


LIGHT = ["amct_lsp.check.findings", "amct_lsp.render.markdown"]


@pytest.mark.parametrize("module", LIGHT)
def test_finding_types_and_the_renderer_load_neither_protobuf_nor_libcst(module: str) -> None:
    """Start-up time: the server imports these at start; the reader and libcst load on the first check."""
    loaded = _loaded_after_import(module)
    assert module in loaded
    assert not [m for m in loaded if m.startswith(("google", "libcst", "amct_lsp.model", "amct_lsp.script"))]
