"""Jupyter notebooks for the tests, written as Jupyter writes them (nbformat 4: one-space indent, sorted
keys, each source line its own string, non-ASCII kept)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

#: The seed flow (examples/seed/quant.py) as a notebook, one step per cell, with IPython magics among them.
SEED_CELLS: tuple[tuple[str, str], ...] = (
    ("markdown", "# 量化 case_1_1\nThe seed flow, one step per cell.\n"),
    (
        "code",
        "%matplotlib inline\n"
        "!pip list | grep amct\n"
        "import tensorflow as tf\n"
        "import amct_tensorflow as amct\n",
    ),
    (
        "code",
        "model_name = './pb_model/case_1_1.pb'\n"
        "with tf.gfile.GFile(model_name, 'rb') as f:\n"
        "    graph_def = tf.GraphDef()\n"
        "    graph_def.ParseFromString(f.read())\n"
        "tf.import_graph_def(graph_def, name='')\n"
        "graph = tf.get_default_graph()\n",
    ),
    (
        "code",
        "amct.create_quant_config(config_file='./configs/config.json', graph=graph)\n"
        "amct.quantize_model(graph=graph, config_file='./configs/config.json',\n"
        "                    record_file='./configs/record_scale_offset.txt')\n",
    ),
    ("markdown", "Run the quantized graph once (calibration)."),
    (
        "code",
        "%%time\n"
        "with tf.Session() as sess:\n"
        "    output_tensor = graph.get_tensor_by_name('Add:0')\n"
        "    sess.run(tf.global_variables_initializer())\n"
        "    sess.run(output_tensor)",
    ),
    (
        "code",
        "amct.save_model(pb_model=model_name, outputs=['Add'],\n"
        "                record_file='./configs/record_scale_offset.txt', save_path='./pb_model/case_1_1')\n",
    ),
)


def cell_json(kind: str, source: str) -> dict[str, Any]:
    lines = source.splitlines(keepends=True)
    cell: dict[str, Any] = {"cell_type": kind, "metadata": {}, "source": lines}
    if kind == "code":
        cell["execution_count"] = None
        cell["outputs"] = []
    return cell


def notebook_json(cells: Sequence[tuple[str, str]], language: str = "python") -> dict[str, Any]:
    return {
        "cells": [cell_json(kind, source) for kind, source in cells],
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": language, "name": "python3"},
            "language_info": {"name": language},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def notebook_bytes(cells: Sequence[tuple[str, str]] = SEED_CELLS, language: str = "python") -> bytes:
    """The file as Jupyter (nbformat) saves it."""
    text = json.dumps(notebook_json(cells, language), indent=1, sort_keys=True, ensure_ascii=False)
    return (text + "\n").encode("utf-8")


def write_notebook(path: Path, cells: Sequence[tuple[str, str]] = SEED_CELLS) -> Path:
    path.write_bytes(notebook_bytes(cells))
    return path
