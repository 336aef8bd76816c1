"""Issue 8's shape rules, checked on the source: no class mixes two project-defined bases, no chain of
project-defined ancestors is longer than two, and no module calls another module's private (`_x`) function."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "server" / "amct_lsp"


def _classes() -> dict[str, tuple[str, list[str]]]:
    """Class name → (module file, names of its bases as written)."""
    found: dict[str, tuple[str, list[str]]] = {}
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                bases = []
                for base in node.bases:
                    target = base.value if isinstance(base, ast.Subscript) else base
                    if isinstance(target, ast.Name):
                        bases.append(target.id)
                    elif isinstance(target, ast.Attribute):
                        bases.append(target.attr)
                found[f"{path.relative_to(PACKAGE)}:{node.name}"] = (str(path), bases)
    return found


def test_no_class_mixes_project_bases_and_chains_stay_short() -> None:
    classes = _classes()
    by_name: dict[str, list[str]] = {}
    for key, (_, bases) in classes.items():
        by_name.setdefault(key.rsplit(":", 1)[1], []).extend(bases)

    def project_bases(name: str) -> list[str]:
        return [b for b in by_name.get(name, []) if b in by_name]

    def depth(name: str, seen: frozenset[str] = frozenset()) -> int:
        if name in seen:
            return 0
        parents = project_bases(name)
        return 0 if not parents else 1 + max(depth(p, seen | {name}) for p in parents)

    mixed = {
        k: project_bases(k.rsplit(":", 1)[1]) for k in classes if len(project_bases(k.rsplit(":", 1)[1])) > 1
    }
    deep = {k: depth(k.rsplit(":", 1)[1]) for k in classes if depth(k.rsplit(":", 1)[1]) > 2}
    assert mixed == {}, f"classes with two or more project-defined bases: {mixed}"
    assert deep == {}, f"classes with more than two project-defined ancestors in a chain: {deep}"


def test_no_module_uses_another_modules_private_names() -> None:
    """`from amct_lsp.x import _y`, or `x._y` on an imported project module: an untyped, unnamed seam."""
    offences: list[str] = []
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        project_aliases: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("amct_lsp"):
                for alias in node.names:
                    if alias.name.startswith("_") and not alias.name.startswith("__"):
                        offences.append(
                            f"{path.relative_to(PACKAGE)}: from {node.module} import {alias.name}"
                        )
                    project_aliases.add(alias.asname or alias.name)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.startswith("amct_lsp"):
                        project_aliases.add(alias.asname or alias.name.split(".")[0])
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in project_aliases
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
            ):
                offences.append(f"{path.relative_to(PACKAGE)}:{node.lineno}: {node.value.id}.{node.attr}")
    assert offences == []
