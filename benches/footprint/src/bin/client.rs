//! The empty binary plus the complete client: cat1-client's blocking `Modem` over a UART and a
//! clock made of fake registers, running `exchange` (see `src/exchange.rs`) forever. Measured,
//! never run (`client-stack` runs the same exchange under QEMU).
#![no_std]
#![no_main]

use core::convert::Infallible;

use cat1_client::blocking::Modem;
use cat1_client::sdp::Receiver;
use cat1_hal_traits::time::{Clock, Instant};
use cortex_m_rt::entry;

#[path = "../exchange.rs"]
mod exchange;

#[path = "../regs.rs"]
mod regs;

/// A UART over fake registers.
struct Uart;

impl embedded_io::ErrorType for Uart {
    type Error = Infallible;
}

impl embedded_io::Read for Uart {
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, Infallible> {
        Ok(regs::read_into(buf))
    }
}

impl embedded_io::ReadReady for Uart {
    fn read_ready(&mut self) -> Result<bool, Infallible> {
        Ok(regs::rx_ready())
    }
}

impl embedded_io::Write for Uart {
    fn write(&mut self, buf: &[u8]) -> Result<usize, Infallible> {
        for &b in buf {
            regs::tx(u32::from(b));
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
        regs::now()
    }
}

#[entry]
fn main() -> ! {
    static mut RECEIVER: Receiver<{ exchange::RX_N }> = Receiver::new();
    let rx: &mut Receiver<{ exchange::RX_N }> = RECEIVER;
    let mut modem = Modem::new(Uart, Ticks, ());
    loop {
        let r = exchange::exchange(&mut modem, rx);
        regs::tx(r);
    }
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    loop {}
}
