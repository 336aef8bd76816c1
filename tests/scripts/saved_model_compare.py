# corpus: model=s3_conv2d at=pre_model/mobilenet_tail.pb
"""Calibrate, save, then compare the saved quantized model (imported into a graph of its own, the samples'
GFile / ParseFromString / import_graph_def idiom) with the calibration graph: the saved model's names are
its own, while the calibration graph, rewritten in place, still answers to the stale name."""

import os

import amct_tensorflow as amct
import numpy as np
import tensorflow as tf

PATH = os.path.realpath("./")
MODEL = os.path.join(PATH, "pre_model", "mobilenet_tail.pb")
SAVE_PATH = os.path.join(PATH, "result", "mobilenet_tail")
OUTPUT = "Conv2D:0"  # expect: AMCT001
IMAGE = np.zeros((1, 8, 8, 3), dtype=np.float32)


def load_pb(model_file):
    graph = tf.Graph()
    with graph.as_default():
        with tf.io.gfile.GFile(model_file, "rb") as f:
            graph_def = tf.compat.v1.GraphDef()
            graph_def.ParseFromString(f.read())
        tf.import_graph_def(graph_def, name="")
    return graph


def main():
    graph = load_pb(MODEL)
    amct.create_quant_config(os.path.join(PATH, "config.json"), graph)
    amct.quantize_model(graph, os.path.join(PATH, "config.json"), os.path.join(PATH, "record.txt"))
    with tf.compat.v1.Session(graph=graph) as sess:
        calib_output = graph.get_tensor_by_name("search_n_quant/search_n_quant_SEARCHN/Identity:0")
        sess.run(calib_output, {"input:0": IMAGE})
    amct.save_model(MODEL, ["Conv2D"], os.path.join(PATH, "record.txt"), SAVE_PATH)

    quant_graph = load_pb(SAVE_PATH + "_quantized.pb")
    with tf.compat.v1.Session(graph=quant_graph) as sess:
        quantized = sess.run(quant_graph.get_tensor_by_name(OUTPUT), {"input:0": IMAGE})
    with tf.compat.v1.Session(graph=graph) as sess:
        calibrated = sess.run(graph.get_tensor_by_name(OUTPUT), {"input:0": IMAGE})
    print(np.abs(quantized - calibrated).max())


if __name__ == "__main__":
    main()
