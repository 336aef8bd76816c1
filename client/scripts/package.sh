#!/usr/bin/env bash
# `make vsix`: the VS Code extension with the server inside. Builds the server wheel into client/server-wheel/
# (the extension pip-installs it into the user's interpreter on request), bundles the client with esbuild, and
# packages dist/amct-lsp-<version>.vsix with vsce. Needs .venv (make demo) and node_modules (npm ci).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
PY="${PYTHON:-$ROOT/.venv/bin/python}"
[ -x "$PY" ] || { echo "package: $PY not found; run 'make demo' (or set PYTHON)" >&2; exit 1; }
[ -x node_modules/.bin/vsce ] || { echo "package: node_modules missing; run 'npm ci'" >&2; exit 1; }

version="$(node -p "require('./package.json').version")"
py_version="$(sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml | head -n1)"
if [ "$version" != "$py_version" ]; then
  echo "package: package.json version $version differs from pyproject.toml version $py_version" >&2
  exit 1
fi

echo "package: building the amct-lsp $version wheel"
rm -rf client/server-wheel
mkdir -p client/server-wheel
pip_log="$(mktemp)"
trap 'rm -f "$pip_log"' EXIT
if ! "$PY" -m pip wheel --disable-pip-version-check --no-deps -w client/server-wheel . >"$pip_log" 2>&1; then
  cat "$pip_log" >&2
  echo "package: pip wheel failed" >&2
  exit 1
fi
wheel="$(ls client/server-wheel/amct_lsp-"$version"-*.whl 2>/dev/null | head -n1)"
[ -n "$wheel" ] || { echo "package: no amct_lsp-$version wheel was built" >&2; exit 1; }

echo "package: bundling the client"
node client/scripts/bundle.mjs

mkdir -p dist
out="dist/amct-lsp-$version.vsix"
echo "package: vsce package -> $out"
# The bundle already contains vscode-languageclient, so node_modules stays out of the VSIX.
node_modules/.bin/vsce package --no-dependencies --no-update-package-json --no-git-tag-version --out "$out" >&2
echo "$ROOT/$out"
