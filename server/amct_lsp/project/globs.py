"""Glob patterns over script paths relative to the project folder, the way .gitignore reads them.

`*` and `?` stay inside one path segment, `**` crosses segments; a pattern without a slash matches a file or
folder name at any depth; a pattern matching a folder matches everything under it. Patterns are few and
short, so each is translated once and kept.
"""

from __future__ import annotations

import re
from functools import lru_cache

_SPECIAL = {"*": "[^/]*", "?": "[^/]"}


@lru_cache(maxsize=256)
def _regex(pattern: str) -> re.Pattern[str]:
    out: list[str] = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "[" and "]" in pattern[i + 2 :]:
            end = pattern.index("]", i + 2)
            body = pattern[i + 1 : end]
            negate = body[0] in "!^"
            inner = (body[1:] if negate else body).replace("\\", "\\\\").replace("[", "\\[")
            out.append("[" + ("^" if negate else "") + inner + "]")
            i = end + 1
        else:
            out.append(_SPECIAL.get(pattern[i], re.escape(pattern[i])))
            i += 1
    return re.compile("".join(out) + r"\Z")


def glob_match(relative: str, pattern: str) -> bool:
    """Whether the POSIX path `relative` (a script, relative to the project folder) matches `pattern`."""
    pattern = pattern.strip().removeprefix("./")
    if not pattern:
        return False
    anchored = "/" in pattern.rstrip("/")
    regex = _regex(pattern.rstrip("/"))
    parts = relative.split("/")
    if anchored:
        return any(regex.match("/".join(parts[: n + 1])) for n in range(len(parts)))
    return any(regex.match(part) for part in parts)
