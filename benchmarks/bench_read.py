"""How fast and how lean is reading a model: amct-lsp (fresh process) against the TensorFlow way.

For each model in benchmarks/data/ (built by make_models.py when missing) it prints a Markdown table:
- `amct-lsp explain MODEL --format json` in a fresh process: wall time and peak RSS (what a CI job pays);
- `read_model` alone in a fresh process (import + read) and in this process (warm page cache);
- the TensorFlow way in a fresh process: `import tensorflow` + `GraphDef.ParseFromString(file bytes)`.

"Fresh process" means a new interpreter; the page cache is warm (dropping it would disturb the machine), so
the numbers show CPU and memory cost, not disk speed. Peak RSS is `getrusage(RUSAGE_CHILDREN).ru_maxrss`
measured by a wrapper process that runs only the one command.
"""

from __future__ import annotations

import importlib.util
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA_DIR = HERE / "data"
REPEAT = 3

READ_SNIPPET = """
import sys, time
start = time.perf_counter()
from amct_lsp.model.reader import read_model
graph = read_model(sys.argv[1])
print(f"{time.perf_counter() - start:.6f} {len(graph)}")
"""

TF_SNIPPET = """
import os, sys, time
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
import tensorflow as tf
start = time.perf_counter()
with open(sys.argv[1], "rb") as f:
    graph_def = tf.compat.v1.GraphDef()
    graph_def.ParseFromString(f.read())
print(f"{time.perf_counter() - start:.6f} {len(graph_def.node)}")
"""


def measure_child(cmd: Sequence[str]) -> None:
    """(Runs in the wrapper process.) Run `cmd` once; print wall time, peak RSS and its stdout's last line."""
    start = time.perf_counter()
    proc = subprocess.run(list(cmd), capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
    last = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else ""
    print(json.dumps({"wall": wall, "rss_mb": peak_kb / 1024, "rc": proc.returncode, "last": last,
                      "stderr": proc.stderr[-2000:]}))  # fmt: skip


def measure(cmd: Sequence[str], repeat: int = REPEAT) -> dict[str, float | str]:
    """Median wall time and max peak RSS of `cmd` over `repeat` fresh runs, each in its own wrapper."""
    runs = []
    for _ in range(repeat):
        out = subprocess.run(
            [sys.executable, __file__, "--measure", *cmd], capture_output=True, text=True, check=True
        ).stdout
        run = json.loads(out.strip().splitlines()[-1])
        if run["rc"] != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed ({run['rc']}):\n{run['stderr']}")
        runs.append(run)
    return {
        "wall": statistics.median(r["wall"] for r in runs),
        "rss_mb": max(r["rss_mb"] for r in runs),
        "last": runs[-1]["last"],
    }


def explain_command(model: Path) -> tuple[str, list[str]]:
    """The cold CLI command: `amct-lsp explain` once it exists, else a bare read_model (see the report)."""
    if importlib.util.find_spec("amct_lsp.explain_cmd") is not None:
        return "`amct-lsp explain --format json`", [
            sys.executable, "-m", "amct_lsp", "explain", str(model), "--format", "json"
        ]  # fmt: skip
    return "read_model (explain not available yet)", [sys.executable, "-c", READ_SNIPPET, str(model)]


def in_process_read(model: Path) -> tuple[float, float, int]:
    from amct_lsp.model.reader import read_model

    times = []
    nodes = 0
    for _ in range(REPEAT):
        start = time.perf_counter()
        nodes = len(read_model(model))
        times.append(time.perf_counter() - start)
    return times[0], min(times), nodes


def fmt_time(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def bench_model(model: Path) -> str:
    size_mb = model.stat().st_size / 1e6
    label, cli = explain_command(model)
    ours_cli = measure(cli)
    ours_read = measure([sys.executable, "-c", READ_SNIPPET, str(model)])
    first, best, nodes = in_process_read(model)
    theirs = measure([sys.executable, "-c", TF_SNIPPET, str(model)])
    tf_parse, tf_nodes = theirs["last"].split() if isinstance(theirs["last"], str) else ("nan", "0")
    assert int(tf_nodes) == nodes, f"TensorFlow sees {tf_nodes} nodes, we see {nodes}"
    read_only = float(str(ours_read["last"]).split()[0])
    rows = [
        f"### {model.name} — {size_mb:.1f} MB, {nodes} nodes",
        "",
        "| what | wall time | peak RSS |",
        "|---|---:|---:|",
        f"| amct-lsp: {label}, fresh process | {fmt_time(float(ours_cli['wall']))} "
        f"| {float(ours_cli['rss_mb']):.0f} MB |",
        f"| amct-lsp: `read_model` alone, fresh process (import + read: {fmt_time(read_only)}) "
        f"| {fmt_time(float(ours_read['wall']))} | {float(ours_read['rss_mb']):.0f} MB |",
        f"| amct-lsp: `read_model` in-process (first / best of {REPEAT}) "
        f"| {fmt_time(first)} / {fmt_time(best)} | — |",
        f"| TensorFlow: `import tensorflow` + `GraphDef.ParseFromString`, fresh process "
        f"(parse alone: {fmt_time(float(tf_parse))}) | {fmt_time(float(theirs['wall']))} "
        f"| {float(theirs['rss_mb']):.0f} MB |",
        f"| **TensorFlow ÷ amct-lsp explain** | **{float(theirs['wall']) / float(ours_cli['wall']):.1f}×** "
        f"| **{float(theirs['rss_mb']) / float(ours_cli['rss_mb']):.1f}×** |",
        "",
    ]
    return "\n".join(rows)


def main(argv: Sequence[str]) -> int:
    if argv[:1] == ["--measure"]:
        measure_child(argv[1:])
        return 0
    models = sorted(DATA_DIR.glob("*.pb"))
    make = HERE / "make_models.py"
    if len(models) < 2:
        print("building the benchmark models (once; needs TensorFlow) ...", flush=True)
        subprocess.run([sys.executable, str(make)], check=True)
        models = sorted(DATA_DIR.glob("*.pb"))
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    print("## Reading a frozen graph: amct-lsp vs TensorFlow\n")
    print(f"Median of {REPEAT} fresh processes each; page cache warm; peak RSS of the whole process.\n")
    for model in models:
        print(bench_model(model), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
