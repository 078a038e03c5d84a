//! The optimised framer against a plain reference model, on random streams and chunkings.
//!
//! The model is written from the module documentation of `framer.rs` and `line.rs`, as simply as
//! possible: cut the whole stream into lines first (a line ends at CR or LF, empty lines are
//! ignored, a line longer than the buffer is dropped and reported with its length), then
//! classify each line in order:
//!
//! 1. the first line equal to the command sent (its line ends trimmed) is its echo;
//! 2. with the echo required and not seen yet, anything else is unsolicited;
//! 3. `+NAME:<params>` with the command's name (any case, alphanumeric) is an information line;
//! 4. `OK`, `ERROR`, `+CME ERROR:<n>` as a whole line end the exchange;
//! 5. for a multi-line answer, after the first information line, a line not starting with `+`
//!    continues it;
//! 6. anything else, and everything once the exchange has ended or when nothing is in flight,
//!    is unsolicited.

mod common;

use cat1_at_parse::{Detached, EndedLine, Event, Expect, FinalResult, Framer, Scanned, Status};
use common::{Owned, feed_chunked, final_result, info};
use proptest::prelude::*;

/// The buffer size of the framers under test: small, so that overflows happen.
const N: usize = 24;

/// What the test sends: `None` for nothing in flight.
#[derive(Debug, Clone)]
struct Command {
    sent: Vec<u8>,
    name: Vec<u8>,
    echo_required: bool,
    multi_line: Option<bool>,
}

fn is_line_end(b: u8) -> bool {
    b == b'\r' || b == b'\n'
}

/// Splits the whole stream into lines (the line layer, errata #1), and the bytes of a last line
/// that has no end yet.
fn lines(stream: &[u8]) -> (Vec<Vec<u8>>, Vec<u8>) {
    let mut out = Vec::new();
    let mut current = Vec::new();
    for &b in stream {
        if is_line_end(b) {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
        } else {
            current.push(b);
        }
    }
    (out, current)
}

/// The reference model: the events, the counters (lines, unsolicited, overflows, bytes
/// dropped) and whether the exchange is done.
fn model(stream: &[u8], command: Option<&Command>) -> (Vec<Owned>, [u64; 4], bool) {
    let (all, tail) = lines(stream);
    let mut events = Vec::new();
    let (mut lines_seen, mut unsolicited, mut overflows, mut dropped) = (0u64, 0u64, 0u64, 0u64);
    let (mut echo_seen, mut info_seen, mut done) = (false, false, false);
    for line in all {
        if line.len() > N {
            overflows += 1;
            dropped += line.len() as u64;
            events.push(Owned::Overflow(line.len()));
            continue;
        }
        lines_seen += 1;
        let event = match command {
            Some(c) if !done => {
                let mut sent: &[u8] = &c.sent;
                while let [rest @ .., b'\r' | b'\n'] = sent {
                    sent = rest;
                }
                let multi_line = c.multi_line.unwrap_or_else(|| {
                    cat1_at_parse::MULTI_LINE_ANSWERS
                        .iter()
                        .any(|m| m.eq_ignore_ascii_case(&c.name))
                });
                if !echo_seen && line == sent {
                    echo_seen = true;
                    Some(Owned::Echo(line.clone()))
                } else if c.echo_required && !echo_seen {
                    None
                } else if let Some((name, params)) =
                    info(&line).filter(|(n, _)| n.eq_ignore_ascii_case(&c.name))
                {
                    info_seen = true;
                    Some(Owned::Info {
                        name,
                        params,
                        continuation: false,
                    })
                } else if let Some(result) = final_result(&line) {
                    done = true;
                    Some(Owned::Final(result))
                } else if multi_line && info_seen && line.first() != Some(&b'+') {
                    Some(Owned::Info {
                        name: Vec::new(),
                        params: line.clone(),
                        continuation: true,
                    })
                } else {
                    None
                }
            }
            _ => None,
        };
        events.push(event.unwrap_or_else(|| {
            unsolicited += 1;
            Owned::Unsolicited(line)
        }));
    }
    if tail.len() > N {
        // An over-long line without its end yet: already counted as dropped.
        overflows += 1;
        dropped += tail.len() as u64;
    }
    let is_done = match command {
        Some(_) => done,
        None => true,
    };
    (
        events,
        [lines_seen, unsolicited, overflows, dropped],
        is_done,
    )
}

fn expect_of(command: Option<&Command>) -> Expect<'_> {
    match command {
        None => Expect::nothing(),
        Some(c) => {
            let mut e = Expect::command(&c.sent, &c.name);
            if c.echo_required {
                e = e.echo_required();
            }
            if let Some(m) = c.multi_line {
                e = e.multi_line(m);
            }
            e
        }
    }
}

/// The framer under test, fed with chunks of the sizes in `cuts` (in turn).
fn framer(
    stream: &[u8],
    command: Option<&Command>,
    cuts: &[usize],
) -> (Vec<Owned>, [u64; 4], bool) {
    let mut framer = Framer::<N>::new();
    let mut expect = expect_of(command);
    let mut events = Vec::new();
    let mut rest = stream;
    let mut i = 0;
    while !rest.is_empty() {
        let take = cuts[i % cuts.len()].min(rest.len());
        events.extend(feed_chunked(&mut framer, &mut expect, &rest[..take], 0));
        rest = &rest[take..];
        i += 1;
    }
    let c = framer.counters();
    (
        events,
        [
            u64::from(c.lines),
            u64::from(c.unsolicited),
            u64::from(c.overflows),
            c.bytes_dropped,
        ],
        expect.is_done(),
    )
}

/// Names the modem answers with, in several cases, and some that cannot be names.
fn name() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(b"CSQ".to_vec()),
        Just(b"csq".to_vec()),
        Just(b"LBSN".to_vec()),
        Just(b"SysInfo".to_vec()),
        Just(b"CGDCONT".to_vec()),
        Just(b"".to_vec()),
        Just(b"C Q".to_vec()),
        Just(b"C:Q".to_vec()),
        Just(b"C_Q".to_vec()),
        proptest::collection::vec(prop_oneof![b'A'..=b'Z', b'a'..=b'z', b'0'..=b'9'], 1..6),
    ]
}

fn command() -> impl Strategy<Value = Option<Command>> {
    let sent = prop_oneof![
        Just(b"AT+CSQ".to_vec()),
        Just(b"AT+CSQ\r".to_vec()),
        Just(b"AT+CSQ\r\n".to_vec()),
        Just(b"AT+LBSN?".to_vec()),
        // Longer than eight bytes: its echo compared a word at a time (`same_words`).
        Just(b"AT+CGDCONT=1,\"IP\",\"CMNET\"\r".to_vec()),
        // A line sent that looks like an answer: its echo is not an information line.
        Just(b"+CSQ:1".to_vec()),
        // And one that reads as an error: its echo is not the final result.
        Just(b"+CME ERROR: 10".to_vec()),
        Just(b"".to_vec()),
        Just(b"OK".to_vec()),
        Just(b"\r".to_vec()),
    ];
    proptest::option::weighted(
        0.85,
        (
            sent,
            name(),
            any::<bool>(),
            proptest::option::of(any::<bool>()),
        )
            .prop_map(|(sent, name, echo_required, multi_line)| Command {
                sent,
                name,
                echo_required,
                multi_line,
            }),
    )
}

/// A byte stream of answer-like pieces, line ends and noise.
fn stream() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        Just(b"\r\n".to_vec()),
        Just(b"\r".to_vec()),
        Just(b"\n".to_vec()),
        Just(b"OK".to_vec()),
        Just(b"ERROR".to_vec()),
        Just(b"+CME ERROR: 58".to_vec()),
        Just(b"+CME ERROR:65536".to_vec()),
        Just(b"+CSQ:27,99".to_vec()),
        Just(b"+csq: \t27,99".to_vec()),
        Just(b"+LBSN:".to_vec()),
        Just(b"+SYSINFO:4,LTE".to_vec()),
        Just(b"+CGDCONT: 1,\"IP\",\"internet\"".to_vec()),
        Just(b"AT+CSQ".to_vec()),
        Just(b"TAC1=5a30,CellID1=b2114b1".to_vec()),
        Just(b"+C Q:1".to_vec()),
        Just(b"\t\x0c\0\xff".to_vec()),
        proptest::collection::vec(any::<u8>(), 0..40),
    ];
    proptest::collection::vec(piece, 0..24).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    #[test]
    fn framer_matches_the_reference_model(
        input in stream(),
        command in command(),
        cuts in proptest::collection::vec(1usize..40, 1..8),
    ) {
        let want = model(&input, command.as_ref());
        for fixed in [1usize, 2, 3, 16, 64, usize::MAX] {
            prop_assert_eq!(&framer(&input, command.as_ref(), &[fixed]), &want, "chunks of {}", fixed);
        }
        prop_assert_eq!(&framer(&input, command.as_ref(), &cuts), &want, "chunks {:?}", cuts);
    }
}

/// The framer's counters, as numbers.
fn totals(framer: &Framer<N>) -> [u64; 4] {
    let c = framer.counters();
    [
        u64::from(c.lines),
        u64::from(c.unsolicited),
        u64::from(c.overflows),
        c.bytes_dropped,
    ]
}

/// The exchange of `kind` (0: `command`, or nothing; 1 and 2: a handshake reply awaited) and
/// its name.
fn exchange(kind: u8, command: Option<&Command>) -> (Expect<'_>, &[u8]) {
    match kind {
        0 => (
            expect_of(command),
            command.map_or(&b""[..], |c| &c.name[..]),
        ),
        1 => (Expect::handshake_a(), &b""[..]),
        _ => (Expect::handshake_ok(), &b""[..]),
    }
}

/// Every event (with the bytes it consumed), the counters and the exchange's state after
/// feeding `stream` in the chunks `cuts`: through `feed` with `expect`, or (`detached`) through
/// `feed_detached` with `expect` detached and its lines given back on demand.
fn events_and_state(
    stream: &[u8],
    (expect, name): (Expect<'_>, &[u8]),
    cuts: &[usize],
    detached: bool,
) -> (Vec<(Owned, usize)>, [u64; 4], Detached) {
    let mut framer = Framer::<N>::new();
    let sent = expect.sent();
    let mut expect = expect;
    let mut state = expect.detach();
    let mut events = Vec::new();
    let mut rest = stream;
    let mut i = 0;
    while !rest.is_empty() {
        let take = cuts[i % cuts.len()].min(rest.len());
        let mut piece = &rest[..take];
        loop {
            let status = if detached {
                framer.feed_detached(piece, &mut state, || (sent, name))
            } else {
                framer.feed(piece, &mut expect)
            };
            let Status::Complete(ev, used) = status else {
                break;
            };
            assert!(used >= 1 && used <= piece.len());
            events.push((Owned::from(ev), used));
            piece = &piece[used..];
        }
        rest = &rest[take..];
        i += 1;
    }
    if !detached {
        state = expect.detach();
    }
    (events, totals(&framer), state)
}

/// Every event, the counters, the exchange's state and the line left pending after feeding
/// `stream` in the chunks `cuts` through `feed_detached` or (`general`) `feed_detached_general`,
/// with the framer's gate (`take_tracked`'s) after each chunk. Not the bytes consumed: the LF of
/// a CR LF that ends a line is taken with it by `feed_detached` when it is there, left for the
/// next call by the general way (the contract leaves that open).
fn events_general(
    stream: &[u8],
    (expect, name): (Expect<'_>, &[u8]),
    cuts: &[usize],
    general: bool,
) -> (Vec<Owned>, Vec<bool>, [u64; 4], Detached, Vec<u8>) {
    let mut framer = Framer::<N>::new();
    let sent = expect.sent();
    let mut state = expect.detach();
    let mut events = Vec::new();
    let mut gates = Vec::new();
    let mut rest = stream;
    let mut i = 0;
    while !rest.is_empty() {
        let take = cuts[i % cuts.len()].min(rest.len());
        let mut piece = &rest[..take];
        loop {
            let status = if general {
                framer.feed_detached_general(piece, &mut state, sent, name)
            } else {
                framer.feed_detached(piece, &mut state, || (sent, name))
            };
            let Status::Complete(ev, used) = status else {
                break;
            };
            assert!(used >= 1 && used <= piece.len());
            events.push(Owned::from(ev));
            piece = &piece[used..];
        }
        gates.push(framer.gate_open());
        rest = &rest[take..];
        i += 1;
    }
    (
        events,
        gates,
        totals(&framer),
        state,
        framer.pending().to_vec(),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    /// `feed_detached_general` (the general way alone, the exchange attached for a handshake
    /// reply and a line that ended) is `feed_detached`: the same events, counters, state,
    /// pending line and gate, for a command (with the hint of a plain name or not: the general
    /// way compares a hinted name's equal bytes without a test), nothing, or a handshake reply
    /// awaited, in any chunking.
    #[test]
    fn feed_detached_general_is_feed_detached(
        input in proptest::collection::vec(
            prop_oneof![
                stream(),
                Just(b"a".to_vec()),
                Just(b"+ok".to_vec()),
                Just(b"+OK\r".to_vec()),
                Just(b"\r\nOK\r\n".to_vec()),
            ],
            1..4,
        ),
        command in command(),
        kind in 0u8..3,
        cuts in proptest::collection::vec(1usize..40, 1..8),
        hint in any::<bool>(),
    ) {
        let input = input.concat();
        let (expect, name) = exchange(kind, command.as_ref());
        // (`plain_name` sets the hint only for a command whose name is letters and digits.)
        let expect = (if hint { expect.plain_name() } else { expect }, name);
        for fixed in [&[1usize][..], &[2], &[3], &[16], &[usize::MAX], &cuts] {
            prop_assert_eq!(
                events_general(&input, expect, fixed, true),
                events_general(&input, expect, fixed, false),
                "chunks {:?}", fixed
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    /// `feed_detached` is `feed` with the exchange attached: the same events, bytes consumed,
    /// counters and state, for a command, nothing, or a handshake reply awaited (with `a` and
    /// `+ok` in the stream), in any chunking.
    #[test]
    fn feed_detached_is_feed(
        input in proptest::collection::vec(
            prop_oneof![stream(), Just(b"a".to_vec()), Just(b"+ok".to_vec()), Just(b"+OK\r".to_vec())],
            1..4,
        ),
        command in command(),
        kind in 0u8..3,
        cuts in proptest::collection::vec(1usize..40, 1..8),
    ) {
        let input = input.concat();
        let expect = exchange(kind, command.as_ref());
        for fixed in [&[1usize][..], &[2], &[3], &[16], &[usize::MAX], &cuts] {
            prop_assert_eq!(
                events_and_state(&input, expect, fixed, true),
                events_and_state(&input, expect, fixed, false),
                "chunks {:?}", fixed
            );
        }
    }

    /// `take_byte`, `take_ok` and `feed_detached_apart` a byte at a time are `feed` a byte at a
    /// time: the same events, counters and state, for a command (its echo, `OK` that is or is
    /// not its echo), nothing, or a handshake reply awaited.
    #[test]
    fn take_ok_and_feed_detached_apart_are_feed(
        input in proptest::collection::vec(
            prop_oneof![stream(), Just(b"OK\r\n".to_vec()), Just(b"a".to_vec()), Just(b"+ok".to_vec())],
            1..4,
        ),
        command in command(),
        kind in 0u8..3,
    ) {
        let input = input.concat();
        let expect = exchange(kind, command.as_ref());
        prop_assert_eq!(
            events_byte_by_byte(&input, expect, false, Split::Plain),
            events_and_state(&input, expect, &[1], false)
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    /// `take_ok_line` tried first on every chunk, then `feed_detached`, is `feed`: the same
    /// events, bytes consumed, counters and state, with `OK` after one CR LF or none, after
    /// other line ends, cut from its line end or not, as the echo, after an over-long line,
    /// while nothing or a handshake reply is awaited, in any chunking.
    #[test]
    fn take_ok_line_then_feed_detached_is_feed(
        input in proptest::collection::vec(
            prop_oneof![
                stream(),
                Just(b"\r\nOK\r\n".to_vec()),
                Just(b"OK\r\n".to_vec()),
                Just(b"OK\r".to_vec()),
                Just(b"OK\n\r".to_vec()),
                Just(b"\nOK\n".to_vec()),
                Just(b"\r\n\r\nOK\r\n".to_vec()),
                // Cut in fives: a line pending before `\nOK\r\n` (its LF ends that line).
                Just(b"ERROR\nOK\r\n".to_vec()),
                Just(b"OK".to_vec()),
                Just(b"OK\t\r".to_vec()),
                Just(b"a".to_vec()),
                Just(b"+ok".to_vec()),
            ],
            1..6,
        ),
        command in command(),
        kind in 0u8..3,
        cuts in proptest::collection::vec(1usize..40, 1..8),
    ) {
        let input = input.concat();
        let expect = exchange(kind, command.as_ref());
        for fixed in [&[1usize][..], &[2], &[3], &[4], &[5], &[6], &[16], &[usize::MAX], &cuts] {
            // `take_crlf_ok` (`\r\nOK\r\n` alone) before `take_ok_line`, and without it; and
            // `take_lf_ok` (`\nOK\r\n` alone) after it.
            for (crlf, lf) in [(false, false), (true, false), (true, true)] {
                prop_assert_eq!(
                    events_ok_first(&input, expect, fixed, crlf, lf),
                    events_and_state(&input, expect, fixed, false),
                    "chunks {:?}, take_crlf_ok {}, take_lf_ok {}", fixed, crlf, lf
                );
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    /// `feed_detached_plain` with the exchange's name looked at (`Expect::plain_name`) is
    /// `feed` with the exchange as built: the same events, bytes consumed, counters and state
    /// (equal but for the hint), for a command (its echo, its information lines in any case,
    /// other lines `+NAME:`), nothing, or a handshake reply awaited, in any chunking; and so
    /// is a byte at a time through `end_line` and `classify_plain`.
    #[test]
    fn feed_detached_plain_is_feed(
        input in proptest::collection::vec(
            prop_oneof![
                stream(),
                Just(b"+CSQ: 1\r\n".to_vec()),
                Just(b"+CSQ:1\r".to_vec()),
                Just(b"+C Q:1\r".to_vec()),
                Just(b"+C_Q:1\r".to_vec()),
                Just(b"+csq:1\r".to_vec()),
                Just(b"+CsQ:\n".to_vec()),
                Just(b"+CSQ\r".to_vec()),
                Just(b"+CSQ2:1\r".to_vec()),
                Just(b"+LBSN: 1\r\n2\r\n".to_vec()),
                Just(b"+sysinfo:3\r".to_vec()),
                Just(b"AT+CSQ\r".to_vec()),
                Just(b"a".to_vec()),
                Just(b"+ok".to_vec()),
            ],
            1..6,
        ),
        command in command(),
        kind in 0u8..3,
        cuts in proptest::collection::vec(1usize..40, 1..8),
    ) {
        let input = input.concat();
        let expect = exchange(kind, command.as_ref());
        for fixed in [&[1usize][..], &[2], &[3], &[16], &[usize::MAX], &cuts] {
            prop_assert_eq!(
                events_plain(&input, expect, fixed),
                events_and_state(&input, expect, fixed, false),
                "chunks {:?}", fixed
            );
        }
        // A byte at a time as `Core::receive` takes it: `take_byte`, `take_ok`, then a line
        // that ends classified by `end_line` and `classify_plain`.
        prop_assert_eq!(
            events_byte_by_byte(&input, expect, true, Split::Plain),
            events_and_state(&input, expect, &[1], false)
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    /// A chunk taken as `Core::receive` takes it: `scan_line` (`OK` ending the exchange at
    /// the start of a line taken as `take_ok_line` takes it), a line that ends classified by
    /// `classify_plain`, the rest of the input (a control byte,
    /// an over-long line, a handshake reply) through `feed_detached_apart`, is `feed`: the same
    /// events, bytes consumed, counters and state (equal but for the hint), for a command (its
    /// echo, its information lines in any case, other lines `+NAME:`, `OK` after any line
    /// ends), nothing, or a handshake reply awaited, in any chunking. The way it replaces in
    /// `Core::receive` (`feed_detached_plain` after `take_ok_line`) is `feed` too
    /// (`take_ok_line_then_feed_detached_is_feed`, `feed_detached_plain_is_feed`).
    #[test]
    fn scan_line_then_classify_plain_is_feed(
        input in proptest::collection::vec(
            prop_oneof![
                stream(),
                Just(b"+CSQ: 1\r\n".to_vec()),
                Just(b"+csq:1\r".to_vec()),
                Just(b"+C Q:1\r".to_vec()),
                Just(b"+CSQ2:1\r".to_vec()),
                Just(b"+LBSN: 1\r\n2\r\n".to_vec()),
                Just(b"AT+CSQ\r".to_vec()),
                Just(b"\r\nOK\r\n".to_vec()),
                Just(b"\nOK\n".to_vec()),
                Just(b"OK\r".to_vec()),
                Just(b"OK\t\r".to_vec()),
                Just(b"a long line, longer than the framer's buffer holds\r\n".to_vec()),
                Just(b"a".to_vec()),
                Just(b"+ok".to_vec()),
            ],
            1..6,
        ),
        command in command(),
        kind in 0u8..3,
        cuts in proptest::collection::vec(1usize..40, 1..8),
    ) {
        let input = input.concat();
        let expect = exchange(kind, command.as_ref());
        for fixed in [&[2usize][..], &[3], &[4], &[5], &[16], &[usize::MAX], &cuts] {
            prop_assert_eq!(
                events_scan_line(&input, expect, fixed, Split::Plain),
                events_and_state(&input, expect, fixed, false),
                "chunks {:?}", fixed
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    /// A line `end_line` or `scan_line` ended, classified as `Core::receive` classified it
    /// from the fed-16 round (`take_ended_ok`, then `classify_unless_ok`), is the way it
    /// replaced (`classify_plain`) and `feed`: the same events, bytes consumed, counters and
    /// state, for `OK` cut anywhere, after a lone LF, as the echo, other lines of two bytes,
    /// information lines, in any chunking and a byte at a time. So is the way since the lines
    /// round (`take_ended_ok`, `take_plain_info`, then `classify_other` on the detached
    /// state), also for `+CME ERROR`, `ERROR`, continuation lines, long echoes and unsolicited
    /// lines.
    #[test]
    fn take_ended_ok_then_classify_unless_ok_is_classify_plain(
        input in proptest::collection::vec(
            prop_oneof![
                stream(),
                Just(b"+CSQ: 1\r\n".to_vec()),
                Just(b"+csq:1\r".to_vec()),
                Just(b"+CSQ2:1\r".to_vec()),
                Just(b"AT+CSQ\r".to_vec()),
                Just(b"\r\nOK\r\n".to_vec()),
                Just(b"\nOK\r\n".to_vec()),
                Just(b"\n\r\nOK\n".to_vec()),
                Just(b"OK\r".to_vec()),
                Just(b"Ok\r".to_vec()),
                Just(b"OKK\r".to_vec()),
                Just(b"AT\r".to_vec()),
                Just(b"KO\r\n".to_vec()),
                Just(b"a".to_vec()),
                Just(b"+CME ERROR: 10\r\n".to_vec()),
                Just(b"+CME ERROR:  7\r".to_vec()),
                Just(b"ERROR\r\n".to_vec()),
                Just(b"+LBSN: 1\r\n2\r\n".to_vec()),
                Just(b"AT+LBSN?\r".to_vec()),
                Just(b"AT+CGDCONT=1,\"IP\",\"CMNET\"\r".to_vec()),
                Just(b"AT+CGDCONT=1,\"IP\",\"CMNEt\"\r".to_vec()),
                Just(b"USR-CAT1\r\n".to_vec()),
            ],
            1..6,
        ),
        command in command(),
        kind in 0u8..3,
        cuts in proptest::collection::vec(1usize..40, 1..8),
    ) {
        let input = input.concat();
        let expect = exchange(kind, command.as_ref());
        for fixed in [&[2usize][..], &[3], &[4], &[5], &[16], &[usize::MAX], &cuts] {
            let split = events_scan_line(&input, expect, fixed, Split::UnlessOk);
            prop_assert_eq!(
                &split,
                &events_scan_line(&input, expect, fixed, Split::Plain),
                "chunks {:?}", fixed
            );
            prop_assert_eq!(
                &split,
                &events_scan_line(&input, expect, fixed, Split::Other),
                "chunks {:?}", fixed
            );
            prop_assert_eq!(
                split,
                events_and_state(&input, expect, fixed, false),
                "chunks {:?}", fixed
            );
        }
        let split = events_byte_by_byte(&input, expect, true, Split::UnlessOk);
        prop_assert_eq!(&split, &events_byte_by_byte(&input, expect, true, Split::Plain));
        prop_assert_eq!(&split, &events_byte_by_byte(&input, expect, true, Split::Other));
        prop_assert_eq!(&split, &events_byte_by_byte(&input, expect, true, Split::OtherAfterTakeOk));
        prop_assert_eq!(&split, &events_byte_by_byte(&input, expect, true, Split::CmeFirst));
        prop_assert_eq!(split, events_byte_by_byte(&input, expect, true, Split::EchoFrom));
        for fixed in [&[2usize][..], &[5], &[16], &[usize::MAX], &cuts] {
            let other = events_scan_line(&input, expect, fixed, Split::Other);
            prop_assert_eq!(
                &other,
                &events_scan_line(&input, expect, fixed, Split::CmeFirst),
                "chunks {:?}", fixed
            );
            prop_assert_eq!(
                other,
                events_scan_line(&input, expect, fixed, Split::EchoFrom),
                "chunks {:?}", fixed
            );
        }
    }
}

/// How a line `end_line` or `scan_line` ended is classified (`classify`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Split {
    /// `classify_plain`, the way the fed-16 round replaced.
    Plain,
    /// `take_ended_ok`, then `classify_unless_ok`: `Core::receive`'s way from the fed-16 round
    /// to the lines round.
    UnlessOk,
    /// `take_ended_ok`, `take_plain_info` (handed out by `ended_info`), then `classify_other`:
    /// `Core::receive`'s way since the lines round.
    Other,
    /// `Other` without `take_ended_ok`: `Core::receive`'s way for a line fed a byte at a time,
    /// after `take_ok` declined its line end (only there).
    OtherAfterTakeOk,
    /// `OtherAfterTakeOk` with a line that `take_plain_info` declined offered first to
    /// `take_echo` and `take_plain_info_not_echo` when it is as long as the line sent, else to
    /// `take_cme_error` when it starts with `+CME`, then `classify_other`: `Core::receive`'s
    /// way since the anchors round (`receive_echo`, `receive_plus`), a byte at a time and,
    /// after `take_ended_ok`, in chunks.
    CmeFirst,
    /// `CmeFirst` with the echo taken by `take_echo_from`, the line sent given as what it
    /// starts (a transmit buffer with more behind it): `Core::receive_echo`'s way since the
    /// anchors round 3.
    EchoFrom,
}

/// A line `end_line` or `scan_line` ended, classified the way `split` names.
fn classify<'f>(
    framer: &'f mut Framer<N>,
    line: EndedLine,
    state: &mut Detached,
    // (As long as the framer's borrow: the echo `take_echo` took is handed out as the line
    // sent, the same bytes.)
    sent: &'f [u8],
    name: &[u8],
    split: Split,
    byte_at_a_time: bool,
) -> Status<Event<'f>> {
    if split == Split::Plain {
        return framer.classify_plain(line, state, sent, || name);
    }
    let line = match split {
        Split::OtherAfterTakeOk => line,
        Split::CmeFirst | Split::EchoFrom if byte_at_a_time => line,
        _ => match framer.take_ended_ok(line, state, sent.len()) {
            Ok(used) => return Status::Complete(Event::Final(FinalResult::Ok), used),
            Err(line) => line,
        },
    };
    if split == Split::UnlessOk {
        return framer.classify_unless_ok(line, state, sent, || name);
    }
    let line = match framer.take_plain_info(line, state, sent.len(), || name) {
        Ok(info) => {
            let (info, used) = framer.ended_info(info);
            return Status::Complete(Event::Info(info), used);
        }
        Err(line) => line,
    };
    let line = match split {
        Split::CmeFirst | Split::EchoFrom if framer.may_be_echo(&line, sent.len()) => {
            let taken = if split == Split::EchoFrom {
                // More behind the line sent, as in the core's transmit buffer.
                let mut from = sent.to_vec();
                from.extend_from_slice(b"\rAT+CSQ\r");
                framer.take_echo_from(line, state, &from)
            } else {
                framer.take_echo(line, state, sent)
            };
            let line = match taken {
                Ok(used) => return Status::Complete(Event::Echo(sent), used),
                Err(line) => line,
            };
            match framer.take_plain_info_not_echo(line, state, || name) {
                Ok(info) => {
                    let (info, used) = framer.ended_info(info);
                    return Status::Complete(Event::Info(info), used);
                }
                Err(line) => line,
            }
        }
        Split::CmeFirst | Split::EchoFrom if framer.starts_with_cme() => {
            match framer.take_cme_error(line, state, sent.len()) {
                Ok((result, used)) => return Status::Complete(Event::Final(result), used),
                Err(line) => line,
            }
        }
        _ => line,
    };
    let (event, used) = framer.classify_other(line, state, sent, || name);
    Status::Complete(event, used)
}

/// What `Core::receive` gets from the framer for chunks: `scan_line` (the exchange's name
/// looked at, `Expect::plain_name`), a line that ends classified by
/// `classify_plain`, the rest through `feed_detached_apart`; a piece of one byte as
/// `events_byte_by_byte` takes it. As `events_and_state` gives them.
fn events_scan_line(
    stream: &[u8],
    (expect, name): (Expect<'_>, &[u8]),
    cuts: &[usize],
    split: Split,
) -> (Vec<(Owned, usize)>, [u64; 4], Detached) {
    let mut framer = Framer::<N>::new();
    let sent = expect.sent();
    let mut state = expect.plain_name().detach();
    let mut events = Vec::new();
    let mut rest = stream;
    let mut i = 0;
    while !rest.is_empty() {
        let take = cuts[i % cuts.len()].min(rest.len());
        let mut piece = &rest[..take];
        while !piece.is_empty() {
            let status = if let [b] = *piece {
                if framer.take_byte(b, &state) {
                    break;
                }
                if framer.take_ok(b, &mut state, sent.len()) {
                    Status::Complete(cat1_at_parse::Event::Final(FinalResult::Ok), 1)
                } else if let Some(line) = framer.end_line(b) {
                    classify(&mut framer, line, &mut state, sent, name, split, true)
                } else {
                    framer.feed_detached_apart(piece, &mut state, || sent, || name)
                }
            } else {
                match framer.scan_line(piece, &mut state, sent.len()) {
                    Scanned::Ok(used) => {
                        Status::Complete(cat1_at_parse::Event::Final(FinalResult::Ok), used)
                    }
                    Scanned::Line(line) => {
                        classify(&mut framer, line, &mut state, sent, name, split, false)
                    }
                    Scanned::Partial => Status::Partial,
                    Scanned::Rest(from) => {
                        assert!(from < piece.len());
                        let mut status = framer.feed_detached_apart(
                            &piece[from..],
                            &mut state,
                            || sent,
                            || name,
                        );
                        if let Status::Complete(_, used) = &mut status {
                            *used += from;
                        }
                        status
                    }
                }
            };
            let Status::Complete(ev, used) = status else {
                break;
            };
            assert!(used >= 1 && used <= piece.len());
            events.push((Owned::from(ev), used));
            piece = &piece[used..];
        }
        rest = &rest[take..];
        i += 1;
    }
    (events, totals(&framer), state)
}

/// What a driver fed chunks that keeps its exchange detached, its name looked at, gets through
/// `feed_detached_plain`; as `events_and_state` gives them.
fn events_plain(
    stream: &[u8],
    (expect, name): (Expect<'_>, &[u8]),
    cuts: &[usize],
) -> (Vec<(Owned, usize)>, [u64; 4], Detached) {
    let mut framer = Framer::<N>::new();
    let sent = expect.sent();
    let mut state = expect.plain_name().detach();
    let mut events = Vec::new();
    let mut rest = stream;
    let mut i = 0;
    while !rest.is_empty() {
        let take = cuts[i % cuts.len()].min(rest.len());
        let mut piece = &rest[..take];
        while let Status::Complete(ev, used) =
            framer.feed_detached_plain(piece, &mut state, || sent, || name)
        {
            events.push((Owned::from(ev), used));
            piece = &piece[used..];
        }
        rest = &rest[take..];
        i += 1;
    }
    (events, totals(&framer), state)
}

/// What a driver fed chunks that keeps its exchange detached gets when it tries
/// `take_ok_line` on each piece first (with `crlf`, `take_crlf_ok` before it, and with `lf`
/// `take_lf_ok` after that), then `feed_detached`; as `events_and_state` gives them.
fn events_ok_first(
    stream: &[u8],
    (expect, name): (Expect<'_>, &[u8]),
    cuts: &[usize],
    crlf: bool,
    lf: bool,
) -> (Vec<(Owned, usize)>, [u64; 4], Detached) {
    let mut framer = Framer::<N>::new();
    let sent = expect.sent();
    let mut state = expect.detach();
    let mut events = Vec::new();
    let mut rest = stream;
    let mut i = 0;
    while !rest.is_empty() {
        let take = cuts[i % cuts.len()].min(rest.len());
        let mut piece = &rest[..take];
        loop {
            if crlf && framer.take_crlf_ok(piece, &mut state, sent.len()) {
                events.push((Owned::Final(FinalResult::Ok), 6));
                piece = &piece[6..];
                continue;
            }
            if lf && framer.take_lf_ok(piece, &mut state, sent.len()) {
                events.push((Owned::Final(FinalResult::Ok), 5));
                piece = &piece[5..];
                continue;
            }
            if let Some(used) = framer.take_ok_line(piece, &mut state, sent.len()) {
                assert!(used >= 3 && used <= piece.len());
                events.push((Owned::Final(FinalResult::Ok), used));
                piece = &piece[used..];
                continue;
            }
            let Status::Complete(ev, used) =
                framer.feed_detached(piece, &mut state, || (sent, name))
            else {
                break;
            };
            events.push((Owned::from(ev), used));
            piece = &piece[used..];
        }
        rest = &rest[take..];
        i += 1;
    }
    (events, totals(&framer), state)
}

/// What a driver fed a byte at a time that keeps its exchange detached gets: `take_byte`, then
/// `take_ok` (the commonest line ended inline), then `feed_detached_apart` with the lines apart;
/// or, with `plain` (the exchange's name looked at, `Expect::plain_name`), a line that ends
/// classified by `end_line` and `classify_plain`, any other byte through `feed_detached_plain`;
/// as `events_and_state` gives them.
fn events_byte_by_byte(
    stream: &[u8],
    (expect, name): (Expect<'_>, &[u8]),
    plain: bool,
    split: Split,
) -> (Vec<(Owned, usize)>, [u64; 4], Detached) {
    let mut framer = Framer::<N>::new();
    let sent = expect.sent();
    let mut state = if plain {
        expect.plain_name().detach()
    } else {
        expect.detach()
    };
    let mut events = Vec::new();
    for &b in stream {
        if framer.take_byte(b, &state) {
            continue;
        }
        if framer.take_ok(b, &mut state, sent.len()) {
            events.push((Owned::Final(FinalResult::Ok), 1));
            continue;
        }
        let status = if !plain {
            framer.feed_detached_apart(&[b], &mut state, || sent, || name)
        } else if let Some(line) = framer.end_line(b) {
            classify(&mut framer, line, &mut state, sent, name, split, true)
        } else {
            framer.feed_detached_plain(&[b], &mut state, || sent, || name)
        };
        if let Status::Complete(ev, used) = status {
            assert_eq!(used, 1);
            events.push((Owned::from(ev), used));
        }
    }
    (events, totals(&framer), state)
}

/// The echo of a line of any length (1 to 30 bytes), and the same line with any one byte
/// changed, classified as `Core::receive` classifies it since the lines round
/// (`classify_other`, its echo compared a word at a time) is `feed`, a byte at a time and in
/// chunks: the echo only for the exact line.
#[test]
fn echo_of_any_length_is_feed() {
    let text = b"AT+CGDCONT=1,\"IP\",\"CMNET\",0,0";
    for len in 1..=text.len() {
        let command = Command {
            sent: text[..len].to_vec(),
            name: b"CGDCONT".to_vec(),
            echo_required: true,
            multi_line: None,
        };
        for changed in (0..len).map(Some).chain([None]) {
            let mut input = text[..len].to_vec();
            if let Some(i) = changed {
                input[i] ^= 0x20;
            }
            input.extend_from_slice(b"\r\n+CGDCONT: 1\r\n\r\nOK\r\n");
            let expect = (expect_of(Some(&command)), &command.name[..]);
            let feed = events_and_state(&input, expect, &[1], false);
            assert_eq!(
                events_byte_by_byte(&input, expect, true, Split::OtherAfterTakeOk),
                feed,
                "{len} {changed:?}"
            );
            for chunk in [2, 5, 16, usize::MAX] {
                assert_eq!(
                    events_scan_line(&input, expect, &[chunk], Split::Other),
                    events_and_state(&input, expect, &[chunk], false),
                    "{len} {changed:?} {chunk}"
                );
            }
        }
    }
}

/// `take_echo_from` takes the echo itself with more behind the line sent (as the core's
/// transmit buffer holds it), and declines a line as long that is not the echo, or the echo
/// when the buffer is shorter than the line: the differential test above cannot see a way that
/// declines the echo (`classify_other` hands it out all the same), this one can.
#[test]
fn take_echo_from_takes_the_echo_with_more_behind() {
    for (line, from, taken) in [
        (&b"AT+CSQ\r"[..], &b"AT+CSQ\rAT+E?\r"[..], true),
        (b"AT+CSQ\r", b"AT+CSQ", true),
        (b"AT+CSR\r", b"AT+CSQ\rAT", false),
        (b"AT+CSQ\r", b"AT+CS", false),
    ] {
        let mut framer = Framer::<N>::new();
        let mut state = Expect::command(b"AT+CSQ", b"CSQ").echo_required().detach();
        let (&end, bytes) = line.split_last().unwrap();
        for &b in bytes {
            assert!(framer.take_byte(b, &state));
        }
        let ended = framer.end_line(end).unwrap();
        assert!(framer.may_be_echo(&ended, 6));
        let before = state;
        match framer.take_echo_from(ended, &mut state, from) {
            Ok(used) => {
                assert!(taken, "{line:?} taken from {from:?}");
                assert_eq!(used, 1);
                assert!(state != before);
            }
            Err(_) => {
                assert!(!taken, "{line:?} declined from {from:?}");
                assert!(state == before);
            }
        }
    }
}
