//! Cutting a byte stream into lines: the layer under the [`crate::Framer`] (MCU side) and under the
//! modem's command interpreter.
//!
//! Rules (errata #1): a line ends at CR or at LF; CR LF is therefore one end followed by an empty
//! line, and empty lines are ignored. A line longer than the buffer is dropped whole, reported
//! once with its length when its end arrives, and the buffer resynchronises at that end.

use crate::Status;

/// What [`LineBuffer::feed`] completed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum LineEvent<'a> {
    /// A non-empty line, without its terminator.
    Line(&'a [u8]),
    /// A line longer than the buffer ended; all of its `dropped` bytes were discarded.
    Overflow {
        /// Length of the discarded line (terminator not counted).
        dropped: usize,
    },
}

/// What [`LineBuffer::scan`] found.
pub(crate) enum Scan {
    /// A line of this length ended ([`LineBuffer::line`]); the bytes of the input consumed
    /// with it.
    Line(usize, usize),
    /// All of the input was taken in.
    Partial,
    /// The line is too long: drop the input from this byte on ([`LineBuffer::discard`]).
    /// The caller must call `discard` next: it counts the overflow (a caller that did not would
    /// lose nothing, the next `scan` says `Discard` again, but the count would come late).
    Discard(usize),
}

/// What [`LineBuffer::scan_dropping`] found.
pub(crate) enum Taken {
    /// A line of this length ended ([`LineBuffer::line`]); the bytes of the input consumed
    /// with it.
    Line(usize, usize),
    /// A line too long for the buffer ended: its whole length (dropped and counted), and the
    /// bytes of the input consumed with it.
    Overflow(usize, usize),
    /// All of the input was taken in.
    Partial,
}

/// An incremental line splitter over an owned buffer of `N` bytes.
///
/// Cost is linear in the bytes fed: each byte is looked at once, and a completed line is handed
/// out in place, never shifted.
// `#[repr(C)]`: `len` and `gate` side by side, words of one base, so that the framer's one-byte
// path (`Framer::take_tracked`) loads both with one `ldrd`; `buf` first, as Rust's own order
// laid it out (cat1-client's core puts the framer first: its buffer at the core's address).
#[derive(Debug, Clone)]
#[repr(C)]
pub struct LineBuffer<const N: usize> {
    buf: [u8; N],
    /// Bytes of the line being assembled (at most `N`), or, above `N`, the length so far of an
    /// over-long line being dropped (saturating; its bytes dropped so far: the buffered ones
    /// with the first that had no room). One word for both: no marker and no count apart to
    /// convert at the general way's scan's start and end (client `.text` -16 bytes). A line
    /// handed out is forgotten at once (the event borrows the buffer, so nothing can overwrite
    /// it while it is in use).
    len: usize,
    /// Which bytes the framer's one-byte path may store without a look (`Framer::track` sets
    /// it): byte `b` when `b & gate` is not 0, so [`GATE_OPEN`] lets the bytes from 16 on
    /// through (CR, LF and the other control bytes below 16 take the general way) and
    /// [`GATE_SHUT`] (0, a new buffer's: zeroed, so a `static` stays in `.bss`) none. The line
    /// layer itself never reads it.
    gate: usize,
    /// Zero, never read: where the bytes dropped so far of an over-long line were kept apart
    /// (now `len` counts past `N`). Without it `bytes_dropped` sat after four bytes of padding,
    /// and cat1-client's `Core::new` cleared the core in parts and copied it (`memcpy` linked).
    _spare: u32,
    overflows: u32,
    bytes_dropped: u64,
}

/// [`LineBuffer`]'s `gate` while no handshake reply is awaited: the bytes with a bit of their
/// high nibble set (from 16 on) pass, one `tst`; CR and LF are below.
pub(crate) const GATE_OPEN: usize = 0xF0;
/// ... and otherwise (a handshake reply awaited, or a framer not told yet): no byte passes.
pub(crate) const GATE_SHUT: usize = 0;

/// A line ended without its line end ([`LineBuffer::take_pending`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pending<'a> {
    /// The bytes of the line (empty when none were pending).
    Bytes(&'a [u8]),
    /// An over-long line was being dropped: the bytes of it dropped (already counted).
    Dropped(usize),
}

/// `a == b` without a `memcmp` call: the slices compared on the framing path are a few bytes
/// long, and this keeps `memcmp` out of a firmware's flash.
#[inline]
pub(crate) fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    // Four to eight bytes (a command line as echoed, `AT+CSQ`): the first four and the last
    // four, two word compares (they overlap below eight bytes). Otherwise a byte at a time.
    let n = a.len();
    if n.wrapping_sub(4) <= 4 {
        let last = n.wrapping_sub(4);
        if let (Some(&[a0, a1, a2, a3]), Some(&[a4, a5, a6, a7])) = (a.get(..4), a.get(last..)) {
            if let (Some(&[b0, b1, b2, b3]), Some(&[b4, b5, b6, b7])) = (b.get(..4), b.get(last..))
            {
                return u32::from_le_bytes([a0, a1, a2, a3])
                    == u32::from_le_bytes([b0, b1, b2, b3])
                    && u32::from_le_bytes([a4, a5, a6, a7])
                        == u32::from_le_bytes([b4, b5, b6, b7]);
            }
        }
    }
    a.iter().zip(b).all(|(x, y)| x == y)
}

/// [`same_bytes`] four bytes at a time for slices of more than eight bytes (the last word
/// overlapping the one before): for the echo of a line of any length (`same_bytes` compares
/// those a byte at a time, 6 to 8 instructions a byte). For cat1-client's classification only
/// (`Framer::classify_other`): `same_bytes` keeps the framer's flash.
#[inline(always)]
pub(crate) fn same_words(a: &[u8], b: &[u8]) -> bool {
    match a.len().checked_sub(4) {
        Some(last) if last > 4 => a.len() == b.len() && words_up_to(a, b, last),
        _ => same_bytes(a, b),
    }
}

/// Whether the words of `a` and `b` at `0, 4, 8, ...` and at `last` (overlapping the one
/// before) are equal: `a[..last + 4] == b[..last + 4]`, four bytes a step; `false` when
/// either is shorter.
#[inline(always)]
pub(crate) fn words_up_to(a: &[u8], b: &[u8], last: usize) -> bool {
    let mut at: usize = 0;
    loop {
        let at_word = at.min(last);
        let (Some(x), Some(y)) = (
            a.get(at_word..).and_then(<[u8]>::first_chunk::<4>),
            b.get(at_word..).and_then(<[u8]>::first_chunk::<4>),
        ) else {
            return false;
        };
        if u32::from_le_bytes(*x) != u32::from_le_bytes(*y) {
            return false;
        }
        if at_word == last {
            return true;
        }
        at = at_word.wrapping_add(4);
    }
}

/// Bit 7 set in the bytes of `word` that are below `n` (at most 128), in a few operations for
/// four bytes: the classic test. Exact for the first such byte (the lowest), which is what is
/// used: a borrow only comes from a byte below `n`, so only bytes after it may be marked wrongly.
#[inline(always)]
const fn bytes_below(word: u32, n: u8) -> u32 {
    word.wrapping_sub(n as u32 * 0x0101_0101) & !word & 0x8080_8080
}

/// [`bytes_below`] CR + 1 of a chunk's last word, overlapping the word before it: its first
/// (low) bytes were taken already, so none of them is below CR + 1, and such a byte neither is
/// marked nor borrows from the byte after it. So the lowest mark is exact and falls on a new
/// byte without a mask of the new bytes (its shift cost `Framer::scan_line` about 5
/// instructions a last word; `scan_plain` keeps it, see `scan_after`; the masked form is kept
/// in the tests, a proptest compares them).
#[inline(always)]
const fn tail_below(word: u32) -> u32 {
    bytes_below(word, b'\r' + 1)
}

fn is_line_end(b: &u8) -> bool {
    *b == b'\r' || *b == b'\n'
}

/// `input` after one CR LF at its start, if there is one: usually what ends the line before
/// (or a blank line), tested as a halfword.
#[inline(always)]
pub(crate) fn after_crlf(input: &[u8]) -> &[u8] {
    if let [c, l, ref tail @ ..] = *input {
        if u16::from_le_bytes([c, l]) == u16::from_le_bytes(*b"\r\n") {
            return tail;
        }
    }
    input
}

/// `input` after the line ends at its start (empty lines, a storm of them).
#[inline(always)]
pub(crate) fn after_line_ends(mut input: &[u8]) -> &[u8] {
    while let [b'\r' | b'\n', tail @ ..] = input {
        input = tail;
    }
    input
}

impl<const N: usize> Default for LineBuffer<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> LineBuffer<N> {
    /// An empty buffer. `const`, so it can live in a `static`.
    pub const fn new() -> Self {
        LineBuffer {
            buf: [0; N],
            len: 0,
            gate: GATE_SHUT,
            _spare: 0,
            overflows: 0,
            bytes_dropped: 0,
        }
    }

    /// Feeds bytes. Returns the first line (or overflow) completed within `input` and the number
    /// of bytes consumed, or [`Status::Partial`] when all of `input` was taken in without
    /// completing one. Call again with the rest of the input.
    #[inline]
    pub fn feed(&mut self, input: &[u8]) -> Status<LineEvent<'_>> {
        match self.scan(input) {
            Scan::Line(len, consumed) => {
                Status::Complete(LineEvent::Line(self.line(len)), consumed)
            }
            Scan::Partial => Status::Partial,
            Scan::Discard(from) => match self.discard(input, from) {
                Status::Complete(dropped, consumed) => {
                    Status::Complete(LineEvent::Overflow { dropped }, consumed)
                }
                Status::Partial => Status::Partial,
            },
        }
    }

    /// [`Self::feed`] up to an over-long line: the line completed, or everything taken in, or
    /// the input from which bytes are being dropped (see [`Self::discard`]).
    #[inline(always)]
    pub(crate) fn scan(&mut self, input: &[u8]) -> Scan {
        self.scan_with::<false>(input)
    }

    /// [`Self::scan`]; `SKIP`: the line ends at the start of a line skipped in a loop of their
    /// own first (the same result, state and bytes stored: a test compares them). (`SKIP` was
    /// the framer's general way; it now scans with [`Self::scan_dropping`], which the tests
    /// compare with this followed by [`Self::discard`].)
    #[inline(always)]
    pub(crate) fn scan_with<const SKIP: bool>(&mut self, input: &[u8]) -> Scan {
        // While discarding (`len` above `N`, beyond the buffer), the input is dropped from its
        // start (`discard`, called next, goes on counting from `len`). A dropped line's `len`
        // is always above `N`: it starts as the `N` bytes buffered and the first with no room.
        let mut end = self.len;
        if end > N {
            return Scan::Discard(0);
        }
        // One loop, a byte at a time, the usual byte (above CR) first: one test before it is
        // stored; a byte at or below CR is then a line end (which ends the line, or is skipped
        // at the start of a line: empty lines, the LF of a CR LF, a storm of them) or another
        // control byte, stored as any byte. (`scan_one_loop` in the tests tested for a line end
        // first: two compares a byte.) `i` moves past a stored byte after the store, at the end
        // of the loop: moved before the tests, LLVM copied both counters between registers at
        // every byte (and the code was 12 bytes longer). A byte at a time: lines are short, and
        // this keeps tiny copies from becoming memcpy calls. (Four at a time, as `scan_after`,
        // was 92 bytes more in cat1-client's binary for about 1.5 a byte: lines are short.)
        // `end` is at most `N`, and `i` at most `input.len()`: nothing wraps.
        // `SKIP`: at the start of a line, its line ends first (empty lines, the LF of a CR LF)
        // in a loop of their own, about 8 instructions a line end instead of 15 through the
        // loop below (cat1-client's adapters, the framer's general way: 0.5 to 0.9 a byte;
        // `feed`, issue 2's framer, keeps its flash: 24 bytes).
        let mut i: usize = 0;
        if SKIP && end == 0 {
            while input.get(i).is_some_and(is_line_end) {
                i = i.wrapping_add(1);
            }
        }
        loop {
            let Some(&b) = input.get(i) else {
                self.len = end;
                return Scan::Partial;
            };
            if b <= b'\r' && is_line_end(&b) {
                i = i.wrapping_add(1);
                if end == 0 {
                    continue;
                }
                self.len = 0;
                return Scan::Line(end, i);
            }
            let Some(slot) = self.buf.get_mut(end) else {
                // No room for this byte: the line overflows (counted by `discard`, which every
                // caller of `scan` calls next) from it on.
                self.len = end;
                return Scan::Discard(i);
            };
            *slot = b;
            end = end.wrapping_add(1);
            i = i.wrapping_add(1);
        }
    }

    /// [`Self::scan_with`] (`SKIP`) followed by [`Self::discard`] where it says `Discard`, in one
    /// walk: a byte with no room for it is counted as dropped where it comes (the buffered ones
    /// with the first), and the line's end reports the whole line (`Taken::Overflow`). The same
    /// results, bytes stored, counts and state between calls (a line being dropped left as
    /// `discard` leaves it, its length so far above `N`), so that every other way goes on from
    /// it as before (a test compares them). For the framer's general way (cat1-client's
    /// chunks), where `discard` inlined was about 150 bytes of flash.
    ///
    /// Starts at byte `from` of `input`: the caller skips the line ends at the start of a line
    /// (when nothing is pending, [`Self::pending_len`] 0) and gives the bytes skipped, so that
    /// no line end comes at a line's start here (the general way skips them once for the
    /// handshake reply and this). The bytes consumed are counted from the start of `input`.
    #[inline(always)]
    pub(crate) fn scan_dropping(&mut self, input: &[u8], from: usize) -> Taken {
        // The line's length so far, dropped bytes included (beyond `N` while it is dropped).
        let mut end = self.len;
        let mut i = from;
        loop {
            let Some(&b) = input.get(i) else {
                self.len = end;
                return Taken::Partial;
            };
            // At most `input.len()`: nothing wraps.
            i = i.wrapping_add(1);
            // A line end: never at a line's start here (the line ends there were skipped
            // above, and every byte after them makes the line longer, stored or dropped).
            if b <= b'\r' && is_line_end(&b) {
                self.len = 0;
                if end > N {
                    return Taken::Overflow(end, i);
                }
                return Taken::Line(end, i);
            }
            if let Some(slot) = self.buf.get_mut(end) {
                *slot = b;
                // Below `N` here: a plain add.
                end = end.wrapping_add(1);
            } else {
                // The line overflows at its first byte with no room: the bytes buffered are
                // dropped with it (counted once, here). Dropped bytes counted by a plain add,
                // as `discard` counts them.
                if end == N {
                    self.overflows = self.overflows.saturating_add(1);
                    self.bytes_dropped = self.bytes_dropped.wrapping_add(N as u64);
                }
                self.bytes_dropped = self.bytes_dropped.wrapping_add(1);
                end = end.saturating_add(1);
            }
        }
    }

    /// [`Self::scan`] for the framer's fast path: stores the bytes above CR (four at a time) and
    /// completes a line at a line end, taking the LF of a CR LF with it; stops, without taking
    /// it, at any other byte (a control byte), at a byte with no room for it, or while
    /// discarding (`Scan::Discard` with the bytes of `input` taken in before it, state updated
    /// up to there: the caller hands the rest to the general path).
    #[inline(always)]
    pub(crate) fn scan_plain(&mut self, input: &[u8]) -> Scan {
        let rest = if self.len == 0 {
            after_line_ends(after_crlf(input))
        } else {
            input
        };
        self.scan_after::<false>(input.len(), rest)
    }

    /// [`Self::scan_plain`] past the line ends it skips at the start of a line: `rest` is the
    /// end of an input of `input_len` bytes (the bytes before it skipped).
    ///
    /// `COUNTED`: the words counted before the loop (`chunks_exact`), 9 instructions a word
    /// instead of 11 for a few more at the start; the same result, bytes and state (a test
    /// compares them). `Framer::scan_line` (cat1-client's chunks) counts them: about 3,300
    /// instructions less a manual pass fed 64 bytes at a time. `scan_plain` (`feed` and the
    /// detached ways) does not: it cost the framer gate's short answers up to 10 instructions
    /// (CME fed 16 bytes at a time, 407 to 417), where the loop runs a word or two.
    #[inline(always)]
    pub(crate) fn scan_after<const COUNTED: bool>(
        &mut self,
        input_len: usize,
        rest: &[u8],
    ) -> Scan {
        let len = self.len;
        let skipped = input_len.wrapping_sub(rest.len());
        let Some(room) = self.buf.get_mut(len..) else {
            return Scan::Discard(skipped);
        };
        // The bytes that can be taken in: what fits, of what came.
        let limit = room.len().min(rest.len());
        let src = rest.get(..limit).unwrap_or_default();
        let dst = room.get_mut(..limit).unwrap_or_default();
        let mut taken: usize = 0;
        // Four bytes at a time (one load, one test, one store), up to the first that is CR or
        // below; the last (fewer than four) a byte at a time. A word is stored whole: bytes
        // after the one that stops the line land beyond it, where nothing reads them.
        'scan: {
            if COUNTED {
                // The words counted first (see above).
                for (s, d) in src.chunks_exact(4).zip(dst.chunks_exact_mut(4)) {
                    // As one `[u8; 4]` (not four bytes): one load, and one store.
                    let (Ok(four), Ok(slot)) =
                        (<[u8; 4]>::try_from(s), <&mut [u8; 4]>::try_from(d))
                    else {
                        break;
                    };
                    *slot = four;
                    let low = bytes_below(u32::from_le_bytes(four), b'\r' + 1);
                    if low != 0 {
                        // The first byte below: bytes are in memory order, the first the lowest.
                        taken = taken.wrapping_add((low.trailing_zeros() / 8) as usize);
                        break 'scan;
                    }
                    taken = taken.wrapping_add(4);
                }
            } else {
                // As one `[u8; 4]` (not four bytes): one load, and one store below.
                while let Some(&four) = src.get(taken..).and_then(<[u8]>::first_chunk::<4>) {
                    if let Some(slot) = dst.get_mut(taken..).and_then(<[u8]>::first_chunk_mut::<4>)
                    {
                        *slot = four;
                    }
                    let low = bytes_below(u32::from_le_bytes(four), b'\r' + 1);
                    if low != 0 {
                        // The first byte below: bytes are in memory order, the first the lowest.
                        taken = taken.wrapping_add((low.trailing_zeros() / 8) as usize);
                        break 'scan;
                    }
                    taken = taken.wrapping_add(4);
                }
            }
            // Fewer than four left: the last four bytes, when there are four, as one word
            // (the first of them taken already: see `tail_below`).
            let last = limit.wrapping_sub(4);
            if let (Some(&four), Some(slot)) = (
                src.get(last..).and_then(<[u8]>::first_chunk::<4>),
                dst.get_mut(last..).and_then(<[u8]>::first_chunk_mut::<4>),
            ) {
                if taken != limit {
                    let word = u32::from_le_bytes(four);
                    *slot = four;
                    let low = if COUNTED {
                        tail_below(word)
                    } else {
                        // `scan_plain` keeps the mask of the new bytes (`limit - taken`, 1 to
                        // 3, the high ones): without it LLVM laid `qemu/`'s gate out anew, its
                        // CSQ 2 instructions up fed 16 and 64 bytes at a time.
                        let new = u32::MAX << ((limit.wrapping_sub(taken).wrapping_neg() & 3) * 8);
                        bytes_below(word, b'\r' + 1) & new
                    };
                    taken = if low != 0 {
                        last.wrapping_add((low.trailing_zeros() / 8) as usize)
                    } else {
                        limit
                    };
                }
                break 'scan;
            }
            while let Some(&b) = src.get(taken) {
                if b <= b'\r' {
                    break;
                }
                if let Some(slot) = dst.get_mut(taken) {
                    *slot = b;
                }
                taken = taken.wrapping_add(1);
            }
        }
        // `len + taken` is at most `N`, `taken` at most `rest.len()`: nothing wraps.
        let end = len.wrapping_add(taken);
        let before = skipped.wrapping_add(taken);
        match rest.get(taken) {
            None => {
                self.len = end;
                Scan::Partial
            }
            // Not empty: the run of line ends was skipped, or the line had bytes already.
            Some(&b) if is_line_end(&b) && end != 0 => {
                self.len = 0;
                // The LF of a CR LF is taken with the line when it is there: it would only end
                // an empty line, which every later call skips (the same events), and the next
                // call starts at the next line.
                let lf = b == b'\r' && rest.get(taken.wrapping_add(1)) == Some(&b'\n');
                Scan::Line(end, before.wrapping_add(1).wrapping_add(usize::from(lf)))
            }
            Some(_) => {
                self.len = end;
                Scan::Discard(before)
            }
        }
    }

    /// The first `len` bytes of the buffer: the line [`Self::scan`] completed.
    #[inline(always)]
    pub(crate) fn line(&self, len: usize) -> &[u8] {
        // `len` is at most `N` (clamped all the same: no fallback to select, nothing to panic).
        self.buf.split_at(len.min(N)).0
    }

    /// Whether the buffer's first four bytes are `head` (a buffer shorter than four bytes: no).
    /// Past the end of a line shorter than four bytes, stale bytes of an earlier line: a hint
    /// only, for a test that looks at the line itself afterwards.
    #[inline(always)]
    pub(crate) fn starts_with(&self, head: [u8; 4]) -> bool {
        self.buf.first_chunk::<4>().is_some_and(|w| *w == head)
    }

    /// The first byte of the buffer: of the line [`Self::scan`] completed, which is never empty
    /// (no length test: the buffer's own length is known).
    #[inline(always)]
    pub(crate) fn first_byte(&self) -> u8 {
        self.buf.first().copied().unwrap_or(0)
    }

    /// Byte `k` of the buffer (0 beyond it): of the line pending when `k` is below
    /// [`Self::pending_len`].
    #[inline(always)]
    pub(crate) fn byte_at(&self, k: usize) -> u8 {
        self.buf.get(k).copied().unwrap_or(0)
    }

    /// Whether the line [`Self::scan`] completed, `len` bytes long, is `OK`.
    #[inline(always)]
    pub(crate) fn line_is_ok(&self, len: usize) -> bool {
        // Compared as a halfword, not byte by byte.
        let ok = u16::from_le_bytes(*b"OK");
        len == 2
            && matches!(self.buf.first_chunk::<2>(), Some(line) if u16::from_le_bytes(*line) == ok)
    }

    /// Drops `input` from byte `from` on, up to the first line end, as part of an over-long line
    /// (after [`Self::scan`] said so: when the line is not being dropped yet, it overflows here,
    /// with what is already buffered). Returns the length of the whole line and the bytes of
    /// `input` consumed when its end is there.
    // Cold, but left to LLVM to inline: in a firmware that feeds only through the framer's
    // general way (`Framer::feed_lines`, its one caller there) it is inlined, with no call and
    // no `Status` through memory (cat1-client's binary 44 bytes less, stack 8 less).
    #[cold]
    pub(crate) fn discard(&mut self, input: &[u8], from: usize) -> Status<usize> {
        // The line's bytes dropped before this input, and those of them not counted yet (the
        // buffered ones, when the line overflows now).
        let held = self.len;
        let buffered = if held > N {
            0
        } else {
            self.overflows = self.overflows.saturating_add(1);
            held
        };
        let rest = input.get(from..).unwrap_or(&[]);
        // The bytes up to the line end, or all: counted once for both outcomes (an `Option`
        // from `position` had LLVM copy the counting into each).
        let dropped = rest.iter().take_while(|b| !is_line_end(b)).count();
        let newly = buffered.saturating_add(dropped);
        // A plain (wrapping) add, as the SDP decoder counts its garbage: the bytes fed cannot
        // reach 2^64 (`newly` counts bytes of input and of the buffer), so no run counts
        // otherwise; the 32-bit counts stay saturating (client `.text` -16 bytes, client-async
        // -16: the carry chain and its two selects).
        self.bytes_dropped = self.bytes_dropped.wrapping_add(newly as u64);
        let whole = held.saturating_add(dropped);
        if dropped >= rest.len() {
            // Above `N` (a dropped line's length): called only after `scan`'s `Discard`, with
            // the line full (`N` held, and the byte with no room among those dropped) or
            // dropped already.
            self.len = whole;
            return Status::Partial;
        }
        self.len = 0;
        // Bounded by the input's length: nothing wraps.
        Status::Complete(whole, from.wrapping_add(dropped).wrapping_add(1))
    }

    /// Bytes of the line being assembled, or, above `N`, of the over-long line being dropped
    /// (never 0 then, nor a length [`Self::end_line`] or [`Self::push_fast`] takes).
    #[inline(always)]
    pub(crate) fn pending_len(&self) -> usize {
        self.len
    }

    /// Stores a byte that is not a line end at `len` (which is [`Self::pending_len`]) when there
    /// is room; `false` when there is not (or while discarding), and nothing changed.
    #[inline(always)]
    pub(crate) fn push_fast(&mut self, b: u8, len: usize) -> bool {
        match self.buf.get_mut(len) {
            Some(slot) => {
                *slot = b;
                self.len = len.wrapping_add(1);
                true
            }
            None => false,
        }
    }

    /// A line end arrived with `len` (which is [`Self::pending_len`], not 0) bytes pending:
    /// the line is complete ([`Self::line`]) unless they are being discarded (`None`, nothing
    /// changed).
    #[inline(always)]
    pub(crate) fn end_line(&mut self, len: usize) -> Option<usize> {
        if len <= N {
            self.len = 0;
            Some(len)
        } else {
            None
        }
    }

    /// Whether the gate lets `b` through to [`Self::push_fast`] (see `gate`): one `tst`, the
    /// gate loaded with `len` (one `ldrd`).
    #[inline(always)]
    pub(crate) fn gate_passes(&self, b: u8) -> bool {
        usize::from(b) & self.gate != 0
    }

    /// Sets the gate: [`GATE_OPEN`] or [`GATE_SHUT`].
    #[inline(always)]
    pub(crate) fn set_gate(&mut self, gate: usize) {
        self.gate = gate;
    }

    /// The bytes of the line being assembled (not yet ended). Empty while discarding.
    pub fn pending(&self) -> &[u8] {
        self.buf.get(..self.len).unwrap_or(&[])
    }

    /// Ends the line being assembled without a line end: its bytes ([`Self::pending`], readable
    /// until the next byte is stored), or, for an over-long line being dropped, how many of its
    /// bytes were dropped (already in the counters), as the line's end would have reported it.
    pub fn take_pending(&mut self) -> Pending<'_> {
        let n = self.len;
        self.len = 0;
        if n > N {
            return Pending::Dropped(n);
        }
        Pending::Bytes(self.buf.get(..n).unwrap_or(&[]))
    }

    /// Forgets the line being assembled (it was consumed some other way, e.g. the `+ok` of the
    /// handshake, which arrives without a line end).
    pub fn clear_pending(&mut self) {
        if self.len <= N {
            self.len = 0;
        }
    }

    /// [`Self::clear_pending`] where the line is known not to be discarded.
    #[inline(always)]
    pub(crate) fn forget_pending(&mut self) {
        self.len = 0;
    }

    /// Whether an over-long line is being discarded.
    pub fn is_discarding(&self) -> bool {
        self.len > N
    }

    /// Lines that overflowed the buffer so far.
    pub fn overflows(&self) -> u32 {
        self.overflows
    }

    /// Bytes dropped with over-long lines so far (counted as they are dropped, so a line that has
    /// not ended yet is already included).
    pub fn bytes_dropped(&self) -> u64 {
        self.bytes_dropped
    }

    /// Capacity in bytes: the longest line that is kept.
    pub const fn capacity(&self) -> usize {
        N
    }
}

/// A helper of the differential tests that feed any chunking.
#[cfg(test)]
pub(crate) mod chunks {
    extern crate std;
    use std::vec::Vec;

    /// `bytes` cut at `cuts` (each capped at its length, in any order) into chunks.
    pub(crate) fn cut_at(bytes: &[u8], cuts: Vec<usize>) -> Vec<&[u8]> {
        let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(bytes.len())).collect();
        cuts.extend([0, bytes.len()]);
        cuts.sort_unstable();
        cuts.windows(2).map(|w| &bytes[w[0]..w[1]]).collect()
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;

    /// `take_pending` ends the line being assembled: its bytes, nothing, or an over-long line's
    /// dropped bytes (counted once, when dropped); the next line starts afresh either way.
    #[test]
    fn take_pending_ends_a_line_or_a_drop() {
        let mut lb = LineBuffer::<8>::new();
        assert_eq!(lb.take_pending(), Pending::Bytes(b""));
        assert!(lines(&mut lb, b"abc").is_empty());
        assert_eq!(lb.take_pending(), Pending::Bytes(b"abc"));
        assert_eq!(lb.pending(), b"");
        assert!(lines(&mut lb, b"0123456789ab").is_empty());
        assert!(lb.is_discarding());
        assert_eq!(lb.take_pending(), Pending::Dropped(12));
        assert!(!lb.is_discarding());
        assert_eq!((lb.overflows(), lb.bytes_dropped()), (1, 12));
        // The next line is whole, and nothing more is counted.
        assert_eq!(lines(&mut lb, b"cd\r\n"), [&b"cd"[..]]);
        assert_eq!((lb.overflows(), lb.bytes_dropped()), (1, 12));
    }
    use std::vec::Vec;

    fn lines<const N: usize>(lb: &mut LineBuffer<N>, mut input: &[u8]) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        while let Status::Complete(ev, n) = lb.feed(input) {
            match ev {
                LineEvent::Line(l) => out.push(l.to_vec()),
                LineEvent::Overflow { dropped } => out.push(std::format!("<{dropped}>").into()),
            }
            input = &input[n..];
        }
        out
    }

    #[test]
    fn same_bytes_is_equality() {
        let text = b"AT+CGDCONT=1,\"IP\"";
        for n in 0..text.len() {
            for m in 0..text.len() {
                let a = &text[..n];
                let mut b: Vec<u8> = text[..m].to_vec();
                assert_eq!(same_bytes(a, &b), a == &b[..]);
                assert_eq!(same_words(a, &b), a == &b[..]);
                for i in 0..m {
                    b[i] ^= 0x20;
                    assert_eq!(same_bytes(a, &b), a == &b[..], "{n} {m} {i}");
                    assert_eq!(same_words(a, &b), a == &b[..], "{n} {m} {i}");
                    b[i] ^= 0x20;
                }
            }
        }
    }

    /// What `scan_after` did after the line ends `scan_plain` skips: its result, the line it
    /// completed (or the pending bytes), and the buffer's state after.
    fn scanned<const COUNTED: bool>(
        pending: &[u8],
        input: &[u8],
    ) -> (std::string::String, Vec<u8>, usize) {
        let mut lb = LineBuffer::<16>::new();
        // A line pending (or one being dropped) first, as an earlier chunk leaves it.
        let _ = lines(&mut lb, pending);
        let rest = if lb.len == 0 {
            after_line_ends(after_crlf(input))
        } else {
            input
        };
        let scan = match lb.scan_after::<COUNTED>(input.len(), rest) {
            Scan::Line(len, used) => std::format!("line {len} {used} {:?}", lb.line(len)),
            Scan::Partial => std::format!("partial {:?}", lb.pending()),
            Scan::Discard(from) => std::format!("discard {from} {:?}", lb.pending()),
        };
        (scan, lb.buf.to_vec(), lb.len)
    }

    impl<const N: usize> LineBuffer<N> {
        /// `scan` as it was before its words (one loop, a byte at a time, each of its three
        /// ends where it is found): the reference of `scan_is_as_before`.
        fn scan_one_loop(&mut self, input: &[u8]) -> Scan {
            let mut end = self.len;
            if end > N {
                return Scan::Discard(0);
            }
            // One loop: each byte is looked at and stored once, each of the loop's three
            // ends where it is found. At the start of a line (nothing taken yet), line ends (empty
            // lines, the LF of a CR LF, a storm of them) are skipped. A byte at a time: lines are
            // short, and this keeps tiny copies from becoming memcpy calls. (For flash: a loop for
            // the line ends first, then one up to the shorter of the room and the input, then the
            // byte that ended it looked at again, was 40 bytes more: `scan_before` in the tests.)
            // `end` is at most `N`, and `i` at most `input.len()`: nothing wraps.
            let mut i: usize = 0;
            loop {
                let Some(&b) = input.get(i) else {
                    self.len = end;
                    return Scan::Partial;
                };
                i = i.wrapping_add(1);
                if is_line_end(&b) {
                    if end == 0 {
                        continue;
                    }
                    self.len = 0;
                    return Scan::Line(end, i);
                }
                let Some(slot) = self.buf.get_mut(end) else {
                    // No room for this byte: the line overflows (counted by `discard`, which every
                    // caller of `scan` calls next) from it on.
                    self.len = end;
                    return Scan::Discard(i.wrapping_sub(1));
                };
                *slot = b;
                end = end.wrapping_add(1);
            }
        }
    }

    impl<const N: usize> LineBuffer<N> {
        /// `scan` as it was before its one loop with three ends (a loop up to the shorter of
        /// the room and the input, then the byte that ended it looked at again): the
        /// reference of `scan_is_as_before`.
        fn scan_before(&mut self, input: &[u8]) -> Scan {
            // One pass: each byte is looked at and stored once. At the start of a line, a run of line
            // ends (empty lines, the LF of a CR LF, a storm of them) is skipped first.
            let len = self.len;
            let mut rest = input;
            if len == 0 {
                while let [b'\r' | b'\n', tail @ ..] = rest {
                    rest = tail;
                }
            }
            // `None` while discarding (`len` above `N`).
            let Some(room) = self.buf.get_mut(len..) else {
                return Scan::Discard(0);
            };
            // Scan and copy in one loop (a byte at a time: lines are short, and this keeps tiny
            // copies from becoming memcpy calls).
            let mut taken: usize = 0;
            for (slot, &b) in room.iter_mut().zip(rest) {
                if b <= b'\r' && is_line_end(&b) {
                    break;
                }
                *slot = b;
                taken = taken.wrapping_add(1);
            }
            // `len + taken` is at most `N`, `taken` at most `rest.len()`: nothing wraps.
            let end = len.wrapping_add(taken);
            // Bytes of `input` before the first one not taken in.
            let before = input.len().wrapping_sub(rest.len()).wrapping_add(taken);
            match rest.get(taken) {
                None => {
                    self.len = end;
                    Scan::Partial
                }
                Some(b) if is_line_end(b) => {
                    self.len = 0;
                    // Not empty: the run of line ends was skipped, or the line had bytes already.
                    Scan::Line(end, before.wrapping_add(1))
                }
                Some(_) => {
                    // No room for this byte: the line overflows (counted by `discard`, which every
                    // caller of `scan` calls next).
                    self.len = end;
                    Scan::Discard(before)
                }
            }
        }
    }

    /// A `Scan` as a tuple, to compare.
    fn scan_parts(scan: Scan) -> (u8, usize, usize) {
        match scan {
            Scan::Line(len, n) => (0, len, n),
            Scan::Partial => (1, 0, 0),
            Scan::Discard(from) => (2, from, 0),
        }
    }

    /// Two line buffers fed the same chunks, one through `scan`, one through `scan_before`
    /// (`ONE_LOOP`: `scan_one_loop`; `SKIP`: `scan_with::<true>` against it) (each `Discard`
    /// followed by `discard`, as every caller does), each chunk until it is taken in; the same
    /// results, pending line and counters at every step.
    fn scan_matches<const N: usize, const ONE_LOOP: bool, const SKIP: bool>(
        chunks: &[&[u8]],
    ) -> Result<(), std::string::String> {
        let (mut new, mut old) = (LineBuffer::<N>::new(), LineBuffer::<N>::new());
        for chunk in chunks {
            let mut rest: &[u8] = chunk;
            loop {
                let (a, b) = if ONE_LOOP {
                    (
                        scan_parts(if SKIP {
                            new.scan_with::<true>(rest)
                        } else {
                            new.scan(rest)
                        }),
                        scan_parts(old.scan_one_loop(rest)),
                    )
                } else {
                    (
                        scan_parts(new.scan(rest)),
                        scan_parts(old.scan_before(rest)),
                    )
                };
                if a != b {
                    return Err(std::format!("{a:?} != {b:?} for {rest:?}"));
                }
                let used = match a {
                    (0, len, n) => {
                        if new.line(len) != old.line(len) {
                            return Err(std::format!("line {len} differs"));
                        }
                        Some(n)
                    }
                    (2, from, _) => {
                        let (x, y) = (new.discard(rest, from), old.discard(rest, from));
                        if std::format!("{x:?}") != std::format!("{y:?}") {
                            return Err(std::format!("{x:?} != {y:?}"));
                        }
                        match x {
                            Status::Complete(_, n) => Some(n),
                            Status::Partial => None,
                        }
                    }
                    _ => None,
                };
                let state = |lb: &LineBuffer<N>| {
                    (
                        old_form(lb),
                        lb.overflows(),
                        lb.bytes_dropped(),
                        lb.buf.get(..lb.len.min(N)).map(<[u8]>::to_vec),
                    )
                };
                if state(&new) != state(&old) {
                    return Err(std::format!("{:?} != {:?}", state(&new), state(&old)));
                }
                match used {
                    Some(n) => rest = &rest[n..],
                    None => break,
                }
            }
        }
        Ok(())
    }

    /// Two line buffers fed the same chunks, one through `scan_dropping`, one through
    /// `scan_with::<true>` followed by `discard` where it says `Discard` (the general way's
    /// steps before `scan_dropping`), each chunk until it is taken in: the same results (a line
    /// and its bytes, an over-long line's length, the bytes consumed), and the same state
    /// (pending length or `DISCARDING`, the bytes dropped so far, as `old_form` gives them;
    /// the counts, the bytes stored) at every step, so that any other way goes on from it alike.
    fn dropping_matches<const N: usize>(chunks: &[&[u8]]) -> Result<(), std::string::String> {
        let (mut new, mut old) = (LineBuffer::<N>::new(), LineBuffer::<N>::new());
        let state = |lb: &LineBuffer<N>| {
            (
                old_form(lb),
                lb.overflows(),
                lb.bytes_dropped(),
                lb.buf.get(..lb.len.min(N)).map(<[u8]>::to_vec),
            )
        };
        for chunk in chunks {
            let mut rest: &[u8] = chunk;
            loop {
                let a = match new.scan_dropping(rest, skipped(&new, rest)) {
                    Taken::Line(len, n) => Some((0, new.line(len).to_vec(), len, n)),
                    Taken::Overflow(whole, n) => Some((1, std::vec::Vec::new(), whole, n)),
                    Taken::Partial => None,
                };
                let b = match old.scan_with::<true>(rest) {
                    Scan::Line(len, n) => Some((0, old.line(len).to_vec(), len, n)),
                    Scan::Discard(from) => match old.discard(rest, from) {
                        Status::Complete(whole, n) => Some((1, std::vec::Vec::new(), whole, n)),
                        Status::Partial => None,
                    },
                    Scan::Partial => None,
                };
                if a != b {
                    return Err(std::format!("{a:?} != {b:?} for {rest:?}"));
                }
                if state(&new) != state(&old) {
                    return Err(std::format!("{:?} != {:?}", state(&new), state(&old)));
                }
                match a {
                    Some((_, _, _, n)) => rest = &rest[n..],
                    None => break,
                }
            }
        }
        Ok(())
    }

    /// The state as the line layer kept it before its one length (round 25): the pending
    /// length or `DISCARDING` (`usize::MAX`), and the bytes dropped so far of a line being
    /// dropped apart (0 otherwise). The tests that compared those fields compare these.
    fn old_form<const N: usize>(lb: &LineBuffer<N>) -> (usize, usize) {
        if lb.len > N {
            (old::DISCARDING, lb.len)
        } else {
            (lb.len, 0)
        }
    }

    /// The line layer's state and ways as they were before its state was one length (a marker,
    /// `DISCARDING`, and the bytes dropped so far apart): the reference of
    /// `one_length_is_the_marker_and_count`.
    mod old {
        use super::super::{Pending, Scan, Status, Taken, is_line_end};

        pub(super) const DISCARDING: usize = usize::MAX;

        pub(super) struct LineBuffer<const N: usize> {
            pub(super) buf: [u8; N],
            pub(super) len: usize,
            pub(super) discarding: usize,
            pub(super) overflows: u32,
            pub(super) bytes_dropped: u64,
        }

        impl<const N: usize> LineBuffer<N> {
            pub(super) fn new() -> Self {
                LineBuffer {
                    buf: [0; N],
                    len: 0,
                    discarding: 0,
                    overflows: 0,
                    bytes_dropped: 0,
                }
            }

            pub(super) fn scan_with<const SKIP: bool>(&mut self, input: &[u8]) -> Scan {
                let mut end = self.len;
                if end == DISCARDING {
                    return Scan::Discard(0);
                }
                let mut i: usize = 0;
                if SKIP && end == 0 {
                    while input.get(i).is_some_and(is_line_end) {
                        i += 1;
                    }
                }
                loop {
                    let Some(&b) = input.get(i) else {
                        self.len = end;
                        return Scan::Partial;
                    };
                    if b <= b'\r' && is_line_end(&b) {
                        i += 1;
                        if end == 0 {
                            continue;
                        }
                        self.len = 0;
                        return Scan::Line(end, i);
                    }
                    let Some(slot) = self.buf.get_mut(end) else {
                        self.len = end;
                        return Scan::Discard(i);
                    };
                    *slot = b;
                    end += 1;
                    i += 1;
                }
            }

            pub(super) fn scan_dropping(&mut self, input: &[u8], from: usize) -> Taken {
                let mut end = self.len;
                if end == DISCARDING {
                    end = self.discarding;
                }
                let mut i = from;
                loop {
                    let Some(&b) = input.get(i) else {
                        if end > N {
                            self.len = DISCARDING;
                            self.discarding = end;
                        } else {
                            self.len = end;
                        }
                        return Taken::Partial;
                    };
                    i += 1;
                    if b <= b'\r' && is_line_end(&b) {
                        self.len = 0;
                        if end > N {
                            self.discarding = 0;
                            return Taken::Overflow(end, i);
                        }
                        return Taken::Line(end, i);
                    }
                    if let Some(slot) = self.buf.get_mut(end) {
                        *slot = b;
                        end += 1;
                    } else {
                        if end == N {
                            self.overflows = self.overflows.saturating_add(1);
                            self.bytes_dropped = self.bytes_dropped.wrapping_add(N as u64);
                        }
                        self.bytes_dropped = self.bytes_dropped.wrapping_add(1);
                        end = end.saturating_add(1);
                    }
                }
            }

            pub(super) fn discard(&mut self, input: &[u8], from: usize) -> Status<usize> {
                let (held, buffered) = if self.len == DISCARDING {
                    (self.discarding, 0)
                } else {
                    self.overflows = self.overflows.saturating_add(1);
                    (self.len, self.len)
                };
                let rest = input.get(from..).unwrap_or(&[]);
                let dropped = rest.iter().take_while(|b| !is_line_end(b)).count();
                let newly = buffered.saturating_add(dropped);
                self.bytes_dropped = self.bytes_dropped.wrapping_add(newly as u64);
                let whole = held.saturating_add(dropped);
                if dropped >= rest.len() {
                    self.discarding = whole;
                    self.len = DISCARDING;
                    return Status::Partial;
                }
                self.len = 0;
                self.discarding = 0;
                Status::Complete(whole, from + dropped + 1)
            }

            pub(super) fn push_fast(&mut self, b: u8, len: usize) -> bool {
                match self.buf.get_mut(len) {
                    Some(slot) => {
                        *slot = b;
                        self.len = len + 1;
                        true
                    }
                    None => false,
                }
            }

            pub(super) fn end_line(&mut self, len: usize) -> Option<usize> {
                if len <= N {
                    self.len = 0;
                    Some(len)
                } else {
                    None
                }
            }

            pub(super) fn pending(&self) -> &[u8] {
                self.buf.get(..self.len).unwrap_or(&[])
            }

            pub(super) fn take_pending(&mut self) -> Pending<'_> {
                let n = self.len;
                let dropped = self.discarding;
                self.len = 0;
                self.discarding = 0;
                if n == DISCARDING {
                    return Pending::Dropped(dropped);
                }
                Pending::Bytes(self.buf.get(..n).unwrap_or(&[]))
            }

            pub(super) fn clear_pending(&mut self) {
                if self.len != DISCARDING {
                    self.len = 0;
                }
            }

            pub(super) fn is_discarding(&self) -> bool {
                self.len == DISCARDING
            }
        }
    }

    /// The same steps on the line layer and on `old::LineBuffer`, chosen by `ops` (a step a
    /// number: 0 `scan` and `discard` as every caller of `scan` does, 1 `scan_dropping` after
    /// the line ends it expects skipped, 2 `take_pending`, 3 `clear_pending`, 4 a byte stored by
    /// `push_fast` at `pending_len`, 5 a line end through `end_line` at `pending_len` (as the
    /// framer's one-byte paths do), the input taken from `bytes` a chunk of up to 5 bytes a
    /// step): the same results and the same state after every step, the old marker and count
    /// read from the one length by `old_form`, and the pending bytes, `is_discarding`,
    /// `pending_len` (the marker while dropping: above `N` either way, never 0), `overflows`
    /// and `bytes_dropped`.
    fn one_length_matches<const N: usize>(
        bytes: &[u8],
        ops: &[(u8, usize)],
    ) -> Result<(), std::string::String> {
        one_length_matches_from::<N>(bytes, ops, None)
    }

    /// [`one_length_matches`] from a line being dropped `start` bytes long so far.
    fn one_length_matches_from<const N: usize>(
        bytes: &[u8],
        ops: &[(u8, usize)],
        start: Option<usize>,
    ) -> Result<(), std::string::String> {
        let (mut new, mut old) = (LineBuffer::<N>::new(), old::LineBuffer::<N>::new());
        if let Some(d) = start {
            new.len = d;
            old.len = old::DISCARDING;
            old.discarding = d;
        }
        let mut at = 0;
        for &(op, take) in ops {
            let input = bytes.get(at..).unwrap_or(&[]);
            let input = &input[..take.min(input.len())];
            at += input.len();
            let mut rest = input;
            let (a, b) = match op % 6 {
                0 => {
                    loop {
                        let (x, y) = (
                            scan_parts(new.scan(rest)),
                            scan_parts(old.scan_with::<false>(rest)),
                        );
                        if x != y {
                            return Err(std::format!("scan {x:?} != {y:?} for {rest:?}"));
                        }
                        let used = match x {
                            (0, len, n) => {
                                if new.line(len) != &old.buf[..len] {
                                    return Err(std::format!("line {len} differs"));
                                }
                                Some(n)
                            }
                            (2, from, _) => {
                                let (p, q) = (new.discard(rest, from), old.discard(rest, from));
                                if std::format!("{p:?}") != std::format!("{q:?}") {
                                    return Err(std::format!("discard {p:?} != {q:?}"));
                                }
                                match p {
                                    Status::Complete(_, n) => Some(n),
                                    Status::Partial => None,
                                }
                            }
                            _ => None,
                        };
                        match used {
                            Some(n) => rest = &rest[n..],
                            None => break,
                        }
                    }
                    (std::string::String::new(), std::string::String::new())
                }
                1 => {
                    loop {
                        let from = skipped(&new, rest);
                        let from_old = if old.len == 0 {
                            rest.iter().take_while(|b| is_line_end(b)).count()
                        } else {
                            0
                        };
                        let parts = |t: Taken| match t {
                            Taken::Line(len, n) => (0, len, n),
                            Taken::Overflow(whole, n) => (1, whole, n),
                            Taken::Partial => (2, 0, 0),
                        };
                        let x = parts(new.scan_dropping(rest, from));
                        let y = parts(old.scan_dropping(rest, from_old));
                        if x != y {
                            return Err(std::format!("scan_dropping {x:?} != {y:?} for {rest:?}"));
                        }
                        match x {
                            (0, len, n) => {
                                if new.line(len) != &old.buf[..len] {
                                    return Err(std::format!("line {len} differs"));
                                }
                                rest = &rest[n..];
                            }
                            (1, _, n) => rest = &rest[n..],
                            _ => break,
                        }
                    }
                    (std::string::String::new(), std::string::String::new())
                }
                2 => (
                    std::format!("{:?}", new.take_pending()),
                    std::format!("{:?}", old.take_pending()),
                ),
                3 => {
                    new.clear_pending();
                    old.clear_pending();
                    (std::string::String::new(), std::string::String::new())
                }
                4 => {
                    let b = input.first().copied().unwrap_or(b'x');
                    let (l, k) = (new.pending_len(), old.len);
                    (
                        std::format!("{}", !is_line_end(&b) && new.push_fast(b, l)),
                        std::format!("{}", !is_line_end(&b) && old.push_fast(b, k)),
                    )
                }
                _ => {
                    let (l, k) = (new.pending_len(), old.len);
                    (
                        std::format!("{:?}", (l != 0).then(|| new.end_line(l)).flatten()),
                        std::format!("{:?}", (k != 0).then(|| old.end_line(k)).flatten()),
                    )
                }
            };
            if a != b {
                return Err(std::format!("op {op}: {a} != {b}"));
            }
            let state_new = (
                old_form(&new),
                new.pending().to_vec(),
                new.is_discarding(),
                new.pending_len() > N,
                new.pending_len() == 0,
                new.overflows(),
                new.bytes_dropped(),
                new.buf.to_vec(),
            );
            let state_old = (
                (old.len, old.discarding),
                old.pending().to_vec(),
                old.is_discarding(),
                old.len > N,
                old.len == 0,
                old.overflows,
                old.bytes_dropped,
                old.buf.to_vec(),
            );
            if state_new != state_old {
                return Err(std::format!("op {op}: {state_new:?} != {state_old:?}"));
            }
        }
        Ok(())
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4096))]

        /// The line layer's one length gives what the marker and the count apart gave
        /// (`one_length_matches`) on any steps of its ways, with buffers of 0, 1, 2, 4 and 16
        /// bytes (over-long lines dropped across steps and ended by each way).
        #[test]
        fn one_length_is_the_marker_and_count(
            bytes in proptest::collection::vec(
                proptest::sample::select(&b"\r\n\r\nab\x00\x0c\x0e\xffcdefgh"[..]),
                0..64,
            ),
            ops in proptest::collection::vec((0u8..6, 0usize..6), 0..24),
        ) {
            proptest::prop_assert_eq!(one_length_matches::<0>(&bytes, &ops), Ok(()));
            proptest::prop_assert_eq!(one_length_matches::<1>(&bytes, &ops), Ok(()));
            proptest::prop_assert_eq!(one_length_matches::<2>(&bytes, &ops), Ok(()));
            proptest::prop_assert_eq!(one_length_matches::<4>(&bytes, &ops), Ok(()));
            proptest::prop_assert_eq!(one_length_matches::<16>(&bytes, &ops), Ok(()));
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4096))]
        /// The same differential from a dropped line near the saturation limit
        /// (a 2^32-byte line on a 32-bit target, `usize::MAX` here) and just past `N`.
        #[test]
        fn one_length_near_the_limits_is_the_marker_and_count(
            bytes in proptest::collection::vec(
                proptest::sample::select(&b"\r\n\r\nab\x00\x0c\x0e\xffcdefgh"[..]),
                0..64,
            ),
            ops in proptest::collection::vec((0u8..6, 0usize..6), 0..24),
            back in 0usize..8,
        ) {
            let top = usize::MAX - back;
            let u32top = (u32::MAX as usize).wrapping_sub(back);
            for s in [top, u32top, (u16::MAX as usize) - back] {
                proptest::prop_assert_eq!(one_length_matches_from::<0>(&bytes, &ops, Some(s)), Ok(()));
                proptest::prop_assert_eq!(one_length_matches_from::<1>(&bytes, &ops, Some(s)), Ok(()));
                proptest::prop_assert_eq!(one_length_matches_from::<4>(&bytes, &ops, Some(s)), Ok(()));
                proptest::prop_assert_eq!(one_length_matches_from::<16>(&bytes, &ops, Some(s)), Ok(()));
            }
            proptest::prop_assert_eq!(one_length_matches_from::<0>(&bytes, &ops, Some(1 + back)), Ok(()));
            proptest::prop_assert_eq!(one_length_matches_from::<4>(&bytes, &ops, Some(5 + back)), Ok(()));
            proptest::prop_assert_eq!(one_length_matches_from::<16>(&bytes, &ops, Some(17 + back)), Ok(()));
        }
    }

    /// A line dropped at the saturation limit stays dropped and is reported whole
    /// (`usize::MAX`), the next line taken afresh; through `feed`.
    #[test]
    fn a_saturated_drop_is_never_a_line() {
        let mut lb = LineBuffer::<4>::new();
        lb.len = usize::MAX - 2;
        assert!(lb.is_discarding());
        assert_eq!(lb.feed(b"abcdefgh"), Status::Partial);
        assert_eq!(lb.len, usize::MAX);
        assert!(lb.pending().is_empty());
        assert_eq!(
            lb.feed(b"xy\r"),
            Status::Complete(
                LineEvent::Overflow {
                    dropped: usize::MAX
                },
                3
            )
        );
        assert_eq!(
            lb.feed(b"ok\r"),
            Status::Complete(LineEvent::Line(b"ok"), 3)
        );
        lb.len = usize::MAX - 1;
        assert_eq!(lb.take_pending(), Pending::Dropped(usize::MAX - 1));
        lb.len = usize::MAX - 1;
        let t = lb.scan_dropping(b"zzzz", 0);
        assert!(matches!(t, Taken::Partial));
        assert_eq!(lb.len, usize::MAX);
        assert!(matches!(
            lb.scan_dropping(b"\n", 0),
            Taken::Overflow(usize::MAX, 1)
        ));
    }

    /// The line ends at the start of `input` when no line is pending: what the general way
    /// skips before `scan_dropping` (its `from`).
    fn skipped<const N: usize>(lb: &LineBuffer<N>, input: &[u8]) -> usize {
        if lb.len != 0 {
            return 0;
        }
        input.iter().take_while(|b| is_line_end(b)).count()
    }

    /// [`dropping_matches`] with buffers of 0, 1, 4 and 16 bytes.
    fn dropping_matches_all(chunks: &[&[u8]]) -> Result<(), std::string::String> {
        dropping_matches::<0>(chunks)?;
        dropping_matches::<1>(chunks)?;
        dropping_matches::<4>(chunks)?;
        dropping_matches::<16>(chunks)
    }

    /// `scan_dropping` on lines that overflow a buffer of 4 bytes by one byte and more (and
    /// buffers of 0, 1 and 16), in one chunk and byte by byte, a line end after each: what
    /// `scan_with` and `discard` give.
    #[test]
    fn scan_dropping_drops_as_discard_did() {
        let bytes: &[u8] = b"abcd\rabcde\r\nabcdefghij\n\r\nxy\rabcdefgh";
        assert_eq!(dropping_matches_all(&[bytes]), Ok(()));
        let one_by_one: std::vec::Vec<&[u8]> = bytes.chunks(1).collect();
        assert_eq!(dropping_matches_all(&one_by_one), Ok(()));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4096))]

        /// `scan_dropping` gives what `scan_with::<true>` and `discard` gave
        /// (`dropping_matches`), for line ends, control bytes and text in any chunking, with
        /// buffers short enough to overflow (none, one byte, a line of exactly the room).
        #[test]
        fn scan_dropping_is_scan_and_discard(
            bytes in proptest::collection::vec(
                proptest::sample::select(&b"\r\n\r\nab\x00\x0c\x0e\xffcdefgh"[..]),
                0..48,
            ),
            cuts in proptest::collection::vec(0usize..48, 0..8),
        ) {
            let chunks = chunks::cut_at(&bytes, cuts);
            proptest::prop_assert_eq!(dropping_matches_all(&chunks), Ok(()));
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2048))]

        /// `scan` gives what `scan_before` gave, for line ends, control bytes and text in any
        /// chunking, with buffers short enough to overflow (a line of exactly the room
        /// included).
        #[test]
        fn scan_is_as_before(
            bytes in proptest::collection::vec(
                proptest::sample::select(&b"\r\n\r\nab\x00\x0c\x0e\xffcd"[..]),
                0..40,
            ),
            cuts in proptest::collection::vec(0usize..40, 0..6),
        ) {
            let chunks = chunks::cut_at(&bytes, cuts);
            proptest::prop_assert_eq!(scan_matches::<0, false, false>(&chunks), Ok(()));
            proptest::prop_assert_eq!(scan_matches::<1, false, false>(&chunks), Ok(()));
            proptest::prop_assert_eq!(scan_matches::<4, false, false>(&chunks), Ok(()));
            proptest::prop_assert_eq!(scan_matches::<16, false, false>(&chunks), Ok(()));
        }

        /// `scan` (the usual byte tested first, the index moved at the loop's end) gives what
        /// the one loop before it (`scan_one_loop`) gave: the same cases.
        #[test]
        fn scan_is_the_one_loop(
            bytes in proptest::collection::vec(
                proptest::sample::select(&b"\r\n\r\nab\x00\x0c\x0d\x0e\xffcd"[..]),
                0..40,
            ),
            cuts in proptest::collection::vec(0usize..40, 0..6),
        ) {
            let chunks = chunks::cut_at(&bytes, cuts);
            proptest::prop_assert_eq!(scan_matches::<0, true, false>(&chunks), Ok(()));
            proptest::prop_assert_eq!(scan_matches::<0, true, true>(&chunks), Ok(()));
            proptest::prop_assert_eq!(scan_matches::<1, true, false>(&chunks), Ok(()));
            proptest::prop_assert_eq!(scan_matches::<1, true, true>(&chunks), Ok(()));
            proptest::prop_assert_eq!(scan_matches::<4, true, false>(&chunks), Ok(()));
            proptest::prop_assert_eq!(scan_matches::<4, true, true>(&chunks), Ok(()));
            proptest::prop_assert_eq!(scan_matches::<16, true, false>(&chunks), Ok(()));
            proptest::prop_assert_eq!(scan_matches::<16, true, true>(&chunks), Ok(()));
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4096))]

        /// `scan_after` with its words counted first (`Framer::scan_line`'s) does what the
        /// loop `feed` keeps (`scan_plain`'s) does: the same result, the same bytes stored, the
        /// same state, from any line pending, in any input (control bytes, line ends anywhere,
        /// no room).
        #[test]
        fn counted_words_are_the_loop_feed_keeps(
            pending in proptest::collection::vec(
                proptest::sample::select(&b"AB+:\r\n\t\0"[..]), 0..24),
            input in proptest::collection::vec(
                proptest::sample::select(&b"AB+:\r\n\t\0"[..]), 0..40),
        ) {
            proptest::prop_assert_eq!(
                scanned::<true>(&pending, &input),
                scanned::<false>(&pending, &input)
            );
        }
    }

    /// The tail word's test before `tail_below`: the bytes not taken yet (`new`, 1 to 3, the
    /// high ones) masked.
    fn tail_below_masked(word: u32, new: usize) -> u32 {
        let mask = u32::MAX << ((new.wrapping_neg() & 3) * 8);
        bytes_below(word, b'\r' + 1) & mask
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(8192))]

        /// `tail_below` finds the first byte at or below CR among the new bytes of a chunk's
        /// last word as the masked test did (the lowest mark the same, or none in either),
        /// when the bytes before them were taken (above CR): any bytes, the line ends, the
        /// control bytes and bytes with bit 7 set near the edge of the test.
        #[test]
        fn tail_below_is_the_masked_test(
            bytes in proptest::array::uniform4(proptest::prop_oneof![
                proptest::sample::select(&[0u8, 9, 10, 12, 13, 14, 15, 0x7F, 0x80, 0x8D, 0x8E, 0xFF][..]),
                proptest::prelude::any::<u8>(),
            ]),
            new in 1usize..4,
        ) {
            // The bytes taken already are above CR: one at or below it made one above.
            let mut bytes = bytes;
            for b in &mut bytes[..4 - new] {
                if *b <= b'\r' {
                    *b += 14;
                }
            }
            let word = u32::from_le_bytes(bytes);
            let first = |low: u32| (low != 0).then(|| low.trailing_zeros() / 8);
            proptest::prop_assert_eq!(
                first(tail_below(word)),
                first(tail_below_masked(word, new))
            );
        }
    }

    #[test]
    fn cr_lf_crlf_and_empty_lines() {
        let mut lb = LineBuffer::<16>::new();
        let got = lines(&mut lb, b"AT\rAT+E?\nAT+Z\r\n\r\n\n\rAT+S\r");
        assert_eq!(got, [&b"AT"[..], b"AT+E?", b"AT+Z", b"AT+S"]);
    }

    #[test]
    fn overflow_reports_whole_line_and_resyncs() {
        let mut lb = LineBuffer::<4>::new();
        let got = lines(&mut lb, b"ABCDEFG\r\nOK\r\n");
        assert_eq!(got, [&b"<7>"[..], b"OK"]);
        assert_eq!(lb.overflows(), 1);
        assert_eq!(lb.bytes_dropped(), 7);
    }

    #[test]
    fn overflow_across_chunks() {
        let mut lb = LineBuffer::<4>::new();
        let mut got = Vec::new();
        for chunk in [&b"AB"[..], b"CD", b"EF", b"G", b"\rOK", b"\n"] {
            got.extend(lines(&mut lb, chunk));
        }
        assert_eq!(got, [&b"<7>"[..], b"OK"]);
    }
}
