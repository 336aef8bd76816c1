# corpus: model=s3_conv2d at=pb_model/model.pb
# corpus: file=config.json text={"version": 1, "batch_num": 1, "Conv2D": {"quant_enable": false}}
"""The existing config.json turns the tail layer's quantization off: no searchN, the name stays."""

import amct_tensorflow as amct
import tensorflow as tf


def main():
    with tf.gfile.GFile("./pb_model/model.pb", "rb") as f:
        graph_def = tf.GraphDef()
        graph_def.ParseFromString(f.read())
    tf.import_graph_def(graph_def, name="")
    graph = tf.get_default_graph()
    amct.quantize_model(graph=graph, config_file="./config.json", record_file="./record.txt")
    with tf.Session() as sess:
        sess.run("Conv2D:0")


main()
