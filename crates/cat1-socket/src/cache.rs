//! The cache of packets for a socket that is not connected (protocol-notes §8, a decision beyond
//! the manual's "20 packets x 4 KB per socket").
//!
//! With `AT+CACHEN=ON` up to `PACKETS` packets of up to `SIZE` bytes are kept and delivered in
//! order once the socket connects; when full, the oldest is dropped and counted. With
//! `CACHEN=OFF` packets are discarded and counted. Nothing is ever dropped without a count.
//!
//! The module's figures are [`SocketCache`] (20 x 4096 = 80 KB per socket); a firmware short of
//! RAM picks smaller const generics and documents the difference.

/// Packets the module keeps per socket.
pub const PACKETS: usize = 20;
/// Longest packet kept.
pub const PACKET_SIZE: usize = 4096;

/// The cache with the module's figures.
pub type SocketCache = Cache<PACKETS, PACKET_SIZE>;

/// What happened to a packet offered to the cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Stored {
    /// Kept.
    Kept,
    /// Kept, and the oldest packet was dropped to make room.
    KeptDroppingOldest,
    /// Discarded: caching is off (`CACHEN=OFF`).
    DiscardedCacheOff,
    /// Discarded: longer than `SIZE` (cannot happen with `UARTFL` at most `SIZE`).
    DiscardedTooLong,
}

/// Running totals of what the cache did not deliver.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub struct CacheCounters {
    /// Packets kept.
    pub kept: u32,
    /// Oldest packets dropped because the cache was full.
    pub dropped_oldest: u32,
    /// Packets discarded because caching was off.
    pub discarded_cache_off: u32,
    /// Packets discarded because they were too long.
    pub discarded_too_long: u32,
}

/// A FIFO of up to `P` packets of up to `S` bytes each.
#[derive(Debug, Clone)]
pub struct Cache<const P: usize, const S: usize> {
    enabled: bool,
    slots: [[u8; S]; P],
    lens: [usize; P],
    /// Index of the oldest packet.
    head: usize,
    count: usize,
    counters: CacheCounters,
}

impl<const P: usize, const S: usize> Cache<P, S> {
    /// An empty cache; `enabled` is `AT+CACHEN`.
    pub const fn new(enabled: bool) -> Self {
        Cache {
            enabled,
            slots: [[0; S]; P],
            lens: [0; P],
            head: 0,
            count: 0,
            counters: CacheCounters {
                kept: 0,
                dropped_oldest: 0,
                discarded_cache_off: 0,
                discarded_too_long: 0,
            },
        }
    }

    /// Turns caching on or off (`AT+CACHEN`); turning it off keeps what is held.
    pub fn set_enabled(&mut self, enabled: bool) {
        self.enabled = enabled;
    }

    /// Packets held.
    pub const fn len(&self) -> usize {
        self.count
    }

    /// Whether nothing is held.
    pub const fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The totals.
    pub const fn counters(&self) -> CacheCounters {
        self.counters
    }

    fn slot_index(&self, nth: usize) -> usize {
        self.head.wrapping_add(nth).checked_rem(P).unwrap_or(0)
    }

    /// Offers a packet for a socket that is not connected.
    pub fn push(&mut self, packet: &[u8]) -> Stored {
        if !self.enabled {
            self.counters.discarded_cache_off = self.counters.discarded_cache_off.saturating_add(1);
            return Stored::DiscardedCacheOff;
        }
        if packet.len() > S || P == 0 {
            self.counters.discarded_too_long = self.counters.discarded_too_long.saturating_add(1);
            return Stored::DiscardedTooLong;
        }
        let mut outcome = Stored::Kept;
        if self.count == P {
            self.drop_oldest();
            self.counters.dropped_oldest = self.counters.dropped_oldest.saturating_add(1);
            outcome = Stored::KeptDroppingOldest;
        }
        let index = self.slot_index(self.count);
        if let (Some(slot), Some(len)) = (self.slots.get_mut(index), self.lens.get_mut(index)) {
            if let Some(dst) = slot.get_mut(..packet.len()) {
                dst.copy_from_slice(packet);
            }
            *len = packet.len();
        }
        self.count = self.count.saturating_add(1);
        self.counters.kept = self.counters.kept.saturating_add(1);
        outcome
    }

    /// The oldest packet, to be sent first once the socket connects.
    pub fn front(&self) -> Option<&[u8]> {
        if self.count == 0 {
            return None;
        }
        let index = self.slot_index(0);
        let len = self.lens.get(index).copied().unwrap_or(0);
        self.slots.get(index).and_then(|s| s.get(..len))
    }

    /// Removes the oldest packet (after it was sent).
    pub fn pop_front(&mut self) {
        if self.count > 0 {
            self.drop_oldest();
        }
    }

    fn drop_oldest(&mut self) {
        self.head = self.slot_index(1);
        self.count = self.count.saturating_sub(1);
    }

    /// Drops everything held, counting it as dropped (e.g. at a restart).
    pub fn clear(&mut self) {
        let n = u32::try_from(self.count).unwrap_or(u32::MAX);
        self.counters.dropped_oldest = self.counters.dropped_oldest.saturating_add(n);
        self.count = 0;
        self.head = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::vec::Vec;

    fn drain<const P: usize, const S: usize>(c: &mut Cache<P, S>) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        while let Some(p) = c.front() {
            out.push(p.to_vec());
            c.pop_front();
        }
        out
    }

    #[test]
    fn the_21st_packet_drops_the_oldest_and_order_is_kept() {
        let mut c = std::boxed::Box::new(SocketCache::new(true));
        for i in 0..20u8 {
            assert_eq!(c.push(&[i; 3]), Stored::Kept);
        }
        assert_eq!(c.counters().dropped_oldest, 0);
        assert_eq!(c.push(&[20; 3]), Stored::KeptDroppingOldest);
        assert_eq!(c.counters().dropped_oldest, 1);
        assert_eq!(c.len(), 20);
        let out = drain(&mut c);
        let expected: Vec<Vec<u8>> = (1..=20u8).map(|i| vec![i; 3]).collect();
        assert_eq!(out, expected);
        assert!(c.is_empty());
    }

    #[test]
    fn a_full_4096_byte_packet_is_kept_and_a_longer_one_is_counted() {
        let mut c = std::boxed::Box::new(SocketCache::new(true));
        let big = vec![0xA5u8; 4096];
        assert_eq!(c.push(&big), Stored::Kept);
        assert_eq!(c.push(&vec![0u8; 4097]), Stored::DiscardedTooLong);
        assert_eq!(c.front(), Some(&big[..]));
        assert_eq!(c.counters().discarded_too_long, 1);
    }

    #[test]
    fn with_cache_off_packets_are_discarded_and_counted() {
        let mut c = Cache::<4, 8>::new(false);
        assert_eq!(c.push(b"x"), Stored::DiscardedCacheOff);
        assert_eq!(c.push(b"y"), Stored::DiscardedCacheOff);
        assert!(c.is_empty());
        assert_eq!(c.counters().discarded_cache_off, 2);
        c.set_enabled(true);
        assert_eq!(c.push(b"z"), Stored::Kept);
        assert_eq!(drain(&mut c), [b"z".to_vec()]);
    }

    #[test]
    fn wrap_around_keeps_order() {
        let mut c = Cache::<3, 4>::new(true);
        for round in 0..5u8 {
            c.push(&[round]);
            c.push(&[round, 1]);
            assert_eq!(c.front(), Some(&[round][..]));
            c.pop_front();
            assert_eq!(c.front(), Some(&[round, 1][..]));
            c.pop_front();
        }
        c.push(b"a");
        c.push(b"b");
        c.clear();
        assert!(c.is_empty());
        assert_eq!(c.counters().dropped_oldest, 2);
    }
}
