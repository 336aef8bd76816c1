# corpus: model=s4_fbn_v3 at=model/mobilenet_v2.pb
"""argparse defaults name the model and the output; the same output string also goes to save_model."""

import argparse

import amct_tensorflow as amct
import numpy as np
import tensorflow.compat.v1 as tf


def parse_args():
    parser = argparse.ArgumentParser(description="MobileNetV2 calibration")
    parser.add_argument("--model", type=str, default="./model/mobilenet_v2.pb", help="frozen graph")
    parser.add_argument(
        "--output_node",
        type=str,
        default="batch_normalization/FusedBatchNormV3:0",  # expect: AMCT001
    )
    parser.add_argument("--batch_num", type=int, default=4)
    return parser.parse_args()


def load_graph(path):
    with tf.gfile.GFile(path, "rb") as f:
        graph_def = tf.GraphDef()
        graph_def.ParseFromString(f.read())
    with tf.Graph().as_default() as graph:
        tf.import_graph_def(graph_def, name="")
    return graph


def calibrate(args):
    graph = load_graph(args.model)
    amct.create_quant_config("./tmp/config.json", graph, batch_num=args.batch_num)
    amct.quantize_model(graph, "./tmp/config.json", "./tmp/record.txt")
    output = graph.get_tensor_by_name(args.output_node)
    with tf.Session(graph=graph) as sess:
        for _ in range(args.batch_num):
            batch = np.zeros((1, 8, 8, 3), np.float32)
            sess.run(output, feed_dict={"input:0": batch})
    amct.save_model(args.model, [args.output_node.split(":")[0]], "./tmp/record.txt", "./out/mobilenet_v2")


if __name__ == "__main__":
    calibrate(parse_args())
