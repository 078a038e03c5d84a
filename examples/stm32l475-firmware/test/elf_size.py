#!/usr/bin/env python3
"""Berkeley-style sizes of an ELF32 firmware image (python3 stdlib only, like `size -B`):
text = allocated read-only sections (vector table, code, rodata), data = allocated writable
PROGBITS (initialised RAM, also stored in flash), bss = allocated writable NOBITS (zeroed RAM).
Prints `text data bss` on one line."""
import struct
import sys

SHF_WRITE, SHF_ALLOC, SHT_NOBITS = 0x1, 0x2, 8


def sizes(path):
    b = open(path, "rb").read()
    assert b[:4] == b"\x7fELF" and b[4] == 1, "not an ELF32 file"
    shoff, = struct.unpack_from("<I", b, 0x20)
    shentsize, shnum = struct.unpack_from("<HH", b, 0x2E)
    text = data = bss = 0
    for i in range(shnum):
        _, sh_type, flags, _, _, size = struct.unpack_from("<IIIIII", b, shoff + i * shentsize)
        if not flags & SHF_ALLOC:
            continue
        if not flags & SHF_WRITE:
            text += size
        elif sh_type == SHT_NOBITS:
            bss += size
        else:
            data += size
    return text, data, bss


if __name__ == "__main__":
    print(*sizes(sys.argv[1]))
