"""Import tracking: which local names stand for modules and which for AMCT's APIs."""

from __future__ import annotations

import libcst as cst

from amct_lsp.script.walk.known_apis import AMCT_MODULE, AMCT_SIGNATURES
from amct_lsp.script.walk.scopes import Frame
from amct_lsp.script.walk.state import WalkState
from amct_lsp.script.walk.syntax import dotted_name


class ImportTable(WalkState):
    """Records imports and resolves dotted call targets through them."""

    def _import(self, node: cst.Import, frame: Frame) -> None:
        for alias in node.names:
            dotted = dotted_name(alias.name)
            if dotted is None:
                continue
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                local = alias.asname.name.value
                self.imports[local] = dotted
            else:
                local = dotted.split(".")[0]
                self.imports[local] = local
            self.bound_names.add(local)
            if dotted == AMCT_MODULE or dotted.startswith(AMCT_MODULE + "."):
                self.uses_amct = True

    def _import_from(self, node: cst.ImportFrom, frame: Frame) -> None:
        if node.module is None or node.relative:
            return
        module = dotted_name(node.module)
        if module is None or isinstance(node.names, cst.ImportStar):
            if module is not None and module.split(".")[0] == AMCT_MODULE:
                self.uses_amct = True
                for api in AMCT_SIGNATURES:
                    self.amct_funcs[api] = api
            return
        is_amct = module == AMCT_MODULE or module.startswith(AMCT_MODULE + ".")
        self.uses_amct |= is_amct
        for alias in node.names:
            if not isinstance(alias.name, cst.Name):
                continue
            name = alias.name.value
            local = name
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                local = alias.asname.name.value
            self.bound_names.add(local)
            if is_amct:
                self.amct_funcs[local] = name
            else:
                self.imports[local] = f"{module}.{name}"

    def _canonical(self, func: cst.BaseExpression) -> str | None:
        """`tf.gfile.GFile` with `import tensorflow as tf` → "tensorflow.gfile.GFile"; None if not dotted."""
        dotted = dotted_name(func)
        if dotted is None:
            return None
        head, _, rest = dotted.partition(".")
        if head in self.imports:
            head = self.imports[head]
        return f"{head}.{rest}" if rest else head

    def _amct_api(self, func: cst.BaseExpression) -> str | None:
        if isinstance(func, cst.Name):
            return self.amct_funcs.get(func.value)
        canonical = self._canonical(func)
        if canonical and canonical.startswith(AMCT_MODULE + "."):
            return canonical.rsplit(".", 1)[1]
        return None
