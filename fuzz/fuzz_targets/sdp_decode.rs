//! `cat1_socket::sdp::Decoder<64>` fed arbitrary bytes in fuzzer-chosen chunks, on its fast path
//! (the default) and on its compact one (`Decoder<64, false>`, cat1-client's receiver).
//!
//! Input layout: byte 0: bit 0 direction (0 to the module, 1 to the host), bits 1-7 chunk size
//! minus one; the rest is the stream.
//!
//! Checks: no panic; progress (each `Complete` consumes at most what it was given, calls are
//! bounded); the same events whatever the chunking (compared with one call over all the bytes);
//! counters agree with the events; after `flush` to the end nothing is held; every decoded frame
//! re-encodes and decodes to itself; the compact path gives the fast path's events and counters
//! (in the fuzzer's chunks and a byte at a time), and so does, on frames from the module, the
//! compact path with the direction known at compile time (`Decoder::to_host`, the receiver's).
#![no_main]

use cat1_socket::SocketId;
use cat1_socket::Status;
use cat1_socket::sdp::{self, DecodeError, Decoder, Direction, Event, Payload, StatusCode};
use libfuzzer_sys::fuzz_target;

const N: usize = 64;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Owned {
    Data(SocketId, Vec<u8>),
    Status(SocketId, StatusCode),
    Error(DecodeError),
}

fn own(e: Event<'_>) -> Owned {
    match e {
        Event::Frame(f) => match f.payload {
            Payload::Data(d) => {
                assert!(!d.is_empty() && d.len() <= N - 5);
                Owned::Data(f.socket, d.to_vec())
            }
            Payload::Status(c) => Owned::Status(f.socket, c),
        },
        Event::Error(e) => Owned::Error(e),
    }
}

fn run<const FAST: bool>(
    direction: Direction,
    stream: &[u8],
    chunk: usize,
) -> (Vec<Owned>, sdp::Counters) {
    run_on(Decoder::<N, FAST>::new(direction), stream, chunk)
}

fn run_on<const FAST: bool, const TO_HOST: bool>(
    mut dec: Decoder<N, FAST, TO_HOST>,
    stream: &[u8],
    chunk: usize,
) -> (Vec<Owned>, sdp::Counters) {
    let mut out = Vec::new();
    let mut calls = 0usize;
    for piece in stream.chunks(chunk.max(1)) {
        let mut rest = piece;
        while let Status::Complete(e, used) = dec.feed(rest) {
            assert!(used <= rest.len());
            out.push(own(e));
            rest = &rest[used..];
            calls += 1;
            assert!(calls <= 4 * stream.len() + 16, "no progress");
        }
    }
    while let Some(e) = dec.flush() {
        out.push(own(e));
        calls += 1;
        assert!(calls <= 4 * stream.len() + 16, "flush does not end");
    }
    assert!(!dec.is_mid_frame());
    (out, dec.counters())
}

fuzz_target!(|input: &[u8]| {
    let Some((&control, stream)) = input.split_first() else {
        return;
    };
    let direction = if control & 1 == 0 {
        Direction::ToModule
    } else {
        Direction::ToHost
    };
    let chunk = usize::from(control >> 1) + 1;
    let (events, counters) = run::<true>(direction, stream, chunk);
    let (whole, whole_counters) = run::<true>(direction, stream, stream.len().max(1));
    assert_eq!(events, whole, "chunking changed the events");
    assert_eq!(counters, whole_counters);
    for compact_chunk in [chunk, 1] {
        let (compact, compact_counters) = run::<false>(direction, stream, compact_chunk);
        assert_eq!(compact, events, "the compact path's events differ");
        assert_eq!(compact_counters, counters, "the compact path's counters differ");
        if direction == Direction::ToHost {
            let fixed = run_on(Decoder::<N, false, true>::to_host(), stream, compact_chunk);
            assert_eq!(fixed, (events.clone(), counters), "the receiver's decoder differs");
            // `Receiver<N, true>`'s decoder: the fast path with the direction fixed (review 41).
            let fast = run_on(Decoder::<N, true, true>::to_host(), stream, compact_chunk);
            assert_eq!(fast, (events.clone(), counters), "the fast receiver's decoder differs");
        }
    }

    let frames = events
        .iter()
        .filter(|e| matches!(e, Owned::Data(..) | Owned::Status(..)))
        .count();
    assert_eq!(counters.frames as usize, frames);
    let checksum_errors = events
        .iter()
        .filter(|e| matches!(e, Owned::Error(DecodeError::Checksum { .. })))
        .count();
    assert_eq!(counters.checksum_errors as usize, checksum_errors);

    // Re-encode every frame and decode again: the same frames, nothing else.
    let mut wire = Vec::new();
    let mut expected = Vec::new();
    for e in &events {
        let mut buf = [0u8; N + 8];
        let n = match e {
            Owned::Data(s, d) => sdp::encode_data(direction, *s, d, &mut buf),
            Owned::Status(s, c) if direction == Direction::ToHost => {
                sdp::encode_status(*s, *c, &mut buf)
            }
            _ => continue,
        };
        let n = n.expect("a decoded frame fits");
        wire.extend_from_slice(&buf[..n]);
        expected.push(e.clone());
    }
    let (again, _) = run::<true>(direction, &wire, 7);
    // A status code 03 comes back as 04: both are ChecksumError.
    assert_eq!(again, expected);
    let (again, _) = run::<false>(direction, &wire, 7);
    assert_eq!(again, expected);
});
