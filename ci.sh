#!/usr/bin/env bash
# The one CI entry point: runs locally exactly as in CI. `./ci.sh` runs everything; `./ci.sh quick`
# skips the fuzz runs and the benchmark figures.
#
# Needs: the stable toolchain with the thumbv7em-none-eabihf and thumbv6m-none-eabi targets, the toolchain
# of the workspace's rust-version, a nightly
# toolchain and cargo-fuzz (fuzzing), qemu-system-arm 10 and python3 (benchmarks). `.ci/run` installs them.
set -euo pipefail
cd "$(dirname "$0")"
mode=${1:-full}
FUZZ_SECONDS=${FUZZ_SECONDS:-30}

step() { printf '\n==> %s\n' "$*"; }

step "format"
cargo fmt --all -- --check

step "generated code is up to date (cat1-config from its commands.json)"
python3 crates/cat1-config/gen/gen.py
cargo fmt -p cat1-config
git diff --exit-code --stat -- crates/cat1-config

step "clippy"
cargo clippy --workspace --all-targets -- -D warnings

step "tests"
cargo test --workspace

step "the embassy-time feature (cat1-client's EmbassyTimer on a test time driver)"
cargo clippy -p cat1-client --features embassy-time --all-targets -- -D warnings
cargo test -p cat1-client --features embassy-time --test embassy_time

step "docs"
RUSTDOCFLAGS=-Dwarnings cargo doc --workspace --no-deps

step "no_std builds"
for lib in crates/*/src/lib.rs; do
  grep -q '^#!\[no_std\]' "$lib" || continue
  crate=$(basename "$(dirname "$(dirname "$lib")")")
  for target in thumbv7em-none-eabihf thumbv6m-none-eabi; do
    echo "  $crate on $target (no features, all features)"
    cargo build --quiet -p "$crate" --target "$target" --no-default-features
    cargo build --quiet -p "$crate" --target "$target" --all-features
  done
done

step "host-configure against the simulator"
bash examples/host-configure/smoke.sh

step "the library crates on the workspace's rust-version"
msrv=$(sed -n 's/^rust-version = "\(.*\)"/\1/p' Cargo.toml)
libs=()
for lib in crates/*/src/lib.rs; do
  grep -q '^#!\[no_std\]' "$lib" || continue
  libs+=(-p "$(basename "$(dirname "$(dirname "$lib")")")")
done
CARGO_TARGET_DIR=target/msrv cargo "+$msrv" check --quiet --all-features "${libs[@]}"

if [ "$mode" = quick ]; then
  echo "quick mode: fuzzing and benchmarks skipped"
  exit 0
fi

if [ -x fuzz/run.sh ] || [ -f fuzz/run.sh ]; then
  step "fuzz (${FUZZ_SECONDS}s per target)"
  bash fuzz/run.sh "$FUZZ_SECONDS"
fi

if [ -f benches/size/run.sh ]; then
  step "flash budget"
  bash benches/size/run.sh --check
fi

step "flash, RAM and stack budgets of the config model and the client"
bash benches/footprint/run.sh --check

# The framer's budget is a gate (`--check`: at most 25 instructions per byte in every chunking);
# the machines' figures are reported (benches/results/*.md), a missed target stated there.
step "Cortex-M4 instruction counts (QEMU icount)"
bash benches/qemu/run.sh --check
bash benches/qemu-machines/run.sh

step "reference firmware: size budget"
bash examples/stm32l475-firmware/size-check.sh

step "reference firmware under QEMU against the modem (end to end)"
E2E_MODEM=sim bash examples/stm32l475-firmware/e2e.sh

step "all green"
