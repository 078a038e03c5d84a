//! The fake registers the measured client binaries read and write (plain RAM: the binaries are
//! measured, never run), one text for the blocking and the async client.

use core::ptr::{read_volatile, write_volatile};

use cat1_hal_traits::time::Instant;

const RX: *const u32 = 0x2000_0000 as *const u32;
const TX: *mut u32 = 0x2000_0004 as *mut u32;
const STATUS: *const u32 = 0x2000_0008 as *const u32;
const TICKS: *const u32 = 0x2000_000C as *const u32;

/// Whether a received byte is there.
#[inline(always)]
pub fn rx_ready() -> bool {
    // SAFETY: a plain read of RAM.
    unsafe { read_volatile(STATUS) != 0 }
}

/// Fills `buf` with the bytes there, stopping at the first missing one; the count.
#[inline(always)]
pub fn read_into(buf: &mut [u8]) -> usize {
    let mut n = 0;
    for b in buf.iter_mut() {
        if !rx_ready() {
            break;
        }
        // SAFETY: a plain read of RAM.
        *b = unsafe { read_volatile(RX) } as u8;
        n += 1;
    }
    n
}

/// Writes a word to the transmit register (a byte sent, or a result kept from being optimised out).
#[inline(always)]
pub fn tx(word: u32) {
    // SAFETY: a plain write to RAM.
    unsafe { write_volatile(TX, word) };
}

/// The millisecond counter.
#[inline(always)]
pub fn now() -> Instant {
    // SAFETY: a plain read of RAM.
    Instant::from_millis(u64::from(unsafe { read_volatile(TICKS) }))
}
