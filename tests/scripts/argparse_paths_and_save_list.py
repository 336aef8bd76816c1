# corpus: model=s1_add at=pb_model/model.pb
"""argparse defaults built with os.path from __file__; save_model gets the outputs as a variable list."""

import argparse
import os

import amct_tensorflow as amct
import tensorflow as tf

HERE = os.path.dirname(os.path.abspath(__file__))


def get_args():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default=os.path.join(HERE, "pb_model", "model.pb"))
    parser.add_argument("--output", default="Add:0")  # expect: AMCT001
    return parser.parse_args()


def load(path):
    graph_def = tf.compat.v1.GraphDef()
    with open(path, "rb") as f:
        graph_def.ParseFromString(f.read())
    graph = tf.Graph()
    with graph.as_default():
        tf.import_graph_def(graph_def, name="")
    return graph


def main():
    args = get_args()
    graph = load(args.model)
    outputs = ["Add"]  # expect: AMCT001
    amct.quantize_model(graph, "config.json", "record.txt")
    with tf.compat.v1.Session(graph=graph) as sess:
        sess.run(graph.get_tensor_by_name(args.output), feed_dict={"input:0": None})
        sess.run(graph.get_tensor_by_name(outputs[0] + ":0"))
    amct.save_model(pb_model=args.model, outputs=outputs, record_file="record.txt", save_path="out/m")
    amct.save_model(args.model, [args.output[:-2]], "record.txt", "out/m2")


if __name__ == "__main__":
    main()
