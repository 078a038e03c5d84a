//! The wall clock (`AT+CCLK`), distinct from the monotonic [`crate::time::Clock`] that drives
//! timers: the wall clock can be set and jump (NTP, network time), timers must not.
//!
//! Implemented by vendor firmware (RTC plus network or NTP time), by the simulator and by tests.

use crate::error::ErrorType;

/// A local date and time as `+CCLK:"yy/MM/dd,hh:mm:ss±zz"` carries it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct DateTime {
    /// Year, 2000-2099 (`yy` on the wire).
    pub year: u16,
    /// Month, 1-12.
    pub month: u8,
    /// Day, 1-31.
    pub day: u8,
    /// Hour, 0-23.
    pub hour: u8,
    /// Minute, 0-59.
    pub minute: u8,
    /// Second, 0-59.
    pub second: u8,
    /// Offset from UTC in quarter hours (`+32` is UTC+8).
    pub zone_quarter_hours: i8,
}

/// Reading and setting the wall clock.
pub trait WallClock: ErrorType {
    /// The current local time (`AT+CCLK?`).
    fn now(&mut self) -> Result<DateTime, Self::Error>;
    /// Sets it (`AT+CCLK=`); takes effect at once (errata #36).
    fn set(&mut self, time: DateTime) -> Result<(), Self::Error>;
}

impl<T: WallClock + ?Sized> WallClock for &mut T {
    fn now(&mut self) -> Result<DateTime, Self::Error> {
        T::now(self)
    }
    fn set(&mut self, time: DateTime) -> Result<(), Self::Error> {
        T::set(self, time)
    }
}
