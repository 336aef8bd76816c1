"""Notebook documents (LSP 3.17): a notebook's Python cells, in order, are one script to the engine.

pygls keeps the notebook (`workspace.notebook_documents`) and each cell as a text document. A `NotebookView`
is the notebook at one moment: its Python code cells (URI, version, text) and the joined script with its
position map (`amct_lsp.notebook.NotebookScript`). The analysis runs on the joined script under the notebook's
URI; every feature that answers for a cell goes through the view:

- `script_position(cell_uri, position)` — a client position in a cell → a code-point position in the script
  (hover, completion, inlay hints);
- `cell_range(span)` — a script span → (cell URI, client range) in the cell where it starts;
- `diagnostics(...)` — findings → diagnostics per cell URI (fix data stays in script positions, stamped with
  the notebook's version);
- `workspace_edit(edits)` — script edits → one `TextDocumentEdit` per cell, each with the cell's version.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING
from urllib.parse import unquote

from lsprotocol import types
from pygls.uris import to_fs_path
from pygls.workspace import TextDocument
from pygls.workspace.position_codec import PositionCodec

from amct_lsp.check.findings import Code, Finding, Severity, Span
from amct_lsp.lsp import convert
from amct_lsp.lsp.documents import PYTHON_LANGUAGE_IDS
from amct_lsp.notebook import NotebookScript, join_cells
from amct_lsp.text import Position, TextEdit, lines_with_ends

if TYPE_CHECKING:
    from amct_lsp.lsp.analysis import Analysis
    from amct_lsp.lsp.server import AmctLanguageServer

#: What the server asks notebook sync for: Python cells of Jupyter notebooks.
NOTEBOOK_SYNC = types.NotebookDocumentSyncOptions(
    notebook_selector=[
        types.NotebookDocumentFilterWithNotebook(
            notebook="jupyter-notebook", cells=[types.NotebookCellLanguage(language="python")]
        )
    ],
    save=True,
)


@dataclass(frozen=True, slots=True)
class CellDoc:
    """One Python code cell as the client has it."""

    uri: str
    version: int | None
    index: int  # its position in the notebook (every cell counted)
    source: str

    @property
    def lines(self) -> list[str]:
        return lines_with_ends(self.source)


@dataclass(frozen=True, slots=True)
class NotebookView:
    """A notebook at one moment: its Python cells and the joined script."""

    uri: str
    path: str
    #: Bumped by the server on every change of the notebook (cells added, removed, edited).
    version: int
    cells: tuple[CellDoc, ...]
    script: NotebookScript

    def cell(self, uri: str) -> CellDoc | None:
        return next((c for c in self.cells if c.uri == uri), None)

    def cell_at(self, index: int) -> CellDoc | None:
        return next((c for c in self.cells if c.index == index), None)

    def script_position(
        self, cell_uri: str, position: types.Position, codec: PositionCodec
    ) -> Position | None:
        """A client position in a cell → the position in the joined script (None for a cell not in it)."""
        cell = self.cell(cell_uri)
        if cell is None:
            return None
        local = convert.from_client_position(cell.lines, position, codec)
        return self.script.to_script(cell.index, local)

    def cell_range(self, span: Span, codec: PositionCodec) -> tuple[str, types.Range] | None:
        """A script span → (cell URI, range in the client's units) in the cell where it starts."""
        found = self.script.to_cell_span(span)
        cell = self.cell_at(found[0].index) if found is not None else None
        if found is None or cell is None:
            return None
        return cell.uri, convert.to_client_range(cell.lines, found[1], codec)

    def diagnostics(
        self,
        findings: Iterable[Finding],
        codec: PositionCodec,
        *,
        hidden: Iterable[Code] = (),
        overrides: Mapping[Code, Severity] | None = None,
    ) -> dict[str, list[types.Diagnostic]]:
        """Each cell's diagnostics (every Python cell has an entry, empty ones clear old squiggles)."""
        out: dict[str, list[types.Diagnostic]] = {cell.uri: [] for cell in self.cells}
        skip = set(hidden)
        for finding in findings:
            if finding.code in skip:
                continue
            found = self.script.to_cell_span(finding.span)
            cell = self.cell_at(found[0].index) if found is not None else None
            if found is None or cell is None:
                continue
            local = replace(finding, span=found[1], related=())
            diagnostic = convert.to_diagnostic(
                local, cell.lines, codec, uri=cell.uri, version=self.version, overrides=overrides or {}
            )
            diagnostic.related_information = self._related(finding, codec) or None
            out[cell.uri].append(diagnostic)
        return out

    def _related(self, finding: Finding, codec: PositionCodec) -> list[types.DiagnosticRelatedInformation]:
        out = []
        for rel in finding.related:
            if rel.path == finding.path:
                place = self.cell_range(rel.span, codec)
                if place is None:
                    continue
                location = types.Location(uri=place[0], range=place[1])
            else:
                start = types.Position(line=rel.span.start.line, character=rel.span.start.character)
                end = types.Position(line=rel.span.end.line, character=rel.span.end.character)
                rng = types.Range(start=start, end=end)
                location = types.Location(uri=convert.path_uri(rel.path), range=rng)
            out.append(types.DiagnosticRelatedInformation(location=location, message=rel.message))
        return out

    def workspace_edit(
        self, edits: Iterable[TextEdit], codec: PositionCodec, *, document_changes: bool = True
    ) -> types.WorkspaceEdit | None:
        """Script edits as edits of the cells they fall in, each cell at its version; None when none maps."""
        per_cell: list[tuple[CellDoc, list[types.TextEdit]]] = []
        for index, cell_edits in self.script.cell_edits(edits).items():
            cell = self.cell_at(index)
            if cell is None:
                continue
            lines = cell.lines
            converted = [
                types.TextEdit(range=convert.to_client_range(lines, e.span, codec), new_text=e.new_text)
                for e in sorted(cell_edits, key=lambda e: (e.span.start, e.span.end))
            ]
            per_cell.append((cell, converted))
        if not per_cell:
            return None
        if document_changes:
            docs = [
                types.TextDocumentEdit(
                    text_document=types.OptionalVersionedTextDocumentIdentifier(uri=c.uri, version=c.version),
                    edits=list(e),
                )
                for c, e in per_cell
            ]
            return types.WorkspaceEdit(document_changes=list(docs))
        return types.WorkspaceEdit(changes={c.uri: list(e) for c, e in per_cell})


def is_python_cell(cell: types.NotebookCell, language_id: str | None) -> bool:
    return cell.kind == types.NotebookCellKind.Code and (language_id or "").lower() in PYTHON_LANGUAGE_IDS


def notebook_view(
    notebook: types.NotebookDocument, documents: Mapping[str, TextDocument], version: int
) -> NotebookView:
    """The view of a notebook pygls holds; `documents` are pygls' text documents by (decoded) URI."""
    cells: list[CellDoc] = []
    for index, cell in enumerate(notebook.cells):
        doc = documents.get(unquote(cell.document))
        if doc is None:
            continue
        if not is_python_cell(cell, doc.language_id):
            continue
        cells.append(CellDoc(cell.document, doc.version, index, doc.source))
    script = join_cells([(c.index, c.source) for c in cells])
    path = to_fs_path(notebook.uri) or os.path.join(os.getcwd(), "untitled.ipynb")
    return NotebookView(notebook.uri, os.path.abspath(path), version, tuple(cells), script)


class NotebookRegistry:
    """The server's notebooks: a version per notebook bumped on every change (the analyzer re-checks on a
    new version), the view of each, and which cells were last sent diagnostics (to clear removed ones)."""

    def __init__(self, ls: AmctLanguageServer) -> None:
        self._ls = ls
        self._versions: dict[str, int] = {}
        self._published: dict[str, set[str]] = {}
        #: The last view built per notebook: every request asks for it several times per version.
        self._views: dict[str, NotebookView] = {}

    def _notebooks(self) -> Mapping[str, types.NotebookDocument]:
        try:
            return self._ls.workspace.notebook_documents  # type: ignore[no-any-return]
        except RuntimeError:  # before initialize
            return {}

    def changed(self, uri: str) -> None:
        key = unquote(uri)
        self._versions[key] = self._versions.get(key, 0) + 1
        self._views.pop(key, None)

    def uris(self) -> list[str]:
        return [nb.uri for nb in self._notebooks().values()]

    def view(self, uri: str) -> NotebookView | None:
        """The view of the open notebook at `uri`; None when `uri` is not an open notebook."""
        key = unquote(uri)
        notebook = self._notebooks().get(key)
        if notebook is None:
            return None
        version = self._versions.get(key, 0)
        cached = self._views.get(key)
        if cached is not None and cached.version == version:
            return cached
        view = notebook_view(notebook, self._ls.workspace.text_documents, version)
        self._views[key] = view
        return view

    def of_cell(self, uri: str) -> NotebookView | None:
        """The view of the notebook holding the cell `uri`; None for a document that is not a cell."""
        try:
            notebook = self._ls.workspace.get_notebook_document(cell_uri=uri)
        except RuntimeError:
            return None
        return self.view(notebook.uri) if notebook is not None else None

    async def cell_analysis(self, uri: str) -> tuple[NotebookView, Analysis] | None:
        """The view of the cell's notebook and the analysis of that same version (waiting for a pending one);
        None for a document that is not a cell, or when the notebook changed meanwhile. Every feature that
        answers in a cell starts here."""
        view = self.of_cell(uri)
        if view is None:
            return None
        analysis = await self._ls.analyzer.current(view.uri)
        view = self.of_cell(uri)  # as it is now, the version the analysis is of
        if analysis is None or view is None or view.version != analysis.version:
            return None
        return view, analysis

    def is_cell(self, uri: str) -> bool:
        try:
            return self._ls.workspace.get_notebook_document(cell_uri=uri) is not None
        except RuntimeError:
            return False

    def publish(self, view: NotebookView, findings: Iterable[Finding] | None) -> None:
        """Push each Python cell's diagnostics (also to clients that pull: vscode-languageclient 9 never
        pulls for notebook cells), and empty lists for cells that left the notebook. `findings` None: the
        check is off or failed, every cell is cleared."""
        settings = self._ls.settings_for(view.uri)
        per_cell = view.diagnostics(
            findings or (), self._ls.codec, hidden=settings.hidden, overrides=settings.severity
        )
        versions = {c.uri: c.version for c in view.cells}
        for uri in self._published.get(view.uri, set()) - set(per_cell):
            self._send(uri, [], None)
        for uri, diagnostics in per_cell.items():
            self._send(uri, diagnostics, versions.get(uri))
        self._published[view.uri] = set(per_cell)

    def closed(self, uri: str, cells: Iterable[str]) -> None:
        """Clear the diagnostics of a closed notebook's cells and forget it."""
        for cell in {*cells, *self._published.pop(uri, set())}:
            self._send(cell, [], None)
        self._versions.pop(unquote(uri), None)
        self._views.pop(unquote(uri), None)

    def _send(self, uri: str, diagnostics: list[types.Diagnostic], version: int | None) -> None:
        self._ls.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics, version=version)
        )


__all__ = [
    "NOTEBOOK_SYNC",
    "CellDoc",
    "NotebookRegistry",
    "NotebookView",
    "is_python_cell",
    "notebook_view",
]
