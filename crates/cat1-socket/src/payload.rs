//! The bytes of registration and heartbeat packets (protocol-notes §5 and §6).
//!
//! | kind | bytes |
//! |---|---|
//! | `USER` | `AT+REGDT` / `AT+HEARTDT` decoded from hex |
//! | `ICCID`, `IMEI`, `SN` | the identity as ASCII, no terminator (decision) |
//! | `CLOUD` (registration) | device ID (20 ASCII bytes) then password (8 ASCII bytes) (decision) |
//! | `LBS` (heartbeat) | `LAC=<lac hex>,CID=<cid decimal>` of the serving cell (decision) |

use cat1_hal_traits::radio::Cell;
use core::fmt;

/// `AT+REGTP`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum RegistrationKind {
    /// The SIM's ICCID.
    Iccid,
    /// The module's IMEI.
    Imei,
    /// The module's serial number.
    Sn,
    /// `AT+REGDT` (the default).
    User,
    /// USR cloud login: `AT+CLOUD` ID and password.
    Cloud,
}

/// `AT+HEARTSORT`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum HeartbeatKind {
    /// The SIM's ICCID.
    Iccid,
    /// The module's IMEI.
    Imei,
    /// The module's serial number.
    Sn,
    /// `AT+HEARTDT` (the default).
    User,
    /// The serving cell.
    Lbs,
}

/// Where payload bytes come from; each field names its source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct PayloadSources<'a> {
    /// `AT+REGDT`, decoded (default `www.usr.cn`).
    pub user_registration: &'a [u8],
    /// `AT+HEARTDT`, decoded (default `www.usr.cn`).
    pub user_heartbeat: &'a [u8],
    /// `AT+ICCID?`.
    pub iccid: &'a [u8],
    /// `AT+IMEI?`.
    pub imei: &'a [u8],
    /// `AT+SN?`.
    pub sn: &'a [u8],
    /// `AT+CLOUD` device ID (20 characters).
    pub cloud_id: &'a [u8],
    /// `AT+CLOUD` password (8 characters).
    pub cloud_password: &'a [u8],
    /// `AT+LBS?`; `None` without a serving cell.
    pub serving_cell: Option<Cell>,
}

/// Why no payload was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum PayloadError {
    /// The output buffer is too short; `needed` bytes would fit.
    BufferTooSmall {
        /// Bytes needed.
        needed: usize,
    },
    /// An LBS heartbeat without a serving cell.
    NoServingCell,
}

impl fmt::Display for PayloadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PayloadError::BufferTooSmall { needed } => write!(f, "buffer too small, need {needed}"),
            PayloadError::NoServingCell => f.write_str("no serving cell for an LBS heartbeat"),
        }
    }
}

impl core::error::Error for PayloadError {}

/// The longest payload of any kind with the manual's limits: 300 bytes of `REGDT`/`HEARTDT`.
pub const MAX_PAYLOAD: usize = 300;

fn put_all(parts: &[&[u8]], out: &mut [u8]) -> Result<usize, PayloadError> {
    let needed = parts.iter().fold(0usize, |n, p| n.saturating_add(p.len()));
    if needed > out.len() {
        return Err(PayloadError::BufferTooSmall { needed });
    }
    let mut at = 0usize;
    for part in parts {
        let end = at.saturating_add(part.len());
        if let Some(dst) = out.get_mut(at..end) {
            dst.copy_from_slice(part);
        }
        at = end;
    }
    Ok(needed)
}

/// Writes the registration packet of `kind` into `out`; returns its length.
pub fn write_registration(
    kind: RegistrationKind,
    src: &PayloadSources<'_>,
    out: &mut [u8],
) -> Result<usize, PayloadError> {
    match kind {
        RegistrationKind::User => put_all(&[src.user_registration], out),
        RegistrationKind::Iccid => put_all(&[src.iccid], out),
        RegistrationKind::Imei => put_all(&[src.imei], out),
        RegistrationKind::Sn => put_all(&[src.sn], out),
        RegistrationKind::Cloud => put_all(&[src.cloud_id, src.cloud_password], out),
    }
}

/// Writes the heartbeat packet of `kind` into `out`; returns its length.
pub fn write_heartbeat(
    kind: HeartbeatKind,
    src: &PayloadSources<'_>,
    out: &mut [u8],
) -> Result<usize, PayloadError> {
    match kind {
        HeartbeatKind::User => put_all(&[src.user_heartbeat], out),
        HeartbeatKind::Iccid => put_all(&[src.iccid], out),
        HeartbeatKind::Imei => put_all(&[src.imei], out),
        HeartbeatKind::Sn => put_all(&[src.sn], out),
        HeartbeatKind::Lbs => {
            let cell = src.serving_cell.ok_or(PayloadError::NoServingCell)?;
            let mut hex = [0u8; 8];
            let mut dec = [0u8; 10];
            let hex = digits(cell.area, 16, &mut hex);
            let dec = digits(cell.cell_id, 10, &mut dec);
            put_all(&[b"LAC=", hex, b",CID=", dec], out)
        }
    }
}

/// `value` in `radix` (10 or 16, lower case), most significant digit first.
fn digits(mut value: u32, radix: u32, buf: &mut [u8]) -> &[u8] {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut start = buf.len();
    loop {
        let d = usize::try_from(value.checked_rem(radix).unwrap_or(0)).unwrap_or(0);
        value = value.checked_div(radix).unwrap_or(0);
        let Some(slot) = start.checked_sub(1) else {
            break;
        };
        start = slot;
        if let (Some(dst), Some(&c)) = (buf.get_mut(start), DIGITS.get(d)) {
            *dst = c;
        }
        if value == 0 {
            break;
        }
    }
    buf.get(start..).unwrap_or(&[])
}

/// Parses an LBS heartbeat, `LAC=<hex>,CID=<decimal>`; used by the server side.
pub fn parse_lbs(bytes: &[u8]) -> Option<Cell> {
    let rest = bytes.strip_prefix(b"LAC=")?;
    let comma = rest.iter().position(|&b| b == b',')?;
    let (lac, cid) = (rest.get(..comma)?, rest.get(comma.saturating_add(1)..)?);
    let cid = cid.strip_prefix(b"CID=")?;
    Some(Cell {
        area: parse_radix(lac, 16)?,
        cell_id: parse_radix(cid, 10)?,
    })
}

fn parse_radix(text: &[u8], radix: u32) -> Option<u32> {
    if text.is_empty() || text.len() > 10 {
        return None;
    }
    let mut value = 0u32;
    for &b in text {
        let d = char::from(b).to_digit(radix)?;
        value = value.checked_mul(radix)?.checked_add(d)?;
    }
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sources() -> PayloadSources<'static> {
        PayloadSources {
            user_registration: b"www.usr.cn",
            user_heartbeat: b"beat",
            iccid: b"8986003615195A571314",
            imei: b"864333040712457",
            sn: b"00402420011300024522",
            cloud_id: b"00012345678901234567",
            cloud_password: b"12345678",
            serving_cell: Some(Cell {
                area: 0x333e,
                cell_id: 3_357_906,
            }),
        }
    }

    #[test]
    fn every_registration_kind() {
        let src = sources();
        let mut out = [0u8; 64];
        for (kind, expected) in [
            (RegistrationKind::User, &b"www.usr.cn"[..]),
            (RegistrationKind::Iccid, b"8986003615195A571314"),
            (RegistrationKind::Imei, b"864333040712457"),
            (RegistrationKind::Sn, b"00402420011300024522"),
            (RegistrationKind::Cloud, b"0001234567890123456712345678"),
        ] {
            let n = write_registration(kind, &src, &mut out).unwrap();
            assert_eq!(&out[..n], expected, "{kind:?}");
        }
        assert_eq!(
            write_registration(RegistrationKind::Cloud, &src, &mut out[..27]),
            Err(PayloadError::BufferTooSmall { needed: 28 })
        );
    }

    #[test]
    fn every_heartbeat_kind_and_lbs_round_trips() {
        let src = sources();
        let mut out = [0u8; 64];
        for (kind, expected) in [
            (HeartbeatKind::User, &b"beat"[..]),
            (HeartbeatKind::Iccid, b"8986003615195A571314"),
            (HeartbeatKind::Imei, b"864333040712457"),
            (HeartbeatKind::Sn, b"00402420011300024522"),
            (HeartbeatKind::Lbs, b"LAC=333e,CID=3357906"),
        ] {
            let n = write_heartbeat(kind, &src, &mut out).unwrap();
            assert_eq!(&out[..n], expected, "{kind:?}");
        }
        assert_eq!(parse_lbs(b"LAC=333e,CID=3357906"), src.serving_cell);
        let zero = PayloadSources {
            serving_cell: Some(Cell {
                area: 0,
                cell_id: u32::MAX,
            }),
            ..src
        };
        let n = write_heartbeat(HeartbeatKind::Lbs, &zero, &mut out).unwrap();
        assert_eq!(&out[..n], b"LAC=0,CID=4294967295");
        assert_eq!(parse_lbs(&out[..n]), zero.serving_cell);
        assert_eq!(parse_lbs(b"LAC=,CID=1"), None);
        assert_eq!(parse_lbs(b"LAC=1,CID=99999999999"), None);
        let none = PayloadSources {
            serving_cell: None,
            ..src
        };
        assert_eq!(
            write_heartbeat(HeartbeatKind::Lbs, &none, &mut out),
            Err(PayloadError::NoServingCell)
        );
    }
}
