# corpus: model=s1_add at=pre_model/model.pb
"""Calibration in the style of the vendor's TensorFlow samples: the input and output tensors are looked up
once, before quantize_model, and the same objects are run after it on the rewritten graph."""

import os

import amct_tensorflow as amct
import numpy as np
import tensorflow as tf

PATH = os.path.realpath("./")
MODEL = os.path.join(PATH, "pre_model/model.pb")
OUTPUTS = os.path.join(PATH, "outputs/calibration")
INPUT_NAME = "input"
OUTPUT_NAME = "Add"
BATCH_NUM = 2


def load_graph(model_file):
    with tf.io.gfile.GFile(model_file, mode="rb") as model:
        graph_def = tf.compat.v1.GraphDef()
        graph_def.ParseFromString(model.read())
    tf.import_graph_def(graph_def, name="")
    return tf.compat.v1.get_default_graph()


def get_tensors(graph):
    """A helper returning a tuple of tensors, as the samples' data helpers do."""
    return graph.get_tensor_by_name(INPUT_NAME + ":0"), graph.get_tensor_by_name(OUTPUT_NAME + ":0")


class Runner:
    def __init__(self, graph):
        self.output = graph.get_tensor_by_name(OUTPUT_NAME + ":0")

    def infer(self, sess, data):
        return sess.run(self.output, feed_dict={"input:0": data})  # expect: AMCT001


def main():
    graph = load_graph(MODEL)
    input_tensor = graph.get_tensor_by_name(INPUT_NAME + ":0")
    output_tensor = graph.get_tensor_by_name(OUTPUT_NAME + ":0")
    data = np.ones((1, 8, 8, 3), np.float32)

    with tf.compat.v1.Session() as sess:
        origin = sess.run(output_tensor, feed_dict={input_tensor: data})

    runner = Runner(graph)
    pair = get_tensors(graph)
    fetches = {"logits": output_tensor}
    config_file = os.path.join(OUTPUTS, "config.json")
    record_file = os.path.join(OUTPUTS, "record.txt")
    amct.create_quant_config(config_file=config_file, graph=graph, skip_layers=[], batch_num=BATCH_NUM)
    amct.quantize_model(graph=graph, config_file=config_file, record_file=record_file)

    with tf.compat.v1.Session() as sess:
        for _ in range(BATCH_NUM):
            sess.run(output_tensor, feed_dict={input_tensor: data})  # expect: AMCT001
        sess.run([input_tensor, output_tensor], feed_dict={input_tensor: data})  # expect: AMCT001
        sess.run(fetches, feed_dict={input_tensor: data})  # expect: AMCT001
        sess.run(pair[1], feed_dict={pair[0]: data})  # expect: AMCT001
        runner.infer(sess, data)
        output_tensor.eval(feed_dict={input_tensor: data})  # expect: AMCT001

    amct.save_model(
        pb_model=MODEL,
        outputs=[OUTPUT_NAME],
        record_file=record_file,
        save_path=os.path.join(OUTPUTS, "model"),
    )
    return origin


if __name__ == "__main__":
    main()
