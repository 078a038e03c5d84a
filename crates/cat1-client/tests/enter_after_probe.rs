//! The blocking `enter_command_mode` after its probe, whatever the probe's exchange ended in: it
//! no longer sees an abandoned exchange through after its own probe (the twenty-seventh flash
//! round: the probe's exchange ended, or the call returned, before the handshake, and its line
//! went out whole, so there is nothing to see through). Against `probe` followed by
//! `enter_command_mode_without_probe`, which does (the reference): the same results, lines
//! written, listener and counters.

mod mock;

use cat1_client::{EnterError, Timing, blocking};
use cat1_hal_traits::time::Duration;
use mock::{MockUart, Recorder, VirtualClock, step};
use proptest::prelude::*;

/// What the probe's answer may hold: results, an information line, network data with and
/// without a line end, a line longer than the receive buffer, line ends.
const PIECES: [&[u8]; 10] = [
    b"\r\nOK\r\n",
    b"\r\nERROR\r\n",
    b"\r\n+CME ERROR: 3\r\n",
    b"\r\n+CSQ: 20,99\r\n",
    b"net data\r\n",
    b"partial",
    b"\r\n",
    b"a",
    b"+ok",
    b"\r\nRING\r\n",
];

/// `enter_command_mode` (`reference`: `probe`, then `enter_command_mode_without_probe` when
/// nothing answered it) on a module that answers the probe with `answer` (after `delay` ms), then
/// takes the handshake: the result, what is left of the script, whether an exchange is in flight,
/// and what the listener and the counters got.
fn enter(reference: bool, answer: &[u8], delay: u64, chunk: usize) -> String {
    let clock = VirtualClock::default();
    let script = vec![
        step(b"AT\r", &[(delay, answer)]),
        step(b"+++", &[(5, b"a")]),
        step(b"a", &[(5, b"+ok")]),
        step(b"AT\r", &[(5, b"\r\nOK\r\n")]),
    ];
    let uart = MockUart::new(&clock, chunk, script);
    let mut timing = Timing::DEFAULT;
    timing.probe = Duration::from_millis(50);
    timing.guard = Duration::from_millis(20);
    timing.settle = Duration::from_millis(20);
    timing.handshake = Duration::from_millis(100);
    let mut m = blocking::Modem::new(uart, clock.clone(), Recorder::default()).with_timing(timing);
    let r = if reference {
        match m.probe() {
            Ok(true) => Ok(()),
            Ok(false) => m.enter_command_mode_without_probe(),
            Err(e) => Err(EnterError::from(e)),
        }
    } else {
        m.enter_command_mode()
    };
    let busy = m.core().is_busy();
    let counters = m.counters();
    let (uart, _, listener) = m.release();
    format!(
        "{r:?} {busy} {:?} {counters:?} {listener:?}",
        uart.script.len()
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]
    /// `enter_command_mode` (no `finish_abandoned` after its probe) against `probe` and
    /// `enter_command_mode_without_probe` (which sees any exchange through first): the same
    /// after any answer to the probe, or none.
    #[test]
    fn entering_after_any_probe_is_probe_then_the_handshake(
        pieces in proptest::collection::vec(0usize..PIECES.len(), 0..5),
        long in 0usize..3,
        delay in 1u64..80,
        chunk in 1usize..20,
    ) {
        let mut answer: Vec<u8> = pieces.iter().flat_map(|&i| PIECES[i].iter().copied()).collect();
        if long == 0 {
            answer.extend(std::iter::repeat_n(b'x', 700));
        }
        proptest::prop_assert_eq!(enter(false, &answer, delay, chunk), enter(true, &answer, delay, chunk));
    }
}

/// The cases the proptest is for: a probe answered `OK` (command mode, no handshake), one not
/// answered (the handshake follows), and one answered with something else.
#[test]
fn entering_after_a_probe_is_probe_then_the_handshake() {
    for answer in [&b"\r\nOK\r\n"[..], b"", b"\r\nERROR\r\n", b"net data"] {
        let blocking = enter(false, answer, 5, 4);
        assert_eq!(blocking, enter(true, answer, 5, 4), "{answer:?}");
        assert!(blocking.starts_with("Ok(())"), "{blocking}");
    }
}
