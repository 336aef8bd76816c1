"""Open documents kept exactly as the editor has them: LSP's line rules, not Python's.

pygls splits a document into lines with `str.splitlines`, which also breaks at form feeds, U+2028, U+0085 and
other separators that LSP does not count as line ends; an incremental edit below such a character lands on the
wrong line and the server's copy of the script silently drifts from the editor's (and the fixes it offers
would then corrupt the user's file). Here lines end only at \\n, \\r\\n and \\r, edits are applied by offset,
positions past the end of a line or of the text clamp as the protocol says, and changes to documents that
were never opened are dropped.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import unquote

from lsprotocol import types
from pygls.workspace import TextDocument, Workspace

from amct_lsp.lsp.convert import column_from_units, split_lines
from amct_lsp.text import LineIndex

log = logging.getLogger(__name__)


class LspTextDocument(TextDocument):
    """A text document whose lines and incremental edits follow the LSP specification."""

    @property
    def lines(self) -> tuple[str, ...]:
        return tuple(split_lines(self.source))

    def offset_of(self, position: types.Position) -> int:
        """The index into `source` of a client position (clamped to its line, and to the text)."""
        source = self.source
        index = LineIndex(source)
        line = max(position.line, 0)
        if line >= len(index.starts):
            return len(source)
        start, end = index.starts[line], index.line_end(line)
        return start + column_from_units(source[start:end], position.character, self.position_codec)

    def _apply_incremental_change(self, change: types.TextDocumentContentChangePartial) -> None:
        start = self.offset_of(change.range.start)
        end = self.offset_of(change.range.end)
        if end < start:
            start, end = end, start
        source = self.source
        self._source = source[:start] + change.text + source[end:]


class LspWorkspace(Workspace):
    """pygls' workspace with `LspTextDocument`s, tolerant of changes to documents it does not hold."""

    def _create_text_document(
        self,
        doc_uri: str,
        source: str | None = None,
        version: int | None = None,
        language_id: str | None = None,
    ) -> TextDocument:
        return LspTextDocument(
            doc_uri,
            source=source,
            version=version,
            language_id=language_id,
            sync_kind=self._sync_kind,
            position_codec=self.position_codec,
        )

    def update_text_document(
        self, text_doc: types.VersionedTextDocumentIdentifier, change: types.TextDocumentContentChangeEvent
    ) -> None:
        if unquote(text_doc.uri) not in self.text_documents:  # pygls keys documents by the decoded URI
            log.warning("ignoring a change to %s, which is not open", text_doc.uri)
            return
        super().update_text_document(text_doc, change)


def install_workspace(protocol: Any, params: types.InitializeParams) -> LspWorkspace:
    """Replace the workspace pygls just built in `initialize` (before any document is opened) with ours."""
    old = protocol.workspace
    root_uri = params.root_uri
    if root_uri is None and params.root_path is not None:
        from pygls.uris import from_fs_path

        root_uri = from_fs_path(params.root_path)
    workspace = LspWorkspace(
        root_uri,
        types.TextDocumentSyncKind.Incremental,
        list(old.folders.values()),
        old.position_encoding,
    )
    protocol._workspace = workspace
    return workspace


PYTHON_LANGUAGE_IDS = frozenset({"python", "python3", "py"})
PYTHON_SUFFIXES = (".py", ".pyw")


def is_python(document: TextDocument) -> bool:
    """Whether the editor says this is Python (or says nothing and the file is a .py)."""
    language = (document.language_id or "").strip().lower()
    if language:
        return language in PYTHON_LANGUAGE_IDS
    return (document.filename or "").lower().endswith(PYTHON_SUFFIXES)


__all__ = ["LspTextDocument", "LspWorkspace", "install_workspace", "is_python"]
