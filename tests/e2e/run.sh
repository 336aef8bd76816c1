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
TEST_TIMEOUT_S="${AMCT_E2E_TIMEOUT:-480}"

log() { echo "e2e: $*"; }

[ -x "$PY" ] || { log "$PY not found; run 'make test' (or create .venv and 'pip install -e .')" >&2; exit 1; }

bash "$ROOT/tests/e2e/setup.sh"

mkdir -p "$ARTIFACTS"
rm -f "$ARTIFACTS"/hover.png "$ARTIFACTS"/plain-python.png "$ARTIFACTS"/fix-all.png "$ARTIFACTS"/failure.png "$ARTIFACTS"/*.log \
  "$ARTIFACTS"/settings.png "$ARTIFACTS"/code-actions-on-save.png "$ARTIFACTS"/fix-all-guess.png "$ARTIFACTS"/fix-on-save-guess.png "$ARTIFACTS"/no-python.png \
  "$ARTIFACTS"/hover-as-shown.png "$ARTIFACTS"/inlay-hints.png "$ARTIFACTS"/explain-webview.png "$ARTIFACTS"/completion.png "$ARTIFACTS"/notebook.png

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
stop_code_server() {
  if [ -n "$cs_pid" ]; then
    # code-server was started with setsid: its pid is the process group of the extension host and the server.
    kill -TERM -- "-$cs_pid" 2>/dev/null || true
    for _ in 1 2 3 4 5 6 7 8 9 10; do
      kill -0 -- "-$cs_pid" 2>/dev/null || break
      sleep 0.3
    done
    kill -KILL -- "-$cs_pid" 2>/dev/null || true
    cs_pid=""
  fi
}
cleanup() {
  stop_code_server
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
# The inlay hint and code lens test edits a file of its own (the seed script, same model).
cp "$WORKSPACE/quant.py" "$WORKSPACE/inlay.py"
# The Explain webview's own script (the seed script under another name, same model).
cp "$WORKSPACE/quant.py" "$WORKSPACE/explain_quant.py"
# Completion (issue 12 item 1): a script of its own whose last line looks a name up after quantize_model; the
# test types a quote between the brackets.
cat >"$WORKSPACE/complete_names.py" <<'EOF'
import tensorflow as tf
import amct_tensorflow as amct

model_name = './pb_model/case_1_1.pb'
with tf.io.gfile.GFile(model_name, 'rb') as f:
    graph_def = tf.compat.v1.GraphDef()
    graph_def.ParseFromString(f.read())
tf.import_graph_def(graph_def, name='')
graph = tf.compat.v1.get_default_graph()
amct.quantize_model(graph, './configs/config.json', './configs/record_scale_offset.txt')
with tf.compat.v1.Session() as sess:
    output = graph.get_tensor_by_name()
EOF
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
# Fix-all skips guesses (the GUESS tests): the seed script with a mistyped name whose only fix is a "did you
# mean" (AMCT002, line 37), fixed by the command and by source.fixAll.amct on an explicit save ([python] below).
# The empty top-level codeActionsOnSave is where the SETTINGS test asks for completions.
sed "s/^        sess.run(output_tensor)$/&\n        sess.run('Conv2d:0')/" "$WORKSPACE/quant.py" >"$WORKSPACE/quant_guess.py"
grep -q "sess.run('Conv2d:0')" "$WORKSPACE/quant_guess.py" || { log "could not write quant_guess.py" >&2; exit 1; }
{
  printf '{\n'
  [ -z "$INTERPRETER" ] || printf '  "amct.interpreter": "%s",\n' "$INTERPRETER"
  printf '  "amct.trace.server": "messages",\n'
  printf '  "editor.codeActionsOnSave": {},\n'
  printf '  "[python]": { "editor.codeActionsOnSave": { "source.fixAll.amct": "explicit" } }\n'
  printf '}\n'
} >"$WORKSPACE/.vscode/settings.json"
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
  echo "e2e: 0 passed, $((${#storage_args[@]} > 0 ? 16 : 15)) failed"
fi

# The no-Python path: a second, short code-server run (a fresh user-data folder, so no private environment yet)
# in a mount namespace where every Python the extension looks for is a stand-in that reports 3.7 (a TensorFlow
# 1.15 machine): python3 and python on PATH, and /usr/bin/python3.11 (the target of /usr/bin/python3, which the
# extension also tries) bind-mounted over. The user must read exactly that and how to fix it.
# AMCT_E2E_NO_PYTHON=0 skips it; it needs root (unshare -m).
if [ -z "$INTERPRETER" ] && [ "${AMCT_E2E_NO_PYTHON:-1}" != 0 ]; then
  stop_code_server
  NOPY="$RUN/no-python"
  mkdir -p "$NOPY/bin" "$NOPY/home" "$NOPY/user-data/User"
  printf '#!/bin/sh\n# A Python 3.7 stand-in: answers the version probe (python -c ...) as 3.7.17 would.\nprintf "3.7.17\\n%%s\\n" "$0"\n' \
    >"$NOPY/bin/python3"
  chmod +x "$NOPY/bin/python3"
  cp "$NOPY/bin/python3" "$NOPY/bin/python"
  printf 'export PATH="%s/bin:/usr/bin:/bin"\n' "$NOPY" | tee "$NOPY/home/.profile" >"$NOPY/home/.bash_profile"
  cp "$USER_DATA/User/settings.json" "$NOPY/user-data/User/settings.json"
  real_py="$(readlink -f /usr/bin/python3 2>/dev/null || true)"
  port="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
  log "no-Python run: code-server on 127.0.0.1:$port with python3/python reporting 3.7 (and ${real_py:-no /usr/bin/python3} masked)"
  # shellcheck disable=SC2016
  setsid env HOME="$NOPY/home" PATH="$NOPY/bin:/usr/bin:/bin" unshare -m sh -c \
    'if [ -n "$1" ]; then mount --bind "$2" "$1" || exit 97; fi; shift 2; exec "$@"' sh "$real_py" "$NOPY/bin/python3" \
    node "$CODE_SERVER" --bind-addr "127.0.0.1:$port" --auth none --disable-telemetry --disable-update-check \
    --disable-workspace-trust --user-data-dir "$NOPY/user-data" --extensions-dir "$EXTENSIONS" "$WORKSPACE" \
    >"$RUN/code-server-no-python.log" 2>&1 &
  cs_pid=$!
  set +e
  timeout --kill-after=10 90 node "$ROOT/tests/e2e/no-python.e2e.mjs" --url "http://127.0.0.1:$port" \
    --workspace "$WORKSPACE" --artifacts "$ARTIFACTS" --profile "$RUN/chromium-profile-no-python"
  nopy_status=$?
  set -e
  if [ "$nopy_status" != 0 ]; then
    log "the no-Python check failed ($nopy_status); code-server log:"
    cat "$RUN/code-server-no-python.log"
    find "$NOPY/user-data/logs" -type f -name '*AMCT*.log' -exec cat {} + 2>/dev/null || true
    if [ "$status" = 0 ]; then status=1; fi
  fi
  stop_code_server
fi
exit "$status"
