#!/usr/bin/env bash
# Builds both backends (release, default configuration), measures .text/.data/.bss, and checks
# them against size-budget.txt. The committed report is size-report.txt: `--update` rewrites it;
# otherwise a difference from it is shown (not an error: toolchains move code a little).
#
#   ./size-check.sh [--update]
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$HERE"
TARGET=thumbv7em-none-eabihf
TARGET_DIR="${CARGO_TARGET_DIR:-$HERE/target}"
rustup target list --installed | grep -qx "$TARGET" || rustup target add "$TARGET"

# The defaults, not the e2e test's values.
unset CAT1_FW_SERVER CAT1_FW_APN CAT1_FW_BANNER CAT1_FW_HEARTBEAT_S CAT1_FW_TELEMETRY_S \
      CAT1_FW_LINK_CHECK_S CAT1_FW_LINK_DEAD_LIMIT CAT1_FW_BANNER_WAIT_S CAT1_FW_DEADLINE_S
export DEFMT_LOG=info

report="$(mktemp)"
trap 'rm -f "$report"' EXIT
{
    echo "# Release sizes in bytes (size -B: text = code + rodata + vector table in flash;"
    echo "# data = initialised RAM, also in flash; bss = zeroed RAM). DEFMT_LOG=info, rustc $(rustc -V | cut -d' ' -f2)."
    printf '%-6s %8s %8s %8s\n' build text data bss
} >"$report"
for backend in qemu hw; do
    CARGO_TARGET_DIR="$TARGET_DIR" cargo build --release --features "$backend" --quiet
    read -r text data bss < <(python3 test/elf_size.py "$TARGET_DIR/$TARGET/release/cat1-stm32l475-firmware")
    printf '%-6s %8d %8d %8d\n' "$backend" "$text" "$data" "$bss" >>"$report"
done
cat "$report"

fail=0
while read -r backend text data bss; do
    [[ "$backend" =~ ^(#|build|$) ]] && continue
    read -r _ btext bdata bbss < <(grep -E "^$backend[[:space:]]" size-budget.txt)
    for f in text data bss; do
        v=${!f}; b=$(eval echo "\$b$f")
        if ((v > b)); then echo "size-check: $backend .$f $v > budget $b" >&2; fail=1; fi
    done
done <"$report"

if [[ "${1:-}" == --update ]]; then
    cp "$report" size-report.txt
    echo "size-check: size-report.txt updated"
elif ! diff -u size-report.txt "$report" >/dev/null 2>&1; then
    echo "size-check: differs from the committed size-report.txt (run with --update to refresh):"
    diff -u size-report.txt "$report" || true
fi
((fail == 0)) && echo "size-check: within budget (size-budget.txt)"
exit $fail
