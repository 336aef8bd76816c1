# corpus: model=s1_add at=pb_model/model.pb
"""Lambdas, nested functions, the walrus operator, *args and **kwargs carry names to the graph."""

import amct_tensorflow as amct
import tensorflow as tf


def main():
    with tf.gfile.GFile("./pb_model/model.pb", "rb") as f:
        graph_def = tf.GraphDef()
        graph_def.ParseFromString(f.read())
    tf.import_graph_def(graph_def, name="")
    graph = tf.get_default_graph()
    amct.quantize_model(graph, "c.json", "r.txt")
    get = lambda n: graph.get_tensor_by_name(n)  # noqa: E731

    def fetch(n):
        return graph.get_tensor_by_name(n)

    def fetch_all(*names):
        return [graph.get_tensor_by_name(n) for n in names]

    def fetch_kw(**kwargs):
        return graph.get_tensor_by_name(kwargs["name"])

    with tf.Session() as sess:
        sess.run(get("Add:0"))  # expect: AMCT001
        sess.run(fetch("Add:0"))  # expect: AMCT001
        if name := "Add:0":  # expect: AMCT001
            sess.run(name)
        sess.run(fetch_all("Add:0", "input:0"))  # expect: AMCT001
        sess.run(fetch_kw(name="Add:0"))  # expect: AMCT001


main()
