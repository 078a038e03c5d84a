//! The empty binary plus the complete client: cat1-client's blocking `Modem` over a UART and a
//! clock made of fake registers, running `exchange` (see `src/exchange.rs`) forever. Measured,
//! never run (`client-stack` runs the same exchange under QEMU).
#![no_std]
#![no_main]

use core::convert::Infallible;
use core::ptr::{read_volatile, write_volatile};

use cat1_client::blocking::Modem;
use cat1_client::sdp::Receiver;
use cat1_hal_traits::time::{Clock, Instant};
use cortex_m_rt::entry;

#[path = "../exchange.rs"]
mod exchange;

const RX: *const u32 = 0x2000_0000 as *const u32;
const TX: *mut u32 = 0x2000_0004 as *mut u32;
const STATUS: *const u32 = 0x2000_0008 as *const u32;
const TICKS: *const u32 = 0x2000_000C as *const u32;

/// A UART over fake registers.
struct Uart;

impl embedded_io::ErrorType for Uart {
    type Error = Infallible;
}

impl embedded_io::Read for Uart {
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, Infallible> {
        let mut n = 0;
        for b in buf.iter_mut() {
            // SAFETY: plain reads of RAM.
            if unsafe { read_volatile(STATUS) } == 0 {
                break;
            }
            *b = unsafe { read_volatile(RX) } as u8;
            n += 1;
        }
        Ok(n)
    }
}

impl embedded_io::ReadReady for Uart {
    fn read_ready(&mut self) -> Result<bool, Infallible> {
        // SAFETY: a plain read of RAM.
        Ok(unsafe { read_volatile(STATUS) } != 0)
    }
}

impl embedded_io::Write for Uart {
    fn write(&mut self, buf: &[u8]) -> Result<usize, Infallible> {
        for &b in buf {
            // SAFETY: a plain write to RAM.
            unsafe { write_volatile(TX, u32::from(b)) };
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> Result<(), Infallible> {
        Ok(())
    }
}

/// A millisecond counter in a fake register.
struct Ticks;

impl Clock for Ticks {
    fn now(&self) -> Instant {
        // SAFETY: a plain read of RAM.
        Instant::from_millis(u64::from(unsafe { read_volatile(TICKS) }))
    }
}

#[entry]
fn main() -> ! {
    static mut RECEIVER: Receiver<{ exchange::RX_N }> = Receiver::new();
    let rx: &mut Receiver<{ exchange::RX_N }> = RECEIVER;
    let mut modem = Modem::new(Uart, Ticks, ());
    loop {
        let r = exchange::exchange(&mut modem, rx);
        // SAFETY: as above.
        unsafe { write_volatile(TX, r) };
    }
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    loop {}
}
