"""Large scripts made from a small one, for timing and load tests."""

from __future__ import annotations


def grown(seed: str, lines: int, block: str) -> str:
    """`seed` with copies of `block` (formatted with `i`, their index) in front of its first top-level `def`,
    until it has at least `lines` lines."""
    parts: list[str] = []
    count, i = seed.count("\n"), 0
    while count < lines:
        parts.append(block.format(i=i))
        count += block.count("\n")
        i += 1
    head, _, tail = seed.partition("\n\n\ndef ")
    return head + "\n\n\n" + "".join(parts) + "def " + tail
