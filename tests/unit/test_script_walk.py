"""The interpreter's extension points: call handlers behind one protocol, AMCT API entries, typed values."""

from __future__ import annotations

import textwrap

import pytest

from amct_lsp.script import values as V
from amct_lsp.script.facts import Phase, UseKind
from amct_lsp.script.parse import parse
from amct_lsp.script.walk.callsite import CallHandler, CallSite
from amct_lsp.script.walk.handlers import HANDLERS
from amct_lsp.script.walk.handlers.amct import AMCT_APIS, AmctApi, OutputsInPlace, Quantize
from amct_lsp.script.walk.interpreter import Interpreter

QUANTIZE_PARAMS = ("graph", "config_file", "record_file", "calib_outputs")
HEAD = "import tensorflow as tf\nimport amct_tensorflow as amct\nimport mylib\n"


def walk(code: str, *extra: CallHandler) -> Interpreter:
    interpreter = Interpreter(parse(HEAD + textwrap.dedent(code)), "/x/q.py", (*extra, *HANDLERS))
    interpreter.run()
    return interpreter


class Lookup:
    """A made-up library whose `lookup(name)` takes a tensor name: one handler, nothing else to change."""

    def __init__(self) -> None:
        self.sites: list[CallSite] = []

    def call(self, site: CallSite, walk: Interpreter) -> V.Vals | None:
        if site.canonical != "mylib.lookup":
            return None
        self.sites.append(site)
        walk.sinks.sink(site.arg(0, "name"), UseKind.TENSOR, site, graphs=None)
        return (V.AmctResult("lookup"),)


def test_a_new_handler_sees_the_call_site_and_records_uses() -> None:
    lookup = Lookup()
    interpreter = walk(
        """
        g = tf.get_default_graph()
        amct.quantize_model(g, 'c.json', 'r.txt')
        out = mylib.lookup(graph=g, name='Add' + ':0')
        """,
        lookup,
    )
    (site,) = lookup.sites
    assert site.attr == "lookup" and site.api is None
    assert site.arg(0, "name") is site.keywords["name"]
    assert site.phase == frozenset({"after"})
    (use,) = interpreter.record.uses
    assert (use.value.value, use.kind, use.phase) == ("Add:0", UseKind.TENSOR, Phase.AFTER)
    assert interpreter.module_env.vars["out"] == (V.AmctResult("lookup"),)


def test_without_the_handler_the_call_is_unknown() -> None:
    interpreter = walk("out = mylib.lookup(name='Add:0')\n")
    assert interpreter.record.uses == []
    assert interpreter.module_env.vars["out"] == ()


def test_an_amct_api_is_one_entry(monkeypatch: pytest.MonkeyPatch) -> None:
    code = """
        g = tf.get_default_graph()
        amct.quantize_model_v9(g, 'c.json', 'r.txt', ['Add:0'])
        g.get_tensor_by_name('Conv2D:0')
        """
    before = walk(code)
    assert {(u.value.value, u.phase) for u in before.record.uses} == {("Conv2D:0", Phase.BEFORE)}
    monkeypatch.setitem(
        AMCT_APIS,
        "quantize_model_v9",
        AmctApi(QUANTIZE_PARAMS, (OutputsInPlace("calib_outputs"), Quantize())),
    )
    after = walk(code)
    assert {(u.value.value, u.phase) for u in after.record.uses} == {
        ("Add:0", Phase.CALIB),
        ("Conv2D:0", Phase.AFTER),
    }
    (call,) = after.record.calls.values()
    assert call.api == "quantize_model_v9" and call.calib_items == ("Add:0",)


def test_values_are_typed_objects() -> None:
    interpreter = walk(
        """
        g = tf.Graph()
        sess = tf.Session(graph=g)
        same = sess.graph
        t = g.get_tensor_by_name('Add:0')
        op = same.get_operation_by_name(unknown)
        parser = argparse.ArgumentParser()
        parser.add_argument('--out', default='Add:0')
        args = parser.parse_args()
        out = args.out

        class Q:
            def __init__(self):
                self.name = 'x:0'

        q = Q()
        """
    )
    env = interpreter.module_env.vars
    (graph,) = env["g"]
    assert isinstance(graph, V.Graph) and graph.ref is not None
    assert env["sess"] == (V.Session(graph.ref),)
    assert env["same"] == (graph,)
    (tensor,) = env["t"]
    assert isinstance(tensor, V.Tensor) and tensor.name == "Add:0" and tensor.lookup is not None
    assert tensor.lookup.before and tensor.lookup.method == "get_tensor_by_name"
    assert env["op"] == (V.Operation(None),)
    assert env["args"] == (V.Namespace(),)
    assert [v.value for v in V.strings(env["out"])] == ["Add:0"]
    match env["q"]:
        case (V.InstanceObj(obj),):
            assert obj.cls.name == "Q" and [v.value for v in V.strings(obj.attrs["name"])] == ["x:0"]
        case other:
            pytest.fail(f"not an instance: {other}")
