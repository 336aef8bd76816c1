"""Markdown → plain text for clients whose hover asks for `plaintext` (`textDocument.hover.contentFormat`),
e.g. eglot without markdown-mode, which would otherwise show the raw `**` and backticks."""

from __future__ import annotations

import re

_LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]*)(?:\s+\"[^\"]*\")?\)")
_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")
_CODE = re.compile(r"`([^`]*)`")
_HEADING = re.compile(r"^#{1,6}\s+", re.MULTILINE)
_FENCE = re.compile(r"^```[^\n]*\n?", re.MULTILINE)
_TABLE_RULE = re.compile(r"^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$\n?", re.MULTILINE)
_HTML_SPACE = re.compile(r"&nbsp;")


def markdown_to_plain(text: str) -> str:
    """The same text without Markdown markup: links keep their text and target, code keeps its content."""
    text = _FENCE.sub("", text)
    text = _TABLE_RULE.sub("", text)
    text = _LINK.sub(lambda m: f"{m.group(1)} ({m.group(2)})" if m.group(2) else m.group(1), text)
    text = _EMPHASIS.sub(r"\2", text)
    text = _CODE.sub(r"\1", text)
    text = _HEADING.sub("", text)
    text = _HTML_SPACE.sub(" ", text)
    return re.sub(r"\\([\\`*_{}\[\]()#+\-.!|])", r"\1", text)


__all__ = ["markdown_to_plain"]
