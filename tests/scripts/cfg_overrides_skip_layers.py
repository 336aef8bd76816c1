# corpus: model=s3_conv2d at=pb_model/model.pb
# corpus: file=quant.cfg text=batch_num: 2
"""config_defination wins: AMCT ignores the call's skip_layers, so Conv2D is quantized and gets a searchN."""

import amct_tensorflow as amct
import tensorflow as tf


def main():
    with tf.gfile.GFile("./pb_model/model.pb", "rb") as f:
        graph_def = tf.GraphDef()
        graph_def.ParseFromString(f.read())
    tf.import_graph_def(graph_def, name="")
    graph = tf.get_default_graph()
    amct.create_quant_config("./config.json", graph, skip_layers=["Conv2D"], config_defination="./quant.cfg")
    amct.quantize_model(graph, "./config.json", "./record.txt")
    with tf.Session() as sess:
        sess.run("Conv2D:0")  # expect: AMCT001


main()
