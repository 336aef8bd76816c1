"""Read a text-format GraphDef (.pbtxt) piece by piece, in bounded memory, never quoting its content.

protobuf's text parser is pure Python and keeps the whole message: a 23 MB .pbtxt used to peak at 2.3 GB.
So the text is decoded in chunks and cut at the end of each top-level block (`node { ... }`, `versions
{ ... }`) with a string- and comment-aware scanner; each block is parsed alone and reduced to a `Node` at
once. A big block (a Const holding weights) first loses its tensor values (`tensor_content`, `float_val`,
...), which nothing reads, so its parse costs little. A block above `MAX_TEXT_BLOCK_CHARS` is refused.

Text that stops being text (bytes that are not UTF-8, control characters) raises `NotText` with the byte
offset: a binary file whose first kilobytes look like text is found out at its first binary chunk.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Iterator
from typing import Any

from amct_lsp.model.errors import CorruptModel, ModelTooLarge, WrongModelKind
from amct_lsp.model.graph import Node
from amct_lsp.model.node_def import to_node
from amct_lsp.model.text_sniff import FREEZE_ADVICE, NOT_TEXT, NotText, looks_like_text

ReadFn = Callable[[int], bytes]
ProgressFn = Callable[[float], None]

_CHUNK_BYTES = 1 << 20
#: One top-level block (a node with its weights written as text) larger than this is not read.
MAX_TEXT_BLOCK_CHARS = 64 * 2**20
#: Blocks larger than this are skimmed (their tensor values dropped) before parsing.
_SKIM_CHARS = 64 * 1024

_TEXT_KINDS = (
    (
        re.compile(r"^\s*(saved_model_schema_version\s*:|meta_graphs\s*[:{])", re.M),
        "a SavedModel in text form",
    ),
    (
        re.compile(r"^\s*(meta_info_def|graph_def|saver_def|collection_def|signature_def)\s*[:{]", re.M),
        "a MetaGraphDef in text form",
    ),
)

# Strings are found with str.find, not a regex: Python's `re` keeps a backtracking frame per repetition of
# a group, so matching a megabyte-long escaped tensor_content costs tens of megabytes.
_INTERESTING = re.compile(r"[\"'#{}<>]")
_QUOTE_OR_COMMENT = re.compile(r"[\"'#]")
# A string that follows one of these is a tensor's bytes, which nothing reads: a big block drops it.
_BYTES_FIELD_BEFORE = re.compile(r"\b(?:tensor_content|string_val)\s*:?\s*$")
# A TensorProto's numeric values, one (`float_val: 0.5`) or a list (`float_val: [0.5, 1]`).
_NUMBER_FIELDS = re.compile(
    r"\b(?:half_val|float_val|double_val|int_val|scomplex_val|int64_val|bool_val|dcomplex_val|uint32_val"
    r"|uint64_val|float8_val)\s*:?\s*(?:\[[^\]\"'#]*\]|[^\s{}<>\[\]#\"',;]+)"
)

#: What went wrong, in words of our own: protobuf's complaint quotes the offending line, and the file may
#: be anything (`# amct: model=secret.json`), so none of its content reaches a message.
_TEXT_PROBLEMS = (
    (re.compile(r"has no field named"), "a field name that GraphDef does not have"),
    (re.compile(r"missing ending quote"), "a string without its closing quote"),
    (re.compile(r"Couldn't parse|Invalid value|has no value named"), "a value of the wrong type"),
)
# The parser's "Expected X": a lowercase word list or one quoted punctuation mark, never the file's text.
_EXPECTED = re.compile(r'Expected ("[^\w\s"]{1,2}"|[a-z][a-z ]{0,40}?)(?=,| but|\.|:|$)')


def _problem(message: str) -> str:
    problem = next((words for pattern, words in _TEXT_PROBLEMS if pattern.search(message)), None)
    if problem is None:
        expected = _EXPECTED.search(message)
        problem = f"{expected.group(1)} expected" if expected else "text that a GraphDef cannot hold"
    return problem


def _chars(read: ReadFn, size: int, progress: ProgressFn | None) -> Iterator[str]:
    """The data decoded as UTF-8 in chunks of whole lines; raises NotText where it stops being text."""
    decoder = codecs.getincrementaldecoder("utf-8")(errors="strict")
    done = 0
    first = True
    partial: list[str] = []  # a line that has not ended yet (one long line may span many chunks)
    while done < size:
        raw = read(min(_CHUNK_BYTES, size - done))
        if not raw:
            break
        if first:
            raw, first = raw.removeprefix(b"\xef\xbb\xbf"), False
        try:
            text = decoder.decode(raw)
        except UnicodeDecodeError as err:
            raise NotText(done + err.start) from None
        bad = NOT_TEXT.search(text)
        if bad is not None:
            raise NotText(done + len(text[: bad.start()].encode("utf-8")))
        done += len(raw)
        if progress is not None:
            progress(min(done / size, 1.0) * 0.99)
        cut = text.rfind("\n") + 1
        if not cut:
            partial.append(text)
            continue
        yield "".join(partial) + text[:cut]
        partial = [text[cut:]]
    try:
        tail = "".join(partial) + decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise NotText(size) from None
    if tail:
        yield tail


class _Blocks:
    """Cuts the text into top-level blocks, remembering the line and column each one starts at."""

    def __init__(self) -> None:
        self.line = 1  # where the next block starts
        self.column = 1
        self._depth = 0
        self._pending: list[str] = []
        self._pending_chars = 0

    def feed(self, text: str) -> Iterator[tuple[str, int, int]]:
        """The blocks that end in `text` (whole lines, so strings and comments never straddle two feeds)."""
        start = pos = 0
        while True:
            match = _INTERESTING.search(text, pos)
            if match is None:
                break
            char, at = match.group(), match.start()
            if char in "\"'":
                pos = _string_end(text, at)
                continue
            if char == "#":
                pos = _line_end(text, at)
                continue
            pos = at + 1
            if char in "{<":
                self._depth += 1
                continue
            self._depth -= 1
            if self._depth <= 0:  # a block ends (or a stray closer: the parser will say so)
                self._depth = 0
                yield self._take(text[start:pos])
                start = pos
        rest = text[start:]
        self._pending.append(rest)
        self._pending_chars += len(rest)
        if self._pending_chars > MAX_TEXT_BLOCK_CHARS:
            raise _BlockTooLarge(self._first_line("".join(self._pending[:2])))

    def finish(self) -> Iterator[tuple[str, int, int]]:
        block = "".join(self._pending)
        self._pending = []
        if block.strip():
            yield block, self.line, self.column

    def _first_line(self, block: str) -> int:
        """The line of the block's first non-blank character (a block starts right after the last `}`)."""
        return self.line + block[: len(block) - len(block.lstrip())].count("\n")

    def _take(self, end: str) -> tuple[str, int, int]:
        self._pending.append(end)
        block = "".join(self._pending)
        self._pending, self._pending_chars = [], 0
        if len(block) > MAX_TEXT_BLOCK_CHARS:
            raise _BlockTooLarge(self._first_line(block))
        found = (block, self.line, self.column)
        newlines = block.count("\n")
        self.line += newlines
        self.column = len(block) - block.rfind("\n") if newlines else self.column + len(block)
        return found


class _BlockTooLarge(Exception):
    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


def _line_end(text: str, start: int) -> int:
    end = text.find("\n", start)
    return len(text) if end < 0 else end


def _string_end(text: str, start: int) -> int:
    """The index after the string that opens at `start` (its line's end when it is not closed)."""
    quote, stop = text[start], _line_end(text, start)
    pos = start + 1
    while True:
        close = text.find(quote, pos, stop)
        if close < 0:
            return stop
        backslashes = close - 1
        while backslashes > start and text[backslashes] == "\\":
            backslashes -= 1
        if (close - 1 - backslashes) % 2 == 0:  # not escaped
            return close + 1
        pos = close + 1


def _skim(block: str) -> str:
    """The block without tensor values (bytes strings become "", numbers go); newlines stay, for errors."""
    out: list[str] = []
    done = pos = 0

    def numbers_out(segment: str) -> str:
        return _NUMBER_FIELDS.sub(lambda m: "\n" * m.group().count("\n"), segment)

    while True:
        match = _QUOTE_OR_COMMENT.search(block, pos)
        if match is None:
            break
        at = match.start()
        if match.group() == "#":
            pos = _line_end(block, at)
            continue
        end = _string_end(block, at)
        before = block[done:at]
        out.append(numbers_out(before))
        out.append('""' if _BYTES_FIELD_BEFORE.search(before[-64:]) else block[at:end])
        done = pos = end
    out.append(numbers_out(block[done:]))
    return "".join(out)


def _parse_block(block: str, line: int, column: int, display: str, seen_node: bool) -> Any:
    """One block as a (partial) GraphDef; unknown fields are skipped when the strict parse fails."""
    # Imported here, not at the top: protobuf costs ~20 ms of start-up that a binary model never needs.
    from google.protobuf import text_format

    from amct_lsp.model import schema

    if len(block) > _SKIM_CHARS:
        block = _skim(block)
    graph = schema.GraphDef()
    try:
        text_format.Parse(block, graph)
        return graph
    except text_format.ParseError as strict_error:
        if not seen_node:
            for pattern, kind in _TEXT_KINDS:
                if pattern.search(block) and not re.search(r"^node\s*\{", block, re.M):
                    raise WrongModelKind(
                        f"{display} is {kind}, not a frozen GraphDef; {FREEZE_ADVICE}."
                    ) from None
        # Fields we never read (a function library, debug info) are not in our schema: skip them.
        graph = schema.GraphDef()
        try:
            text_format.Parse(block, graph, allow_unknown_field=True)
        except text_format.ParseError:
            where = ""
            err_line, err_column = strict_error.GetLine(), strict_error.GetColumn()
            if err_line is not None and err_column is not None:
                at_column = err_column + (column - 1 if err_line == 1 else 0)
                where = f"line {line + err_line - 1}, column {at_column}: "
            raise CorruptModel(
                f"{display} is not a GraphDef in text format ({where}{_problem(str(strict_error))}); fix the "
                "text or export the graph again with tf.io.write_graph(..., as_text=True).",
            ) from None
        return graph


def read_text_graph(
    read: ReadFn, size: int, display: str, progress: ProgressFn | None = None
) -> tuple[dict[str, Node], int | None]:
    """(nodes by name, producer version) of a text GraphDef of `size` bytes read through `read(count)`.

    Raises NotText (the caller decides what the file is then), CorruptModel, WrongModelKind, ModelTooLarge.
    """
    nodes: dict[str, Node] = {}
    producer: int | None = None
    blocks = _Blocks()

    def take(block: str, line: int, column: int) -> None:
        nonlocal producer
        graph = _parse_block(block, line, column, display, bool(nodes))
        for node_def in graph.node:
            node = to_node(node_def)
            if node.name in nodes:
                raise CorruptModel(
                    f"{display} has two nodes named {node.name!r}; TensorFlow refuses such a graph. "
                    "Export the frozen graph again."
                )
            nodes[node.name] = node
        if graph.HasField("versions"):
            producer = int(graph.versions.producer)

    try:
        for text in _chars(read, size, progress):
            for found in blocks.feed(text):
                take(*found)
        for found in blocks.finish():
            take(*found)
    except _BlockTooLarge as err:
        raise ModelTooLarge(
            f"{display} has a text block of more than {MAX_TEXT_BLOCK_CHARS // 2**20} MiB starting at line "
            f"{err.line} (weights written as text); write the graph in binary form instead "
            "(tf.io.write_graph(..., as_text=False)) and point amct-lsp at the .pb.",
        ) from None
    return nodes, producer


__all__ = ["FREEZE_ADVICE", "MAX_TEXT_BLOCK_CHARS", "NotText", "looks_like_text", "read_text_graph"]
