//! Cortex-M4 instruction counts of the machines above the framer, under QEMU
//! (`-M mps2-an386 -icount shift=0`), with the method of `benches/qemu` (see its README):
//! instructions counted on the CMSDK timer, calibrated on a 2-instruction loop, `R` and `2R`
//! repetitions subtracted so that the timer reads cancel, the empty-loop overhead subtracted.
//!
//! - **SDP** (issue 4): `cat1_socket::sdp::encode_data` of a payload (1, 16, 64, 256, 1024
//!   bytes) into a buffer, then the frame fed to a `Decoder` in chunks of 1, 16, 64 bytes or all
//!   at once until it hands the frame out (its data consumed). Encode alone is measured too.
//! - **SDP receive** (issue 6): the same cycle (1- and 1,024-byte payloads) through cat1-client's
//!   `sdp::Receiver`, which takes the decoder's compact path (`Decoder<N, false>`): less flash,
//!   more instructions per byte.
//! - **Packing** (issue 4): the payload fed to a `cat1_socket::packing::Packer` (UARTFL 1024,
//!   UARTFT 50 ms) in the same chunks, 1 ms apart, then `poll` after the silence: one packet.
//! - **Client** (issue 6): one full command/response cycle of `cat1_client::Core` per corpus case
//!   (`benches/corpus.rs`): the command started as the client's API starts it (`Core::start_fixed`
//!   with a typed request's compile-time line for a line without values, as `modem.query::<X>()`,
//!   `test::<X>()`, `read::<X>()`; `Core::start` with the `CommandLine`, parsed beforehand, for a
//!   line with values, as `modem.command`), the answer fed to `Core::receive` in chunks of 1,
//!   16, 64 bytes or all at once, every output taken; with typed decoding, each information line
//!   goes to cat1-config's decoder for its command as the typed `read_value::<R>()` of
//!   cat1-client decodes it (`info::ReadAnswer::decode_answer_line`, the `from_info` of `info::Csq`,
//!   `SysInfo`, `Clock`, `Cnum`, `LbsCell`, `NeighbourCell`, `LinkState`, `TextInfo`;
//!   `LbsPosition::from_info` for the answers of `AT+LBS=1` and `=2`), or, for a
//!   setting's query, is decoded against the command's description as the typed `query` of
//!   cat1-client decodes it (`request::decode_info_ok`, what `Request::decode_info` gives, by
//!   reference and told only whether it decodes: the parameters the framer located, each
//!   validated).
//! - **Client through the adapters** (issue 6): the same cycles, each chunk (at most 64 bytes)
//!   read into the adapters' read buffer (a read of one byte that completes nothing stored
//!   there) and fed by `procedures::dispatch` (cat1-client's hidden `bench::Reads`), as the
//!   adapters' `pump` feeds it; the UART's read subtracted.
//! - **Client through the public `Modem`** (issue 6; `--features modem`, a binary of its own, see
//!   `mod modem`): whole calls (`read_value::<requests::Csq>`, `command`) through the blocking
//!   and async `Modem` over a fake UART handing out the answer in chunks, everything counted.
//!
//! Output (semihosting, `|`-separated, instructions x1000 per repetition), read by `run.sh`:
//! `CALIB|<insns per tick x1000>|<loop overhead x1000>`,
//! `SDP|<payload>|<wire bytes>|<encode>|<c1>|<c16>|<c64>|<call>`,
//! `RX|<payload>|<wire bytes>|<c1>|<c16>|<c64>|<call>` (encode + receive, compact path),
//! `PACK|<payload>|<c1>|<c16>|<c64>|<call>`,
//! `CASE|<set>|<label>|<bytes>|<d1>|<d16>|<d64>|<dall>|<f1>|<f16>|<f64>|<fall>` and
//! `TOTAL|<set>|<responses>|<bytes>|...` (`d` with typed decoding, `f` core only),
//! `FIXED|<cases started with a fixed line>|<cases>`, `DECODED|<typed ok>|<typed failed>|<generic>`,
//! `ONE|<label>|<bytes>|<d1>` (a manual case alone), then `ACASE|...` and `ATOTAL|...` as `CASE`
//! and `TOTAL`, the same cycles through the adapters' receive path (see `adapter_cycle`), then
//! `DONE`. With `--features modem`, only `MCASE|...` and `MTOTAL|...` (as `CASE` and `TOTAL`,
//! `<b1>|<b16>|<b64>|<ball>|<a1>|<a16>|<a64>|<aall>`: blocking, async),
//! `FAKE|<chunk index>|<reads>|<insns>` (the fake UART alone over the manual set), then `DONE`.
#![no_std]
#![no_main]
// The `modem` binary runs its own section only.
#![cfg_attr(feature = "modem", allow(dead_code, unused_imports))]

use core::cell::Cell;
use core::hint::black_box;
use core::ptr::{read_volatile, write_volatile};

use cat1_at_parse::{CommandLine, FinalResult, InfoLine, Status};
use cat1_client::bench::{Finished, Reads};
use cat1_client::{Core, Echo, Listener, Output};
use cat1_config::info::{self, ReadAnswer};
use cat1_config::request::FixedLine;
use cat1_config::requests;
use cat1_config::spec::CommandSpec;
use cat1_hal_traits::time::{Duration, Instant};
use cat1_socket::SocketId;
use cat1_socket::packing::{Packer, PackingSettings};
use cat1_socket::sdp::{self, Direction, Event as SdpEvent, Frame, Payload};
use cortex_m as _;
use cortex_m_rt::entry;
use cortex_m_semihosting::{debug, hprintln};

#[allow(dead_code)]
mod corpus {
    include!("../../corpus.rs");
}
use corpus::{ANCHORS, Case, MANUAL};

/// Chunk sizes; `usize::MAX` is the whole input at once.
const CHUNKS: [usize; 4] = [1, 16, 64, usize::MAX];
/// Payload sizes of the SDP and packing figures.
const SIZES: [usize; 5] = [1, 16, 64, 256, 1024];
/// The largest payload.
const MAX_PAYLOAD: usize = 1024;
/// Decoder buffer: the largest frame after its header (length 2, socket, parameter, data, sum).
const DEC_N: usize = MAX_PAYLOAD + 5;
/// A measurement spans at least this many instructions.
const MIN_INSNS: u64 = 400_000;

type Dec = sdp::Decoder<DEC_N>;
/// cat1-client's receiver, on the decoder's compact path (its default).
type Rx = cat1_client::sdp::Receiver<DEC_N>;
/// Payload sizes of the receiver's figures.
const RX_SIZES: [usize; 2] = [1, 1024];
type Pack = Packer<{ cat1_socket::packing::MAX_PACKET }>;

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

#[inline(never)]
fn ticks<F: FnMut()>(reps: u32, f: &mut F) -> u64 {
    let t0 = timer::now();
    for _ in 0..reps {
        f();
    }
    let t1 = timer::now();
    u64::from(t1.wrapping_sub(t0))
}

struct Calib {
    num: u64,
    den: u64,
    overhead_milli: u64,
}

impl Calib {
    /// Instructions x 1000 per repetition of `f`: `2R` reps minus `R` reps, over `R`.
    fn per_rep_milli<F: FnMut()>(&self, f: &mut F) -> u64 {
        let one = ticks(4, f) * self.num / self.den / 4 + 1;
        let reps = (MIN_INSNS / one).clamp(8, 100_000) as u32;
        let a = ticks(reps, f);
        let b = ticks(reps * 2, f);
        let milli = (b.saturating_sub(a)) * self.num * 1000 / self.den / u64::from(reps);
        milli.saturating_sub(self.overhead_milli)
    }
}

fn calibrate() -> Calib {
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

fn chunk_of(len: usize, chunk: usize) -> usize {
    chunk.min(len).max(1)
}

// ---------------------------------------------------------------------------------------------
// SDP and packing (issue 4)

/// A deterministic payload (an LCG's high bytes: header bytes appear inside, as in real data).
fn fill_payload(buf: &mut [u8]) {
    let mut x: u32 = 0x1234_5678;
    for b in buf.iter_mut() {
        x = x.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        *b = (x >> 24) as u8;
    }
}

/// Encodes one data frame (module to MCU, socket B); returns its length.
#[inline(never)]
fn sdp_encode(payload: &[u8], wire: &mut [u8]) -> usize {
    sdp::encode_data(Direction::ToHost, SocketId::B, payload, wire).unwrap_or(0)
}

/// Feeds `wire` to the decoder `chunk` bytes at a time, taking every event; returns the data
/// bytes of the frames handed out.
#[inline(never)]
fn sdp_decode(dec: &mut Dec, wire: &[u8], chunk: usize) -> usize {
    let mut got = 0usize;
    for piece in wire.chunks(chunk) {
        let mut input = piece;
        while let Status::Complete(ev, used) = dec.feed(input) {
            if let SdpEvent::Frame(Frame {
                payload: Payload::Data(d),
                ..
            }) = ev
            {
                got += d.len();
                black_box(d);
            }
            input = input.get(used..).unwrap_or(&[]);
        }
    }
    got
}

/// [`sdp_decode`] through cat1-client's receiver (the compact path).
#[inline(never)]
fn rx_decode(rx: &mut Rx, wire: &[u8], chunk: usize) -> usize {
    let mut got = 0usize;
    for piece in wire.chunks(chunk) {
        let mut input = piece;
        while let Status::Complete(ev, used) = rx.feed(input) {
            if let cat1_client::sdp::SocketEvent::Data { data, .. } = ev {
                got += data.len();
                black_box(data);
            }
            input = input.get(used..).unwrap_or(&[]);
        }
    }
    got
}

/// Feeds `data` to the packer `chunk` bytes at a time (1 ms apart), then polls after the
/// silence; returns the bytes handed out in packets.
#[inline(never)]
fn pack(p: &mut Pack, data: &[u8], chunk: usize, t: &mut u64) -> usize {
    let mut got = 0usize;
    for piece in data.chunks(chunk) {
        let now = Instant::from_millis(*t);
        *t += 1;
        let mut input = piece;
        while let Status::Complete(packet, used) = p.feed(input, now) {
            got += packet.len();
            black_box(packet);
            input = input.get(used..).unwrap_or(&[]);
        }
    }
    *t += 60;
    if let Some(packet) = p.poll(Instant::from_millis(*t)) {
        got += packet.len();
        black_box(packet);
    }
    got
}

fn check_socket(payload: &mut [u8; MAX_PAYLOAD], wire: &mut [u8; MAX_PAYLOAD + 8]) -> bool {
    let mut ok = true;
    let mut dec = Dec::new(Direction::ToHost);
    let mut p = Pack::new(PackingSettings::default());
    let mut t = 0u64;
    for &size in &SIZES {
        for chunk in [1, 2, 3, 7, 16, 64, usize::MAX] {
            let data = &payload[..size];
            let n = sdp_encode(data, wire);
            ok &= n == size + sdp::OVERHEAD;
            // The frame must come out whole and equal to the payload.
            let mut same = false;
            let mut frames = 0;
            for piece in wire[..n].chunks(chunk) {
                let mut input = piece;
                while let Status::Complete(ev, used) = dec.feed(input) {
                    match ev {
                        SdpEvent::Frame(Frame {
                            socket: SocketId::B,
                            payload: Payload::Data(d),
                        }) => {
                            frames += 1;
                            same = d == data;
                        }
                        _ => ok = false,
                    }
                    input = &input[used..];
                }
            }
            ok &= frames == 1 && same && !dec.is_mid_frame();
            ok &= pack(&mut p, data, chunk, &mut t) == size && p.pending() == 0;
        }
    }
    // Keep the payloads opaque to the optimiser.
    black_box(payload);
    ok
}

fn measure_socket(cal: &Calib) {
    let mut payload = [0u8; MAX_PAYLOAD];
    fill_payload(&mut payload);
    let mut wire = [0u8; MAX_PAYLOAD + 8];
    if !check_socket(&mut payload, &mut wire) {
        hprintln!("BAD|socket round trip");
        debug::exit(debug::EXIT_FAILURE);
    }
    let mut dec = Dec::new(Direction::ToHost);
    let mut p = Pack::new(PackingSettings::default());
    let mut t = 0u64;
    for &size in &SIZES {
        let data = &payload[..size];
        let mut enc = || {
            black_box(sdp_encode(black_box(data), &mut wire));
        };
        let e = cal.per_rep_milli(&mut enc);
        let mut sdp_rows = [0u64; 4];
        let mut pack_rows = [0u64; 4];
        for (k, &chunk) in CHUNKS.iter().enumerate() {
            let c = chunk_of(size + sdp::OVERHEAD, chunk);
            let mut cycle = || {
                let n = sdp_encode(black_box(data), &mut wire);
                black_box(sdp_decode(&mut dec, &wire[..n], black_box(c)));
            };
            sdp_rows[k] = cal.per_rep_milli(&mut cycle);
            let c = chunk_of(size, chunk);
            let mut packing = || {
                black_box(pack(&mut p, black_box(data), black_box(c), &mut t));
            };
            pack_rows[k] = cal.per_rep_milli(&mut packing);
        }
        hprintln!(
            "SDP|{}|{}|{}|{}|{}|{}|{}",
            size,
            size + sdp::OVERHEAD,
            e,
            sdp_rows[0],
            sdp_rows[1],
            sdp_rows[2],
            sdp_rows[3]
        );
        hprintln!(
            "PACK|{}|{}|{}|{}|{}",
            size,
            pack_rows[0],
            pack_rows[1],
            pack_rows[2],
            pack_rows[3]
        );
    }
    measure_receiver(cal, &payload, &mut wire);
}

/// The receiver's figures, checked first; measured after the others, so that their timer reads
/// fall where they fell before the receiver was measured (a figure of 10 repetitions moves by up
/// to 4 instructions with the timer's phase).
#[inline(never)]
fn measure_receiver(cal: &Calib, payload: &[u8; MAX_PAYLOAD], wire: &mut [u8; MAX_PAYLOAD + 8]) {
    let mut ok = true;
    for &size in &SIZES {
        for chunk in [1, 2, 3, 7, 16, 64, usize::MAX] {
            let data = &payload[..size];
            let n = sdp_encode(data, wire);
            // The frame whole and equal to the payload, nothing else.
            let mut rx = Rx::new();
            let mut same = false;
            let mut events = 0;
            for piece in wire[..n].chunks(chunk) {
                let mut input = piece;
                while let Status::Complete(ev, used) = rx.feed(input) {
                    events += 1;
                    if let cat1_client::sdp::SocketEvent::Data {
                        socket: SocketId::B,
                        data: d,
                    } = ev
                    {
                        same = d == data;
                    }
                    input = &input[used..];
                }
            }
            ok &= events == 1 && same && rx.counters().frames == 1;
        }
    }
    if !ok {
        hprintln!("BAD|receiver round trip");
        debug::exit(debug::EXIT_FAILURE);
    }
    let mut rx = Rx::new();
    for &size in &RX_SIZES {
        let data = &payload[..size];
        let mut rows = [0u64; 4];
        for (k, &chunk) in CHUNKS.iter().enumerate() {
            let c = chunk_of(size + sdp::OVERHEAD, chunk);
            let mut cycle = || {
                let n = sdp_encode(black_box(data), wire);
                black_box(rx_decode(&mut rx, &wire[..n], black_box(c)));
            };
            rows[k] = cal.per_rep_milli(&mut cycle);
        }
        hprintln!(
            "RX|{}|{}|{}|{}|{}|{}",
            size,
            size + sdp::OVERHEAD,
            rows[0],
            rows[1],
            rows[2],
            rows[3]
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Client cycles (issue 6)

/// How a firmware decodes the information lines of a command (its type is known statically).
#[derive(Clone, Copy)]
enum Kind {
    Csq,
    SysInfo,
    Clock,
    Cnum,
    Lbs,
    LbsPosition,
    Lbsn,
    Link,
    Imei,
    Iccid,
    Text(&'static str),
    Setting(&'static CommandSpec),
    /// `=?` answers and anything without a typed parser: parameters split, numbers read as
    /// they are split (`ParamIter::next_number`).
    Generic,
}

/// How the firmware starts the command: what the client's API does for it.
#[derive(Clone, Copy)]
enum Start {
    /// `modem.query::<R>()`, `test::<R>()`, `read::<R>()` (or `execute::<R>()`): the line fixed
    /// at compile time (`Request::QUERY_LINE`, `TEST_LINE`, `BARE_LINE`), `Core::start_fixed`.
    Fixed(FixedLine),
    /// A line with values: `modem.command(&CommandLine)`, `Core::start`.
    Line(CommandLine<'static>),
}

#[derive(Clone, Copy)]
struct Prepared {
    start: Start,
    kind: Kind,
    response: &'static [u8],
}

impl Prepared {
    /// Starts the command as the client's API does; the bytes to write.
    #[inline(always)]
    fn start<'c>(&self, core: &'c mut Core) -> Option<&'c [u8]> {
        match &self.start {
            Start::Fixed(line) => core.start_fixed(line, TIMEOUT, Instant::ZERO).ok()?.ok(),
            Start::Line(line) => core.start(line, TIMEOUT, Instant::ZERO).ok(),
        }
    }

    /// The line written (CR included) into `buf`; its length.
    fn emit(&self, buf: &mut [u8]) -> Option<usize> {
        match &self.start {
            Start::Fixed(line) => {
                let l = line.line().ok()?;
                buf.get_mut(..l.len())?.copy_from_slice(l);
                Some(l.len())
            }
            Start::Line(line) => line.emit(buf).ok(),
        }
    }
}

const N_CASES: usize = ANCHORS.len() + MANUAL.len();

fn kind_of(case: &Case) -> Kind {
    if case.sent.ends_with(b"=?") {
        return Kind::Generic;
    }
    let spec = cat1_config::find(case.name);
    let name = case.name;
    match name {
        b"CSQ" => Kind::Csq,
        b"SYSINFO" => Kind::SysInfo,
        b"CCLK" => Kind::Clock,
        b"CNUM" => Kind::Cnum,
        // `AT+LBS?` reads the cell (`read_value::<requests::Lbs>()`); `AT+LBS=1` and `AT+LBS=2`
        // are commands whose answer is a position.
        b"LBS" if case.sent.starts_with(b"AT+LBS=") => Kind::LbsPosition,
        b"LBS" => Kind::Lbs,
        b"LBSN" => Kind::Lbsn,
        b"SOCKALK" | b"SOCKBLK" | b"SOCKCLK" | b"SOCKDLK" => Kind::Link,
        b"IMEI" => Kind::Imei,
        b"ICCID" => Kind::Iccid,
        b"VER" | b"BUILD" | b"SN" | b"CIP" => match spec {
            Some(s) => Kind::Text(s.name),
            None => Kind::Generic,
        },
        _ => match spec {
            Some(s) if s.setting && case.sent.ends_with(b"?") => Kind::Setting(s),
            _ => Kind::Generic,
        },
    }
}

/// Case `i`, the ANCHORS first.
fn case_of(i: usize) -> &'static Case {
    if i < ANCHORS.len() {
        &ANCHORS[i]
    } else {
        &MANUAL[i - ANCHORS.len()]
    }
}

fn prepare(i: usize) -> Prepared {
    let case = case_of(i);
    let line = CommandLine::parse(case.sent).unwrap_or(CommandLine::bare());
    // A line without values is a typed request's fixed line when the command has that form
    // (as the typed API would send it); `check_lines` checks it is the line of the case.
    let spec = if case.name.is_empty() {
        Some(&cat1_config::commands::general::AT)
    } else {
        cat1_config::find(case.name)
    };
    let fixed = spec.and_then(|spec| {
        [
            FixedLine::test(spec),
            FixedLine::query(spec),
            FixedLine::bare(spec),
        ]
        .into_iter()
        .find(|line| {
            line.line()
                .is_ok_and(|l| l.strip_suffix(b"\r") == Some(case.sent))
        })
    });
    Prepared {
        start: fixed.map_or(Start::Line(line), Start::Fixed),
        kind: kind_of(case),
        response: case.response,
    }
}

/// Every prepared case writes the line of its case (`sent` and CR); the number of fixed lines.
fn check_lines(prepared: &[Prepared]) -> Option<usize> {
    let mut fixed = 0;
    for (i, p) in prepared.iter().enumerate() {
        let case = case_of(i);
        let mut buf = [0u8; cat1_at_parse::MAX_LINE];
        let n = p.emit(&mut buf)?;
        let (line, cr) = buf[..n].split_at(n.checked_sub(1)?);
        if line != case.sent || cr != b"\r" {
            hprintln!("BAD|{}|line", case.label);
            return None;
        }
        fixed += usize::from(matches!(p.start, Start::Fixed(_)));
    }
    Some(fixed)
}

/// Typed decoding of one information line. `Ok` when the typed parser accepted it, `Err` when
/// it refused it (counted by the check, measured all the same). A read-only value is decoded as
/// the typed `read_value::<R>()` of cat1-client decodes it, from the `InfoLine` (`ReadAnswer`,
/// the `from_info` of cat1-config's `info` types: the name the framer matched not compared
/// again); the answers of `AT+LBS=1` and `AT+LBS=2` (commands with values, whose information
/// lines `modem.command` hands out) with `LbsPosition::from_info`.
#[inline(always)]
fn decode_line(
    kind: Kind,
    info: &cat1_at_parse::InfoLine<'_>,
    open: Option<&mut bool>,
) -> Result<u32, ()> {
    /// The value `R::decode_line` gives, looked at; 0 for a line without one.
    #[inline(always)]
    fn read<R: ReadAnswer>(info: cat1_at_parse::InfoLine<'_>) -> Result<u32, info::InfoError> {
        R::decode_line(info).map(|v| match v {
            Some(v) => {
                black_box(v);
                1
            }
            None => 0,
        })
    }
    let info = *info;
    let r = match kind {
        Kind::Csq => requests::Csq::decode_line(info)
            .map(|v| v.map_or(0, |v| black_box(v).dbm().unwrap_or(0) as u32)),
        // In its place in the answer, as `read_value` decodes it. `open`, the answer's state
        // that `read_value` keeps across its lines: the check's (`check_cycle`) or, measured,
        // the state a well-formed answer of the corpus is in at this line (open before the
        // value line of the two-line form: `check_cycle` checks that both give the same result
        // on every line, and that no answer ends with a header open), kept in
        // a register rather than threaded through the harness's closure, which cost every
        // kind of line about an instruction a byte fed a byte at a time.
        Kind::SysInfo => {
            let mut assumed = info.is_continuation();
            let open = open.unwrap_or(&mut assumed);
            requests::Sysinfo::decode_answer_line(open, info).map(|v| match v {
                Some(v) => {
                    black_box(v);
                    1
                }
                None => 0,
            })
        }
        Kind::Clock => read::<requests::Cclk>(info),
        Kind::Cnum => read::<requests::Cnum>(info),
        Kind::Lbs => read::<requests::Lbs>(info),
        // The answer of a command with values (`modem.command`), decoded as its type.
        Kind::LbsPosition => info::LbsPosition::from_info(info).map(|v| {
            black_box(v);
            1
        }),
        Kind::Lbsn => read::<requests::Lbsn>(info),
        // The four sockets' requests decode alike (`LinkState::from_info`).
        Kind::Link => read::<requests::Sockalk>(info),
        Kind::Imei => read::<requests::Imei>(info),
        Kind::Iccid => read::<requests::Iccid>(info),
        // What `read_value` of `Ver`, `Build`, `Sn` and `Cip` runs, with their name.
        Kind::Text(name) => info::TextInfo::from_info(name, info).map(|v| {
            black_box(v);
            1
        }),
        Kind::Setting(spec) => {
            if info.is_continuation() {
                return Ok(0);
            }
            // What the typed `query` of cat1-client runs for a generated request
            // (`request::decode_info_ok`, the values by reference), for the command's
            // description.
            return cat1_config::request::decode_info_ok(spec, info, |v| {
                black_box(v).as_slice().len() as u32
            })
            .ok_or(());
        }
        Kind::Generic => {
            // Each parameter as the number it holds or as written, in one pass over a
            // number's digits (`ParamIter::next_number`: what `parse_int` of each gives).
            let mut acc = 0u32;
            let mut params = info.params().iter();
            while let Some(p) = params.next_number() {
                match p {
                    Ok(v) => acc = acc.wrapping_add(v),
                    Err(p) => acc = acc.wrapping_add(p.len() as u32),
                }
            }
            return Ok(acc);
        }
    };
    r.map_err(|_| ())
}

#[inline(always)]
fn consume(out: &Output<'_>) -> u32 {
    match out {
        Output::Info(info) => info.raw_params().len() as u32,
        Output::Done(_) => 1,
        Output::Unsolicited(l) => l.len() as u32,
        Output::Overflow { dropped } => *dropped as u32,
        _ => 0,
    }
}

const TIMEOUT: Duration = Duration::from_secs(5);

/// One full cycle: start the command, feed the answer `chunk` bytes at a time, take every
/// output (decoding information lines when `DECODE`).
#[inline(never)]
fn cycle<const DECODE: bool>(core: &mut Core, case: &Prepared, chunk: usize) -> u32 {
    let mut acc = match case.start(core) {
        Some(tx) => {
            black_box(tx);
            tx.len() as u32
        }
        None => return 0,
    };
    let take = |out: &Output<'_>| {
        if DECODE {
            match out {
                Output::Info(info) => decode_line(case.kind, info, None).unwrap_or(7),
                other => consume(other),
            }
        } else {
            consume(out)
        }
    };
    if chunk == 1 {
        // A byte per call, as a UART receive interrupt feeds it (the loop of `benches/qemu`'s
        // `run_bytes`): an output from one byte has consumed it (`check_cycle` checks it), so
        // nothing is left to feed again; no chunk to cut.
        for b in case.response {
            if let Status::Complete(out, _) = core.receive(core::slice::from_ref(b)) {
                acc = acc.wrapping_add(take(&out));
            }
        }
        return acc;
    }
    for piece in case.response.chunks(chunk) {
        let mut input = piece;
        while let Status::Complete(out, used) = core.receive(input) {
            acc = acc.wrapping_add(take(&out));
            input = input.get(used..).unwrap_or(&[]);
        }
    }
    acc
}

/// Checks one case in one chunking: one final result at the end, nothing unsolicited, the core
/// idle after. Counts typed decodes that succeeded or failed.
fn check_cycle(core: &mut Core, case: &Prepared, chunk: usize, tally: &mut [u32; 3]) -> bool {
    if case.start(core).is_none() {
        return false;
    }
    let mut finals = 0;
    let mut ok = true;
    let mut open = false;
    for piece in case.response.chunks(chunk) {
        let mut input = piece;
        while let Status::Complete(out, used) = core.receive(input) {
            match out {
                Output::Done(_) => finals += 1,
                Output::Echo => ok &= finals == 0,
                Output::Info(info) => {
                    ok &= finals == 0;
                    if chunk == 1 {
                        let r = decode_line(case.kind, &info, Some(&mut open));
                        // What `cycle` measures (the state a well-formed answer is in at this
                        // line, not threaded through): the same result as the real state's.
                        ok &= decode_line(case.kind, &info, None) == r;
                        match (case.kind, r) {
                            (Kind::Generic, _) => tally[2] += 1,
                            (_, Ok(_)) => tally[0] += 1,
                            (_, Err(_)) => tally[1] += 1,
                        }
                    }
                }
                _ => ok = false,
            }
            // What `cycle` fed a byte at a time relies on.
            ok &= chunk != 1 || used == 1;
            input = &input[used..];
        }
    }
    // No header left waiting for its value (`read_value` would refuse the answer).
    ok && !open && finals == 1 && !core.is_busy()
}

fn measure_cases(cal: &Calib, core: &mut Core, cases: &[Prepared]) -> [u64; 8] {
    let mut out = [0u64; 8];
    for (k, &chunk) in CHUNKS.iter().enumerate() {
        let mut decoded = || {
            let mut acc = 0u32;
            for case in cases {
                let c = black_box(chunk_of(case.response.len(), chunk));
                acc = acc.wrapping_add(cycle::<true>(core, black_box(case), c));
            }
            black_box(acc);
        };
        out[k] = cal.per_rep_milli(&mut decoded);
        let mut bare = || {
            let mut acc = 0u32;
            for case in cases {
                let c = black_box(chunk_of(case.response.len(), chunk));
                acc = acc.wrapping_add(cycle::<false>(core, black_box(case), c));
            }
            black_box(acc);
        };
        out[k + 4] = cal.per_rep_milli(&mut bare);
    }
    out
}

fn print_row(tag: &str, set: &str, label: &str, n: usize, bytes: usize, f: &[u64; 8]) {
    hprintln!(
        "{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}",
        tag,
        set,
        label,
        n,
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

fn measure_client(cal: &Calib) {
    let prepared: [Prepared; N_CASES] = core::array::from_fn(prepare);
    let mut core: Core = Core::new();
    let Some(fixed) = check_lines(&prepared) else {
        debug::exit(debug::EXIT_FAILURE);
        return;
    };
    hprintln!("FIXED|{}|{}", fixed, prepared.len());
    let mut bad = 0u32;
    let mut tally = [0u32; 3];
    for (i, case) in prepared.iter().enumerate() {
        for chunk in [1, 2, 3, 7, 16, 64, usize::MAX] {
            if !check_cycle(
                &mut core,
                case,
                chunk_of(case.response.len(), chunk),
                &mut tally,
            ) {
                hprintln!("BAD|{}|chunk {}", case_of(i).label, chunk);
                bad += 1;
            }
        }
    }
    if bad != 0 {
        debug::exit(debug::EXIT_FAILURE);
    }
    hprintln!("DECODED|{}|{}|{}", tally[0], tally[1], tally[2]);
    let (anchors, manual) = prepared.split_at(ANCHORS.len());
    for (case, p) in ANCHORS.iter().zip(anchors) {
        let f = measure_cases(cal, &mut core, core::slice::from_ref(p));
        print_row("CASE", "anchors", case.label, 1, p.response.len(), &f);
    }
    for (set, cases) in [("anchors", anchors), ("manual", manual)] {
        let bytes: usize = cases.iter().map(|c| c.response.len()).sum();
        let f = measure_cases(cal, &mut core, cases);
        print_row("TOTAL", set, set, cases.len(), bytes, &f);
    }
    measure_echo(cal, manual);
    // The costliest single manual responses (per byte, decoded, 1 byte at a time) are found by
    // run.sh from these rows.
    for (case, p) in MANUAL.iter().zip(manual) {
        let mut one = || {
            let c = black_box(1usize);
            black_box(cycle::<true>(&mut core, black_box(p), c));
        };
        let d1 = cal.per_rep_milli(&mut one);
        hprintln!("ONE|{}|{}|{}", case.label, p.response.len(), d1);
    }
    // Last: the figures above keep the timer phase they had before these were added.
    measure_adapter(cal, &prepared);
}

// ---------------------------------------------------------------------------------------------
// The same client cycles through the adapters' receive path (issue 6)

/// The adapters' read buffer (`Carry`): a read is at most this many bytes.
const READ_MAX: usize = 64;

/// The UART's read: `src` copied into the read buffer `dst`; the count. The firmware's, not the
/// client's: its calls are measured alone and subtracted (`measure_adapter_cases`). Out of line,
/// so that it is the same code in the cycle and where it is measured alone.
#[inline(never)]
fn uart_read(dst: &mut [u8], src: &[u8]) -> usize {
    let n = src.len().min(dst.len());
    for (d, s) in dst.iter_mut().zip(src) {
        *d = *s;
    }
    n
}

/// One full cycle as [`cycle`], the answer fed as a blocking or async `Modem` feeds it while
/// its exchange is in flight (its `pump`): each chunk read into the adapters' read buffer
/// (`uart_read`) and taken as `pump` takes it (`Reads::filled`: a read of one byte that
/// completes nothing stored at once), then `dispatch` (`Core::receive_chunk` up to the end of the exchange,
/// information lines to the caller's closure, the rest to the listener) and, at the end,
/// `end_of_answer`, until the buffer is empty (`Reads`, cat1-client's hidden entry to that
/// path). `chunk` at most [`READ_MAX`].
#[inline(never)]
fn adapter_cycle<const DECODE: bool>(
    core: &mut Core,
    reads: &mut Reads,
    case: &Prepared,
    chunk: usize,
) -> u32 {
    let mut acc = match case.start(core) {
        Some(tx) => {
            black_box(tx);
            tx.len() as u32
        }
        None => return 0,
    };
    let kind = case.kind;
    let mut on_info = |info: InfoLine<'_>| {
        let v = if DECODE {
            decode_line(kind, &info, None).unwrap_or(7)
        } else {
            info.raw_params().len() as u32
        };
        acc = acc.wrapping_add(v);
    };
    // A `dyn` call, as in the adapters (the closure is `query_fixed`'s or the like, the loop
    // `pump`'s): not inlined into the loop here either.
    let on_info: &mut dyn cat1_client::bench::OnInfo = black_box(&mut on_info);
    // A start that fails, and a loop that would not end, are ruled out before any measuring:
    // `check_adapter` runs every case in these chunkings first (bounded there), and the bench
    // stops on a failed check. Nothing is added to the loop measured here.
    for piece in case.response.chunks(chunk) {
        let n = uart_read(reads.space(), piece);
        reads.filled(n, core);
        while !reads.is_empty() {
            if let Some(f) = reads.dispatch(core, &mut (), on_info) {
                black_box(f);
            }
        }
    }
    acc
}

/// The chunk loop of [`adapter_cycle`] with its UART reads (`READ`) or without: the difference
/// is what the reads cost.
#[inline(never)]
fn uart_pass<const READ: bool>(buf: &mut [u8; READ_MAX], case: &Prepared, chunk: usize) -> u32 {
    let mut acc = 0u32;
    for piece in case.response.chunks(chunk) {
        if READ {
            acc = acc.wrapping_add(uart_read(&mut buf[..], piece) as u32);
        } else {
            acc = acc.wrapping_add(black_box(piece).len() as u32);
        }
        black_box(&mut *buf);
    }
    acc
}

/// A fingerprint of the outputs a cycle hands out: their kinds, bytes and order.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Print {
    hash: u32,
    count: u32,
}

impl Print {
    const NEW: Print = Print {
        hash: 0x811c_9dc5,
        count: 0,
    };

    fn mix(&mut self, tag: u8, bytes: &[u8]) {
        self.count += 1;
        // The length too: two lists that cut the same bytes differently differ.
        let len = (bytes.len() as u32).to_le_bytes();
        for &b in core::iter::once(&tag).chain(&len).chain(bytes) {
            self.hash = (self.hash ^ u32::from(b)).wrapping_mul(0x0100_0193);
        }
    }

    fn done(&mut self, r: FinalResult) {
        match r {
            FinalResult::Ok => self.mix(b'D', b"OK"),
            FinalResult::Error => self.mix(b'D', b"ERROR"),
            FinalResult::CmeError(c) => self.mix(b'C', &c.to_le_bytes()),
        }
    }
}

/// The check's listener: what `dispatch` hands it, fingerprinted with the information lines
/// (one fingerprint for both: their order kept).
struct Heard<'p>(&'p Cell<Print>);

impl Heard<'_> {
    fn mix(&self, tag: u8, bytes: &[u8]) {
        let mut p = self.0.get();
        p.mix(tag, bytes);
        self.0.set(p);
    }
}

impl Listener for Heard<'_> {
    fn line(&mut self, line: &[u8]) {
        self.mix(b'U', line);
    }
    fn overflow(&mut self, dropped: usize) {
        self.mix(b'O', &dropped.to_le_bytes());
    }
    fn data(&mut self, bytes: &[u8]) {
        self.mix(b'X', bytes);
    }
}

/// Checks one case in one chunking (at most [`READ_MAX`]): the adapters' path hands out what
/// `Core::receive` hands out (the information lines, one final result, anything unsolicited,
/// in the same order; the echo, which `dispatch` drops, left out), the core idle and the read
/// buffer empty after.
fn check_adapter(core: &mut Core, reads: &mut Reads, case: &Prepared, chunk: usize) -> bool {
    let mut want = Print::NEW;
    let before = counts(core);
    if case.start(core).is_none() {
        return false;
    }
    for piece in case.response.chunks(chunk) {
        let mut input = piece;
        while let Status::Complete(out, used) = core.receive(input) {
            match out {
                Output::Echo => {}
                Output::Info(info) => want.mix(b'I', info.line()),
                Output::Done(r) => want.done(r),
                Output::Unsolicited(l) => want.mix(b'U', l),
                Output::Overflow { dropped } => want.mix(b'O', &dropped.to_le_bytes()),
                _ => want.mix(b'H', b""),
            }
            input = &input[used..];
        }
    }
    let middle = counts(core);
    let got = Cell::new(Print::NEW);
    let mut finals = 0;
    if case.start(core).is_none() {
        return false;
    }
    for piece in case.response.chunks(chunk) {
        let n = uart_read(reads.space(), piece);
        reads.filled(n, core);
        // Every turn feeds a byte at least (or ends the exchange): bounded all the same.
        for _ in 0..=READ_MAX {
            if reads.is_empty() {
                break;
            }
            let mut heard = Heard(&got);
            let mut on_info = |info: InfoLine<'_>| Heard(&got).mix(b'I', info.line());
            match reads.dispatch(core, &mut heard, &mut on_info) {
                Some(Finished::Done(r)) => {
                    finals += 1;
                    let mut p = got.get();
                    p.done(r);
                    got.set(p);
                }
                Some(_) => heard.mix(b'H', b""),
                None => {}
            }
        }
    }
    // The counters moved alike by both ways (unsolicited lines, late responses, drops).
    let after = counts(core);
    let same_counts = (0..after.len())
        .all(|i| after[i].wrapping_sub(middle[i]) == middle[i].wrapping_sub(before[i]));
    finals == 1 && got.get() == want && same_counts && !core.is_busy() && reads.is_empty()
}

/// The core's counters as numbers, for [`check_adapter`]'s deltas.
fn counts(core: &Core) -> [u64; 7] {
    counters_of(core.counters())
}

/// [`counts`] of counters read elsewhere (a `Modem`'s).
fn counters_of(c: cat1_client::ClientCounters) -> [u64; 7] {
    [
        c.timeouts.into(),
        c.probes_unanswered.into(),
        c.aborted.into(),
        c.late_responses.into(),
        c.unsolicited.into(),
        c.overflows.into(),
        c.bytes_dropped,
    ]
}

/// The adapters' cycles of `cases`, as [`measure_cases`]: with typed decoding (`0..4`) and core
/// only (`4..8`), fed 1, 16, 64 bytes at a time and all at once (a read of at most
/// [`READ_MAX`] bytes: all at once for a response that fits), the UART's reads subtracted.
fn measure_adapter_cases(cal: &Calib, core: &mut Core, cases: &[Prepared]) -> [u64; 8] {
    let mut out = [0u64; 8];
    let mut reads = Reads::new();
    let mut buf = [0u8; READ_MAX];
    for (k, &chunk) in CHUNKS.iter().enumerate() {
        let size = |case: &Prepared| black_box(chunk_of(case.response.len(), chunk).min(READ_MAX));
        let mut decoded = || {
            let mut acc = 0u32;
            for case in cases {
                let c = size(case);
                acc = acc.wrapping_add(adapter_cycle::<true>(core, &mut reads, black_box(case), c));
            }
            black_box(acc);
        };
        let d = cal.per_rep_milli(&mut decoded);
        let mut bare = || {
            let mut acc = 0u32;
            for case in cases {
                let c = size(case);
                acc =
                    acc.wrapping_add(adapter_cycle::<false>(core, &mut reads, black_box(case), c));
            }
            black_box(acc);
        };
        let b = cal.per_rep_milli(&mut bare);
        let mut with = || {
            let mut acc = 0u32;
            for case in cases {
                acc = acc.wrapping_add(uart_pass::<true>(&mut buf, black_box(case), size(case)));
            }
            black_box(acc);
        };
        let w = cal.per_rep_milli(&mut with);
        let mut without = || {
            let mut acc = 0u32;
            for case in cases {
                acc = acc.wrapping_add(uart_pass::<false>(&mut buf, black_box(case), size(case)));
            }
            black_box(acc);
        };
        let uart = w.saturating_sub(cal.per_rep_milli(&mut without));
        out[k] = d.saturating_sub(uart);
        out[k + 4] = b.saturating_sub(uart);
    }
    out
}

/// The client cycles through the adapters' path: every case checked in seven chunkings against
/// `Core::receive`'s outputs, then the ANCHORS rows and the two sets measured (`ACASE`,
/// `ATOTAL`).
fn measure_adapter(cal: &Calib, prepared: &[Prepared]) {
    let mut core: Core = Core::new();
    let mut reads = Reads::new();
    let mut bad = 0u32;
    for (i, case) in prepared.iter().enumerate() {
        for chunk in [1, 2, 3, 7, 16, 64, usize::MAX] {
            let c = chunk_of(case.response.len(), chunk).min(READ_MAX);
            if !check_adapter(&mut core, &mut reads, case, c) {
                hprintln!("BAD|adapter {}|chunk {}", case_of(i).label, chunk);
                bad += 1;
            }
        }
    }
    if bad != 0 {
        debug::exit(debug::EXIT_FAILURE);
    }
    let (anchors, manual) = prepared.split_at(ANCHORS.len());
    for (case, p) in ANCHORS.iter().zip(anchors) {
        let f = measure_adapter_cases(cal, &mut core, core::slice::from_ref(p));
        print_row("ACASE", "anchors", case.label, 1, p.response.len(), &f);
    }
    for (set, cases) in [("anchors", anchors), ("manual", manual)] {
        let bytes: usize = cases.iter().map(|c| c.response.len()).sum();
        let f = measure_adapter_cases(cal, &mut core, cases);
        print_row("ATOTAL", set, set, cases.len(), bytes, &f);
    }
}

// ---------------------------------------------------------------------------------------------
// Whole command/response cycles through the public `Modem`, blocking and async (issue 6)

// Built apart (`--features modem`, a binary of its own, run after the default one by run.sh): in
// the one binary, the `Modem`s' code made LLVM keep the read path's helpers out of line, which
// moved the adapters' figures above by 5 instructions a read.
#[cfg(feature = "modem")]
mod modem {
    use super::*;

    /// What the fake UART hands out: the answer still to come, the most one read hands out, and the
    /// time of the fake clock (milliseconds; it stands still while bytes remain, see
    /// [`FakeUart::stall`]).
    struct Script {
        rest: Cell<&'static [u8]>,
        chunk: Cell<usize>,
        now: Cell<u64>,
    }

    impl Script {
        const fn new() -> Self {
            Script {
                rest: Cell::new(&[]),
                chunk: Cell::new(1),
                now: Cell::new(0),
            }
        }

        /// The next call's answer, handed out `chunk` bytes a read.
        #[inline(always)]
        fn load(&self, response: &'static [u8], chunk: usize) {
            self.rest.set(response);
            self.chunk.set(chunk);
        }
    }

    /// The fake UART of the `Modem` cycles: reads hand out the script `chunk` bytes at a time
    /// (`ReadReady` true while bytes remain), writes are swallowed. Its own cost is in the figures
    /// (measured alone too: `FAKE` rows).
    #[derive(Clone, Copy)]
    struct FakeUart<'s>(&'s Script);

    impl FakeUart<'_> {
        /// At most `chunk` bytes of the script copied into `buf` (by [`uart_read`], the read the
        /// adapters' table subtracts, or, one byte, stored as a ring buffer's driver stores it:
        /// `uart_read`'s `memcpy` call cost a one-byte read some 30 instructions); the count.
        #[inline(always)]
        fn hand_out(&self, buf: &mut [u8]) -> usize {
            let rest = self.0.rest.get();
            let now = rest.get(..self.0.chunk.get()).unwrap_or(rest);
            let n = match (buf.first_mut(), now) {
                (Some(d), [s]) => {
                    *d = *s;
                    1
                }
                _ => uart_read(buf, now),
            };
            self.0.rest.set(rest.get(n..).unwrap_or(&[]));
            n
        }

        /// Nothing left to read: the answer was cut short (never in a measured cycle, whose answer
        /// ends the call before the script runs dry). Time jumps a minute, so that the exchange
        /// times out rather than waiting for ever and the check fails.
        #[cold]
        fn stall(&self) {
            self.0.now.set(self.0.now.get().wrapping_add(60_000));
        }
    }

    impl embedded_io::ErrorType for FakeUart<'_> {
        type Error = core::convert::Infallible;
    }

    impl embedded_io::Read for FakeUart<'_> {
        fn read(&mut self, buf: &mut [u8]) -> Result<usize, Self::Error> {
            Ok(self.hand_out(buf))
        }
    }

    impl embedded_io::ReadReady for FakeUart<'_> {
        fn read_ready(&mut self) -> Result<bool, Self::Error> {
            let ready = !self.0.rest.get().is_empty();
            if !ready {
                self.stall();
            }
            Ok(ready)
        }
    }

    impl embedded_io::Write for FakeUart<'_> {
        fn write(&mut self, buf: &[u8]) -> Result<usize, Self::Error> {
            Ok(black_box(buf).len())
        }
        fn flush(&mut self) -> Result<(), Self::Error> {
            Ok(())
        }
    }

    impl embedded_io_async::Read for FakeUart<'_> {
        async fn read(&mut self, buf: &mut [u8]) -> Result<usize, Self::Error> {
            let n = self.hand_out(buf);
            if n == 0 && !buf.is_empty() {
                // Nothing there: wait for ever (the timer wins the adapter's select).
                self.stall();
                core::future::pending::<()>().await;
            }
            Ok(n)
        }
    }

    impl embedded_io_async::Write for FakeUart<'_> {
        async fn write(&mut self, buf: &[u8]) -> Result<usize, Self::Error> {
            Ok(black_box(buf).len())
        }
        async fn flush(&mut self) -> Result<(), Self::Error> {
            Ok(())
        }
    }

    /// The fake clock and timer: the script's time, which stands still during a measured cycle
    /// (no deadline passes).
    #[derive(Clone, Copy)]
    struct Still<'s>(&'s Script);

    impl cat1_hal_traits::time::Clock for Still<'_> {
        fn now(&self) -> Instant {
            Instant::from_millis(self.0.now.get())
        }
    }

    impl cat1_client::asynch::Timer for Still<'_> {
        fn now(&self) -> Instant {
            Instant::from_millis(self.0.now.get())
        }
        async fn wait_until(&mut self, deadline: Instant) {
            let now = &self.0.now;
            core::future::poll_fn(|_| {
                if Instant::from_millis(now.get()) >= deadline {
                    core::task::Poll::Ready(())
                } else {
                    core::task::Poll::Pending
                }
            })
            .await
        }
    }

    type BlockingModem<'s> = cat1_client::blocking::Modem<FakeUart<'s>, Still<'s>, ()>;
    type AsyncModem<'s> = cat1_client::asynch::Modem<FakeUart<'s>, Still<'s>, ()>;
    type CallResult = Result<(), cat1_client::CommandError<core::convert::Infallible>>;

    /// The executor of the async cycles: the future polled with a no-op waker until it is done, as
    /// `benches/footprint`'s `client-async` binary runs it (with this UART, one poll).
    #[inline(always)]
    fn block_on<F: core::future::Future>(f: F) -> F::Output {
        let mut f = core::pin::pin!(f);
        let mut cx = core::task::Context::from_waker(core::task::Waker::noop());
        loop {
            if let core::task::Poll::Ready(r) = f.as_mut().poll(&mut cx) {
                return r;
            }
        }
    }

    /// The public call a firmware makes for a case.
    #[derive(Clone, Copy)]
    enum Call {
        /// `modem.read_value::<requests::Csq>(..)`: the typed read, its value's `dbm` taken.
        Csq,
        /// `modem.command(&line, ..)`, each information line decoded as the `Core` cycles decode
        /// it ([`decode_line`] of its kind).
        Line(CommandLine<'static>, Kind),
    }

    #[derive(Clone, Copy)]
    struct ModemCase {
        call: Call,
        /// Through the modem whose core was told echo is on.
        echo: bool,
        response: &'static [u8],
    }

    /// Case `i` as a firmware calls it: `AT+CSQ` by the typed `read_value` (the ANCHORS' CSQ,
    /// CSQ with echo, to a modem told echo is on, and CME ERROR), every other line (CGDCONT, which
    /// cat1-config has no type for, and the whole manual set) by `command` with its parsed line.
    fn modem_case(i: usize) -> ModemCase {
        let case = case_of(i);
        let call = if i < ANCHORS.len() && case.sent == b"AT+CSQ" {
            Call::Csq
        } else {
            let line = CommandLine::parse(case.sent).unwrap_or(CommandLine::bare());
            Call::Line(line, kind_of(case))
        };
        ModemCase {
            call,
            echo: i < ANCHORS.len() && case.response.starts_with(case.sent),
            response: case.response,
        }
    }

    /// What a cycle does with what the call hands out: [`Sum`] (measured) or a [`Print`] (checked).
    trait Observe {
        fn value(&mut self, v: info::Csq);
        fn line(&mut self, kind: Kind, info: InfoLine<'_>);
    }

    /// The measured cycles' observer: the value's `dbm`, each line decoded.
    struct Sum(u32);

    impl Observe for Sum {
        #[inline(always)]
        fn value(&mut self, v: info::Csq) {
            self.0 = self.0.wrapping_add(black_box(v).dbm().unwrap_or(0) as u32);
        }
        #[inline(always)]
        fn line(&mut self, kind: Kind, info: InfoLine<'_>) {
            self.0 = self
                .0
                .wrapping_add(decode_line(kind, &info, None).unwrap_or(7));
        }
    }

    impl Observe for Print {
        fn value(&mut self, v: info::Csq) {
            self.mix(b'V', &[v.rssi, v.ber]);
        }
        fn line(&mut self, _: Kind, info: InfoLine<'_>) {
            self.mix(b'I', info.line());
        }
    }

    /// The blocking and the async `Modem`, alike for the harness.
    trait Adapter {
        /// The case's call, whole (its answer loaded into the fake UART beforehand).
        fn call<O: Observe>(&mut self, call: &Call, o: &mut O) -> CallResult;
        /// The counters, as numbers.
        fn counts(&self) -> [u64; 7];
        /// An exchange still in flight.
        fn busy(&mut self) -> bool;
    }

    /// [`Adapter`] for a `Modem` type, the result of its calls given to `$run` (the blocking
    /// call's as it is, the async call's future to [`block_on`]).
    macro_rules! adapter {
        ($modem:ident, $run:path) => {
            impl Adapter for $modem<'_> {
                #[inline(always)]
                fn call<O: Observe>(&mut self, call: &Call, o: &mut O) -> CallResult {
                    match call {
                        Call::Csq => $run(self.read_value::<requests::Csq>(|v| o.value(v))),
                        Call::Line(line, kind) => {
                            $run(self.command(line, |info| o.line(*kind, info)))
                        }
                    }
                }
                fn counts(&self) -> [u64; 7] {
                    counters_of(self.counters())
                }
                fn busy(&mut self) -> bool {
                    self.core().is_busy()
                }
            }
        };
    }

    adapter!(BlockingModem, core::convert::identity);
    adapter!(AsyncModem, block_on);

    /// One measured cycle (`Sum` takes what the call hands out).
    #[inline(never)]
    fn cycle<M: Adapter>(modem: &mut M, script: &Script, case: &ModemCase, chunk: usize) -> u32 {
        let mut sum = Sum(0);
        script.load(case.response, chunk);
        let r = modem.call(&case.call, &mut sum);
        sum.0.wrapping_add(u32::from(r.is_ok()))
    }

    /// The call's result as the final result it stands for (`None` for anything else: a timeout,
    /// a malformed answer).
    fn final_of(r: &CallResult) -> Option<FinalResult> {
        use cat1_client::CommandError;
        match r {
            Ok(()) => Some(FinalResult::Ok),
            Err(CommandError::Error) => Some(FinalResult::Error),
            Err(CommandError::Cme(c)) => Some(FinalResult::CmeError(*c)),
            Err(_) => None,
        }
    }

    /// What `Core::receive` hands out for case `i` fed `chunk` bytes at a time, as the call hands
    /// it out: the values `Csq::decode_line` gives for a typed read, the information lines for
    /// `command`, then the final result.
    fn want_of(
        core: &mut Core,
        prepared: &Prepared,
        case: &ModemCase,
        chunk: usize,
    ) -> Option<Print> {
        let mut want = Print::NEW;
        prepared.start(core)?;
        for piece in case.response.chunks(chunk) {
            let mut input = piece;
            while let Status::Complete(out, used) = core.receive(input) {
                match out {
                    Output::Echo => {}
                    // Fingerprinted here, not by `Print`'s `Observe` (the call's side).
                    Output::Info(info) => match case.call {
                        Call::Csq => match requests::Csq::decode_line(info) {
                            Ok(Some(v)) => want.mix(b'V', &[v.rssi, v.ber]),
                            Ok(None) => {}
                            Err(_) => return None,
                        },
                        Call::Line(..) => want.mix(b'I', info.line()),
                    },
                    Output::Done(r) => want.done(r),
                    _ => return None,
                }
                input = &input[used..];
            }
        }
        Some(want)
    }

    /// The call handed out `want` and nothing else (no unsolicited line, no timeout, the counters
    /// as they were), its exchange ended, at most the LF of the final line left unread.
    fn check_one<M: Adapter>(
        modem: &mut M,
        want: Print,
        script: &Script,
        case: &ModemCase,
        chunk: usize,
    ) -> bool {
        let before = modem.counts();
        let mut got = Print::NEW;
        script.load(case.response, chunk);
        let r = modem.call(&case.call, &mut got);
        let Some(f) = final_of(&r) else {
            return false;
        };
        got.done(f);
        let rest = script.rest.get();
        got == want
            && modem.counts() == before
            && !modem.busy()
            && (rest.is_empty() || rest == b"\n")
    }

    /// Checks every case through both `Modem`s in seven chunkings against `Core::receive`; the
    /// number of failures.
    fn check_modems(
        prepared: &[Prepared],
        script: &Script,
        blocking: &mut [BlockingModem<'_>; 2],
        asynch: &mut [AsyncModem<'_>; 2],
    ) -> u32 {
        let mut core: Core = Core::new();
        let mut bad = 0u32;
        for (i, p) in prepared.iter().enumerate() {
            let case = modem_case(i);
            // The line `command` writes is the case's (`sent` and CR).
            if let Call::Line(line, _) = &case.call {
                let mut buf = [0u8; cat1_at_parse::MAX_LINE];
                let sent = case_of(i).sent;
                let ok = line
                    .emit(&mut buf)
                    .is_ok_and(|n| buf.get(..n).and_then(|l| l.strip_suffix(b"\r")) == Some(sent));
                if !ok {
                    hprintln!("BAD|modem line {}", case_of(i).label);
                    bad += 1;
                }
            }
            for chunk in [1, 2, 3, 7, 16, 64, usize::MAX] {
                let c = chunk_of(case.response.len(), chunk);
                let Some(want) = want_of(&mut core, p, &case, c) else {
                    hprintln!("BAD|modem want {}|chunk {}", case_of(i).label, chunk);
                    bad += 1;
                    continue;
                };
                let e = usize::from(case.echo);
                let b_ok = check_one(&mut blocking[e], want, script, &case, c);
                let a_ok = check_one(&mut asynch[e], want, script, &case, c);
                if !(b_ok && a_ok) {
                    hprintln!(
                        "BAD|modem {}|chunk {}|blocking {}|async {}",
                        case_of(i).label,
                        chunk,
                        b_ok,
                        a_ok
                    );
                    bad += 1;
                }
            }
        }
        bad
    }

    /// The cycles of `cases` through the blocking (`0..4`) and async (`4..8`) `Modem`, fed 1, 16,
    /// 64 bytes a read and all at once (a read of at most the adapters' 64-byte buffer: the fake
    /// hands out no more than the read asks for).
    fn measure_modem_cases(
        cal: &Calib,
        script: &Script,
        blocking: &mut [BlockingModem<'_>; 2],
        asynch: &mut [AsyncModem<'_>; 2],
        cases: &[ModemCase],
    ) -> [u64; 8] {
        let mut out = [0u64; 8];
        for (k, &chunk) in CHUNKS.iter().enumerate() {
            out[k] = measure_pass(cal, script, blocking, cases, chunk);
            out[k + 4] = measure_pass(cal, script, asynch, cases, chunk);
        }
        out
    }

    /// One pass over `cases` through `modems` (the second one told echo is on), measured.
    fn measure_pass<M: Adapter>(
        cal: &Calib,
        script: &Script,
        modems: &mut [M; 2],
        cases: &[ModemCase],
        chunk: usize,
    ) -> u64 {
        let mut pass = || {
            let mut acc = 0u32;
            for case in cases {
                let c = black_box(chunk_of(case.response.len(), chunk));
                let m = &mut modems[usize::from(case.echo)];
                acc = acc.wrapping_add(cycle(m, script, black_box(case), c));
            }
            black_box(acc);
        };
        cal.per_rep_milli(&mut pass)
    }

    /// The fake UART alone: the answers of `cases` read out of it as the blocking adapter reads
    /// them (`read_ready`, then `read` into a 64-byte buffer, while bytes remain); the reads made.
    #[inline(never)]
    fn fake_pass(uart: &mut FakeUart<'_>, cases: &[ModemCase], chunk: usize) -> u32 {
        use embedded_io::{Read, ReadReady};
        let mut buf = [0u8; READ_MAX];
        let mut reads = 0u32;
        for case in cases {
            uart.0
                .load(case.response, chunk_of(case.response.len(), chunk));
            // As the cycles read: `read_ready` (true) before each read, never asked when dry
            // (the call has ended by then; a dry ask would run the stall, no cycle's cost).
            while !uart.0.rest.get().is_empty() {
                if let Ok(true) = uart.read_ready() {
                    let _ = black_box(uart.read(&mut buf));
                }
                reads += 1;
            }
        }
        reads
    }

    /// `profile.sh`'s run (`CAT1_PROFILE_MODEM`): `reps` passes of the manual set (the ANCHORS with
    /// `anchors`) through the blocking `Modem` (the async one with `asynch`), `chunk` bytes a read.
    #[cfg(feature = "profile")]
    pub(super) fn profile(reps: usize, chunk: usize, anchors: bool, asynch: bool) -> usize {
        let script = Script::new();
        let mut b = BlockingModem::new(FakeUart(&script), Still(&script), ());
        let mut a = AsyncModem::new(FakeUart(&script), Still(&script), ());
        let cases: [ModemCase; N_CASES] = core::array::from_fn(modem_case);
        let (first, manual) = cases.split_at(ANCHORS.len());
        let set = if anchors { first } else { manual };
        let mut acc = 0usize;
        for _ in 0..reps {
            for case in set {
                // The echo case's modem is told echo is on, once a pass: its cost in the profile.
                b.core()
                    .set_echo(if case.echo { Echo::On } else { Echo::Unknown });
                a.core()
                    .set_echo(if case.echo { Echo::On } else { Echo::Unknown });
                let c = chunk_of(case.response.len(), chunk);
                acc += if asynch {
                    cycle(&mut a, &script, black_box(case), c)
                } else {
                    cycle(&mut b, &script, black_box(case), c)
                } as usize;
            }
        }
        acc
    }

    /// The `modem` binary's run: every case prepared as the `Core` cycles prepare it (for the check's
    /// `Core::receive` side), then [`measure_modem`].
    pub(super) fn run(cal: &Calib) {
        let prepared: [Prepared; N_CASES] = core::array::from_fn(prepare);
        measure_modem(cal, &prepared);
    }

    /// Whole cycles through the public `Modem`s, checked first (`check_modems`), then the ANCHORS
    /// rows (`MCASE`), the two sets (`MTOTAL`) and the fake UART alone (`FAKE`).
    fn measure_modem(cal: &Calib, prepared: &[Prepared]) {
        let script = Script::new();
        let mut blocking = [
            BlockingModem::new(FakeUart(&script), Still(&script), ()),
            BlockingModem::new(FakeUart(&script), Still(&script), ()),
        ];
        let mut asynch = [
            AsyncModem::new(FakeUart(&script), Still(&script), ()),
            AsyncModem::new(FakeUart(&script), Still(&script), ()),
        ];
        blocking[1].core().set_echo(Echo::On);
        asynch[1].core().set_echo(Echo::On);
        if check_modems(prepared, &script, &mut blocking, &mut asynch) != 0 {
            debug::exit(debug::EXIT_FAILURE);
        }
        let cases: [ModemCase; N_CASES] = core::array::from_fn(modem_case);
        let (anchors, manual) = cases.split_at(ANCHORS.len());
        for (case, m) in ANCHORS.iter().zip(anchors) {
            let f = measure_modem_cases(
                cal,
                &script,
                &mut blocking,
                &mut asynch,
                core::slice::from_ref(m),
            );
            print_row("MCASE", "anchors", case.label, 1, m.response.len(), &f);
        }
        for (set, cases) in [("anchors", anchors), ("manual", manual)] {
            let bytes: usize = cases.iter().map(|c| c.response.len()).sum();
            let f = measure_modem_cases(cal, &script, &mut blocking, &mut asynch, cases);
            print_row("MTOTAL", set, set, cases.len(), bytes, &f);
        }
        let mut uart = FakeUart(&script);
        for (k, &chunk) in CHUNKS.iter().enumerate() {
            let reads = fake_pass(&mut uart, manual, chunk);
            let mut pass = || {
                black_box(fake_pass(&mut uart, black_box(manual), black_box(chunk)));
            };
            hprintln!("FAKE|{}|{}|{}", k, reads, cal.per_rep_milli(&mut pass));
        }
    }
}

/// Room for the manual's responses with the echo in front.
const ECHO_ROOM: usize = 16 * 1024;
/// Manual cases, at most.
const MAX_MANUAL: usize = 256;

/// The manual set again as a module with its factory default (echo on, `AT+E`) sends it: the
/// command line echoed (`<sent>` CR) before each response, unless the response already starts
/// with it; the core knows echo is on ([`Echo::On`]), so the answer must follow the echo. Checked
/// as the other sets (the echo first, one final result), then measured. Its own rows: the
/// manual rows above are measured without the echo, as the manual prints them.
fn measure_echo(cal: &Calib, manual: &[Prepared]) {
    let Some(room) = cortex_m::singleton!(: [u8; ECHO_ROOM] = [0; ECHO_ROOM]) else {
        return;
    };
    let mut cases = [prepare(ANCHORS.len()); MAX_MANUAL];
    let mut n = 0;
    let mut rest: &'static mut [u8] = room;
    let mut sent = [0u8; cat1_at_parse::MAX_LINE];
    for p in manual {
        // The module echoes the line it received: the one the core writes, CR included.
        let Some(m) = p.emit(&mut sent) else {
            hprintln!("BAD|echo emit|{}", n);
            debug::exit(debug::EXIT_FAILURE);
            return;
        };
        let line_sent = &sent[..m.saturating_sub(1)];
        let echo: &[u8] = if p.response.starts_with(line_sent) {
            b""
        } else {
            line_sent
        };
        let len = echo.len() + usize::from(!echo.is_empty()) + p.response.len();
        if len > rest.len() || n == MAX_MANUAL {
            hprintln!("BAD|echo room|{}", n);
            debug::exit(debug::EXIT_FAILURE);
            return;
        }
        let (line, tail) = core::mem::take(&mut rest).split_at_mut(len);
        let (head, body) = line.split_at_mut(len - p.response.len());
        if let Some((cr, sent)) = head.split_last_mut() {
            sent.copy_from_slice(echo);
            *cr = b'\r';
        }
        body.copy_from_slice(p.response);
        cases[n] = Prepared {
            response: line,
            ..*p
        };
        n += 1;
        rest = tail;
    }
    let cases = &cases[..n];
    let mut core: Core = Core::new();
    core.set_echo(Echo::On);
    let mut bad = 0u32;
    let mut tally = [0u32; 3];
    for (i, case) in cases.iter().enumerate() {
        for chunk in [1, 2, 3, 7, 16, 64, usize::MAX] {
            let c = chunk_of(case.response.len(), chunk);
            if !check_cycle(&mut core, case, c, &mut tally) {
                hprintln!(
                    "BAD|echo {}|chunk {}",
                    MANUAL.get(i).map_or("?", |c| c.label),
                    chunk
                );
                bad += 1;
            }
        }
    }
    if bad != 0 {
        debug::exit(debug::EXIT_FAILURE);
    }
    let bytes: usize = cases.iter().map(|c| c.response.len()).sum();
    let f = measure_cases(cal, &mut core, cases);
    print_row(
        "TOTAL",
        "manual-echo",
        "manual-echo",
        cases.len(),
        bytes,
        &f,
    );
}

/// `--features profile`: `CAT1_PROFILE_REPS` (default 100) SDP cycles (or packing cycles with
/// `CAT1_PROFILE_PACK` set) of a `CAT1_PROFILE_SIZE`-byte payload (default 1024),
/// `CAT1_PROFILE_CHUNK` bytes at a time (default all), and nothing else, for an instruction trace
/// (see `profile.sh`).
#[cfg(feature = "profile")]
fn profile() {
    fn num(s: Option<&str>) -> Option<usize> {
        s.map(|s| {
            s.bytes()
                .fold(0usize, |n, d| n * 10 + usize::from(d.wrapping_sub(b'0')))
        })
    }
    let size = num(option_env!("CAT1_PROFILE_SIZE"))
        .unwrap_or(1024)
        .min(MAX_PAYLOAD);
    let chunk = num(option_env!("CAT1_PROFILE_CHUNK")).unwrap_or(usize::MAX);
    let reps = num(option_env!("CAT1_PROFILE_REPS")).unwrap_or(100);
    let mut payload = [0u8; MAX_PAYLOAD];
    fill_payload(&mut payload);
    let mut wire = [0u8; MAX_PAYLOAD + 8];
    let data = &payload[..size];
    let mut acc = 0usize;
    // Whole cycles through the public `Modem` instead (built with `--features modem` too):
    // the manual set (the ANCHORS with `CAT1_PROFILE_ANCHORS` set) through the blocking `Modem`
    // (the async one with `CAT1_PROFILE_ASYNC` set), `CAT1_PROFILE_CHUNK` bytes a read.
    #[cfg(feature = "modem")]
    if option_env!("CAT1_PROFILE_MODEM").is_some() {
        acc += modem::profile(
            reps,
            chunk,
            option_env!("CAT1_PROFILE_ANCHORS").is_some(),
            option_env!("CAT1_PROFILE_ASYNC").is_some(),
        );
        hprintln!("PROFILE|{}", acc);
        hprintln!("DONE");
        debug::exit(debug::EXIT_SUCCESS);
    }
    if option_env!("CAT1_PROFILE_CLIENT").is_some() {
        // Client cycles instead: every manual case (the ANCHORS set with `CAT1_PROFILE_ANCHORS`
        // set, case `CAT1_PROFILE_CASE` alone, counting the ANCHORS first, with that set),
        // `CAT1_PROFILE_CHUNK` bytes at a time, core only (typed decoding too with
        // `CAT1_PROFILE_DECODE` set).
        let prepared: [Prepared; N_CASES] = core::array::from_fn(prepare);
        let mut core: Core = Core::new();
        for _ in 0..reps {
            let one = num(option_env!("CAT1_PROFILE_CASE")).unwrap_or(0);
            let set = if option_env!("CAT1_PROFILE_CASE").is_some() {
                prepared.get(one..one + 1).unwrap_or(&[])
            } else if option_env!("CAT1_PROFILE_ANCHORS").is_some() {
                &prepared[..ANCHORS.len()]
            } else {
                &prepared[ANCHORS.len()..]
            };
            let mut reads = Reads::new();
            for case in set {
                let c = chunk_of(case.response.len(), chunk);
                // Through the adapters' path with `CAT1_PROFILE_ADAPTER` set.
                if option_env!("CAT1_PROFILE_ADAPTER").is_some() {
                    let c = c.min(READ_MAX);
                    acc += if option_env!("CAT1_PROFILE_DECODE").is_some() {
                        adapter_cycle::<true>(&mut core, &mut reads, black_box(case), c)
                    } else {
                        adapter_cycle::<false>(&mut core, &mut reads, black_box(case), c)
                    } as usize;
                    continue;
                }
                acc += if option_env!("CAT1_PROFILE_DECODE").is_some() {
                    cycle::<true>(&mut core, black_box(case), c)
                } else {
                    cycle::<false>(&mut core, black_box(case), c)
                } as usize;
            }
        }
    } else if option_env!("CAT1_PROFILE_PACK").is_some() {
        let mut p = Pack::new(PackingSettings::default());
        let mut t = 0u64;
        for _ in 0..reps {
            acc += pack(&mut p, black_box(data), chunk_of(size, chunk), &mut t);
        }
    } else {
        let mut dec = Dec::new(Direction::ToHost);
        for _ in 0..reps {
            let n = sdp_encode(black_box(data), &mut wire);
            acc += sdp_decode(&mut dec, &wire[..n], chunk_of(n, chunk));
        }
    }
    hprintln!("PROFILE|{}", acc);
    hprintln!("DONE");
    debug::exit(debug::EXIT_SUCCESS);
}

#[entry]
fn main() -> ! {
    #[cfg(feature = "profile")]
    profile();
    timer::start();
    let cal = calibrate();
    hprintln!(
        "CALIB|{}|{}",
        (cal.num * 1000 + cal.den / 2) / cal.den,
        cal.overhead_milli
    );
    // The `Modem` cycles: a binary of their own (see `modem`).
    #[cfg(feature = "modem")]
    modem::run(&cal);
    #[cfg(not(feature = "modem"))]
    {
        measure_socket(&cal);
        measure_client(&cal);
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
