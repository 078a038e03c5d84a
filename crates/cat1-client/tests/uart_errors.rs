//! A UART that fails: every step of entering command mode hands its error back, named by the
//! step, in both adapters. The other tests' mocks cannot fail (their error is `Infallible`), so
//! without these nothing pinned that a failed write or read ends the handshake with
//! `EnterError::Io` (or `Confirm(CommandError::Io)` for the confirming `AT`) instead of being
//! taken for a silent module and named as a handshake step that was not answered.

mod mock;

use cat1_client::{CommandError, EnterError, asynch, blocking};
use mock::{Broken, MockUart, Recorder, VirtualClock, block_on, step};

/// Where the UART breaks.
#[derive(Debug, Clone, Copy)]
enum Fault {
    /// The write that would carry this byte offset of everything written fails, once.
    WriteAt(usize),
    /// The first read (or read-readiness poll) at or after this virtual time fails, once.
    ReadFrom(u64),
    /// Nothing fails: records what a good run does.
    Never,
}

/// The scripted module behind a UART that fails once where `fault` says (a glitch: it works
/// again after, so an error taken for silence would show as a later step going on), recording
/// the virtual time of each write.
struct BreakingUart {
    inner: MockUart,
    fault: Fault,
    fired: bool,
    written: usize,
    writes: Writes,
}

impl BreakingUart {
    fn read_fails(&mut self) -> bool {
        let now = self.inner.clock.millis();
        let fails = matches!(self.fault, Fault::ReadFrom(t) if now >= t);
        self.fire(fails)
    }

    fn write_fails(&mut self, len: usize) -> bool {
        let span = self.written..self.written + len;
        let fails = matches!(self.fault, Fault::WriteAt(at) if span.contains(&at));
        self.fire(fails)
    }

    fn fire(&mut self, fails: bool) -> bool {
        let fire = fails && !self.fired;
        self.fired |= fire;
        fire
    }
}

impl embedded_io::ErrorType for BreakingUart {
    type Error = Broken;
}

impl embedded_io::ReadReady for BreakingUart {
    fn read_ready(&mut self) -> Result<bool, Broken> {
        if self.read_fails() {
            return Err(Broken);
        }
        let ready = embedded_io::ReadReady::read_ready(&mut self.inner);
        Ok(ready.unwrap_or_else(|e| match e {}))
    }
}

impl embedded_io::Read for BreakingUart {
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, Broken> {
        if self.read_fails() {
            return Err(Broken);
        }
        let n = embedded_io::Read::read(&mut self.inner, buf);
        Ok(n.unwrap_or_else(|e| match e {}))
    }
}

impl embedded_io::Write for BreakingUart {
    fn write(&mut self, buf: &[u8]) -> Result<usize, Broken> {
        if self.write_fails(buf.len()) {
            return Err(Broken);
        }
        self.writes.push((self.inner.clock.millis(), self.written));
        self.written += buf.len();
        let n = embedded_io::Write::write(&mut self.inner, buf);
        Ok(n.unwrap_or_else(|e| match e {}))
    }
    fn flush(&mut self) -> Result<(), Broken> {
        Ok(())
    }
}

impl embedded_io_async::Read for BreakingUart {
    async fn read(&mut self, buf: &mut [u8]) -> Result<usize, Broken> {
        // Polled until a reply is due or the UART breaks (the async timer moves the clock).
        std::future::poll_fn(|_| {
            if self.read_fails() {
                return std::task::Poll::Ready(Err(Broken));
            }
            match embedded_io::ReadReady::read_ready(&mut self.inner) {
                Ok(true) => {
                    let n = embedded_io::Read::read(&mut self.inner, buf);
                    std::task::Poll::Ready(Ok(n.unwrap_or_else(|e| match e {})))
                }
                _ => std::task::Poll::Pending,
            }
        })
        .await
    }
}

impl embedded_io_async::Write for BreakingUart {
    async fn write(&mut self, buf: &[u8]) -> Result<usize, Broken> {
        embedded_io::Write::write(self, buf)
    }
    async fn flush(&mut self) -> Result<(), Broken> {
        Ok(())
    }
}

/// The module silent in its transparent mode (the probe goes unanswered), then answering the
/// handshake and the confirming `AT`. Bytes written: `AT\r` at 0, `+++` at 3, `a` at 6, `AT\r` at 7.
fn script() -> Vec<mock::Step> {
    vec![
        step(b"AT\r", &[]),
        step(b"+++", &[(10, b"a")]),
        step(b"a", &[(10, b"+ok")]),
        step(b"AT\r", &[(10, b"\r\nOK\r\n")]),
    ]
}

/// (virtual time, byte offset) of each write that went through.
type Writes = Vec<(u64, usize)>;

/// The scripted module behind a UART that breaks at `fault`.
fn breaking(clock: &VirtualClock, fault: Fault) -> BreakingUart {
    BreakingUart {
        inner: MockUart::new(clock, 1, script()),
        fault,
        fired: false,
        written: 0,
        writes: Vec::new(),
    }
}

/// Enters command mode through a UART that breaks at `fault`; the result and the writes made.
fn enter(asynchronous: bool, fault: Fault) -> (Result<(), EnterError<Broken>>, Writes) {
    let clock = VirtualClock::default();
    let uart = breaking(&clock, fault);
    if asynchronous {
        let mut m = asynch::Modem::new(uart, clock.clone(), Recorder::default());
        let got = block_on(m.enter_command_mode());
        (got, m.release().0.writes)
    } else {
        let mut m = blocking::Modem::new(uart, clock.clone(), Recorder::default());
        let got = m.enter_command_mode();
        (got, m.release().0.writes)
    }
}

#[test]
fn a_good_uart_enters_command_mode() {
    // The reference run the faults below are placed by: it must succeed, with four writes.
    for asynchronous in [false, true] {
        let (got, writes) = enter(asynchronous, Fault::Never);
        assert_eq!(got, Ok(()), "async {asynchronous}");
        let offsets: Vec<usize> = writes.iter().map(|&(_, at)| at).collect();
        assert_eq!(offsets, [0, 3, 6, 7], "async {asynchronous}");
    }
}

#[test]
fn a_failed_write_at_each_step_is_the_uarts_error() {
    for asynchronous in [false, true] {
        for (at, what) in [(0, "probe"), (3, "+++"), (6, "a")] {
            let (got, _) = enter(asynchronous, Fault::WriteAt(at));
            assert_eq!(
                got,
                Err(EnterError::Io(Broken)),
                "{what} async {asynchronous}"
            );
        }
        let (got, _) = enter(asynchronous, Fault::WriteAt(7));
        assert_eq!(
            got,
            Err(EnterError::Confirm(CommandError::Io(Broken))),
            "confirming AT, async {asynchronous}"
        );
    }
}

#[test]
fn a_failed_read_at_each_step_is_the_uarts_error() {
    for asynchronous in [false, true] {
        let (_, writes) = enter(asynchronous, Fault::Never);
        let [(probe, _), (escape, _), (confirm, _), (at, _)] = writes[..] else {
            panic!("four writes expected: {writes:?}");
        };
        // While the probe waits, in the guard silence before `+++` (which lasts a second), while
        // `+++` and `a` wait for their replies (due 10 ms after their writes).
        for (from, what) in [
            (probe + 1, "probe"),
            (escape - 500, "guard time"),
            (escape + 2, "waiting for a"),
            (confirm + 2, "waiting for +ok"),
        ] {
            let (got, _) = enter(asynchronous, Fault::ReadFrom(from));
            assert_eq!(
                got,
                Err(EnterError::Io(Broken)),
                "{what} async {asynchronous}"
            );
        }
        let (got, _) = enter(asynchronous, Fault::ReadFrom(at + 2));
        assert_eq!(
            got,
            Err(EnterError::Confirm(CommandError::Io(Broken))),
            "confirming AT, async {asynchronous}"
        );
    }
}

/// Enters command mode through a UART that breaks at `fault`, then probes: what the probe
/// answered, the exchanges counted as aborted, and whether an `AT` is the last thing written
/// that the script did not take.
fn probe_after(asynchronous: bool, fault: Fault) -> (bool, u32, bool) {
    let clock = VirtualClock::default();
    let uart = breaking(&clock, fault);
    let (probe, aborted, uart) = if asynchronous {
        let mut m = asynch::Modem::new(uart, clock.clone(), Recorder::default());
        assert!(block_on(m.enter_command_mode()).is_err());
        let probe = block_on(m.probe()).expect("probe");
        (probe, m.counters().aborted, m.release().0)
    } else {
        let mut m = blocking::Modem::new(uart, clock.clone(), Recorder::default());
        assert!(m.enter_command_mode().is_err());
        let probe = m.probe().expect("probe");
        (probe, m.counters().aborted, m.release().0)
    };
    (probe, aborted, uart.inner.written.ends_with(b"AT\r"))
}

#[test]
fn after_a_uart_error_in_an_exchange_the_next_one_goes_out() {
    // A failed write (the confirming `AT`'s) or read (while its answer is awaited) ends the call
    // with the exchange it started still in flight. The next exchange sees it through (counted as
    // aborted) and goes out; left in flight, it would refuse every later command as busy (the
    // probe would have answered "not in command mode" without writing anything).
    for asynchronous in [false, true] {
        let (_, writes) = enter(asynchronous, Fault::Never);
        let [.., (at, _)] = writes[..] else {
            panic!("writes expected: {writes:?}");
        };
        for (fault, want, what) in [
            // The failed `AT` never reached the module: the probe's `AT` takes its place in the
            // script, and is answered.
            (
                Fault::WriteAt(7),
                (true, 1, false),
                "writing the confirming AT",
            ),
            // The script is done: the probe's `AT` is written and not answered.
            (
                Fault::ReadFrom(at + 2),
                (false, 1, true),
                "waiting for its OK",
            ),
        ] {
            assert_eq!(
                probe_after(asynchronous, fault),
                want,
                "{what}, async {asynchronous}"
            );
        }
    }
}
