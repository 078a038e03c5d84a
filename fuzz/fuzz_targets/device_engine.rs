//! `cat1_device::Engine` fed arbitrary serial chunks at arbitrary times, with arbitrary
//! power cycles and storage failures.
//!
//! Checks: no panic; the pending and saved configurations stay valid (`Config::is_valid`)
//! whatever is typed; every answer written to serial is bounded by the reply buffer; a chunk
//! never makes the engine write more than its echo plus one answer per line ending in it.
#![no_main]

use arbitrary::Arbitrary;
use cat1_config::Model;
use cat1_device::{Engine, Options, Position, Positioning, Services, Sink};
use cat1_hal_traits::ErrorKind;
use cat1_hal_traits::ErrorType;
use cat1_hal_traits::identity::Identity;
use cat1_hal_traits::net::{Endpoint, Keepalive, NetEvent, Network, Protocol, SocketId};
use cat1_hal_traits::radio::{AccessMode, Cell, Radio, SignalQuality};
use cat1_hal_traits::restart::{Restart, RestartReason};
use cat1_hal_traits::sms::{Received, Sms};
use cat1_hal_traits::storage::{Slot, Storage};
use cat1_hal_traits::time::{Duration, Instant};
use cat1_hal_traits::wallclock::{DateTime, WallClock};
use libfuzzer_sys::fuzz_target;

#[derive(Debug, Arbitrary)]
struct Input {
    model: u8,
    divisor: u8,
    steps: Vec<Step>,
}

#[derive(Debug, Arbitrary)]
enum Step {
    Serial(Vec<u8>),
    /// Sends the handshake with its guard times, so that command mode is reached often.
    Handshake,
    /// A command line (CR added).
    Line(Vec<u8>),
    Wait(u16),
    PowerCycle,
    BreakStorage(bool),
}

#[derive(Default)]
struct Fake {
    slots: [Vec<u8>; 2],
    broken: bool,
    clock: Option<DateTime>,
}

fn put(buf: &mut [u8], v: &[u8]) -> Result<usize, ErrorKind> {
    buf.get_mut(..v.len())
        .ok_or(ErrorKind::BufferTooSmall)?
        .copy_from_slice(v);
    Ok(v.len())
}

impl ErrorType for Fake {
    type Error = ErrorKind;
}

impl Storage for Fake {
    type Error = core::convert::Infallible;
    fn capacity(&self) -> usize {
        4096
    }
    fn read(&mut self, slot: Slot, buf: &mut [u8]) -> Result<usize, Self::Error> {
        let s = &self.slots[slot as usize];
        let n = s.len().min(buf.len());
        buf[..n].copy_from_slice(&s[..n]);
        Ok(n)
    }
    fn write(&mut self, slot: Slot, data: &[u8]) -> Result<(), Self::Error> {
        // A broken flash tears the write: only half lands.
        let keep = if self.broken {
            data.len() / 2
        } else {
            data.len()
        };
        self.slots[slot as usize] = data[..keep].to_vec();
        Ok(())
    }
}

impl Identity for Fake {
    fn imei(&mut self, b: &mut [u8]) -> Result<usize, ErrorKind> {
        put(b, b"864333040712457")
    }
    fn iccid(&mut self, b: &mut [u8]) -> Result<usize, ErrorKind> {
        put(b, b"8986003615195A571314")
    }
    fn serial_number(&mut self, b: &mut [u8]) -> Result<usize, ErrorKind> {
        put(b, b"00402420011300024522")
    }
    fn firmware_version(&mut self, b: &mut [u8]) -> Result<usize, ErrorKind> {
        put(b, b"V1.1.01.000000.0000")
    }
    fn firmware_build(&mut self, b: &mut [u8]) -> Result<usize, ErrorKind> {
        put(b, b"2020-3-16 18:22:25")
    }
}

impl Radio for Fake {
    fn signal_quality(&mut self) -> Result<SignalQuality, ErrorKind> {
        Ok(SignalQuality { rssi: 27, ber: 99 })
    }
    fn access_mode(&mut self) -> Result<AccessMode, ErrorKind> {
        Ok(AccessMode::Lte)
    }
    fn serving_cell(&mut self) -> Result<Cell, ErrorKind> {
        Err(ErrorKind::NoNetwork)
    }
    fn neighbour_cells(&mut self, cells: &mut [Cell]) -> Result<usize, ErrorKind> {
        for c in cells.iter_mut() {
            *c = Cell {
                area: u32::MAX,
                cell_id: u32::MAX,
            };
        }
        Ok(cells.len())
    }
    fn local_ip(&mut self) -> Result<[u8; 4], ErrorKind> {
        Ok([255; 4])
    }
    fn own_number(&mut self, b: &mut [u8]) -> Result<usize, ErrorKind> {
        put(b, &[b'9'; 20])
    }
}

impl WallClock for Fake {
    fn now(&mut self) -> Result<DateTime, ErrorKind> {
        self.clock.ok_or(ErrorKind::Unsupported)
    }
    fn set(&mut self, t: DateTime) -> Result<(), ErrorKind> {
        self.clock = Some(t);
        Ok(())
    }
}

impl Restart for Fake {
    fn restart(&mut self, _: RestartReason) -> Result<(), ErrorKind> {
        Ok(())
    }
}

impl Network for Fake {
    fn open(
        &mut self,
        _: SocketId,
        _: Protocol,
        _: Endpoint<'_>,
        _: Keepalive,
    ) -> Result<(), ErrorKind> {
        Err(ErrorKind::NoNetwork)
    }
    fn send(&mut self, _: SocketId, _: &[u8]) -> Result<usize, ErrorKind> {
        Err(ErrorKind::NotConnected)
    }
    fn receive(&mut self, _: SocketId, _: &mut [u8]) -> Result<usize, ErrorKind> {
        Err(ErrorKind::WouldBlock)
    }
    fn close(&mut self, _: SocketId) -> Result<(), ErrorKind> {
        Ok(())
    }
    fn poll_event(&mut self) -> Option<NetEvent> {
        None
    }
}

impl Sms for Fake {
    fn send(&mut self, _: &str, _: &[u8]) -> Result<(), ErrorKind> {
        Ok(())
    }
    fn receive(&mut self, _: &mut [u8], _: &mut [u8]) -> Result<Option<Received>, ErrorKind> {
        Ok(None)
    }
}

impl Positioning for Fake {
    fn cell_position(&mut self) -> Result<Position, ErrorKind> {
        Ok(Position::default())
    }
    fn cell_address(&mut self, b: &mut [u8]) -> Result<usize, ErrorKind> {
        put(b, &[b'x'; 300]).or(Ok(0))
    }
    fn gps_fix(&mut self) -> Result<Option<Position>, ErrorKind> {
        Ok(Some(Position::default()))
    }
}

impl Services for Fake {
    type Storage = Fake;
    type Identity = Fake;
    type Radio = Fake;
    type WallClock = Fake;
    type Restart = Fake;
    type Network = Fake;
    type Sms = Fake;
    type Positioning = Fake;
    fn storage(&mut self) -> &mut Fake {
        self
    }
    fn identity(&mut self) -> &mut Fake {
        self
    }
    fn radio(&mut self) -> &mut Fake {
        self
    }
    fn wall_clock(&mut self) -> &mut Fake {
        self
    }
    fn restarter(&mut self) -> &mut Fake {
        self
    }
    fn network(&mut self) -> &mut Fake {
        self
    }
    fn sms(&mut self) -> &mut Fake {
        self
    }
    fn positioning(&mut self) -> &mut Fake {
        self
    }
}

#[derive(Default)]
struct Out {
    written: usize,
}

impl Sink for Out {
    fn serial(&mut self, bytes: &[u8]) {
        self.written = self.written.saturating_add(bytes.len());
    }
}

fuzz_target!(|input: Input| {
    let model = match input.model % 3 {
        0 => Model::WhLte7s1,
        1 => Model::Dr502,
        _ => Model::G771,
    };
    let options = Options {
        model,
        timer_divisor: u32::from(input.divisor).max(1),
        boot_delay: Duration::ZERO,
    };
    let mut engine = Engine::new(options);
    let mut svc = Fake::default();
    let mut now = Instant::from_secs(1);
    let mut out = Out::default();
    engine.power_on(now, &mut svc, &mut out);
    for step in input.steps.iter().take(64) {
        let mut out = Out::default();
        let fed = match step {
            Step::Serial(bytes) => {
                engine.handle_serial(bytes, now, &mut svc, &mut out);
                bytes.len()
            }
            Step::Line(line) => {
                let mut l = line.clone();
                l.push(b'\r');
                engine.handle_serial(&l, now, &mut svc, &mut out);
                l.len()
            }
            Step::Handshake => {
                now = now + Duration::from_secs(1);
                engine.poll(now, &mut svc, &mut out);
                engine.handle_serial(b"+++", now, &mut svc, &mut out);
                now = now + Duration::from_millis(100);
                engine.handle_serial(b"a", now, &mut svc, &mut out);
                4
            }
            Step::Wait(ms) => {
                let end = now + Duration::from_millis(u64::from(*ms) * 10);
                let mut polls = 1usize;
                while let Some(at) = engine.poll_at() {
                    if at > end {
                        break;
                    }
                    now = at.max(now);
                    engine.poll(now, &mut svc, &mut out);
                    polls += 1;
                }
                now = end;
                engine.poll(now, &mut svc, &mut out);
                // With time passing, the engine writes on its own (COM heartbeats, the banner of a
                // no-data or reconnect-limit restart): at most one such write per timer fired.
                assert!(
                    out.written <= polls * (cat1_device::MAX_REPLY + 32 + 700),
                    "{step:?}: {} bytes written in {polls} polls",
                    out.written
                );
                assert!(engine.saved_config().is_valid());
                assert!(engine.pending_config().is_valid());
                continue;
            }
            Step::PowerCycle => {
                engine.power_off(&mut svc);
                engine.power_on(now, &mut svc, &mut out);
                0
            }
            Step::BreakStorage(b) => {
                svc.broken = *b;
                0
            }
        };
        // Echo plus, per line end, one answer and at most one banner.
        let line_ends = 1 + fed;
        assert!(
            out.written <= fed + line_ends * (cat1_device::MAX_REPLY + 32) + 64,
            "{step:?}: {} bytes written for {fed} fed",
            out.written
        );
        assert!(engine.saved_config().is_valid());
        assert!(engine.pending_config().is_valid());
    }
});
