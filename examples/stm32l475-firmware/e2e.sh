#!/usr/bin/env bash
# End-to-end test of the reference firmware under QEMU (issue 7).
#
#   server (python3, 127.0.0.1:$E2E_SERVER_PORT)  <-TCP->  modem  <-TCP serial->  QEMU (firmware)
#
# The modem is cat1-sim (`--serial tcp:127.0.0.1:PORT --time-scale N`) when `cargo build -p cat1-sim`
# succeeds in the root workspace, otherwise test/standin_modem.py (E2E_MODEM=sim|standin|auto).
# The server checks the registration packet (the IMEI), heartbeats, telemetry and the PONG; it is then
# stopped and restarted and checks that telemetry resumes, and sends DONE: the firmware ends QEMU
# through semihosting with its verdict. On failure the decoded defmt log is printed.
#
# Environment: E2E_MODEM (auto), E2E_SERVER_PORT (47017, compiled into the firmware's profile),
# E2E_TIME_SCALE (10), E2E_TIMEOUT (s per phase, 150), CARGO_TARGET_DIR (the firmware's target/).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
cd "$HERE"

MODEM_KIND="${E2E_MODEM:-auto}"
SERVER_PORT="${E2E_SERVER_PORT:-47017}"
SCALE="${E2E_TIME_SCALE:-10}"
PHASE_TIMEOUT="${E2E_TIMEOUT:-150}"
TARGET=thumbv7em-none-eabihf
TARGET_DIR="${CARGO_TARGET_DIR:-$HERE/target}"
ELF="$TARGET_DIR/$TARGET/release/cat1-stm32l475-firmware"

log() { echo "e2e: $*" >&2; }

# ---- tools (a fresh machine: rustup target, defmt-print; QEMU 10 comes from .ci/run)
command -v qemu-system-arm >/dev/null || { log "qemu-system-arm missing (QEMU >= 10 with -M b-l475e-iot01a; Debian: bookworm-backports)"; exit 1; }
qemu-system-arm -machine help | grep -q b-l475e-iot01a || { log "this QEMU lacks -M b-l475e-iot01a (need QEMU >= 10)"; exit 1; }
command -v python3 >/dev/null || { log "python3 missing"; exit 1; }
rustup target list --installed | grep -qx "$TARGET" || rustup target add "$TARGET"
command -v defmt-print >/dev/null || cargo install defmt-print --locked

WORK="$(mktemp -d "${TMPDIR:-/tmp}/cat1-e2e.XXXXXX")"
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
}
trap cleanup EXIT

python3 -c "import socket; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('127.0.0.1', $SERVER_PORT)); s.listen()" 2>/dev/null \
    || { log "port $SERVER_PORT is busy: set E2E_SERVER_PORT to a free one"; exit 1; }

# ---- the firmware, with the test's profile and timings compiled in
log "building the qemu firmware (server 127.0.0.1:$SERVER_PORT)"
CAT1_FW_SERVER="TCP,127.0.0.1,$SERVER_PORT" \
CAT1_FW_TELEMETRY_S=2 \
CAT1_FW_HEARTBEAT_S=10 \
CAT1_FW_LINK_CHECK_S=5 \
CAT1_FW_BANNER_WAIT_S=5 \
CAT1_FW_DEADLINE_S=$((3 * PHASE_TIMEOUT)) \
DEFMT_LOG=info \
CARGO_TARGET_DIR="$TARGET_DIR" cargo build --release --features qemu --quiet

# ---- the modem
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
MODEM_PORT="$(free_port)"
SIM=""
if [[ "$MODEM_KIND" != standin && -d "$ROOT/crates/cat1-sim" ]]; then
    if (cd "$ROOT" && cargo build -p cat1-sim --quiet) >"$WORK/sim-build.log" 2>&1; then
        SIM_DIR="$(cd "$ROOT" && cargo metadata --format-version 1 --no-deps \
            | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')"
        SIM="$SIM_DIR/debug/cat1-sim"
    else
        log "cat1-sim does not build (see below)"; tail -5 "$WORK/sim-build.log" >&2
    fi
fi
if [[ "$MODEM_KIND" == sim && -z "$SIM" ]]; then log "E2E_MODEM=sim but cat1-sim is not available"; exit 1; fi
if [[ -n "$SIM" ]]; then
    log "modem: cat1-sim ($SIM), time scale $SCALE"
else
    log "modem: stand-in test/standin_modem.py (cat1-sim not available), time scale $SCALE"
fi
# Starts the modem (a fresh process: factory configuration) and waits until it listens.
start_modem() {
    if [[ -n "$SIM" ]]; then
        "$SIM" --serial "tcp:127.0.0.1:$MODEM_PORT" --time-scale "$SCALE" >>"$WORK/modem.log" 2>&1 &
    else
        python3 "$HERE/test/standin_modem.py" --serial "tcp:127.0.0.1:$MODEM_PORT" --time-scale "$SCALE" \
            >>"$WORK/modem.log" 2>&1 &
    fi
    MODEM=$!
    PIDS+=($MODEM)
    for _ in $(seq 100); do
        python3 -c "import socket; socket.create_connection(('127.0.0.1',$MODEM_PORT),0.2)" 2>/dev/null && return 0
        sleep 0.1
    done
    log "the modem does not listen on $MODEM_PORT"; return 1
}
start_modem
# That probe connection powered the modem on and off again; the next client (QEMU) gets a fresh boot.

# ---- server, phase 1
python3 "$HERE/test/server.py" --port "$SERVER_PORT" --phase first --state "$WORK/state.json" \
    --timeout "$PHASE_TIMEOUT" >"$WORK/server1.log" 2>&1 &
SERVER1=$!
PIDS+=($SERVER1)

# ---- QEMU: first serial (USART1) is a TCP client of the modem (reconnecting, for phase 3); defmt
# frames on stdout (semihosting).
qemu-system-arm -M b-l475e-iot01a -display none -monitor none \
    -semihosting-config enable=on,target=native \
    -serial "tcp:127.0.0.1:$MODEM_PORT,nodelay=on,reconnect-ms=300" \
    -kernel "$ELF" >"$WORK/defmt.bin" 2>"$WORK/qemu.err" &
QEMU=$!
PIDS+=($QEMU)

failed=""
report() {
    log "FAILED: $1"
    for f in server1 server2 server3; do [[ -f "$WORK/$f.log" ]] && { echo "---- $f"; cat "$WORK/$f.log"; }; done
    echo "---- modem (last 60 lines)"; tail -60 "$WORK/modem.log" || true
    echo "---- qemu stderr"; cat "$WORK/qemu.err" || true
    echo "---- firmware log (defmt)"
    defmt-print -e "$ELF" <"$WORK/defmt.bin" || true
    exit 1
}

# Waits for a process to end (up to $2 s) and returns its status; 124 on timeout.
wait_for() {
    local pid=$1 limit=$2 i
    for ((i = 0; i < limit * 10; i++)); do
        if ! kill -0 "$pid" 2>/dev/null; then
            wait "$pid" && return 0 || return $?
        fi
        sleep 0.1
    done
    return 124
}

# ---- phase 1: registration, heartbeat, telemetry, PING/PONG
st=0; wait_for "$SERVER1" "$PHASE_TIMEOUT" || st=$?
cat "$WORK/server1.log"
[[ $st == 0 ]] || report "server1 (status $st)"

# ---- phase 2: the server was stopped; restart it, telemetry must resume
log "phase 2: server stopped; restarting it in 2 s"
sleep 2
run_server() { # phase name, log name, extra args
    local st=0
    python3 "$HERE/test/server.py" --port "$SERVER_PORT" --phase "$1" --state "$WORK/state.json" \
        --timeout "$PHASE_TIMEOUT" "${@:3}" >"$WORK/$2.log" 2>&1 &
    local pid=$!
    PIDS+=($pid)
    wait_for "$pid" "$PHASE_TIMEOUT" || st=$?
    cat "$WORK/$2.log"
    [[ $st == 0 ]] || report "$2 (status $st)"
}
run_server resume server2

# ---- phase 3: the modem is power-cycled (a new process, factory settings): the firmware must see
# the banner, set the profile up again, and telemetry must resume.
log "phase 3: modem power cycle"
kill "$MODEM"; wait "$MODEM" 2>/dev/null || true
start_modem
run_server resume server3 --done

st=0; wait_for "$QEMU" 30 || st=$?
[[ $st == 0 ]] || report "firmware verdict: QEMU exit status $st (124: still running)"
log "firmware verdict: PASS (QEMU exit 0)"
defmt-print -e "$ELF" <"$WORK/defmt.bin" | grep -E "stats:|client counters|verdict" || true
[[ -n "${E2E_KEEP:-}" ]] && log "kept $WORK" || rm -rf "$WORK"
log "PASS"
