//! The services of the simulated module, backed by the host: a file or memory for storage, the
//! profile for identity and radio, the system clock for `AT+CCLK`, host sockets for the network.

use std::path::PathBuf;

use cat1_device::{Position, Positioning, Services};
use cat1_hal_traits::ErrorKind;
use cat1_hal_traits::ErrorType;
use cat1_hal_traits::identity::Identity;
use cat1_hal_traits::radio::{AccessMode, Cell, Radio, SignalQuality};
use cat1_hal_traits::restart::{Restart, RestartReason};
use cat1_hal_traits::sms::{Received, Sms};
use cat1_hal_traits::storage::{Slot, Storage, StorageError, StorageErrorKind};
use cat1_hal_traits::wallclock::{DateTime, WallClock};

use crate::network::HostNetwork;
use crate::profile::Profile;
use crate::sms::SmsCentre;

/// The two configuration slots: in memory, and mirrored to a file with `--state`.
///
/// File layout: for slot A then slot B, a 4-byte little-endian length and that many bytes (each
/// slot holds one cat1-config persistence record, so both survive, as on flash). Written to a
/// temporary file and renamed, so a crash never leaves half a file.
#[derive(Debug, Default)]
pub struct FileStorage {
    slots: [Vec<u8>; 2],
    path: Option<PathBuf>,
}

/// A storage error: the file could not be written.
#[derive(Debug)]
pub struct StorageIoError(pub String);

impl StorageError for StorageIoError {
    fn kind(&self) -> StorageErrorKind {
        StorageErrorKind::Io
    }
}

/// The largest slot (a cat1-config record is at most `MAX_RECORD` bytes).
pub const SLOT_CAPACITY: usize = 4096;

impl FileStorage {
    /// Storage in memory only.
    pub fn memory() -> Self {
        FileStorage::default()
    }

    /// Storage mirrored to `path`; reads it if it exists.
    pub fn file(path: PathBuf) -> Result<Self, String> {
        let mut s = FileStorage {
            slots: [Vec::new(), Vec::new()],
            path: Some(path.clone()),
        };
        match std::fs::read(&path) {
            Ok(bytes) => {
                let mut rest = &bytes[..];
                for slot in &mut s.slots {
                    let Some((len, tail)) = rest.split_first_chunk::<4>() else {
                        break;
                    };
                    let len = u32::from_le_bytes(*len) as usize;
                    let take = len.min(tail.len());
                    *slot = tail[..take].to_vec();
                    rest = &tail[take..];
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(format!("{}: {e}", path.display())),
        }
        Ok(s)
    }

    fn persist(&self) -> Result<(), StorageIoError> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        let mut bytes = Vec::new();
        for slot in &self.slots {
            bytes.extend_from_slice(&(slot.len() as u32).to_le_bytes());
            bytes.extend_from_slice(slot);
        }
        let tmp = path.with_extension("tmp");
        std::fs::write(&tmp, &bytes)
            .and_then(|()| std::fs::rename(&tmp, path))
            .map_err(|e| StorageIoError(e.to_string()))
    }
}

impl Storage for FileStorage {
    type Error = StorageIoError;
    fn capacity(&self) -> usize {
        SLOT_CAPACITY
    }
    fn read(&mut self, slot: Slot, buf: &mut [u8]) -> Result<usize, Self::Error> {
        let data = &self.slots[slot_index(slot)];
        let n = data.len().min(buf.len());
        buf[..n].copy_from_slice(&data[..n]);
        Ok(n)
    }
    fn write(&mut self, slot: Slot, data: &[u8]) -> Result<(), Self::Error> {
        if data.len() > SLOT_CAPACITY {
            return Err(StorageIoError("record larger than a slot".into()));
        }
        self.slots[slot_index(slot)] = data.to_vec();
        self.persist()
    }
}

fn slot_index(slot: Slot) -> usize {
    match slot {
        Slot::A => 0,
        Slot::B => 1,
    }
}

/// Everything the engine asks of the host.
#[derive(Debug)]
pub struct HostServices {
    /// Identity, radio and position values.
    pub profile: Profile,
    /// Configuration slots.
    pub storage: FileStorage,
    /// Host sockets.
    pub network: HostNetwork,
    /// Seconds added to the system clock by `AT+CCLK=`.
    clock_offset_s: i64,
    /// The zone `AT+CCLK?` reports, in quarter hours (`+32`, UTC+8, as the manual's example).
    zone_quarters: i8,
    /// Restarts asked for, with their reasons (the engine boots again by itself).
    pub restarts: Vec<RestartReason>,
    /// The SMS centre (`--sms`); without it, sending fails and nothing arrives.
    pub sms: Option<SmsCentre>,
}

impl HostServices {
    /// Services from a profile, a storage and a network.
    pub fn new(profile: Profile, storage: FileStorage, network: HostNetwork) -> Self {
        HostServices {
            profile,
            storage,
            network,
            clock_offset_s: 0,
            zone_quarters: 32,
            restarts: Vec::new(),
            sms: None,
        }
    }

    /// Sets the clock to `unix` seconds UTC (NTP); the zone stays.
    pub fn set_utc(&mut self, unix: i64) {
        if let Ok(d) = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
            self.clock_offset_s = unix - d.as_secs() as i64;
        }
    }

    /// With an SMS centre.
    pub fn with_sms(mut self, centre: SmsCentre) -> Self {
        self.sms = Some(centre);
        self
    }
}

fn put(buf: &mut [u8], v: &str) -> Result<usize, ErrorKind> {
    buf.get_mut(..v.len())
        .ok_or(ErrorKind::BufferTooSmall)?
        .copy_from_slice(v.as_bytes());
    Ok(v.len())
}

impl ErrorType for HostServices {
    type Error = ErrorKind;
}

impl Identity for HostServices {
    fn imei(&mut self, buf: &mut [u8]) -> Result<usize, ErrorKind> {
        put(buf, &self.profile.imei)
    }
    fn iccid(&mut self, buf: &mut [u8]) -> Result<usize, ErrorKind> {
        put(buf, &self.profile.iccid)
    }
    fn serial_number(&mut self, buf: &mut [u8]) -> Result<usize, ErrorKind> {
        put(buf, &self.profile.sn)
    }
    fn firmware_version(&mut self, buf: &mut [u8]) -> Result<usize, ErrorKind> {
        put(buf, &self.profile.ver)
    }
    fn firmware_build(&mut self, buf: &mut [u8]) -> Result<usize, ErrorKind> {
        put(buf, &self.profile.build)
    }
}

impl Radio for HostServices {
    fn signal_quality(&mut self) -> Result<SignalQuality, ErrorKind> {
        Ok(SignalQuality {
            rssi: self.profile.rssi,
            ber: self.profile.ber,
        })
    }
    fn access_mode(&mut self) -> Result<AccessMode, ErrorKind> {
        Ok(match self.profile.sysinfo.as_str() {
            "GSM" => AccessMode::Gsm,
            "NONE" => AccessMode::NoService,
            _ => AccessMode::Lte,
        })
    }
    fn serving_cell(&mut self) -> Result<Cell, ErrorKind> {
        Ok(Cell {
            area: self.profile.lac,
            cell_id: self.profile.cid,
        })
    }
    fn neighbour_cells(&mut self, cells: &mut [Cell]) -> Result<usize, ErrorKind> {
        let mut n = 0;
        for (slot, &(area, cell_id)) in cells.iter_mut().zip(&self.profile.neighbours) {
            *slot = Cell { area, cell_id };
            n += 1;
        }
        Ok(n)
    }
    fn local_ip(&mut self) -> Result<[u8; 4], ErrorKind> {
        Ok(self.profile.cip)
    }
    fn own_number(&mut self, buf: &mut [u8]) -> Result<usize, ErrorKind> {
        put(buf, &self.profile.cnum)
    }
}

impl Positioning for HostServices {
    fn cell_position(&mut self) -> Result<Position, ErrorKind> {
        position(&self.profile)
    }
    fn cell_address(&mut self, buf: &mut [u8]) -> Result<usize, ErrorKind> {
        put(buf, &self.profile.address)
    }
    fn gps_fix(&mut self) -> Result<Option<Position>, ErrorKind> {
        if self.profile.gps_fix {
            position(&self.profile).map(Some)
        } else {
            Ok(None)
        }
    }
}

fn position(p: &Profile) -> Result<Position, ErrorKind> {
    Ok(Position {
        longitude: heapless::Vec::from_slice(p.lng.as_bytes())
            .map_err(|_| ErrorKind::InvalidInput)?,
        latitude: heapless::Vec::from_slice(p.lat.as_bytes())
            .map_err(|_| ErrorKind::InvalidInput)?,
    })
}

impl WallClock for HostServices {
    fn now(&mut self) -> Result<DateTime, ErrorKind> {
        let unix = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_err(|_| ErrorKind::Other)?
            .as_secs() as i64;
        let local = unix + self.clock_offset_s + i64::from(self.zone_quarters) * 900;
        Ok(civil_from_unix(local, self.zone_quarters))
    }
    fn set(&mut self, time: DateTime) -> Result<(), ErrorKind> {
        let unix_now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_err(|_| ErrorKind::Other)?
            .as_secs() as i64;
        let local = unix_from_civil(&time);
        let utc = local - i64::from(time.zone_quarter_hours) * 900;
        self.clock_offset_s = utc - unix_now;
        self.zone_quarters = time.zone_quarter_hours;
        Ok(())
    }
}

/// Days since 1970-01-01 to (year, month, day); Howard Hinnant's `civil_from_days`.
fn civil_from_unix(secs: i64, zone: i8) -> DateTime {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    DateTime {
        year: year.clamp(2000, 2099) as u16,
        month: month as u8,
        day: day as u8,
        hour: (rem / 3600) as u8,
        minute: (rem / 60 % 60) as u8,
        second: (rem % 60) as u8,
        zone_quarter_hours: zone,
    }
}

/// The inverse: Howard Hinnant's `days_from_civil`, in seconds.
fn unix_from_civil(t: &DateTime) -> i64 {
    let (m, d) = (i64::from(t.month), i64::from(t.day));
    let y = i64::from(t.year) - i64::from(m <= 2);
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    days * 86_400 + i64::from(t.hour) * 3600 + i64::from(t.minute) * 60 + i64::from(t.second)
}

impl Restart for HostServices {
    fn restart(&mut self, reason: RestartReason) -> Result<(), ErrorKind> {
        self.restarts.push(reason);
        Ok(())
    }
}

impl Sms for HostServices {
    fn send(&mut self, number: &str, text: &[u8]) -> Result<(), ErrorKind> {
        match &self.sms {
            // Sent even when no client is connected to see it (a phone that is off).
            Some(centre) => {
                centre.send(number, text);
                Ok(())
            }
            None => Err(ErrorKind::Unsupported),
        }
    }
    fn receive(
        &mut self,
        sender: &mut [u8],
        text: &mut [u8],
    ) -> Result<Option<Received>, ErrorKind> {
        let Some((number, body)) = self.sms.as_ref().and_then(SmsCentre::receive) else {
            return Ok(None);
        };
        // Too long a sender or text is cut to the buffers.
        let sender_len = number.len().min(sender.len());
        sender[..sender_len].copy_from_slice(&number.as_bytes()[..sender_len]);
        let text_len = body.len().min(text.len());
        text[..text_len].copy_from_slice(&body[..text_len]);
        Ok(Some(Received {
            sender_len,
            text_len,
        }))
    }
}

impl Services for HostServices {
    type Storage = FileStorage;
    type Identity = Self;
    type Radio = Self;
    type WallClock = Self;
    type Restart = Self;
    type Network = HostNetwork;
    type Sms = Self;
    type Positioning = Self;
    fn storage(&mut self) -> &mut FileStorage {
        &mut self.storage
    }
    fn identity(&mut self) -> &mut Self {
        self
    }
    fn radio(&mut self) -> &mut Self {
        self
    }
    fn wall_clock(&mut self) -> &mut Self {
        self
    }
    fn restarter(&mut self) -> &mut Self {
        self
    }
    fn network(&mut self) -> &mut HostNetwork {
        &mut self.network
    }
    fn sms(&mut self) -> &mut Self {
        self
    }
    fn positioning(&mut self) -> &mut Self {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip() {
        let t = DateTime {
            year: 2020,
            month: 12,
            day: 1,
            hour: 10,
            minute: 47,
            second: 46,
            zone_quarter_hours: 32,
        };
        let s = unix_from_civil(&t);
        assert_eq!(civil_from_unix(s, 32), t);
        assert_eq!(
            unix_from_civil(&DateTime {
                year: 2000,
                month: 1,
                day: 1,
                hour: 0,
                minute: 0,
                second: 0,
                zone_quarter_hours: 0
            }),
            946_684_800
        );
    }

    #[test]
    fn file_storage_survives_reopening() {
        let dir = std::env::temp_dir().join(format!("cat1-sim-storage-{}", std::process::id()));
        let _ = std::fs::remove_file(&dir);
        let mut s = FileStorage::file(dir.clone()).unwrap();
        s.write(Slot::B, b"hello").unwrap();
        let mut again = FileStorage::file(dir.clone()).unwrap();
        let mut buf = [0u8; 16];
        assert_eq!(again.read(Slot::B, &mut buf).unwrap(), 5);
        assert_eq!(&buf[..5], b"hello");
        assert_eq!(again.read(Slot::A, &mut buf).unwrap(), 0);
        std::fs::remove_file(dir).unwrap();
    }
}
