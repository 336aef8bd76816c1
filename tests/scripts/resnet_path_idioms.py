# corpus: model=s2_biasadd_conv2d at=pre_model/resnet50.pb
"""Path idioms of the vendor's calibration samples: the script's folder from
os.path.split(realpath(__file__)), pathlib parents, argparse positionals with defaults, and output paths
(a save_path default, a '{}_quantized.pb' template, a .pb written by tf.io.write_graph) written before the
model's own path, which reaches a loader the walk cannot follow. The model fallback must take the model,
never an output."""

import argparse
import os
import pathlib

import amct_tensorflow as amct
import tensorflow as tf
from image_utils import MODEL_FILE, load_graph_from  # a helper module of the sample, not seen by the walk

CUR_DIR, _ = os.path.split(os.path.realpath(__file__))
ROOT = pathlib.Path(__file__).resolve().parents[0]
PATH = os.path.realpath("./")
OUTPUTS = os.path.join(CUR_DIR, "outputs")
QUANT_TEMPLATE = "{}_quantized.pb"


def parse_args():
    parser = argparse.ArgumentParser(description="resnet-50 calibration")
    parser.add_argument("--save_path", default="./outputs/resnet50_quantized.pb")
    parser.add_argument("model", nargs="?", default="pre_model/resnet50.pb")
    parser.add_argument("--calib_dir", default=str(ROOT / "calibration"))
    return parser.parse_args()


def main():
    args = parse_args()
    graph = load_graph_from(args.model)
    tf.io.write_graph(graph, OUTPUTS, "float_copy.pb", as_text=False)
    output = graph.get_tensor_by_name("BiasAdd:0")
    amct.create_quant_config(os.path.join(OUTPUTS, "config.json"), graph)
    amct.quantize_model(graph, os.path.join(OUTPUTS, "config.json"), os.path.join(OUTPUTS, "record.txt"))
    with tf.compat.v1.Session() as sess:
        sess.run(output)  # expect: AMCT001
    amct.save_model(
        MODEL_FILE,
        ["BiasAdd"],
        os.path.join(OUTPUTS, "record.txt"),
        QUANT_TEMPLATE.format(os.path.join(PATH, "outputs/resnet50")),
    )


if __name__ == "__main__":
    main()
