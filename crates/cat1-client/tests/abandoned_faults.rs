//! An exchange left in flight by a read or write error (or a dropped future): the next command
//! sees it through once, counts it once, and takes only its own answer, in both adapters; and a
//! command that timed out with echo on leaves a wait for quiet, so its slow answer is not taken
//! for the next command's (the module echoes the next line as it receives it). From review 32,
//! whose tests failed on the main before its fixes.

mod mock;

use cat1_at_parse::CommandLine;
use cat1_client::{CommandError, Echo, asynch, blocking};
use mock::{Broken, MockUart, Recorder, VirtualClock, block_on, drop_after, step};

/// A scripted module behind a UART whose reads fail once at or after each time in `read_faults`
/// and whose writes fail (nothing taken) once for each byte offset in `write_faults`.
struct FaultUart {
    inner: MockUart,
    read_faults: Vec<u64>,
    write_faults: Vec<usize>,
    written: usize,
}

impl FaultUart {
    fn read_fails(&mut self) -> bool {
        let now = self.inner.clock.millis();
        if let Some(i) = self.read_faults.iter().position(|&t| now >= t) {
            self.read_faults.remove(i);
            return true;
        }
        false
    }
    fn write_fails(&mut self, len: usize) -> bool {
        let span = self.written..self.written + len;
        if let Some(i) = self.write_faults.iter().position(|at| span.contains(at)) {
            self.write_faults.remove(i);
            return true;
        }
        false
    }
}

impl embedded_io::ErrorType for FaultUart {
    type Error = Broken;
}
impl embedded_io::ReadReady for FaultUart {
    fn read_ready(&mut self) -> Result<bool, Broken> {
        if self.read_fails() {
            return Err(Broken);
        }
        Ok(embedded_io::ReadReady::read_ready(&mut self.inner).unwrap_or_else(|e| match e {}))
    }
}
impl embedded_io::Read for FaultUart {
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, Broken> {
        if self.read_fails() {
            return Err(Broken);
        }
        Ok(embedded_io::Read::read(&mut self.inner, buf).unwrap_or_else(|e| match e {}))
    }
}
impl embedded_io::Write for FaultUart {
    fn write(&mut self, buf: &[u8]) -> Result<usize, Broken> {
        if self.write_fails(buf.len()) {
            return Err(Broken);
        }
        self.written += buf.len();
        Ok(embedded_io::Write::write(&mut self.inner, buf).unwrap_or_else(|e| match e {}))
    }
    fn flush(&mut self) -> Result<(), Broken> {
        Ok(())
    }
}
impl embedded_io_async::Read for FaultUart {
    async fn read(&mut self, buf: &mut [u8]) -> Result<usize, Broken> {
        std::future::poll_fn(|_| {
            if self.read_fails() {
                return std::task::Poll::Ready(Err(Broken));
            }
            match embedded_io::ReadReady::read_ready(&mut self.inner) {
                Ok(true) => {
                    std::task::Poll::Ready(Ok(embedded_io::Read::read(&mut self.inner, buf)
                        .unwrap_or_else(|e| match e {})))
                }
                _ => std::task::Poll::Pending,
            }
        })
        .await
    }
}
impl embedded_io_async::Write for FaultUart {
    async fn write(&mut self, buf: &[u8]) -> Result<usize, Broken> {
        embedded_io::Write::write(self, buf)
    }
    async fn flush(&mut self) -> Result<(), Broken> {
        Ok(())
    }
}

/// What a run of three CSQ commands got: each result and its lines, the counters
/// (aborted, timeouts), the virtual time the last command's line was written at.
#[derive(Debug)]
struct Run {
    results: Vec<Result<(), CommandError<Broken>>>,
    got: Vec<Vec<Vec<u8>>>,
    counts: (u32, u32),
    finished: bool,
}

/// Enters command mode (a probe answered), tells the core echo is on, then runs `commands` CSQs
/// through a UART whose reads fail where `read_faults` say. The module echoes each line and
/// answers each CSQ 50 ms after it, with `script_csqs` in turn.
fn run(
    asynchronous: bool,
    chunk: usize,
    read_faults: Vec<u64>,
    script_csqs: &[&[u8]],
    commands: usize,
) -> Run {
    let (echo, answer_after, write_faults) = (Echo::On, 50, Vec::new());
    let clock = VirtualClock::default();
    let e: &[u8] = b"AT+CSQ\r";
    let mut script = vec![step(b"AT\r", &[(5, b"\r\nOK\r\n")])];
    let answers: Vec<Vec<u8>> = script_csqs
        .iter()
        .map(|v| [b"\r\n+CSQ: ".as_slice(), v, b"\r\n\r\nOK\r\n"].concat())
        .collect();
    for a in &answers {
        script.push(step(b"AT+CSQ\r", &[(1, e), (answer_after, a)]));
    }
    let uart = FaultUart {
        inner: MockUart::new(&clock, chunk, script),
        read_faults,
        write_faults,
        written: 0,
    };
    let csq = CommandLine::execute(b"CSQ");
    let mut results = Vec::new();
    let mut got = Vec::new();
    let (counts, finished) = if asynchronous {
        let mut m = asynch::Modem::new(uart, clock.clone(), Recorder::default());
        block_on(m.enter_command_mode()).expect("enter");
        m.core().set_echo(echo);
        for _ in 0..commands {
            let mut lines = Vec::new();
            results.push(block_on(
                m.command(&csq, |l| lines.push(l.raw_params().to_vec())),
            ));
            got.push(lines);
        }
        let c = m.counters();
        ((c.aborted, c.timeouts), m.release().0.inner.finished())
    } else {
        let mut m = blocking::Modem::new(uart, clock.clone(), Recorder::default());
        m.enter_command_mode().expect("enter");
        m.core().set_echo(echo);
        for _ in 0..commands {
            let mut lines = Vec::new();
            results.push(m.command(&csq, |l| lines.push(l.raw_params().to_vec())));
            got.push(lines);
        }
        let c = m.counters();
        ((c.aborted, c.timeouts), m.release().0.inner.finished())
    };
    Run {
        results,
        got,
        counts,
        finished,
    }
}

/// The brief's case: blocking, echo on, a read error while the answer is awaited; the next
/// command sees the first through, and takes its own answer (expected to hold).
#[test]
fn blocking_echo_on_a_read_error_then_the_next_command_takes_its_own_answer() {
    for asynchronous in [false, true] {
        for chunk in [1, 3, 64] {
            // Enter's probe is answered by 6 ms; the first CSQ written about then, its echo at
            // +1, its answer at +50; the read breaks at 20 ms.
            let r = run(asynchronous, chunk, vec![20], &[b"20,99", b"31,99"], 2);
            assert_eq!(
                r.results,
                [Err(CommandError::Io(Broken)), Ok(())],
                "async {asynchronous} chunk {chunk}"
            );
            assert_eq!(
                r.got[1],
                [b"31,99".to_vec()],
                "async {asynchronous} chunk {chunk}"
            );
            assert_eq!(r.counts, (1, 0), "async {asynchronous} chunk {chunk}");
            assert!(r.finished);
        }
    }
}

/// A read error while the next command sees the abandoned exchange through: that command ends
/// with the error without writing; a third one sees the same exchange through and goes out.
/// One exchange was abandoned, and `aborted` counts it once (it counted it once per command that
/// tried to finish it).
#[test]
fn an_abandoned_exchange_is_counted_once_even_when_seeing_it_through_fails() {
    let mut seen = Vec::new();
    for asynchronous in [false, true] {
        // Reads break at 20 ms (the first CSQ's wait) and again at 30 ms (the second command's
        // wait for the first CSQ's answer, due at about 56 ms).
        let r = run(asynchronous, 64, vec![20, 30], &[b"20,99", b"31,99"], 3);
        assert_eq!(
            r.results,
            [
                Err(CommandError::Io(Broken)),
                Err(CommandError::Io(Broken)),
                Ok(())
            ],
            "async {asynchronous}"
        );
        assert_eq!(r.got[2], [b"31,99".to_vec()], "async {asynchronous}");
        assert!(r.finished);
        seen.push((asynchronous, r.counts));
    }
    assert_eq!(
        seen,
        [(false, (1, 0)), (true, (1, 0))],
        "one exchange abandoned: (async, (aborted, timeouts))"
    );
}

/// A write that fails before any byte of the line is taken: nothing reached the module, no
/// answer can come, yet the next command waits the whole command timeout (5 s) for it before
/// writing, and counts a timeout besides the abort.
#[test]
fn async_exchange_loop_an_error_seeing_the_abandoned_through_then_the_next() {
    use cat1_config::requests;
    for blocking_mode in [false, true] {
        let clock = VirtualClock::default();
        let mut script = vec![step(b"AT\r", &[(5, b"\r\nOK\r\n")])];
        for v in [b"20,99", b"31,99"] {
            let a = [b"\r\n+CSQ: ".as_slice(), v, b"\r\n\r\nOK\r\n"].concat();
            script.push(step(b"AT+CSQ\r", &[(1, b"AT+CSQ\r"), (50, &a)]));
        }
        let uart = FaultUart {
            inner: MockUart::new(&clock, 64, script),
            read_faults: vec![20, 30],
            write_faults: vec![],
            written: 0,
        };
        let mut results = Vec::new();
        let mut got = Vec::new();
        let (counts, finished) = if blocking_mode {
            let mut m = blocking::Modem::new(uart, clock.clone(), Recorder::default());
            m.enter_command_mode().expect("enter");
            m.core().set_echo(Echo::On);
            for _ in 0..3 {
                results.push(m.read_value::<requests::Csq>(|c| got.push((c.rssi, c.ber))));
            }
            let c = m.counters();
            ((c.aborted, c.timeouts), m.release().0.inner.finished())
        } else {
            let mut m = asynch::Modem::new(uart, clock.clone(), Recorder::default());
            block_on(m.enter_command_mode()).expect("enter");
            m.core().set_echo(Echo::On);
            for _ in 0..3 {
                results.push(block_on(
                    m.read_value::<requests::Csq>(|c| got.push((c.rssi, c.ber))),
                ));
            }
            let c = m.counters();
            ((c.aborted, c.timeouts), m.release().0.inner.finished())
        };
        assert_eq!(
            results,
            [
                Err(CommandError::Io(Broken)),
                Err(CommandError::Io(Broken)),
                Ok(())
            ],
            "blocking {blocking_mode}"
        );
        assert_eq!(got, [(31, 99)], "blocking {blocking_mode}");
        assert!(finished, "blocking {blocking_mode}");
        assert_eq!(counts, (1, 0), "blocking {blocking_mode}");
    }
}

/// Async: a command dropped while it sees an earlier dropped one through: one exchange was
/// abandoned (the second never started its own), and `aborted` counts it once (it counted 2).
#[test]
fn async_a_command_dropped_while_seeing_the_abandoned_through_leaves_it_counted_once() {
    let clock = VirtualClock::default();
    let script = vec![
        step(b"AT\r", &[(5, b"\r\nOK\r\n")]),
        step(
            b"AT+CSQ\r",
            &[(1, b"AT+CSQ\r"), (50, b"\r\n+CSQ: 20,99\r\n\r\nOK\r\n")],
        ),
        step(
            b"AT+CSQ\r",
            &[(1, b"AT+CSQ\r"), (50, b"\r\n+CSQ: 31,99\r\n\r\nOK\r\n")],
        ),
    ];
    let uart = MockUart::new(&clock, 64, script);
    let mut m = asynch::Modem::new(uart, clock.clone(), Recorder::default());
    block_on(m.enter_command_mode()).expect("enter");
    m.core().set_echo(Echo::On);
    let csq = CommandLine::execute(b"CSQ");
    for _ in 0..2 {
        drop_after(m.command(&csq, |_| {}), 10);
    }
    let mut got = Vec::new();
    assert_eq!(
        block_on(m.command(&csq, |l| got.push(l.raw_params().to_vec()))),
        Ok(())
    );
    assert_eq!(got, [b"31,99".to_vec()]);
    assert_eq!(m.counters().aborted, 1, "one exchange abandoned");
}

/// Async: a dropped command, then `enter_command_mode_without_probe`: the abandoned exchange's
/// late answer, which comes in the guard silence, is taken through the core as that exchange's,
/// not handed to the listener as network data (as `enter`'s own abort did).
#[test]
fn async_a_dropped_command_then_entering_without_probe_sees_it_through_not_as_data() {
    let clock = VirtualClock::default();
    let script = vec![
        step(b"AT\r", &[(5, b"\r\nOK\r\n")]),
        step(b"AT+CSQ\r", &[(50, b"\r\n+CSQ: 20,99\r\n\r\nOK\r\n")]),
        step(b"+++", &[(5, b"a")]),
        step(b"a", &[(5, b"+ok")]),
        step(b"AT\r", &[(5, b"\r\nOK\r\n")]),
    ];
    let uart = MockUart::new(&clock, 64, script);
    let mut m = asynch::Modem::new(uart, clock.clone(), Recorder::default());
    block_on(m.enter_command_mode()).expect("enter");
    let csq = CommandLine::execute(b"CSQ");
    drop_after(m.command(&csq, |_| {}), 10);
    block_on(m.enter_command_mode_without_probe()).expect("enter");
    let rec = m.release().2;
    assert_eq!(
        String::from_utf8_lossy(&rec.data),
        "",
        "the module's answer handed out as data"
    );
}

/// Echo on, both adapters: a command times out; the module, still working on it, echoes the next
/// line as it receives it and then sends the old answer. The core waits for quiet after the
/// timeout whatever the echo, so the next command takes its own answer, not the old one.
#[test]
fn echo_on_a_timed_out_commands_slow_answer_is_not_taken_for_the_next() {
    use cat1_hal_traits::time::Duration;
    let mut seen = Vec::new();
    for asynchronous in [false, true] {
        let clock = VirtualClock::default();
        let script = vec![
            step(b"AT\r", &[(5, b"\r\nOK\r\n")]),
            step(
                b"AT+CSQ\r",
                &[(1, b"AT+CSQ\r"), (300, b"\r\n+CSQ: 20,99\r\n\r\nOK\r\n")],
            ),
            step(
                b"AT+CSQ\r",
                &[(1, b"AT+CSQ\r"), (400, b"\r\n+CSQ: 31,99\r\n\r\nOK\r\n")],
            ),
        ];
        let uart = MockUart::new(&clock, 64, script);
        let csq = CommandLine::execute(b"CSQ");
        let mut got = Vec::new();
        let (first, second) = if asynchronous {
            let mut m = asynch::Modem::new(uart, clock.clone(), Recorder::default());
            block_on(m.enter_command_mode()).expect("enter");
            m.core().set_echo(Echo::On);
            let first = block_on(m.command_within(&csq, Duration::from_millis(100), &mut |_| {}));
            let second = block_on(m.command(&csq, |l| got.push(l.raw_params().to_vec())));
            (first, second)
        } else {
            let mut m = blocking::Modem::new(uart, clock.clone(), Recorder::default());
            m.enter_command_mode().expect("enter");
            m.core().set_echo(Echo::On);
            let first = m.command_within(&csq, Duration::from_millis(100), &mut |_| {});
            let second = m.command(&csq, |l| got.push(l.raw_params().to_vec()));
            (first, second)
        };
        seen.push((asynchronous, first, second, got));
    }
    // (async, first, second, the second's lines): both adapters take the old answer.
    let want: Vec<_> = [false, true]
        .map(|a| {
            (
                a,
                Err(CommandError::Timeout),
                Ok(()),
                vec![b"31,99".to_vec()],
            )
        })
        .into();
    assert_eq!(seen, want, "the old answer (20,99) taken");
}
