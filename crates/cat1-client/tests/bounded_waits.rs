//! The bounded waits for quiet (`drain_cap`: their time and a command's timeout): quiet reached at
//! the cap itself counts in both adapters (review 34: the async one refused a quiet line with a
//! command timeout of 0, for ever); a guard time that gives up still lets the handshake go on; the
//! probe after a settle that gave up; no needless wait after an unanswered probe.

mod mock;

use cat1_client::{CommandError, Echo, Timing, asynch, blocking};
use cat1_hal_traits::time::Duration;
use mock::{MockUart, Recorder, VirtualClock, block_on, step};

/// A command times out (echo off: unsynchronised), then the next one on a line that is quiet
/// (except for `inject`, absolute ms): what the second command gives, and when its settle began.
fn timeout_then_command(
    asynchronous: bool,
    timing: Timing,
    inject: &[u64],
) -> (Result<(), CommandError<core::convert::Infallible>>, u64) {
    let clock = VirtualClock::default();
    let script = vec![
        step(b"AT\r", &[(5, b"\r\nOK\r\n")]),
        step(b"AT+CSQ\r", &[]),
        step(b"AT+CSQ\r", &[(5, b"\r\n+CSQ: 20,99\r\n\r\nOK\r\n")]),
    ];
    let mut uart = MockUart::new(&clock, 64, script);
    for &at in inject {
        uart.inject(at, b"net\r\n");
    }
    let csq = cat1_at_parse::CommandLine::execute(b"CSQ");
    let t = Duration::from_millis(100);
    if asynchronous {
        let mut m =
            asynch::Modem::new(uart, clock.clone(), Recorder::default()).with_timing(timing);
        block_on(m.enter_command_mode()).expect("enter");
        m.core().set_echo(Echo::Off);
        assert_eq!(
            block_on(m.command_within(&csq, t, &mut |_| {})),
            Err(CommandError::Timeout)
        );
        let s = clock.millis();
        (block_on(m.command_within(&csq, t, &mut |_| {})), s)
    } else {
        let mut m =
            blocking::Modem::new(uart, clock.clone(), Recorder::default()).with_timing(timing);
        m.enter_command_mode().expect("enter");
        m.core().set_echo(Echo::Off);
        assert_eq!(
            m.command_within(&csq, t, &mut |_| {}),
            Err(CommandError::Timeout)
        );
        let s = clock.millis();
        (m.command_within(&csq, t, &mut |_| {}), s)
    }
}

/// `Timing::command` zero (the caller times each command with `command_within`): the line is
/// quiet after the timeout, so both adapters settle and send (the async `drain` capped its only
/// wait at `now + settle == cap` and answered not quiet: every command after a timeout refused).
#[test]
fn async_settles_on_a_quiet_line_with_command_timeout_zero() {
    let timing = Timing {
        command: Duration::from_millis(0),
        ..Timing::DEFAULT
    };
    let (b, _) = timeout_then_command(false, timing, &[]);
    assert_eq!(b, Ok(()), "blocking");
    let (a, _) = timeout_then_command(true, timing, &[]);
    assert_eq!(a, Ok(()), "async: refused on a quiet line");
    // And again: never recovers.
}

/// Default timing: a line arrives exactly `command` (5 s) into the settle, then quiet for the
/// full settle time (200 ms) up to the cap: quiet, settled, the command goes out, in both.
#[test]
fn async_quiet_ending_exactly_at_the_cap_counts_as_quiet() {
    let timing = Timing::DEFAULT;
    // Where the settle begins (no injection: deterministic in the mock's virtual time).
    let (_, s) = timeout_then_command(true, timing, &[]);
    let injections: Vec<u64> = (1..=50).map(|i| s + 100 * i).collect(); // last at s + 5000
    let (b, sb) = timeout_then_command(false, timing, &injections);
    assert_eq!(sb, s, "both adapters begin the settle at the same ms");
    assert_eq!(b, Ok(()), "blocking");
    let (a, _) = timeout_then_command(true, timing, &injections);
    assert_eq!(a, Ok(()), "async: quiet for the settle time, yet refused");
    // One ms earlier: the async adapter settles.
    let earlier: Vec<u64> = (1..=50).map(|i| s + 100 * i - 1).collect();
    assert_eq!(timeout_then_command(true, timing, &earlier).0, Ok(()));
}

/// NET mode, the network sending without line ends every 100 ms for 30 s: the guard time is
/// never quiet, gives up at its cap (guard 1 s + command 5 s), and the `+++` goes out anyway: the
/// module needs the host's silence, which it had, so the handshake succeeds (unbounded, it waited
/// for the network to pause).
#[test]
fn handshake_on_a_chattering_net_line() {
    use cat1_client::EnterError;
    for asynchronous in [false, true] {
        let clock = VirtualClock::default();
        let script = vec![
            step(b"+++", &[(5, b"a")]),
            step(b"a", &[(5, b"+ok")]),
            step(b"AT\r", &[(5, b"\r\nOK\r\n")]),
        ];
        let mut uart = MockUart::new(&clock, 64, script);
        for i in 1..300 {
            uart.inject(100 * i, b"net data");
        }
        let r: Result<(), EnterError<core::convert::Infallible>> = if asynchronous {
            let mut m = asynch::Modem::new(uart, clock.clone(), Recorder::default());
            block_on(m.enter_command_mode_without_probe())
        } else {
            let mut m = blocking::Modem::new(uart, clock.clone(), Recorder::default());
            m.enter_command_mode_without_probe()
        };
        assert_eq!(r, Ok(()));
        assert_eq!(clock.millis(), 6_015, "async {asynchronous}");
    }
}

/// A command times out (echo off), the line then never quiet: `probe()` answers `Ok(false)`
/// ("not in command mode") without having sent its `AT`, and counts no unanswered probe.
#[test]
fn probe_after_a_capped_settle() {
    let clock = VirtualClock::default();
    let script = vec![step(b"AT\r", &[(5, b"\r\nOK\r\n")]), step(b"AT+CSQ\r", &[])];
    let mut uart = MockUart::new(&clock, 64, script);
    for i in 1..300 {
        uart.inject(100 * i, b"+URC\r\n");
    }
    let mut m = blocking::Modem::new(uart, clock.clone(), Recorder::default());
    m.enter_command_mode().expect("enter");
    m.core().set_echo(Echo::Off);
    let csq = cat1_at_parse::CommandLine::execute(b"CSQ");
    assert_eq!(
        m.command_within(&csq, Duration::from_millis(100), &mut |_| {}),
        Err(CommandError::Timeout)
    );
    let before = m.counters();
    let p = m.probe();
    let after = m.counters();
    let (uart, _, _) = m.release();
    // As `probe`'s doc says: the caller cannot tell "not sent" from
    // "no OK".
    assert_eq!(p, Ok(false));
    assert_eq!(uart.written, b"", "the AT was never sent");
    assert_eq!(before.probes_unanswered, after.probes_unanswered);
}

/// NET mode, quiet line: the probe times out (300 ms), then guard (1 s), then the handshake:
/// no needless wait for an abandoned exchange in `enter` after the probe.
#[test]
fn enter_after_an_unanswered_probe_waits_no_command_timeout() {
    for asynchronous in [false, true] {
        let clock = VirtualClock::default();
        let script = vec![
            step(b"AT\r", &[]),
            step(b"+++", &[(5, b"a")]),
            step(b"a", &[(5, b"+ok")]),
            step(b"AT\r", &[(5, b"\r\nOK\r\n")]),
        ];
        let uart = MockUart::new(&clock, 64, script);
        let r = if asynchronous {
            let mut m = asynch::Modem::new(uart, clock.clone(), Recorder::default());
            block_on(m.enter_command_mode())
        } else {
            let mut m = blocking::Modem::new(uart, clock.clone(), Recorder::default());
            m.enter_command_mode()
        };
        assert_eq!(r, Ok(()));
        assert!(
            clock.millis() < 1_400,
            "async {asynchronous}: {} ms",
            clock.millis()
        );
    }
}
