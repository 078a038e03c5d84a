//! The MCU-side driver for the USR IoT Cat-1 modems (WH-LTE-7S1, DR502, G771).
//!
//! One sans-IO [`Core`] decides everything (which exchange is in flight, what belongs to it, when
//! it times out, what is unsolicited); two thin adapters move the bytes:
//!
//! - [`blocking::Modem`] over `embedded-io` (`Read + ReadReady + Write`) and a
//!   [`Clock`](cat1_hal_traits::time::Clock): no runtime, no timer driver;
//! - [`asynch::Modem`] over `embedded-io-async` and a small [`asynch::Timer`] trait.
//!
//! What the firmware gets:
//!
//! - entering command mode: an `AT` probe first (the module may already be there); otherwise the
//!   `+++` / `a` / `+ok` handshake with its guard time, each reply checked, and an error naming the
//!   step that failed ([`EnterError`]);
//! - a timeout per command; a late answer is never taken for the next command's (see [`core`]);
//! - unsolicited input (banner, late answers, transparent data and COM heartbeats) handed to a
//!   [`Listener`], never merged into an answer (but see "Commands in a transparent mode" below),
//!   never dropped without being counted ([`ClientCounters`]);
//! - typed commands from cat1-config's model ([`blocking::Modem::query`], [`blocking::Modem::set`] (and
//!   [`blocking::Modem::set_with`] for a set that answers a value),
//!   [`blocking::Modem::read_value`] (or [`blocking::Modem::read`] for the lines as bytes),
//!   [`blocking::Modem::test`]; a line without values is built at compile
//!   time and copied, not encoded, see [`Core::start_fixed`]) and a profile applied with one save
//!   ([`blocking::Modem::apply_profile`]);
//! - data on sockets A-D with the socket distribution protocol ([`sdp`]);
//! - a UART driver whose `write` returns `Ok(0)` (which embedded-io forbids, but a driver passing
//!   a closed socket's `Ok(0)` on does) gives an error ([`UartError::WriteZero`],
//!   [`CommandError::WriteZero`]), not the panic of embedded-io's `write_all`; short writes are
//!   written on until every byte is out;
//! - an exchange abandoned (its call ended by a UART error, or its async future dropped by a
//!   `select` with a timer) is seen through to its end or its deadline by the next command, its
//!   information lines dropped, the exchange counted in `aborted` (a line cut part-way ended
//!   with a CR first): never refused as busy, never its late answer taken
//!   for the next one's.
//!
//! # Commands in a transparent mode
//!
//! With `AT+UATEN=ON` a password-prefixed command (`CommandLine::with_password`) runs without
//! leaving NET mode (protocol-notes §3), and the module writes its answer on the serial line
//! among the network data it forwards there. Without SDP nothing on the wire tells the two apart,
//! so while such a command is in flight the client frames whatever arrives as lines, as in
//! command mode:
//!
//! - the answer's lines go to the command; other lines go to [`Listener::line`] as unsolicited
//!   lines (counted), their line ends not kept; a run of data longer than a line is dropped and
//!   reported ([`Listener::overflow`], counted in `overflows` and `bytes_dropped`);
//! - a line of data that reads as the command's own information line (`+VER:...` during
//!   `AT+VER`), or any line after the first line of a multi-line answer (`AT+LBSN`,
//!   `AT+SYSINFO`), goes into the answer;
//! - a line of data that reads as a final result (`OK`, `ERROR`, `+CME ERROR: n`) ends the
//!   command early; its real answer then arrives as data (or, if the next such command is
//!   already in flight, may be taken for that one's). A command that answers with an
//!   information line but ended in `OK` without one (a typed `read_value` or `query` then
//!   finds no value) was ended this way: run it again, best in command mode;
//! - with SDP on (`AT+SDPEN=ON`) a frame that arrives meanwhile is cut into lines and lost to
//!   the [`sdp::Receiver`] (which reports the bytes it then gets as garbage);
//! - with `AT+UATEN=OFF` the module sends the line to the network as data, password included,
//!   and the command times out, what arrived meanwhile handed out as lines.
//!
//! Outside such a command, data is handed to [`Listener::data`] byte for byte. So a firmware
//! that needs every data byte exact runs these commands when no data is expected, or enters
//! command mode for them.
//!
//! # Example
//!
//! ```no_run
//! use cat1_client::{blocking::Modem, CommandError};
//! use cat1_config::{requests, Value};
//! use cat1_hal_traits::time::Clock;
//! use embedded_io::{Read, ReadReady, Write};
//!
//! fn configure<U, C, E>(uart: U, clock: C) -> Result<(), CommandError<E>>
//! where
//!     U: Read<Error = E> + ReadReady + Write,
//!     C: Clock,
//! {
//!     let mut modem = Modem::new(uart, clock, ());
//!     modem.enter_command_mode().map_err(|_| CommandError::Timeout)?;
//!     let mut dbm = None;
//!     modem.read_value::<requests::Csq>(|csq| dbm = csq.dbm())?;
//!     modem.set::<requests::Apn>(&[Value::Text(b"internet"), Value::Text(b""), Value::Text(b""), Value::Int(0)])?;
//!     modem.save_and_restart(b"WH-LTE-7S1")
//! }
//! ```
#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing,
        clippy::todo,
        clippy::unimplemented
    )
)]

pub mod asynch;
pub mod blocking;
pub mod core;
mod error;
mod procedures;
pub mod sdp;

/// The adapters' receive path without a UART (`Reads`), for
/// `benches/qemu-machines`: not part of the API, it may change at any time.
#[doc(hidden)]
pub mod bench {
    pub use crate::procedures::{Finished, OnInfo, Reads};
}

pub use crate::core::{ClientCounters, Core, Echo, Output, StartError, Timing};
pub use error::{CommandError, EnterError, EnterStep, ProfileError, UartError};

/// Receives what belongs to no exchange. Every method has an empty default, so a firmware
/// implements only what it uses; whatever it ignores is still counted in [`ClientCounters`].
pub trait Listener {
    /// A complete line that belongs to no exchange: the banner after a restart, a late answer;
    /// and in a transparent mode, data (a heartbeat written to serial, `HEARTTP=COM`, say) that
    /// arrives while a password-prefixed command is in flight (see the crate's documentation,
    /// "Commands in a transparent mode").
    fn line(&mut self, line: &[u8]) {
        let _ = line;
    }

    /// A line longer than the receive buffer was dropped.
    fn overflow(&mut self, dropped: usize) {
        let _ = dropped;
    }

    /// Bytes received while the module is in a transparent mode (network data, heartbeats
    /// written to serial), as received.
    fn data(&mut self, bytes: &[u8]) {
        let _ = bytes;
    }
}

/// Ignores everything (it is still counted).
impl Listener for () {}

impl<L: Listener + ?Sized> Listener for &mut L {
    fn line(&mut self, line: &[u8]) {
        L::line(self, line)
    }
    fn overflow(&mut self, dropped: usize) {
        L::overflow(self, dropped)
    }
    fn data(&mut self, bytes: &[u8]) {
        L::data(self, bytes)
    }
}
