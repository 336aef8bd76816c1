"""Read a Jupyter notebook (`.ipynb`, nbformat 4) and write changed cell sources back, leaving every other
byte of the file as it was.

`json.loads` validates the file and gives the values; a small walk with `json`'s own scanners then finds
where each code cell's `source` is written in the file (the list and each of its strings), so a fix rewrites
only the strings that changed, with the file's own indentation, key order, separators and escaping style
(`--fix` keeps the notebook's diff to the lines it fixed), and a finding can be placed on the file's own
lines (GitHub annotations, SARIF).
"""

from __future__ import annotations

import difflib
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from json.decoder import scanstring  # type: ignore[attr-defined]  # public, missing from typeshed
from typing import Any

from amct_lsp.fileio import read_regular
from amct_lsp.notebook.joined import NotebookScript, join_cells
from amct_lsp.notebook.paths import is_notebook_path
from amct_lsp.text import LineIndex, Position, lines_with_ends

#: Notebooks carry their outputs (plots, tables) inline: bigger than scripts, still bounded.
MAX_NOTEBOOK_BYTES = 64 * 2**20
PYTHON = "python"

_WS = re.compile(r"[ \t\n\r]*")
_INDENT = re.compile(r"[ \t]*")
_DECODER = json.JSONDecoder()
_BOM = "\ufeff"


class NotebookError(Exception):
    """The file is not a notebook we can read; `line`/`column` (0-based) locate the problem in the file."""

    def __init__(self, message: str, line: int = 0, column: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


@dataclass(frozen=True, slots=True)
class SourceToken:
    """Where a cell's `source` value is written: the value's span, and each string's span (one for a plain
    string value, one per element for a list); offsets into `Notebook.text`."""

    start: int
    end: int
    is_list: bool
    strings: tuple[tuple[int, int], ...]


@dataclass(frozen=True, slots=True)
class CodeCell:
    """A Python code cell: its position among all cells, its source text, where that is written."""

    index: int
    source: str
    token: SourceToken


@dataclass(frozen=True, slots=True)
class Notebook:
    """A parsed notebook: the decoded file text and its Python code cells."""

    text: str  # the file, decoded (a UTF-8 BOM removed)
    bom: bool
    cells: tuple[CodeCell, ...]
    #: The notebook's language (kernelspec / language_info); a non-Python notebook has no cells to check.
    language: str

    def script(self) -> NotebookScript:
        """The code cells joined into one script with its position map."""
        return join_cells([(c.index, c.source) for c in self.cells])

    def code_cell(self, index: int) -> CodeCell | None:
        return next((c for c in self.cells if c.index == index), None)

    def file_position(self, index: int, pos: Position) -> Position | None:
        """Where a position of cell `index` is written in the file (0-based line and code-point column)."""
        cell = self.code_cell(index)
        if cell is None:
            return None
        offset = LineIndex(cell.source).offset(pos)
        return LineIndex(self.text).position(_file_offset(self.text, cell, offset))

    def with_sources(self, sources: Mapping[int, str]) -> bytes:
        """The file's bytes with the code cells `sources` (index → new source) replaced; every string that
        did not change keeps its bytes, and so does everything outside the changed cells' sources."""
        ascii_only = self.text.isascii()
        pieces: list[str] = []
        pos = 0
        for cell in self.cells:
            new = sources.get(cell.index)
            if new is None or new == cell.source:
                continue
            token = cell.token
            pieces.append(self.text[pos : token.start])
            pieces.append(self._encode_source(cell, new, ascii_only))
            pos = token.end
        pieces.append(self.text[pos:])
        return ((_BOM if self.bom else "") + "".join(pieces)).encode("utf-8")

    def _encode_source(self, cell: CodeCell, new: str, ascii_only: bool) -> str:
        token = cell.token
        if not token.is_list:
            return json.dumps(new, ensure_ascii=ascii_only)
        raw = [self.text[a:b] for a, b in token.strings]
        old = [json.loads(r) for r in raw]
        wanted = lines_with_ends(new)
        tokens: list[str] = []
        matcher = difflib.SequenceMatcher(None, old, wanted, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                tokens.extend(raw[i1:i2])
            else:
                tokens.extend(json.dumps(s, ensure_ascii=ascii_only) for s in wanted[j1:j2])
        if not tokens:
            return "[]"
        head, seps, tail = self._list_layout(token)
        while len(seps) < len(tokens) - 1:
            seps.append(seps[-1] if seps else self._default_layout(token)[1])
        out = [head, tokens[0]]
        for sep, item in zip(seps, tokens[1:], strict=False):
            out.append(sep)
            out.append(item)
        out.append(tail)
        return "".join(out)

    def _list_layout(self, token: SourceToken) -> tuple[str, list[str], str]:
        """The text between `[` and the first string, between strings, and after the last one (an empty
        list gets nbformat's layout at its own indentation)."""
        strings, text = token.strings, self.text
        if not strings:
            head, _, tail = self._default_layout(token)
            return head, [], tail
        head = text[token.start : strings[0][0]]
        seps = [text[strings[i][1] : strings[i + 1][0]] for i in range(len(strings) - 1)]
        tail = text[strings[-1][1] : token.end]
        return head, seps, tail

    def _default_layout(self, token: SourceToken) -> tuple[str, str, str]:
        """How the file would write a list at `token` (head, separator, tail): one string per line, one
        indentation step deeper than the key, with the file's line ends; all on one line in a compact file."""
        if "\n" not in self.text:
            return "[", ", ", "]"
        newline = "\r\n" if "\r\n" in self.text else "\n"
        indent = self._indent_at(token.start)
        inner = newline + indent + self._indent_at(self.text.find("\n") + 1)  # a top-level key's: one step
        return "[" + inner, "," + inner, newline + indent + "]"

    def _indent_at(self, offset: int) -> str:
        """The indentation of the file line holding `offset`."""
        start = self.text.rfind("\n", 0, offset) + 1
        match = _INDENT.match(self.text, start)
        return match.group(0) if match else ""


def read_notebook(path: str | os.PathLike[str]) -> Notebook:
    """Read and parse a notebook; OSError propagates (see fileio), a bad notebook raises NotebookError."""
    return parse_notebook(read_regular(path, MAX_NOTEBOOK_BYTES))


def parse_notebook(data: bytes) -> Notebook:
    """A notebook from the file's bytes (UTF-8, as nbformat writes it; a BOM is kept for writing back)."""
    bom = data.startswith(b"\xef\xbb\xbf")
    try:
        text = data[3 if bom else 0 :].decode("utf-8")
    except UnicodeDecodeError as err:
        before = data[: err.start]
        bad = data[err.start : err.start + 1].hex()
        raise NotebookError(
            f"The notebook is not UTF-8 text: byte 0x{bad} cannot be decoded.",
            before.count(b"\n"),
            len(before[before.rfind(b"\n") + 1 :].decode("utf-8", errors="replace")),
        ) from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as err:
        raise NotebookError(
            f"The notebook is not valid JSON: {err.msg}.", err.lineno - 1, err.colno - 1
        ) from None
    except RecursionError:
        raise NotebookError("The notebook's JSON is nested too deeply to read.") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("cells"), list):
        raise NotebookError("The file is not a Jupyter notebook: no top-level object with a 'cells' list.")
    major = doc.get("nbformat")
    if major != 4:
        raise NotebookError(
            f"The notebook is nbformat {major!r}; amct-lsp reads nbformat 4 (Jupyter 4.0 and later). "
            "Open and save it in a current Jupyter to convert it."
        )
    language = _language(doc.get("metadata"))
    tokens = _source_tokens(text)
    cells: list[CodeCell] = []
    for index, cell in enumerate(doc["cells"]):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code" or not _python_cell(cell):
            continue
        source = cell.get("source", "")
        if isinstance(source, list) and all(isinstance(s, str) for s in source):
            source = "".join(source)
        if not isinstance(source, str):
            raise NotebookError(f"Cell {index + 1}'s source is neither a string nor a list of strings.")
        token = tokens.get(index)
        if token is None:  # a code cell without a source: nothing to check or fix
            continue
        cells.append(CodeCell(index, source, token))
    if language != PYTHON:
        cells = []
    return Notebook(text, bom, tuple(cells), language)


def _language(metadata: Any) -> str:
    if not isinstance(metadata, dict):
        return PYTHON
    for key, field in (("kernelspec", "language"), ("language_info", "name")):
        value = metadata.get(key)
        if isinstance(value, dict) and isinstance(value.get(field), str):
            return str(value[field]).strip().lower() or PYTHON
    return PYTHON


def _python_cell(cell: dict[str, Any]) -> bool:
    """VS Code records a cell in another language than the notebook's in its metadata."""
    meta = cell.get("metadata")
    vscode = meta.get("vscode") if isinstance(meta, dict) else None
    language = vscode.get("languageId") if isinstance(vscode, dict) else None
    return not isinstance(language, str) or language.lower() == PYTHON


# -- where things are written --------------------------------------------------------------------------------


def _ws(text: str, i: int) -> int:
    match = _WS.match(text, i)
    return match.end() if match else i


def _skip(text: str, i: int) -> int:
    """The offset just past the JSON value at `i` (the text is known to be valid JSON)."""
    _, end = _DECODER.raw_decode(text, i)
    return end


def _members(text: str, i: int) -> list[tuple[str, int, int]]:
    """(key, value start, value end) of the object at `i` (`text[i] == "{"`), in file order."""
    out: list[tuple[str, int, int]] = []
    i = _ws(text, i + 1)
    if text[i] == "}":
        return out
    while True:
        key, i = scanstring(text, i + 1)
        i = _ws(text, _ws(text, i) + 1)  # past ":"
        end = _skip(text, i)
        out.append((key, i, end))
        i = _ws(text, end)
        if text[i] == "}":
            return out
        i = _ws(text, i + 1)  # past ","


def _elements(text: str, i: int) -> list[tuple[int, int]]:
    """(start, end) of each element of the array at `i` (`text[i] == "["`)."""
    out: list[tuple[int, int]] = []
    i = _ws(text, i + 1)
    if text[i] == "]":
        return out
    while True:
        end = _skip(text, i)
        out.append((i, end))
        i = _ws(text, end)
        if text[i] == "]":
            return out
        i = _ws(text, i + 1)


def _source_tokens(text: str) -> dict[int, SourceToken]:
    """Each cell's `source` (the last one when a key repeats, as json.loads keeps it) by cell index."""
    start = _ws(text, 0)
    cells = [(a, b) for key, a, b in _members(text, start) if key == "cells"]
    if not cells:
        return {}
    out: dict[int, SourceToken] = {}
    for index, (a, _b) in enumerate(_elements(text, cells[-1][0])):
        if text[a] != "{":
            continue
        sources = [(s, e) for key, s, e in _members(text, a) if key == "source"]
        if not sources:
            continue
        s, e = sources[-1]
        if text[s] == "[":
            out[index] = SourceToken(s, e, True, tuple(_elements(text, s)))
        else:
            out[index] = SourceToken(s, e, False, ((s, e),))
    return out


def _file_offset(text: str, cell: CodeCell, offset: int) -> int:
    """The file offset of code point `offset` of the cell's source, through the JSON escapes."""
    remaining = offset
    strings = cell.token.strings
    for n, (a, b) in enumerate(strings):
        length = len(json.loads(text[a:b]))
        if remaining < length or n == len(strings) - 1:
            return _raw_index(text, a + 1, b - 1, min(remaining, length))
        remaining -= length
    return cell.token.start


def _raw_index(text: str, start: int, end: int, count: int) -> int:
    """The offset in the JSON string body text[start:end] after `count` decoded code points."""
    i = start
    while count > 0 and i < end:
        if text[i] == "\\":
            if text[i + 1] == "u":
                high = int(text[i + 2 : i + 6], 16)
                pair = 0xD800 <= high < 0xDC00 and text.startswith("\\u", i + 6)
                if pair and 0xDC00 <= int(text[i + 8 : i + 12], 16) < 0xE000:
                    i += 12
                else:
                    i += 6
            else:
                i += 2
        else:
            i += 1
        count -= 1
    return i


__all__ = [
    "MAX_NOTEBOOK_BYTES",
    "CodeCell",
    "Notebook",
    "NotebookError",
    "SourceToken",
    "is_notebook_path",
    "parse_notebook",
    "read_notebook",
]
