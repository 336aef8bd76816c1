"""Small questions about syntax trees that several parts of the walk ask."""

from __future__ import annotations

from collections.abc import Iterator

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


def walk_nodes(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """`node` and everything under it (no recursion)."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(current.children)
