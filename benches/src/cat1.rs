//! cat1: the incremental framer, told which command is in flight.

use cat1_at_parse::{Event, Expect, FinalResult, Framer, MAX_LINE, Status, parse_int};

use crate::corpus::Case;
use crate::{Chunking, Outcome};

/// The framer the benches use: a line buffer of [`MAX_LINE`] bytes.
pub type BenchFramer = Framer<MAX_LINE>;

/// What the framer reported for one response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Summary {
    /// The final result, if one arrived.
    pub result: Option<FinalResult>,
    /// Whether the echo was recognised.
    pub echo: bool,
    /// Information lines.
    pub info_lines: u32,
    /// Parameters split from information lines.
    pub params: u32,
    /// Sum of the parameters that parsed as integers (keeps the work observable).
    pub int_sum: u32,
    /// Unsolicited lines.
    pub unsolicited: u32,
    /// Overflow events.
    pub overflows: u32,
}

impl Summary {
    /// The outcome in the terms shared with the peers.
    pub fn outcome(&self) -> Outcome {
        match self.result {
            Some(FinalResult::Ok) => Outcome::Ok,
            Some(FinalResult::Error) => Outcome::Error,
            Some(FinalResult::CmeError(n)) => Outcome::CmeError(n),
            None => Outcome::NoResponse,
        }
    }
}

/// Feeds one response through `framer`, `chunking` bytes at a time, as the MCU does after sending
/// `case.sent`: every event is consumed, information parameters are split and parsed as integers.
#[inline]
pub fn response(framer: &mut BenchFramer, case: &Case, chunking: Chunking) -> Summary {
    let mut expect = Expect::command(case.sent, case.name);
    let mut s = Summary::default();
    let size = chunking.size(case.response.len());
    for piece in case.response.chunks(size) {
        let mut rest = piece;
        while let Status::Complete(event, n) = framer.feed(rest, &mut expect) {
            match event {
                Event::Echo(_) => s.echo = true,
                Event::Info(info) => {
                    s.info_lines += 1;
                    for p in info.params() {
                        s.params += 1;
                        if let Ok(v) = parse_int(p) {
                            s.int_sum = s.int_sum.wrapping_add(v);
                        }
                    }
                }
                Event::Final(r) => s.result = Some(r),
                Event::Unsolicited(_) | Event::HandshakeA | Event::HandshakeOk => {
                    s.unsolicited += 1;
                }
                Event::Overflow { .. } => s.overflows += 1,
            }
            rest = rest.get(n..).unwrap_or(&[]);
        }
    }
    s
}
