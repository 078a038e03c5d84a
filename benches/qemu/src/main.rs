//! Cortex-M4 instruction counts of `cat1-at-parse` under QEMU (`-M mps2-an386 -icount shift=0`).
//!
//! With `-icount shift=0` every guest instruction advances QEMU's virtual clock by exactly 1 ns,
//! and the CMSDK APB timer 0 of the board counts that clock at 25 MHz (one tick = 40 ns = 40
//! instructions). The figures are therefore instruction counts, deterministic from run to run:
//!
//! 1. calibration: a hand-written loop of exactly 2 instructions per iteration, run for two
//!    iteration counts; the difference gives instructions per tick (expected: 40);
//! 2. every case is repeated `R` and `2R` times between two timer reads; the difference divided by
//!    `R` is the cost of one repetition, free of the fixed measurement overhead (the timer reads);
//! 3. the per-repetition loop overhead (an empty body through the same harness) is subtracted.
//!
//! `R` is chosen so that a measurement spans at least [`MIN_INSNS`] instructions, so the timer's
//! 40-instruction resolution is below 0.01 % of every figure.
//!
//! What one repetition does is what firmware does with a response: build the [`Expect`] of the
//! command in flight, feed the bytes chunk by chunk to a [`Framer`] (taking every event), and
//! decode every information line: split its parameters and parse the numeric ones with
//! [`parse_int`]. A first pass checks each case gives the expected events and fails the run if not.
//!
//! Output (semihosting, one record a line, `|`-separated), read by `run.sh`:
//! `CALIB|<insns per tick x1000>|<loop overhead x1000>`,
//! `CASE|<set>|<label>|<bytes>|<d1>|<d16>|<d64>|<dall>|<f1>|<f16>|<f64>|<fall>` (instructions x1000
//! per response: `d` framer and typed decoding, `f` framer only; for chunks of 1, 16, 64 bytes and
//! the whole response at once),
//! `TOTAL|<set>|<responses>|<bytes>|...` (the same for one pass over the whole set), then `DONE`.
#![no_std]
#![no_main]

use core::hint::black_box;
use core::ptr::{read_volatile, write_volatile};

use cat1_at_parse::{Event, Expect, FinalResult, Framer, MAX_LINE, Status};
// Linked for its single-core `critical-section` implementation (semihosting output uses it).
use cortex_m as _;
use cortex_m_rt::entry;
use cortex_m_semihosting::{debug, hprintln};

#[allow(dead_code)]
mod corpus {
    include!("../../corpus.rs");
}
use corpus::{ANCHORS, Case, MANUAL};

/// The chunk sizes measured; `usize::MAX` means the whole response at once.
const CHUNKS: [usize; 4] = [1, 16, 64, usize::MAX];

/// A measurement spans at least this many instructions.
const MIN_INSNS: u64 = 400_000;

/// CMSDK APB timer 0 of the MPS2 board (AN386): a 32-bit down counter on the 25 MHz clock.
mod timer {
    use super::*;
    const BASE: usize = 0x4000_0000;
    const CTRL: *mut u32 = BASE as *mut u32;
    const VALUE: *mut u32 = (BASE + 4) as *mut u32;
    const RELOAD: *mut u32 = (BASE + 8) as *mut u32;

    pub fn start() {
        // SAFETY: the board's timer registers, used by nobody else.
        unsafe {
            write_volatile(CTRL, 0);
            write_volatile(RELOAD, u32::MAX);
            write_volatile(VALUE, u32::MAX);
            write_volatile(CTRL, 1);
        }
    }

    /// Ticks elapsed since `start` (wraps after 171 s of virtual time: never within a run).
    #[inline(always)]
    pub fn now() -> u32 {
        // SAFETY: as above.
        u32::MAX - unsafe { read_volatile(VALUE) }
    }
}

/// Exactly `2 * n` instructions (plus a fixed few around the loop).
#[inline(never)]
fn spin(n: u32) {
    if n == 0 {
        return;
    }
    // SAFETY: register-only loop.
    unsafe {
        core::arch::asm!(
            "2:",
            "subs {n}, {n}, #1",
            "bne 2b",
            n = inout(reg) n => _,
            options(nomem, nostack),
        );
    }
}

/// Timer ticks for `reps` calls of `f`.
#[inline(never)]
fn ticks<F: FnMut()>(reps: u32, f: &mut F) -> u64 {
    let t0 = timer::now();
    for _ in 0..reps {
        f();
    }
    let t1 = timer::now();
    u64::from(t1.wrapping_sub(t0))
}

/// Calibration: instructions per tick, as the fraction `num / den`.
struct Calib {
    num: u64,
    den: u64,
    /// Loop overhead per repetition, in instructions x 1000.
    overhead_milli: u64,
}

impl Calib {
    /// Instructions x 1000 per repetition of `f`: `2R` reps minus `R` reps, over `R`.
    fn per_rep_milli<F: FnMut()>(&self, f: &mut F) -> u64 {
        // Size R: one rep of f, estimated on a short run.
        let one = ticks(4, f) * self.num / self.den / 4 + 1;
        let reps = (MIN_INSNS / one).clamp(8, 100_000) as u32;
        let a = ticks(reps, f);
        let b = ticks(reps * 2, f);
        let milli = (b.saturating_sub(a)) * self.num * 1000 / self.den / u64::from(reps);
        milli.saturating_sub(self.overhead_milli)
    }
}

fn calibrate() -> Calib {
    // 2 * (N2 - N1) instructions more for N2 than for N1.
    const N1: u32 = 1_000_000;
    const N2: u32 = 11_000_000;
    let t1 = ticks(1, &mut || spin(black_box(N1)));
    let t2 = ticks(1, &mut || spin(black_box(N2)));
    let mut c = Calib {
        num: 2 * u64::from(N2 - N1),
        den: t2 - t1,
        overhead_milli: 0,
    };
    let mut empty = || {
        black_box(());
    };
    c.overhead_milli = c.per_rep_milli(&mut empty);
    c
}

type Fr = Framer<MAX_LINE>;

/// Typed decoding of one event: what firmware does with it. Returns something to consume.
#[inline(always)]
fn decode(ev: &Event<'_>) -> u32 {
    match ev {
        Event::Info(info) => {
            // `params()` then `parse_int` on each, in one pass (`ParamIter::next_number`).
            let mut acc = 0u32;
            let mut params = info.params().iter();
            while let Some(p) = params.next_number() {
                match p {
                    Ok(v) => acc = acc.wrapping_add(v),
                    Err(p) => acc = acc.wrapping_add(p.len() as u32),
                }
            }
            acc
        }
        other => consume(other),
    }
}

/// Consumes an event without decoding it (the framer-only figures).
#[inline(always)]
fn consume(ev: &Event<'_>) -> u32 {
    match ev {
        Event::Info(info) => info.raw_params().len() as u32,
        Event::Final(FinalResult::Ok) => 1,
        Event::Final(FinalResult::Error) => 2,
        Event::Final(FinalResult::CmeError(n)) => u32::from(*n),
        Event::Echo(l) | Event::Unsolicited(l) => l.len() as u32,
        Event::Overflow { dropped } => *dropped as u32,
        _ => 0,
    }
}

/// One response, a byte per call, as a UART receive interrupt feeds it. An event from one byte
/// has consumed it (nothing is left to feed again); it is decoded (or consumed) on the spot.
#[inline(never)]
fn run_bytes<const DECODE: bool>(framer: &mut Fr, case: &Case) -> u32 {
    let mut expect = Expect::command(case.sent, case.name);
    let mut acc = 0u32;
    for b in case.response {
        if let Status::Complete(ev, _) = framer.feed(core::slice::from_ref(b), &mut expect) {
            acc = acc.wrapping_add(if DECODE { decode(&ev) } else { consume(&ev) });
        }
    }
    acc
}

/// One response through the framer (and the decoder when `DECODE`), `chunk` (more than 1)
/// bytes at a time: every event of a chunk is taken before the next chunk is fed.
#[inline(never)]
fn run_chunks<const DECODE: bool>(framer: &mut Fr, case: &Case, chunk: usize) -> u32 {
    let mut expect = Expect::command(case.sent, case.name);
    let mut acc = 0u32;
    for piece in case.response.chunks(chunk) {
        let mut input = piece;
        while let Status::Complete(ev, n) = framer.feed(input, &mut expect) {
            acc = acc.wrapping_add(if DECODE { decode(&ev) } else { consume(&ev) });
            input = input.get(n..).unwrap_or(&[]);
        }
    }
    acc
}

/// Checks a case gives what it should: at most one echo, info lines of the command, one final
/// result at the end, nothing unsolicited, no overflow. Returns false otherwise.
fn check_case(framer: &mut Fr, case: &Case, chunk: usize) -> bool {
    let mut expect = Expect::command(case.sent, case.name);
    let mut finals = 0;
    let mut ok = true;
    for piece in case.response.chunks(chunk) {
        let mut input = piece;
        while let Status::Complete(ev, n) = framer.feed(input, &mut expect) {
            match ev {
                Event::Final(_) => finals += 1,
                Event::Echo(_) | Event::Info(_) => ok &= finals == 0,
                _ => ok = false,
            }
            input = input.get(n..).unwrap_or(&[]);
        }
    }
    ok && finals == 1 && expect.is_done() && framer.pending().is_empty()
}

fn chunk_of(case: &Case, chunk: usize) -> usize {
    chunk.min(case.response.len()).max(1)
}

/// One pass over `cases`, a byte at a time: what one repetition measures. The call per
/// response stays, as a firmware's call of its response handler.
#[inline(always)]
fn pass_bytes<const DECODE: bool>(framer: &mut Fr, cases: &[Case]) -> u32 {
    let mut acc = 0u32;
    for case in cases {
        acc = acc.wrapping_add(run_bytes::<DECODE>(framer, case));
    }
    acc
}

/// One pass over `cases`, `chunk` bytes at a time (whole responses when `chunk` is larger:
/// `chunks` gives the one piece).
#[inline(always)]
fn pass_chunks<const DECODE: bool>(framer: &mut Fr, cases: &[Case], chunk: usize) -> u32 {
    let mut acc = 0u32;
    for case in cases {
        acc = acc.wrapping_add(run_chunks::<DECODE>(framer, case, chunk));
    }
    acc
}

/// One pass over `cases`, `chunk` bytes at a time, outside the measurements (profile).
#[cfg(feature = "profile")]
fn pass<const DECODE: bool>(framer: &mut Fr, cases: &[Case], chunk: usize) -> u32 {
    if chunk == 1 {
        pass_bytes::<DECODE>(framer, cases)
    } else {
        pass_chunks::<DECODE>(framer, cases, chunk)
    }
}

/// Instructions x 1000 per pass over `cases`, for every chunk size, decoded then framer only.
/// The chunking is chosen once per measurement, not per repetition or per response (a firmware
/// does not choose it per response), and `chunk` goes through `black_box` once, so that nothing
/// is specialised on its value.
fn measure(cal: &Calib, framer: &mut Fr, cases: &[Case]) -> [u64; 8] {
    let mut out = [0u64; 8];
    for (k, &chunk) in CHUNKS.iter().enumerate() {
        let chunk = black_box(chunk);
        if chunk == 1 {
            out[k] = cal.per_rep_milli(&mut || {
                black_box(pass_bytes::<true>(framer, cases));
            });
            out[k + 4] = cal.per_rep_milli(&mut || {
                black_box(pass_bytes::<false>(framer, cases));
            });
        } else {
            out[k] = cal.per_rep_milli(&mut || {
                black_box(pass_chunks::<true>(framer, cases, chunk));
            });
            out[k + 4] = cal.per_rep_milli(&mut || {
                black_box(pass_chunks::<false>(framer, cases, chunk));
            });
        }
    }
    out
}

fn measure_set(cal: &Calib, set: &str, cases: &[Case]) {
    let mut framer = Fr::new();
    for case in cases {
        let f = measure(cal, &mut framer, core::slice::from_ref(case));
        hprintln!(
            "CASE|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}",
            set,
            case.label,
            case.response.len(),
            f[0],
            f[1],
            f[2],
            f[3],
            f[4],
            f[5],
            f[6],
            f[7]
        );
    }
    let bytes: usize = cases.iter().map(|c| c.response.len()).sum();
    let f = measure(cal, &mut framer, cases);
    hprintln!(
        "TOTAL|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}",
        set,
        cases.len(),
        bytes,
        f[0],
        f[1],
        f[2],
        f[3],
        f[4],
        f[5],
        f[6],
        f[7]
    );
}

/// `--features profile`: one pass of the ANCHORS cases and the manual corpus (or only case number
/// `CAT1_PROFILE_CASE`), `CAT1_PROFILE_CHUNK` bytes at a time (default 1), and nothing else, for
/// an instruction trace (see `profile.sh`).
#[cfg(feature = "profile")]
fn profile() {
    fn num(s: Option<&str>) -> Option<usize> {
        s.map(|s| {
            s.bytes()
                .fold(0usize, |n, d| n * 10 + usize::from(d.wrapping_sub(b'0')))
        })
    }
    let chunk = num(option_env!("CAT1_PROFILE_CHUNK")).unwrap_or(1);
    // CAT1_PROFILE_CASE=n: only the n-th case (ANCHORS first, then the manual's).
    let only = num(option_env!("CAT1_PROFILE_CASE"));
    let mut framer = Fr::new();
    let mut acc = 0u32;
    for (i, case) in ANCHORS.iter().chain(MANUAL.iter()).enumerate() {
        if only.is_none_or(|n| n == i) {
            acc = acc.wrapping_add(pass::<true>(
                &mut framer,
                core::slice::from_ref(case),
                chunk,
            ));
        }
    }
    black_box(acc);
    debug::exit(debug::EXIT_SUCCESS);
}

#[entry]
fn main() -> ! {
    #[cfg(feature = "profile")]
    profile();
    timer::start();
    // Correctness first: every case, every chunking.
    let mut framer = Fr::new();
    let mut bad = 0u32;
    for case in ANCHORS.iter().chain(MANUAL.iter()) {
        for chunk in [1, 2, 3, 7, 16, 64, usize::MAX] {
            if !check_case(&mut framer, case, chunk_of(case, chunk)) {
                hprintln!("BAD|{}|chunk {}", case.label, chunk);
                bad += 1;
            }
        }
    }
    if bad != 0 {
        debug::exit(debug::EXIT_FAILURE);
    }

    let cal = calibrate();
    hprintln!(
        "CALIB|{}|{}",
        (cal.num * 1000 + cal.den / 2) / cal.den,
        cal.overhead_milli
    );
    measure_set(&cal, "anchors", ANCHORS);
    measure_set(&cal, "manual", MANUAL);
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
