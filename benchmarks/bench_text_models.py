"""Peak memory and time of reading text-looking models: a real graph as text, a binary with a text head.

Issue 13 item 6: a text GraphDef used to be read whole and parsed in one go (a 23 MB .pbtxt peaked at 2.3 GB),
and a binary file whose first 4 KB look like text was decoded whole. Each case runs in a fresh process so its
peak RSS (ru_maxrss) is its own.

    .venv/bin/python benchmarks/bench_text_models.py [--fixture keras_efficientnet_b0.pb] [--binary-mb 100]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MODELS = REPO / "tests" / "fixtures" / "models"

_CHILD = """
import json, resource, sys, time
from amct_lsp.model import ModelError, read_model
start = time.perf_counter()
try:
    graph = read_model(sys.argv[1])
    outcome = f"{len(graph)} nodes"
except ModelError as err:
    outcome = f"{type(err).__name__}"
elapsed = time.perf_counter() - start
print(json.dumps({"outcome": outcome, "seconds": elapsed,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def text_model(fixture: Path, out: Path) -> Path:
    """The real TensorFlow graph `fixture` in text format (what tf.io.write_graph(as_text=True) gives)."""
    from google.protobuf import text_format

    from amct_lsp.model import schema

    graph = schema.GraphDef.FromString(fixture.read_bytes())
    out.write_text(text_format.MessageToString(graph), encoding="utf-8")
    return out


def text_headed_binary(out: Path, megabytes: int) -> Path:
    """4 KB of text, then random bytes: looks like text to a sniffer that reads only the head."""
    with out.open("wb") as handle:
        handle.write(b'node {\n  name: "input"\n  op: "Placeholder"\n}\n' * 100)
        for _ in range(megabytes):
            handle.write(os.urandom(1 << 20))
    return out


def _build(kind: str, source: str, out: Path, megabytes: int) -> Path:
    """Build a case in its own process: a parent holding the big data would inflate every child's ru_maxrss
    (Linux keeps the peak of the forked parent across exec)."""
    code = (
        "import sys; from pathlib import Path; sys.path.insert(0, sys.argv[1]); "
        "import bench_text_models as b; "
        "b.text_model(Path(sys.argv[3]), Path(sys.argv[4])) if sys.argv[2] == 'text' "
        "else b.text_headed_binary(Path(sys.argv[4]), int(sys.argv[5]))"
    )
    env = dict(os.environ, PYTHONPATH=str(REPO / "server"))
    subprocess.run(
        [sys.executable, "-c", code, str(Path(__file__).parent), kind, source, str(out), str(megabytes)],
        env=env,
        check=True,
    )
    return out


def measure(path: Path, server: Path) -> dict[str, object]:
    env = dict(os.environ, PYTHONPATH=str(server))
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path)], capture_output=True, text=True, env=env, check=False
    )
    if done.returncode:
        failed = f"exit {done.returncode}: {done.stderr.strip()[-200:]}"
        return {"outcome": failed, "seconds": 0, "peak_mb": 0}
    result: dict[str, object] = json.loads(done.stdout)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--fixture", default="keras_efficientnet_b0.pb")
    parser.add_argument("--binary-mb", type=int, default=100)
    parser.add_argument(
        "--server", type=Path, default=REPO / "server", help="the amct_lsp sources to measure"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        cases = [
            _build("text", str(MODELS / args.fixture), Path(tmp) / "model.pbtxt", 0),
            _build("binary", "", Path(tmp) / "text_head.pb", args.binary_mb),
        ]
        print("| file | size | outcome | time | peak RSS |")
        print("|---|---:|---|---:|---:|")
        for path in cases:
            row = measure(path, args.server)
            size = path.stat().st_size / 2**20
            print(
                f"| {path.name} | {size:.1f} MB | {row['outcome']} | {float(str(row['seconds'])):.2f} s "
                f"| {float(str(row['peak_mb'])):.0f} MB |"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
