"""A replica of `tf.Graph.unique_name` / `Graph.name_scope`, because AMCT names its new ops through them.

The suffix a new op gets (`bias_add_1`, `search_n_quant_2`) depends only on the names the graph already
holds, so replaying TensorFlow's bookkeeping here predicts it without importing TensorFlow.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager


class NameAllocator:
    """TensorFlow's name bookkeeping for one graph: existing op names are taken, case-insensitively."""

    def __init__(self, existing_op_names: Iterable[str] = ()) -> None:
        self._in_use: dict[str, int] = {}
        #: Lower-cased name → the op name as the model spells it; only ops that were in the model.
        self._existing: dict[str, str] = {}
        self._stack = ""
        for name in existing_op_names:
            key = name.lower()
            # Like Graph._create_op_from_tf_operation: only the full op name is marked, never its scopes.
            self._in_use.setdefault(key, 1)
            self._existing.setdefault(key, name)

    @property
    def current_scope(self) -> str:
        """The active name scope without a trailing slash ("" at the root)."""
        return self._stack

    def unique_name(self, name: str, mark_as_used: bool = True) -> str:
        """Exactly `tf.Graph.unique_name`: prefix the scope, then the first free `_N` (case-insensitive)."""
        if self._stack:
            name = f"{self._stack}/{name}"
        key = name.lower()
        i = self._in_use.get(key, 0)
        if mark_as_used:
            self._in_use[key] = i + 1
        if i > 0:
            base = key
            while key in self._in_use:
                key = f"{base}_{i}"
                i += 1
            if mark_as_used:
                self._in_use[key] = 1
            name = f"{name}_{i - 1}"
        return name

    @contextmanager
    def name_scope(self, name: str | None) -> Iterator[str]:
        """Like `tf.Graph.name_scope`: a new unique scope; `"a/"` re-enters `a`; `""`/None resets to root."""
        old = self._stack
        if not name:
            new_stack, returned = "", ""
        elif name.endswith("/"):
            new_stack, returned = name[:-1], name
        else:
            new_stack = self.unique_name(name)
            returned = new_stack + "/"
        self._stack = new_stack
        try:
            yield returned
        finally:
            self._stack = old

    def is_taken(self, name: str) -> bool:
        """Whether `name` (full path, any case) is an op of the model or a name allocated so far."""
        return name.lower() in self._in_use

    def existing_op(self, name: str) -> str | None:
        """The model's op named `name` (case-insensitively), if any (not names allocated in this run)."""
        return self._existing.get(name.lower())
