"""Issue 12 item 4 over stdio: completion, inlay hints and code lenses in notebook cells — the notebook's
analysis of its joined cells, positions mapped into the cell and back, fixes applied to that cell only, at
the notebook's version."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from lsp_helpers import SEED, Session, apply_text_edits, capabilities, edits_of, pos, start_session
from lsprotocol import types
from test_code_lens import lenses, titles
from test_completion import complete, ranked, vscode_like
from test_inlay_hints import execute, hints, part
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


async def cell_hints(s: Session, uri: str) -> list[types.InlayHint]:
    return await hints(s, uri, types.Range(start=pos(0, 0), end=pos(100, 0)))


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


async def test_an_inlay_hint_in_the_cell_applies_the_fix_to_that_cell_only(project: Path) -> None:
    async with start_session(caps=caps(), root=project.parent.parent) as s:
        nb = Notebook(s, project, list(SEED_CELLS))
        cell_uri = nb.uris[STALE_CELL]
        await s.wait_published(cell_uri)
        text = nb.texts[STALE_CELL]
        line = text.splitlines()[STALE_LINE]
        column = line.index("'Add:0'")
        (hint,) = await cell_hints(s, cell_uri)
        assert hint.position == pos(STALE_LINE, column + len("'Add:0'"))  # cell-relative
        label = part(hint)
        assert label.value == "→ search_n_quant/…/Identity:0"
        assert label.command is not None and label.command.command == APPLY_FIX
        arguments = list(label.command.arguments or ())
        assert arguments[0] == cell_uri and arguments[2:] == [STALE_LINE, column, "AMCT001"]
        # The other cells have no hint: the stale string is in this one (quantize_model's cell included).
        for i in (1, 2, 3, 6):
            assert await cell_hints(s, nb.uris[i]) == []
        # A range of the cell that ends before the string gets nothing.
        early = types.Range(start=pos(0, 0), end=pos(STALE_LINE, column))
        assert await hints(s, cell_uri, early) == []

        assert await execute(s, label.command) is True
        (applied,) = s.rec.applied
        assert [c.text_document.uri for c in applied.document_changes or []] == [cell_uri]
        edits, version = edits_of(applied, cell_uri)
        assert version == 1  # the cell's own version
        fixed = apply_text_edits(text, edits)
        assert fixed.splitlines()[STALE_LINE] == f"    output_tensor = graph.get_tensor_by_name('{NEW}')"
        assert fixed.splitlines()[:STALE_LINE] == text.splitlines()[:STALE_LINE]
        nb.edit_cell(STALE_CELL, fixed)
        assert await cell_hints(s, cell_uri) == []


async def test_a_cell_hint_is_refused_for_another_notebook_version(project: Path) -> None:
    """Another cell changed after the hint was shown: the notebook's version moved on, nothing is applied;
    the new hint (same cell text) applies. Forged positions apply nothing."""
    async with start_session(caps=caps(), root=project.parent.parent) as s:
        nb = Notebook(s, project, list(SEED_CELLS))
        cell_uri = nb.uris[STALE_CELL]
        await s.wait_published(cell_uri)
        (old,) = await cell_hints(s, cell_uri)
        command = part(old).command
        assert command is not None
        nb.edit_cell(1, nb.texts[1] + "# a note\n")
        (new,) = await cell_hints(s, cell_uri)
        new_command = part(new).command
        assert new_command is not None and new_command.arguments != command.arguments
        assert await execute(s, command) is False
        assert s.rec.applied == []
        arguments = list(new_command.arguments or ())
        for forged in ([*arguments[:2], 40, 0, "AMCT001"], [*arguments[:2], 0, 0, "AMCT001"]):
            assert await execute(s, types.Command(title="", command=APPLY_FIX, arguments=forged)) is False
        assert s.rec.applied == []
        assert await execute(s, new_command) is True
        assert len(s.rec.applied) == 1


async def test_the_code_lens_is_on_the_quantize_model_call_in_its_cell(project: Path) -> None:
    async with start_session(caps=caps(), root=project.parent.parent) as s:
        nb = Notebook(s, project, list(SEED_CELLS))
        await s.wait_published(nb.uris[STALE_CELL])
        count, explain = await lenses(s, nb.uris[3])
        assert titles([count, explain]) == [(1, "renames 1 output"), (1, "Explain")]  # line 1 of cell 3
        assert count.range.start.character == 0
        for i in (1, 2, STALE_CELL, 6):
            assert await lenses(s, nb.uris[i]) == []
        assert count.command is not None
        assert list(count.command.arguments or ()) == [nb.uris[3], "quantize_model"]
        shown = await execute(s, count.command)
        assert isinstance(shown, str) and shown.startswith("quantize_model renames 1 output of case_1_1.pb")
        assert explain.command is not None
        report = await execute(s, explain.command)
        assert isinstance(report, str) and "case_1_1.pb" in report


async def test_completion_while_typing_above_a_magic_line_of_the_cell(project: Path) -> None:
    """The open bracket of the string being typed hid the `%timeit` line below from the magic filter: the
    repaired joined script is filtered again, so the name still completes."""
    async with start_session(caps=caps(), root=project.parent.parent) as s:
        nb = Notebook(s, project, list(SEED_CELLS))
        cell_uri = nb.uris[STALE_CELL]
        await s.wait_published(cell_uri)
        typed = "    out = graph.get_tensor_by_name('Ad"
        text = f"with tf.Session() as sess:\n{typed}\n    %timeit sess.run(out)\n    sess.run(out)\n"
        nb.edit_cell(STALE_CELL, text)
        items = ranked(await complete(s, cell_uri, 1, len(typed)))
        assert items[0].label == NEW, [i.label for i in items]


async def test_hints_and_lenses_refresh_when_the_model_appears_next_to_the_notebook(tmp_path: Path) -> None:
    """Opened before the model was there: no hint. Saved after a run wrote it: the notebook is checked again
    at the same version, and the client is asked to fetch the cells' hints and lenses again."""
    folder = tmp_path / "notebooks"
    folder.mkdir()
    out = capabilities(view_refresh=True)
    out.notebook_document = notebook_caps().notebook_document
    async with start_session(caps=out, root=tmp_path) as s:
        nb = Notebook(s, folder / "flow.ipynb", list(SEED_CELLS))
        cell_uri = nb.uris[STALE_CELL]
        await s.wait_published(nb.uris[2], where=lambda p: bool(p.diagnostics))  # AMCT004: no model
        assert await cell_hints(s, cell_uri) == []
        s.rec.refreshes.clear()
        shutil.copytree(SEED / "pb_model", folder / "pb_model")
        s.client.notebook_document_did_save(
            types.DidSaveNotebookDocumentParams(
                notebook_document=types.NotebookDocumentIdentifier(uri=nb.uri)
            )
        )
        await s.wait_until(lambda: types.WORKSPACE_INLAY_HINT_REFRESH in s.rec.refreshes)
        await s.wait_until(lambda: types.WORKSPACE_CODE_LENS_REFRESH in s.rec.refreshes)
        (hint,) = await cell_hints(s, cell_uri)
        assert hint.position.line == STALE_LINE


async def test_cell_hint_positions_count_utf16_units(project: Path) -> None:
    """A character outside the BMP before the name: the hint sits after the string in UTF-16 units, the click
    (cell position in code points) still finds the finding and writes the new name in the right place."""
    cells = list(SEED_CELLS)
    kind, text = cells[STALE_CELL]
    text = text.replace("output_tensor = ", "tag = '😀'; output_tensor = ")
    cells[STALE_CELL] = (kind, text)
    async with start_session(caps=caps(), root=project.parent.parent) as s:
        nb = Notebook(s, project, cells)
        cell_uri = nb.uris[STALE_CELL]
        await s.wait_published(cell_uri)
        column = text.splitlines()[STALE_LINE].index("'Add:0'")  # code points
        (hint,) = await cell_hints(s, cell_uri)
        assert hint.position == pos(STALE_LINE, column + 1 + len("'Add:0'"))
        command = part(hint).command
        assert command is not None and list(command.arguments or ())[2:4] == [STALE_LINE, column]
        assert await execute(s, command) is True
        edits, _ = edits_of(s.rec.applied[0], cell_uri)
        fixed = apply_text_edits(text, edits)
        assert f"tag = '😀'; output_tensor = graph.get_tensor_by_name('{NEW}')" in fixed


async def test_completion_in_a_new_line_while_another_cell_is_half_typed(project: Path) -> None:
    """Another cell does not parse (a call being typed) and the cursor is on a line no earlier text had: the
    line Python blames is set aside for the completion's analysis, so the name still completes."""
    async with start_session(caps=caps(), root=project.parent.parent) as s:
        nb = Notebook(s, project, list(SEED_CELLS))
        cell_uri = nb.uris[STALE_CELL]
        await s.wait_published(cell_uri)
        nb.edit_cell(6, nb.texts[6] + "\nprint(\n")
        await s.wait_published(cell_uri)
        typed = "    again = graph.get_tensor_by_name('Ad"
        lines = nb.texts[STALE_CELL].splitlines()
        nb.edit_cell(STALE_CELL, "\n".join([*lines[:STALE_LINE], typed, *lines[STALE_LINE:]]))
        items = ranked(await complete(s, cell_uri, STALE_LINE, len(typed)))
        assert items[0].label == NEW, [i.label for i in items]
