//! cat1-client's `Modem`, blocking and async, each on the same input (the adapters' loops
//! around the core: reading, carrying what follows an answer, draining, waiting for a banner, the
//! handshake's guard times) driven through its public API by a fuzzer-chosen script, against a
//! UART that answers each flush with the next fuzzer-chosen bytes in fuzzer-chosen chunks,
//! whatever was written, and a clock that moves a millisecond each time it is read and each time
//! a wait is polled (so every wait ends; the async adapter runs on a polling executor that calls a
//! million polls a hang).
//!
//! Input layout (a field longer than the rest of the input ends the script: an `ops_len` past
//! the end runs nothing, a short last segment is never sent):
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
//! than it; the listener never gets more bytes than the module sent, nor more lines or overflows
//! than the core counted.
#![no_main]

use std::cell::Cell;
use std::convert::Infallible;
use std::rc::Rc;

use cat1_at_parse::{CommandLine, MAX_LINE};
use cat1_client::sdp::{Receiver, SocketId};
use cat1_client::{Echo, Listener, Timing, blocking::Modem};
use cat1_config::{Config, Model, Value, requests};
use cat1_hal_traits::time::{Clock, Duration, Instant};
use libfuzzer_sys::fuzz_target;

#[path = "client_common.rs"]
mod client_common;
use client_common::{Script, monotone};

/// A module that answers every flush with the next segment of the stream (at most `chunk` bytes a
/// read), whatever it was sent; the first segment is there from the start.
struct Uart<'a> {
    segments: Script<'a>,
    pending: Vec<u8>,
    chunk: usize,
    written: usize,
    /// Bytes handed out by the module so far (shared with the checks).
    released: Rc<Cell<usize>>,
}

impl Uart<'_> {
    fn release(&mut self) {
        if let Some(segment) = self.segments.bytes() {
            self.released.set(self.released.get() + segment.len());
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

impl embedded_io_async::Read for Uart<'_> {
    async fn read(&mut self, buf: &mut [u8]) -> Result<usize, Infallible> {
        // Pending until the MCU flushes something the module answers (no waker needed: the
        // executor below polls in a loop).
        std::future::poll_fn(|_| {
            if self.pending.is_empty() {
                std::task::Poll::Pending
            } else {
                std::task::Poll::Ready(embedded_io::Read::read(self, buf))
            }
        })
        .await
    }
}

impl embedded_io_async::Write for Uart<'_> {
    async fn write(&mut self, buf: &[u8]) -> Result<usize, Infallible> {
        embedded_io::Write::write(self, buf)
    }

    async fn flush(&mut self) -> Result<(), Infallible> {
        embedded_io::Write::flush(self)
    }
}

/// The async adapter's time: a millisecond later at every reading and every poll of a wait.
#[derive(Default)]
struct TickingTimer(Ticking);

impl cat1_client::asynch::Timer for TickingTimer {
    fn now(&self) -> Instant {
        self.0.now()
    }

    async fn wait_until(&mut self, deadline: Instant) {
        std::future::poll_fn(|_| {
            if self.0.now() >= deadline {
                std::task::Poll::Ready(())
            } else {
                std::task::Poll::Pending
            }
        })
        .await
    }
}

/// Polls `future` to the end; a future still pending after a million polls is a hang (every
/// poll moves the clock, and every wait ends by it).
fn block_on<F: std::future::Future>(future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    for _ in 0..1_000_000 {
        if let std::task::Poll::Ready(v) = future.as_mut().poll(&mut cx) {
            return v;
        }
    }
    panic!("the async adapter hung");
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
#[derive(Default, Clone, Copy)]
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

/// What a call returned: any outcome is fine here (the checks run after every call).
fn ignore<T>(_: T) {}

/// The same script on either adapter: `$w` runs a call to its end (`same` for the blocking
/// adapter, `block_on` for the async one), `$timeout` is what the async data reads wait.
macro_rules! driver {
    ($name:ident, $make:expr, $w:ident $(, $timeout:expr)?) => {
        fn $name(data: &[u8]) -> Option<()> {
            let mut input = Script(data);
            let chunk = usize::from(input.byte()?) + 1;
            let ops = input.bytes()?;
            let stream = input.0;
            let released = Rc::new(Cell::new(0));
            let mut uart = Uart {
                segments: Script(stream),
                pending: Vec::new(),
                chunk,
                written: 0,
                released: released.clone(),
            };
            uart.release();
            let mut m = ($make)(uart);
            let mut receiver = Receiver::<256>::new();
            let mut buf = [0u8; 64];
            let mut script = Script(ops);
            let wanted = Config::factory(Model::WhLte7s1);
            let mut scratch = Config::factory(Model::WhLte7s1);
            loop {
                let before = m.counters();
                match script.byte()? % 17 {
                    0 => ignore($w(m.enter_command_mode())),
                    1 => ignore($w(m.enter_command_mode_without_probe())),
                    2 => ignore($w(m.query::<requests::Apn>(|values| {
                        let _ = values.as_slice().len();
                    }))),
                    3 => {
                        let v = u16::from_le_bytes([script.byte()?, script.byte()?]);
                        ignore($w(m.set::<requests::Rstim>(&[Value::Int(u32::from(v))])));
                    }
                    4 => ignore($w(m.read::<requests::Csq>(|line| {
                        let _ = cat1_config::info::Csq::parse(line);
                    }))),
                    5 => ignore($w(m.test::<requests::Apn>(|line| assert!(line.len() <= MAX_LINE)))),
                    6 => ignore($w(m.execute::<requests::At>(|_| {}))),
                    7 => {
                        let line = script.bytes()?;
                        if let Ok(command) = CommandLine::parse(line) {
                            ignore($w(m.command(&command, |_| {})));
                        }
                    }
                    8 => ignore($w(m.leave_command_mode())),
                    9 => ignore($w(m.save_and_restart(b"WH-LTE-7S1"))),
                    10 => {
                        let password = script.bytes()?;
                        ignore($w(m.login(password)));
                    }
                    11 => {
                        let socket = match script.byte()? % 4 {
                            0 => SocketId::A,
                            1 => SocketId::B,
                            2 => SocketId::C,
                            _ => SocketId::D,
                        };
                        let data = script.bytes()?;
                        ignore($w(m.send_on(socket, data)));
                    }
                    12 => {
                        let Ok(bytes) = $w(m.read_data_in_place($($timeout)?));
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
                        let Ok(n) = $w(m.read_data(&mut buf $(, $timeout)?));
                        assert!(n <= buf.len());
                    }
                    14 => ignore($w(m.read_config(&mut scratch))),
                    15 => ignore($w(m.apply_profile(Model::WhLte7s1, &wanted, &mut scratch))),
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
                // Whatever the listener is handed, it was sent, and counted: a line or an
                // overflow it gets is in the core's counters (not the other way round: a line an
                // exchange takes for itself, such as the banner after a restart, is counted as
                // unsolicited but not handed out).
                let sent = released.get();
                let counters = m.counters();
                let Checked {
                    bytes,
                    lines,
                    overflows,
                } = *m.listener();
                assert!(bytes <= sent, "the listener got {bytes} bytes of {sent}");
                assert!(lines <= counters.unsolicited as usize, "{lines} lines, {counters:?}");
                assert!(
                    overflows <= counters.overflows as usize,
                    "{overflows} overflows, {counters:?}"
                );
            }
        }
    };
}

/// A blocking call's result, as it is.
fn same<T>(t: T) -> T {
    t
}

driver!(
    run,
    |uart| Modem::new(uart, Ticking::default(), Checked::default()).with_timing(TIMING),
    same
);
driver!(
    run_async,
    |uart| cat1_client::asynch::Modem::new(uart, TickingTimer::default(), Checked::default())
        .with_timing(TIMING),
    block_on,
    Duration::from_millis(5)
);

fuzz_target!(|data: &[u8]| {
    let _ = run(data);
    let _ = run_async(data);
});
