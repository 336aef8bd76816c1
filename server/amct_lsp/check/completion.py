"""The model's names to offer in a name string, phase-aware: `complete(...)` (the LSP feature translates).

After `quantize_model` the names the rewrite creates (each renamed tail's final name) come first, and a
renamed tail's old name comes last, marked stale, so it is never offered above its replacement; typing the
old name also offers the new one. Before `quantize_model`, in `save_model(outputs=...)` and in
`calib_outputs` the original names are offered (op names where the API takes op names), network outputs
first. Names are filtered here by what was typed (segment-aware: `conv/bia` matches `conv1/bias_add`), so
a ResNet-sized graph answers with a short list; the list is capped and says when it was cut.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import IntEnum
from operator import attrgetter
from typing import NamedTuple

from amct_lsp.amct.chain import RenameChain
from amct_lsp.amct.layers import BATCH_MATMUL_OPS, QUANTIZABLE_OPS
from amct_lsp.check.log_evidence import Chains, load_chains
from amct_lsp.check.name_slot import NameSlot, name_slot
from amct_lsp.check.results import CheckResult
from amct_lsp.model.cache import ModelCache
from amct_lsp.model.errors import ModelError
from amct_lsp.model.graph import ModelGraph, Node
from amct_lsp.script.facts import Phase, ScriptAnalysis, UseKind
from amct_lsp.text import Position

#: At most this many items per answer (the rest: `Completions.truncated`).
MAX_ITEMS = 200

#: The op a rewrite pass leaves at the end of the network, for the new names it creates. The FAQ's names
#: show it for replace_bn (`.../FusedBatchNormV3`), replace_add (`bias_add/BiasAdd`) and searchN
#: (`.../Identity`); that a fused BN ends in a BiasAdd op (`bias_add:0`) is our inference (amct-rules.md).
_NEW_OP = {
    "replace_bn_pass": "FusedBatchNormV3",
    "replace_add_pass": "BiasAdd",
    "conv_bn_fusion_pass": "BiasAdd (inferred)",
    "group_conv_bn_fusion_pass": "BiasAdd (inferred)",
    "matmul_bn_fusion_pass": "BiasAdd (inferred)",
    "quantize_model": "Identity",
}
_LAYER_OPS = QUANTIZABLE_OPS | BATCH_MATMUL_OPS | {"Conv3D"}
_INPUT_OPS = frozenset({"Placeholder", "PlaceholderWithDefault"})
_MULTI_OUTPUT = {"Split": "num_split", "SplitV": "num_split", "Unpack": "num"}


class Tier(IntEnum):
    """Where a name ranks, best first."""

    NEW = 0  # created by quantize_model: the right name after it
    OUTPUT = 1  # a network output (tail) of the model
    INPUT = 2  # a Placeholder
    NODE = 3
    CONST = 4  # weights and constants: rarely what a script looks up
    STALE = 9  # renamed by quantize_model: wrong after it


class Candidate(NamedTuple):
    """One name to offer (a tuple: thousands are made per request on a big graph)."""

    name: str  # the whole value ("search_n_quant/search_n_quant_SEARCHN/Identity:0")
    op: str  # its op type
    tier: Tier
    #: The tail's rename chain, for renamed tails (old and new names alike), and its evidence.
    chain: RenameChain | None = None
    evidence: str | None = None
    #: A new name offered because what was typed matches the old name it replaces: that old name.
    replaces: str | None = None
    #: How well it matches what was typed (0: prefix, 1: prefix ignoring case, 2: segment by segment).
    quality: int = 0

    @property
    def stale(self) -> bool:
        return self.tier is Tier.STALE


@dataclass(frozen=True, slots=True)
class Completions:
    slot: NameSlot
    items: tuple[Candidate, ...]
    #: How many names matched before the cap.
    total: int
    model_path: str

    @property
    def truncated(self) -> bool:
        return self.total > len(self.items)

    @property
    def incomplete(self) -> bool:
        """Whether the client must ask again as the user types: the list was cut, or filtered by a typed
        prefix (deleting a character must bring back the names it hid)."""
        return self.truncated or bool(self.slot.pattern)

    def insert_text(self, item: Candidate) -> str:
        """What replaces the slot's characters: the name without the parts the script adds around the
        literal, and the closing quote when the string was not closed."""
        slot = self.slot
        end = len(item.name) - len(slot.after)
        return item.name[len(slot.before) : end] + slot.closing


def complete(
    source: str,
    pos: Position,
    current: CheckResult | None,
    model: CheckResult | None,
    cache: ModelCache,
    analyze: Callable[[str], ScriptAnalysis],
    limit: int = MAX_ITEMS,
    model_source: str | None = None,
) -> Completions | None:
    """The names to offer at `pos`. `current` is the check of `source` (its analysis gives the slot when
    the text parses); `model` a check of this document whose model was read (the current one, or the last
    that parsed, whose text is `model_source`); `analyze` analyses a repaired text. None outside a name
    string or without a model."""
    if model is None or model.prediction is None or model.model_path is None:
        return None
    earlier = (model_source, model.analysis) if model_source is not None and model.analysis else None
    slot = name_slot(source, pos, current.analysis if current is not None else None, analyze, earlier)
    if slot is None:
        return None
    try:
        graph = cache.get(model.model_path)
    except ModelError:
        return None
    chains = load_chains(model.prediction, model.path, None, model.log_path)
    items, total = ranked(graph, chains, slot, limit)
    return Completions(slot, items, total, model.model_path)


_RANK = attrgetter("tier", "quality")


def ranked(
    graph: ModelGraph, chains: Chains, slot: NameSlot, limit: int = MAX_ITEMS
) -> tuple[tuple[Candidate, ...], int]:
    """The best `limit` names right for the slot that match what was typed (by tier, match quality, then
    file order), and how many matched. Only those kept become `Candidate`s: a big graph matches thousands."""
    prefix = slot.import_prefix
    pattern = slot.pattern[len(prefix) :]
    renamed = _renamed(graph, chains, slot.want_ops)
    after = slot.phase is Phase.AFTER
    new = sorted(_new_names(graph, renamed, slot, pattern), key=_RANK) if after and not prefix else []
    tails = {v.tail for v in chains.prediction.tails}
    tiers: dict[str, Tier | None] = {}
    index = _index(graph, slot.want_ops)
    hits: list[tuple[int, int, int]] = []
    for i, (name, node) in enumerate(index):
        quality = _quality(name, pattern, slot.after)
        if quality is None:
            continue
        tier = tiers.get(node.name, Tier.STALE)
        if tier is Tier.STALE:  # not seen yet (STALE is never a node's own tier)
            tier = tiers[node.name] = _tier(node, tails, slot.kind)
        if tier is None:
            continue
        if after and name in renamed:
            tier = Tier.STALE
        hits.append((tier, quality, i))
    hits.sort()
    out = new[:limit]
    for rank, quality, i in hits[: max(0, limit - len(out))]:
        name, node = index[i]
        chain, evidence = renamed.get(name, (None, None))
        out.append(Candidate(prefix + name, node.op, Tier(rank), chain, evidence, quality=quality))
    return tuple(out), len(new) + len(hits)


def _new_names(
    graph: ModelGraph, renamed: dict[str, tuple[RenameChain, str | None]], slot: NameSlot, pattern: str
) -> Iterator[Candidate]:
    """After quantize_model: each renamed tail's final name, when it matches what was typed or the old name
    it replaces does (typing the old name offers the new one)."""
    for old, (chain, evidence) in renamed.items():
        new = _form(chain.final, slot.want_ops)
        op = _new_op(graph, chain)
        quality = _quality(new, pattern, slot.after)
        if quality is not None:
            yield Candidate(new, op, Tier.NEW, chain, evidence, quality=quality)
            continue
        quality = _quality(old, pattern, slot.after)
        if quality is not None:
            yield Candidate(new, op, Tier.NEW, chain, evidence, replaces=old, quality=quality)


#: Per graph (by identity) and form: every name with its node, built once (a graph is never changed; the
#: model cache hands out the same object until the file changes). A few graphs at most.
_INDEXES: dict[tuple[int, bool], tuple[ModelGraph, list[tuple[str, Node]]]] = {}
_MAX_INDEXES = 8


_INDEX_LOCK = threading.Lock()  # requests are answered in worker threads


def _index(graph: ModelGraph, want_ops: bool) -> list[tuple[str, Node]]:
    key = (id(graph), want_ops)
    with _INDEX_LOCK:
        cached = _INDEXES.get(key)
        if cached is not None and cached[0] is graph:
            return cached[1]
        names = [(name, node) for node in graph for name in _names(node, want_ops)]
        if len(_INDEXES) >= _MAX_INDEXES:
            _INDEXES.pop(next(iter(_INDEXES)))
        _INDEXES[key] = (graph, names)
        return names


def _renamed(graph: ModelGraph, chains: Chains, want_ops: bool) -> dict[str, tuple[RenameChain, str | None]]:
    """Each renamed tail's old name (in the slot's form) → its chain (the AMCT log's when it has one)."""
    starts = [v.output for v in chains.prediction.tails if v.chain is not None]
    starts += [t for t in chains.log_chains if t not in starts]
    out: dict[str, tuple[RenameChain, str | None]] = {}
    for tensor in starts:
        chain, evidence = chains.chain(tensor)
        if chain is not None and chain.final != chain.original:
            out[_form(chain.original, want_ops)] = (chain, evidence)
    return out


def _form(tensor: str, want_ops: bool) -> str:
    return tensor.rpartition(":")[0] if want_ops and ":" in tensor else tensor


def _new_op(graph: ModelGraph, chain: RenameChain) -> str:
    """The op type of a chain's final name: the model's when it keeps an op of the model (a fusion that
    deletes the tail), else the op the last pass creates."""
    node = graph.get(chain.final.rpartition(":")[0])
    if node is not None:
        return node.op
    last = chain.steps[-1].pass_name if chain.steps else ""
    return _NEW_OP.get(last, "new op")


def _tier(node: Node, tails: set[str], kind: UseKind) -> Tier | None:
    """Where the model's node ranks for this kind of use; None: not offered (skip_layers takes layers)."""
    if kind is UseKind.SKIP_LAYER:
        return Tier.NODE if node.op in _LAYER_OPS else None
    if node.name in tails:
        return Tier.OUTPUT
    if node.op in _INPUT_OPS:
        return Tier.OUTPUT if kind is UseKind.FEED else Tier.INPUT
    if node.op == "Const":
        return Tier.CONST
    return Tier.NODE


def _names(node: Node, want_ops: bool) -> list[str]:
    """The node's op name, or its tensor names (`:0`, and each output of a split)."""
    if want_ops:
        return [node.name]
    count = node.attrs.get(_MULTI_OUTPUT.get(node.op, ""), 1)
    outputs = count if isinstance(count, int) and 1 <= count <= 64 else 1
    return [f"{node.name}:{i}" for i in range(outputs)]


def _quality(name: str, pattern: str, suffix: str) -> int | None:
    """How `name` matches what was typed, None when it does not: 0 it starts with it, 1 ignoring case,
    2 each typed `/` segment starts a segment of the name, in a row (`res/conv` → `resnet50/conv1_conv`).
    A name must also end with what the script adds after the literal."""
    if suffix and (not name.endswith(suffix) or len(name) - len(suffix) < len(pattern)):
        return None
    if not pattern or name.startswith(pattern):
        return 0
    lowered, typed = name.lower(), pattern.lower()
    if lowered.startswith(typed):
        return 1
    wanted = typed.split("/")
    parts = lowered.split("/")
    for first in range(len(parts) - len(wanted) + 1):
        if all(parts[first + j].startswith(w) for j, w in enumerate(wanted)):
            return 2
    return None


__all__ = ["MAX_ITEMS", "Candidate", "Completions", "Tier", "complete", "ranked"]
