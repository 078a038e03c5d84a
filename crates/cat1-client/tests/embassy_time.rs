//! The `embassy-time` feature: `asynch::EmbassyTimer` drives the async adapter on embassy-time
//! (issue 6: "embassy-time support behind a feature"). Runs with
//! `cargo test -p cat1-client --features embassy-time --test embassy_time`; the time driver is
//! the test's own: a clock that moves 1 ms each time it is read.

mod mock;

use std::sync::atomic::{AtomicU64, Ordering};
use std::task::Waker;

use cat1_at_parse::CommandLine;
use cat1_client::asynch::{EmbassyTimer, Modem, Timer};
use cat1_client::{CommandError, Echo};
use cat1_hal_traits::time::Duration;
use mock::{MockUart, VirtualClock, block_on, step};

/// Ticks (1 MHz, embassy-time's default rate) since the test's boot.
static TICKS: AtomicU64 = AtomicU64::new(0);

/// Held by each test for its whole run: the tests share the one clock, which moves whenever any
/// of them reads it, so one running beside another would see the other's time pass (review 37:
/// a 5 s timeout measured as 6.7 s).
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

struct SteppingDriver;

impl embassy_time_driver::Driver for SteppingDriver {
    fn now(&self) -> u64 {
        TICKS.fetch_add(1_000, Ordering::Relaxed)
    }
    fn schedule_wake(&self, _at: u64, waker: &Waker) {
        // `block_on` polls again anyway; the clock moves as it is read
        waker.wake_by_ref();
    }
}

embassy_time_driver::time_driver_impl!(static DRIVER: SteppingDriver = SteppingDriver);

#[test]
fn embassy_timer_reads_embassy_time_in_milliseconds_and_waits_until_the_deadline() {
    let _clock = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let timer = EmbassyTimer;
    let before = embassy_time::Instant::now().as_millis();
    let now = timer.now();
    assert!(now.total_millis() > before, "{now:?} after {before}");
    let deadline = timer.now() + Duration::from_millis(50);
    let mut t = EmbassyTimer;
    block_on(t.wait_until(deadline));
    assert!(embassy_time::Instant::now().as_millis() >= deadline.total_millis());
}

/// The async adapter on `EmbassyTimer`: an answer, and a command's timeout measured on it.
#[test]
fn the_async_modem_runs_on_embassy_time() {
    let _clock = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let clock = VirtualClock::default();
    // The mock's replies are due at once (delay 0): its own virtual clock never moves here.
    let uart = MockUart::new(
        &clock,
        64,
        vec![
            step(b"AT+CSQ\r", &[(0, b"\r\n+CSQ:27,99\r\n\r\nOK\r\n")]),
            step(b"AT+CSQ\r", &[]),
        ],
    );
    let mut m = Modem::new(uart, EmbassyTimer, ());
    m.core().set_echo(Echo::Off);
    let mut got = Vec::new();
    block_on(m.command(&CommandLine::execute(b"CSQ"), |info| {
        got.push(info.raw_params().to_vec())
    }))
    .unwrap();
    assert_eq!(got, [b"27,99".to_vec()]);
    let start = embassy_time::Instant::now().as_millis();
    assert_eq!(
        block_on(m.command(&CommandLine::execute(b"CSQ"), |_| {})),
        Err(CommandError::Timeout)
    );
    let waited = embassy_time::Instant::now().as_millis() - start;
    assert!((5_000..6_000).contains(&waited), "{waited}");
    assert_eq!(m.counters().timeouts, 1);
}

/// "Wait for data, however long": `read_data` with `Duration::MAX` (its deadline saturates to
/// `Instant::MAX`). `EmbassyTimer::wait_until` converts the deadline with
/// `embassy_time::Instant::from_millis`, which multiplies by the tick rate: it overflowed
/// (a panic with overflow checks, a deadline in the past without) until the deadline was
/// clamped to embassy's last instant.
#[test]
fn read_data_without_a_bound_waits_on_embassy_time() {
    let _clock = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    // `Duration::MAX`, and 2^61 ms (73 million years), which without overflow checks wraps to
    // a deadline of tick 0: the read ended at once.
    for timeout in [Duration::MAX, Duration::from_millis(1 << 61)] {
        let clock = VirtualClock::default();
        let uart = MockUart::new(&clock, 64, vec![]);
        let mut m = Modem::new(uart, EmbassyTimer, ());
        let mut buf = [0u8; 8];
        // Nothing arrives: the read must still be waiting after many polls, not panic, not end.
        let mut future = std::pin::pin!(m.read_data(&mut buf, timeout));
        let mut cx = std::task::Context::from_waker(Waker::noop());
        for _ in 0..1_000 {
            assert!(
                future.as_mut().poll(&mut cx).is_pending(),
                "{timeout:?}: ended"
            );
        }
    }
}
