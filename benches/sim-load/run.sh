#!/usr/bin/env bash
# Load benchmark of the simulator (issue 5): NET mode, 4 TCP sockets, SDP, fed SDP frames at the
# rate of a 921,600 baud line (92,160 bytes/s) while four local servers echo everything back.
# Reports the share of one core the simulator process used (/proc/<pid>/stat utime+stime over
# the interval) in benches/results/sim-load.md. Target: under 5%.
#
#   benches/sim-load/run.sh [SECONDS]        (default 20)
#   PROFILE=1 benches/sim-load/run.sh 5      also a callgrind profile of a short run
set -euo pipefail
cd "$(dirname "$0")/../.."
secs="${1:-20}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
cargo build --release -q -p cat1-sim --bin cat1-sim --example sim_load
sim="$CARGO_TARGET_DIR/release/cat1-sim"
driver="$CARGO_TARGET_DIR/release/examples/sim_load"
table="$("$driver" --sim "$sim" --secs "$secs" 2>/tmp/sim-load.$$.err)"
share="$(sed -n 's/^SHARE=//p' /tmp/sim-load.$$.err)"
rm -f /tmp/sim-load.$$.err
verdict="$(python3 -c "import sys; print('met' if float(sys.argv[1]) < 5.0 else 'MISSED')" "$share")"
out=benches/results/sim-load.md
{
  echo "# cat1-sim under load: 4 sockets, SDP, 921,600 baud"
  echo
  echo "\`benches/sim-load/run.sh $secs\` ($(date -u +%Y-%m-%d), $(nproc) cores, $(rustc --version | cut -d' ' -f1-2), release build)."
  echo
  echo "The simulator binary in NET mode (sockets A-D to four local TCP echo servers, \`SDPEN=ON\`,"
  echo "heartbeats off, \`UARTFL\`/\`UARTFT\` at their defaults 1024/50) is fed 256-byte SDP frames"
  echo "on its TCP serial port at 92,160 bytes/s (921,600 baud 8N1): bursts of four frames (one per"
  echo "socket, 1024 bytes) 90 times a second; the servers echo every byte, so the module also writes"
  echo "about 92 KB/s of SDP frames back to serial. The CPU share is the simulator process's"
  echo "utime+stime (all threads) over the load interval divided by the interval."
  echo
  echo "$table"
  echo
  echo "Target: under 5% of one core: **$verdict**."
} >"$out"
cat "$out"
if [[ "${PROFILE:-0}" == 1 ]] && command -v valgrind >/dev/null; then
  "$driver" --sim "$sim" --secs 5 --valgrind >/dev/null 2>&1 || true
  callgrind_annotate callgrind.out.sim-load 2>/dev/null | head -40
fi
