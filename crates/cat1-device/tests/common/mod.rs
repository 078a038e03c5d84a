//! Fake services and a driver for engine tests, in virtual time.
#![allow(dead_code)]

use cat1_config::Model;
use cat1_device::{Engine, Event, Options, Position, Positioning, Services, Sink};
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

#[derive(Debug, Default)]
pub struct Fake {
    pub slots: [Vec<u8>; 2],
    pub restarts: Vec<RestartReason>,
    pub clock: Option<DateTime>,
    pub storage_broken: bool,
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
        if !self.storage_broken {
            self.slots[slot as usize] = data.to_vec();
        }
        Ok(())
    }
}

impl Identity for Fake {
    fn imei(&mut self, buf: &mut [u8]) -> Result<usize, ErrorKind> {
        put(buf, b"864333040712457")
    }
    fn iccid(&mut self, buf: &mut [u8]) -> Result<usize, ErrorKind> {
        put(buf, b"8986003615195A571314")
    }
    fn serial_number(&mut self, buf: &mut [u8]) -> Result<usize, ErrorKind> {
        put(buf, b"00402420011300024522")
    }
    fn firmware_version(&mut self, buf: &mut [u8]) -> Result<usize, ErrorKind> {
        put(buf, b"V1.1.01.000000.0000")
    }
    fn firmware_build(&mut self, buf: &mut [u8]) -> Result<usize, ErrorKind> {
        put(buf, b"2020-3-16 18:22:25")
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
        Ok(Cell {
            area: 0x333e,
            cell_id: 3357906,
        })
    }
    fn neighbour_cells(&mut self, cells: &mut [Cell]) -> Result<usize, ErrorKind> {
        cells[0] = Cell {
            area: 0x5a30,
            cell_id: 0xb2114b1,
        };
        Ok(1)
    }
    fn local_ip(&mut self) -> Result<[u8; 4], ErrorKind> {
        Ok([10, 1, 167, 22])
    }
    fn own_number(&mut self, buf: &mut [u8]) -> Result<usize, ErrorKind> {
        put(buf, b"15112341234")
    }
}

impl WallClock for Fake {
    fn now(&mut self) -> Result<DateTime, ErrorKind> {
        self.clock.ok_or(ErrorKind::Unsupported)
    }
    fn set(&mut self, time: DateTime) -> Result<(), ErrorKind> {
        self.clock = Some(time);
        Ok(())
    }
}

impl Restart for Fake {
    fn restart(&mut self, reason: RestartReason) -> Result<(), ErrorKind> {
        self.restarts.push(reason);
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
        Err(ErrorKind::Unsupported)
    }
    fn receive(&mut self, _: &mut [u8], _: &mut [u8]) -> Result<Option<Received>, ErrorKind> {
        Ok(None)
    }
}

impl Positioning for Fake {
    fn cell_position(&mut self) -> Result<Position, ErrorKind> {
        Ok(Position {
            longitude: heapless::Vec::from_slice(b"114.43350220").unwrap(),
            latitude: heapless::Vec::from_slice(b"30.49159431").unwrap(),
        })
    }
    fn cell_address(&mut self, buf: &mut [u8]) -> Result<usize, ErrorKind> {
        put(buf, b"426 Gaoxin Avenue, Wuhan")
    }
    fn gps_fix(&mut self) -> Result<Option<Position>, ErrorKind> {
        Ok(None)
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

#[derive(Debug, Default)]
pub struct Out {
    pub bytes: Vec<u8>,
    pub events: Vec<Event>,
}

impl Sink for Out {
    fn serial(&mut self, bytes: &[u8]) {
        self.bytes.extend_from_slice(bytes);
    }
    fn event(&mut self, event: Event) {
        self.events.push(event);
    }
}

/// An engine, its services and its output, in virtual time.
pub struct Rig {
    pub engine: Engine,
    pub svc: Fake,
    pub out: Out,
    pub now: Instant,
}

impl Rig {
    pub fn new() -> Rig {
        let mut rig = Rig {
            engine: Engine::new(Options::new(Model::WhLte7s1)),
            svc: Fake::default(),
            out: Out::default(),
            now: Instant::from_secs(10),
        };
        rig.engine.power_on(rig.now, &mut rig.svc, &mut rig.out);
        rig
    }

    pub fn advance(&mut self, ms: u64) {
        let end = self.now + Duration::from_millis(ms);
        while let Some(at) = self.engine.poll_at() {
            if at > end {
                break;
            }
            self.now = at.max(self.now);
            self.engine.poll(self.now, &mut self.svc, &mut self.out);
        }
        self.now = end;
        self.engine.poll(self.now, &mut self.svc, &mut self.out);
    }

    pub fn send(&mut self, bytes: &[u8]) {
        self.engine
            .handle_serial(bytes, self.now, &mut self.svc, &mut self.out);
    }

    pub fn take(&mut self) -> String {
        String::from_utf8_lossy(&std::mem::take(&mut self.out.bytes)).into_owned()
    }

    /// `+++`, `a`, with the guard times: returns what the module wrote.
    pub fn enter_command_mode(&mut self) -> String {
        self.advance(1000);
        self.send(b"+++");
        self.advance(100);
        self.send(b"a");
        self.take()
    }

    /// Sends a command line and returns the answer (echo included).
    pub fn at(&mut self, line: &str) -> String {
        self.send(format!("{line}\r").as_bytes());
        self.take()
    }
}
