# corpus: model=s1_add at=pb_model/model.pb
"""Names kept in module globals that a setup function assigns through `global`."""

import amct_tensorflow as amct
import tensorflow as tf

OUTPUT = None
GRAPH = None


def setup():
    global OUTPUT, GRAPH
    OUTPUT = "Add:0"  # expect: AMCT001
    with tf.gfile.GFile("./pb_model/model.pb", "rb") as f:
        graph_def = tf.GraphDef()
        graph_def.ParseFromString(f.read())
    tf.import_graph_def(graph_def, name="")
    GRAPH = tf.get_default_graph()


def run():
    amct.quantize_model(GRAPH, "c.json", "r.txt")
    with tf.Session() as sess:
        sess.run(GRAPH.get_tensor_by_name(OUTPUT))


setup()
run()
