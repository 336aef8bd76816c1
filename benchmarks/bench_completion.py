"""Completion latency on ResNet50 (1,831 nodes): textDocument/completion over stdio, request → answer.

A quantization script for benchmarks/data/resnet50.pb is opened in the server (model cached after the first
check); then N completion requests each inside a name string after quantize_model: an empty string (every
name matches: the list is cut at 200), a typed prefix with `/` segments, and a string still being typed with
no closing quote (the text does not parse: the line is repaired and analysed on each request). Prints a
Markdown table (median and p95 in ms, items answered, whether the list was cut).

    .venv/bin/python benchmarks/bench_completion.py [--requests 40]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO / "tests"))  # tests/support holds the raw JSON-RPC client
sys.path.insert(0, str(HERE))
from make_models import DATA_DIR  # noqa: E402
from support.jsonrpc import RawClient  # noqa: E402

SCRIPT = """\
import tensorflow as tf
import amct_tensorflow as amct

PB_MODEL = './resnet50.pb'


def load_graph(model_file):
    with tf.io.gfile.GFile(model_file, 'rb') as f:
        graph_def = tf.compat.v1.GraphDef()
        graph_def.ParseFromString(f.read())
    graph = tf.Graph()
    with graph.as_default():
        tf.import_graph_def(graph_def, name='')
    return graph


graph = load_graph(PB_MODEL)
amct.create_quant_config(config_file='./tmp/config.json', graph=graph)
amct.quantize_model(graph=graph, config_file='./tmp/config.json', record_file='./tmp/record.txt')
with tf.compat.v1.Session(graph=graph) as sess:
    output = graph.get_tensor_by_name('{typed}')
    sess.run(output)
"""
LINE = SCRIPT.splitlines().index("    output = graph.get_tensor_by_name('{typed}')")
COLUMN = len("    output = graph.get_tensor_by_name('")
CASES = (
    ("empty string: every name matches", "", "'"),
    ("typed prefix `res/conv4_block6`", "res/conv4_block6", "'"),
    ("string being typed, no closing quote", "resnet50_1/conv5", ""),
)


def engine_times(work: Path, requests: int) -> list[float]:
    """`check.completion.complete` in this process (no LSP, no JSON): the empty-string case."""
    from amct_lsp.check import check_source
    from amct_lsp.check.completion import complete
    from amct_lsp.model.cache import ModelCache
    from amct_lsp.script import analyze
    from amct_lsp.text import Position

    path = str(work / "engine.py")
    text = SCRIPT.replace("{typed}", "")
    cache = ModelCache()
    result = check_source(text, path, cache=cache)
    times = []
    for _ in range(requests):
        sent = time.perf_counter()
        found = complete(text, Position(LINE, COLUMN), result, result, cache, lambda t: analyze(t, path))
        times.append((time.perf_counter() - sent) * 1000)
        assert found is not None and found.items
    return times


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


async def measure(client: RawClient, uri: str, typed: str, requests: int) -> tuple[list[float], int, bool]:
    params = {
        "textDocument": {"uri": uri},
        "position": {"line": LINE, "character": COLUMN + len(typed)},
        "context": {"triggerKind": 1},
    }
    times, count, cut = [], 0, False
    for _ in range(requests):
        sent = time.perf_counter()
        answer = await client.request("textDocument/completion", params)
        times.append((time.perf_counter() - sent) * 1000)
        result = answer.get("result") or {"items": [], "isIncomplete": False}
        count, cut = len(result["items"]), bool(result["isIncomplete"])
    return times, count, cut


async def run(requests: int) -> int:
    model = DATA_DIR / "resnet50.pb"
    if not model.exists():
        subprocess.run([sys.executable, str(HERE / "make_models.py"), "--only", "resnet50"], check=True)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / "resnet50.pb").symlink_to(model)
        client = await RawClient.spawn([sys.executable, "-m", "amct_lsp", "serve"])
        await client.initialize(
            work.as_uri(), {"textDocument": {"publishDiagnostics": {"versionSupport": True}}}
        )
        for n, (label, typed, quote) in enumerate(CASES):
            path = work / f"quant_{n}.py"
            path.write_text(SCRIPT.replace("{typed}", ""))
            uri = path.as_uri()
            client.open_document(uri, path.read_text())
            await client.wait_published(uri, 1)  # reads the model; a text being typed uses the last good one
            text = SCRIPT.replace("{typed}'", typed + quote)
            client.notify(
                "textDocument/didChange",
                {"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": text}]},
            )
            await client.wait_published(uri, 2)
            times, count, cut = await measure(client, uri, typed, requests)
            if count == 0:
                print(f"no completion items for {label!r}", file=sys.stderr)
                return 1
            rows.append(
                f"| {label} | {requests} | {statistics.median(times):.1f} | {p95(times):.1f} | {count} | "
                f"{'yes' if cut else 'no'} |"
            )
            client.close_document(uri)
        await client.close()
        times = engine_times(work, requests)
        rows.append(
            f"| the engine alone (`complete()` in process), empty string | {requests} | "
            f"{statistics.median(times):.1f} | {p95(times):.1f} | 200 | yes |"
        )
    print("| completion on ResNet50 (1,831 nodes) | requests | median ms | p95 ms | items | isIncomplete |")
    print("|---|---:|---:|---:|---:|---|")
    print("\n".join(rows))
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=40, help="requests per case (default 40)")
    args = parser.parse_args()
    return asyncio.run(run(args.requests))


if __name__ == "__main__":
    raise SystemExit(main())
