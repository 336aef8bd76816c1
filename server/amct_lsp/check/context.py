"""The frozen context every stage of a check reads: the script (text and analysis), the model, the options
and the log. Built once per check by `checker.check_source`; the judge, the fixes and the report are plain
functions of it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from amct_lsp.amct.chain import Prediction
from amct_lsp.check.log_evidence import Chains
from amct_lsp.check.model_context import ModelStage, OtherModels
from amct_lsp.model.graph import ModelGraph
from amct_lsp.script.facts import NameUse, ScriptAnalysis
from amct_lsp.script.values import Literal
from amct_lsp.text import Span


@dataclass(frozen=True, slots=True)
class UseIndex:
    """The uses by literal and the values by use site, built once per check."""

    by_literal: Mapping[Literal, tuple[NameUse, ...]]
    by_site: Mapping[Span, frozenset[str]]

    @classmethod
    def build(cls, uses: list[NameUse]) -> UseIndex:
        by_literal: dict[Literal, list[NameUse]] = {}
        by_site: dict[Span, set[str]] = {}
        for use in uses:
            for lit in use.value.literals:
                by_literal.setdefault(lit, []).append(use)
            by_site.setdefault(use.site, set()).add(use.value.value)
        return cls(
            {k: tuple(v) for k, v in by_literal.items()}, {k: frozenset(v) for k, v in by_site.items()}
        )

    def uses_of(self, literal: Literal) -> tuple[NameUse, ...]:
        """Every use whose value has characters from `literal`."""
        return self.by_literal.get(literal, ())

    def site_replaceable(self, use: NameUse) -> bool:
        """The use's expression holds this one value only, so it may be replaced by a literal."""
        return use.site_replaceable and len(self.by_site.get(use.site, ())) == 1


@dataclass(frozen=True, slots=True)
class CheckContext:
    """One script checked against a readable model."""

    path: str
    lines: tuple[str, ...]  # the script's lines without their ends
    analysis: ScriptAnalysis
    model: ModelStage
    graph: ModelGraph
    prediction: Prediction
    chains: Chains
    uses: UseIndex
    others: OtherModels
