//! The blocking adapter: `embedded-io` and a [`Clock`]; no runtime, no timer driver.
//!
//! Waiting is a loop on `ReadReady` and the clock, so it works on any HAL with a readiness flag
//! (every interrupt-driven or DMA UART with a ring buffer has one).

use cat1_at_parse::MAX_LINE;
use cat1_hal_traits::time::{Clock, Duration, Instant};
use embedded_io::{Read, ReadReady, Write};

use crate::procedures::{Carry, Finished, dispatch, find_line, maybe_await, procedures};
use crate::{ClientCounters, Core, Listener, Timing};

/// A modem on a blocking UART.
#[derive(Debug)]
// In this order (not Rust's, which put the core first and these fields behind its buffers): the
// adapter's own fields, read on every call, sit at small offsets that Thumb loads and stores
// reach in two-byte instructions (client flash -72 bytes).
#[repr(C)]
pub struct Modem<U, C, L = ()> {
    carry: Carry,
    timing: Timing,
    uart: U,
    clock: C,
    listener: L,
    core: Core<MAX_LINE>,
}

impl<U, C, L, E> Modem<U, C, L>
where
    U: Read<Error = E> + ReadReady + Write,
    C: Clock,
    L: Listener,
{
    /// A modem on `uart`, timed by `clock`, with unsolicited input going to `listener`.
    pub fn new(uart: U, clock: C, listener: L) -> Self {
        Modem {
            uart,
            clock,
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
    pub fn release(self) -> (U, C, L) {
        (self.uart, self.clock, self.listener)
    }

    procedures!(blocking);

    fn now(&self) -> Instant {
        self.clock.now()
    }

    /// Reads into `buf` what is pending, or else what the UART has (0 when nothing is there).
    fn read_some(&mut self, buf: &mut [u8]) -> Result<usize, E> {
        if !self.carry.is_empty() {
            return Ok(self.carry.take(buf));
        }
        if self.uart.read_ready()? {
            self.uart.read(buf)
        } else {
            Ok(0)
        }
    }

    /// Reads into the read buffer when it is empty: the count read (0 when it was not empty,
    /// or nothing was there).
    fn refill(&mut self) -> Result<usize, E> {
        let mut n = 0;
        if self.carry.is_empty() {
            if self.uart.read_ready()? {
                n = self.uart.read(self.carry.space())?;
            }
            self.carry.filled(n);
        }
        Ok(n)
    }

    fn pump(&mut self, on_info: &mut crate::procedures::Lines<'_>) -> Result<Finished, E> {
        loop {
            // (An exchange is in flight throughout: `Core::poll_in_flight`.)
            if self.core.poll_in_flight(self.clock.now()) {
                return Ok(Finished::TimedOut);
            }
            // A read of one byte that completes nothing stored at once (`Carry::took_one`).
            let n = self.refill()?;
            if self.carry.took_one(n, &mut self.core) {
                continue;
            }
            // What follows the end of the exchange stays for the next phase (its end handled
            // by `dispatch`).
            let finished = dispatch(&mut self.core, &mut self.listener, &mut self.carry, on_info);
            if let Some(f) = finished {
                return Ok(f);
            }
        }
    }

    /// Reads until the line has been silent for `duration`, handing bytes to the listener as
    /// data (`lines = false`) or as lines through the framer (`lines = true`). Bounded: `false`
    /// when the line was not quiet by `duration` and a command's timeout (see `drain_cap`).
    fn drain(&mut self, lines: bool, duration: Duration) -> Result<bool, E> {
        let mut last = self.clock.now();
        let cap = crate::procedures::drain_cap(last, duration, &self.timing);
        loop {
            let now = self.clock.now();
            if now.saturating_duration_since(last) >= duration {
                return Ok(true);
            }
            if now >= cap {
                return Ok(false);
            }
            self.refill()?;
            if self.carry.is_empty() {
                continue;
            }
            last = now;
            self.carry
                .drained(&mut self.core, &mut self.listener, lines);
        }
    }

    fn quiet_lines(&mut self, duration: Duration) -> Result<bool, E> {
        self.drain(true, duration)
    }

    fn wait_for_line(&mut self, wanted: &[u8], timeout: Duration) -> Result<bool, E> {
        let deadline = self.clock.now().saturating_add(timeout);
        while self.clock.now() < deadline {
            self.refill()?;
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
        Ok(false)
    }

    /// Reads application data received in a transparent mode without waiting: returns the
    /// number of bytes placed in `buf` (0 when nothing is there).
    pub fn read_data(&mut self, buf: &mut [u8]) -> Result<usize, E> {
        let n = self.read_some(buf)?;
        Ok(crate::procedures::drop_banner_lf(
            &mut self.carry.swallow_lf,
            buf,
            n,
        ))
    }

    /// [`Self::read_data`] in place: the bytes received (empty when nothing is there), borrowed
    /// from the modem's read buffer until the next call. No buffer of the caller's to zero and
    /// copy into: feed them straight to an [`crate::sdp::Receiver`], for example.
    pub fn read_data_in_place(&mut self) -> Result<&[u8], E> {
        self.refill()?;
        Ok(crate::procedures::data_in_place(&mut self.carry))
    }
}
