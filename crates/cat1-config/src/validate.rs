//! Validation of a parsed command line against its description (errata #35).
//!
//! Which code, decided here once for every command:
//!
//! | input | code |
//! |---|---|
//! | unknown name, or a form the command lacks (`AT+VER=1`, `AT+Z?`, `AT+CSQ=?`) | 58 |
//! | nothing after `=` (`AT+E=`, `AT+UART=`), or an empty parameter where a value is required (`AT+UART=,8,1,NONE,NONE`) | 3 |
//! | letters where a number belongs (`AT+RSTIM=abc`, `-1`) | 3 |
//! | a number outside its ranges, or beyond 32 bits | 53 |
//! | a keyword not in the set | 53 |
//! | more parameters than the command has, or fewer than it requires | 53 |
//! | text too long or too short, or outside its characters | 53 |
//! | text with an odd number of `"` (it would swallow the parameters after it) | 53 |
//! | hex with an odd count, a non-hex digit, or a byte count outside its range (errata #25) | 53 |
//!
//! Errata #35 lists "a parameter is missing" under 3 and "too few parameters" under 53; we read
//! the first as an empty parameter (or an empty parameter list) and the second as a list that
//! stops early. `AT+APN=` is not missing anything: it sets the empty APN (0-50 bytes). An empty parameter is never "left out": only trailing parameters are omitted, by
//! not writing them (`AT+HEART=ON`), and `AT+HEART=ON,` is an empty second parameter (3).
//! Parameters are checked left to right and the first error wins.

use cat1_at_parse::{CommandLine, Form, Params, unquote};

use crate::spec::{
    Charset, Code, CommandSpec, Forms, Omitted, ParamKind, ParamSpec, Value, Values, find,
};

/// What a valid command line asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Action<'a> {
    /// `AT+NAME=?`.
    Test,
    /// `AT+NAME?`, or bare `AT+NAME` for a command whose bare form reads (`AT+CSQ`, `AT+HEART`).
    Query,
    /// A bare action (`AT`, `AT+Z`).
    Execute,
    /// `AT+NAME=<params>`: a setting, a parameterised action (`AT+LBS=1`) or the clock.
    Set(Values<'a>),
}

/// A command line checked against its description.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Checked<'a> {
    /// The command.
    pub spec: &'static CommandSpec,
    /// What the line asks for, with validated parameters.
    pub action: Action<'a>,
}

/// Checks a parsed line: known command, a form it has, valid parameters.
pub fn check<'a>(line: &CommandLine<'a>) -> Result<Checked<'a>, Code> {
    let spec = find(line.name()).ok_or(Code::UNKNOWN)?;
    let action = match line.form() {
        Form::Bare if spec.name.is_empty() => Action::Execute,
        Form::Bare => return Err(Code::UNKNOWN),
        Form::Execute if spec.has(Forms::EXECUTE) && spec.params.is_empty() => Action::Execute,
        Form::Execute | Form::Query if spec.has(Forms::QUERY) && !spec.name.is_empty() => {
            Action::Query
        }
        Form::Test if spec.has(Forms::TEST) => Action::Test,
        Form::Set(params)
            if !spec.params.is_empty() && (spec.has(Forms::SET) || spec.has(Forms::EXECUTE)) =>
        {
            Action::Set(validate_params(spec, params)?)
        }
        _ => return Err(Code::UNKNOWN),
    };
    Ok(Checked { spec, action })
}

/// Validates the parameters of a set (or parameterised execute) line. Left-out trailing
/// parameters become [`Value::Keep`], their factory value, or [`Value::Absent`], as the
/// description says.
pub fn validate_params<'a>(spec: &CommandSpec, params: Params<'a>) -> Result<Values<'a>, Code> {
    let first_takes_empty = spec
        .params
        .first()
        .is_some_and(|p| validate_value(p, b"").is_ok());
    if params.raw().is_empty() && !first_takes_empty {
        return Err(Code::MISSING_OR_TYPE);
    }
    let given = params.count();
    if given > spec.params.len() || given < spec.required() {
        return Err(Code::BAD_VALUE);
    }
    let mut values = Values::new();
    let mut texts = params.iter();
    for p in spec.params {
        let value = match texts.next() {
            Some(text) => validate_value(p, text)?,
            None => match p.omitted {
                Omitted::Required => return Err(Code::BAD_VALUE),
                Omitted::KeepCurrent => Value::Keep,
                Omitted::FactoryDefault => p.default_value(),
                Omitted::Absent => Value::Absent,
            },
        };
        values.push(value);
    }
    Ok(values)
}

/// Validates one parameter's text.
pub fn validate_value<'a>(p: &ParamSpec, text: &'a [u8]) -> Result<Value<'a>, Code> {
    validate_text(p, text, false)
}

/// [`validate_value`], told whether `text` is `plain`: no byte at or below `,` (no whitespace,
/// line end, quote or comma), which a splitter that looks at those bytes anyway finds for free.
/// Plain free text or a plain host needs no look at its bytes, only its length.
#[inline]
pub(crate) fn validate_text<'a>(
    p: &ParamSpec,
    text: &'a [u8],
    plain: bool,
) -> Result<Value<'a>, Code> {
    if text.is_empty() {
        return match p.kind {
            ParamKind::Text { min: 0, .. } => Ok(Value::Text(text)),
            _ => Err(Code::MISSING_OR_TYPE),
        };
    }
    match p.kind {
        // `match_keyword` giving the keyword itself, not its index to look up again: a pair of
        // quotes taken off, empty inside them is missing (3), else the first keyword equal in
        // any case, or not in the set (53).
        ParamKind::Keyword(keywords) => {
            let text = unquote(text);
            if text.is_empty() {
                return Err(Code::MISSING_OR_TYPE);
            }
            keywords
                .iter()
                .find(|k| {
                    // `eq_ignore_ascii_case`, the equal byte first (as `match_keyword`).
                    k.len() == text.len()
                        && k.bytes().zip(text).all(|(x, &y)| {
                            x == y || (x ^ y == 0x20 && (x | 0x20).is_ascii_lowercase())
                        })
                })
                .map(|k| Value::Keyword(k))
                .ok_or(Code::BAD_VALUE)
        }
        ParamKind::Int { ranges, .. } => {
            let n = number(text)?;
            if in_ranges(n, ranges) {
                Ok(Value::Int(n))
            } else {
                Err(Code::BAD_VALUE)
            }
        }
        // Hex is text of hex digits, two per byte: one check for both (no quote or line end is a
        // hex digit, so those tests pass for it as they should), and one call of it, which LLVM
        // then inlines (client flash -52 bytes, config -48; a call for each kind before).
        ParamKind::Text { .. } | ParamKind::Hex { .. } => {
            let (min, max, charset) = match p.kind {
                ParamKind::Hex {
                    min_bytes,
                    max_bytes,
                } if text.len().is_multiple_of(2) => (
                    // 16-bit counts doubled: no overflow with a 32-bit usize (the counts come from
                    // the descriptions, not the wire; wrapping, never a panic, on a 16-bit one).
                    usize::from(min_bytes).wrapping_mul(2),
                    usize::from(max_bytes).wrapping_mul(2),
                    Charset::HexDigits,
                ),
                ParamKind::Text { min, max, charset } => {
                    (usize::from(min), usize::from(max), charset)
                }
                _ => return Err(Code::BAD_VALUE),
            };
            checked_text(text, min, max, charset, plain)
        }
        ParamKind::Template(template) => {
            // Each byte equal to the template's, else a digit where it has `9` or `-` where it
            // has `+`: the equal byte first, one test for every kind of template byte (client
            // flash -8 bytes, where a `match` on the template byte came first).
            let ok = template.len() == text.len()
                && template.bytes().zip(text).all(|(t, &b)| {
                    t == b || (t == b'9' && b.is_ascii_digit()) || (t == b'+' && b == b'-')
                });
            if ok {
                Ok(Value::Text(text))
            } else {
                Err(Code::BAD_VALUE)
            }
        }
    }
}

/// The number `text` (not empty) holds, or its error's code: what `parse_int_code` answers
/// (3 for a byte that is not a digit, 53 for a number beyond `u32`, whichever comes first).
/// Up to eight bytes, which cannot overflow, a loop of plain steps; longer text a checked loop
/// from its first byte, where `parse_int_code` went on from its ninth digit in `long_number`
/// (68 bytes out of line, this its only caller in the client; client flash -44 bytes, config
/// -36). The short loop is `take(9)` of text no longer than eight bytes: a bound LLVM sees, so
/// that at opt-level 3 it unrolls the loop as it unrolled `parse_int_code`'s nine turns
/// (without it the manual cycles were 240 instructions a pass up, 0.049 a byte; with it 30,
/// 0.006; 95 with the `u64` step below, LLVM's layout at opt-level 3). Eight and a bound of
/// nine: 16 bytes less at opt-level "z" than nine and nine (LLVM's layout; nine digits
/// cannot overflow either).
#[inline(always)]
fn number(text: &[u8]) -> Result<u32, Code> {
    let mut n: u32 = 0;
    if text.len() > 8 {
        for &b in text {
            let d = u32::from(b).wrapping_sub(u32::from(b'0'));
            if d > 9 {
                return Err(Code::MISSING_OR_TYPE);
            }
            // Below 2^32 before: at most 10 * 2^32 after, no overflow of the `u64`; beyond
            // `u32` the error (a `u64` step, where `checked_mul` and `checked_add` tested
            // two carries: client flash -12 bytes).
            n = match u32::try_from(u64::from(n).wrapping_mul(10).wrapping_add(u64::from(d))) {
                Ok(n) => n,
                Err(_) => return Err(Code::BAD_VALUE),
            };
        }
    } else {
        for &b in text.iter().take(9) {
            let d = u32::from(b).wrapping_sub(u32::from(b'0'));
            if d > 9 {
                return Err(Code::MISSING_OR_TYPE);
            }
            // At most eight digits: below 10^8, no overflow.
            n = n.wrapping_mul(10).wrapping_add(d);
        }
    }
    Ok(n)
}

/// Text of `min..=max` bytes, all in `charset`, no line end, and an even number of `"`.
/// `plain` text (no byte at or below `,`, see [`validate_text`]) has none of the bytes `Any`
/// and `Host` refuse (line ends; whitespace, commas, quotes): not looked at for those.
fn checked_text(
    text: &[u8],
    min: usize,
    max: usize,
    charset: Charset,
    plain: bool,
) -> Result<Value<'_>, Code> {
    let mut quotes = 0usize;
    let skip = plain && matches!(charset, Charset::Any | Charset::Host);
    let chars_ok = skip
        || text.iter().all(|&b| {
            quotes ^= usize::from(b == b'"');
            charset.allows(b) && b != b'\r' && b != b'\n'
        });
    if (min..=max).contains(&text.len()) && chars_ok && quotes == 0 {
        Ok(Value::Text(text))
    } else {
        Err(Code::BAD_VALUE)
    }
}

/// Whether `n` lies in one of the inclusive `ranges`.
pub fn in_ranges(n: u32, ranges: &[(u32, u32)]) -> bool {
    ranges.iter().any(|&(lo, hi)| (lo..=hi).contains(&n))
}

/// Whether a stored value is valid for `p` (used to check a decoded `Config`): what
/// [`validate_value`] accepts, plus the "unset" empty text of a [`crate::spec::DefaultValue::Unset`]
/// parameter and an absent optional list entry.
pub fn value_is_valid(p: &ParamSpec, value: &Value<'_>) -> bool {
    use crate::spec::DefaultValue;
    match *value {
        Value::Absent => matches!(p.omitted, Omitted::Absent),
        Value::Keep => false,
        Value::Text(b"") if matches!(p.default, DefaultValue::Unset) => true,
        // Text that validates comes back as itself: a match, not a comparison of the bytes (which
        // links `memcmp` into a client that sends a typed set).
        Value::Text(t) => matches!(validate_value(p, t), Ok(Value::Text(_))),
        Value::Int(n) => matches!(p.kind, ParamKind::Int { ranges, .. } if in_ranges(n, ranges)),
        // Compared a byte at a time, not as `&str`s (`contains`), which links `memcmp` (116
        // bytes) into a client that sets a keyword: benches/footprint's client with a set of
        // `requests::Sdpen` to `ON` added was +8,612 bytes, +8,496 this way. (Its own set has no
        // keyword: unchanged. The config binary +16: it links `memcmp` for other compares.)
        Value::Keyword(k) => keyword_listed(p, k),
    }
}

/// Whether `k` is one of `p`'s keywords, exactly as written there (what [`value_is_valid`]
/// takes for a [`Value::Keyword`]).
pub(crate) fn keyword_listed(p: &ParamSpec, k: &str) -> bool {
    matches!(p.kind, ParamKind::Keyword(keywords) if keywords
        .iter()
        .any(|w| w.len() == k.len() && w.bytes().zip(k.bytes()).all(|(a, b)| a == b)))
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use cat1_at_parse::match_keyword;

    /// The keyword branch as it was: `match_keyword`'s index, then the keyword at it.
    fn keyword_before(
        text: &[u8],
        keywords: &'static [&'static str],
    ) -> Result<Value<'static>, Code> {
        let i = match_keyword(text, keywords).map_err(|e| Code(e.cme_code()))?;
        keywords
            .get(i)
            .map(|k| Value::Keyword(k))
            .ok_or(Code::BAD_VALUE)
    }

    /// A keyword set of one's own with bytes other than letters (`1` and `\x11`, `-` and `\r`
    /// differ in bit 5 alone, as a letter's two cases do).
    const OWN: ParamSpec = ParamSpec {
        name: "own",
        doc: "",
        kind: ParamKind::Keyword(&["A-1", "x_y", "Mode2", "ON"]),
        omitted: crate::spec::Omitted::Required,
        default: crate::spec::DefaultValue::None,
    };

    /// Every keyword parameter of the model, and [`OWN`].
    fn keyword_params() -> std::vec::Vec<&'static ParamSpec> {
        crate::commands::ALL
            .iter()
            .flat_map(|c| c.params.iter())
            .filter(|p| matches!(p.kind, ParamKind::Keyword(_)))
            .chain([&OWN])
            .collect()
    }

    #[test]
    fn a_stored_keyword_is_valid_as_contains_found_it() {
        // `value_is_valid` compared a keyword with `keywords.contains(&k)` before it compared
        // the bytes itself: the same answer for each keyword of every keyword parameter, given
        // as the description's own `&str` or as an equal string of its own, in the other case,
        // cut short, made longer, and for other words.
        for p in keyword_params() {
            let ParamKind::Keyword(keywords) = p.kind else {
                unreachable!()
            };
            let mut words: std::vec::Vec<&'static str> = std::vec!["", "X", "ON", "on", "Mode"];
            for k in keywords {
                words.push(k);
                words.push(std::boxed::Box::leak(
                    std::string::String::from(*k).into_boxed_str(),
                ));
                words.push(std::boxed::Box::leak(
                    k.to_ascii_lowercase().into_boxed_str(),
                ));
                words.push(&k[..k.len() - 1]);
                words.push(std::boxed::Box::leak(std::format!("{k}1").into_boxed_str()));
            }
            for w in words {
                assert_eq!(
                    value_is_valid(p, &Value::Keyword(w)),
                    keywords.contains(&w),
                    "{} {w:?}",
                    p.name
                );
            }
        }
    }

    proptest::proptest! {
        /// A keyword found by `validate_value` itself is what `match_keyword` found, for every
        /// keyword parameter, on its keywords in any case, quoted or not, and on other text.
        #[test]
        fn keywords_are_matched_as_match_keyword_matched(
            which in 0usize..256,
            pick in 0usize..16,
            flips in proptest::collection::vec(0usize..12, 0..3),
            quoted in proptest::bool::ANY,
            other in proptest::collection::vec(
                proptest::sample::select(&b"ONFonf\"  NETUSRtcp,1"[..]),
                0..8,
            ),
            use_other in proptest::bool::ANY,
        ) {
            let params = keyword_params();
            // One case in four on the set of one's own.
            let p = if which % 4 == 0 { &OWN } else { params[(which / 4) % params.len()] };
            let ParamKind::Keyword(keywords) = p.kind else { unreachable!() };
            let mut text: std::vec::Vec<u8> = if use_other {
                other
            } else {
                keywords[pick % keywords.len()].as_bytes().to_vec()
            };
            for i in flips {
                if let Some(b) = text.get_mut(i) {
                    *b ^= 0x20;
                }
            }
            if quoted {
                text.insert(0, b'"');
                text.push(b'"');
            }
            // `validate_value` takes the empty text apart before the kinds.
            if !text.is_empty() {
                let text: &'static [u8] = std::boxed::Box::leak(text.into_boxed_slice());
                proptest::prop_assert_eq!(validate_value(p, text), keyword_before(text, keywords));
            }
        }
    }

    /// The text and hex arms of `validate_text` as they were, one call of `checked_text` each
    /// (`None` for a parameter of another kind).
    fn text_or_hex_before(p: &ParamSpec, text: &[u8], plain: bool) -> Option<Result<(), Code>> {
        if text.is_empty() {
            return None;
        }
        let got = match p.kind {
            ParamKind::Text { min, max, charset } => {
                checked_text(text, usize::from(min), usize::from(max), charset, plain)
            }
            ParamKind::Hex {
                min_bytes,
                max_bytes,
            } if text.len().is_multiple_of(2) => checked_text(
                text,
                usize::from(min_bytes).wrapping_mul(2),
                usize::from(max_bytes).wrapping_mul(2),
                Charset::HexDigits,
                plain,
            ),
            ParamKind::Hex { .. } => Err(Code::BAD_VALUE),
            _ => return None,
        };
        Some(got.map(|_| ()))
    }

    proptest::proptest! {
        /// One call of `checked_text` for text and hex: the same answers as one call each, on
        /// every parameter of every command and on hex parameters of one's own (odd and even
        /// lengths, bounds around them).
        #[test]
        fn text_and_hex_validate_as_before(
            command in 0usize..crate::commands::COUNT,
            param in 0usize..8,
            text in proptest::collection::vec(
                proptest::sample::select(&b"09aFfG\" ,\r"[..]),
                1..12,
            ),
            min_bytes in 0u16..4,
            extra in 0u16..4,
        ) {
            let plain = text.iter().all(|&b| b > b',');
            let spec = crate::commands::ALL[command];
            let hex = ParamSpec {
                kind: ParamKind::Hex { min_bytes, max_bytes: min_bytes + extra },
                ..OWN
            };
            let own = spec.params.get(param % spec.params.len().max(1));
            for p in own.into_iter().chain([&hex]) {
                if let Some(want) = text_or_hex_before(p, &text, plain) {
                    proptest::prop_assert_eq!(validate_text(p, &text, plain).map(|_| ()), want);
                }
            }
        }
    }

    /// `checked_text` as it was, before plain text was told apart: every byte looked at.
    fn checked_text_before(
        text: &[u8],
        min: usize,
        max: usize,
        charset: Charset,
    ) -> Result<Value<'_>, Code> {
        let mut quotes = 0usize;
        let chars_ok = text.iter().all(|&b| {
            quotes ^= usize::from(b == b'"');
            charset.allows(b) && b != b'\r' && b != b'\n'
        });
        if (min..=max).contains(&text.len()) && chars_ok && quotes == 0 {
            Ok(Value::Text(text))
        } else {
            Err(Code::BAD_VALUE)
        }
    }

    proptest::proptest! {
        /// `validate_text` told that a text is plain (no byte at or below `,`, as the answer
        /// decoder's cut finds it) gives what `validate_value` gives, on every parameter of
        /// every command; and the text branch is what it was, plain or not, on every set.
        #[test]
        fn plain_text_validates_as_any_text(
            command in 0usize..crate::commands::COUNT,
            param in 0usize..8,
            text in proptest::collection::vec(
                proptest::sample::select(&b"aZ09._-:/#+=?\"\\ ,\t\r\n\x0b\x80\xff"[..]),
                0..12,
            ),
            min in 0usize..4,
            extra in 0usize..12,
            charset in 0usize..6,
        ) {
            let plain = text.iter().all(|&b| b > b',');
            let spec = crate::commands::ALL[command];
            if let Some(p) = spec.params.get(param % spec.params.len().max(1)) {
                proptest::prop_assert_eq!(validate_text(p, &text, plain), validate_value(p, &text));
            }
            let charset = [
                Charset::Any,
                Charset::Host,
                Charset::Word,
                Charset::Digits,
                Charset::DigitsUpperHex,
                Charset::HexDigits,
            ][charset];
            let max = min + extra;
            proptest::prop_assert_eq!(
                checked_text(&text, min, max, charset, plain),
                checked_text_before(&text, min, max, charset)
            );
        }
    }

    /// The number's read as it was: `parse_int_code`, its code as a `Code`.
    fn number_before(text: &[u8]) -> Result<u32, Code> {
        cat1_at_parse::parse_int_code(text).map_err(Code)
    }

    proptest::proptest! {
        /// `number` answers what `parse_int_code` answered, on any text but the empty one
        /// (`validate_text` takes that apart before the kinds): digits of any length, with
        /// leading zeros, around `u32::MAX` (ten digits that fit, or not by the last digit),
        /// and with a byte of any value put in anywhere, before or after an overflow.
        #[test]
        fn number_is_parse_int_code(
            digits in proptest::collection::vec(b'0'..=b'9', 1..14),
            near in proptest::prop_oneof![
                proptest::num::u64::ANY,
                (u64::from(u32::MAX) - 20)..(u64::from(u32::MAX) + 20),
                0u64..1000,
            ],
            zeros in 0usize..4,
            use_near in proptest::bool::ANY,
            put in proptest::option::of((0usize..16, proptest::num::u8::ANY)),
        ) {
            let mut text: std::vec::Vec<u8> = if use_near {
                std::format!("{near}").into_bytes()
            } else {
                digits
            };
            for _ in 0..zeros {
                text.insert(0, b'0');
            }
            if let Some((at, byte)) = put {
                text.insert(at.min(text.len()), byte);
            }
            proptest::prop_assert_eq!(number(&text), number_before(&text), "{:?}", text);
        }
    }

    #[test]
    fn number_is_parse_int_code_at_its_lengths_and_limits() {
        for text in [
            &b"0"[..],
            b"12345678",
            b"123456789",
            b"1234567890",
            b"999999999",
            b"4294967295",
            b"4294967296",
            b"4294967300",
            b"9999999999",
            b"00000000004294967295",
            b"00000000004294967296",
            b"42949672950",
            b"4294967296x",
            b"429496729x6",
            b"12345678x",
            b"123456789x",
            b"x",
            b"-1",
            b"+1",
        ] {
            assert_eq!(number(text), number_before(text), "{text:?}");
        }
    }

    /// The template arm's test as it was: a `match` on the template's byte.
    fn template_before(template: &str, text: &[u8]) -> bool {
        template.len() == text.len()
            && template.bytes().zip(text).all(|(t, &b)| match t {
                b'9' => b.is_ascii_digit(),
                b'+' => b == b'+' || b == b'-',
                _ => t == b,
            })
    }

    proptest::proptest! {
        /// A template parameter (`AT+CCLK`'s, and templates of one's own with literal digits,
        /// signs and other bytes) takes what the `match` took, and refuses the rest as before
        /// (53; empty text 3).
        #[test]
        fn templates_validate_as_before(
            template in proptest::collection::vec(
                proptest::sample::select(&b"99+-/:0a9+"[..]),
                0..8,
            ),
            text in proptest::collection::vec(
                proptest::sample::select(&b"0159+-/:aA\"9"[..]),
                0..8,
            ),
            same_length in proptest::bool::ANY,
        ) {
            let template: &'static str =
                std::boxed::Box::leak(std::string::String::from_utf8(template).unwrap().into_boxed_str());
            let mut text = text;
            if same_length {
                text.resize(template.len(), b'5');
            }
            let p = ParamSpec {
                name: "t",
                doc: "",
                kind: ParamKind::Template(template),
                omitted: crate::spec::Omitted::Required,
                default: crate::spec::DefaultValue::None,
            };
            let expected = if text.is_empty() {
                Err(Code::MISSING_OR_TYPE)
            } else if template_before(template, &text) {
                Ok(Value::Text(&text[..]))
            } else {
                Err(Code::BAD_VALUE)
            };
            proptest::prop_assert_eq!(validate_value(&p, &text), expected);
        }
    }

    #[test]
    fn the_clock_templates_validate_as_before() {
        for p in crate::commands::ALL.iter().flat_map(|c| c.params.iter()) {
            let ParamKind::Template(template) = p.kind else {
                continue;
            };
            for text in [
                &b"24/01/31"[..],
                b"24/1/31",
                b"12:34:56+32",
                b"12:34:56-32",
                b"12:34:56*32",
                b"12:34:5a+32",
                b"99/99/99",
                b"24-01-31",
            ] {
                let expected = if template_before(template, text) {
                    Ok(Value::Text(text))
                } else {
                    Err(Code::BAD_VALUE)
                };
                assert_eq!(validate_value(p, text), expected, "{template} {text:?}");
            }
        }
    }
}
