#!/usr/bin/env python3
"""A small stand-in for cat1-sim: just enough of a WH-LTE-7S1 for the firmware's e2e test.

Used by e2e.sh while cat1-sim (crates/cat1-sim) does not build. Same command line shape:

    standin_modem.py --serial tcp:HOST:PORT [--time-scale N]

It LISTENS on HOST:PORT for one serial client (QEMU's USART1). Behaviour, after
shared/spec/protocol-notes.md:
- power-on when the client connects: banner `\\r\\nWH-LTE-7S1\\r\\n` (§2), start in the saved work mode;
- NET mode: `+++` after a guard silence -> `a`; `a` within 3 s -> `+ok`, command mode (§1);
  otherwise serial bytes go to socket A, or into a cache of 20 packets while it is down (§8);
- command mode: echo on, `AT`, queries and sets of the settings the firmware uses (pending until
  AT+S, errata #36), identity/signal queries, AT+SOCKALK?, AT+ENTM, AT+S, AT+Z; unknown commands
  `+CME ERROR:58`, a line that is not AT `ERROR` (§10);
- socket A: TCP client to numeric addresses only (no DNS here), registration packet on each link
  (REGSND=LINK, REGTP=IMEI/USER), heartbeat to the server after HEARTTM s of silence (§6),
  reconnect every SOCKRSTIM s (§7); network data is held while in command mode (§1).
Timers counted in seconds run --time-scale times faster (like cat1-sim). Not a full simulator:
no SDP, HTTPD, SMS, password AT, login.
"""
import argparse
import selectors
import socket
import sys
import time

IDENTITY = {
    "VER": "V1.1.01.000000.0000",
    "IMEI": "864333040712457",
    "ICCID": "8986003615195A571314",
    "SN": "00402420011300024522",
    "SYSINFO": "4,LTE",
}
FACTORY = {
    "WKMOD": "NET", "APN": "CMNET,,,0", "E": "ON", "STMSG": "WH-LTE-7S1",
    "SOCKAEN": "ON", "SOCKA": "TCP,test.usr.cn,2317", "SOCKASL": "LONG", "SOCKRSTIM": "10",
    "REGEN": "OFF", "REGTP": "USER", "REGDT": "7777772E7573722E636E", "REGSND": "LINK",
    "HEARTEN": "ON", "HEARTTP": "NET", "HEARTSORT": "USER", "HEARTDT": "7777772E7573722E636E",
    "HEARTTM": "30", "CACHEN": "ON",
}
GUARD = 0.05  # UARTFT: silence before +++ (s)


def log(*a):
    print("[standin]", *a, file=sys.stderr, flush=True)


class Modem:
    def __init__(self, scale):
        self.scale = scale
        self.saved = dict(FACTORY)
        self.serial = None
        self.sock = None
        self.sock_connecting = False
        self.sel = selectors.DefaultSelector()
        self.reset_state()

    # ---- power and restarts
    def reset_state(self):
        self.pending = dict(self.saved)
        self.mode = self.saved["WKMOD"]  # NET or CMD (temporary command mode: "TMP")
        self.line = b""
        self.hs = None  # deadline for the host's "a" after our "a"
        self.esc = b""  # "+" or "++" of a possible escape
        self.packet = b""  # serial data being packed (sent after UARTFT of silence)
        self.last_rx = time.monotonic()
        self.held = b""
        self.cache = []
        self.next_connect = time.monotonic()
        self.last_tx = time.monotonic()
        self.boot_at = time.monotonic() + 0.3  # boot time before the banner

    def restart(self, why):
        log("restart:", why)
        self.close_sock()
        self.reset_state()

    def secs(self, name):
        return int(self.saved.get(name, "10")) / self.scale

    # ---- serial
    def to_serial(self, data):
        if self.serial is not None:
            try:
                self.serial.sendall(data)
            except OSError:
                pass

    def from_serial(self, data):
        # QEMU's USART hands bytes over one by one: work byte-wise, with the gap before each.
        for i in range(len(data)):
            self.serial_byte(data[i:i + 1])

    def serial_byte(self, b):
        now = time.monotonic()
        silent = now - self.last_rx
        self.last_rx = now
        if self.boot_at is not None:
            return  # still booting: dropped
        if self.mode == "TMP":
            return self.cmd_byte(b)
        if self.hs is not None:  # waiting for the host's "a"
            self.hs = None
            if b == b"a":
                self.mode = "TMP"
                self.to_serial(b"+ok")
                log("command mode")
                return
            self.packet += b"+++"  # failed handshake: the bytes are data
        if self.packet and silent >= GUARD:
            packet, self.packet = self.packet, b""
            self.net_send(packet)
        if b == b"+" and (self.esc and silent < GUARD or not self.esc and not self.packet and silent >= GUARD):
            self.esc += b
            if len(self.esc) == 3:
                self.esc = b""
                self.hs = now + 3.0
                self.to_serial(b"a")
            return
        self.packet += self.esc + b
        self.esc = b""

    def cmd_byte(self, b):
        if self.pending.get("E", "ON").upper() == "ON":
            self.to_serial(b)
        if b == b"\r":
            line, self.line = self.line, b""
            self.command(line.decode("latin-1").strip("\n"))
        elif b != b"\n":
            self.line += b

    def reply(self, *lines, ok=True):
        out = b""
        for l in lines:
            out += b"\r\n" + l.encode() + b"\r\n"
        if ok:
            out += b"\r\nOK\r\n"
        self.to_serial(out)

    def command(self, line):
        log("AT<", line)
        up = line.upper()
        if not up.startswith("AT"):
            return self.reply("ERROR", ok=False)
        if up == "AT":
            return self.reply()
        if not up.startswith("AT+"):
            return self.reply("+CME ERROR:58", ok=False)
        body = line[3:]
        if "=" in body:
            name, val = body.split("=", 1)
            name = name.upper()
            if name not in FACTORY:
                return self.reply("+CME ERROR:58", ok=False)
            self.pending[name] = val
            return self.reply()
        query = body.endswith("?")
        name = body.rstrip("?").upper()
        if name in IDENTITY and query:
            return self.reply("+%s:%s" % (name, IDENTITY[name]))
        if name == "CSQ" and not query:
            return self.reply("+CSQ:27,99")
        if name == "SOCKALK" and query:
            return self.reply("+SOCKALK:%s" % ("Connected" if self.sock and not self.sock_connecting else "Disconnected"))
        if name in FACTORY and query:
            return self.reply("+%s:%s" % (name, self.pending[name]))
        if name == "ENTM" and not query:
            self.reply()
            self.mode = self.saved["WKMOD"]
            self.pending = dict(self.saved)
            log("ENTM: back to", self.mode)
            if self.held:
                held, self.held = self.held, b""
                self.to_serial(held)
            return
        if name == "S" and not query:
            self.reply()
            self.saved = dict(self.pending)
            return self.restart("AT+S")
        if name == "Z" and not query:
            self.reply()
            return self.restart("AT+Z")
        return self.reply("+CME ERROR:58", ok=False)

    # ---- socket A
    def target(self):
        if self.saved["WKMOD"] != "NET" or self.saved["SOCKAEN"].upper() != "ON":
            return None
        proto, host, port = (self.saved["SOCKA"].split(",") + ["", "", ""])[:3]
        if proto.upper() != "TCP":
            return None
        try:
            socket.inet_aton(host)
        except OSError:
            return None  # no DNS in the stand-in
        return host, int(port)

    def close_sock(self):
        if self.sock is not None:
            try:
                self.sel.unregister(self.sock)
            except (KeyError, ValueError):
                pass
            self.sock.close()
            self.sock = None
            self.next_connect = time.monotonic() + self.secs("SOCKRSTIM")

    def connect(self):
        t = self.target()
        if t is None:
            return
        s = socket.socket()
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            s.connect(t)
        except OSError as e:
            s.close()
            log("connect", t, "failed:", e)
            self.next_connect = time.monotonic() + self.secs("SOCKRSTIM")
            return
        self.sock = s
        self.sel.register(s, selectors.EVENT_READ, "net")
        log("socket A connected to", t)
        if self.saved["REGEN"].upper() == "ON" and "LINK" in self.saved["REGSND"].upper():
            tp = self.saved["REGTP"].upper()
            reg = IDENTITY.get(tp, "").encode() if tp != "USER" else bytes.fromhex(self.saved["REGDT"])
            self.raw_send(reg)
            time.sleep(0.05)  # its own packet
        while self.cache:
            self.raw_send(self.cache.pop(0))

    def raw_send(self, data):
        try:
            self.sock.sendall(data)
            self.last_tx = time.monotonic()
        except OSError:
            self.close_sock()

    def net_send(self, data):
        if self.sock is not None:
            self.raw_send(data)
        elif self.saved["CACHEN"].upper() == "ON":
            self.cache.append(data)
            del self.cache[:-20]

    def from_net(self):
        try:
            data = self.sock.recv(4096)
        except OSError:
            data = b""
        if not data:
            log("socket A closed by the server")
            self.close_sock()
            return
        if self.mode == "TMP":
            self.held += data
        else:
            self.to_serial(data)

    def tick(self):
        now = time.monotonic()
        if self.serial is None:
            return
        if self.boot_at is not None and now >= self.boot_at:
            self.boot_at = None
            self.to_serial(b"\r\n" + self.saved["STMSG"].encode() + b"\r\n")
            log("banner; mode", self.mode)
        if self.boot_at is not None:
            return
        if self.hs is not None and now > self.hs:
            self.hs = None
            self.packet += b"+++"
        if self.esc and now - self.last_rx >= GUARD:
            self.packet += self.esc  # "+" or "++" alone: data
            self.esc = b""
        if self.packet and now - self.last_rx >= GUARD:
            packet, self.packet = self.packet, b""
            self.net_send(packet)
        if self.sock is None and now >= self.next_connect and self.target():
            self.connect()
        if (self.sock is not None and self.saved["HEARTEN"].upper() == "ON"
                and self.saved["HEARTTP"].upper() == "NET"
                and now - self.last_tx >= self.secs("HEARTTM")):
            self.raw_send(bytes.fromhex(self.saved["HEARTDT"]))

    def run(self, host, port):
        lst = socket.socket()
        lst.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        lst.bind((host, port))
        lst.listen(1)
        self.sel.register(lst, selectors.EVENT_READ, "listen")
        log("listening on %s:%d" % (host, port))
        while True:
            for key, _ in self.sel.select(timeout=0.01):
                if key.data == "listen":
                    conn, _ = lst.accept()
                    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                    if self.serial is not None:
                        conn.close()
                        continue
                    self.serial = conn
                    self.sel.register(conn, selectors.EVENT_READ, "serial")
                    log("serial client connected: power on")
                    self.restart("power on")
                elif key.data == "serial":
                    data = self.serial.recv(4096)
                    if not data:
                        log("serial client gone: power off")
                        self.sel.unregister(self.serial)
                        self.serial.close()
                        self.serial = None
                        self.close_sock()
                        continue
                    self.from_serial(data)
                elif key.data == "net" and self.sock is not None:
                    self.from_net()
            self.tick()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--serial", required=True, help="tcp:HOST:PORT (listens)")
    ap.add_argument("--time-scale", type=float, default=1.0)
    a = ap.parse_args()
    kind, host, port = a.serial.split(":")
    assert kind == "tcp", "only --serial tcp:HOST:PORT"
    Modem(a.time_scale).run(host, int(port))


if __name__ == "__main__":
    main()
