"""Small questions about syntax trees that several parts of the walk ask."""

from __future__ import annotations

import libcst as cst


def dotted_name(node: cst.BaseExpression | cst.CSTNode) -> str | None:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = dotted_name(node.value)
        return f"{base}.{node.attr.value}" if base else None
    return None


def last_name(node: cst.BaseExpression) -> str:
    """`c` for `a.b.c` or `c`; "" for anything else (a call, a subscript...)."""
    if isinstance(node, cst.Attribute):
        return node.attr.value
    if isinstance(node, cst.Name):
        return node.value
    return ""
