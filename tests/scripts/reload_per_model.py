# corpus: model=s1_add at=pb_model/model.pb
"""The model is loaded afresh for each run (a float baseline first): only uses after quantize_model are
stale."""

import amct_tensorflow as amct
import tensorflow as tf


def load(path):
    with tf.gfile.GFile(path, "rb") as f:
        graph_def = tf.GraphDef()
        graph_def.ParseFromString(f.read())
    graph = tf.Graph()
    with graph.as_default():
        tf.import_graph_def(graph_def, name="")
    return graph


def run(path, output):
    graph = load(path)
    with tf.Session(graph=graph) as sess:
        baseline = sess.run(graph.get_tensor_by_name(output))
    amct.quantize_model(graph, "c.json", "r.txt")
    return baseline


def twice():
    first = load("./pb_model/model.pb")
    amct.quantize_model(first, "c.json", "r.txt")
    second = load("./pb_model/model.pb")
    baseline = second.get_tensor_by_name("Add:0")
    amct.quantize_model(second, "c.json", "r2.txt")
    with tf.Session(graph=second) as sess:
        sess.run(second.get_tensor_by_name("Add:0"))  # expect: AMCT001
    return baseline


run("./pb_model/model.pb", "Add:0")
run("./pb_model/model.pb", "Add:0")
twice()
