#!/usr/bin/env bash
# Installs what the real-VS Code test needs into the cached, gitignored `.e2e/` folder: code-server 4.100.3 (the
# real VS Code workbench and extension host, from npm because nothing else can be downloaded here) and, through the
# repo's own lockfile, playwright-core. Idempotent: a second run only checks versions (about a second).
# Assumes scripts/system-deps.sh ran (chromium, build-essential, libkrb5-dev, ripgrep). See /work/shared/vscode-e2e.md.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
E2E_DIR="${AMCT_E2E_DIR:-$ROOT/.e2e}"
CS_VERSION="4.100.3"
CS_DIR="$E2E_DIR/code-server"
CS_BIN="$CS_DIR/node_modules/.bin/code-server"
RG_CACHE_NAME="vscode-ripgrep-cache-1.15.11"
RG_TARBALL="ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"

log() { echo "e2e-setup: $*"; }

for tool in node npm chromium rg g++; do
  command -v "$tool" >/dev/null || { log "missing $tool; run 'bash scripts/system-deps.sh' first" >&2; exit 1; }
done

# code-server writes into ~/.config and ~/.local/share on every call: keep it in a throwaway home.
scratch="$(mktemp -d "${TMPDIR:-/tmp}/amct-e2e-setup.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT
export XDG_CONFIG_HOME="$scratch/config" XDG_DATA_HOME="$scratch/data" XDG_CACHE_HOME="$scratch/cache"

installed_version() {
  [ -x "$CS_BIN" ] || return 0
  # It may log a "[date] info Wrote default config" line first; the version line is "4.100.3 <commit> with Code …".
  "$CS_BIN" --version 2>/dev/null | grep -Eo '^[0-9]+\.[0-9]+\.[0-9]+' | head -n1 || true
}

# 1. The extension's own node modules (esbuild, vsce, playwright-core) — `make test` has usually done this already.
if [ ! -d "$ROOT/node_modules/playwright-core" ] || [ ! -d "$ROOT/node_modules/@vscode/vsce" ]; then
  log "npm ci (extension build tools, playwright-core)"
  (cd "$ROOT" && npm ci --no-audit --no-fund)
fi

# 2. code-server, cached.
if [ "$(installed_version)" = "$CS_VERSION" ]; then
  log "code-server $CS_VERSION already installed in $CS_DIR"
  exit 0
fi

log "installing code-server $CS_VERSION into $CS_DIR (native modules compile from source: ~35 s here with a warm npm cache, up to 3 min cold)"
start=$(date +%s)
rm -rf "$CS_DIR"
mkdir -p "$CS_DIR"

# @vscode/ripgrep downloads rg from GitHub in postinstall; it first looks in $TMPDIR/<cache>/, so seed that with
# Debian's rg.
export TMPDIR="$scratch/tmp"
mkdir -p "$TMPDIR/$RG_CACHE_NAME"
tar czf "$TMPDIR/$RG_CACHE_NAME/$RG_TARBALL" -C "$(dirname "$(command -v rg)")" rg

# Native modules build against the system Node headers; we are root; node-pty's postinstall runs `npx node-gyp`
# and ~/.npmrc may say yes=false.
node_headers_dir=/usr
[ -e /usr/include/node/common.gypi ] || node_headers_dir="$(dirname "$(dirname "$(command -v node)")")"
export npm_config_nodedir="$node_headers_dir" npm_config_unsafe_perm=true npm_config_yes=true
export npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false

printf '{"name":"amct-e2e-code-server","private":true}\n' >"$CS_DIR/package.json"
(cd "$CS_DIR" && npm install --no-save --no-package-lock --loglevel=error "code-server@$CS_VERSION")

got="$(installed_version)"
if [ "$got" != "$CS_VERSION" ]; then
  log "code-server install failed: '$CS_BIN --version' printed '${got:-nothing}'" >&2
  exit 1
fi
log "code-server $CS_VERSION installed in $(($(date +%s) - start)) s"
