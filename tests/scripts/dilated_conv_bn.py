# corpus: model=v8_atrous_conv_bn at=model/deeplab_head.pb
"""A segmentation head built with a dilated conv (SpaceToBatchND / Conv2D / BatchToSpaceND) and a fused
batch norm, the output looked up as a tensor object before quantize_model and run after it.

AMCT 8.0 and later move the BN before the BatchToSpaceND and fuse it: the network then ends at the
BatchToSpaceND, and the old BN output is the stale fetch.
"""

import os

import amct_tensorflow as amct
import numpy as np
import tensorflow as tf

CUR_DIR, _ = os.path.split(os.path.realpath(__file__))
PB_MODEL = os.path.join(CUR_DIR, "model", "deeplab_head.pb")
OUTPUTS = ["batch_normalization/FusedBatchNormV3"]


def main():
    with tf.io.gfile.GFile(PB_MODEL, "rb") as f:
        graph_def = tf.compat.v1.GraphDef()
        graph_def.ParseFromString(f.read())
    tf.import_graph_def(graph_def, name="")
    graph = tf.compat.v1.get_default_graph()
    input_tensor = graph.get_tensor_by_name("input:0")
    output_tensor = graph.get_tensor_by_name(OUTPUTS[0] + ":0")
    amct.create_quant_config("./config.json", graph)
    amct.quantize_model(graph, "./config.json", "./record.txt")
    with tf.compat.v1.Session() as sess:
        image = np.zeros((1, 8, 8, 3), dtype=np.float32)
        sess.run(output_tensor, feed_dict={input_tensor: image})  # expect: AMCT001
    amct.save_model(PB_MODEL, OUTPUTS, "./record.txt", "./result/deeplab_head")


if __name__ == "__main__":
    main()
