//! The error pattern shared by the modem-side services, as in embedded-hal: each implementation
//! has its own error type, and maps it to an [`ErrorKind`] that generic code can act on.
//!
//! One `ErrorKind` serves all services (network, identity, radio, SMS, wall clock, restart):
//! they are usually implemented by one modem stack, and the engine reacts to the same few causes
//! (not now, not connected, bad input) whichever service failed.

use core::fmt;

/// What went wrong, in terms every implementation can map to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum ErrorKind {
    /// Nothing can be done now; try again later (a non-blocking call that would block).
    WouldBlock,
    /// No network registration or no PDP context (the modem answers `+CME ERROR:50`).
    NoNetwork,
    /// The socket is not connected.
    NotConnected,
    /// The peer refused or reset the connection.
    ConnectionRefused,
    /// The operation took too long.
    TimedOut,
    /// An argument is out of range or malformed (host name too long, bad number).
    InvalidInput,
    /// A caller's buffer is too small for the value.
    BufferTooSmall,
    /// The service does not exist on this device (e.g. no SMS on a data-only SIM).
    Unsupported,
    /// Anything else.
    Other,
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self {
            ErrorKind::WouldBlock => "operation would block",
            ErrorKind::NoNetwork => "no network",
            ErrorKind::NotConnected => "not connected",
            ErrorKind::ConnectionRefused => "connection refused",
            ErrorKind::TimedOut => "timed out",
            ErrorKind::InvalidInput => "invalid input",
            ErrorKind::BufferTooSmall => "buffer too small",
            ErrorKind::Unsupported => "unsupported",
            ErrorKind::Other => "other error",
        };
        f.write_str(text)
    }
}

/// An error of a service implementation.
pub trait Error: fmt::Debug {
    /// The kind of error.
    fn kind(&self) -> ErrorKind;
}

impl Error for ErrorKind {
    fn kind(&self) -> ErrorKind {
        *self
    }
}

impl Error for core::convert::Infallible {
    fn kind(&self) -> ErrorKind {
        match *self {}
    }
}

/// The error type of a service; the supertrait of every service trait.
pub trait ErrorType {
    /// The implementation's error.
    type Error: Error;
}

impl<T: ErrorType + ?Sized> ErrorType for &mut T {
    type Error = T::Error;
}
