"""Import tracking: which local names stand for modules and which for AMCT's APIs."""

from __future__ import annotations

from collections.abc import Iterable

import libcst as cst

from amct_lsp.script.walk.known_apis import AMCT_MODULE
from amct_lsp.script.walk.record import Record
from amct_lsp.script.walk.syntax import dotted_name


class ImportTable:
    """Records imports and resolves dotted call targets through them."""

    def __init__(self, record: Record, amct_apis: Iterable[str]) -> None:
        self.record = record
        self.amct_apis = tuple(amct_apis)  # what `from amct_tensorflow import *` brings in
        self.modules: dict[str, str] = {}  # local name -> dotted module path ("tf" -> "tensorflow")
        self.amct_funcs: dict[str, str] = {}  # local name -> AMCT api

    def add_import(self, node: cst.Import) -> None:
        for alias in node.names:
            dotted = dotted_name(alias.name)
            if dotted is None:
                continue
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                local = alias.asname.name.value
                self.modules[local] = dotted
            else:
                local = dotted.split(".")[0]
                self.modules[local] = local
            self.record.bound_names.add(local)
            if dotted == AMCT_MODULE or dotted.startswith(AMCT_MODULE + "."):
                self.record.uses_amct = True

    def add_import_from(self, node: cst.ImportFrom) -> None:
        if node.module is None or node.relative:
            return
        module = dotted_name(node.module)
        if module is None or isinstance(node.names, cst.ImportStar):
            if module is not None and module.split(".")[0] == AMCT_MODULE:
                self.record.uses_amct = True
                for api in self.amct_apis:
                    self.amct_funcs[api] = api
            return
        is_amct = module == AMCT_MODULE or module.startswith(AMCT_MODULE + ".")
        self.record.uses_amct |= is_amct
        for alias in node.names:
            if not isinstance(alias.name, cst.Name):
                continue
            name = alias.name.value
            local = name
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                local = alias.asname.name.value
            self.record.bound_names.add(local)
            if is_amct:
                self.amct_funcs[local] = name
            else:
                self.modules[local] = f"{module}.{name}"

    def canonical(self, func: cst.BaseExpression) -> str | None:
        """`tf.gfile.GFile` with `import tensorflow as tf` → "tensorflow.gfile.GFile"; None if not dotted."""
        dotted = dotted_name(func)
        if dotted is None:
            return None
        head, _, rest = dotted.partition(".")
        if head in self.modules:
            head = self.modules[head]
        return f"{head}.{rest}" if rest else head

    def amct_api(self, func: cst.BaseExpression) -> str | None:
        if isinstance(func, cst.Name):
            return self.amct_funcs.get(func.value)
        canonical = self.canonical(func)
        if canonical and canonical.startswith(AMCT_MODULE + "."):
            return canonical.rsplit(".", 1)[1]
        return None
