//! Parameter helpers: splitting, integers with ranges, keywords in any case, hex strings, quoted
//! strings and `[HH]` escapes.

use crate::{EscapeError, HexError, ParamError, Writer};

/// The parameter list of a set command or an information line, as written: split on `,`, empty
/// parameters kept (`CMNET,,,0` has four), commas inside double quotes not splitting
/// (`"20/06/19,20:05:19+32"` is one), `[HH]` escapes kept verbatim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Params<'a> {
    raw: &'a [u8],
}

impl<'a> Params<'a> {
    /// A view of `raw`, the text after `=` (or after `:` in an answer).
    pub const fn new(raw: &'a [u8]) -> Self {
        Params { raw }
    }

    /// The text as written.
    pub const fn raw(&self) -> &'a [u8] {
        self.raw
    }

    /// The parameters in order.
    pub fn iter(&self) -> ParamIter<'a> {
        ParamIter {
            rest: self.raw,
            done: false,
        }
    }

    /// The number of parameters: always at least one (an empty text is one empty parameter).
    pub fn count(&self) -> usize {
        self.iter().count()
    }

    /// The parameter at `index`, if there is one.
    pub fn get(&self, index: usize) -> Option<&'a [u8]> {
        self.iter().nth(index)
    }
}

impl<'a> IntoIterator for Params<'a> {
    type Item = &'a [u8];
    type IntoIter = ParamIter<'a>;
    fn into_iter(self) -> ParamIter<'a> {
        self.iter()
    }
}

/// Iterator over [`Params`].
#[derive(Debug, Clone)]
pub struct ParamIter<'a> {
    rest: &'a [u8],
    done: bool,
}

impl<'a> ParamIter<'a> {
    /// The next parameter, as the number [`parse_int`] reads in it (`Ok`), or as written when
    /// it is not one (`Err`, empty ones included). The same as `next()` followed by
    /// [`parse_int`], in one pass over the digits of a number.
    #[inline]
    pub fn next_number(&mut self) -> Option<Result<u32, &'a [u8]>> {
        if self.done {
            return None;
        }
        let rest = self.rest;
        // Up to nine digits, which cannot overflow a u32, then a comma or the end.
        let mut value: u32 = 0;
        let mut i: usize = 0;
        while let Some(&b) = rest.get(i) {
            let digit = u32::from(b).wrapping_sub(u32::from(b'0'));
            if digit > 9 || i >= 9 {
                break;
            }
            value = value.wrapping_mul(10).wrapping_add(digit);
            i = i.wrapping_add(1);
        }
        match rest.get(i) {
            None if i != 0 => {
                self.done = true;
                return Some(Ok(value));
            }
            Some(b',') if i != 0 => {
                self.rest = rest.get(i.wrapping_add(1)..).unwrap_or(&[]);
                return Some(Ok(value));
            }
            // Ten digits or more: the general way (it may still be a number).
            Some(_) if i >= 9 => {
                let param = self.next()?;
                // Ten bytes or more, nine digits first: what `parse_int` hands to `parse_long`
                // (called directly: an inlined `parse_int` here cost the framer gate 60
                // instructions on the CSQ answer).
                return Some(parse_long(param).map_err(|_| param));
            }
            _ => {}
        }
        // Empty, or a byte that is not a digit within the first nine: not a number, whatever
        // follows (`parse_int` would refuse it), so no second look at it. A text, then: a
        // quoted one, a name, an address, which the word search takes faster than `next`.
        self.next_text().map(Err)
    }

    /// [`Iterator::next`] for a parameter that is likely long (a text that is not a number):
    /// the same parameter, found four bytes a step. `next` keeps its byte loop, faster for
    /// the short parameters (numbers, keywords) it mostly cuts.
    fn next_text(&mut self) -> Option<&'a [u8]> {
        if self.done {
            return None;
        }
        let rest = self.rest;
        let mut quoted = false;
        // The bytes not looked at yet: a suffix of `rest`.
        let mut tail = rest;
        loop {
            // The next byte at or below `,` (`,` and `"` are the only such bytes that matter;
            // digits and letters are above them), four bytes a step: the test of a word for a
            // byte below 0x2D, whose lowest lane marked is exactly the first such byte (no
            // borrow reaches it). Quoted texts and names (an APN, an address: 8 to 25 bytes)
            // took six instructions a byte one at a time.
            let b = match tail.split_first_chunk::<4>() {
                Some((word, more)) => {
                    let w = u32::from_le_bytes(*word);
                    let marked = w.wrapping_sub(0x2d2d_2d2d) & !w & 0x8080_8080;
                    if marked == 0 {
                        tail = more;
                        continue;
                    }
                    // 0 to 3: the marks are bits 7, 15, 23 and 31.
                    let k = (marked.trailing_zeros() / 8) as usize;
                    let b = word.get(k).copied().unwrap_or(b',');
                    tail = tail.get(k.wrapping_add(1)..).unwrap_or(&[]);
                    b
                }
                // The last bytes, one at a time.
                None => match tail.split_first() {
                    Some((&b, more)) => {
                        tail = more;
                        if b > b',' {
                            continue;
                        }
                        b
                    }
                    None => break,
                },
            };
            // The comma outside quotes first, with one test of each (`b == b',' && !quoted`
            // took six instructions a parameter).
            if quoted {
                quoted = b != b'"';
            } else if b == b',' {
                // `tail` follows the comma, a suffix of `rest`: no overflow.
                let head = rest.len().wrapping_sub(tail.len()).wrapping_sub(1);
                self.rest = tail;
                return Some(rest.get(..head).unwrap_or(rest));
            } else {
                quoted = b == b'"';
            }
        }
        self.done = true;
        Some(rest)
    }
}

impl<'a> Iterator for ParamIter<'a> {
    type Item = &'a [u8];

    #[inline]
    fn next(&mut self) -> Option<&'a [u8]> {
        if self.done {
            return None;
        }
        let rest = self.rest;
        let mut quoted = false;
        let mut i = 0;
        // One test per byte in the usual case: `,` and `"` are the only bytes up to `,` that
        // matter, and digits and letters are above it.
        while let Some(&b) = rest.get(i) {
            if b <= b',' {
                // The comma outside quotes first, with one test of each (`b == b',' && !quoted`
                // took six instructions a parameter).
                if quoted {
                    quoted = b != b'"';
                } else if b == b',' {
                    let (head, tail) = rest.split_at(i);
                    self.rest = tail.get(1..).unwrap_or(&[]);
                    return Some(head);
                } else {
                    quoted = b == b'"';
                }
            }
            i = i.wrapping_add(1);
        }
        self.done = true;
        Some(rest)
    }
}

/// Parses an unsigned decimal integer: digits only, no sign, no spaces.
///
/// Empty gives [`ParamError::Missing`]; anything else that is not a number gives
/// [`ParamError::NotANumber`] (errata #35: code 3), and a number beyond `u32`
/// [`ParamError::OutOfRange`] (code 53).
// Always inlined: small, and an out-of-line copy (what `#[inline]` left at opt-level 3 for the
// decoders) cost a call per number; at opt-level "z" the client is 4 bytes larger.
#[inline(always)]
pub fn parse_int(text: &[u8]) -> Result<u32, ParamError> {
    // From the ninth digit on, the whole text to `parse_long` (a number of exactly nine digits
    // too: the same value, one call for every caller).
    parse_with(text, |_, _| parse_long(text), |e| e)
}

/// [`parse_int`] with its error as its CME code ([`ParamError::cme_code`]: 3 or 53). Not API:
/// hidden, for cat1-config's validation, which answers the code. Its way past nine digits is
/// [`long_number`], whose answer comes back in two registers where [`parse_long`]'s `Result`
/// came back through memory (on Thumb Rust returns an aggregate of more than 4 bytes by
/// pointer): issue 6's client flash -24 bytes.
#[doc(hidden)]
#[inline(always)]
pub fn parse_int_code(text: &[u8]) -> Result<u32, u16> {
    parse_with(
        text,
        |value, rest| {
            let word = long_number(value, rest);
            if word >> 32 == 0 {
                Ok(word as u32)
            } else {
                Err((word >> 32) as u16)
            }
        },
        ParamError::cme_code,
    )
}

/// [`parse_int`]'s loop, shared with [`parse_int_code`]: after nine digits (`value`), `long`
/// is given the bytes after them (empty for a number of nine digits); the errors found among
/// the first nine are given as `error` makes them.
#[inline(always)]
fn parse_with<E>(
    text: &[u8],
    long: impl FnOnce(u32, &[u8]) -> Result<u32, E>,
    error: impl FnOnce(ParamError) -> E,
) -> Result<u32, E> {
    if text.is_empty() {
        return Err(error(ParamError::Missing));
    }
    // Nine digits cannot overflow a u32: no checks in the loop. A byte that is not a digit
    // among the first nine ends it here, whatever the length (what `long` would answer,
    // without the call). The rest handed on after the ninth digit, not the whole text at the
    // tenth: that way the manual's cycles are nearly what they were (+80 instructions a pass
    // at opt-level 3, 0.016 a byte, against about 265 for the whole text at the tenth with
    // `long_number` starting from 0: the decoder that inlines this loop laid out anew).
    let mut value: u32 = 0;
    let mut digits = text.iter();
    let mut left: usize = 9;
    while let Some(&b) = digits.next() {
        let digit = u32::from(b).wrapping_sub(u32::from(b'0'));
        if digit > 9 {
            return Err(error(ParamError::NotANumber));
        }
        value = value.wrapping_mul(10).wrapping_add(digit);
        left = left.wrapping_sub(1);
        if left == 0 {
            return long(value, digits.as_slice());
        }
    }
    Ok(value)
}

/// [`parse_int`] for nine digits or more (ten may overflow): [`long_number`] told apart.
#[inline(never)]
fn parse_long(text: &[u8]) -> Result<u32, ParamError> {
    let word = long_number(0, text);
    match (word >> 32) as u16 {
        0 => Ok(word as u32),
        LONG_NOT_A_NUMBER => Err(ParamError::NotANumber),
        _ => Err(ParamError::OutOfRange),
    }
}

/// [`long_number`]'s high half for a byte that is not a digit: its CME code.
const LONG_NOT_A_NUMBER: u16 = ParamError::NotANumber.cme_code();
/// [`long_number`]'s high half for a number beyond `u32`: its CME code (not 0, and not
/// [`LONG_NOT_A_NUMBER`]: [`parse_long`] tells them apart by it).
const LONG_OUT_OF_RANGE: u16 = ParamError::OutOfRange.cme_code();
const _: () = assert!(
    LONG_NOT_A_NUMBER != 0 && LONG_OUT_OF_RANGE != 0 && LONG_NOT_A_NUMBER != LONG_OUT_OF_RANGE
);

/// The number of `value`'s digits followed by `text`'s, in one word: the value in the low half
/// and 0 in the high one, or [`LONG_NOT_A_NUMBER`] or [`LONG_OUT_OF_RANGE`] in the high half
/// (a `u64` comes back in two registers). The checked loop, for [`parse_long`] (from 0) and
/// [`parse_int_code`] (from its first nine digits).
#[inline(never)]
fn long_number(mut value: u32, text: &[u8]) -> u64 {
    for &b in text {
        let digit = b.wrapping_sub(b'0');
        if digit > 9 {
            return u64::from(LONG_NOT_A_NUMBER) << 32;
        }
        match value
            .checked_mul(10)
            .and_then(|v| v.checked_add(u32::from(digit)))
        {
            Some(v) => value = v,
            None => return u64::from(LONG_OUT_OF_RANGE) << 32,
        }
    }
    u64::from(value)
}

/// Parses an integer that must lie in `min..=max`; out of range gives [`ParamError::OutOfRange`]
/// (errata #35: code 53).
pub fn parse_int_in(text: &[u8], min: u32, max: u32) -> Result<u32, ParamError> {
    let v = parse_int(text)?;
    if v < min || v > max {
        return Err(ParamError::OutOfRange);
    }
    Ok(v)
}

/// Finds `text` among `keywords` ignoring ASCII case and one pair of surrounding double quotes
/// (older firmware answers `on` and accepts `"ON"`; errata #2, protocol-notes §10). Returns the
/// index of the keyword.
pub fn match_keyword(text: &[u8], keywords: &[&str]) -> Result<usize, ParamError> {
    let text = unquote(text);
    if text.is_empty() {
        return Err(ParamError::Missing);
    }
    keywords
        .iter()
        .position(|k| eq_ignore_case(k.as_bytes(), text))
        .ok_or(ParamError::NotInSet)
}

/// `a.eq_ignore_ascii_case(b)`, with the usual bytes, the same in both (a name or keyword as
/// the module sends it back), compared first, four at a time: a word compare where a byte loop
/// that folds both bytes takes six instructions a byte. The one case-insensitive compare of
/// names and keywords, shared by [`match_keyword`] and cat1-config's answer decoders (a
/// setting's keywords are matched by cat1-config byte by byte, the equal byte first, which is
/// quicker on keywords of 2-4 bytes).
#[inline]
pub fn eq_ignore_case(mut a: &[u8], mut b: &[u8]) -> bool {
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

/// Strips one pair of surrounding double quotes, if both are there.
pub fn unquote(text: &[u8]) -> &[u8] {
    match text {
        [b'"', inner @ .., b'"'] => inner,
        _ => text,
    }
}

/// Decodes a hex string (two digits per byte, either case) into `out`; returns the byte count.
pub fn decode_hex(text: &[u8], out: &mut [u8]) -> Result<usize, HexError> {
    if !text.len().is_multiple_of(2) {
        return Err(HexError::OddLength);
    }
    let needed = text.len() / 2;
    let dst = out
        .get_mut(..needed)
        .ok_or(HexError::BufferTooSmall { needed })?;
    hex::decode_to_slice(text, dst).map_err(|_| HexError::InvalidDigit)?;
    Ok(needed)
}

/// Writes `bytes` as upper-case hex, two digits per byte, as the manual writes `AT+REGDT`.
pub fn encode_hex(bytes: &[u8], w: &mut Writer<'_>) {
    const fn digit(nibble: u8) -> u8 {
        if nibble < 10 {
            b'0' + nibble
        } else {
            b'A' - 10 + (nibble & 0x0f)
        }
    }
    for &b in bytes {
        w.put_byte(digit(b >> 4));
        w.put_byte(digit(b & 0x0f));
    }
}

/// Expands `[HH]` escapes (`[0D]` CR, `[0A]` LF, `[2C]` `,`, ...; protocol-notes §9) into `out`
/// and returns the length. A `[` that does not start a complete `[HH]` is kept as written.
pub fn expand_escapes(text: &[u8], out: &mut [u8]) -> Result<usize, EscapeError> {
    let mut w = Writer::new(out);
    let mut i = 0;
    while let Some(&b) = text.get(i) {
        if b == b'[' {
            if let Some(&[h, l, b']']) = text.get(i + 1..i + 4) {
                if let (Some(h), Some(l)) = (hex_val(h), hex_val(l)) {
                    w.put_byte(h << 4 | l);
                    i += 4;
                    continue;
                }
            }
        }
        w.put_byte(b);
        i += 1;
    }
    w.finish().map_err(|e| match e {
        crate::EncodeError::BufferTooSmall { needed } => EscapeError::BufferTooSmall { needed },
        _ => EscapeError::BufferTooSmall { needed: usize::MAX },
    })
}

const fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn eq_ignore_case_is_eq_ignore_ascii_case_for_every_pair_of_bytes() {
        for x in 0..=255u8 {
            for y in 0..=255u8 {
                assert_eq!(
                    super::eq_ignore_case(&[b'o', x], &[b'O', y]),
                    [b'o', x].eq_ignore_ascii_case(&[b'O', y]),
                    "{x} {y}"
                );
            }
        }
        assert!(!super::eq_ignore_case(b"ON", b"O"));
        assert!(super::eq_ignore_case(b"", b""));
    }

    extern crate std;
    use super::*;
    use std::vec::Vec;

    fn split(raw: &[u8]) -> Vec<&[u8]> {
        Params::new(raw).iter().collect()
    }

    #[test]
    fn empty_parameters_are_kept() {
        assert_eq!(split(b"CMNET,,,0"), [&b"CMNET"[..], b"", b"", b"0"]);
        assert_eq!(split(b""), [&b""[..]]);
        assert_eq!(split(b","), [&b""[..], b""]);
        assert_eq!(Params::new(b"CMNET,,,0").count(), 4);
    }

    #[test]
    fn quotes_protect_commas() {
        assert_eq!(
            split(br#""","15112341234",129"#),
            [&br#""""#[..], br#""15112341234""#, b"129"]
        );
        assert_eq!(
            split(br#""20/06/19,20:05:19+32""#),
            [&br#""20/06/19,20:05:19+32""#[..]]
        );
    }

    #[test]
    fn escapes_are_not_split_or_expanded() {
        assert_eq!(split(b"a[2C]b,c"), [&b"a[2C]b"[..], b"c"]);
    }

    /// `next_number` against its definition: `next()` followed by `parse_int`.
    fn numbers_as_defined(raw: &[u8]) {
        let mut fast = Params::new(raw).iter();
        let mut slow = Params::new(raw).iter();
        loop {
            let want = slow.next().map(|p| parse_int(p).map_err(|_| p));
            assert_eq!(fast.next_number(), want, "{raw:?}");
            if want.is_none() {
                break;
            }
        }
    }

    #[test]
    fn next_number_is_next_then_parse_int() {
        for raw in [
            &b""[..],
            b",",
            b"27,99",
            b"0,,1",
            b"123456789,1234567890,4294967295,4294967296,99999999999",
            b"12a,a12,\"1,2\",3",
            b"1\"2,3\",4",
            b"<0,60~65535(s)>",
            b"internet.example,\"10.64.12.7\",0,0",
            b" 1,-1,+1",
            b"\x80\xff,1\x00",
        ] {
            numbers_as_defined(raw);
        }
    }

    proptest::proptest! {
        #[test]
        fn next_number_matches_on_any_text(raw in proptest::collection::vec(
            proptest::prop_oneof![
                proptest::prelude::Just(b','),
                proptest::prelude::Just(b'"'),
                b'0'..=b'9',
                proptest::prelude::any::<u8>(),
            ],
            0..48,
        )) {
            numbers_as_defined(&raw);
        }

        #[test]
        fn split_matches_a_byte_at_a_time(raw in proptest::collection::vec(
            proptest::prop_oneof![
                proptest::prelude::Just(b','),
                proptest::prelude::Just(b'"'),
                proptest::prelude::any::<u8>(),
            ],
            0..48,
        )) {
            // The rule, one byte at a time: split on a comma outside double quotes.
            let mut want: Vec<&[u8]> = Vec::new();
            let (mut start, mut quoted) = (0, false);
            for (i, &b) in raw.iter().enumerate() {
                if b == b',' && !quoted {
                    want.push(&raw[start..i]);
                    start = i + 1;
                } else if b == b'"' {
                    quoted = !quoted;
                }
            }
            want.push(&raw[start..]);
            proptest::prop_assert_eq!(split(&raw), want);
        }
    }

    proptest::proptest! {
        /// The word-at-a-time search (`next_text`) against the byte loop, on texts of long runs
        /// above `,` (whole words skipped) broken by the bytes that matter and by the bytes
        /// next to them (`-` 0x2D, `+` 0x2B, 0x7F, 0x80 and 0xFF: lanes of the word test), at
        /// every offset from the start of a word.
        #[test]
        fn word_search_splits_as_the_byte_loop(
            runs in proptest::collection::vec(
                (
                    0usize..11,
                    proptest::sample::select(&b",\"-+\x7f\x80\xff\x00 "[..]),
                    proptest::sample::select(&b"aZ9.-~\xff\x80"[..]),
                ),
                0..8,
            ),
        ) {
            let mut raw = Vec::new();
            for (len, special, fill) in runs {
                raw.extend(core::iter::repeat_n(fill, len));
                raw.push(special);
            }
            proptest::prop_assert_eq!(texts(&raw), split_before(&raw));
        }
    }

    proptest::proptest! {
        /// `next_text` and `next_number` on any bytes (and on texts of the bytes around the
        /// word test's threshold) against `next` and `next` with `parse_int`. (A second
        /// reader's test.)
        #[test]
        fn next_text_and_next_number_on_any_bytes(
            raw in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..40),
            skew in proptest::collection::vec(
                proptest::sample::select(&b",\"-,,+\x2c\x2d\x80\xff0123456789"[..]),
                0..40,
            ),
        ) {
            for raw in [&raw[..], &skew[..]] {
                let want: Vec<&[u8]> = Params::new(raw).iter().collect();
                proptest::prop_assert_eq!(&texts(raw), &want);
                let mut it = Params::new(raw).iter();
                let nums: Vec<Result<u32, &[u8]>> = core::iter::from_fn(|| it.next_number()).collect();
                let want_n: Vec<Result<u32, &[u8]>> =
                    want.iter().map(|p| parse_int(p).map_err(|_| *p)).collect();
                proptest::prop_assert_eq!(nums, want_n);
            }
        }
    }

    /// The parameters of `raw` as `next_text` cuts them.
    fn texts(raw: &[u8]) -> Vec<&[u8]> {
        let mut it = Params::new(raw).iter();
        core::iter::from_fn(|| it.next_text()).collect()
    }

    #[test]
    fn long_quoted_texts_and_names_split_whole() {
        let raw = b"1,\"IP\",\"m2mxxx.operator.example\",\"10.64.12.7\",0,0";
        let got = texts(raw);
        assert_eq!(
            got,
            [
                &b"1"[..],
                b"\"IP\"",
                b"\"m2mxxx.operator.example\"",
                b"\"10.64.12.7\"",
                b"0",
                b"0"
            ]
        );
        // A comma inside quotes, three words in.
        let raw = b"\"abcdefghijk,lmnop\",xyz";
        let got = texts(raw);
        assert_eq!(got, [&b"\"abcdefghijk,lmnop\""[..], b"xyz"]);
    }

    /// `ParamIter::next` as it was (`b == b',' && !quoted` tested first): the parameters of
    /// `raw`.
    fn split_before(raw: &[u8]) -> Vec<&[u8]> {
        let mut out = Vec::new();
        let mut rest = raw;
        'params: loop {
            let mut quoted = false;
            let mut i = 0;
            while let Some(&b) = rest.get(i) {
                if b <= b',' {
                    if b == b',' && !quoted {
                        let (head, tail) = rest.split_at(i);
                        out.push(head);
                        rest = &tail[1..];
                        continue 'params;
                    }
                    if b == b'"' {
                        quoted = !quoted;
                    }
                }
                i += 1;
            }
            out.push(rest);
            return out;
        }
    }

    proptest::proptest! {
        /// `ParamIter::next` against the loop it replaced, on text rich in the bytes it tests.
        #[test]
        fn split_is_as_before(raw in proptest::collection::vec(
            proptest::prop_oneof![
                proptest::prelude::Just(b','),
                proptest::prelude::Just(b'"'),
                proptest::prelude::Just(b' '),
                b'+'..=b'-',
                proptest::prelude::any::<u8>(),
            ],
            0..48,
        )) {
            proptest::prop_assert_eq!(split(&raw), split_before(&raw));
        }
    }

    /// `parse_int` as it was: nine bytes or fewer in one loop, longer texts to `parse_long`.
    fn parse_int_reference(text: &[u8]) -> Result<u32, ParamError> {
        if text.len() <= 9 {
            if text.is_empty() {
                return Err(ParamError::Missing);
            }
            let mut value: u32 = 0;
            for &b in text {
                let digit = u32::from(b).wrapping_sub(u32::from(b'0'));
                if digit > 9 {
                    return Err(ParamError::NotANumber);
                }
                value = value.wrapping_mul(10).wrapping_add(digit);
            }
            return Ok(value);
        }
        parse_long(text)
    }

    proptest::proptest! {
        #[test]
        fn parse_int_matches_the_reference(text in proptest::collection::vec(
            proptest::prop_oneof![
                8 => b'0'..=b'9',
                1 => proptest::prelude::any::<u8>(),
            ],
            0..16,
        )) {
            proptest::prop_assert_eq!(parse_int(&text), parse_int_reference(&text));
        }
    }

    /// `parse_int` as it was before `parse_int_code` shared its loop (issue 6's twenty-first
    /// flash round): a tenth digit handed the whole text to `parse_long`.
    fn parse_int_before(text: &[u8]) -> Result<u32, ParamError> {
        if text.is_empty() {
            return Err(ParamError::Missing);
        }
        let mut value: u32 = 0;
        for (i, &b) in text.iter().enumerate() {
            let digit = u32::from(b).wrapping_sub(u32::from(b'0'));
            if digit > 9 {
                return Err(ParamError::NotANumber);
            }
            if i == 9 {
                return parse_long_before(text);
            }
            value = value.wrapping_mul(10).wrapping_add(digit);
        }
        Ok(value)
    }

    /// `parse_long` as it was before its loop answered in a register (`long_number`): a
    /// `Result` returned through memory.
    fn parse_long_before(text: &[u8]) -> Result<u32, ParamError> {
        let mut value: u32 = 0;
        for &b in text {
            let digit = b.wrapping_sub(b'0');
            if digit > 9 {
                return Err(ParamError::NotANumber);
            }
            value = value
                .checked_mul(10)
                .and_then(|v| v.checked_add(u32::from(digit)))
                .ok_or(ParamError::OutOfRange)?;
        }
        Ok(value)
    }

    /// The numbers at the edges: `u32::MAX`, one more, with leading zeros, ten times it, the
    /// largest nine-digit number, `u64::MAX`, one more, 21 digits.
    const EDGES: [&str; 8] = [
        "4294967295",
        "4294967296",
        "0004294967295",
        "42949672950",
        "999999999",
        "18446744073709551615",
        "18446744073709551616",
        "999999999999999999999",
    ];

    /// An edge number (`EDGES`, when `edge` says) followed by digits of any length up to 14,
    /// with one byte of any value put in anywhere when `other` says.
    fn number_text(
        digits: std::vec::Vec<u8>,
        edge: Option<usize>,
        other: Option<(usize, u8)>,
    ) -> std::vec::Vec<u8> {
        let mut text = edge
            .and_then(|i| EDGES.get(i))
            .map_or(std::vec::Vec::new(), |e| e.as_bytes().to_vec());
        text.extend(digits);
        if let Some((i, b)) = other {
            let at = i.min(text.len());
            text.insert(at, b);
        }
        text
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(2048))]
        /// `parse_int`, `parse_int_code` (the code of `parse_int`'s error) and `parse_long` give
        /// what `parse_int` and `parse_long` gave before their loops were shared: on digits of
        /// any length (nine and ten, around `u32::MAX` too), with a byte that is not a digit
        /// anywhere, before or after an overflow.
        #[test]
        fn parse_int_code_and_parse_long_are_as_before(
            digits in proptest::collection::vec(b'0'..=b'9', 0..14),
            edge in proptest::option::of(0..EDGES.len()),
            other in proptest::option::of((0usize..36, proptest::prelude::any::<u8>())),
        ) {
            let text = number_text(digits, edge, other);
            let want = parse_int_before(&text);
            proptest::prop_assert_eq!(parse_int(&text), want);
            proptest::prop_assert_eq!(parse_int_code(&text), want.map_err(ParamError::cme_code));
            proptest::prop_assert_eq!(parse_long(&text), parse_long_before(&text));
        }
    }

    #[test]
    fn parse_int_matches_the_reference_on_lengths_around_nine_and_ten() {
        for text in [
            &b"123456789"[..],
            b"12345678a",
            b"1234567890",
            b"123456789a",
            b"a234567890",
            b"4294967295",
            b"4294967296",
            b"99999999999x",
            b"0000000000000000004294967295",
            b"<0,60~65535(s)>",
        ] {
            assert_eq!(parse_int(text), parse_int_reference(text), "{text:?}");
        }
    }

    #[test]
    fn integers() {
        assert_eq!(parse_int(b"0"), Ok(0));
        assert_eq!(parse_int(b"65535"), Ok(65535));
        assert_eq!(parse_int(b"4294967295"), Ok(u32::MAX));
        assert_eq!(parse_int(b"4294967296"), Err(ParamError::OutOfRange));
        assert_eq!(parse_int(b""), Err(ParamError::Missing));
        assert_eq!(parse_int(b"12a"), Err(ParamError::NotANumber));
        assert_eq!(parse_int(b"-1"), Err(ParamError::NotANumber));
        assert_eq!(parse_int(b" 1"), Err(ParamError::NotANumber));
        assert_eq!(parse_int_in(b"59", 60, 65535), Err(ParamError::OutOfRange));
        assert_eq!(parse_int_in(b"60", 60, 65535), Ok(60));
        assert_eq!(
            parse_int_in(b"65536", 60, 65535),
            Err(ParamError::OutOfRange)
        );
        assert_eq!(ParamError::NotANumber.cme_code(), 3);
        assert_eq!(ParamError::OutOfRange.cme_code(), 53);
    }

    #[test]
    fn keywords_in_any_case_and_quoted() {
        let set = ["ON", "OFF"];
        assert_eq!(match_keyword(b"ON", &set), Ok(0));
        assert_eq!(match_keyword(b"off", &set), Ok(1));
        assert_eq!(match_keyword(b"\"On\"", &set), Ok(0));
        assert_eq!(match_keyword(b"OFFF", &set), Err(ParamError::NotInSet));
        assert_eq!(match_keyword(b"", &set), Err(ParamError::Missing));
    }

    #[test]
    fn hex_round_trip() {
        let mut out = [0u8; 16];
        let n = decode_hex(b"7777772E7573722E636E", &mut out).unwrap();
        assert_eq!(&out[..n], b"www.usr.cn");
        assert_eq!(decode_hex(b"777", &mut out), Err(HexError::OddLength));
        assert_eq!(decode_hex(b"7G", &mut out), Err(HexError::InvalidDigit));
        assert_eq!(
            decode_hex(&[b'A'; 40], &mut out),
            Err(HexError::BufferTooSmall { needed: 20 })
        );
        let mut text = [0u8; 32];
        let mut w = Writer::new(&mut text);
        encode_hex(b"www.usr.cn", &mut w);
        let n = w.finish().unwrap();
        assert_eq!(&text[..n], b"7777772E7573722E636E");
    }

    #[test]
    fn escape_expansion() {
        let mut out = [0u8; 32];
        let n = expand_escapes(b"Accept:text/html[0D][0A]", &mut out).unwrap();
        assert_eq!(&out[..n], b"Accept:text/html\r\n");
        let n = expand_escapes(b"[3D][2c][3F][zz][0", &mut out).unwrap();
        assert_eq!(&out[..n], b"=,?[zz][0");
        let mut small = [0u8; 2];
        assert_eq!(
            expand_escapes(b"ab[0D]", &mut small),
            Err(EscapeError::BufferTooSmall { needed: 3 })
        );
    }
}
