# corpus: model=s1_add at=pb_model/model.pb
"""Class-level constants; calib_outputs given as a self attribute (immune), the class constant is not."""

import amct_tensorflow as amct
import tensorflow as tf


class Calibrator(object):  # noqa: UP004
    OUTPUTS = ["Add"]  # noqa: RUF012  # expect: AMCT001
    MODEL = "./pb_model/model.pb"

    def __init__(self):
        self.outputs = list(self.OUTPUTS)
        with tf.gfile.GFile(self.MODEL, "rb") as f:
            graph_def = tf.GraphDef()
            graph_def.ParseFromString(f.read())
        tf.import_graph_def(graph_def, name="")
        self.graph = tf.get_default_graph()

    def run(self):
        amct.quantize_model(self.graph, "c.json", "r.txt", calib_outputs=self.outputs)
        with tf.Session() as sess:
            for name in self.outputs:
                sess.run(self.graph.get_tensor_by_name(name + ":0"))
            sess.run(Calibrator.OUTPUTS[0] + ":0")


Calibrator().run()
