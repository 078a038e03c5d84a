//! The modem side of a USR IoT Cat-1 LTE module (WH-LTE-7S1, DR502, G771): a `no_std`,
//! allocation-free, sans-IO engine that a vendor firmware embeds and that `cat1-sim` runs on a PC.
//!
//! ```text
//!  serial bytes ──► Engine::handle_serial(bytes, now, services, sink) ──► sink.serial(..)
//!  timers       ──► Engine::poll(now, services, sink)   (when Engine::poll_at() is due)
//! ```
//!
//! What it does, per the manual as corrected by `protocol-notes.md` and `errata.md`:
//!
//! - **Boot** ([`Engine::power_on`]): the saved configuration (factory when storage holds none),
//!   the banner `AT+STMSG` framed by CR LF, then the saved work mode.
//! - **The handshake** (`handshake.rs`): `+++` after silence longer than `UARTFT`, the module's
//!   `a`, the host's `a` within 3 s, `+ok`; a failed handshake's bytes go on as data. `+++` in
//!   command mode is just text in the line buffer, so the next line is answered `ERROR`.
//! - **Command mode** (`command.rs`): echo per `AT+E`; every command checked and stored by
//!   cat1-config; pending and saved configuration (errata #36); `AT+S`, `AT+Z`, `AT+CLEAR`
//!   restart through the restart service; `AT+ENTM`; error codes per errata #5 and #35;
//!   information from the identity, radio, wall-clock and positioning services.
//! - **Security**: with `AT+SAFEATEN=ON` the serial session must log in with
//!   `AT+SIGNINAT=<password>`; [`LOGIN_ATTEMPTS`] wrong passwords lock logins out for
//!   [`LOCKOUT`], refused with `+CME ERROR:73` and counted ([`Counters`]).
//! - **Password-prefixed AT** on serial in the transparent modes (`AT+UATEN`).
//! - **NET mode** (`net.rs`): sockets A-D through cat1-socket's machines (packing, SDP,
//!   cache, registration, heartbeat, reconnect/backup/short connection, no-data restart,
//!   network AT); sockets stay up in temporary command mode, network data held until
//!   `AT+ENTM` (protocol-notes §1).
//! - **HTTPD mode** (`httpd.rs`): each serial packet one HTTP/1.1 request to `HTPSV`
//!   (GET or POST, `HTPHD` escapes expanded), the response filtered per `HTPPK`, `HTPTIM`.
//! - **SMS mode and SMS AT** (`sms.rs`): serial packets to `DSTNUM`, received SMS to serial
//!   (`SMSFLT`), `<password>AT…` by SMS answered by SMS. Memory: the four 20 x 4096 caches (320 KB) are shared by
//!   serial packets waiting for a link and network data held during command mode.
//!
//! # Design
//!
//! - Sans-IO, as smoltcp: the caller hands the time and the services ([`Services`]) to every
//!   call; output goes to a [`Sink`]; nothing blocks, nothing is spawned.
//! - Two whole [`cat1_config::Config`]s (pending and saved, about 3 KB each) and one packet
//!   buffer of 4 KB are the engine's memory; answers are built in a 1 KB buffer on the stack.
//! - Every place where the manual is silent is a *decision* written next to the code.
//!
//! # Panic contract
//!
//! No function panics on any input: no `unwrap`, no unchecked indexing, no unchecked arithmetic
//! on external data (clippy lints below, fuzz target `device_engine`). No `unsafe`.
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

mod command;
mod engine;
mod handshake;
mod httpd;
mod net;
mod reply;
mod services;
mod sms;

pub use engine::{Counters, Engine, LOCKOUT, LOGIN_ATTEMPTS, Options};
pub use handshake::REPLY_WINDOW;
pub use httpd::{HttpCounters, MAX_RESPONSE};
pub use net::{Net, NetCounters};
pub use reply::MAX_REPLY;
pub use services::{Coordinate, Event, Position, Positioning, Services, Sink};
pub use sms::{MAX_NUMBER, MAX_SMS_TEXT, SMS_PER_POLL};

/// The `+CME ERROR` codes the engine answers itself (errata #35); the others come from
/// cat1-config's validation.
pub mod code {
    /// The command is valid but cannot run now (a service failed, no GPS fix, saving failed).
    pub const NOT_NOW: u16 = 50;
    /// A value out of range.
    pub const BAD_VALUE: u16 = 53;
    /// Unknown command or form.
    pub const UNKNOWN: u16 = 58;
    /// Not logged in, wrong login password, or logins locked out.
    pub const LOGIN: u16 = 73;
}
