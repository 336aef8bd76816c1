"""Recognising a call: AMCT API, sink, TensorFlow graph or session, loader, library or the script's own."""

from __future__ import annotations

import libcst as cst

from amct_lsp.script import values as V
from amct_lsp.script.facts import Phase, UseKind
from amct_lsp.script.walk.amct_calls import AmctCalls
from amct_lsp.script.walk.expressions import Expressions
from amct_lsp.script.walk.known_apis import LOADERS, SESSIONS
from amct_lsp.script.walk.library_calls import LibraryCalls
from amct_lsp.script.walk.phases import BEFORE, graphs_in, session_graphs
from amct_lsp.script.walk.scopes import Frame
from amct_lsp.script.walk.script_calls import ScriptCalls
from amct_lsp.script.walk.syntax import last_name

#: Position of the `name` argument of TensorFlow calls that scripts often name positionally.
_NAME_POSITION = {"identity": 1, "placeholder": 2, "placeholder_with_default": 2, "constant": 3}


class Calls(Expressions, LibraryCalls, AmctCalls, ScriptCalls):
    """Dispatches each call to the part that knows what it does."""

    def _call(self, node: cst.Call, frame: Frame) -> V.Vals:
        func = node.func
        api = self._amct_api(func)
        receiver: V.Vals = ()
        if isinstance(func, cst.Attribute) and api is None:
            receiver = self.eval(func.value, frame)
        elif isinstance(func, cst.Name) and api is None:
            receiver = self._name(func, frame)
        positional: list[tuple[cst.Arg, V.Vals]] = []
        keywords: dict[str, tuple[cst.Arg, V.Vals]] = {}
        #: Argument values for the script's own functions: `*seq` and `**dict` of known shape expanded.
        call_args: list[V.Vals] = []
        call_kwargs: dict[str, V.Vals] = {}
        for item in node.args:
            vals = self.eval(item.value, frame)
            if item.keyword is not None:
                keywords[item.keyword.value] = (item, vals)
                call_kwargs[item.keyword.value] = vals
            elif not item.star:
                positional.append((item, vals))
                call_args.append(vals)
            elif item.star == "*":
                seqs = [v for v in vals if isinstance(v, V.Seq)]
                call_args.extend(seqs[0].items if len(seqs) == 1 and len(vals) == 1 else ())
            else:
                dicts = [v for v in vals if isinstance(v, V.DictV)]
                for keys, value in dicts[0].pairs if len(dicts) == 1 and len(vals) == 1 else ():
                    names = [k.value for k in keys if isinstance(k, V.Str)]
                    if len(names) == 1 and len(keys) == 1:
                        call_kwargs[names[0]] = value
        if api is not None:
            return self._amct(api, node, positional, keywords, frame)
        attr = last_name(func)
        canonical = self._canonical(func) or ""
        self._script_op_name(attr, canonical, positional, keywords)

        def arg(index: int, name: str) -> tuple[cst.Arg, V.Vals] | None:
            if name in keywords:
                return keywords[name]
            return positional[index] if index < len(positional) else None

        if isinstance(func, cst.Name) and attr == "super" and not node.args:
            return self._super(frame)
        # A function, class or method of the script itself: walk into it with the arguments bound.
        if isinstance(func, cst.Name):
            callee = receiver
        else:
            callee = self._methods(receiver, attr) if isinstance(func, cst.Attribute) else ()
        if callee:
            handled, returned = self._call_script(callee, call_args, call_kwargs, frame)
            if handled:
                return returned

        if attr == "get_tensor_by_name":
            self._sink(arg(0, "name"), UseKind.TENSOR, node, frame, graphs=graphs_in(receiver))
        elif attr == "get_operation_by_name":
            self._sink(arg(0, "name"), UseKind.OPERATION, node, frame, graphs=graphs_in(receiver))
        elif attr == "as_graph_element":
            self._sink(arg(0, "obj"), UseKind.FETCH, node, frame, graphs=graphs_in(receiver))
        elif attr == "run" and isinstance(func, cst.Attribute) and self._is_session(func.value, receiver):
            graphs = session_graphs(receiver)
            self._sink(arg(0, "fetches"), UseKind.FETCH, node, frame, graphs=graphs)
            feed = arg(1, "feed_dict")
            if feed is not None:
                self._sink_keys(feed, node, frame, graphs)
        elif attr == "Graph" and canonical.startswith("tensorflow."):
            return (V.Graph(V.GraphRef()),)
        elif attr == "get_default_graph" and canonical.startswith("tensorflow."):
            return (V.Graph(self._default_graph),)
        elif attr == "reset_default_graph" and canonical.startswith("tensorflow."):
            self._default_graph = V.GraphRef()
        elif attr == "as_default" and graphs_in(receiver) is not None:
            return receiver
        elif attr == "import_graph_def":
            self._sink(arg(2, "return_elements"), UseKind.RETURN_ELEMENT, node, frame, phase=Phase.BEFORE)
            self._import_graph_def(arg(3, "name"), frame)
        elif attr in LOADERS and (attr != "open" or canonical in ("open", "io.open", "codecs.open")):
            self._loader(
                arg(0, "name" if attr != "open" else "file"), arg(1, "mode"), canonical or attr, frame
            )
        elif attr in SESSIONS:
            graph = arg(1, "graph")
            graphs = graphs_in(graph[1]) if graph is not None else frozenset({self._default_graph})
            return (V.Session(next(iter(graphs)) if graphs and len(graphs) == 1 else None),)
        elif attr == "add_argument":
            self._argparse(positional, keywords)
        elif attr in ("parse_args", "parse_known_args"):
            args_val = V.Namespace()
            return (args_val,) if attr == "parse_args" else (V.Seq(((args_val,), ())),)
        elif canonical.startswith(("os.path.", "posixpath.", "pathlib.", "os.")) or attr in (
            "Path",
            "PurePath",
            "fspath",
            "str",
        ):
            return self._path_call(canonical or attr, positional)
        elif isinstance(func, cst.Attribute) and receiver:
            return self._method(func, attr, receiver, positional, keywords, frame)
        elif isinstance(func, cst.Name):
            return self._builtin(attr, positional)
        return ()

    def _script_op_name(
        self,
        attr: str,
        canonical: str,
        positional: list[tuple[cst.Arg, V.Vals]],
        keywords: dict[str, tuple[cst.Arg, V.Vals]],
    ) -> None:
        """Record the op name a TensorFlow call of the script creates (`tf.nn.softmax(x, name='prob')`)."""
        if attr == "import_graph_def":
            return
        found = keywords.get("name")
        if found is None and canonical.startswith("tensorflow."):
            index = _NAME_POSITION.get(attr)
            if index is not None and index < len(positional):
                found = positional[index]
        if found is not None:
            self.script_names.update(v.value for v in found[1] if isinstance(v, V.Str) and v.value)

    def _is_session(self, expr: cst.BaseExpression, receiver: V.Vals) -> bool:
        if any(isinstance(v, V.Session) for v in receiver):
            return True
        return "sess" in last_name(expr).lower()

    def _import_graph_def(self, name: tuple[cst.Arg, V.Vals] | None, frame: Frame) -> None:
        """Note the prefix the model's nodes get, and start over: the graph now holds a model not quantized.

        A script that quantizes one graph and then loads the model again (a second model, a float baseline,
        a run per model in a loop) uses the original names on the fresh graph."""
        if name is None or (isinstance(name[0].value, cst.Name) and name[0].value.value == "None"):
            self.import_prefixes.add("import")
        else:
            names = [v.value for v in name[1] if isinstance(v, V.Str)]
            if len(names) == 1 and len(name[1]) == 1 and names[0]:
                self.import_prefixes.add(names[0])
        if "after" in frame.phase:
            frame.phase = BEFORE
            frame.quant_call = None
