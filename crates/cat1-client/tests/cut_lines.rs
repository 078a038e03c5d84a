//! A command line cut off by a UART error part-way stays in the module's line buffer
//! (protocol-notes §1: "the characters stay in the line buffer, so the next line arrives as
//! `+++AT…` and is answered `ERROR`"): the next command ends it with a CR before it sees the cut
//! exchange through, so its own line goes out clean. And `enter_command_mode` sends no `+++` when
//! its probe could not be sent (a module that may be in command mode). From review 35, whose
//! tests failed on the main before its fixes.

mod mock;

use cat1_at_parse::CommandLine;
use cat1_client::{CommandError, Echo, asynch, blocking};
use mock::{Broken, Recorder, VirtualClock, block_on};
use std::collections::VecDeque;
use std::task::Poll;

/// A module (echo off) with a line buffer: a line ends at CR, an empty line is ignored
/// (errata #1), `AT` and `AT+CSQ` are answered, anything else is `ERROR`. Its UART takes at most
/// 4 bytes a write, and the write call numbered `fail_at` fails (nothing taken).
struct LineModule {
    clock: VirtualClock,
    line: Vec<u8>,
    lines: Vec<Vec<u8>>,
    inbox: VecDeque<(u64, Vec<u8>)>,
    writes: usize,
    fail_at: usize,
    echo: bool,
}

impl LineModule {
    fn new(clock: &VirtualClock, fail_at: usize) -> Self {
        LineModule {
            clock: clock.clone(),
            line: Vec::new(),
            lines: Vec::new(),
            inbox: VecDeque::new(),
            writes: 0,
            fail_at,
            echo: false,
        }
    }
    fn due(&self) -> bool {
        self.inbox
            .front()
            .is_some_and(|(d, _)| *d <= self.clock.millis())
    }
    fn take(&mut self, buf: &mut [u8]) -> usize {
        let Some((_, bytes)) = self.inbox.front_mut() else {
            return 0;
        };
        let n = bytes.len().min(buf.len());
        buf[..n].copy_from_slice(&bytes[..n]);
        bytes.drain(..n);
        if bytes.is_empty() {
            self.inbox.pop_front();
        }
        n
    }
    fn put(&mut self, buf: &[u8]) -> Result<usize, Broken> {
        self.writes += 1;
        if self.writes == self.fail_at {
            return Err(Broken);
        }
        let n = buf.len().min(4);
        for &b in &buf[..n] {
            if self.echo {
                self.inbox.push_back((self.clock.millis(), vec![b]));
            }
            if b != b'\r' {
                self.line.push(b);
                continue;
            }
            let line = std::mem::take(&mut self.line);
            if line.is_empty() {
                continue;
            }
            let reply: &[u8] = match &line[..] {
                b"AT" => b"\r\nOK\r\n",
                b"AT+CSQ" => b"\r\n+CSQ: 20,99\r\n\r\nOK\r\n",
                _ => b"\r\nERROR\r\n",
            };
            self.lines.push(line);
            self.inbox
                .push_back((self.clock.millis() + 5, reply.to_vec()));
        }
        Ok(n)
    }
}

impl embedded_io::ErrorType for LineModule {
    type Error = Broken;
}
impl embedded_io::ReadReady for LineModule {
    fn read_ready(&mut self) -> Result<bool, Broken> {
        self.clock.tick();
        Ok(self.due())
    }
}
impl embedded_io::Read for LineModule {
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, Broken> {
        Ok(self.take(buf))
    }
}
impl embedded_io::Write for LineModule {
    fn write(&mut self, buf: &[u8]) -> Result<usize, Broken> {
        self.put(buf)
    }
    fn flush(&mut self) -> Result<(), Broken> {
        Ok(())
    }
}
impl embedded_io_async::Read for LineModule {
    async fn read(&mut self, buf: &mut [u8]) -> Result<usize, Broken> {
        std::future::poll_fn(|_| {
            if self.due() {
                Poll::Ready(Ok(self.take(buf)))
            } else {
                Poll::Pending
            }
        })
        .await
    }
}
impl embedded_io_async::Write for LineModule {
    async fn write(&mut self, buf: &[u8]) -> Result<usize, Broken> {
        self.put(buf)
    }
    async fn flush(&mut self) -> Result<(), Broken> {
        Ok(())
    }
}

/// What the second command returned, what it took, and the lines the module received.
type CutThenCsq = (Result<(), CommandError<Broken>>, Vec<Vec<u8>>, Vec<Vec<u8>>);

/// The first `AT+CSQ` cut after `AT+C` (its second write fails), then `AT+CSQ` again.
fn cut_then_csq(asynchronous: bool) -> CutThenCsq {
    let clock = VirtualClock::default();
    let uart = LineModule::new(&clock, 2);
    let csq = CommandLine::execute(b"CSQ");
    let mut got = Vec::new();
    let (first, second, module) = if asynchronous {
        let mut m = asynch::Modem::new(uart, clock.clone(), Recorder::default());
        m.core().set_echo(Echo::Off);
        let first = block_on(m.command(&csq, |_| {}));
        let second = block_on(m.command(&csq, |l| got.push(l.raw_params().to_vec())));
        (first, second, m.release().0)
    } else {
        let mut m = blocking::Modem::new(uart, clock.clone(), Recorder::default());
        m.core().set_echo(Echo::Off);
        let first = m.command(&csq, |_| {});
        let second = m.command(&csq, |l| got.push(l.raw_params().to_vec()));
        (first, second, m.release().0)
    };
    assert_eq!(first, Err(CommandError::Io(Broken)), "async {asynchronous}");
    (second, got, module.lines)
}

#[test]
fn blocking_a_line_cut_by_a_write_error_does_not_spoil_the_next_command() {
    let (second, got, lines) = cut_then_csq(false);
    assert_eq!(
        second,
        Ok(()),
        "the module received {:?}",
        lines
            .iter()
            .map(|l| String::from_utf8_lossy(l).into_owned())
            .collect::<Vec<_>>()
    );
    assert_eq!(got, [b"20,99".to_vec()]);
}

#[test]
fn async_a_line_cut_by_a_write_error_does_not_spoil_the_next_command() {
    let (second, got, lines) = cut_then_csq(true);
    assert_eq!(
        second,
        Ok(()),
        "the module received {:?}",
        lines
            .iter()
            .map(|l| String::from_utf8_lossy(l).into_owned())
            .collect::<Vec<_>>()
    );
    assert_eq!(got, [b"20,99".to_vec()]);
}

/// Command mode with a URC every 100 ms, a command that timed out (echo off): the settle never
/// sees the line quiet, so `enter_command_mode`'s probe cannot be sent. It says so
/// (`Unsynchronised`) rather than escaping with `+++` to a module that is in command mode, where
/// no `a` would come and the `+++` would stay in its line buffer, spoiling the next line.
#[test]
fn enter_command_mode_does_not_escape_a_module_in_command_mode_after_a_settle_that_gave_up() {
    use mock::{MockUart, step};
    let clock = VirtualClock::default();
    let script = vec![
        step(b"AT\r", &[(5, b"\r\nOK\r\n")]),
        step(b"AT+CSQ\r", &[]),
        // What the client should not write to a module in command mode (no `a` comes).
        step(b"+++", &[]),
    ];
    let mut uart = MockUart::new(&clock, 64, script);
    for i in 1..300 {
        uart.inject(100 * i, b"+URC\r\n");
    }
    let mut m = blocking::Modem::new(uart, clock.clone(), Recorder::default());
    m.enter_command_mode().expect("enter");
    m.core().set_echo(Echo::Off);
    let csq = CommandLine::execute(b"CSQ");
    let t = cat1_hal_traits::time::Duration::from_millis(100);
    assert_eq!(
        m.command_within(&csq, t, &mut |_| {}),
        Err(CommandError::Timeout)
    );
    let r = m.enter_command_mode();
    let (uart, _, _) = m.release();
    assert!(
        !uart.finished(),
        "`+++` written to a module in command mode (enter gave {r:?})"
    );
}

/// The interplay review 35 was asked about: a dropped async command's exchange seen through to
/// its deadline by the next, whose settle then gives up on a chattering line: the caller gets
/// `Unsynchronised`, the lost exchange is counted once as aborted and once as a timeout, and a
/// further call counts neither again.
#[test]
fn finish_to_the_deadline_then_a_settle_that_gives_up() {
    use cat1_client::StartError;
    use mock::{MockUart, drop_after, step};
    let clock = VirtualClock::default();
    let script = vec![step(b"AT\r", &[(5, b"\r\nOK\r\n")]), step(b"AT+CSQ\r", &[])];
    let mut uart = MockUart::new(&clock, 64, script);
    for i in 1..400 {
        uart.inject(100 * i, b"+URC\r\n");
    }
    let mut m = asynch::Modem::new(uart, clock.clone(), Recorder::default());
    block_on(m.enter_command_mode()).expect("enter");
    let csq = CommandLine::execute(b"CSQ");
    drop_after(m.command(&csq, |_| {}), 10);
    let second = block_on(m.command(&csq, |_| {}));
    assert_eq!(second, Err(CommandError::Start(StartError::Unsynchronised)));
    let c = m.counters();
    assert_eq!((c.aborted, c.timeouts), (1, 1));
    assert!(!m.core().is_busy() && m.core().is_unsynchronised());
    let third = block_on(m.command(&csq, |_| {}));
    assert_eq!(third, Err(CommandError::Start(StartError::Unsynchronised)));
    let c = m.counters();
    assert_eq!((c.aborted, c.timeouts), (1, 1));
}

/// Echo on (the factory default): the cut `AT+C` is echoed, the CR ends it, `ERROR` comes; the
/// next command goes out clean. (The core, anchored on the echo of `AT+CSQ`, does not take that
/// `ERROR` for the abandoned exchange, which it sees through to its deadline: slow, bounded.)
fn echo_cut_then_csq(asynchronous: bool) -> (Result<(), CommandError<Broken>>, Vec<Vec<u8>>) {
    let clock = VirtualClock::default();
    let mut uart = LineModule::new(&clock, 2);
    uart.echo = true;
    let csq = CommandLine::execute(b"CSQ");
    let (second, module) = if asynchronous {
        let mut m = asynch::Modem::new(uart, clock.clone(), Recorder::default());
        m.core().set_echo(Echo::On);
        let _ = block_on(m.command(&csq, |_| {}));
        let second = block_on(m.command(&csq, |_| {}));
        (second, m.release().0)
    } else {
        let mut m = blocking::Modem::new(uart, clock.clone(), Recorder::default());
        m.core().set_echo(Echo::On);
        let _ = m.command(&csq, |_| {});
        let second = m.command(&csq, |_| {});
        (second, m.release().0)
    };
    (second, module.lines)
}

#[test]
fn echo_on_a_line_cut_by_a_write_error_does_not_spoil_the_next_command() {
    for asynchronous in [false, true] {
        let (second, lines) = echo_cut_then_csq(asynchronous);
        assert_eq!(second, Ok(()), "async {asynchronous}: {lines:?}");
    }
}

/// The cut exchange ended through the public `core()` (`abort`): the core idle, the line's start
/// still in the module's buffer: the next command still ends it with a CR first (review 36).
#[test]
fn a_cut_exchange_aborted_through_core_still_gets_its_cr() {
    let clock = VirtualClock::default();
    let uart = LineModule::new(&clock, 2);
    let csq = CommandLine::execute(b"CSQ");
    let mut m = blocking::Modem::new(uart, clock.clone(), Recorder::default());
    m.core().set_echo(Echo::Off);
    assert_eq!(m.command(&csq, |_| {}), Err(CommandError::Io(Broken)));
    m.core().abort();
    let second = m.command(&csq, |_| {});
    let lines = m.release().0.lines;
    assert_eq!(
        second,
        Ok(()),
        "the module received {:?}",
        lines
            .iter()
            .map(|l| String::from_utf8_lossy(l).into_owned())
            .collect::<Vec<_>>()
    );
}
