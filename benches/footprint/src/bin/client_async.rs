//! The empty binary plus the complete client on the async adapter: cat1-client's `asynch::Modem`
//! over a UART and a timer made of fake registers, running `exchange_async` (the same steps as
//! the `client` binary, `src/exchange.rs`) forever under a polling executor of a few lines.
//! Measured, never run. Reported beside `client`: the flash target is the blocking
//! client's; this is what an embassy firmware pays instead.
#![no_std]
#![no_main]

use core::convert::Infallible;
use core::future::poll_fn;
use core::pin::pin;
use core::ptr::{read_volatile, write_volatile};
use core::task::{Context, Poll, Waker};

use cat1_client::asynch::{Modem, Timer};
use cat1_client::sdp::Receiver;
use cat1_hal_traits::time::Instant;
use cortex_m_rt::entry;

#[path = "../exchange.rs"]
mod exchange;

const RX: *const u32 = 0x2000_0000 as *const u32;
const TX: *mut u32 = 0x2000_0004 as *mut u32;
const STATUS: *const u32 = 0x2000_0008 as *const u32;
const TICKS: *const u32 = 0x2000_000C as *const u32;

/// A UART over fake registers: a read waits until a byte is there.
struct Uart;

impl embedded_io_async::ErrorType for Uart {
    type Error = Infallible;
}

impl embedded_io_async::Read for Uart {
    async fn read(&mut self, buf: &mut [u8]) -> Result<usize, Infallible> {
        poll_fn(|_| {
            let mut n = 0;
            for b in buf.iter_mut() {
                // SAFETY: plain reads of RAM.
                if unsafe { read_volatile(STATUS) } == 0 {
                    break;
                }
                *b = unsafe { read_volatile(RX) } as u8;
                n += 1;
            }
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
            // SAFETY: a plain write to RAM.
            unsafe { write_volatile(TX, u32::from(b)) };
        }
        Ok(buf.len())
    }
    async fn flush(&mut self) -> Result<(), Infallible> {
        Ok(())
    }
}

/// A millisecond counter in a fake register; a wait is ready once it has passed the deadline.
struct Ticks;

impl Ticks {
    fn read() -> Instant {
        // SAFETY: a plain read of RAM.
        Instant::from_millis(u64::from(unsafe { read_volatile(TICKS) }))
    }
}

impl Timer for Ticks {
    fn now(&self) -> Instant {
        Ticks::read()
    }
    async fn wait_until(&mut self, deadline: Instant) {
        poll_fn(|_| {
            if Ticks::read() >= deadline {
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
        // SAFETY: as above.
        unsafe { write_volatile(TX, r) };
    }
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    loop {}
}
