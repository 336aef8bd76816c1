# corpus: model=v8_conv3d_bn at=pre_model/c3d_bn.pb
"""A video network (Conv3D + fused batch norm at the end), quantized the way the image samples do it.

AMCT 8.0 and later fuse Conv3D+BN; the output the script keeps fetching is the old batch norm.
"""

import os

import amct_tensorflow as amct
import numpy as np
import tensorflow as tf

PATH = os.path.realpath("./")
MODEL_PATH = os.path.join(PATH, "pre_model", "c3d_bn.pb")
INPUT_NAME = "input:0"
OUTPUT_NAME = "batch_normalization/FusedBatchNormV3:0"  # expect: AMCT001
CLIPS = np.zeros((1, 4, 8, 8, 3), dtype=np.float32)


def load_graph(model_path):
    with tf.io.gfile.GFile(model_path, "rb") as f:
        graph_def = tf.compat.v1.GraphDef()
        graph_def.ParseFromString(f.read())
    graph = tf.Graph()
    with graph.as_default():
        tf.import_graph_def(graph_def, name="")
    return graph


def main():
    graph = load_graph(MODEL_PATH)
    config_file = os.path.join(PATH, "tmp", "config.json")
    record_file = os.path.join(PATH, "tmp", "record.txt")
    amct.create_quant_config(config_file=config_file, graph=graph, skip_layers=[], batch_num=1)
    amct.quantize_model(graph=graph, config_file=config_file, record_file=record_file)
    with tf.compat.v1.Session(graph=graph) as sess:
        sess.run(graph.get_tensor_by_name(OUTPUT_NAME), feed_dict={INPUT_NAME: CLIPS})
    amct.save_model(
        pb_model=MODEL_PATH,
        outputs=[OUTPUT_NAME[:-2]],
        record_file=record_file,
        save_path=os.path.join(PATH, "result", "c3d"),
    )


if __name__ == "__main__":
    main()
