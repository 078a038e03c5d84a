//! Serial packing (protocol-notes §8): serial bytes are collected into one network packet until
//! the line has been silent for `AT+UARTFT` ms or `AT+UARTFL` bytes have arrived, whichever comes
//! first.
//!
//! [`Packer`] is fed bytes with the time they arrived and hands out whole packets; between feeds
//! the caller asks [`Packer::poll_at`] when the silence timer ends and calls [`Packer::poll`]
//! then. Bytes are copied in chunks (small ones without a `memcpy` call), never one call per byte.

use crate::{Duration, Instant};
use cat1_at_parse::Status;

/// The largest `AT+UARTFL`, and so the largest packet.
pub const MAX_PACKET: usize = 4096;

/// Packing parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct PackingSettings {
    /// Silence that closes a packet: `AT+UARTFT` (10-500 ms, default 50).
    pub silence: Duration,
    /// Bytes that close a packet: `AT+UARTFL` (5-4096, default 1024).
    pub max_len: usize,
}

impl Default for PackingSettings {
    fn default() -> Self {
        PackingSettings {
            silence: Duration::from_millis(50),
            max_len: 1024,
        }
    }
}

/// Collects serial bytes into packets of at most `min(max_len, N)` bytes.
///
/// Design: a packet handed out borrows the buffer; it is cleared at the next call, so no copy is
/// made on the way out.
#[derive(Debug, Clone)]
pub struct Packer<const N: usize> {
    settings: PackingSettings,
    buf: [u8; N],
    len: usize,
    last_byte: Instant,
    /// The packet in `buf` was handed out and is cleared on the next call.
    handed_out: bool,
    packets: u32,
}

impl<const N: usize> Packer<N> {
    /// A packer with the given settings. A `max_len` above `N` is limited to `N`, and one of 0 to
    /// 1 byte, so that every packet has at least one byte.
    pub const fn new(settings: PackingSettings) -> Self {
        Packer {
            settings,
            buf: [0; N],
            len: 0,
            last_byte: Instant::ZERO,
            handed_out: false,
            packets: 0,
        }
    }

    /// The packet length limit in force.
    pub fn limit(&self) -> usize {
        self.settings.max_len.clamp(1, N.max(1))
    }

    /// Packets handed out so far.
    pub const fn packets(&self) -> u32 {
        self.packets
    }

    /// Bytes waiting in the packet being collected.
    pub fn pending(&self) -> usize {
        if self.handed_out { 0 } else { self.len }
    }

    fn clear_handed_out(&mut self) {
        if self.handed_out {
            self.handed_out = false;
            self.len = 0;
        }
    }

    fn hand_out(&mut self) -> &[u8] {
        self.handed_out = true;
        self.packets = self.packets.saturating_add(1);
        self.buf.get(..self.len).unwrap_or(&[])
    }

    /// Takes serial bytes that arrived at `now`. Returns a packet that closed, with the input bytes
    /// used, or [`Status::Partial`] when all were taken in. Call again with the rest until
    /// `Partial`. A packet whose silence had already run out before `now` is handed out first (with
    /// 0 bytes used), so a late caller never merges two packets.
    pub fn feed(&mut self, input: &[u8], now: Instant) -> Status<&[u8]> {
        // One byte into a packet that neither times out nor fills: store it.
        if let [b] = *input {
            let len = self.len;
            let next = len.wrapping_add(1);
            if !self.handed_out
                && len > 0
                && next < self.limit()
                && now < self.last_byte.saturating_add(self.settings.silence)
            {
                if let Some(slot) = self.buf.get_mut(len) {
                    *slot = b;
                    self.len = next;
                    self.last_byte = now;
                    return Status::Partial;
                }
            }
        }
        self.clear_handed_out();
        if self.len > 0 && now >= self.last_byte.saturating_add(self.settings.silence) {
            return Status::Complete(self.hand_out(), 0);
        }
        if input.is_empty() {
            return Status::Partial;
        }
        let limit = self.limit();
        let room = limit.saturating_sub(self.len);
        let take = room.min(input.len());
        let end = self.len.saturating_add(take);
        if let (Some(dst), Some(src)) = (self.buf.get_mut(self.len..end), input.get(..take)) {
            copy(dst, src);
        }
        self.len = end;
        self.last_byte = now;
        if end >= limit {
            Status::Complete(self.hand_out(), take)
        } else {
            Status::Partial
        }
    }

    /// When the silence timer of the packet being collected ends.
    pub fn poll_at(&self) -> Option<Instant> {
        (self.pending() > 0).then(|| self.last_byte.saturating_add(self.settings.silence))
    }

    /// Hands out the packet being collected if the line has been silent long enough.
    pub fn poll(&mut self, now: Instant) -> Option<&[u8]> {
        self.clear_handed_out();
        if self.len > 0 && now >= self.last_byte.saturating_add(self.settings.silence) {
            Some(self.hand_out())
        } else {
            None
        }
    }
}

/// Copies `src` into `dst` (the same length): pieces of 16, 8, 4, 2 and 1 bytes below 32 bytes,
/// `memcpy` above (whose fixed cost would dominate a small copy).
#[inline(always)]
fn copy(dst: &mut [u8], src: &[u8]) {
    let n = src.len();
    if n >= 32 || dst.len() != n {
        dst.copy_from_slice(src);
        return;
    }
    let (Some((d16, dst)), Some((s16, src))) = (
        dst.split_at_mut_checked(n & 16),
        src.split_at_checked(n & 16),
    ) else {
        return;
    };
    piece::<16>(d16, s16);
    let (Some((d8, dst)), Some((s8, src))) =
        (dst.split_at_mut_checked(n & 8), src.split_at_checked(n & 8))
    else {
        return;
    };
    piece::<8>(d8, s8);
    let (Some((d4, dst)), Some((s4, src))) =
        (dst.split_at_mut_checked(n & 4), src.split_at_checked(n & 4))
    else {
        return;
    };
    piece::<4>(d4, s4);
    let (Some((d2, d1)), Some((s2, s1))) =
        (dst.split_at_mut_checked(n & 2), src.split_at_checked(n & 2))
    else {
        return;
    };
    piece::<2>(d2, s2);
    piece::<1>(d1, s1);
}

/// Copies exactly `K` bytes; nothing when either length differs.
#[inline(always)]
fn piece<const K: usize>(dst: &mut [u8], src: &[u8]) {
    if let (Ok(d), Ok(s)) = (<&mut [u8; K]>::try_from(dst), <&[u8; K]>::try_from(src)) {
        *d = *s;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::vec::Vec;

    fn ms(n: u64) -> Instant {
        Instant::from_millis(n)
    }

    fn settings(silence_ms: u64, max_len: usize) -> PackingSettings {
        PackingSettings {
            silence: Duration::from_millis(silence_ms),
            max_len,
        }
    }

    #[test]
    fn a_packet_closes_after_exactly_the_silence_time() {
        let mut p = Packer::<64>::new(settings(50, 1024));
        assert_eq!(p.feed(b"ab", ms(1000)), Status::Partial);
        assert_eq!(p.feed(b"c", ms(1040)), Status::Partial);
        assert_eq!(p.poll_at(), Some(ms(1090)));
        assert_eq!(p.poll(ms(1089)), None);
        assert_eq!(p.poll(ms(1090)), Some(&b"abc"[..]));
        assert_eq!(p.poll_at(), None);
        assert_eq!(p.poll(ms(5000)), None);
        assert_eq!(p.packets(), 1);
    }

    #[test]
    fn a_packet_closes_at_the_length_limit_and_the_rest_starts_the_next() {
        let mut p = Packer::<64>::new(settings(50, 5));
        let input = b"0123456789AB";
        let mut packets: Vec<Vec<u8>> = Vec::new();
        let mut rest = &input[..];
        while let Status::Complete(packet, used) = p.feed(rest, ms(10)) {
            packets.push(packet.to_vec());
            rest = &rest[used..];
        }
        assert_eq!(packets, [b"01234".to_vec(), b"56789".to_vec()]);
        assert_eq!(p.pending(), 2);
        assert_eq!(p.poll(ms(60)), Some(&b"AB"[..]));
    }

    #[test]
    fn a_late_caller_does_not_merge_two_packets() {
        let mut p = Packer::<64>::new(settings(20, 100));
        assert_eq!(p.feed(b"old", ms(0)), Status::Partial);
        // The caller missed poll_at (20 ms) and feeds new bytes at 30 ms.
        assert_eq!(p.feed(b"new", ms(30)), Status::Complete(&b"old"[..], 0));
        assert_eq!(p.feed(b"new", ms(30)), Status::Partial);
        assert_eq!(p.poll(ms(50)), Some(&b"new"[..]));
    }

    #[test]
    fn the_limit_is_bounded_by_the_buffer() {
        let mut p = Packer::<4>::new(settings(50, 1024));
        assert_eq!(p.limit(), 4);
        assert_eq!(p.feed(b"abcdef", ms(0)), Status::Complete(&b"abcd"[..], 4));
        let q = Packer::<4>::new(settings(50, 0));
        assert_eq!(q.limit(), 1);
    }
}
