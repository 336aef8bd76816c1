# corpus: model=s4_fbn_v3 at=model/yolov3.pb
"""An amct_tensorflow_ascend flow in the style of the vendor's detection samples: the output op names go to
quantize_model_ascend (its second parameter), calibration fetches the returned calibration_outputs, and
save_model_ascend gets the original names again."""

import argparse
import os

import amct_tensorflow as amct
import tensorflow as tf

OUTPUT_NODES = ["batch_normalization/FusedBatchNormV3"]  # expect: AMCT001


def parse_args():
    parser = argparse.ArgumentParser(description="yolo calibration on the NPU")
    parser.add_argument("--model", default="./model/yolov3.pb")
    parser.add_argument("--save_path", default="./result/yolov3")
    return parser.parse_args()


def main():
    args = parse_args()
    with tf.io.gfile.GFile(args.model, "rb") as f:
        graph_def = tf.compat.v1.GraphDef()
        graph_def.ParseFromString(f.read())
    tf.import_graph_def(graph_def, name="")
    graph = tf.compat.v1.get_default_graph()
    record_file = os.path.join(os.path.dirname(args.save_path), "record.txt")
    amct.create_quant_config("./config.json", graph)
    calibration_graph, calibration_outputs = amct.quantize_model_ascend(
        graph, OUTPUT_NODES, "./config.json", record_file
    )
    fetches = [calibration_graph.get_tensor_by_name(name + ":0") for name in calibration_outputs]
    with tf.compat.v1.Session(graph=calibration_graph) as sess:
        sess.run(fetches)
        sess.run(OUTPUT_NODES[0] + ":0")
    amct.save_model_ascend(args.model, OUTPUT_NODES, record_file, args.save_path)


def wrong_names(graph):
    """An outputs list with a typo, and one with the name only the rewrite creates."""
    typo = ["batch_normalisation/FusedBatchNormV3"]  # expect: AMCT002
    amct.quantize_model_ascend(graph, typo, "c.json", "r.txt")
    amct.save_model_ascend("./model/yolov3.pb", ["bias_add"], "r.txt", "./out")  # expect: AMCT003


if __name__ == "__main__":
    main()
