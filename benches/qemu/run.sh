#!/usr/bin/env bash
# Cortex-M4 instruction counts of cat1-at-parse under QEMU (mps2-an386, -icount shift=0).
# Builds benches/qemu (release, opt-level 3), runs it, and writes benches/results/qemu.md.
# Needs: rustup target thumbv7em-none-eabihf, qemu-system-arm (>= 7; 10.0.2 measured), awk.
# Usage: benches/qemu/run.sh [--check]   (--check: fail when any chunking of the manual corpus
#        or of an ANCHORS case costs more than 25 instructions per byte, framer plus decoding)
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$root/benches/results/qemu.md"
check=0
for arg in "$@"; do
  case "$arg" in
    --check) check=1 ;;
    *) echo "usage: $0 [--check]" >&2; exit 2 ;;
  esac
done

command -v qemu-system-arm >/dev/null || { echo "qemu-system-arm not found" >&2; exit 1; }
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$here/target}"
(cd "$here" && cargo build --release --quiet)
elf="$CARGO_TARGET_DIR/thumbv7em-none-eabihf/release/cat1-bench-qemu"

qemu=(qemu-system-arm -M mps2-an386 -icount shift=0 -nographic -monitor none -serial none
      -semihosting-config enable=on,target=native -kernel "$elf")
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
rc=0
timeout 600 "${qemu[@]}" >"$log" 2>&1 || rc=$?
if [ "$rc" -ne 0 ] || ! grep -q '^DONE$' "$log"; then
  echo "benchmark failed (exit $rc); output:" >&2
  cat "$log" >&2
  exit 1
fi

qemu_version="$(qemu-system-arm --version | head -n1)"
rustc_version="$(rustc --version)"
cmd="${qemu[*]}"
cmd="${cmd/$elf/target/thumbv7em-none-eabihf/release/cat1-bench-qemu}"
budget=25
status=0

awk -F'|' -v qv="$qemu_version" -v rv="$rustc_version" -v cmd="$cmd" -v budget="$budget" \
    -v check="$check" -v report="$out" -f "$here/report.awk" "$log" >"$log.summary" || status=$?
read -r worst what <"$log.summary" || true
rm -f "$log.summary"
echo "qemu bench: costliest ${worst:-?} instructions/byte (${what:-?}); table in $out"
if [ "${status:-0}" -eq 3 ]; then
  echo "over the budget of $budget instructions per byte" >&2
  exit 1
elif [ "${status:-0}" -ne 0 ]; then
  exit "$status"
fi
