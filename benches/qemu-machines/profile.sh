#!/usr/bin/env bash
# Instruction profile of CAT1_PROFILE_REPS (default 100) SDP encode+decode cycles (or packing
# cycles with PACK=1) of a SIZE-byte payload fed CHUNK bytes at a time: QEMU executes one
# instruction per translation block and logs each, ../qemu/profile.py counts them per function and per
# instruction. Needs python3 and `rustup component add llvm-tools`. Client cycles instead with
# CAT1_PROFILE_CLIENT set (see `profile()` in src/main.rs: CAT1_PROFILE_DECODE,
# CAT1_PROFILE_ANCHORS, CAT1_PROFILE_CASE); whole cycles through the public blocking `Modem` with
# CAT1_PROFILE_MODEM set (the async one with CAT1_PROFILE_ASYNC too; built with `--features modem`).
# Usage: benches/qemu-machines/profile.sh [SIZE] [CHUNK] [TOP] [PACK]   (CHUNK default: all)
set -euo pipefail
cd "$(dirname "$0")"
export CAT1_PROFILE_SIZE="${1:-1024}"
export CAT1_PROFILE_CHUNK="${2:-999999}"
top="${3:-60}"
export CAT1_PROFILE_PACK="${4:-}"; [ -n "$CAT1_PROFILE_PACK" ] || unset CAT1_PROFILE_PACK
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}/profile"
touch src/main.rs
cargo build --release --features "profile${CAT1_PROFILE_MODEM:+,modem}" --quiet
elf="$CARGO_TARGET_DIR/thumbv7em-none-eabihf/release/cat1-bench-machines"
trace="$(mktemp)"
trap 'rm -f "$trace"' EXIT
timeout 300 qemu-system-arm -M mps2-an386 -icount shift=0 -accel tcg,one-insn-per-tb=on \
  -d exec,nochain -D "$trace" -nographic -monitor none -serial none \
  -semihosting-config enable=on,target=native -kernel "$elf"
python3 ../qemu/profile.py "$trace" "$elf" "$top"
