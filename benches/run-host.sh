#!/usr/bin/env bash
# Runs the host benches (criterion: cat1 beside atat 0.25 and at-commands 0.5, on the corpus of
# benches/corpus.rs) and writes benches/results/host.md from criterion's estimates.
#
#   benches/run-host.sh            # the whole run, a few minutes on 2 cores
#   benches/run-host.sh "CGDCONT"  # extra arguments go to criterion (a filter); the table then
#                                  # mixes fresh and earlier estimates
#
# Honors CARGO_TARGET_DIR and CRITERION_HOME. Needs python3 (stdlib only).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here/.."

cargo bench -p cat1-benches --bench framing -- "$@"

target_dir="$(cargo metadata --format-version 1 --no-deps |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
criterion_dir="${CRITERION_HOME:-$target_dir/criterion}"

agreement="$(mktemp)"
trap 'rm -f "$agreement"' EXIT
cargo run -q --release -p cat1-benches --bin agreement >"$agreement"

machine="$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(uname -sm)"
rustc_version="$(rustc -V)"

python3 - "$criterion_dir" "$here/results/host.md" "$agreement" "$machine" "$rustc_version" <<'PY'
import datetime
import json
import pathlib
import re
import sys

criterion_dir, out_path, agreement_path, machine, rustc = sys.argv[1:6]
root = pathlib.Path(criterion_dir)

COLUMNS = [
    ("cat1", "cat1"),
    ("atat-digest", "atat digest"),
    ("atat-ingress", "atat ingress"),
    ("at-commands", "at-commands"),
]
FED = ["1", "16", "64", "all"]
GROUP_ORDER = [
    "anchors CSQ",
    "anchors CSQ with echo",
    "anchors CME ERROR",
    "anchors CGDCONT",
]

results = {}  # (group, function, fed) -> (ns per iteration, bytes per iteration)
for bench in root.glob("**/new/benchmark.json"):
    meta = json.loads(bench.read_text())
    if meta.get("function_id") not in dict(COLUMNS):
        continue
    estimates = json.loads((bench.parent / "estimates.json").read_text())
    ns = estimates["median"]["point_estimate"]
    nbytes = (meta.get("throughput") or {}).get("Bytes")
    results[(meta["group_id"], meta["function_id"], meta["value_str"])] = (ns, nbytes)

groups = sorted(
    {g for g, _, _ in results},
    key=lambda g: (GROUP_ORDER.index(g) if g in GROUP_ORDER else len(GROUP_ORDER), g),
)
if not groups:
    sys.exit(f"no cat1-benches estimates under {root}")


def responses(group):
    m = re.search(r"\((\d+) responses\)", group)
    return int(m.group(1)) if m else 1


def cell(group, function, fed):
    r = results.get((group, function, fed))
    if r is None:
        return "n/a" if function == "at-commands" else "?"
    ns, nbytes = r
    per_response = ns / responses(group)
    per_byte = ns / nbytes if nbytes else float("nan")
    return f"{per_response:,.0f} ({per_byte:.2f})"


lines = []
w = lines.append
w("# Host benchmarks: cat1 beside atat and at-commands")
w("")
w("Written by `benches/run-host.sh` (criterion, `benches/benches/framing.rs`); do not edit by hand.")
w("")
w(f"- Machine: {machine}; {rustc}; `cargo bench` profile (opt-level 3).")
w("  The machine is shared with other builds, so the figures are **indicative**: compare")
w("  columns within one run, not runs with each other. Instruction counts that do not depend on")
w("  the load come from the Cortex-M4 QEMU bench.")
w(f"- Run: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC. Each figure is criterion's median of 20 samples")
w("  (0.5 s warm-up, 1 s measurement).")
w("- Peers: atat 0.25 (`AtDigester`, and `Ingress` with its response slot and URC channel,")
w("  fed through `write_buf()` + `try_advance()`), at-commands 0.5 (`CommandParser`).")
w("- Each cell: **ns per response (ns per byte)**. `fed` is how many bytes each call gets.")
w("- cat1: `Framer` + `Expect` for the command sent, every event consumed, information")
w("  parameters split on commas and parsed as integers.")
w("- atat digest: the digester over a plain buffer (append, digest, drop what it swallowed);")
w("  atat ingress: what a firmware wires (buffer, digester, response slot, URC channel).")
w("- at-commands does no framing: it only runs on the complete response, with a parser chain")
w("  that must know the response's shape (echo, number of lines, prefixes); it takes each line's")
w("  text but does not split parameters. Hence `n/a` when fed in pieces.")
w("- The manual row is all 212 manual responses per iteration, divided by 212. atat's manual")
w("  rows fed 1 and 16 bytes at a time include the responses it misframes (see below).")
w("")
w("| case | bytes | fed | cat1 | atat digest | atat ingress | at-commands | atat ingress ÷ cat1 |")
w("|---|---:|---:|---:|---:|---:|---:|---:|")
for group in groups:
    nbytes = next((b for (g, _, _), (_, b) in results.items() if g == group and b), None)
    size = f"{nbytes / responses(group):.0f}" if responses(group) > 1 else f"{nbytes}"
    if responses(group) > 1:
        size = f"{size} avg"
    for fed in FED:
        cells = [cell(group, f, fed) for f, _ in COLUMNS]
        ours = results.get((group, "cat1", fed))
        theirs = results.get((group, "atat-ingress", fed))
        ratio = f"{theirs[0] / ours[0]:.1f}×" if ours and theirs else ""
        w(f"| {group} | {size} | {fed} | " + " | ".join(cells) + f" | {ratio} |")
w("")
w("## Do they agree?")
w("")
w("From `cargo run -p cat1-benches --bin agreement` (the same checks are pinned in")
w("`benches/tests/agreement.rs`).")
w("")
w(pathlib.Path(agreement_path).read_text().rstrip())
w("")
pathlib.Path(out_path).write_text("\n".join(lines))
print(f"wrote {out_path}")
PY
