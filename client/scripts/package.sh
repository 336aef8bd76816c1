#!/usr/bin/env bash
# `make vsix [TARGET=linux-x64|linux-arm64]`: a platform VSIX that carries the server and everything it needs, so the
# extension can build its private environment offline. Into client/wheels/ go the amct-lsp wheel, every dependency's
# wheel for CPython 3.10–3.13 on TARGET (binary wheels from PyPI: `pip download --only-binary=:all: --platform ...`),
# pip's own wheel (it installs them; the environment gets no pip) and manifest.json (version, target, Python
# versions, build id). Then it bundles the client with esbuild and packages dist/amct-lsp-<target>-<version>.vsix with
# `vsce --target`. TARGET defaults to this machine. The downloaded wheels are cached in build/wheel-cache/ per target
# and dependency list. Needs .venv (make demo), node_modules (npm ci) and, for a new cache entry, PyPI.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
PY="${PYTHON:-$ROOT/.venv/bin/python}"
PYTHONS=(3.10 3.11 3.12 3.13)
[ -x "$PY" ] || { echo "package: $PY not found; run 'make demo' (or set PYTHON)" >&2; exit 1; }
[ -x node_modules/.bin/vsce ] || { echo "package: node_modules missing; run 'npm ci'" >&2; exit 1; }

host_target() {
  case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) echo linux-x64 ;;
    Linux-aarch64 | Linux-arm64) echo linux-arm64 ;;
    *) echo "unsupported" ;;
  esac
}
TARGET="${TARGET:-$(host_target)}"
case "$TARGET" in
  linux-x64) arch=x86_64 ;;
  linux-arm64) arch=aarch64 ;;
  *)
    echo "package: TARGET must be linux-x64 or linux-arm64 (this machine: $(uname -s) $(uname -m))" >&2
    exit 2
    ;;
esac
# manylinux2014 = glibc 2.17 (CentOS 7, EulerOS, Kylin and Ubuntu 18.04+ all have it); the older tags are subsets.
platforms=()
for tag in manylinux2014 manylinux_2_17 manylinux2010 manylinux_2_12 manylinux1 manylinux_2_5; do
  platforms+=(--platform "${tag}_${arch}")
done

version="$(node -p "require('./package.json').version")"
py_version="$(sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml | head -n1)"
if [ "$version" != "$py_version" ]; then
  echo "package: package.json version $version differs from pyproject.toml version $py_version" >&2
  exit 1
fi

pip_log="$(mktemp)"
trap 'rm -f "$pip_log"' EXIT
pip_quiet() {
  if ! "$PY" -m pip --disable-pip-version-check "$@" >"$pip_log" 2>&1; then
    cat "$pip_log" >&2
    echo "package: pip $1 failed" >&2
    exit 1
  fi
}

echo "package: building the amct-lsp $version wheel" >&2
rm -rf client/wheels client/server-wheel
mkdir -p client/wheels
pip_quiet wheel --no-deps -w client/wheels .
wheel="$(ls client/wheels/amct_lsp-"$version"-*.whl 2>/dev/null | head -n1)"
[ -n "$wheel" ] || { echo "package: no amct_lsp-$version wheel was built" >&2; exit 1; }

# The dependency wheels only change with the dependency list: cache them per target.
deps_key="$( (sed -n '/^dependencies = \[/,/^\]/p' pyproject.toml; echo "$TARGET ${PYTHONS[*]} ${platforms[*]}") | sha256sum | cut -c1-16)"
cache="build/wheel-cache/$TARGET-$deps_key"
if [ ! -f "$cache/.complete" ]; then
  echo "package: downloading the dependency wheels for $TARGET, CPython ${PYTHONS[*]} (cached in $cache)" >&2
  rm -rf "$cache"
  mkdir -p "$cache"
  for pyv in "${PYTHONS[@]}"; do
    pip_quiet download --only-binary=:all: --implementation cp --python-version "$pyv" "${platforms[@]}" \
      -d "$cache" "$wheel"
    # pip evaluates markers (`exceptiongroup; python_version < '3.11'`) against its own Python: add what it missed.
    cp "$wheel" "$cache/"
    for _ in 1 2 3 4 5; do
      mapfile -t missing < <("$PY" client/scripts/missing_requirements.py "$cache" "$pyv" "$arch")
      [ "${#missing[@]}" -gt 0 ] || break
      echo "package:   CPython $pyv also needs: ${missing[*]}" >&2
      pip_quiet download --only-binary=:all: --implementation cp --python-version "$pyv" "${platforms[@]}" \
        -d "$cache" "${missing[@]}"
    done
    [ "${#missing[@]}" -eq 0 ] || { echo "package: still missing for CPython $pyv: ${missing[*]}" >&2; exit 1; }
  done
  pip_quiet download --only-binary=:all: --no-deps -d "$cache" pip
  rm -f "$cache"/amct_lsp-*.whl
  touch "$cache/.complete"
fi
cp "$cache"/*.whl client/wheels/
pip_wheel="$(cd client/wheels && ls pip-*.whl | head -n1)"
build_id="$(sha256sum "$wheel" | cut -c1-12)"
pythons_json="$(printf '"%s",' "${PYTHONS[@]}")"
cat >client/wheels/manifest.json <<EOF
{
  "version": "$version",
  "target": "$TARGET",
  "pythons": [${pythons_json%,}],
  "build": "$build_id",
  "pip": "$pip_wheel"
}
EOF
echo "package: $(ls client/wheels/*.whl | wc -l) wheels, $(du -sh client/wheels | cut -f1) in client/wheels/" >&2
# The promise of the VSIX: for each Python version, pip resolves the server from these wheels alone.
check_dir="$(mktemp -d)"
for pyv in "${PYTHONS[@]}"; do
  pip_quiet install --dry-run --ignore-installed --isolated --no-index --find-links client/wheels --only-binary=:all: \
    --implementation cp --python-version "$pyv" "${platforms[@]}" --target "$check_dir" "amct-lsp==$version"
  missing="$("$PY" client/scripts/missing_requirements.py client/wheels "$pyv" "$arch")"
  [ -z "$missing" ] || { echo "package: CPython $pyv on $TARGET lacks: $missing" >&2; exit 1; }
done
rm -rf "$check_dir"
echo "package: the wheels install offline on CPython ${PYTHONS[*]} ($TARGET)" >&2

echo "package: bundling the client" >&2
node client/scripts/bundle.mjs >&2

mkdir -p dist
out="dist/amct-lsp-$TARGET-$version.vsix"
echo "package: vsce package --target $TARGET -> $out" >&2
# The bundle already contains vscode-languageclient, so node_modules stays out of the VSIX.
# The Marketplace page is client/README.md (for users); the repository README is for developers.
node_modules/.bin/vsce package --target "$TARGET" --no-dependencies --no-update-package-json --no-git-tag-version \
  --readme-path client/README.md --out "$out" >&2
echo "$ROOT/$out"
