//! Persistence: a [`Config`] as a record in one of two storage slots.
//!
//! Record layout (all integers little-endian):
//!
//! | offset | bytes | field |
//! |---|---|---|
//! | 0 | 4 | magic `C1CF` |
//! | 4 | 2 | format version ([`FORMAT_VERSION`]) |
//! | 6 | 4 | sequence number, one more on every save |
//! | 10 | 2 | payload length `n` |
//! | 12 | n | the `Config`, postcard-encoded |
//! | 12 + n | 4 | CRC-32 (ISO-HDLC) of everything before it |
//!
//! Saves alternate between the slots: a new record goes to the slot that does *not* hold the
//! newest good one, so a write torn by a power cut (any prefix written, per
//! `cat1_hal_traits::storage::Storage::write`) leaves the previous record intact; its CRC fails
//! and [`load`] takes the other slot.
//!
//! Versions: a record is decoded only when its version is [`FORMAT_VERSION`]. Postcard is not
//! self-describing, so another version's bytes could decode into a wrong but plausible `Config`;
//! instead such a record is skipped, and when no slot holds a current record, [`load`] says
//! [`LoadError::UnsupportedVersion`] with the version found. There is no older format to migrate
//! yet; when the layout of `Config` changes, bump the version and add the migration here.
//!
//! The payload is postcard's encoding of `Config` through its serde derive: every leaf field in
//! declaration order, `bool` and `u8` as one byte, `u16`, `u32` and enumerations (the variant
//! index) as varints, text as a varint length and the bytes, an absent list entry as `0` and a
//! present one as `1` and the text. Decision (flash, issue 3): it is written and read by one loop
//! over the field table (`config/glue.rs`), each value through postcard's own serializer and
//! deserializer, instead of serde's code for the whole nested struct, which cost about 9 KB on a
//! Cortex-M; the bytes are the same, so [`FORMAT_VERSION`] stays 1 (a test compares them with
//! postcard's encoding of the whole `Config`). Decoding keeps postcard's rules (they are its
//! rules: postcard reads every value): a `bool` other than 0 or 1, a varint longer than its type
//! allows, a variant or length out of range, or bytes left over make
//! the record [`DecodeError::Invalid`].

use cat1_hal_traits::storage::{Slot, Storage};
use core::fmt;

use crate::Config;
use crate::config::field::{FieldMut, FieldRef};
use crate::config::{LEAVES, Text, leaf, leaf_mut};

/// The format version this crate writes and reads.
pub const FORMAT_VERSION: u16 = 1;

const MAGIC: [u8; 4] = *b"C1CF";
const HEADER: usize = 12;
const TRAILER: usize = 4;

/// Bytes a record of any valid `Config` needs at most: the header, the largest encoding (every
/// text at its longest, with two-byte length prefixes, every integer at its widest varint) and
/// the CRC. A buffer or slot of this size always suffices.
pub const MAX_RECORD: usize = 3400;

const CRC: crc::Crc<u32, crc::NoTable> = crc::Crc::<u32, crc::NoTable>::new(&crc::CRC_32_ISO_HDLC);

/// Where a record was found or written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Saved {
    /// The slot.
    pub slot: Slot,
    /// Its sequence number.
    pub sequence: u32,
}

/// A configuration read back by [`load`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loaded {
    /// The configuration.
    pub config: Config,
    /// Where it was; pass it to the next [`save`].
    pub saved: Saved,
}

/// Why a record could not be decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum DecodeError {
    /// Not a record: wrong magic, too short, bad length, or the CRC does not match (a torn or
    /// erased slot).
    Corrupt,
    /// A whole record of another format version, not read.
    UnsupportedVersion(u16),
    /// The CRC matches but the payload is not a valid `Config` of this version.
    Invalid,
}

/// Why [`load`] found no configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum LoadError<E> {
    /// Neither slot holds a record (a new device, or both erased or torn): use the factory
    /// configuration.
    Empty,
    /// The newest record is of another format version (older or newer firmware wrote it); it
    /// was not read.
    UnsupportedVersion(u16),
    /// A record has a good CRC but does not decode into a valid `Config`.
    Invalid,
    /// The storage failed.
    Storage(E),
}

/// Why [`save`] did not write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum SaveError<E> {
    /// The buffer or the slot is smaller than the record; `needed` bytes are required.
    TooSmall {
        /// Record length.
        needed: usize,
    },
    /// The configuration is not valid ([`Config::is_valid`]); it was not written.
    InvalidConfig,
    /// The storage failed; the other slot still holds the previous record.
    Storage(E),
}

impl<E: fmt::Debug> fmt::Display for LoadError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::Empty => f.write_str("no stored configuration"),
            LoadError::UnsupportedVersion(v) => {
                write!(
                    f,
                    "stored configuration has format version {v}, this firmware reads {FORMAT_VERSION}"
                )
            }
            LoadError::Invalid => f.write_str("stored configuration is not valid"),
            LoadError::Storage(e) => write!(f, "storage error: {e:?}"),
        }
    }
}

impl<E: fmt::Debug> fmt::Display for SaveError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SaveError::TooSmall { needed } => write!(f, "{needed} bytes needed"),
            SaveError::InvalidConfig => f.write_str("configuration is not valid"),
            SaveError::Storage(e) => write!(f, "storage error: {e:?}"),
        }
    }
}

/// Encodes `config` as a record with `sequence` into `buf`; returns its length.
pub fn encode(config: &Config, sequence: u32, buf: &mut [u8]) -> Result<usize, SaveError<()>> {
    if !config.is_valid() {
        return Err(SaveError::InvalidConfig);
    }
    let too_small = SaveError::TooSmall { needed: MAX_RECORD };
    let payload_room = buf.len().checked_sub(HEADER + TRAILER).ok_or(too_small)?;
    let n = {
        let payload = buf
            .get_mut(HEADER..HEADER + payload_room)
            .ok_or(too_small)?;
        write_payload(config, payload).ok_or(too_small)?
    };
    let len = u16::try_from(n).map_err(|_| too_small)?;
    let mut header = [0u8; HEADER];
    for (dst, src) in header.iter_mut().zip(
        MAGIC
            .iter()
            .chain(&FORMAT_VERSION.to_le_bytes())
            .chain(&sequence.to_le_bytes())
            .chain(&len.to_le_bytes()),
    ) {
        *dst = *src;
    }
    buf.get_mut(..HEADER)
        .ok_or(too_small)?
        .copy_from_slice(&header);
    let end = HEADER + n;
    let crc = CRC.checksum(buf.get(..end).ok_or(too_small)?);
    buf.get_mut(end..end + TRAILER)
        .ok_or(too_small)?
        .copy_from_slice(&crc.to_le_bytes());
    Ok(end + TRAILER)
}

/// Decodes a record (trailing bytes after it, such as erased flash, are ignored); returns its
/// sequence number and configuration.
pub fn decode(bytes: &[u8]) -> Result<(u32, Config), DecodeError> {
    let header: &[u8; HEADER] = bytes
        .get(..HEADER)
        .and_then(|h| h.try_into().ok())
        .ok_or(DecodeError::Corrupt)?;
    let [m0, m1, m2, m3, v0, v1, s0, s1, s2, s3, l0, l1] = *header;
    if [m0, m1, m2, m3] != MAGIC {
        return Err(DecodeError::Corrupt);
    }
    let version = u16::from_le_bytes([v0, v1]);
    let sequence = u32::from_le_bytes([s0, s1, s2, s3]);
    let end = HEADER + usize::from(u16::from_le_bytes([l0, l1]));
    let body = bytes.get(..end).ok_or(DecodeError::Corrupt)?;
    let stored_crc = bytes
        .get(end..end + TRAILER)
        .and_then(|c| <[u8; 4]>::try_from(c).ok())
        .map(u32::from_le_bytes)
        .ok_or(DecodeError::Corrupt)?;
    if CRC.checksum(body) != stored_crc {
        return Err(DecodeError::Corrupt);
    }
    if version != FORMAT_VERSION {
        return Err(DecodeError::UnsupportedVersion(version));
    }
    let payload = body.get(HEADER..).ok_or(DecodeError::Corrupt)?;
    match read_payload(payload) {
        Some(config) if config.is_valid() => Ok((sequence, config)),
        _ => Err(DecodeError::Invalid),
    }
}

/// Writes the payload, every leaf field of `config` in declaration order (see the module
/// documentation); returns its length, or `None` when `buf` is too short.
fn write_payload(config: &Config, buf: &mut [u8]) -> Option<usize> {
    let mut out = Out { buf, n: 0 };
    for i in 0..LEAVES {
        match leaf(config, i)? {
            FieldRef::Bool(b) => out.byte(u8::from(*b)),
            FieldRef::U8(n) => out.byte(*n),
            FieldRef::U16(n) => out.varint(u32::from(*n)),
            FieldRef::U32(n) => out.varint(*n),
            FieldRef::Keyword(k) => out.varint(u32::try_from(k.index()).ok()?),
            FieldRef::Text(t) => out.text(t.as_slice()),
            FieldRef::OptText(None) => out.byte(0),
            FieldRef::OptText(Some(t)) => {
                out.byte(1)?;
                out.text(t.as_bytes())
            }
        }?;
    }
    Some(out.n)
}

/// Reads a payload written by [`write_payload`]: `None` unless it is exactly one `Config`, every
/// field within its type (the caller then checks [`Config::is_valid`]).
fn read_payload(bytes: &[u8]) -> Option<Config> {
    let mut config = Config::default();
    let mut input = In(bytes);
    for i in 0..LEAVES {
        match leaf_mut(&mut config, i)? {
            FieldMut::Bool(b) => *b = input.flag()?,
            FieldMut::U8(n) => *n = input.byte()?,
            FieldMut::U16(n) => *n = input.varint16()?,
            FieldMut::U32(n) => *n = input.varint32()?,
            FieldMut::Keyword(k) => {
                let index = usize::try_from(input.varint32()?).ok()?;
                if index >= k.keywords().len() {
                    return None;
                }
                k.set_index(index);
            }
            FieldMut::Text(t) => {
                let text = input.text()?;
                t.clear();
                t.extend_from_slice(text).ok()?;
            }
            FieldMut::OptText(t) => {
                *t = match input.flag()? {
                    false => None,
                    true => Some(Text::from_bytes(input.text()?)?),
                }
            }
        }
    }
    input.0.is_empty().then_some(config)
}

/// A payload being written with postcard's own serializer, one value at a time; every method
/// returns `None` when the buffer is full.
struct Out<'a> {
    buf: &'a mut [u8],
    n: usize,
}

impl Out<'_> {
    fn put<T: serde::Serialize>(&mut self, value: &T) -> Option<()> {
        let rest = self.buf.get_mut(self.n..)?;
        let written = postcard::to_slice(value, rest).ok()?.len();
        self.n = self.n.checked_add(written)?;
        Some(())
    }

    fn byte(&mut self, b: u8) -> Option<()> {
        self.put(&b)
    }

    fn varint(&mut self, v: u32) -> Option<()> {
        self.put(&v)
    }

    /// A sequence of bytes, as postcard writes a `heapless::Vec<u8, N>`: the length, then the
    /// bytes.
    fn text(&mut self, t: &[u8]) -> Option<()> {
        self.put(&t.len())?;
        let end = self.n.checked_add(t.len())?;
        self.buf.get_mut(self.n..end)?.copy_from_slice(t);
        self.n = end;
        Some(())
    }
}

/// A payload being read with postcard's own deserializer, one value at a time; every method
/// returns `None` on a short or malformed input.
struct In<'a>(&'a [u8]);

impl<'a> In<'a> {
    fn take<T: serde::de::DeserializeOwned>(&mut self) -> Option<T> {
        let (value, rest) = postcard::take_from_bytes::<T>(self.0).ok()?;
        self.0 = rest;
        Some(value)
    }

    fn byte(&mut self) -> Option<u8> {
        self.take()
    }

    /// Postcard's `bool`: 0 or 1.
    fn flag(&mut self) -> Option<bool> {
        self.take()
    }

    fn varint16(&mut self) -> Option<u16> {
        self.take()
    }

    fn varint32(&mut self) -> Option<u32> {
        self.take()
    }

    /// A sequence of bytes, as postcard reads a `heapless::Vec<u8, N>`: the length as a
    /// `usize` of the target (at most 5 varint bytes on a 32-bit MCU), which `&[u8]` reads too
    /// (a plain `usize` would allow 10 everywhere).
    fn text(&mut self) -> Option<&'a [u8]> {
        let (text, rest) = postcard::take_from_bytes::<&'a [u8]>(self.0).ok()?;
        self.0 = rest;
        Some(text)
    }
}

/// Whether sequence `a` is newer than `b`, across wrap-around.
fn newer(a: u32, b: u32) -> bool {
    a != b && a.wrapping_sub(b) < 1 << 31
}

/// Reads both slots and returns the newest valid current-version configuration.
///
/// `buf` holds one slot at a time ([`MAX_RECORD`] bytes suffice). A slot of another format
/// version is never decoded; it is reported only when no slot holds a current record.
pub fn load<S: Storage>(storage: &mut S, buf: &mut [u8]) -> Result<Loaded, LoadError<S::Error>> {
    let mut best: Option<Loaded> = None;
    let mut error = LoadError::Empty;
    for slot in [Slot::A, Slot::B] {
        let n = storage.read(slot, buf).map_err(LoadError::Storage)?;
        match decode(buf.get(..n).unwrap_or(buf)) {
            Ok((sequence, config)) => {
                if best
                    .as_ref()
                    .is_none_or(|b| newer(sequence, b.saved.sequence))
                {
                    best = Some(Loaded {
                        config,
                        saved: Saved { slot, sequence },
                    });
                }
            }
            Err(DecodeError::UnsupportedVersion(v)) => error = LoadError::UnsupportedVersion(v),
            Err(DecodeError::Invalid) if matches!(error, LoadError::Empty) => {
                error = LoadError::Invalid
            }
            Err(_) => {}
        }
    }
    best.ok_or(error)
}

/// Writes `config` to the slot that does not hold `previous` (the last [`load`] or [`save`]),
/// with the next sequence number; returns where it went. With no previous record it writes
/// slot A, sequence 1.
pub fn save<S: Storage>(
    storage: &mut S,
    config: &Config,
    previous: Option<Saved>,
    buf: &mut [u8],
) -> Result<Saved, SaveError<S::Error>> {
    let saved = match previous {
        Some(p) => Saved {
            slot: p.slot.other(),
            sequence: p.sequence.wrapping_add(1),
        },
        None => Saved {
            slot: Slot::A,
            sequence: 1,
        },
    };
    let n = encode(config, saved.sequence, buf).map_err(|e| match e {
        SaveError::TooSmall { needed } => SaveError::TooSmall { needed },
        _ => SaveError::InvalidConfig,
    })?;
    if n > storage.capacity() {
        return Err(SaveError::TooSmall { needed: n });
    }
    let record = buf.get(..n).ok_or(SaveError::TooSmall { needed: n })?;
    storage
        .write(saved.slot, record)
        .map_err(SaveError::Storage)?;
    Ok(saved)
}
