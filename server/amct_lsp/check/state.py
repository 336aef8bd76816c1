"""The state of one check of one script, shared by the mixins that make up the `Checker`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from amct_lsp.amct.chain import Prediction, RenameChain
from amct_lsp.check.results import CheckResult
from amct_lsp.findings import Span
from amct_lsp.model.cache import ModelCache
from amct_lsp.model.graph import ModelGraph
from amct_lsp.script.facts import NameUse, ScriptAnalysis
from amct_lsp.script.parse import split_lines
from amct_lsp.script.values import Literal


class CheckState:
    """Everything one check of one script reads and builds; the checker's parts are mixins over it."""

    def __init__(
        self,
        source: str,
        path: str,
        analysis: ScriptAnalysis,
        result: CheckResult,
        cache: ModelCache,
        model: str | None,
        root: str | None,
        log: str | None,
        extra_skip_layers: Sequence[str],
    ) -> None:
        self.source = source
        self.path = path
        self.analysis = analysis
        self.result = result
        self.cache = cache
        self.explicit_model = model
        self.root = root
        self.log = log
        self.extra_skip_layers = tuple(extra_skip_layers)
        self.graph: ModelGraph | None = None
        self.prediction: Prediction | None = None
        self.log_chains: Mapping[str, RenameChain] = {}
        self.created: dict[str, RenameChain] = {}  # post-rewrite name (tensor and op form) -> its chain
        self._lines: list[str] | None = None
        self._by_literal: dict[Literal, list[NameUse]] | None = None
        self._by_site: dict[Span, set[str]] | None = None
        #: skip_layers names AMCT ignores because the same call gives a config_defination .cfg.
        self.overridden: set[str] = set()
        #: The other models the script loads (path, graph), read on first need.
        self._others: list[tuple[str, ModelGraph]] | None = None

    @property
    def lines(self) -> list[str]:
        if self._lines is None:
            self._lines = split_lines(self.source)
        return self._lines
