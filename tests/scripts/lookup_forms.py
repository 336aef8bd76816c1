# corpus: model=multi_output at=model/two_heads.pb
"""The output objects of a two-head network looked up before quantize_model the ways the samples do it:
through a helper, as a list of tensors, and as an op's `.outputs[0]`; each is run after quantize_model."""

import os

import amct_tensorflow as amct
import numpy as np
import tensorflow as tf

MODEL_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "model")
HEADS = ["head_a/Add", "head_b/BiasAdd"]


def load_graph(pb_file):
    with tf.io.gfile.GFile(pb_file, "rb") as f:
        graph_def = tf.compat.v1.GraphDef()
        graph_def.ParseFromString(f.read())
    graph = tf.Graph()
    with graph.as_default():
        tf.import_graph_def(graph_def, name="")
    return graph


def output_tensor(graph, name):
    return graph.get_tensor_by_name(name + ":0")


def main():
    graph = load_graph(os.path.join(MODEL_DIR, "two_heads.pb"))
    input_tensor = graph.get_tensor_by_name("input:0")
    head_a = output_tensor(graph, HEADS[0])
    heads = [graph.get_tensor_by_name(name + ":0") for name in HEADS]
    op_b = graph.get_operation_by_name(HEADS[1])
    head_b = op_b.outputs[0]
    amct.create_quant_config("./config.json", graph)
    amct.quantize_model(graph, "./config.json", "./record.txt")
    batch = np.zeros((1, 8, 8, 3), dtype=np.float32)
    with tf.compat.v1.Session(graph=graph) as sess:
        sess.run(head_a, feed_dict={input_tensor: batch})  # expect: AMCT001
        sess.run(heads, feed_dict={input_tensor: batch})  # expect: AMCT001
        sess.run(head_b, feed_dict={input_tensor: batch})  # expect: AMCT001
    amct.save_model(os.path.join(MODEL_DIR, "two_heads.pb"), HEADS, "./record.txt", "./result/two_heads")


if __name__ == "__main__":
    main()
