//! A UART whose `write` takes less than it is given: a few bytes a call, none (`Ok(0)`), or claims
//! more than it was given. embedded-io's `write_all` panics on `Ok(0)` and slices past the end on
//! a count too large; the client writes with a loop of its own, so every writer (entering command
//! mode, a command, an SDP frame, application data, the probe) reports `WriteZero` instead, and
//! short writes still carry every byte, in both adapters.

mod mock;

use std::convert::Infallible;

use cat1_at_parse::CommandLine;
use cat1_client::sdp::SocketId;
use cat1_client::{CommandError, EnterError, UartError, asynch, blocking};
use mock::{MockUart, Recorder, VirtualClock, block_on, step};

/// How much of each write the UART takes.
#[derive(Debug, Clone, Copy)]
enum Takes {
    /// Everything: the reference run.
    All,
    /// At most this many bytes a call.
    AtMost(usize),
    /// Everything, but claims this many bytes more than it was given.
    Overclaims(usize),
    /// None, once: the write that would carry this byte offset of everything written returns
    /// `Ok(0)`; the UART works again after (so a client that wrote on would show it).
    NothingAt(usize),
}

/// The scripted module behind a UART that takes what `takes` says.
struct StingyUart {
    inner: MockUart,
    takes: Takes,
    written: usize,
    refused: bool,
}

impl embedded_io::ErrorType for StingyUart {
    type Error = Infallible;
}

impl embedded_io::ReadReady for StingyUart {
    fn read_ready(&mut self) -> Result<bool, Infallible> {
        embedded_io::ReadReady::read_ready(&mut self.inner)
    }
}

impl embedded_io::Read for StingyUart {
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, Infallible> {
        embedded_io::Read::read(&mut self.inner, buf)
    }
}

impl embedded_io::Write for StingyUart {
    fn write(&mut self, buf: &[u8]) -> Result<usize, Infallible> {
        let (taken, claimed) = match self.takes {
            Takes::All => (buf.len(), buf.len()),
            Takes::AtMost(n) => (n.min(buf.len()), n.min(buf.len())),
            Takes::Overclaims(extra) => (buf.len(), buf.len() + extra),
            Takes::NothingAt(at) => {
                let span = self.written..self.written + buf.len();
                if span.contains(&at) && !self.refused {
                    self.refused = true;
                    return Ok(0);
                }
                (buf.len(), buf.len())
            }
        };
        let n = embedded_io::Write::write(&mut self.inner, &buf[..taken])?;
        assert_eq!(n, taken);
        self.written += taken;
        Ok(claimed)
    }
    fn flush(&mut self) -> Result<(), Infallible> {
        Ok(())
    }
}

impl embedded_io_async::Read for StingyUart {
    async fn read(&mut self, buf: &mut [u8]) -> Result<usize, Infallible> {
        embedded_io_async::Read::read(&mut self.inner, buf).await
    }
}

impl embedded_io_async::Write for StingyUart {
    async fn write(&mut self, buf: &[u8]) -> Result<usize, Infallible> {
        embedded_io::Write::write(self, buf)
    }
    async fn flush(&mut self) -> Result<(), Infallible> {
        Ok(())
    }
}

/// The module silent in its transparent mode (the probe goes unanswered), then answering the
/// handshake and the confirming `AT`, then, for `Writer::Command`, `AT+CSQ`. Bytes written: `AT\r`
/// at 0, `+++` at 3, `a` at 6, `AT\r` at 7, then the writer's from 10; whatever follows the script
/// is kept by the mock as written.
fn script(writer: Writer) -> Vec<mock::Step> {
    let mut script = vec![
        step(b"AT\r", &[]),
        step(b"+++", &[(10, b"a")]),
        step(b"a", &[(10, b"+ok")]),
        step(b"AT\r", &[(10, b"\r\nOK\r\n")]),
    ];
    if writer == Writer::Command {
        script.push(step(b"AT+CSQ\r", &[(10, b"\r\n+CSQ: 20,99\r\n\r\nOK\r\n")]));
    }
    script
}

/// Where the writes after entering command mode start (see `script`).
const AFTER_ENTERING: usize = 10;

/// What one run did: each step's result, in order, as text (the steps' error types differ), and
/// what reached the module after its script ended.
#[derive(Debug, PartialEq, Eq)]
struct Run {
    results: Vec<String>,
    after_script: Vec<u8>,
    script_done: bool,
}

/// One writer of the client, run after entering command mode (`Enter`: entering alone).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Writer {
    Enter,
    Command,
    SendOn,
    WriteData,
    Probe,
}

fn uart(clock: &VirtualClock, takes: Takes, writer: Writer) -> StingyUart {
    StingyUart {
        inner: MockUart::new(clock, 1, script(writer)),
        takes,
        written: 0,
        refused: false,
    }
}

fn run_blocking(takes: Takes, writer: Writer) -> Run {
    let clock = VirtualClock::default();
    let mut m = blocking::Modem::new(
        uart(&clock, takes, writer),
        clock.clone(),
        Recorder::default(),
    );
    let mut results = vec![format!("{:?}", m.enter_command_mode())];
    match writer {
        Writer::Enter => {}
        Writer::Command => {
            let r = m.command(&CommandLine::execute(b"CSQ"), |_| {});
            results.push(format!("{r:?}"));
        }
        Writer::SendOn => results.push(format!("{:?}", m.send_on(SocketId::B, b"frame"))),
        Writer::WriteData => results.push(format!("{:?}", m.write_data(b"data"))),
        Writer::Probe => results.push(format!("{:?}", m.probe())),
    }
    let uart = m.release().0;
    Run {
        results,
        script_done: uart.inner.finished(),
        after_script: uart.inner.written,
    }
}

fn run_async(takes: Takes, writer: Writer) -> Run {
    let clock = VirtualClock::default();
    let mut m = asynch::Modem::new(
        uart(&clock, takes, writer),
        clock.clone(),
        Recorder::default(),
    );
    let mut results = vec![format!("{:?}", block_on(m.enter_command_mode()))];
    match writer {
        Writer::Enter => {}
        Writer::Command => {
            let r = block_on(m.command(&CommandLine::execute(b"CSQ"), |_| {}));
            results.push(format!("{r:?}"));
        }
        Writer::SendOn => {
            results.push(format!("{:?}", block_on(m.send_on(SocketId::B, b"frame"))));
        }
        Writer::WriteData => results.push(format!("{:?}", block_on(m.write_data(b"data")))),
        Writer::Probe => results.push(format!("{:?}", block_on(m.probe()))),
    }
    let uart = m.release().0;
    Run {
        results,
        script_done: uart.inner.finished(),
        after_script: uart.inner.written,
    }
}

fn run(asynchronous: bool, takes: Takes, writer: Writer) -> Run {
    if asynchronous {
        run_async(takes, writer)
    } else {
        run_blocking(takes, writer)
    }
}

const WRITERS: [Writer; 4] = [
    Writer::Command,
    Writer::SendOn,
    Writer::WriteData,
    Writer::Enter,
];

#[test]
fn the_reference_run_writes_everything() {
    // What the runs below are compared with: every writer succeeds on a UART that takes all.
    let frame = {
        let (head, sum) = cat1_client::sdp::frame_parts(SocketId::B, b"frame").expect("fits");
        [&head[..], b"frame", &[sum]].concat()
    };
    for asynchronous in [false, true] {
        let command = run(asynchronous, Takes::All, Writer::Command);
        assert_eq!(command.results, ["Ok(())", "Ok(())"]);
        assert!(command.script_done);
        let send = run(asynchronous, Takes::All, Writer::SendOn);
        assert_eq!(send.results, ["Ok(())", "Ok(())"]);
        assert_eq!(send.after_script, frame);
        let data = run(asynchronous, Takes::All, Writer::WriteData);
        assert_eq!(data.results, ["Ok(())", "Ok(())"]);
        assert_eq!(data.after_script, b"data");
    }
}

#[test]
fn short_writes_carry_every_byte() {
    for asynchronous in [false, true] {
        for writer in WRITERS {
            let reference = run(asynchronous, Takes::All, writer);
            for n in [1, 2, 3] {
                assert_eq!(
                    run(asynchronous, Takes::AtMost(n), writer),
                    reference,
                    "{writer:?} at most {n} a write, async {asynchronous}"
                );
            }
        }
    }
}

#[test]
fn a_write_claiming_more_than_it_was_given_is_taken_as_all_of_it() {
    // A broken driver: neither a panic (embedded-io's `write_all` slices past the end) nor a
    // byte written twice.
    for asynchronous in [false, true] {
        for writer in WRITERS {
            assert_eq!(
                run(asynchronous, Takes::Overclaims(4), writer),
                run(asynchronous, Takes::All, writer),
                "{writer:?}, async {asynchronous}"
            );
        }
    }
}

#[test]
fn a_write_taking_nothing_ends_entering_named_write_zero() {
    for asynchronous in [false, true] {
        for (at, what) in [(0, "probe"), (3, "+++"), (6, "a")] {
            let got = run(asynchronous, Takes::NothingAt(at), Writer::Enter);
            assert_eq!(
                got.results,
                [format!(
                    "{:?}",
                    Err::<(), _>(EnterError::<Infallible>::WriteZero)
                )],
                "{what}, async {asynchronous}"
            );
        }
        let got = run(asynchronous, Takes::NothingAt(7), Writer::Enter);
        let want: Result<(), _> = Err(EnterError::<Infallible>::Confirm(CommandError::WriteZero));
        assert_eq!(got.results, [format!("{want:?}")], "async {asynchronous}");
    }
}

#[test]
fn a_write_taking_nothing_is_reported_by_every_writer() {
    let command: Result<(), _> = Err(CommandError::<Infallible>::WriteZero);
    let data: Result<(), _> = Err(UartError::<Infallible>::WriteZero);
    let probe: Result<bool, _> = Err(UartError::<Infallible>::WriteZero);
    for asynchronous in [false, true] {
        for (writer, want) in [
            (Writer::Command, format!("{command:?}")),
            (Writer::SendOn, format!("{command:?}")),
            (Writer::WriteData, format!("{data:?}")),
            (Writer::Probe, format!("{probe:?}")),
        ] {
            let got = run(asynchronous, Takes::NothingAt(AFTER_ENTERING), writer);
            assert_eq!(
                got.results,
                ["Ok(())".to_string(), want],
                "{writer:?}, async {asynchronous}"
            );
        }
    }
}

#[test]
fn the_errors_say_what_happened() {
    assert_eq!(
        CommandError::<Infallible>::WriteZero.to_string(),
        "the UART took no bytes"
    );
    assert_eq!(
        EnterError::<Infallible>::WriteZero.to_string(),
        "the UART took no bytes"
    );
    assert_eq!(
        UartError::<Infallible>::WriteZero.to_string(),
        "the UART took no bytes"
    );
    assert_eq!(
        CommandError::from(UartError::<u8>::Io(7)),
        CommandError::Io(7)
    );
    assert_eq!(EnterError::from(UartError::<u8>::Io(7)), EnterError::Io(7));
}

#[test]
fn after_a_write_taking_nothing_the_next_command_goes_through() {
    // The exchange was started before its line was written: still in flight when the call
    // ended, it would refuse every later command as busy. The next command sees it through to its
    // deadline (nothing answers a line that never went out; counted as aborted, and as the
    // timeout it is) and goes through, to the same script (the refused line never reached the
    // module).
    let csq = CommandLine::execute(b"CSQ");
    for asynchronous in [false, true] {
        let clock = VirtualClock::default();
        let uart = uart(&clock, Takes::NothingAt(AFTER_ENTERING), Writer::Command);
        let (first, second, aborted) = if asynchronous {
            let mut m = asynch::Modem::new(uart, clock.clone(), Recorder::default());
            block_on(m.enter_command_mode()).expect("enter");
            let first = block_on(m.command(&csq, |_| {}));
            let second = block_on(m.command(&csq, |_| {}));
            (first, second, m.counters().aborted)
        } else {
            let mut m = blocking::Modem::new(uart, clock.clone(), Recorder::default());
            m.enter_command_mode().expect("enter");
            let first = m.command(&csq, |_| {});
            let second = m.command(&csq, |_| {});
            (first, second, m.counters().aborted)
        };
        assert_eq!(first, Err(CommandError::WriteZero), "async {asynchronous}");
        assert_eq!(second, Ok(()), "async {asynchronous}");
        assert_eq!(aborted, 1, "async {asynchronous}");
    }
}

#[test]
fn send_on_reports_a_refusal_in_every_part() {
    // The frame goes out in three writes: its head (7 bytes), the data, the checksum.
    const HEAD: usize = 7;
    let want: Result<(), _> = Err(CommandError::<Infallible>::WriteZero);
    for asynchronous in [false, true] {
        for at in [
            AFTER_ENTERING,
            AFTER_ENTERING + HEAD,
            AFTER_ENTERING + HEAD + 4,
            AFTER_ENTERING + HEAD + 5,
        ] {
            let got = run(asynchronous, Takes::NothingAt(at), Writer::SendOn);
            assert_eq!(
                got.results,
                ["Ok(())".to_string(), format!("{want:?}")],
                "at {at}, async {asynchronous}"
            );
        }
    }
}
