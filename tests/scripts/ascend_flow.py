# corpus: model=s3_conv2d at=model/conv.pb
"""quantize_model_ascend returns the new output names; using them is safe, a literal is not."""

import os

import amct_tensorflow as amct
import tensorflow as tf

MODEL_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "model")


def main():
    with tf.io.gfile.GFile(os.path.join(MODEL_DIR, "conv.pb"), "rb") as f:
        graph_def = tf.compat.v1.GraphDef()
        graph_def.ParseFromString(f.read())
    tf.import_graph_def(graph_def, name="")
    graph = tf.compat.v1.get_default_graph()
    graph, outputs = amct.quantize_model_ascend(
        graph=graph, outputs=["Conv2D"], config_file="./config.json", record_file="./record.txt"
    )
    with tf.compat.v1.Session() as sess:
        sess.run(graph.get_tensor_by_name(outputs[0]))
        sess.run(graph.get_tensor_by_name("Conv2D:0"))  # expect: AMCT001


if __name__ == "__main__":
    main()
