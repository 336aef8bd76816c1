# corpus: model=s1_add at=pre_model/model.pb
"""After saving, the vendor samples check the quantized model on a graph of its own: tensors looked up
there, and tensors of a float copy kept for comparison, are not stale. A tail that is not renamed is not
either."""

import os

import amct_tensorflow as amct
import tensorflow as tf

CUR_DIR, _ = os.path.split(os.path.realpath(__file__))
MODEL = os.path.join(CUR_DIR, "pre_model/model.pb")
SAVE_PATH = os.path.join(CUR_DIR, "result/model")


def load(path):
    graph = tf.Graph()
    with graph.as_default():
        with tf.io.gfile.GFile(path, "rb") as f:
            graph_def = tf.compat.v1.GraphDef()
            graph_def.ParseFromString(f.read())
        tf.import_graph_def(graph_def, name="")
    return graph


def main():
    float_graph = load(MODEL)
    float_output = float_graph.get_tensor_by_name("Add:0")
    graph = load(MODEL)
    input_tensor = graph.get_tensor_by_name("input:0")
    amct.create_quant_config("./config.json", graph)
    amct.quantize_model(graph, "./config.json", "./record.txt")
    with tf.compat.v1.Session(graph=float_graph) as sess:
        sess.run(float_output)
    with tf.compat.v1.Session(graph=graph) as sess:
        sess.run(input_tensor)
    amct.save_model(MODEL, ["Add"], "./record.txt", SAVE_PATH)

    quant_graph = load(SAVE_PATH + "_quantized.pb")
    quant_output = quant_graph.get_tensor_by_name("Add:0")
    with tf.compat.v1.Session(graph=quant_graph) as sess:
        sess.run(quant_output)


main()
