//! HTTPD work mode (protocol-notes §9): each serial packet becomes one HTTP/1.1 request to
//! `HTPSV` over a fresh TCP connection, and the response goes to serial.
//!
//! ```text
//!  serial packet ─► GET HTPURL+packet / POST body=packet ─► network (socket A, TCP)
//!  response      ─► HTPPK=ON: body only, OFF: all of it   ─► serial (or held in command mode)
//! ```
//!
//! Decisions:
//!
//! - **Socket.** The request uses the network service's socket A: NET mode's sockets are not
//!   running in HTTPD mode, so the slot is free.
//! - **One request at a time.** A serial packet that arrives while a request is in flight (or
//!   a response is held during command mode) is dropped and counted
//!   ([`crate::Event::SerialDropped`]). No queue: the module has no cache in HTTPD mode.
//! - **Request.** `GET`: the request target is `HTPURL` followed by the packet; bytes that may
//!   not appear in a request target (controls, space, DEL and non-ASCII) are percent-encoded,
//!   everything else (including `%`, so a host may pre-encode) goes as it is. `POST`: the
//!   target is `HTPURL`, the packet is the body, with `Content-Length`. Headers: `Host`
//!   (`address`, plus `:port` when not 80), then `HTPHD` with its `[HH]` escapes expanded
//!   (a CR LF is added when it does not end with one), then `Connection: close`.
//! - **Response.** Collected up to [`MAX_RESPONSE`] bytes; beyond that the rest is dropped
//!   (counted in [`HttpCounters::truncated`]). It is complete when the server closes the
//!   connection, or once the headers and `Content-Length` body bytes have arrived. The body is
//!   written as received: chunked transfer coding is not decoded (servers answer an HTTP/1.1
//!   request with `Connection: close` and a length or a close in practice).
//! - **`HTPPK`.** `ON`: only the body (after the first blank line); `OFF`: the whole response
//!   (status line, headers, blank line, body).
//! - **`HTPTIM`.** Seconds from the serial packet to the complete response (connection
//!   included), divided by the engine's timer divisor. On timeout the connection is closed and
//!   nothing is written to serial (protocol-notes §9); a refused connection or a failed send
//!   likewise writes nothing. Both are counted.
//! - **Command mode.** A response that completes while the serial line is in temporary command
//!   mode is held and written after `AT+ENTM`.

use cat1_at_parse::expand_escapes;
use cat1_config::Config;
use cat1_config::keywords::HttpMethod;
use cat1_hal_traits::net::{Endpoint, Keepalive, NetEvent, Network, Protocol, SocketId};
use cat1_hal_traits::time::{Duration, Instant};
use cat1_socket::packing::MAX_PACKET;

use crate::services::{Event, Services, Sink};

/// The largest HTTP response kept (status line, headers and body).
pub const MAX_RESPONSE: usize = 4096;

const SOCKET: SocketId = SocketId::A;
const EVENTS_PER_POLL: usize = 16;

/// Running totals of HTTPD mode. They saturate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct HttpCounters {
    /// Requests started.
    pub requests: u32,
    /// Responses written (or held) to serial.
    pub responses: u32,
    /// Requests that failed (connection refused, send failed, closed before any response).
    pub failures: u32,
    /// Requests that timed out (`HTPTIM`).
    pub timeouts: u32,
    /// Responses longer than [`MAX_RESPONSE`], cut.
    pub truncated: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Idle,
    Connecting {
        deadline: Instant,
    },
    Waiting {
        deadline: Instant,
    },
    /// A complete response, held during command mode.
    Held,
}

/// The HTTPD work mode.
#[derive(Debug)]
pub(crate) struct Httpd {
    running: bool,
    divisor: u32,
    state: State,
    request: [u8; MAX_PACKET],
    request_len: usize,
    response: [u8; MAX_RESPONSE],
    response_len: usize,
    readable: bool,
    peer_closed: bool,
    truncated: bool,
    counters: HttpCounters,
}

impl Httpd {
    pub(crate) fn new() -> Self {
        Httpd {
            running: false,
            divisor: 1,
            state: State::Idle,
            request: [0; MAX_PACKET],
            request_len: 0,
            response: [0; MAX_RESPONSE],
            response_len: 0,
            readable: false,
            peer_closed: false,
            truncated: false,
            counters: HttpCounters::default(),
        }
    }

    pub(crate) fn counters(&self) -> HttpCounters {
        self.counters
    }

    pub(crate) fn start(&mut self, divisor: u32) {
        self.running = true;
        self.divisor = divisor.max(1);
        self.state = State::Idle;
    }

    pub(crate) fn stop<S: Services>(&mut self, svc: &mut S) {
        if matches!(self.state, State::Connecting { .. } | State::Waiting { .. }) {
            let _ = svc.network().close(SOCKET);
        }
        self.state = State::Idle;
        self.running = false;
    }

    pub(crate) fn poll_at(&self) -> Option<Instant> {
        match self.state {
            State::Connecting { deadline } | State::Waiting { deadline } => Some(deadline),
            State::Idle | State::Held => None,
        }
    }

    /// A serial packet: starts a request. `false` when it cannot be taken (busy, no server).
    pub(crate) fn serial_packet<S: Services, O: Sink>(
        &mut self,
        cfg: &Config,
        packet: &[u8],
        now: Instant,
        svc: &mut S,
        out: &mut O,
    ) -> bool {
        if !self.running || self.state != State::Idle {
            return false;
        }
        let n = packet.len().min(self.request.len());
        if let (Some(dst), Some(src)) = (self.request.get_mut(..n), packet.get(..n)) {
            dst.copy_from_slice(src);
        }
        self.request_len = n;
        self.response_len = 0;
        self.readable = false;
        self.peer_closed = false;
        self.truncated = false;
        self.counters.requests = self.counters.requests.saturating_add(1);
        let Ok(host) = core::str::from_utf8(cfg.http.server_address.as_bytes()) else {
            return false;
        };
        if host.is_empty() {
            return false;
        }
        let opened = svc
            .network()
            .open(
                SOCKET,
                Protocol::Tcp,
                Endpoint {
                    host,
                    port: cfg.http.server_port,
                },
                Keepalive::default(),
            )
            .is_ok();
        if !opened {
            self.fail(svc, out);
            return true;
        }
        let secs = u64::from(cfg.http.timeout_s);
        let timeout =
            Duration::from_millis(secs.saturating_mul(1000) / u64::from(self.divisor.max(1)));
        self.state = State::Connecting {
            deadline: now.saturating_add(timeout),
        };
        out.event(Event::HttpRequest);
        true
    }

    fn fail<S: Services, O: Sink>(&mut self, svc: &mut S, out: &mut O) {
        let _ = svc.network().close(SOCKET);
        self.state = State::Idle;
        self.counters.failures = self.counters.failures.saturating_add(1);
        out.event(Event::HttpFailed);
    }

    /// Network events, the response, the timeout.
    pub(crate) fn poll<S: Services, O: Sink>(
        &mut self,
        cfg: &Config,
        now: Instant,
        svc: &mut S,
        out: &mut O,
        to_serial: bool,
    ) {
        if !self.running {
            return;
        }
        for _ in 0..EVENTS_PER_POLL {
            let Some(event) = svc.network().poll_event() else {
                break;
            };
            match event {
                NetEvent::Connected(SocketId::A) => {
                    if let State::Connecting { deadline } = self.state {
                        if send_request(cfg, self.request(), svc) {
                            self.state = State::Waiting { deadline };
                        } else {
                            self.fail(svc, out);
                        }
                    }
                }
                NetEvent::ConnectFailed(SocketId::A) => {
                    if matches!(self.state, State::Connecting { .. }) {
                        self.fail(svc, out);
                    }
                }
                NetEvent::Readable(SocketId::A) => self.readable = true,
                NetEvent::Closed(SocketId::A) => self.peer_closed = true,
                _ => {}
            }
        }
        if let State::Waiting { deadline } = self.state {
            if self.readable || self.peer_closed {
                self.read(svc);
            }
            if self.peer_closed || self.complete(cfg) {
                let _ = svc.network().close(SOCKET);
                if self.response_len == 0 {
                    self.state = State::Idle;
                    self.counters.failures = self.counters.failures.saturating_add(1);
                    out.event(Event::HttpFailed);
                    return;
                }
                if self.truncated {
                    self.counters.truncated = self.counters.truncated.saturating_add(1);
                }
                self.counters.responses = self.counters.responses.saturating_add(1);
                out.event(Event::HttpResponse {
                    len: self.response_len,
                });
                self.state = State::Held;
                if to_serial {
                    self.flush_held(cfg, out);
                }
                return;
            }
            if now >= deadline {
                self.timed_out(svc, out);
            }
        } else if let State::Connecting { deadline } = self.state {
            if now >= deadline {
                self.timed_out(svc, out);
            }
        }
    }

    fn timed_out<S: Services, O: Sink>(&mut self, svc: &mut S, out: &mut O) {
        let _ = svc.network().close(SOCKET);
        self.state = State::Idle;
        self.counters.timeouts = self.counters.timeouts.saturating_add(1);
        out.event(Event::HttpTimedOut);
    }

    fn request(&self) -> &[u8] {
        self.request.get(..self.request_len).unwrap_or(&[])
    }

    fn read<S: Services>(&mut self, svc: &mut S) {
        loop {
            let mut scratch = [0u8; 512];
            let into_response = self.response_len < self.response.len();
            let buf: &mut [u8] = if into_response {
                self.response
                    .get_mut(self.response_len..)
                    .unwrap_or(&mut [])
            } else {
                &mut scratch
            };
            match svc.network().receive(SOCKET, buf) {
                Ok(0) | Err(_) => {
                    self.readable = false;
                    return;
                }
                Ok(n) => {
                    if into_response {
                        self.response_len =
                            self.response_len.saturating_add(n).min(self.response.len());
                    } else {
                        self.truncated = true;
                    }
                }
            }
        }
    }

    /// Whether the headers and `Content-Length` body bytes are in.
    fn complete(&self, _cfg: &Config) -> bool {
        let resp = self.response.get(..self.response_len).unwrap_or(&[]);
        let Some(head_end) = header_end(resp) else {
            return false;
        };
        let Some(len) = content_length(resp.get(..head_end).unwrap_or(&[])) else {
            return false;
        };
        resp.len().saturating_sub(head_end) >= len || self.truncated
    }

    /// Writes a held response (after `AT+ENTM`, or at once).
    pub(crate) fn flush_held<O: Sink>(&mut self, cfg: &Config, out: &mut O) {
        if self.state != State::Held {
            return;
        }
        self.state = State::Idle;
        let resp = self.response.get(..self.response_len).unwrap_or(&[]);
        if cfg.http.body_only {
            // No blank line at all: the whole response is taken as headers, no body.
            let body = header_end(resp).and_then(|i| resp.get(i..)).unwrap_or(&[]);
            if !body.is_empty() {
                out.serial(body);
            }
        } else {
            out.serial(resp);
        }
    }
}

/// Where the body starts (after the first CR LF CR LF), if the headers are complete.
fn header_end(resp: &[u8]) -> Option<usize> {
    resp.windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|i| i.saturating_add(4))
}

/// The `Content-Length` of a header block, if it has one.
fn content_length(head: &[u8]) -> Option<usize> {
    for line in head.split(|&b| b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            continue;
        };
        let (name, value) = line.split_at(colon);
        if !name.eq_ignore_ascii_case(b"content-length") {
            continue;
        }
        let mut n: usize = 0;
        let mut digits = 0;
        for &b in value.get(1..).unwrap_or(&[]) {
            match b {
                b'0'..=b'9' => {
                    n = n.checked_mul(10)?.checked_add(usize::from(b - b'0'))?;
                    digits += 1;
                }
                b' ' | b'\t' => {}
                _ => return None,
            }
        }
        return (digits > 0).then_some(n);
    }
    None
}

/// Stages bytes and sends them on the socket in chunks.
struct Tx<'s, N: Network> {
    net: &'s mut N,
    buf: [u8; 256],
    len: usize,
    ok: bool,
}

impl<N: Network> Tx<'_, N> {
    fn put(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.byte(b);
        }
    }

    fn byte(&mut self, b: u8) {
        if self.len >= self.buf.len() {
            self.flush();
        }
        if let Some(slot) = self.buf.get_mut(self.len) {
            *slot = b;
            self.len = self.len.saturating_add(1);
        }
    }

    fn number(&mut self, n: usize) {
        let mut digits = [0u8; 20];
        let mut i = digits.len();
        let mut v = n;
        loop {
            i = i.saturating_sub(1);
            if let Some(d) = digits.get_mut(i) {
                // `v % 10` is below 10.
                *d = b'0'.saturating_add(u8::try_from(v % 10).unwrap_or(0));
            }
            v /= 10;
            if v == 0 || i == 0 {
                break;
            }
        }
        self.put(digits.get(i..).unwrap_or(&[]));
    }

    fn flush(&mut self) {
        if self.len > 0 && self.ok {
            let chunk = self.buf.get(..self.len).unwrap_or(&[]);
            self.ok = self.net.send(SOCKET, chunk).is_ok();
        }
        self.len = 0;
    }
}

/// Sends the whole request; `false` when a send failed.
fn send_request<S: Services>(cfg: &Config, packet: &[u8], svc: &mut S) -> bool {
    let http = &cfg.http;
    let mut tx = Tx {
        net: svc.network(),
        buf: [0; 256],
        len: 0,
        ok: true,
    };
    let post = http.method == HttpMethod::Post;
    tx.put(if post { b"POST " } else { b"GET " });
    let mut url = [0u8; 100];
    let n = expand_escapes(http.url.as_bytes(), &mut url).unwrap_or(0);
    let url = url.get(..n).unwrap_or(&[]);
    if url.first() != Some(&b'/') {
        tx.put(b"/");
    }
    tx.put(url);
    if !post {
        for &b in packet {
            if b <= b' ' || b >= 0x7f {
                const HEX: &[u8; 16] = b"0123456789ABCDEF";
                tx.byte(b'%');
                tx.byte(HEX.get(usize::from(b >> 4)).copied().unwrap_or(b'0'));
                tx.byte(HEX.get(usize::from(b & 0xf)).copied().unwrap_or(b'0'));
            } else {
                tx.byte(b);
            }
        }
    }
    tx.put(b" HTTP/1.1\r\nHost: ");
    tx.put(http.server_address.as_bytes());
    if http.server_port != 80 {
        tx.put(b":");
        tx.number(usize::from(http.server_port));
    }
    tx.put(b"\r\n");
    let mut header = [0u8; 200];
    let n = expand_escapes(http.header.as_bytes(), &mut header).unwrap_or(0);
    let header = header.get(..n).unwrap_or(&[]);
    if !header.is_empty() {
        tx.put(header);
        if !header.ends_with(b"\r\n") {
            tx.put(b"\r\n");
        }
    }
    if post {
        tx.put(b"Content-Length: ");
        tx.number(packet.len());
        tx.put(b"\r\n");
    }
    tx.put(b"Connection: close\r\n\r\n");
    if post {
        tx.put(packet);
    }
    tx.flush();
    tx.ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_length_and_header_end() {
        let r = b"HTTP/1.1 200 OK\r\ncontent-LENGTH: 12\r\nX: y\r\n\r\nhello";
        let end = header_end(r).unwrap();
        assert_eq!(&r[end..], b"hello");
        assert_eq!(content_length(&r[..end]), Some(12));
        assert_eq!(content_length(b"HTTP/1.1 200 OK\r\n\r\n"), None);
        assert_eq!(content_length(b"Content-Length: x\r\n"), None);
    }
}
