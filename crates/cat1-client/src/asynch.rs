//! The async adapter: `embedded-io-async` and a [`Timer`]; any executor.
//!
//! A read races the deadline with a small `select` built on `poll_fn`: whichever finishes first
//! wins and the other future is dropped. The UART's `read` must therefore be cancel-safe (bytes
//! already received stay in its buffer), as embassy's buffered UARTs are.
//!
//! A command's future may be dropped before its answer (a `select` with a timer, a cancelled
//! task): its exchange stays in flight, and the next command sees it through to its answer or its
//! deadline (its own: a long `command_within` timeout is waited out) before writing its own line
//! (counted in `aborted`), so that answer is never taken for the next command's. `read_data` does
//! not: after a dropped `leave_command_mode` the module's `OK` comes out as data (left alone:
//! whether the module is in command mode then is unknown anyway).

use core::future::{Future, poll_fn};
use core::pin::pin;
use core::task::Poll;

use cat1_at_parse::MAX_LINE;
use cat1_hal_traits::time::{Duration, Instant};
use embedded_io_async::{Read, Write};

use crate::procedures::{Carry, Finished, dispatch, find_line, maybe_await, procedures};
use crate::{ClientCounters, Core, Listener, Timing};

/// Time for the async adapter: the current instant, and a future that completes at a deadline.
/// Implemented by board code over its timer (embassy-time: `Timer::at`), and by tests.
pub trait Timer {
    /// The current instant.
    fn now(&self) -> Instant;
    /// Completes once `deadline` has passed.
    fn wait_until(&mut self, deadline: Instant) -> impl Future<Output = ()>;
}

/// The async adapter's [`Timer`] on embassy-time: instants are embassy's, in milliseconds.
#[cfg(feature = "embassy-time")]
#[derive(Debug, Clone, Copy, Default)]
pub struct EmbassyTimer;

#[cfg(feature = "embassy-time")]
impl Timer for EmbassyTimer {
    fn now(&self) -> Instant {
        Instant::from_millis(embassy_time::Instant::now().as_millis())
    }

    async fn wait_until(&mut self, deadline: Instant) {
        // A deadline beyond embassy's ticks (a wait "however long", `Duration::MAX`) is its
        // last instant: `from_millis` multiplies by the tick rate and would overflow (a panic,
        // or without overflow checks a deadline in the past, the wait ended at once).
        let at = embassy_time::Instant::try_from_millis(deadline.total_millis())
            .unwrap_or(embassy_time::Instant::MAX);
        embassy_time::Timer::at(at).await
    }
}

/// Reads into `$buf` from `$uart` unless `$deadline` passes first, by `$timer`: `None` on the
/// deadline. An expression to `await` in, not an `async fn` of its own: its future would be one
/// more layer around the select's, with its own state and handling (80 bytes of flash in
/// `refill`).
macro_rules! read_before {
    ($uart:expr, $timer:expr, $deadline:expr, $buf:expr) => {{
        let mut read = pin!($uart.read($buf));
        let mut tick = pin!($timer.wait_until($deadline));
        poll_fn(|cx| {
            if let Poll::Ready(r) = read.as_mut().poll(cx) {
                return Poll::Ready(Some(r));
            }
            if let Poll::Ready(()) = tick.as_mut().poll(cx) {
                return Poll::Ready(None);
            }
            Poll::Pending
        })
        .await
    }};
}

/// The adapter's `pump` (read and feed the core until the exchange in flight ends), as an
/// expression to `await` in: `procedures!`'s `exchange` runs it in its own body, not as a future
/// of its own (a layer around `refill`'s, with its own state and handling).
macro_rules! pump {
    ($this:ident, $on_info:expr) => {{
        let on_info: &mut crate::procedures::Lines<'_> = $on_info;
        loop {
            // (An exchange is in flight throughout: `Core::poll_in_flight`.)
            if $this.core.poll_in_flight($this.timer.now()) {
                break Ok(Finished::TimedOut);
            }
            let deadline = $this.core.deadline_in_flight();
            // The one read of the adapter (`refill`), as the blocking `pump` reads; a read of one
            // byte that completes nothing stored at once (`Carry::took_one`).
            let n = match $this.refill(deadline).await {
                Ok(Some(n)) => n,
                Ok(None) => continue,
                Err(e) => break Err(e),
            };
            if $this.carry.took_one(n, &mut $this.core) {
                continue;
            }
            // What follows the end of the exchange stays for the next phase (its end handled
            // by `dispatch`).
            let finished = dispatch(
                &mut $this.core,
                &mut $this.listener,
                &mut $this.carry,
                on_info,
            );
            if let Some(f) = finished {
                break Ok(f);
            }
        }
    }};
}

/// A modem on an async UART.
#[derive(Debug)]
// The adapter's own fields first, as in the blocking `Modem` (small offsets, short instructions).
#[repr(C)]
pub struct Modem<U, T, L = ()> {
    carry: Carry,
    timing: Timing,
    uart: U,
    timer: T,
    listener: L,
    core: Core<MAX_LINE>,
}

impl<U, T, L, E> Modem<U, T, L>
where
    U: Read<Error = E> + Write<Error = E>,
    T: Timer,
    L: Listener,
{
    /// A modem on `uart`, timed by `timer`, with unsolicited input going to `listener`.
    pub fn new(uart: U, timer: T, listener: L) -> Self {
        Modem {
            uart,
            timer,
            listener,
            core: Core::new(),
            timing: crate::procedures::default_timing(),
            carry: Carry::new(),
        }
    }

    /// Replaces the timeouts and guard times.
    pub fn with_timing(mut self, timing: Timing) -> Self {
        self.timing = timing;
        self
    }

    /// The core, for its echo state and counters.
    pub fn core(&mut self) -> &mut Core<MAX_LINE> {
        &mut self.core
    }

    /// The running totals.
    pub fn counters(&self) -> ClientCounters {
        self.core.counters()
    }

    /// The listener.
    pub fn listener(&mut self) -> &mut L {
        &mut self.listener
    }

    /// Gives the parts back.
    pub fn release(self) -> (U, T, L) {
        (self.uart, self.timer, self.listener)
    }

    procedures!(async, async);

    fn now(&self) -> Instant {
        self.timer.now()
    }

    async fn pump(&mut self, on_info: &mut crate::procedures::Lines<'_>) -> Result<Finished, E> {
        pump!(self, on_info)
    }

    /// Reads into the read buffer when it is empty, unless `deadline` passes first: the count
    /// read (0 when it was not empty), `None` on the deadline.
    async fn refill(&mut self, deadline: Instant) -> Result<Option<usize>, E> {
        let mut n = 0;
        if self.carry.is_empty() {
            let space = self.carry.space();
            let Some(read) = read_before!(self.uart, self.timer, deadline, space) else {
                return Ok(None);
            };
            n = read?;
            self.carry.filled(n);
        }
        Ok(Some(n))
    }

    /// Reads kept bytes first, then the UART until `deadline`.
    async fn read_until(&mut self, deadline: Instant, buf: &mut [u8]) -> Option<Result<usize, E>> {
        if !self.carry.is_empty() {
            return Some(Ok(self.carry.take(buf)));
        }
        read_before!(self.uart, self.timer, deadline, buf)
    }

    /// The blocking adapter's `drain`: bounded, `false` when the line was not quiet in time.
    async fn drain(&mut self, lines: bool, duration: Duration) -> Result<bool, E> {
        let cap = crate::procedures::drain_cap(self.timer.now(), duration, &self.timing);
        loop {
            let now = self.timer.now();
            let quiet_at = now.saturating_add(duration);
            // Quiet reached at the cap itself counts, as in the blocking `drain`, which tests
            // quiet before the cap (review 34: `<` refused a quiet line with a command timeout
            // of 0).
            if quiet_at > cap && now >= cap {
                return Ok(false);
            }
            if self.refill(quiet_at.min(cap)).await?.is_none() {
                return Ok(quiet_at <= cap);
            }
            self.carry
                .drained(&mut self.core, &mut self.listener, lines);
        }
    }

    // `drain`'s future itself, not one of their own around it (a future's state and its
    // handling less, each where it is awaited).
    fn quiet_lines(&mut self, duration: Duration) -> impl Future<Output = Result<bool, E>> {
        self.drain(true, duration)
    }

    async fn wait_for_line(&mut self, wanted: &[u8], timeout: Duration) -> Result<bool, E> {
        let deadline = self.timer.now().saturating_add(timeout);
        loop {
            if self.refill(deadline).await?.is_none() {
                return Ok(false);
            }
            let input = self.carry.pending();
            if let Some(after) = find_line(&mut self.core, &mut self.listener, input, wanted) {
                // The banner's CR may have ended the chunk: its LF is not data.
                let swallow_lf = after.is_empty();
                if !swallow_lf {
                    self.listener.data(after);
                }
                self.carry.clear();
                self.carry.swallow_lf = swallow_lf;
                return Ok(true);
            }
            self.carry.clear();
        }
    }

    /// Reads application data received in a transparent mode, waiting until some arrives or
    /// `timeout` passes (then 0).
    pub async fn read_data(&mut self, buf: &mut [u8], timeout: Duration) -> Result<usize, E> {
        let deadline = self.timer.now().saturating_add(timeout);
        match self.read_until(deadline, buf).await {
            Some(r) => Ok(crate::procedures::drop_banner_lf(
                &mut self.carry.swallow_lf,
                buf,
                r?,
            )),
            None => Ok(0),
        }
    }

    /// [`Self::read_data`] in place: the bytes received (empty when `timeout` passed first),
    /// borrowed from the modem's read buffer until the next call. No buffer of the caller's to
    /// zero and copy into: feed them straight to an [`crate::sdp::Receiver`], for example.
    pub async fn read_data_in_place(&mut self, timeout: Duration) -> Result<&[u8], E> {
        let deadline = self.timer.now().saturating_add(timeout);
        if self.refill(deadline).await?.is_none() {
            return Ok(&[]);
        }
        Ok(crate::procedures::data_in_place(&mut self.carry))
    }
}
