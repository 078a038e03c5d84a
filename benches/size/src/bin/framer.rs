//! The empty binary plus what a firmware's AT driver uses of cat1-at-parse: `Framer` fed bytes
//! read from a fake register (one byte per call, as from a UART interrupt), every event handed to
//! `black_box`, and `CommandLine::emit` of a query and a set command (written to a fake register),
//! so that nothing is optimised away.
#![no_std]
#![no_main]

use core::hint::black_box;
use core::ptr::{read_volatile, write_volatile};

use cat1_at_parse::{CommandLine, Expect, Framer, MAX_LINE};
use cortex_m_rt::entry;

/// A fake receive register (the binary is measured, never run).
const RX: *const u32 = 0x2000_0000 as *const u32;
/// A fake transmit register.
const TX: *mut u32 = 0x2000_0004 as *mut u32;

fn send(line: &CommandLine<'_>, buf: &mut [u8]) {
    if let Ok(n) = line.emit(buf) {
        for &b in buf.get(..n).unwrap_or(&[]) {
            // SAFETY: a plain write to RAM.
            unsafe { write_volatile(TX, u32::from(b)) };
        }
    }
}

#[entry]
fn main() -> ! {
    // cortex-m-rt hands `static mut` locals of the entry out as `&mut` (in .bss, not the stack).
    static mut FRAMER: Framer<MAX_LINE> = Framer::new();
    static mut TX_BUF: [u8; 64] = [0; 64];
    let framer: &mut Framer<MAX_LINE> = FRAMER;
    let tx: &mut [u8; 64] = TX_BUF;
    loop {
        // SAFETY: plain reads of RAM.
        let which = unsafe { read_volatile(RX) };
        let (line, sent, name): (CommandLine<'_>, &[u8], &[u8]) = if which & 1 == 0 {
            (CommandLine::query(b"CSQ"), b"AT+CSQ?", b"CSQ")
        } else {
            let apn = CommandLine::set(b"APN", b"CMNET,,,0");
            (apn, b"AT+APN=CMNET,,,0", b"APN")
        };
        send(&line, tx);
        let mut expect = Expect::command(sent, name);
        while !expect.is_done() {
            // SAFETY: as above.
            let byte = unsafe { read_volatile(RX) } as u8;
            // One byte in: an event, when there is one, has consumed it. The status (with its
            // event, whole) is handed to `black_box` in place, so nothing of it is optimised away
            // and no harness code adds to the figure.
            let status = framer.feed(&[byte], &mut expect);
            black_box(&status);
        }
    }
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    loop {}
}
