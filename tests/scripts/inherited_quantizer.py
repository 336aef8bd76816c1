# corpus: model=s1_add at=pb_model/model.pb
"""A base class sets the names, a subclass quantizes; `super().__init__()` and an `or` default in between."""

import amct_tensorflow as amct
import tensorflow as tf


class BaseRunner:
    MODEL = "./pb_model/model.pb"

    def __init__(self, output=None):
        self.output = output or "Add:0"  # expect: AMCT001
        self.graph = None

    def load(self):
        with tf.gfile.GFile(self.MODEL, "rb") as f:
            graph_def = tf.GraphDef()
            graph_def.ParseFromString(f.read())
        tf.import_graph_def(graph_def, name="")
        self.graph = tf.get_default_graph()


class QuantRunner(BaseRunner):
    def __init__(self):
        super().__init__()
        self.sess = tf.Session()

    def run(self):
        self.load()
        amct.quantize_model(self.graph, "c.json", "r.txt")
        self.sess.run(self.graph.get_tensor_by_name(self.output))


QuantRunner().run()
