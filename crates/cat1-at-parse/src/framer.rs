//! The MCU side: an incremental response framer that knows the command in flight.
//!
//! Feed it bytes as they come from the UART, in any chunking; it hands out one [`Event`] at a
//! time with the number of bytes consumed ([`Status::Complete`]), or [`Status::Partial`] when it
//! needs more. What the framer knows about the exchange in progress lives in an [`Expect`] owned
//! by the caller, so a new command starts from a clean slate by construction.
//!
//! Classification of a complete line (empty lines are ignored, errata #1):
//!
//! 1. the first line equal to the command sent is its [`Event::Echo`] (errata #33);
//! 2. `OK`, `ERROR`, `+CME ERROR:<n>` as a whole line end the exchange ([`Event::Final`]);
//! 3. `+NAME:<params>` with the name of the command in flight is an [`Event::Info`]; for the
//!    commands whose answer spans lines (`+LBSN`, the two-line `+SYSINFO` of older firmware; see
//!    [`MULTI_LINE_ANSWERS`]), a following line that does not start with `+` continues it;
//! 4. anything else is [`Event::Unsolicited`]: the boot banner, heartbeats written to serial,
//!    and results that arrive when nothing is in flight (a late answer after a timeout).
//!
//! Decision: continuation lines are accepted only for the commands known to answer on several
//! lines, so a heartbeat written to serial between `+CSQ:27,99` and `OK` stays unsolicited. For
//! those commands, a line without `+` after the first information line is taken as a
//! continuation, because that is the only shape `+LBSN` and the two-line `+SYSINFO` have; a
//! banner printed by a spontaneous restart in exactly that window is therefore handed out as a
//! continuation line (the restart still shows: the module answers nothing more).
//!
//! With [`Expect::echo_required`], results and information lines that arrive before the echo
//! are unsolicited too: with echo on, a late answer to an earlier command can then never be taken
//! for this command's answer.
//!
//! The handshake replies `a` and `+ok` arrive without a line end; they are recognised only while an
//! [`Expect::handshake_a`] or [`Expect::handshake_ok`] is in flight.

use crate::line::same_bytes;
use crate::{FinalResult, LineBuffer, LineEvent, Params, Status};

/// The commands whose answer continues on lines without `+NAME:` (`+LBSN:` then one line per
/// cell; `+SYSINFO:` then `<n>,<mode>` on older firmware, errata #6).
pub const MULTI_LINE_ANSWERS: &[&[u8]] = &[b"LBSN", b"SYSINFO"];

/// What the framer hands out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum Event<'a> {
    /// The echo of the command in flight.
    Echo(&'a [u8]),
    /// An information line of the command in flight.
    Info(InfoLine<'a>),
    /// The final result of the command in flight.
    Final(FinalResult),
    /// The `a` answering `+++`.
    HandshakeA,
    /// The `+ok` answering `a`: the module is in command mode.
    HandshakeOk,
    /// A line that belongs to no command in flight.
    Unsolicited(&'a [u8]),
    /// A line longer than the framer's buffer was dropped; `dropped` is its length.
    Overflow {
        /// Bytes dropped (the whole line, terminator not counted).
        dropped: usize,
    },
}

/// An information line: `+NAME:<params>` (spaces after the colon skipped, errata #3), or a
/// continuation line of a multi-line answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct InfoLine<'a> {
    line: &'a [u8],
    name: &'a [u8],
    params: &'a [u8],
    continuation: bool,
}

impl<'a> InfoLine<'a> {
    /// Parses `+NAME:<params>`; `None` for any other line.
    pub fn parse(line: &'a [u8]) -> Option<Self> {
        let body = line.strip_prefix(b"+")?;
        let colon = body.iter().position(|&b| b == b':')?;
        let (name, rest) = body.split_at(colon);
        if name.is_empty() || !name.iter().all(u8::is_ascii_alphanumeric) {
            return None;
        }
        let params = rest.get(1..).unwrap_or(&[]).trim_ascii_start();
        Some(InfoLine {
            line,
            name,
            params,
            continuation: false,
        })
    }

    /// The whole line as received (`+CSQ: 27,99`), for parsers that take a full answer line.
    pub const fn line(&self) -> &'a [u8] {
        self.line
    }

    /// The name without `+`; empty for a continuation line.
    pub const fn name(&self) -> &'a [u8] {
        self.name
    }

    /// The text after the colon (or the whole continuation line).
    pub const fn raw_params(&self) -> &'a [u8] {
        self.params
    }

    /// The parameters, split on commas.
    pub const fn params(&self) -> Params<'a> {
        Params::new(self.params)
    }

    /// Whether this line continues the previous information line (it has no `+NAME:`).
    pub const fn is_continuation(&self) -> bool {
        self.continuation
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
enum Waiting {
    Nothing,
    Command,
    HandshakeA,
    HandshakeOk,
}

/// The exchange in flight, owned by the caller and handed to every [`Framer::feed`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Expect<'c> {
    waiting: Waiting,
    sent: &'c [u8],
    name: &'c [u8],
    require_echo: bool,
    multi_line: bool,
    echo_seen: bool,
    info_seen: bool,
    done: bool,
}

impl<'c> Expect<'c> {
    const fn new(waiting: Waiting, sent: &'c [u8], name: &'c [u8]) -> Self {
        Expect {
            waiting,
            sent,
            name,
            require_echo: false,
            multi_line: false,
            echo_seen: false,
            info_seen: false,
            done: false,
        }
    }

    /// Nothing in flight: every line is unsolicited.
    pub const fn nothing() -> Self {
        Self::new(Waiting::Nothing, b"", b"")
    }

    /// A command was sent. `sent` is the line as written (its line ends are ignored), matched
    /// exactly against the echo; `name` is the command name without `AT+`, matched in any case
    /// against `+NAME:` lines.
    pub fn command(sent: &'c [u8], name: &'c [u8]) -> Self {
        let end = sent
            .iter()
            .rposition(|&b| b != b'\r' && b != b'\n')
            .map_or(0, |i| i.saturating_add(1));
        let mut e = Self::new(Waiting::Command, sent.get(..end).unwrap_or(&[]), name);
        e.multi_line = MULTI_LINE_ANSWERS
            .iter()
            .any(|m| m.eq_ignore_ascii_case(name));
        e
    }

    /// Overrides whether lines without `+NAME:` after the first information line continue the
    /// answer (by default only for [`MULTI_LINE_ANSWERS`]).
    pub const fn multi_line(mut self, multi_line: bool) -> Self {
        self.multi_line = multi_line;
        self
    }

    /// A command was sent, and its name is read from the line itself (after `AT+` or `at+`,
    /// which may follow a password prefix).
    pub fn for_line(sent: &'c [u8]) -> Self {
        let name = sent
            .windows(3)
            .position(|w| w.eq_ignore_ascii_case(b"AT+"))
            .and_then(|i| sent.get(i.saturating_add(3)..))
            .map(|rest| {
                let n = rest
                    .iter()
                    .take_while(|b| b.is_ascii_alphanumeric())
                    .count();
                rest.get(..n).unwrap_or(&[])
            })
            .unwrap_or(&[]);
        Self::command(sent, name)
    }

    /// `+++` was sent: waiting for `a`.
    pub const fn handshake_a() -> Self {
        Self::new(Waiting::HandshakeA, b"", b"")
    }

    /// `a` was sent: waiting for `+ok`.
    pub const fn handshake_ok() -> Self {
        Self::new(Waiting::HandshakeOk, b"", b"")
    }

    /// Requires the echo before the answer: anything that comes before it is unsolicited. Use it
    /// when echo is known to be on (`AT+E=ON`, the factory default).
    pub const fn echo_required(mut self) -> Self {
        self.require_echo = true;
        self
    }

    /// Whether the exchange has ended (a final result or the handshake reply arrived).
    pub const fn is_done(&self) -> bool {
        self.done || matches!(self.waiting, Waiting::Nothing)
    }

    /// Whether the echo was seen.
    pub const fn echo_seen(&self) -> bool {
        self.echo_seen
    }

    /// How far the exchange has gone, without the borrowed lines.
    pub const fn progress(&self) -> Progress {
        Progress {
            echo_seen: self.echo_seen,
            info_seen: self.info_seen,
            done: self.done,
        }
    }

    /// The same exchange, continued from `progress`. A driver that owns its transmit buffer
    /// keeps the [`Progress`] between feeds and rebuilds the `Expect` around the buffer each time,
    /// instead of storing a value that borrows from itself.
    pub const fn resume(mut self, progress: Progress) -> Self {
        self.echo_seen = progress.echo_seen;
        self.info_seen = progress.info_seen;
        self.done = progress.done;
        self
    }
}

/// The changing part of an [`Expect`]: whether the echo, an information line and the end of the
/// exchange have been seen. [`Progress::default`] is a fresh exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Progress {
    echo_seen: bool,
    info_seen: bool,
    done: bool,
}

impl Progress {
    /// Whether the exchange has ended.
    pub const fn is_done(&self) -> bool {
        self.done
    }
}

/// Running totals, for the counters a firmware reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Counters {
    /// Complete non-empty lines seen.
    pub lines: u32,
    /// Lines handed out as [`Event::Unsolicited`].
    pub unsolicited: u32,
    /// Lines dropped because they were longer than the buffer.
    pub overflows: u32,
    /// Bytes dropped with those lines.
    pub bytes_dropped: u64,
}

/// The response framer, with a line buffer of `N` bytes ([`crate::MAX_LINE`] holds every line of
/// the manual's command set).
#[derive(Debug, Clone)]
pub struct Framer<const N: usize> {
    lines: LineBuffer<N>,
    lines_seen: u32,
    unsolicited: u32,
}

impl<const N: usize> Default for Framer<N> {
    fn default() -> Self {
        Self::new()
    }
}

fn is_line_end(b: &u8) -> bool {
    *b == b'\r' || *b == b'\n'
}

impl<const N: usize> Framer<N> {
    /// A framer with an empty buffer. `const`, so it can live in a `static`.
    pub const fn new() -> Self {
        Framer {
            lines: LineBuffer::new(),
            lines_seen: 0,
            unsolicited: 0,
        }
    }

    /// Feeds bytes; returns the next event and the bytes consumed, or [`Status::Partial`] when all
    /// of `input` was taken in. Call again with the rest until it returns `Partial`.
    #[inline]
    pub fn feed<'f>(&'f mut self, input: &[u8], expect: &mut Expect<'_>) -> Status<Event<'f>> {
        // The cheap path for input that comes a byte at a time (a UART interrupt): a byte that
        // completes nothing is stored here, inline, without a call.
        if let [b] = *input {
            let handshake = matches!(expect.waiting, Waiting::HandshakeA | Waiting::HandshakeOk)
                && !expect.done;
            if !handshake && self.lines.absorb_byte(b) {
                return Status::Partial;
            }
        }
        self.feed_any(input, expect)
    }

    /// [`Self::feed`] for any input.
    #[inline(never)]
    fn feed_any<'f>(&'f mut self, input: &[u8], expect: &mut Expect<'_>) -> Status<Event<'f>> {
        if !expect.done {
            match expect.waiting {
                Waiting::HandshakeA => return self.feed_handshake_a(input, expect),
                Waiting::HandshakeOk => return self.feed_handshake_ok(input, expect),
                Waiting::Command | Waiting::Nothing => {}
            }
        }
        let Framer {
            lines,
            lines_seen,
            unsolicited,
        } = self;
        match lines.feed(input) {
            Status::Partial => Status::Partial,
            Status::Complete(LineEvent::Overflow { dropped }, n) => {
                Status::Complete(Event::Overflow { dropped }, n)
            }
            Status::Complete(LineEvent::Line(line), n) => {
                *lines_seen = lines_seen.wrapping_add(1);
                let event = classify(line, expect);
                if let Event::Unsolicited(_) = event {
                    *unsolicited = unsolicited.wrapping_add(1);
                }
                Status::Complete(event, n)
            }
        }
    }

    /// Feeds the line layer with at most one line end, so that nothing after it (such as a
    /// handshake byte) is swallowed into the next line.
    fn feed_one_line<'f>(
        &'f mut self,
        input: &[u8],
        skipped: usize,
        expect: &mut Expect<'_>,
    ) -> Status<Event<'f>> {
        let cut = input
            .iter()
            .position(is_line_end)
            .map_or(input.len(), |i| i.saturating_add(1));
        let mut normal = Expect {
            waiting: Waiting::Nothing,
            ..*expect
        };
        let limited = input.get(..cut).unwrap_or(input);
        // `limited` ends at a line end or at the end of the input, so a partial result means all
        // of `input` was taken in. The status is adjusted in place rather than rebuilt, so the
        // event is not copied (a copy that can cost a `memcpy` call).
        let mut status = self.feed_any(limited, &mut normal);
        if let Status::Complete(_, n) = &mut status {
            *n = n.saturating_add(skipped);
        }
        status
    }

    /// Whether the next byte starts a line (nothing pending, not inside an over-long line).
    fn at_line_start(&self) -> bool {
        self.lines.pending().is_empty() && !self.lines.is_discarding()
    }

    fn skip_line_ends(&self, input: &[u8]) -> usize {
        if self.at_line_start() {
            input.iter().take_while(|b| is_line_end(b)).count()
        } else {
            0
        }
    }

    fn feed_handshake_a<'f>(
        &'f mut self,
        input: &[u8],
        expect: &mut Expect<'_>,
    ) -> Status<Event<'f>> {
        let skipped = self.skip_line_ends(input);
        let rest = input.get(skipped..).unwrap_or(&[]);
        if rest.is_empty() {
            return Status::Partial;
        }
        if self.at_line_start() {
            if let Some(b'a') = rest.first() {
                expect.done = true;
                return Status::Complete(Event::HandshakeA, skipped.saturating_add(1));
            }
        }
        self.feed_one_line(rest, skipped, expect)
    }

    fn feed_handshake_ok<'f>(
        &'f mut self,
        input: &[u8],
        expect: &mut Expect<'_>,
    ) -> Status<Event<'f>> {
        const OK: &[u8] = b"+ok";
        let mut i = self.skip_line_ends(input);
        while let Some(&b) = input.get(i) {
            if self.lines.is_discarding() {
                break;
            }
            let pending = self.lines.pending();
            let len = pending.len();
            let matches_so_far = OK
                .get(..len)
                .is_some_and(|p| p.eq_ignore_ascii_case(pending));
            if !matches_so_far || is_line_end(&b) {
                break;
            }
            let next = OK.get(len).copied().unwrap_or(0);
            if !b.eq_ignore_ascii_case(&next) {
                break;
            }
            self.lines.push_bytes(&[b]);
            i = i.saturating_add(1);
            if self.lines.pending().len() == OK.len() {
                self.lines.clear_pending();
                expect.done = true;
                return Status::Complete(Event::HandshakeOk, i);
            }
        }
        let rest = input.get(i..).unwrap_or(&[]);
        if rest.is_empty() {
            return Status::Partial;
        }
        self.feed_one_line(rest, i, expect)
    }

    /// The running totals.
    pub fn counters(&self) -> Counters {
        Counters {
            lines: self.lines_seen,
            unsolicited: self.unsolicited,
            overflows: self.lines.overflows(),
            bytes_dropped: self.lines.bytes_dropped(),
        }
    }

    /// Bytes of the line being assembled; useful to show what a timed-out exchange left behind.
    pub fn pending(&self) -> &[u8] {
        self.lines.pending()
    }

    /// Drops the line being assembled, e.g. after a mode change to transparent data.
    pub fn reset(&mut self) {
        self.lines.clear_pending();
    }
}

/// `+NAME:<params>` for this `name` (any case), as [`InfoLine::parse`] followed by a name
/// comparison would give it, in one pass over the name. `line` starts with `+`.
#[inline]
fn info_of<'l>(line: &'l [u8], name: &[u8]) -> Option<InfoLine<'l>> {
    let body = line.get(1..)?;
    let (head, rest) = body.split_at_checked(name.len())?;
    if name.is_empty() || rest.first() != Some(&b':') {
        return None;
    }
    // InfoLine::parse takes the name up to the first colon and wants it alphanumeric.
    let same = head.iter().zip(name).all(|(&a, &b)| {
        // `a` alphanumeric and equal to `b` in any case; the common case first (same byte).
        let alnum = (a | 0x20).wrapping_sub(b'a') < 26 || a.wrapping_sub(b'0') < 10;
        alnum && (a == b || ((a ^ b) == 0x20 && (a | 0x20).wrapping_sub(b'a') < 26))
    });
    if !same {
        return None;
    }
    Some(InfoLine {
        line,
        name: head,
        params: rest.get(1..).unwrap_or(&[]).trim_ascii_start(),
        continuation: false,
    })
}

/// Classifies one complete line against the exchange in flight.
#[inline]
fn classify<'l>(line: &'l [u8], expect: &mut Expect<'_>) -> Event<'l> {
    if matches!(expect.waiting, Waiting::Command) && !expect.done {
        if !expect.echo_seen && !expect.sent.is_empty() && same_bytes(line, expect.sent) {
            expect.echo_seen = true;
            return Event::Echo(line);
        }
        if expect.echo_seen || !expect.require_echo {
            // Only `+NAME:<params>` can be an information line of the command, and a final
            // result starts with `O`, `E` or `+`: look at the first byte before anything dearer.
            // `+NAME:` (alphanumeric name) and `+CME ERROR:` never both match one line.
            let first = line.first().copied().unwrap_or(0);
            if first == b'+' {
                if let Some(info) = info_of(line, expect.name) {
                    expect.info_seen = true;
                    return Event::Info(info);
                }
            }
            if matches!(first, b'O' | b'E' | b'+') {
                if let Some(result) = FinalResult::parse(line) {
                    expect.done = true;
                    return Event::Final(result);
                }
            }
            if first != b'+' && expect.multi_line && expect.info_seen {
                return Event::Info(InfoLine {
                    line,
                    name: &[],
                    params: line,
                    continuation: true,
                });
            }
        }
    }
    Event::Unsolicited(line)
}
