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

/// An incremental line splitter over an owned buffer of `N` bytes.
///
/// Cost is linear in the bytes fed: each byte is looked at once, and a completed line is handed
/// out in place, never shifted.
#[derive(Debug, Clone)]
pub struct LineBuffer<const N: usize> {
    buf: [u8; N],
    /// Bytes of the line being assembled, or [`DISCARDING`]. A line handed out is forgotten at
    /// once (the event borrows the buffer, so nothing can overwrite it while it is in use).
    len: usize,
    /// Bytes of the current over-long line dropped so far (while `len` is [`DISCARDING`]).
    discarding: usize,
    overflows: u32,
    bytes_dropped: u64,
}

/// `len` while an over-long line is being discarded: no byte fits, so the one-byte fast path
/// needs no separate check.
const DISCARDING: usize = usize::MAX;

/// `a == b` without a `memcmp` call: the slices compared on the framing path are a few bytes
/// long, and this keeps `memcmp` out of a firmware's flash.
#[inline]
pub(crate) fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
}

fn is_line_end(b: &u8) -> bool {
    *b == b'\r' || *b == b'\n'
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
            discarding: 0,
            overflows: 0,
            bytes_dropped: 0,
        }
    }

    /// Feeds bytes. Returns the first line (or overflow) completed within `input` and the number
    /// of bytes consumed, or [`Status::Partial`] when all of `input` was taken in without
    /// completing one. Call again with the rest of the input.
    #[inline]
    pub fn feed(&mut self, input: &[u8]) -> Status<LineEvent<'_>> {
        // One pass: each byte is looked at and stored once. At the start of a line, a run of line
        // ends (empty lines, the LF of a CR LF, a storm of them) is skipped first.
        if let Some(b) = input.first() {
            let len = self.len;
            if is_line_end(b) && len != 0 && len != DISCARDING {
                // The line ends here (the usual case when bytes come one at a time).
                self.len = 0;
                return Status::Complete(LineEvent::Line(self.buf.get(..len).unwrap_or(&[])), 1);
            }
        }
        let start = if self.len == 0 {
            input.iter().take_while(|b| is_line_end(b)).count()
        } else {
            0
        };
        let rest = input.get(start..).unwrap_or(&[]);
        let Some(end) = self.take_line(rest) else {
            return Status::Partial;
        };
        // Bounded by `input.len()`: wrapping arithmetic never wraps here.
        let consumed = start.wrapping_add(end).wrapping_add(1);
        let len = self.len;
        self.len = 0;
        if len == DISCARDING {
            let dropped = self.discarding;
            self.discarding = 0;
            return Status::Complete(LineEvent::Overflow { dropped }, consumed);
        }
        // Not empty: `rest` started with a line byte (the run of line ends was skipped).
        Status::Complete(
            LineEvent::Line(self.buf.get(..len).unwrap_or(&[])),
            consumed,
        )
    }

    /// Takes in one byte when that completes nothing (a line byte that fits, or the end of an
    /// empty line) and returns `true`; otherwise changes nothing and returns `false`, and the byte
    /// must go through [`Self::feed`]. The cheap path for input that comes a byte at a time.
    #[inline(always)]
    pub(crate) fn absorb_byte(&mut self, b: u8) -> bool {
        if b <= b'\r' && is_line_end(&b) {
            // Ignored if it ends an empty line; otherwise it completes something.
            return self.len == 0;
        }
        match self.buf.get_mut(self.len) {
            Some(slot) => {
                *slot = b;
                self.len = self.len.wrapping_add(1);
                true
            }
            None => false,
        }
    }

    /// Appends the line bytes at the start of `rest` (or counts them as dropped while
    /// discarding) up to the first line end, and returns that line end's index; `None` when
    /// `rest` holds no line end (all of it was taken in). Switches to discarding on overflow.
    #[inline(always)]
    fn take_line(&mut self, rest: &[u8]) -> Option<usize> {
        let mut taken = 0;
        if self.len != DISCARDING {
            // Scan and copy in one loop (a byte at a time: lines are short, and this keeps
            // tiny copies from becoming memcpy calls).
            let room = self.buf.get_mut(self.len..).unwrap_or(&mut []);
            for (slot, &b) in room.iter_mut().zip(rest) {
                if b <= b'\r' && is_line_end(&b) {
                    self.len = self.len.wrapping_add(taken);
                    return Some(taken);
                }
                *slot = b;
                taken = taken.wrapping_add(1);
            }
            // `len + taken` is at most `N`, `taken` at most `rest.len()`: nothing wraps.
            self.len = self.len.wrapping_add(taken);
            match rest.get(taken) {
                None => return None,
                Some(b) if is_line_end(b) => return Some(taken),
                Some(_) => self.start_discarding(),
            }
        }
        let rest = rest.get(taken..).unwrap_or(&[]);
        let end = rest.iter().position(is_line_end);
        let dropped = end.unwrap_or(rest.len());
        self.discarding = self.discarding.saturating_add(dropped);
        self.bytes_dropped = self.bytes_dropped.saturating_add(dropped as u64);
        end.map(|i| i.wrapping_add(taken))
    }

    /// The line is too long: it is dropped whole, including what is already buffered.
    #[cold]
    #[inline(never)]
    fn start_discarding(&mut self) {
        self.discarding = self.len;
        self.bytes_dropped = self.bytes_dropped.saturating_add(self.len as u64);
        self.overflows = self.overflows.saturating_add(1);
        self.len = DISCARDING;
    }

    /// Appends bytes that hold no line end to the line being assembled (a line end among them
    /// would be ignored), switching to discarding on overflow.
    pub(crate) fn push_bytes(&mut self, bytes: &[u8]) {
        for &b in bytes {
            if is_line_end(&b) || self.absorb_byte(b) {
                continue;
            }
            // No room, or discarding already: the byte is dropped with its line.
            if self.len != DISCARDING {
                self.start_discarding();
            }
            self.discarding = self.discarding.saturating_add(1);
            self.bytes_dropped = self.bytes_dropped.saturating_add(1);
        }
    }

    /// The bytes of the line being assembled (not yet ended). Empty while discarding.
    pub fn pending(&self) -> &[u8] {
        self.buf.get(..self.len).unwrap_or(&[])
    }

    /// Forgets the line being assembled (it was consumed some other way, e.g. the `+ok` of the
    /// handshake, which arrives without a line end).
    pub fn clear_pending(&mut self) {
        if self.len != DISCARDING {
            self.len = 0;
        }
    }

    /// Whether an over-long line is being discarded.
    pub fn is_discarding(&self) -> bool {
        self.len == DISCARDING
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

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
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
