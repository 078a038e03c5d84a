//! Shared test helpers: the manual's vectors and an owned copy of framer events.
#![allow(dead_code)]

use cat1_at_parse::{Event, Expect, FinalResult, Framer, Status};

#[path = "../vectors/manual.rs"]
mod manual;
#[allow(unused_imports)] // not every test binary reads the vectors
pub use manual::{Vector, vectors};

/// The bytes the module writes for a vector's answer lines (chapter 3.1, errata #3, #7): the
/// first line after CR LF, each line ended by CR LF, a blank line before the final result.
pub fn wire(recv: &[String]) -> Vec<u8> {
    let (last, info) = recv.split_last().expect("at least a final result");
    let mut out = Vec::new();
    for (i, line) in info.iter().enumerate() {
        if i == 0 {
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(line.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(last.as_bytes());
    out.extend_from_slice(b"\r\n");
    out
}

/// An owned copy of an [`Event`], to compare sequences.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Owned {
    Echo(Vec<u8>),
    Info {
        name: Vec<u8>,
        params: Vec<u8>,
        continuation: bool,
    },
    Final(FinalResult),
    HandshakeA,
    HandshakeOk,
    Unsolicited(Vec<u8>),
    Overflow(usize),
}

impl From<Event<'_>> for Owned {
    fn from(e: Event<'_>) -> Self {
        match e {
            Event::Echo(l) => Owned::Echo(l.to_vec()),
            Event::Info(i) => Owned::Info {
                name: i.name().to_vec(),
                params: i.raw_params().to_vec(),
                continuation: i.is_continuation(),
            },
            Event::Final(f) => Owned::Final(f),
            Event::HandshakeA => Owned::HandshakeA,
            Event::HandshakeOk => Owned::HandshakeOk,
            Event::Unsolicited(l) => Owned::Unsolicited(l.to_vec()),
            Event::Overflow { dropped } => Owned::Overflow(dropped),
        }
    }
}

/// Feeds `input` in chunks of `chunk` bytes (0 = all at once) and collects the events.
pub fn feed_chunked<const N: usize>(
    framer: &mut Framer<N>,
    expect: &mut Expect<'_>,
    input: &[u8],
    chunk: usize,
) -> Vec<Owned> {
    let size = if chunk == 0 {
        input.len().max(1)
    } else {
        chunk
    };
    let mut events = Vec::new();
    for piece in input.chunks(size) {
        let mut rest = piece;
        let mut rounds = 0;
        while let Status::Complete(ev, used) = framer.feed(rest, expect) {
            assert!(
                used >= 1 && used <= rest.len(),
                "consumed {used} of {}",
                rest.len()
            );
            events.push(Owned::from(ev));
            rest = &rest[used..];
            rounds += 1;
            assert!(rounds <= piece.len() + 1, "no progress");
        }
    }
    events
}

/// What the reference models take for a final result: `OK`, `ERROR`, `+CME ERROR:<n>` (n up to
/// 65535, spaces before it allowed).
pub fn final_result(line: &[u8]) -> Option<FinalResult> {
    match line {
        b"OK" => return Some(FinalResult::Ok),
        b"ERROR" => return Some(FinalResult::Error),
        _ => {}
    }
    let digits = line.strip_prefix(b"+CME ERROR:")?.trim_ascii_start();
    if digits.is_empty() || digits.len() > 5 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let n: u32 = std::str::from_utf8(digits).ok()?.parse().ok()?;
    u16::try_from(n).ok().map(FinalResult::CmeError)
}

/// `+NAME:<params>` with an alphanumeric name: the name and the parameters (spaces skipped).
pub fn info(line: &[u8]) -> Option<(Vec<u8>, Vec<u8>)> {
    let body = line.strip_prefix(b"+")?;
    let colon = body.iter().position(|&b| b == b':')?;
    let name = &body[..colon];
    if name.is_empty() || !name.iter().all(u8::is_ascii_alphanumeric) {
        return None;
    }
    Some((name.to_vec(), body[colon + 1..].trim_ascii_start().to_vec()))
}
