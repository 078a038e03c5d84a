#!/usr/bin/env bash
# Cortex-M4 instruction counts of cat1-socket (SDP codec, serial packing) and cat1-client
# (command/response cycles) under QEMU (mps2-an386, -icount shift=0). Builds benches/qemu-machines
# (release, opt-level 3) twice (as it is, and with `--features modem`: whole cycles through the
# public `Modem`s), runs both, writes benches/results/machines.md.
# Needs: rustup target thumbv7em-none-eabihf, qemu-system-arm (10.0.2 measured), awk.
# Usage: benches/qemu-machines/run.sh [--check]
#   --check: also fail when a target is missed (issue 4: 10 instructions per byte for SDP and
#            packing in every chunking; issue 6: 25 per received byte for the client cycles).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$root/benches/results/machines.md"
check=0
for arg in "$@"; do
  case "$arg" in
    --check) check=1 ;;
    *) echo "usage: $0 [--check]" >&2; exit 2 ;;
  esac
done

command -v qemu-system-arm >/dev/null || { echo "qemu-system-arm not found" >&2; exit 1; }
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$here/target}"
elf="$CARGO_TARGET_DIR/thumbv7em-none-eabihf/release/cat1-bench-machines"
log="$(mktemp)"
trap 'rm -f "$log" "$log.elf" "$log.one" "$log.summary"' EXIT
# Two binaries of the one crate: the whole cycles through the public `Modem`s are built apart
# (`--features modem`; see `mod modem` in src/main.rs), so that their code does not move the
# others' figures. Each run's output appended to the log, read by report.awk as one.
for features in "" modem; do
  (cd "$here" && cargo build --release --quiet ${features:+--features "$features"})
  cp "$elf" "$log.elf"
  qemu=(qemu-system-arm -M mps2-an386 -icount shift=0 -nographic -monitor none -serial none
        -semihosting-config enable=on,target=native -kernel "$log.elf")
  rc=0
  timeout 300 "${qemu[@]}" >"$log.one" 2>&1 || rc=$?
  if [ "$rc" -ne 0 ] || [ ! -s "$log.one" ] || ! grep -q '^DONE$' "$log.one"; then
    echo "benchmark failed (exit $rc${features:+, features $features}); output:" >&2
    cat "$log.one" >&2
    exit 1
  fi
  cat "$log.one" >>"$log"
done

cmd="${qemu[*]}"
cmd="${cmd/$log.elf/target/thumbv7em-none-eabihf/release/cat1-bench-machines}"
status=0
awk -F'|' -v qv="$(qemu-system-arm --version | head -n1)" -v rv="$(rustc --version)" \
    -v cmd="$cmd" -v check="$check" -v report="$out" -f "$here/report.awk" "$log" >"$log.summary" \
  || status=$?
echo "machines bench: $(cat "$log.summary"); tables in $out"
if [ "$status" -eq 3 ]; then
  echo "a target is missed (--check)" >&2
  exit 1
fi
exit "$status"
