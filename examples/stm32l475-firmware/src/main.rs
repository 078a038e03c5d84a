//! Reference firmware for the B-L475E-IOT01A (STM32L475VG) and a USR Cat-1 modem.
//!
//! The application ([`app`]) is board-independent; one board backend is chosen by feature:
//! `qemu` (stm32l4 PAC, runs under `qemu-system-arm -M b-l475e-iot01a`) or `hw` (embassy-stm32,
//! the real board). See README.md.
#![no_std]
#![no_main]

#[cfg(all(feature = "qemu", feature = "hw"))]
compile_error!("choose one board backend: feature `qemu` or `hw`, not both");
#[cfg(not(any(feature = "qemu", feature = "hw")))]
compile_error!("choose a board backend: `--features qemu` or `--features hw`");

mod app;

#[cfg_attr(feature = "qemu", path = "board/qemu.rs")]
#[cfg_attr(feature = "hw", path = "board/hw.rs")]
mod board;

use embassy_executor::Spawner;

/// QEMU only: a run that gets no verdict from the server within this many seconds fails
/// (`CAT1_FW_DEADLINE_S`; unset: no limit). The e2e test sets it so that a hang ends QEMU with a
/// failure, not a CI timeout.
#[cfg(feature = "qemu")]
const DEADLINE_S: Option<u64> = match option_env!("CAT1_FW_DEADLINE_S") {
    Some(v) => Some(app::config::parse(v)),
    None => None,
};

#[embassy_executor::main]
async fn main(_spawner: Spawner) {
    let uart = board::init();
    let mut app = app::App::new(uart, board::finish);
    #[cfg(feature = "qemu")]
    if let Some(deadline) = DEADLINE_S {
        // `run` never returns: the select ends only when the deadline passes.
        embassy_futures::select::select(app.run(), embassy_time::Timer::after_secs(deadline)).await;
        defmt::error!("no verdict within {} s", deadline);
        board::finish(false);
    }
    app.run().await
}
