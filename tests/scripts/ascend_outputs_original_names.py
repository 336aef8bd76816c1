# corpus: model=s1_add at=pre_model/resnet_tail.pb
"""The *_ascend flow with a post-rewrite name handed to quantize_model_ascend's `outputs`, a tensor name in
quantize_preprocess's list, and the returned calibration outputs used the right way."""

import os

import amct_tensorflow as amct
import numpy as np
import tensorflow as tf

PATH = os.path.realpath("./")
PB_MODEL = os.path.join(PATH, "pre_model", "resnet_tail.pb")
INPUT_NAME = "input:0"


def load(pb_model):
    with tf.io.gfile.GFile(pb_model, "rb") as f:
        graph_def = tf.compat.v1.GraphDef()
        graph_def.ParseFromString(f.read())
    tf.import_graph_def(graph_def, name="")
    return tf.compat.v1.get_default_graph()


def main():
    graph = load(PB_MODEL)
    amct.quantize_preprocess(graph, "./config.json", "./tmp/balance.txt", ["Add:0"])  # expect: AMCT002
    calibration_graph, calibration_outputs = amct.quantize_model_ascend(
        graph=graph,
        outputs=["bias_add/BiasAdd"],  # expect: AMCT003
        config_file="./config.json",
        record_file="./tmp/record.txt",
    )
    with tf.compat.v1.Session(graph=calibration_graph) as sess:
        fetch = calibration_graph.get_tensor_by_name(calibration_outputs[0] + ":0")
        sess.run(fetch, feed_dict={INPUT_NAME: np.zeros((1, 8, 8, 3), np.float32)})
    amct.save_model_ascend(PB_MODEL, ["Add"], "./tmp/record.txt", os.path.join(PATH, "result", "resnet"))


if __name__ == "__main__":
    main()
