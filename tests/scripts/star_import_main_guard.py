# corpus: model=s1_add at=pb_model/model.pb
"""`from amct_tensorflow import *` and everything under `if __name__ == '__main__':`."""

import tensorflow as tf
from amct_tensorflow import *  # noqa: F403

if __name__ == "__main__":
    with tf.gfile.GFile("./pb_model/model.pb", "rb") as f:
        graph_def = tf.GraphDef()
        graph_def.ParseFromString(f.read())
    tf.import_graph_def(graph_def, name="")
    graph = tf.get_default_graph()
    create_quant_config("c.json", graph)  # noqa: F405
    quantize_model(graph, "c.json", "r.txt")  # noqa: F405
    with tf.Session() as sess:
        sess.run("Add:0")  # expect: AMCT001
    save_model("./pb_model/model.pb", ["Add"], "r.txt", "out")  # noqa: F405
