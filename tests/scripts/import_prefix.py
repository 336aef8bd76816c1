# corpus: model=s1_add at=pb_model/model.pb
"""tf.import_graph_def without name='' puts every node under 'import/'."""

import amct_tensorflow as amct
import tensorflow as tf


def main():
    with tf.gfile.GFile("./pb_model/model.pb", "rb") as f:
        graph_def = tf.GraphDef()
        graph_def.ParseFromString(f.read())
    tf.import_graph_def(graph_def)
    graph = tf.get_default_graph()
    image = graph.get_tensor_by_name("import/input:0")
    conv = graph.get_tensor_by_name("import/Conv2D:0")
    amct.quantize_model(graph, "c.json", "r.txt")
    with tf.Session() as sess:
        sess.run(graph.get_tensor_by_name("import/Add:0"), feed_dict={image: None})  # expect: AMCT001
        sess.run("import/Ad:0", feed_dict={image: None})  # expect: AMCT002
    return conv


main()
