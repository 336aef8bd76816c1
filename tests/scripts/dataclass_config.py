# corpus: model=s1_add at=pb_model/model.pb
"""A dataclass holds the settings; the second run passes the right name explicitly."""

from dataclasses import dataclass

import amct_tensorflow as amct
import tensorflow as tf


@dataclass
class Config:
    model: str = "./pb_model/model.pb"
    output: str = "Add:0"  # expect: AMCT001
    batches: int = 2


def main(cfg: Config):
    with tf.gfile.GFile(cfg.model, "rb") as f:
        graph_def = tf.GraphDef()
        graph_def.ParseFromString(f.read())
    tf.import_graph_def(graph_def, name="")
    graph = tf.get_default_graph()
    amct.quantize_model(graph, "c.json", "r.txt")
    with tf.Session() as sess:
        for _ in range(cfg.batches):
            sess.run(graph.get_tensor_by_name(cfg.output))


if __name__ == "__main__":
    main(Config())
    main(Config(output="search_n_quant/search_n_quant_SEARCHN/Identity:0"))
