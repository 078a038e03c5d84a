//! The empty binary plus the whole cat1-config model: `Config::factory` of a model chosen at run
//! time, `apply` of a set line read from a fake register (every command's validation), the query
//! and `=?` answers of a name read from it (`render_query`, `render_test`), persistence (encode
//! and decode of a record) and `diff` from the factory configuration, every set step emitted.
//! Everything is written to a fake register, so nothing is optimised away. Measured, never run.
#![no_std]
#![no_main]

use core::mem::MaybeUninit;
use core::ptr::{read_volatile, write_volatile};

use cat1_at_parse::{CommandLine, Writer};
use cat1_config::{Config, Model, diff, persist, render_test};
use cortex_m_rt::entry;

/// A fake receive register.
const RX: *const u32 = 0x2000_0000 as *const u32;
/// A fake transmit register.
const TX: *mut u32 = 0x2000_0004 as *mut u32;

fn rx() -> u32 {
    // SAFETY: a plain read of RAM.
    unsafe { read_volatile(RX) }
}

fn tx(bytes: &[u8]) {
    for &b in bytes {
        // SAFETY: a plain write to RAM.
        unsafe { write_volatile(TX, u32::from(b)) };
    }
}

/// Reads a line (up to CR) from the fake register into `buf`.
fn read_line(buf: &mut [u8]) -> &[u8] {
    let mut n = 0;
    while n < buf.len() {
        let b = rx() as u8;
        if b == b'\r' {
            break;
        }
        buf[n] = b;
        n += 1;
    }
    &buf[..n]
}

#[entry]
fn main() -> ! {
    static mut CONFIG: MaybeUninit<Config> = MaybeUninit::uninit();
    static mut FACTORY: MaybeUninit<Config> = MaybeUninit::uninit();
    static mut LINE: [u8; 640] = [0; 640];
    static mut OUT: [u8; 640] = [0; 640];
    static mut RECORD: [u8; persist::MAX_RECORD] = [0; persist::MAX_RECORD];
    let model = match rx() % 3 {
        0 => Model::WhLte7s1,
        1 => Model::Dr502,
        _ => Model::G771,
    };
    let config = CONFIG.write(Config::factory(model));
    let factory = FACTORY.write(Config::factory(model));
    loop {
        match rx() {
            0 => {
                let line = read_line(LINE);
                let code = match CommandLine::parse(line) {
                    Ok(cmd) => match config.apply(&cmd) {
                        Ok(_) => 0,
                        Err(code) => u32::from(code.0),
                    },
                    Err(_) => 1,
                };
                // SAFETY: as above.
                unsafe { write_volatile(TX, code) };
            }
            1 => {
                let name = read_line(LINE);
                let mut w = Writer::new(OUT);
                let ok = config.render_query(name, &mut w).is_ok();
                if let (true, Ok(n)) = (ok, w.finish()) {
                    tx(&OUT[..n]);
                }
            }
            2 => {
                let name = read_line(LINE);
                let mut w = Writer::new(OUT);
                let ok = render_test(name, &mut w).is_ok();
                if let (true, Ok(n)) = (ok, w.finish()) {
                    tx(&OUT[..n]);
                }
            }
            3 => {
                if let Ok(n) = persist::encode(config, rx(), RECORD) {
                    tx(&RECORD[..n]);
                }
            }
            4 => {
                let n = (rx() as usize).min(RECORD.len());
                for b in RECORD[..n].iter_mut() {
                    *b = rx() as u8;
                }
                if let Ok((_, loaded)) = persist::decode(&RECORD[..n]) {
                    *config = loaded;
                }
            }
            _ => {
                for step in diff::diff(factory, config) {
                    match step {
                        Ok(step) => {
                            if let Ok(n) = step.emit(config, OUT) {
                                tx(&OUT[..n]);
                            }
                        }
                        // SAFETY: as above.
                        Err(_) => unsafe { write_volatile(TX, 2) },
                    }
                }
            }
        }
    }
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    loop {}
}
