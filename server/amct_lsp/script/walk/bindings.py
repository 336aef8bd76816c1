"""Binding values to assignment targets: names (in the scope `global`/`nonlocal` say), tuples, attributes."""

from __future__ import annotations

from typing import TYPE_CHECKING

import libcst as cst

from amct_lsp.script import values as V
from amct_lsp.script.walk.scopes import Frame

if TYPE_CHECKING:
    from amct_lsp.script.walk.interpreter import Interpreter


class Binder:
    """Assignment targets: names, tuples and lists of targets, attributes of the script's objects."""

    def __init__(self, walk: Interpreter) -> None:
        self.walk = walk

    def bind(self, target: cst.BaseExpression, vals: V.Vals, frame: Frame) -> None:
        if isinstance(target, cst.Name):
            scope = frame.declared.get(target.value)
            (scope if scope is not None else frame.env).vars[target.value] = vals
            self.walk.record.bound_names.add(target.value)
        elif isinstance(target, cst.Tuple | cst.List):
            elements = [e for e in target.elements]
            for i, element in enumerate(elements):
                if isinstance(element, cst.StarredElement):
                    self.bind(element.value, (), frame)
                    continue
                parts: list[V.Val] = []
                for v in vals:
                    if isinstance(v, V.Seq) and len(v.items) == len(elements):
                        parts.extend(v.items[i])
                self.bind(element.value, V.union(parts), frame)
        elif isinstance(target, cst.Attribute):
            owners = self.walk.eval(target.value, frame)
            objects = [v for v in owners if isinstance(v, V.InstanceObj | V.ClassObj)]
            for obj in objects:
                attrs = obj.obj.attrs if isinstance(obj, V.InstanceObj) else obj.info.attrs.vars
                name = target.attr.value
                # One object: the assignment replaces the value; several possible objects: it may.
                attrs[name] = vals if len(objects) == 1 else V.union(attrs.get(name, ()), vals)
        elif isinstance(target, cst.Subscript):
            self.walk.eval(target, frame)
