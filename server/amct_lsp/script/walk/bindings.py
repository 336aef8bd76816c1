"""Binding values to assignment targets, and defining the script's functions and classes."""

from __future__ import annotations

import libcst as cst

from amct_lsp.script import values as V
from amct_lsp.script.walk.scopes import ClassInfo, Frame, FuncNode, Function
from amct_lsp.script.walk.state import WalkState
from amct_lsp.script.walk.syntax import dotted_name


class Bindings(WalkState):
    """Assignment targets (names, tuples, attributes) and `def` / `class` statements."""

    def bind(self, target: cst.BaseExpression, vals: V.Vals, frame: Frame) -> None:
        if isinstance(target, cst.Name):
            scope = frame.declared.get(target.value)
            (scope if scope is not None else frame.env).vars[target.value] = vals
            self.bound_names.add(target.value)
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
            owners = self.eval(target.value, frame)
            objects = [v for v in owners if isinstance(v, V.InstanceObj | V.ClassObj)]
            for obj in objects:
                attrs = obj.obj.attrs if isinstance(obj, V.InstanceObj) else obj.info.attrs.vars
                name = target.attr.value
                # One object: the assignment replaces the value; several possible objects: it may.
                attrs[name] = vals if len(objects) == 1 else V.union(attrs.get(name, ()), vals)
        elif isinstance(target, cst.Subscript):
            self.eval(target, frame)

    def _define(self, node: FuncNode, frame: Frame, cls: ClassInfo | None = None) -> None:
        name = node.name.value
        self.bound_names.add(name)
        owner = cls.name if cls is not None else ("" if frame.function == "<module>" else frame.function)
        qualname = f"{owner}.{name}" if owner else name
        if node not in self.functions:
            kind = "method"
            for deco in node.decorators:
                dotted = dotted_name(deco.decorator) or ""
                if dotted.rsplit(".", 1)[-1] in ("staticmethod", "classmethod"):
                    kind = dotted.rsplit(".", 1)[-1]
            self.functions[node] = Function(node, qualname, frame.env, owner=cls, method_kind=kind)
        if cls is None:
            self.bind(node.name, (V.FunctionObj(node),), frame)
        else:
            cls.methods[name] = self.functions[node]

    def _define_class(self, node: cst.ClassDef, frame: Frame) -> None:
        info = ClassInfo(node, frame.env)
        for base in node.bases:
            for v in self.eval(base.value, frame):
                if isinstance(v, V.ClassObj):
                    info.bases.append(v.info)
        self.bind(node.name, (V.ClassObj(info),), frame)
        body = node.body.body if isinstance(node.body, cst.IndentedBlock) else ()
        # The class body runs once, at definition: its assignments become class attributes.
        inner = Frame(info.attrs, f"{info.name}", frame.phase, frame.quant_call, [], None, frame.pending)
        for stmt in body:
            if isinstance(stmt, cst.FunctionDef):
                self._define(stmt, frame, cls=info)
            elif isinstance(stmt, cst.SimpleStatementLine):
                for small in stmt.body:
                    if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
                        info.fields.append(small.target.value)
                self.exec_stmt(stmt, inner)
