//! What a USR Cat-1 module does between its UART and its four sockets, as sans-IO state machines,
//! and the server side of a modem connection.
//!
//! | module | rule (protocol-notes) | shape |
//! |---|---|---|
//! | [`sdp`] | socket distribution protocol (§4) | encoder, incremental [`sdp::Decoder`] |
//! | [`packing`] | serial packing by `UARTFT` silence or `UARTFL` length (§8) | [`packing::Packer`] |
//! | [`cache`] | 20 x 4096 per socket while not connected (§8) | [`cache::Cache`] |
//! | [`heartbeat`] | NET per idle socket, COM every interval (§6) | machine |
//! | [`registration`] | LINK, DATA, LINK&DATA (§5) | machine |
//! | [`payload`] | the bytes of registration and heartbeat packets (§5, §6) | functions |
//! | [`link`] | reconnect, restart after `SOCKRSNUM`, backup, short connection (§7) | machine |
//! | [`nodata`] | restart after `RSTIM` without data (§7) | machine |
//! | [`netat`] | `<password>AT…\r` from the network (§3) | function |
//! | [`server`] | one modem connection seen from the server | [`server::Session`] |
//!
//! # Machines
//!
//! Every machine has `handle(event, now) -> actions` and `poll_at() -> Option<Instant>`, as in
//! smoltcp: no I/O, no runtime, no allocation. The caller owns the time: it calls `handle` when
//! something happens, and with the `Tick` event once `now` reaches `poll_at()`. Actions come back
//! as an `Option` or a small fixed `heapless::Vec`, never through a callback, so every rule can be
//! driven step by step in virtual time by tests.
//!
//! Parameters are small plain structs owned by each module (e.g.
//! [`heartbeat::HeartbeatSettings`]), each field documented with the AT command it comes from, so
//! that this crate does not depend on the configuration model.
//!
//! # Buffers
//!
//! | what | size | why |
//! |---|---|---|
//! | [`sdp::Decoder<N>`](sdp::Decoder) | `N` = longest data + 5 (4101 for `UARTFL` 4096) | a frame is kept whole until judged, so a bad one can be searched again (the same buffer on the compact path, `Decoder<N, false>`) |
//! | [`packing::Packer<N>`](packing::Packer) | `N` = [`packing::MAX_PACKET`] (4096) | the largest `UARTFL` |
//! | [`cache::SocketCache`] | 20 x 4096 = 80 KB per socket | the manual's figures; smaller const generics for small parts |
//! | [`payload`] output | [`payload::MAX_PAYLOAD`] (300) | the longest `REGDT`/`HEARTDT` |
//!
//! # Panic contract
//!
//! Nothing here panics on any input: no `unwrap`, no unchecked indexing, no unchecked arithmetic
//! outside tests (enforced by the clippy lints below and by the fuzz targets). No `unsafe`.
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
        clippy::unimplemented,
        clippy::arithmetic_side_effects
    )
)]

#[cfg(test)]
#[macro_use]
extern crate std;

pub use cat1_at_parse::Status;
pub use cat1_hal_traits::net::{Keepalive, Protocol, SocketId};
pub use cat1_hal_traits::time::{Duration, Instant};

pub mod cache;
pub mod heartbeat;
pub mod link;
pub mod netat;
pub mod nodata;
pub mod packing;
pub mod payload;
pub mod registration;
pub mod sdp;
pub mod server;
