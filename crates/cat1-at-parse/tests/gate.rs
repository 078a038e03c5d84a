//! `Framer::take_tracked` (the framer's own view of whether a handshake reply is awaited) against
//! `Framer::take_byte` (the state passed in), for a driver fed a byte at a time that keeps its
//! exchange detached and keeps `take_tracked`'s contract: `track` when it starts a handshake,
//! every declined byte handed to the framer's detached ways.

use cat1_at_parse::{Detached, Expect, FinalResult, Framer, Status};
use proptest::prelude::*;

const N: usize = 24;
const SENT: &[u8] = b"AT+CSQ";
const NAME: &[u8] = b"CSQ";

const TOKENS: [&[u8]; 12] = [
    b"AT+CSQ\r\n",
    b"+CSQ: 1,2\r\n",
    b"OK\r\n",
    b"ERROR\r\n",
    b"a",
    b"+ok",
    b"+OK",
    b"\r",
    b"\n",
    b"a much longer line than the buffer\r\n",
    b"\x0e\x0f\xffab",
    b"URC\r",
];

/// The exchange a step starts: a command, nothing, a handshake reply awaited (`a`, `+ok`), or
/// none started (the one in flight goes on).
fn exchange(kind: usize) -> Option<Detached> {
    match kind {
        0 => Some(Expect::command(SENT, NAME).detach()),
        1 => Some(Expect::command(SENT, NAME).echo_required().detach()),
        2 => Some(Detached::NOTHING),
        3 => Some(Expect::handshake_a().detach()),
        4 => Some(Expect::handshake_ok().detach()),
        _ => None,
    }
}

/// Every event, the counters and the state after each step of `steps` (an exchange started,
/// then tokens fed a byte at a time): `take_tracked` first (`tracked`) or `take_byte`, then
/// `take_ok`, then `feed_detached_apart`.
fn run(steps: &[(usize, Vec<usize>)], tracked: bool) -> Vec<String> {
    let mut framer = Framer::<N>::new();
    let mut state = Detached::NOTHING;
    let mut out = Vec::new();
    for (kind, tokens) in steps {
        if let Some(new) = exchange(*kind) {
            state = new;
            // The contract: told when a handshake reply begins to be awaited, not otherwise.
            if tracked && state.handshake_pending() {
                framer.track(&state);
            }
        }
        for &b in tokens.iter().flat_map(|&i| TOKENS[i % TOKENS.len()]) {
            let awaited = state.handshake_pending();
            let taken = if tracked {
                framer.take_tracked(b)
            } else {
                framer.take_byte(b, &state)
            };
            if !taken {
                if framer.take_ok(b, &mut state, SENT.len()) {
                    out.push(format!("{:?}", FinalResult::Ok));
                } else if let Status::Complete(ev, used) =
                    framer.feed_detached_apart(&[b], &mut state, || SENT, || NAME)
                {
                    assert_eq!(used, 1);
                    out.push(format!("{ev:?}"));
                }
            }
            if tracked {
                assert!(
                    !(framer.gate_open() && state.handshake_pending()),
                    "the gate open while a handshake reply is awaited"
                );
                // A byte declined went the general way, which told the framer the state.
                assert!(
                    awaited || b == b'\r' || b == b'\n' || framer.gate_open(),
                    "the gate shut after {b:?} while no handshake reply was awaited"
                );
            }
        }
        out.push(format!("{:?} {:?}", framer.counters(), state));
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    /// The same events, counters and state after every step, for any sequence of exchanges
    /// (commands, nothing, both handshake replies awaited, replacing one another at any
    /// point, the framer told only of a handshake's start) and bytes (line ends, replies,
    /// control bytes, over-long lines); `take_tracked`'s gate never open while a reply is
    /// awaited, and open again after the first byte it declines otherwise.
    #[test]
    fn take_tracked_is_take_byte_when_told_of_handshakes(
        steps in proptest::collection::vec(
            (0usize..7, proptest::collection::vec(0usize..12, 0..6)), 0..12),
    ) {
        prop_assert_eq!(run(&steps, true), run(&steps, false));
    }
}

/// A new framer's gate is shut (zeroed, for a `static` in `.bss`): it stores nothing until told.
#[test]
fn a_new_framer_stores_nothing_until_told() {
    let mut framer = Framer::<N>::new();
    assert!(!framer.gate_open());
    assert!(!framer.take_tracked(b'A'));
    // A line end at the start of a line is still skipped.
    assert!(framer.take_tracked(b'\r'));
    framer.track(&Detached::NOTHING);
    assert!(framer.gate_open());
    assert!(framer.take_tracked(b'A'));
    framer.track(&Expect::handshake_a().detach());
    assert!(!framer.gate_open());
    assert!(!framer.take_tracked(b'a'));
}
