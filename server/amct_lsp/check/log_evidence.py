"""Pipeline stage 2: rename chains from the AMCT log when there is one, else from the prediction."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from amct_lsp.amct.chain import Prediction, RenameChain
from amct_lsp.amct.log_cache import SHARED_LOG_CACHE, LogCache
from amct_lsp.check.verdict import EVIDENCE_LOG, EVIDENCE_PREDICTED
from amct_lsp.discovery import locate_log


@dataclass(frozen=True, slots=True)
class Chains:
    """The chains a check knows: the log's (which win) and the prediction's, and what each creates."""

    prediction: Prediction
    log_path: str | None = None
    log_chains: Mapping[str, RenameChain] = field(default_factory=dict)
    #: Each name a chain creates (tensor and op form) → that chain; the first chain keeps it.
    created: Mapping[str, RenameChain] = field(default_factory=dict)

    def chain(self, tensor: str) -> tuple[RenameChain | None, str | None]:
        """The chain `tensor` starts, and its evidence ("amct-log" or "predicted")."""
        log_chain = self.log_chains.get(tensor)
        if log_chain is not None and log_chain.steps:
            return log_chain, EVIDENCE_LOG
        chain = self.prediction.chain_for(tensor)
        if chain is not None and chain.steps:
            return chain, EVIDENCE_PREDICTED
        return None, None

    def created_chain(self, value: str) -> RenameChain | None:
        """The chain that creates `value` (a post-rewrite tensor or op name)."""
        return self.created.get(value)


def load_chains(
    prediction: Prediction,
    script_path: str,
    root: str | None,
    log: str | None,
    cache: LogCache = SHARED_LOG_CACHE,
) -> Chains:
    """Find and read (through the cache) the AMCT log; index what every chain creates."""
    log_path = locate_log(script_path, root, log)
    log_chains = cache.get(log_path) if log_path is not None else {}
    created = _index_created([*prediction.chains, *log_chains.values()])
    return Chains(prediction, log_path, log_chains, created)


def _index_created(chains: Iterable[RenameChain]) -> dict[str, RenameChain]:
    created: dict[str, RenameChain] = {}
    for chain in chains:
        for name in chain.created():
            created.setdefault(name, chain)
            created.setdefault(name.rpartition(":")[0], chain)
    return created
