//! The two-way AT codec of the USR IoT Cat-1 modems (WH-LTE-7S1, DR502, G771).
//!
//! Both sides of the serial line use this crate:
//!
//! | who | reads | writes |
//! |---|---|---|
//! | the MCU (driver) | responses, with [`Framer`] | command lines, with [`CommandLine::emit`] |
//! | the modem (engine) | command lines, with [`LineBuffer`] and [`CommandLine::parse`] | responses, with [`Response::emit`] |
//!
//! Design, taken from smoltcp and httparse:
//!
//! - **Views, then values.** [`CommandLine`], [`InfoLine`] and [`Params`] borrow the bytes they were
//!   parsed from; nothing is copied and nothing is allocated.
//! - **Progress, not errors.** Incremental parsing returns [`Status::Complete`] with the number of bytes
//!   consumed, or [`Status::Partial`] when it needs more. Running short of input is never an error.
//! - **The caller owns the memory.** Line buffers are sized by a const generic ([`Framer<N>`]);
//!   encoders write into a caller's `&mut [u8]` and, when it is too short, say how long it must be.
//! - **Whole lines only.** A final result (`OK`, `ERROR`, `+CME ERROR:<n>`) is recognised only when it
//!   is a complete line, so `OK` inside a payload never ends a response; the command in flight is
//!   known ([`Expect`]), so an unsolicited line is never merged into a response, and a result that
//!   arrives when nothing is in flight (a late answer) is reported as unsolicited.
//! - **Nothing lost silently.** A line longer than the buffer is reported as [`Event::Overflow`] with
//!   the number of bytes dropped, and counted in [`Counters`].
//!
//! # Panic contract
//!
//! No function of this crate panics, whatever the input: there is no `unwrap`, no unchecked
//! indexing and no unchecked arithmetic on external data (enforced by clippy lints below and by the
//! fuzz targets in `fuzz/`). The crate has no `unsafe` code.
//!
//! # Wire rules (from the manual as corrected by `errata.md`)
//!
//! - A line ends at CR or LF; CR LF counts as one end; an empty line is ignored (errata #1).
//! - The prefix is `AT` or `at`; names and keywords match in any case (errata #2).
//! - The modem answers `+NAME:<params>` with no space after the colon and `+CME ERROR:<n>` with no
//!   space; parsers accept spaces in both places (errata #3, #4).
//! - A line that is not an AT command gets `ERROR`; an ill-formed `AT` line gets `+CME ERROR:58`
//!   (errata #5), see [`LineError`].
//!
//! nom is used inside for the line grammar; no nom type appears in the public API.
//!
//! # Example: the MCU side
//!
//! ```
//! use cat1_at_parse::{CommandLine, Event, Expect, FinalResult, Framer, MAX_LINE, Status};
//!
//! let mut tx = [0u8; 32];
//! let n = CommandLine::execute(b"CSQ").emit(&mut tx).unwrap();
//! assert_eq!(&tx[..n], b"AT+CSQ\r");
//!
//! let mut framer = Framer::<MAX_LINE>::new();
//! let mut expect = Expect::command(&tx[..n], b"CSQ").echo_required();
//! // What the module sends, in whatever pieces the UART delivers.
//! let mut rx: &[u8] = b"AT+CSQ\r\r\n+CSQ:27,99\r\n\r\nOK\r\n";
//! let mut signal = None;
//! while let Status::Complete(event, used) = framer.feed(rx, &mut expect) {
//!     match event {
//!         Event::Info(info) => signal = info.params().get(0).map(|p| p.to_vec()),
//!         Event::Final(result) => assert_eq!(result, FinalResult::Ok),
//!         _ => {}
//!     }
//!     rx = &rx[used..];
//! }
//! assert_eq!(signal.as_deref(), Some(&b"27"[..]));
//! assert!(expect.is_done());
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

mod command;
mod error;
mod framer;
mod line;
mod params;
mod response;
mod writer;

pub use command::{CommandLine, Form};
pub use error::{EncodeError, EscapeError, HexError, LineError, ParamError};
pub use framer::{
    Counters, Detached, EndedInfo, EndedLine, Event, Expect, Framer, InfoLine, MULTI_LINE_ANSWERS,
    NotEcho, Progress, Scanned,
};
pub use line::{LineBuffer, LineEvent, Pending};
pub use params::{
    Params, decode_hex, encode_hex, eq_ignore_case, expand_escapes, match_keyword, parse_int,
    parse_int_code, parse_int_in, unquote,
};
pub use response::{FinalResult, Response};
pub use writer::Writer;

/// The result of feeding bytes to an incremental parser, as in httparse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum Status<T> {
    /// A value is complete; `usize` is the number of input bytes consumed to reach it. Feed the rest
    /// of the input again.
    Complete(T, usize),
    /// All input was consumed and kept; nothing is complete yet.
    Partial,
}

/// The longest line the manual's command set produces: `AT+REGDT=` with 600 hex digits, or its
/// `+REGDT:` answer, plus a little room. A [`Framer`] or [`LineBuffer`] of this size never overflows
/// on well-formed traffic.
pub const MAX_LINE: usize = 616;
