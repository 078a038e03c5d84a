//! The empty binary plus the complete client on the async adapter: cat1-client's `asynch::Modem`
//! over a UART and a timer made of fake registers, running `exchange_async` (the same steps as
//! the `client` binary, `src/exchange.rs`) forever under a polling executor of a few lines.
//! Measured, never run. Reported beside `client` (the 6 KB target has been measured on the
//! blocking client): what a firmware on the async adapter pays instead.
#![no_std]
#![no_main]

use core::convert::Infallible;
use core::future::poll_fn;
use core::pin::pin;
use core::task::{Context, Poll, Waker};

use cat1_client::asynch::{Modem, Timer};
use cat1_client::sdp::Receiver;
use cat1_hal_traits::time::Instant;
use cortex_m_rt::entry;

#[path = "../exchange.rs"]
mod exchange;

#[path = "../regs.rs"]
mod regs;

/// A UART over fake registers: a read waits until a byte is there.
struct Uart;

impl embedded_io_async::ErrorType for Uart {
    type Error = Infallible;
}

impl embedded_io_async::Read for Uart {
    async fn read(&mut self, buf: &mut [u8]) -> Result<usize, Infallible> {
        poll_fn(|_| {
            let n = regs::read_into(buf);
            if n == 0 && !buf.is_empty() {
                Poll::Pending
            } else {
                Poll::Ready(Ok(n))
            }
        })
        .await
    }
}

impl embedded_io_async::Write for Uart {
    async fn write(&mut self, buf: &[u8]) -> Result<usize, Infallible> {
        for &b in buf {
            regs::tx(u32::from(b));
        }
        Ok(buf.len())
    }
    async fn flush(&mut self) -> Result<(), Infallible> {
        Ok(())
    }
}

/// A millisecond counter in a fake register; a wait is ready once it has passed the deadline.
struct Ticks;

impl Timer for Ticks {
    fn now(&self) -> Instant {
        regs::now()
    }
    async fn wait_until(&mut self, deadline: Instant) {
        poll_fn(|_| {
            if regs::now() >= deadline {
                Poll::Ready(())
            } else {
                Poll::Pending
            }
        })
        .await
    }
}

#[entry]
fn main() -> ! {
    static mut RECEIVER: Receiver<{ exchange::RX_N }> = Receiver::new();
    let rx: &mut Receiver<{ exchange::RX_N }> = RECEIVER;
    let mut modem = Modem::new(Uart, Ticks, ());
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        // The executor: poll until done (a firmware's would sleep until woken).
        let mut run = pin!(exchange::exchange_async(&mut modem, rx));
        let r = loop {
            if let Poll::Ready(r) = run.as_mut().poll(&mut cx) {
                break r;
            }
        };
        regs::tx(r);
    }
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    loop {}
}
