# corpus: model=v8_conv3d_mul at=model/c3d_scaled.pb
"""A video classifier whose last Conv3D (+ bias) output is scaled by a constant temperature, quantized in
the samples' style with the output names kept in a dict.

AMCT 8.5 and later fold a scalar Mul after Conv3D into the weights and delete it; the fetch after
quantize_model still names the deleted Mul. The calibration fetch before it, and save_model's original
names, are fine.
"""

import os

import amct_tensorflow as amct
import numpy as np
import tensorflow as tf

ROOT = os.path.dirname(os.path.abspath(__file__))
NAMES = {"input": "input:0", "logits": "mul:0"}
CLIPS = np.ones((1, 4, 8, 8, 3), dtype=np.float32)


def read_graph(path):
    graph_def = tf.compat.v1.GraphDef()
    with open(path, "rb") as handle:
        graph_def.ParseFromString(handle.read())
    with tf.Graph().as_default() as graph:
        tf.import_graph_def(graph_def, name="")
    return graph


def run(graph, name):
    with tf.compat.v1.Session(graph=graph) as sess:
        return sess.run(graph.get_tensor_by_name(name), feed_dict={NAMES["input"]: CLIPS})


def quantize(model_file):
    graph = read_graph(model_file)
    run(graph, NAMES["logits"])
    config = os.path.join(ROOT, "out", "config.json")
    record = os.path.join(ROOT, "out", "record.txt")
    amct.create_quant_config(config_file=config, graph=graph, skip_layers=[], batch_num=1)
    amct.quantize_model(graph=graph, config_file=config, record_file=record)
    run(graph, "mul:0")  # expect: AMCT001
    amct.save_model(
        pb_model=model_file,
        outputs=["mul"],
        record_file=record,
        save_path=os.path.join(ROOT, "out", "c3d_scaled"),
    )


if __name__ == "__main__":
    quantize(os.path.join(ROOT, "model", "c3d_scaled.pb"))
