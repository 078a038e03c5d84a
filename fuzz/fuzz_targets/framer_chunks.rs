//! `Framer<64>` fed in fuzzer-chosen chunks, against the same bytes fed all at once and byte by
//! byte.
//!
//! Input layout (so that `make_seeds.py` can write seeds; every field is cut short when the input
//! runs out):
//!
//! ```text
//! kind      1 byte   low 7 bits mod 5: 0 nothing, 1 command, 2 command + echo_required,
//!                            3 handshake_a, 4 handshake_ok; bit 7 set: `multi_line(true)`
//!                            (continuation lines for any name, not only `MULTI_LINE_ANSWERS`)
//! (kinds 1 and 2 only)
//! sent_len  1 byte   then `sent_len` bytes: the line sent (CR allowed, it is trimmed)
//! name_len  1 byte   then `name_len` bytes: the command name; 255 means "read it from the
//!                    line" (`Expect::for_line`)
//! chunks    1 byte   then `chunks` bytes: chunk sizes, each byte b meaning b+1 bytes, used in turn
//!                    (no chunk sizes: 7 bytes at a time)
//! stream    the rest: the bytes the modem sends
//! ```
//!
//! Every stream is also fed the way a driver that keeps its exchange detached feeds it
//! (`Framer::feed_detached`, single bytes through `Framer::take_byte` first), in the fuzzer's
//! chunking and byte by byte: the same results are required.
//!
//! Checks: no panic; progress (every `Complete` consumes at least one byte and at most what it was
//! given, and the number of `feed` calls is bounded); the same event sequence, final `Expect`
//! state, counters and pending bytes whatever the chunking; counters monotone and consistent with
//! the events; every event well formed (lines hold no line end and fit the buffer, overflows are
//! longer than it, an echo is the line sent, an information line has the expected name).
#![no_main]

use cat1_at_parse::{Counters, Event, Expect, FinalResult, Framer, InfoLine, Status};
use libfuzzer_sys::fuzz_target;

const N: usize = 64;

/// An event copied out of the framer's buffer, to compare runs.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Owned {
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

#[derive(Debug, PartialEq, Eq)]
struct Run {
    events: Vec<Owned>,
    done: bool,
    echo_seen: bool,
    counters: Counters,
    pending: Vec<u8>,
}

fn no_line_end(line: &[u8]) -> bool {
    !line.iter().any(|&b| b == b'\r' || b == b'\n')
}

fn trimmed(sent: &[u8]) -> &[u8] {
    let mut end = sent.len();
    while end > 0 && matches!(sent[end - 1], b'\r' | b'\n') {
        end -= 1;
    }
    &sent[..end]
}

fn own(event: Event<'_>, sent: &[u8], name: Option<&[u8]>) -> Owned {
    let line_ok = |l: &[u8]| !l.is_empty() && l.len() <= N && no_line_end(l);
    match event {
        Event::Echo(l) => {
            assert!(line_ok(l));
            assert_eq!(l, trimmed(sent), "echo is not the line sent");
            Owned::Echo(l.to_vec())
        }
        Event::Info(info) => {
            check_info(&info, name);
            Owned::Info {
                name: info.name().to_vec(),
                params: info.raw_params().to_vec(),
                continuation: info.is_continuation(),
            }
        }
        Event::Final(r) => Owned::Final(r),
        Event::HandshakeA => Owned::HandshakeA,
        Event::HandshakeOk => Owned::HandshakeOk,
        Event::Unsolicited(l) => {
            assert!(line_ok(l), "unsolicited line {l:?}");
            Owned::Unsolicited(l.to_vec())
        }
        Event::Overflow { dropped } => {
            assert!(
                dropped > N,
                "overflow of {dropped} bytes in a {N}-byte buffer"
            );
            Owned::Overflow(dropped)
        }
    }
}

fn check_info(info: &InfoLine<'_>, name: Option<&[u8]>) {
    assert!(no_line_end(info.raw_params()));
    if info.is_continuation() {
        assert!(info.name().is_empty());
        assert!(!info.raw_params().starts_with(b"+"));
        assert!(!info.raw_params().is_empty());
    } else {
        let expected = name.expect("information line with no command in flight");
        assert!(info.name().eq_ignore_ascii_case(expected));
        assert!(!info.raw_params().starts_with(b" "));
    }
    let _ = info.params().count();
}

/// Feeds `stream` in chunks of the given sizes (cycled), draining each chunk until `Partial`;
/// `detached`: through `feed_detached` and `take_byte` with the exchange kept detached.
fn run(
    stream: &[u8],
    sizes: &[usize],
    expect0: Expect<'_>,
    sent: &[u8],
    name: Option<&[u8]>,
    detached: bool,
) -> Run {
    let mut framer = Framer::<N>::new();
    let mut expect = expect0;
    let mut state = expect0.detach();
    let lines_sent = expect0.sent();
    let lines_name = name.unwrap_or(b"");
    let mut events = Vec::new();
    let mut prev = framer.counters();
    let mut reported_overflows = 0u32;
    let mut reported_dropped = 0u64;
    let mut line_events = 0u32;
    let mut unsolicited = 0u32;
    let mut pos = 0usize;
    let mut calls = 0usize;
    let mut chunks = 0usize;
    // Each chunk ends with one `Partial`, and each `Complete` consumes at least one byte.
    let bound = stream.len() + stream.len() + 1;
    while pos < stream.len() {
        let size = sizes[chunks % sizes.len()].max(1);
        chunks += 1;
        let end = stream.len().min(pos + size);
        let mut chunk = &stream[pos..end];
        pos = end;
        loop {
            calls += 1;
            assert!(
                calls <= bound,
                "more than {bound} feed calls for {} bytes",
                stream.len()
            );
            let given = chunk.len();
            let status = if !detached {
                framer.feed(chunk, &mut expect)
            } else if matches!(*chunk, [b] if framer.take_byte(b, &state)) {
                Status::Partial
            } else {
                framer.feed_detached(chunk, &mut state, || (lines_sent, lines_name))
            };
            match status {
                Status::Partial => break,
                Status::Complete(event, n) => {
                    assert!(n >= 1, "Complete consumed nothing");
                    assert!(n <= given, "consumed {n} of {given} bytes");
                    let ev = own(event, sent, name);
                    match ev {
                        Owned::Overflow(d) => {
                            reported_overflows += 1;
                            reported_dropped += d as u64;
                        }
                        Owned::Unsolicited(_) => {
                            unsolicited += 1;
                            line_events += 1;
                        }
                        Owned::Echo(_) | Owned::Info { .. } | Owned::Final(_) => line_events += 1,
                        Owned::HandshakeA | Owned::HandshakeOk => {}
                    }
                    if matches!(ev, Owned::Final(_) | Owned::HandshakeA | Owned::HandshakeOk) {
                        assert!(if detached {
                            state.is_done()
                        } else {
                            expect.is_done()
                        });
                    }
                    events.push(ev);
                    chunk = &chunk[n..];
                    let c = framer.counters();
                    assert!(c.overflows >= prev.overflows && c.bytes_dropped >= prev.bytes_dropped);
                    assert!(c.lines >= prev.lines && c.unsolicited >= prev.unsolicited);
                    assert_eq!(c.lines, line_events);
                    assert_eq!(c.unsolicited, unsolicited);
                    // Overflows are counted when they start and reported when the line ends:
                    // at most one is in progress.
                    assert!(c.overflows >= reported_overflows);
                    assert!(c.overflows - reported_overflows <= 1);
                    assert!(c.bytes_dropped >= reported_dropped);
                    prev = c;
                }
            }
        }
    }
    let counters = framer.counters();
    assert!(counters.bytes_dropped <= stream.len() as u64);
    assert!(framer.pending().len() <= N);
    if detached {
        expect = Expect::attach(lines_sent, lines_name, state);
    }
    Run {
        events,
        done: expect.is_done(),
        echo_seen: expect.echo_seen(),
        counters,
        pending: framer.pending().to_vec(),
    }
}

/// Takes up to `n` bytes from the front of `data`.
fn take<'a>(data: &mut &'a [u8], n: usize) -> &'a [u8] {
    let n = n.min(data.len());
    let (head, tail) = data.split_at(n);
    *data = tail;
    head
}

fn byte(data: &mut &[u8]) -> u8 {
    take(data, 1).first().copied().unwrap_or(0)
}

fuzz_target!(|input: &[u8]| {
    let mut data = input;
    let kind_byte = byte(&mut data);
    let kind = (kind_byte & 0x7f) % 5;
    let multi_line = kind_byte & 0x80 != 0;
    let mut sent: &[u8] = b"";
    let mut name: Option<&[u8]> = None;
    let expect = match kind {
        0 => Expect::nothing(),
        3 => Expect::handshake_a(),
        4 => Expect::handshake_ok(),
        _ => {
            let n = byte(&mut data) as usize;
            sent = take(&mut data, n);
            let n = byte(&mut data);
            let e = if n == 255 {
                let e = Expect::for_line(sent);
                // The name `for_line` reads: after the first `AT+` in any case.
                let found = sent
                    .windows(3)
                    .position(|w| w.eq_ignore_ascii_case(b"AT+"))
                    .map(|i| {
                        let rest = &sent[i + 3..];
                        let len = rest
                            .iter()
                            .take_while(|b| b.is_ascii_alphanumeric())
                            .count();
                        &rest[..len]
                    })
                    .unwrap_or(b"");
                name = Some(found);
                e
            } else {
                let nm = take(&mut data, n as usize);
                name = Some(nm);
                Expect::command(sent, nm)
            };
            let e = if multi_line { e.multi_line(true) } else { e };
            if kind == 2 { e.echo_required() } else { e }
        }
    };
    let n = byte(&mut data) as usize;
    let mut sizes: Vec<usize> = take(&mut data, n).iter().map(|&b| b as usize + 1).collect();
    if sizes.is_empty() {
        sizes.push(7);
    }
    let stream = data;

    let chunked = run(stream, &sizes, expect, sent, name, false);
    let whole = run(stream, &[stream.len().max(1)], expect, sent, name, false);
    let bytewise = run(stream, &[1], expect, sent, name, false);
    assert_eq!(chunked, whole, "chunked {sizes:?} versus all at once");
    assert_eq!(bytewise, whole, "byte by byte versus all at once");
    let detached_chunked = run(stream, &sizes, expect, sent, name, true);
    let detached_bytewise = run(stream, &[1], expect, sent, name, true);
    assert_eq!(detached_chunked, whole, "detached, chunked {sizes:?}");
    assert_eq!(detached_bytewise, whole, "detached, byte by byte");

    // The events account for every overflow that ended, and an overflow still in progress is the
    // only difference.
    let ended: usize = whole
        .events
        .iter()
        .filter(|e| matches!(e, Owned::Overflow(_)))
        .count();
    assert!(whole.counters.overflows as usize - ended <= 1);
    if whole.counters.overflows as usize == ended {
        let dropped: u64 = whole
            .events
            .iter()
            .map(|e| {
                if let Owned::Overflow(d) = e {
                    *d as u64
                } else {
                    0
                }
            })
            .sum();
        assert_eq!(dropped, whole.counters.bytes_dropped);
    }
});
