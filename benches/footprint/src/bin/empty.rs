//! The baseline: a cortex-m-rt binary whose entry does nothing observable, but cannot be
//! optimised away (it reads a fake register forever).
#![no_std]
#![no_main]

use core::ptr::read_volatile;
use cortex_m_rt::entry;

/// A fake input register (any readable address; the binary is measured, never run).
const RX: *const u32 = 0x2000_0000 as *const u32;

#[entry]
fn main() -> ! {
    loop {
        // SAFETY: a plain read of RAM.
        let _ = unsafe { read_volatile(RX) };
    }
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    loop {}
}
