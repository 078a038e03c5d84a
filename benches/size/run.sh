#!/usr/bin/env bash
# Flash cost of cat1-at-parse: builds benches/size (thumbv7em-none-eabihf, opt-level "z", fat LTO,
# codegen-units 1, panic=abort), compares the `framer` binary with the `empty` one, and writes
# benches/results/size.md.
# Section sizes come from llvm-size of the toolchain's own llvm-tools component (installed here
# with rustup when missing: one small download, always the LLVM of the rustc in use).
# Usage: benches/size/run.sh [--check]   (--check: fail when .text grows by more than 2048 bytes)
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$root/benches/results/size.md"
budget=2048
check=0
for arg in "$@"; do
  case "$arg" in
    --check) check=1 ;;
    *) echo "usage: $0 [--check]" >&2; exit 2 ;;
  esac
done

sysroot="$(rustc --print sysroot)"
host="$(rustc -vV | sed -n 's/^host: //p')"
bin="$sysroot/lib/rustlib/$host/bin"
if [ ! -x "$bin/llvm-size" ]; then
  rustup component add llvm-tools >&2
fi

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$here/target}"
(cd "$here" && cargo build --release --quiet)
dir="$CARGO_TARGET_DIR/thumbv7em-none-eabihf/release"

# Size of one section of one binary (0 when absent).
section() {
  "$bin/llvm-size" -A "$dir/$1" | awk -v s="$2" '$1 == s { print $2; found = 1 } END { if (!found) print 0 }'
}

declare -A size
for b in empty framer; do
  for s in .text .rodata .data .bss; do
    size[$b$s]="$(section "$b" "$s")"
  done
done
delta=$(( ${size[framer.text]} - ${size[empty.text]} ))
verdict="met"
[ "$delta" -le "$budget" ] || verdict="**not met**"

{
  echo "# Flash: cat1-at-parse on a Cortex-M4"
  echo
  echo 'Written by `benches/size/run.sh`. Two `thumbv7em-none-eabihf` binaries built with opt-level "z",'
  echo 'fat LTO, one codegen unit, `panic = "abort"`: `empty` (a cortex-m-rt entry that only reads a'
  echo 'fake register) and `framer` (the same, plus `Framer<616>` fed one byte at a time from a fake'
  echo 'register with every event kept, `Expect::command`, and `CommandLine::emit` of a query and a set'
  echo 'command written to a fake register). Sizes in bytes from `llvm-size -A`; the 1,024-byte vector'
  echo 'table is its own section, the same in both, and not counted.'
  echo
  echo '| binary | .text | .rodata | .data | .bss |'
  echo '|---|---:|---:|---:|---:|'
  for b in empty framer; do
    echo "| \`$b\` | ${size[$b.text]} | ${size[$b.rodata]} | ${size[$b.data]} | ${size[$b.bss]} |"
  done
  echo "| difference | **$delta** | $(( ${size[framer.rodata]} - ${size[empty.rodata]} )) | $(( ${size[framer.data]} - ${size[empty.data]} )) | $(( ${size[framer.bss]} - ${size[empty.bss]} )) |"
  echo
  echo "Target (issue 2): at most $budget bytes of \`.text\` over \`empty\`: $verdict ($delta bytes)."
  echo 'atat, measured the same way (ANCHORS.md): digester alone +6.8 KB; ingress, URC channel and'
  echo 'serde_at +12.6 KB. `.bss` holds the framer (616-byte line buffer and counters) and a 64-byte'
  echo 'transmit buffer.'
  echo
  echo 'Largest functions of `framer` (`llvm-nm --size-sort`):'
  echo
  echo '| bytes | function |'
  echo '|---:|---|'
  "$bin/llvm-nm" -C --size-sort -S --radix=d "$dir/framer" \
    | awk '$3 ~ /^[tT]$/ { n = $2 + 0; $1 = $2 = $3 = ""; sub(/^ +/, ""); sub(/::h[0-9a-f]+$/, ""); gsub(/[$]LT[$]/, "<"); gsub(/[$]GT[$]/, ">")
                           if (n >= 32) printf "| %d | `%s` |\n", n, $0 }' | sort -t'|' -k2 -rn
  echo
  echo "- $(rustc --version)"
} >"$out"

echo "size bench: .text +$delta bytes over empty (budget $budget); table in $out"
if [ "$check" -eq 1 ] && [ "$delta" -gt "$budget" ]; then
  echo "over the flash budget of $budget bytes" >&2
  exit 1
fi
