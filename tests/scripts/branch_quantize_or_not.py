# corpus: model=s1_add at=pb_model/model.pb
"""quantize_model runs in one branch only: each branch's name is right on its own path."""

import argparse

import amct_tensorflow as amct
import tensorflow as tf


def main(args):
    with tf.gfile.GFile("./pb_model/model.pb", "rb") as f:
        graph_def = tf.GraphDef()
        graph_def.ParseFromString(f.read())
    tf.import_graph_def(graph_def, name="")
    graph = tf.get_default_graph()
    if args.quantize:
        amct.quantize_model(graph, "c.json", "r.txt")
        output = "search_n_quant/search_n_quant_SEARCHN/Identity:0"
    elif args.fp16:
        output = "Add:0"
    else:
        output = "Add:0"
    with tf.Session() as sess:
        sess.run(graph.get_tensor_by_name(output))
    if args.quantize:
        amct.quantize_model(graph, "c.json", "r.txt")
    with tf.Session() as sess:
        sess.run("Add:0")  # expect: AMCT001


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--quantize", action="store_true")
    parser.add_argument("--fp16", action="store_true")
    main(parser.parse_args())
