# corpus: model=multi_output at=models/two_heads.pb
"""Two heads whose tensor names are built in a loop with an f-string; the same op names go to save_model."""

import amct_tensorflow as amct
import tensorflow as tf

HEADS = ["head_a/Add", "head_b/BiasAdd"]  # expect: AMCT001


def main():
    with tf.gfile.GFile("./models/two_heads.pb", "rb") as f:
        graph_def = tf.GraphDef()
        graph_def.ParseFromString(f.read())
    tf.import_graph_def(graph_def, name="")
    graph = tf.get_default_graph()
    amct.quantize_model(graph, "c.json", "r.txt")
    with tf.Session() as sess:
        fetches = [graph.get_tensor_by_name(f"{head}:0") for head in HEADS]
        sess.run(fetches)
        for i in range(2):
            sess.run(f"head_{i}/Add:0")  # built from a number: not known, so not checked
    amct.save_model("./models/two_heads.pb", HEADS, "r.txt", "./out/two_heads")


main()
