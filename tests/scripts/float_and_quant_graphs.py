# corpus: model=s1_add at=pb_model/model.pb
"""A float copy of the model is kept to compare against: its names stay right after the other is quantized."""

import amct_tensorflow as amct
import numpy as np
import tensorflow as tf


def load():
    with tf.gfile.GFile("./pb_model/model.pb", "rb") as f:
        graph_def = tf.GraphDef()
        graph_def.ParseFromString(f.read())
    graph = tf.Graph()
    with graph.as_default():
        tf.import_graph_def(graph_def, name="")
    return graph


def main():
    float_graph = load()
    quant_graph = load()
    amct.quantize_model(quant_graph, "c.json", "r.txt")
    feed = {"input:0": np.zeros((1, 8, 8, 3), np.float32)}
    with tf.Session(graph=float_graph) as fs, tf.Session(graph=quant_graph) as qs:
        expected = fs.run("Add:0", feed_dict=feed)
        expected = fs.run(fs.graph.get_tensor_by_name("Add:0"), feed_dict=feed)
        got = qs.run("search_n_quant/search_n_quant_SEARCHN/Identity:0", feed_dict=feed)
        stale = qs.run(quant_graph.get_tensor_by_name("Add:0"), feed_dict=feed)  # expect: AMCT001
    print(np.abs(expected - got).max(), stale)


main()
