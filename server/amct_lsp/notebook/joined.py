"""A notebook's code cells as one script, and the map between positions in that script and in each cell.

Jupyter runs the cells in order in one namespace, so the engine checks them as one script: the cells, each
made parseable (`magics.neutralise`), joined with one "\\n" between them. A cell keeps its lines and columns:
line `k` of cell `c` is line `first_line(c) + k` of the script, column unchanged. Everything that reports a
position in a cell (the CLI, diagnostics, hovers, code actions, and later completion and inlay hints) maps
through `NotebookScript` and nothing else.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from amct_lsp.notebook.magics import neutralise
from amct_lsp.text import NEWLINE, Position, Span, TextEdit, split_lines


@dataclass(frozen=True, slots=True)
class CellSlice:
    """Where one code cell lies in the joined script."""

    #: The cell's position in the notebook (0-based, every cell counted: markdown and raw ones too).
    index: int
    first_line: int
    line_count: int

    @property
    def end_line(self) -> int:
        """The script line just after the cell (its separator line end is on its last line)."""
        return self.first_line + self.line_count


@dataclass(frozen=True, slots=True)
class NotebookScript:
    """The joined script of a notebook's code cells and the position map."""

    source: str
    cells: tuple[CellSlice, ...]

    def cell(self, index: int) -> CellSlice | None:
        """The slice of the notebook's cell `index`; None when it is not a code cell of the script."""
        return next((c for c in self.cells if c.index == index), None)

    def locate(self, pos: Position) -> tuple[CellSlice, Position] | None:
        """The cell holding a script position and the position in that cell (None outside every cell)."""
        for cell in self.cells:
            if cell.first_line <= pos.line < cell.end_line:
                return cell, Position(pos.line - cell.first_line, pos.character)
        return None

    def to_cell_span(self, span: Span) -> tuple[CellSlice, Span] | None:
        """A script span in the cell where it starts; an end past that cell clamps to the cell's end."""
        found = self.locate(span.start)
        if found is None:
            return None
        cell, start = found
        end_line = span.end.line - cell.first_line
        if end_line >= cell.line_count:
            last = split_lines(self.source)[cell.end_line - 1] if cell.line_count else ""
            return cell, Span(start, Position(cell.line_count - 1, len(last)))
        return cell, Span(start, Position(end_line, span.end.character))

    def to_script(self, index: int, pos: Position) -> Position | None:
        """A position in the notebook's cell `index` as a script position (None for a cell not in the
        script); a line past the cell's end clamps to its last line."""
        cell = self.cell(index)
        if cell is None:
            return None
        line = min(max(pos.line, 0), max(cell.line_count - 1, 0))
        return Position(cell.first_line + line, pos.character)

    def cell_edits(self, edits: Iterable[TextEdit]) -> dict[int, list[TextEdit]]:
        """Script edits by notebook cell index, in cell positions; an edit that crosses cells is dropped (no
        fix of ours does: each edit replaces a literal or inserts at one place)."""
        out: dict[int, list[TextEdit]] = {}
        for edit in edits:
            start = self.locate(edit.span.start)
            end = self.locate(edit.span.end)
            if start is None or end is None or start[0] != end[0]:
                continue
            out.setdefault(start[0].index, []).append(TextEdit(Span(start[1], end[1]), edit.new_text))
        return out

    def neutralised_again(self, text: str) -> str:
        """`text` — this script edited within its lines (a string closed, brackets closed at the cursor for
        completion) — with each cell's IPython lines neutralised again: an unclosed bracket hid the magic
        lines below it from `neutralise`, and a repair that closes it would leave them as they are. Lines
        past the script's end belong to the last cell; a text with fewer lines comes back unchanged."""
        pieces = NEWLINE.split(text)
        ends = [*NEWLINE.findall(text), ""]
        if not self.cells or len(pieces) < self.cells[-1].end_line:
            return text
        bodies = []
        for k, cell in enumerate(self.cells):
            last = k == len(self.cells) - 1
            stop = len(pieces) if last else cell.end_line
            body = "".join(
                pieces[i] + (ends[i] if last or i < stop - 1 else "") for i in range(cell.first_line, stop)
            )
            bodies.append(neutralise(body))
        return "\n".join(bodies)


def join_cells(cells: Sequence[tuple[int, str]]) -> NotebookScript:
    """The script of `(notebook index, source)` code cells in notebook order."""
    parts: list[str] = []
    slices: list[CellSlice] = []
    line = 0
    for index, source in cells:
        count = len(split_lines(source))
        slices.append(CellSlice(index, line, count))
        parts.append(neutralise(source))
        line += count
    return NotebookScript("\n".join(parts), tuple(slices))


__all__ = ["CellSlice", "NotebookScript", "join_cells"]
