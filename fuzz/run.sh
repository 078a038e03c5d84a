#!/usr/bin/env bash
# Runs every fuzz target for SECONDS seconds (default 30), seeded with fuzz/seeds/<target> and the
# AT dictionary. New corpus entries go to fuzz/corpus/<target> (gitignored); a crash, a panic, a
# hang longer than 10 s on one input, or a leak/OOM fails the run, with the input written to
# fuzz/artifacts/<target>/. Needs a nightly toolchain and cargo-fuzz.
#
# Usage: bash fuzz/run.sh [SECONDS [TARGET...]]   (from anywhere; it works from the repository root)
# Without TARGET, every target `cargo fuzz list` knows (every [[bin]] of fuzz/Cargo.toml).
set -euo pipefail

seconds="${1:-30}"
shift || true
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
    echo "fuzz/run.sh: needs 'rustup toolchain install nightly' and 'cargo install cargo-fuzz'" >&2
    exit 2
fi

if (($#)); then
    targets=("$@")
else
    mapfile -t targets < <(cargo +nightly fuzz list)
fi
if ((${#targets[@]} == 0)); then
    echo "fuzz/run.sh: no fuzz targets" >&2
    exit 2
fi

# One build for all targets, so the time limit below is spent fuzzing.
cargo +nightly fuzz build

failed=()
for t in "${targets[@]}"; do
    mkdir -p "fuzz/corpus/$t"
    corpora=("fuzz/corpus/$t")
    if [[ -d "fuzz/seeds/$t" ]]; then
        corpora+=("fuzz/seeds/$t")
    fi
    echo "=== fuzz $t for ${seconds}s"
    if ! cargo +nightly fuzz run "$t" "${corpora[@]}" -- \
        -max_total_time="$seconds" -timeout=10 -dict=fuzz/at.dict -print_final_stats=1; then
        failed+=("$t")
    fi
done

if ((${#failed[@]})); then
    echo "fuzz/run.sh: FAILED: ${failed[*]} (inputs in fuzz/artifacts/<target>/)" >&2
    exit 1
fi
echo "fuzz/run.sh: all ${#targets[@]} targets ran ${seconds}s without a failure"
