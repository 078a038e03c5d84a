//! The procedures both adapters share (commands, entering and leaving command mode, restarts),
//! written once over three primitives each adapter provides:
//!
//! - `now()`: the time;
//! - `pump(on_info)`: read and feed the core until the exchange in flight ends;
//! - `quiet(duration)`: hand whatever arrives to the listener as data until the line has been
//!   silent for `duration`.
//!
//! `procedures!(blocking)` expands to plain functions, `procedures!(async)` to `async fn`s.

/// How an exchange ended, as seen by the procedures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Finished {
    Done(cat1_at_parse::FinalResult),
    HandshakeA,
    HandshakeOk,
    TimedOut,
}

macro_rules! maybe_await {
    (blocking, $e:expr) => {
        $e
    };
    (async, $e:expr) => {
        $e.await
    };
}

macro_rules! procedures {
    ($mode:ident $(, $asyncness:ident)?) => {
        /// Sends a command and waits for its final result; information lines go to `on_info`.
        /// `Ok` means the module answered `OK`.
        pub $($asyncness)? fn command(
            &mut self,
            command: &cat1_at_parse::CommandLine<'_>,
            mut on_info: impl FnMut(cat1_at_parse::InfoLine<'_>),
        ) -> Result<(), $crate::CommandError<E>> {
            let timeout = self.timing.command;
            maybe_await!($mode, self.command_within(command, timeout, &mut on_info))
        }

        /// [`Self::command`] with its own timeout.
        pub $($asyncness)? fn command_within(
            &mut self,
            command: &cat1_at_parse::CommandLine<'_>,
            timeout: cat1_hal_traits::time::Duration,
            on_info: &mut dyn FnMut(cat1_at_parse::InfoLine<'_>),
        ) -> Result<(), $crate::CommandError<E>> {
            maybe_await!($mode, self.settle_if_needed()).map_err($crate::CommandError::Io)?;
            let now = self.now();
            let bytes = self
                .core
                .start(command, timeout, now)
                .map_err($crate::CommandError::Start)?;
            maybe_await!($mode, self.uart.write_all(bytes)).map_err($crate::CommandError::Io)?;
            maybe_await!($mode, self.uart.flush()).map_err($crate::CommandError::Io)?;
            let finished = maybe_await!($mode, self.pump(on_info)).map_err($crate::CommandError::Io)?;
            $crate::procedures::result_of(finished)
        }

        /// Sends a raw line (without its CR) and waits for its final result.
        pub $($asyncness)? fn raw(
            &mut self,
            line: &[u8],
            on_info: &mut dyn FnMut(cat1_at_parse::InfoLine<'_>),
        ) -> Result<(), $crate::CommandError<E>> {
            maybe_await!($mode, self.settle_if_needed()).map_err($crate::CommandError::Io)?;
            let now = self.now();
            let timeout = self.timing.command;
            let bytes = self
                .core
                .start_raw(line, timeout, now)
                .map_err($crate::CommandError::Start)?;
            maybe_await!($mode, self.uart.write_all(bytes)).map_err($crate::CommandError::Io)?;
            maybe_await!($mode, self.uart.flush()).map_err($crate::CommandError::Io)?;
            let finished = maybe_await!($mode, self.pump(on_info)).map_err($crate::CommandError::Io)?;
            $crate::procedures::result_of(finished)
        }

        /// Probes with `AT`: `true` when the module answers `OK` (it is in command mode).
        pub $($asyncness)? fn probe(&mut self) -> Result<bool, E> {
            let timeout = self.timing.probe;
            match maybe_await!($mode, self.command_within(
                &cat1_at_parse::CommandLine::bare(),
                timeout,
                &mut |_| {},
            )) {
                Ok(()) => Ok(true),
                Err($crate::CommandError::Io(e)) => Err(e),
                Err(_) => Ok(false),
            }
        }

        /// Reaches command mode: an `AT` probe first; if nothing answers, the `+++` / `a` / `+ok`
        /// handshake (protocol-notes §1) with the guard silence before it, then `AT` to confirm.
        ///
        /// The probe's `AT\r` reaches the network as data when the module is in a transparent
        /// mode; use [`Self::enter_command_mode_without_probe`] where that matters.
        pub $($asyncness)? fn enter_command_mode(&mut self) -> Result<(), $crate::EnterError<E>> {
            if maybe_await!($mode, self.probe()).map_err($crate::EnterError::Io)? {
                return Ok(());
            }
            maybe_await!($mode, self.enter_command_mode_without_probe())
        }

        /// The handshake alone (see [`Self::enter_command_mode`]).
        pub $($asyncness)? fn enter_command_mode_without_probe(
            &mut self,
        ) -> Result<(), $crate::EnterError<E>> {
            use $crate::procedures::Finished;
            use $crate::{EnterError, EnterStep};
            let guard = self.timing.guard;
            let handshake = self.timing.handshake;
            // Whatever was in flight (the probe, which transparent mode forwards as data) is
            // over: the guard silence also proves no late answer is coming.
            self.core.abort();
            maybe_await!($mode, self.quiet(guard)).map_err(EnterError::Io)?;
            self.core.settled();
            let now = self.now();
            let escape = self
                .core
                .start_escape(handshake, now)
                .map_err(|_| EnterError::Handshake(EnterStep::WaitingForA))?;
            maybe_await!($mode, self.uart.write_all(escape)).map_err(EnterError::Io)?;
            maybe_await!($mode, self.uart.flush()).map_err(EnterError::Io)?;
            if maybe_await!($mode, self.pump(&mut |_| {})).map_err(EnterError::Io)? != Finished::HandshakeA {
                return Err(EnterError::Handshake(EnterStep::WaitingForA));
            }
            let now = self.now();
            let confirm = self
                .core
                .start_confirm(handshake, now)
                .map_err(|_| EnterError::Handshake(EnterStep::WaitingForOk))?;
            maybe_await!($mode, self.uart.write_all(confirm)).map_err(EnterError::Io)?;
            maybe_await!($mode, self.uart.flush()).map_err(EnterError::Io)?;
            if maybe_await!($mode, self.pump(&mut |_| {})).map_err(EnterError::Io)? != Finished::HandshakeOk {
                return Err(EnterError::Handshake(EnterStep::WaitingForOk));
            }
            // After a handshake, echo is whatever the saved configuration says: factory default on,
            // but a module configured with AT+E=OFF does not echo. Accept either.
            self.core.set_echo($crate::Echo::Unknown);
            maybe_await!($mode, self.command_within(
                &cat1_at_parse::CommandLine::bare(),
                handshake,
                &mut |_| {},
            ))
            .map_err(EnterError::Confirm)
        }

        /// Leaves command mode (`AT+ENTM`): the module returns to its saved work mode without
        /// saving (protocol-notes §1).
        pub $($asyncness)? fn leave_command_mode(&mut self) -> Result<(), $crate::CommandError<E>> {
            maybe_await!($mode, self.command(&cat1_at_parse::CommandLine::execute(b"ENTM"), |_| {}))
        }

        /// Sends `command` (`AT+S`, `AT+Z` or `AT+CLEAR`), then waits for the module's banner
        /// (`AT+STMSG`) instead of a fixed delay. Afterwards the module is in its saved work mode.
        pub $($asyncness)? fn restart_with(
            &mut self,
            command: &cat1_at_parse::CommandLine<'_>,
            banner: &[u8],
        ) -> Result<(), $crate::CommandError<E>> {
            maybe_await!($mode, self.command(command, |_| {}))?;
            let restart = self.timing.restart;
            let seen = maybe_await!($mode, self.wait_for_line(banner, restart))
                .map_err($crate::CommandError::Io)?;
            // Factory echo is on; a saved AT+E=OFF is not known here.
            self.core.set_echo($crate::Echo::Unknown);
            if seen { Ok(()) } else { Err($crate::CommandError::Timeout) }
        }

        /// `AT+S`: saves and restarts, waiting for `banner`.
        pub $($asyncness)? fn save_and_restart(&mut self, banner: &[u8]) -> Result<(), $crate::CommandError<E>> {
            maybe_await!($mode, self.restart_with(&cat1_at_parse::CommandLine::execute(b"S"), banner))
        }

        /// `AT+SIGNINAT=<password>`: logs in when `AT+SAFEATEN=ON` (protocol-notes §11). A wrong
        /// password is `Err(Cme(73))`.
        pub $($asyncness)? fn login(&mut self, password: &[u8]) -> Result<(), $crate::CommandError<E>> {
            maybe_await!($mode, self.command(&cat1_at_parse::CommandLine::set(b"SIGNINAT", password), |_| {}))
        }

        /// Writes application data (transparent mode).
        pub $($asyncness)? fn write_data(&mut self, data: &[u8]) -> Result<(), E> {
            maybe_await!($mode, self.uart.write_all(data))?;
            maybe_await!($mode, self.uart.flush())
        }

        /// After a timeout with echo off: waits for quiet so a late answer cannot be taken for the
        /// next command's (see [`crate::core`]).
        $($asyncness)? fn settle_if_needed(&mut self) -> Result<(), E> {
            if self.core.is_unsynchronised() {
                let settle = self.timing.settle;
                maybe_await!($mode, self.quiet_lines(settle))?;
                self.core.settled();
            }
            Ok(())
        }
    };
}

pub(crate) use {maybe_await, procedures};

/// The result of a command exchange.
pub(crate) fn result_of<E>(finished: Finished) -> Result<(), crate::CommandError<E>> {
    use cat1_at_parse::FinalResult;
    match finished {
        Finished::Done(FinalResult::Ok) => Ok(()),
        Finished::Done(FinalResult::Error) => Err(crate::CommandError::Error),
        Finished::Done(FinalResult::CmeError(code)) => Err(crate::CommandError::Cme(code)),
        Finished::TimedOut | Finished::HandshakeA | Finished::HandshakeOk => {
            Err(crate::CommandError::Timeout)
        }
    }
}

/// Feeds `input` to the core; information lines go to `on_info`, everything unsolicited to the
/// listener. Returns how the exchange ended, if it did within `input`. Bytes after the end are
/// still fed (as unsolicited), so nothing read is lost.
pub(crate) fn dispatch<const N: usize, L: crate::Listener>(
    core: &mut crate::Core<N>,
    listener: &mut L,
    input: &[u8],
    on_info: &mut dyn FnMut(cat1_at_parse::InfoLine<'_>),
) -> Option<Finished> {
    use crate::Output;
    use cat1_at_parse::Status;
    let mut finished = None;
    let mut rest = input;
    while let Status::Complete(output, used) = core.receive(rest) {
        rest = rest.get(used..).unwrap_or(&[]);
        match output {
            Output::Echo | Output::TimedOut => {}
            Output::Info(info) => on_info(info),
            Output::Done(result) => finished = Some(Finished::Done(result)),
            Output::HandshakeA => finished = Some(Finished::HandshakeA),
            Output::HandshakeOk => finished = Some(Finished::HandshakeOk),
            Output::Unsolicited(line) => listener.line(line),
            Output::Overflow { dropped } => listener.overflow(dropped),
        }
    }
    finished
}

/// Feeds `input` as lines until one equals `wanted`; returns the bytes after that line (the
/// module is then in its work mode, so they are data), or `None` if it did not come.
pub(crate) fn find_line<'i, const N: usize, L: crate::Listener>(
    core: &mut crate::Core<N>,
    listener: &mut L,
    input: &'i [u8],
    wanted: &[u8],
) -> Option<&'i [u8]> {
    use crate::Output;
    use cat1_at_parse::Status;
    let mut rest = input;
    while let Status::Complete(output, used) = core.receive(rest) {
        rest = rest.get(used..).unwrap_or(&[]);
        match output {
            Output::Unsolicited(line) if line == wanted => {
                // The CR LF that ends the banner may come right after it: not data.
                let skip = rest
                    .iter()
                    .take_while(|&&b| b == b'\r' || b == b'\n')
                    .count();
                return Some(rest.get(skip..).unwrap_or(&[]));
            }
            Output::Unsolicited(line) => listener.line(line),
            Output::Overflow { dropped } => listener.overflow(dropped),
            _ => {}
        }
    }
    None
}

/// Drops the LF that ends the banner when it arrives as the first byte of the first data read;
/// returns the number of data bytes now at the front of `buf`.
pub(crate) fn drop_banner_lf(swallow_lf: &mut bool, buf: &mut [u8], n: usize) -> usize {
    if n == 0 {
        return 0;
    }
    let swallow = core::mem::take(swallow_lf);
    if swallow && buf.first() == Some(&b'\n') {
        buf.copy_within(1..n.min(buf.len()), 0);
        return n.saturating_sub(1);
    }
    n
}
