# corpus: model=s1_add at=pb_model/case_1_1.pb
"""The rename-proof way: calib_outputs (op names) is updated in place by AMCT; save_model gets a post-rewrite
name."""

import amct_tensorflow as amct
import tensorflow as tf


def main():
    model_name = "./pb_model/case_1_1.pb"
    with tf.gfile.GFile(model_name, "rb") as f:
        graph_def = tf.GraphDef()
        graph_def.ParseFromString(f.read())
    tf.import_graph_def(graph_def, name="")
    graph = tf.get_default_graph()
    outputs = ["Add"]
    amct.quantize_model(graph, "./config.json", "./record.txt", calib_outputs=outputs)
    with tf.Session() as sess:
        sess.run([graph.get_tensor_by_name(name + ":0") for name in outputs])
    amct.save_model(
        model_name,
        ["search_n_quant/search_n_quant_SEARCHN/Identity"],  # expect: AMCT003
        "./record.txt",
        "./out/case_1_1",
    )


if __name__ == "__main__":
    main()
