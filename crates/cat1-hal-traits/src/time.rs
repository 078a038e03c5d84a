//! Time as the crate family sees it: an [`Instant`] and a [`Duration`] in milliseconds, and a
//! [`Clock`] that tells the current instant.
//!
//! Modelled on smoltcp's `time.rs`: the state machines never read a clock themselves; the caller
//! hands them `now`, so tests run in virtual time. The types are our own (not `core::time`, not a
//! runtime's) so that no crate above needs a time driver, and a `u64` of milliseconds is cheap on
//! a Cortex-M0 (no 96-bit `core::time::Duration`).
//!
//! Arithmetic never panics: the operators saturate (an instant does not wrap in 584 million
//! years, so saturation is only ever reached by bad input), and `checked_*` variants exist for
//! callers that want to know.

use core::fmt;
use core::ops::{Add, AddAssign, Sub};

/// A point in time, in milliseconds since an arbitrary epoch (usually the start of the device).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Instant {
    millis: u64,
}

/// A span of time in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Duration {
    millis: u64,
}

impl Instant {
    /// The epoch.
    pub const ZERO: Instant = Instant { millis: 0 };

    /// The instant `millis` milliseconds after the epoch.
    pub const fn from_millis(millis: u64) -> Self {
        Instant { millis }
    }

    /// The instant `secs` seconds after the epoch (saturating).
    pub const fn from_secs(secs: u64) -> Self {
        Instant {
            millis: secs.saturating_mul(1000),
        }
    }

    /// Milliseconds since the epoch.
    pub const fn total_millis(self) -> u64 {
        self.millis
    }

    /// Whole seconds since the epoch.
    pub const fn secs(self) -> u64 {
        self.millis / 1000
    }

    /// `self + d`, or `None` past the end of time.
    pub const fn checked_add(self, d: Duration) -> Option<Instant> {
        match self.millis.checked_add(d.millis) {
            Some(millis) => Some(Instant { millis }),
            None => None,
        }
    }

    /// `self - d`, or `None` before the epoch.
    pub const fn checked_sub(self, d: Duration) -> Option<Instant> {
        match self.millis.checked_sub(d.millis) {
            Some(millis) => Some(Instant { millis }),
            None => None,
        }
    }

    /// `self + d`, stopping at the end of time.
    pub const fn saturating_add(self, d: Duration) -> Instant {
        Instant {
            millis: self.millis.saturating_add(d.millis),
        }
    }

    /// The time from `earlier` to `self`, or zero when `earlier` is later (a clock that went
    /// backwards must not make a timer fire early or panic).
    pub const fn saturating_duration_since(self, earlier: Instant) -> Duration {
        Duration {
            millis: self.millis.saturating_sub(earlier.millis),
        }
    }
}

impl Duration {
    /// No time.
    pub const ZERO: Duration = Duration { millis: 0 };
    /// The longest span.
    pub const MAX: Duration = Duration { millis: u64::MAX };

    /// `millis` milliseconds.
    pub const fn from_millis(millis: u64) -> Self {
        Duration { millis }
    }

    /// `secs` seconds (saturating).
    pub const fn from_secs(secs: u64) -> Self {
        Duration {
            millis: secs.saturating_mul(1000),
        }
    }

    /// The span in milliseconds.
    pub const fn total_millis(self) -> u64 {
        self.millis
    }

    /// The span in whole seconds.
    pub const fn secs(self) -> u64 {
        self.millis / 1000
    }

    /// `self + other`, or `None` on overflow.
    pub const fn checked_add(self, other: Duration) -> Option<Duration> {
        match self.millis.checked_add(other.millis) {
            Some(millis) => Some(Duration { millis }),
            None => None,
        }
    }

    /// `self - other`, or `None` when negative.
    pub const fn checked_sub(self, other: Duration) -> Option<Duration> {
        match self.millis.checked_sub(other.millis) {
            Some(millis) => Some(Duration { millis }),
            None => None,
        }
    }

    /// `self * n`, stopping at [`Duration::MAX`].
    pub const fn saturating_mul(self, n: u64) -> Duration {
        Duration {
            millis: self.millis.saturating_mul(n),
        }
    }
}

/// Saturating: see the module documentation.
impl Add<Duration> for Instant {
    type Output = Instant;
    fn add(self, d: Duration) -> Instant {
        self.saturating_add(d)
    }
}

impl AddAssign<Duration> for Instant {
    fn add_assign(&mut self, d: Duration) {
        *self = self.saturating_add(d);
    }
}

/// Saturating at the epoch.
impl Sub<Duration> for Instant {
    type Output = Instant;
    fn sub(self, d: Duration) -> Instant {
        Instant {
            millis: self.millis.saturating_sub(d.millis),
        }
    }
}

/// Saturating at zero, like [`Instant::saturating_duration_since`].
impl Sub<Instant> for Instant {
    type Output = Duration;
    fn sub(self, earlier: Instant) -> Duration {
        self.saturating_duration_since(earlier)
    }
}

/// Saturating at [`Duration::MAX`].
impl Add for Duration {
    type Output = Duration;
    fn add(self, other: Duration) -> Duration {
        Duration {
            millis: self.millis.saturating_add(other.millis),
        }
    }
}

/// Saturating at zero.
impl Sub for Duration {
    type Output = Duration;
    fn sub(self, other: Duration) -> Duration {
        Duration {
            millis: self.millis.saturating_sub(other.millis),
        }
    }
}

impl fmt::Display for Instant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:03}s", self.millis / 1000, self.millis % 1000)
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:03}s", self.millis / 1000, self.millis % 1000)
    }
}

/// A source of the current [`Instant`].
///
/// Implemented by board code (a SysTick or RTC counter), by the simulator (the host's monotonic
/// clock) and by tests (a virtual clock they advance by hand). It must never go backwards; the
/// state machines tolerate it if it does (they saturate), but timers then fire late.
pub trait Clock {
    /// The current instant.
    fn now(&self) -> Instant;
}

impl<T: Clock + ?Sized> Clock for &T {
    fn now(&self) -> Instant {
        T::now(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arithmetic_saturates_instead_of_panicking() {
        let end = Instant::from_millis(u64::MAX);
        assert_eq!(end + Duration::from_millis(5), end);
        assert_eq!(end.checked_add(Duration::from_millis(1)), None);
        assert_eq!(Instant::ZERO - Duration::from_secs(1), Instant::ZERO);
        assert_eq!(
            Instant::from_millis(5) - Instant::from_millis(9),
            Duration::ZERO
        );
        assert_eq!(Duration::from_secs(u64::MAX), Duration::MAX);
        assert_eq!(Duration::MAX + Duration::from_millis(1), Duration::MAX);
    }

    #[test]
    fn conversions_round_trip() {
        let t = Instant::from_secs(12) + Duration::from_millis(345);
        assert_eq!(t.total_millis(), 12_345);
        assert_eq!(t.secs(), 12);
        assert_eq!(t - Instant::from_secs(2), Duration::from_millis(10_345));
        assert_eq!(Duration::from_millis(1500).secs(), 1);
        assert_eq!(
            Instant::from_millis(10).checked_sub(Duration::from_millis(11)),
            None
        );
    }

    #[test]
    fn clock_through_a_reference() {
        struct Fixed(Instant);
        impl Clock for Fixed {
            fn now(&self) -> Instant {
                self.0
            }
        }
        let clock = Fixed(Instant::from_millis(42));
        fn read(c: impl Clock) -> Instant {
            c.now()
        }
        assert_eq!(read(&clock), Instant::from_millis(42));
    }
}
