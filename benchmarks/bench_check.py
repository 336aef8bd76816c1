"""How long `check_source` takes on a large quantization script (2,000 lines, many functions and names).

Prints a Markdown table: median and p95 of 20 runs with the model already in the cache, in three situations:
the same text again (every statement's parse cached), one function edited before each run (what an editor
does on a keystroke), and nothing cached but the model (a first open). Target: under 150 ms warm.

    .venv/bin/python benchmarks/bench_check.py [--runs 20] [--lines 2000]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from amct_lsp.check import check_source
from amct_lsp.model.cache import ModelCache
from amct_lsp.script import parse

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "examples" / "seed"

HEADER = """import os
import argparse

import numpy as np
import tensorflow as tf

import amct_tensorflow as amct

PATH = os.path.dirname(os.path.abspath(__file__))
MODEL = os.path.join(PATH, "pb_model", "case_1_1.pb")
OUTPUTS = ["Add:0", "Conv2D:0", "input:0"]


def load_pb(model_name):
    with tf.gfile.GFile(model_name, "rb") as f:
        graph_def = tf.GraphDef()
        graph_def.ParseFromString(f.read())
    tf.import_graph_def(graph_def, name="")
"""

FUNCTION = '''

def stage_{i}(graph, sess, scale={i}):
    """Stage {i}: fetch a few tensors and post-process them."""
    name = "Add:0" if scale % 2 else "Conv2D:0"
    prefix = "conv_{i}"
    names = [name, "input:0", prefix + "/weights:0"]
    for item in names[:2]:
        tensor = graph.get_tensor_by_name(item)
        value = sess.run(tensor, feed_dict={{"input:0": np.zeros((1, 8, 8, 3))}})
        print("stage", {i}, item, np.mean(value))
    op = graph.get_operation_by_name(name.split(":")[0])
    result = {{"out": name, "extra": f"{{prefix}}/bias:0"}}
    return op, result
'''

MAIN = """

def main():
    load_pb(MODEL)
    graph = tf.get_default_graph()
    amct.create_quant_config(config_file="./config.json", graph=graph, skip_layers=[])
    amct.quantize_model(graph=graph, config_file="./config.json", record_file="./record.txt")
    with tf.Session() as sess:
{calls}
    amct.save_model(MODEL, [OUTPUTS[0][:-2]], "./record.txt", "./out/model")


if __name__ == "__main__":
    main()
"""


def make_script(lines: int) -> str:
    parts = [HEADER]
    i = 0
    while sum(p.count("\n") for p in parts) < lines - 8 - i // 4:
        parts.append(FUNCTION.format(i=i))
        i += 1
    calls = "\n".join(f"        stage_{k}(graph, sess)" for k in range(i))
    parts.append(MAIN.format(calls=calls))
    return "".join(parts)


def measure(run: Callable[[int], None], runs: int) -> tuple[float, float]:
    times: list[float] = []
    for k in range(runs):
        start = time.perf_counter()
        run(k)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return statistics.median(times), p95


def main(argv: list[str] | None = None) -> int:
    args_parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    args_parser.add_argument("--runs", type=int, default=20)
    args_parser.add_argument("--lines", type=int, default=2000)
    args = args_parser.parse_args(argv)

    source = make_script(args.lines)
    path = str(SEED / "bench_script.py")  # never written: the model is found next to the seed script
    cache = ModelCache()
    first = check_source(source, path, cache=cache)  # warms the model cache
    assert first.model_error is None, first.model_error
    n_lines = source.count("\n") + 1
    n_names = len(first.names)

    def same(_: int) -> None:
        check_source(source, path, cache=cache)

    def edited(k: int) -> None:
        changed = source.replace(
            "def stage_7(graph, sess, scale=7):", f"def stage_7(graph, sess, scale={k + 100}):"
        )
        check_source(changed, path, cache=cache)

    def cold(_: int) -> None:
        parse.CACHE.clear()
        check_source(source, path, cache=cache)

    rows = [
        ("warm: same text (model + statement caches)", *measure(same, args.runs)),
        ("warm: one function edited per run", *measure(edited, args.runs)),
        ("model cached, statement cache cleared", *measure(cold, args.runs)),
    ]
    print(
        f"`check_source` on a generated script: {n_lines} lines, {n_names} name strings, "
        f"{len(first.findings)} findings; {args.runs} runs each, Python {sys.version.split()[0]}.\n"
    )
    print("| situation | median (ms) | p95 (ms) |")
    print("|---|---:|---:|")
    for label, median, p95 in rows:
        print(f"| {label} | {median:.1f} | {p95:.1f} |")
    target = rows[1][1]
    print(
        f"\nTarget: under 150 ms warm — {'met' if target < 150 else 'NOT met'} "
        f"({target:.1f} ms median on an edit)."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
