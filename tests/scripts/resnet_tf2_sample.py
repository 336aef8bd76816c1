# corpus: model=s2_biasadd_matmul at=model/resnet_v1_50.pb
"""Huawei AMCT TensorFlow sample style: tf.compat.v1 API, PATH constants, os.path.join, a calibration loop."""

import os

import amct_tensorflow as amct
import numpy as np
import tensorflow as tf

PATH = os.path.realpath("./")
OUTPUTS = os.path.join(PATH, "outputs/calibration")
BATCH_NUM = 2


def load_image(batch_size):
    return np.random.rand(batch_size, 16).astype(np.float32)


def main():
    model_path = os.path.join(PATH, "model", "resnet_v1_50.pb")
    with tf.io.gfile.GFile(model_path, mode="rb") as model:
        graph_def = tf.compat.v1.GraphDef()
        graph_def.ParseFromString(model.read())
    tf.import_graph_def(graph_def, name="")
    graph = tf.compat.v1.get_default_graph()

    input_tensor = graph.get_tensor_by_name("input:0")
    config_path = os.path.join(OUTPUTS, "config.json")
    amct.create_quant_config(config_file=config_path, graph=graph, skip_layers=[], batch_num=BATCH_NUM)

    record_path = os.path.join(OUTPUTS, "record.txt")
    amct.quantize_model(graph=graph, config_file=config_path, record_file=record_path)

    output_tensor = graph.get_tensor_by_name("BiasAdd:0")  # expect: AMCT001
    with tf.compat.v1.Session() as session:
        for _ in range(BATCH_NUM):
            session.run(output_tensor, feed_dict={input_tensor: load_image(1)})

    amct.save_model(
        pb_model=model_path,
        outputs=["BiasAdd"],
        record_file=record_path,
        save_path=os.path.join(OUTPUTS, "resnet_v1_50"),
    )


if __name__ == "__main__":
    main()
