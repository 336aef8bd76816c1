"""Issue 12 item 4 over stdio: completion, inlay hints and code lenses in notebook cells — the notebook's
analysis of its joined cells, positions mapped into the cell and back, fixes applied to that cell only, at
the notebook's version."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from lsp_helpers import SEED, pos, start_session
from lsprotocol import types
from test_completion import complete, ranked, vscode_like
from test_notebooks import NEW, STALE_CELL, Notebook, notebook_caps

from support.notebooks import SEED_CELLS

STALE_LINE = 2  # `    output_tensor = graph.get_tensor_by_name('Add:0')` in the stale cell
APPLY_FIX = "amct-lsp.applyFix"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    folder = tmp_path / "notebooks"
    folder.mkdir()
    shutil.copytree(SEED / "pb_model", folder / "pb_model")
    return folder / "flow.ipynb"


def caps() -> types.ClientCapabilities:
    out = vscode_like()
    out.notebook_document = notebook_caps().notebook_document
    return out


async def cell_hints(s: object, uri: str) -> list[types.InlayHint]:
    rng = types.Range(start=pos(0, 0), end=pos(100, 0))
    result = await s.client.text_document_inlay_hint_async(  # type: ignore[attr-defined]
        types.InlayHintParams(text_document=types.TextDocumentIdentifier(uri=uri), range=rng)
    )
    return list(result or [])


async def test_completion_in_a_cell_ranks_the_new_name_first(project: Path) -> None:
    """The name being typed in a cell after quantize_model's cell (the string not closed yet: the joined
    script is repaired, not the cell alone): the new name first, the edit's range in the cell."""
    async with start_session(caps=caps(), root=project.parent.parent) as s:
        nb = Notebook(s, project, list(SEED_CELLS))
        cell_uri = nb.uris[STALE_CELL]
        await s.wait_published(cell_uri)
        lines = nb.texts[STALE_CELL].splitlines()
        typed = lines[STALE_LINE].replace("'Add:0')", "'Ad")
        nb.edit_cell(STALE_CELL, "\n".join([*lines[:STALE_LINE], typed, *lines[STALE_LINE + 1 :]]))
        items = ranked(await complete(s, cell_uri, STALE_LINE, len(typed)))
        assert items[0].label == NEW, [i.label for i in items]
        assert items[0].preselect is True
        edit = items[0].text_edit
        assert isinstance(edit, types.InsertReplaceEdit)
        start = typed.index("'Ad") + 1
        assert edit.insert == types.Range(start=pos(STALE_LINE, start), end=pos(STALE_LINE, len(typed)))
        stale = next(i for i in items if i.label == "Add:0")
        assert list(stale.tags or ()) == [types.CompletionItemTag.Deprecated]
        # Another cell (before quantize_model's) has its own slot and phase: the old name is right there.
        nb.edit_cell(STALE_CELL, SEED_CELLS[STALE_CELL][1])
        cell_2 = nb.texts[2].splitlines()
        nb.edit_cell(2, nb.texts[2] + "x = graph.get_tensor_by_name('Ad")
        before = ranked(await complete(s, nb.uris[2], len(cell_2), len("x = graph.get_tensor_by_name('Ad")))
        assert before[0].label == "Add:0", [i.label for i in before]


async def test_no_completion_outside_a_name_string_in_a_cell(project: Path) -> None:
    async with start_session(caps=caps(), root=project.parent.parent) as s:
        nb = Notebook(s, project, list(SEED_CELLS))
        await s.wait_published(nb.uris[STALE_CELL])
        assert await complete(s, nb.uris[STALE_CELL], 1, 4) is None
