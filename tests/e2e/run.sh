#!/usr/bin/env bash
# The end-to-end test in a real VS Code: packages the platform VSIX for this machine, installs it into a fresh
# code-server, opens the seed example with no `amct.interpreter` and a sandboxed "user Python" (a venv with a couple
# of packages) first on the PATH code-server sees, and drives it with Playwright in Debian's Chromium
# (tests/e2e/vscode.e2e.mjs). The extension must build its private server environment from the bundled wheels
# without network (pip's index and proxies point at a closed port), leave the user's Python exactly as it was
# (`pip freeze --all` and its folders compared), rebuild the environment when its stamp names an older version
# (Restart Server) and import nothing from the hostile workspace. Assumes
# scripts/system-deps.sh ran and .venv exists (`make test` does both; package.sh uses its pip); installs code-server
# into the cached .e2e/ (tests/e2e/setup.sh). Artifacts go to tests/artifacts/.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
ARTIFACTS="$ROOT/tests/artifacts"
PY="$ROOT/.venv/bin/python"
E2E_DIR="${AMCT_E2E_DIR:-$ROOT/.e2e}"
CODE_SERVER="$E2E_DIR/code-server/node_modules/.bin/code-server"
TEST_TIMEOUT_S="${AMCT_E2E_TIMEOUT:-300}"

log() { echo "e2e: $*"; }

[ -x "$PY" ] || { log "$PY not found; run 'make test' (or create .venv and 'pip install -e .')" >&2; exit 1; }

bash "$ROOT/tests/e2e/setup.sh"

mkdir -p "$ARTIFACTS"
rm -f "$ARTIFACTS"/hover.png "$ARTIFACTS"/plain-python.png "$ARTIFACTS"/fix-all.png "$ARTIFACTS"/notebook.png "$ARTIFACTS"/failure.png "$ARTIFACTS"/*.log

log "packaging the extension"
vsix="$(bash "$ROOT/client/scripts/package.sh" | tail -n1)"
[ -f "$vsix" ] || { log "packaging did not produce a VSIX ($vsix)" >&2; exit 1; }

RUN="$(mktemp -d "${TMPDIR:-/tmp}/amct-e2e.XXXXXX")"
USER_DATA="$RUN/user-data"
EXTENSIONS="$RUN/extensions"
WORKSPACE="$RUN/workspace"
# code-server writes into ~/.config and ~/.local/share on every call, Chromium into its profile: keep both here.
export XDG_CONFIG_HOME="$RUN/xdg/config" XDG_DATA_HOME="$RUN/xdg/data" XDG_CACHE_HOME="$RUN/xdg/cache"
mkdir -p "$USER_DATA/User" "$EXTENSIONS" "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$XDG_CACHE_HOME"

cs_pid=""
status=1
dump_logs() {
  log "---- code-server log ----"
  cat "$RUN/code-server.log" 2>/dev/null || true
  cp "$RUN/code-server.log" "$ARTIFACTS/code-server.log" 2>/dev/null || true
  # The extension's output channel ("AMCT": client messages and the server's stderr) and the extension host log.
  while IFS= read -r -d '' file; do
    name="$(basename "$(dirname "$file")")-$(basename "$file")"
    log "---- $name ----"
    cat "$file"
    cp "$file" "$ARTIFACTS/$name"
  done < <(find "$USER_DATA/logs" -type f \( -name '*AMCT*.log' -o -name 'exthost.log' -o -name 'remoteexthost.log' \) -print0 2>/dev/null)
}
cleanup() {
  if [ -n "$cs_pid" ]; then
    # code-server was started with setsid: its pid is the process group of the extension host and the server.
    kill -TERM -- "-$cs_pid" 2>/dev/null || true
    for _ in 1 2 3 4 5 6 7 8 9 10; do
      kill -0 -- "-$cs_pid" 2>/dev/null || break
      sleep 0.3
    done
    kill -KILL -- "-$cs_pid" 2>/dev/null || true
  fi
  if [ "$status" != 0 ]; then
    dump_logs
    log "artifacts in $ARTIFACTS"
  fi
  rm -rf "$RUN"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The user's own Python: a venv with two packages, first on PATH, so it is the `python3` the extension finds and
# creates its environment from. Nothing may be installed into it.
USER_PY="$RUN/user-python"
WHEELS="$ROOT/client/wheels"
log "sandboxed user Python: $USER_PY (python3 on PATH, with attrs and PyYAML)"
python3 -m venv "$USER_PY"
PIP_CONFIG_FILE=/dev/null "$USER_PY/bin/python" -m pip install -q --disable-pip-version-check --no-index \
  --find-links "$WHEELS" attrs pyyaml
user_python_state() {
  PIP_CONFIG_FILE=/dev/null "$USER_PY/bin/python" -m pip freeze --all --disable-pip-version-check
  (cd "$USER_PY" && find . -path '*/__pycache__' -prune -o -print | LC_ALL=C sort)
}
user_python_state >"$RUN/user-python.before"
# VS Code resolves the extension host's environment from the user's login shell (`$SHELL -ilc env`), which would
# put this machine's own PATH (pyenv shims, ...) first. code-server gets a home of its own whose login profile puts
# the sandboxed Python first, as a user's ~/.profile would.
USER_HOME="$RUN/home"
mkdir -p "$USER_HOME"
printf 'export PATH="%s/bin:$PATH"\n' "$USER_PY" | tee "$USER_HOME/.profile" >"$USER_HOME/.bash_profile"

# AMCT_E2E_INTERPRETER: set amct.interpreter (the override) instead of using the private environment (e.g. one
# without amct_lsp, to see its notification); the test then fails, with its screenshot and logs.
INTERPRETER="${AMCT_E2E_INTERPRETER:-}"
log "workspace: a copy of examples/seed, amct.interpreter ${INTERPRETER:-not set (the private environment)}"
cp -r "$ROOT/examples/seed" "$WORKSPACE"
# A Python file that does not use AMCT: no notification and no AMCT status for it (the first e2e check).
printf 'import os\n\nprint(os.getcwd())\n' >"$WORKSPACE/plain.py"
# A Jupyter notebook: the seed flow, one step per cell, with IPython magics (the notebook e2e check).
PYTHONPATH="$ROOT/tests" "$PY" -c 'import sys; from pathlib import Path; from support.notebooks import write_notebook
write_notebook(Path(sys.argv[1]))' "$WORKSPACE/flow.ipynb"
# A hostile workspace: modules that shadow the stdlib, pygls and the server itself. If any Python process the
# extension starts (probe, server) had the workspace on sys.path, one of them would run and leave a marker.
MARKERS="$RUN/markers"
mkdir -p "$MARKERS" "$WORKSPACE/amct_lsp" "$WORKSPACE/pygls"
plant() { printf 'open(%s, "w").close()\n' "'$MARKERS/$2'" >"$1"; }
for name in json argparse runpy typing_extensions; do plant "$WORKSPACE/$name.py" "$name"; done
plant "$WORKSPACE/amct_lsp/__init__.py" amct_lsp
plant "$WORKSPACE/pygls/__init__.py" pygls
mkdir -p "$WORKSPACE/.vscode"
if [ -n "$INTERPRETER" ]; then
  printf '{\n  "amct.interpreter": "%s",\n  "amct.trace.server": "messages"\n}\n' "$INTERPRETER" >"$WORKSPACE/.vscode/settings.json"
else
  printf '{\n  "amct.trace.server": "messages"\n}\n' >"$WORKSPACE/.vscode/settings.json"
fi
cat >"$USER_DATA/User/settings.json" <<'EOF'
{
  "security.workspace.trust.enabled": false,
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "workbench.enableExperiments": false,
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "extensions.autoUpdate": false,
  "extensions.autoCheckUpdates": false,
  "editor.hover.delay": 150,
  "editor.hover.above": false,
  "editor.minimap.enabled": false,
  "chat.disableAIFeatures": true,
  "workbench.secondarySideBar.defaultVisibility": "hidden",
  "git.enabled": false
}
EOF

log "installing $(basename "$vsix") into a fresh extensions folder"
"$CODE_SERVER" --user-data-dir "$USER_DATA" --extensions-dir "$EXTENSIONS" --install-extension "$vsix" \
  >"$RUN/install.log" 2>&1 || { cat "$RUN/install.log"; exit 1; }

port="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
log "starting code-server on 127.0.0.1:$port"
# No network for pip: an index and proxies on a closed port (the private environment must install offline).
setsid env HOME="$USER_HOME" PATH="$USER_PY/bin:$PATH" PIP_INDEX_URL="http://127.0.0.1:9/simple" http_proxy="http://127.0.0.1:9" \
  https_proxy="http://127.0.0.1:9" HTTP_PROXY="http://127.0.0.1:9" HTTPS_PROXY="http://127.0.0.1:9" \
  no_proxy="127.0.0.1,localhost" NO_PROXY="127.0.0.1,localhost" \
  "$CODE_SERVER" --bind-addr "127.0.0.1:$port" --auth none --disable-telemetry --disable-update-check \
  --disable-workspace-trust --user-data-dir "$USER_DATA" --extensions-dir "$EXTENSIONS" "$WORKSPACE" \
  >"$RUN/code-server.log" 2>&1 &
cs_pid=$!

# With the private environment, the browser test also checks that an upgrade rebuilds it.
storage_args=()
[ -n "$INTERPRETER" ] || storage_args=(--storage "$USER_DATA/User/globalStorage/amct-lsp.amct-lsp")
set +e
timeout --kill-after=10 "$TEST_TIMEOUT_S" node "$ROOT/tests/e2e/vscode.e2e.mjs" \
  --url "http://127.0.0.1:$port" --workspace "$WORKSPACE" --artifacts "$ARTIFACTS" --profile "$RUN/chromium-profile" \
  "${storage_args[@]}"
status=$?
set -e
if [ -n "$(ls -A "$MARKERS")" ]; then
  log "SECURITY: the extension imported code from the workspace: $(ls "$MARKERS" | tr '\n' ' ')"
  if [ "$status" = 0 ]; then status=1; fi
else
  log "no workspace module was imported (planted: json argparse runpy typing_extensions amct_lsp/ pygls/)"
fi
user_python_state >"$RUN/user-python.after"
# The extension's output channel, kept on success too: it shows how the private environment was made.
amct_log="$(find "$USER_DATA/logs" -type f -name '*AMCT*.log' 2>/dev/null | head -n1)"
[ -z "$amct_log" ] || cp "$amct_log" "$ARTIFACTS/amct-output.log"
if [ -z "$INTERPRETER" ] && ! grep -qF "python3: Python 3" "$ARTIFACTS/amct-output.log" 2>/dev/null; then
  log "the AMCT output does not show which python3 the extension found"
  if [ "$status" = 0 ]; then status=1; fi
elif [ -z "$INTERPRETER" ] && ! grep -F "python3: Python 3" "$ARTIFACTS/amct-output.log" | grep -qF "($USER_PY/bin/python3)"; then
  log "the extension did not find the sandboxed user Python first on PATH: $(grep -F 'python3: Python' "$ARTIFACTS/amct-output.log")"
  if [ "$status" = 0 ]; then status=1; fi
fi
if ! diff -u "$RUN/user-python.before" "$RUN/user-python.after"; then
  log "the user's Python changed (pip freeze --all / its folders differ, above)"
  if [ "$status" = 0 ]; then status=1; fi
else
  log "the user's Python is unchanged ($(grep -c '==' "$RUN/user-python.before") packages in pip freeze --all)"
fi
if [ -z "$INTERPRETER" ]; then
  stamp="$(find "$USER_DATA/User/globalStorage" -path '*/server-env/amct-env.json' 2>/dev/null | head -n1)"
  if [ -z "$stamp" ]; then
    log "no private server environment was created (no server-env/amct-env.json in global storage)"
    if [ "$status" = 0 ]; then status=1; fi
  else
    log "private server environment: $(dirname "$stamp") $(tr -d '\n ' <"$stamp")"
  fi
fi
if [ "$status" = 124 ]; then
  log "the browser test did not finish within ${TEST_TIMEOUT_S} s"
  echo "e2e: 0 passed, $((${#storage_args[@]} > 0 ? 6 : 5)) failed"
fi
exit "$status"
