# corpus: model=multi_output at=models/two_heads.pb
"""A TF1 script with two heads, names built with '+' and .format; one head is ignored on purpose."""

import tensorflow as tf
from amct_tensorflow import create_quant_config, quantize_model, save_model

MODEL = "models/two_heads.pb"
HEAD_A = "head_a" + "/Add:0"  # expect: AMCT001
HEAD_B = "{}/BiasAdd:{}".format("head_b", 0)  # amct: ignore[AMCT001]
TYPO = "head_b/BiasAd:0"  # expect: AMCT002


def main():
    with open(MODEL, "rb") as f:
        graph_def = tf.GraphDef()
        graph_def.ParseFromString(f.read())
    tf.import_graph_def(graph_def, name="")
    graph = tf.get_default_graph()
    create_quant_config("./config.json", graph, skip_layers=["head_a/Conv2D"])
    quantize_model(graph, "./config.json", "./record.txt")
    with tf.Session() as sess:
        sess.run([HEAD_A, HEAD_B])
        sess.run(TYPO)
    save_model(MODEL, ["head_a/Add", "head_b/BiasAdd"], "./record.txt", "./out/two_heads")


main()
