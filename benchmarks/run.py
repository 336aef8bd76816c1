"""`make bench`: run every benchmarks/bench_*.py in its own process and print their Markdown tables in order.

Each bench is independent (bench_read.py: model reading; others add bench_check.py, bench_lsp.py); a failing
one is reported and the rest still run. Exit status 1 if any failed. Our package's .pyc files are written
first, as installing it does (with PYTHONDONTWRITEBYTECODE=1 set, the benches would time compiling it).
"""

from __future__ import annotations

import compileall
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PACKAGE = HERE.parent / "server" / "amct_lsp"


def main() -> int:
    benches = sorted(HERE.glob("bench_*.py"))
    if not benches:
        print("no benchmarks/bench_*.py found", file=sys.stderr)
        return 1
    compileall.compile_dir(str(PACKAGE), quiet=1)
    failed = []
    for bench in benches:
        print(f"# {bench.name}\n", flush=True)
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, str(bench)], check=False)
        print(f"_{bench.name} took {time.perf_counter() - start:.1f} s_\n", flush=True)
        if proc.returncode != 0:
            failed.append(bench.name)
            print(f"**{bench.name} failed with exit status {proc.returncode}**\n", flush=True)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
