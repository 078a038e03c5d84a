#!/usr/bin/env python3
"""Instruction profile from a QEMU exec trace (one instruction per TB): counts per function, then
the hottest instructions with their disassembly. Usage: profile.py TRACE ELF [TOP]"""
import bisect, collections, re, subprocess, sys, os

trace, elf = sys.argv[1], sys.argv[2]
top = int(sys.argv[3]) if len(sys.argv) > 3 else 60
tools = os.path.join(subprocess.check_output(["rustc", "--print", "sysroot"], text=True).strip(),
                     "lib/rustlib/x86_64-unknown-linux-gnu/bin")
pcs = collections.Counter()
pat = re.compile(r"\[[0-9a-f]+/([0-9a-f]+)/")
with open(trace) as f:
    for line in f:
        m = pat.search(line)
        if m:
            pcs[int(m.group(1), 16)] += 1
syms = []
for line in subprocess.check_output([f"{tools}/llvm-nm", "-C", "-n", elf], text=True).splitlines():
    parts = line.split(None, 2)
    if len(parts) == 3 and parts[1] in "tT":
        syms.append((int(parts[0], 16) & ~1, parts[2]))
addrs = [a for a, _ in syms]
def sym(pc):
    i = bisect.bisect_right(addrs, pc) - 1
    return syms[i][1] if i >= 0 else "?"
per_fn = collections.Counter()
for pc, n in pcs.items():
    per_fn[sym(pc)] += n
total = sum(pcs.values())
print(f"total {total} instructions")
for name, n in per_fn.most_common(25):
    print(f"{n:10d} {100*n/total:5.1f}%  {name[:110]}")
dis = {}
for line in subprocess.check_output([f"{tools}/llvm-objdump", "-d", "--no-show-raw-insn", elf],
                                    text=True).splitlines():
    m = re.match(r"\s*([0-9a-f]+):\s+(.*)", line)
    if m:
        dis[int(m.group(1), 16)] = m.group(2)
print("\nhottest instructions in address order:")
hot = sorted(pc for pc, _ in pcs.most_common(top))
for pc in hot:
    print(f"{pcs[pc]:8d} {pc:08x} {dis.get(pc, '?'):40s} {sym(pc)[:60]}")

# PROFILE_FUNC=substring: the whole listing of the matching functions, each line with its count.
want = os.environ.get("PROFILE_FUNC")
if want:
    for pc in sorted(dis):
        if want in sym(pc):
            print(f"{pcs.get(pc, 0):8d} {pc:08x} {dis[pc][:70]}")
