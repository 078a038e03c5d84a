//! The no-data restart (protocol-notes §7): `AT+RSTIM` seconds with no data in either direction
//! restart the module; `0` turns it off.

use crate::{Duration, Instant};

/// What the watchdog is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum NoDataEvent {
    /// Data went from serial to a socket or from a socket to serial (heartbeats and registration
    /// packets do not count: they are the module's own).
    Data,
    /// Time passed (the caller reached [`NoDataWatchdog::poll_at`]).
    Tick,
}

/// What the watchdog asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum NoDataAction {
    /// Restart the module (`RestartReason::NoData`).
    Restart,
}

/// Restarts the module when no data has flowed for the configured time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct NoDataWatchdog {
    timeout: Option<Duration>,
    last_data: Instant,
    fired: bool,
}

impl NoDataWatchdog {
    /// A watchdog started at `now`. `rstim_secs` is `AT+RSTIM` (0 off, 60-65535, default 1800).
    pub const fn new(rstim_secs: u16, now: Instant) -> Self {
        NoDataWatchdog {
            timeout: if rstim_secs == 0 {
                None
            } else {
                Some(Duration::from_secs(rstim_secs as u64))
            },
            last_data: now,
            fired: false,
        }
    }

    /// A watchdog started at `now` with the timeout given as a span: `None` is off. For callers
    /// that scale time (a simulator running timers faster than `AT+RSTIM` says).
    pub const fn with_timeout(timeout: Option<Duration>, now: Instant) -> Self {
        NoDataWatchdog {
            timeout,
            last_data: now,
            fired: false,
        }
    }

    /// Handles an event; at most one action. After it asked for a restart it stays quiet (the
    /// module is restarting; a new watchdog is made at boot).
    pub fn handle(&mut self, event: NoDataEvent, now: Instant) -> Option<NoDataAction> {
        if self.fired {
            return None;
        }
        match event {
            NoDataEvent::Data => {
                self.last_data = now;
                None
            }
            NoDataEvent::Tick => {
                let deadline = self.poll_at()?;
                if now >= deadline {
                    self.fired = true;
                    Some(NoDataAction::Restart)
                } else {
                    None
                }
            }
        }
    }

    /// When the restart falls due, if it is on and has not fired.
    pub fn poll_at(&self) -> Option<Instant> {
        match (self.fired, self.timeout) {
            (false, Some(t)) => Some(self.last_data.saturating_add(t)),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn with_timeout_matches_new() {
        let now = Instant::from_millis(5);
        assert_eq!(
            NoDataWatchdog::with_timeout(Some(Duration::from_secs(60)), now),
            NoDataWatchdog::new(60, now)
        );
        assert_eq!(NoDataWatchdog::with_timeout(None, now).poll_at(), None);
        let mut w = NoDataWatchdog::with_timeout(Some(Duration::from_millis(100)), now);
        assert_eq!(w.handle(NoDataEvent::Tick, Instant::from_millis(104)), None);
        assert_eq!(
            w.handle(NoDataEvent::Tick, Instant::from_millis(105)),
            Some(NoDataAction::Restart)
        );
    }
    use super::*;

    #[test]
    fn restarts_after_exactly_rstim_seconds_without_data() {
        let mut w = NoDataWatchdog::new(60, Instant::ZERO);
        assert_eq!(w.poll_at(), Some(Instant::from_secs(60)));
        assert_eq!(
            w.handle(NoDataEvent::Tick, Instant::from_millis(59_999)),
            None
        );
        assert_eq!(
            w.handle(NoDataEvent::Tick, Instant::from_secs(60)),
            Some(NoDataAction::Restart)
        );
        assert_eq!(w.handle(NoDataEvent::Tick, Instant::from_secs(600)), None);
        assert_eq!(w.poll_at(), None);
    }

    #[test]
    fn data_in_either_direction_pushes_the_restart_back() {
        let mut w = NoDataWatchdog::new(60, Instant::ZERO);
        w.handle(NoDataEvent::Data, Instant::from_secs(50));
        assert_eq!(w.handle(NoDataEvent::Tick, Instant::from_secs(60)), None);
        assert_eq!(w.poll_at(), Some(Instant::from_secs(110)));
        assert_eq!(
            w.handle(NoDataEvent::Tick, Instant::from_secs(110)),
            Some(NoDataAction::Restart)
        );
    }

    #[test]
    fn zero_turns_it_off() {
        let mut w = NoDataWatchdog::new(0, Instant::ZERO);
        assert_eq!(w.poll_at(), None);
        assert_eq!(
            w.handle(NoDataEvent::Tick, Instant::from_secs(1_000_000)),
            None
        );
    }
}
