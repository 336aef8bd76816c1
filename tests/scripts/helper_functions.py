# corpus: model=s1_addv2 at=pb_model/addv2_net.pb
"""The FAQ's shape with more helpers: the name travels through parameters and return values."""

import amct_tensorflow as amct
import tensorflow as tf


def load_pb(model_name):
    with tf.gfile.GFile(model_name, "rb") as f:
        graph_def = tf.GraphDef()
        graph_def.ParseFromString(f.read())
    tf.import_graph_def(graph_def, name="")


def output_names():
    return ["add:0"]  # expect: AMCT001


def run_inference(graph, sess, name):
    tensor = graph.get_tensor_by_name(name)
    return sess.run(tensor)


def quantize(graph):
    amct.create_quant_config(config_file="./configs/config.json", graph=graph)
    amct.quantize_model(
        graph=graph,
        config_file="./configs/config.json",
        record_file="./configs/record_scale_offset.txt",
    )


def main():
    model_name = "./pb_model/addv2_net.pb"
    load_pb(model_name)
    graph = tf.get_default_graph()
    with tf.Session() as sess:
        run_inference(graph, sess, "input:0")
    quantize(graph)
    with tf.Session() as sess:
        for name in output_names():
            run_inference(graph, sess, name)
    amct.save_model(model_name, ["add"], "./configs/record_scale_offset.txt", "./pb_model/addv2_quant")


if __name__ == "__main__":
    main()
