//! The `+++` / `a` / `+ok` handshake that leaves a transparent work mode (protocol-notes §1), as a
//! small machine fed with serial chunks and the time they arrived.
//!
//! Rules, all in this file:
//!
//! - `+++` counts only when the line was silent for longer than `UARTFT` before its first `+`,
//!   and nothing else is waiting to be packed.
//! - The three `+` may come in one chunk or several, each within `UARTFT` of the one before.
//! - On the third `+` the module answers `a`; the host must answer a lone `a` within
//!   [`REPLY_WINDOW`]. **Decision:** a chunk that holds anything after the third `+` (such as
//!   `+++a` in one write) fails the handshake, since the host cannot have seen the module's `a`.
//! - A failed handshake loses nothing: its `+` bytes are handed back as data, followed by the
//!   bytes that broke it (protocol-notes §1, decision).

use cat1_hal_traits::time::{Duration, Instant};

/// How long the host has to answer `a` after the module's `a`.
pub const REPLY_WINDOW: Duration = Duration::from_secs(3);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Idle,
    Plus { count: u8, last: Instant },
    WaitA { deadline: Instant },
}

/// What a chunk did to the handshake.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    /// Forward `held` `+` bytes, then the whole chunk, as data.
    Data {
        /// `+` bytes of a failed handshake, to go first.
        held: u8,
    },
    /// The chunk is part of a handshake in progress; nothing to forward.
    Held,
    /// The third `+`: write `a`.
    SendA,
    /// The host's `a` arrived in time: write `+ok` and enter command mode.
    Entered,
}

/// The handshake detector.
#[derive(Debug, Clone)]
pub(crate) struct Handshake {
    state: State,
    last_rx: Option<Instant>,
}

impl Handshake {
    pub(crate) const fn new() -> Self {
        Handshake {
            state: State::Idle,
            last_rx: None,
        }
    }

    /// Forgets any handshake in progress (mode change, restart).
    pub(crate) fn reset(&mut self) {
        self.state = State::Idle;
    }

    /// Notes serial bytes seen outside the transparent path (command mode), so the silence
    /// before a later `+++` is measured from them.
    pub(crate) fn saw_bytes(&mut self, now: Instant) {
        self.last_rx = Some(now);
    }

    /// Takes a chunk that arrived at `now`. `data_pending` says whether bytes are waiting to be
    /// packed (then a `+` is data, whatever the silence).
    pub(crate) fn feed(
        &mut self,
        bytes: &[u8],
        now: Instant,
        silence: Duration,
        data_pending: bool,
    ) -> Step {
        let silent_before = self
            .last_rx
            .is_none_or(|t| now.saturating_duration_since(t) > silence);
        self.last_rx = Some(now);
        if bytes.is_empty() {
            return Step::Held;
        }
        match self.state {
            State::Idle if silent_before && !data_pending => self.take_plus(0, bytes, now),
            State::Idle => Step::Data { held: 0 },
            State::Plus { count, last } => {
                if now.saturating_duration_since(last) > silence {
                    // Too slow: the `+` already held are data, and so is this chunk (it follows
                    // them without the silence a new handshake needs).
                    self.state = State::Idle;
                    Step::Data { held: count }
                } else {
                    self.take_plus(count, bytes, now)
                }
            }
            State::WaitA { deadline } => {
                self.state = State::Idle;
                if bytes == b"a" && now <= deadline {
                    Step::Entered
                } else {
                    Step::Data { held: 3 }
                }
            }
        }
    }

    fn take_plus(&mut self, count: u8, bytes: &[u8], now: Instant) -> Step {
        let pluses = bytes.iter().take_while(|&&b| b == b'+').count();
        let total = usize::from(count).saturating_add(pluses);
        if pluses == bytes.len() && total <= 3 {
            if total == 3 {
                self.state = State::WaitA {
                    deadline: now.saturating_add(REPLY_WINDOW),
                };
                Step::SendA
            } else {
                self.state = State::Plus {
                    count: u8::try_from(total).unwrap_or(3),
                    last: now,
                };
                Step::Held
            }
        } else {
            self.state = State::Idle;
            Step::Data { held: count }
        }
    }

    /// Ends a handshake whose time ran out; returns how many `+` bytes go on as data.
    pub(crate) fn poll(&mut self, now: Instant, silence: Duration) -> Option<u8> {
        match self.state {
            State::Plus { count, last } if now.saturating_duration_since(last) > silence => {
                self.state = State::Idle;
                Some(count)
            }
            State::WaitA { deadline } if now > deadline => {
                self.state = State::Idle;
                Some(3)
            }
            _ => None,
        }
    }

    /// When [`Handshake::poll`] has something to do.
    pub(crate) fn poll_at(&self, silence: Duration) -> Option<Instant> {
        let one = Duration::from_millis(1);
        match self.state {
            State::Idle => None,
            State::Plus { last, .. } => Some(last.saturating_add(silence).saturating_add(one)),
            State::WaitA { deadline } => Some(deadline.saturating_add(one)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FT: Duration = Duration::from_millis(50);

    fn ms(n: u64) -> Instant {
        Instant::from_millis(n)
    }

    #[test]
    fn plus_plus_plus_then_a() {
        let mut h = Handshake::new();
        assert_eq!(h.feed(b"+++", ms(1000), FT, false), Step::SendA);
        assert_eq!(h.feed(b"a", ms(1200), FT, false), Step::Entered);
    }

    #[test]
    fn pluses_in_pieces_within_the_packing_time() {
        let mut h = Handshake::new();
        assert_eq!(h.feed(b"+", ms(1000), FT, false), Step::Held);
        assert_eq!(h.feed(b"++", ms(1040), FT, false), Step::SendA);
    }

    #[test]
    fn no_silence_before_means_data() {
        let mut h = Handshake::new();
        assert_eq!(h.feed(b"x", ms(1000), FT, false), Step::Data { held: 0 });
        assert_eq!(h.feed(b"+++", ms(1030), FT, false), Step::Data { held: 0 });
        assert_eq!(h.feed(b"+++", ms(2000), FT, true), Step::Data { held: 0 });
    }

    #[test]
    fn late_a_and_wrong_reply_give_the_bytes_back() {
        let mut h = Handshake::new();
        assert_eq!(h.feed(b"+++", ms(1000), FT, false), Step::SendA);
        assert_eq!(h.poll(ms(3999), FT), None);
        assert_eq!(h.poll(ms(4001), FT), Some(3));
        assert_eq!(h.feed(b"+++", ms(9000), FT, false), Step::SendA);
        assert_eq!(h.feed(b"b", ms(9100), FT, false), Step::Data { held: 3 });
    }

    #[test]
    fn plus_plus_plus_a_in_one_write_fails() {
        let mut h = Handshake::new();
        assert_eq!(h.feed(b"+++a", ms(1000), FT, false), Step::Data { held: 0 });
        assert_eq!(h.feed(b"++", ms(2000), FT, false), Step::Held);
        assert_eq!(h.poll_at(FT), Some(ms(2051)));
        assert_eq!(h.poll(ms(2051), FT), Some(2));
    }

    #[test]
    fn slow_pluses_fail() {
        let mut h = Handshake::new();
        assert_eq!(h.feed(b"+", ms(1000), FT, false), Step::Held);
        assert_eq!(h.feed(b"++", ms(1100), FT, false), Step::Data { held: 1 });
    }
}
