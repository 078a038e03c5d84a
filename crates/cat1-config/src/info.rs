//! Read-only information (manual 4.15-4.26, protocol-notes §12): typed answer values, each with
//! a tolerant parser and an encoder in the module's spelling.
//!
//! Parsers take the whole answer line (`+CSQ: 27,99`) and accept what real modules send: spaces
//! after the colon and around `=` and `,` (errata #3, #31), names and keywords in any case, and
//! optional double quotes (protocol-notes §10). Encoders write the line as this project's module
//! answers it: no spaces, keywords as the manual spells them, no line ends. Text fields borrow
//! from the parsed line.

use cat1_at_parse::{Writer, parse_int, unquote};

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
    if !same_name(n, name.as_bytes()) {
        return Err(InfoError);
    }
    rest.strip_prefix(b":").ok_or(InfoError)
}

/// `bytes.trim_ascii()`, with one test for the usual byte at each end (above the space, which
/// no ASCII whitespace is).
#[inline]
pub(crate) fn trim(mut bytes: &[u8]) -> &[u8] {
    // The usual case first, both ends looked at once: neither is whitespace (a value as the
    // module writes it); the loops below only for the rest (and the empty text).
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

/// `a.eq_ignore_ascii_case(b)` (equal lengths), with the usual bytes, the same in both (the
/// module answers with the name as sent), compared first, four at a time: a word compare where
/// the byte loop took six instructions a byte.
#[inline]
fn same_name(mut a: &[u8], mut b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    while let (Some((x, more_a)), Some((y, more_b))) =
        (a.split_first_chunk::<4>(), b.split_first_chunk::<4>())
    {
        if u32::from_ne_bytes(*x) != u32::from_ne_bytes(*y) {
            // The bytes that differ are compared one by one below, from this word on.
            break;
        }
        a = more_a;
        b = more_b;
    }
    a.iter().zip(b).all(|(&x, &y)| {
        // Bytes that differ are the same letter in two cases only if they differ in bit 5
        // alone and one of them is a lower-case letter.
        x == y || (x ^ y == 0x20 && (x | 0x20).is_ascii_lowercase())
    })
}

/// Splits at the first comma; trims spaces around both parts.
fn split_comma(text: &[u8]) -> (&[u8], Option<&[u8]>) {
    match text.iter().position(|&b| b == b',') {
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

/// `KEY=value` (spaces around `=` allowed, key in any case) -> value.
fn keyed<'a>(item: &'a [u8], key: &str) -> Result<&'a [u8], InfoError> {
    let eq = item.iter().position(|&b| b == b'=').ok_or(InfoError)?;
    let (k, v) = item.split_at(eq);
    if !same_name(trim(k), key.as_bytes()) {
        return Err(InfoError);
    }
    Ok(trim(v.get(1..).unwrap_or(&[])))
}

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

    /// `+IMEI:`: 15 digits.
    pub fn parse_imei(line: &'a [u8]) -> Result<Self, InfoError> {
        let v = Self::parse("IMEI", line)?;
        let ok = v.text.len() == 15 && v.text.iter().all(u8::is_ascii_digit);
        if ok { Ok(v) } else { Err(InfoError) }
    }

    /// `+ICCID:`: 19-20 digits and `A-F` (errata #32; lower case accepted).
    pub fn parse_iccid(line: &'a [u8]) -> Result<Self, InfoError> {
        let v = Self::parse("ICCID", line)?;
        let ok = (19..=20).contains(&v.text.len()) && v.text.iter().all(u8::is_ascii_hexdigit);
        if ok { Ok(v) } else { Err(InfoError) }
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
        let (a, b) = split_comma(body(line, "CSQ")?);
        let (rssi, ber) = (int(a)?, int(b.ok_or(InfoError)?)?);
        let ok = (rssi <= 31 || rssi == 99) && (ber <= 7 || ber == 99);
        match (u8::try_from(rssi), u8::try_from(ber)) {
            (Ok(rssi), Ok(ber)) if ok => Ok(Csq { rssi, ber }),
            _ => Err(InfoError),
        }
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
            next.ok_or(InfoError)?.trim_ascii()
        } else {
            first
        };
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
        let mut it = cat1_at_parse::Params::new(body(line, "CNUM")?).iter();
        let alpha = unquote(it.next().ok_or(InfoError)?.trim_ascii());
        let number = unquote(it.next().ok_or(InfoError)?.trim_ascii());
        let kind = int(it.next().ok_or(InfoError)?.trim_ascii())?;
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
        let (a, b) = split_comma(body(line, "LBS")?);
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
        let (lng, rest) = split_comma(body(line, "LBS")?);
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

    /// Parses one cell line.
    pub fn parse(line: &[u8]) -> Result<Self, InfoError> {
        let (a, b) = split_comma(line);
        let (ka, va) = a.split_at(a.iter().position(|&b| b == b'=').ok_or(InfoError)?);
        let index = tac_index(ka).ok_or(InfoError)?;
        let idx = int(index)?;
        let mut key = [0u8; 16];
        let mut kw = Writer::new(&mut key);
        kw.put(b"CellID");
        kw.put(index);
        let klen = kw.finish().map_err(|_| InfoError)?;
        let key = core::str::from_utf8(key.get(..klen).unwrap_or(&[])).map_err(|_| InfoError)?;
        let tac = hex_int(va.get(1..).unwrap_or(&[]).trim_ascii())?;
        let cid = hex_int(keyed(b.ok_or(InfoError)?, key)?)?;
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
        let t = unquote(body(line, "CCLK")?);
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
        // `same_name`: `eq_ignore_ascii_case`, four bytes at a time when they are equal.
        let connected = if same_name(text, b"Connected") {
            true
        } else if same_name(text, b"Disconnected") {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_name_is_eq_ignore_ascii_case_for_every_pair_of_bytes() {
        for x in 0..=255u8 {
            for y in 0..=255u8 {
                assert_eq!(
                    same_name(&[x], &[y]),
                    [x].eq_ignore_ascii_case(&[y]),
                    "{x} {y}"
                );
                assert_eq!(
                    same_name(&[b'A', x, b'z'], &[b'a', y, b'Z']),
                    [b'A', x, b'z'].eq_ignore_ascii_case(&[b'a', y, b'Z'])
                );
            }
        }
        assert!(!same_name(b"CSQ", b"CS"));
        assert!(same_name(b"", b""));
    }

    proptest::proptest! {
        /// Four bytes at a time, then one by one: still `eq_ignore_ascii_case`, for names of
        /// any length and a difference (of case or of letter) anywhere.
        #[test]
        fn same_name_is_eq_ignore_ascii_case_at_any_length(
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
            proptest::prop_assert_eq!(same_name(&a, &b), a.eq_ignore_ascii_case(&b));
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

        /// `LinkState::parse` (its text compared with `same_name`, trimmed with `trim`) is
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

        /// `trim` is `trim_ascii`.
        #[test]
        fn trim_is_trim_ascii(
            bytes in proptest::collection::vec(
                proptest::sample::select(&[b' ', b'\t', b'\n', 0x0b, 0x0c, b'\r', b'a', 0, 0xa0, b'!'][..]),
                0..10,
            ),
        ) {
            proptest::prop_assert_eq!(trim(&bytes), bytes.trim_ascii());
        }
    }
}
