"""Executing statements in order: branches merge or split on quantize_model, loops, with, try, match."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import libcst as cst

from amct_lsp.script.walk.expressions import add, iterate
from amct_lsp.script.walk.known_apis import MAX_SPLITS
from amct_lsp.script.walk.phases import graphs_in
from amct_lsp.script.walk.scopes import Frame

if TYPE_CHECKING:
    from amct_lsp.script.walk.interpreter import Interpreter


class Statements:
    """Flow-sensitive execution of blocks; branches fork frames and join them back."""

    def __init__(self, walk: Interpreter) -> None:
        self.walk = walk
        #: Nested `if` statements whose branches are being followed separately (see exec_block).
        self._splits = 0

    def exec_block(
        self,
        body: Sequence[cst.BaseStatement] | Sequence[cst.BaseSmallStatement],
        frame: Frame,
        top: bool | None = None,
    ) -> None:
        top = body is self.walk.parsed.statements if top is None else top
        for index, stmt in enumerate(body):
            if top:
                self.walk.parsed.focus(stmt)
            if isinstance(stmt, cst.If) and not _is_main_guard(stmt.test):
                branches = self._if_branches(stmt, frame)
                if self._splits < MAX_SPLITS and len({"after" in b.phase for b in branches}) > 1:
                    # quantize_model runs in some branches only: follow each branch through the rest of the
                    # block, so a name chosen in the branch that did not quantize is judged on that path.
                    self._splits += 1
                    try:
                        for branch in branches:
                            self.exec_block(body[index + 1 :], branch, top)
                    finally:
                        self._splits -= 1
                    self._take(frame, branches)
                    return
                self._take(frame, branches)
                continue
            self.exec_stmt(stmt, frame)

    def exec_suite(self, suite: cst.BaseSuite, frame: Frame) -> None:
        if isinstance(suite, cst.IndentedBlock | cst.SimpleStatementSuite):
            self.exec_block(suite.body, frame)

    def exec_stmt(self, stmt: cst.CSTNode, frame: Frame) -> None:
        if isinstance(stmt, cst.BaseSmallStatement):
            self.exec_small(stmt, frame)
        elif isinstance(stmt, cst.SimpleStatementLine):
            frame.statement = stmt if len(stmt.body) == 1 else None
            try:
                for small in stmt.body:
                    self.exec_small(small, frame)
            finally:
                frame.statement = None
        elif isinstance(stmt, cst.FunctionDef):
            self.walk.callables.define(stmt, frame)
        elif isinstance(stmt, cst.ClassDef):
            self.walk.callables.define_class(stmt, frame)
        elif isinstance(stmt, cst.If):
            self._exec_if(stmt, frame)
        elif isinstance(stmt, cst.For):
            self._exec_for(stmt, frame)
        elif isinstance(stmt, cst.While):
            self.walk.eval(stmt.test, frame)
            self._loop(frame, lambda f: self.exec_suite(stmt.body, f), stmt.orelse)
        elif isinstance(stmt, cst.With):
            graphs_now = self.walk.graphs
            default = graphs_now.default
            for item in stmt.items:
                vals = self.walk.eval(item.item, frame)
                if item.asname is not None:
                    self.walk.bind(item.asname.name, vals, frame)
                graphs = graphs_in(vals)
                if _is_as_default(item.item) and graphs is not None and len(graphs) == 1:
                    graphs_now.default = next(iter(graphs))
            try:
                self.exec_suite(stmt.body, frame)
            finally:
                graphs_now.default = default
        elif isinstance(stmt, cst.Try | cst.TryStar):
            self.exec_suite(stmt.body, frame)
            branches = []
            for handler in stmt.handlers:
                branch = self._fork(frame)
                self.exec_suite(handler.body, branch)
                branches.append(branch)
            if stmt.orelse is not None:
                self.exec_suite(stmt.orelse.body, frame)
            self._join(frame, [frame, *branches])
            if stmt.finalbody is not None:
                self.exec_suite(stmt.finalbody.body, frame)
        elif isinstance(stmt, cst.Match):
            self.walk.eval(stmt.subject, frame)
            branches = []
            for case in stmt.cases:
                branch = self._fork(frame)
                self.exec_suite(case.body, branch)
                branches.append(branch)
            self._join(frame, [frame, *branches])

    def exec_small(self, small: cst.BaseSmallStatement, frame: Frame) -> None:
        if isinstance(small, cst.Expr):
            self.walk.eval(small.value, frame)
        elif isinstance(small, cst.Assign):
            vals = self.walk.eval(small.value, frame)
            for target in small.targets:
                self.walk.bind(target.target, vals, frame)
        elif isinstance(small, cst.AnnAssign):
            if small.value is not None:
                self.walk.bind(small.target, self.walk.eval(small.value, frame), frame)
        elif isinstance(small, cst.AugAssign):
            right = self.walk.eval(small.value, frame)
            if isinstance(small.target, cst.Name) and isinstance(small.operator, cst.AddAssign):
                left = self.walk.eval(small.target, frame)
                self.walk.bind(small.target, add(left, right), frame)
        elif isinstance(small, cst.Return):
            if small.value is not None:
                frame.returns.extend(self.walk.eval(small.value, frame))
        elif isinstance(small, cst.Import):
            self.walk.imports.add_import(small)
        elif isinstance(small, cst.ImportFrom):
            self.walk.imports.add_import_from(small)
        elif isinstance(small, cst.Assert):
            self.walk.eval(small.test, frame)
        elif isinstance(small, cst.Raise) and small.exc is not None:
            self.walk.eval(small.exc, frame)
        elif isinstance(small, cst.Global) and frame.function != "<module>":
            for item in small.names:
                frame.declared[item.name.value] = self.walk.module_env
        elif isinstance(small, cst.Nonlocal) and frame.env.parent is not None:
            for item in small.names:
                frame.declared[item.name.value] = frame.env.parent

    def _fork(self, frame: Frame) -> Frame:
        return Frame(
            frame.env.copy(),
            frame.function,
            frame.phase,
            frame.quant_call,
            frame.returns,
            None,
            frame.pending,
            frame.declared,
        )

    def _join(self, frame: Frame, branches: list[Frame]) -> None:
        """Merge branch frames back into `frame` (which may itself be one of them)."""
        others = [b for b in branches if b is not frame]
        if others:
            frame.env.merge(*(b.env for b in others))
        phases: set[str] = set(frame.phase)
        for b in branches:
            phases |= b.phase
        if len(phases) > 1:
            phases.discard("unknown")
        frame.phase = frozenset(phases)
        for b in others:
            if b.quant_call is not None:
                frame.quant_call = b.quant_call

    def _exec_if(self, stmt: cst.If, frame: Frame) -> None:
        if _is_main_guard(stmt.test):
            self.walk.eval(stmt.test, frame)
            self.exec_suite(stmt.body, frame)
            return
        self._take(frame, self._if_branches(stmt, frame))

    def _if_branches(self, stmt: cst.If, frame: Frame) -> list[Frame]:
        """One frame per way through an if/elif/else chain (the implicit empty `else` included)."""
        self.walk.eval(stmt.test, frame)
        then = self._fork(frame)
        self.exec_suite(stmt.body, then)
        orelse = stmt.orelse
        if isinstance(orelse, cst.If):
            return [then, *self._if_branches(orelse, self._fork(frame))]
        other = self._fork(frame)
        if isinstance(orelse, cst.Else):
            self.exec_suite(orelse.body, other)
        return [then, other]

    def _take(self, frame: Frame, branches: list[Frame]) -> None:
        """Continue `frame` from the join of `branches` (forks of it)."""
        first = branches[0]
        frame.env, frame.phase, frame.quant_call = first.env, first.phase, first.quant_call
        self._join(frame, branches[1:])

    def _exec_for(self, stmt: cst.For, frame: Frame) -> None:
        iterable = self.walk.eval(stmt.iter, frame)
        items = iterate(iterable)

        def body(f: Frame) -> None:
            self.walk.bind(stmt.target, items, f)
            self.exec_suite(stmt.body, f)

        self._loop(frame, body, stmt.orelse)

    def _loop(self, frame: Frame, body: Callable[[Frame], None], orelse: cst.Else | None) -> None:
        """A loop body runs zero or more times: walk it once on a copy and merge."""
        inner = self._fork(frame)
        body(inner)
        self._join(frame, [frame, inner])
        if orelse is not None:
            self.exec_suite(orelse.body, frame)


def _is_main_guard(test: cst.BaseExpression) -> bool:
    if not isinstance(test, cst.Comparison) or len(test.comparisons) != 1:
        return False
    left, right = test.left, test.comparisons[0].comparator
    names = {n.value for n in (left, right) if isinstance(n, cst.Name)}
    strs = {s.evaluated_value for s in (left, right) if isinstance(s, cst.SimpleString)}
    return names == {"__name__"} and strs == {"__main__"}


def _is_as_default(expr: cst.BaseExpression) -> bool:
    return (
        isinstance(expr, cst.Call)
        and isinstance(expr.func, cst.Attribute)
        and expr.func.attr.value == "as_default"
    )
