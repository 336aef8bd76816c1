"""Evaluating expressions into the value domain of `values` (unknown → no alternatives)."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

import libcst as cst

from amct_lsp.script import values as V
from amct_lsp.script.facts import ModelCandidate, ModelSource
from amct_lsp.script.walk.known_apis import MODEL_SUFFIXES
from amct_lsp.script.walk.scopes import Env, Frame, LambdaFn
from amct_lsp.text import Position

if TYPE_CHECKING:
    from amct_lsp.script.walk.interpreter import Interpreter


class Expressions:
    """Literals, names, attributes, subscripts, operators, displays and comprehensions."""

    def __init__(self, walk: Interpreter) -> None:
        self.walk = walk
        #: Values of the items of the latest list/tuple/dict displays, so sinks can look at each item.
        self.items: dict[cst.CSTNode, V.Vals] = {}

    def eval(self, node: cst.BaseExpression, frame: Frame) -> V.Vals:
        """The alternatives `node` may evaluate to (unknown → empty), recording sinks along the way."""
        if isinstance(node, cst.SimpleString):
            return self._simple_string(node)
        if isinstance(node, cst.Name):
            return self.name(node, frame)
        if isinstance(node, cst.Call):
            return self.walk.call(node, frame)
        if isinstance(node, cst.Attribute):
            return self._attribute(node, frame)
        if isinstance(node, cst.FormattedString):
            return self._fstring(node, frame)
        if isinstance(node, cst.ConcatenatedString):
            left = self.eval(node.left, frame)
            right = self.eval(node.right, frame)
            return add(left, right)
        if isinstance(node, cst.Integer):
            try:
                return (V.Int(int(node.value.replace("_", ""), 0)),)
            except ValueError:
                return ()
        if isinstance(node, cst.List | cst.Tuple | cst.Set):
            return V.seq(self._elements(node.elements, frame))
        if isinstance(node, cst.Dict):
            pairs: list[tuple[V.Vals, V.Vals]] = []
            for el in node.elements:
                if isinstance(el, cst.DictElement):
                    key, value = self.eval(el.key, frame), self.eval(el.value, frame)
                    self.items[el.key], self.items[el.value] = key, value
                    pairs.append((key, value))
                else:
                    self.eval(el.value, frame)
            return V.dict_value(pairs)
        if isinstance(node, cst.Subscript):
            return self._subscript(node, frame)
        if isinstance(node, cst.BinaryOperation):
            return self._binary(node, frame)
        if isinstance(node, cst.UnaryOperation):
            inner = self.eval(node.expression, frame)
            if isinstance(node.operator, cst.Minus):
                return tuple(V.Int(-v.value) for v in inner if isinstance(v, V.Int))
            return ()
        if isinstance(node, cst.IfExp):
            self.eval(node.test, frame)
            return V.union(self.eval(node.body, frame), self.eval(node.orelse, frame))
        if isinstance(node, cst.ListComp | cst.SetComp | cst.GeneratorExp):
            return self._comprehension(node, frame)
        if isinstance(node, cst.DictComp):
            self._comprehension(node, frame)
            return ()
        if isinstance(node, cst.NamedExpr):
            vals = self.eval(node.value, frame)
            self.walk.bind(node.target, vals, frame)
            return vals
        if isinstance(node, cst.Await):
            return self.eval(node.expression, frame)
        if isinstance(node, cst.BooleanOperation):
            return self._boolean(node, frame)
        if isinstance(node, cst.Comparison):
            self.eval(node.left, frame)
            for target in node.comparisons:
                self.eval(target.comparator, frame)
            return ()
        if isinstance(node, cst.Lambda):
            return (V.LambdaObj(LambdaFn(node, frame.env)),)
        # Anything else: look inside for calls (sinks) but know no value.
        for child in node.children:
            if isinstance(child, cst.BaseExpression):
                self.eval(child, frame)
        return ()

    def _boolean(self, node: cst.BooleanOperation, frame: Frame) -> V.Vals:
        """`a or b` is `a` when `a` is truthy, else `b`; `a and b` the other way round. Alternatives whose
        truth is known pick their side; an unknown left side may be either."""
        left = self.eval(node.left, frame)
        right = self.eval(node.right, frame)
        keep_truthy = isinstance(node.operator, cst.Or)
        out: list[V.Val] = []
        takes_right = not left
        for v in left:
            truth = bool(v.value) if isinstance(v, V.Str | V.Int) else None
            if truth is None or truth == keep_truthy:
                out.append(v)
            if truth is None or truth != keep_truthy:
                takes_right = True
        return V.union(out, right if takes_right else ())

    def _elements(self, elements: Sequence[cst.BaseElement], frame: Frame) -> Iterable[V.Vals]:
        for el in elements:
            vals = self.eval(el.value, frame)
            self.items[el.value] = vals
            if isinstance(el, cst.StarredElement):
                seqs = [v for v in vals if isinstance(v, V.Seq)]
                if len(seqs) == 1:
                    yield from seqs[0].items
                continue
            yield vals

    def _literal(self, node: cst.SimpleString) -> V.Literal | None:
        prefix = node.prefix
        if "b" in prefix.lower():
            return None  # bytes are never names
        quote = node.quote
        body_raw = node.value[len(prefix) + len(quote) : len(node.value) - len(quote)]
        # `evaluated_value` compiles the literal; names almost never hold escapes, so skip that when we can.
        value = body_raw if "\\" not in body_raw else node.evaluated_value
        if not isinstance(value, str):
            return None
        span = self.walk.parsed.span(node)
        editable = (
            body_raw == value and "\\" not in body_raw and "\n" not in body_raw and "\r" not in body_raw
        )
        body = (
            Position(span.start.line, span.start.character + len(prefix) + len(quote)) if editable else None
        )
        return V.Literal(span, value, body, quote, prefix)

    def _simple_string(self, node: cst.SimpleString) -> V.Vals:
        literal = self._literal(node)
        if literal is None:
            return ()
        if literal.value.lower().endswith(MODEL_SUFFIXES):
            self.walk.record.constants.append(
                ModelCandidate(literal.value, ModelSource.CONSTANT, literal.span, "a .pb path in the script")
            )
        return (V.from_literal(literal),)

    def _fstring(self, node: cst.FormattedString, frame: Frame) -> V.Vals:
        span = self.walk.parsed.span(node)
        quote = node.end
        prefix = node.start[: len(node.start) - len(quote)]
        pieces: list[V.Vals] = []
        for part in node.parts:
            if isinstance(part, cst.FormattedStringText):
                text = part.value
                if "{{" in text or "}}" in text or "\\" in text or "\n" in text or "\r" in text:
                    try:
                        evaluated = _unescape_fstring_text(text, prefix)
                    except ValueError:
                        return ()
                    pieces.append((V.const(evaluated),))
                else:
                    pspan = self.walk.parsed.span(part)
                    literal = V.Literal(span, text, pspan.start, quote, prefix)
                    pieces.append((V.from_literal(literal),))
            elif isinstance(part, cst.FormattedStringExpression):
                vals = self.eval(part.expression, frame)
                if part.conversion is not None or part.format_spec:
                    return ()
                texts = tuple(t for t in (V.to_str(v) for v in vals) if t is not None)
                if not texts:
                    return ()
                pieces.append(texts)
        return self._product(pieces)

    def _product(self, pieces: list[V.Vals]) -> V.Vals:
        out: list[V.Val | None] = []
        for combo in itertools.islice(itertools.product(*pieces), V.MAX_ALTERNATIVES):
            parts = [p for p in combo if isinstance(p, V.Str)]
            if len(parts) == len(combo):
                out.append(V.concat(*parts))
        return V.union(out)

    def name(self, node: cst.Name, frame: Frame) -> V.Vals:
        """What a variable holds in `frame` (falling back to the module's scope)."""
        name = node.value
        if name == "__file__":
            return (V.const(self.walk.script_file),)
        found = frame.env.lookup(name)
        if found is None:
            found = self.walk.module_env.lookup(name)
        return found if found is not None else ()

    def _attribute(self, node: cst.Attribute, frame: Frame) -> V.Vals:
        base = self.eval(node.value, frame)
        attr = node.attr.value
        out: list[V.Val] = []
        for v in base:
            match v:
                case V.Namespace():
                    out.extend(self.walk.argparse_defaults.get(attr, ()))
                case V.InstanceObj(obj):
                    out.extend(obj.lookup(attr) or ())
                case V.Session(graph) if attr == "graph" and graph is not None:
                    out.append(V.Graph(graph))
                case V.ClassObj(info):
                    out.extend(info.attr(attr) or ())
                case V.Str() if attr == "parent":
                    out.append(V.path_dirname(v))
                case V.Str() if attr == "parents":  # pathlib: parents[0] is parent, parents[1] its parent
                    out.append(V.path_parents(v))
        if not out and self.walk.imports.canonical(node) == "os.sep":
            out.append(V.const("/"))
        return V.union(out)

    def _subscript(self, node: cst.Subscript, frame: Frame) -> V.Vals:
        base = self.eval(node.value, frame)
        if len(node.slice) != 1:
            return ()
        sl = node.slice[0].slice
        out: list[V.Val] = []
        value = node.value
        if isinstance(sl, cst.Index) and isinstance(value, cst.Attribute) and value.attr.value == "outputs":
            found = self._op_outputs(value, sl.value, frame)
            if found:
                return found
        if isinstance(sl, cst.Index):
            keys = self.eval(sl.value, frame)
            for v in base:
                for k in keys:
                    if isinstance(v, V.Seq) and isinstance(k, V.Int):
                        if -len(v.items) <= k.value < len(v.items):
                            out.extend(v.items[k.value])
                    elif isinstance(v, V.Str) and isinstance(k, V.Int):
                        ch = V.index_str(v, k.value)
                        if ch is not None:
                            out.append(ch)
                    elif isinstance(v, V.DictV) and isinstance(k, V.Str):
                        for key_alts, value_alts in v.pairs:
                            if any(isinstance(a, V.Str) and a.value == k.value for a in key_alts):
                                out.extend(value_alts)
        elif isinstance(sl, cst.Slice):
            bounds: list[int | None] = []
            for part in (sl.lower, sl.upper):
                if part is None:
                    bounds.append(None)
                    continue
                ints = [b for b in self.eval(part, frame) if isinstance(b, V.Int)]
                if len(ints) != 1:
                    return ()
                bounds.append(ints[0].value)
            if sl.step is not None:
                return ()
            for v in base:
                if isinstance(v, V.Str):
                    out.append(V.slice_str(v, bounds[0], bounds[1]))
                elif isinstance(v, V.Seq):
                    out.append(V.Seq(v.items[bounds[0] : bounds[1]]))
        return V.union(out)

    def _op_outputs(self, node: cst.Attribute, index: cst.BaseExpression, frame: Frame) -> V.Vals:
        """`op.outputs[i]` of an op object looked up by name: the tensor `name:i`, which remembers the op's
        lookup (so running it after quantize_model is judged like a `get_tensor_by_name` of that name)."""
        ops = [v for v in self.eval(node.value, frame) if isinstance(v, V.Operation)]
        keys = [k.value for k in self.eval(index, frame) if isinstance(k, V.Int) and k.value >= 0]
        return V.union(output_tensor(op, i) for op in ops for i in keys)

    def _binary(self, node: cst.BinaryOperation, frame: Frame) -> V.Vals:
        left = self.eval(node.left, frame)
        right = self.eval(node.right, frame)
        op = node.operator
        if isinstance(op, cst.Add):
            return add(left, right)
        out: list[V.Val | None] = []
        if isinstance(op, cst.Modulo):
            for a in V.strings(left):
                for b in right:
                    args: list[V.Val] = [alts[0] for alts in b.items if alts] if isinstance(b, V.Seq) else [b]
                    if isinstance(b, V.Seq) and len(args) != len(b.items):
                        continue
                    formatted = V.percent_format(a, args)
                    if formatted is not None:
                        out.append(formatted)
        elif isinstance(op, cst.Divide):  # pathlib: Path(x) / "model.pb"
            for a in V.strings(left):
                for b in V.strings(right):
                    out.append(V.path_join([a, b]))
        return V.union(out)

    def _comprehension(
        self, node: cst.ListComp | cst.SetComp | cst.GeneratorExp | cst.DictComp, frame: Frame
    ) -> V.Vals:
        inner = Frame(Env(frame.env), frame.function, frame.phase, frame.quant_call, [], None, frame.pending)
        clauses: list[cst.CompFor] = []
        comp: cst.CompFor | None = node.for_in
        while comp is not None:
            clauses.append(comp)
            comp = comp.inner_for_in
        first = self.eval(clauses[0].iter, frame)
        # One `for` over one known list and no `if`: map element by element (keeps each item separate).
        seqs = [v for v in first if isinstance(v, V.Seq)]
        if (
            len(clauses) == 1
            and not clauses[0].ifs
            and len(first) == 1
            and len(seqs) == 1
            and not isinstance(node, cst.DictComp)
        ):
            items: list[V.Vals] = []
            for item in seqs[0].items:
                self.walk.bind(clauses[0].target, item, inner)
                items.append(self.eval(node.elt, inner))
            return V.seq(items)
        for i, clause in enumerate(clauses):
            source = first if i == 0 else self.eval(clause.iter, inner)
            self.walk.bind(clause.target, iterate(source), inner)
            for cond in clause.ifs:
                self.eval(cond.test, inner)
        if isinstance(node, cst.DictComp):
            self.eval(node.key, inner)
            self.eval(node.value, inner)
            return ()
        return V.seq((self.eval(node.elt, inner),))


def output_tensor(op: V.Operation, index: int) -> V.Tensor:
    """Output `index` of an op object: its name `op:index`, its lookup told as a tensor lookup."""
    name = f"{op.name}:{index}" if op.name is not None else None
    lookup = op.lookup
    if lookup is None:
        return V.Tensor(name, None)
    value = V.concat(lookup.value, V.const(f":{index}"))
    if value is None:
        return V.Tensor(name, None)
    # The variable the lookup bound holds the op, not this tensor: no refetch through it.
    return V.Tensor(name, replace(lookup, value=value, method="get_tensor_by_name", refetch=None))


def add(left: V.Vals, right: V.Vals) -> V.Vals:
    """`left + right`: strings and lists joined, numbers added."""
    out: list[V.Val | None] = []
    for a, b in itertools.islice(itertools.product(left, right), V.MAX_ALTERNATIVES):
        if isinstance(a, V.Str) and isinstance(b, V.Str):
            out.append(V.concat(a, b))
        elif isinstance(a, V.Seq) and isinstance(b, V.Seq):
            out.extend(V.seq(a.items + b.items))
        elif isinstance(a, V.Int) and isinstance(b, V.Int):
            out.append(V.Int(a.value + b.value))
    return V.union(out)


def iterate(vals: V.Vals) -> V.Vals:
    """What a `for` over `vals` binds its target to: every item of every list alternative."""
    out: list[V.Val] = []
    for v in vals:
        if isinstance(v, V.Seq):
            for item in v.items:
                out.extend(item)
        elif isinstance(v, V.DictV):
            for keys, _ in v.pairs:
                out.extend(keys)
    return V.union(out)


def _unescape_fstring_text(text: str, prefix: str) -> str:
    """The characters an f-string's literal part stands for (`{{` → `{`, escapes unless raw)."""
    collapsed = text.replace("{{", "{").replace("}}", "}")
    if "r" in prefix.lower():
        return collapsed
    import ast

    value = ast.literal_eval('"""' + collapsed.replace('"""', '\\"\\"\\"') + '"""')
    if not isinstance(value, str):
        raise ValueError(text)
    return value
