# corpus: model=s1_add at=pb_model/model.pb
"""calib_outputs passed down to a helper, and through an alias: AMCT updates the caller's list too."""

import amct_tensorflow as amct
import tensorflow as tf


def load(path):
    with tf.gfile.GFile(path, "rb") as f:
        graph_def = tf.GraphDef()
        graph_def.ParseFromString(f.read())
    tf.import_graph_def(graph_def, name="")
    return tf.get_default_graph()


def quantize(graph, outputs):
    amct.create_quant_config("./config.json", graph)
    amct.quantize_model(graph, "./config.json", "./record.txt", calib_outputs=outputs)


def main():
    graph = load("./pb_model/model.pb")
    outs = ["Add"]
    quantize(graph, outs)
    with tf.Session() as sess:
        sess.run([graph.get_tensor_by_name(n + ":0") for n in outs])
        sess.run(outs[0] + ":0")
    names = ["Add"]
    calib = names
    amct.quantize_model(graph, "./config.json", "./record.txt", calib)
    with tf.Session() as sess:
        sess.run(names)
        for name in names:
            sess.run(name)
    amct.save_model("./pb_model/model.pb", ["Add"], "./record.txt", "./out/model")


main()
