"""Rename chains: from the AMCT log when there is one, else from the prediction."""

from __future__ import annotations

import os
from collections.abc import Iterable

from amct_lsp.amct.chain import RenameChain
from amct_lsp.amct.log import find_log
from amct_lsp.amct.log_cache import SHARED_LOG_CACHE
from amct_lsp.check.state import CheckState
from amct_lsp.check.verdict import EVIDENCE_LOG, EVIDENCE_PREDICTED


class LogEvidence(CheckState):
    """Reads the AMCT log and answers which chain a name is on (log first)."""

    def _load_log(self) -> None:
        log_path: str | None
        if self.log:
            log_path = os.path.abspath(self.log)
        else:
            start = os.path.dirname(self.path)
            found = find_log(start, self.root) if self.root else find_log(start)
            log_path = str(found) if found is not None else None
        if log_path is None or not os.path.isfile(log_path):
            return
        self.log_chains = SHARED_LOG_CACHE.get(log_path)
        self.result.log_path = log_path
        assert self.prediction is not None
        chains = [*self.prediction.chains, *self.log_chains.values()]
        self._index_created(chains)

    def _chain(self, tensor: str) -> tuple[RenameChain | None, str | None]:
        log_chain = self.log_chains.get(tensor)
        if log_chain is not None and log_chain.steps:
            return log_chain, EVIDENCE_LOG
        assert self.prediction is not None
        chain = self.prediction.chain_for(tensor)
        if chain is not None and chain.steps:
            return chain, EVIDENCE_PREDICTED
        return None, None

    def _created_chain(self, value: str) -> RenameChain | None:
        if not self.created and self.prediction is not None:
            self._index_created(self.prediction.chains)
        return self.created.get(value)

    def _index_created(self, chains: Iterable[RenameChain]) -> None:
        """Note each name a chain creates (tensor and op form) → that chain; the first chain keeps it."""
        for chain in chains:
            for name in chain.names()[1:]:
                self.created.setdefault(name, chain)
                self.created.setdefault(name.rpartition(":")[0], chain)
