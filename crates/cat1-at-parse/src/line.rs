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
    len: usize,
    /// The last call handed out a line that lives in `buf`; clear it on the next call.
    handed_out: bool,
    /// Bytes of the current over-long line dropped so far; non-zero means "discarding".
    discarding: usize,
    overflows: u32,
    bytes_dropped: u64,
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
            handed_out: false,
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
        if self.handed_out {
            self.handed_out = false;
            self.len = 0;
        }
        let end = input.iter().position(|&b| b == b'\r' || b == b'\n');
        let body = match end {
            Some(i) => input.get(..i).unwrap_or(&[]),
            None => input,
        };
        self.take(body);
        let Some(i) = end else {
            return Status::Partial;
        };
        let consumed = i.saturating_add(1);
        if self.discarding != 0 {
            let dropped = self.discarding;
            self.discarding = 0;
            return Status::Complete(LineEvent::Overflow { dropped }, consumed);
        }
        if self.len == 0 {
            // An empty line (or the LF of a CR LF): ignored. Skip the whole run of line ends and
            // take the next line from the rest, so a storm of line ends costs one pass.
            let rest = input.get(consumed..).unwrap_or(&[]);
            let skip = rest
                .iter()
                .take_while(|&&b| b == b'\r' || b == b'\n')
                .count();
            let offset = consumed.saturating_add(skip);
            let rest = input.get(offset..).unwrap_or(&[]);
            if rest.is_empty() {
                return Status::Partial;
            }
            return match self.feed_inner(rest) {
                Status::Complete((), n) => {
                    Status::Complete(self.completed(), offset.saturating_add(n))
                }
                Status::Partial => Status::Partial,
            };
        }
        Status::Complete(self.completed(), consumed)
    }

    /// Takes a chunk that starts a line (not a line end) up to and including its end, if any.
    /// Completes with `()` when the line ended; the event is built by [`Self::completed`].
    fn feed_inner(&mut self, input: &[u8]) -> Status<()> {
        let end = input.iter().position(|&b| b == b'\r' || b == b'\n');
        let body = match end {
            Some(i) => input.get(..i).unwrap_or(&[]),
            None => input,
        };
        self.take(body);
        match end {
            Some(i) => Status::Complete((), i.saturating_add(1)),
            None => Status::Partial,
        }
    }

    /// The event for a line that just ended (its body is in `buf`, or it overflowed).
    fn completed(&mut self) -> LineEvent<'_> {
        if self.discarding != 0 {
            let dropped = self.discarding;
            self.discarding = 0;
            return LineEvent::Overflow { dropped };
        }
        self.handed_out = true;
        LineEvent::Line(self.buf.get(..self.len).unwrap_or(&[]))
    }

    /// Appends line bytes (no line ends among them), switching to discarding on overflow.
    #[inline]
    fn take(&mut self, body: &[u8]) {
        if body.is_empty() {
            return;
        }
        if self.discarding != 0 {
            self.discarding = self.discarding.saturating_add(body.len());
            self.bytes_dropped = self.bytes_dropped.saturating_add(body.len() as u64);
            return;
        }
        let end = self.len.saturating_add(body.len());
        match self.buf.get_mut(self.len..end) {
            Some(dst) => {
                dst.copy_from_slice(body);
                self.len = end;
            }
            None => {
                // Too long: the whole line is dropped, including what is already buffered.
                self.discarding = end;
                self.len = 0;
                self.overflows = self.overflows.saturating_add(1);
                self.bytes_dropped = self.bytes_dropped.saturating_add(end as u64);
            }
        }
    }

    /// Appends bytes that hold no line end to the line being assembled.
    pub(crate) fn push_bytes(&mut self, bytes: &[u8]) {
        if self.handed_out {
            self.handed_out = false;
            self.len = 0;
        }
        self.take(bytes);
    }

    /// The bytes of the line being assembled (not yet ended). Empty while discarding.
    pub fn pending(&self) -> &[u8] {
        if self.handed_out {
            &[]
        } else {
            self.buf.get(..self.len).unwrap_or(&[])
        }
    }

    /// Forgets the line being assembled (it was consumed some other way, e.g. the `+ok` of the
    /// handshake, which arrives without a line end).
    pub fn clear_pending(&mut self) {
        self.len = 0;
        self.handed_out = false;
    }

    /// Whether an over-long line is being discarded.
    pub fn is_discarding(&self) -> bool {
        self.discarding != 0
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
