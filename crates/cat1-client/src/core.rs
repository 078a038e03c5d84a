//! The sans-IO core: one exchange at a time, handed the time, no I/O.
//!
//! The adapters ([`crate::blocking`], [`crate::asynch`]) write what [`Core::start`] returns, feed
//! what they read to [`Core::receive`], and call [`Core::poll`] for timeouts. Everything a firmware
//! needs to trust the answers is decided here:
//!
//! - The command in flight is known, so an unsolicited line is never merged into its answer.
//! - With echo on (the factory default, [`Echo::On`]), the answer must follow the command's echo.
//! - After a timeout (or an abort) the core is *unsynchronised* and refuses to start a command
//!   ([`StartError::Unsynchronised`]) until the adapter has seen the line quiet for
//!   [`Timing::settle`], counting what arrives as late. With echo off there is no echo to anchor
//!   on; with echo on the module echoes each character as it receives it (errata #33), possibly
//!   while it still works on the lost command, so the next command's echo could come before the
//!   lost answer. An answer slower than the timeout and the settle time together is the one left
//!   unguarded (with echo on it is then taken as unsolicited if it comes before the next echo).
//! - Nothing is dropped silently: unsolicited lines and overflows come out as [`Output`]s and are
//!   counted in [`ClientCounters`].

use cat1_at_parse::{
    CommandLine, Detached, EncodeError, EndedLine, Event, Expect, FinalResult, Framer, InfoLine,
    MAX_LINE, NotEcho, Pending, Scanned, Status, Writer,
};
use cat1_config::CommandSpec;
use cat1_config::Value;
use cat1_config::request::{FIXED_MAX, FixedLine, RequestError};
use cat1_hal_traits::time::{Duration, Instant};

/// What the module does with echo (`AT+E`), as far as the client knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
// `Unknown`, a new core's, as 0: `Core::new` clears it with the fields before it, in its one
// `__aeabi_memclr8` call, instead of a store of its own (client `.text` -4 bytes; `echo == On`
// in the start paths a compare with 1: a CGDCONT cycle 1 to 2 instructions more, no per-byte
// figure moved). The values changed with it (`On` was 0, `Off` 1, `Unknown` 2), which only an
// `as` cast sees: defmt encodes the variant's place in the list, which did not change.
pub enum Echo {
    /// Echo on: the answer must follow the echo (the factory default).
    On = 1,
    /// Echo off.
    Off = 2,
    /// Not known yet (before the first exchange in command mode): an echo is accepted if it comes.
    Unknown = 0,
}

/// Timeouts and guard times. The defaults follow protocol-notes §1 and the drivers it cites.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Timing {
    /// How long a command may take before it times out. The adapters also give up a wait for
    /// quiet (`settle`, `guard`) this long after it should have ended.
    pub command: Duration,
    /// Silence kept before `+++` (must exceed `AT+UARTFT`, 10-500 ms; drivers use about 1 s).
    pub guard: Duration,
    /// How long to wait for the `a` after `+++`, and for `+ok` after `a` (the module waits 3 s).
    pub handshake: Duration,
    /// How long the `AT` probe may take (short: in a transparent mode nothing answers).
    pub probe: Duration,
    /// How long to wait for the banner after `AT+S`, `AT+Z` or `AT+CLEAR`.
    pub restart: Duration,
    /// The quiet time that proves a timed-out or abandoned command will not answer any more
    /// (whatever the echo: see the module doc). The adapters wait for it at most this and
    /// `command` more.
    pub settle: Duration,
}

impl Timing {
    /// The defaults: command 5 s, guard 1 s, handshake 3 s, probe 300 ms, restart 30 s, settle
    /// 200 ms.
    pub const DEFAULT: Timing = Timing {
        command: Duration::from_secs(5),
        guard: Duration::from_millis(1000),
        handshake: Duration::from_secs(3),
        probe: Duration::from_millis(300),
        restart: Duration::from_secs(30),
        settle: Duration::from_millis(200),
    };
}

impl Default for Timing {
    fn default() -> Self {
        Timing::DEFAULT
    }
}

/// Running totals a firmware reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub struct ClientCounters {
    /// Exchanges that timed out (the `AT` probe of a module in a transparent mode is counted in
    /// `probes_unanswered` instead: that silence is expected; an abandoned exchange seen through
    /// to its deadline counts here and in `aborted`).
    pub timeouts: u32,
    /// `AT` probes nobody answered: the module was in a transparent mode.
    pub probes_unanswered: u32,
    /// Exchanges abandoned: with [`Core::abort`], or by the adapters' caller (a call that
    /// ended with a UART error, an async command's future dropped; the adapters see such an
    /// exchange through to its end before the next one starts, and drop its lines; one that
    /// reaches its deadline meanwhile counts in `timeouts` too).
    pub aborted: u32,
    /// Final results that arrived with no exchange to belong to (answers after a timeout).
    pub late_responses: u32,
    /// Unsolicited lines handed out (late responses included).
    pub unsolicited: u32,
    /// Lines dropped because they were longer than the receive buffer.
    pub overflows: u32,
    /// Bytes dropped with those lines.
    pub bytes_dropped: u64,
}

/// Why an exchange could not start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum StartError {
    /// An exchange is in flight; wait for it, or [`Core::abort`] it.
    Busy,
    /// A timed-out or aborted command may still answer: wait for quiet first
    /// ([`Core::settled`]). Through the adapters: the line did not go quiet within the settle
    /// time and a command's timeout; the next call waits again.
    Unsynchronised,
    /// The command could not be encoded (too long for the buffer, bad name, line end inside).
    Encode(EncodeError),
}

impl core::fmt::Display for StartError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            StartError::Busy => f.write_str("an exchange is in flight"),
            StartError::Unsynchronised => f.write_str("waiting for a timed-out answer to pass"),
            StartError::Encode(e) => write!(f, "cannot encode the command: {e}"),
        }
    }
}

impl core::error::Error for StartError {}

/// What the core hands out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Output<'a> {
    /// The echo of the command in flight (nothing to do).
    Echo,
    /// An information line of the command in flight.
    Info(InfoLine<'a>),
    /// The command in flight ended with this result.
    Done(FinalResult),
    /// The `a` after `+++`.
    HandshakeA,
    /// The `+ok` after `a`: the module is in command mode.
    HandshakeOk,
    /// A line that belongs to no exchange: banner, COM heartbeat, URC, late answer.
    Unsolicited(&'a [u8]),
    /// A line longer than the receive buffer was dropped.
    Overflow {
        /// Its length.
        dropped: usize,
    },
    /// The exchange in flight timed out.
    TimedOut,
}

/// `+++` was sent: the `a` is awaited.
pub(crate) const HANDSHAKE_A: Detached = Expect::handshake_a().detach();
/// `a` was sent: the `+ok` is awaited.
pub(crate) const HANDSHAKE_OK: Detached = Expect::handshake_ok().detach();

/// The client core with a receive line buffer and a transmit buffer of `N` bytes each
/// ([`MAX_LINE`] holds every line of the command set).
// `#[repr(C)]`. The framer first: its buffer at the core's own address (the chunk scan needs
// no register for it: about 1,170 instructions less a manual pass fed 16 bytes at a time) and its
// pending length with `take_tracked`'s gate beside it within `ldrd`'s reach (1,020 bytes; at
// the end, behind the transmit buffer, they were not); then the small fields, then the
// transmit buffer (the small fields first, as before, cost chunks 180 a pass: a register more
// in `receive_ok_first`; client flash +20 for the framer first: the small fields past Thumb's
// short loads and stores). The small fields a new core holds as zero bytes right behind the
// framer, with no padding between them (`malformed` fills what would be), then `echo` (a new
// core's `Echo::Unknown` a zero byte too, see `Echo`) and `state`, then the transmit buffer at
// an offset of 8 bytes: `new` clears the framer, those fields and the buffer with one
// `__aeabi_memclr8` call and then writes `state` (`Detached::CLEARED` in its literal, see
// there), where `state` and `echo` first and the padding behind them cost three calls and
// five stores (client flash -20 bytes), and `echo` and `state` written apart from the zeroed
// fields two calls and two stores (-20 more, nineteenth flash round).
#[derive(Debug, Clone)]
#[repr(C)]
pub struct Core<const N: usize = MAX_LINE> {
    framer: Framer<N>,
    counters: ClientCounters,
    /// When the exchange in flight times out.
    deadline: Instant,
    /// Length of the sent line as matched against the echo (its CR trimmed). The line and the
    /// name are read only while `state` is a command in flight; they are left as they are
    /// after it.
    sent_len: u16,
    /// Where the command's name sits in the transmit buffer, found once at the start so that
    /// feeding bytes does not scan the line again.
    name_start: u16,
    name_len: u8,
    unsynchronised: bool,
    /// An information line of the exchange in flight did not decode: set by the adapters'
    /// `dispatch` (`Core::mark_malformed`), cleared by their `exchange` before its wait and
    /// read at its end (`Core::malformed`). In the byte that was padding, zeroed with the
    /// fields before it (see above).
    malformed: bool,
    echo: Echo,
    /// The exchange in flight (a command or a handshake reply), without the lines it borrows
    /// (see `Expect::detach`): [`Detached::NOTHING`], or an exchange done, when idle. Whether
    /// one is in flight is read from it: no second record of it to keep in step.
    state: Detached,
    tx: [u8; N],
}

impl<const N: usize> Default for Core<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> Core<N> {
    /// An idle core. `const`, so it can live in a `static`.
    // Not inlined: built in its caller's place (the adapter's `Modem`) instead of in a temporary
    // copied there afterwards (a `memcpy` of the whole core, and its size again on the stack).
    #[inline(never)]
    pub const fn new() -> Self {
        let mut core = Core {
            // `take_tracked`'s gate shut: the first byte it declines opens it (`receive_chunk`).
            framer: Framer::new(),
            tx: [0; N],
            // Zero bytes here, `NOTHING` written below (see above).
            state: Detached::CLEARED,
            deadline: Instant::ZERO,
            sent_len: 0,
            name_start: 0,
            name_len: 0,
            echo: Echo::Unknown,
            unsynchronised: false,
            malformed: false,
            counters: ClientCounters {
                timeouts: 0,
                probes_unanswered: 0,
                aborted: 0,
                late_responses: 0,
                unsolicited: 0,
                overflows: 0,
                bytes_dropped: 0,
            },
        };
        // Built from zero bytes, then the state written: LLVM clears the whole core with one
        // `__aeabi_memclr8` call and stores the state's one non-zero word, where `NOTHING` in
        // the literal split the clear at it (two calls, the state stored whole: client `.text`
        // -16 bytes, `Core::new` 46 to 26).
        core.state = Detached::NOTHING;
        core
    }

    /// What the client knows about echo.
    pub const fn echo(&self) -> Echo {
        self.echo
    }

    /// Records what echo is (after `AT+E=...`, or `AT+E?`, or a restart: factory echo is on).
    pub fn set_echo(&mut self, echo: Echo) {
        self.echo = echo;
    }

    /// Whether an exchange is in flight.
    pub const fn is_busy(&self) -> bool {
        !self.state.is_done()
    }

    /// Whether the core waits for quiet after a timeout or an abort (whatever the echo).
    pub const fn is_unsynchronised(&self) -> bool {
        self.unsynchronised
    }

    /// The last timeout was an unanswered `AT` probe: counted apart from real timeouts.
    pub(crate) fn probe_unanswered(&mut self) {
        // A plain subtract: the probe's `Timeout` comes only from `poll` ending the probe's
        // exchange (`after_loss(true)`, both adapters' pump: the core is busy from the probe's
        // start to its end), which counted it, so `timeouts` is at least 1 here (saturated at
        // `u32::MAX`, the same as a saturating subtract). Client `.text` -8 bytes.
        self.counters.timeouts = self.counters.timeouts.wrapping_sub(1);
        self.counters.probes_unanswered = self.counters.probes_unanswered.saturating_add(1);
    }

    /// The adapter saw the line quiet for [`Timing::settle`] after a timeout or an abort:
    /// commands may start.
    pub fn settled(&mut self) {
        self.unsynchronised = false;
    }

    /// The running totals.
    pub fn counters(&self) -> ClientCounters {
        let f = self.framer.counters();
        ClientCounters {
            overflows: f.overflows,
            bytes_dropped: f.bytes_dropped,
            ..self.counters
        }
    }

    fn check_idle(&self) -> Result<(), StartError> {
        // An exchange that ended first (every start after the first), the rest apart: with
        // `is_busy` inline, LLVM read both of its fields and merged them without a branch (the
        // idle test 12 instructions where 6 do, in `start_fixed`).
        if !self.state.ended() && self.busy_apart() {
            return Err(StartError::Busy);
        }
        if self.unsynchronised {
            return Err(StartError::Unsynchronised);
        }
        Ok(())
    }

    /// [`Core::is_busy`] for [`Core::check_idle`], of an exchange that has not ended (a fresh
    /// core, or one in flight).
    #[cold]
    #[inline(never)]
    fn busy_apart(&self) -> bool {
        self.is_busy()
    }

    /// Starts a command; returns the bytes to write. The answer comes out of [`Core::receive`].
    // Not inlined: since its line is written by `emit_unprefixed_exchange`, LLVM inlined it
    // into the cycles bench's loops; the manual then gained 0.2 more a byte, but the adapters'
    // loop fed a byte at a time was laid out anew, 0.7 a byte up on the anchors.
    #[inline(never)]
    pub fn start(
        &mut self,
        command: &CommandLine<'_>,
        timeout: Duration,
        now: Instant,
    ) -> Result<&[u8], StartError> {
        self.start_via::<true>(command, timeout, now)
    }

    /// [`Core::start`]; with `UNPREFIXED`, a command without a password (every command but
    /// those of a transparent mode, and plain `AT`) is written by
    /// `CommandLine::emit_unprefixed_exchange`, the rest (and any refusal) by `emit_exchange`.
    /// Without it (the tests' reference: the start as it was), every command by
    /// `emit_exchange`.
    #[inline(always)]
    fn start_via<const UNPREFIXED: bool>(
        &mut self,
        command: &CommandLine<'_>,
        timeout: Duration,
        now: Instant,
    ) -> Result<&[u8], StartError> {
        self.check_idle()?;
        // The line and the exchange `emit_exchange` gives, without the password's place and
        // checks, the bare line's and `emit`'s `Result` in memory (about 37 instructions a
        // command less, 160 to 135 for the line, from a profile of the manual's commands with
        // values): the name at 3, after `AT+`, within a `u8`, so the hint is kept; the echo as
        // `Echo` says (nothing is echoed only behind a password).
        if UNPREFIXED {
            if let Some((n, state)) =
                command.emit_unprefixed_exchange(&mut self.tx, || self.echo == Echo::On)
            {
                // At most 32 bytes (`emit` refuses a longer name): the low byte is the length.
                let name = (3, command.name().len() as u8);
                // At least `AT+`, a name and the CR: no wrap.
                self.begin_built(n, state, n.wrapping_sub(1), name, timeout, now);
                return Ok(self.tx.split_at(n.min(N)).0);
            }
        }
        // `emit` wrote the line and one CR, and no other line end (it refuses them in the
        // password and the parameters): the echo is matched against the line without its CR,
        // no trailing line ends to trim. The exchange keeps no line, so it is built from the
        // command's own name alone (only whether its answer spans lines is read from it), not
        // from the line in the transmit buffer; with the hint that the name is letters and
        // digits (`emit` checked it), which `receive`'s own ways read, as for a fixed line.
        // A password-prefixed command runs in a transparent mode, where nothing is echoed.
        // (Looked at after the line is written: no value held across the write.)
        let (n, state) = command
            .emit_exchange(&mut self.tx, || {
                self.echo == Echo::On && command.password().is_none()
            })
            .map_err(StartError::Encode)?;
        // `emit` wrote at least `AT` and the CR: no wrap.
        let sent_len = n.wrapping_sub(1);
        let name = emitted_name(command);
        // The one start whose exchange has the hint of a plain name (`emit_exchange`) for a
        // name that may start past a `u8` (behind a long password): the hint kept only for a
        // name `plain_name_at` cuts, which is then read only for such a name (a name further
        // on classified the general way: the same lines, more slowly). Every other start with
        // the hint has its name at 3 (`fixed_name`, `typed_name`: a fixed line's exchange, a
        // typed set's bare line's), the rest none (`hint_only_within_a_u8`).
        let state = state.plain_hint_if(!PLAIN_CUT::<N>() || name.0 <= u16::from(u8::MAX));
        self.begin_built(n, state, sent_len, name, timeout, now);
        // `n` is within the buffer (`emit` wrote the line there): clamped rather than tested,
        // a compare and a move instead of the slice or nothing of `begin_built`.
        Ok(self.tx.split_at(n.min(N)).0)
    }

    /// Starts a raw line (`line` without its CR) for anything the typed API does not cover.
    pub fn start_raw(
        &mut self,
        line: &[u8],
        timeout: Duration,
        now: Instant,
    ) -> Result<&[u8], StartError> {
        self.check_idle()?;
        let n = emit_raw(line, &mut self.tx)?;
        self.begin_encoded(n, timeout, now)
    }

    /// Starts a command that `encode` writes into the transmit buffer (a typed request of
    /// cat1-config); `encode` returns the length written, CR included.
    pub fn start_with<X>(
        &mut self,
        timeout: Duration,
        now: Instant,
        encode: impl FnOnce(&mut [u8]) -> Result<usize, X>,
    ) -> Result<Result<&[u8], X>, StartError> {
        self.check_idle()?;
        let n = match encode(&mut self.tx) {
            Ok(n) => n,
            Err(e) => return Ok(Err(e)),
        };
        self.begin_encoded(n, timeout, now).map(Ok)
    }

    /// Starts a typed request whose line is known at compile time (cat1-config's
    /// [`Request::QUERY_LINE`](cat1_config::request::Request::QUERY_LINE) and the like): the
    /// line is copied, not encoded, and its exchange was built with it. The adapters' `query`,
    /// `test`, `execute` and `read` start this way (the same copy into the transmit buffer,
    /// then the same start). The inner error: the command has no such form (or, in a buffer
    /// too short, the line does not fit; or the command is a description of one's own whose
    /// name is too long for a fixed line, see
    /// [`FixedLine::fits`](cat1_config::request::FixedLine::fits): start it with
    /// [`Core::start_with`] and `Request::query` or the like, as the adapters do).
    pub fn start_fixed(
        &mut self,
        line: &FixedLine,
        timeout: Duration,
        now: Instant,
    ) -> Result<Result<&[u8], RequestError>, StartError> {
        self.start_line(line, None, false, timeout, now)
    }

    /// [`Core::start_fixed`] of `line`, or, with `set`, the line `set`'s encoder writes (a
    /// typed set, `line` its bare line, whose exchange it starts: see [`encode_typed`]). One
    /// start for the adapters' fixed lines, typed sets and handshake steps (`run_fixed`): a
    /// typed set adds no start of its own to the flash. With `reply`, `line` is a handshake
    /// step (`FixedLine::raw` of `+++` or `a` with its state, in a buffer of at least
    /// `FIXED_MAX` bytes, as the adapters' `MAX_LINE`), and the framer is told of its state, as
    /// `start_handshake` tells it. Inlined: in `start_fixed`, `set` is `None` and the code
    /// is the fixed line's alone.
    #[inline(always)]
    pub(crate) fn start_line(
        &mut self,
        line: &FixedLine,
        set: Option<&SetCall<'_, '_>>,
        reply: bool,
        timeout: Duration,
        now: Instant,
    ) -> Result<Result<&[u8], RequestError>, StartError> {
        self.start_line_with::<true>(line, set, reply, timeout, now)
    }

    /// [`Core::start_line`] for the adapters' exchange, which has just seen any exchange in
    /// flight through (the blocking one's `finish_abandoned`, whose `pump` returns only once
    /// the exchange ended or timed out; the async one's loop tests `is_busy` itself): no
    /// exchange is in flight here, so only the wait for quiet is tested (`Unsynchronised`),
    /// not `StartError::Busy`, which could not come (the twenty-seventh flash round: the idle
    /// test and `busy_apart` out of the client, `.text` -32 bytes, client-async -72). The
    /// same start where nothing is in flight (`an_idle_line_start_is_start_line_when_idle`).
    #[inline(always)]
    pub(crate) fn start_idle_line(
        &mut self,
        line: &FixedLine,
        set: Option<&SetCall<'_, '_>>,
        reply: bool,
        timeout: Duration,
        now: Instant,
    ) -> Result<Result<&[u8], RequestError>, StartError> {
        self.start_line_with::<false>(line, set, reply, timeout, now)
    }

    /// [`Core::start_line`] (`BUSY`: the exchange in flight tested) or
    /// [`Core::start_idle_line`].
    #[inline(always)]
    fn start_line_with<const BUSY: bool>(
        &mut self,
        line: &FixedLine,
        set: Option<&SetCall<'_, '_>>,
        reply: bool,
        timeout: Duration,
        now: Instant,
    ) -> Result<Result<&[u8], RequestError>, StartError> {
        if N < FIXED_MAX && set.is_none() {
            // A buffer shorter than any fixed line's padding (known at compile time): the line
            // written as an encoder writes it, where it fits.
            return self.start_with(timeout, now, |tx| {
                let bytes = line.line()?;
                let mut w = Writer::new(tx);
                w.put(bytes);
                Ok(w.finish()?)
            });
        }
        let tx = if BUSY {
            self.idle_tx()?
        } else {
            self.synchronised_tx()?
        };
        // Copied (or written by the set's encoder), and the exchange taken from the line,
        // without an `Encoded` in between (the cycles bench starts most commands here).
        let (len, sent_len, name) = match set {
            None => match copy_fixed(line, tx) {
                // `copy_fixed` refuses an empty line: `len` is at least 1 (LLVM kept the
                // saturating subtract's test: client `.text` and client-async 8 bytes more).
                Ok(len) => (len, len.wrapping_sub(1), fixed_name(line)),
                Err(e) => return Ok(Err(e)),
            },
            Some(set) => match (set.typed.set)(set.typed.spec, set.values, tx) {
                Ok(len) => (len, without_line_end(tx, len), set.typed.name),
                Err(e) => return Ok(Err(e)),
            },
        };
        let state = line.exchange(self.echo == Echo::On);
        if reply {
            // A handshake step (`line` a `FixedLine::raw` of `+++` or `a` and its state), as
            // `start_handshake` starts it: `take_tracked`'s gate shut, the framer told.
            self.framer.track(&state);
        }
        Ok(Ok(self.begin_built(
            len.min(N),
            state,
            sent_len,
            name,
            timeout,
            now,
        )))
    }

    /// The transmit buffer, to encode a command into, when a command may start. The adapters
    /// encode there and call [`Core::start_encoded`]: one copy of the exchange in flash, not one
    /// per request type, and no closure in between.
    pub(crate) fn idle_tx(&mut self) -> Result<&mut [u8], StartError> {
        self.check_idle()?;
        Ok(&mut self.tx)
    }

    /// [`Core::idle_tx`] where no exchange is in flight ([`Core::start_idle_line`]): only the
    /// wait for quiet tested.
    fn synchronised_tx(&mut self) -> Result<&mut [u8], StartError> {
        if self.unsynchronised {
            return Err(StartError::Unsynchronised);
        }
        Ok(&mut self.tx)
    }

    /// Starts the command an encoder wrote into [`Core::idle_tx`] ([`encode_command`],
    /// [`encode_raw`], [`encode_typed`]), with the exchange the encoder built:
    /// no line is scanned here, so the adapters' one exchange loop carries no encoder's work.
    /// Idle is not checked again: [`Core::idle_tx`] checked it, and nothing but the encoder ran
    /// since.
    pub(crate) fn start_encoded(
        &mut self,
        encoded: Encoded,
        timeout: Duration,
        now: Instant,
    ) -> &[u8] {
        let Encoded {
            len,
            exchange,
            exchange_echoed,
            sent_len,
            name,
        } = encoded;
        let state = if self.echo == Echo::On {
            exchange_echoed
        } else {
            exchange
        };
        self.begin_built(len.min(N), state, sent_len, name, timeout, now)
    }

    /// A line written by an encoder (typed or raw) without a known name.
    fn begin_encoded(
        &mut self,
        n: usize,
        timeout: Duration,
        now: Instant,
    ) -> Result<&[u8], StartError> {
        let n = n.min(N);
        let line = self.tx.get(..n).unwrap_or(&[]);
        let echo_required = self.echo == Echo::On && is_at(line);
        let position = name_position(line);
        self.begin_exchange(n, echo_required, position, timeout, now)
    }

    /// Starts the exchange of the `n`-byte line in the transmit buffer.
    fn begin_exchange(
        &mut self,
        n: usize,
        echo_required: bool,
        name: (u16, u8),
        timeout: Duration,
        now: Instant,
    ) -> Result<&[u8], StartError> {
        let line = self.tx.get(..n).unwrap_or(&[]);
        let mut expect = Expect::command(line, name_in(line, name));
        if echo_required {
            expect = expect.echo_required();
        }
        let sent_len = expect.sent().len();
        Ok(self.begin_built(n, expect.detach(), sent_len, name, timeout, now))
    }

    /// Starts the exchange `state` of the `n`-byte line in the transmit buffer, `sent_len` of
    /// which is matched against the echo, with its name at `name_start`.
    fn begin_built(
        &mut self,
        n: usize,
        state: Detached,
        sent_len: usize,
        (name_start, name_len): (u16, u8),
        timeout: Duration,
        now: Instant,
    ) -> &[u8] {
        self.deadline = now.saturating_add(timeout);
        // No `track`: a command awaits no handshake reply, and `take_tracked`'s gate, if still
        // shut after a handshake, opens at the first byte other than a line end that it
        // declines (`receive_chunk`; line ends go through `take_ok` / `receive_line`, which do
        // not tell it).
        self.state = state;
        // At most `N` (every start's line is in the transmit buffer, `sent_len` a length
        // within it): in a buffer a `u16` spans, the cast is the value, with no test.
        self.sent_len = if N <= u16::MAX as usize {
            sent_len as u16
        } else {
            u16::try_from(sent_len).unwrap_or(0)
        };
        self.name_start = name_start;
        self.name_len = name_len;
        self.tx.get(..n).unwrap_or(&[])
    }

    /// An information line of the exchange in flight did not decode (the adapters' typed
    /// decoders, through `dispatch`): the exchange ends in `CommandError::Malformed` where it
    /// ends in `OK`. (Cold and out of line, it cost 12 bytes of flash for one instruction an
    /// information line less at opt-level 3; with the line handed on in registers, see
    /// `procedures::OnInfo`, the adapters' receive path is below its old cost without it.)
    #[inline(always)]
    pub(crate) fn mark_malformed(&mut self) {
        self.malformed = true;
    }

    /// Clears [`Core::mark_malformed`]'s mark (the adapters' `exchange`, before its wait).
    #[inline(always)]
    pub(crate) fn clear_malformed(&mut self) {
        self.malformed = false;
    }

    /// Whether an information line of the exchange in flight did not decode
    /// ([`Core::mark_malformed`]) since [`Core::clear_malformed`].
    #[inline(always)]
    pub(crate) fn malformed(&self) -> bool {
        self.malformed
    }

    /// Starts the escape: returns `+++` (write it in one go, after the guard silence), then waits
    /// for the module's `a`. Take a partial line first ([`Core::take_partial`]): the `a` is
    /// recognised only at the start of a line.
    pub fn start_escape(
        &mut self,
        timeout: Duration,
        now: Instant,
    ) -> Result<&'static [u8], StartError> {
        self.check_idle()?;
        Ok(self.start_handshake(true, timeout, now))
    }

    /// Answers the `a`: returns `a`, then waits for `+ok`.
    pub fn start_confirm(
        &mut self,
        timeout: Duration,
        now: Instant,
    ) -> Result<&'static [u8], StartError> {
        self.check_idle()?;
        Ok(self.start_handshake(false, timeout, now))
    }

    /// A step of the handshake: `+++` (`escape`, awaiting `a`) or `a` (awaiting `+ok`), for
    /// [`Core::start_escape`] and [`Core::start_confirm`] after their idle check. (The adapters
    /// start their steps as fixed lines since the fifteenth flash round, `start_line` of
    /// `procedures::ESCAPE` or `CONFIRM` with `reply`; this is that path's reference in the
    /// tests.)
    pub(crate) fn start_handshake(
        &mut self,
        escape: bool,
        timeout: Duration,
        now: Instant,
    ) -> &'static [u8] {
        self.deadline = now.saturating_add(timeout);
        let (state, bytes) = if escape {
            (HANDSHAKE_A, &b"+++"[..])
        } else {
            (HANDSHAKE_OK, &b"a"[..])
        };
        self.state = state;
        // `take_tracked`'s gate shut: the reply comes without a line end (the one change of
        // `state` the framer must be told of).
        self.framer.track(&self.state);
        bytes
    }

    /// Ends a line still being assembled (no line end yet) and hands it out: in NET mode, data
    /// the module forwarded from the network while the probe `AT` waited for an answer that
    /// never came ([`Pending::Bytes`]), or, when that data overflowed the buffer, how many of
    /// its bytes were dropped ([`Pending::Dropped`], already counted). Call it before a
    /// handshake ([`Core::start_escape`]): the module's `a` is recognised only at the start of
    /// a line, so a line left pending, or being dropped, would hide it. The adapters hand the
    /// bytes to the listener as data, and a drop as an overflow.
    pub fn take_partial(&mut self) -> Pending<'_> {
        self.framer.take_pending()
    }

    /// An exchange the adapters' caller abandoned, seen through by the adapters (their
    /// `finish_abandoned`): counted with those [`Core::abort`] abandons.
    pub(crate) fn count_abandoned(&mut self) {
        self.counters.aborted = self.counters.aborted.saturating_add(1);
    }

    /// Abandons the exchange in flight; whatever it still answers is unsolicited (and late).
    pub fn abort(&mut self) {
        if self.is_busy() {
            self.after_loss(false);
        }
    }

    /// The exchange in flight (see [`Core::is_busy`]) is lost, counted as a timeout
    /// (`timed_out`) or as aborted. The lines of the last command stay: the framer reads them
    /// only while a command is in flight.
    fn after_loss(&mut self, timed_out: bool) {
        // The counter picked here, not counted by each caller: one saturating add in the
        // firmware, not one inlined in each adapter's pump and in `abort`.
        let counters = &mut self.counters;
        let lost = if timed_out {
            &mut counters.timeouts
        } else {
            &mut counters.aborted
        };
        *lost = lost.saturating_add(1);
        // Whatever the echo: the module echoes each character as it receives it (errata #33),
        // which may be while it still works on the lost command, so the next command's echo
        // can come before the lost answer and is no anchor (review 32).
        if !self.state.handshake_pending() {
            self.unsynchronised = true;
        }
        // (`take_tracked`'s gate, shut had a handshake reply been awaited, opens at the first
        // byte it declines.)
        self.state = Detached::NOTHING;
    }

    /// When the exchange in flight times out, if one is.
    pub fn poll_at(&self) -> Option<Instant> {
        self.is_busy().then_some(self.deadline)
    }

    /// [`Core::poll`] for the adapters' `pump`, which runs only while an exchange is in
    /// flight (started just before, or seen in flight by `finish_abandoned`; every output that
    /// ends one ends the `pump` too): whether it timed out, ended as `poll` ends it. No test
    /// for an exchange in flight (`is_busy`'s two loads and branches a turn of the `pump`:
    /// the twenty-seventh flash round). The same as `poll` while one is in flight
    /// (`polling_in_flight_is_poll`).
    #[inline(always)]
    pub(crate) fn poll_in_flight(&mut self, now: Instant) -> bool {
        if now < self.deadline {
            return false;
        }
        self.after_loss(true);
        true
    }

    /// The deadline of the exchange in flight ([`Core::poll_at`] for the adapters' `pump`:
    /// see [`Core::poll_in_flight`]).
    #[inline(always)]
    pub(crate) fn deadline_in_flight(&self) -> Instant {
        self.deadline
    }

    /// Ends the exchange in flight with [`Output::TimedOut`] once `now` reaches its deadline.
    pub fn poll(&mut self, now: Instant) -> Option<Output<'static>> {
        let deadline = self.poll_at()?;
        if now < deadline {
            return None;
        }
        self.after_loss(true);
        Some(Output::TimedOut)
    }

    /// Feeds received bytes; returns the next output and the bytes consumed, or
    /// [`Status::Partial`] when all were taken in. Call again with the rest.
    #[inline]
    pub fn receive(&mut self, input: &[u8]) -> Status<Output<'_>> {
        // A byte at a time (a UART interrupt): most bytes complete nothing; the framer stores
        // them (or skips a line end at the start of a line) without the exchange's lines,
        // inline in the caller (no call, no frame).
        match *input {
            // (`take_tracked`: the framer keeps whether a handshake reply is awaited beside the
            // pending length, told when a handshake starts (`start_handshake`) and by every
            // byte other than a line end that it declines (`receive_chunk`): one load less a
            // byte.)
            [b] if self.framer.take_tracked(b) => Status::Partial,
            // Mostly a line end: its own small function first (see `receive_byte`).
            [b] => Self::receive_byte(b, self),
            // Nothing can come out of no input (the framer holds no event).
            [] => Status::Partial,
            // `\r\nOK\r\n` (most chunks that start with a line, all at once) inline: about 30
            // instructions, not a call of `receive_ok_first` and its frame (about 75). Another
            // chunk pays the test: 4 instructions with a line pending, about 10 without.
            _ if self.framer.take_crlf_ok(
                input,
                &mut self.state,
                usize::from(self.sent_len).min(N),
            ) =>
            {
                Status::Complete(Output::Done(FinalResult::Ok), 6)
            }
            // `\nOK\r\n` alone (a last chunk after a CR LF cut in two) inline too: through the
            // scan about 70 instructions more (`OK` not seen at the start, after the lone LF).
            // Only a chunk under six bytes pays its test (`take_crlf_ok` failed it on its
            // length).
            _ if self.framer.take_lf_ok(
                input,
                &mut self.state,
                usize::from(self.sent_len).min(N),
            ) =>
            {
                Status::Complete(Output::Done(FinalResult::Ok), 5)
            }
            // Any other chunk under six bytes (`take_crlf_ok` failed it on its length): its own
            // small function first (see `receive_short`).
            _ if input.len() < 6 => self.receive_short(input),
            _ => self.receive_ok_first(input),
        }
    }

    /// [`Core::receive`] of one byte that `take_tracked` declined: the
    /// commonest line, `OK` ending the exchange, taken here, without the frame of
    /// `receive_chunk` (the line end the general way would take, with the same length of the
    /// line sent); anything else goes on from here. Out of line: inline, its registers cost
    /// the caller's loop over the bytes an instruction a byte.
    ///
    /// `extern "C"` for the byte's sake only: the C ABI passes `b` zero-extended (LLVM's
    /// `zeroext`), so it is compared as it arrives; through the Rust ABI's plain `i8` every call
    /// began with a `uxtb` (the manual 360 instructions a pass fed a byte at a time). The byte
    /// first, the core second (not a method): in the register after the result's address the
    /// byte, so the pending length loads into a free register; with the core first, a `mov` of
    /// the byte out of its register began every call (the manual 320 a pass). Private, never
    /// called from C (hence the lint's `allow`: `Status` is no C type); nothing in it can panic,
    /// so the C ABI's abort on unwinding never comes into play.
    #[inline(never)]
    #[allow(improper_ctypes_definitions)]
    extern "C" fn receive_byte(b: u8, this: &mut Self) -> Status<Output<'_>> {
        if this
            .framer
            .take_ok(b, &mut this.state, usize::from(this.sent_len).min(N))
        {
            return Status::Complete(Output::Done(FinalResult::Ok), 1);
        }
        // Any other line that ends here: classified in a function of its own, with a smaller
        // frame than the general way's (no scan), about 50 instructions less a line. The rest
        // (control bytes, a handshake reply, an over-long line) the general way.
        match this.framer.end_line(b) {
            Some(line) => this.receive_line(line),
            None => this.receive_alone(b),
        }
    }

    /// [`Core::receive`] of a chunk under six bytes (a response's last chunk, or what an output
    /// left of one), without `receive_ok_first`'s frame and the scan's start (about 85
    /// instructions) where it can: a line end at its start that ends the pending line
    /// (`Framer::end_line_first`: a line cut just ahead of its line end by the chunk before,
    /// as `+CME ERROR: 10` and its CR LF fed 16 bytes at a time) to `receive_cut`; a CR LF
    /// alone at the start of a line skipped; anything else to `receive_short_plain`. The same
    /// outputs, state and bytes consumed as `receive_ok_first` (`short_chunks_are_receive_ok_first`).
    /// A test and a tail call, no frame: with the others' code in it, every short chunk paid
    /// its frame.
    #[inline(never)]
    fn receive_short(&mut self, input: &[u8]) -> Status<Output<'_>> {
        match self.framer.end_line_first(input, &self.state) {
            Some(line) => self.receive_cut(line),
            // (The CR LF of an empty line before `OK`, mostly: 19 chunks of a manual pass fed
            // 16 bytes at a time.)
            None if self.framer.skips_crlf(input, &self.state) => Status::Partial,
            None => self.receive_short_plain(input),
        }
    }

    /// [`Core::receive_short`] of any other short chunk: `OK` ending the exchange at its start
    /// (after one CR LF or none, `Framer::take_ok_line`), then its bytes taken a byte at a time
    /// (`Framer::take_bytes`) up to a line end that ends a line (`receive_short_rest`) or
    /// another byte the scan must see; a chunk with nothing taken to `receive_ok_first`.
    #[inline(never)]
    fn receive_short_plain(&mut self, input: &[u8]) -> Status<Output<'_>> {
        let sent_len = usize::from(self.sent_len).min(N);
        if let Some(used) = self.framer.take_ok_line(input, &mut self.state, sent_len) {
            return Status::Complete(Output::Done(FinalResult::Ok), used);
        }
        let taken = self.framer.take_bytes(input, &self.state);
        match input.get(taken..) {
            Some([]) | None => Status::Partial,
            Some(_) if taken == 0 => self.receive_ok_first(input),
            Some(rest) => self.receive_short_rest(rest, taken),
        }
    }

    /// [`Core::receive_short_plain`] of what is left after `taken` bytes: a line end that
    /// ends the line to `receive_cut`, anything else to `receive_ok_first`, the bytes taken
    /// added to those consumed.
    #[inline(never)]
    fn receive_short_rest(&mut self, rest: &[u8], taken: usize) -> Status<Output<'_>> {
        let mut status = match self.framer.end_line_first(rest, &self.state) {
            Some(line) => self.receive_cut(line),
            None => self.receive_ok_first(rest),
        };
        if let Status::Complete(_, used) = &mut status {
            *used = used.wrapping_add(taken);
        }
        status
    }

    /// The line `receive_short` (or `receive_short_rest`) ended: classified as
    /// `receive_ok_first` classifies a line (`classify_line`: `OK` ending the exchange first),
    /// but a line `+CME...` handed to `receive_plus` before the information line's test (it
    /// cost `+CME ERROR` about 20 instructions and, with the frame it needs, 10 more: a line
    /// that reads `+CME` is no typed request's information line, whose names are letters and
    /// digits, and `receive_plus` classifies any other such line the general way).
    #[inline(never)]
    fn receive_cut(&mut self, line: EndedLine) -> Status<Output<'_>> {
        let sent_len = usize::from(self.sent_len).min(N);
        match self.framer.take_ended_ok(line, &mut self.state, sent_len) {
            Ok(used) => Status::Complete(Output::Done(FinalResult::Ok), used),
            Err(line) if self.framer.starts_with_cme() => self.receive_plus(line),
            Err(line) => self.classify_line::<false>(line),
        }
    }

    /// [`Core::receive_byte`] of a byte that needs the general way (a control byte, a
    /// handshake reply, an over-long line): the byte again as a slice of its own here, not the
    /// caller's (passing the caller's slice kept its address alive across the caller's loop
    /// over the bytes, an instruction a byte). Out of line: the slice's room on the stack was
    /// `receive_byte`'s frame for every byte, `OK` included (2 instructions a call).
    #[inline(never)]
    fn receive_alone(&mut self, b: u8) -> Status<Output<'_>> {
        self.receive_chunk(&[b])
    }

    /// [`Core::receive`] of a line end that ended `line` (not `OK` ending the exchange, which
    /// `receive_byte` took): the line classified as the general way classifies it
    /// (`Framer::classify_plain`, the information line of a typed request first). Inline in
    /// `receive_byte`, its one caller: one frame for `OK` and the other lines (`OK` pays the
    /// larger one, about 2 instructions; each other line saves a frame and a call, about 4:
    /// the echo fed a byte at a time 3 less, the information line 1 more with its layout).
    #[inline(always)]
    fn receive_line(&mut self, line: EndedLine) -> Status<Output<'_>> {
        // Without `take_ended_ok`'s test: `take_ok` made it on the same line (its length and
        // the state unchanged since), and declined it (an `OK` that came here anyway would
        // still be classified so, by `classify_other`).
        // A line as long as the line sent taken as the echo first, as `receive_echo` takes it,
        // before the information line's test (which declines such a line while the echo may
        // come, and hands it to `receive_other`, which sends it to `receive_echo`; one that is
        // not the echo goes on from there as from `receive_echo`: `receive_not_echo`). Inline
        // here, not a call of `receive_echo`: this frame serves both (the echo fed a byte at a
        // time about 7 instructions less; through `receive_echo`, 10 less than before).
        if self
            .framer
            .may_be_echo(&line, usize::from(self.sent_len).min(N))
        {
            let Core {
                framer, tx, state, ..
            } = self;
            return match framer.take_echo_from(line, state, tx) {
                Ok(used) => Status::Complete(Output::Echo, used),
                Err(line) => self.receive_not_echo(line),
            };
        }
        self.classify_line::<false>(line)
    }

    /// `receive_line`, inline: `receive_ok_first` classifies the line a chunk ended here
    /// itself, `OK` ending the exchange first (`OK_FIRST`; a call to `receive_line` cost a
    /// chunk's line about 6 instructions more than the general way it replaces).
    #[inline(always)]
    fn classify_line<const OK_FIRST: bool>(&mut self, line: EndedLine) -> Status<Output<'_>> {
        // `OK` ending the exchange first, handed out as itself: through `classify_plain`'s
        // event it cost `OK` a chunk cut or began with a lone LF about 20 instructions more.
        let sent_len = usize::from(self.sent_len).min(N);
        let line = if OK_FIRST {
            match self.framer.take_ended_ok(line, &mut self.state, sent_len) {
                Ok(used) => return Status::Complete(Output::Done(FinalResult::Ok), used),
                Err(line) => line,
            }
        } else {
            line
        };
        // Then a typed request's information line, handed out as itself; any other line
        // classified out of line (`receive_other`): inline, its ways met the information
        // line's in one `match` of the event (the information line about 11 instructions more).
        // The name's place read only for a line that may be the information line (read at
        // the start, they cost every other line about 10 instructions).
        let name = plain_name_at(&self.tx, &self.name_start, &self.name_len);
        match self
            .framer
            .take_plain_info(line, &mut self.state, sent_len, name)
        {
            Ok(info) => {
                let (info, used) = self.framer.ended_info(info);
                Status::Complete(Output::Info(info), used)
            }
            // Fed a byte at a time, the ways apart inline; in chunks out of line
            // (`receive_other_apart`): inline, `receive_ok_first` was laid out anew (the manual
            // 285 instructions a pass up in chunks).
            Err(line) if OK_FIRST => self.receive_other_apart(line),
            Err(line) => self.receive_other(line, sent_len),
        }
    }

    /// [`Core::receive_other`] out of line, for `receive_ok_first`.
    #[inline(never)]
    fn receive_other_apart(&mut self, line: EndedLine) -> Status<Output<'_>> {
        let sent_len = usize::from(self.sent_len).min(N);
        self.receive_other(line, sent_len)
    }

    /// [`Core::classify_line`] of a line that is neither `OK` ending the exchange nor a typed
    /// request's information line (the echo, `+CME ERROR`, `ERROR`, a continuation line, an
    /// unsolicited line), the line sent `sent_len` bytes long: the echo and `+CME ERROR` each
    /// in a small function of its own, the rest classified on the detached state
    /// (`Framer::classify_other`), without an `Expect` built and the framer's call.
    #[inline(always)]
    fn receive_other(&mut self, line: EndedLine, sent_len: usize) -> Status<Output<'_>> {
        // A test of the length and one of a word, no frame (out of line, its frame pointer
        // alone cost every such line 7 instructions). A line as long as the one sent to
        // `receive_echo` (a test of the phase here too laid `receive_line` out anew: the manual
        // 900 instructions a pass up); a line `+CME...` to `receive_plus` (every line `+...`
        // sent there cost the 20 other such lines of a manual pass about 25 instructions each).
        if self.framer.may_be_echo(&line, sent_len) {
            self.receive_echo(line)
        } else if self.framer.starts_with_cme() {
            self.receive_plus(line)
        } else {
            self.receive_classified(line)
        }
    }

    /// [`Core::receive_other`] of a line as long as the line sent: its echo taken in a small
    /// frame (`Framer::take_echo`: the echo compared as `classify_other` compares it, no
    /// event); then, not the echo, a typed request's information line (`take_plain_info`
    /// declined it as a possible echo: `AT+E?` and `+E:ON`, 17 answers of the manual), any other
    /// line classified (`receive_classified`).
    #[inline(never)]
    fn receive_echo(&mut self, line: EndedLine) -> Status<Output<'_>> {
        // Only for a line as long as the line sent (`receive_other`'s `may_be_echo`): the
        // transmit buffer cut at the line's length is the line sent, its length not read again.
        let Core {
            framer, tx, state, ..
        } = self;
        match framer.take_echo_from(line, state, tx) {
            Ok(used) => Status::Complete(Output::Echo, used),
            Err(line) => self.receive_not_echo(line),
        }
    }

    /// [`Core::receive_echo`] of a line that is not the echo. Out of line: its registers
    /// were the echo's frame too (3 instructions).
    #[inline(never)]
    fn receive_not_echo(&mut self, line: NotEcho) -> Status<Output<'_>> {
        let Core {
            framer,
            tx,
            state,
            name_start,
            name_len,
            ..
        } = self;
        let name = plain_name_at(tx, name_start, name_len);
        let info = match framer.take_plain_info_not_echo(line, state, name) {
            Ok(info) => info,
            Err(line) => return self.receive_classified(line),
        };
        let (info, used) = self.framer.ended_info(info);
        Status::Complete(Output::Info(info), used)
    }

    /// [`Core::receive_other`] of a line `+CME...`: `+CME ERROR:<n>` ending the exchange taken in
    /// a small frame (`Framer::take_cme_error`: no echo comparison, no name, no event), any
    /// other line classified (`receive_classified`). Through `classify_other`, `+CME ERROR`
    /// cost about 140 instructions, about 50 of them the frame, the echo test and the name's
    /// comparison.
    #[inline(never)]
    fn receive_plus(&mut self, line: EndedLine) -> Status<Output<'_>> {
        let sent_len = usize::from(self.sent_len).min(N);
        match self.framer.take_cme_error(line, &mut self.state, sent_len) {
            Ok((result, used)) => Status::Complete(Output::Done(result), used),
            Err(line) => self.receive_classified(line),
        }
    }

    /// [`Core::receive_other`] of a line that is not `+CME ERROR` ending the exchange:
    /// classified on the detached state (`Framer::classify_other`).
    #[inline(never)]
    fn receive_classified(&mut self, line: EndedLine) -> Status<Output<'_>> {
        // The name's place read only when the name is (a line `+...`): read at the start,
        // they were held across the rest of the classification (`+CME ERROR` about 6
        // instructions).
        let (framer, state, counters, (sent, name)) = self.parts();
        let (event, used) = framer.classify_other(line, state, sent(), name);
        Status::Complete(output::<true>(event, counters), used)
    }

    /// [`Core::receive`] of a chunk, through `Framer::scan_line`: the commonest line, `OK`
    /// ending the exchange at the start of a line (after the CR LF that ends the line before),
    /// taken without the scan and the lines; any other chunk scanned up to the end of a line
    /// (the CR LF before it looked at once for both, the words counted first), and a line that
    /// ends classified here, as `receive_line` classifies a line fed a byte at a time: a chunk
    /// that ends inside a line (fed 16 bytes at a time, most lines are cut in two) costs the
    /// scan and this frame, not the general way's frame with its look at the handshake, a
    /// byte alone and the empty input, nor a look for `OK` while a line is pending. What the
    /// scan leaves (a control byte, an over-long line, a handshake reply) goes the general
    /// way, the adapters' `receive_chunk`. Out of line: a byte `receive_byte` hands on does not
    /// pass here, and the adapters leave it out (flash, for a firmware that feeds
    /// `Core::receive` itself).
    #[inline(never)]
    fn receive_ok_first(&mut self, input: &[u8]) -> Status<Output<'_>> {
        let sent_len = usize::from(self.sent_len).min(N);
        match self.framer.scan_line(input, &mut self.state, sent_len) {
            Scanned::Ok(used) => Status::Complete(Output::Done(FinalResult::Ok), used),
            Scanned::Line(line) => self.classify_line::<true>(line),
            Scanned::Partial => Status::Partial,
            Scanned::Rest(from) => {
                let mut status = self.receive_chunk(input.get(from..).unwrap_or(&[]));
                if let Status::Complete(_, used) = &mut status {
                    *used = used.wrapping_add(from);
                }
                status
            }
        }
    }

    /// The framer, the exchange's state and the counters, borrowed apart, with the lines of the
    /// last command ([`lines_at`]: each read only when asked for).
    #[inline(always)]
    // Borrows apart, one per field a caller uses: no type to name them by.
    #[allow(clippy::type_complexity)]
    fn parts<'s>(
        &'s mut self,
    ) -> (
        &'s mut Framer<N>,
        &'s mut Detached,
        &'s mut ClientCounters,
        (impl Fn() -> &'s [u8] + Copy, impl Fn() -> &'s [u8] + Copy),
    ) {
        let Core {
            framer,
            tx,
            state,
            sent_len,
            name_start,
            name_len,
            counters,
            ..
        } = self;
        let lines = lines_at(tx, sent_len, name_start, name_len);
        (framer, state, counters, lines)
    }

    /// [`Core::receive`] for the adapters, which read chunks, and the general way of
    /// `Core::receive` (for what its own ways leave: a control byte, an over-long line, a
    /// handshake reply): the framer's general way, `Framer::feed_detached_general_late`, on
    /// the exchange's state where it is, the line sent and the name cut only for a line that
    /// needs them (`lines_at`'s closures handed on). For flash: the fast ways (`OK` on the detached
    /// state, the scan four bytes at a time) are `Core::receive`'s own: inlined here, they cost
    /// about 620 bytes of the footprint binary; the adapters pay for it in instructions a
    /// chunk and a byte (benches/README.md, "The same cycles through the adapters";
    /// benches/HISTORY.md, "The eleventh flash round"). The same outputs,
    /// counters and state as the framer's detached feed it replaces (`receive_chunk_detached`,
    /// kept in the tests); the LF of a CR LF that ends a line is left for the next call (the
    /// adapters drop it after a final result, `procedures::dispatch`).
    #[inline(never)]
    pub(crate) fn receive_chunk(&mut self, input: &[u8]) -> Status<Output<'_>> {
        // The lines of the last command, where `start` put them, within the transmit buffer
        // (read only while it is in flight), as closures: cut for every chunk, they cost 28
        // bytes of flash and about a byte's instruction more.
        let (framer, state, counters, (sent, name)) = self.parts();
        // A late response counted by the framer's classification, which reads the final
        // results anyway (`output::<false>` does not read the line again).
        let late = &mut counters.late_responses;
        match framer.feed_detached_general_late(input, state, sent, name, late) {
            Status::Partial => Status::Partial,
            Status::Complete(event, used) => {
                Status::Complete(output::<false>(event, counters), used)
            }
        }
    }

    /// For the adapters (their `pump`, `Carry::took_one` after `refill`, before `procedures::dispatch`
    /// and [`Core::receive_chunk`]): a read of one byte (a UART read mostly returns one or a
    /// few) that completes nothing stored, as
    /// `Core::receive` stores it (`Framer::take_tracked`: about 11 instructions, not the general
    /// way's call, attach and line layer, about 70); `false`, nothing changed, for a byte the
    /// general way must take. The gate is told as for `Core::receive`: by the general way and at
    /// a handshake's start. The same outputs, counters, state and pending line as
    /// `receive_chunk` of the byte; the gate left as `Core::receive` leaves it (a line end
    /// skipped at the start of a line does not tell it), never open while a handshake reply is
    /// awaited (`a_read_is_the_general_way`).
    #[inline(always)]
    pub(crate) fn take_read(&mut self, byte: u8) -> bool {
        self.framer.take_tracked(byte)
    }

    /// `receive_chunk` as it was before it took the framer's general way: the framer's
    /// detached feed with its fast ways inline (`feed_detached_apart`), the reference of the
    /// differential tests.
    #[cfg(test)]
    pub(crate) fn receive_chunk_detached(&mut self, input: &[u8]) -> Status<Output<'_>> {
        let (framer, state, counters, (sent, name)) = self.parts();
        match framer.feed_detached_apart(input, state, sent, name) {
            Status::Partial => Status::Partial,
            Status::Complete(event, used) => {
                Status::Complete(output::<true>(event, counters), used)
            }
        }
    }
}

/// The line sent and the command's name, where `start` put them in the transmit buffer `tx`
/// (their places in `Core`'s fields, borrowed), each cut by its function when it is asked for:
/// the name apart from the line sent, cut only for a line that needs it.
#[inline(always)]
fn lines_at<'t, const N: usize>(
    tx: &'t [u8; N],
    sent_len: &'t u16,
    name_start: &'t u16,
    name_len: &'t u8,
) -> (impl Fn() -> &'t [u8] + Copy, impl Fn() -> &'t [u8] + Copy) {
    // Clamped to the buffer rather than tested (`start` keeps them within it): a compare
    // and a move each, no slice to select.
    let sent = move || tx.split_at(usize::from(*sent_len).min(N)).0;
    let name = move || {
        let rest = tx.split_at(usize::from(*name_start).min(N)).1;
        rest.split_at(usize::from(*name_len).min(rest.len())).0
    };
    (sent, name)
}

/// Whether [`plain_name_at`] cuts the name without a clamp: a buffer of `N` bytes holds every
/// name that starts within its first 256 bytes (a `u8`), `u8` long.
#[allow(non_snake_case)]
const fn PLAIN_CUT<const N: usize>() -> bool {
    N >= 2 * u8::MAX as usize
}

/// The command's name (as [`lines_at`] cuts it) for `Framer::take_plain_info`, which reads it only
/// for an exchange with the hint of a plain name: a start keeps that hint only for a name
/// that starts within the first 256 bytes (see [`PLAIN_CUT`] and `Core::start`), so the
/// start's low byte is all of it, and a start and a length that fit a `u8` end within a buffer
/// of `2 * 255` bytes or more. No clamp, no test: LLVM knows both bounds (about 7 instructions an information line
/// less than `lines_at`'s two clamps). A shorter buffer clamps as `lines_at` does.
#[inline(always)]
fn plain_name_at<'t, const N: usize>(
    tx: &'t [u8; N],
    name_start: &'t u16,
    name_len: &'t u8,
) -> impl FnOnce() -> &'t [u8] + Copy {
    move || {
        if PLAIN_CUT::<N>() {
            // (The low byte: the whole start of a name with the hint, see above.)
            let start = usize::from(*name_start as u8);
            tx.get(start..start.wrapping_add(usize::from(*name_len)))
                .unwrap_or(&[])
        } else {
            let rest = tx.split_at(usize::from(*name_start).min(N)).1;
            rest.split_at(usize::from(*name_len).min(rest.len())).0
        }
    }
}

/// What the core hands out for what the framer handed out; an unsolicited line counted (and,
/// `LATE`, as a late response when it is a final result: the general way's classification
/// counts that itself, `Framer::feed_detached_general_late`).
#[inline(always)]
fn output<'a, const LATE: bool>(event: Event<'a>, counters: &mut ClientCounters) -> Output<'a> {
    match event {
        Event::Echo(_) => Output::Echo,
        Event::Info(info) => Output::Info(info),
        Event::Final(result) => Output::Done(result),
        Event::HandshakeA => Output::HandshakeA,
        Event::HandshakeOk => Output::HandshakeOk,
        Event::Overflow { dropped } => Output::Overflow { dropped },
        Event::Unsolicited(line) => {
            counters.unsolicited = counters.unsolicited.saturating_add(1);
            if LATE && FinalResult::parse(line).is_some() {
                counters.late_responses = counters.late_responses.saturating_add(1);
            }
            Output::Unsolicited(line)
        }
    }
}

/// A line an encoder wrote into the transmit buffer, with the exchange it starts (see
/// [`Core::start_encoded`]).
pub(crate) struct Encoded {
    /// Its length, CR included.
    len: usize,
    /// The exchange it starts when echo is not known to be on (`Expect::command` of the line
    /// and its name, detached).
    exchange: Detached,
    /// ... and when it is: the echo required first (the same as `exchange` for a line the
    /// module does not echo).
    exchange_echoed: Detached,
    /// The length of the line as matched against the echo (its line ends trimmed).
    sent_len: usize,
    /// Where the command name sits in it, and its length.
    name: (u16, u8),
}

impl Encoded {
    /// The `len`-byte line at the start of `tx`, its name at `name`: its exchange built from it
    /// (`echoed`: whether the module echoes it when echo is on). For the lines not known at
    /// compile time.
    fn build(tx: &[u8], len: usize, name: (u16, u8), echoed: bool) -> Encoded {
        let line = tx.get(..len).unwrap_or(&[]);
        let expect = Expect::command(line, name_in(line, name));
        let exchange = expect.detach();
        Encoded {
            len,
            exchange,
            exchange_echoed: if echoed {
                expect.echo_required().detach()
            } else {
                exchange
            },
            sent_len: expect.sent().len(),
            name,
        }
    }
}

/// The name at `(start, len)` in `line`.
fn name_in(line: &[u8], (start, len): (u16, u8)) -> &[u8] {
    let start = usize::from(start);
    line.get(start..start.saturating_add(usize::from(len)))
        .unwrap_or(&[])
}

/// Why an encoder wrote nothing to start (the adapters then send nothing; [`Core::start_encoded`]
/// itself refuses nothing).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Refused {
    /// The exchange could not start: not idle ([`Core::idle_tx`]), or the line could not be
    /// encoded.
    Start(StartError),
    /// The typed request could not be encoded.
    Request(RequestError),
}

impl From<StartError> for Refused {
    fn from(e: StartError) -> Self {
        Refused::Start(e)
    }
}

/// Writes `command` (as [`Core::start`]): a password-prefixed command runs in a transparent
/// mode, where nothing is echoed; the name's place is known from the command.
pub(crate) fn encode_command(command: &CommandLine<'_>, tx: &mut [u8]) -> Result<Encoded, Refused> {
    let len = command.emit(tx).map_err(StartError::Encode)?;
    // As `Core::start`: the exchange from the name alone, the line without its one CR.
    let expect = command_exchange(command.name());
    let exchange = expect.detach();
    Ok(Encoded {
        len,
        exchange,
        exchange_echoed: if command.password().is_none() {
            expect.echo_required().detach()
        } else {
            exchange
        },
        sent_len: len.saturating_sub(1),
        name: name_of(command),
    })
}

/// The exchange a line written by `CommandLine::emit` starts, echo not required: that of
/// `Expect::command` with the line, which reads of the line only its length (the line without
/// its line ends is what the echo is matched against, kept apart in the core), so it is built
/// without the line.
#[inline(always)]
fn command_exchange(name: &[u8]) -> Expect<'_> {
    Expect::command(b"", name)
}

/// Writes `AT` (`name` `None`), `AT+NAME` or (`query`) `AT+NAME?`, as `CommandLine::emit`
/// writes them (an empty name is refused as it refuses it; the names given are valid).
pub(crate) fn encode_plain(
    name: Option<&[u8]>,
    query: bool,
    tx: &mut [u8],
) -> Result<Encoded, Refused> {
    let mut w = Writer::new(tx);
    w.put(b"AT");
    let position = match name {
        None => (0, 0),
        Some([]) => return Err(StartError::Encode(EncodeError::InvalidName).into()),
        Some(name) => {
            w.put_byte(b'+');
            w.put(name);
            if query {
                w.put_byte(b'?');
            }
            (3, u8::try_from(name.len()).unwrap_or(0))
        }
    };
    w.put_byte(b'\r');
    let len = w.finish().map_err(StartError::Encode)?;
    Ok(Encoded::build(tx, len, position, true))
}

/// Writes a raw line (as [`Core::start_raw`]); its name is found in it.
pub(crate) fn encode_raw(line: &[u8], tx: &mut [u8]) -> Result<Encoded, Refused> {
    let len = emit_raw(line, tx)?;
    Ok(encoded_line(tx, len))
}

/// Copies a line fixed at compile time into `tx`; returns its length (CR included).
#[inline(always)]
fn copy_fixed(line: &FixedLine, tx: &mut [u8]) -> Result<usize, RequestError> {
    let (padded, len) = line.padded();
    if len == 0 {
        return Err(RequestError::NoSuchForm);
    }
    if tx.len() < FIXED_MAX {
        // Not for the adapters' buffer (`MAX_LINE`); `Core::start_fixed` writes the line
        // another way into a buffer this short.
        return Err(RequestError::BufferTooSmall { needed: FIXED_MAX });
    }
    // Every word of the padded line (`FIXED_WORDS` of them, the buffer at least as long: checked
    // above), the padding past the CR with it: the rest of the buffer is not part of the line.
    // A few word moves with no length to test: 4 bytes less here than a loop that stopped at
    // the word holding the CR, 24 less in the async client, and the cycle benches a fixed line
    // a few instructions quicker (`Core::receive`'s manual 27.4 to 27.2 a byte fed one at a
    // time). As a loop over the words, not a copy of the slice: LLVM makes no `memcpy` call of
    // it (a copy of all FIXED_MAX bytes was one at opt-level "z", about 700 bytes of flash, as
    // `Writer::put` says), nor compares each word before it is stored (how it was kept out
    // before: 6.6 instructions more a fixed line).
    let mut rest: &mut [u8] = tx;
    for &word in padded {
        let Some((d, tail)) = core::mem::take(&mut rest).split_first_chunk_mut::<4>() else {
            break;
        };
        *d = word;
        rest = tail;
    }
    Ok(len)
}

/// Where a fixed line's name sits: after `AT+`, none for plain `AT`.
fn fixed_name(line: &FixedLine) -> (u16, u8) {
    match u8::try_from(line.name_len()) {
        Ok(0) | Err(_) => (0, 0),
        Ok(n) => (3, n),
    }
}

/// What a typed request's encoder wrote: `AT+NAME=<values>` and its CR (or, for a name too
/// long for a fixed line, `AT+NAME?`, `AT+NAME=?` or `AT+NAME` and its CR), where `bare` is the
/// request's bare line (`Request::BARE_LINE`), whose exchange is this line's too: the exchange
/// of a command line depends on its name only (which lines continue its answer), and a typed
/// line has one line end, its CR (no value holds a CR or LF: they are refused). So a typed set
/// builds no exchange at run time. A command whose name is too long for a fixed line
/// (a description of one's own) has its exchange built from the line instead.
#[inline]
pub(crate) fn encode_typed(
    written: Result<usize, RequestError>,
    name: &[u8],
    bare: &FixedLine,
    tx: &[u8],
) -> Result<Encoded, Refused> {
    let len = written.map_err(Refused::Request)?;
    let name = typed_name(name.len());
    if bare.padded().1 == 0 {
        return Ok(Encoded::build(tx, len, name, true));
    }
    Ok(bare_encoded(len, name, bare, tx))
}

/// A typed set whose bare line is a fixed line (every generated request's): what
/// [`Core::start_line`] needs of the request type besides its bare line, one constant per
/// type. The adapters' `set` hands it to their one start of fixed lines (`run_fixed`), which
/// is not generic, so that a further set type costs a call and this constant, not another
/// copy of the start and its encoder (benches/footprint: a second set type cost about +800
/// bytes of `.text` when `set` was generic throughout).
pub(crate) struct TypedSet {
    /// Writes the line: `request::set_line` itself for a request that says it is that
    /// (`Request::SET_SPEC`, every generated one), given `spec`; else `own_set`, the request's
    /// own `Request::set`. The generated types share one function where each had a `set` of its
    /// own forwarding to `set_line` (20 bytes of flash a type and their common part).
    pub(crate) set: SetLine,
    /// The description `set` is given.
    pub(crate) spec: &'static CommandSpec,
    /// Where its name sits in the line ([`typed_name`] of its length).
    pub(crate) name: (u16, u8),
}

/// What writes a typed set's line: `request::set_line`'s signature.
type SetLine = fn(&CommandSpec, &[Value<'_>], &mut [u8]) -> Result<usize, RequestError>;

impl TypedSet {
    /// The constant of request type `R` (the adapters' `set` makes it at compile time).
    pub(crate) const fn of<R: cat1_config::request::Request>() -> TypedSet {
        let name = typed_name(R::SPEC.name.len());
        match R::SET_SPEC {
            Some(generated) => TypedSet {
                set: cat1_config::request::set_line,
                spec: generated.spec(),
                name,
            },
            None => TypedSet {
                set: own_set::<R>,
                spec: R::SPEC,
                name,
            },
        }
    }
}

/// `R`'s own [`Request::set`](cat1_config::request::Request::set), as a [`TypedSet`] calls it (the description not needed).
fn own_set<R: cat1_config::request::Request>(
    _: &CommandSpec,
    values: &[Value<'_>],
    buf: &mut [u8],
) -> Result<usize, RequestError> {
    R::set(values, buf)
}

/// A typed set to start: its type's constant and the values.
pub(crate) struct SetCall<'a, 'v> {
    /// The request type's constant.
    pub(crate) typed: &'static TypedSet,
    /// The values to set.
    pub(crate) values: &'a [Value<'v>],
}

/// Where a typed line's name of `len` bytes sits: after `AT+`, none for plain `AT` (or for a
/// name too long for a `u8`, as `encode_typed` had it).
pub(crate) const fn typed_name(len: usize) -> (u16, u8) {
    if len == 0 || len > u8::MAX as usize {
        (0, 0)
    } else {
        // Checked just above: within a `u8`.
        (3, len as u8)
    }
}

/// The `len`-byte typed line at the start of `tx`, with the exchange of its bare line `bare`.
#[inline(always)]
fn bare_encoded(len: usize, name: (u16, u8), bare: &FixedLine, tx: &[u8]) -> Encoded {
    Encoded {
        len,
        exchange: bare.exchange(false),
        exchange_echoed: bare.exchange(true),
        sent_len: without_line_end(tx, len),
        name,
    }
}

/// The length of the `len`-byte line at the start of `tx` without its line end, as its echo is
/// matched. cat1-config's encoders end a line with one CR; a `Request` of one's own may end its
/// `set` line with CR LF or LF (errata 1: a line ends at CR or LF, CR LF is one end), whose
/// echo must match too (28-36 bytes of flash for this: worth a set that works).
fn without_line_end(tx: &[u8], len: usize) -> usize {
    let line = tx.get(..len).unwrap_or(&[]);
    line.iter()
        .rposition(|&b| b != b'\r' && b != b'\n')
        .map_or(0, |last| last.saturating_add(1))
}

/// What an encoder wrote whose name is not known (a step of a profile): found in the line.
pub(crate) fn encode_typed_line(
    written: Result<usize, RequestError>,
    tx: &[u8],
) -> Result<Encoded, Refused> {
    let len = written.map_err(Refused::Request)?.min(tx.len());
    Ok(encoded_line(tx, len))
}

/// The `len`-byte line at the start of `tx`, its name found in it.
fn encoded_line(tx: &[u8], len: usize) -> Encoded {
    let line = tx.get(..len).unwrap_or(&[]);
    Encoded::build(tx, len, name_position(line), is_at(line))
}

/// Whether the line is an AT command (echoed when echo is on).
fn is_at(line: &[u8]) -> bool {
    line.starts_with(b"AT") || line.starts_with(b"at")
}

/// Where `command.emit` writes the name: after the password and `AT+` (none for plain `AT`).
/// Known from the command, so the line is not scanned for it.
fn name_of(command: &CommandLine<'_>) -> (u16, u8) {
    let name = command.name();
    if name.is_empty() {
        return (0, 0);
    }
    let start = command.password().map_or(0, <[u8]>::len).saturating_add(3);
    match (u16::try_from(start), u8::try_from(name.len())) {
        (Ok(start), Ok(len)) => (start, len),
        _ => (0, 0),
    }
}

/// [`name_of`] for a command that `emit` has written (as [`Core::start`] has it): its name is
/// at most 32 bytes (`emit` refuses a longer one), its length a `u8` as it is, and it lies
/// within the line written after the password and `AT+` (no wrap). About 5 instructions a
/// command fewer than the checks of `name_of`.
#[inline(always)]
fn emitted_name(command: &CommandLine<'_>) -> (u16, u8) {
    let name = command.name();
    if name.is_empty() {
        return (0, 0);
    }
    let start = command.password().map_or(0, <[u8]>::len).wrapping_add(3);
    match u16::try_from(start) {
        // At most 32 (`MAX_NAME`): the low byte is the length.
        Ok(start) => (start, name.len() as u8),
        // A name past a `u16` (a buffer over 64 KB behind a longer password): no name, at a
        // start past a `u8`, so that `Core::start` drops the hint of a plain name as for any
        // name past a `u8` (at 0 it kept it: the fast ways then took `+:` for the answer, the
        // general way not; `a_name_past_a_u16_drops_the_hint`).
        Err(_) => (u16::MAX, 0),
    }
}

/// Writes `line` and its CR into `tx`; a line end inside it is refused.
fn emit_raw(line: &[u8], tx: &mut [u8]) -> Result<usize, StartError> {
    if line.iter().any(|&b| b == b'\r' || b == b'\n') {
        return Err(StartError::Encode(EncodeError::LineEndInPayload));
    }
    let mut w = Writer::new(tx);
    w.put(line);
    w.put_byte(b'\r');
    w.finish().map_err(StartError::Encode)
}

/// The position and length of the command name after `AT+` (or `at+`, possibly after a password
/// prefix) in a command line; `(0, 0)` for plain `AT` or a line that has none.
fn name_position(line: &[u8]) -> (u16, u8) {
    let Some(plus) = line
        .windows(3)
        .position(|w| w.eq_ignore_ascii_case(b"AT+"))
        .map(|i| i.saturating_add(3))
    else {
        return (0, 0);
    };
    let len = line
        .get(plus..)
        .unwrap_or(&[])
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric())
        .count();
    match (u16::try_from(plus), u8::try_from(len)) {
        (Ok(start), Ok(len)) => (start, len),
        _ => (0, 0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Review 24: the late-response count saturates on both ways, the adapters'
    /// (`receive_chunk`, counted by the framer's `classify_general`) and `Core::receive`'s
    /// (`output::<true>`): `OK`, `ERROR` and `+CME ERROR: 3` while idle, from one below the top.
    #[test]
    fn late_responses_saturate_on_both_ways() {
        for chunked in [false, true] {
            let mut core = Core::<32>::new();
            core.counters.late_responses = u32::MAX - 1;
            let mut rest: &[u8] = b"OK\r\nERROR\r\n+CME ERROR: 3\r\n";
            loop {
                let status = if chunked {
                    core.receive_chunk(rest)
                } else {
                    core.receive(rest)
                };
                let Status::Complete(_, used) = status else {
                    break;
                };
                rest = &rest[used..];
            }
            assert_eq!(
                core.counters().late_responses,
                u32::MAX,
                "chunked {chunked}"
            );
            assert_eq!(core.counters().unsolicited, 3, "chunked {chunked}");
        }
    }

    /// The layout `Core::new` clears in one call (see `Core`): the fields from the framer to
    /// `malformed` with no padding between them, `echo` (a zero byte when `Unknown`) and `state`
    /// right behind them, the
    /// transmit buffer right behind `state` at an offset of 8 bytes (`__aeabi_memclr8`).
    #[test]
    fn a_new_core_is_zero_bytes_up_to_its_echo_with_no_padding() {
        use core::mem::{offset_of, size_of};
        type C = Core<MAX_LINE>;
        let zeroed = size_of::<Framer<MAX_LINE>>()
            + size_of::<ClientCounters>()
            + size_of::<Instant>()
            + 2 * size_of::<u16>()
            + 3 * size_of::<u8>();
        assert_eq!(offset_of!(C, framer), 0);
        assert_eq!(offset_of!(C, malformed) + 1, zeroed);
        assert_eq!(offset_of!(C, echo), zeroed);
        assert_eq!(
            offset_of!(C, echo) + size_of::<Echo>(),
            offset_of!(C, state)
        );
        assert_eq!(
            offset_of!(C, state) + size_of::<Detached>(),
            offset_of!(C, tx)
        );
        assert_eq!(offset_of!(C, tx) % 8, 0);
        // A new core's echo is a zero byte too: one clear for the whole core (see `Echo`).
        assert_eq!(Echo::Unknown as u8, 0);
        let core = C::new();
        assert_eq!(core.echo(), Echo::Unknown);
        // Built with `CLEARED`, then the state written: idle, nothing in flight.
        assert_eq!(core.state, Detached::NOTHING);
        assert_eq!(core.counters(), ClientCounters::default());
        assert!(!core.is_busy() && !core.is_unsynchronised());
    }

    /// `abort` counts an exchange in flight as aborted, `poll` past its deadline as timed out
    /// (`after_loss` picks the counter), neither counts without one; both end it.
    #[test]
    fn an_abort_and_a_timeout_are_counted_apart() {
        let t = Duration::from_secs(5);
        let csq = FixedLine::query(&cat1_config::commands::general::CSQ);
        let counts = |core: &Core| {
            let c = core.counters();
            (c.aborted, c.timeouts, core.is_busy())
        };
        let mut core: Core = Core::new();
        core.abort();
        assert_eq!(core.poll(Instant::ZERO.saturating_add(t)), None);
        assert_eq!(counts(&core), (0, 0, false));
        assert!(matches!(
            core.start_fixed(&csq, t, Instant::ZERO),
            Ok(Ok(_))
        ));
        core.abort();
        assert_eq!(counts(&core), (1, 0, false));
        // (Echo not known: the core waits for quiet after a lost exchange.)
        core.settled();
        assert!(matches!(
            core.start_fixed(&csq, t, Instant::ZERO),
            Ok(Ok(_))
        ));
        assert_eq!(core.poll(Instant::ZERO), None);
        assert_eq!(
            core.poll(Instant::ZERO.saturating_add(t)),
            Some(Output::TimedOut)
        );
        assert_eq!(counts(&core), (1, 1, false));
        core.abort();
        assert_eq!(counts(&core), (1, 1, false));
    }

    #[test]
    fn the_name_is_found_once_after_at_plus() {
        assert_eq!(name_position(b"AT+CSQ\r"), (3, 3));
        assert_eq!(name_position(b"usr.cn#AT+VER?\r"), (10, 3));
        assert_eq!(name_position(b"at+heart=ON\r"), (3, 5));
        assert_eq!(name_position(b"AT\r"), (0, 0));
    }

    #[test]
    fn the_name_comes_from_the_command_where_emit_writes_it() {
        let mut tx = [0u8; 64];
        for command in [
            CommandLine::execute(b"CSQ"),
            CommandLine::query(b"VER").with_password(b"usr.cn#"),
            CommandLine::set(b"HEART", b"ON"),
            CommandLine::bare(),
        ] {
            let n = command.emit(&mut tx).unwrap();
            assert_eq!(name_of(&command), name_position(&tx[..n]), "{command:?}");
        }
    }

    #[test]
    fn a_fixed_line_is_refused_as_the_encoders_refuse_it() {
        let spec = &cat1_config::commands::general::RSTIM;
        let mut core = Core::<8>::new();
        let t = Duration::from_secs(5);
        // No such form: nothing starts.
        assert_eq!(
            core.start_fixed(&FixedLine::execute(spec), t, Instant::ZERO),
            Ok(Err(RequestError::NoSuchForm))
        );
        assert!(!core.is_busy());
        // A buffer shorter than FIXED_MAX takes a line that fits, and refuses one that does not.
        let at = FixedLine::bare(&cat1_config::commands::general::AT);
        assert_eq!(
            core.start_fixed(&at, t, Instant::ZERO),
            Ok(Ok(&b"AT\r"[..]))
        );
        let mut core = Core::<8>::new();
        assert_eq!(
            core.start_fixed(&FixedLine::query(spec), t, Instant::ZERO),
            Ok(Err(RequestError::BufferTooSmall { needed: 10 }))
        );
        // Busy is told first.
        let mut core = Core::<64>::new();
        core.start_fixed(&at, t, Instant::ZERO).unwrap().unwrap();
        assert_eq!(
            core.start_fixed(&FixedLine::query(spec), t, Instant::ZERO),
            Err(StartError::Busy)
        );
    }

    #[test]
    fn plain_lines_are_what_command_line_writes() {
        let mut tx = [0u8; 64];
        let mut expected = [0u8; 64];
        for (name, query, command) in [
            (None, false, CommandLine::bare()),
            (Some(&b"CSQ"[..]), false, CommandLine::execute(b"CSQ")),
            (Some(&b"ENTM"[..]), false, CommandLine::execute(b"ENTM")),
            (Some(&b"APN"[..]), true, CommandLine::query(b"APN")),
        ] {
            let e = encode_plain(name, query, &mut tx).unwrap();
            let n = command.emit(&mut expected).unwrap();
            assert_eq!(&tx[..e.len], &expected[..n]);
            assert_eq!(e.name, name_of(&command));
            // Echoed when echo is on: the echo is required then.
            let expect = Expect::command(&expected[..n], command.name());
            assert_eq!(e.exchange, expect.detach());
            assert_eq!(e.exchange_echoed, expect.echo_required().detach());
            assert_eq!(e.sent_len, n - 1);
        }
        assert!(matches!(
            encode_plain(Some(b""), false, &mut tx),
            Err(Refused::Start(StartError::Encode(EncodeError::InvalidName)))
        ));
        assert!(matches!(
            encode_plain(Some(b"CSQ"), false, &mut tx[..4]),
            Err(Refused::Start(StartError::Encode(
                EncodeError::BufferTooSmall { needed: 7 }
            )))
        ));
    }

    /// The fields of an `Encoded`, to compare.
    fn fields(e: &Encoded) -> (usize, Detached, Detached, usize, (u16, u8)) {
        (e.len, e.exchange, e.exchange_echoed, e.sent_len, e.name)
    }

    #[test]
    fn the_procedures_fixed_lines_start_what_their_plain_lines_start() {
        // `run_fixed` starts `AT` and `AT+ENTM` with `Core::start_fixed`: the same line, exchange
        // and name as the plain line `encode_plain` writes, echo on and off.
        let t = Duration::from_secs(1);
        for (fixed, name) in [
            (crate::procedures::AT, None),
            (crate::procedures::ENTM, Some(&b"ENTM"[..])),
        ] {
            for echo in [Echo::On, Echo::Off, Echo::Unknown] {
                let mut by_fixed: Core = Core::new();
                by_fixed.set_echo(echo);
                let line = by_fixed
                    .start_fixed(fixed, t, Instant::ZERO)
                    .unwrap()
                    .unwrap()
                    .to_vec();
                let mut by_plain: Core = Core::new();
                by_plain.set_echo(echo);
                let encoded = encode_plain(name, false, by_plain.idle_tx().unwrap()).unwrap();
                let plain = by_plain.start_encoded(encoded, t, Instant::ZERO).to_vec();
                assert_eq!(line, plain);
                let started = |c: &Core| (c.state, c.sent_len, c.name_start, c.name_len);
                assert_eq!(started(&by_fixed), started(&by_plain));
            }
        }
    }

    #[test]
    fn a_typed_line_starts_the_exchange_its_line_starts() {
        // The exchange a typed set takes from its bare line is the one built from the line
        // itself, for every command (echo on and off).
        let mut tx = [0u8; 64];
        for spec in cat1_config::commands::ALL {
            let name = spec.name.as_bytes();
            let line = CommandLine::set(name, b"1,\"a b\"");
            let len = if name.is_empty() {
                tx[..5].copy_from_slice(b"AT=1\r");
                5
            } else {
                line.emit(&mut tx).unwrap()
            };
            let bare = FixedLine::bare(spec);
            let typed = fields(&encode_typed(Ok(len), name, &bare, &tx).unwrap());
            let position = if name.is_empty() {
                (0, 0)
            } else {
                (3, name.len() as u8)
            };
            let built = fields(&Encoded::build(&tx, len, position, true));
            assert_eq!(typed, built, "{}", spec.name);
        }
    }

    /// The start of a typed set through `start_line` (what the adapters' `set` starts) against
    /// `encode_typed` of `R::set` and `start_encoded` (what it started before): the same line,
    /// error, exchange, echo length and name, echo on and off, in buffers of several sizes. The
    /// constant as the adapters' `set` makes it (`TypedSet::of`: `request::set_line` with the
    /// description for a generated request, the request's own `set` for `CrLf`).
    fn same_set<R: cat1_config::request::Request>(values: &[Value<'_>]) {
        let typed: &'static TypedSet = const { &TypedSet::of::<R>() };
        let set = SetCall { typed, values };
        let t = Duration::from_secs(3);
        let now = Instant::from_millis(7);
        let started = |c: &Core<64>| {
            (
                c.state,
                c.sent_len,
                c.name_start,
                c.name_len,
                c.deadline,
                c.tx,
            )
        };
        for echo in [Echo::On, Echo::Off] {
            let mut old: Core<64> = Core::new();
            old.set_echo(echo);
            let tx = old.idle_tx().unwrap();
            let encoded = encode_typed(
                R::set(values, tx),
                R::SPEC.name.as_bytes(),
                R::BARE_LINE,
                tx,
            );
            let old_line = match encoded {
                Ok(e) => Ok(old.start_encoded(e, t, now).to_vec()),
                Err(Refused::Request(e)) => Err(e),
                Err(Refused::Start(_)) => unreachable!(),
            };
            let mut new: Core<64> = Core::new();
            new.set_echo(echo);
            let new_line = new
                .start_line(R::BARE_LINE, Some(&set), false, t, now)
                .unwrap()
                .map(<[u8]>::to_vec);
            assert_eq!(old_line, new_line, "{} {values:?}", R::SPEC.name);
            assert_eq!(started(&old), started(&new), "{} {values:?}", R::SPEC.name);
        }
        // Too short a buffer: the same refusal.
        let mut old = [0u8; 6];
        let mut short: Core<6> = Core::new();
        let new = short
            .start_line(R::BARE_LINE, Some(&set), false, t, now)
            .unwrap();
        assert_eq!(
            new.map(<[u8]>::to_vec),
            R::set(values, &mut old).map(|n| old[..n].to_vec())
        );
    }

    /// A request of one's own that ends its set line with CR LF (its echo matched without it).
    struct CrLf;

    impl cat1_config::request::Request for CrLf {
        const SPEC: &'static cat1_config::spec::CommandSpec =
            &cat1_config::commands::general::SDPEN;

        fn set(values: &[Value<'_>], buf: &mut [u8]) -> Result<usize, RequestError> {
            let n = cat1_config::requests::Sdpen::set(values, buf)?;
            match buf.get_mut(n..n + 1) {
                Some([b]) => *b = b'\n',
                _ => return Err(RequestError::BufferTooSmall { needed: n + 1 }),
            }
            Ok(n + 1)
        }
    }

    #[test]
    fn a_typed_set_encodes_as_encode_typed_did() {
        use cat1_config::requests;
        let on = [Value::Keyword("ON")];
        let bad = [Value::Keyword("MAYBE")];
        let apn = [
            Value::Text(b"CMNET"),
            Value::Text(b""),
            Value::Text(b""),
            Value::Int(0),
        ];
        for values in [&on[..], &bad[..], &apn[..], &[][..], &[Value::Int(7)][..]] {
            same_set::<requests::Sdpen>(values);
            same_set::<requests::Naten>(values);
            same_set::<requests::Apn>(values);
            same_set::<requests::Csq>(values);
            same_set::<CrLf>(values);
        }
    }

    extern crate std;
    use std::vec::Vec;

    /// Every output of `input` fed `chunk` bytes at a time after `AT+CSQ`, owned.
    fn outputs<const N: usize>(echo: Echo, input: &[u8], chunk: usize) -> Vec<std::string::String> {
        outputs_after::<N>(
            echo,
            |core| {
                core.start(
                    &CommandLine::execute(b"CSQ"),
                    Duration::from_secs(5),
                    Instant::ZERO,
                )
                .map(<[u8]>::to_vec)
                .map_err(|_| "busy".into())
            },
            input,
            chunk,
        )
    }

    /// Every output of `input` fed `chunk` bytes at a time after `start`, owned; the line it
    /// wrote first.
    fn outputs_after<const N: usize>(
        echo: Echo,
        start: impl FnOnce(&mut Core<N>) -> Result<Vec<u8>, std::string::String>,
        input: &[u8],
        chunk: usize,
    ) -> Vec<std::string::String> {
        let mut core = Core::<N>::new();
        core.set_echo(echo);
        let mut out = Vec::new();
        match start(&mut core) {
            Ok(line) => out.push(std::format!("{line:?}")),
            Err(e) => out.push(e),
        }
        for piece in input.chunks(chunk.max(1)) {
            let mut rest = piece;
            while let Status::Complete(o, used) = core.receive(rest) {
                out.push(std::format!("{o:?}"));
                rest = &rest[used..];
            }
        }
        out.push(std::format!("{:?} {:?}", core.is_busy(), core.counters()));
        out
    }

    /// `OK` fed a byte at a time ends the exchange inline (`receive_byte`) only as the
    /// general way (`receive_chunk`) would: a line sent as `OK` (two bytes) takes `OK` as its
    /// echo first, with echo unknown; then `OK` ends it. The same outputs fed whole.
    #[test]
    fn ok_a_byte_at_a_time_is_the_echo_of_a_line_sent_as_ok() {
        for (sent, echo, input) in [
            (&b"OK"[..], Echo::Unknown, &b"OK\r\nOK\r\n"[..]),
            (b"AT", Echo::Unknown, b"OK\r\n"),
            (b"AT", Echo::On, b"OK\r\nAT\r\nOK\r\n"),
            (b"AT+CSQ", Echo::Off, b"\r\nOK\r\nOK\r\n"),
        ] {
            let start = |core: &mut Core<16>| {
                core.start_raw(sent, Duration::from_secs(5), Instant::ZERO)
                    .map(<[u8]>::to_vec)
                    .map_err(|e| std::format!("{e:?}"))
            };
            let by_byte = outputs_after::<16>(echo, start, input, 1);
            assert_eq!(
                by_byte,
                outputs_after::<16>(echo, start, input, input.len())
            );
            let first = if sent == b"OK" {
                "Echo"
            } else if echo == Echo::On {
                "Unsolicited"
            } else {
                "Done(Ok)"
            };
            assert!(by_byte[1].starts_with(first), "{sent:?} {by_byte:?}");
        }
    }

    /// Whether `state` carries the hint of `Expect::plain_name` (bit 16 of its `phase`, read
    /// from its `Debug`: the framer keeps the bit to itself).
    fn hinted(state: &Detached) -> bool {
        let text = std::format!("{state:?}");
        text.split("phase: ")
            .nth(1)
            .and_then(|t| t.trim_end_matches(" }").parse::<u8>().ok())
            .is_some_and(|phase| phase & 16 != 0)
    }

    /// Names for `a_command_starts_the_exchange_its_line_starts`: multi-line answers in any
    /// case, near misses, a name of none, the longest.
    const NAMES: &[&[u8]] = &[
        b"SYSINFO",
        b"sysinfo",
        b"LBSN",
        b"lbsN",
        b"CSQ",
        b"HEART",
        b"SYSINFX",
        b"LBS",
        b"KEEPALIVEA",
        b"",
        b"E",
        // Not letters and digits: refused by `emit`, so never started (nor hinted).
        b"C-SQ",
        b"AB:C",
        b"+CSQ",
    ];
    const PARAMS: &[&[u8]] = &[b"", b"1", b"ON,NET,\"a b\"", b"?,"];
    const PASSWORDS: &[&[u8]] = &[b"usr.cn#", b"", b"p"];
    const ECHOS: &[Echo] = &[Echo::On, Echo::Off, Echo::Unknown];

    /// The core after `start_via::<UNPREFIXED>` of `command` from `core`, and its result.
    fn started_via<const UNPREFIXED: bool, const N: usize>(
        core: &Core<N>,
        command: &CommandLine<'_>,
    ) -> (std::string::String, Result<std::vec::Vec<u8>, StartError>) {
        let mut core = core.clone();
        let got = core
            .start_via::<UNPREFIXED>(command, Duration::from_millis(300), Instant::ZERO)
            .map(<[u8]>::to_vec);
        (std::format!("{core:?}"), got)
    }

    proptest::proptest! {
        /// `Core::start`, which writes a command without a password with
        /// `emit_unprefixed_exchange`, against the start as it was (`start_via::<false>`: every
        /// command by `emit_exchange`): the same result and the same core after it, every field
        /// (the exchange with its hint, the echo's length, the name's place, the deadline, the
        /// whole transmit buffer, on a refusal too), for any name (letters, digits, the bytes
        /// next to them, up to 40 bytes), form, parameters (line ends, a lone `?`), password,
        /// echo setting and buffer (40 bytes, where long lines are refused, and `MAX_LINE`),
        /// the buffer filled with any byte before.
        #[test]
        fn start_unprefixed_is_the_start_through_emit(
            name in proptest::prop_oneof![
                proptest::collection::vec(proptest::sample::select(&b"AZaz09kQ"[..]), 0..40),
                proptest::collection::vec(
                    proptest::sample::select(&b"AZaz09kQ@[`{/:\r-"[..]),
                    0..40,
                ),
            ],
            form in 0u8..5,
            params in proptest::prop_oneof![
                proptest::collection::vec(
                    proptest::sample::select(&b"a1,?\r\n\t\x0b\x0e\x8d\xff"[..]),
                    0..24,
                ),
                proptest::collection::vec(proptest::sample::select(&b"?1"[..]), 0..3),
            ],
            password in proptest::option::of(proptest::collection::vec(
                proptest::sample::select(&b"p#\r"[..]),
                0..8,
            )),
            echo in proptest::sample::select(ECHOS),
            fill in proptest::num::u8::ANY,
        ) {
            let form = match form {
                0 => cat1_at_parse::Form::Bare,
                1 => cat1_at_parse::Form::Execute,
                2 => cat1_at_parse::Form::Query,
                3 => cat1_at_parse::Form::Test,
                _ => cat1_at_parse::Form::Set(cat1_at_parse::Params::new(&params)),
            };
            let mut command = CommandLine::with_form(&name, form);
            if let Some(pw) = &password {
                command = command.with_password(pw);
            }
            let mut short = Core::<40>::new();
            short.set_echo(echo);
            short.tx = [fill; 40];
            proptest::prop_assert_eq!(
                started_via::<true, 40>(&short, &command),
                started_via::<false, 40>(&short, &command)
            );
            let mut long = Core::<MAX_LINE>::new();
            long.set_echo(echo);
            long.tx = [fill; MAX_LINE];
            proptest::prop_assert_eq!(
                started_via::<true, MAX_LINE>(&long, &command),
                started_via::<false, MAX_LINE>(&long, &command)
            );
        }

        /// `Core::start` and `encode_command` build the exchange from the command's name, not
        /// from the line: the same exchange, echo length and name as built from the line
        /// written (`Encoded::build`, `Expect::command` of it), for names of the command set
        /// and others (multi-line answers among them), every form, with and without a
        /// password and parameters, echo on, off and unknown.
        #[test]
        fn a_command_starts_the_exchange_its_line_starts(
            name in proptest::sample::select(NAMES),
            form in 0u8..5,
            params in proptest::sample::select(PARAMS),
            password in proptest::option::of(proptest::sample::select(PASSWORDS)),
            echo in proptest::sample::select(ECHOS),
        ) {
            let form = match form {
                0 => cat1_at_parse::Form::Bare,
                1 => cat1_at_parse::Form::Execute,
                2 => cat1_at_parse::Form::Query,
                3 => cat1_at_parse::Form::Test,
                _ => cat1_at_parse::Form::Set(cat1_at_parse::Params::new(params)),
            };
            let mut command = CommandLine::with_form(name, form);
            if let Some(pw) = password {
                command = command.with_password(pw);
            }
            let mut tx = [0u8; 64];
            let encoded = encode_command(&command, &mut tx);
            let mut core = Core::<64>::new();
            core.set_echo(echo);
            let started = core.start(&command, Duration::from_secs(5), Instant::ZERO).is_ok();
            proptest::prop_assert_eq!(started, encoded.is_ok());
            let Ok(encoded) = encoded else {
                return Ok(());
            };
            let len = encoded.len;
            let built = Encoded::build(&tx, len, name_of(&command), password.is_none());
            proptest::prop_assert_eq!(fields(&encoded), fields(&built));
            let state = if echo == Echo::On {
                built.exchange_echoed
            } else {
                built.exchange
            };
            proptest::prop_assert_eq!(core.state, state);
            // And the hint of `Expect::plain_name` (which `==` leaves out): `start` sets it
            // for the name it started, as `plain_name` would after its look at the name (a
            // command's name is letters and digits, or empty for plain `AT`, which has none).
            let mut expect = Expect::command(b"", name).plain_name();
            if echo == Echo::On && password.is_none() {
                expect = expect.echo_required();
            }
            proptest::prop_assert_eq!(
                std::format!("{:?}", core.state),
                std::format!("{:?}", expect.detach())
            );
            proptest::prop_assert_eq!(hinted(&core.state), !name.is_empty());
            proptest::prop_assert_eq!(usize::from(core.sent_len), built.sent_len);
            proptest::prop_assert_eq!((core.name_start, core.name_len), built.name);
        }

        /// A line fixed at compile time starts the same exchange as the command line it is:
        /// the same bytes written, the same echo, information lines and results, for every
        /// command and form (and the same refusal when the command has no such form).
        #[test]
        fn a_fixed_line_starts_what_the_command_line_starts(
            command in 0usize..cat1_config::commands::COUNT,
            form in 0usize..3,
            pieces in proptest::collection::vec(0usize..8, 0..16),
            chunk in 1usize..9,
            echo_on in proptest::bool::ANY,
        ) {
            let spec = cat1_config::commands::ALL[command];
            let name = spec.name.as_bytes();
            let (fixed, line) = match form {
                0 => (FixedLine::query(spec), CommandLine::query(name)),
                1 => (FixedLine::test(spec), CommandLine::test(name)),
                _ if name.is_empty() => (FixedLine::bare(spec), CommandLine::bare()),
                _ => (FixedLine::bare(spec), CommandLine::execute(name)),
            };
            // The echo and the answer of this command, and lines of others.
            let mut echo = Vec::from(fixed.line().unwrap_or(b"AT\r"));
            echo.push(b'\n');
            let mut info = std::format!("+{}: 1,\"a\"\r\n", spec.name).into_bytes();
            if name.is_empty() {
                info = b"+X: 1\r\n".to_vec();
            }
            let tokens: [&[u8]; 8] = [
                &echo, &info, b"OK\r\n", b"\r\n", b"+CME ERROR: 3\r\n", b"ERROR\r\n",
                b"+OTHER: 2\r\n", b"continued\r\n",
            ];
            let input: Vec<u8> = pieces.iter().flat_map(|&i| tokens[i].iter().copied()).collect();
            let echo = if echo_on { Echo::On } else { Echo::Off };
            let refused = fixed.line().is_err();
            let by_fixed = outputs_after::<64>(echo, |core| {
                match core.start_fixed(&fixed, Duration::from_secs(5), Instant::ZERO) {
                    Ok(Ok(bytes)) => Ok(bytes.to_vec()),
                    Ok(Err(e)) => Err(std::format!("{e:?}")),
                    Err(e) => Err(std::format!("{e:?}")),
                }
            }, &input, chunk);
            let by_line = outputs_after::<64>(echo, |core| {
                if refused {
                    return Err(std::format!("{:?}", RequestError::NoSuchForm));
                }
                core.start(&line, Duration::from_secs(5), Instant::ZERO)
                    .map(<[u8]>::to_vec)
                    .map_err(|e| std::format!("{e:?}"))
            }, &input, chunk);
            proptest::prop_assert_eq!(by_fixed, by_line);
        }

        /// The one-byte path (`Framer::take_byte`: bytes stored, line ends at the start of a line
        /// skipped, without the exchange attached) gives
        /// what feeding the framer gives: over-long lines, empty lines, the echo, answers, late
        /// results, in any chunking.
        #[test]
        fn any_chunking_gives_the_same_outputs(
            pieces in proptest::collection::vec(0usize..8, 0..24),
            chunk in 1usize..9,
            echo_on in proptest::bool::ANY,
        ) {
            const TOKENS: [&[u8]; 8] = [
                b"\r", b"\n", b"\r\n", b"AT+CSQ\r", b"+CSQ: 27,99\r\n", b"OK\r\n",
                b"a much longer line than the buffer holds\r\n", b"+ok",
            ];
            let input: Vec<u8> = pieces.iter().flat_map(|&i| TOKENS[i].iter().copied()).collect();
            let echo = if echo_on { Echo::On } else { Echo::Unknown };
            let whole = outputs::<16>(echo, &input, input.len());
            proptest::prop_assert_eq!(outputs::<16>(echo, &input, chunk), whole);
        }
    }

    /// Every output of `input` fed whole through the adapters' general way (`receive_chunk`,
    /// which cuts the name with `lines_at`'s clamps) after `start`, as `outputs_after` lists
    /// them.
    fn general_outputs_after<const N: usize>(
        echo: Echo,
        start: impl FnOnce(&mut Core<N>) -> Result<Vec<u8>, std::string::String>,
        input: &[u8],
    ) -> Vec<std::string::String> {
        let mut core = Core::<N>::new();
        core.set_echo(echo);
        let mut out = Vec::new();
        match start(&mut core) {
            Ok(line) => out.push(std::format!("{line:?}")),
            Err(e) => out.push(e),
        }
        let mut rest = input;
        while let Status::Complete(o, used) = core.receive_chunk(rest) {
            out.push(std::format!("{o:?}"));
            rest = &rest[used..];
        }
        out.push(std::format!("{:?} {:?}", core.is_busy(), core.counters()));
        out
    }

    /// Names for `a_name_behind_a_long_password_is_the_general_way`: three bytes (`CSQ`
    /// itself), a multi-line answer's, nine bytes.
    const FAR_NAMES: &[&[u8]] = &[b"ABC", b"CSQ", b"SYSINFO", b"HEARTSORT"];

    /// `AT+<name>` behind a password of `pad` bytes, `CSQ` among them where the name's
    /// start's low byte points (a name past the first 256 bytes cut from its low byte would
    /// read `CSQ`), the rest `p`.
    fn decoy_password(pad: usize) -> Vec<u8> {
        let mut password = std::vec![b'p'; pad];
        let low = (pad + 3) & 0xFF;
        if let Some(decoy) = password.get_mut(low..low + 3) {
            decoy.copy_from_slice(b"CSQ");
        }
        password
    }

    proptest::proptest! {
        /// `plain_name_at` (no clamp: a start within a `u8` in a buffer of `2 * 255` bytes or
        /// more; `lines_at`'s clamps in a shorter one) cuts the name `lines_at` cuts, for every
        /// start it is read for (below 256 in the adapters' buffer, any in a shorter one) and
        /// any length.
        #[test]
        fn plain_name_at_is_lines_at(
            bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..MAX_LINE),
            start in 0u16..=u16::from(u8::MAX),
            far in 0u16..2000,
            len in proptest::num::u8::ANY,
        ) {
            fn both<const N: usize>(bytes: &[u8], start: u16, len: u8) -> (Vec<u8>, Vec<u8>) {
                let mut tx = [0u8; N];
                let n = bytes.len().min(N);
                tx[..n].copy_from_slice(&bytes[..n]);
                let (_, name) = lines_at(&tx, &0, &start, &len);
                (plain_name_at(&tx, &start, &len)().to_vec(), name().to_vec())
            }
            let (plain, clamped) = both::<MAX_LINE>(&bytes, start, len);
            proptest::prop_assert_eq!(plain, clamped);
            // Either side of `PLAIN_CUT`'s threshold too (510: no clamp from there on).
            let (plain, clamped) = both::<510>(&bytes, start, len);
            proptest::prop_assert_eq!(plain, clamped);
            for start in [start, far] {
                let (plain, clamped) = both::<64>(&bytes, start, len);
                proptest::prop_assert_eq!(plain, clamped);
                let (plain, clamped) = both::<300>(&bytes, start, len);
                proptest::prop_assert_eq!(plain, clamped);
                let (plain, clamped) = both::<509>(&bytes, start, len);
                proptest::prop_assert_eq!(plain, clamped);
            }
        }

        /// A name behind a password of any length (its start past a `u8` too, where
        /// `plain_name_at` would cut another name from the start's low byte: `CSQ` put there)
        /// gives, fed a byte at a time and in chunks (`Core::receive`'s own ways, which cut the
        /// name with `plain_name_at`), what the general way gives (`receive_chunk`, which cuts
        /// it with `lines_at`), in the adapters' buffer: the information line of the name
        /// taken, `+CSQ:` unsolicited. And the hint of a plain name is kept only for a name
        /// within a `u8` (a start dropping it for a name further on: the mutant that keeps it
        /// takes `+CSQ: 1` as the answer there).
        #[test]
        fn a_name_behind_a_long_password_is_the_general_way(
            pad in 0usize..500,
            name in proptest::sample::select(FAR_NAMES),
            pieces in proptest::collection::vec(0usize..6, 0..10),
            chunk in 1usize..20,
            echo in proptest::sample::select(ECHOS),
        ) {
            let password = decoy_password(pad);
            let command = CommandLine::execute(name).with_password(&password);
            let answer = std::format!("+{}: 2\r\n", std::str::from_utf8(name).unwrap());
            let tokens: [&[u8]; 6] = [
                b"+CSQ: 1\r\n", answer.as_bytes(), b"OK\r\n", b"\r\n", b"ERROR\r\n",
                b"more\r\n",
            ];
            let input: Vec<u8> = pieces.iter().flat_map(|&i| tokens[i].iter().copied()).collect();
            let start = |core: &mut Core<MAX_LINE>| {
                core.start(&command, Duration::from_secs(5), Instant::ZERO)
                    .map(<[u8]>::to_vec)
                    .map_err(|e| std::format!("{e:?}"))
            };
            let general = general_outputs_after::<MAX_LINE>(echo, start, &input);
            proptest::prop_assert_eq!(
                outputs_after::<MAX_LINE>(echo, start, &input, chunk),
                general.clone()
            );
            proptest::prop_assert_eq!(outputs_after::<MAX_LINE>(echo, start, &input, 1), general);
            let mut core = Core::<MAX_LINE>::new();
            core.set_echo(echo);
            core.start(&command, Duration::from_secs(5), Instant::ZERO).unwrap();
            proptest::prop_assert_eq!(hinted(&core.state), pad + 3 <= 255);
            proptest::prop_assert_eq!(usize::from(core.name_start), pad + 3);
        }
    }

    /// Every start that gives its exchange the hint of a plain name has the name within a `u8`
    /// (what `plain_name_at` relies on): a fixed line of every command and form, a typed set's
    /// line, a command with a password up to the longest; the starts without the hint (a raw
    /// line, an encoder's line, `encode_command`'s) whatever their name's place.
    #[test]
    fn hint_only_within_a_u8() {
        let t = Duration::from_secs(1);
        let check = |core: &Core<MAX_LINE>| {
            assert!(
                !hinted(&core.state) || core.name_start <= u16::from(u8::MAX),
                "{:?} at {}",
                core.state,
                core.name_start
            );
        };
        for echo in [Echo::On, Echo::Off] {
            for spec in cat1_config::commands::ALL {
                for fixed in [
                    FixedLine::query(spec),
                    FixedLine::test(spec),
                    FixedLine::bare(spec),
                ] {
                    let mut core = Core::<MAX_LINE>::new();
                    core.set_echo(echo);
                    let _ = core.start_fixed(&fixed, t, Instant::ZERO);
                    check(&core);
                }
            }
            let mut core = Core::<MAX_LINE>::new();
            core.set_echo(echo);
            let values = [Value::Text(b"CMNET")];
            let typed: &'static TypedSet = const { &TypedSet::of::<cat1_config::requests::Apn>() };
            let set = SetCall {
                typed,
                values: &values,
            };
            let bare = FixedLine::bare(&cat1_config::commands::network::APN);
            let _ = core.start_line(&bare, Some(&set), false, t, Instant::ZERO);
            check(&core);
            // ... and as the adapters start a typed set (`encode_typed`, `start_encoded`).
            use cat1_config::request::Request;
            type Apn = cat1_config::requests::Apn;
            let mut core = Core::<MAX_LINE>::new();
            core.set_echo(echo);
            let tx = core.idle_tx().unwrap();
            let encoded = encode_typed(
                Apn::set(&values, tx),
                Apn::SPEC.name.as_bytes(),
                Apn::BARE_LINE,
                tx,
            );
            let Ok(encoded) = encoded else {
                panic!("Apn's set refused")
            };
            core.start_encoded(encoded, t, Instant::ZERO);
            assert!(
                hinted(&core.state),
                "a typed set's bare exchange has the hint"
            );
            check(&core);
            for pad in [0, 100, 252, 253, 254, 300, 590, 611] {
                let password = decoy_password(pad);
                let mut line = password.clone();
                line.extend_from_slice(b"AT+CSQ");
                let command = CommandLine::execute(b"CSQ").with_password(&password);
                let mut core = Core::<MAX_LINE>::new();
                core.set_echo(echo);
                let _ = core.start(&command, t, Instant::ZERO);
                check(&core);
                let mut core = Core::<MAX_LINE>::new();
                core.set_echo(echo);
                let _ = core.start_raw(&line, t, Instant::ZERO);
                check(&core);
                let mut core = Core::<MAX_LINE>::new();
                core.set_echo(echo);
                if let Ok(encoded) = encode_command(&command, core.idle_tx().unwrap()) {
                    core.start_encoded(encoded, t, Instant::ZERO);
                    check(&core);
                }
            }
        }
    }

    /// A name past a `u16` (a buffer over 64 KB, a password longer than that): the hint of a
    /// plain name dropped as for any name past a `u8`, so the fast ways and the general way
    /// give the same outputs (`emitted_name` gave such a name as `(0, 0)`, which kept the hint:
    /// the fast ways took `+:` as the answer).
    #[test]
    fn a_name_past_a_u16_drops_the_hint() {
        const N: usize = 65_600;
        let t = Duration::from_secs(5);
        let password = std::vec![b'p'; 65_540];
        let command = CommandLine::execute(b"CSQ").with_password(&password);
        let input = b"+:\r\n+CSQ: 1\r\nOK\r\n";
        let mut fast = std::boxed::Box::new(Core::<N>::new());
        fast.start(&command, t, Instant::ZERO).unwrap();
        assert!(!hinted(&fast.state));
        let mut general = fast.clone();
        let mut a = Vec::new();
        for b in input.chunks(1) {
            if let Status::Complete(o, _) = fast.receive(b) {
                a.push(std::format!("{o:?}"));
            }
        }
        let mut g = Vec::new();
        let mut rest = &input[..];
        while let Status::Complete(o, used) = general.receive_chunk(rest) {
            g.push(std::format!("{o:?}"));
            rest = &rest[used..];
        }
        assert_eq!(a, g);
    }

    /// Every output, the counters and the state after a fixed line (`AT+CSQ?`, `AT`) or a
    /// handshake step is started and `input` fed: `chunk` bytes at a time through
    /// `Core::receive` (a byte at a time: `receive_byte`, `receive_line`; more:
    /// `receive_ok_first`, the plain ways) or, with `chunk` 0, whole through the adapters'
    /// `receive_chunk` (the general way).
    fn fed_one_way<const N: usize>(
        kind: usize,
        echo: Echo,
        input: &[u8],
        chunk: usize,
    ) -> Vec<std::string::String> {
        let mut core = Core::<N>::new();
        core.set_echo(echo);
        let mut out = Vec::new();
        let t = Duration::from_secs(5);
        let fixed = match kind {
            0 => Some(FixedLine::query(&cat1_config::commands::general::CSQ)),
            1 => Some(FixedLine::bare(&cat1_config::commands::general::AT)),
            4 => Some(FixedLine::query(
                &cat1_config::commands::heartbeat::HEARTSORT,
            )),
            _ => None,
        };
        out.push(match (kind, &fixed) {
            (_, Some(f)) => std::format!(
                "{:?}",
                core.start_fixed(f, t, Instant::ZERO)
                    .map(|r| r.map(<[u8]>::to_vec))
            ),
            (2, None) => std::format!("{:?}", core.start_escape(t, Instant::ZERO)),
            _ => std::format!("{:?}", core.start_confirm(t, Instant::ZERO)),
        });
        if chunk == 1 {
            for b in input.chunks(1) {
                if let Status::Complete(o, used) = core.receive(b) {
                    assert_eq!(used, 1);
                    out.push(std::format!("{o:?}"));
                }
            }
        } else if chunk > 1 {
            // `OLD_WAY` and more: `chunk - OLD_WAY` bytes at a time through `Core::receive` as it
            // was before it took `\r\nOK\r\n` inline (`receive_before_crlf_ok`).
            type Receive<const N: usize> =
                for<'a, 'b> fn(&'a mut Core<N>, &'b [u8]) -> Status<Output<'a>>;
            let (chunk, receive): (usize, Receive<N>) = match chunk.checked_sub(OLD_WAY) {
                Some(c) => (c, receive_before_crlf_ok::<N>),
                None => (chunk, Core::<N>::receive),
            };
            for piece in input.chunks(chunk) {
                let mut rest = piece;
                while let Status::Complete(o, used) = receive(&mut core, rest) {
                    assert!(used >= 1 && used <= rest.len());
                    out.push(std::format!("{o:?}"));
                    rest = &rest[used..];
                }
            }
        } else {
            let mut rest = input;
            while let Status::Complete(o, used) = core.receive_chunk(rest) {
                out.push(std::format!("{o:?}"));
                rest = &rest[used..];
            }
        }
        out.push(std::format!(
            "{:?} {:?} {:?}",
            core.is_busy(),
            core.counters(),
            core.state
        ));
        out
    }

    /// `fed_one_way`'s `chunk` from which it feeds the old way (`receive_before_crlf_ok`).
    const OLD_WAY: usize = 1 << 20;

    /// `Core::receive` as it was before `Framer::take_crlf_ok` was tried inline on a chunk:
    /// every chunk of two bytes or more to `receive_ok_first`.
    fn receive_before_crlf_ok<'a, const N: usize>(
        core: &'a mut Core<N>,
        input: &[u8],
    ) -> Status<Output<'a>> {
        match *input {
            [b] if core.framer.take_tracked(b) => Status::Partial,
            [b] => Core::receive_byte(b, core),
            [] => Status::Partial,
            _ => core.receive_ok_first(input),
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4000))]
        /// `Core::receive` fed a byte at a time (its own small ways for `OK`, other line ends
        /// and a typed request's information lines) gives what the adapters' general way gives
        /// the whole input: outputs, counters and state, for echo, answers in any case, near
        /// names, results, handshake replies, lone line ends and over-long lines. (A second
        /// reader's test.)
        #[test]
        fn a_byte_at_a_time_is_the_general_way(
            pieces in proptest::collection::vec(0usize..16, 0..20),
            kind in 0usize..4,
            echo in 0usize..3,
        ) {
            const TOKENS: [&[u8]; 16] = [
                b"AT+CSQ?\r\n", b"AT\r\n", b"+CSQ: 1,2\r\n", b"+csq: 3\r\n", b"+CsQ:4\r\n",
                b"OK\r\n", b"ERROR\r\n", b"a", b"+ok", b"+OK\r\n", b"\r", b"\n",
                b"a much longer line than the buffer holds\r\n", b"+CME ERROR: 3\r\n",
                b"+CSQX: 1\r\n", b"OK",
            ];
            let input: Vec<u8> = pieces.iter().flat_map(|&i| TOKENS[i].iter().copied()).collect();
            let echo = [Echo::On, Echo::Off, Echo::Unknown][echo];
            proptest::prop_assert_eq!(
                fed_one_way::<32>(kind, echo, &input, 1),
                fed_one_way::<32>(kind, echo, &input, 0)
            );
        }

        /// `Core::receive` fed chunks (`\r\nOK\r\n` inline, then `receive_ok_first`: `OK` at
        /// the start of a chunk, then the chunk scanned and a line that ends classified as a
        /// byte at a time, `receive_line`'s way, the rest the general way) gives what the
        /// adapters' general way gives the whole input: outputs, counters and state, for the
        /// same tokens cut anywhere.
        #[test]
        fn chunks_are_the_general_way(
            pieces in proptest::collection::vec(0usize..16, 0..20),
            kind in 0usize..4,
            echo in 0usize..3,
            chunk in 2usize..20,
        ) {
            const TOKENS: [&[u8]; 16] = [
                b"AT+CSQ?\r\n", b"AT\r\n", b"+CSQ: 1,2\r\n", b"+csq: 3\r\n", b"+CsQ:4\r\n",
                b"OK\r\n", b"ERROR\r\n", b"a", b"+ok", b"\r\nOK\r\n", b"\r", b"\n",
                b"a much longer line than the buffer holds\r\n", b"+CME ERROR: 3\r\n",
                b"+CSQX: 1\r\n", b"\x01OK",
            ];
            let input: Vec<u8> = pieces.iter().flat_map(|&i| TOKENS[i].iter().copied()).collect();
            let echo = [Echo::On, Echo::Off, Echo::Unknown][echo];
            proptest::prop_assert_eq!(
                fed_one_way::<32>(kind, echo, &input, chunk),
                fed_one_way::<32>(kind, echo, &input, 0)
            );
            // And as it gave before it took `\r\nOK\r\n` inline (`Framer::take_crlf_ok`;
            // every chunk to `receive_ok_first`), in this chunking and others.
            // (5: `\nOK\r\n` alone after a CR LF cut in two, `Framer::take_lf_ok`.)
            for c in [chunk, 5, 6, 7, 12, OLD_WAY / 2] {
                proptest::prop_assert_eq!(
                    fed_one_way::<32>(kind, echo, &input, c),
                    fed_one_way::<32>(kind, echo, &input, c + OLD_WAY)
                );
            }
        }

        /// The echo of a line over 8 bytes (compared a word at a time on `Core::receive`'s
        /// own way, `same_words`), near misses in any byte, fed a byte at a time and in chunks,
        /// against the general way. (A second reader's test.)
        #[test]
        fn long_echo_is_the_general_way(
            pieces in proptest::collection::vec(0usize..14, 0..16),
            echo in 0usize..3,
            chunk in 1usize..20,
        ) {
            const TOKENS: [&[u8]; 14] = [
                b"AT+HEARTSORT?\r\n", b"AT+HEARTSORt?\r\n", b"At+HEARTSORT?\r\n",
                b"AT+HEARTSORT!\r\n", b"AT+HEArTSORT?\r\n", b"+HEARTSORT: 1\r\n",
                b"+heartsort:x\r\n", b"+CME ERROR: 3\r\n", b"OK\r\n", b"ERROR\r\n",
                b"\r", b"\n", b"AT+HEARTSORT?\r", b"AT+HEARTSORT\r\n",
            ];
            let input: Vec<u8> = pieces.iter().flat_map(|&i| TOKENS[i].iter().copied()).collect();
            let echo = [Echo::On, Echo::Off, Echo::Unknown][echo];
            proptest::prop_assert_eq!(
                fed_one_way::<32>(4, echo, &input, chunk),
                fed_one_way::<32>(4, echo, &input, 0)
            );
        }
    }

    /// `short_chunks_are_receive_ok_first`'s exchange: 0 the fixed `AT+CSQ?`, 1 `AT`, 2 `AT+CME?`
    /// (a name whose information line reads `+CME...`), 3 `AT+CSQ` with its `CommandLine`, 4 the
    /// handshake's escape (a reply awaited, no line end).
    fn start_short<const N: usize>(core: &mut Core<N>, kind: usize) -> std::string::String {
        let t = Duration::from_secs(5);
        let fixed = match kind {
            0 => FixedLine::query(&cat1_config::commands::general::CSQ),
            1 => FixedLine::bare(&cat1_config::commands::general::AT),
            2 => {
                return std::format!(
                    "{:?}",
                    core.start(&CommandLine::query(b"CME"), t, Instant::ZERO)
                );
            }
            3 => {
                return std::format!(
                    "{:?}",
                    core.start(&CommandLine::execute(b"CSQ"), t, Instant::ZERO)
                );
            }
            _ => return std::format!("{:?}", core.start_escape(t, Instant::ZERO)),
        };
        std::format!(
            "{:?}",
            core.start_fixed(&fixed, t, Instant::ZERO)
                .map(|r| r.map(<[u8]>::to_vec))
        )
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4000))]
        /// `Core::receive` of chunks under six bytes (`receive_short`: a line cut just ahead of
        /// its line end, a CR LF alone, `OK` at the start, bytes taken one at a time, a `+CME`
        /// line classified before the information line's test) gives, call by call, the same
        /// output and bytes consumed as `receive_ok_first` (the old way, `receive_before_crlf_ok`),
        /// and the same counters and state after, for lines cut anywhere, echo on or off,
        /// handshake replies, control bytes and over-long lines.
        #[test]
        fn short_chunks_are_receive_ok_first(
            pieces in proptest::collection::vec(0usize..21, 0..20),
            sizes in proptest::collection::vec(1usize..8, 1..8),
            kind in 0usize..5,
            echo in 0usize..3,
        ) {
            const TOKENS: [&[u8]; 21] = [
                b"\xff", b"AT+CSQ?\r", b"AT+CME?\r", b"AT\r\n", b"+CSQ: 1,2\r\n", b"+CME: 3\r\n",
                b"+CME ERROR: 10\r\n", b"+CMEE: 1\r\n", b"OK\r\n", b"OK", b"\r\nOK\r\n",
                b"\nOK\r\n", b"\r\n", b"\r", b"\n", b"ERROR\r\n", b"a", b"+ok", b"\x01",
                b"a much longer line than the buffer holds\r\n", b"+CME ERROR: 3",
            ];
            let input: Vec<u8> = pieces.iter().flat_map(|&i| TOKENS[i].iter().copied()).collect();
            let echo = [Echo::On, Echo::Off, Echo::Unknown][echo];
            let mut new = Core::<32>::new();
            let mut old = Core::<32>::new();
            new.set_echo(echo);
            old.set_echo(echo);
            proptest::prop_assert_eq!(start_short(&mut new, kind), start_short(&mut old, kind));
            let mut at = 0;
            for size in sizes.iter().cycle() {
                let Some(piece) = input.get(at..(at + size).min(input.len())) else { break };
                if piece.is_empty() {
                    break;
                }
                at += piece.len();
                let mut rest = piece;
                loop {
                    let (a, used) = match new.receive(rest) {
                        Status::Complete(o, used) => (std::format!("{o:?} {used}"), Some(used)),
                        Status::Partial => (std::string::String::from("Partial"), None),
                    };
                    let b = match receive_before_crlf_ok(&mut old, rest) {
                        Status::Complete(o, used) => std::format!("{o:?} {used}"),
                        Status::Partial => std::string::String::from("Partial"),
                    };
                    proptest::prop_assert_eq!(&a, &b);
                    match used.and_then(|u| rest.get(u..)) {
                        Some(r) => rest = r,
                        None => break,
                    }
                }
            }
            proptest::prop_assert_eq!(
                std::format!("{:?} {:?} {:?} {:?} {:?}", new.is_busy(), new.counters(), new.state, new.framer.counters(), new.framer.pending()),
                std::format!("{:?} {:?} {:?} {:?} {:?}", old.is_busy(), old.counters(), old.state, old.framer.counters(), old.framer.pending())
            );
        }
    }

    /// One step of a core's life for `gate_is_never_stale`: an exchange started (0, 1: the
    /// fixed `AT+CSQ?` and `AT`; 2: `AT+CSQ` with its `CommandLine`; 3, 4: `start_escape`,
    /// `start_confirm`; 5, 6: the adapters' `start_handshake`), a timeout, an abort, the
    /// quiet after one, or tokens fed.
    #[derive(Debug, Clone)]
    enum Step {
        Start(usize),
        Timeout,
        Abort,
        Settled,
        Feed(Vec<usize>, usize),
    }

    /// What `step` gives `core`: its outputs, then whether it is busy, its counters and state.
    /// `chunk` 0 feeds the tokens whole through the adapters' `receive_chunk` (the general way,
    /// which reads the exchange's state itself, never `take_tracked`'s gate); otherwise
    /// `chunk` bytes at a time through `Core::receive`. Fed a byte at a time, it checks
    /// `take_tracked`'s gate after each byte: never open while a handshake reply is awaited,
    /// and open after any byte but a line end fed while none is (the general way told it).
    fn step<const N: usize>(
        core: &mut Core<N>,
        step: &Step,
        chunk: usize,
    ) -> Vec<std::string::String> {
        const TOKENS: [&[u8]; 14] = [
            b"AT+CSQ?\r\n",
            b"+CSQ: 1,2\r\n",
            b"a",
            b"OK\r\n",
            b"\r",
            b"+ok",
            b"ERROR\r\n",
            b"\n",
            b"+OK",
            b"AT\r\n",
            b"a much longer line than the buffer\r\n",
            b"ab",
            b"AT+CSQ\r\n",
            b"\x0e\x0fOK",
        ];
        let t = Duration::from_secs(5);
        let mut out = Vec::new();
        match step {
            Step::Start(kind) => out.push(match kind {
                0 | 1 => {
                    let fixed = if *kind == 0 {
                        FixedLine::query(&cat1_config::commands::general::CSQ)
                    } else {
                        FixedLine::bare(&cat1_config::commands::general::AT)
                    };
                    std::format!(
                        "{:?}",
                        core.start_fixed(&fixed, t, Instant::ZERO)
                            .map(|r| r.map(<[u8]>::to_vec))
                    )
                }
                2 => std::format!(
                    "{:?}",
                    core.start(&CommandLine::execute(b"CSQ"), t, Instant::ZERO)
                        .map(<[u8]>::to_vec)
                ),
                3 => std::format!("{:?}", core.start_escape(t, Instant::ZERO)),
                4 => std::format!("{:?}", core.start_confirm(t, Instant::ZERO)),
                // The adapters' handshake step since the fifteenth flash round: the step's
                // `FixedLine::raw` started as a fixed line, the framer told (`run_fixed`).
                7 | 8 => {
                    let line = if *kind == 7 {
                        crate::procedures::ESCAPE
                    } else {
                        crate::procedures::CONFIRM
                    };
                    match core.start_line(line, None, true, t, Instant::ZERO) {
                        Ok(Ok(bytes)) => std::format!("{bytes:?}"),
                        Ok(Err(e)) => std::format!("{e:?}"),
                        Err(e) => std::format!("{e:?}"),
                    }
                }
                // As the adapters start a step: idle (here checked first, as they know it).
                _ => match core.check_idle() {
                    Ok(()) => {
                        std::format!("{:?}", core.start_handshake(*kind == 5, t, Instant::ZERO))
                    }
                    Err(e) => std::format!("{e:?}"),
                },
            }),
            Step::Timeout => out.push(std::format!(
                "{:?}",
                core.poll(Instant::ZERO.saturating_add(t))
            )),
            Step::Abort => core.abort(),
            Step::Settled => core.settled(),
            Step::Feed(tokens, _) => {
                let input: Vec<u8> = tokens
                    .iter()
                    .flat_map(|&i| TOKENS[i % TOKENS.len()].iter().copied())
                    .collect();
                if chunk == 1 {
                    for &b in &input {
                        let awaited = core.state.handshake_pending();
                        if let Status::Complete(o, used) = core.receive(&[b]) {
                            assert_eq!(used, 1);
                            out.push(std::format!("{o:?}"));
                        }
                        assert!(gate_safe(core), "the gate open while a reply is awaited");
                        assert!(
                            awaited || b == b'\r' || b == b'\n' || core.framer.gate_open(),
                            "the gate shut after {b:?} fed while no handshake reply was awaited"
                        );
                    }
                } else {
                    // Whole through the general way (`chunk` 0), or `Core::receive` in chunks.
                    let size = if chunk == 0 { input.len() } else { chunk };
                    for piece in input.chunks(size.max(1)) {
                        let mut rest = piece;
                        loop {
                            let status = if chunk == 0 {
                                core.receive_chunk(rest)
                            } else {
                                core.receive(rest)
                            };
                            let Status::Complete(o, used) = status else {
                                break;
                            };
                            out.push(std::format!("{o:?}"));
                            rest = &rest[used..];
                        }
                    }
                }
            }
        }
        assert!(gate_safe(core), "the gate open while a reply is awaited");
        let summary = (core.is_busy(), core.counters(), core.state);
        out.push(std::format!("{summary:?}"));
        out
    }

    /// `take_tracked`'s gate is never open while a handshake reply is awaited.
    fn gate_safe<const N: usize>(core: &Core<N>) -> bool {
        !(core.framer.gate_open() && core.state.handshake_pending())
    }

    fn any_step() -> impl proptest::strategy::Strategy<Value = Step> {
        use proptest::prelude::*;
        prop_oneof![
            3 => (0usize..7).prop_map(Step::Start),
            1 => Just(Step::Timeout),
            1 => Just(Step::Abort),
            1 => Just(Step::Settled),
            5 => (proptest::collection::vec(0usize..14, 0..6), 0usize..12)
                .prop_map(|(t, c)| Step::Feed(t, c)),
        ]
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
        /// `Core::receive` with `take_tracked` (the framer's own view of whether a handshake
        /// reply is awaited, told at a handshake's start and by the general way) gives what the
        /// adapters' general way gives, which reads the exchange's state itself (`take_byte`'s
        /// way, the old gate): outputs, counters and state after every step, through any
        /// sequence of starts (commands, both handshake steps, the adapters' and the public
        /// ones), timeouts, aborts and bytes fed a byte at a time or in chunks (the gate
        /// checked after each byte, see `step`). A handshake started without telling the
        /// framer, or a gate never opened again, is caught.
        #[test]
        fn gate_is_never_stale(
            steps in proptest::collection::vec(any_step(), 0..24),
            echo in 0usize..3,
        ) {
            let echo = [Echo::On, Echo::Off, Echo::Unknown][echo];
            let mut fed = Core::<32>::new();
            let mut general = Core::<32>::new();
            fed.set_echo(echo);
            general.set_echo(echo);
            for s in &steps {
                let chunk = match s { Step::Feed(_, c) => (*c).max(1), _ => 1 };
                // Mostly a byte at a time, the way the gate is for.
                let chunk = if chunk > 8 { 1 } else { chunk };
                proptest::prop_assert_eq!(step(&mut fed, s, chunk), step(&mut general, s, 0), "{:?}", s);
            }
        }
    }

    /// A core of the adapters' size told the echo setting `echo` (0 on, 1 off, 2 unknown) after
    /// `steps`, each fed whole: the set-up of the twenty-seventh flash round's differential tests.
    fn core_after(steps: &[Step], echo: usize) -> Core<{ cat1_at_parse::MAX_LINE }> {
        let mut core = Core::<{ cat1_at_parse::MAX_LINE }>::new();
        core.set_echo([Echo::On, Echo::Off, Echo::Unknown][echo]);
        for s in steps {
            step(&mut core, s, 0);
        }
        core
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
        /// The adapters' start (`start_idle_line`, since the twenty-seventh flash round: their
        /// exchange has just seen any exchange in flight through, `finish_abandoned` or the
        /// async loop's `is_busy`, so only the wait for quiet is tested) is `start_line` (the
        /// reference, which tests for an exchange in flight too) on a core with none in
        /// flight: the same bytes or refusal, and the same core after (every field, the
        /// transmit buffer and the framer's too), for fixed lines, handshake steps and typed
        /// sets, after any sequence of starts, timeouts, aborts, quiet and bytes fed, an
        /// exchange in flight ended as the adapters' `pump` ends one (by its deadline, or its
        /// final result fed), unsynchronised or not. `an_idle_line_start_needs_an_idle_core`
        /// shows the one state where they differ.
        #[test]
        fn an_idle_line_start_is_start_line_when_idle(
            steps in proptest::collection::vec(any_step(), 0..24),
            echo in 0usize..3,
            line in 0usize..6,
            end_by_ok in proptest::bool::ANY,
            settled in proptest::bool::ANY,
        ) {
            let mut core = core_after(&steps, echo);
            if core.is_busy() && end_by_ok {
                let _ = core.receive_chunk(b"\r\nOK\r\n");
            }
            if core.is_busy() {
                let _ = core.poll(Instant::from_millis(u64::MAX));
            }
            if settled {
                core.settled();
            }
            proptest::prop_assert!(!core.is_busy());
            let mut old = core.clone();
            let t = Duration::from_secs(4);
            let now = Instant::from_millis(9);
            let values = [Value::Keyword("ON")];
            let typed: &'static TypedSet = const { &TypedSet::of::<cat1_config::requests::Sdpen>() };
            let set = SetCall { typed, values: &values };
            let (fixed, set, reply) = match line {
                0 => (FixedLine::query(&cat1_config::commands::general::CSQ), None, false),
                1 => (FixedLine::bare(&cat1_config::commands::general::AT), None, false),
                2 => (*crate::procedures::ESCAPE, None, true),
                3 => (*crate::procedures::CONFIRM, None, true),
                4 => (*<cat1_config::requests::Sdpen as cat1_config::request::Request>::BARE_LINE, Some(&set), false),
                _ => (FixedLine::execute(&cat1_config::commands::general::ENTM), None, false),
            };
            let shown = |r: Result<Result<&[u8], RequestError>, StartError>| {
                std::format!("{:?}", r.map(|r| r.map(<[u8]>::to_vec)))
            };
            let a = shown(core.start_idle_line(&fixed, set, reply, t, now));
            let b = shown(old.start_line(&fixed, set, reply, t, now));
            proptest::prop_assert_eq!(a, b);
            proptest::prop_assert_eq!(std::format!("{core:?}"), std::format!("{old:?}"));
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
        /// The adapters' `pump`'s poll (`poll_in_flight`, `deadline_in_flight`, since the
        /// twenty-seventh flash round: no test for an exchange in flight, as `pump` runs only
        /// while one is) is `poll` and `poll_at` (the reference) while an exchange is in
        /// flight: timed out or not alike, the same core after (every field), the same
        /// deadline, at any time around the deadline, after any sequence of steps that leaves
        /// one in flight.
        #[test]
        fn polling_in_flight_is_poll(
            steps in proptest::collection::vec(any_step(), 0..24),
            start in 0usize..7,
            echo in 0usize..3,
            // Around the deadline of `step`'s starts (5 s) too.
            at in proptest::prop_oneof![0u64..12_000, 4_995u64..5_005],
            far in proptest::bool::ANY,
        ) {
            let mut core = core_after(&steps, echo);
            // An exchange in flight, as `pump` meets one (started here when none is).
            if !core.is_busy() {
                core.settled();
                step(&mut core, &Step::Start(start), 0);
            }
            proptest::prop_assume!(core.is_busy());
            let now = Instant::from_millis(if far { u64::MAX - at } else { at });
            let mut old = core.clone();
            proptest::prop_assert_eq!(Some(core.deadline_in_flight()), old.poll_at());
            let new = core.poll_in_flight(now);
            let reference = old.poll(now);
            proptest::prop_assert_eq!(new, reference == Some(Output::TimedOut));
            proptest::prop_assert!(reference.is_none() || reference == Some(Output::TimedOut));
            proptest::prop_assert_eq!(std::format!("{core:?}"), std::format!("{old:?}"));
        }
    }

    /// The one state where `start_idle_line` and `start_line` differ: an exchange in flight,
    /// which `start_line` refuses (`Busy`) and `start_idle_line` does not test for (the
    /// adapters never start one there: their exchange sees it through first).
    #[test]
    fn an_idle_line_start_needs_an_idle_core() {
        let t = Duration::from_secs(4);
        let at = FixedLine::bare(&cat1_config::commands::general::AT);
        let mut core = Core::<{ cat1_at_parse::MAX_LINE }>::new();
        assert!(core.start_fixed(&at, t, Instant::ZERO).is_ok());
        assert!(core.is_busy());
        let mut old = core.clone();
        assert_eq!(
            old.start_line(&at, None, false, t, Instant::ZERO),
            Err(StartError::Busy)
        );
        assert!(
            core.start_idle_line(&at, None, false, t, Instant::ZERO)
                .is_ok()
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
        /// The adapters' handshake step as a fixed line (`start_line` of `procedures::ESCAPE`
        /// or `CONFIRM` with `reply`, as `run_fixed` starts it since the fifteenth flash round)
        /// against `start_handshake` after the idle check, as the adapters' `handshake_step` started it
        /// (kept here as the reference): the same bytes to write or refusal, then the same
        /// outputs, busy flag, counters, state, deadline and `take_tracked`'s gate after every
        /// step of any sequence of starts, timeouts, aborts and bytes fed a byte at a time or
        /// in chunks, echo on, off or unknown. (The transmit buffer and the line's place
        /// differ: read only while a command is in flight.)
        #[test]
        fn a_handshake_step_as_a_fixed_line_is_start_handshake(
            steps in proptest::collection::vec(any_step(), 0..24),
            echo in 0usize..3,
            chunk in 0usize..10,
        ) {
            let echo = [Echo::On, Echo::Off, Echo::Unknown][echo];
            let mut new = Core::<64>::new();
            let mut old = Core::<64>::new();
            new.set_echo(echo);
            old.set_echo(echo);
            for s in &steps {
                let as_fixed = match s {
                    Step::Start(5) => Step::Start(7),
                    Step::Start(6) => Step::Start(8),
                    other => other.clone(),
                };
                proptest::prop_assert_eq!(
                    step(&mut new, &as_fixed, chunk),
                    step(&mut old, s, chunk),
                    "{:?}",
                    s
                );
                proptest::prop_assert_eq!(
                    (new.poll_at(), new.framer.gate_open()),
                    (old.poll_at(), old.framer.gate_open())
                );
            }
        }
    }

    /// Feeds `input` in `chunk`-byte pieces through `receive` until each piece is taken in;
    /// every output, then whether the core is busy, its counters, its state, the framer's
    /// counters, pending line and gate (`take_tracked`'s). Not the bytes consumed: the
    /// detached feed takes the LF of a CR LF with its line when it is there, the general
    /// way leaves it for the next call (the framer's contract leaves that open).
    fn chunks_through<const N: usize>(
        core: &mut Core<N>,
        input: &[u8],
        chunk: usize,
        receive: for<'a, 'b> fn(&'a mut Core<N>, &'b [u8]) -> Status<Output<'a>>,
    ) -> Vec<std::string::String> {
        let mut out = Vec::new();
        for piece in input.chunks(chunk.max(1)) {
            let mut rest = piece;
            while let Status::Complete(o, used) = receive(core, rest) {
                assert!(used >= 1 && used <= rest.len());
                out.push(std::format!("{o:?}"));
                rest = &rest[used..];
            }
        }
        out.push(std::format!(
            "{:?} {:?} {:?} {:?} {:?} {}",
            core.is_busy(),
            core.counters(),
            core.state,
            core.framer.counters(),
            core.framer.pending(),
            core.framer.gate_open()
        ));
        out
    }

    /// Input for `general_chunk_is_the_detached_feed`: tokens (answers, echoes, results,
    /// handshake replies, line ends, control bytes, an over-long line) and any byte.
    fn any_input() -> impl proptest::strategy::Strategy<Value = Vec<u8>> {
        use proptest::prelude::*;
        const TOKENS: [&[u8]; 18] = [
            b"AT+CSQ?\r\n",
            b"AT\r\n",
            b"+CSQ: 1,2\r\n",
            b"+csq: 3\r\n",
            b"OK\r\n",
            b"\r\nOK\r\n",
            b"OK",
            b"ERROR\r\n",
            b"+CME ERROR: 3\r\n",
            b"a",
            b"+ok",
            b"+OK",
            b"\r",
            b"\n",
            b"\x0e\x0fOK",
            b"a much longer line than the buffer holds\r\n",
            b"AT+CSQ\r\n",
            b"+HEARTSORT: 1\r\n",
        ];
        proptest::collection::vec(
            prop_oneof![
                3 => (0usize..TOKENS.len()).prop_map(|i| TOKENS[i].to_vec()),
                1 => proptest::collection::vec(any::<u8>(), 1..4),
            ],
            0..12,
        )
        .prop_map(|parts| parts.concat())
    }

    /// A step for `general_chunk_is_the_detached_feed`: one of `any_step`'s other than a feed
    /// (a start, a timeout, an abort, the quiet after one), or `any_input` fed in chunks of 1
    /// to 39 bytes.
    #[allow(clippy::type_complexity)]
    fn any_chunked_step()
    -> impl proptest::strategy::Strategy<Value = (Option<Step>, Vec<u8>, usize)> {
        use proptest::prelude::*;
        prop_oneof![
            1 => any_step()
                .prop_filter("fed below", |s| !matches!(s, Step::Feed(..)))
                .prop_map(|s| (Some(s), Vec::new(), 0)),
            2 => (any_input(), 1usize..40).prop_map(|(i, c)| (None, i, c)),
        ]
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
        /// The adapters' `receive_chunk` on the framer's general way
        /// (`Framer::feed_detached_general`) gives what it gave on the framer's detached feed
        /// with its fast ways inline (`receive_chunk_detached`, `feed_detached_apart`): every
        /// output, the counters, the state, the framer's counters, pending line and gate, after
        /// every step of any sequence of starts (commands, both handshake steps), timeouts,
        /// aborts and input (tokens and any byte) fed in any chunking. (Mutants caught: the
        /// state not written back, the gate not told, the name given as the line sent.)
        #[test]
        fn general_chunk_is_the_detached_feed(
            steps in proptest::collection::vec(any_chunked_step(), 0..16),
            echo in 0usize..3,
        ) {
            let echo = [Echo::On, Echo::Off, Echo::Unknown][echo];
            let mut general = Core::<24>::new();
            let mut detached = Core::<24>::new();
            general.set_echo(echo);
            detached.set_echo(echo);
            for (s, input, chunk) in &steps {
                match s {
                    // Starts, timeouts, aborts.
                    Some(s) => proptest::prop_assert_eq!(
                        step(&mut general, s, 0),
                        step(&mut detached, s, 0),
                        "{:?}", s
                    ),
                    None => proptest::prop_assert_eq!(
                        chunks_through(&mut general, input, *chunk, Core::<24>::receive_chunk),
                        chunks_through(
                            &mut detached,
                            input,
                            *chunk,
                            Core::<24>::receive_chunk_detached
                        ),
                        "{:?} in {}", input, chunk
                    ),
                }
            }
        }
    }

    /// What the adapters' read loop (`pump`) gives: `input` read `read` bytes at a time into a
    /// `Carry`, each read followed by a read of nothing (the UART idle: `pump` still runs a
    /// turn), each read taken as `pump` takes it (`old`: as it did before
    /// `Carry::filled_or_taken`, every read filled and fed by the old `dispatch`,
    /// `dispatch_before`), then fed by `dispatch` (a turn at least, as `pump`) until it is
    /// empty, `end_of_answer` after an exchange's end (the old `dispatch`'s: the new one
    /// handles it itself); every information line, listener call
    /// and end in order, the bytes left pending after each turn (a read taken logged as a turn
    /// that ended nothing), then whether the core is busy, its counters, its state, the
    /// framer's counters and pending line (the gate checked safe).
    fn reads_through<const N: usize>(
        core: &mut Core<N>,
        input: &[u8],
        read: usize,
        old: bool,
    ) -> Vec<std::string::String> {
        use crate::procedures::{Carry, Finished, dispatch, dispatch_before, end_of_answer};
        use core::cell::RefCell;
        struct Heard<'a>(&'a RefCell<Vec<std::string::String>>);
        impl crate::Listener for Heard<'_> {
            fn line(&mut self, line: &[u8]) {
                self.0.borrow_mut().push(std::format!("line {line:?}"));
            }
            fn overflow(&mut self, dropped: usize) {
                self.0.borrow_mut().push(std::format!("overflow {dropped}"));
            }
        }
        let log = RefCell::new(Vec::new());
        let turn = |carry: &Carry, finished: Option<Finished>| {
            let pending = carry.pending().to_vec();
            log.borrow_mut().push(std::format!(
                "{finished:?} {pending:?} {}",
                carry.swallow_lf
            ));
        };
        let mut carry = Carry::new();
        for piece in input.chunks(read.max(1)) {
            for piece in [piece, &[]] {
                let space = carry.space();
                let n = piece.len().min(space.len());
                space[..n].copy_from_slice(&piece[..n]);
                if old {
                    carry.filled(n);
                } else if carry.filled_or_taken(n, core) {
                    turn(&carry, None);
                    continue;
                }
                for _ in 0..=64 {
                    let mut on_info = |info: InfoLine<'_>| {
                        log.borrow_mut()
                            .push(std::format!("info {:?}", info.line()))
                    };
                    let finished = if old {
                        dispatch_before(core, &mut Heard(&log), &mut carry, &mut on_info)
                    } else {
                        dispatch(core, &mut Heard(&log), &mut carry, &mut on_info)
                    };
                    // (`dispatch` handles an exchange's end itself; the old one did not.)
                    if let (true, Some(f)) = (old, &finished) {
                        end_of_answer(&mut carry, f);
                    }
                    turn(&carry, finished);
                    if carry.is_empty() {
                        break;
                    }
                }
                assert!(carry.is_empty(), "a read left unfed");
            }
        }
        // Not the gate itself: a line end skipped at the start of a line leaves it as it was
        // (as `Core::receive` leaves it), where the general way tells it the state; shut
        // there, it only sends the next byte the general way, which opens it. Never open while
        // a handshake reply is awaited.
        assert!(gate_safe(core), "the gate open while a reply is awaited");
        let mut out = log.into_inner();
        out.push(std::format!(
            "{:?} {:?} {:?} {:?} {:?}",
            core.is_busy(),
            core.counters(),
            core.state,
            core.framer.counters(),
            core.framer.pending(),
        ));
        out
    }

    /// A step for `a_read_is_the_general_way`: one of `any_step`'s other than a feed, or
    /// `any_input` read 1 to 64 bytes at a time (mostly one: what `take_read` is for).
    #[allow(clippy::type_complexity)]
    fn any_read_step() -> impl proptest::strategy::Strategy<Value = (Option<Step>, Vec<u8>, usize)>
    {
        use proptest::prelude::*;
        prop_oneof![
            1 => any_step()
                .prop_filter("fed below", |s| !matches!(s, Step::Feed(..)))
                .prop_map(|s| (Some(s), Vec::new(), 0)),
            2 => (any_input(), prop_oneof![3 => Just(1usize), 1 => 1usize..65])
                .prop_map(|(i, r)| (None, i, r)),
        ]
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
        /// The adapters' read loop, which stores a read of one byte that completes nothing
        /// where it fills the read buffer (`Carry::filled_or_taken`: `Core::take_read`,
        /// `take_tracked`'s gate) and feeds the rest by `dispatch` (one exit for both ends),
        /// gives what it gave with every read filled and fed by the old `dispatch`
        /// (`dispatch_before`, which stored the one byte itself, checked in its turn against
        /// every read to the general way): every information line, listener call and end of
        /// an exchange, the bytes left pending, the counters, the state, the framer's counters
        /// and pending line (the gate never open while a handshake reply is awaited), after
        /// every step of any sequence of starts (commands, both handshake steps), timeouts,
        /// aborts and input (tokens and any byte) read 1 to 64 bytes at a time, mostly one,
        /// each read followed by a read of nothing. (Mutants caught: the byte stored past the
        /// gate's test, `push_plain`, which stores a handshake reply's `a`; a longer read's
        /// first byte taken as a read of its own; a read of nothing taken as the byte left at
        /// the buffer's front; the byte taken not consumed; `dispatch`'s bytes left pending
        /// when every one was fed.)
        #[test]
        fn a_read_is_the_general_way(
            steps in proptest::collection::vec(any_read_step(), 0..16),
            echo in 0usize..3,
        ) {
            let echo = [Echo::On, Echo::Off, Echo::Unknown][echo];
            let mut new = Core::<24>::new();
            let mut old = Core::<24>::new();
            new.set_echo(echo);
            old.set_echo(echo);
            for (s, input, read) in &steps {
                match s {
                    Some(s) => proptest::prop_assert_eq!(step(&mut new, s, 0), step(&mut old, s, 0), "{:?}", s),
                    None => proptest::prop_assert_eq!(
                        reads_through(&mut new, input, *read, false),
                        reads_through(&mut old, input, *read, true),
                        "{:?} read {}", input, read
                    ),
                }
            }
        }
    }

    /// The adapters' `pump` in its own shape, for `dispatch` against `dispatch_before`: a turn
    /// reads only when the read buffer is empty, `dispatch` stops at an exchange's end, and
    /// what follows stays (in the buffer and in the UART) for the next step, so starts,
    /// handshakes, timeouts and aborts come with bytes pending (a second reading's test).
    fn pump_turns<const N: usize>(
        core: &mut Core<N>,
        carry: &mut crate::procedures::Carry,
        uart: &mut std::collections::VecDeque<u8>,
        read: usize,
        turns: usize,
        old: bool,
    ) -> Vec<std::string::String> {
        use crate::procedures::{dispatch, dispatch_before, end_of_answer};
        use core::cell::RefCell;
        struct Heard<'a>(&'a RefCell<Vec<std::string::String>>);
        impl crate::Listener for Heard<'_> {
            fn line(&mut self, line: &[u8]) {
                self.0.borrow_mut().push(std::format!("line {line:?}"));
            }
            fn overflow(&mut self, dropped: usize) {
                self.0.borrow_mut().push(std::format!("overflow {dropped}"));
            }
        }
        let log = RefCell::new(Vec::new());
        for _ in 0..turns {
            if carry.is_empty() {
                let space = carry.space();
                let n = read.max(1).min(uart.len()).min(space.len());
                for slot in space.iter_mut().take(n) {
                    *slot = uart.pop_front().unwrap();
                }
                carry.filled(n);
            }
            let mut on_info = |info: InfoLine<'_>| {
                log.borrow_mut()
                    .push(std::format!("info {:?}", info.line()))
            };
            let finished = if old {
                dispatch_before(core, &mut Heard(&log), carry, &mut on_info)
            } else {
                dispatch(core, &mut Heard(&log), carry, &mut on_info)
            };
            // (`dispatch` handles an exchange's end itself; the old one did not.)
            if let (true, Some(f)) = (old, &finished) {
                end_of_answer(carry, f);
            }
            log.borrow_mut().push(std::format!(
                "{finished:?} {:?} {}",
                carry.pending().to_vec(),
                carry.swallow_lf
            ));
            assert!(gate_safe(core), "the gate open while a reply is awaited");
            if finished.is_some() {
                break;
            }
        }
        let mut out = log.into_inner();
        out.push(std::format!(
            "{:?} {:?} {:?} {:?} {:?}",
            core.is_busy(),
            core.counters(),
            core.state,
            core.framer.counters(),
            core.framer.pending(),
        ));
        out
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(6000))]
        /// `dispatch` (a one-byte read stored first) gives what the general way gives across
        /// starts, handshakes, timeouts and aborts with bytes pending, read as `pump` reads.
        #[test]
        fn a_read_is_the_general_way_across_steps(
            steps in proptest::collection::vec(any_read_step(), 0..24),
            turns in proptest::collection::vec(1usize..6, 24),
            echo in 0usize..3,
        ) {
            let echo = [Echo::On, Echo::Off, Echo::Unknown][echo];
            let mut new = Core::<24>::new();
            let mut old = Core::<24>::new();
            new.set_echo(echo);
            old.set_echo(echo);
            let (mut cn, mut co) = (crate::procedures::Carry::new(), crate::procedures::Carry::new());
            let (mut un, mut uo) = (std::collections::VecDeque::new(), std::collections::VecDeque::new());
            for (i, (s, input, read)) in steps.iter().enumerate() {
                match s {
                    Some(s) => proptest::prop_assert_eq!(step(&mut new, s, 0), step(&mut old, s, 0), "{:?}", s),
                    None => {
                        un.extend(input.iter().copied());
                        uo.extend(input.iter().copied());
                        proptest::prop_assert_eq!(
                            pump_turns(&mut new, &mut cn, &mut un, *read, turns[i], false),
                            pump_turns(&mut old, &mut co, &mut uo, *read, turns[i], true),
                            "{:?} read {}", input, read
                        );
                    }
                }
            }
        }
    }
}

/// `Core::receive` against its ways before `receive_short` (every chunk but a byte to
/// `receive_ok_first`) in every state a second reader could think of: exchanges started after
/// others, a `+ok` awaited and split over chunks (`start_confirm`), a `+CME` line as the echo
/// awaited (`start_raw`), aborts, control bytes and 0x80, every call's output, bytes consumed,
/// counters, the framer's counters, pending line and gate.
#[cfg(test)]
mod short_chunks_in_every_state {
    use super::*;
    extern crate std;
    use std::vec::Vec;

    fn receive_old<'a, const N: usize>(core: &'a mut Core<N>, input: &[u8]) -> Status<Output<'a>> {
        match *input {
            [b] if core.framer.take_tracked(b) => Status::Partial,
            [b] => Core::receive_byte(b, core),
            [] => Status::Partial,
            _ => core.receive_ok_first(input),
        }
    }

    fn start<const N: usize>(core: &mut Core<N>, kind: usize) -> std::string::String {
        let t = Duration::from_secs(5);
        match kind {
            0 => std::format!(
                "{:?}",
                core.start_fixed(
                    &FixedLine::query(&cat1_config::commands::general::CSQ),
                    t,
                    Instant::ZERO
                )
                .map(|r| r.map(<[u8]>::to_vec))
            ),
            1 => std::format!(
                "{:?}",
                core.start(&CommandLine::query(b"CME"), t, Instant::ZERO)
                    .map(<[u8]>::to_vec)
            ),
            2 => std::format!("{:?}", core.start_escape(t, Instant::ZERO)),
            3 => std::format!("{:?}", core.start_confirm(t, Instant::ZERO)),
            4 => std::format!(
                "{:?}",
                core.start_raw(b"+CME ERROR: 1", t, Instant::ZERO)
                    .map(<[u8]>::to_vec)
            ),
            5 => {
                core.abort();
                std::string::String::new()
            }
            _ => {
                core.settled();
                std::string::String::new()
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        #[test]
        fn short_chunks_wider(
            steps in proptest::collection::vec((0usize..7, proptest::collection::vec(0usize..28, 0..10)), 1..6),
            sizes in proptest::collection::vec(1usize..7, 1..8),
            echo in 0usize..3,
        ) {
            const TOKENS: [&[u8]; 28] = [
                b"\xff", b"AT+CSQ?\r", b"AT+CME?\r", b"+CME ERROR: 1\r", b"+CSQ: 1,2\r\n", b"+CME: 3\r\n",
                b"+CME ERROR: 10\r\n", b"+CMEE: 1\r\n", b"OK\r\n", b"OK", b"\r\nOK\r\n",
                b"\nOK\r\n", b"\r\n", b"\r", b"\n", b"ERROR\r\n", b"a", b"+ok", b"\x01",
                b"a much longer line than the buffer holds\r\n", b"+CME ERROR: 3",
                b"\x00", b"\x80", b"\x0e", b"+o", b"k", b"\r\n\r\n", b"\n\r",
            ];
            let echo = [Echo::On, Echo::Off, Echo::Unknown][echo];
            let mut new = Core::<32>::new();
            let mut old = Core::<32>::new();
            new.set_echo(echo);
            old.set_echo(echo);
            let mut sz = sizes.iter().cycle();
            for (kind, pieces) in &steps {
                proptest::prop_assert_eq!(start(&mut new, *kind), start(&mut old, *kind));
                let input: Vec<u8> = pieces.iter().flat_map(|&i| TOKENS[i].iter().copied()).collect();
                let mut at = 0;
                while at < input.len() {
                    let size = *sz.next().unwrap();
                    let piece = &input[at..(at + size).min(input.len())];
                    at += piece.len();
                    let mut rest = piece;
                    loop {
                        let (a, used) = match new.receive(rest) {
                            Status::Complete(o, used) => (std::format!("{o:?} {used}"), Some(used)),
                            Status::Partial => (std::string::String::from("Partial"), None),
                        };
                        let b = match receive_old(&mut old, rest) {
                            Status::Complete(o, used) => std::format!("{o:?} {used}"),
                            Status::Partial => std::string::String::from("Partial"),
                        };
                        proptest::prop_assert_eq!(&a, &b);
                        if let Some(u) = used { proptest::prop_assert!(u >= 1 && u <= rest.len()); }
                        proptest::prop_assert_eq!(
                            std::format!("{:?} {:?} {:?} {:?} {:?} {}", new.is_busy(), new.counters(), new.state, new.framer.counters(), new.framer.pending(), new.framer.gate_open()),
                            std::format!("{:?} {:?} {:?} {:?} {:?} {}", old.is_busy(), old.counters(), old.state, old.framer.counters(), old.framer.pending(), old.framer.gate_open())
                        );
                        match used.and_then(|u| rest.get(u..)) {
                            Some(r) => rest = r,
                            None => break,
                        }
                    }
                }
            }
        }
    }
}
