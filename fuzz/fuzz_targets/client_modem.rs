//! cat1-client's blocking `Modem` (the adapter's loops around the core: reading, carrying what
//! follows an answer, draining, waiting for a banner, the handshake's guard times) driven through
//! its public API by a fuzzer-chosen script, against a UART that answers each flush with the next
//! fuzzer-chosen bytes in fuzzer-chosen chunks, whatever was written, and a clock that moves a millisecond each
//! time it is read (so every wait ends).
//!
//! Input layout (every field is cut short when the input runs out):
//!
//! ```text
//! chunk     1 byte   the UART hands out b+1 bytes per read at most
//! ops_len   1 byte   then ops_len bytes: the script, read as a byte code (below)
//! stream    the rest: what the "module" sends, as segments (len byte, then len bytes): the
//!           first from the start, each further one when the MCU flushes what it wrote
//!
//! op  1 byte mod 17: 0 enter_command_mode, 1 enter_command_mode_without_probe,
//!     2 query::<Apn>, 3 set::<Rstim> (2 bytes LE: the value), 4 read::<Csq>, 5 test::<Apn>,
//!     6 execute::<At>, 7 command (len byte, line: CommandLine::parse), 8 leave_command_mode,
//!     9 save_and_restart, 10 login (len byte, password), 11 send_on (1 byte: socket, len byte,
//!     data), 12 read_data_in_place fed to an sdp::Receiver, 13 read_data, 14 read_config,
//!     15 apply_profile (factory WH-LTE-7S1 wanted), 16 set_echo (1 byte mod 3)
//! ```
//!
//! Checks: no panic and no hang (libFuzzer's per-input timeout); after every call the core has
//! no exchange in flight (the API never returns with one left open); counters monotone; every
//! line handed to the listener holds no line end and fits the buffer, every overflow is longer
//! than it; the listener never gets more bytes than the module sent.
#![no_main]

use std::cell::Cell;
use std::convert::Infallible;

use cat1_at_parse::{CommandLine, MAX_LINE};
use cat1_client::sdp::{Receiver, SocketId};
use cat1_client::{ClientCounters, Echo, Listener, Timing, blocking::Modem};
use cat1_config::{Config, Model, Value, requests};
use cat1_hal_traits::time::{Clock, Duration, Instant};
use libfuzzer_sys::fuzz_target;

/// A module that answers every flush with the next segment of the stream (at most `chunk` bytes a
/// read), whatever it was sent; the first segment is there from the start.
struct Uart<'a> {
    segments: Script<'a>,
    pending: Vec<u8>,
    chunk: usize,
    written: usize,
}

impl Uart<'_> {
    fn release(&mut self) {
        if let Some(segment) = self.segments.bytes() {
            self.pending.extend_from_slice(segment);
        }
    }
}

impl embedded_io::ErrorType for Uart<'_> {
    type Error = Infallible;
}

impl embedded_io::Read for Uart<'_> {
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, Infallible> {
        // embedded-io: a read blocks until at least one byte; the adapter only reads when ready.
        assert!(!self.pending.is_empty(), "read while not ready");
        let n = buf.len().min(self.chunk).min(self.pending.len());
        buf[..n].copy_from_slice(&self.pending[..n]);
        self.pending.drain(..n);
        Ok(n)
    }
}

impl embedded_io::ReadReady for Uart<'_> {
    fn read_ready(&mut self) -> Result<bool, Infallible> {
        Ok(!self.pending.is_empty())
    }
}

impl embedded_io::Write for Uart<'_> {
    fn write(&mut self, buf: &[u8]) -> Result<usize, Infallible> {
        self.written += buf.len();
        Ok(buf.len())
    }

    fn flush(&mut self) -> Result<(), Infallible> {
        self.release();
        Ok(())
    }
}

/// A clock one millisecond later at every reading.
#[derive(Default)]
struct Ticking(Cell<u64>);

impl Clock for Ticking {
    fn now(&self) -> Instant {
        let t = self.0.get();
        self.0.set(t + 1);
        Instant::from_millis(t)
    }
}

/// Checks and totals what the modem hands out as unsolicited.
#[derive(Default)]
struct Checked {
    bytes: usize,
    lines: usize,
    overflows: usize,
}

impl Listener for Checked {
    fn line(&mut self, line: &[u8]) {
        assert!(!line.is_empty() && line.len() <= MAX_LINE, "line {line:?}");
        assert!(!line.iter().any(|&b| b == b'\r' || b == b'\n'), "{line:?}");
        self.bytes += line.len();
        self.lines += 1;
    }

    fn overflow(&mut self, dropped: usize) {
        assert!(dropped > MAX_LINE, "overflow of {dropped}");
        self.overflows += 1;
    }

    fn data(&mut self, bytes: &[u8]) {
        self.bytes += bytes.len();
    }
}

/// Short waits, so one input runs quickly (every wait still ends by the clock).
const TIMING: Timing = Timing {
    command: Duration::from_millis(40),
    guard: Duration::from_millis(5),
    handshake: Duration::from_millis(20),
    probe: Duration::from_millis(10),
    restart: Duration::from_millis(60),
    settle: Duration::from_millis(8),
};

fn monotone(a: ClientCounters, b: ClientCounters) {
    assert!(b.timeouts >= a.timeouts);
    assert!(b.probes_unanswered >= a.probes_unanswered);
    assert!(b.aborted >= a.aborted);
    assert!(b.late_responses >= a.late_responses);
    assert!(b.unsolicited >= a.unsolicited);
    assert!(b.overflows >= a.overflows);
    assert!(b.bytes_dropped >= a.bytes_dropped);
}

/// What a call returned: any outcome is fine here (the checks run after every call).
fn ignore<T>(_: T) {}

struct Script<'a>(&'a [u8]);

impl<'a> Script<'a> {
    fn byte(&mut self) -> Option<u8> {
        let (&b, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(b)
    }

    fn bytes(&mut self) -> Option<&'a [u8]> {
        let n = usize::from(self.byte()?);
        if self.0.len() < n {
            return None;
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Some(head)
    }
}

fn run(data: &[u8]) -> Option<()> {
    let mut input = Script(data);
    let chunk = usize::from(input.byte()?) + 1;
    let ops = input.bytes()?;
    let stream = input.0;
    let mut uart = Uart {
        segments: Script(stream),
        pending: Vec::new(),
        chunk,
        written: 0,
    };
    uart.release();
    let mut m = Modem::new(uart, Ticking::default(), Checked::default()).with_timing(TIMING);
    let mut receiver = Receiver::<256>::new();
    let mut buf = [0u8; 64];
    let mut script = Script(ops);
    let wanted = Config::factory(Model::WhLte7s1);
    let mut scratch = Config::factory(Model::WhLte7s1);
    loop {
        let before = m.counters();
        match script.byte()? % 17 {
            0 => ignore(m.enter_command_mode()),
            1 => ignore(m.enter_command_mode_without_probe()),
            2 => ignore(m.query::<requests::Apn>(|values| {
                let _ = values.as_slice().len();
            })),
            3 => {
                let v = u16::from_le_bytes([script.byte()?, script.byte()?]);
                ignore(m.set::<requests::Rstim>(&[Value::Int(u32::from(v))]));
            }
            4 => ignore(m.read::<requests::Csq>(|line| {
                let _ = cat1_config::info::Csq::parse(line);
            })),
            5 => ignore(m.test::<requests::Apn>(|line| assert!(line.len() <= MAX_LINE))),
            6 => ignore(m.execute::<requests::At>(|_| {})),
            7 => {
                let line = script.bytes()?;
                if let Ok(command) = CommandLine::parse(line) {
                    ignore(m.command(&command, |_| {}));
                }
            }
            8 => ignore(m.leave_command_mode()),
            9 => ignore(m.save_and_restart(b"WH-LTE-7S1")),
            10 => {
                let password = script.bytes()?;
                ignore(m.login(password));
            }
            11 => {
                let socket = match script.byte()? % 4 {
                    0 => SocketId::A,
                    1 => SocketId::B,
                    2 => SocketId::C,
                    _ => SocketId::D,
                };
                let data = script.bytes()?;
                ignore(m.send_on(socket, data));
            }
            12 => {
                let Ok(bytes) = m.read_data_in_place();
                let mut rest = bytes;
                let mut calls = 0;
                while !rest.is_empty() {
                    calls += 1;
                    assert!(calls <= bytes.len() + 1, "no progress");
                    match receiver.feed(rest) {
                        cat1_at_parse::Status::Partial => break,
                        cat1_at_parse::Status::Complete(_, used) => {
                            assert!(used >= 1 && used <= rest.len());
                            rest = &rest[used..];
                        }
                    }
                }
            }
            13 => {
                let Ok(n) = m.read_data(&mut buf);
                assert!(n <= buf.len());
            }
            14 => ignore(m.read_config(&mut scratch)),
            15 => ignore(m.apply_profile(Model::WhLte7s1, &wanted, &mut scratch)),
            _ => {
                let echo = match script.byte()? % 3 {
                    0 => Echo::On,
                    1 => Echo::Off,
                    _ => Echo::Unknown,
                };
                m.core().set_echo(echo);
            }
        }
        assert!(
            !m.core().is_busy(),
            "a call returned with an exchange in flight"
        );
        monotone(before, m.counters());
        let sent = stream.len();
        let listened = m.listener().bytes;
        assert!(
            listened <= sent,
            "the listener got {listened} bytes of {sent}"
        );
    }
}

fuzz_target!(|data: &[u8]| {
    let _ = run(data);
});
