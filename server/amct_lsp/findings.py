"""Moved: findings live in the engine (`amct_lsp.check.findings`), positions in `amct_lsp.text`.

Kept as a re-export so code written against the old place keeps working until it is updated; new code imports
from the two modules above (script code only from `amct_lsp.text`: it sits below the engine).
"""

from __future__ import annotations

from amct_lsp.check.findings import Code, Finding, Fix, Related, Severity
from amct_lsp.text import Position, Span, TextEdit

__all__ = ["Code", "Finding", "Fix", "Position", "Related", "Severity", "Span", "TextEdit"]
