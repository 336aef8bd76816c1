"""Notebook document sync (LSP 3.17) over stdio with the real server: a Jupyter notebook's Python cells are
checked as one script, diagnostics land in the cell they belong to, hovers and fixes work in cells, and the
model is found from the notebook's folder."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from lsp_helpers import SEED, Session, apply_text_edits, capabilities, codes, pos, start_session, uri_of
from lsprotocol import types

from support.notebooks import SEED_CELLS

NEW = "search_n_quant/search_n_quant_SEARCHN/Identity:0"
STALE_CELL = 5  # the %%time cell that runs 'Add:0' (0-based among all cells; markdown ones count)


def notebook_caps(*, pull: bool = False) -> types.ClientCapabilities:
    caps = capabilities(pull=pull)
    caps.notebook_document = types.NotebookDocumentClientCapabilities(
        synchronization=types.NotebookDocumentSyncClientCapabilities()
    )
    return caps


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A notebook path in a sub-folder, the seed model next to it (the workspace root is one level up)."""
    folder = tmp_path / "notebooks"
    folder.mkdir()
    shutil.copytree(SEED / "pb_model", folder / "pb_model")
    return folder / "flow.ipynb"


class Notebook:
    """The client's side of one open notebook: cell URIs, texts and versions."""

    def __init__(self, session: Session, path: Path, cells: list[tuple[str, str]]) -> None:
        self.s = session
        self.uri = uri_of(path)
        self.version = 1
        self.kinds = [kind for kind, _ in cells]
        self.texts = [text for _, text in cells]
        self.uris = [f"vscode-notebook-cell:{path}#cell{i}" for i in range(len(cells))]
        self.cell_versions = [1] * len(cells)
        session.client.notebook_document_did_open(
            types.DidOpenNotebookDocumentParams(
                notebook_document=types.NotebookDocument(
                    uri=self.uri,
                    notebook_type="jupyter-notebook",
                    version=1,
                    cells=[self._cell(i) for i in range(len(cells))],
                ),
                cell_text_documents=[self._item(i) for i in range(len(cells))],
            )
        )

    def _cell(self, i: int) -> types.NotebookCell:
        kind = types.NotebookCellKind.Code if self.kinds[i] == "code" else types.NotebookCellKind.Markup
        return types.NotebookCell(kind=kind, document=self.uris[i])

    def _item(self, i: int) -> types.TextDocumentItem:
        language = "python" if self.kinds[i] == "code" else "markdown"
        return types.TextDocumentItem(
            uri=self.uris[i], language_id=language, version=self.cell_versions[i], text=self.texts[i]
        )

    def _identifier(self) -> types.VersionedNotebookDocumentIdentifier:
        return types.VersionedNotebookDocumentIdentifier(version=self.version, uri=self.uri)

    def edit_cell(self, i: int, text: str) -> None:
        self.version += 1
        self.cell_versions[i] += 1
        self.texts[i] = text
        self.s.client.notebook_document_did_change(
            types.DidChangeNotebookDocumentParams(
                notebook_document=self._identifier(),
                change=types.NotebookDocumentChangeEvent(
                    cells=types.NotebookDocumentCellChanges(
                        text_content=[
                            types.NotebookDocumentCellContentChanges(
                                document=types.VersionedTextDocumentIdentifier(
                                    uri=self.uris[i], version=self.cell_versions[i]
                                ),
                                changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
                            )
                        ]
                    )
                ),
            )
        )

    def remove_cell(self, i: int) -> None:
        self.version += 1
        gone = self.uris.pop(i)
        self.kinds.pop(i)
        self.texts.pop(i)
        self.cell_versions.pop(i)
        self.s.client.notebook_document_did_change(
            types.DidChangeNotebookDocumentParams(
                notebook_document=self._identifier(),
                change=types.NotebookDocumentChangeEvent(
                    cells=types.NotebookDocumentCellChanges(
                        structure=types.NotebookDocumentCellChangeStructure(
                            array=types.NotebookCellArrayChange(start=i, delete_count=1, cells=[]),
                            did_close=[types.TextDocumentIdentifier(uri=gone)],
                        )
                    )
                ),
            )
        )

    def close(self) -> None:
        self.s.client.notebook_document_did_close(
            types.DidCloseNotebookDocumentParams(
                notebook_document=types.NotebookDocumentIdentifier(uri=self.uri),
                cell_text_documents=[types.TextDocumentIdentifier(uri=u) for u in self.uris],
            )
        )


def text_edits(change: types.TextDocumentEdit) -> list[types.TextEdit]:
    return [e for e in change.edits if isinstance(e, types.TextEdit)]


def edited_uris(edit: types.WorkspaceEdit) -> list[str]:
    changes = edit.document_changes or []
    return [c.text_document.uri for c in changes if isinstance(c, types.TextDocumentEdit)]


def _has(code: str) -> Callable[[types.PublishDiagnosticsParams], bool]:
    return lambda p: code in codes(p.diagnostics)


async def test_the_server_advertises_notebook_sync_for_python_cells(project: Path) -> None:
    async with start_session(caps=notebook_caps(), root=project.parent.parent) as s:
        sync = s.init.capabilities.notebook_document_sync
        assert isinstance(sync, types.NotebookDocumentSyncOptions)
        (selector,) = sync.notebook_selector
        assert isinstance(selector, types.NotebookDocumentFilterWithNotebook)
        assert selector.notebook == "jupyter-notebook"
        assert [c.language for c in selector.cells or []] == ["python"]


@pytest.mark.parametrize("pull", [False, True])
async def test_diagnostics_land_in_the_cell_and_clear_when_fixed(project: Path, pull: bool) -> None:
    async with start_session(caps=notebook_caps(pull=pull), root=project.parent.parent) as s:
        nb = Notebook(s, project, list(SEED_CELLS))
        cell_uri = nb.uris[STALE_CELL]
        published = await s.wait_published(cell_uri, where=_has("AMCT001"))
        assert published.version == 1  # the cell's own version
        (diag,) = published.diagnostics
        # Line 2 of the cell (after the %%time line), on the literal 'Add:0'.
        assert diag.range == types.Range(start=pos(2, 45), end=pos(2, 52))
        line = nb.texts[STALE_CELL].splitlines()[2]
        assert line[45:52] == "'Add:0'"
        # Every other Python cell was told it has nothing (so an older squiggle would go away).
        for i in (1, 2, 3, 6):
            assert list((await s.wait_published(nb.uris[i])).diagnostics) == []
        # Pulling a cell answers nothing: its diagnostics are pushed (vscode-languageclient never pulls
        # notebook cells).
        if pull:
            assert await s.diagnostics(cell_uri) == []

        # Hover on the name, in the cell: the chain, with a range in the cell.
        hover = await s.hover(cell_uri, 2, 48)
        assert hover is not None and isinstance(hover.contents, types.MarkupContent)
        assert "replace_add_pass" in hover.contents.value and NEW in hover.contents.value
        assert hover.range == diag.range
        assert "case_1_1.pb" in hover.contents.value  # found from the notebook's folder

        # The quick fix edits this cell, at its version.
        actions = await s.code_actions(cell_uri, [diag], only=[types.CodeActionKind.QuickFix])
        preferred = next(a for a in actions if a.is_preferred)
        assert preferred.edit is not None and preferred.edit.document_changes
        (change,) = preferred.edit.document_changes
        assert isinstance(change, types.TextDocumentEdit)
        assert change.text_document.uri == cell_uri and change.text_document.version == 1
        fixed = apply_text_edits(nb.texts[STALE_CELL], text_edits(change))
        assert f"get_tensor_by_name('{NEW}')" in fixed
        count = len(s.rec.published)
        nb.edit_cell(STALE_CELL, fixed)
        cleared = await s.wait_published(cell_uri, version=2, after=count)
        assert list(cleared.diagnostics) == []


async def test_fix_all_and_ignore_comments_in_cells(project: Path) -> None:
    async with start_session(caps=notebook_caps(), root=project.parent.parent) as s:
        nb = Notebook(s, project, list(SEED_CELLS))
        cell_uri = nb.uris[STALE_CELL]
        (diag,) = (await s.wait_published(cell_uri, where=_has("AMCT001"))).diagnostics
        actions = await s.code_actions(cell_uri, [diag])
        titles = [a.title for a in actions]
        assert "amct: fix all stale output names" in titles
        # The rename-proof route edits the quantize_model call (cell 3) and the run (cell 5): one edit each.
        route = next(a for a in actions if "calib_outputs" in a.title)
        assert route.edit is not None and route.edit.document_changes
        assert edited_uris(route.edit) == [nb.uris[3], nb.uris[STALE_CELL]]
        ignore = next(a for a in actions if a.title.startswith("Ignore AMCT001"))
        assert ignore.edit is not None and ignore.edit.document_changes
        (change,) = ignore.edit.document_changes
        assert isinstance(change, types.TextDocumentEdit) and change.text_document.uri == cell_uri
        text = apply_text_edits(nb.texts[STALE_CELL], text_edits(change))
        assert "# amct: ignore[AMCT001]" in text.splitlines()[2]
        # The server's own fix-all command applies the notebook's fixes in its cells.
        count = len(s.rec.applied)
        applied = await s.client.workspace_execute_command_async(
            types.ExecuteCommandParams(command="amct-lsp.applyAllFixes", arguments=[cell_uri])
        )
        assert applied is True
        (edit,) = s.rec.applied[count:]
        assert edited_uris(edit) == [cell_uri]


async def test_cells_are_one_script_in_order(project: Path) -> None:
    """A name defined in one cell and used in a later one is followed; a removed cell's squiggles go."""
    cells = [
        ("code", "import tensorflow as tf\nimport amct_tensorflow as amct\n%load_ext autoreload\n"),
        ("code", "out = 'Add:0'\n!ls\n"),
        ("code", SEED_CELLS[2][1]),
        ("code", SEED_CELLS[3][1]),
        ("code", "with tf.Session() as sess:\n    sess.run(graph.get_tensor_by_name(out))\n"),
    ]
    async with start_session(caps=notebook_caps(), root=project.parent.parent) as s:
        nb = Notebook(s, project, cells)
        published = await s.wait_published(nb.uris[1], where=_has("AMCT001"))
        (diag,) = published.diagnostics
        assert diag.range == types.Range(start=pos(0, 6), end=pos(0, 13))
        related = diag.related_information or []
        assert any(r.location.uri == nb.uris[4] for r in related), related  # the use, in the later cell
        removed = nb.uris[1]
        count = len(s.rec.published)
        nb.remove_cell(1)  # the definition goes: the run's variable is now unknown
        await s.wait_published(removed, after=count, where=lambda p: not p.diagnostics)
        nb.close()
        await s.wait_until(
            lambda: any(p.uri == nb.uris[3] and not p.diagnostics for p in s.rec.published[count:])
        )


async def test_a_notebook_without_notebook_sync_is_left_to_the_client(project: Path) -> None:
    """A client that does not speak notebook sync gets no notebookDocumentSync (pygls advertises it only to
    clients that say they can)."""
    async with start_session(caps=capabilities(), root=project.parent.parent) as s:
        assert s.init.capabilities.notebook_document_sync is None


async def test_positions_in_cells_count_utf16_units(project: Path) -> None:
    """A character outside the BMP before the name is two UTF-16 units in the cell, one code point in the
    engine: the diagnostic, the hover and the fix all land on the name."""
    cells = list(SEED_CELLS)
    kind, text = cells[STALE_CELL]
    cells[STALE_CELL] = (kind, text.replace("output_tensor = ", "tag = '😀'; output_tensor = "))
    async with start_session(caps=notebook_caps(), root=project.parent.parent) as s:
        nb = Notebook(s, project, cells)
        cell_uri = nb.uris[STALE_CELL]
        (diag,) = (await s.wait_published(cell_uri, where=_has("AMCT001"))).diagnostics
        line = nb.texts[STALE_CELL].splitlines()[2]
        column = line.index("'Add:0'")
        assert diag.range == types.Range(start=pos(2, column + 1), end=pos(2, column + 8))
        hover = await s.hover(cell_uri, 2, column + 3)
        assert hover is not None and hover.range == diag.range
        actions = await s.code_actions(cell_uri, [diag], only=[types.CodeActionKind.QuickFix])
        preferred = next(a for a in actions if a.is_preferred)
        assert preferred.edit is not None and preferred.edit.document_changes
        (change,) = preferred.edit.document_changes
        assert isinstance(change, types.TextDocumentEdit)
        fixed = apply_text_edits(nb.texts[STALE_CELL], text_edits(change))
        assert f"tag = '😀'; output_tensor = graph.get_tensor_by_name('{NEW}')" in fixed


async def test_saving_the_notebook_checks_again(tmp_path: Path) -> None:
    """The model appears next to the notebook after it was opened (a run wrote it): didSave re-checks."""
    folder = tmp_path / "notebooks"
    folder.mkdir()
    path = folder / "flow.ipynb"
    async with start_session(caps=notebook_caps(), root=tmp_path) as s:
        nb = Notebook(s, path, list(SEED_CELLS))
        missing = await s.wait_published(nb.uris[2], where=_has("AMCT004"))  # the model path's cell
        assert "case_1_1.pb" in missing.diagnostics[0].message
        shutil.copytree(SEED / "pb_model", folder / "pb_model")
        count = len(s.rec.published)
        s.client.notebook_document_did_save(
            types.DidSaveNotebookDocumentParams(
                notebook_document=types.NotebookDocumentIdentifier(uri=nb.uri)
            )
        )
        await s.wait_published(nb.uris[STALE_CELL], after=count, where=_has("AMCT001"))
        cleared = await s.wait_published(nb.uris[2], after=count)
        assert "AMCT004" not in codes(cleared.diagnostics)
