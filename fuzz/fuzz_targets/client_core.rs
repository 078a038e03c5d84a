//! cat1-client's sans-IO `Core` driven by a fuzzer-chosen script of operations (commands started
//! every way the API starts them, handshake steps, aborts, echo changes, bytes received in
//! fuzzer-chosen chunks, time passing), on three cores at once.
//!
//! Input layout (a byte code, so that `make_seeds.py` can write seeds; every field is cut short
//! when the input runs out, which ends the script):
//!
//! ```text
//! op        1 byte   mod 10:
//!   0 raw       len (1 byte), then len bytes: `Core::start_raw` of that line
//!   1 command   len (1 byte), then len bytes: parsed by `CommandLine::parse`, then `Core::start`
//!   2 fixed     1 byte: one of the compile-time lines in `FIXED` (mod its length), `start_fixed`
//!   3 escape    `start_escape` (`+++` sent)
//!   4 confirm   `start_confirm` (`a` sent)
//!   5 abort
//!   6 echo      1 byte mod 3: On, Off, Unknown
//!   7 settled
//!   8 receive   chunk (1 byte: b+1 bytes per call), len (1 byte), then len bytes received
//!   9 advance   2 bytes little-endian: milliseconds, then `poll`
//! ```
//!
//! Checks: no panic; every `Complete` consumes at least one byte and at most what it was given,
//! and the number of calls is bounded; every output well formed (lines hold no line end and fit
//! the buffer, an overflow is longer than it, `Done` only ends an exchange that was in flight, a
//! timeout only at or after the deadline); counters monotone and consistent with the outputs
//! (unsolicited lines, overflows, dropped bytes, timeouts, aborts); and the same outputs, starts
//! and counters whether the bytes come in the fuzzer's chunks or one at a time (cores `chunked`
//! and `bytewise`, 64-byte buffers). A third core with 8-byte buffers (shorter than a fixed
//! line: `start_fixed`'s other path, lines that overflow) runs the same script for the
//! no-panic, progress and consistency checks.
#![no_main]

use cat1_at_parse::{CommandLine, FinalResult, Status};
use cat1_client::{ClientCounters, Core, Echo, Output, StartError};
use cat1_config::request::{FixedLine, Request};
use cat1_config::requests;
use cat1_hal_traits::time::{Duration, Instant};
use libfuzzer_sys::fuzz_target;

#[path = "client_common.rs"]
mod client_common;
use client_common::{Script, monotone};

/// The lines `query`, `test`, `read` and `execute` send, for a few commands.
const FIXED: [&FixedLine; 8] = [
    requests::At::BARE_LINE,
    requests::Csq::BARE_LINE,
    requests::Apn::QUERY_LINE,
    requests::Apn::TEST_LINE,
    requests::Rstim::QUERY_LINE,
    requests::Rstim::BARE_LINE,
    requests::Csq::TEST_LINE,
    requests::At::EXECUTE_LINE,
];

const TIMEOUT: Duration = Duration::from_millis(500);

/// An output copied out of the core, to compare runs.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Owned {
    Echo,
    Info {
        name: Vec<u8>,
        params: Vec<u8>,
        continuation: bool,
    },
    Done(FinalResult),
    HandshakeA,
    HandshakeOk,
    Unsolicited(Vec<u8>),
    Overflow(usize),
    TimedOut,
}

/// What a start returned: the bytes to write, or why not.
type Started = Result<Result<Vec<u8>, String>, StartError>;

fn no_line_end(line: &[u8]) -> bool {
    !line.iter().any(|&b| b == b'\r' || b == b'\n')
}

/// One core and what it handed out.
struct Driven<const N: usize> {
    core: Core<N>,
    outputs: Vec<Owned>,
    starts: Vec<Started>,
    /// Whether it feeds one byte per call, whatever the script's chunk.
    bytewise: bool,
}

impl<const N: usize> Driven<N> {
    fn new(bytewise: bool) -> Self {
        Driven {
            core: Core::new(),
            outputs: Vec::new(),
            starts: Vec::new(),
            bytewise,
        }
    }

    /// Starts a command the `how`-th way (see the layout above) and checks what it did.
    fn op_start(&mut self, how: u8, data: &[u8], now: Instant) {
        let busy = self.core.is_busy();
        let unsynchronised = self.core.is_unsynchronised();
        let counters = self.core.counters();
        let core = &mut self.core;
        let r: Started = match how {
            0 => core.start_raw(data, TIMEOUT, now).map(|l| Ok(l.to_vec())),
            1 => match CommandLine::parse(data) {
                Ok(command) => core.start(&command, TIMEOUT, now).map(|l| Ok(l.to_vec())),
                Err(_) => return,
            },
            2 => {
                let line = FIXED[usize::from(data.first().copied().unwrap_or(0)) % FIXED.len()];
                core.start_fixed(line, TIMEOUT, now)
                    .map(|r| r.map(<[u8]>::to_vec).map_err(|e| format!("{e:?}")))
            }
            3 => core.start_escape(TIMEOUT, now).map(|l| Ok(l.to_vec())),
            _ => core.start_confirm(TIMEOUT, now).map(|l| Ok(l.to_vec())),
        };
        match &r {
            Ok(Ok(line)) => {
                assert!(
                    !busy && !unsynchronised,
                    "started while busy or unsynchronised"
                );
                assert!(self.core.is_busy(), "started but not busy");
                assert!(!line.is_empty() && line.len() <= N.max(3));
            }
            Ok(Err(_)) | Err(_) => {
                assert_eq!(
                    self.core.is_busy(),
                    busy,
                    "a refused start changed the state"
                );
            }
        }
        if busy {
            assert!(matches!(r, Err(StartError::Busy)), "{r:?} while busy");
        } else if unsynchronised {
            assert!(
                matches!(r, Err(StartError::Unsynchronised)),
                "{r:?} unsynchronised"
            );
        }
        assert_eq!(
            self.core.counters(),
            counters,
            "a start changed the counters"
        );
        self.starts.push(r);
    }

    fn receive(&mut self, bytes: &[u8], chunk: usize) {
        let chunk = if self.bytewise { 1 } else { chunk };
        let mut calls = 0usize;
        for piece in bytes.chunks(chunk) {
            let mut rest = piece;
            loop {
                calls += 1;
                assert!(calls <= 2 * bytes.len() + 2, "no progress");
                let before = self.core.counters();
                let busy = self.core.is_busy();
                match self.core.receive(rest) {
                    Status::Partial => {
                        let after = self.core.counters();
                        monotone(before, after);
                        assert_eq!(before.unsolicited, after.unsolicited);
                        assert_eq!(before.late_responses, after.late_responses);
                        break;
                    }
                    Status::Complete(out, used) => {
                        assert!(
                            used >= 1 && used <= rest.len(),
                            "used {used} of {}",
                            rest.len()
                        );
                        let owned = own::<N>(out);
                        rest = &rest[used..];
                        self.check(&owned, busy, before);
                        self.outputs.push(owned);
                    }
                }
            }
        }
    }

    /// One output against the state before it and the counters.
    fn check(&self, owned: &Owned, busy_before: bool, before: ClientCounters) {
        let after = self.core.counters();
        monotone(before, after);
        match owned {
            Owned::Done(_) => {
                assert!(busy_before, "an answer with no exchange in flight");
                assert!(!self.core.is_busy(), "done but still busy");
            }
            Owned::Echo | Owned::Info { .. } | Owned::HandshakeA | Owned::HandshakeOk => {
                assert!(busy_before, "{owned:?} with no exchange in flight");
            }
            Owned::Unsolicited(line) => {
                assert_eq!(after.unsolicited, before.unsolicited + 1);
                let late = FinalResult::parse(line).is_some();
                assert_eq!(
                    after.late_responses,
                    before.late_responses + u32::from(late)
                );
            }
            Owned::Overflow(_) => {}
            Owned::TimedOut => unreachable!("receive never times out"),
        }
        // An over-long line is counted (and its bytes) as it is dropped, before its `Overflow`
        // comes out at its end: the counts are never behind what was reported, and at most one
        // line ahead.
        let reported = self.outputs.iter().chain([owned]).filter_map(|o| match o {
            Owned::Overflow(n) => Some(*n as u64),
            _ => None,
        });
        let (lines, bytes) = reported.fold((0u32, 0u64), |(l, b), n| (l + 1, b + n));
        assert!(lines <= after.overflows && after.overflows <= lines + 1);
        assert!(bytes <= after.bytes_dropped);
        let quiet = |c: ClientCounters| (c.timeouts, c.probes_unanswered, c.aborted);
        assert_eq!(
            quiet(before),
            quiet(after),
            "{owned:?} changed the counters"
        );
        if !matches!(owned, Owned::Unsolicited(_)) {
            assert_eq!(before.unsolicited, after.unsolicited);
            assert_eq!(before.late_responses, after.late_responses);
        }
    }

    fn advance(&mut self, now: Instant) {
        let busy = self.core.is_busy();
        let deadline = self.core.poll_at();
        assert_eq!(deadline.is_some(), busy);
        let before = self.core.counters();
        match self.core.poll(now) {
            Some(Output::TimedOut) => {
                assert!(
                    deadline.is_some_and(|d| now >= d),
                    "timed out before its deadline"
                );
                assert!(!self.core.is_busy());
                let after = self.core.counters();
                assert_eq!(after.timeouts, before.timeouts + 1);
                self.outputs.push(Owned::TimedOut);
            }
            Some(other) => panic!("poll handed out {other:?}"),
            None => {
                assert!(
                    deadline.is_none_or(|d| now < d),
                    "deadline passed, no timeout"
                );
                assert_eq!(self.core.counters(), before);
            }
        }
    }

    fn abort(&mut self) {
        let busy = self.core.is_busy();
        let before = self.core.counters();
        self.core.abort();
        assert!(!self.core.is_busy());
        assert_eq!(
            self.core.counters().aborted,
            before.aborted + u32::from(busy)
        );
    }
}

fn own<const N: usize>(out: Output<'_>) -> Owned {
    let line_ok = |l: &[u8]| !l.is_empty() && l.len() <= N && no_line_end(l);
    match out {
        Output::Echo => Owned::Echo,
        Output::Info(info) => {
            assert!(no_line_end(info.raw_params()));
            assert!(info.line().len() <= N);
            let _ = info.params().count();
            Owned::Info {
                name: info.name().to_vec(),
                params: info.raw_params().to_vec(),
                continuation: info.is_continuation(),
            }
        }
        Output::Done(r) => Owned::Done(r),
        Output::HandshakeA => Owned::HandshakeA,
        Output::HandshakeOk => Owned::HandshakeOk,
        Output::Unsolicited(l) => {
            assert!(line_ok(l), "unsolicited line {l:?}");
            Owned::Unsolicited(l.to_vec())
        }
        Output::Overflow { dropped } => {
            assert!(
                dropped > N,
                "overflow of {dropped} bytes in a {N}-byte buffer"
            );
            Owned::Overflow(dropped)
        }
        Output::TimedOut => Owned::TimedOut,
    }
}

fn run(data: &[u8]) -> Option<()> {
    let mut chunked = Driven::<64>::new(false);
    let mut bytewise = Driven::<64>::new(true);
    let mut small = Driven::<8>::new(false);
    let mut now = Instant::from_millis(0);
    let mut script = Script(data);
    loop {
        let op = script.byte()? % 10;
        match op {
            0..=4 => {
                let data = match op {
                    0 | 1 => script.bytes()?,
                    2 => script.take(1)?,
                    _ => &[],
                };
                chunked.op_start(op, data, now);
                bytewise.op_start(op, data, now);
                small.op_start(op, data, now);
            }
            5 => {
                chunked.abort();
                bytewise.abort();
                small.abort();
            }
            6 => {
                let echo = match script.byte()? % 3 {
                    0 => Echo::On,
                    1 => Echo::Off,
                    _ => Echo::Unknown,
                };
                chunked.core.set_echo(echo);
                bytewise.core.set_echo(echo);
                small.core.set_echo(echo);
            }
            7 => {
                chunked.core.settled();
                bytewise.core.settled();
                small.core.settled();
                assert!(!chunked.core.is_unsynchronised());
            }
            8 => {
                let chunk = usize::from(script.byte()?) + 1;
                let bytes = script.bytes()?;
                chunked.receive(bytes, chunk);
                bytewise.receive(bytes, chunk);
                small.receive(bytes, chunk);
            }
            _ => {
                let ms = u16::from_le_bytes([script.byte()?, script.byte()?]);
                now = now.saturating_add(Duration::from_millis(u64::from(ms)));
                chunked.advance(now);
                bytewise.advance(now);
                small.advance(now);
            }
        }
        assert_eq!(
            chunked.outputs, bytewise.outputs,
            "chunking changed the outputs"
        );
        assert_eq!(chunked.starts, bytewise.starts);
        assert_eq!(chunked.core.counters(), bytewise.core.counters());
        assert_eq!(chunked.core.is_busy(), bytewise.core.is_busy());
        assert_eq!(
            chunked.core.is_unsynchronised(),
            bytewise.core.is_unsynchronised()
        );
    }
}

fuzz_target!(|data: &[u8]| {
    let _ = run(data);
});
