# corpus: model=s1_add at=pb_model/model.pb
"""calib_outputs given positionally, and quantize_model_ascend's returned list: both are rename-proof.
quantize_model_ascend's own `outputs` (its second parameter, as documented) is not updated in place."""

import amct_tensorflow as amct
import tensorflow as tf


def load():
    with tf.gfile.GFile("./pb_model/model.pb", "rb") as f:
        graph_def = tf.GraphDef()
        graph_def.ParseFromString(f.read())
    tf.import_graph_def(graph_def, name="")
    return tf.get_default_graph()


def positional():
    graph = load()
    outputs = ["Add"]
    amct.quantize_model(graph, "c.json", "r.txt", outputs)
    with tf.Session() as sess:
        sess.run(outputs)
        sess.run(graph.get_tensor_by_name(outputs[0] + ":0"))
        sess.run([graph.get_tensor_by_name(n + ":0") for n in outputs])
        for name in outputs:
            sess.run(name)
    amct.save_model("./pb_model/model.pb", ["Add"], "r.txt", "out")


def ascend():
    graph = load()
    outs = ["Add"]  # expect: AMCT001
    graph, calib = amct.quantize_model_ascend(graph, outs, "c.json", "r.txt")
    with tf.Session() as sess:
        sess.run(calib)
        sess.run(outs[0] + ":0")
    amct.save_model_ascend("./pb_model/model.pb", outs, "r.txt", "out")


positional()
ascend()
