//! Read-only information (manual 4.15-4.26, protocol-notes §12): typed answer values, each with
//! a tolerant parser and an encoder in the module's spelling.
//!
//! Parsers take the whole answer line (`+CSQ: 27,99`) and accept what real modules send: spaces
//! after the colon and around `=` and `,` (errata #3, #31), names and keywords in any case, and
//! optional double quotes (protocol-notes §10). Encoders write the line as this project's module
//! answers it: no spaces, keywords as the manual spells them, no line ends. Text fields borrow
//! from the parsed line.
//!
//! Each type decodes an [`InfoLine`] too (`from_info`): the information line the framer handed
//! the exchange, whose `+NAME:` it matched to the command's name (in any case, as `parse`
//! compares it), so the name is not compared again (the same value or error as `parse` of the
//! line, for a line of the command's name). cat1-client's typed read,
//! `modem.read_value::<requests::Csq>(..)`, decodes its answer that way, through [`ReadAnswer`].

use cat1_at_parse::{InfoLine, Writer, eq_ignore_case, parse_int, unquote};

use crate::request::Request;

/// An answer line that does not have its command's shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct InfoError;

impl core::fmt::Display for InfoError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("unexpected answer line")
    }
}

impl core::error::Error for InfoError {}

/// The text after `+NAME:` (name in any case, spaces after the colon skipped).
#[inline]
pub fn body<'a>(line: &'a [u8], name: &str) -> Result<&'a [u8], InfoError> {
    untrimmed_body(line, name).map(trim)
}

/// [`body`] without the trim (for a decoder that trims each parameter anyway).
#[inline]
pub(crate) fn untrimmed_body<'a>(line: &'a [u8], name: &str) -> Result<&'a [u8], InfoError> {
    let rest = line.strip_prefix(b"+").ok_or(InfoError)?;
    let (n, rest) = rest.split_at_checked(name.len()).ok_or(InfoError)?;
    if !eq_ignore_case(n, name.as_bytes()) {
        return Err(InfoError);
    }
    rest.strip_prefix(b":").ok_or(InfoError)
}

/// The text after the colon of an information line whose name its maker matched (not compared
/// again), trimmed as [`body`] trims it; a continuation line (no `+NAME:`, so no `+`, which
/// `body` needs) is refused.
#[inline]
fn info_body(info: InfoLine<'_>) -> Result<&[u8], InfoError> {
    info_text(info).map(trim)
}

/// [`info_body`] before its trim, the one space after the colon taken (for a decoder whose
/// result is the same for the text trimmed or not: [`Csq::decode`]).
#[inline]
fn info_text(info: InfoLine<'_>) -> Result<&[u8], InfoError> {
    if info.is_continuation() {
        return Err(InfoError);
    }
    // After `+NAME:` (the name's length and two bytes, always within the line).
    let body = info.after_colon();
    // The space 3GPP's answers put after the colon (`+CSQ: 27,99`) taken first, so that
    // `trim` finds the usual case (no whitespace left at either end) at once: its loop took
    // about 30 instructions for that space. The same text as `trim` alone gives.
    Ok(match body {
        [b' ', rest @ ..] => rest,
        _ => body,
    })
}

/// `bytes.trim_ascii()`, with one test for the usual byte at each end (above the space, which
/// no ASCII whitespace is).
#[inline]
pub(crate) fn trim(bytes: &[u8]) -> &[u8] {
    // The usual case first, both ends looked at once: neither is whitespace (a value as the
    // module writes it); `trim_ascii` only for the rest (and the empty text): core's loops
    // are smaller than the two of this crate's own they replace, each with the same `> b' '`
    // test first (client flash -12 bytes; the manual cycles about 35 instructions a pass
    // less, the anchors 4 more, all at opt-level 3's layout).
    if let (Some(&first), Some(&last)) = (bytes.first(), bytes.last()) {
        if first > b' ' && last > b' ' {
            return bytes;
        }
    }
    bytes.trim_ascii()
}

/// The index of the first comma in `text`: four bytes a step while no word holds one (the
/// zero-byte test of the word with `,` xored out of each lane, exact for whether one does),
/// then byte by byte from the word that does. The fields it looks through (an LBS position's,
/// a neighbour cell's halves) run 8 to 25 bytes to their comma.
#[inline(always)]
fn find_comma(text: &[u8]) -> Option<usize> {
    let mut rest = text;
    // At most `text.len()`: no overflow.
    let mut skipped: usize = 0;
    while let Some((word, more)) = rest.split_first_chunk::<4>() {
        let x = u32::from_ne_bytes(*word) ^ 0x2c2c_2c2c;
        if x.wrapping_sub(0x0101_0101) & !x & 0x8080_8080 != 0 {
            break;
        }
        rest = more;
        skipped = skipped.wrapping_add(4);
    }
    rest.iter()
        .position(|&b| b == b',')
        .map(|i| skipped.wrapping_add(i))
}

/// Splits at the first comma; trims spaces around both parts.
// Always inlined: `#[inline]` left one copy for the LBS, SYSINFO and neighbour cell decoders,
// called with its result through memory (about 135 instructions a manual pass more). `Csq`
// finds its comma a byte at a time (`split_at_comma`): the client's firmware, which decodes
// CSQ only, carries no word search.
#[inline(always)]
fn split_comma(text: &[u8]) -> (&[u8], Option<&[u8]>) {
    split_at_comma(text, find_comma(text))
}

/// Splits `text` at the comma at `comma`; trims spaces around both parts.
#[inline(always)]
fn split_at_comma(text: &[u8], comma: Option<usize>) -> (&[u8], Option<&[u8]>) {
    match comma {
        Some(i) => (
            trim(text.get(..i).unwrap_or(&[])),
            Some(trim(text.get(i.saturating_add(1)..).unwrap_or(&[]))),
        ),
        None => (trim(text), None),
    }
}

/// The index after `TAC` or `tac` (not mixed case) in a neighbour cell's key, spaces around it
/// trimmed; matched as a pattern, with no `memcmp` call.
fn tac_index(key: &[u8]) -> Option<&[u8]> {
    match trim(key) {
        [b'T', b'A', b'C', index @ ..] | [b't', b'a', b'c', index @ ..] => Some(index),
        _ => None,
    }
}

/// `CellID<index>=value` -> value: what [`keyed`] gives for the key `CellID<index>`, without the
/// key built (in a 16-byte buffer once: a longer one was refused, and still is). `index` is the
/// text after `TAC`, which [`int`] has read (ASCII).
fn cell_id<'a>(item: &'a [u8], index: &[u8]) -> Result<&'a [u8], InfoError> {
    const CELL_ID: &[u8] = b"CellID";
    if index.len() > 16 - CELL_ID.len() {
        return Err(InfoError);
    }
    let eq = item.iter().position(|&b| b == b'=').ok_or(InfoError)?;
    let (k, v) = item.split_at(eq);
    // The key in any case: its two parts compared apart are the whole compared.
    match trim(k).split_at_checked(CELL_ID.len()) {
        Some((cell, i)) if eq_ignore_case(cell, CELL_ID) && eq_ignore_case(i, index) => {
            Ok(trim(v.get(1..).unwrap_or(&[])))
        }
        _ => Err(InfoError),
    }
}

/// `KEY=value` (spaces around `=` allowed, key in any case) -> value.
// Always inlined: its key is then a constant, which `eq_ignore_case` compares as one (about 155
// instructions a manual pass less; `#[inline]` left it out of line). Its callers, `LbsCell` and
// `LbsPosition`, are in neither footprint binary.
#[inline(always)]
fn keyed<'a>(item: &'a [u8], key: &str) -> Result<&'a [u8], InfoError> {
    let eq = item.iter().position(|&b| b == b'=').ok_or(InfoError)?;
    let (k, v) = item.split_at(eq);
    if !eq_ignore_case(trim(k), key.as_bytes()) {
        return Err(InfoError);
    }
    Ok(trim(v.get(1..).unwrap_or(&[])))
}

#[inline]
fn int(text: &[u8]) -> Result<u32, InfoError> {
    parse_int(unquote(text)).map_err(|_| InfoError)
}

fn hex_int(text: &[u8]) -> Result<u32, InfoError> {
    if text.is_empty() || text.len() > 8 {
        return Err(InfoError);
    }
    text.iter().try_fold(0u32, |acc, &b| {
        let d = char::from(b).to_digit(16).ok_or(InfoError)?;
        Ok(acc << 4 | d)
    })
}

fn put_hex(w: &mut Writer<'_>, n: u32) {
    let mut started = false;
    for shift in (0..8).rev() {
        let nibble = (n >> (shift * 4)) & 0xf;
        if nibble != 0 || started || shift == 0 {
            started = true;
            let d = char::from_digit(nibble, 16).unwrap_or('0');
            w.put_byte(d as u8);
        }
    }
}

/// A free-text answer: `+VER:`, `+BUILD:`, `+SN:`, `+CIP:` (and the checked IMEI and ICCID).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct TextInfo<'a> {
    /// The command name without `+`.
    pub name: &'static str,
    /// The text, quotes removed.
    pub text: &'a [u8],
}

impl<'a> TextInfo<'a> {
    /// Parses `+<name>:<text>`.
    pub fn parse(name: &'static str, line: &'a [u8]) -> Result<Self, InfoError> {
        Ok(TextInfo {
            name,
            text: unquote(body(line, name)?),
        })
    }

    /// [`TextInfo::parse`] of the information line of `name`'s exchange (see the [module
    /// documentation](self): the name is not compared again).
    pub fn from_info(name: &'static str, info: InfoLine<'a>) -> Result<Self, InfoError> {
        Ok(TextInfo {
            name,
            text: unquote(info_body(info)?),
        })
    }

    /// `+IMEI:`: 15 digits.
    pub fn parse_imei(line: &'a [u8]) -> Result<Self, InfoError> {
        Self::parse("IMEI", line)?.imei()
    }

    /// [`TextInfo::parse_imei`] of the information line of `AT+IMEI`'s exchange.
    pub fn imei_from_info(info: InfoLine<'a>) -> Result<Self, InfoError> {
        Self::from_info("IMEI", info)?.imei()
    }

    fn imei(self) -> Result<Self, InfoError> {
        let ok = self.text.len() == 15 && self.text.iter().all(u8::is_ascii_digit);
        if ok { Ok(self) } else { Err(InfoError) }
    }

    /// `+ICCID:`: 19-20 digits and `A-F` (errata #32; lower case accepted).
    pub fn parse_iccid(line: &'a [u8]) -> Result<Self, InfoError> {
        Self::parse("ICCID", line)?.iccid()
    }

    /// [`TextInfo::parse_iccid`] of the information line of `AT+ICCID`'s exchange.
    pub fn iccid_from_info(info: InfoLine<'a>) -> Result<Self, InfoError> {
        Self::from_info("ICCID", info)?.iccid()
    }

    fn iccid(self) -> Result<Self, InfoError> {
        let ok =
            (19..=20).contains(&self.text.len()) && self.text.iter().all(u8::is_ascii_hexdigit);
        if ok { Ok(self) } else { Err(InfoError) }
    }

    /// Writes `+<name>:<text>`.
    pub fn write(&self, w: &mut Writer<'_>) {
        w.put_byte(b'+');
        w.put(self.name.as_bytes());
        w.put_byte(b':');
        w.put(self.text);
    }
}

/// `+CSQ:<rssi>,<ber>` (4.15).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Csq {
    /// 0-31, or 99 unknown.
    pub rssi: u8,
    /// 0-7, or 99 unknown.
    pub ber: u8,
}

impl Csq {
    /// Parses the answer; values outside their ranges are refused.
    pub fn parse(line: &[u8]) -> Result<Self, InfoError> {
        Self::decode(body(line, "CSQ")?)
    }

    /// [`Csq::parse`] of the information line of `AT+CSQ`'s exchange (see the [module
    /// documentation](self): the name is not compared again).
    pub fn from_info(info: InfoLine<'_>) -> Result<Self, InfoError> {
        // Not trimmed: `decode` gives the same for the text trimmed or not (the module's form
        // has a digit at each end; the general way trims each side), a proptest checks it.
        // The trim's test was about 6 instructions a read.
        Self::decode(info_text(info)?)
    }

    /// [`Csq::from_info`] as `ReadAnswer::decode_line` (the typed read's) gives it: the value
    /// made `Some` where it is built, not `from_info`'s result mapped (`.map(Some)`: LLVM packed
    /// the value into a register with its flag and took it out again, client flash 40 bytes).
    fn read_line(info: InfoLine<'_>) -> Result<Option<Self>, InfoError> {
        // Untrimmed, as `from_info`.
        Self::decode_as(info_text(info)?, Some)
    }

    /// The text after `+CSQ:`, trimmed or not (the same result).
    #[inline]
    fn decode(text: &[u8]) -> Result<Self, InfoError> {
        Self::decode_as(text, |csq| csq)
    }

    /// [`Csq::decode`], the value handed out as `wrap` makes it.
    #[inline]
    fn decode_as<T>(text: &[u8], wrap: impl FnOnce(Self) -> T) -> Result<T, InfoError> {
        // The form the module writes (`27,99`: one or two digits each side, nothing else)
        // matched as a pattern first: the answer a firmware polls most, where the general way
        // (spaces, quotes, longer numbers) took about 150 instructions. Any other text, and a
        // byte of these forms that is not a digit, the general way: the same result.
        let values = match Self::plain(text) {
            Some(values) => Ok(values),
            None => Self::general(text),
        };
        // One refusal for a text of no shape and for values out of range (the read's closure
        // then tests one result, not an error and then a range).
        match values {
            Ok((rssi @ (0..=31 | 99), ber @ (0..=7 | 99))) => Ok(wrap(Csq {
                rssi: rssi as u8,
                ber: ber as u8,
            })),
            _ => Err(InfoError),
        }
    }

    /// `rssi` and `ber` of `text` in the module's form (one or two digits, a comma, one or
    /// two digits), or `None`.
    #[inline(always)]
    fn plain(text: &[u8]) -> Option<(u32, u32)> {
        // The four digits picked by the length and the comma's place (a number of one digit
        // as `0` and it), then read and tested once (their values below 10 as one compare of
        // the largest): what reading each number from the front did (`plain_by_numbers` in the
        // tests) with fewer branches and length tests, in about as much code.
        let [a, b, c, e] = match *text {
            [b, b',', e] => [b'0', b, b'0', e],
            [b, b',', c, e] => [b'0', b, c, e],
            [a, b, b',', e] => [a, b, b'0', e],
            [a, b, b',', c, e] => [a, b, c, e],
            _ => return None,
        };
        let d = |x: u8| u32::from(x).wrapping_sub(u32::from(b'0'));
        let most = d(a).max(d(b)).max(d(c)).max(d(e));
        (most <= 9).then_some((
            d(a).wrapping_mul(10).wrapping_add(d(b)),
            d(c).wrapping_mul(10).wrapping_add(d(e)),
        ))
    }

    /// `rssi` and `ber` of `text` in any form [`Csq::parse`] takes, a number above 99 given as
    /// 100 (not range-checked: [`Csq::decode`] refuses both, as it refused the number itself).
    #[inline]
    fn general(text: &[u8]) -> Result<(u32, u32), InfoError> {
        // `rssi` is at most 3 bytes as the module writes it: its comma found a byte at a time.
        // Each side trimmed by `capped` (what `split_at_comma` did: one call of `trim` less).
        let comma = text.iter().position(|&b| b == b',').ok_or(InfoError)?;
        let (a, b) = text.split_at(comma);
        // `b` starts with the comma: never the error, but `unwrap_or(&[])` kept a select of
        // the length (client `.text` 4 bytes more).
        Ok((
            Self::capped(a)?,
            Self::capped(b.get(1..).ok_or(InfoError)?)?,
        ))
    }

    /// The number `text` holds (trimmed, one pair of quotes taken off, digits only, at least
    /// one), any value above 99 given as 100: what [`int`] of the trimmed text reads, for
    /// [`Csq::decode`]'s range check, without `parse_int`'s ten-digit way (`int` was 72 bytes
    /// of the client's flash, its CSQ read the only user; the forms the module writes take
    /// [`Csq::plain`]).
    fn capped(text: &[u8]) -> Result<u32, InfoError> {
        let text = unquote(trim(text));
        if text.is_empty() {
            return Err(InfoError);
        }
        text.iter().try_fold(0u32, |value, &b| {
            let digit = u32::from(b).wrapping_sub(u32::from(b'0'));
            if digit > 9 {
                return Err(InfoError);
            }
            // At most 100 before: no overflow.
            Ok(value.wrapping_mul(10).wrapping_add(digit).min(100))
        })
    }

    /// The signal in dBm (manual: RSSI = CSQ * 2 - 113), or `None` when unknown.
    pub fn dbm(&self) -> Option<i16> {
        (self.rssi <= 31).then(|| i16::from(self.rssi) * 2 - 113)
    }

    /// Writes `+CSQ:<rssi>,<ber>`.
    pub fn write(&self, w: &mut Writer<'_>) {
        w.put(b"+CSQ:");
        w.put_u32(u32::from(self.rssi));
        w.put_byte(b',');
        w.put_u32(u32::from(self.ber));
    }
}

/// The network mode of `+SYSINFO`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum NetworkMode {
    /// `0`, `No Network`.
    NoNetwork,
    /// `2`, `GSM/GPRS`.
    GsmGprs,
    /// `4`, `LTE`.
    Lte,
}

impl NetworkMode {
    const ALL: [(NetworkMode, u32, &'static str); 3] = [
        (NetworkMode::NoNetwork, 0, "No Network"),
        (NetworkMode::GsmGprs, 2, "GSM/GPRS"),
        (NetworkMode::Lte, 4, "LTE"),
    ];
}

/// `+SYSINFO:<n>,<mode>` (4.16), one line or two (errata #6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct SysInfo {
    /// The mode; its number and text agree.
    pub mode: NetworkMode,
}

impl SysInfo {
    /// Parses `+SYSINFO:4,LTE`, or `+SYSINFO:` followed by `4,LTE` as `next`.
    pub fn parse(line: &[u8], next: Option<&[u8]>) -> Result<Self, InfoError> {
        let first = body(line, "SYSINFO")?;
        let text = if first.is_empty() {
            trim(next.ok_or(InfoError)?)
        } else {
            first
        };
        Self::decode(text)
    }

    /// An information line of `AT+SYSINFO`'s exchange (see the [module documentation](self):
    /// the name is not compared again): `+SYSINFO:4,LTE`; the empty `+SYSINFO:` of the two-line
    /// form is `Ok(None)`, its second line `4,LTE` (a continuation line) the value. What
    /// [`SysInfo::parse`] gives for the line, or for the empty one and the line after it.
    pub fn from_info(info: InfoLine<'_>) -> Result<Option<Self>, InfoError> {
        let text = if info.is_continuation() {
            trim(info.line())
        } else {
            let first = info_body(info)?;
            if first.is_empty() {
                return Ok(None);
            }
            first
        };
        Self::decode(text).map(Some)
    }

    /// `4,LTE`, trimmed.
    #[inline]
    fn decode(text: &[u8]) -> Result<Self, InfoError> {
        let (n, mode) = split_comma(text);
        let (n, mode) = (int(n)?, unquote(mode.ok_or(InfoError)?));
        NetworkMode::ALL
            .iter()
            .find(|(_, num, name)| *num == n && name.as_bytes().eq_ignore_ascii_case(mode))
            .map(|&(mode, _, _)| SysInfo { mode })
            .ok_or(InfoError)
    }

    /// Writes the one-line form.
    pub fn write(&self, w: &mut Writer<'_>) {
        if let Some((_, n, name)) = NetworkMode::ALL.iter().find(|(m, _, _)| *m == self.mode) {
            w.put(b"+SYSINFO:");
            w.put_u32(*n);
            w.put_byte(b',');
            w.put(name.as_bytes());
        }
    }
}

/// `+CNUM:<alpha>,<number>,<type>` (4.23).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Cnum<'a> {
    /// Name, quotes removed.
    pub alpha: &'a [u8],
    /// Number, quotes removed.
    pub number: &'a [u8],
    /// Type of number (129 national, 145 international).
    pub kind: u8,
}

impl<'a> Cnum<'a> {
    /// Parses the answer.
    pub fn parse(line: &'a [u8]) -> Result<Self, InfoError> {
        Self::decode(body(line, "CNUM")?)
    }

    /// [`Cnum::parse`] of the information line of `AT+CNUM`'s exchange (see the [module
    /// documentation](self): the name is not compared again).
    pub fn from_info(info: InfoLine<'a>) -> Result<Self, InfoError> {
        Self::decode(info_body(info)?)
    }

    /// The text after `+CNUM:`, trimmed.
    #[inline]
    fn decode(text: &'a [u8]) -> Result<Self, InfoError> {
        let mut it = cat1_at_parse::Params::new(text).iter();
        let alpha = unquote(trim(it.next().ok_or(InfoError)?));
        let number = unquote(trim(it.next().ok_or(InfoError)?));
        let kind = int(trim(it.next().ok_or(InfoError)?))?;
        if it.next().is_some() {
            return Err(InfoError);
        }
        let kind = u8::try_from(kind).map_err(|_| InfoError)?;
        Ok(Cnum {
            alpha,
            number,
            kind,
        })
    }

    /// Writes the answer, text quoted.
    pub fn write(&self, w: &mut Writer<'_>) {
        w.put(b"+CNUM:\"");
        w.put(self.alpha);
        w.put(b"\",\"");
        w.put(self.number);
        w.put(b"\",");
        w.put_u32(u32::from(self.kind));
    }
}

/// `+LBS:LAC=<hex>,CID=<decimal>`, the answer of `AT+LBS?` (4.24, errata #31).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct LbsCell {
    /// Location area code (written in hex).
    pub lac: u32,
    /// Cell id (written in decimal).
    pub cid: u32,
}

impl LbsCell {
    /// Parses the answer.
    pub fn parse(line: &[u8]) -> Result<Self, InfoError> {
        Self::decode(body(line, "LBS")?)
    }

    /// [`LbsCell::parse`] of the information line of `AT+LBS?`'s exchange (see the [module
    /// documentation](self): the name is not compared again).
    pub fn from_info(info: InfoLine<'_>) -> Result<Self, InfoError> {
        Self::decode(info_body(info)?)
    }

    /// The text after `+LBS:`, trimmed.
    #[inline]
    fn decode(text: &[u8]) -> Result<Self, InfoError> {
        let (a, b) = split_comma(text);
        Ok(LbsCell {
            lac: hex_int(keyed(a, "LAC")?)?,
            cid: int(keyed(b.ok_or(InfoError)?, "CID")?)?,
        })
    }

    /// Writes `+LBS:LAC=<lower-case hex>,CID=<decimal>`.
    pub fn write(&self, w: &mut Writer<'_>) {
        w.put(b"+LBS:LAC=");
        put_hex(w, self.lac);
        w.put(b",CID=");
        w.put_u32(self.cid);
    }
}

/// `+LBS:LNG=..,LAT=..,TIME=..[,ADDINFO=..]`, the answer of `AT+LBS=1` and `AT+LBS=2`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct LbsPosition<'a> {
    /// Longitude in decimal degrees, as written.
    pub lng: &'a [u8],
    /// Latitude in decimal degrees, as written.
    pub lat: &'a [u8],
    /// `yyyy-MM-dd hh:mm:ss`.
    pub time: &'a [u8],
    /// The address (`AT+LBS=2` only); runs to the end of the line and may hold commas.
    pub addinfo: Option<&'a [u8]>,
}

impl<'a> LbsPosition<'a> {
    /// Parses either form.
    pub fn parse(line: &'a [u8]) -> Result<Self, InfoError> {
        Self::decode(body(line, "LBS")?)
    }

    /// [`LbsPosition::parse`] of the information line of `AT+LBS=1`'s or `AT+LBS=2`'s exchange
    /// (see the [module documentation](self): the name is not compared again).
    pub fn from_info(info: InfoLine<'a>) -> Result<Self, InfoError> {
        Self::decode(info_body(info)?)
    }

    /// The text after `+LBS:`, trimmed.
    #[inline]
    fn decode(text: &'a [u8]) -> Result<Self, InfoError> {
        let (lng, rest) = split_comma(text);
        let (lat, rest) = split_comma(rest.ok_or(InfoError)?);
        let (time, rest) = split_comma(rest.ok_or(InfoError)?);
        let addinfo = match rest {
            Some(rest) => Some(keyed(rest, "ADDINFO")?),
            None => None,
        };
        Ok(LbsPosition {
            lng: keyed(lng, "LNG")?,
            lat: keyed(lat, "LAT")?,
            time: keyed(time, "TIME")?,
            addinfo,
        })
    }

    /// Writes the answer.
    pub fn write(&self, w: &mut Writer<'_>) {
        w.put(b"+LBS:LNG=");
        w.put(self.lng);
        w.put(b",LAT=");
        w.put(self.lat);
        w.put(b",TIME=");
        w.put(self.time);
        if let Some(a) = self.addinfo {
            w.put(b",ADDINFO=");
            w.put(a);
        }
    }
}

/// One neighbour line of `AT+LBSN?` (4.25): `TAC<i>=<hex>,CellID<i>=<hex>` after `+LBSN:`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct NeighbourCell {
    /// The 1-based index in the list.
    pub index: u32,
    /// Tracking area code, 1-65535.
    pub tac: u32,
    /// Cell id, 1-268435455.
    pub cid: u32,
}

impl NeighbourCell {
    /// Whether `line` is the `+LBSN:` header that precedes the cells.
    pub fn is_header(line: &[u8]) -> bool {
        body(line, "LBSN").is_ok_and(<[u8]>::is_empty)
    }

    /// An information line of `AT+LBSN?`'s exchange (see the [module documentation](self): the
    /// name is not compared again): the `+LBSN:` header is `Ok(None)`, a cell line (a
    /// continuation line) the cell. What [`NeighbourCell::is_header`] and
    /// [`NeighbourCell::parse`] tell of the line.
    pub fn from_info(info: InfoLine<'_>) -> Result<Option<Self>, InfoError> {
        if info.is_continuation() {
            return Self::parse(info.line()).map(Some);
        }
        if info_body(info)?.is_empty() {
            Ok(None)
        } else {
            Err(InfoError)
        }
    }

    /// Parses one cell line.
    pub fn parse(line: &[u8]) -> Result<Self, InfoError> {
        let (a, b) = split_comma(line);
        let (ka, va) = a.split_at(a.iter().position(|&b| b == b'=').ok_or(InfoError)?);
        let index = tac_index(ka).ok_or(InfoError)?;
        let idx = int(index)?;
        let tac = hex_int(trim(va.get(1..).unwrap_or(&[])))?;
        let cid = hex_int(cell_id(b.ok_or(InfoError)?, index)?)?;
        let ok = (1..=65535).contains(&tac) && (1..=268_435_455).contains(&cid);
        if ok {
            Ok(NeighbourCell {
                index: idx,
                tac,
                cid,
            })
        } else {
            Err(InfoError)
        }
    }

    /// Writes `TAC<i>=<hex>,CellID<i>=<hex>` (lower-case hex, as the manual's example).
    pub fn write(&self, w: &mut Writer<'_>) {
        w.put(b"TAC");
        w.put_u32(self.index);
        w.put_byte(b'=');
        put_hex(w, self.tac);
        w.put(b",CellID");
        w.put_u32(self.index);
        w.put_byte(b'=');
        put_hex(w, self.cid);
    }
}

/// `+CCLK:"yy/MM/dd,hh:mm:ss±zz"` (4.26, protocol-notes §10; zone in quarter hours).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Clock {
    /// Year 00-99.
    pub year: u8,
    /// Month 1-12.
    pub month: u8,
    /// Day 1-31.
    pub day: u8,
    /// Hour 0-23.
    pub hour: u8,
    /// Minute 0-59.
    pub minute: u8,
    /// Second 0-59.
    pub second: u8,
    /// Offset from UTC in quarter hours, -96..=96.
    pub zone_quarters: i8,
}

impl Clock {
    /// Parses the answer; quotes optional.
    pub fn parse(line: &[u8]) -> Result<Self, InfoError> {
        Self::decode(body(line, "CCLK")?)
    }

    /// [`Clock::parse`] of the information line of `AT+CCLK?`'s exchange (see the [module
    /// documentation](self): the name is not compared again).
    pub fn from_info(info: InfoLine<'_>) -> Result<Self, InfoError> {
        Self::decode(info_body(info)?)
    }

    /// The text after `+CCLK:`, trimmed.
    #[inline]
    fn decode(text: &[u8]) -> Result<Self, InfoError> {
        let t = unquote(text);
        let b = |i: usize| t.get(i).copied().ok_or(InfoError);
        let two = |i: usize| -> Result<u8, InfoError> {
            let (h, l) = (b(i)?, b(i + 1)?);
            if h.is_ascii_digit() && l.is_ascii_digit() {
                Ok((h - b'0') * 10 + (l - b'0'))
            } else {
                Err(InfoError)
            }
        };
        let seps = [(2, b'/'), (5, b'/'), (8, b','), (11, b':'), (14, b':')];
        if t.len() != 20 || seps.iter().any(|&(i, c)| b(i) != Ok(c)) {
            return Err(InfoError);
        }
        let zone = i8::try_from(two(18)?).map_err(|_| InfoError)?;
        let zone_quarters = match b(17)? {
            b'+' => zone,
            b'-' => -zone,
            _ => return Err(InfoError),
        };
        let c = Clock {
            year: two(0)?,
            month: two(3)?,
            day: two(6)?,
            hour: two(9)?,
            minute: two(12)?,
            second: two(15)?,
            zone_quarters,
        };
        let ok = (1..=12).contains(&c.month)
            && (1..=31).contains(&c.day)
            && c.hour < 24
            && c.minute < 60
            && c.second < 60
            && (-96..=96).contains(&c.zone_quarters);
        if ok { Ok(c) } else { Err(InfoError) }
    }

    /// Writes the answer with ASCII quotes.
    pub fn write(&self, w: &mut Writer<'_>) {
        let two = |w: &mut Writer<'_>, n: u8| {
            w.put_byte(b'0' + (n / 10) % 10);
            w.put_byte(b'0' + n % 10);
        };
        w.put(b"+CCLK:\"");
        two(w, self.year);
        w.put_byte(b'/');
        two(w, self.month);
        w.put_byte(b'/');
        two(w, self.day);
        w.put_byte(b',');
        two(w, self.hour);
        w.put_byte(b':');
        two(w, self.minute);
        w.put_byte(b':');
        two(w, self.second);
        w.put_byte(if self.zone_quarters < 0 { b'-' } else { b'+' });
        two(w, self.zone_quarters.unsigned_abs());
        w.put_byte(b'"');
    }
}

/// `+SOCKxLK:<Connected|Disconnected>` (4.42-4.45).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct LinkState {
    /// The socket, `A`-`D`.
    pub socket: u8,
    /// Whether it is connected.
    pub connected: bool,
}

impl LinkState {
    /// Parses the answer of `AT+SOCK<socket>LK?`.
    pub fn parse(line: &[u8]) -> Result<Self, InfoError> {
        let name = line.get(1..8).ok_or(InfoError)?;
        let socket = match name {
            [s, o, c, k, x, l, kk]
                if [*s, *o, *c, *k].eq_ignore_ascii_case(b"SOCK")
                    && [*l, *kk].eq_ignore_ascii_case(b"LK") =>
            {
                x.to_ascii_uppercase()
            }
            _ => return Err(InfoError),
        };
        if !(b'A'..=b'D').contains(&socket) {
            return Err(InfoError);
        }
        let text = unquote(trim(line.get(9..).ok_or(InfoError)?));
        if line.get(8) != Some(&b':') {
            return Err(InfoError);
        }
        Self::decode(socket, text)
    }

    /// [`LinkState::parse`] of the information line of `AT+SOCK<socket>LK?`'s exchange (see the
    /// [module documentation](self): the name is not compared again, but for the socket, its
    /// fifth byte, which is still checked to be `A`-`D` in any case).
    pub fn from_info(info: InfoLine<'_>) -> Result<Self, InfoError> {
        let socket = match info.name() {
            [_, _, _, _, x, _, _] => x.to_ascii_uppercase(),
            _ => return Err(InfoError),
        };
        if !(b'A'..=b'D').contains(&socket) {
            return Err(InfoError);
        }
        Self::decode(socket, unquote(info_body(info)?))
    }

    /// The state of `socket` from the text after the colon, trimmed and unquoted.
    #[inline]
    fn decode(socket: u8, text: &[u8]) -> Result<Self, InfoError> {
        // `eq_ignore_case`: `eq_ignore_ascii_case`, four bytes at a time when they are equal.
        let connected = if eq_ignore_case(text, b"Connected") {
            true
        } else if eq_ignore_case(text, b"Disconnected") {
            false
        } else {
            return Err(InfoError);
        };
        Ok(LinkState { socket, connected })
    }

    /// Writes the answer.
    pub fn write(&self, w: &mut Writer<'_>) {
        w.put(b"+SOCK");
        w.put_byte(self.socket);
        w.put(b"LK:");
        w.put(if self.connected {
            b"Connected"
        } else {
            b"Disconnected"
        });
    }
}

/// A request for a read-only value: what cat1-client's typed read
/// (`modem.read_value::<requests::Csq>(|csq| ..)`) decodes each information line of its answer
/// with. Implemented for cat1-config's read-only [`requests`](crate::requests), by the `from_info`
/// of their answer's type.
pub trait ReadAnswer: Request {
    /// The value of one information line (text fields borrow from it).
    type Value<'a>;

    /// Decodes one information line of the answer, whose `+NAME:` the framer matched to the
    /// command's (not compared again): `Ok(None)` for a line that carries no value (the empty
    /// `+SYSINFO:` of the two-line form, the `+LBSN:` header), an error for a line without the
    /// answer's shape.
    fn decode_line(info: InfoLine<'_>) -> Result<Option<Self::Value<'_>>, InfoError>;

    /// [`ReadAnswer::decode_line`] of a line in its place in the answer, as the typed read runs
    /// it: `open` is the answer's state, `false` at its start, `true` while a header waits for
    /// the line that carries its value (the empty `+SYSINFO:` of the two-line form); an answer
    /// that ends with `open` has lost its value. By default the line alone decides (`open` left
    /// `false`): only `Sysinfo`'s answer has a header whose value follows it.
    #[inline]
    fn decode_answer_line<'i>(
        open: &mut bool,
        info: InfoLine<'i>,
    ) -> Result<Option<Self::Value<'i>>, InfoError> {
        let _ = open;
        Self::decode_line(info)
    }
}

/// `+SYSINFO:`'s answer in its place: a continuation line is the value only right after the
/// empty header (what [`SysInfo::parse`] reads as `next`); after a complete one-line value it is
/// not this answer's (a heartbeat, say: `SysInfo::parse` of the first line ignores it too), and
/// is passed over, not decoded as a second value or refused.
impl ReadAnswer for crate::requests::Sysinfo {
    type Value<'a> = SysInfo;

    #[inline]
    fn decode_line(info: InfoLine<'_>) -> Result<Option<SysInfo>, InfoError> {
        SysInfo::from_info(info)
    }

    #[inline]
    fn decode_answer_line<'i>(
        open: &mut bool,
        info: InfoLine<'i>,
    ) -> Result<Option<SysInfo>, InfoError> {
        if info.is_continuation() && !core::mem::take(open) {
            return Ok(None);
        }
        let value = SysInfo::from_info(info)?;
        // The empty header (`Ok(None)`, not a continuation) opens the answer; a value closes it.
        *open = value.is_none() && !info.is_continuation();
        Ok(value)
    }
}

/// `impl ReadAnswer` for each request, its value's type and the decoder of a line (`$l` names
/// the value's lifetime).
macro_rules! read_answers {
    ($($request:ident: $l:lifetime, $value:ty, $decode:expr;)*) => {$(
        impl ReadAnswer for crate::requests::$request {
            type Value<$l> = $value;

            #[inline]
            fn decode_line(info: InfoLine<'_>) -> Result<Option<Self::Value<'_>>, InfoError> {
                $decode(info)
            }
        }
    )*};
}

read_answers! {
    Csq: 'a, Csq, Csq::read_line;
    Ver: 'a, TextInfo<'a>, |info| TextInfo::from_info(Self::SPEC.name, info).map(Some);
    Build: 'a, TextInfo<'a>, |info| TextInfo::from_info(Self::SPEC.name, info).map(Some);
    Sn: 'a, TextInfo<'a>, |info| TextInfo::from_info(Self::SPEC.name, info).map(Some);
    Cip: 'a, TextInfo<'a>, |info| TextInfo::from_info(Self::SPEC.name, info).map(Some);
    Imei: 'a, TextInfo<'a>, |info| TextInfo::imei_from_info(info).map(Some);
    Iccid: 'a, TextInfo<'a>, |info| TextInfo::iccid_from_info(info).map(Some);
    Cnum: 'a, Cnum<'a>, |info| Cnum::from_info(info).map(Some);
    Lbs: 'a, LbsCell, |info| LbsCell::from_info(info).map(Some);
    Lbsn: 'a, NeighbourCell, NeighbourCell::from_info;
    Cclk: 'a, Clock, |info| Clock::from_info(info).map(Some);
    Sockalk: 'a, LinkState, |info| LinkState::from_info(info).map(Some);
    Sockblk: 'a, LinkState, |info| LinkState::from_info(info).map(Some);
    Sockclk: 'a, LinkState, |info| LinkState::from_info(info).map(Some);
    Sockdlk: 'a, LinkState, |info| LinkState::from_info(info).map(Some);
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use proptest::strategy::Strategy as _;

    #[test]
    fn eq_ignore_case_is_eq_ignore_ascii_case_for_every_pair_of_bytes() {
        for x in 0..=255u8 {
            for y in 0..=255u8 {
                assert_eq!(
                    eq_ignore_case(&[x], &[y]),
                    [x].eq_ignore_ascii_case(&[y]),
                    "{x} {y}"
                );
                assert_eq!(
                    eq_ignore_case(&[b'A', x, b'z'], &[b'a', y, b'Z']),
                    [b'A', x, b'z'].eq_ignore_ascii_case(&[b'a', y, b'Z'])
                );
            }
        }
        assert!(!eq_ignore_case(b"CSQ", b"CS"));
        assert!(eq_ignore_case(b"", b""));
    }

    /// Pieces of answer bodies: the manual's values, what tolerant parsing meets (spaces,
    /// quotes, case), and bytes that break them.
    const PIECES: [&str; 26] = [
        "27",
        "99",
        ",",
        " ",
        "\"",
        "LTE",
        "4",
        "LAC=333e",
        "CID=3357906",
        "LNG=114.4",
        "LAT=30.4",
        "TIME=2020-12-11 15:45:36",
        "ADDINFO=426 Gaoxin, Wuhan",
        "Connected",
        "disconnected",
        "20/06/19,20:05:19+32",
        "864333040712457",
        "8986003615195A571314",
        "V1.1",
        "\t",
        "x",
        "129",
        "15112341234",
        "-",
        "TAC1=5a30",
        "CellID1=b2114b1",
    ];

    /// The names of the answers, as sent and in other cases.
    const NAMES: [&str; 16] = [
        "CSQ", "csq", "SYSINFO", "VER", "IMEI", "ICCID", "CNUM", "LBS", "lbs", "CCLK", "SOCKALK",
        "sockdlk", "SockBLk", "SOCKELK", "LBSN", "Cip",
    ];

    /// Every decoder of an information line checks a continuation line's shape as its
    /// `parse` does (an information line, no `+NAME:`, comes only from a framer).
    fn continuation_lines(name: &str, lines: &[&[u8]], mut each: impl FnMut(InfoLine<'_>)) {
        extern crate std;
        use cat1_at_parse::{Event, Expect, Framer, Status};
        let sent = std::format!("AT+{name}?");
        let mut expect = Expect::command(sent.as_bytes(), name.as_bytes());
        let mut framer = Framer::<256>::new();
        let mut input = std::vec::Vec::new();
        for l in lines {
            input.extend_from_slice(b"\r\n");
            input.extend_from_slice(l);
            input.extend_from_slice(b"\r\n");
        }
        let mut rest = &input[..];
        while let Status::Complete(event, used) = framer.feed(rest, &mut expect) {
            if let Event::Info(info) = event {
                each(info);
            }
            rest = &rest[used..];
        }
    }

    #[test]
    fn continuation_lines_decode_as_the_lines_after_the_first() {
        let mut got = std::vec::Vec::new();
        continuation_lines("SYSINFO", &[b"+SYSINFO:", b" 4,lte "], |info| {
            got.push(SysInfo::from_info(info));
        });
        let mode = SysInfo::parse(b"+SYSINFO:", Some(b" 4,lte ")).unwrap();
        assert_eq!(got, [Ok(None), Ok(Some(mode))]);
        let cells: [&[u8]; 3] = [
            b"TAC1=5a30,CellID1=b2114b1",
            b"tac2 = 5A30 ,cellid2=5d7e404",
            b"TAC3=0,CellID3=1",
        ];
        let mut got = std::vec::Vec::new();
        continuation_lines("LBSN", &[b"+LBSN:", cells[0], cells[1], cells[2]], |info| {
            got.push(NeighbourCell::from_info(info));
            got.push(crate::requests::Lbsn::decode_line(info));
        });
        let want: std::vec::Vec<_> = [Ok(None)]
            .into_iter()
            .chain(cells.iter().map(|c| NeighbourCell::parse(c).map(Some)))
            .flat_map(|r| [r, r])
            .collect();
        assert_eq!(got, want);
        assert!(want[3].is_ok() && want[5].is_ok() && want[7].is_err());
        // A continuation is no line of a one-line answer.
        let mut got = std::vec::Vec::new();
        continuation_lines("SYSINFO", &[b"+SYSINFO:4,LTE", b"27,99"], |info| {
            got.push(Csq::from_info(info).is_err());
            got.push(LinkState::from_info(info).is_err());
        });
        assert_eq!(got, [true, true, true, true]);
    }

    proptest::proptest! {
        /// Each `from_info` gives what `parse` gives for the line (with the answer's name in
        /// any case), from the `InfoLine` the framer would make of it; the `ReadAnswer` of each
        /// request is its type's `from_info`.
        #[test]
        fn from_info_is_parse(
            name in proptest::sample::select(&NAMES[..]),
            spaces in 0usize..3,
            pieces in proptest::collection::vec(proptest::sample::select(&PIECES[..]), 0..6),
        ) {
            use crate::requests as r;
            extern crate std;
            let line = std::format!("+{name}:{}{}", " ".repeat(spaces), pieces.concat());
            let line = line.as_bytes();
            let info = InfoLine::parse(line).unwrap();
            match name.to_ascii_uppercase().as_str() {
                "CSQ" => {
                    proptest::prop_assert_eq!(Csq::from_info(info), Csq::parse(line));
                    proptest::prop_assert_eq!(r::Csq::decode_line(info), Csq::parse(line).map(Some));
                }
                "SYSINFO" => {
                    let want = match SysInfo::parse(line, None) {
                        Err(_) if body(line, "SYSINFO").is_ok_and(<[u8]>::is_empty) => Ok(None),
                        other => other.map(Some),
                    };
                    proptest::prop_assert_eq!(SysInfo::from_info(info), want);
                    proptest::prop_assert_eq!(r::Sysinfo::decode_line(info), want);
                }
                "VER" => {
                    proptest::prop_assert_eq!(TextInfo::from_info("VER", info), TextInfo::parse("VER", line));
                    proptest::prop_assert_eq!(r::Ver::decode_line(info), TextInfo::parse("VER", line).map(Some));
                }
                "CIP" => {
                    proptest::prop_assert_eq!(r::Cip::decode_line(info), TextInfo::parse("CIP", line).map(Some));
                }
                "IMEI" => {
                    proptest::prop_assert_eq!(TextInfo::imei_from_info(info), TextInfo::parse_imei(line));
                    proptest::prop_assert_eq!(r::Imei::decode_line(info), TextInfo::parse_imei(line).map(Some));
                }
                "ICCID" => {
                    proptest::prop_assert_eq!(TextInfo::iccid_from_info(info), TextInfo::parse_iccid(line));
                    proptest::prop_assert_eq!(r::Iccid::decode_line(info), TextInfo::parse_iccid(line).map(Some));
                }
                "CNUM" => {
                    proptest::prop_assert_eq!(Cnum::from_info(info), Cnum::parse(line));
                    proptest::prop_assert_eq!(r::Cnum::decode_line(info), Cnum::parse(line).map(Some));
                }
                "LBS" => {
                    proptest::prop_assert_eq!(LbsCell::from_info(info), LbsCell::parse(line));
                    proptest::prop_assert_eq!(LbsPosition::from_info(info), LbsPosition::parse(line));
                    proptest::prop_assert_eq!(r::Lbs::decode_line(info), LbsCell::parse(line).map(Some));
                }
                "CCLK" => {
                    proptest::prop_assert_eq!(Clock::from_info(info), Clock::parse(line));
                    proptest::prop_assert_eq!(r::Cclk::decode_line(info), Clock::parse(line).map(Some));
                }
                "LBSN" => {
                    let want = if NeighbourCell::is_header(line) { Ok(None) } else { Err(InfoError) };
                    proptest::prop_assert_eq!(NeighbourCell::from_info(info), want);
                    proptest::prop_assert_eq!(r::Lbsn::decode_line(info), want);
                }
                _ => {
                    // SOCKxLK, x in A-E.
                    proptest::prop_assert_eq!(LinkState::from_info(info), LinkState::parse(line));
                    for got in [
                        r::Sockalk::decode_line(info),
                        r::Sockblk::decode_line(info),
                        r::Sockclk::decode_line(info),
                        r::Sockdlk::decode_line(info),
                    ] {
                        proptest::prop_assert_eq!(got, LinkState::parse(line).map(Some));
                    }
                }
            }
        }
    }

    proptest::proptest! {
        /// The module's form matched as a pattern gives what the general way gives, for its
        /// shape and near misses, and for any short text of digits, commas, spaces, quotes and
        /// other bytes; `decode` gives what it gave before the pattern.
        #[test]
        fn csq_plain_is_general(
            // The module's form and its near misses: up to three bytes each side of a comma, the
            // digits' neighbours (`/`, `:`) among them.
            text in csq_texts(b"0189/: \"a", b"0189/: \"a,", 4, b"0123456789,, \"a/:\x00", 7),
        ) {
            if let Some(plain) = Csq::plain(&text) {
                proptest::prop_assert_eq!(Ok(plain), Csq::general(&text));
            }
            // And whole answers: the same as before the pattern (the general way alone, then
            // the range check).
            let before = Csq::general(&text).and_then(csq_checked);
            proptest::prop_assert_eq!(Csq::decode(&text), before);
            // The same for the text trimmed or not (`from_info` does not trim), with any
            // whitespace around it too.
            proptest::prop_assert_eq!(Csq::decode(&text), Csq::decode(trim(&text)));
            let padded = [&b" \t"[..], &text, b"\r\n "].concat();
            proptest::prop_assert_eq!(Csq::decode(&padded), Csq::decode(trim(&padded)));
        }
    }

    /// `Csq::plain` as it was: the comma's place matched first, then each side's one or two
    /// digits.
    fn csq_plain_before(text: &[u8]) -> Option<(u32, u32)> {
        fn num(text: &[u8]) -> Option<u32> {
            let digit = |b: u8| {
                let d = u32::from(b).wrapping_sub(u32::from(b'0'));
                (d <= 9).then_some(d)
            };
            match *text {
                [low] => digit(low),
                [high, low] => Some(digit(high)?.wrapping_mul(10).wrapping_add(digit(low)?)),
                _ => None,
            }
        }
        let comma = match *text {
            [_, b',', ..] => 1,
            [_, _, b',', ..] => 2,
            _ => return None,
        };
        let (rssi, rest) = text.split_at_checked(comma)?;
        Some((num(rssi)?, num(rest.get(1..)?)?))
    }

    proptest::proptest! {
        /// Each number read from the front: the same values and refusals as the comma's place
        /// matched first, for the module's forms, their near misses and any short text.
        #[test]
        fn csq_plain_is_as_before(
            text in proptest::prop_oneof![
                (
                    proptest::collection::vec(proptest::sample::select(&b"0189/:,a "[..]), 0..4),
                    proptest::collection::vec(proptest::sample::select(&b"0189/:,a "[..]), 0..4),
                )
                    .prop_map(|(a, b)| [a, std::vec![b','], b].concat()),
                proptest::collection::vec(proptest::sample::select(&b"0123456789,/:"[..]), 0..7),
            ],
        ) {
            proptest::prop_assert_eq!(Csq::plain(&text), csq_plain_before(&text));
            // And as each number read from the front gave it (the way the forms by length
            // replaced).
            proptest::prop_assert_eq!(Csq::plain(&text), plain_by_numbers(&text));
        }
    }

    /// `Csq::plain` as it was before the anchors round: each number read from the front (one
    /// or two digits), then the comma and the end looked at.
    fn plain_by_numbers(text: &[u8]) -> Option<(u32, u32)> {
        fn lead(text: &[u8]) -> Option<(u32, &[u8])> {
            let digit = |b: u8| {
                let d = u32::from(b).wrapping_sub(u32::from(b'0'));
                (d <= 9).then_some(d)
            };
            let (&high, rest) = text.split_first()?;
            let high = digit(high)?;
            match rest.split_first() {
                Some((&low, more)) => match digit(low) {
                    Some(low) => Some((high.wrapping_mul(10).wrapping_add(low), more)),
                    None => Some((high, rest)),
                },
                None => Some((high, rest)),
            }
        }
        let (rssi, rest) = lead(text)?;
        let (ber, rest) = lead(rest.strip_prefix(b",")?)?;
        rest.is_empty().then_some((rssi, ber))
    }

    /// `Csq::general` before it capped its numbers: each side split at the comma and trimmed,
    /// then `int` (`parse_int` of the text without its quotes).
    fn csq_general_before(text: &[u8]) -> Result<(u32, u32), InfoError> {
        let (a, b) = split_at_comma(text, text.iter().position(|&b| b == b','));
        Ok((int(a)?, int(b.ok_or(InfoError)?)?))
    }

    /// `Csq::decode` as it was with `csq_general_before`.
    fn csq_decode_before(text: &[u8]) -> Result<Csq, InfoError> {
        match Csq::plain(text) {
            Some(values) => csq_checked(values),
            None => csq_general_before(text).and_then(csq_checked),
        }
    }

    /// The range check of `Csq::decode`, as it was written before this stop's rounds.
    fn csq_checked((rssi, ber): (u32, u32)) -> Result<Csq, InfoError> {
        let ok = (rssi <= 31 || rssi == 99) && (ber <= 7 || ber == 99);
        match (u8::try_from(rssi), u8::try_from(ber)) {
            (Ok(rssi), Ok(ber)) if ok => Ok(Csq { rssi, ber }),
            _ => Err(InfoError),
        }
    }

    /// Texts for the CSQ proptests: `first` bytes before a comma and `second` bytes after it
    /// (fewer than `side_len` each; `second` may hold a comma too), or `any` bytes (fewer than
    /// `any_len`).
    fn csq_texts(
        first: &'static [u8],
        second: &'static [u8],
        side_len: usize,
        any: &'static [u8],
        any_len: usize,
    ) -> impl proptest::strategy::Strategy<Value = std::vec::Vec<u8>> {
        let side = |bytes| proptest::collection::vec(proptest::sample::select(bytes), 0..side_len);
        proptest::prop_oneof![
            (side(first), side(second)).prop_map(|(a, b)| [a, std::vec![b','], b].concat()),
            proptest::collection::vec(proptest::sample::select(any), 0..any_len),
        ]
    }

    proptest::proptest! {
        /// The capped numbers decode every text as `int` did: the same values and the same
        /// refusals (numbers above 99, beyond `u32`, with spaces or quotes inside or around).
        #[test]
        fn csq_capped_decodes_as_int_did(
            text in csq_texts(
                b"00123789 \"\t",
                b"00123789 \"\t,",
                13,
                b"0123456789,, \"a/:\x00\t",
                14,
            ),
        ) {
            proptest::prop_assert_eq!(Csq::decode(&text), csq_decode_before(&text));
            // The values the range check lets through are the same.
            if let Ok((rssi, ber)) = csq_general_before(&text) {
                if rssi <= 99 && ber <= 99 {
                    proptest::prop_assert_eq!(Csq::general(&text), Ok((rssi, ber)));
                }
            } else {
                // Refused before: refused now, or a number beyond `u32` read as 100.
                let capped = Csq::general(&text);
                proptest::prop_assert!(
                    capped.is_err() || capped.is_ok_and(|(r, b)| r == 100 || b == 100)
                );
            }
        }
    }

    #[test]
    fn csq_numbers_above_99_or_beyond_u32_are_refused_as_before() {
        for text in [
            &b"100,99"[..],
            b"0000000027,99",
            b"27,0000000000099",
            b"4294967296,0",
            b"99999999999,0",
            b"\"27\",\" 99\"",
            b" \"27\" , \"99\" ",
        ] {
            assert_eq!(
                Csq::decode(text),
                csq_decode_before(text),
                "{:?}",
                core::str::from_utf8(text)
            );
        }
        assert_eq!(
            Csq::decode(b"0000000027, 099"),
            Ok(Csq { rssi: 27, ber: 99 })
        );
        assert_eq!(Csq::decode(b"4294967296,0"), Err(InfoError));
    }

    /// `Csq`'s decoding before this stop's rounds (the comma found a byte at a time, `int` on
    /// each side): the reference of `csq_any_text_is_the_original`.
    fn csq_original(text: &[u8]) -> Result<Csq, InfoError> {
        csq_general_before(text).and_then(csq_checked)
    }

    proptest::proptest! {
        /// `Csq::decode` and `Csq::from_info` on any text against the decoding before this
        /// stop's rounds (the pattern, the capped general way, the space before `trim`). (A
        /// second reader's test.)
        #[test]
        fn csq_any_text_is_the_original(
            text in proptest::collection::vec(
                proptest::sample::select(&b"0000111223345678999,, \t\"\r\nax\x0b\xa0"[..]),
                0..16,
            ),
            any in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..8),
        ) {
            for t in [&text[..], &any[..]] {
                proptest::prop_assert_eq!(Csq::decode(t), csq_original(t));
                let mut line = b"+CSQ:".to_vec();
                line.extend_from_slice(t);
                if let Some(info) = InfoLine::parse(&line) {
                    let body = info.line().get(info.name().len() + 2..).unwrap_or(&[]);
                    proptest::prop_assert_eq!(Csq::from_info(info), csq_original(trim(body)));
                }
            }
        }
    }

    proptest::proptest! {
        /// The typed read's decoder (`Csq::read_line`, the value made `Some` where it is built)
        /// gives what it gave before: `from_info`'s result mapped (`.map(Some)`).
        #[test]
        fn csq_read_line_is_from_info_mapped(
            text in csq_texts(
                b"0123789 \"\t",
                b"0123789 \"\t,",
                4,
                b"0123456789,, \"a\r\x00\t",
                10,
            ),
            spaces in 0usize..2,
            (rssi, ber) in (0u32..40, 0u32..12),
        ) {
            use crate::requests as r;
            // Any text, and the module's form with every value in range (and some beyond).
            let numbers = std::format!("{},{}", rssi, if ber > 9 { 99 } else { ber });
            for text in [&text[..], numbers.as_bytes()] {
                let mut line = b"+CSQ:".to_vec();
                line.extend(core::iter::repeat_n(b' ', spaces));
                line.extend_from_slice(text);
                if let Some(info) = InfoLine::parse(&line) {
                    proptest::prop_assert_eq!(
                        r::Csq::decode_line(info),
                        Csq::from_info(info).map(Some)
                    );
                }
            }
        }
    }

    #[test]
    fn csq_in_the_modules_forms() {
        for (text, want) in [
            (&b"27,99"[..], Some((27, 99))),
            (b"0,0", Some((0, 0))),
            (b"9,99", Some((9, 99))),
            (b"31,7", Some((31, 7))),
            (b"2a,99", None),
            (b"27,9a", None),
            (b"127,99", None),
            (b"27,", None),
            (b",99", None),
            (b"27 ,99", None),
        ] {
            assert_eq!(Csq::plain(text), want, "{:?}", core::str::from_utf8(text));
        }
        // One space after the colon, or none, or two: the same value.
        for line in [
            &b"+CSQ:27,99"[..],
            b"+CSQ: 27,99",
            b"+CSQ:  27,99",
            b"+csq: 27,99 ",
        ] {
            let info = InfoLine::parse(line).unwrap();
            assert_eq!(Csq::from_info(info), Ok(Csq { rssi: 27, ber: 99 }));
        }
        assert_eq!(Csq::parse(b"+CSQ: 32,99"), Err(InfoError));
        assert_eq!(Csq::parse(b"+CSQ: 99,8"), Err(InfoError));
    }

    proptest::proptest! {
        /// Four bytes at a time, then one by one: still `eq_ignore_ascii_case`, for names of
        /// any length and a difference (of case or of letter) anywhere.
        #[test]
        fn eq_ignore_case_is_eq_ignore_ascii_case_at_any_length(
            a in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..12),
            flips in proptest::collection::vec((0usize..12, 0u8..4), 0..3),
            b_other in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..12),
            use_other in proptest::bool::ANY,
        ) {
            let mut b = a.clone();
            for (i, how) in flips {
                if let Some(x) = b.get_mut(i) {
                    *x = match how {
                        0 => *x ^ 0x20,
                        1 => x.to_ascii_uppercase(),
                        2 => x.to_ascii_lowercase(),
                        _ => x.wrapping_add(1),
                    };
                }
            }
            let b = if use_other { b_other } else { b };
            proptest::prop_assert_eq!(eq_ignore_case(&a, &b), a.eq_ignore_ascii_case(&b));
        }

        /// `keyed` and `tac_index` (the key compared four bytes at a time, one-test trims, the
        /// prefix as a pattern) accept what they accepted, with the same results.
        #[test]
        fn keyed_and_tac_index_are_what_they_were(
            item in proptest::collection::vec(
                proptest::sample::select(&[b' ', b'\t', b'=', b'L', b'a', b'c', b'C', b'T', b'A', b'1', b'i', b'D', b'd'][..]),
                0..14,
            ),
            key in proptest::sample::select(&["LAC", "CID", "LNG", "CellID1", "ADDINFO", ""][..]),
        ) {
            fn keyed_before<'a>(item: &'a [u8], key: &str) -> Result<&'a [u8], InfoError> {
                let eq = item.iter().position(|&b| b == b'=').ok_or(InfoError)?;
                let (k, v) = item.split_at(eq);
                if !k.trim_ascii().eq_ignore_ascii_case(key.as_bytes()) {
                    return Err(InfoError);
                }
                Ok(v.get(1..).unwrap_or(&[]).trim_ascii())
            }
            fn tac_before(ka: &[u8]) -> Option<&[u8]> {
                ka.trim_ascii()
                    .strip_prefix(b"TAC")
                    .or_else(|| ka.trim_ascii().strip_prefix(b"tac"))
            }
            proptest::prop_assert_eq!(keyed(&item, key), keyed_before(&item, key));
            proptest::prop_assert_eq!(tac_index(&item), tac_before(&item));
        }

        /// `LinkState::parse` (its text compared with `eq_ignore_case`, trimmed with `trim`) is
        /// what it was with `eq_ignore_ascii_case` and `trim_ascii`.
        #[test]
        fn link_state_is_what_it_was(
            head in proptest::sample::select(&["+SOCKALK:", "+sockdlk:", "+SockBLk:", "+SOCKELK:", "+SOCKALK", "+SOCKCLK;"][..]),
            pad in proptest::sample::select(&["", " ", "\t", " \r"][..]),
            word in proptest::sample::select(&["Connected", "connected", "CONNECTED", "Disconnected", "disconnecteD", "\"Connected\"", "Connecte", "Connectedd", "Conn\x00cted", ""][..]),
        ) {
            fn before(line: &[u8]) -> Result<LinkState, InfoError> {
                let name = line.get(1..8).ok_or(InfoError)?;
                let socket = match name {
                    [s, o, c, k, x, l, kk]
                        if [*s, *o, *c, *k].eq_ignore_ascii_case(b"SOCK")
                            && [*l, *kk].eq_ignore_ascii_case(b"LK") =>
                    {
                        x.to_ascii_uppercase()
                    }
                    _ => return Err(InfoError),
                };
                if !(b'A'..=b'D').contains(&socket) {
                    return Err(InfoError);
                }
                let text = unquote(line.get(9..).ok_or(InfoError)?.trim_ascii());
                if line.get(8) != Some(&b':') {
                    return Err(InfoError);
                }
                let connected = if text.eq_ignore_ascii_case(b"Connected") {
                    true
                } else if text.eq_ignore_ascii_case(b"Disconnected") {
                    false
                } else {
                    return Err(InfoError);
                };
                Ok(LinkState { socket, connected })
            }
            extern crate std;
            let line = std::format!("{head}{pad}{word}{pad}");
            proptest::prop_assert_eq!(LinkState::parse(line.as_bytes()), before(line.as_bytes()));
        }

        /// `NeighbourCell::parse` (the cell's key compared in two parts, `cell_id`) is what
        /// it was with the key `CellID<index>` built and compared by `keyed`.
        #[test]
        fn neighbour_cells_are_what_they_were(
            pieces in proptest::collection::vec(
                proptest::sample::select(&[
                    "TAC", "tac", "Tac", "1", "12", "\"1\"", "=", "5a30", ",", "CellID", "cellid",
                    "CELLID", "CellId", "2", "b2114b1", " ", "0", "1234567890123", "x", "\t",
                ][..]),
                0..10,
            ),
        ) {
            fn before(line: &[u8]) -> Result<NeighbourCell, InfoError> {
                let (a, b) = split_comma(line);
                let (ka, va) = a.split_at(a.iter().position(|&b| b == b'=').ok_or(InfoError)?);
                let index = tac_index(ka).ok_or(InfoError)?;
                let idx = int(index)?;
                let mut key = [0u8; 16];
                let mut kw = Writer::new(&mut key);
                kw.put(b"CellID");
                kw.put(index);
                let klen = kw.finish().map_err(|_| InfoError)?;
                let key =
                    core::str::from_utf8(key.get(..klen).unwrap_or(&[])).map_err(|_| InfoError)?;
                let tac = hex_int(va.get(1..).unwrap_or(&[]).trim_ascii())?;
                let cid = hex_int(keyed(b.ok_or(InfoError)?, key)?)?;
                let ok = (1..=65535).contains(&tac) && (1..=268_435_455).contains(&cid);
                if ok {
                    Ok(NeighbourCell { index: idx, tac, cid })
                } else {
                    Err(InfoError)
                }
            }
            let line = pieces.concat();
            proptest::prop_assert_eq!(NeighbourCell::parse(line.as_bytes()), before(line.as_bytes()));
            // The manual's cells, with the pieces after them.
            for cell in ["TAC1=5a30,CellID1=b2114b1", "TAC2=5a30,cellid2="] {
                let line = std::format!("{cell}{line}");
                proptest::prop_assert_eq!(NeighbourCell::parse(line.as_bytes()), before(line.as_bytes()));
            }
        }

        /// `find_comma` (four bytes a step) is `position`, and `split_comma` with it what it
        /// was with `position`, for texts of any length with commas anywhere, or none.
        #[test]
        fn split_comma_is_what_it_was(
            text in proptest::collection::vec(
                proptest::sample::select(&[b',', b' ', b'a', 0x2b, 0x2d, 0x0c, 0xac, 0x2c ^ 0x80, b'\r', b'1'][..]),
                0..24,
            ),
        ) {
            fn split_comma_before(text: &[u8]) -> (&[u8], Option<&[u8]>) {
                match text.iter().position(|&b| b == b',') {
                    Some(i) => (
                        trim(text.get(..i).unwrap_or(&[])),
                        Some(trim(text.get(i.saturating_add(1)..).unwrap_or(&[]))),
                    ),
                    None => (trim(text), None),
                }
            }
            proptest::prop_assert_eq!(find_comma(&text), text.iter().position(|&b| b == b','));
            proptest::prop_assert_eq!(split_comma(&text), split_comma_before(&text));
        }

        /// `trim` is `trim_ascii`, and what its own two loops gave before `trim_ascii` took
        /// their place.
        #[test]
        fn trim_is_trim_ascii(
            bytes in proptest::collection::vec(
                proptest::sample::select(&[b' ', b'\t', b'\n', 0x0b, 0x0c, b'\r', b'a', 0, 0xa0, b'!'][..]),
                0..10,
            ),
        ) {
            proptest::prop_assert_eq!(trim(&bytes), bytes.trim_ascii());
            proptest::prop_assert_eq!(trim(&bytes), trim_before(&bytes));
        }
    }

    /// `trim` as it was: the quick test of both ends, then a loop for each end.
    fn trim_before(mut bytes: &[u8]) -> &[u8] {
        if let (Some(&first), Some(&last)) = (bytes.first(), bytes.last()) {
            if first > b' ' && last > b' ' {
                return bytes;
            }
        }
        while let [first, rest @ ..] = bytes {
            if *first > b' ' || !first.is_ascii_whitespace() {
                break;
            }
            bytes = rest;
        }
        while let [rest @ .., last] = bytes {
            if *last > b' ' || !last.is_ascii_whitespace() {
                break;
            }
            bytes = rest;
        }
        bytes
    }
}
