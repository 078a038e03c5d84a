//! `CommandLine::parse` and `parse_with_password` on arbitrary bytes.
//!
//! Input: the line itself (seeds are raw lines such as `AT+APN=CMNET,,,0\r`). The password for
//! `parse_with_password` is taken from the input: everything up to and including its first `#`
//! (the factory password is `usr.cn#`), and also the fixed `usr.cn#`.
//!
//! Properties checked:
//! - the outcome class is decided by the prefix alone: `Empty` exactly when the line is line ends
//!   only; `NotAt` exactly when it does not start with `AT`/`at`; otherwise `Ok` or `IllFormed`;
//! - a parsed line emits (never rejected), with `buffer_len` equal to the bytes written, a short
//!   buffer reporting that length, and the emitted bytes are the input with the prefix upper-cased
//!   and the line ends replaced by one CR;
//! - parsing the emitted line gives the same name, form, parameters and password;
//! - `parse_with_password` is `parse` on the rest when the password matches, `parse` otherwise;
//! - the parameter helpers never panic on the parameters and keep their own invariants.
#![no_main]

use cat1_at_parse::{
    CommandLine, EncodeError, Form, HexError, LineError, Params, decode_hex, expand_escapes,
    match_keyword, parse_int, parse_int_in, unquote,
};
use libfuzzer_sys::fuzz_target;

fn no_line_end(s: &[u8]) -> bool {
    !s.iter().any(|&b| b == b'\r' || b == b'\n')
}

fn trim_line_end(line: &[u8]) -> &[u8] {
    let mut end = line.len();
    while end > 0 && matches!(line[end - 1], b'\r' | b'\n') {
        end -= 1;
    }
    &line[..end]
}

/// Checks the classification of `line` by `parse`, and the emit/parse round trip when it parses.
fn check_parse(line: &[u8]) {
    let trimmed = trim_line_end(line);
    let result = CommandLine::parse(line);
    let at_prefix = trimmed.starts_with(b"AT") || trimmed.starts_with(b"at");
    match result {
        Err(LineError::Empty) => assert!(trimmed.is_empty(), "Empty for {line:?}"),
        Err(LineError::NotAt) => {
            assert!(!trimmed.is_empty(), "NotAt for an empty line");
            assert!(!at_prefix, "NotAt for a line starting with AT: {line:?}");
        }
        Err(LineError::IllFormed) => {
            assert!(at_prefix, "IllFormed for a line without AT: {line:?}");
            assert_eq!(LineError::IllFormed.cme_code(), Some(58));
        }
        Err(other) => panic!("undocumented error {other:?} for {line:?}"),
        Ok(cmd) => {
            assert!(at_prefix, "parsed a line without AT: {line:?}");
            assert_eq!(cmd.password(), None);
            check_command(&cmd);
            let emitted = emit(&cmd);
            // Canonical form: `AT` + the rest as received + CR.
            assert_eq!(&emitted[..2], b"AT");
            assert_eq!(&emitted[2..emitted.len() - 1], &trimmed[2..]);
            assert_eq!(emitted.last(), Some(&b'\r'));
            let again = CommandLine::parse(&emitted).expect("emitted line must parse");
            assert_same(&cmd, &again);
        }
    }
}

/// Checks `parse_with_password` against `parse`.
fn check_password(line: &[u8], password: &[u8]) {
    let result = CommandLine::parse_with_password(line, password);
    match line.strip_prefix(password) {
        // A password holding a line end never matches: no line holds one.
        Some(rest) if !password.is_empty() && no_line_end(password) => {
            let plain = CommandLine::parse(rest);
            match (result, plain) {
                (Ok(with), Ok(without)) => {
                    assert_eq!(with.password(), Some(password));
                    assert_same(&with, &without);
                    check_command(&with);
                    let emitted = emit(&with);
                    assert!(emitted.starts_with(password));
                    let again = CommandLine::parse_with_password(&emitted, password)
                        .expect("emitted password line must parse");
                    assert_same(&with, &again);
                    assert_eq!(again.password(), Some(password));
                }
                (Err(a), Err(b)) => assert_eq!(a, b),
                (a, b) => panic!("password line {a:?} but rest alone {b:?}"),
            }
        }
        _ => assert_eq!(result, CommandLine::parse(line)),
    }
}

/// Emits `cmd`, which came from a parser and so must be accepted, and checks the length contract.
fn emit(cmd: &CommandLine<'_>) -> Vec<u8> {
    let needed = cmd.buffer_len();
    let mut buf = vec![0u8; needed];
    let n = cmd.emit(&mut buf).expect("a parsed line must emit");
    assert_eq!(n, needed);
    if needed > 0 {
        let mut short = vec![0u8; needed - 1];
        assert_eq!(
            cmd.emit(&mut short),
            Err(EncodeError::BufferTooSmall { needed })
        );
    }
    buf
}

fn assert_same(a: &CommandLine<'_>, b: &CommandLine<'_>) {
    assert_eq!(a.name(), b.name());
    assert_eq!(a.form(), b.form());
    assert_eq!(a.params(), b.params());
    assert!(a.is(b.name()));
    match (a.params(), b.params()) {
        (Some(pa), Some(pb)) => assert!(pa.iter().eq(pb.iter())),
        (None, None) => {}
        _ => panic!("params differ"),
    }
}

/// Invariants of a parsed command and its parameters.
fn check_command(cmd: &CommandLine<'_>) {
    match cmd.form() {
        Form::Bare => assert!(cmd.name().is_empty()),
        _ => {
            assert!(!cmd.name().is_empty() && cmd.name().len() <= 32);
            assert!(cmd.name().iter().all(u8::is_ascii_alphanumeric));
        }
    }
    if let Some(params) = cmd.params() {
        assert!(!params.raw().iter().any(|&b| b == b'\r' || b == b'\n'));
        check_params(params);
    }
}

fn check_params(params: Params<'_>) {
    let raw = params.raw();
    // Splitting is lossless: the pieces joined with commas give the raw text back, and there are
    // at most one more pieces than commas (bounded, so the iterator ends).
    let commas = raw.iter().filter(|&&b| b == b',').count();
    let mut joined = Vec::with_capacity(raw.len());
    let mut count = 0usize;
    for (i, piece) in params.iter().enumerate() {
        assert!(i <= commas, "more pieces than commas + 1");
        if i > 0 {
            joined.push(b',');
        }
        joined.extend_from_slice(piece);
        count += 1;
        assert_eq!(params.get(i), Some(piece));
        check_helpers(piece);
    }
    assert_eq!(joined, raw);
    assert_eq!(params.count(), count);
    assert_eq!(params.get(count), None);
}

/// The parameter helpers on one parameter: no panic, and their documented results.
fn check_helpers(p: &[u8]) {
    match parse_int(p) {
        Ok(v) => {
            assert!(!p.is_empty() && p.iter().all(u8::is_ascii_digit));
            let digits = p.iter().skip_while(|&&b| b == b'0');
            let text = v.to_string();
            if v == 0 {
                assert_eq!(digits.count(), 0);
            } else {
                assert!(digits.eq(text.as_bytes().iter()));
            }
            assert_eq!(parse_int_in(p, v, v), Ok(v));
            if v > 0 {
                assert!(parse_int_in(p, 0, v - 1).is_err());
            }
        }
        Err(e) => {
            assert!(parse_int_in(p, 0, u32::MAX).is_err());
            assert!(e.cme_code() == 3 || e.cme_code() == 53);
        }
    }
    let keywords = ["ON", "OFF", "TCP", "UDP", "NONE"];
    if let Ok(i) = match_keyword(p, &keywords) {
        assert!(keywords[i].as_bytes().eq_ignore_ascii_case(unquote(p)));
    }
    let u = unquote(p);
    assert!(u.len() == p.len() || u.len() + 2 == p.len());

    let mut out = [0u8; 16];
    match decode_hex(p, &mut out) {
        Ok(n) => {
            assert_eq!(n * 2, p.len());
            assert!(p.iter().all(u8::is_ascii_hexdigit));
        }
        Err(HexError::OddLength) => assert!(p.len() % 2 == 1),
        Err(HexError::BufferTooSmall { needed }) => {
            assert_eq!(needed * 2, p.len());
            assert!(needed > out.len());
        }
        Err(_) => assert!(!p.iter().all(u8::is_ascii_hexdigit)),
    }

    let mut big = vec![0u8; p.len()];
    let n = expand_escapes(p, &mut big).expect("expansion never grows");
    assert!(n <= p.len());
    // Each `[HH]` shrinks by 3 bytes, so the length difference is a multiple of 3.
    assert_eq!((p.len() - n) % 3, 0);
    if !p.contains(&b'[') {
        assert_eq!(&big[..n], p);
    }
    let mut small = [0u8; 3];
    match expand_escapes(p, &mut small) {
        Ok(m) => assert_eq!(m, n),
        Err(cat1_at_parse::EscapeError::BufferTooSmall { needed }) => assert_eq!(needed, n),
        Err(e) => panic!("undocumented {e:?}"),
    }
}

fuzz_target!(|data: &[u8]| {
    check_parse(data);
    check_password(data, b"usr.cn#");
    check_password(data, b"");
    if let Some(hash) = data.iter().position(|&b| b == b'#') {
        check_password(data, &data[..=hash]);
    }
});
