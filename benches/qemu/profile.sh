#!/usr/bin/env bash
# Instruction profile of one pass of the corpus (ANCHORS + manual), CHUNK bytes at a time:
# QEMU executes one instruction per translation block and logs each, profile.py counts them per
# function and per instruction. Needs python3 and `rustup component add llvm-tools`.
# Usage: benches/qemu/profile.sh [CHUNK] [TOP] [CASE]   (CASE: index, ANCHORS first, then MANUAL)
set -euo pipefail
cd "$(dirname "$0")"
chunk="${1:-1}"
top="${2:-60}"
export CAT1_PROFILE_CASE="${3:-}"; [ -n "$CAT1_PROFILE_CASE" ] || unset CAT1_PROFILE_CASE
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}/profile"
touch src/main.rs
CAT1_PROFILE_CHUNK="$chunk" cargo build --release --features profile --quiet
elf="$CARGO_TARGET_DIR/thumbv7em-none-eabihf/release/cat1-bench-qemu"
trace="$(mktemp)"
trap 'rm -f "$trace"' EXIT
timeout 300 qemu-system-arm -M mps2-an386 -icount shift=0 -accel tcg,one-insn-per-tb=on \
  -d exec,nochain -D "$trace" -nographic -monitor none -serial none \
  -semihosting-config enable=on,target=native -kernel "$elf"
python3 profile.py "$trace" "$elf" "$top"
