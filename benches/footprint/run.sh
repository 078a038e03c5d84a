#!/usr/bin/env bash
# Flash and RAM of cat1-config's whole model and of the complete cat1-client on a Cortex-M4.
# Builds benches/footprint (thumbv7em-none-eabihf, opt-level "z", fat LTO, codegen-units 1,
# panic=abort); `.text` of `config` and `client` over `empty` (llvm-size -A from the toolchain's
# llvm-tools); static RAM; worst-case stack of the client exchange by stack painting under QEMU
# (mps2-an386, `client-stack`). Writes benches/results/footprint.md.
# Usage: benches/footprint/run.sh [--check]
#   --check: fail when a binary exceeds its budget in budget.txt (a regression guard, for CI).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$root/benches/results/footprint.md"
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
[ -x "$bin/llvm-size" ] || rustup component add llvm-tools >&2
command -v qemu-system-arm >/dev/null || { echo "qemu-system-arm not found" >&2; exit 1; }

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$here/target}"
(cd "$here" && cargo build --release --quiet)
dir="$CARGO_TARGET_DIR/thumbv7em-none-eabihf/release"

section() {
  "$bin/llvm-size" -A "$dir/$1" | awk -v s="$2" '$1 == s { print $2; found = 1 } END { if (!found) print 0 }'
}
declare -A size
for b in empty config client client-async; do
  for s in .text .rodata .data .bss .uninit; do size[$b$s]="$(section "$b" "$s")"; done
done

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
rc=0
timeout 120 qemu-system-arm -M mps2-an386 -icount shift=0 -nographic -monitor none -serial none \
  -semihosting-config enable=on,target=native -kernel "$dir/client-stack" >"$log" 2>&1 || rc=$?
if [ "$rc" -ne 0 ] || ! grep -q '^DONE$' "$log"; then
  echo "client-stack failed (exit $rc); output:" >&2
  cat "$log" >&2
  exit 1
fi
stack="$(awk -F'|' '$1 == "STACK" { print $2 }' "$log")"
IFS='|' read -r _ config_size modem_size receiver_size < <(grep '^SIZES|' "$log")

cfg_text=$(( ${size[config.text]} - ${size[empty.text]} ))
cli_text=$(( ${size[client.text]} - ${size[empty.text]} ))
async_text=$(( ${size[client-async.text]} - ${size[empty.text]} ))
ram() { echo $(( ${size[$1.data]} + ${size[$1.bss]} + ${size[$1.uninit]} )); }
cfg_ram="$(ram config)"; cli_ram="$(ram client)"; async_ram="$(ram client-async)"
verdict() { if [ "$1" -le "$2" ]; then echo "met"; else echo "**not met**"; fi; }

# Budgets.
declare -A budget
while read -r name text ramb stackb; do
  case "$name" in ''|'#'*) continue ;; esac
  budget[$name.text]=$text; budget[$name.ram]=$ramb; budget[$name.stack]=$stackb
done <"$here/budget.txt"
fail=0
guard() { # name what value
  local b="${budget[$1.$2]:-}"
  if [ -z "$b" ] || [ "$b" = "-" ]; then echo "no budget"; return; fi
  if [ "$3" -le "$b" ]; then echo "$3 <= $b"; else echo "**$3 > $b**"; fi
}
g_cfg_text="$(guard config text "${size[config.text]}")"
g_cli_text="$(guard client text "${size[client.text]}")"
g_cli_ram="$(guard client ram "$cli_ram")"
g_cli_stack="$(guard client stack "$stack")"
g_cfg_ram="$(guard config ram "$cfg_ram")"
g_async_text="$(guard client-async text "${size[client-async.text]}")"
g_async_ram="$(guard client-async ram "$async_ram")"
# guard runs in a subshell: an exceeded budget shows as "**" in its text.
case "$g_cfg_text$g_cli_text$g_cli_ram$g_cli_stack$g_cfg_ram$g_async_text$g_async_ram" in *"**"*) fail=1 ;; esac

{
  echo "# Footprint: cat1-config and cat1-client on a Cortex-M4"
  echo
  echo 'Written by `benches/footprint/run.sh` (method: `benches/footprint/README.md`). `thumbv7em-none-eabihf`,'
  echo 'opt-level "z", fat LTO, one codegen unit, `panic = "abort"`. Sizes in bytes from `llvm-size -A`; the'
  echo '1,024-byte vector table is its own section, the same in every binary, and not counted.'
  echo
  echo '| binary | .text | .rodata | .data | .bss + .uninit | what it holds |'
  echo '|---|---:|---:|---:|---:|---|'
  echo "| \`empty\` | ${size[empty.text]} | ${size[empty.rodata]} | ${size[empty.data]} | $(( ${size[empty.bss]} + ${size[empty.uninit]} )) | a cortex-m-rt entry reading a fake register |"
  echo "| \`config\` | ${size[config.text]} | ${size[config.rodata]} | ${size[config.data]} | $(( ${size[config.bss]} + ${size[config.uninit]} )) | the whole cat1-config model (below) |"
  echo "| \`client\` | ${size[client.text]} | ${size[client.rodata]} | ${size[client.data]} | $(( ${size[client.bss]} + ${size[client.uninit]} )) | the complete blocking client (below) |"
  echo "| \`client-async\` | ${size[client-async.text]} | ${size[client-async.rodata]} | ${size[client-async.data]} | $(( ${size[client-async.bss]} + ${size[client-async.uninit]} )) | the same on the async adapter (below) |"
  echo
  echo "## Issue 3: the whole cat1-config model"
  echo
  echo '`Config::factory` of a model chosen at run time, `apply` of a set line read from a fake register'
  echo '(validation of every command), `render_query` and `render_test` of a name read from it,'
  echo '`persist::encode` / `persist::decode` of a record, and `diff` from the factory configuration with'
  echo 'every step emitted; all output written to a fake register.'
  echo
  echo "- \`.text\` over \`empty\`: **$cfg_text** bytes. Target: at most 12 KB (12,288): $(verdict "$cfg_text" 12288)."
  echo "- \`.rodata\` (the command descriptions, \`=?\` texts, keyword tables): ${size[config.rodata]} bytes; flash in all"
  echo "  $(( cfg_text + ${size[config.rodata]} + ${size[config.data]} )) bytes over \`empty\`."
  echo "- \`size_of::<Config>()\`: **$config_size** bytes (thumbv7em). The binary keeps two (\`config\`, \`factory\`), a 3,400-byte"
  echo "  persistence record buffer and two 640-byte line buffers in static RAM: $cfg_ram bytes."
  echo
  echo "## Issue 6: the complete client"
  echo
  echo 'cat1-client'"'"'s blocking `Modem` over a UART and a millisecond clock made of fake registers: enter'
  echo 'command mode (the `AT` probe, the `+++` / `a` / `+ok` handshake), `query::<requests::Apn>` and `query::<requests::Sdpen>`,'
  echo '`set::<requests::Apn>` and `set::<requests::Sdpen>` (two types of each, as a firmware uses several), `read_value::<requests::Csq>` and `read_value::<requests::Ver>` (decoded by `info::Csq::from_info`, `info::TextInfo::from_info`), `AT+ENTM`,'
  echo '`send_on` (an SDP frame) and an `sdp::Receiver<1032>` fed with `read_data_in_place` (`src/exchange.rs`).'
  echo
  echo "- \`.text\` over \`empty\`: **$cli_text** bytes. Target: at most 6 KB (6,144): $(verdict "$cli_text" 6144). atat with its client: +13.2 KB."
  if [ "${size[client.data]}" -gt 0 ]; then rx_where='`.data`, whose initial image takes flash too'; else rx_where='`.bss`: a new receiver is all zero bytes, so no initial image in flash'; fi
  echo "- Static RAM (\`.data\` + \`.bss\` + \`.uninit\`): **$cli_ram** bytes: the \`sdp::Receiver<1032>\` ($receiver_size bytes; in"
  echo "  $rx_where)."
  echo "- Worst-case stack of the whole exchange: **$stack** bytes, by stack painting under QEMU mps2-an386"
  echo "  (\`client-stack\`: the same \`exchange\` against a scripted module, the handshake included). It includes"
  echo "  the \`Modem\` itself ($modem_size bytes: the core's 616-byte receive and transmit buffers), which the"
  echo "  binary keeps on \`main\`'s stack (the adapters read into the carry buffer inside it, in place)."
  echo
  echo "### The same on the async adapter (reported, no target of its own)"
  echo
  echo '`client-async`: the same steps (`exchange_async`, the same macro as `exchange`) on `asynch::Modem` over an'
  echo 'async UART and a `Timer` made of the same fake registers, polled by a loop with a no-op waker (an'
  echo 'executor of a few lines; embassy'"'"'s own executor is not counted). The 6 KB target above has been'
  echo 'measured on the blocking client since the first report; this is what a firmware on the async adapter pays.'
  echo
  echo "- \`.text\` over \`empty\`: **$async_text** bytes (the blocking client: $cli_text). Against 6 KB (6,144): $(verdict "$async_text" 6144). \`.rodata\` ${size[client-async.rodata]}."
  echo "- Static RAM: $async_ram bytes (the receiver). Stack: not measured (the exchange's future lives on \`main\`'s stack)."
  echo
  echo "## Budget (\`benches/footprint/budget.txt\`, checked by \`run.sh --check\` in CI)"
  echo
  echo '| binary | .text | static RAM | stack |'
  echo '|---|---|---|---|'
  echo "| \`config\` | $g_cfg_text | $g_cfg_ram | - |"
  echo "| \`client\` | $g_cli_text | $g_cli_ram | $g_cli_stack |"
  echo "| \`client-async\` | $g_async_text | $g_async_ram | - |"
  echo
  echo 'Largest functions (`llvm-nm --size-sort`, 256 bytes and more):'
  echo
  for b in config client client-async; do
    echo "\`$b\`:"
    echo
    echo '| bytes | function |'
    echo '|---:|---|'
    "$bin/llvm-nm" -C --size-sort -S --radix=d "$dir/$b" \
      | awk '$3 ~ /^[tT]$/ { n = $2 + 0; $1 = $2 = $3 = ""; sub(/^ +/, ""); sub(/::h[0-9a-f]+$/, ""); gsub(/[$]LT[$]/, "<"); gsub(/[$]GT[$]/, ">"); gsub(/[$]C[$]/, ",")
                             if (n >= 256) printf "| %d | `%s` |\n", n, $0 }' | sort -t'|' -k2 -rn
    echo
  done
  echo "- $(rustc --version)"
  echo "- $(qemu-system-arm --version | head -n1)"
} >"$out"

echo "footprint: config .text +$cfg_text (target 12288), client .text +$cli_text (target 6144), client RAM $cli_ram static + $stack stack, async client .text +$async_text; table in $out"
if [ "$check" -eq 1 ] && [ "$fail" -ne 0 ]; then
  echo "over the budget in $here/budget.txt" >&2
  exit 1
fi
