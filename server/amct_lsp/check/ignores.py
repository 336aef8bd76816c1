"""Suppression comments: `# amct: ignore` and `# amct: ignore[AMCT001]`."""

from __future__ import annotations

from collections.abc import Mapping

from amct_lsp.check.findings import Finding


def is_ignored(finding: Finding, ignores: Mapping[int, frozenset[str]], path: str) -> bool:
    """Whether `# amct: ignore` on the finding's line, or on every line it is used at, silences it."""
    if not ignores:
        return False

    def hit(line: int) -> bool:
        codes = ignores.get(line)
        return codes is not None and (not codes or finding.code.value in codes)

    if hit(finding.span.start.line):
        return True
    uses = [r.span.start.line for r in finding.related if r.path == path]
    return bool(uses) and all(hit(line) for line in uses)
