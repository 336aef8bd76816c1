"""The topology index every other layer reads: node names, ops, edges and the few attrs AMCT's rules need.

Weights are never kept here; a Const only remembers its dtype and shape.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

#: Attribute values we keep: scalars, lists of ints and dtype names (e.g. "DT_FLOAT").
AttrScalar = str | int | float | bool
AttrValue = AttrScalar | tuple[int, ...] | tuple[str, ...]

#: Ops that can never be a network tail (they produce no computed output).
NON_TAIL_OPS = frozenset(
    {"Const", "Placeholder", "PlaceholderWithDefault", "NoOp", "VariableV2", "VarHandleOp", "Variable",
     "Assert", "SaveV2", "RestoreV2", "Print", "PrintV2",
     # Variable and checkpoint bookkeeping of graphs that were not frozen: never the network's output.
     "Assign", "AssignAdd", "AssignSub", "AssignVariableOp", "AssignAddVariableOp", "AssignSubVariableOp",
     "VarIsInitializedOp", "IsVariableInitialized", "MergeV2Checkpoints"}
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Node:
    """One NodeDef, reduced to what the rewrite rules look at."""

    name: str
    op: str
    #: Raw input strings as in the NodeDef: "x", "x:1", "^ctrl".
    inputs: tuple[str, ...] = ()
    #: Kept attrs only (T, dtype, transpose_a/b, adj_x/y, dilations, is_training, data_format, strides, ...).
    attrs: Mapping[str, AttrValue] = field(default_factory=dict)
    #: For Const: dtype name of the value ("DT_FLOAT") and its shape (() for a scalar); None otherwise.
    const_dtype: str | None = None
    const_shape: tuple[int, ...] | None = None

    @property
    def data_inputs(self) -> tuple[str, ...]:
        """Inputs that carry data (control inputs `^x` dropped)."""
        return tuple(i for i in self.inputs if not i.startswith("^"))

    @property
    def dtype(self) -> str | None:
        """The node's element type: attr `T`, else `dtype`, else the Const value's dtype."""
        for key in ("T", "dtype"):
            value = self.attrs.get(key)
            if isinstance(value, str):
                return value
        return self.const_dtype


def split_input(ref: str) -> tuple[str, int]:
    """Split a NodeDef input (`x`, `x:1`, `^x`) into (node name, output index)."""
    ref = ref.removeprefix("^")
    name, sep, index = ref.rpartition(":")
    if sep and index.isdigit():
        return name, int(index)
    return ref, 0


@dataclass(slots=True)
class ModelGraph:
    """A read-only index over a GraphDef's nodes, in file order."""

    nodes: dict[str, Node]
    #: Where the graph was read from (absolute path), or "" for an in-memory graph.
    path: str = ""
    #: Producer version from GraphDef.versions, when present (not `producer`: that is the method below).
    producer_version: int | None = None
    _consumers: dict[str, list[tuple[str, int]]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        consumers: dict[str, list[tuple[str, int]]] = {}
        for node in self.nodes.values():
            for position, ref in enumerate(node.data_inputs):
                producer = split_input(ref)[0]
                edges = consumers.get(producer)
                if edges is None:
                    consumers[producer] = [(node.name, position)]
                else:
                    edges.append((node.name, position))
        self._consumers = consumers

    def __contains__(self, name: object) -> bool:
        return name in self.nodes

    def __iter__(self) -> Iterator[Node]:
        return iter(self.nodes.values())

    def __len__(self) -> int:
        return len(self.nodes)

    def get(self, name: str) -> Node | None:
        return self.nodes.get(name)

    def producer(self, ref: str) -> Node | None:
        """The node that produces input `ref` (`x`, `x:1` or `^x`)."""
        return self.nodes.get(split_input(ref)[0])

    def input_nodes(self, node: Node) -> list[Node | None]:
        """Producers of `node`'s data inputs, in order (None for a dangling reference)."""
        return [self.producer(ref) for ref in node.data_inputs]

    def consumers(self, name: str) -> list[tuple[str, int]]:
        """(consumer name, data-input position) for every data edge leaving node `name`."""
        return list(self._consumers.get(name, ()))

    def tails(self) -> list[Node]:
        """Nodes whose outputs feed no other node's data input (control inputs don't count), excluding
        Const, Placeholder, NoOp and the like."""
        return [n for n in self.nodes.values() if n.name not in self._consumers and n.op not in NON_TAIL_OPS]

    def has_tensor(self, tensor: str) -> bool:
        """Whether `tensor` ("name:N" or an op name) names something in this graph (the index is not
        checked)."""
        return split_input(tensor)[0] in self.nodes
