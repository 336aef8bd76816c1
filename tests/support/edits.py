"""Random edits of script text for the fuzz tests (hypothesis strategies), shared by the engine and LSP tests.

An edit replaces a span of the text (chosen by fractions of its length, so one strategy fits any text) with
a fragment that is likely to upset a parser or the name analysis: quotes, brackets, line breaks LSP and
Python disagree on, AMCT names, non-BMP characters.
"""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import strategies as st

FRAGMENTS = (
    "",
    "'",
    '"',
    "(",
    ")",
    "[",
    "]",
    ":",
    "\n",
    "\r\n",
    "\r",
    "\t",
    "    ",
    "\\",
    "#",
    "# amct: ignore",
    "'Add:0'",
    "'search_n_quant/search_n_quant_SEARCHN/Identity:0'",
    "calib_outputs=",
    "amct.quantize_model(",
    "def f(",
    "\u2028",
    "\x0c",
    "🙂",
    "网络",
)


@dataclass(frozen=True)
class Edit:
    """Replace text[start:end] (as fractions of the length) with `text`."""

    start: float
    length: int
    text: str

    def span(self, source: str) -> tuple[int, int]:
        start = min(int(self.start * len(source)), len(source))
        return start, min(start + self.length, len(source))

    def apply(self, source: str) -> str:
        start, end = self.span(source)
        return source[:start] + self.text + source[end:]


fragments = st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=3).map("".join)
edits = st.builds(
    Edit,
    start=st.floats(min_value=0, max_value=1, allow_nan=False),
    length=st.integers(min_value=0, max_value=12),
    text=fragments | st.text(max_size=6),
)
