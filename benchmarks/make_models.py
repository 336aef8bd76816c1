"""Build the benchmark models into benchmarks/data/ (gitignored) with real TensorFlow.

    python benchmarks/make_models.py             # build what is missing
    python benchmarks/make_models.py --force     # rebuild everything
    python benchmarks/make_models.py --only resnet50

- `resnet50.pb`: Keras ResNet50 (weights=None, random init), frozen with convert_variables_to_constants_v2
  (~100 MB; what a user's real model looks like).
- `synthetic500.pb`: a graph-mode ConvNet of 48 Conv2D(3x3x512x512) + BiasAdd + FusedBatchNormV3 + Relu blocks
  and a 512x25000 MatMul head (~500 MB; weights dominate, the worst case for memory).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"


def import_tensorflow() -> Any:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    import tensorflow as tf

    tf.get_logger().setLevel("ERROR")
    return tf


def build_resnet50(tf: Any) -> Any:
    from tensorflow.python.framework.convert_to_constants import convert_variables_to_constants_v2

    tf.keras.backend.clear_session()
    tf.keras.utils.set_random_seed(0)
    model = tf.keras.applications.ResNet50(weights=None, input_shape=(224, 224, 3), classes=1000)
    fn = tf.function(lambda x: model(x, training=False))
    concrete = fn.get_concrete_function(tf.TensorSpec([1, 224, 224, 3], tf.float32, name="input"))
    return convert_variables_to_constants_v2(concrete).graph.as_graph_def()


def build_synthetic500(tf: Any) -> Any:
    import numpy as np

    rng = np.random.default_rng(0)
    graph = tf.Graph()
    with graph.as_default():
        x = tf.compat.v1.placeholder(tf.float32, [1, 14, 14, 512], name="input")
        for block in range(48):
            with tf.compat.v1.name_scope(f"block{block}"):
                w = tf.constant(rng.standard_normal((3, 3, 512, 512), dtype=np.float32))
                y = tf.nn.conv2d(x, w, strides=1, padding="SAME")
                y = tf.nn.bias_add(y, tf.constant(rng.standard_normal(512, dtype=np.float32)))
                params = [tf.constant(rng.random(512, dtype=np.float32) + 0.5) for _ in range(4)]
                y, *_ = tf.compat.v1.nn.fused_batch_norm(
                    y, params[0], params[1], params[2], params[3], is_training=False
                )
                x = tf.nn.relu(y)
        pooled = tf.reduce_mean(x, axis=[1, 2])
        logits = tf.matmul(pooled, tf.constant(rng.standard_normal((512, 25000), dtype=np.float32)))
        logits = tf.nn.bias_add(logits, tf.constant(np.zeros(25000, dtype=np.float32)))
        tf.nn.softmax(logits, name="probabilities")
    return graph.as_graph_def()


MODELS: dict[str, Callable[[Any], Any]] = {"resnet50": build_resnet50, "synthetic500": build_synthetic500}


def model_path(name: str) -> Path:
    return DATA_DIR / f"{name}.pb"


def missing() -> list[str]:
    return [name for name in MODELS if not model_path(name).is_file()]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--force", action="store_true", help="rebuild even if the file exists")
    parser.add_argument("--only", action="append", choices=sorted(MODELS), help="build only this model")
    args = parser.parse_args(argv)
    names = args.only or list(MODELS)
    todo = names if args.force else [n for n in names if not model_path(n).is_file()]
    if not todo:
        print("benchmark models are up to date")
        return 0
    tf = import_tensorflow()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    for name in todo:
        start = time.perf_counter()
        data = MODELS[name](tf).SerializeToString()
        partial = model_path(name).with_suffix(".pb.partial")
        partial.write_bytes(data)
        partial.replace(model_path(name))  # never leave a half-written model behind
        took = time.perf_counter() - start
        print(f"wrote {model_path(name)} ({len(data) / 1e6:.1f} MB) in {took:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
