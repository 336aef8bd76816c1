"""Start-up cost: a fresh `amct-lsp check` against the TensorFlow way, and the server's first diagnostics.

- `amct-lsp check` of a ResNet50 quantization script (in the vendor samples' style: load the frozen
  graph, `quantize_model`, run the output, `save_model`) in a fresh process, against `import tensorflow`
  + the GraphDef parse of the same model in a fresh process — what a CI job pays for each. Median of
  CHECK_REPEAT runs of the check and REPEAT of TensorFlow, peak RSS max.
- The language server: process start → `initialize` → `didOpen` of the seed script → its first
  `publishDiagnostics`, median of REPEAT fresh server processes (target: < 500 ms).
- The import time of the CLI's and the server's entry modules (`python -X importtime`, fresh process).

Our package's bytecode (.pyc) is compiled first, as `pip install` does for an installed package (with
PYTHONDONTWRITEBYTECODE=1 in the environment, an editable install would otherwise compile every module of
ours from source on every run, which no installed copy does; TensorFlow's .pyc come from its install).

Both commands are measured with the start-up code cache warm (`amct_lsp.codecache`: a first run fills it)
and once more without it (`AMCT_LSP_NO_CODE_CACHE=1`), which is what the very first run costs.

    .venv/bin/python benchmarks/bench_start.py
"""

from __future__ import annotations

import asyncio
import compileall
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO / "tests"))
from bench_read import TF_SNIPPET, measure  # noqa: E402
from make_models import DATA_DIR  # noqa: E402
from support.jsonrpc import RawClient  # noqa: E402

REPEAT = 5
#: A fresh check takes ~0.2 s and its wall time on a shared VM spreads by ±20 %: more runs for its median.
CHECK_REPEAT = 15
SEED = REPO / "examples" / "seed"
SERVER_TARGET_MS = 500.0

RESNET_SCRIPT = """\
import os
import argparse
import numpy as np
import tensorflow as tf
import amct_tensorflow as amct

CUR_DIR = os.path.dirname(os.path.realpath(__file__))
PB_MODEL = os.path.join(CUR_DIR, 'resnet50.pb')
INPUT_NAME = 'input'
OUTPUT_NAME = 'Identity'


def load_graph(model_file):
    with tf.io.gfile.GFile(model_file, 'rb') as f:
        graph_def = tf.compat.v1.GraphDef()
        graph_def.ParseFromString(f.read())
    graph = tf.Graph()
    with graph.as_default():
        tf.import_graph_def(graph_def, name='')
    return graph


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--batch', type=int, default=32)
    args = parser.parse_args()
    graph = load_graph(PB_MODEL)
    config_file = os.path.join(CUR_DIR, 'tmp', 'config.json')
    record_file = os.path.join(CUR_DIR, 'tmp', 'record.txt')
    amct.create_quant_config(config_file=config_file, graph=graph, skip_layers=[], batch_num=1)
    amct.quantize_model(graph=graph, config_file=config_file, record_file=record_file)
    images = np.random.rand(args.batch, 224, 224, 3).astype(np.float32)
    with tf.compat.v1.Session(graph=graph) as sess:
        input_tensor = graph.get_tensor_by_name(INPUT_NAME + ':0')
        sess.run(OUTPUT_NAME + ':0', feed_dict={input_tensor: images})
    amct.save_model(pb_model=PB_MODEL, outputs=[OUTPUT_NAME], record_file=record_file,
                    save_path=os.path.join(CUR_DIR, 'result', 'resnet50'))


if __name__ == '__main__':
    main()
"""


def fmt_ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


NO_CACHE = {"AMCT_LSP_NO_CODE_CACHE": "1"}


def bench_check(model: Path) -> list[str]:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / "resnet50.pb").symlink_to(model)
        script = work / "quant_resnet50.py"
        script.write_text(RESNET_SCRIPT)
        cli = [sys.executable, "-m", "amct_lsp", "check", str(script), "--format", "json"]
        probe = subprocess.run(cli, capture_output=True, text=True, check=False)  # also fills the code cache
        if probe.returncode != 0 or "AMCT004" in probe.stdout:
            raise RuntimeError(f"the check did not read the model ({probe.returncode}):\n{probe.stdout}")
        ours = measure(cli, CHECK_REPEAT)
        cold = measure(["env", *(f"{k}={v}" for k, v in NO_CACHE.items()), *cli], CHECK_REPEAT)
        theirs = measure([sys.executable, "-c", TF_SNIPPET, str(model)], REPEAT)
    ratio_t = float(theirs["wall"]) / float(ours["wall"])
    ratio_m = float(theirs["rss_mb"]) / float(ours["rss_mb"])
    return [
        f"| amct-lsp `check` of a ResNet50 script, fresh process (median of {CHECK_REPEAT}) "
        f"| {fmt_ms(float(ours['wall']))} "
        f"| {float(ours['rss_mb']):.0f} MB |",
        f"| the same without the start-up code cache (a first run) | {fmt_ms(float(cold['wall']))} "
        f"| {float(cold['rss_mb']):.0f} MB |",
        f"| TensorFlow: `import tensorflow` + GraphDef parse, fresh process "
        f"| {fmt_ms(float(theirs['wall']))} "
        f"| {float(theirs['rss_mb']):.0f} MB |",
        f"| **TensorFlow ÷ amct-lsp check** | **{ratio_t:.1f}×** (target ≥ 15×) | **{ratio_m:.1f}×** |",
    ]


async def first_diagnostics_once(env: dict[str, str] | None = None) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        import shutil

        work = Path(tmp) / "seed"
        shutil.copytree(SEED, work)
        script = work / "quant.py"
        argv = [sys.executable, "-m", "amct_lsp", "serve"]
        if env:
            argv = ["env", *(f"{k}={v}" for k, v in env.items()), *argv]
        start = time.perf_counter()
        client = await RawClient.spawn(argv)
        await client.initialize(
            work.as_uri(), {"textDocument": {"publishDiagnostics": {"versionSupport": True}}}
        )
        client.open_document(script.as_uri(), script.read_text(encoding="utf-8"))
        published = await client.wait_published(script.as_uri(), 1)
        await client.close()
        return published - start


def bench_server() -> list[str]:
    asyncio.run(first_diagnostics_once())  # fills the code cache
    times = [asyncio.run(first_diagnostics_once()) for _ in range(REPEAT)]
    cold = [asyncio.run(first_diagnostics_once(NO_CACHE)) for _ in range(REPEAT)]
    median = statistics.median(times)
    met = "yes" if median * 1000 < SERVER_TARGET_MS else "NO"
    return [
        f"| server: process start → first diagnostics on the seed script (median of {REPEAT}) "
        f"| {fmt_ms(median)} (target < {SERVER_TARGET_MS:.0f} ms: {met}) | — |",
        f"| the same without the start-up code cache (a first run) | {fmt_ms(statistics.median(cold))} | — |",
    ]


def import_time(module: str) -> float:
    """Seconds to import `module` in a fresh interpreter, by `-X importtime`'s cumulative figure."""
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "0"},
    ).stderr
    for line in reversed(out.splitlines()):
        parts = [p.strip() for p in line.split("|")]
        if len(parts) == 3 and parts[2] == module:
            return int(parts[1]) / 1e6
    return float("nan")


def compile_package() -> None:
    """Write the .pyc of every module of ours, as installing the package does (see the module docstring)."""
    import amct_lsp

    for folder in amct_lsp.__path__:
        if not compileall.compile_dir(folder, quiet=1):
            raise RuntimeError(f"could not compile {folder}")


def main() -> int:
    compile_package()
    rows = ["| what | wall time | peak RSS |", "|---|---:|---:|"]
    model = DATA_DIR / "resnet50.pb"
    if not model.exists():
        subprocess.run([sys.executable, str(HERE / "make_models.py"), "--only", "resnet50"], check=True)
    rows += bench_check(model)
    rows += bench_server()
    for module in ("amct_lsp.cli", "amct_lsp.check_cmd", "amct_lsp.lsp.server"):
        times = sorted(import_time(module) for _ in range(REPEAT))
        median = fmt_ms(times[REPEAT // 2])
        rows.append(f"| `import {module}`, fresh process (median of {REPEAT}) | {median} | — |")
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
