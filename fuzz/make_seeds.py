#!/usr/bin/env python3
"""Writes the seed corpora fuzz/seeds/<target>/ and the dictionary fuzz/at.dict.

Sources (both in the repository, so this runs without ../shared):
- crates/cat1-at-parse/tests/vectors/manual.vectors: the manual's 212 examples ('send:' lines,
  'name:' lines, 'recv:' response lines);
- benches/corpus.rs: the benchmark corpus (the same responses as they arrive on the wire, plus the
  ANCHORS.md cases with spaces, echo and several information lines).

Seed formats (see the header of each fuzz target and fuzz/README.md):
- command_line:  the raw line, e.g. b"AT+APN=CMNET,,,0\\r".
- framer_chunks: kind (bit 7: multi_line), [sent_len, sent, name_len, name], chunk count,
                 chunk sizes, stream.
- client_core:   a byte-code script (see fuzz_targets/client_core.rs): starts, receives, time.
- client_modem:  chunk, op script, the module's segments (see fuzz_targets/client_modem.rs).
- round_trip:    the byte layout `arbitrary` 1.x reads for the `Input` type of round_trip.rs
                 (enum variants as a little-endian u32 d with (d * count) >> 32 = index, bool as
                 one byte, u16 little-endian, byte strings as one length byte then the bytes).

Usage: python3 fuzz/make_seeds.py   (rewrites fuzz/seeds/* and fuzz/at.dict)
"""
import hashlib
import pathlib
import re
import struct

FUZZ = pathlib.Path(__file__).resolve().parent
ROOT = FUZZ.parent
VECTORS = ROOT / "crates/cat1-at-parse/tests/vectors/manual.vectors"
CORPUS = ROOT / "benches/corpus.rs"
SEEDS = FUZZ / "seeds"
PASSWORD = b"usr.cn#"


def blocks():
    """The manual's examples: dicts with send, name, recv (list of lines)."""
    block = None
    for line in VECTORS.read_text().splitlines():
        if line.startswith("== "):
            if block:
                yield block
            block = {"label": line[3:], "recv": []}
        elif block is None:
            continue
        elif line.startswith("send: "):
            block["send"] = line[6:].encode()
        elif line.startswith("name:"):
            block["name"] = line[5:].strip().encode()
        elif line.startswith("recv: "):
            block["recv"].append(line[6:].encode())
    if block:
        yield block


def rust_bytes(lit: str) -> bytes:
    """Decodes the body of a Rust byte-string literal (escapes \\r \\n \\t \\" \\\\ \\0 \\xNN)."""
    out = bytearray()
    i = 0
    while i < len(lit):
        c = lit[i]
        if c != "\\":
            out += c.encode()
            i += 1
            continue
        e = lit[i + 1]
        if e == "x":
            out.append(int(lit[i + 2 : i + 4], 16))
            i += 4
            continue
        out.append({"r": 13, "n": 10, "t": 9, '"': 34, "\\": 92, "0": 0, "'": 39}[e])
        i += 2
    return bytes(out)


CASE = re.compile(
    r'Case \{ label: "(?P<label>(?:[^"\\]|\\.)*)", name: b"(?P<name>(?:[^"\\]|\\.)*)", '
    r'sent: b"(?P<sent>(?:[^"\\]|\\.)*)", response: b"(?P<response>(?:[^"\\]|\\.)*)" \}'
)


def corpus_cases():
    """The benchmark corpus: (label, name, sent, response) with bytes decoded."""
    text = CORPUS.read_text()
    for m in CASE.finditer(text):
        yield (
            m["label"],
            rust_bytes(m["name"]),
            rust_bytes(m["sent"]),
            rust_bytes(m["response"]),
        )


def write(target: str, seeds):
    d = SEEDS / target
    d.mkdir(parents=True, exist_ok=True)
    for old in d.iterdir():
        old.unlink()
    unique = {}
    for s in seeds:
        unique[hashlib.sha1(s).hexdigest()] = s
    for name, s in sorted(unique.items()):
        (d / name).write_bytes(s)
    return len(unique)


# ---- command_line ---------------------------------------------------------------------------

def command_line_seeds(examples):
    seeds = []
    for i, b in enumerate(examples):
        send = b["send"]
        ending = [b"\r", b"\r\n", b"\n", b""][i % 4]
        seeds.append(send + ending)
        if i % 10 == 0:
            seeds.append(PASSWORD + send + b"\r")
        if i % 10 == 5 and send.startswith(b"AT"):
            seeds.append(b"at" + send[2:] + b"\r")
    seeds += [
        b"\r\n",
        b"\r",
        b"+++AT\r",
        b"+++",
        b"AT+\r",
        b"ATE0\r",
        b"AT+CSQ?x\r",
        b"AT+CSQ \r",
        b"AT+E=1\rAT\r",
        b"At+CSQ\r",
        b"hello\r",
        b"usr.cn#hello\r",
        b"wrong#AT+VER\r",
        b"AT+" + b"A" * 40 + b"\r",
        b"AT+STMSG=?\r",
        b"AT+STMSG=\r",
        b"AT+SOCKA=TCP,\"test.usr.cn\",2317\r",
        b"AT+HTPHD=Accept:text/html[0D][0A]\r",
        b"AT+REGDT=" + b"7777772E7573722E636E" * 4 + b"\r",
        b"\x00\xff\r",
    ]
    return seeds


# ---- framer_chunks --------------------------------------------------------------------------

def framer_seed(kind, stream, sent=b"", name=None, chunks=()):
    out = bytearray([kind])
    if kind & 0x7F in (1, 2):
        out += bytes([len(sent)]) + sent
        if name is None:
            out += bytes([255])
        else:
            out += bytes([len(name)]) + name
    out += bytes([len(chunks)]) + bytes(chunks)
    out += stream
    return bytes(out)


def framer_seeds(cases):
    chunkings = [(), (0,), (15,), (63,), (2, 0, 6), (255,), (1, 30)]
    seeds = []
    for i, (label, name, sent, response) in enumerate(cases):
        chunks = chunkings[i % len(chunkings)]
        line = sent + b"\r"
        if response.startswith(sent):
            # Already carries the echo: require it.
            seeds.append(framer_seed(2, response, line, name, chunks))
        elif i % 3 == 0:
            seeds.append(framer_seed(2, line + response, line, name, chunks))
        elif i % 3 == 1:
            seeds.append(framer_seed(1, response, line, None, chunks))
        else:
            seeds.append(framer_seed(1, response, line, name, chunks))
    csq = b"AT+CSQ\r"
    seeds += [
        framer_seed(0, b"\r\nWH-LTE-7S1\r\n\r\nOK\r\n"),
        framer_seed(3, b"a"),
        framer_seed(3, b"\r\na+ok"),
        framer_seed(3, b"xa\r\na", chunks=(0,)),
        framer_seed(4, b"+ok"),
        framer_seed(4, b"\r\n+OK\r\n", chunks=(0,)),
        framer_seed(4, b"+oX\r\n+ok"),
        framer_seed(1, b"\r\n+CSQ:27,99\r\n\r\n+NEWSMS:1\r\n\r\nOK\r\n", csq, b"CSQ"),
        framer_seed(1, b"\r\n+CSQ: 27,99\r\n\r\n+CME ERROR: 10\r\n", csq, b"CSQ", (3,)),
        framer_seed(1, b"\r\n+CSQ:27,99\r\n\r\nO", csq, b"CSQ"),
        framer_seed(1, b"\r\n" + b"X" * 200 + b"\r\nOK\r\n", csq, b"CSQ", (63,)),
        framer_seed(1, b"\r\r\r\n\n\n\r\n" * 8 + b"OK\r", csq, b"CSQ", (0,)),
        framer_seed(1, b"\x00\xff\x00\r\nOK\r\n", csq, b"CSQ"),
        framer_seed(1, b"\r\n+SOCKA:\"OK\",2317\r\n\r\nOK\r\n", b"AT+SOCKA?\r", b"SOCKA"),
        framer_seed(2, b"\r\nOK\r\nAT+CSQ\r\r\n+CSQ:27,99\r\n\r\nOK\r\n", csq, b"CSQ"),
        framer_seed(0, b"+++AT\r\nOK\r\n"),
        framer_seed(0x81, b"\r\n+CSQ:27,99\r\nheartbeat\r\n\r\nOK\r\n", csq, b"CSQ", (4,)),
        framer_seed(0x82, b"AT+CSQ\r\r\n+CSQ:27,99\r\n+CSQ:1\r\nx\r\nOK\r\n", csq, b"CSQ"),
    ]
    return seeds


# ---- client_core ----------------------------------------------------------------------------

def client_ops_receive(data, chunk):
    """Op 8: `data` received `chunk` bytes per call (split in receives of at most 255 bytes)."""
    out = bytearray()
    for i in range(0, len(data), 255):
        piece = data[i : i + 255]
        out += bytes([8, chunk - 1, len(piece)]) + piece
    return bytes(out)


def client_ops_start_raw(line):
    return bytes([0, len(line)]) + line


def client_ops_advance(ms):
    return bytes([9]) + ms.to_bytes(2, "little")


def client_core_seeds(cases):
    """Scripts of several corpus cycles each (raw start, answer in varied chunks, a little time),
    echo on and off, plus the handshake, a timeout with its late answer, and aborts."""
    seeds = []
    chunkings = [1, 3, 16, 64, 255]
    group = 6
    for start in range(0, len(cases), group):
        for echo in (0, 1):
            script = bytearray([6, echo])
            for i, (label, name, sent, response) in enumerate(cases[start : start + group]):
                if len(sent) > 255:
                    continue
                if echo == 0 and not response.startswith(sent):
                    response = sent + b"\r" + response
                script += client_ops_start_raw(sent)
                script += client_ops_receive(response, chunkings[(start + i) % len(chunkings)])
                script += client_ops_advance(10)
            seeds.append(bytes(script))
    csq = b"AT+CSQ"
    seeds += [
        bytes([3]) + client_ops_receive(b"a", 1) + bytes([4]) + client_ops_receive(b"+ok", 1),
        bytes([3]) + client_ops_advance(600) + bytes([3]) + client_ops_receive(b"\r\na", 2),
        bytes([6, 1]) + client_ops_start_raw(csq) + client_ops_advance(600)
        + client_ops_receive(b"\r\n+CSQ: 27,99\r\n\r\nOK\r\n", 4) + bytes([7])
        + client_ops_start_raw(csq) + client_ops_receive(b"\r\nOK\r\n", 1),
        bytes([6, 0]) + client_ops_start_raw(csq) + client_ops_advance(600)
        + client_ops_start_raw(csq)
        + client_ops_receive(b"\r\nOK\r\nAT+CSQ\r\r\n+CSQ: 27,99\r\n\r\nOK\r\n", 5),
        bytes([2, 2]) + client_ops_receive(b"\r\n+APN: cmnet,,,0\r\n\r\nOK\r\n", 1)
        + bytes([2, 3, 5, 2, 1]) + client_ops_receive(b"\r\n" + b"X" * 200 + b"\r\nOK\r\n", 7),
        bytes([1, 12]) + b"AT+RSTIM=60\r" + client_ops_receive(b"\r\nERROR\r\n", 2),
        client_ops_receive(b"\r\nWH-LTE-7S1\r\n\r\n+CME ERROR: 10\r\n", 3),
        # A line sent that reads like an answer: its echo is not the result (byte by byte too).
        client_ops_start_raw(b"OK") + client_ops_receive(b"OK\r\nOK\r\n", 8),
        bytes([6, 0]) + client_ops_start_raw(b"OK") + client_ops_receive(b"OK\r\r\nOK\r\n", 1),
        bytes([6, 0]) + client_ops_start_raw(b"AT") + client_ops_receive(b"AT\r\r\nOK\r\n", 1),
        bytes([6, 2]) + client_ops_start_raw(b"ERROR") + client_ops_receive(b"ERROR\r\nERROR\r\n", 2),
    ]
    return seeds


# ---- client_modem ---------------------------------------------------------------------------

def modem_seed(chunk, ops, segments):
    """chunk (b+1 bytes a read), the op script, then the module's segments (first at once, one
    more at every flush)."""
    assert len(ops) < 256
    out = bytearray([chunk - 1, len(ops)]) + bytes(ops)
    for seg in segments:
        assert len(seg) < 256
        out += bytes([len(seg)]) + seg
    return bytes(out)


def client_modem_seeds(cases):
    seeds = []
    group = 6
    chunkings = [1, 7, 64, 256]
    for start in range(0, len(cases), group):
        ops = bytearray()
        segments = [b""]
        for label, name, sent, response in cases[start : start + group]:
            if len(sent) > 200 or len(ops) + len(sent) + 2 > 255:
                continue
            answer = response if response.startswith(sent) else sent + b"\r" + response
            ops += bytes([7, len(sent)]) + sent
            segments.append(answer[:255])
        seeds.append(modem_seed(chunkings[(start // group) % len(chunkings)], ops, segments))
    csq = b"\r\n+CSQ: 27,99\r\n\r\nOK\r\n"
    seeds += [
        modem_seed(3, [4], [b"", b"AT+CSQ\r" + csq]),
        modem_seed(1, [0], [b"", b"AT\r\r\nOK\r\n"]),
        modem_seed(2, [1], [b"", b"a", b"+ok", b"\r\nOK\r\n"]),
        modem_seed(5, [0], [b"", b"", b"a", b"+ok", b"AT\r\r\nOK\r\n"]),
        modem_seed(64, [16, 1, 2], [b"", b"\r\n+APN: cmnet,,,0\r\n\r\nOK\r\n"]),
        modem_seed(4, [3, 60, 0], [b"", b"AT+RSTIM=60\r\r\nOK\r\n"]),
        modem_seed(9, [9], [b"", b"AT+S\r\r\nOK\r\n\r\nWH-LTE-7S1\r\n"]),
        modem_seed(2, [4, 4], [b"", b"", csq + b"AT+CSQ\r" + csq]),
        modem_seed(16, [8, 13, 12, 12], [b"", b"AT+ENTM\r\r\nOK\r\nhello"]),
        modem_seed(1, [10, 3] + list(b"usr") + [16, 1, 5], [b"\r\nWH-LTE-7S1\r\n", b"\r\n+CME ERROR: 73\r\n", b"\r\nOK\r\n"]),
    ]
    return seeds


# ---- round_trip -----------------------------------------------------------------------------

def variant(index, count):
    """The little-endian u32 that derive(Arbitrary) maps to variant `index` of `count`."""
    d = (index * 2**32 + count - 1) // count
    assert (d * count) >> 32 == index
    return struct.pack("<I", d)


def rt_bytes(b):
    b = b[:255]
    return bytes([len(b)]) + b


def rt_text(b, keep_line_ends=False):
    return bytes([1 if keep_line_ends else 0]) + rt_bytes(b)


def rt_name(b, raw=True):
    return bytes([1 if raw else 0]) + rt_bytes(b)


FORMS = ["bare", "execute", "query", "test", "set"]
RESPONSES = ["ok", "error", "cme", "info", "banner", "handshake_a", "handshake_ok"]


def rt_command(send, password=None):
    out = bytearray()
    out += b"\x01" + rt_text(password) if password else b"\x00"
    body = send[2:] if send[:2] in (b"AT", b"at") else send
    if body == b"":
        return bytes(out + rt_name(b"") + variant(0, 5))
    body = body[1:]  # '+'
    m = re.match(rb"([A-Za-z0-9]*)(.*)$", body, re.S)
    name, rest = m[1], m[2]
    out += rt_name(name)
    if rest == b"":
        out += variant(1, 5)
    elif rest == b"?":
        out += variant(2, 5)
    elif rest == b"=?":
        out += variant(3, 5)
    else:
        out += variant(4, 5) + rt_text(rest[1:])
    return bytes(out)


def rt_response(recv, name):
    if recv == [b"OK"] or not recv:
        return variant(0, 7)
    if recv == [b"ERROR"]:
        return variant(1, 7)
    m = re.match(rb"\+CME ERROR: ?(\d+)$", recv[0])
    if m:
        return variant(2, 7) + struct.pack("<H", int(m[1]) & 0xFFFF)
    m = re.match(rb"\+([A-Za-z0-9]+):(.*)$", recv[0], re.S)
    if m:
        more = [l for l in recv[1:-1] if not l.startswith(b"+")][:7]
        out = variant(3, 7) + rt_name(m[1]) + rt_text(m[2]) + bytes([len(more)])
        for l in more:
            out += rt_text(l)
        return out
    return variant(4, 7) + rt_text(recv[0])


def round_trip_seeds(examples):
    seeds = []
    for i, b in enumerate(examples):
        password = PASSWORD if i % 9 == 0 else None
        echo = b"\x01" if i % 2 == 0 else b"\x00"
        chunk = bytes([[255, 0, 15, 63][i % 4]])
        multi = b"\x01" if b["name"] in (b"LBSN", b"SYSINFO") or i % 5 == 0 else b"\x00"
        seeds.append(
            rt_command(b["send"], password) + rt_response(b["recv"], b["name"]) + echo + multi + chunk
        )
    csq = rt_command(b"AT+CSQ")
    seeds += [
        csq + variant(4, 7) + rt_text(b"WH-LTE-7S1") + b"\x00\x00\xff",
        csq + variant(5, 7) + b"\x01\x00\x00",
        csq + variant(6, 7) + b"\x00\x00\x00",
        csq + variant(2, 7) + struct.pack("<H", 65535) + b"\x00\x00\x00",
        rt_command(b"AT+STMSG=?") + variant(0, 7) + b"\x01\x00\x00",
        rt_command(b"AT+STMSG") + variant(3, 7) + rt_name(b"STMSG") + rt_text(b"  x")
        + b"\x00\x01\x00\x00",
        rt_command(b"AT+CSQ") + variant(3, 7) + rt_name(b"CSQ") + rt_text(b"27,99")
        + b"\x01" + rt_text(b"heartbeat") + b"\x01\x00\x00",
    ]
    return seeds


# ---- dictionary -----------------------------------------------------------------------------

def dict_escape(b: bytes) -> str:
    out = []
    for c in b:
        if c == 0x22 or c == 0x5C or c < 0x20 or c >= 0x7F:
            out.append(f"\\x{c:02X}")
        else:
            out.append(chr(c))
    return '"' + "".join(out) + '"'


def dictionary(examples):
    tokens = [
        b"AT", b"at", b"AT+", b"at+", b"=?", b"?", b"=", b"OK", b"ERROR", b"+CME ERROR:",
        b"+CME ERROR: ", b"\r\n", b"\r", b"\n", b"\r\n\r\nOK\r\n", b"+++", b"+ok", b"+OK", b"a",
        b"[0D]", b"[0A]", b"[2C]", b"[3D]", b"ON", b"OFF", b"TCP", b"UDP", b"usr.cn#",
        b'"', b",", b",,", b'","', b":", b": ", b"NONE", b"NET", b"CMD", b"58", b"65535",
        b"WH-LTE-7S1",
    ]
    names = sorted({b["name"] for b in examples if b["name"]})
    for n in names:
        tokens += [b"AT+" + n, b"+" + n + b":"]
    lines = ["# AT tokens for the cat1 fuzz targets; written by fuzz/make_seeds.py."]
    seen = set()
    for i, t in enumerate(tokens):
        if t in seen:
            continue
        seen.add(t)
        lines.append(f"kw{i}={dict_escape(t)}")
    (FUZZ / "at.dict").write_text("\n".join(lines) + "\n")
    return len(seen)


def main():
    examples = list(blocks())
    cases = list(corpus_cases())
    assert len(examples) >= 200, f"only {len(examples)} examples in {VECTORS}"
    assert len(cases) >= 200, f"only {len(cases)} cases in {CORPUS}"
    counts = {
        "command_line": write("command_line", command_line_seeds(examples)),
        "framer_chunks": write("framer_chunks", framer_seeds(cases)),
        "round_trip": write("round_trip", round_trip_seeds(examples)),
        "client_core": write("client_core", client_core_seeds(cases)),
        "client_modem": write("client_modem", client_modem_seeds(cases)),
    }
    n = dictionary(examples)
    for t, c in counts.items():
        print(f"seeds/{t}: {c} files")
    print(f"at.dict: {n} tokens")


if __name__ == "__main__":
    main()
