"""Where a key of `[tool.amct]` is written in pyproject.toml.

tomllib gives values without positions, so a problem is placed by scanning the text: the table's header
(`[tool.amct]`, `[tool.amct.severity]`), then the key's `name =` inside it. Honest and simple: an unusual
spelling (a dotted key under `[tool]`, a key split over lines) falls back to the table header, or 1:1.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_HEADER = re.compile(r"^\s*\[\[?\s*([^\]#]+?)\s*\]\]?\s*(?:#.*)?$")
TABLE = ("tool", "amct")


def _table_name(raw: str) -> tuple[str, ...]:
    return tuple(part.strip().strip("\"'") for part in raw.split("."))


def _key(name: str) -> re.Pattern[str]:
    return re.compile(r"(?:^|[\s{,])([\"']?)" + re.escape(name) + r"\1\s*=")


def _tables(lines: Sequence[str]) -> list[tuple[tuple[str, ...], int, int]]:
    """(table name, header line, end line) of every `[table]` in the text, 0-based lines."""
    heads = [(i, m.group(1)) for i, line in enumerate(lines) if (m := _HEADER.match(line))]
    out = []
    for n, (line, raw) in enumerate(heads):
        end = heads[n + 1][0] if n + 1 < len(heads) else len(lines)
        out.append((_table_name(raw), line, end))
    return out


def locate(lines: Sequence[str], keys: Sequence[str]) -> tuple[int, int]:
    """1-based (line, column) of `[tool.amct]` + `keys` in the text: the deepest table header found, then
    each remaining key in order below it; (1, 1) when the table is not found at all."""
    tables = _tables(lines)
    for depth in range(len(keys), -1, -1):
        name = TABLE + tuple(keys[:depth])
        for table, head, end in tables:
            if table != name:
                continue
            row, col = head, len(lines[head]) - len(lines[head].lstrip())
            for key in keys[depth:]:
                pattern = _key(key)
                for i in range(row, end):
                    match = pattern.search(lines[i], col if i == row and i != head else 0)
                    if match:
                        row, col = i, match.start(1)
                        break
                else:
                    break
            return row + 1, col + 1
    return 1, 1
