# corpus: model=s1_add at=pb_model/model.pb
"""Post-processing ops the script adds itself are fetched by the names it gives them."""

import amct_tensorflow as amct
import tensorflow as tf


def main():
    with tf.gfile.GFile("./pb_model/model.pb", "rb") as f:
        graph_def = tf.GraphDef()
        graph_def.ParseFromString(f.read())
    tf.import_graph_def(graph_def, name="")
    graph = tf.get_default_graph()
    amct.quantize_model(graph, "c.json", "r.txt")
    logits = graph.get_tensor_by_name("search_n_quant/search_n_quant_SEARCHN/Identity:0")
    with tf.name_scope("post"):
        prob = tf.nn.softmax(logits, name="prob")
    tf.identity(prob, "final_out")
    with tf.Session() as sess:
        sess.run(["post/prob:0", "final_out:0"])
        sess.run("final_outt:0")  # expect: AMCT002


main()
