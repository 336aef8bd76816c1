"""Read `amct_log/amct_tensorflow.log`: the renames AMCT made. A name confirmed here beats a prediction.

Records look like `%(asctime)s - %(levelname)s - [AMCT]:[module]: message`. A rename message is followed by
`>>>…The name of the old output node is 'X'` and `<<<…The name of the new output node is 'Y'` (physical lines,
or run together on one line as the FAQ prints them). Messages over 500 characters are split into several
records; the continuation record carries the rest of the text, so such records are joined first.
"""

from __future__ import annotations

import os
import re
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import TextIO

from amct_lsp.amct.chain import Evidence, RenameChain, RenameStep
from amct_lsp.fileio import MAX_LOG_BYTES, open_regular

_HEADER = re.compile(
    r"(?P<ts>\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(?:[,.]\d+)?)\s+-\s+(?P<level>[A-Z]+)\s+-\s+"
    r"\[AMCT\]:(?:\[(?P<module>[^\]\n]*)\]:)?[ \t]?"
)
_OLD = re.compile(r">{3,}\s*The name of the old output node is '(?P<name>[^'\n]*)'")
_NEW = re.compile(r"<{3,}\s*The name of the new output node is '(?P<name>[^'\n]*)'")
_RENAME_HINT = re.compile(r"output node|>>>|<<<|at the end of the network", re.IGNORECASE)
#: A rename message is a few hundred characters plus two names; this bounds joining records on garbage input.
_MAX_MESSAGE = 20_000

#: Passes whose rename removes the old node; searchN insertion (`quantize_model`) keeps it.
_KEEPS_OLD = frozenset({"quantize_model"})


@dataclass(frozen=True, slots=True)
class LogRename:
    """One rename AMCT reported: `old` → `new` by `pass_name` at `timestamp`; `line` is 1-based."""

    pass_name: str
    old: str
    new: str
    timestamp: str
    line: int
    #: The first sentence of the message ("Replace ADD at the end of the network!").
    message: str = ""


@dataclass
class _Record:
    timestamp: str
    level: str
    module: str
    message: str
    line: int


#: A physical line is read at most this many characters at a time, so one huge line never fills memory.
_CHUNK = 1 << 16
#: A record keeps at most this much of its message (a rename message is a few hundred characters).
_RECORD_LIMIT = 1 << 20
#: A message split at 500 characters into at most `_MAX_MESSAGE / 500` records; garbage joins stop here.
_MAX_JOINED = 64


class _RecordBuilder:
    """The record being read: its header and the pieces of its message (bounded by `_RECORD_LIMIT`)."""

    def __init__(self, match: re.Match[str], line: int) -> None:
        self.timestamp = match.group("ts")
        self.level = match.group("level")
        self.module = match.group("module") or ""
        self.line = line
        self.pieces: list[str] = []
        self.size = 0

    def add(self, piece: str) -> None:
        if piece and self.size < _RECORD_LIMIT:
            self.pieces.append(piece[: _RECORD_LIMIT - self.size])
            self.size += len(self.pieces[-1])

    def build(self) -> _Record:
        message = "".join(self.pieces)
        # Drop only the handler's line terminator: a split message may end in meaningful spaces.
        if message.endswith("\r\n"):
            message = message[:-2]
        elif message.endswith("\n"):
            message = message[:-1]
        return _Record(self.timestamp, self.level, self.module, message, self.line)


def _records(chunks: Iterable[str]) -> Iterator[_Record]:
    """The records of a log given as line pieces (each ends at a newline or is a slice of a long line).

    One pass, each character looked at a bounded number of times: linear in the size of the log."""
    current: _RecordBuilder | None = None
    line = 1
    for chunk in chunks:
        pos = 0
        for match in _HEADER.finditer(chunk):
            if current is not None:
                current.add(chunk[pos : match.start()])
                yield current.build()
            current = _RecordBuilder(match, line)
            pos = match.end()
        if current is not None:
            current.add(chunk[pos:])
        if chunk.endswith("\n"):
            line += 1
    if current is not None:
        yield current.build()


def _text_chunks(text: str) -> Iterator[str]:
    """`text` in physical lines (split at \\n only, as the log handler writes them), long ones in slices."""
    start = 0
    size = len(text)
    while start < size:
        end = text.find("\n", start, start + _CHUNK)
        stop = end + 1 if end >= 0 else min(start + _CHUNK, size)
        yield text[start:stop]
        start = stop


def _file_chunks(handle: TextIO) -> Iterator[str]:
    return iter(lambda: handle.readline(_CHUNK), "")


def _complete(message: str) -> bool:
    return _NEW.search(message) is not None and _OLD.search(message) is not None


def _first_sentence(message: str) -> str:
    head = re.split(r">{3,}|<{3,}", message, maxsplit=1)[0].strip()
    match = re.match(r"(.*?[!.])(\s|$)", head)
    return (match.group(1) if match else head)[:200]


def parse_log(text: str) -> list[LogRename]:
    """Every rename in the log text, in order. Other records and garbage lines are ignored."""
    return list(_renames(_records(_text_chunks(text))))


def _renames(records: Iterable[_Record]) -> Iterator[LogRename]:
    """The renames of a stream of records, looking ahead at most `_MAX_JOINED` records."""
    source = iter(records)
    window: deque[_Record] = deque()

    def at(index: int) -> _Record | None:
        while len(window) <= index:
            nxt = next(source, None)
            if nxt is None:
                return None
            window.append(nxt)
        return window[index]

    while at(0) is not None:
        record = window[0]
        message = record.message
        if not _RENAME_HINT.search(message):
            window.popleft()
            continue
        j = 1
        # Join continuation records of a message split at 500 characters.
        while not _complete(message) and len(message) < _MAX_MESSAGE and j < _MAX_JOINED:
            nxt = at(j)
            if nxt is None:
                break
            # A continuation repeats the record's level; its module tag may be repeated or left out.
            if nxt.module not in (record.module, "") or nxt.level != record.level:
                break
            if (
                _OLD.search(message) is None
                and _NEW.search(message) is None
                and _RENAME_HINT.search(nxt.message[:200])
                and nxt.message.lstrip().startswith(("Replace", "Fused", "Insert"))
            ):
                break  # the next record is a new rename message, not a continuation
            message += nxt.message
            j += 1
        old, new = _OLD.search(message), _NEW.search(message)
        if old is not None and new is not None and old.group("name") and new.group("name"):
            yield LogRename(
                record.module,
                old.group("name"),
                new.group("name"),
                record.timestamp,
                record.line,
                _first_sentence(message),
            )
            for _ in range(j):
                window.popleft()
        else:
            window.popleft()


def _seconds(timestamp: str) -> float | None:
    try:
        when = datetime.strptime(timestamp.replace("T", " ").replace(",", "."), "%Y-%m-%d %H:%M:%S.%f")
    except ValueError:
        try:
            when = datetime.strptime(timestamp.replace("T", " "), "%Y-%m-%d %H:%M:%S")
        except ValueError:
            return None
    return when.timestamp()


def _largest_gap(seq: list[LogRename]) -> int:
    """Index in `seq` (≥ 1) after the longest pause: where a second run most likely starts."""
    best, best_gap = len(seq) - 1, -1.0
    for index in range(1, len(seq)):
        before, after = _seconds(seq[index - 1].timestamp), _seconds(seq[index].timestamp)
        gap = after - before if before is not None and after is not None else 0.0
        if gap >= best_gap:  # ties go to the later split: the last run stays small
            best, best_gap = index, gap
    return best


def _last_run(renames: Iterable[LogRename]) -> list[LogRename]:
    """The last run of a concatenation of several runs' logs (AMCT overwrites it per run, but files get
    appended). Only the run being read and the one before are kept, so a long log needs little memory.

    A run never renames the same name twice, and its records are seconds apart at most: time going back starts
    a new run; a repeated old name starts one at the longest pause before it.
    """
    last: list[LogRename] = []
    current: list[LogRename] = []
    olds: set[str] = set()
    for rename in renames:
        now = _seconds(rename.timestamp)
        prev = _seconds(current[-1].timestamp) if current else None
        if current and now is not None and prev is not None and now < prev:
            last, current, olds = current, [], set()
        while rename.old in olds:
            cut = _largest_gap([*current, rename])
            last, current = current[:cut], current[cut:]
            olds = {r.old for r in current}
        current.append(rename)
        olds.add(rename.old)
    return current or last


def log_chains(renames: Iterable[LogRename]) -> dict[str, RenameChain]:
    """Chain old → new → newer, keyed by the first old name; only the last run of the log counts."""
    chains: dict[str, list[RenameStep]] = {}
    head_of: dict[str, str] = {}  # current end name of a chain → its first old name
    for rename in _last_run(renames):
        step = RenameStep(
            pass_name=rename.pass_name or "amct",
            old=rename.old,
            new=rename.new,
            reason=rename.message or f"reported by AMCT's {rename.pass_name or 'log'}",
            evidence=Evidence.LOG,
            removes_old=rename.pass_name not in _KEEPS_OLD,
            timestamp=rename.timestamp,
        )
        head = head_of.pop(rename.old, rename.old)
        chains.setdefault(head, []).append(step)
        head_of[rename.new] = head
    return {
        head: RenameChain(head.rpartition(":")[0] if ":" in head else head, tuple(steps))
        for head, steps in chains.items()
    }


def read_log_chains(path: str | os.PathLike[str]) -> dict[str, RenameChain]:
    """`log_chains(parse_log(...))` of a log file; an unreadable file gives no chains (it is only a hint)."""
    try:
        # Universal newlines, as `read_text` gives; a regular file only, read a bounded piece at a time.
        fd, _size = open_regular(path, MAX_LOG_BYTES)
        with open(fd, encoding="utf-8", errors="replace") as handle:
            return log_chains(_renames(_records(_file_chunks(handle))))
    except OSError:
        return {}
