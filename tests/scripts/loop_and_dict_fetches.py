# corpus: model=s1_add at=pb_model/model.pb
"""Names looped over, fetched through dicts and through a list the script also saves with."""

import amct_tensorflow as amct
import tensorflow as tf

OUTPUTS = ["Add:0", "Conv2D:0"]  # expect: AMCT001


def main():
    with tf.gfile.GFile("./pb_model/model.pb", "rb") as f:
        graph_def = tf.GraphDef()
        graph_def.ParseFromString(f.read())
    tf.import_graph_def(graph_def, name="")
    graph = tf.get_default_graph()
    amct.quantize_model(graph, "c.json", "r.txt")
    tensors = []
    for name in OUTPUTS:
        tensors.append(graph.get_tensor_by_name(name))
    with tf.Session() as sess:
        sess.run(tensors)
        sess.run({"out": graph.get_tensor_by_name(OUTPUTS[0])})
        sess.run({"a": "Add:0", "b": "Conv2D:0"})  # expect: AMCT001
        sess.run(fetches=["Add:0"], feed_dict={"input:0": None})  # expect: AMCT001
        sess.run(fetches="%s:0" % "Add")  # noqa: UP031  # expect: AMCT001
    amct.save_model("./pb_model/model.pb", [n.split(":")[0] for n in OUTPUTS], "r.txt", "out")


main()
