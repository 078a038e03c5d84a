//! The small traits the cat1 crates are generic over, in the style of embedded-hal: traits only,
//! an error type per implementation mapped to a common `ErrorKind`, blanket impls for `&mut T`.
//!
//! | module | what | implemented by |
//! |---|---|---|
//! | [`io`], [`io_async`] | the UART: embedded-io re-exported, no new trait | HALs |
//! | [`control`] | RESET, RELOAD, power key, LINK and WORK lines, MCU side | board code |
//! | [`time`] | [`time::Instant`], [`time::Duration`], [`time::Clock`] | board code, simulator, tests |
//! | [`net`] | client sockets | vendor firmware, simulator, tests |
//! | [`storage`] | configuration slots | vendor firmware, simulator, tests |
//! | [`identity`] | IMEI, ICCID, SN, firmware version and build | vendor firmware, simulator, tests |
//! | [`radio`] | CSQ, SYSINFO, LBS, LBSN, CIP, CNUM | vendor firmware, simulator, tests |
//! | [`sms`] | send and receive SMS | vendor firmware, simulator, tests |
//! | [`wallclock`] | get and set the date and time | vendor firmware, simulator, tests |
//! | [`restart`] | restart the module | vendor firmware, simulator, tests |
//!
//! The modem-side services share [`error::ErrorType`] and [`error::ErrorKind`]; the control lines
//! report [`control::ControlError`] (embedded-hal's digital error kind plus the line); storage
//! has its own error (it predates the others and is owned by the configuration crate's author).
//!
//! Everything here is `no_std`, allocation-free and free of `unsafe`.
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

pub mod control;
pub mod error;
pub mod identity;
pub mod net;
pub mod radio;
pub mod restart;
pub mod sms;
pub mod storage;
pub mod time;
pub mod wallclock;

/// Blocking UART traits: `embedded-io`, re-exported so that every crate names the same version.
pub use embedded_io as io;
/// Async UART traits: `embedded-io-async`, re-exported likewise.
pub use embedded_io_async as io_async;

pub use error::{Error, ErrorKind, ErrorType};
pub use time::{Clock, Duration, Instant};
