"""`amct-lsp check -j N` over a big tree: 1,000 generated quantization scripts against one fixture model.

Prints a Markdown table: the wall time of the whole command (start-up included) with `-j 1` and with every
core, the speed-up, and whether both printed the same output (they must).

    .venv/bin/python benchmarks/bench_check_jobs.py [--scripts 1000] [--jobs N]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from amct_lsp.check_jobs import default_jobs

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "examples" / "seed"
PER_FOLDER = 50

EXTRA = '''

def report_{i}(sess, graph):
    """Variant {i}: one more fetch, sometimes of the stale tail."""
    name = {name!r}
    return sess.run(graph.get_tensor_by_name(name))
'''


def make_tree(folder: Path, count: int) -> None:
    """`count` scripts in folders of 50, each a variant of the seed script; the model once, at the top."""
    seed = (SEED / "quant.py").read_text(encoding="utf-8")
    shutil.copytree(SEED / "pb_model", folder / "pb_model")
    for i in range(count):
        sub = folder / f"group_{i // PER_FOLDER:03d}"
        sub.mkdir(exist_ok=True)
        name = "Add:0" if i % 3 == 0 else "Conv2D:0"
        (sub / f"quant_{i:04d}.py").write_text(seed + EXTRA.format(i=i, name=name), encoding="utf-8")


def timed(argv: list[str], cwd: Path) -> tuple[float, float, int, str]:
    """(wall seconds, CPU seconds of the command and its workers, exit code, stdout)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, proc.returncode, proc.stdout


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scripts", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=default_jobs())
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="amct-bench-jobs-") as tmp:
        tree = Path(tmp)
        make_tree(tree, args.scripts)
        base = [sys.executable, "-m", "amct_lsp", "check", "--format", "json", "--root", "."]
        env_note = f"{os.cpu_count()} cores, Python {sys.version.split()[0]}"
        load = os.getloadavg()[0]
        one, cpu_one, code_one, out_one = timed([*base, "-j", "1", "."], tree)
        many, cpu_many, code_many, out_many = timed([*base, "-j", str(args.jobs), "."], tree)
        load = max(load, os.getloadavg()[0])
    findings = out_one.count('"code": "AMCT')
    print(
        f"`amct-lsp check` on {args.scripts} generated scripts in {args.scripts // PER_FOLDER} folders (one "
        f"model, {findings} findings): wall time of the whole command, CPU time of it and its workers; "
        f"{env_note}; load average up to {load:.1f} while it ran (a busy machine leaves no core to spare).\n"
    )
    print(f"| scripts | -j 1 wall (CPU) | -j {args.jobs} wall (CPU) | speed-up | same output and exit code |")
    print("|---:|---:|---:|---:|---|")
    same = out_one == out_many and code_one == code_many
    print(
        f"| {args.scripts} | {one:.1f} s ({cpu_one:.1f} s) | {many:.1f} s ({cpu_many:.1f} s) | "
        f"{one / many:.2f}x | {'yes' if same else 'NO'} |"
    )
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
