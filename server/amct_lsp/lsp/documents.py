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

from amct_lsp.lsp.convert import column_from_units
from amct_lsp.text import LineIndex, lines_with_ends

log = logging.getLogger(__name__)


class LspTextDocument(TextDocument):
    """A text document whose lines and incremental edits follow the LSP specification.

    Overrides only pygls' public surface: `source` (kept here), `lines` and `apply_change`.
    """

    def __init__(self, uri: str, source: str | None = None, **kwargs: Any) -> None:
        super().__init__(uri, source=source, **kwargs)
        self._text = source

    @property
    def source(self) -> str:
        if self._text is None:
            return super().source  # a document pygls reads from disk (never opened by the client)
        return self._text

    @property
    def lines(self) -> tuple[str, ...]:
        return tuple(lines_with_ends(self.source))

    def offset_of(self, position: types.Position) -> int:
        """The index into `source` of a client position (clamped to its line, and to the text)."""
        source = self.source
        index = LineIndex(source)
        line = max(position.line, 0)
        if line >= len(index.starts):
            return len(source)
        start, end = index.starts[line], index.line_end(line)
        return start + column_from_units(source[start:end], position.character, self.position_codec)

    def apply_change(self, change: types.TextDocumentContentChangeEvent) -> None:
        """A ranged change is applied by offset with LSP's line rules; a whole-text change replaces it."""
        if isinstance(change, types.TextDocumentContentChangePartial):
            start = self.offset_of(change.range.start)
            end = self.offset_of(change.range.end)
            if end < start:
                start, end = end, start
            source = self.source
            self._text = source[:start] + change.text + source[end:]
        else:
            self._text = change.text


class LspWorkspace(Workspace):
    """pygls' workspace with `LspTextDocument`s, tolerant of changes to documents it does not hold."""

    @classmethod
    def like(cls, workspace: Workspace) -> LspWorkspace:
        """A workspace with the root, folders and position encoding of `workspace` (and no documents)."""
        return cls(
            workspace.root_uri,
            types.TextDocumentSyncKind.Incremental,
            list(workspace.folders.values()),
            workspace.position_encoding,
        )

    def put_text_document(
        self, text_document: types.TextDocumentItem, notebook_uri: str | None = None
    ) -> None:
        super().put_text_document(text_document, notebook_uri)
        self.text_documents[unquote(text_document.uri)] = LspTextDocument(
            text_document.uri,
            source=text_document.text,
            version=text_document.version,
            language_id=text_document.language_id,
            position_codec=self.position_codec,
        )

    def update_text_document(
        self, text_doc: types.VersionedTextDocumentIdentifier, change: types.TextDocumentContentChangeEvent
    ) -> None:
        if unquote(text_doc.uri) not in self.text_documents:  # pygls keys documents by the decoded URI
            log.warning("ignoring a change to %s, which is not open", text_doc.uri)
            return
        super().update_text_document(text_doc, change)


PYTHON_LANGUAGE_IDS = frozenset({"python", "python3", "py"})
PYTHON_SUFFIXES = (".py", ".pyw")


def is_python(document: TextDocument) -> bool:
    """Whether the editor says this is Python (or says nothing and the file is a .py)."""
    language = (document.language_id or "").strip().lower()
    if language:
        return language in PYTHON_LANGUAGE_IDS
    return (document.filename or "").lower().endswith(PYTHON_SUFFIXES)


__all__ = ["LspTextDocument", "LspWorkspace", "is_python"]
