# corpus: model=s1_add at=pb_model/model.pb
"""quantize_model calls of many shapes: the calib_outputs fix must give working code for each."""

import amct_tensorflow as amct
import tensorflow as tf


def load():
    with tf.gfile.GFile("./pb_model/model.pb", "rb") as f:
        graph_def = tf.GraphDef()
        graph_def.ParseFromString(f.read())
    tf.import_graph_def(graph_def, name="")
    return tf.get_default_graph()


def multi_line():
    graph = load()
    amct.quantize_model(
        graph=graph,
        config_file="./config.json",
        record_file="./record.txt",
    )
    with tf.Session() as sess:
        sess.run(graph.get_tensor_by_name("Add:0"))  # expect: AMCT001


def inside_with():
    graph = load()
    with tf.Session() as sess:
        amct.quantize_model(graph, "./config.json", "./record.txt")
        sess.run(graph.get_tensor_by_name("Add:0"))  # expect: AMCT001


def star_kwargs():
    graph = load()
    params = dict(config_file="./config.json", record_file="./record.txt")
    amct.quantize_model(graph, **params)
    with tf.Session() as sess:
        sess.run(graph.get_tensor_by_name("Add:0"))  # expect: AMCT001


def existing_list():
    graph = load()
    outs = [graph.get_operation_by_name("input").name, "Add"]
    amct.quantize_model(graph, "./config.json", "./record.txt", outs)
    with tf.Session() as sess:
        sess.run("Add:0")  # expect: AMCT001


def name_taken():
    graph = load()
    calib_outputs = None
    amct.quantize_model(graph, "./config.json", "./record.txt")
    with tf.Session() as sess:
        sess.run("Add:0")  # expect: AMCT001
    return calib_outputs


def result_assigned():
    graph = load()
    res = amct.quantize_model(graph,
                              "./config.json",
                              "./record.txt")  # fmt: skip
    with tf.Session() as sess:
        sess.run(graph.get_tensor_by_name('Add:0'))  # expect: AMCT001  # fmt: skip
    return res


def shared_with_save():
    graph = load()
    output = "Add:0"  # expect: AMCT001
    amct.quantize_model(graph, "./config.json", "./record.txt")
    with tf.Session() as sess:
        sess.run(output)
    amct.save_model("./pb_model/model.pb", [output[:-2]], "./record.txt", "./out/model")


multi_line()
inside_with()
star_kwargs()
existing_list()
name_taken()
result_assigned()
shared_with_save()
