//! Stateful properties: the framer against a byte-at-a-time reference model, step by step, the
//! way a driver uses it: the [`Expect`] replaced after every final result or handshake reply and
//! at random points (between the events of one chunk too), detached and attached again (or
//! rebuilt from its [`Progress`](cat1_at_parse::Progress)) around every feed, single bytes stored
//! with [`Framer::push_plain`] between feeds, [`Framer::reset`] between chunks, any chunking, and
//! line buffers from 1 to 64 bytes (one generic check instantiated per size).
//!
//! After every call (`feed`, `push_plain`, `reset`, a new `Expect`) the framer and the model must
//! agree on the event, the bytes consumed, `pending()`, `counters()` and the state of the
//! `Expect` (`is_done`, `echo_seen`, `progress`, `sent`, and its derived bytes: equal to a fresh
//! `Expect` of the same exchange resumed at the same progress).
//!
//! # The model
//!
//! Written from the documentation of `framer.rs` and `line.rs`, one byte at a time:
//!
//! - While a handshake reply is awaited (`Expect::handshake_a` / `handshake_ok`, not done) and no
//!   over-long line is being dropped: `a` at the start of a line (nothing pending) is
//!   [`Event::HandshakeA`]; for `+ok`, a byte that extends what is pending to a start of `+ok`
//!   (`o` and `k` in any case, `+` exactly) is stored when the buffer has room for it, and the
//!   third completes [`Event::HandshakeOk`] (pending cleared). Any other byte, or one with no room
//!   for it, goes to the line layer below like any byte.
//! - The line layer: a line ends at CR or LF; the end of an empty line is ignored; a line end
//!   completes the pending line (counted in `lines`, then classified) or, when the line was too
//!   long, reports [`Event::Overflow`] with the whole line's length. A byte that does not fit
//!   (the buffer holds `N`) starts dropping the line: `overflows` counts it once, `bytes_dropped`
//!   counts every byte as it is dropped (the pending ones at once), `pending()` is empty.
//! - Classification, only while a command is in flight and not done: the first line equal to
//!   `sent` (line ends trimmed) is the echo; then, once the echo was seen or when it is not
//!   required: `+NAME:` with the command's name (any case, alphanumeric) is an information line,
//!   `OK`, `ERROR`, `+CME ERROR:<n>` (n up to 65535, spaces allowed) as whole lines end the
//!   exchange, and for a multi-line answer (`LBSN`, `SYSINFO`, or the override) a line not
//!   starting with `+` after the first information line continues it. Anything else is
//!   unsolicited (and counted).
//! - `push_plain(b)` stores `b` when it is above CR, no line is being dropped and there is room;
//!   otherwise it changes nothing and says `false`. `reset()` forgets the pending bytes (a line
//!   being dropped goes on being dropped).
//!
//! # Bytes consumed
//!
//! The model consumes exactly up to and including the byte that completes the event (the line
//! end, the `a`, the `k`). `Framer::feed` documents one freedom: "the LF of a CR LF that ends a
//! line may be consumed with the line" (it could only end an empty line, skipped in every
//! state), so the check is: the count is the model's, or one more when the completing byte was a
//! CR and the next byte of the input is a LF (the model then consumes that LF too, which must
//! change nothing). Never a LF after a LF, never any other byte, never two.

mod common;

use cat1_at_parse::{Event, Expect, FinalResult, Framer, Status};
use common::{final_result, info};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

// ---------------------------------------------------------------------------------------------
// Owned events.

/// An owned copy of an [`Event`], with everything an [`cat1_at_parse::InfoLine`] tells.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Ev {
    Echo(Vec<u8>),
    Info {
        line: Vec<u8>,
        name: Vec<u8>,
        params: Vec<u8>,
        continuation: bool,
    },
    Final(FinalResult),
    HandshakeA,
    HandshakeOk,
    Unsolicited(Vec<u8>),
    Overflow(usize),
}

impl From<Event<'_>> for Ev {
    fn from(e: Event<'_>) -> Self {
        match e {
            Event::Echo(l) => Ev::Echo(l.to_vec()),
            Event::Info(i) => Ev::Info {
                line: i.line().to_vec(),
                name: i.name().to_vec(),
                params: i.raw_params().to_vec(),
                continuation: i.is_continuation(),
            },
            Event::Final(f) => Ev::Final(f),
            Event::HandshakeA => Ev::HandshakeA,
            Event::HandshakeOk => Ev::HandshakeOk,
            Event::Unsolicited(l) => Ev::Unsolicited(l.to_vec()),
            Event::Overflow { dropped } => Ev::Overflow(dropped),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The exchanges the test sends.

/// An exchange, as the test describes it; [`Ex::expect`] builds the real one, [`Ex::model`] the
/// model's.
#[derive(Debug, Clone)]
enum Ex {
    Nothing,
    Command {
        sent: Vec<u8>,
        name: Vec<u8>,
        echo_required: bool,
        multi_line: Option<bool>,
    },
    /// `Expect::for_line`: the name is read from the line.
    ForLine {
        sent: Vec<u8>,
        echo_required: bool,
        multi_line: Option<bool>,
    },
    HandshakeA,
    HandshakeOk,
}

/// The commands whose answers continue on lines without `+NAME:` (framer.rs docs).
const MULTI_LINE: [&[u8]; 2] = [b"LBSN", b"SYSINFO"];

/// The name `Expect::for_line` reads: the alphanumeric run after the first `AT+` (any case).
fn for_line_name(sent: &[u8]) -> &[u8] {
    for i in 0..sent.len().saturating_sub(2) {
        if sent[i..i + 3].eq_ignore_ascii_case(b"AT+") {
            let rest = &sent[i + 3..];
            let n = rest
                .iter()
                .take_while(|b| b.is_ascii_alphanumeric())
                .count();
            return &rest[..n];
        }
    }
    b""
}

fn trim_line_ends(mut sent: &[u8]) -> &[u8] {
    while let [rest @ .., b'\r' | b'\n'] = sent {
        sent = rest;
    }
    sent
}

impl Ex {
    /// The name the real `Expect` holds (what `Expect::attach` must be given again).
    fn name(&self) -> &[u8] {
        match self {
            Ex::Command { name, .. } => name,
            Ex::ForLine { sent, .. } => for_line_name(sent),
            _ => b"",
        }
    }

    fn sent(&self) -> &[u8] {
        match self {
            Ex::Command { sent, .. } | Ex::ForLine { sent, .. } => sent,
            _ => b"",
        }
    }

    fn expect(&self) -> Expect<'_> {
        let (mut e, echo_required, multi_line) = match self {
            Ex::Nothing => return Expect::nothing(),
            Ex::HandshakeA => return Expect::handshake_a(),
            Ex::HandshakeOk => return Expect::handshake_ok(),
            Ex::Command {
                sent,
                name,
                echo_required,
                multi_line,
            } => (Expect::command(sent, name), *echo_required, *multi_line),
            Ex::ForLine {
                sent,
                echo_required,
                multi_line,
            } => (Expect::for_line(sent), *echo_required, *multi_line),
        };
        if echo_required {
            e = e.echo_required();
        }
        if let Some(m) = multi_line {
            e = e.multi_line(m);
        }
        e
    }

    fn model(&self) -> MExpect {
        let waiting = match self {
            Ex::Nothing => Waiting::Nothing,
            Ex::HandshakeA => Waiting::HandshakeA,
            Ex::HandshakeOk => Waiting::HandshakeOk,
            Ex::Command { .. } | Ex::ForLine { .. } => Waiting::Command,
        };
        let (echo_required, multi_line) = match self {
            Ex::Command {
                echo_required,
                multi_line,
                ..
            }
            | Ex::ForLine {
                echo_required,
                multi_line,
                ..
            } => (*echo_required, *multi_line),
            _ => (false, None),
        };
        let name = self.name().to_vec();
        let multi_line =
            multi_line.unwrap_or_else(|| MULTI_LINE.iter().any(|m| m.eq_ignore_ascii_case(&name)));
        MExpect {
            waiting,
            sent: trim_line_ends(self.sent()).to_vec(),
            name,
            echo_required,
            multi_line,
            echo_seen: false,
            info_seen: false,
            done: false,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The reference model.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Waiting {
    Nothing,
    Command,
    HandshakeA,
    HandshakeOk,
}

/// The model's exchange in flight.
#[derive(Debug, Clone)]
struct MExpect {
    waiting: Waiting,
    /// Line ends trimmed.
    sent: Vec<u8>,
    name: Vec<u8>,
    echo_required: bool,
    multi_line: bool,
    echo_seen: bool,
    info_seen: bool,
    done: bool,
}

impl MExpect {
    fn is_done(&self) -> bool {
        self.done || self.waiting == Waiting::Nothing
    }

    fn handshake_pending(&self) -> bool {
        matches!(self.waiting, Waiting::HandshakeA | Waiting::HandshakeOk) && !self.done
    }
}

/// The framer, as simply as it can be said.
#[derive(Debug, Clone)]
struct Model {
    cap: usize,
    pending: Vec<u8>,
    /// Bytes of the over-long line dropped so far, while one is being dropped.
    discarding: Option<usize>,
    lines: u32,
    unsolicited: u32,
    overflows: u32,
    bytes_dropped: u64,
}

impl Model {
    fn new(cap: usize) -> Self {
        Model {
            cap,
            pending: Vec::new(),
            discarding: None,
            lines: 0,
            unsolicited: 0,
            overflows: 0,
            bytes_dropped: 0,
        }
    }

    fn pending(&self) -> &[u8] {
        if self.discarding.is_some() {
            &[]
        } else {
            &self.pending
        }
    }

    /// The first event completed within `input` and the bytes consumed up to it, or `None` when
    /// all of it was taken in.
    fn feed(&mut self, input: &[u8], e: &mut MExpect) -> Option<(Ev, usize)> {
        for (i, &b) in input.iter().enumerate() {
            if let Some(ev) = self.byte(b, e) {
                return Some((ev, i + 1));
            }
        }
        None
    }

    fn byte(&mut self, b: u8, e: &mut MExpect) -> Option<Ev> {
        if e.handshake_pending() && self.discarding.is_none() {
            match e.waiting {
                Waiting::HandshakeA if self.pending.is_empty() && b == b'a' => {
                    e.done = true;
                    return Some(Ev::HandshakeA);
                }
                Waiting::HandshakeOk if self.pending.len() < self.cap => {
                    let mut with = self.pending.clone();
                    with.push(b);
                    if with.len() <= 3 && with.eq_ignore_ascii_case(&b"+ok"[..with.len()]) {
                        self.pending = with;
                        if self.pending.len() == 3 {
                            self.pending.clear();
                            e.done = true;
                            return Some(Ev::HandshakeOk);
                        }
                        return None;
                    }
                }
                _ => {}
            }
        }
        if b == b'\r' || b == b'\n' {
            if let Some(dropped) = self.discarding.take() {
                return Some(Ev::Overflow(dropped));
            }
            if self.pending.is_empty() {
                return None;
            }
            let line = std::mem::take(&mut self.pending);
            return Some(self.classify(line, e));
        }
        if let Some(dropped) = &mut self.discarding {
            *dropped += 1;
            self.bytes_dropped += 1;
        } else if self.pending.len() < self.cap {
            self.pending.push(b);
        } else {
            let dropped = self.pending.len() + 1;
            self.pending.clear();
            self.overflows += 1;
            self.bytes_dropped += dropped as u64;
            self.discarding = Some(dropped);
        }
        None
    }

    fn classify(&mut self, line: Vec<u8>, e: &mut MExpect) -> Ev {
        self.lines += 1;
        if e.waiting == Waiting::Command && !e.done {
            if !e.echo_seen && line == e.sent {
                e.echo_seen = true;
                return Ev::Echo(line);
            }
            if e.echo_seen || !e.echo_required {
                if let Some((name, params)) = info(&line) {
                    if name.eq_ignore_ascii_case(&e.name) {
                        e.info_seen = true;
                        return Ev::Info {
                            line,
                            name,
                            params,
                            continuation: false,
                        };
                    }
                }
                if let Some(result) = final_result(&line) {
                    e.done = true;
                    return Ev::Final(result);
                }
                if e.multi_line && e.info_seen && line[0] != b'+' {
                    return Ev::Info {
                        line: line.clone(),
                        name: Vec::new(),
                        params: line,
                        continuation: true,
                    };
                }
            }
        }
        self.unsolicited += 1;
        Ev::Unsolicited(line)
    }

    fn push_plain(&mut self, b: u8) -> bool {
        if b <= b'\r' || self.discarding.is_some() || self.pending.len() >= self.cap {
            return false;
        }
        self.pending.push(b);
        true
    }

    fn reset(&mut self) {
        if self.discarding.is_none() {
            self.pending.clear();
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The run.

/// How the `Expect` is kept between feeds.
#[derive(Debug, Clone, Copy)]
enum Keep {
    /// The same value throughout.
    Value,
    /// `Expect::detach` then `Expect::attach` around every feed (as cat1-client does).
    Detached,
    /// Rebuilt from the exchange and `Expect::resume`d at its `progress()` before every feed.
    Progress,
}

/// When `push_plain` is tried before a feed (never while a handshake reply is awaited: its
/// documented precondition).
#[derive(Debug, Clone, Copy)]
enum Plain {
    Never,
    /// When one byte is left to feed (a driver fed a byte at a time).
    LastByte,
    /// For the first byte of whatever is left, each time.
    Always,
}

#[derive(Debug, Clone)]
struct Plan {
    /// The exchanges, in turn (cycling).
    exps: Vec<Ex>,
    /// Pieces, each followed by a line end chosen by the byte (see [`build`]).
    pieces: Vec<(Piece, u8)>,
    /// Chunk sizes, in turn (cycling).
    cuts: Vec<usize>,
    keep: Keep,
    plain: Plain,
    /// Per event (in order): switch to the next exchange after it (besides after a final result
    /// or a handshake reply, which always switch).
    switch_after_event: Vec<bool>,
    /// Per chunk: before it, 1 switches to the next exchange, 2 resets the framer, 3 both.
    before_chunk: Vec<u8>,
}

/// Everything observable but the events, compared after every step.
fn check_state<const N: usize>(
    framer: &Framer<N>,
    expect: &Expect<'_>,
    ex: &Ex,
    model: &Model,
    mexp: &MExpect,
    at: usize,
) -> Result<(), TestCaseError> {
    prop_assert_eq!(
        framer.pending(),
        model.pending(),
        "pending() after byte {}",
        at
    );
    let c = framer.counters();
    prop_assert_eq!(
        (c.lines, c.unsolicited, c.overflows, c.bytes_dropped),
        (
            model.lines,
            model.unsolicited,
            model.overflows,
            model.bytes_dropped
        ),
        "counters() (lines, unsolicited, overflows, bytes dropped) after byte {}",
        at
    );
    prop_assert_eq!(
        expect.is_done(),
        mexp.is_done(),
        "is_done() after byte {}",
        at
    );
    prop_assert_eq!(
        expect.detach().is_done(),
        mexp.is_done(),
        "after byte {}",
        at
    );
    prop_assert_eq!(
        expect.echo_seen(),
        mexp.echo_seen,
        "echo_seen() after {}",
        at
    );
    let progress = expect.progress();
    prop_assert_eq!(
        progress.is_done(),
        mexp.done,
        "progress() after byte {}",
        at
    );
    prop_assert_eq!(
        format!("{progress:?}"),
        format!(
            "Progress {{ echo_seen: {}, info_seen: {}, done: {} }}",
            mexp.echo_seen, mexp.info_seen, mexp.done
        ),
        "progress() after byte {}",
        at
    );
    prop_assert_eq!(expect.sent(), &mexp.sent[..], "sent() after byte {}", at);
    // The bytes the Expect derives from its fields for the hot paths are what a fresh Expect
    // of the same exchange, resumed at the same progress, derives (`PartialEq` compares them).
    prop_assert_eq!(
        *expect,
        ex.expect().resume(progress),
        "the Expect against a fresh one resumed at its progress, after byte {}",
        at
    );
    Ok(())
}

/// Runs `plan` through a `Framer<N>` and the model, comparing after every step.
fn run<const N: usize>(plan: &Plan, input: &[u8]) -> Result<(), TestCaseError> {
    let mut framer = Framer::<N>::new();
    let mut model = Model::new(N);
    let mut which = 0;
    let mut ex = &plan.exps[0];
    let mut expect = ex.expect();
    let mut mexp = ex.model();
    check_state(&framer, &expect, ex, &model, &mexp, 0)?;
    let mut pos = 0;
    let mut chunk = 0;
    let mut events = 0;
    macro_rules! switch {
        () => {
            which += 1;
            ex = &plan.exps[which % plan.exps.len()];
            expect = ex.expect();
            mexp = ex.model();
        };
    }
    while pos < input.len() {
        let take = plan.cuts[chunk % plan.cuts.len()].min(input.len() - pos);
        let action = plan.before_chunk.get(chunk).copied().unwrap_or(0);
        chunk += 1;
        if action & 1 != 0 {
            switch!();
        }
        if action & 2 != 0 {
            framer.reset();
            model.reset();
        }
        check_state(&framer, &expect, ex, &model, &mexp, pos)?;
        let piece = &input[pos..pos + take];
        let mut done = 0;
        loop {
            let rest = &piece[done..];
            let at = pos + done;
            let plain = match plan.plain {
                Plain::Never => false,
                Plain::LastByte => rest.len() == 1,
                Plain::Always => !rest.is_empty(),
            };
            if plain && !mexp.handshake_pending() {
                let stored = framer.push_plain(rest[0]);
                prop_assert_eq!(
                    stored,
                    model.push_plain(rest[0]),
                    "push_plain({:#04x}) at byte {}",
                    rest[0],
                    at
                );
                if stored {
                    done += 1;
                    check_state(&framer, &expect, ex, &model, &mexp, at + 1)?;
                    continue;
                }
            }
            match plan.keep {
                Keep::Value => {}
                Keep::Detached => {
                    let detached = expect.detach();
                    expect = Expect::attach(expect.sent(), ex.name(), detached);
                }
                Keep::Progress => expect = ex.expect().resume(expect.progress()),
            }
            let got = match framer.feed(rest, &mut expect) {
                Status::Complete(event, n) => Some((Ev::from(event), n)),
                Status::Partial => None,
            };
            let want = model.feed(rest, &mut mexp);
            let Some((event, n)) = got else {
                prop_assert_eq!(None, want, "feed({:?}) at byte {} said Partial", rest, at);
                check_state(&framer, &expect, ex, &model, &mexp, pos + take)?;
                break;
            };
            let Some((want_event, want_n)) = want else {
                return Err(TestCaseError::fail(format!(
                    "feed({rest:?}) at byte {at}: {event:?} ({n} bytes), the model none"
                )));
            };
            prop_assert_eq!(&event, &want_event, "feed({:?}) at byte {}", rest, at);
            // The consumed count: the model's, or one more for the LF right after a CR that
            // ended the line.
            let lf_taken =
                n == want_n + 1 && rest[want_n - 1] == b'\r' && rest.get(want_n) == Some(&b'\n');
            prop_assert!(
                n == want_n || lf_taken,
                "feed({:?}) at byte {} consumed {} for {:?}, the model {}",
                rest,
                at,
                n,
                event,
                want_n
            );
            if lf_taken {
                prop_assert_eq!(model.feed(&rest[want_n..n], &mut mexp), None);
            }
            done += n;
            check_state(&framer, &expect, ex, &model, &mexp, pos + done)?;
            let ends = matches!(event, Ev::Final(_) | Ev::HandshakeA | Ev::HandshakeOk);
            if ends
                || plan
                    .switch_after_event
                    .get(events)
                    .copied()
                    .unwrap_or(false)
            {
                switch!();
                check_state(&framer, &expect, ex, &model, &mexp, pos + done)?;
            }
            events += 1;
        }
        pos += take;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Inputs.

/// A piece of the stream.
#[derive(Debug, Clone)]
enum Piece {
    Lit(&'static [u8]),
    /// The line sent of the exchange at this index (line ends trimmed), as is or a near miss
    /// (`near_miss`), with `\r\n` before it when bit 0 of the byte is set and a line end after
    /// it by bits 1-2.
    Sent(usize, u8, usize),
    /// `+NAME:` of the exchange at this index (its case flipped when true), then parameters.
    Info(usize, bool, &'static [u8]),
    /// `+CME ERROR:`, spaces, a number with this many zeros before it.
    Cme(&'static [u8], u32, usize),
    /// The line sent of the exchange at this index with one byte changed (bit `1 << (k % 8)`
    /// flipped), for each byte in turn, each on its own line: the echo is compared as words.
    Misses(usize, u8),
    /// Bytes.
    Raw(Vec<u8>),
    /// A run of one byte (line ends replaced).
    Long(u8, usize),
    /// A run of `N + delta` bytes (the buffer's size, give or take two), then a line end or not.
    NearCap(u8, i8, u8),
}

fn near_miss(sent: &[u8], how: u8, at: usize) -> Vec<u8> {
    let mut s = sent.to_vec();
    let i = if s.is_empty() { 0 } else { at % s.len() };
    match how % 10 {
        0..=3 => {}
        4 => {
            if let Some(b) = s.get_mut(i) {
                *b ^= 1 << (at / 7 % 8);
            }
        }
        5 => {
            if let Some(b) = s.get_mut(i) {
                *b ^= 0x20;
            }
        }
        6 => {
            s.pop();
        }
        7 => {
            if !s.is_empty() {
                s.remove(0);
            }
        }
        8 => s.push([b'X', b'?', 0, 0xFF, b'1'][at % 5]),
        _ => s.insert(i, [b'T', b' ', 0x0B, 0x80][at % 4]),
    }
    s
}

/// The line ends that follow a piece: none (the next piece continues the line) in a fifth of
/// the cases.
const ENDS: [&[u8]; 10] = [
    b"",
    b"",
    b"\r\n",
    b"\r\n",
    b"\r\n",
    b"\r\n",
    b"\r",
    b"\r",
    b"\n",
    b"\r\n\r\n",
];

fn build(pieces: &[(Piece, u8)], exps: &[Ex], cap: usize) -> Vec<u8> {
    let mut out = Vec::new();
    for (p, end) in pieces {
        match p {
            Piece::Lit(l) => out.extend_from_slice(l),
            Piece::Raw(r) => out.extend_from_slice(r),
            Piece::Long(b, n) => {
                let b = if *b == b'\r' || *b == b'\n' { b'y' } else { *b };
                out.extend(std::iter::repeat_n(b, *n));
            }
            Piece::NearCap(b, delta, end) => {
                let n = (cap as isize + isize::from(*delta)).max(0) as usize;
                out.extend(std::iter::repeat_n(*b, n));
                out.extend_from_slice([&b""[..], b"\r", b"\n", b"\r\n"][usize::from(*end % 4)]);
            }
            Piece::Sent(i, how, at) => {
                let ex = &exps[i % exps.len()];
                let sent = match ex {
                    Ex::Command { .. } | Ex::ForLine { .. } => trim_line_ends(ex.sent()),
                    _ => b"AT+CSQ",
                };
                if how & 1 != 0 {
                    out.extend_from_slice(b"\r\n");
                }
                out.extend_from_slice(&near_miss(sent, how >> 3, *at));
                out.extend_from_slice([&b""[..], b"\r", b"\n", b"\r\n"][usize::from(how >> 1 & 3)]);
            }
            Piece::Misses(i, k) => {
                let ex = &exps[i % exps.len()];
                let sent = trim_line_ends(ex.sent());
                for j in 0..sent.len() {
                    let mut miss = sent.to_vec();
                    miss[j] ^= 1 << (k % 8);
                    out.extend_from_slice(&miss);
                    out.extend_from_slice(b"\r\n");
                }
            }
            Piece::Info(i, flip, params) => {
                let ex = &exps[i % exps.len()];
                let name = match ex {
                    Ex::Command { .. } | Ex::ForLine { .. } => ex.name(),
                    _ => b"CSQ",
                };
                out.push(b'+');
                out.extend(name.iter().map(|&b| {
                    if *flip && b.is_ascii_alphabetic() {
                        b ^ 0x20
                    } else {
                        b
                    }
                }));
                out.push(b':');
                out.extend_from_slice(params);
            }
            Piece::Cme(spaces, n, zeros) => {
                out.extend_from_slice(b"+CME ERROR:");
                out.extend_from_slice(spaces);
                out.extend(std::iter::repeat_n(b'0', *zeros));
                out.extend_from_slice(n.to_string().as_bytes());
            }
        }
        out.extend_from_slice(ENDS[usize::from(*end) % ENDS.len()]);
    }
    out
}

/// Lines sent: lengths 0 to 12 (the echo is compared as two words from 4 to 8 bytes), with and
/// without line ends, some that look like answers.
fn sent() -> impl Strategy<Value = Vec<u8>> {
    let fixed: Vec<&'static [u8]> = vec![
        b"",
        b"A",
        b"AT",
        b"OK",
        b"ATE",
        b"AT+E",
        b"AT+E?",
        b"AT+CSQ",
        b"AT+VER?",
        b"AT+CSQ=1",
        b"AT+LBSN?",
        b"AT+CSQ=12",
        b"AT+SYSINFO",
        b"AT+CSQ=1,2",
        b"AT+CSQ=1,23",
        b"AT+CSQ=1,2,3",
        b"AT+CSQ\r",
        b"AT+CSQ\r\n",
        b"AT+E\n\r",
        b"at+csq",
        b"+ok",
        b"a",
        b"ERROR",
        b"+CSQ:1",
        b"\r",
        b"\xffAT\x00",
        b"AT\x0bE",
        b"PWDat+LBSN",
    ];
    let byte = prop_oneof![
        6 => proptest::sample::select(b"AT+CSQ=?1,OKaok".to_vec()),
        1 => proptest::sample::select(vec![0u8, 0x0B, 0x0C, 0x0E, 0x80, 0xFF, b'\r', b'\n']),
    ];
    prop_oneof![
        3 => proptest::sample::select(fixed).prop_map(<[u8]>::to_vec),
        2 => proptest::collection::vec(byte.clone(), 0..=12),
        1 => proptest::collection::vec(byte, 4..=9),
    ]
}

fn name() -> impl Strategy<Value = Vec<u8>> {
    let fixed: Vec<&'static [u8]> = vec![
        b"CSQ", b"csq", b"LBSN", b"lbsn", b"SYSINFO", b"SysInfo", b"E", b"VER", b"X", b"", b"C Q",
        b"CME", b"OK", b"LBS", b"SYSINF",
    ];
    prop_oneof![
        3 => proptest::sample::select(fixed).prop_map(<[u8]>::to_vec),
        1 => proptest::collection::vec(prop_oneof![b'A'..=b'Z', b'a'..=b'z', b'0'..=b'9'], 1..8),
        1 => proptest::collection::vec(any::<u8>(), 0..5),
    ]
}

fn ex() -> impl Strategy<Value = Ex> {
    let multi = proptest::option::weighted(0.4, any::<bool>());
    let echo_required = proptest::bool::weighted(0.3);
    prop_oneof![
        1 => Just(Ex::Nothing),
        6 => (sent(), name(), echo_required, multi.clone()).prop_map(
            |(sent, name, echo_required, multi_line)| Ex::Command {
                sent,
                name,
                echo_required,
                multi_line,
            }
        ),
        2 => (sent(), echo_required, multi).prop_map(|(sent, echo_required, multi_line)| {
            Ex::ForLine {
                sent,
                echo_required,
                multi_line,
            }
        }),
        2 => Just(Ex::HandshakeA),
        2 => Just(Ex::HandshakeOk),
    ]
}

fn piece() -> impl Strategy<Value = Piece> {
    // Line ends, text and control bytes.
    let misc: Vec<&'static [u8]> = vec![
        b"\r",
        b"\n",
        b"\r\n",
        b"\n\r",
        b"\r\r",
        b"\n\n",
        b"\r\n\r\n",
        b"O",
        b"K",
        b"ok",
        b"Ok",
        b"OKAY",
        b"error",
        b"ERRO",
        b"ERRORS",
        b"AT+CSQ",
        b"AT",
        b" ",
        b"\x00",
        b"\x0b",
        b"\x0c",
        b"\x0e",
        b"\x80",
        b"\xff",
        b"\x09",
        b"\x8a",
        b"\x8d",
        b"\x0d\x0e",
    ];
    // Final results and what is almost one.
    let finals: Vec<&'static [u8]> = vec![
        b"OK",
        b"OK",
        b"OK",
        b"ERROR",
        b"ERROR",
        b"+CME ERROR:",
        b"+CME ERROR: ",
        b"+CME ERROR:5x",
        b"+CME ERROR :5",
        b"+cme error:5",
        b"+CME ERROR:\t\x0c7",
    ];
    // Information lines of other commands, malformed ones, continuation lines.
    let answers: Vec<&'static [u8]> = vec![
        b"+CSQ: 27,99",
        b"+csq:1",
        b"+CSQ",
        b"+CSQ:",
        b"+LBSN:1,2",
        b"+lbsn:",
        b"+SYSINFO:2,3",
        b"+SysInfo: 4,LTE",
        b"+CGDCONT: 1,\"IP\"",
        b"+C Q:1",
        b"+:1",
        b"cell 1,2",
        b"2,LTE",
        b"TAC1=5a30",
    ];
    // Handshake replies, and what is almost one.
    let handshake: Vec<&'static [u8]> = vec![
        b"a", b"a", b"A", b"aa", b"+ok", b"+ok", b"+OK", b"+oK", b"+Ok", b"+o", b"+O", b"+", b"++",
        b"+++", b"+ox", b"+ok+ok",
    ];
    let params: Vec<&'static [u8]> = vec![b"", b"1", b" 27,99", b"\t1,2", b"  x", b"+1"];
    let spaces: Vec<&'static [u8]> = vec![b"", b"", b" ", b"  ", b"\t"];
    let number = prop_oneof![
        4 => 0u32..1000,
        1 => proptest::sample::select(vec![65535u32, 65536, 99999, 100_000, 1_000_000]),
    ];
    prop_oneof![
        6 => proptest::sample::select(misc).prop_map(Piece::Lit),
        6 => proptest::sample::select(finals).prop_map(Piece::Lit),
        3 => proptest::sample::select(answers).prop_map(Piece::Lit),
        3 => proptest::sample::select(handshake).prop_map(Piece::Lit),
        4 => (any::<usize>(), any::<u8>(), any::<usize>()).prop_map(|(i, h, a)| Piece::Sent(i, h, a)),
        3 => (any::<usize>(), any::<bool>(), proptest::sample::select(params))
            .prop_map(|(i, f, p)| Piece::Info(i, f, p)),
        2 => (
            proptest::sample::select(spaces),
            number,
            prop_oneof![3 => Just(0usize), 1 => 1usize..4],
        )
            .prop_map(|(s, n, z)| Piece::Cme(s, n, z)),
        2 => (any::<usize>(), any::<u8>()).prop_map(|(i, k)| Piece::Misses(i, k)),
        2 => proptest::collection::vec(any::<u8>(), 0..12).prop_map(Piece::Raw),
        1 => proptest::collection::vec(
            prop_oneof![Just(b'\r'), Just(b'\n'), Just(b'x'), Just(0u8), Just(0x0Eu8), any::<u8>()],
            0..40,
        )
        .prop_map(Piece::Raw),
        1 => (any::<u8>(), 1usize..80).prop_map(|(b, n)| Piece::Long(b, n)),
        1 => (
            proptest::sample::select(vec![b'x', 0, 0x0B, 0xFF, b'+', b'a', b'O']),
            -2i8..=2,
            any::<u8>(),
        )
            .prop_map(|(b, d, e)| Piece::NearCap(b, d, e)),
    ]
}

fn cuts() -> impl Strategy<Value = Vec<usize>> {
    prop_oneof![
        6 => proptest::collection::vec(1usize..=9, 1..12),
        1 => proptest::collection::vec(prop_oneof![1usize..=9, 10usize..100], 1..12),
        1 => Just(vec![1usize]),
        1 => Just(vec![2usize]),
        1 => Just(vec![3usize]),
        1 => Just(vec![5usize]),
        2 => Just(vec![usize::MAX]),
    ]
}

fn plan() -> impl Strategy<Value = Plan> {
    (
        proptest::collection::vec(ex(), 1..5),
        proptest::collection::vec((piece(), any::<u8>()), 0..32),
        cuts(),
        prop_oneof![
            Just(Keep::Value),
            Just(Keep::Detached),
            Just(Keep::Progress)
        ],
        prop_oneof![
            2 => Just(Plain::Never),
            1 => Just(Plain::LastByte),
            1 => Just(Plain::Always),
        ],
        proptest::collection::vec(proptest::bool::weighted(0.1), 0..48),
        proptest::collection::vec(
            prop_oneof![10 => Just(0u8), 2 => Just(1u8), 1 => Just(2u8), 1 => Just(3u8)],
            0..64,
        ),
    )
        .prop_map(
            |(exps, pieces, cuts, keep, plain, switch_after_event, before_chunk)| Plan {
                exps,
                pieces,
                cuts,
                keep,
                plain,
                switch_after_event,
                before_chunk,
            },
        )
}

/// Cases per buffer size: `PROPTEST_CASES` when set (e.g. many more in release), else a few, so
/// that `cargo test` stays quick.
fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(256);
    ProptestConfig {
        cases,
        ..ProptestConfig::default()
    }
}

fn check<const N: usize>(plan: &Plan) -> Result<(), TestCaseError> {
    let input = build(&plan.pieces, &plan.exps, N);
    run::<N>(plan, &input)
        .map_err(|e| TestCaseError::fail(format!("Framer<{N}> on {input:?}:\n{e}")))
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn framer_1_against_the_model(plan in plan()) {
        check::<1>(&plan)?;
    }

    #[test]
    fn framer_2_against_the_model(plan in plan()) {
        check::<2>(&plan)?;
    }

    #[test]
    fn framer_3_against_the_model(plan in plan()) {
        check::<3>(&plan)?;
    }

    #[test]
    fn framer_4_against_the_model(plan in plan()) {
        check::<4>(&plan)?;
    }

    #[test]
    fn framer_5_against_the_model(plan in plan()) {
        check::<5>(&plan)?;
    }

    #[test]
    fn framer_8_against_the_model(plan in plan()) {
        check::<8>(&plan)?;
    }

    #[test]
    fn framer_12_against_the_model(plan in plan()) {
        check::<12>(&plan)?;
    }

    #[test]
    fn framer_24_against_the_model(plan in plan()) {
        check::<24>(&plan)?;
    }

    #[test]
    fn framer_64_against_the_model(plan in plan()) {
        check::<64>(&plan)?;
    }
}
