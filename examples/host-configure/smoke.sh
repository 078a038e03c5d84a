#!/usr/bin/env bash
# End-to-end smoke test of host-configure against the simulator, over its TCP serial and through a pty: the first run sends
# the profile's differences and saves, the second finds nothing to change. Called by ci.sh.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
cargo build -q -p cat1-sim -p host-configure
BIN="${CARGO_TARGET_DIR:-$ROOT/target}/debug"
PORT=${SMOKE_PORT:-47311}
LOG=$(mktemp)
"$BIN/cat1-sim" --serial "tcp:127.0.0.1:$PORT" >"$LOG" 2>&1 &
SIM=$!
trap 'kill $SIM 2>/dev/null || true; rm -f "$LOG"' EXIT
for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/$PORT) 2>/dev/null && break; sleep 0.1; done
# The profile applied twice through `$@` (host-configure's port options): the first run sends the
# differences and saves, the second finds nothing to change.
apply_twice() {
  local log=$1 what=$2
  shift 2
  first=$(timeout 120 "$BIN/host-configure" "$@" examples/host-configure/profile.toml 2>&1) || { echo "$first"; cat "$log"; exit 1; }
  echo "$first"
  grep -q "set commands sent, saved, restarted, verified" <<<"$first" || { echo "smoke ($what): the first run did not apply the profile"; exit 1; }
  second=$(timeout 120 "$BIN/host-configure" "$@" examples/host-configure/profile.toml 2>&1) || { echo "$second"; cat "$log"; exit 1; }
  echo "$second"
  grep -q "already has this profile" <<<"$second" || { echo "smoke ($what): the second run changed something"; exit 1; }
}
apply_twice "$LOG" tcp --tcp "127.0.0.1:$PORT"
echo "smoke: host-configure against cat1-sim passed"

# The same through a pty, as a serial port (the serialport crate's path): issue 6's "the simulator
# through a pty".
PTYLOG=$(mktemp)
"$BIN/cat1-sim" --serial pty >"$PTYLOG" 2>&1 &
PTYSIM=$!
trap 'kill $SIM $PTYSIM 2>/dev/null || true; rm -f "$LOG" "$PTYLOG"' EXIT
PTY=
for _ in $(seq 50); do
  PTY=$(sed -n 's/^cat1-sim: serial on pty //p' "$PTYLOG")
  [ -n "$PTY" ] && break
  sleep 0.1
done
[ -n "$PTY" ] || { echo "smoke: the simulator gave no pty"; cat "$PTYLOG"; exit 1; }
apply_twice "$PTYLOG" pty --port "$PTY"
echo "smoke: host-configure against cat1-sim through a pty passed"
