"""`# amct: ignore`, `# amct: ignore[AMCT001, AMCT002]` and `# amct: model=path` comments.

They are read line by line (cheap, works on scripts that do not parse); a `#` inside a string is told apart
from a comment by counting the quotes before it, which is right for every realistic line.
"""

from __future__ import annotations

import re

from amct_lsp.text import Position, Span, split_lines

#: Also what the editor's "Ignore on this line" action looks for (`amct_lsp.lsp.actions`).
IGNORE_RE = re.compile(r"#.*?\bamct:\s*(?:ignore|noqa)\b(?:\[(?P<codes>[^\]]*)\])?", re.IGNORECASE)
_MODEL = re.compile(r"#\s*amct:\s*model\s*=\s*(?P<path>\"[^\"]+\"|'[^']+'|\S+)", re.IGNORECASE)


def _in_comment(line: str, at: int) -> bool:
    """Whether position `at` (a '#') is outside any string on its line."""
    before = line[:at]
    return before.count("'") % 2 == 0 and before.count('"') % 2 == 0


def _comment_start(line: str, match_start: int) -> int:
    return line.find("#", match_start)


def read_directives(source: str) -> tuple[dict[int, frozenset[str]], tuple[str, Span] | None]:
    """(line → suppressed codes (empty = all), the model directive and the span of its path)."""
    ignores: dict[int, frozenset[str]] = {}
    model: tuple[str, Span] | None = None
    if "amct:" not in source.lower():
        return ignores, model
    for number, line in enumerate(split_lines(source)):
        if "amct:" not in line.lower():
            continue
        for match in IGNORE_RE.finditer(line):
            if not _in_comment(line, _comment_start(line, match.start())):
                continue
            codes = match.group("codes")
            parsed = (
                frozenset(c.strip().upper() for c in codes.split(",") if c.strip()) if codes else frozenset()
            )
            previous = ignores.get(number)
            if previous is not None and (not previous or not parsed):
                parsed = frozenset()
            elif previous is not None:
                parsed = previous | parsed
            ignores[number] = parsed
        found = _MODEL.search(line)
        if found and model is None and _in_comment(line, found.start()):
            raw = found.group("path")
            start = found.start("path")
            end = found.end("path")
            if raw[0] in "'\"":
                raw, start, end = raw[1:-1], start + 1, end - 1
            model = (raw, Span(Position(number, start), Position(number, end)))
    return ignores, model
