"""Issue 9 item 5: graphs loaded again after quantize_model, in the vendor samples' idioms. Names looked up
in the reloaded graph are the loaded model's own (and the hover says which model); the graph quantize_model
rewrote keeps its stale names even after a reload into a graph of its own."""

from __future__ import annotations

import textwrap

from amct_lsp.script import analyze
from amct_lsp.script.facts import Phase

HEAD = "import amct_tensorflow as amct\nimport tensorflow as tf\n"

QUANTIZE = """\
graph = tf.compat.v1.get_default_graph()
amct.quantize_model(graph, "c.json", "r.txt")
amct.save_model("./m.pb", ["Add"], "r.txt", "./result/model")
"""


def phases(code: str) -> list[tuple[int, Phase, str | None]]:
    """(1-based line in `code`, phase, graph note) of every `Add:0` use."""
    source = HEAD + QUANTIZE + textwrap.dedent(code)
    skip = (HEAD + QUANTIZE).count("\n")
    found = analyze(source, "/p/q.py").uses
    return [(u.site.start.line + 1 - skip, u.phase, u.graph_note) for u in found if u.value.value == "Add:0"]


SAVED = "a graph imported from the saved quantized model './result/model_quantized.pb'"


def test_gfile_parse_import_into_a_fresh_graph() -> None:
    """tf.io.gfile.GFile + ParseFromString + import_graph_def into a new tf.Graph(): that graph's names are
    the saved model's; a later lookup on the rewritten graph is still after quantize_model."""
    got = phases(
        """\
        with tf.io.gfile.GFile("./result/model_quantized.pb", "rb") as f:
            graph_def = tf.compat.v1.GraphDef()
            graph_def.ParseFromString(f.read())
        quant_graph = tf.Graph()
        with quant_graph.as_default():
            tf.import_graph_def(graph_def, name="")
        with tf.compat.v1.Session(graph=quant_graph) as sess:
            sess.run(quant_graph.get_tensor_by_name("Add:0"))
        with tf.compat.v1.Session(graph=graph) as sess:
            sess.run(graph.get_tensor_by_name("Add:0"))
        """
    )
    assert got == [(8, Phase.BEFORE, SAVED), (10, Phase.AFTER, None)]


def test_a_loader_helper_returning_a_fresh_graph() -> None:
    got = phases(
        """\
        def load_pb(path):
            g = tf.Graph()
            with g.as_default():
                graph_def = tf.compat.v1.GraphDef()
                with tf.io.gfile.GFile(path, "rb") as f:
                    graph_def.ParseFromString(f.read())
                tf.import_graph_def(graph_def, name="")
            return g
        quant_graph = load_pb("./result/model_quantized.pb")
        quant_graph.get_tensor_by_name("Add:0")
        graph.get_tensor_by_name("Add:0")
        """
    )
    assert got == [(10, Phase.BEFORE, SAVED), (11, Phase.AFTER, None)]


def test_reset_default_graph_then_import() -> None:
    """TF1 style: tf.reset_default_graph() and an import into the new default graph."""
    got = phases(
        """\
        tf.compat.v1.reset_default_graph()
        with tf.io.gfile.GFile("./result/model_quantized.pb", "rb") as f:
            graph_def = tf.compat.v1.GraphDef()
            graph_def.ParseFromString(f.read())
        tf.import_graph_def(graph_def, name="")
        tf.compat.v1.get_default_graph().get_tensor_by_name("Add:0")
        """
    )
    assert got == [(6, Phase.BEFORE, SAVED)]


def test_import_into_the_rewritten_graph_reads_the_rest_as_before() -> None:
    """Into the very graph quantize_model rewrote (no reset, no new graph): the walk cannot tell the two
    models' nodes apart, so it reads what follows as before quantize_model — hiding, never inventing."""
    got = phases(
        """\
        with tf.io.gfile.GFile("./other.pb", "rb") as f:
            graph_def = tf.compat.v1.GraphDef()
            graph_def.ParseFromString(f.read())
        tf.import_graph_def(graph_def, name="")
        graph.get_tensor_by_name("Add:0")
        """
    )
    assert [(line, phase) for line, phase, _ in got] == [(5, Phase.BEFORE)]


def test_saved_model_loader() -> None:
    """tf.compat.v1.saved_model.loader.load into a session on a new graph: told as a SavedModel's graph."""
    got = phases(
        """\
        with tf.compat.v1.Session(graph=tf.Graph()) as sess:
            tf.compat.v1.saved_model.loader.load(sess, ["serve"], "./saved_model")
            sess.run("Add:0")
        with tf.compat.v1.Session(graph=graph) as sess:
            sess.run("Add:0")
        """
    )
    assert got == [
        (3, Phase.BEFORE, "a graph loaded from the SavedModel './saved_model'"),
        (5, Phase.AFTER, None),
    ]
