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

use crate::line::{
    GATE_OPEN, GATE_SHUT, Scan, Taken, after_crlf, after_line_ends, same_bytes, same_words,
    words_up_to,
};
use crate::{FinalResult, LineBuffer, Params, Status};

/// The commands whose answer continues on lines without `+NAME:` (`+LBSN:` then one line per
/// cell; `+SYSINFO:` then `<n>,<mode>` on older firmware, errata #6).
pub const MULTI_LINE_ANSWERS: &[&[u8]] = &[b"LBSN", b"SYSINFO"];

/// Whether `name` is one of [`MULTI_LINE_ANSWERS`] in any case, compared as words: a few
/// instructions per command instead of two byte loops. Their bytes are all letters, for which
/// setting bit 5 folds the case exactly (`x | 0x20 == t` only for `t` and its capital).
#[inline]
const fn is_multi_line(name: &[u8]) -> bool {
    const FOLD: u32 = 0x2020_2020;
    match *name {
        [a, b, c, d] => u32::from_le_bytes([a, b, c, d]) | FOLD == u32::from_le_bytes(*b"lbsn"),
        [a, b, c, d, e, f, g] => {
            u32::from_le_bytes([a, b, c, d]) | FOLD == u32::from_le_bytes(*b"sysi")
                && u32::from_le_bytes([d, e, f, g]) | FOLD == u32::from_le_bytes(*b"info")
        }
        _ => false,
    }
}

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
// Stored as the line and the length of its name (the colon follows the name; 0 for a
// continuation line, whose name is empty and whose parameters are the whole line): two words
// to build per event instead of seven; `name` and `raw_params` are cut from the line when asked.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct InfoLine<'a> {
    line: &'a [u8],
    name_len: usize,
}

impl<'a> InfoLine<'a> {
    /// Parses `+NAME:<params>`; `None` for any other line.
    pub fn parse(line: &'a [u8]) -> Option<Self> {
        let body = line.strip_prefix(b"+")?;
        let colon = body.iter().position(|&b| b == b':')?;
        let name = body.get(..colon)?;
        if name.is_empty() || !name.iter().all(u8::is_ascii_alphanumeric) {
            return None;
        }
        Some(InfoLine {
            line,
            name_len: colon,
        })
    }

    /// The line and the length of its name, for handing the line on in two registers and a
    /// word (cat1-client's receivers of information lines: passed whole, it is copied to the
    /// stack and handed on by its address); [`InfoLine::from_parts`] builds it again. Hidden:
    /// not part of the API.
    #[doc(hidden)]
    #[inline(always)]
    pub const fn into_parts(self) -> (&'a [u8], usize) {
        (self.line, self.name_len)
    }

    /// The line of [`InfoLine::into_parts`] again. Hidden: not part of the API. Parts that no
    /// `into_parts` gave never panic but are no line `parse` gives: name and parameters are
    /// cut at `name_len`; past the line, no name and (up to `usize::MAX - 2`) no parameters,
    /// while at `usize::MAX - 1` and `usize::MAX` the cuts wrap to 0 and 1 (review 41).
    #[doc(hidden)]
    #[inline(always)]
    pub const fn from_parts(line: &'a [u8], name_len: usize) -> Self {
        InfoLine { line, name_len }
    }

    /// A continuation line: no name, the whole line is the parameters.
    const fn continuation(line: &'a [u8]) -> Self {
        InfoLine { line, name_len: 0 }
    }

    /// The whole line as received (`+CSQ: 27,99`), for parsers that take a full answer line.
    pub const fn line(&self) -> &'a [u8] {
        self.line
    }

    /// The name without `+`; empty for a continuation line.
    pub const fn name(&self) -> &'a [u8] {
        // `+NAME`, then without the `+` (for a continuation line: the first byte, then nothing).
        if let Some((head, _)) = self.line.split_at_checked(self.name_len.wrapping_add(1)) {
            if let Some((_, name)) = head.split_first() {
                return name;
            }
        }
        &[]
    }

    /// The text after `+NAME:`, as received (no space skipped); the whole line for a
    /// continuation line. For a decoder that looks at the text itself (one bound tested, where
    /// `name()` and a slice after it test two).
    #[inline(always)]
    pub const fn after_colon(&self) -> &'a [u8] {
        if self.name_len == 0 {
            return self.line;
        }
        // The cut clamped to the line's length first (it lies within for every line `parse`,
        // the framer's ways and `from_parts(into_parts())` make), so that the cut never fails and
        // LLVM selects one index, where `split_at_checked`'s `None` arm was a select of the
        // slice's pointer and of its length (client `.text` -12 bytes, issue 6's twenty-fourth
        // flash round; the text is the same, empty past the line's end either way).
        let at = self.name_len.wrapping_add(2);
        let at = if at < self.line.len() {
            at
        } else {
            self.line.len()
        };
        match self.line.split_at_checked(at) {
            Some((_, text)) => text,
            None => &[],
        }
    }

    /// The text after the colon (or the whole continuation line).
    #[inline(always)]
    pub const fn raw_params(&self) -> &'a [u8] {
        if self.name_len == 0 {
            return self.line;
        }
        // After `+NAME:`, spaces skipped.
        match self.line.split_at_checked(self.name_len.wrapping_add(2)) {
            Some((_, params)) => trim_start(params),
            None => &[],
        }
    }

    /// The parameters, split on commas.
    // Always inlined (with `raw_params`): an out-of-line call cost a decoder about 26
    // instructions a line at opt-level 3; the client's flash is the same.
    #[inline(always)]
    pub const fn params(&self) -> Params<'a> {
        Params::new(self.raw_params())
    }

    /// Whether this line continues the previous information line (it has no `+NAME:`).
    pub const fn is_continuation(&self) -> bool {
        self.name_len == 0
    }
}

// What `#[derive(Debug)]` gave for the struct of four fields this was before (`line`, `name`,
// `params`, `continuation`), so that the output does not change.
impl core::fmt::Debug for InfoLine<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("InfoLine")
            .field("line", &self.line)
            .field("name", &self.name())
            .field("params", &self.raw_params())
            .field("continuation", &self.is_continuation())
            .finish()
    }
}

#[cfg(feature = "defmt")]
impl defmt::Format for InfoLine<'_> {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(
            f,
            "InfoLine {{ line: {=?}, name: {=?}, params: {=?}, continuation: {=bool} }}",
            self.line,
            self.name(),
            self.raw_params(),
            self.is_continuation()
        );
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for InfoLine<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("InfoLine", 4)?;
        st.serialize_field("line", self.line)?;
        st.serialize_field("name", self.name())?;
        st.serialize_field("params", self.raw_params())?;
        st.serialize_field("continuation", &self.is_continuation())?;
        st.end()
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
// Besides what it says (`waiting` to `done`), it keeps two bytes derived from it, for the hot
// paths of the framer: `slow_below` and `phase` (see `Expect::sync`). `PartialEq` compares them
// too, which changes nothing (equal fields give equal derived bytes); `Debug` and
// `defmt::Format` show the fields only, as their derived forms did.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Expect<'c> {
    sent: &'c [u8],
    name: &'c [u8],
    /// Everything but the lines, kept as one value so that [`Expect::attach`] and
    /// [`Expect::detach`] copy two words, not eight fields one by one.
    state: Detached,
}

/// `slow_below` when no handshake reply is awaited: CR and LF are below it.
const LINE_END_BELOW: u8 = b'\r' + 1;
/// `slow_below` while a handshake reply is awaited: every byte but 0xFF goes to the slow path
/// (which takes 0xFF in exactly as the fast path does: it is neither a line end nor part of a
/// reply).
const HANDSHAKE_BELOW: u8 = 0xFF;
/// The gate [`Framer::take_tracked`] keeps for `state` (see `LineBuffer`'s `gate`): the high
/// nibble of `!slow_below`, without a branch: [`GATE_OPEN`] for `LINE_END_BELOW` (below 16),
/// [`GATE_SHUT`] for `HANDSHAKE_BELOW` (0xFF).
#[inline(always)]
const fn gate_of(state: &Detached) -> usize {
    (!state.slow_below & 0xF0) as usize
}
const _: () = assert!(
    (!LINE_END_BELOW & 0xF0) as usize == GATE_OPEN
        && (!HANDSHAKE_BELOW & 0xF0) as usize == GATE_SHUT
);
/// A command is in flight and not done.
const PHASE_ACTIVE: u8 = 1;
/// ... its echo has not been seen: a line equal to `sent` is the echo.
const PHASE_ECHO: u8 = 2;
/// ... answers are taken (the echo was seen, or is not required).
const PHASE_ANSWER: u8 = 4;
/// ... continuation lines are taken (a multi-line answer whose first line was seen).
const PHASE_MORE: u8 = 8;
/// A hint, not a phase: the command's name is letters and digits only ([`Expect::plain_name`]),
/// so a byte of a `+NAME:` line equal to the name's is one too, with no test of its own. Set
/// only for such a name; without it every line is classified the same (more slowly), so
/// `Detached`'s `==` leaves it out. Kept by `Expect::sync`; dropped when the exchange is done.
const PHASE_PLAIN: u8 = 16;

impl core::fmt::Debug for Expect<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Expect")
            .field("waiting", &self.state.waiting)
            .field("sent", &self.sent)
            .field("name", &self.name)
            .field("require_echo", &self.state.require_echo)
            .field("multi_line", &self.state.multi_line)
            .field("echo_seen", &self.state.echo_seen)
            .field("info_seen", &self.state.info_seen)
            .field("done", &self.state.done)
            .finish()
    }
}

#[cfg(feature = "defmt")]
impl defmt::Format for Expect<'_> {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(
            f,
            "Expect {{ waiting: {=?}, sent: {=?}, name: {=?}, require_echo: {=bool}, \
             multi_line: {=bool}, echo_seen: {=bool}, info_seen: {=bool}, done: {=bool} }}",
            self.state.waiting,
            self.sent,
            self.name,
            self.state.require_echo,
            self.state.multi_line,
            self.state.echo_seen,
            self.state.info_seen,
            self.state.done
        );
    }
}

impl<'c> Expect<'c> {
    const fn new(waiting: Waiting, sent: &'c [u8], name: &'c [u8]) -> Self {
        Expect {
            sent,
            name,
            state: Detached {
                waiting,
                require_echo: false,
                multi_line: false,
                echo_seen: false,
                info_seen: false,
                done: false,
                slow_below: match waiting {
                    Waiting::HandshakeA | Waiting::HandshakeOk => HANDSHAKE_BELOW,
                    Waiting::Nothing | Waiting::Command => LINE_END_BELOW,
                },
                phase: match waiting {
                    Waiting::Command => PHASE_ACTIVE | PHASE_ECHO | PHASE_ANSWER,
                    _ => 0,
                },
            },
        }
    }

    /// Recomputes `slow_below` and `phase` from the fields (keeping `PHASE_PLAIN`, which is the
    /// name's).
    #[inline]
    const fn sync(mut self) -> Self {
        let plain = self.state.phase & PHASE_PLAIN;
        let handshake = matches!(
            self.state.waiting,
            Waiting::HandshakeA | Waiting::HandshakeOk
        );
        self.state.slow_below = if handshake && !self.state.done {
            HANDSHAKE_BELOW
        } else {
            LINE_END_BELOW
        };
        self.state.phase = if matches!(self.state.waiting, Waiting::Command) && !self.state.done {
            let mut phase = PHASE_ACTIVE;
            if !self.state.echo_seen {
                phase |= PHASE_ECHO;
            }
            if self.state.echo_seen || !self.state.require_echo {
                phase |= PHASE_ANSWER;
            }
            if self.state.multi_line && self.state.info_seen {
                phase |= PHASE_MORE;
            }
            phase | plain
        } else {
            0
        };
        self
    }

    /// The exchange ended (a final result, or the handshake reply).
    #[inline(always)]
    fn finish(&mut self) {
        self.state.finish();
    }

    /// Nothing in flight: every line is unsolicited.
    pub const fn nothing() -> Self {
        Self::new(Waiting::Nothing, b"", b"")
    }

    /// A command was sent. `sent` is the line as written (its line ends are ignored), matched
    /// exactly against the echo; `name` is the command name without `AT+`, matched in any case
    /// against `+NAME:` lines.
    pub const fn command(sent: &'c [u8], name: &'c [u8]) -> Self {
        let mut sent = sent;
        // One test for the usual line without line ends (both are below 14).
        if let [.., last] = *sent {
            if last <= b'\r' {
                while let [line @ .., b'\r' | b'\n'] = sent {
                    sent = line;
                }
            }
        }
        let mut e = Self::new(Waiting::Command, sent, name);
        e.state.multi_line = is_multi_line(name);
        // `info_seen` is false: `phase` is right.
        e
    }

    /// The same exchange, having looked once at each byte of its name: when the name is letters
    /// and digits only (every name of the command set), its `+NAME:` lines are then compared
    /// with the equal byte first, without a test of each byte of the line. Every line is
    /// classified the same, and the exchange is equal to the one without the look (`==`). For
    /// an exchange built once and started often: at compile time (cat1-config's fixed lines
    /// are), not for each command (the look costs about what it saves on one line). Kept by
    /// [`Expect::detach`] and the methods that change the exchange (until it is done).
    ///
    /// The hint belongs to this name: a `Detached` with it must be fed only with its own name
    /// (what [`Framer::feed_detached_plain`] is given), or lines of a name that is not letters
    /// and digits could be taken as information lines (cat1-client keeps the name in step with
    /// the exchange it starts). Set only on an exchange in flight. The one other place that sets
    /// it is [`CommandLine::emit_exchange`](crate::CommandLine::emit_exchange), for a name that
    /// `emit` has just checked (see `Detached::checked_command`).
    pub const fn plain_name(mut self) -> Self {
        if self.state.phase & PHASE_ACTIVE != 0 && is_plain(self.name) {
            self.state.phase |= PHASE_PLAIN;
        }
        self
    }

    /// Overrides whether lines without `+NAME:` after the first information line continue the
    /// answer (by default only for [`MULTI_LINE_ANSWERS`]).
    pub const fn multi_line(mut self, multi_line: bool) -> Self {
        self.state.multi_line = multi_line;
        self.sync()
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
        self.state.require_echo = true;
        self.sync()
    }

    /// Whether a handshake reply (`a` or `+ok`, no line end) is still awaited.
    #[inline(always)]
    const fn handshake_pending(&self) -> bool {
        self.state.slow_below == HANDSHAKE_BELOW
    }

    /// Whether the exchange has ended (a final result or the handshake reply arrived).
    pub const fn is_done(&self) -> bool {
        self.state.done || matches!(self.state.waiting, Waiting::Nothing)
    }

    /// Whether the echo was seen.
    pub const fn echo_seen(&self) -> bool {
        self.state.echo_seen
    }

    /// How far the exchange has gone, without the borrowed lines.
    pub const fn progress(&self) -> Progress {
        Progress {
            echo_seen: self.state.echo_seen,
            info_seen: self.state.info_seen,
            done: self.state.done,
        }
    }

    /// The same exchange, continued from `progress`. A driver that owns its transmit buffer
    /// keeps the [`Progress`] between feeds and rebuilds the `Expect` around the buffer each time,
    /// instead of storing a value that borrows from itself.
    pub const fn resume(mut self, progress: Progress) -> Self {
        self.state.echo_seen = progress.echo_seen;
        self.state.info_seen = progress.info_seen;
        self.state.done = progress.done;
        self.sync()
    }
}

impl<'c> Expect<'c> {
    /// The line sent, as matched against the echo (line ends trimmed).
    pub const fn sent(&self) -> &'c [u8] {
        self.sent
    }

    /// Everything but the borrowed lines, to keep between feeds: a driver that owns its transmit
    /// buffer stores this and [`attach`](Expect::attach)es it again for each feed, at the cost of
    /// a copy (no line is scanned again, unlike rebuilding with [`Expect::command`]).
    pub const fn detach(&self) -> Detached {
        self.state
    }

    /// The exchange `detached` came from, around `sent` and `name`: pass the same lines as the
    /// original (`sent` as [`Expect::sent`] returned it). Other lines give another exchange
    /// with the same progress.
    pub const fn attach(sent: &'c [u8], name: &'c [u8], detached: Detached) -> Self {
        Expect {
            sent,
            name,
            state: detached,
        }
    }
}

/// An [`Expect`] without its borrowed lines (see [`Expect::detach`]).
// Besides what it says (`waiting` to `done`), it keeps two bytes derived from it, for the hot
// paths of the framer: `slow_below` and `phase` (see `Expect::sync`). `PartialEq` compares them
// too, which changes nothing (equal fields give equal derived bytes), but for the hint
// `PHASE_PLAIN` in `phase` (which changes no classification).
#[derive(Debug, Clone, Copy, Eq)]
pub struct Detached {
    waiting: Waiting,
    require_echo: bool,
    multi_line: bool,
    echo_seen: bool,
    info_seen: bool,
    done: bool,
    /// A byte below this one cannot be stored without a look by [`Framer::feed`]: the line ends
    /// (`LINE_END_BELOW`), or every byte but 0xFF while a handshake reply (`a`, `+ok`) is awaited.
    slow_below: u8,
    /// How a complete line is classified: 0 when it can only be unsolicited (nothing in flight,
    /// a handshake, the exchange done), otherwise the `PHASE_*` bits.
    phase: u8,
}

impl PartialEq for Detached {
    fn eq(&self, other: &Self) -> bool {
        let Detached {
            waiting,
            require_echo,
            multi_line,
            echo_seen,
            info_seen,
            done,
            slow_below,
            phase,
        } = *self;
        waiting == other.waiting
            && require_echo == other.require_echo
            && multi_line == other.multi_line
            && echo_seen == other.echo_seen
            && info_seen == other.info_seen
            && done == other.done
            && slow_below == other.slow_below
            && (phase ^ other.phase) & !PHASE_PLAIN == 0
    }
}

impl Detached {
    /// Nothing in flight (as [`Expect::nothing`]).
    pub const NOTHING: Detached = Expect::nothing().state;

    /// All zero bytes: NOT a usable state. Never attach it or hand it to a [`Framer`] (its
    /// `slow_below` of 0 makes `take_byte`, `feed` and `feed_detached` store a line end as text,
    /// so no line would ever end); it must be overwritten before use. Only what a caller building a value
    /// from zero bytes puts here before it writes a state over it: cat1-client's `Core::new`,
    /// which then clears its whole core with one `__aeabi_memclr8` call and writes
    /// [`Detached::NOTHING`] (with `NOTHING` in the literal, the clear stopped at it: two calls
    /// and the transmit buffer's own; client `.text` -16 bytes). Hidden: for that use only.
    #[doc(hidden)]
    pub const CLEARED: Detached = Detached {
        waiting: Waiting::Nothing,
        require_echo: false,
        multi_line: false,
        echo_seen: false,
        info_seen: false,
        done: false,
        slow_below: 0,
        phase: 0,
    };

    /// `Expect::command(line, name)`, with `echo_required` when asked, detached, with the hint
    /// of [`Expect::plain_name`] for a name that is not empty, without its look at the name: for
    /// a caller that has just checked it (`CommandLine::emit` copies a command's name only when
    /// it is letters and digits). Never for a name that was not checked. Written out field by
    /// field (what `Expect::command`, `echo_required` and `sync` give a fresh command): inlined
    /// into `Core::start` with `emit`, `Expect::command` was left out of line (a call, about 24
    /// instructions a command).
    #[inline(always)]
    pub(crate) const fn checked_command(name: &[u8], echo_required: bool) -> Detached {
        Detached {
            waiting: Waiting::Command,
            require_echo: echo_required,
            multi_line: is_multi_line(name),
            echo_seen: false,
            info_seen: false,
            done: false,
            slow_below: LINE_END_BELOW,
            phase: PHASE_ACTIVE
                | PHASE_ECHO
                | if echo_required { 0 } else { PHASE_ANSWER }
                | if name.is_empty() { 0 } else { PHASE_PLAIN },
        }
    }

    /// The same exchange, with the hint of [`Expect::plain_name`] kept only when `keep`: without
    /// it every line is classified the same (the exchange is `==` to the one with it), more
    /// slowly. For a driver whose fast way to the name holds only some of the names it starts
    /// with the hint (cat1-client's `Core`: a name within the first 256 bytes of its buffer),
    /// so that way is taken only for a name it holds.
    #[inline(always)]
    pub const fn plain_hint_if(mut self, keep: bool) -> Self {
        if !keep {
            self.phase &= !PHASE_PLAIN;
        }
        self
    }

    /// Whether the hint of [`Expect::plain_name`] is set (for the tests of its contract).
    #[cfg(test)]
    pub(crate) const fn plain_hint(&self) -> bool {
        self.phase & PHASE_PLAIN != 0
    }

    /// Whether the exchange has ended.
    pub const fn is_done(&self) -> bool {
        self.done || matches!(self.waiting, Waiting::Nothing)
    }

    /// Whether the exchange ended (a final result or the handshake reply arrived):
    /// [`Detached::is_done`] without its look at whether anything was in flight, for a driver
    /// that tests the commonest case (an exchange that ended) first, and the rest apart.
    pub const fn ended(&self) -> bool {
        self.done
    }

    /// Whether a handshake reply (`a` or `+ok`) is still awaited.
    pub const fn handshake_pending(&self) -> bool {
        self.slow_below == HANDSHAKE_BELOW
    }

    /// The exchange ended (a final result, or the handshake reply).
    #[inline(always)]
    fn finish(&mut self) {
        self.done = true;
        self.slow_below = LINE_END_BELOW;
        // Nothing more is taken (the name's `PHASE_PLAIN` goes too: only a hint).
        self.phase = 0;
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

/// A line [`Framer::end_line`] or [`Framer::scan_line`] ended, to hand to
/// [`Framer::classify_plain`] (or [`Framer::take_ended_ok`], then, if it hands the token
/// back, [`Framer::classify_unless_ok`]) of the same framer, once, before any other call on it: the
/// framer's buffer holds the line until then, and the line is counted only there. Not `Copy`,
/// and `#[must_use]`: a token used twice would count its line twice, one dropped would lose the
/// line without a count.
#[derive(Debug, PartialEq, Eq)]
#[must_use = "the line is gone from the framer's buffer unless classify_plain (or take_ended_ok and classify_unless_ok) takes it"]
pub struct EndedLine {
    len: usize,
    /// The bytes of the input consumed with it (1 from `end_line`).
    used: usize,
}

/// A plain name's information line [`Framer::take_plain_info`] took, to hand to
/// [`Framer::ended_info`] of the same framer before any other call on it (the framer's buffer
/// holds the line until then). Counted already; `#[must_use]`: one dropped loses the line.
#[derive(Debug, PartialEq, Eq)]
#[must_use = "the information line is lost unless ended_info hands it out"]
pub struct EndedInfo {
    len: usize,
    /// The bytes of the input consumed with it.
    used: usize,
    /// The length of the exchange's name (for `InfoLine`).
    name_len: usize,
}

/// A line [`Framer::take_echo`] found not to be the echo of the line sent, to hand to
/// [`Framer::take_plain_info_not_echo`] (or, as the line, [`NotEcho::line`], to
/// [`Framer::classify_other`]) of the same framer, before any other call on it.
#[derive(Debug, PartialEq, Eq)]
#[must_use = "the line is gone from the framer's buffer unless it is classified"]
pub struct NotEcho(EndedLine);

impl NotEcho {
    /// The line, for [`Framer::classify_other`].
    pub fn line(self) -> EndedLine {
        self.0
    }
}

/// What [`Framer::scan_line`] found in a chunk.
#[derive(Debug, PartialEq, Eq)]
#[must_use = "a line ended, or the rest of the input is left to feed"]
pub enum Scanned {
    /// `OK` ending the exchange was taken, with these bytes of the input (the exchange is
    /// finished): `feed` would hand out `Event::Final(FinalResult::Ok)`.
    Ok(usize),
    /// A line ended: classify it with [`Framer::classify_plain`] (or
    /// [`Framer::take_ended_ok`], then [`Framer::classify_unless_ok`]).
    Line(EndedLine),
    /// All of the input was taken in, completing nothing.
    Partial,
    /// The input from this byte on goes the general way ([`Framer::feed_detached_apart`],
    /// whose bytes consumed count from there): the bytes before it were taken in.
    Rest(usize),
}

/// What [`Framer::feed_detached`] does once the exchange's lines are attached.
enum Next {
    /// Classify the line of this length that ended; the bytes consumed.
    Line(usize, usize),
    /// Feed this one byte the general way.
    Byte(u8),
    /// Feed the input from this byte on the general way.
    Rest(usize),
}

/// The response framer, with a line buffer of `N` bytes ([`crate::MAX_LINE`] holds every line of
/// the manual's command set).
// `repr(C)`, the line buffer first: at the framer's own address (and so at the core's, which puts
// its framer first), where `take_tracked`'s one `ldrd` of the length and the gate reaches it.
#[derive(Debug, Clone)]
#[repr(C)]
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

    /// Stores one byte that cannot complete anything (above CR) without an [`Expect`]: the
    /// cheapest path for a driver fed a byte at a time that keeps its exchange detached. Only
    /// while no handshake reply (`a`, `+ok`) is awaited: those end without a line end. Returns
    /// `false`, with nothing changed, when the byte needs [`Framer::feed`] (a line end, no room
    /// left, an over-long line being dropped).
    #[inline]
    pub fn push_plain(&mut self, byte: u8) -> bool {
        if byte < LINE_END_BELOW {
            return false;
        }
        let len = self.lines.pending_len();
        self.lines.push_fast(byte, len)
    }

    /// [`Framer::feed`]'s one-byte path up to where it needs the lines of the exchange: stores a
    /// byte that completes nothing, or skips a line end at the start of a line (it would end
    /// an empty line, which is ignored), and returns `true`; returns `false`, with nothing
    /// changed, when the byte needs [`Framer::feed_detached`] with the same `state`. For a driver
    /// fed a byte at a time that keeps its exchange detached: no `Expect` to attach for most
    /// bytes, and no flag of its own to know where a line starts. `state` must be the exchange's
    /// current state, the one [`Framer::feed_detached`] keeps up to date: a stale one (say
    /// [`Detached::NOTHING`] while a handshake reply is awaited) would store the reply's `a` as
    /// line data.
    #[inline(always)]
    pub fn take_byte(&mut self, byte: u8, state: &Detached) -> bool {
        let len = self.lines.pending_len();
        if byte >= state.slow_below {
            return self.lines.push_fast(byte, len);
        }
        len == 0 && is_line_end(&byte)
    }

    /// [`Framer::take_byte`] with the state the framer was last told instead of one passed in:
    /// told by [`Framer::track`], and by every detached feed ([`Framer::feed_detached`] and the
    /// like), which tells it the state it is given before it feeds. Never stores a byte that
    /// `take_byte(byte, state)` would decline, `state` the exchange's current state, provided
    /// that `track` was called when a handshake reply began to be awaited (a handshake
    /// started): the reply comes without a line end, and would otherwise be stored as line
    /// data. Otherwise the one difference is speed: a byte declined while the framer's view
    /// is stale (a framer not told yet, [`Framer::new`]'s, stores none; one told that a
    /// handshake reply was awaited, none until told otherwise) or below 16 (the control bytes
    /// 14 and 15 too) takes the general way, which tells the framer the state; a line end at
    /// the start of a line is skipped, as `take_byte` skips it. So a driver that hands every
    /// byte declined to a detached feed calls `track` only when it starts a handshake.
    /// Why: the pending length and the gate are two words side by side, one `ldrd`, and the
    /// byte's test one `tst` (the gate a mask: 0 shut, so a new framer is zeroed): 11
    /// instructions a byte in cat1-client's loop instead of 12.
    #[inline(always)]
    pub fn take_tracked(&mut self, byte: u8) -> bool {
        let len = self.lines.pending_len();
        if self.lines.gate_passes(byte) {
            return self.lines.push_fast(byte, len);
        }
        len == 0 && is_line_end(&byte)
    }

    /// Tells the framer the exchange's state, for [`Framer::take_tracked`]: only whether a
    /// handshake reply is awaited is kept (the gate shut if so, open otherwise).
    #[inline(always)]
    pub fn track(&mut self, state: &Detached) {
        self.lines.set_gate(gate_of(state));
    }

    /// Whether [`Framer::take_tracked`] stores bytes above line ends now (its gate is open):
    /// never while a handshake reply is awaited, when its contract is kept.
    pub fn gate_open(&self) -> bool {
        self.lines.gate_passes(b'A')
    }

    /// [`Framer::feed_detached`] of one byte for the commonest line, after
    /// [`Framer::take_byte`] declined the byte: a line end that completes `OK` ending the
    /// exchange (`state` the exchange's, its line sent `sent_len` bytes long, as
    /// `feed_detached` reads it from its lines). Then the line is taken and counted, `state`
    /// finished, and `true`: `feed_detached` would hand out `Event::Final(FinalResult::Ok)`,
    /// the byte consumed. `false`, with nothing changed, for anything else (which
    /// `feed_detached` takes). For a driver fed a byte at a time: the commonest line ends
    /// inline, without the lines or a call.
    #[inline(always)]
    pub fn take_ok(&mut self, byte: u8, state: &mut Detached, sent_len: usize) -> bool {
        // A line of 2 bytes (never an over-long one being dropped): `end_line` would take it.
        if is_line_end(&byte) && self.ok_ends(self.lines.pending_len(), state.phase, sent_len) {
            self.lines.clear_pending();
            self.final_line(state);
            return true;
        }
        false
    }

    /// [`Framer::feed_detached`] of a chunk for the commonest line: `OK` ending the exchange
    /// (`state` the exchange's, its line sent `sent_len` bytes long), at the start of `input`
    /// or after one CR LF (the end of the line before it), with its line end, and no line
    /// pending. Then the line is counted, `state` finished, and the bytes `feed_detached`
    /// would consume returned (the LF of a CR LF that ends `OK` taken with it): it would hand
    /// out `Event::Final(FinalResult::Ok)`. `None`, with nothing changed, for anything else
    /// (which `feed_detached` takes). For a driver fed chunks: the commonest line without the
    /// scan and the lines (the bytes of `OK` are not stored: no line is pending after it).
    #[inline(always)]
    pub fn take_ok_line(
        &mut self,
        input: &[u8],
        state: &mut Detached,
        sent_len: usize,
    ) -> Option<usize> {
        // A line pending first (a chunk that goes on with a line), then the bytes (they fail
        // soonest for other lines), as `LineBuffer::scan_plain` skips the line ends at the
        // start of a line: one CR LF (a run of others goes the general way), then `OK` and a
        // line end.
        // A buffer shorter than `OK` drops it as over-long (`feed` hands out its overflow): not
        // taken here (`N` is known at compile time: no test left in a real build).
        if N < 2 || self.lines.pending_len() != 0 {
            return None;
        }
        let rest = after_crlf(input);
        self.ok_at(rest, input.len().wrapping_sub(rest.len()), state, sent_len)
    }

    /// [`Framer::take_ok_line`] of its commonest input alone: `OK` ending the exchange after one
    /// CR LF and ended by CR LF (`\r\nOK\r\n` at the start of `input`), no line pending.
    /// Then what `take_ok_line` does for it (the line counted, `state` finished) and `true`:
    /// `feed_detached` would hand out `Event::Final(FinalResult::Ok)`, six bytes consumed.
    /// `false`, with nothing changed, for anything else (which `take_ok_line` or
    /// [`Framer::scan_line`] may still take). For a driver fed chunks: the six bytes tested
    /// as a word and a halfword, small enough to be inline in the driver's loop (no call, no
    /// frame: the scan's only for the rest).
    #[inline(always)]
    pub fn take_crlf_ok(&mut self, input: &[u8], state: &mut Detached, sent_len: usize) -> bool {
        let Some(&[a, b, c, d, e, f]) = input.first_chunk::<6>() else {
            return false;
        };
        // As `take_ok_line`: no line pending, a buffer that holds `OK` (`N` known at compile
        // time); the handshake replies leave `ok_phase` false.
        if N < 2
            || self.lines.pending_len() != 0
            || u32::from_le_bytes([a, b, c, d]) != u32::from_le_bytes(*b"\r\nOK")
            || u16::from_le_bytes([e, f]) != u16::from_le_bytes(*b"\r\n")
            || !ok_phase(state.phase, sent_len)
        {
            return false;
        }
        self.final_line(state);
        true
    }

    /// [`Framer::take_crlf_ok`] of a chunk that is `\nOK\r\n` alone (the LF of the CR LF
    /// before `OK` cut from its CR by the chunk before, as a response's last chunk often is): no
    /// line pending (the LF at the start of a line is skipped), then what `take_crlf_ok` does
    /// (the line counted, `state` finished) and `true`: `feed_detached` would hand out
    /// `Event::Final(FinalResult::Ok)`, the five bytes consumed. `false`, with nothing changed,
    /// for anything else. For a driver fed chunks: without it, such a chunk went through
    /// [`Framer::scan_line`] (its `OK` not seen at the start, after the lone LF).
    #[inline(always)]
    pub fn take_lf_ok(&mut self, input: &[u8], state: &mut Detached, sent_len: usize) -> bool {
        if N < 2
            || input != b"\nOK\r\n"
            || self.lines.pending_len() != 0
            || !ok_phase(state.phase, sent_len)
        {
            return false;
        }
        self.final_line(state);
        true
    }

    /// [`Framer::take_ok_line`] past its look at the start: `OK` ending the exchange at the
    /// start of `rest`, with its line end, `skip` bytes into the input. Then the line counted,
    /// `state` finished, and the bytes of the input consumed with it (the LF of a CR LF that
    /// ends `OK` taken too); `None`, with nothing changed, for anything else.
    #[inline(always)]
    fn ok_at(
        &mut self,
        rest: &[u8],
        skip: usize,
        state: &mut Detached,
        sent_len: usize,
    ) -> Option<usize> {
        let (&ok, tail) = rest.split_first_chunk::<2>()?;
        if u16::from_le_bytes(ok) != u16::from_le_bytes(*b"OK") {
            return None;
        }
        let (&end, tail) = tail.split_first()?;
        if !is_line_end(&end) || !ok_phase(state.phase, sent_len) {
            return None;
        }
        let lf = end == b'\r' && tail.first() == Some(&b'\n');
        self.final_line(state);
        Some(skip.wrapping_add(3).wrapping_add(usize::from(lf)))
    }

    /// [`Framer::feed_detached_plain`] of one byte up to the line's classification, after
    /// [`Framer::take_byte`] (and [`Framer::take_ok`]) declined it: a line end that ends a line
    /// (bytes pending, not an over-long line being dropped) ends it here and returns it, for
    /// [`Framer::classify_plain`], which `feed_detached_plain` would call next with the byte
    /// consumed. `None`, with nothing changed, for any other byte (which `feed_detached_plain`
    /// takes). For a driver fed a byte at a time: a line that is not `OK` ending the exchange
    /// (an information line, mostly) classified without the general way's scan and frame.
    #[inline(always)]
    #[must_use = "the line is gone from the framer's buffer unless classify_plain (or take_ended_ok and classify_unless_ok) takes it"]
    pub fn end_line(&mut self, byte: u8) -> Option<EndedLine> {
        let len = self.lines.pending_len();
        if !is_line_end(&byte) || len == 0 {
            return None;
        }
        self.lines
            .end_line(len)
            .map(|len| EndedLine { len, used: 1 })
    }

    /// Whether `input` is one CR LF at the start of a line (no line pending, no handshake reply
    /// awaited): [`Framer::scan_line`] would skip it and return [`Scanned::Partial`], nothing
    /// changed.
    #[inline(always)]
    pub fn skips_crlf(&self, input: &[u8], state: &Detached) -> bool {
        input == b"\r\n" && self.lines.pending_len() == 0 && state.slow_below != HANDSHAKE_BELOW
    }

    /// [`Framer::take_byte`] of each byte of `input` in turn (`state` the exchange's), up to
    /// the first it declines: the bytes taken (stored, or skipped as line ends at the start of
    /// a line), what [`Framer::feed_detached`] would have done with them (while a handshake
    /// reply is awaited too: `take_byte` declines every byte the reply may be made of). For a
    /// driver fed short chunks: the bytes of a line a chunk cuts, a byte at a time without the
    /// scan's frame; the rest to [`Framer::scan_line`] (or [`Framer::end_line_first`]).
    #[inline(always)]
    pub fn take_bytes(&mut self, input: &[u8], state: &Detached) -> usize {
        let mut taken: usize = 0;
        while let Some(&b) = input.get(taken) {
            if !self.take_byte(b, state) {
                break;
            }
            taken = taken.wrapping_add(1);
        }
        taken
    }

    /// [`Framer::end_line`] of a chunk's first byte, with what [`Framer::scan_line`] returns for
    /// that chunk (`state` the exchange's): a line end that ends the pending line (bytes
    /// pending, not an over-long line being dropped, no handshake reply awaited) ends it here
    /// and returns it, the bytes consumed with it the line end and the LF of a CR LF after it,
    /// as `scan_line` counts them. `None`, with nothing changed, for anything else (which
    /// `scan_line` takes). For a driver fed chunks: a line cut by the chunk before just ahead
    /// of its line end (`+CME ERROR: 10` and `\r\n` fed 16 bytes at a time) classified without
    /// the scan's frame.
    #[inline(always)]
    #[must_use = "the line is gone from the framer's buffer unless classify_plain (or take_ended_ok and classify_unless_ok) takes it"]
    pub fn end_line_first(&mut self, input: &[u8], state: &Detached) -> Option<EndedLine> {
        let (&b, rest) = input.split_first()?;
        // `scan_line` hands every chunk to the general way while a handshake reply is awaited.
        if state.slow_below == HANDSHAKE_BELOW {
            return None;
        }
        let line = self.end_line(b)?;
        let lf = b == b'\r' && rest.first() == Some(&b'\n');
        Some(EndedLine {
            len: line.len,
            used: usize::from(lf).wrapping_add(1),
        })
    }

    /// [`Framer::take_ok_line`], then [`Framer::feed_detached_plain`] of any input up to the
    /// line's classification, without the exchange's lines (`state` the exchange's, its line
    /// sent `sent_len` bytes long, as `take_ok_line` takes them): `OK` ending the exchange at
    /// the start of a line, after one CR LF or none, taken as `take_ok_line` takes it
    /// ([`Scanned::Ok`]); otherwise the bytes of a line stored (four at a time, as `feed`
    /// stores a chunk), and a line that ends returned for [`Framer::classify_plain`], which
    /// `feed_detached_plain` would call next; [`Scanned::Partial`] when all of `input` was
    /// taken in; [`Scanned::Rest`] from a byte that needs the general way (a control byte, no
    /// room left, an over-long line being dropped, or any byte while a handshake reply is
    /// awaited), which `feed_detached_plain` would hand to it. For a driver fed chunks: the
    /// commonest line without the scan, the CR LF before a line looked at once for both, and
    /// the lines of the exchange needed only when another line ends, so a chunk that completes
    /// nothing costs no more than the scan.
    #[inline(always)]
    pub fn scan_line(&mut self, input: &[u8], state: &mut Detached, sent_len: usize) -> Scanned {
        if state.slow_below == HANDSHAKE_BELOW {
            return Scanned::Rest(0);
        }
        // One byte goes the same way as in `feed`: stored, a line end that ends a line (the
        // LF of a CR LF is never there to take), one at the start of a line skipped, anything
        // else left.
        let rest = if self.lines.pending_len() == 0 {
            let rest = after_crlf(input);
            // A buffer shorter than `OK` drops it as over-long: not taken here (as in
            // `take_ok_line`; `N` is known at compile time).
            if N >= 2 {
                if let Some(used) =
                    self.ok_at(rest, input.len().wrapping_sub(rest.len()), state, sent_len)
                {
                    return Scanned::Ok(used);
                }
            }
            after_line_ends(rest)
        } else {
            input
        };
        match self.lines.scan_after::<true>(input.len(), rest) {
            Scan::Line(len, used) => Scanned::Line(EndedLine { len, used }),
            Scan::Partial => Scanned::Partial,
            Scan::Discard(from) => Scanned::Rest(from),
        }
    }

    /// Classifies the line [`Framer::end_line`] ended, as [`Framer::feed_detached_plain`] does
    /// once its line is complete: `OK` ending the exchange and, for an exchange whose name is
    /// known to be letters and digits, its information line first, without the `Expect`
    /// attached; any other line attached and classified. `sent` and `name` as
    /// `feed_detached_plain` takes them (`name` called only for a line that is not that `OK`),
    /// `state` updated as it updates it; what it would return for the line: an event, the
    /// bytes consumed with the line (never [`Status::Partial`]).
    #[inline(always)]
    pub fn classify_plain<'f, 'c>(
        &'f mut self,
        line: EndedLine,
        state: &mut Detached,
        sent: &'c [u8],
        name: impl FnOnce() -> &'c [u8],
    ) -> Status<Event<'f>> {
        self.line_detached::<true, true>(line.len, line.used, state, sent, name)
    }

    /// [`Framer::classify_plain`]'s first step for the line [`Framer::end_line`] or
    /// [`Framer::scan_line`] ended: when it is `OK` ending the exchange (`state` the
    /// exchange's, its line sent `sent_len` bytes long), the line counted, `state` finished
    /// and the bytes consumed with it returned (the token used up): `classify_plain` would
    /// hand out `Event::Final(FinalResult::Ok)` with them. For any other line, nothing changed
    /// and the token handed back, for [`Framer::classify_unless_ok`]. For a driver: the
    /// commonest line handed on without the event, when `ok_at` could not see it (cut by the
    /// chunk's start, or after a lone LF). The token taken by value, not borrowed: a line taken
    /// here cannot be classified again (and counted twice).
    #[inline(always)]
    pub fn take_ended_ok(
        &mut self,
        line: EndedLine,
        state: &mut Detached,
        sent_len: usize,
    ) -> Result<usize, EndedLine> {
        if self.ok_ends(line.len, state.phase, sent_len) {
            self.final_line(state);
            return Ok(line.used);
        }
        Err(line)
    }

    /// [`Framer::classify_plain`] of a line [`Framer::take_ended_ok`] declined: the same,
    /// without its test for `OK` ending the exchange (an `OK` ending it given here directly is
    /// still taken so, by the slower general classification).
    #[inline(always)]
    pub fn classify_unless_ok<'f, 'c>(
        &'f mut self,
        line: EndedLine,
        state: &mut Detached,
        sent: &'c [u8],
        name: impl FnOnce() -> &'c [u8],
    ) -> Status<Event<'f>> {
        self.line_detached::<true, false>(line.len, line.used, state, sent, name)
    }

    /// [`Framer::classify_unless_ok`]'s first step for the line [`Framer::take_ended_ok`]
    /// declined: when it is the information line `+NAME:` of an exchange whose name is known to
    /// be letters and digits (`state` the exchange's, its line sent `sent_len` bytes long, its
    /// name `name`), the line counted, `state` updated and the line handed back as a token for
    /// [`Framer::ended_info`] (`classify_unless_ok` would hand it out as `Event::Info`). For any
    /// other line, nothing changed and the token handed back, for [`Framer::classify_other`].
    /// For a driver that classifies the other lines in a function of its own: the information
    /// line, the commonest after `OK`, without their code around it. `name` is called only for
    /// a line that may be the information line (a line `+...` while answers are taken), so a
    /// driver that cuts the name from its buffer does not cut it for the others.
    #[inline(always)]
    pub fn take_plain_info<'c>(
        &mut self,
        line: EndedLine,
        state: &mut Detached,
        sent_len: usize,
        name: impl FnOnce() -> &'c [u8],
    ) -> Result<EndedInfo, EndedLine> {
        match self.plain_info_ends::<true>(line.len, state, sent_len, name) {
            Some(name_len) => Ok(EndedInfo {
                len: line.len,
                used: line.used,
                name_len,
            }),
            None => Err(line),
        }
    }

    /// The information line [`Framer::take_plain_info`] took, and the bytes of the input
    /// consumed with it.
    #[inline(always)]
    pub fn ended_info(&self, info: EndedInfo) -> (InfoLine<'_>, usize) {
        let line = InfoLine {
            line: self.lines.line(info.len),
            name_len: info.name_len,
        };
        (line, info.used)
    }

    /// [`Framer::classify_unless_ok`] of a line [`Framer::take_plain_info`] declined: the
    /// same event and `state` (an `OK` ending the exchange or a plain name's information line
    /// given here directly is still classified so), the line classified on the detached state
    /// with the exchange's lines apart, without an `Expect` built and copied back and without
    /// the call `classify_unless_ok` makes for it (the echo, `+CME ERROR`, `ERROR`, a
    /// continuation line, an unsolicited line). `name` gives the command's name, called only
    /// for a line `+...`. More code than `classify_unless_ok` where it is inlined.
    #[inline(always)]
    pub fn classify_other<'c>(
        &mut self,
        line: EndedLine,
        state: &mut Detached,
        sent: &'c [u8],
        name: impl Fn() -> &'c [u8],
    ) -> (Event<'_>, usize) {
        let Framer {
            lines,
            lines_seen,
            unsolicited,
        } = self;
        *lines_seen = lines_seen.wrapping_add(1);
        let event = classify_apart(
            lines.line(line.len),
            lines.first_byte(),
            &mut Apart { state, sent, name },
            unsolicited,
        );
        (event, line.used)
    }

    /// Whether `line` is as long as the line sent (`sent_len` bytes): whether it may be its
    /// echo, for a driver that offers such a line to [`Framer::take_echo`] and sends the others
    /// another way.
    #[inline(always)]
    pub fn may_be_echo(&self, line: &EndedLine, sent_len: usize) -> bool {
        line.len == sent_len
    }

    /// [`Framer::classify_other`] of a line that is the echo of the line sent (`state` the
    /// exchange's, `sent` its line sent): the echo awaited and the line the same bytes. Then the
    /// line counted, `state` updated (the echo seen, answers taken from now on) and the bytes
    /// consumed: `classify_other` would hand out `Event::Echo` of the line. For any other line,
    /// nothing changed and the line handed back as not the echo (for
    /// [`Framer::take_plain_info_not_echo`], or [`NotEcho::line`] for `classify_other`). For a
    /// driver: the echo without `classify_other`'s frame and event.
    #[inline(always)]
    pub fn take_echo(
        &mut self,
        line: EndedLine,
        state: &mut Detached,
        sent: &[u8],
    ) -> Result<usize, NotEcho> {
        let phase = state.phase;
        if line.len != sent.len()
            || phase & PHASE_ECHO == 0
            || !same_words(self.lines.line(line.len), sent)
        {
            return Err(NotEcho(line));
        }
        self.lines_seen = self.lines_seen.wrapping_add(1);
        state.echo_seen = true;
        state.phase = (phase & !PHASE_ECHO) | PHASE_ANSWER;
        Ok(line.used)
    }

    /// [`Framer::take_echo`] of a line [`Framer::may_be_echo`] found as long as the line sent,
    /// the line sent given as what it starts (`from`, the driver's transmit buffer): `from` cut
    /// at the line's length, the same slice as the line sent for such a line. For any line
    /// longer than `from`, nothing changed and the line handed back as not the echo. For a
    /// driver that keeps the line sent's length apart: not read and clamped again (about 5
    /// instructions an echo).
    #[inline(always)]
    pub fn take_echo_from(
        &mut self,
        line: EndedLine,
        state: &mut Detached,
        from: &[u8],
    ) -> Result<usize, NotEcho> {
        match from.get(..line.len) {
            Some(sent) => self.take_echo(line, state, sent),
            None => Err(NotEcho(line)),
        }
    }

    /// [`Framer::take_plain_info`] of a line [`Framer::take_echo`] declined (`state` the
    /// exchange's, `name` its name): the same, without the test of whether the line may be the
    /// echo (it is not), which made `take_plain_info` decline an information line as long as
    /// the line sent while the echo may come (`AT+E?` and `+E:ON`). For any other line, nothing
    /// changed and the token handed back, for [`Framer::classify_other`].
    #[inline(always)]
    pub fn take_plain_info_not_echo<'c>(
        &mut self,
        line: NotEcho,
        state: &mut Detached,
        name: impl FnOnce() -> &'c [u8],
    ) -> Result<EndedInfo, EndedLine> {
        let NotEcho(line) = line;
        match self.plain_info_ends::<false>(line.len, state, 0, name) {
            Some(name_len) => Ok(EndedInfo {
                len: line.len,
                used: line.used,
                name_len,
            }),
            None => Err(line),
        }
    }

    /// Whether the line buffer starts with `+CME`: of a line that ended and is not yet
    /// classified (an [`EndedLine`] held), whether it may be `+CME ERROR` (one word compared;
    /// past the end of a line shorter than four bytes, stale bytes: a hint, which
    /// `take_cme_error` does not rely on). For a driver that offers such a line to
    /// [`Framer::take_cme_error`] and sends the others another way.
    #[inline(always)]
    pub fn starts_with_cme(&self) -> bool {
        self.lines.starts_with(*b"+CME")
    }

    /// [`Framer::classify_other`] of a line that is `+CME ERROR:<n>` ending the exchange
    /// (`state` the exchange's, its line sent `sent_len` bytes long): an answer is taken, the
    /// line cannot be the echo (not as long as the line sent, or the echo not awaited) and
    /// reads as `+CME ERROR:<n>`. Then the line counted, `state` finished and the result with
    /// the bytes consumed: `classify_other` would hand out `Event::Final` of it. For any other
    /// line, nothing changed and the token handed back (for `classify_other`). No name is
    /// looked at: a line that reads as `+CME ERROR:` is no command's information line (the
    /// text before its first colon holds a space, never a name's byte). For a driver: the
    /// error answer without `classify_other`'s echo test, name comparison and frame.
    #[inline(always)]
    pub fn take_cme_error(
        &mut self,
        line: EndedLine,
        state: &mut Detached,
        sent_len: usize,
    ) -> Result<(FinalResult, usize), EndedLine> {
        let phase = state.phase;
        // (The `+` is tested with the words of `+CME ERROR:`.)
        if phase & PHASE_ANSWER == 0 || (line.len == sent_len && phase & PHASE_ECHO != 0) {
            return Err(line);
        }
        match cme_error_line(self.lines.line(line.len)) {
            Some(result) => {
                self.final_line(state);
                Ok((result, line.used))
            }
            None => Err(line),
        }
    }

    /// Feeds bytes; returns the next event and the bytes consumed, or [`Status::Partial`] when all
    /// of `input` was taken in. Call again with the rest until it returns `Partial`. The LF of a
    /// CR LF that ends a line may be consumed with the line (it only ends an empty line, which
    /// is skipped in every state), so the count depends on the chunking; the events do not.
    #[inline(always)]
    pub fn feed<'f>(&'f mut self, input: &[u8], expect: &mut Expect<'_>) -> Status<Event<'f>> {
        // Both ways to a complete line (a byte at a time, several) meet below, so that the
        // line is classified at one place: one copy of the inline `OK`, one call.
        let (len, n) = if let [b] = *input {
            // The cheap path for input that comes a byte at a time (a UART interrupt): a byte
            // that completes nothing is stored here, inline, without a call.
            let len = self.lines.pending_len();
            if b >= expect.state.slow_below {
                // Not a line end, and no handshake reply awaited: stored when there is room.
                if self.lines.push_fast(b, len) {
                    return Status::Partial;
                }
                return self.feed_byte(b, expect);
            }
            if !is_line_end(&b) {
                // By value: the loop that feeds byte after byte keeps no pointer for this path.
                return self.feed_byte(b, expect);
            }
            // Whether a handshake reply is awaited or not: the end of an empty line is skipped,
            // and a line that ends is handed out (unsolicited during a handshake: `phase` is 0).
            if len == 0 {
                // The end of an empty line: ignored.
                return Status::Partial;
            }
            match self.lines.end_line(len) {
                // The line ends here.
                Some(len) => (len, 1),
                None => return self.feed_byte(b, expect),
            }
        } else {
            // Several bytes: the line layer's scan, inline (no call for a chunk that completes
            // nothing); a handshake reply awaited goes the general way.
            if input.is_empty() {
                // What is left of a chunk whose last line was handed out: nothing to do.
                return Status::Partial;
            }
            if expect.handshake_pending() {
                return self.feed_any(input, expect);
            }
            match self.lines.scan_plain(input) {
                Scan::Line(len, n) => (len, n),
                Scan::Partial => return Status::Partial,
                Scan::Discard(from) => {
                    // A byte that needs a look (or no room for it): the general way from there.
                    let rest = input.get(from..).unwrap_or(&[]);
                    let mut status = self.feed_any(rest, expect);
                    if let Status::Complete(_, n) = &mut status {
                        *n = n.wrapping_add(from);
                    }
                    return status;
                }
            }
        };
        if let Some(status) = self.ok_done(len, n, expect) {
            return status;
        }
        Status::Complete(self.line_done(len, expect), n)
    }

    /// [`Framer::feed`] for a driver that keeps its exchange detached ([`Expect::detach`]):
    /// `lines` gives the line sent and the command name, as [`Expect::attach`] takes them, and
    /// is called only when a line completes (or a byte needs a look), so that bytes which
    /// complete nothing (a chunk that ends inside a line) cost no `Expect` to build. The same
    /// events and counts as `feed` with the attached `Expect`; `state` is updated as its
    /// state would be. One byte alone that is not the end of a line goes the general way
    /// (`lines` called): a driver fed a byte at a time calls [`Framer::take_byte`] first, which
    /// stores such bytes without the lines.
    #[inline(always)]
    pub fn feed_detached<'f, 'c>(
        &'f mut self,
        input: &[u8],
        state: &mut Detached,
        lines: impl FnOnce() -> (&'c [u8], &'c [u8]),
    ) -> Status<Event<'f>> {
        // The name comes with the line sent: kept from the one call for the second closure.
        let name = core::cell::Cell::new(&[][..]);
        self.feed_detached_apart(
            input,
            state,
            || {
                let (sent, n) = lines();
                name.set(n);
                sent
            },
            || name.get(),
        )
    }

    /// [`Framer::feed_detached`] with the line sent and the command name given by two
    /// closures: `sent` is called first, and `name` only when the line is not `OK` ending the
    /// exchange (the commonest line), which needs only the length of the line sent. For a
    /// driver whose name costs something to find (cut from its buffer): the same events,
    /// counts and state as `feed_detached` with both.
    #[inline(always)]
    pub fn feed_detached_apart<'f, 'c>(
        &'f mut self,
        input: &[u8],
        state: &mut Detached,
        sent: impl FnOnce() -> &'c [u8],
        name: impl FnOnce() -> &'c [u8],
    ) -> Status<Event<'f>> {
        self.feed_detached_with::<false>(input, state, sent, name)
    }

    /// [`Framer::feed_detached_apart`], and, for an exchange whose name is known to be letters
    /// and digits ([`Expect::plain_name`]), its information line `+NAME:` taken before the
    /// exchange is attached: compared with the equal byte first, then handed out without the
    /// `Expect` built and the call that classifies other lines. The same events, counts and
    /// state, with `name` giving the exchange's own name (the one `plain_name` looked at: the
    /// hint is that name's; another, not of letters and digits, could be matched where
    /// `feed_detached_apart` would not match it). For a driver whose answers are mostly `OK`
    /// and information lines; more code than `feed_detached_apart` where it is inlined.
    #[inline(always)]
    pub fn feed_detached_plain<'f, 'c>(
        &'f mut self,
        input: &[u8],
        state: &mut Detached,
        sent: impl FnOnce() -> &'c [u8],
        name: impl FnOnce() -> &'c [u8],
    ) -> Status<Event<'f>> {
        self.feed_detached_with::<true>(input, state, sent, name)
    }

    /// [`Framer::feed_detached`] without its fast ways, for flash: the framer's general way
    /// (the handshake replies, then the line layer and the classification, which LLVM inlines
    /// where this is their one caller), the exchange attached only for a handshake reply and
    /// for a line that ended (no `OK` taken on the detached state, no scan inline). The same
    /// events, counters and state as `feed_detached` with the same lines, for any input in any
    /// chunking, and the same gate told ([`Framer::track`]), when `name` is the exchange's own
    /// (as for [`Framer::feed_detached_plain`]: under the hint of a plain name the name's equal
    /// bytes are taken without a test, so another name that is not letters and digits could
    /// be matched; see [`Expect::plain_name`]); the
    /// bytes consumed may differ where the contract leaves them open (the LF of a CR LF that
    /// ends a line, which `feed_detached` takes with the line when it is there: see
    /// [`Framer::feed`]). For a driver whose fast ways are elsewhere, or that can spend some
    /// instructions a byte for a small general way: about the cost of the attach and a call
    /// where it is inlined.
    #[inline(always)]
    pub fn feed_detached_general<'f>(
        &'f mut self,
        input: &[u8],
        state: &mut Detached,
        sent: &[u8],
        name: &[u8],
    ) -> Status<Event<'f>> {
        self.feed_detached_general_late(input, state, || sent, || name, &mut 0)
    }

    /// [`Framer::feed_detached_general`] that also counts in `late` (saturating) each
    /// [`Event::Unsolicited`] line that is a final result (`OK`, `ERROR`, `+CME ERROR:<n>`,
    /// as [`FinalResult::parse`] reads it): a late response, found where the classification
    /// reads the final results anyway (cat1-client's core counted it by reading the line again).
    /// The line sent and the command's name by closures (`sent`, `name`), each called only for
    /// a line that ended, and the name only for a line `+...` of an exchange that takes an
    /// answer: cut from the caller's buffer there and nowhere else (cat1-client's client
    /// `.text` -28 bytes, its adapters about 1 instruction a byte less, where both were cut
    /// for every chunk). For cat1-client only: hidden, and outside this crate's API
    /// stability promise.
    #[doc(hidden)]
    #[inline(always)]
    pub fn feed_detached_general_late<'f, 'c>(
        &'f mut self,
        input: &[u8],
        state: &mut Detached,
        sent: impl FnOnce() -> &'c [u8],
        name: impl FnOnce() -> &'c [u8],
        late: &mut u32,
    ) -> Status<Event<'f>> {
        // The gate from the state given, as every detached feed tells it (`take_tracked`).
        self.track(state);
        // No exchange attached (an `Expect` built from the state and the lines, and the state
        // written back): the handshake reply and the classification of a line that ended read
        // and change the state where it is, the lines given apart (the twenty-first flash
        // round: cat1-client's client `.text` -16 for the reply, -36 for the line, the
        // adapters 0.3 to 0.6 instructions a byte less). One line layer for both ways, inlined
        // here once: a handshake reply is read whole before anything is stored
        // (`reply_ends`), and when the input does not complete one, the line layer takes all
        // of it, from its start (the twenty-third flash round: cat1-client's `receive_chunk`
        // 1,004 to 912 bytes, no cut of the rest nor count added after it; the adapters 0.3 to
        // 0.6 instructions a byte less again). The line ends at a line's start skipped once
        // here, for the reply and the line layer (`from`: each skipped them in a loop of its
        // own, 16 bytes more), and neither cuts the input: both count from its start.
        let mut from: usize = 0;
        if self.lines.pending_len() == 0 {
            while input.get(from).is_some_and(is_line_end) {
                from = from.wrapping_add(1);
            }
        }
        if state.handshake_pending() {
            if let Some((n, ok)) = self.reply_ends(input, from, state) {
                return Status::Complete(reply_event(ok), n);
            }
        }
        // The input from `from` through the line layer, an over-long line dropped in the same
        // walk (`scan_dropping`: the twenty-third flash round, `receive_chunk` 912 to 840
        // bytes, the adapters fed 16 bytes or more at a time 0.6 to 0.9 instructions a byte
        // less), then the line classified by the general way's classifier
        // (`classify_general`).
        match self.lines.scan_dropping(input, from) {
            Taken::Line(len, n) => {
                Status::Complete(self.line_done_general(len, state, sent, name, late), n)
            }
            Taken::Overflow(dropped, n) => Status::Complete(Event::Overflow { dropped }, n),
            Taken::Partial => Status::Partial,
        }
    }

    /// The handshake reply awaited (`a`, or `+ok` in any case but the `+`), when `input` from
    /// byte `from` (the line ends at a line's start skipped by the caller when nothing is
    /// pending) completes it: the bytes up to its end, and whether it was `+ok`; the line buffer
    /// cleared and the state finished. Otherwise (`None`) nothing changed: the line layer
    /// takes the input, storing the bytes of a reply begun as any bytes of a line. The same
    /// events, bytes consumed, pending line and state as [`Self::handshake_reply`] followed by
    /// the line layer from where it stopped (which pushed the reply's bytes as they came and
    /// tested the line pending against each): its line ends at a line's start are the ones
    /// the line layer skips, and the bytes it pushed the ones the line layer stores. The
    /// reply's bytes are matched across the line pending and the input in one loop, the
    /// pending ones first (a reply begun in an earlier chunk).
    #[inline(always)]
    fn reply_ends(
        &mut self,
        input: &[u8],
        from: usize,
        state: &mut Detached,
    ) -> Option<(usize, bool)> {
        let want_ok = matches!(state.waiting, Waiting::HandshakeOk);
        // `+ok` is gathered in the line buffer: with no room for its three bytes, never.
        if want_ok && N < 3 {
            return None;
        }
        // The reply's bytes still to match, the next the lowest (no reply byte is 0).
        let mut rest: u32 = if want_ok {
            u32::from_le_bytes(*b"+ok\0")
        } else {
            u32::from(b'a')
        };
        // The bytes pending first (while discarding, more than `N`, so more than the reply's
        // bytes, `N < 3` aside for `+ok` above: no input byte is read),
        // then the input's from `from`.
        let len = self.lines.pending_len();
        let mut k: usize = 0;
        let mut i = from;
        loop {
            let b = if k < len {
                self.lines.byte_at(k)
            } else {
                let &b = input.get(i)?;
                i = i.wrapping_add(1);
                b
            };
            // The first byte exactly, the others in any case.
            let b = if k == 0 { b } else { b | 0x20 };
            if u32::from(b) != rest & 0xFF {
                return None;
            }
            rest >>= 8;
            k = k.wrapping_add(1);
            if rest == 0 {
                break;
            }
        }
        // Ended by the bytes pending alone (or while discarding), no input byte read: not a
        // reply.
        if i == from {
            return None;
        }
        // Not discarding (input was read): the line buffer emptied.
        self.lines.forget_pending();
        state.finish();
        Some((i, want_ok))
    }

    /// [`Framer::feed_detached_apart`] (`INFO` false) or [`Framer::feed_detached_plain`].
    #[inline(always)]
    fn feed_detached_with<'f, 'c, const INFO: bool>(
        &'f mut self,
        input: &[u8],
        state: &mut Detached,
        sent: impl FnOnce() -> &'c [u8],
        name: impl FnOnce() -> &'c [u8],
    ) -> Status<Event<'f>> {
        // `take_tracked`'s gate from the state given, before the feed (after it, the event
        // borrows the framer): a handshake reply taken here leaves it shut until the next
        // feed, a byte or two the general way.
        self.track(state);
        // `feed`'s two ways to a complete line, without the lines; what needs them (a line to
        // classify, a byte or a chunk for the general way) attaches them first, at one place.
        let next = if let [b] = *input {
            // A line end after bytes of the line ends it here (not one being dropped); any
            // other byte goes the general way. (A driver fed a byte at a time calls
            // `take_byte` first: the bytes that come here are mostly line ends.)
            let len = self.lines.pending_len();
            match (is_line_end(&b) && len != 0)
                .then(|| self.lines.end_line(len))
                .flatten()
            {
                Some(len) => Next::Line(len, 1),
                None => Next::Byte(b),
            }
        } else if input.is_empty() {
            return Status::Partial;
        } else if state.slow_below == HANDSHAKE_BELOW {
            Next::Rest(0)
        } else {
            match self.lines.scan_plain(input) {
                Scan::Line(len, n) => Next::Line(len, n),
                Scan::Partial => return Status::Partial,
                Scan::Discard(from) => Next::Rest(from),
            }
        };
        let sent = sent();
        // `ok_done` on the detached state, before the exchange is attached: the commonest line
        // (`OK` ending the exchange) then costs no `Expect` built on the stack and copied back,
        // and no name.
        if let Next::Line(len, n) = next {
            if self.ok_ends(len, state.phase, sent.len()) {
                self.final_line(state);
                return Status::Complete(Event::Final(FinalResult::Ok), n);
            }
        }
        let name = name();
        if INFO {
            if let Next::Line(len, n) = next {
                if let Some(name_len) =
                    self.plain_info_ends::<true>(len, state, sent.len(), || name)
                {
                    return Status::Complete(
                        Event::Info(InfoLine {
                            line: self.lines.line(len),
                            name_len,
                        }),
                        n,
                    );
                }
            }
        }
        let mut expect = Expect::attach(sent, name, *state);
        let status = match next {
            // Not `OK` ending the exchange (above): classified.
            Next::Line(len, n) => Status::Complete(self.line_done(len, &mut expect), n),
            Next::Byte(b) => self.feed_byte(b, &mut expect),
            Next::Rest(from) => {
                let rest = input.get(from..).unwrap_or(&[]);
                let mut status = self.feed_any(rest, &mut expect);
                if let Status::Complete(_, n) = &mut status {
                    *n = n.wrapping_add(from);
                }
                status
            }
        };
        *state = expect.state;
        status
    }

    /// The line of `len` bytes that ended, for [`Framer::classify_plain`]: `OK` ending the
    /// exchange and (`INFO`) a plain name's information line taken on the detached state; any
    /// other line classified with the exchange attached. The steps of `feed_detached_with` for
    /// a complete line, which keeps its own (shared, they cost cat1-client's chunks about 0.5
    /// instructions a byte when `feed_detached_plain` took them: its caller laid out anew, the
    /// event copied before its `match`).
    #[inline(always)]
    fn line_detached<'f, 'c, const INFO: bool, const OK: bool>(
        &'f mut self,
        len: usize,
        n: usize,
        state: &mut Detached,
        sent: &'c [u8],
        name: impl FnOnce() -> &'c [u8],
    ) -> Status<Event<'f>> {
        // `ok_done` on the detached state, before the exchange is attached: the commonest line
        // (`OK` ending the exchange) then costs no `Expect` built on the stack and copied back,
        // and no name.
        if OK && self.ok_ends(len, state.phase, sent.len()) {
            self.final_line(state);
            return Status::Complete(Event::Final(FinalResult::Ok), n);
        }
        let name = name();
        // Each way returns its own `Status` (one built at the end had LLVM build the event on
        // the stack and copy it, instead of handing each way to the caller's `match`).
        if INFO {
            if let Some(name_len) = self.plain_info_ends::<true>(len, state, sent.len(), || name) {
                return Status::Complete(
                    Event::Info(InfoLine {
                        line: self.lines.line(len),
                        name_len,
                    }),
                    n,
                );
            }
        }
        let mut expect = Expect::attach(sent, name, *state);
        let event = self.line_done(len, &mut expect);
        *state = expect.state;
        Status::Complete(event, n)
    }

    /// [`Self::feed`] for one byte that needs a look.
    #[inline(never)]
    fn feed_byte<'f>(&'f mut self, b: u8, expect: &mut Expect<'_>) -> Status<Event<'f>> {
        self.feed_any(&[b], expect)
    }

    /// [`Self::feed`] for any input.
    #[inline(never)]
    fn feed_any<'f>(&'f mut self, input: &[u8], expect: &mut Expect<'_>) -> Status<Event<'f>> {
        // One call of `feed_lines` for both ways (one line layer, as in
        // `feed_detached_general`).
        let from = if expect.handshake_pending() {
            match self.handshake_reply(input, &mut expect.state) {
                Ok((event, n)) => return Status::Complete(event, n),
                Err(from) => from,
            }
        } else {
            0
        };
        self.feed_lines_from(input, from, expect)
    }

    /// The line layer and the classification, without the handshake replies. `#[inline]`, not
    /// `inline(never)`: called once (`feed_lines_from`, in `feed_any`), it is inlined there,
    /// with the handshake reply (issue 2's `feed_any`: the framer binary -24; cat1-client's
    /// `receive_chunk` took it too, -116 bytes, before `feed_detached_general` ran its own
    /// line layer and classification).
    #[inline]
    fn feed_lines<'f>(&'f mut self, input: &[u8], expect: &mut Expect<'_>) -> Status<Event<'f>> {
        match self.lines.scan(input) {
            Scan::Line(len, n) => Status::Complete(self.line_done(len, expect), n),
            Scan::Partial => Status::Partial,
            Scan::Discard(from) => match self.lines.discard(input, from) {
                Status::Complete(dropped, n) => Status::Complete(Event::Overflow { dropped }, n),
                Status::Partial => Status::Partial,
            },
        }
    }

    /// [`Self::line_done`] for the commonest line, inline: `OK` that ends the exchange (an
    /// answer is taken, and the line cannot be the echo). `None` for any other line, which
    /// `line_done` classifies (it gives the same for this one: this is only the short way).
    #[inline(always)]
    fn ok_done<'f>(
        &mut self,
        len: usize,
        n: usize,
        expect: &mut Expect<'_>,
    ) -> Option<Status<Event<'f>>> {
        if self.ok_ends(len, expect.state.phase, expect.sent.len()) {
            self.lines_seen = self.lines_seen.wrapping_add(1);
            expect.finish();
            return Some(Status::Complete(Event::Final(FinalResult::Ok), n));
        }
        None
    }

    /// Whether the line of `len` bytes that ended is an information line `+NAME:` of the
    /// exchange `state` (its line sent `sent_len` bytes long, its name `name`), whose name is
    /// known to be letters and digits (`PHASE_PLAIN`): an answer is taken and the line cannot be
    /// the echo. Then the line is counted and `state` updated as [`classify`] does, and the
    /// name's length returned; `None`, with nothing changed, for any other line (which
    /// `line_done` classifies). `name` called only past the tests of the phase, the first byte
    /// and the echo.
    #[inline(always)]
    fn plain_info_ends<'c, const MAY_BE_ECHO: bool>(
        &mut self,
        len: usize,
        state: &mut Detached,
        sent_len: usize,
        name: impl FnOnce() -> &'c [u8],
    ) -> Option<usize> {
        let phase = state.phase;
        const TAKEN: u8 = PHASE_PLAIN | PHASE_ANSWER;
        // A line as long as the one sent may be its echo: `classify` looks at it first (not
        // `MAY_BE_ECHO`: the caller knows the line is not the echo).
        if phase & TAKEN != TAKEN
            || self.lines.first_byte() != b'+'
            || (MAY_BE_ECHO && len == sent_len && phase & PHASE_ECHO != 0)
        {
            return None;
        }
        let name = name();
        if !is_info_of_plain(self.lines.line(len), name) {
            return None;
        }
        self.lines_seen = self.lines_seen.wrapping_add(1);
        state.info_seen = true;
        // Continuation lines from now on for a multi-line answer (as `classify`).
        state.phase = phase | (PHASE_MORE * state.multi_line as u8);
        Some(name.len())
    }

    /// A line that ends the exchange `state` was taken by one of the ways that skip
    /// [`classify`]: counted, as `classify` counts every line, and the exchange finished.
    #[inline(always)]
    fn final_line(&mut self, state: &mut Detached) {
        self.lines_seen = self.lines_seen.wrapping_add(1);
        state.finish();
    }

    /// Whether the line of `len` bytes that ended is `OK` ending the exchange (`phase` and the
    /// length of the line sent are the exchange's): an answer is taken, the line is `OK`, and
    /// it cannot be the echo (the echo is not awaited, or the line sent is not 2 bytes long).
    /// The one test of [`Self::ok_done`] and [`Self::feed_detached`].
    #[inline(always)]
    fn ok_ends(&self, len: usize, phase: u8, sent_len: usize) -> bool {
        phase & PHASE_ANSWER != 0
            && self.lines.line_is_ok(len)
            && (sent_len != 2 || phase & PHASE_ECHO == 0)
    }

    /// A line of `len` bytes ended: classifies it. (Three arguments, all in registers; the
    /// caller adds the bytes consumed.) `#[inline]`, not `inline(never)`: where it has one
    /// caller LLVM inlines it there (it saved 24 bytes in cat1-client when the client used it;
    /// the adapters now take `line_done_general`); with `feed` too (issue 2's framer, its gate)
    /// it stays out of line, the same code.
    #[inline]
    fn line_done<'f>(&'f mut self, len: usize, expect: &mut Expect<'_>) -> Event<'f> {
        let Framer {
            lines,
            lines_seen,
            unsolicited,
        } = self;
        *lines_seen = lines_seen.wrapping_add(1);
        classify(lines.line(len), lines.first_byte(), expect, unsolicited)
    }

    /// [`Self::line_done`] for the general way ([`Framer::feed_detached_general_late`]), by its
    /// own classifier ([`classify_general`]), so that `feed`'s (issue 2's framer, its gate) is
    /// the code it was; a late response counted in `late`.
    #[inline(always)]
    fn line_done_general<'f, 'c>(
        &'f mut self,
        len: usize,
        state: &mut Detached,
        sent: impl FnOnce() -> &'c [u8],
        name: impl FnOnce() -> &'c [u8],
        late: &mut u32,
    ) -> Event<'f> {
        let Framer {
            lines,
            lines_seen,
            unsolicited,
        } = self;
        *lines_seen = lines_seen.wrapping_add(1);
        classify_general(
            lines.line(len),
            lines.first_byte(),
            state,
            (sent, name),
            unsolicited,
            late,
        )
    }

    /// A handshake reply is awaited: `a` or `+ok`, which come without a line end. At the start
    /// of a line, line ends are skipped; then `a` (for [`Expect::handshake_a`]) or the bytes
    /// of `+ok` in any case (for [`Expect::handshake_ok`], gathered in the line buffer) are the
    /// reply; anything else goes through the line layer up to the next line end.
    /// (`feed_any` and `feed_detached_general` run its two parts themselves, with one call of
    /// the line layer for both their ways; this is their handshake way, for the tests.)
    #[cfg(test)]
    fn feed_handshake<'f>(
        &'f mut self,
        input: &[u8],
        expect: &mut Expect<'_>,
    ) -> Status<Event<'f>> {
        match self.handshake_reply(input, &mut expect.state) {
            Ok((event, n)) => Status::Complete(event, n),
            Err(from) => self.feed_lines_from(input, from, expect),
        }
    }

    /// The handshake way up to the line layer (`feed_any`'s; the general way reads the reply
    /// with [`Self::reply_ends`], which tests compare with this): the reply and the bytes
    /// consumed with it, or (`Err`) the bytes skipped before the rest, which goes through the
    /// line layer ([`Self::feed_lines_from`]), the bytes of a reply begun pushed into the line
    /// buffer as they came. On the exchange's state alone (an attached `Expect`'s).
    #[inline(always)]
    fn handshake_reply(
        &mut self,
        input: &[u8],
        state: &mut Detached,
    ) -> Result<(Event<'static>, usize), usize> {
        let want_ok = matches!(state.waiting, Waiting::HandshakeOk);
        let mut i: usize = 0;
        while let Some(&b) = input.get(i) {
            if self.lines.is_discarding() {
                break;
            }
            let pending = self.lines.pending();
            if pending.is_empty() && is_line_end(&b) {
                i = i.wrapping_add(1);
                continue;
            }
            if !want_ok {
                if pending.is_empty() && b == b'a' {
                    state.finish();
                    return Ok((Event::HandshakeA, i.wrapping_add(1)));
                }
                break;
            }
            // The byte of `+ok` (any case) that follows what is pending, when that is a start
            // of it (only `+` is compared exactly: 0x0B | 0x20 is `+`).
            let next = match *pending {
                [] => b'+',
                [b'+'] => b'o',
                [b'+', o] if o | 0x20 == b'o' => b'k',
                _ => break,
            };
            if b != next && (next == b'+' || b | 0x20 != next) {
                break;
            }
            // Not a line end, and not discarding (checked above). With no room for it (a buffer
            // of fewer than 3 bytes), the line layer takes it from here, as it takes any byte.
            if !self.lines.push_fast(b, pending.len()) {
                break;
            }
            i = i.wrapping_add(1);
            if self.lines.pending().len() == 3 {
                self.lines.clear_pending();
                state.finish();
                return Ok((Event::HandshakeOk, i));
            }
        }
        // The rest through the line layer, which takes at most one line (its scan stops at the
        // line end), so nothing after it (such as a handshake byte) is swallowed into the next
        // line; the line ends it would skip at the start of a line (and with them an `a` after
        // them) were skipped above. So no cut of the rest at its first line end (as
        // `feed_handshake_before` did: a test compares them), nor a test for an empty rest
        // (the line layer takes it in, as `Partial`). A line that ends here is unsolicited:
        // `phase` is 0 while a handshake reply is awaited.
        Err(i)
    }

    /// [`Self::feed_lines`] of `input` from byte `from` on (at most its length), the bytes
    /// consumed counted from the start of `input`.
    #[inline(always)]
    fn feed_lines_from<'f>(
        &'f mut self,
        input: &[u8],
        from: usize,
        expect: &mut Expect<'_>,
    ) -> Status<Event<'f>> {
        let rest = input.get(from..).unwrap_or(&[]);
        let mut status = self.feed_lines(rest, expect);
        // `n` is at most `rest.len()`, and `from + rest.len()` is `input.len()`: nothing wraps.
        if let Status::Complete(_, n) = &mut status {
            *n = n.wrapping_add(from);
        }
        status
    }

    /// `feed_handshake` as it was before it handed the rest to the line layer uncut: the
    /// reference of `feed_handshake_is_as_before`.
    #[cfg(test)]
    fn feed_handshake_before<'f>(
        &'f mut self,
        input: &[u8],
        expect: &mut Expect<'_>,
    ) -> Status<Event<'f>> {
        let want_ok = matches!(expect.state.waiting, Waiting::HandshakeOk);
        let mut i: usize = 0;
        while let Some(&b) = input.get(i) {
            if self.lines.is_discarding() {
                break;
            }
            let pending = self.lines.pending();
            if pending.is_empty() && is_line_end(&b) {
                i = i.wrapping_add(1);
                continue;
            }
            if !want_ok {
                if pending.is_empty() && b == b'a' {
                    expect.finish();
                    return Status::Complete(Event::HandshakeA, i.wrapping_add(1));
                }
                break;
            }
            let next = match *pending {
                [] => b'+',
                [b'+'] => b'o',
                [b'+', o] if o | 0x20 == b'o' => b'k',
                _ => break,
            };
            if b != next && (next == b'+' || b | 0x20 != next) {
                break;
            }
            if !self.lines.push_fast(b, pending.len()) {
                break;
            }
            i = i.wrapping_add(1);
            if self.lines.pending().len() == 3 {
                self.lines.clear_pending();
                expect.finish();
                return Status::Complete(Event::HandshakeOk, i);
            }
        }
        let rest = input.get(i..).unwrap_or(&[]);
        if rest.is_empty() {
            return Status::Partial;
        }
        self.feed_one_line(rest, i, expect)
    }

    /// Feeds the line layer with at most one line end, so that nothing after it (such as a
    /// handshake byte) is swallowed into the next line (`feed_handshake_before`'s).
    #[cfg(test)]
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
        // A line that ends here is unsolicited: `phase` is 0 while a handshake reply is awaited.
        let limited = input.get(..cut).unwrap_or(input);
        // `limited` ends at a line end or at the end of the input, so a partial result means all
        // of `input` was taken in. The status is adjusted in place rather than rebuilt, so the
        // event is not copied (a copy that can cost a `memcpy` call).
        let mut status = self.feed_lines(limited, expect);
        if let Status::Complete(_, n) = &mut status {
            *n = n.saturating_add(skipped);
        }
        status
    }

    /// `feed_detached_general` as it was before it attached the exchange only where needed
    /// (attached for every input, `feed_lines_from` for both ways, `classify` and the line
    /// layer's one loop): the reference of `general_way_is_as_before`.
    #[cfg(test)]
    fn feed_detached_general_before<'f>(
        &'f mut self,
        input: &[u8],
        state: &mut Detached,
        sent: &[u8],
        name: &[u8],
    ) -> Status<Event<'f>> {
        self.track(state);
        let mut expect = Expect::attach(sent, name, *state);
        let from = if expect.handshake_pending() {
            match self.handshake_reply(input, &mut expect.state) {
                Ok((event, n)) => {
                    *state = expect.state;
                    return Status::Complete(event, n);
                }
                Err(from) => from,
            }
        } else {
            0
        };
        let status = self.feed_lines_from(input, from, &mut expect);
        *state = expect.state;
        status
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

    /// Ends the line being assembled without a line end: bytes a transparent mode forwarded
    /// while an answer was awaited, for example, to be passed on as data rather than dropped;
    /// or, for an over-long line being dropped, how many of its bytes were (already counted),
    /// which its line end would have reported.
    pub fn take_pending(&mut self) -> crate::Pending<'_> {
        self.lines.take_pending()
    }

    /// Drops the line being assembled, e.g. after a mode change to transparent data.
    pub fn reset(&mut self) {
        self.lines.clear_pending();
    }
}

/// Whether `OK` would end the exchange of this `phase`, its line sent `sent_len` bytes long: an
/// answer is taken, and `OK` cannot be the echo ([`Framer::ok_ends`] without the line).
#[inline(always)]
const fn ok_phase(phase: u8, sent_len: usize) -> bool {
    phase & PHASE_ANSWER != 0 && (sent_len != 2 || phase & PHASE_ECHO == 0)
}

/// `bytes.trim_ascii_start()`, with one test for the usual first byte (above the space).
#[inline]
const fn trim_start(mut bytes: &[u8]) -> &[u8] {
    while let [b, rest @ ..] = bytes {
        // The space first (the one byte usually skipped), then anything above it.
        if *b != b' ' && (*b > b' ' || !matches!(*b, b'\t' | b'\n' | b'\x0c' | b'\r')) {
            break;
        }
        bytes = rest;
    }
    bytes
}

/// Whether `name` is not empty and of ASCII letters and digits only (`PHASE_PLAIN`).
const fn is_plain(name: &[u8]) -> bool {
    let mut rest = name;
    while let [b, tail @ ..] = rest {
        if !b.is_ascii_alphanumeric() {
            return false;
        }
        rest = tail;
    }
    !name.is_empty()
}

/// Whether `line` (which starts with `+`) is `+NAME:<params>` for this `name` (any case), as
/// [`InfoLine::parse`] followed by a name comparison would find it, in one pass over the name.
#[inline]
fn is_info_of(line: &[u8], name: &[u8]) -> bool {
    is_info_of_with(line, name, false)
}

/// [`is_info_of`]; `plain`: `name` is known to be letters and digits (the hint of
/// [`Expect::plain_name`]), so a byte of the line equal to the name's is one, with no test.
#[inline(always)]
fn is_info_of_with(line: &[u8], name: &[u8], plain: bool) -> bool {
    // `+`, the name, then the colon: the line is at least `name.len() + 2` long.
    let Some((head, _)) = line.split_at_checked(name.len().wrapping_add(2)) else {
        return false;
    };
    let [_, body @ .., b':'] = head else {
        return false;
    };
    if name.is_empty() {
        return false;
    }
    // InfoLine::parse takes the name up to the first colon and wants it alphanumeric. Letters
    // first (the usual name byte): the same letter in any case; then a digit, the same one.
    body.iter().zip(name).all(|(&a, &b)| {
        if plain && a == b {
            return true;
        }
        let folded = a | 0x20;
        if folded.wrapping_sub(b'a') < 26 {
            folded == b | 0x20
        } else {
            a == b && a.wrapping_sub(b'0') < 10
        }
    })
}

/// [`is_info_of`], for the classifiers (which give it the exchange's `phase` too).
#[inline(always)]
fn info_of_any(line: &[u8], name: &[u8], _phase: u8) -> bool {
    is_info_of(line, name)
}

/// [`is_info_of`] for the general way: with the hint of [`Expect::plain_name`] in `phase` (the
/// name is letters and digits, not empty), a byte of the line equal to the name's is one too,
/// with no test of its own (the module answers in the case it was asked in): about 6
/// instructions a byte instead of 13; a byte that differs, or a name without the hint, is
/// tested as `is_info_of` tests it. The same answer (a proptest compares them).
#[inline(always)]
fn info_of_hinted(line: &[u8], name: &[u8], phase: u8) -> bool {
    is_info_of_with(line, name, phase & PHASE_PLAIN != 0)
}

/// [`is_info_of`] for a name of letters and digits only, not empty ([`is_plain`]): a byte of
/// the line equal to the name's is one too, with no test of its own. The equal byte first (a
/// module answers in the case it was asked in); a byte that differs is the same letter in the
/// other case: bit 5 apart, and the name's byte a letter (then so is the line's).
#[inline(always)]
fn is_info_of_plain(line: &[u8], name: &[u8]) -> bool {
    let Some((head, _)) = line.split_at_checked(name.len().wrapping_add(2)) else {
        return false;
    };
    // A name of three bytes (`CSQ`) and the colon after it as one word, before the colon's
    // own test (the word tests it): no byte loop. (Read from `head`, `name.len() + 2` bytes
    // long: no length test of its own.) First: `AT+CSQ`'s information line about 7
    // instructions less in every chunking; a line `+CME ERROR` of such a name, which has no
    // colon there, pays the word (about 13 more fed a byte at a time or whole, the anchors'
    // `+CME ERROR` still under its target).
    if let (&[n0, n1, n2], &[_, a, b, c, colon]) = (name, head) {
        if u32::from_le_bytes([a, b, c, colon]) == u32::from_le_bytes([n0, n1, n2, b':']) {
            return true;
        }
    }
    let [_, body @ .., b':'] = head else {
        return false;
    };
    // Four bytes at a time first, the last word overlapping the one before: a name of four
    // bytes or more, as the module answers it (in the case it was asked in), has no byte loop.
    // Any word that differs (another case, another name), or a shorter name, goes byte by byte.
    if let Some(last) = name.len().checked_sub(4) {
        // Four to eight bytes (most names): the first word and the last, without the loop's
        // steps (about 8 instructions less a line for a name of five to eight bytes).
        if last <= 4 {
            if let (Some(a), Some(b), Some(c), Some(d)) = (
                body.first_chunk::<4>(),
                name.first_chunk::<4>(),
                body.get(last..).and_then(<[u8]>::first_chunk::<4>),
                name.get(last..).and_then(<[u8]>::first_chunk::<4>),
            ) {
                if u32::from_le_bytes(*a) == u32::from_le_bytes(*b)
                    && u32::from_le_bytes(*c) == u32::from_le_bytes(*d)
                {
                    return true;
                }
            }
            return same_plain_name(body, name);
        }
        if words_up_to(body, name, last) {
            return true;
        }
    }
    same_plain_name(body, name)
}

/// Whether `body` is `name` (as long), a byte at a time, in any case: the equal byte first; a
/// byte that differs is the same letter in the other case (bit 5 apart, the name's byte a
/// letter). The byte loop of [`is_info_of_plain`].
#[inline(always)]
fn same_plain_name(body: &[u8], name: &[u8]) -> bool {
    // A loop of its own (an iterator's `all` became a call with the iterator on the stack).
    let (mut line, mut name) = (body, name);
    while let ([a, line_rest @ ..], [b, name_rest @ ..]) = (line, name) {
        if a != b && (a ^ b != 0x20 || (b | 0x20).wrapping_sub(b'a') >= 26) {
            return false;
        }
        (line, name) = (line_rest, name_rest);
    }
    true
}

/// `+CME ERROR:<n>` after its `+` (`rest`): the classification's reader, and
/// [`FinalResult::parse`]'s (LLVM keeps it out of line where both are linked, inline where the
/// classification is its only caller; the general way calls its own out-of-line copy,
/// `cme_error_apart`, and a firmware using `Core::receive` too may link both copies).
pub(crate) fn cme_error(rest: &[u8]) -> Option<FinalResult> {
    // Compared as words, not byte by byte.
    let (head, digits) = rest.split_first_chunk::<10>()?;
    let [c0, c1, c2, c3, c4, c5, c6, c7, c8, c9] = *head;
    if u32::from_le_bytes([c0, c1, c2, c3]) != u32::from_le_bytes(*b"CME ")
        || u32::from_le_bytes([c4, c5, c6, c7]) != u32::from_le_bytes(*b"ERRO")
        || u16::from_le_bytes([c8, c9]) != u16::from_le_bytes(*b"R:")
    {
        return None;
    }
    let digits = trim_start(digits);
    cme_digits(digits)
}

/// [`cme_error`] out of line, for [`classify_general`], its one caller where `FinalResult::parse`
/// is not linked (cat1-client's firmware): inlined there, it cost the adapters 0.3 to 0.6
/// instructions a byte (register pressure in the general way), and `classify`'s own copy, the
/// gate's, is left inline as it was.
#[inline(never)]
fn cme_error_apart(rest: &[u8]) -> Option<FinalResult> {
    cme_error(rest)
}

/// The number of `+CME ERROR:<n>`, its digits (trimmed), for [`cme_error`] and
/// [`cme_error_line`]: one to five digits, a value that fits `u16`.
#[inline(always)]
fn cme_digits(digits: &[u8]) -> Option<FinalResult> {
    if digits.is_empty() || digits.len() > 5 {
        return None;
    }
    let mut n: u32 = 0;
    for &b in digits {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        n = n.wrapping_mul(10).wrapping_add(u32::from(d));
    }
    u16::try_from(n).ok().map(FinalResult::CmeError)
}

/// `+CME ERROR:<n>` read from the whole line, for [`Framer::take_cme_error`]: [`cme_error`] of
/// the line after its `+`, `None` for a line without it (a proptest compares them). Fewer
/// values held than `cme_error` inlined there: the head compared as two words, a halfword and
/// a byte from the line's start, its `+` in the first (no test of its own; an overlapping last
/// word was loaded a byte at a time); the one space
/// 3GPP's answers put after the colon taken first, then `trim_start` only when a byte at or
/// below the space is left; the digits read from a slice that ends where they do.
#[inline(always)]
fn cme_error_line(line: &[u8]) -> Option<FinalResult> {
    let (head, digits) = line.split_first_chunk::<11>()?;
    let [c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10] = *head;
    if u32::from_le_bytes([c0, c1, c2, c3]) != u32::from_le_bytes(*b"+CME")
        || u32::from_le_bytes([c4, c5, c6, c7]) != u32::from_le_bytes(*b" ERR")
        || u16::from_le_bytes([c8, c9]) != u16::from_le_bytes(*b"OR")
        || c10 != b':'
    {
        return None;
    }
    // The forms the module writes (a space, then one or two digits) first, their digits
    // tested as one (the largest value below 10), without the trim's test and the loop.
    let d = |x: u8| u16::from(x).wrapping_sub(u16::from(b'0'));
    match *digits {
        [b' ', a] if d(a) <= 9 => return Some(FinalResult::CmeError(d(a))),
        [b' ', a, b] if d(a).max(d(b)) <= 9 => {
            return Some(FinalResult::CmeError(
                d(a).wrapping_mul(10).wrapping_add(d(b)),
            ));
        }
        _ => {}
    }
    let digits = match digits {
        [b' ', rest @ ..] => rest,
        _ => digits,
    };
    let digits = match digits.first() {
        Some(&b) if b > b' ' => digits,
        _ => trim_start(digits),
    };
    cme_digits(digits)
}

/// Defines a classification of one complete (non-empty) line against the exchange in flight,
/// which counts it in `unsolicited` when it is unsolicited: `classify` on an [`Expect`], and
/// `classify_apart` on an [`Apart`], which has the same fields (`state` behind a reference) and
/// `finish`; the echo compared by the function given (`same_bytes`, `same_words`). One text
/// for both, so that `classify`, which a driver that only feeds has in its `line_done`, is the
/// code it was before `Apart` (a generic over both, through a trait, moved a load of the name
/// to its start: `qemu/`'s gate 2 instructions a line up).
macro_rules! classifier {
    (
        $(#[$meta:meta])*
        fn $fn_name:ident[$($generics:tt)*]($exchange:ty, $same:ident, $info:ident, $($name_of:tt)+)
    ) => {
        $(#[$meta])*
        fn $fn_name<'l, $($generics)*>(
            line: &'l [u8],
            first: u8,
            expect: &mut $exchange,
            unsolicited: &mut u32,
        ) -> Event<'l> {
            let phase = expect.state.phase;
            // Phase 0 (nothing to take) has neither of the two bits tested below: unsolicited.
            // `line` is not empty, so it never equals an empty `sent`.
            // The lengths first: they differ for almost every line but the echo.
            if line.len() == expect.sent.len() && phase & PHASE_ECHO != 0 && $same(line, expect.sent) {
                expect.state.echo_seen = true;
                expect.state.phase = (phase & !PHASE_ECHO) | PHASE_ANSWER;
                return Event::Echo(line);
            }
            if phase & PHASE_ANSWER != 0 {
                // By first byte, then length: `+NAME:` of the command or `+CME ERROR:` (an
                // alphanumeric name never matches both), then `OK`, `ERROR` and a continuation line.
                // (`OK` that ends the exchange seldom comes here: `Framer::ok_done` and
                // `Framer::feed_detached` take it.)
                // `first` is the line's first byte, read without a length test (the line is never
                // empty).
                let result = if first == b'+' {
                    let name = expect.$($name_of)+;
                    if $info(line, name, phase) {
                        expect.state.info_seen = true;
                        // Continuation lines from now on for a multi-line answer (no branch).
                        expect.state.phase = phase | (PHASE_MORE * expect.state.multi_line as u8);
                        return Event::Info(InfoLine {
                            line,
                            name_len: name.len(),
                        });
                    }
                    cme_error(line.get(1..).unwrap_or(&[]))
                } else {
                    match *line {
                        [b'O', b'K'] => Some(FinalResult::Ok),
                        [e0, e1, e2, e3, b'R']
                            if u32::from_le_bytes([e0, e1, e2, e3]) == u32::from_le_bytes(*b"ERRO") =>
                        {
                            Some(FinalResult::Error)
                        }
                        _ => {
                            if phase & PHASE_MORE != 0 {
                                return Event::Info(InfoLine::continuation(line));
                            }
                            None
                        }
                    }
                };
                if let Some(result) = result {
                    expect.finish();
                    return Event::Final(result);
                }
            }
            *unsolicited = unsolicited.wrapping_add(1);
            Event::Unsolicited(line)
        }
    };
}

classifier!(
    /// Classifies one complete line against an [`Expect`].
    #[inline]
    fn classify[](Expect<'_>, same_bytes, info_of_any, name)
);

/// The event of a handshake reply: `+ok` (`ok`) or `a`.
#[inline(always)]
fn reply_event(ok: bool) -> Event<'static> {
    if ok {
        Event::HandshakeOk
    } else {
        Event::HandshakeA
    }
}

/// [`classify`] for the framer's general way ([`Framer::feed_detached_general_late`]): a name
/// with the hint of [`Expect::plain_name`] compared as bytes first ([`info_of_hinted`]), and
/// the final results read whatever the phase, so that one that no exchange awaits is counted
/// in `late` (saturating) as it goes out unsolicited: a late response, which cat1-client's core
/// found by reading every unsolicited line again (`FinalResult::parse`; about 60 bytes of its
/// flash). Otherwise the same events, counts and state as the `classifier!` text with
/// `info_of_hinted` (kept in the tests as `classify_general_before`, which a proptest compares).
/// On the exchange's state where it is, its line sent and name given apart (`(sent, name)`,
/// closures: the name cut only for a line `+...` of an exchange that takes an answer), not on
/// an [`Expect`] attached for it and copied back.
#[inline]
fn classify_general<'l, 'c>(
    line: &'l [u8],
    first: u8,
    state: &mut Detached,
    (sent, name): (impl FnOnce() -> &'c [u8], impl FnOnce() -> &'c [u8]),
    unsolicited: &mut u32,
    late: &mut u32,
) -> Event<'l> {
    let phase = state.phase;
    let sent = sent();
    // As `classify`: the lengths first, then the echo.
    if line.len() == sent.len() && phase & PHASE_ECHO != 0 && same_bytes(line, sent) {
        state.echo_seen = true;
        state.phase = (phase & !PHASE_ECHO) | PHASE_ANSWER;
        return Event::Echo(line);
    }
    let answer = phase & PHASE_ANSWER != 0;
    let result = if first == b'+' {
        if answer {
            let name = name();
            if info_of_hinted(line, name, phase) {
                state.info_seen = true;
                state.phase = phase | (PHASE_MORE * state.multi_line as u8);
                return Event::Info(InfoLine {
                    line,
                    name_len: name.len(),
                });
            }
        }
        // The cut's start clamped (`line` starts with the `+`): a cut that cannot fail, one
        // select of its start, where `get(1..)`'s `None` arm selected a pointer and a length
        // (client `.text` -4 bytes, client-async -4).
        cme_error_apart(line.get(1.min(line.len())..).unwrap_or(&[]))
    } else {
        match *line {
            [b'O', b'K'] => Some(FinalResult::Ok),
            [e0, e1, e2, e3, b'R']
                if u32::from_le_bytes([e0, e1, e2, e3]) == u32::from_le_bytes(*b"ERRO") =>
            {
                Some(FinalResult::Error)
            }
            _ => {
                if answer && phase & PHASE_MORE != 0 {
                    return Event::Info(InfoLine::continuation(line));
                }
                None
            }
        }
    };
    if let Some(result) = result {
        if answer {
            state.finish();
            return Event::Final(result);
        }
        *late = late.saturating_add(1);
    }
    *unsolicited = unsolicited.wrapping_add(1);
    Event::Unsolicited(line)
}

#[cfg(test)]
classifier!(
    /// `classify_general` as it was before it counted late responses (the macro's text, with
    /// [`info_of_hinted`]): the reference of `classify_general_is_as_before`, which counts a
    /// late response as cat1-client's core did, by `FinalResult::parse` of an unsolicited line.
    #[inline]
    fn classify_general_before[](Expect<'_>, same_bytes, info_of_hinted, name)
);

classifier!(
    /// Classifies one complete line against an [`Apart`] ([`Framer::classify_other`]).
    #[inline(always)]
    fn classify_apart['c, F: Fn() -> &'c [u8]](Apart<'_, 'c, F>, same_words, info_of_any, name())
);

/// An exchange's state and its lines apart, for [`classify_apart`]: the fields of an
/// [`Expect`], without one built (`Expect::attach`, then the state copied back).
struct Apart<'s, 'c, F: Fn() -> &'c [u8]> {
    state: &'s mut Detached,
    sent: &'c [u8],
    /// Gives the command's name: called only for a line `+...` (fewer values held across
    /// the rest: `+CME ERROR` and the echo a few instructions less each).
    name: F,
}

impl<'c, F: Fn() -> &'c [u8]> Apart<'_, 'c, F> {
    /// The command's name.
    #[inline(always)]
    fn name(&self) -> &'c [u8] {
        (self.name)()
    }

    /// The exchange ended (as [`Expect::finish`]).
    #[inline(always)]
    fn finish(&mut self) {
        self.state.finish();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    extern crate std;
    use std::string as alloc_string;

    /// The line buffer at the framer's own address (`repr(C)`, and so at the core's, which puts
    /// its framer first): `take_tracked`'s one `ldrd` of the length and the gate reaches it
    /// from the core's base.
    #[test]
    fn the_line_buffer_comes_first() {
        assert_eq!(core::mem::offset_of!(Framer<616>, lines), 0);
    }

    /// `Detached::CLEARED` is zero bytes in every field (what cat1-client's `Core::new` counts on
    /// to clear its whole core in one call), and is not `NOTHING` (whose `slow_below` is not 0).
    #[test]
    fn cleared_is_zero_bytes() {
        let Detached {
            waiting,
            require_echo,
            multi_line,
            echo_seen,
            info_seen,
            done,
            slow_below,
            phase,
        } = Detached::CLEARED;
        assert_eq!(waiting as u8, 0);
        assert!(!(require_echo || multi_line || echo_seen || info_seen || done));
        assert_eq!((slow_below, phase), (0, 0));
        assert_ne!(Detached::CLEARED, Detached::NOTHING);
    }

    /// `is_multi_line` against its definition: equal to a name of [`MULTI_LINE_ANSWERS`],
    /// ignoring ASCII case.
    fn multi_line_as_defined(name: &[u8]) -> bool {
        MULTI_LINE_ANSWERS
            .iter()
            .any(|m| m.eq_ignore_ascii_case(name))
    }

    #[test]
    fn multi_line_names_in_any_case_only() {
        for name in [
            &b"LBSN"[..],
            b"lbsn",
            b"LbSn",
            b"SYSINFO",
            b"sysinfo",
            b"SysInfo",
            b"LBS",
            b"LBSNX",
            b"SYSINF",
            b"SYSINFOO",
            b"SYSJNFO",
            b"",
            b"CSQ",
            // Bytes that differ from a letter by bit 5 only, but are not that letter.
            b"\x0c\x02\x13\x0e",
            b"l\x02sn",
            b"sys\x09nfo",
            b"sysi\x0efo",
        ] {
            assert_eq!(is_multi_line(name), multi_line_as_defined(name), "{name:?}");
        }
        // Every byte in every position of both names.
        for m in MULTI_LINE_ANSWERS {
            for i in 0..m.len() {
                for b in 0..=255u8 {
                    let mut name = [0u8; 8];
                    name[..m.len()].copy_from_slice(m);
                    name[i] = b;
                    let name = &name[..m.len()];
                    assert_eq!(is_multi_line(name), multi_line_as_defined(name), "{name:?}");
                }
            }
        }
    }

    /// `is_info_of` against its definition: `InfoLine::parse`, then the name compared in any
    /// case.
    fn info_of_as_defined(line: &[u8], name: &[u8]) -> bool {
        InfoLine::parse(line).is_some_and(|info| info.name().eq_ignore_ascii_case(name))
    }

    /// The name comparison gives what the definition gives: every byte in every position of
    /// the line's name, and of the name itself, against names of letters, digits, and bytes a
    /// bit 5 away from a letter (a guard for a faster comparison: 3cd602e compared words).
    #[test]
    fn info_names_in_any_case_only() {
        let names: [&[u8]; 14] = [
            b"Z",
            b"E5",
            b"CSQ",
            b"c5q",
            b"CPIN",
            b"CGDCONT",
            b"SOCKASL8",
            b"SYSINFO",
            b"SOCKAPORT",
            b"HEARTDATA1",
            b"@[`{",
            b"\x01\x02\x03",
            b"a\xc1z",
            b"ABCDEFGHI9KL",
        ];
        extern crate std;
        use std::vec::Vec;
        // `+`, `name` with its byte `i` set to `b` (when given), `:` and `tail`.
        let line_of = |name: &[u8], changed: Option<(usize, u8)>, tail: &[u8]| {
            let mut line = Vec::from([b'+']);
            line.extend_from_slice(name);
            if let Some((i, b)) = changed {
                line[1 + i] = b;
            }
            line.push(b':');
            line.extend_from_slice(tail);
            line
        };
        for name in names {
            for i in 0..name.len() {
                for b in 0..=255u8 {
                    let line = line_of(name, Some((i, b)), b"1");
                    assert_eq!(
                        is_info_of(&line, name),
                        info_of_as_defined(&line, name),
                        "{line:?} {name:?}"
                    );
                    // The comparison for a name of letters and digits, where it is one.
                    if is_plain(name) {
                        assert_eq!(
                            is_info_of_plain(&line, name),
                            info_of_as_defined(&line, name),
                            "{line:?} {name:?}"
                        );
                        // And the general way's with the hint.
                        assert_eq!(
                            info_of_hinted(&line, name, PHASE_PLAIN),
                            info_of_as_defined(&line, name),
                            "{line:?} {name:?}"
                        );
                    }
                    // The name's byte changed instead (the line keeps the name as written).
                    let mut other = name.to_vec();
                    other[i] = b;
                    let line = line_of(name, None, b"");
                    assert_eq!(
                        is_info_of(&line, &other),
                        info_of_as_defined(&line, &other),
                        "{line:?} {other:?}"
                    );
                    if is_plain(&other) {
                        assert_eq!(
                            is_info_of_plain(&line, &other),
                            info_of_as_defined(&line, &other),
                            "{line:?} {other:?}"
                        );
                        assert_eq!(
                            info_of_hinted(&line, &other, PHASE_PLAIN),
                            info_of_as_defined(&line, &other),
                            "{line:?} {other:?}"
                        );
                    }
                }
            }
        }
    }

    /// The bytes put into lines for `info_of_plain_is_info_of`: letters, digits and the bytes a
    /// bit 5 away from them, the colon, and any byte.
    fn name_byte() -> impl proptest::strategy::Strategy<Value = u8> {
        use proptest::prelude::*;
        prop_oneof![
            prop::sample::select(&b"AZaz09@[`{:/\x10\x19\x01CSQcsqE5"[..]),
            any::<u8>(),
        ]
    }

    /// Feeds `chunks` to a framer of `N` bytes awaiting `expect`, through `feed_handshake`
    /// while a handshake reply is awaited (`before`: `feed_handshake_before`) and `feed_lines`
    /// otherwise, each chunk until it is taken in; returns the events with the bytes each
    /// consumed, the counters, what is pending and the exchange's state.
    /// `chunks` fed to a framer awaiting `expect`'s handshake reply, by `way`: 0
    /// `feed_handshake_before`, 1 `feed_handshake`, and the ways that ship, 2 `feed_any` and 3
    /// `feed_detached_general` (a second reader: they repeat the handshake-then-line-layer
    /// steps rather than call `feed_handshake`; the general way reads the reply with
    /// `reply_ends`). Every event and bytes consumed, then the counters, the pending line and
    /// the state. The framer is fed `before` first, with nothing in flight (empty for
    /// `feed_handshake_is_as_before`): a line pending (the start of a reply or not), or an
    /// over-long one being dropped, when the handshake starts; its events go first.
    fn handshake_run<const N: usize>(
        before: &[u8],
        expect: Expect<'_>,
        chunks: &[&[u8]],
        way: u8,
    ) -> alloc_string::String {
        extern crate std;
        use std::format;
        let mut framer = Framer::<N>::new();
        let mut out = std::string::String::new();
        let mut nothing = Expect::nothing();
        let mut rest = before;
        while let Status::Complete(event, n) = framer.feed_lines(rest, &mut nothing) {
            out += &format!("{event:?} {n}; ");
            rest = &rest[n..];
        }
        let mut expect = expect;
        for chunk in chunks {
            let mut rest: &[u8] = chunk;
            loop {
                let status = if !expect.handshake_pending() {
                    framer.feed_lines(rest, &mut expect)
                } else {
                    match way {
                        0 => framer.feed_handshake_before(rest, &mut expect),
                        1 => framer.feed_handshake(rest, &mut expect),
                        2 => framer.feed_any(rest, &mut expect),
                        _ => {
                            let mut state = expect.detach();
                            let status = framer.feed_detached_general(rest, &mut state, b"", b"");
                            expect = Expect::attach(b"", b"", state);
                            status
                        }
                    }
                };
                match status {
                    Status::Partial => break,
                    Status::Complete(event, n) => {
                        out += &format!("{event:?} {n}; ");
                        rest = &rest[n..];
                    }
                }
            }
        }
        let (counters, pending) = (framer.counters(), framer.pending());
        out += &format!("{counters:?} {pending:?} {:?}", expect.detach());
        out
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2048))]

        /// `feed_handshake` hands out what `feed_handshake_before` (the rest cut at its first
        /// line end) did, for any bytes near the replies in any chunking, with line buffers
        /// short enough to overflow: the same events, bytes consumed, counters, pending line
        /// and state.
        #[test]
        fn feed_handshake_is_as_before(
            ok in proptest::bool::ANY,
            bytes in proptest::collection::vec(
                proptest::sample::select(&b"\r\n\r\na+okOKxA+"[..]),
                0..24,
            ),
            cuts in proptest::collection::vec(0usize..24, 0..6),
        ) {
            ways_agree(b"", ok, &crate::line::chunks::cut_at(&bytes, cuts))?;
        }
    }

    /// Every way of [`handshake_run`] hands out what way 0 (`feed_handshake_before`)
    /// does, with line buffers of 4, 2 and 16 bytes.
    fn ways_agree(
        before: &[u8],
        ok: bool,
        chunks: &[&[u8]],
    ) -> Result<(), proptest::test_runner::TestCaseError> {
        let expect = if ok {
            Expect::handshake_ok()
        } else {
            Expect::handshake_a()
        };
        for way in 1..4 {
            proptest::prop_assert_eq!(
                handshake_run::<4>(before, expect, chunks, way),
                handshake_run::<4>(before, expect, chunks, 0)
            );
            proptest::prop_assert_eq!(
                handshake_run::<2>(before, expect, chunks, way),
                handshake_run::<2>(before, expect, chunks, 0)
            );
            proptest::prop_assert_eq!(
                handshake_run::<16>(before, expect, chunks, way),
                handshake_run::<16>(before, expect, chunks, 0)
            );
        }
        Ok(())
    }

    /// The general way's reply (`reply_ends`, all its bytes read before anything is stored)
    /// where the bytes pending when the handshake starts are a whole reply, or a reply's
    /// start, or an over-long line whose first bytes are a reply (left in the buffer while it
    /// is dropped): what the old reply parser gave (no reply taken from bytes pending alone).
    #[test]
    fn a_reply_needs_a_byte_of_the_input() {
        let befores: [&[u8]; 8] = [
            b"+ok", b"a", b"+o", b"+", b"+okzz", b"azzzz", b"+OKzzzz", b"\r",
        ];
        let chunkings: [&[&[u8]]; 5] = [&[b"k"], &[b"a"], &[b"+ok"], &[b"\r\na"], &[b"zz\r+ok"]];
        for before in befores {
            for chunks in chunkings {
                for ok in [false, true] {
                    let expect = if ok {
                        Expect::handshake_ok()
                    } else {
                        Expect::handshake_a()
                    };
                    for way in 1..4 {
                        assert_eq!(
                            handshake_run::<4>(before, expect, chunks, way),
                            handshake_run::<4>(before, expect, chunks, 0),
                            "{before:?} {chunks:?} {ok} {way}"
                        );
                    }
                }
            }
        }
    }

    /// `InfoLine::after_colon` as it was: `split_at_checked` of the name's length and two, the
    /// empty text where that is past the line's end.
    fn after_colon_before<'a>(info: &InfoLine<'a>) -> &'a [u8] {
        if info.name_len == 0 {
            return info.line;
        }
        match info.line.split_at_checked(info.name_len.wrapping_add(2)) {
            Some((_, text)) => text,
            None => &[],
        }
    }

    proptest::proptest! {
        /// `after_colon` with the cut clamped is the text it was, for any name length (past
        /// the line's end and near `usize::MAX` too, which no `InfoLine` has).
        #[test]
        fn after_colon_is_as_before(
            line in proptest::collection::vec(proptest::num::u8::ANY, 0..12),
            name_len in proptest::prop_oneof![0usize..16, (usize::MAX - 3)..=usize::MAX],
        ) {
            let info = InfoLine { line: &line, name_len };
            proptest::prop_assert_eq!(info.after_colon(), after_colon_before(&info));
        }

        /// `from_parts` of `into_parts` is the line it was (cat1-client hands an information
        /// line on as its parts): any line and name length, a parsed one's too.
        #[test]
        fn an_info_line_from_its_parts_is_itself(
            line in proptest::collection::vec(proptest::num::u8::ANY, 0..12),
            name_len in proptest::prop_oneof![0usize..16, (usize::MAX - 3)..=usize::MAX],
        ) {
            let info = InfoLine { line: &line, name_len };
            let (l, n) = info.into_parts();
            proptest::prop_assert_eq!(InfoLine::from_parts(l, n), info);
            if let Some(parsed) = InfoLine::parse(&line) {
                let (l, n) = parsed.into_parts();
                proptest::prop_assert_eq!(InfoLine::from_parts(l, n), parsed);
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2048))]

        /// [`feed_handshake_is_as_before`] on a framer that was fed bytes with nothing in
        /// flight first (`handshake_run`'s `before`): a line pending or being dropped when the
        /// handshake starts.
        #[test]
        fn a_reply_after_bytes_pending_is_as_before(
            ok in proptest::bool::ANY,
            before in proptest::collection::vec(
                proptest::sample::select(&b"\r+okOKaAzz"[..]),
                0..12,
            ),
            bytes in proptest::collection::vec(
                proptest::sample::select(&b"\r\n\r\na+okOKxA+"[..]),
                0..24,
            ),
            cuts in proptest::collection::vec(0usize..24, 0..6),
        ) {
            ways_agree(&before, ok, &crate::line::chunks::cut_at(&bytes, cuts))?;
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4096))]

        /// The comparison with the equal byte first, for a name of letters and digits, gives
        /// what `is_info_of` (the one `line_done` keeps) gives: a name, and a line that is `+`,
        /// the name with some bytes changed (case flipped, lowered, or any byte), its colon or
        /// not, and more.
        #[test]
        fn info_of_plain_is_info_of(
            name in proptest::collection::vec(
                proptest::sample::select(&b"AZazMm09CSQcsqE5"[..]),
                1..12,
            ),
            changes in proptest::collection::vec((0usize..12, 0u8..3, name_byte()), 0..4),
            colon in proptest::bool::weighted(0.8),
            tail in proptest::collection::vec(name_byte(), 0..4),
        ) {
            extern crate std;
            use std::vec::Vec;
            let mut line = Vec::from([b'+']);
            line.extend_from_slice(&name);
            for (i, how, b) in changes {
                if let Some(x) = line.get_mut(1 + i) {
                    *x = match how {
                        0 => *x ^ 0x20,
                        1 => x.to_ascii_lowercase(),
                        _ => b,
                    };
                }
            }
            if colon {
                line.push(b':');
            }
            line.extend_from_slice(&tail);
            proptest::prop_assert!(is_plain(&name));
            proptest::prop_assert_eq!(is_info_of_plain(&line, &name), is_info_of(&line, &name));
            // The general way's, with the hint (the equal byte first) and without it.
            proptest::prop_assert_eq!(
                info_of_hinted(&line, &name, PHASE_PLAIN),
                is_info_of(&line, &name)
            );
            proptest::prop_assert_eq!(info_of_hinted(&line, &name, 0), is_info_of(&line, &name));
            // And what the byte loop it replaced gave (the names of 4 to 8 bytes in two words,
            // the first and the last, overlapping below 8; of 9 to 11 in a loop of words, the
            // last overlapping; of 3 with the colon as one word; the shorter ones byte by
            // byte).
            proptest::prop_assert_eq!(
                is_info_of_plain(&line, &name),
                is_info_of_plain_bytes(&line, &name)
            );
        }

        /// `cme_error_line` (`take_cme_error`'s) reads what `cme_error` (the classification's)
        /// reads after the `+`: `+CME ERROR:` with any byte of it changed or cut, any run of
        /// spaces and other whitespace, digits, signs and letters after it, any length; and a
        /// line that reads as `+CME ERROR:<n>` is no name's information line (`take_cme_error`
        /// looks at no name).
        #[test]
        fn cme_error_line_is_cme_error(
            cut in 0usize..12,
            change in proptest::option::of((0usize..11, proptest::num::u8::ANY)),
            tail in proptest::collection::vec(
                proptest::sample::select(&b"  \t\r\n\x0c\x0b0123456789+-a:"[..]),
                0..9,
            ),
            name in proptest::collection::vec(name_byte(), 0..13),
        ) {
            extern crate std;
            use std::vec::Vec;
            let mut line = Vec::from(&b"+CME ERROR:"[..cut.min(11)]);
            if let Some((i, b)) = change {
                if let Some(x) = line.get_mut(i.max(1)) {
                    *x = b;
                }
            }
            if cut >= 11 {
                line.extend_from_slice(&tail);
            }
            let read = cme_error_line(&line);
            let plus = line.first() == Some(&b'+');
            proptest::prop_assert_eq!(
                read,
                cme_error(line.get(1..).unwrap_or(&[])).filter(|_| plus)
            );
            if read.is_some() {
                proptest::prop_assert!(!is_info_of(&line, &name));
            }
        }
    }

    /// `cme_error_line` on the forms a module writes, and near misses: what `cme_error` reads.
    #[test]
    fn cme_error_line_reads_the_module_forms() {
        for line in [
            &b"+CME ERROR: 10"[..],
            b"+CME ERROR:10",
            b"+CME ERROR:  7",
            b"+CME ERROR: 65535",
            b"+CME ERROR: 65536",
            b"+CME ERROR: 123456",
            b"+CME ERROR: ",
            b"+CME ERROR:",
            b"+CME ERROR: 1a",
            b"+CME ERRORS: 1",
            b"+cme error: 1",
            b"+CME ERROR: \t4",
            b"+CME ERROR:\t4",
        ] {
            assert_eq!(cme_error_line(line), cme_error(&line[1..]), "{line:?}");
        }
        assert_eq!(cme_error_line(b"-CME ERROR: 10"), None);
        assert_eq!(
            cme_error_line(b"+CME ERROR: 10"),
            Some(FinalResult::CmeError(10))
        );
    }

    /// A name of three bytes (compared with its colon as one word) and its line with any one
    /// byte of the name or the colon changed to any byte: what `is_info_of` gives.
    #[test]
    fn three_byte_names_against_any_byte() {
        for name in [&b"CSQ"[..], b"csq", b"E5a", b"999"] {
            for at in 1..5 {
                for b in 0..=255u8 {
                    let mut line = [b'+', name[0], name[1], name[2], b':', b'1'];
                    line[at] = b;
                    assert_eq!(
                        is_info_of_plain(&line, name),
                        is_info_of(&line, name),
                        "{name:?} {at} {b}"
                    );
                }
            }
        }
    }

    /// `is_info_of_plain` as it was before its names were compared four bytes at a time (byte
    /// by byte, the equal byte first), for `info_of_plain_is_info_of`.
    fn is_info_of_plain_bytes(line: &[u8], name: &[u8]) -> bool {
        let Some((head, _)) = line.split_at_checked(name.len().wrapping_add(2)) else {
            return false;
        };
        let [_, body @ .., b':'] = head else {
            return false;
        };
        same_plain_name(body, name)
    }

    /// What `feed` hands out for `input`, fed `chunk` bytes at a time, as short strings.
    fn events(input: &[u8], mut expect: Expect<'_>, chunk: usize) -> [u8; 8] {
        let mut framer = Framer::<16>::new();
        let mut out = [b'.'; 8];
        let mut k = 0;
        for piece in input.chunks(chunk) {
            let mut rest = piece;
            while let Status::Complete(ev, n) = framer.feed(rest, &mut expect) {
                out[k] = match ev {
                    Event::Echo(_) => b'E',
                    Event::Final(FinalResult::Ok) => b'K',
                    Event::Unsolicited(_) => b'U',
                    Event::Info(_) => b'I',
                    _ => b'?',
                };
                k += 1;
                rest = &rest[n..];
            }
        }
        out
    }

    #[test]
    fn ok_is_the_echo_when_it_was_sent() {
        for chunk in [1, 2, 3, 64] {
            // `OK` sent: the first `OK` is its echo (echo not seen yet), the second ends it.
            let sent_ok = Expect::command(b"OK", b"X");
            assert_eq!(&events(b"OK\r\nOK\r\nOK\r\n", sent_ok, chunk), b"EKU.....");
            let required = Expect::command(b"OK", b"X").echo_required();
            assert_eq!(&events(b"OK\r\nOK\r\n", required, chunk), b"EK......");
            // Echo required and another line sent: `OK` before the echo is unsolicited.
            let other = Expect::command(b"AT", b"").echo_required();
            assert_eq!(&events(b"OK\r\nAT\r\nOK\r\n", other, chunk), b"UEK.....");
            assert_eq!(&events(b"OK\r\n", Expect::nothing(), chunk), b"U.......");
            assert_eq!(
                &events(b"OK\r\n", Expect::handshake_ok(), chunk),
                b"U......."
            );
            // Not `OK`: `OKAY`, `O`, `ok`.
            let csq = Expect::command(b"AT+CSQ", b"CSQ");
            assert_eq!(&events(b"OKAY\rO\rok\rOK\r", csq, chunk), b"UUUK....");
        }
    }

    /// `chunks` fed to a framer of `N` bytes through `feed_detached_general` (or, `before`, its
    /// reference), each chunk until it is taken in: every event with the bytes it consumed,
    /// the gate after each call, then the counters, the pending line and the state.
    fn general_run<const N: usize>(
        expect: Expect<'_>,
        name: &[u8],
        chunks: &[&[u8]],
        before: bool,
    ) -> alloc_string::String {
        extern crate std;
        use std::format;
        let mut framer = Framer::<N>::new();
        let sent = expect.sent;
        let mut state = expect.detach();
        let mut out = alloc_string::String::new();
        // Late responses: counted by the general way itself, or (before) as cat1-client's
        // core counted them, an unsolicited line that `FinalResult::parse` reads.
        let mut late = 0u32;
        for chunk in chunks {
            let mut rest: &[u8] = chunk;
            loop {
                let status = if before {
                    framer.feed_detached_general_before(rest, &mut state, sent, name)
                } else {
                    framer.feed_detached_general_late(rest, &mut state, || sent, || name, &mut late)
                };
                let used = match status {
                    Status::Partial => None,
                    Status::Complete(event, n) => {
                        if let (true, Event::Unsolicited(line)) = (before, &event) {
                            if FinalResult::parse(line).is_some() {
                                late += 1;
                            }
                        }
                        out += &format!("{event:?} {n}; ");
                        Some(n)
                    }
                };
                out += &format!("gate {}; ", framer.gate_open());
                match used {
                    None => break,
                    Some(n) => rest = &rest[n..],
                }
            }
        }
        out += &format!(
            "{:?} {:?} {:?} late {late}",
            framer.counters(),
            framer.lines.pending_len(),
            state
        );
        if framer.lines.pending_len() <= N {
            out += &format!(" {:?}", framer.pending());
        }
        out
    }

    /// Lines for `classify_general_is_as_before`: the final results and near misses, an
    /// information line of each name, a continuation, the lines sent.
    static CLASSIFIED_LINES: [&[u8]; 22] = [
        b"OK",
        b"ok",
        b"OKx",
        b"ERROR",
        b"ERRORx",
        b"ERRoR",
        b"+CME ERROR: 10",
        b"+CME ERROR:65535",
        b"+CME ERROR: 65536",
        b"+CME ERROR:",
        b"+CME ERROR: 1x",
        b"+CME EROR: 1",
        b"+CSQ: 1,2",
        b"+csq:3",
        b"+LBSN:1",
        b"+CS:",
        b"+",
        b"x",
        b"AT+CSQ",
        b"AT+LBSN",
        b"AT",
        b"a",
    ];

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4096))]

        /// `classify_general`, which reads the final results whatever the phase and counts
        /// one no exchange awaits in `late`, gives the events, state and unsolicited count the
        /// macro's classifier gave (`classify_general_before`), and counts in `late` exactly
        /// the unsolicited lines that `FinalResult::parse` reads (what cat1-client's core
        /// counted as late responses), through any sequence of lines (so any phase: echo
        /// awaited, answers taken, continuation lines, done) of a command with or without the
        /// hint, echo required or not, multi-line or not, nothing, or a handshake reply.
        #[test]
        fn classify_general_is_as_before(
            lines in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::strategy::Strategy::prop_map(
                        proptest::sample::select(&CLASSIFIED_LINES[..]),
                        <[u8]>::to_vec,
                    ),
                    proptest::collection::vec(
                        proptest::sample::select(&b"OKER+CSQ: 1,0x"[..]),
                        1..8,
                    ),
                ],
                0..10,
            ),
            sent in 0usize..5,
            name in 0usize..4,
            kind in 0u8..4,
            echo_required in proptest::bool::ANY,
            hint in proptest::bool::ANY,
            multi_line in proptest::bool::ANY,
            progress in proptest::option::of((
                proptest::bool::ANY,
                proptest::bool::ANY,
                proptest::bool::ANY,
            )),
        ) {
            let sent: &[u8] = [&b"AT+CSQ"[..], b"AT", b"OK", b"AT+LBSN", b"+CSQ: 1,2"][sent];
            let name: &[u8] = [&b"CSQ"[..], b"csq", b"LBSN", b""][name];
            let expect = match kind {
                0 => {
                    let e = Expect::command(sent, name).multi_line(multi_line);
                    let e = if echo_required { e.echo_required() } else { e };
                    let e = if hint { e.plain_name() } else { e };
                    // Any progress a driver resumes from, those the lines do not reach too
                    // (an information line seen, the echo not yet: continuation lines
                    // without answers taken).
                    match progress {
                        Some((echo_seen, info_seen, done)) => e.resume(Progress {
                            echo_seen,
                            info_seen,
                            done,
                        }),
                        None => e,
                    }
                }
                1 => Expect::nothing(),
                2 => Expect::handshake_a(),
                _ => Expect::handshake_ok(),
            };
            let (mut new, mut old) = (expect, expect);
            let (mut unsolicited_new, mut unsolicited_old, mut late, mut late_old) = (0, 0, 0, 0);
            for line in &lines {
                let first = line[0];
                let event = classify_general(
                    line,
                    first,
                    &mut new.state,
                    (|| new.sent, || new.name),
                    &mut unsolicited_new,
                    &mut late,
                );
                let before = classify_general_before(line, first, &mut old, &mut unsolicited_old);
                if let Event::Unsolicited(l) = before {
                    if FinalResult::parse(l).is_some() {
                        late_old += 1;
                    }
                }
                proptest::prop_assert_eq!(event, before);
                proptest::prop_assert_eq!(new.state, old.state);
                proptest::prop_assert_eq!(new.state.phase, old.state.phase);
                proptest::prop_assert_eq!(unsolicited_new, unsolicited_old);
                proptest::prop_assert_eq!(late, late_old);
            }
        }
    }

    /// Lines, parts of lines and line ends for `general_way_is_as_before`.
    static GENERAL_PIECES: [&[u8]; 17] = [
        b"OK",
        b"ERROR",
        b"+CSQ: 1,2",
        b"+csq:3",
        b"+CS:",
        b"+C@Q:",
        b"+CME ERROR: 10",
        b"AT+CSQ",
        b"AT",
        b"a",
        b"+ok",
        b"+OK",
        b"x\x00y",
        b"\r\n",
        b"\r",
        b"\n",
        b"\r\n\r\n",
    ];

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2048))]

        /// The general way (the exchange attached for a handshake reply and a line that ended,
        /// its own classifier with the hint's name comparison, the line layer's loop for the
        /// line ends at a line's start) gives what it gave before: the same events, bytes
        /// consumed, gate, counters, pending line and state, for a command (with the hint of
        /// `plain_name` or not, echo required or not), nothing, or a handshake reply awaited,
        /// in any chunking, with buffers short enough to overflow.
        #[test]
        fn general_way_is_as_before(
            pieces in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::strategy::Strategy::prop_map(
                        proptest::sample::select(&GENERAL_PIECES[..]),
                        <[u8]>::to_vec,
                    ),
                    proptest::collection::vec(
                        proptest::sample::select(&b"\r\nOK+CSQ:1,cs \x00\x0ea"[..]),
                        0..6,
                    ),
                ],
                0..16,
            ),
            cuts in proptest::collection::vec(0usize..64, 0..6),
            sent in 0usize..5,
            name in 0usize..5,
            kind in 0u8..4,
            echo_required in proptest::bool::ANY,
            hint in proptest::bool::ANY,
        ) {
            let bytes = pieces.concat();
            let chunks = crate::line::chunks::cut_at(&bytes, cuts);
            let sent: &[u8] = [&b"AT+CSQ"[..], b"AT", b"OK", b"+CSQ:1", b""][sent];
            let name: &[u8] = [&b"CSQ"[..], b"csq", b"CS", b"C@Q", b""][name];
            let expect = match kind {
                0 => {
                    let e = Expect::command(sent, name);
                    let e = if echo_required { e.echo_required() } else { e };
                    if hint { e.plain_name() } else { e }
                }
                1 => Expect::nothing(),
                2 => Expect::handshake_a(),
                _ => Expect::handshake_ok(),
            };
            proptest::prop_assert_eq!(
                general_run::<64>(expect, name, &chunks, false),
                general_run::<64>(expect, name, &chunks, true)
            );
            proptest::prop_assert_eq!(
                general_run::<4>(expect, name, &chunks, false),
                general_run::<4>(expect, name, &chunks, true)
            );
        }
    }
}
