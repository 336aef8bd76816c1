# corpus: model=s5_unfused_bn at=model/bn_net.pb
"""Module constants, `%` formatting, a dict of fetches, and a layer the script skips."""

import os

import amct_tensorflow as amct
import tensorflow as tf

ROOT = os.path.dirname(os.path.abspath(__file__))
MODEL_FILE = os.path.join(ROOT, "model", "bn_net.pb")
SCOPE = "batch_normalization"
OUTPUT = "%s/batchnorm/add_1:%d" % (SCOPE, 0)  # noqa: UP031  # expect: AMCT001
WRONG_INDEX = "Conv2D:1"  # expect: AMCT002


def main():
    with tf.io.gfile.GFile(MODEL_FILE, "rb") as f:
        graph_def = tf.compat.v1.GraphDef()
        graph_def.ParseFromString(f.read())
    tf.import_graph_def(graph_def, name="")
    graph = tf.compat.v1.get_default_graph()
    amct.create_quant_config("./config.json", graph)
    amct.quantize_model(graph, "./config.json", "./record.txt")
    with tf.compat.v1.Session() as sess:
        sess.run({"out": OUTPUT, "conv": WRONG_INDEX})


if __name__ == "__main__":
    main()
