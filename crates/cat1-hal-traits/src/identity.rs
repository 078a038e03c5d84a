//! The identity of the module and its SIM.
//!
//! Implemented by vendor firmware (read from the baseband and the SIM), by the simulator
//! (configured values) and by tests. Used to answer `AT+IMEI?`, `AT+ICCID?`, `AT+SN?`, `AT+VER?`,
//! `AT+BUILD?`, and to build ICCID/IMEI/SN registration and heartbeat packets.
//!
//! Values are written into a caller's buffer (no allocation); each call returns the length. A
//! buffer shorter than the value gives `ErrorKind::BufferTooSmall`; the `MAX_*` constants size a
//! buffer that always fits.

use crate::error::ErrorType;

/// Length of an IMEI (15 digits).
pub const IMEI_LEN: usize = 15;
/// Longest ICCID (19-20 characters, digits and `A-F`; errata #32).
pub const MAX_ICCID_LEN: usize = 20;
/// Longest serial number (20 digits on the modules seen).
pub const MAX_SN_LEN: usize = 20;
/// Longest firmware version or build text this crate family expects.
pub const MAX_VERSION_LEN: usize = 40;

/// Identity of the module and its SIM, as ASCII.
pub trait Identity: ErrorType {
    /// The IMEI (`AT+IMEI?`).
    fn imei(&mut self, buf: &mut [u8]) -> Result<usize, Self::Error>;
    /// The SIM's ICCID (`AT+ICCID?`); `ErrorKind::NoNetwork` or `Unsupported` without a SIM.
    fn iccid(&mut self, buf: &mut [u8]) -> Result<usize, Self::Error>;
    /// The module's serial number (`AT+SN?`).
    fn serial_number(&mut self, buf: &mut [u8]) -> Result<usize, Self::Error>;
    /// The firmware version (`AT+VER?`, e.g. `V1.1.01.000000.0000`).
    fn firmware_version(&mut self, buf: &mut [u8]) -> Result<usize, Self::Error>;
    /// The firmware build time (`AT+BUILD?`, e.g. `2020-3-16 18:22:25`).
    fn firmware_build(&mut self, buf: &mut [u8]) -> Result<usize, Self::Error>;
}

impl<T: Identity + ?Sized> Identity for &mut T {
    fn imei(&mut self, buf: &mut [u8]) -> Result<usize, Self::Error> {
        T::imei(self, buf)
    }
    fn iccid(&mut self, buf: &mut [u8]) -> Result<usize, Self::Error> {
        T::iccid(self, buf)
    }
    fn serial_number(&mut self, buf: &mut [u8]) -> Result<usize, Self::Error> {
        T::serial_number(self, buf)
    }
    fn firmware_version(&mut self, buf: &mut [u8]) -> Result<usize, Self::Error> {
        T::firmware_version(self, buf)
    }
    fn firmware_build(&mut self, buf: &mut [u8]) -> Result<usize, Self::Error> {
        T::firmware_build(self, buf)
    }
}
