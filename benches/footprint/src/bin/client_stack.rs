//! Worst-case stack of the client exchange, by stack painting under QEMU (mps2-an386): the free
//! stack is filled with a pattern, `exchange` (the same code as the `client` binary) runs against
//! a scripted module, and the lowest word no longer holding the pattern gives the high-water mark.
//! The script answers like a module: the first `AT` probe goes unanswered (so the `+++` / `a` /
//! `+ok` handshake runs too), then every command gets its answer, and the SDP frame sent is
//! answered with a data frame. Prints `STACK|<bytes used by main and below>`, the sizes of the
//! client's types, and `DONE` (semihosting).
#![no_std]
#![no_main]

use core::convert::Infallible;
use core::mem::size_of;
use core::ptr::{read_volatile, write_volatile};
use core::sync::atomic::{AtomicU32, Ordering};

use cat1_client::blocking::Modem;
use cat1_client::sdp::Receiver;
use cat1_hal_traits::time::{Clock, Instant};
use cortex_m as _;
use cortex_m_rt::entry;
use cortex_m_semihosting::{debug, hprintln};

#[path = "../exchange.rs"]
mod exchange;

const PATTERN: u32 = 0xC0DE_5A5A;

/// A scripted module: collects what is written, queues the answer.
struct Script {
    line: [u8; 96],
    len: usize,
    out: [u8; 96],
    out_len: usize,
    out_pos: usize,
    probes: u32,
}

impl Script {
    fn answer(&mut self, bytes: &[u8]) {
        self.out[..bytes.len()].copy_from_slice(bytes);
        self.out_len = bytes.len();
        self.out_pos = 0;
        self.len = 0;
    }

    fn written(&mut self) {
        let line = &self.line[..self.len];
        if line == b"+++" {
            self.answer(b"a");
        } else if line == b"a" {
            self.answer(b"+ok");
        } else if line.first() == Some(&0x55) && line.len() >= 5 {
            let n = usize::from(u16::from_be_bytes([line[3], line[4]]));
            if line.len() == n + 6 {
                // 41 42 from socket B.
                self.answer(&[0xAA, 0xFD, 0x55, 0x00, 0x04, 0x62, 0x00, 0x41, 0x42, 0xE5]);
            }
        } else if line.last() == Some(&b'\r') {
            if line == b"AT\r" {
                self.probes += 1;
                if self.probes == 1 {
                    self.len = 0; // in transparent mode: nothing answers the probe
                    return;
                }
                self.answer(b"\r\nOK\r\n");
            } else if line == b"AT+APN?\r" {
                self.answer(b"\r\n+APN:CMNET,,,0\r\n\r\nOK\r\n");
            } else if line == b"AT+SDPEN?\r" {
                self.answer(b"\r\n+SDPEN:ON\r\n\r\nOK\r\n");
            } else if line == b"AT+VER\r" {
                self.answer(b"\r\n+VER:V1.0.1\r\n\r\nOK\r\n");
            } else if line == b"AT+CSQ\r" {
                self.answer(b"\r\n+CSQ:27,99\r\n\r\nOK\r\n");
            } else {
                self.answer(b"\r\nOK\r\n");
            }
        }
    }
}

struct Uart(Script);

impl embedded_io::ErrorType for Uart {
    type Error = Infallible;
}

impl embedded_io::Read for Uart {
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, Infallible> {
        let s = &mut self.0;
        let n = (s.out_len - s.out_pos).min(buf.len());
        buf[..n].copy_from_slice(&s.out[s.out_pos..s.out_pos + n]);
        s.out_pos += n;
        Ok(n)
    }
}

impl embedded_io::ReadReady for Uart {
    fn read_ready(&mut self) -> Result<bool, Infallible> {
        Ok(self.0.out_pos < self.0.out_len)
    }
}

impl embedded_io::Write for Uart {
    fn write(&mut self, buf: &[u8]) -> Result<usize, Infallible> {
        let s = &mut self.0;
        for &b in buf {
            if s.len < s.line.len() {
                s.line[s.len] = b;
                s.len += 1;
            }
        }
        s.written();
        Ok(buf.len())
    }
    fn flush(&mut self) -> Result<(), Infallible> {
        Ok(())
    }
}

/// A virtual clock: every reading is 1 ms later.
struct Virtual(AtomicU32);

impl Clock for Virtual {
    fn now(&self) -> Instant {
        Instant::from_millis(u64::from(self.0.fetch_add(1, Ordering::Relaxed)))
    }
}

unsafe extern "C" {
    static mut __sheap: u32;
    static _stack_start: u32;
}

#[inline(always)]
fn sp() -> usize {
    let sp: usize;
    // SAFETY: reads the stack pointer.
    unsafe { core::arch::asm!("mov {}, sp", out(reg) sp, options(nomem, nostack)) };
    sp
}

/// Paints the stack from the end of static RAM to 64 bytes below the current stack pointer.
#[inline(never)]
fn paint() {
    let bottom = &raw mut __sheap as usize;
    let top = sp() - 64;
    let mut p = bottom;
    while p < top {
        // SAFETY: free stack, below everything in use.
        unsafe { write_volatile(p as *mut u32, PATTERN) };
        p += 4;
    }
}

/// The lowest address no longer holding the pattern.
fn high_water() -> usize {
    let bottom = &raw mut __sheap as usize;
    let mut p = bottom;
    // SAFETY: reads RAM between the statics and the stack.
    while unsafe { read_volatile(p as *const u32) } == PATTERN {
        p += 4;
    }
    p
}

#[entry]
fn main() -> ! {
    static mut RECEIVER: Receiver<{ exchange::RX_N }> = Receiver::new();
    let top = &raw const _stack_start as usize;
    paint();
    let rx: &mut Receiver<{ exchange::RX_N }> = RECEIVER;
    let uart = Uart(Script {
        line: [0; 96],
        len: 0,
        out: [0; 96],
        out_len: 0,
        out_pos: 0,
        probes: 0,
    });
    let mut modem = Modem::new(uart, Virtual(AtomicU32::new(0)), ());
    let r = exchange::exchange(&mut modem, rx);
    let used = top - high_water();
    let (uart, _, _) = modem.release();
    hprintln!("RESULT|{}|probes {}", r, uart.0.probes);
    hprintln!("STACK|{}", used);
    hprintln!(
        "SIZES|{}|{}|{}",
        size_of::<cat1_config::Config>(),
        size_of::<Modem<Uart, Virtual, ()>>(),
        size_of::<Receiver<{ exchange::RX_N }>>()
    );
    if r == 0 || uart.0.probes < 2 {
        debug::exit(debug::EXIT_FAILURE);
    }
    hprintln!("DONE");
    debug::exit(debug::EXIT_SUCCESS);
    #[allow(clippy::empty_loop)]
    loop {}
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    hprintln!("PANIC|{}", info);
    debug::exit(debug::EXIT_FAILURE);
    #[allow(clippy::empty_loop)]
    loop {}
}
