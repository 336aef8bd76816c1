# corpus: model=s1_add at=pb_model/resnet.pb
"""A Quantizer class: the model path and the output name live in self attributes set in __init__."""

import os

import amct_tensorflow as amct
import tensorflow as tf


class Quantizer:
    def __init__(self, model_path, output_name="Add:0"):  # expect: AMCT001
        self.model_path = model_path
        self.output_name = output_name
        self.input_name = "input:0"
        self.graph = None

    def load(self):
        with tf.io.gfile.GFile(self.model_path, "rb") as f:
            graph_def = tf.compat.v1.GraphDef()
            graph_def.ParseFromString(f.read())
        self.graph = tf.Graph()
        with self.graph.as_default():
            tf.import_graph_def(graph_def, name="")

    def quantize(self):
        amct.create_quant_config("./config.json", self.graph)
        amct.quantize_model(self.graph, "./config.json", "./record.txt")

    def calibrate(self, batches=2):
        with tf.compat.v1.Session(graph=self.graph) as sess:
            output = self.graph.get_tensor_by_name(self.output_name)
            for _ in range(batches):
                sess.run(output, feed_dict={self.input_name: None})

    def save(self):
        amct.save_model(self.model_path, [self.output_name[:-2]], "./record.txt", "./out/resnet")


if __name__ == "__main__":
    quantizer = Quantizer(os.path.join(os.path.dirname(os.path.abspath(__file__)), "pb_model", "resnet.pb"))
    quantizer.load()
    quantizer.quantize()
    quantizer.calibrate()
    quantizer.save()
