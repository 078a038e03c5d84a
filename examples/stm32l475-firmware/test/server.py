#!/usr/bin/env python3
"""The e2e test's server: the far end of the modem's socket A (python3 stdlib only).

One phase per process, so e2e.sh really stops and restarts the server between them:

  server.py --port P --phase first  --state FILE [--imei IMEI]
      accept the modem's connection; check the registration packet (the IMEI: --imei if given,
      otherwise the one the firmware reports in its telemetry), at least one heartbeat `HB`,
      two telemetry lines; send `PING`, expect `PONG`; record the last telemetry seq; exit 0.
  server.py --port P --phase resume --state FILE [--imei IMEI] [--done]
      accept the reconnection; registration again; two telemetry lines with a seq above the
      previous phase's; `PING` -> `PONG`; record the last seq; with --done send `DONE` (the
      firmware then ends QEMU with its verdict); exit 0.

Any failure or a timeout exits 1 with the reason. Everything seen is printed.
"""
import argparse
import json
import re
import socket
import sys
import time

TLM = re.compile(rb"^TLM seq=(\d+) imei=(\w*) csq=(\d+) up=(\d+)$")


def say(*a):
    print("[server]", *a, flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--phase", choices=["first", "resume"], required=True)
    ap.add_argument("--state", required=True)
    ap.add_argument("--imei", default="")
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("--done", action="store_true", help="send DONE at the end")
    a = ap.parse_args()
    deadline = time.monotonic() + a.timeout

    lst = socket.socket()
    lst.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lst.bind(("127.0.0.1", a.port))
    lst.listen(1)
    say("phase", a.phase, "listening on", a.port)
    lst.settimeout(max(1, deadline - time.monotonic()))
    try:
        conn, peer = lst.accept()
    except socket.timeout:
        return fail("no connection from the modem")
    lst.close()  # one client: the modem
    conn.settimeout(0.2)
    say("connection from", peer)

    min_seq = 0
    if a.phase == "resume":
        min_seq = json.load(open(a.state))["last_seq"]

    buf = b""
    registration = None
    heartbeats = 0
    telemetry = []
    pinged = pong = False
    other = []

    def expected_imei():
        if a.imei:
            return a.imei.encode()
        return telemetry[0][1] if telemetry else None

    while time.monotonic() < deadline:
        try:
            chunk = conn.recv(4096)
            if not chunk:
                return fail("the modem closed the connection")
            buf += chunk
        except socket.timeout:
            pass
        if registration is None:
            m = re.match(rb"^(\d+)", buf)
            if m and (len(buf) > len(m.group(1)) or len(m.group(1)) >= 15):
                registration = m.group(1)
                buf = buf[len(registration):]
                say("registration packet:", registration.decode())
            elif buf and not buf[:1].isdigit():
                return fail("connection did not start with a registration packet: %r" % buf[:40])
        while registration is not None and b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            line = line.rstrip(b"\r")
            m = TLM.match(line)
            if line == b"HB":
                heartbeats += 1
                say("heartbeat", heartbeats)
            elif m:
                seq = int(m.group(1))
                telemetry.append((seq, m.group(2)))
                say("telemetry:", line.decode())
            elif line == b"PONG":
                say("PONG")
                pong = True
            elif line:
                other.append(line)
                say("other:", line)
        imei = expected_imei()
        if registration is not None and imei is not None and registration != imei:
            return fail("registration %r is not the IMEI %r" % (registration, imei))
        fresh = [s for s, _ in telemetry if s > min_seq]
        if a.phase == "first":
            ready = heartbeats >= 1 and len(telemetry) >= 2
        else:
            ready = len(fresh) >= 2
        if ready and not pinged:
            conn.sendall(b"PING\n")
            pinged = True
            say("sent PING")
        if pong:
            json.dump({"last_seq": max(s for s, _ in telemetry), "imei": registration.decode()},
                      open(a.state, "w"))
            if a.phase == "first":
                say("OK: registration, %d heartbeat(s), %d telemetry line(s), PONG" % (heartbeats, len(telemetry)))
            else:
                say("OK: reconnected, registration, telemetry resumed (seq %d..%d), PONG" % (min(fresh), max(fresh)))
            if a.done:
                conn.sendall(b"DONE\n")
                say("sent DONE")
                time.sleep(0.5)
            conn.close()
            return 0
    return fail("timeout: registration=%r heartbeats=%d telemetry=%d pinged=%s pong=%s"
                % (registration, heartbeats, len(telemetry), pinged, pong))


def fail(why):
    say("FAIL:", why)
    return 1


if __name__ == "__main__":
    sys.exit(main())
