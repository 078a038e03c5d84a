//! Heartbeats (protocol-notes §6).
//!
//! - `HEARTTP=NET`: a heartbeat goes to each connected socket that has sent nothing for `HEARTTM`
//!   seconds. Anything sent counts (data, registration, an earlier heartbeat); received data does
//!   not, since the rule is about the module keeping the server's view of the link alive.
//! - `HEARTTP=COM`: a heartbeat goes to serial every `HEARTTM` seconds, whatever the sockets do.
//! - `HEARTSORT=LBS`: the interval is at least 5 s (manual note), whatever `HEARTTM` says.
//!
//! The machine decides *when*; [`crate::payload::write_heartbeat`] makes the bytes.

use crate::payload::HeartbeatKind;
use crate::{Duration, Instant, SocketId};
use heapless::Vec;

/// `AT+HEARTTP`: where heartbeats go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum HeartbeatTarget {
    /// To the server on each connected socket (the default).
    Net,
    /// To the serial port.
    Com,
}

/// Heartbeat parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct HeartbeatSettings {
    /// `AT+HEARTEN` (default on).
    pub enabled: bool,
    /// `AT+HEARTTP` (default NET).
    pub target: HeartbeatTarget,
    /// `AT+HEARTSORT` (default USER).
    pub kind: HeartbeatKind,
    /// `AT+HEARTTM` (1-65535 s, default 30).
    pub interval: Duration,
}

impl Default for HeartbeatSettings {
    fn default() -> Self {
        HeartbeatSettings {
            enabled: true,
            target: HeartbeatTarget::Net,
            kind: HeartbeatKind::User,
            interval: Duration::from_secs(30),
        }
    }
}

/// The shortest interval of LBS heartbeats.
pub const MIN_LBS_INTERVAL: Duration = Duration::from_secs(5);

/// What the heartbeat machine is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum HeartbeatEvent {
    /// The socket connected.
    Connected(SocketId),
    /// The socket is no longer connected.
    Disconnected(SocketId),
    /// Bytes were sent on the socket.
    Sent(SocketId),
    /// Time passed (the caller reached [`Heartbeat::poll_at`]).
    Tick,
}

/// What the heartbeat machine asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum HeartbeatAction {
    /// Send a heartbeat on the socket (then report [`HeartbeatEvent::Sent`]).
    SendToSocket(SocketId),
    /// Write a heartbeat to serial.
    WriteToSerial,
}

/// The actions of one call: at most one per socket plus one for serial.
pub type HeartbeatActions = Vec<HeartbeatAction, 5>;

/// Decides when heartbeats are due.
#[derive(Debug, Clone)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Heartbeat {
    settings: HeartbeatSettings,
    /// Per socket: when it last sent, while connected.
    last_sent: [Option<Instant>; 4],
    /// When the last serial heartbeat was due.
    last_serial: Instant,
}

impl Heartbeat {
    /// A machine started at `now`.
    pub const fn new(settings: HeartbeatSettings, now: Instant) -> Self {
        Heartbeat {
            settings,
            last_sent: [None; 4],
            last_serial: now,
        }
    }

    /// The interval in force (`HEARTTM`, at least 5 s for LBS, at least 1 ms so that a zero
    /// from bad input cannot make it spin).
    pub fn interval(&self) -> Duration {
        let floor = if self.settings.kind == HeartbeatKind::Lbs {
            MIN_LBS_INTERVAL
        } else {
            Duration::from_millis(1)
        };
        self.settings.interval.max(floor)
    }

    /// Handles an event.
    pub fn handle(&mut self, event: HeartbeatEvent, now: Instant) -> HeartbeatActions {
        let mut actions = HeartbeatActions::new();
        match event {
            HeartbeatEvent::Connected(s) | HeartbeatEvent::Sent(s) => {
                if let Some(slot) = self.last_sent.get_mut(s.index()) {
                    if matches!(event, HeartbeatEvent::Connected(_)) || slot.is_some() {
                        *slot = Some(now);
                    }
                }
            }
            HeartbeatEvent::Disconnected(s) => {
                if let Some(slot) = self.last_sent.get_mut(s.index()) {
                    *slot = None;
                }
            }
            HeartbeatEvent::Tick => {}
        }
        if !self.settings.enabled {
            return actions;
        }
        let interval = self.interval();
        match self.settings.target {
            HeartbeatTarget::Net => {
                for (index, slot) in self.last_sent.iter_mut().enumerate() {
                    let (Some(last), Some(socket)) = (*slot, SocketId::from_index(index)) else {
                        continue;
                    };
                    if now >= last.saturating_add(interval) {
                        // Counted as sent now, so the next one is an interval later even if
                        // the caller does not report the send.
                        *slot = Some(now);
                        let _ = actions.push(HeartbeatAction::SendToSocket(socket));
                    }
                }
            }
            HeartbeatTarget::Com => {
                let due = self.last_serial.saturating_add(interval);
                if now >= due {
                    // Keep the cadence: the next is due an interval after this one was due,
                    // unless the caller is more than an interval late.
                    self.last_serial = if now >= due.saturating_add(interval) {
                        now
                    } else {
                        due
                    };
                    let _ = actions.push(HeartbeatAction::WriteToSerial);
                }
            }
        }
        actions
    }

    /// When the next heartbeat is due.
    pub fn poll_at(&self) -> Option<Instant> {
        if !self.settings.enabled {
            return None;
        }
        let interval = self.interval();
        match self.settings.target {
            HeartbeatTarget::Net => self
                .last_sent
                .iter()
                .flatten()
                .map(|last| last.saturating_add(interval))
                .min(),
            HeartbeatTarget::Com => Some(self.last_serial.saturating_add(interval)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(n: u64) -> Instant {
        Instant::from_secs(n)
    }

    fn net(interval: u64) -> HeartbeatSettings {
        HeartbeatSettings {
            interval: Duration::from_secs(interval),
            ..HeartbeatSettings::default()
        }
    }

    #[test]
    fn net_heartbeat_only_after_the_socket_was_idle() {
        let mut hb = Heartbeat::new(net(30), s(0));
        assert_eq!(hb.poll_at(), None, "nothing connected, nothing due");
        assert!(
            hb.handle(HeartbeatEvent::Connected(SocketId::A), s(10))
                .is_empty()
        );
        assert_eq!(hb.poll_at(), Some(s(40)));
        // Data sent at 35 s pushes the heartbeat back.
        assert!(
            hb.handle(HeartbeatEvent::Sent(SocketId::A), s(35))
                .is_empty()
        );
        assert!(hb.handle(HeartbeatEvent::Tick, s(40)).is_empty());
        assert_eq!(hb.poll_at(), Some(s(65)));
        assert!(
            hb.handle(HeartbeatEvent::Tick, Instant::from_millis(64_999))
                .is_empty()
        );
        assert_eq!(
            hb.handle(HeartbeatEvent::Tick, s(65)).as_slice(),
            [HeartbeatAction::SendToSocket(SocketId::A)]
        );
        assert_eq!(hb.poll_at(), Some(s(95)));
    }

    #[test]
    fn net_heartbeats_are_per_socket_and_stop_at_disconnect() {
        let mut hb = Heartbeat::new(net(10), s(0));
        hb.handle(HeartbeatEvent::Connected(SocketId::B), s(0));
        hb.handle(HeartbeatEvent::Connected(SocketId::D), s(4));
        assert_eq!(
            hb.handle(HeartbeatEvent::Tick, s(10)).as_slice(),
            [HeartbeatAction::SendToSocket(SocketId::B)]
        );
        assert_eq!(
            hb.handle(HeartbeatEvent::Tick, s(14)).as_slice(),
            [HeartbeatAction::SendToSocket(SocketId::D)]
        );
        hb.handle(HeartbeatEvent::Disconnected(SocketId::B), s(15));
        // A send reported on a socket that is not connected does not arm it.
        hb.handle(HeartbeatEvent::Sent(SocketId::C), s(15));
        assert_eq!(hb.poll_at(), Some(s(24)));
        assert_eq!(
            hb.handle(HeartbeatEvent::Tick, s(30)).as_slice(),
            [HeartbeatAction::SendToSocket(SocketId::D)]
        );
    }

    #[test]
    fn com_heartbeat_every_interval_regardless_of_sockets() {
        let mut hb = Heartbeat::new(
            HeartbeatSettings {
                target: HeartbeatTarget::Com,
                ..net(30)
            },
            s(0),
        );
        hb.handle(HeartbeatEvent::Connected(SocketId::A), s(1));
        hb.handle(HeartbeatEvent::Sent(SocketId::A), s(29));
        assert_eq!(hb.poll_at(), Some(s(30)));
        assert_eq!(
            hb.handle(HeartbeatEvent::Tick, s(30)).as_slice(),
            [HeartbeatAction::WriteToSerial]
        );
        // A slightly late tick keeps the cadence.
        assert_eq!(
            hb.handle(HeartbeatEvent::Tick, s(61)).as_slice(),
            [HeartbeatAction::WriteToSerial]
        );
        assert_eq!(hb.poll_at(), Some(s(90)));
    }

    #[test]
    fn lbs_interval_is_at_least_five_seconds_and_off_means_off() {
        let mut hb = Heartbeat::new(
            HeartbeatSettings {
                kind: HeartbeatKind::Lbs,
                ..net(1)
            },
            s(0),
        );
        hb.handle(HeartbeatEvent::Connected(SocketId::A), s(0));
        assert_eq!(hb.poll_at(), Some(s(5)));
        assert!(hb.handle(HeartbeatEvent::Tick, s(4)).is_empty());
        let mut off = Heartbeat::new(
            HeartbeatSettings {
                enabled: false,
                ..net(1)
            },
            s(0),
        );
        off.handle(HeartbeatEvent::Connected(SocketId::A), s(0));
        assert_eq!(off.poll_at(), None);
        assert!(off.handle(HeartbeatEvent::Tick, s(100)).is_empty());
    }
}
