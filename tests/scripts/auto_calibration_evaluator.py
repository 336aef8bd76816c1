# corpus: model=s1_add at=model/resnet50.pb
"""Accuracy-based auto calibration in the style of the vendor's samples: an evaluator class AMCT calls back
(its names are judged in a phase the walk cannot know), and the original output names given to the API."""

import os

import amct_tensorflow as amct
import numpy as np
import tensorflow as tf
from amct_tensorflow.accuracy_based_auto_calibration import accuracy_based_auto_calibration

PATH = os.path.split(os.path.realpath(__file__))[0]
MODEL = os.path.join(PATH, "model/resnet50.pb")
OUTPUT = "Add"


class Evaluator(amct.ModelEvaluator):
    def __init__(self, batch_num):
        self.batch_num = batch_num

    def calibration(self, model_file):
        graph = load(model_file)
        output = graph.get_tensor_by_name(OUTPUT + ":0")
        with tf.compat.v1.Session(graph=graph) as sess:
            for _ in range(self.batch_num):
                sess.run(output, feed_dict={"input:0": np.ones((1, 8, 8, 3), np.float32)})

    def evaluate(self, model_file):
        return 1.0

    def metric_eval(self, original_metric, new_metric):
        return original_metric - new_metric < 0.01, original_metric - new_metric


def load(path):
    with tf.io.gfile.GFile(path, "rb") as f:
        graph_def = tf.compat.v1.GraphDef()
        graph_def.ParseFromString(f.read())
    graph = tf.Graph()
    with graph.as_default():
        tf.import_graph_def(graph_def, name="")
    return graph


def main():
    config_file = os.path.join(PATH, "result/config.json")
    amct.create_quant_config(config_file, load(MODEL))
    accuracy_based_auto_calibration(
        MODEL,
        [OUTPUT],
        os.path.join(PATH, "result/record.txt"),
        config_file,
        "./result/resnet50",
        Evaluator(2),
    )
    accuracy_based_auto_calibration(
        MODEL,
        ["Ad"],  # expect: AMCT002
        "r.txt",
        config_file,
        "./result/resnet50",
        Evaluator(2),
    )


if __name__ == "__main__":
    main()
