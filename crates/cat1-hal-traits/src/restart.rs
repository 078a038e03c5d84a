//! Restarting the module.
//!
//! Implemented by vendor firmware (a system reset after flushing what must be flushed), by the
//! simulator (a reboot of the simulated module, with its boot banner) and by tests (recording the
//! reason). The engine calls it for `AT+Z`, `AT+S`, `AT+CLEAR`, the no-data restart (`RSTIM`) and
//! the reconnect limit (`SOCKRSNUM`).

use crate::error::ErrorType;

/// Why the module restarts; kept so that a firmware can log it and tests can check it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum RestartReason {
    /// `AT+Z`, or `AT+S` after saving.
    Command,
    /// `AT+CLEAR`, after the factory settings were restored.
    FactoryReset,
    /// `RSTIM` seconds passed with no data in either direction.
    NoData,
    /// A socket failed `SOCKRSNUM` consecutive connection attempts.
    ReconnectLimit,
}

/// Restarts the module.
pub trait Restart: ErrorType {
    /// Restarts. On real hardware this does not return on success; the simulator and tests
    /// return `Ok(())` and model the restart themselves.
    fn restart(&mut self, reason: RestartReason) -> Result<(), Self::Error>;
}

impl<T: Restart + ?Sized> Restart for &mut T {
    fn restart(&mut self, reason: RestartReason) -> Result<(), Self::Error> {
        T::restart(self, reason)
    }
}
