# corpus: model=s1_add at=pb_model/model.pb
"""calib_outputs holds op names (documented); a tensor name in it is not what AMCT updates, so it is a finding
whose fix (the op name) is offered, never applied by --fix: the fetches reading the list need their ':0'."""

import amct_tensorflow as amct
import tensorflow as tf


def main():
    with tf.gfile.GFile("./pb_model/model.pb", "rb") as f:
        graph_def = tf.GraphDef()
        graph_def.ParseFromString(f.read())
    tf.import_graph_def(graph_def, name="")
    graph = tf.get_default_graph()
    outputs = ["input:0", "Add:0"]  # expect: AMCT002
    amct.quantize_model(graph, "./config.json", "./record.txt", calib_outputs=outputs)
    with tf.Session() as sess:
        sess.run([graph.get_tensor_by_name(name) for name in outputs])


if __name__ == "__main__":
    main()
