//! Errors, one per operation, generic over the UART's error.

use core::fmt;

use crate::StartError;

/// A command did not end in `OK`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum CommandError<E> {
    /// The UART failed.
    Io(E),
    /// No final result within the command's timeout.
    Timeout,
    /// The module answered `+CME ERROR:<n>` (codes in errata #35: 3, 50, 53, 58, 73).
    Cme(u16),
    /// The module answered `ERROR`: it did not take the line for an AT command.
    Error,
    /// The exchange could not start.
    Start(StartError),
    /// A typed request could not be encoded (a value out of its range, a form the command
    /// lacks): nothing was sent.
    Request(cat1_config::request::RequestError),
    /// The answer did not decode as the command's typed answer.
    Malformed,
    /// The UART's `write` took no bytes (see [`UartError::WriteZero`]). A command's line may
    /// have gone out in part: its exchange stays in flight until the next command, which ends
    /// the part with a CR and sees it through to its end or its deadline first (counted in
    /// `aborted`). From `send_on`: the frame may have gone out in part, no exchange.
    WriteZero,
}

impl<E: fmt::Debug> fmt::Display for CommandError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CommandError::Io(e) => write!(f, "UART error: {e:?}"),
            CommandError::Timeout => f.write_str("no answer in time"),
            CommandError::Cme(code) => write!(f, "+CME ERROR:{code}"),
            CommandError::Error => f.write_str("ERROR"),
            CommandError::Start(e) => write!(f, "{e}"),
            CommandError::Request(e) => write!(f, "request not encodable: {e:?}"),
            CommandError::Malformed => f.write_str("answer does not decode"),
            CommandError::WriteZero => f.write_str(WRITE_ZERO),
        }
    }
}

impl<E: fmt::Debug> core::error::Error for CommandError<E> {}

impl<E> From<UartError<E>> for CommandError<E> {
    fn from(e: UartError<E>) -> Self {
        match e {
            UartError::Io(e) => CommandError::Io(e),
            UartError::WriteZero => CommandError::WriteZero,
        }
    }
}

const WRITE_ZERO: &str = "the UART took no bytes";

/// The UART failed, where a command's other outcomes are not errors (application data, the
/// probe).
///
/// Its own error, or a `write` that took no bytes: embedded-io forbids a driver to return
/// `Ok(0)` for bytes it was given (a closed port is an error of kind `WriteZero`, which comes
/// as `Io`), and its `write_all` panics if one does; a driver that passes a closed socket's
/// `Ok(0)` on (std's `TcpStream::write`) does. The client writes with a loop of its own that
/// reports it instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum UartError<E> {
    /// The UART's own error.
    Io(E),
    /// `write` returned `Ok(0)` for bytes it was given; the data may have gone out in part.
    WriteZero,
}

impl<E: fmt::Debug> fmt::Display for UartError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UartError::Io(e) => write!(f, "UART error: {e:?}"),
            UartError::WriteZero => f.write_str(WRITE_ZERO),
        }
    }
}

impl<E: fmt::Debug> core::error::Error for UartError<E> {}

/// The step of entering command mode that failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum EnterStep {
    /// No `a` came back after `+++`.
    WaitingForA,
    /// No `+ok` came back after `a`.
    WaitingForOk,
    /// The module said `+ok` but did not answer `AT` with `OK`.
    Confirming,
}

/// Entering command mode failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum EnterError<E> {
    /// The UART failed.
    Io(E),
    /// A step of the handshake failed.
    Handshake(EnterStep),
    /// The confirming `AT` failed.
    Confirm(CommandError<E>),
    /// The UART's `write` took no bytes (see [`UartError::WriteZero`]) before the confirming
    /// `AT`.
    WriteZero,
}

impl<E> From<UartError<E>> for EnterError<E> {
    fn from(e: UartError<E>) -> Self {
        match e {
            UartError::Io(e) => EnterError::Io(e),
            UartError::WriteZero => EnterError::WriteZero,
        }
    }
}

impl<E: fmt::Debug> fmt::Display for EnterError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EnterError::Io(e) => write!(f, "UART error: {e:?}"),
            EnterError::Handshake(EnterStep::WaitingForA) => f.write_str("no 'a' after '+++'"),
            EnterError::Handshake(EnterStep::WaitingForOk) => f.write_str("no '+ok' after 'a'"),
            EnterError::Handshake(EnterStep::Confirming) => {
                f.write_str("'+ok' came, but AT was not answered")
            }
            EnterError::Confirm(e) => write!(f, "confirming AT failed: {e}"),
            EnterError::WriteZero => f.write_str(WRITE_ZERO),
        }
    }
}

impl<E: fmt::Debug> core::error::Error for EnterError<E> {}

/// Applying a profile failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum ProfileError<E> {
    /// A command failed (reading, setting, or saving).
    Command(CommandError<E>),
    /// Command mode could not be entered again after the restart.
    Enter(EnterError<E>),
    /// The profile holds an "unset" value no set command can write (errata #14, #16, #28):
    /// only `AT+CLEAR` reaches it.
    Unreachable(cat1_config::CommandId),
    /// After the restart the module's configuration still differs from the profile.
    NotApplied,
}

impl<E: fmt::Debug> fmt::Display for ProfileError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProfileError::Command(e) => write!(f, "{e}"),
            ProfileError::Enter(e) => write!(f, "{e}"),
            ProfileError::Unreachable(id) => write!(f, "{id:?} cannot be set back to unset"),
            ProfileError::NotApplied => f.write_str("the configuration read back differs"),
        }
    }
}

impl<E: fmt::Debug> core::error::Error for ProfileError<E> {}
