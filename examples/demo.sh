#!/usr/bin/env bash
# The amct-lsp demo: check the vendor FAQ's seed script, then fix it and show the diff.
# Usage: examples/demo.sh BIN   (BIN = path of the `amct-lsp` console script; needs no TensorFlow)
set -euo pipefail

BIN="${1:-amct-lsp}"
case "$BIN" in */*) BIN="$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")" ;; esac
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SEED="$HERE/seed"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/amct-demo.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

if [ -t 1 ]; then BOLD=$'\033[1m' RESET=$'\033[0m'; else BOLD="" RESET=""; fi
heading() { printf '\n%s== %s ==%s\n\n' "$BOLD" "$1" "$RESET"; }

if ! command -v "$BIN" >/dev/null 2>&1 && [ ! -x "$BIN" ]; then
    echo "demo: '$BIN' is not an executable; pass the path of the amct-lsp console script" >&2
    exit 2
fi

heading "1. Check the FAQ's quantization script (examples/seed/quant.py)"
echo "\$ amct-lsp check examples/seed/quant.py"
set +e
(cd "$HERE/.." && "$BIN" check examples/seed/quant.py)
status=$?
set -e
if [ "$status" -ne 1 ]; then
    echo "demo: expected exit code 1 (findings), got $status" >&2
    exit 1
fi
echo "(exit code $status: findings, as expected — 'Add:0' is stale after quantize_model)"

heading "2. Apply the fix (in a scratch copy: $WORK)"
cp -r "$SEED/quant.py" "$SEED/pb_model" "$WORK/"
mkdir -p "$WORK/configs"
cp "$WORK/quant.py" "$WORK/quant.orig.py"
echo "\$ amct-lsp check --fix quant.py"
set +e
(cd "$WORK" && "$BIN" check --fix quant.py)
status=$?
set -e
if [ "$status" -ne 0 ]; then
    echo "demo: expected no findings after --fix, got exit code $status" >&2
    exit 1
fi
echo
echo "\$ diff -u quant.orig.py quant.py"
(cd "$WORK" && diff -u quant.orig.py quant.py) || true
if cmp -s "$WORK/quant.py" "$SEED/quant_fixed.py"; then
    echo "(identical to the FAQ's hand-fixed script, examples/seed/quant_fixed.py)"
else
    echo "demo: the fixed script differs from examples/seed/quant_fixed.py" >&2
    exit 1
fi

heading "3. What quantize_model does to the model (amct-lsp explain)"
echo "\$ amct-lsp explain examples/seed/pb_model/case_1_1.pb"
"$BIN" explain "$SEED/pb_model/case_1_1.pb"

heading "Done"
echo "The check found the stale name, --fix rewrote only infer_output_name, and save_model keeps 'Add'."
