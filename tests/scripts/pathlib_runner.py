# corpus: model=s1_add.pbtxt at=models/net.pbtxt
"""pathlib, a text-format model, a Runner class and get_operation_by_name with an op name."""

from pathlib import Path

import amct_tensorflow as amct
import tensorflow.compat.v1 as tf

MODEL = Path(__file__).parent / "models" / "net.pbtxt"


class Runner:
    def __init__(self, graph):
        self.graph = graph

    def calibrate(self):
        amct.quantize_model(self.graph, "./config.json", "./record.txt")
        op = self.graph.get_operation_by_name("Add")  # expect: AMCT001
        with tf.Session(graph=self.graph) as sess:
            sess.run(op, feed_dict={"input:0": None})


def main():
    graph = tf.Graph()
    with open(MODEL) as f:
        text = f.read()
    Runner(graph).calibrate()
    return text


main()
