"""TensorFlow's calls: name lookups and `sess.run` (the sinks), graphs and sessions (which graph a name is
looked up in), `import_graph_def`, model loaders, and the op names the script's own TF calls create."""

from __future__ import annotations

from typing import TYPE_CHECKING

import libcst as cst

from amct_lsp.script import values as V
from amct_lsp.script.facts import Phase, UseKind
from amct_lsp.script.walk.callsite import CallSite
from amct_lsp.script.walk.object_runs import make_lookup, record_runs
from amct_lsp.script.walk.phases import BEFORE, graphs_in, session_graphs
from amct_lsp.script.walk.syntax import last_name

if TYPE_CHECKING:
    from amct_lsp.script.walk.interpreter import Interpreter

#: Position of the `name` argument of TensorFlow calls that scripts often name positionally.
_NAME_POSITION = {"identity": 1, "placeholder": 2, "placeholder_with_default": 2, "constant": 3}

#: Lookups by name: the use kind and the name of the parameter holding the name.
_LOOKUPS = {
    "get_tensor_by_name": (UseKind.TENSOR, "name"),
    "get_operation_by_name": (UseKind.OPERATION, "name"),
    "as_graph_element": (UseKind.FETCH, "obj"),
}

LOADERS = frozenset({"GFile", "FastGFile", "Open", "open"})

SESSIONS = frozenset({"Session", "InteractiveSession"})


class ScriptOpNames:
    """Records the op name a TensorFlow call of the script creates (`tf.nn.softmax(x, name='prob')`); only
    observes, so the call goes on to the next handler."""

    def call(self, site: CallSite, walk: Interpreter) -> V.Vals | None:
        if site.attr == "import_graph_def":
            return None
        found = site.keywords.get("name")
        if found is None and site.canonical.startswith("tensorflow."):
            index = _NAME_POSITION.get(site.attr)
            if index is not None and index < len(site.positional):
                found = site.positional[index]
        if found is not None:
            walk.record.script_names.update(v.value for v in found[1] if isinstance(v, V.Str) and v.value)
        return None


class NameLookups:
    """`graph.get_tensor_by_name(name)` and its kin: the name is a use, judged in the receiver's graph."""

    def call(self, site: CallSite, walk: Interpreter) -> V.Vals | None:
        found = _LOOKUPS.get(site.attr)
        if found is None:
            return None
        kind, param = found
        arg = site.arg(0, param)
        walk.sinks.sink(arg, kind, site, graphs=site.graphs)
        strs = [v for v in arg[1] if isinstance(v, V.Str)] if arg is not None else []
        one = strs[0] if len(strs) == 1 and arg is not None and len(arg[1]) == 1 else None
        name = one.value if one is not None else None
        lookup = make_lookup(site, walk, one, site.graphs) if one is not None and one.literals else None
        if kind is UseKind.TENSOR:
            return (V.Tensor(name, lookup),)
        return (V.Operation(name, lookup),) if kind is UseKind.OPERATION else ()


class SessionRun:
    """`sess.run(fetches, feed_dict)`: every fetched name and every fed key is a use."""

    def call(self, site: CallSite, walk: Interpreter) -> V.Vals | None:
        func = site.node.func
        if site.attr != "run" or not isinstance(func, cst.Attribute) or not _is_session(func.value, site):
            return None
        graphs = session_graphs(site.receiver)
        fetches = site.arg(0, "fetches")
        walk.sinks.sink(fetches, UseKind.FETCH, site, graphs=graphs)
        if fetches is not None:
            record_runs(walk, site, fetches[0].value, fetches[1], "sess.run", graphs)
        feed = site.arg(1, "feed_dict")
        if feed is not None:
            walk.sinks.sink_keys(feed, site, graphs)
        return ()


class ObjectMethods:
    """`tensor.eval()` and `op.run()`: the object itself is run (in the default session, or `session=`)."""

    def call(self, site: CallSite, walk: Interpreter) -> V.Vals | None:
        func = site.node.func
        if site.attr not in ("eval", "run") or not isinstance(func, cst.Attribute):
            return None
        wanted = V.Tensor if site.attr == "eval" else V.Operation
        if not any(isinstance(v, wanted) for v in site.receiver):
            return None
        session = site.keywords.get("session")
        graphs = session_graphs(session[1]) if session is not None else None
        record_runs(walk, site, func.value, site.receiver, f".{site.attr}()", graphs)
        return ()


class GraphCalls:
    """`tf.Graph()`, `tf.get_default_graph()`, `tf.reset_default_graph()`, `graph.as_default()`."""

    def call(self, site: CallSite, walk: Interpreter) -> V.Vals | None:
        tf = site.canonical.startswith("tensorflow.")
        if site.attr == "Graph" and tf:
            return (V.Graph(V.GraphRef()),)
        if site.attr == "get_default_graph" and tf:
            return (V.Graph(walk.graphs.default),)
        if site.attr == "reset_default_graph" and tf:
            walk.graphs.default = V.GraphRef()
            return ()
        if site.attr == "as_default" and site.graphs is not None:
            return site.receiver
        return None


class ImportGraphDef:
    """`tf.import_graph_def`: return_elements are original names; note the prefix the model's nodes get, and
    start over: the graph now holds a model not quantized.

    A script that quantizes one graph and then loads the model again (a second model, a float baseline,
    a run per model in a loop) uses the original names on the fresh graph."""

    def call(self, site: CallSite, walk: Interpreter) -> V.Vals | None:
        if site.attr != "import_graph_def":
            return None
        walk.sinks.sink(site.arg(2, "return_elements"), UseKind.RETURN_ELEMENT, site, phase=Phase.BEFORE)
        name = site.arg(3, "name")
        prefixes = walk.record.import_prefixes
        if name is None or (isinstance(name[0].value, cst.Name) and name[0].value.value == "None"):
            prefixes.add("import")
        else:
            names = [v.value for v in name[1] if isinstance(v, V.Str)]
            if len(names) == 1 and len(name[1]) == 1 and names[0]:
                prefixes.add(names[0])
        loaded_again(site, walk, walk.graphs.default, _reloaded(walk.record.last_loaded, walk))
        return ()


def loaded_again(site: CallSite, walk: Interpreter, graph: V.GraphRef, note: str) -> None:
    """A model loaded into `graph` after quantize_model: names looked up there are the loaded model's own
    (the hover tells `note`). Into a fresh graph, only that graph's lookups change (`Graphs.phase`): the
    rewritten graph, still used by name later in the same function, keeps its stale names. Into a graph
    the walk cannot tell from a rewritten one, the rest of the function is read as before quantize_model
    (which can only hide a finding)."""
    frame = site.frame
    if "after" not in frame.phase:
        return
    walk.graphs.reloaded[graph] = note
    if not walk.graphs.is_fresh(graph):
        frame.phase = BEFORE
        frame.quant_call = None


def _reloaded(path: str | None, walk: Interpreter) -> str:
    """How the hover names a model imported after quantize_model: the saved quantized model when the path is
    one the script writes (save_model's save_path, a `*quantized*` file), else a model loaded again."""
    if path is None:
        return "a graph the model was imported into again after quantize_model"
    saved = [p for c in walk.record.calls.values() for p in c.arg_strings.get("save_path", ())]
    if any(path.startswith(p) for p in saved) or "quantized" in path.lower():
        return f"a graph imported from the saved quantized model '{path}'"
    return f"a graph '{path}' was imported into again after quantize_model"


class SavedModelLoader:
    """`tf.compat.v1.saved_model.loader.load(sess, tags, export_dir)` (and `saved_model.load` with a
    session): a SavedModel loaded into the session's graph — after quantize_model, a graph of its own."""

    def call(self, site: CallSite, walk: Interpreter) -> V.Vals | None:
        canonical = site.canonical
        if site.attr != "load" or "saved_model" not in canonical or not canonical.startswith("tensorflow."):
            return None
        sess = site.arg(0, "sess")
        graphs = session_graphs(sess[1]) if sess is not None else None
        if graphs is None or len(graphs) != 1:
            return ()
        export_dir = site.arg(2, "export_dir")
        paths = [s.value for s in V.strings(export_dir[1])] if export_dir is not None else []
        where = f" '{paths[0]}'" if len(paths) == 1 else ""
        loaded_again(site, walk, next(iter(graphs)), f"a graph loaded from the SavedModel{where}")
        return ()


class ModelLoaders:
    """`tf.gfile.GFile(path)`, `tf.io.gfile.GFile`, `FastGFile`, `open(path)`: a `.pb` path read here is the
    model (one opened for writing is not)."""

    def call(self, site: CallSite, walk: Interpreter) -> V.Vals | None:
        attr, canonical = site.attr, site.canonical
        if attr not in LOADERS or (attr == "open" and canonical not in ("open", "io.open", "codecs.open")):
            return None
        path = site.arg(0, "name" if attr != "open" else "file")
        walk.sinks.loader(path, site.arg(1, "mode"), canonical or attr, site.frame)
        return ()


class WriteGraph:
    """`tf.io.write_graph(graph_def, logdir, name)` / `tf.train.write_graph`: the file it writes is never
    the script's model."""

    def call(self, site: CallSite, walk: Interpreter) -> V.Vals | None:
        if site.attr != "write_graph" or not site.canonical.startswith("tensorflow."):
            return None
        for arg in (site.arg(1, "logdir"), site.arg(2, "name")):
            for s in V.strings(arg[1]) if arg is not None else ():
                walk.record.written.update(lit.span for lit in s.literals)
        return ()


class Sessions:
    """`tf.Session(graph=...)`: a session on a graph (the default graph when none is given)."""

    def call(self, site: CallSite, walk: Interpreter) -> V.Vals | None:
        if site.attr not in SESSIONS:
            return None
        graph = site.arg(1, "graph")
        graphs = graphs_in(graph[1]) if graph is not None else frozenset({walk.graphs.default})
        return (V.Session(next(iter(graphs)) if graphs and len(graphs) == 1 else None),)


def _is_session(expr: cst.BaseExpression, site: CallSite) -> bool:
    if any(isinstance(v, V.Session) for v in site.receiver):
        return True
    return "sess" in last_name(expr).lower()
