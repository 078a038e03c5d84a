//! The link of one socket (protocol-notes §7): connecting, reconnecting, the backup server, short
//! connections, and the restart after too many failures.
//!
//! Rules, each in one place below:
//!
//! - **Reconnect**: after a failed attempt or a dropped link, the next attempt is made
//!   `SOCKRSTIM` seconds later (decision: a dropped link also waits `SOCKRSTIM` before its first
//!   retry, so a server that drops every connection is not hammered).
//! - **Restart**: the module restarts after exactly `SOCKRSNUM` consecutive failed attempts; a
//!   successful connection resets the count. A drop is not a failed attempt; the retries after it
//!   are.
//! - **Backup** (decision): with `SOCKxBKEN=ON`, each failed attempt switches server for the next
//!   one (main, backup, main, …); a link that drops is retried on the main server first. Failures
//!   on both servers count towards `SOCKRSNUM` together.
//! - **Short connection** (socket A only, `SOCKASL=SHORT`): no connection at start; serial data
//!   opens one; it is closed after `SHORTATM` seconds without data in either direction, and is not
//!   reconnected until serial data comes again. A failed attempt is retried like a long one (the
//!   data that opened it is waiting in the cache). On sockets B-D the setting is ignored.
//! - **Keepalive**: `KEEPALIVEx` travels in every [`LinkAction::Open`].
//!
//! There is no connect timeout here: the network service reports a failure
//! ([`cat1_hal_traits::net::NetEvent::ConnectFailed`]) when its own attempt times out.

use crate::{Duration, Instant, SocketId};
use cat1_hal_traits::net::{Keepalive, Protocol};

/// Which server an attempt goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Server {
    /// `AT+SOCKx`.
    Main,
    /// `AT+SOCKxBK`.
    Backup,
}

impl Server {
    /// The other one.
    pub const fn other(self) -> Server {
        match self {
            Server::Main => Server::Backup,
            Server::Backup => Server::Main,
        }
    }
}

/// `AT+SOCKASL` with `AT+SHORTATM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum ConnectionMode {
    /// Always connected (the default).
    Long,
    /// Opened by serial data, closed after `idle` without data (`SHORTATM`, 1-600 s, default 10).
    Short {
        /// `SHORTATM`.
        idle: Duration,
    },
}

/// Parameters of one socket's link.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct LinkSettings {
    /// `AT+SOCKxEN` (A on, B-D off by default).
    pub enabled: bool,
    /// Protocol of `AT+SOCKx` (default TCP).
    pub protocol: Protocol,
    /// `AT+SOCKxBKEN` (default off).
    pub backup_enabled: bool,
    /// `AT+SOCKRSTIM` (10-65535 s, default 10).
    pub reconnect_interval: Duration,
    /// `AT+SOCKRSNUM` (1-65535, default 60); 0 from bad input counts as 1.
    pub max_failures: u16,
    /// `AT+SOCKASL` and `AT+SHORTATM` (socket A only).
    pub mode: ConnectionMode,
    /// `AT+KEEPALIVEx`.
    pub keepalive: Keepalive,
}

impl Default for LinkSettings {
    fn default() -> Self {
        LinkSettings {
            enabled: true,
            protocol: Protocol::Tcp,
            backup_enabled: false,
            reconnect_interval: Duration::from_secs(10),
            max_failures: 60,
            mode: ConnectionMode::Long,
            keepalive: Keepalive::default(),
        }
    }
}

/// What the link machine is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum LinkEvent {
    /// The module has started (or the socket was enabled).
    Start,
    /// The attempt succeeded.
    Connected,
    /// The attempt failed.
    ConnectFailed,
    /// The connection closed or was lost.
    Closed,
    /// A serial packet for this socket arrived.
    SerialData,
    /// Data arrived from the network on this socket.
    NetworkData,
    /// Time passed (the caller reached [`Link::poll_at`]).
    Tick,
}

/// What the link machine asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum LinkAction {
    /// Open the socket to `server`; report [`LinkEvent::Connected`] or
    /// [`LinkEvent::ConnectFailed`].
    Open {
        /// Main or backup.
        server: Server,
        /// TCP or UDP.
        protocol: Protocol,
        /// TCP keepalive settings for the stack.
        keepalive: Keepalive,
    },
    /// Close the socket (short connection idle).
    Close,
    /// Restart the module (`RestartReason::ReconnectLimit`).
    Restart,
}

/// Where the link stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum LinkState {
    /// Not started yet.
    Stopped,
    /// The socket is disabled (`SOCKxEN=OFF`).
    Disabled,
    /// Short connection waiting for serial data.
    Idle,
    /// An attempt is in flight.
    Connecting(Server),
    /// Connected.
    Connected(Server),
    /// Waiting to retry on `server` at `at`.
    WaitingToRetry {
        /// The next attempt's server.
        server: Server,
        /// When.
        at: Instant,
    },
    /// The restart was asked for; nothing more happens.
    Restarting,
}

/// The link machine of one socket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Link {
    socket: SocketId,
    settings: LinkSettings,
    state: LinkState,
    failures: u16,
    last_activity: Instant,
}

impl Link {
    /// The machine for `socket`; it waits for [`LinkEvent::Start`].
    pub const fn new(socket: SocketId, settings: LinkSettings) -> Self {
        Link {
            socket,
            settings,
            state: LinkState::Stopped,
            failures: 0,
            last_activity: Instant::ZERO,
        }
    }

    /// The socket.
    pub const fn socket(&self) -> SocketId {
        self.socket
    }

    /// Where the link stands.
    pub const fn state(&self) -> LinkState {
        self.state
    }

    /// Failed attempts since the last success.
    pub const fn consecutive_failures(&self) -> u16 {
        self.failures
    }

    /// Whether data can be sent now (otherwise it goes to the cache).
    pub const fn is_connected(&self) -> bool {
        matches!(self.state, LinkState::Connected(_))
    }

    /// `SOCKRSNUM`, at least 1.
    pub fn max_failures(&self) -> u16 {
        self.settings.max_failures.max(1)
    }

    /// The short-connection idle time, on socket A only.
    fn short_idle(&self) -> Option<Duration> {
        match (self.socket, self.settings.mode) {
            (SocketId::A, ConnectionMode::Short { idle }) => Some(idle),
            _ => None,
        }
    }

    fn open(&mut self, server: Server) -> Option<LinkAction> {
        self.state = LinkState::Connecting(server);
        Some(LinkAction::Open {
            server,
            protocol: self.settings.protocol,
            keepalive: self.settings.keepalive,
        })
    }

    fn retry_later(&mut self, server: Server, now: Instant) -> Option<LinkAction> {
        self.state = LinkState::WaitingToRetry {
            server,
            at: now.saturating_add(self.settings.reconnect_interval),
        };
        None
    }

    /// Handles an event; at most one action. Events that do not fit the state (a late
    /// `Connected` after a failure, say) are ignored.
    pub fn handle(&mut self, event: LinkEvent, now: Instant) -> Option<LinkAction> {
        if matches!(event, LinkEvent::SerialData | LinkEvent::NetworkData) {
            self.last_activity = now;
        }
        match (self.state, event) {
            (LinkState::Stopped, LinkEvent::Start) => {
                if !self.settings.enabled {
                    self.state = LinkState::Disabled;
                    None
                } else if self.short_idle().is_some() {
                    self.state = LinkState::Idle;
                    None
                } else {
                    self.open(Server::Main)
                }
            }
            (LinkState::Idle, LinkEvent::SerialData) => self.open(Server::Main),
            (LinkState::Connecting(server), LinkEvent::Connected) => {
                self.failures = 0;
                self.last_activity = now;
                self.state = LinkState::Connected(server);
                None
            }
            (LinkState::Connecting(server), LinkEvent::ConnectFailed | LinkEvent::Closed) => {
                self.failures = self.failures.saturating_add(1);
                if self.failures >= self.max_failures() {
                    self.state = LinkState::Restarting;
                    return Some(LinkAction::Restart);
                }
                let next = if self.settings.backup_enabled {
                    server.other()
                } else {
                    Server::Main
                };
                self.retry_later(next, now)
            }
            (LinkState::Connected(_), LinkEvent::Closed) => {
                if self.short_idle().is_some() {
                    self.state = LinkState::Idle;
                    None
                } else {
                    self.retry_later(Server::Main, now)
                }
            }
            (LinkState::Connected(_), LinkEvent::Tick) => match self.short_idle() {
                Some(idle) if now >= self.last_activity.saturating_add(idle) => {
                    self.state = LinkState::Idle;
                    Some(LinkAction::Close)
                }
                _ => None,
            },
            (LinkState::WaitingToRetry { server, at }, LinkEvent::Tick) if now >= at => {
                self.open(server)
            }
            _ => None,
        }
    }

    /// When the machine next needs a [`LinkEvent::Tick`].
    pub fn poll_at(&self) -> Option<Instant> {
        match self.state {
            LinkState::WaitingToRetry { at, .. } => Some(at),
            LinkState::Connected(_) => self
                .short_idle()
                .map(|idle| self.last_activity.saturating_add(idle)),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(n: u64) -> Instant {
        Instant::from_secs(n)
    }

    fn open(server: Server) -> Option<LinkAction> {
        Some(LinkAction::Open {
            server,
            protocol: Protocol::Tcp,
            keepalive: Keepalive::default(),
        })
    }

    fn settings(max_failures: u16, backup: bool) -> LinkSettings {
        LinkSettings {
            max_failures,
            backup_enabled: backup,
            reconnect_interval: Duration::from_secs(10),
            ..LinkSettings::default()
        }
    }

    /// Runs the machine to its next deadline with a tick.
    fn tick_at_deadline(link: &mut Link) -> (Instant, Option<LinkAction>) {
        let at = link.poll_at().expect("a deadline");
        (at, link.handle(LinkEvent::Tick, at))
    }

    #[test]
    fn reconnects_every_sockrstim_and_restarts_after_exactly_sockrsnum_failures() {
        let mut link = Link::new(SocketId::B, settings(3, false));
        assert_eq!(link.handle(LinkEvent::Start, s(0)), open(Server::Main));
        assert_eq!(link.handle(LinkEvent::ConnectFailed, s(2)), None);
        assert_eq!(link.poll_at(), Some(s(12)));
        assert_eq!(
            link.handle(LinkEvent::Tick, Instant::from_millis(11_999)),
            None
        );
        assert_eq!(link.handle(LinkEvent::Tick, s(12)), open(Server::Main));
        assert_eq!(link.handle(LinkEvent::ConnectFailed, s(13)), None);
        assert_eq!(link.consecutive_failures(), 2);
        assert_eq!(tick_at_deadline(&mut link), (s(23), open(Server::Main)));
        assert_eq!(
            link.handle(LinkEvent::ConnectFailed, s(24)),
            Some(LinkAction::Restart)
        );
        assert_eq!(link.state(), LinkState::Restarting);
        assert_eq!(link.poll_at(), None);
        assert_eq!(link.handle(LinkEvent::Tick, s(100)), None);
    }

    #[test]
    fn with_the_default_sockrsnum_the_60th_failure_restarts_and_not_the_59th() {
        let mut link = Link::new(SocketId::A, LinkSettings::default());
        assert_eq!(link.max_failures(), 60);
        assert_eq!(link.handle(LinkEvent::Start, s(0)), open(Server::Main));
        let mut now = s(0);
        for attempt in 1..=59u16 {
            assert_eq!(
                link.handle(LinkEvent::ConnectFailed, now),
                None,
                "{attempt}"
            );
            let (at, action) = tick_at_deadline(&mut link);
            assert_eq!(at, now + Duration::from_secs(10));
            assert_eq!(action, open(Server::Main));
            now = at;
        }
        assert_eq!(
            link.handle(LinkEvent::ConnectFailed, now),
            Some(LinkAction::Restart)
        );
    }

    #[test]
    fn a_success_resets_the_failure_count() {
        let mut link = Link::new(SocketId::A, settings(2, false));
        link.handle(LinkEvent::Start, s(0));
        link.handle(LinkEvent::ConnectFailed, s(1));
        tick_at_deadline(&mut link);
        link.handle(LinkEvent::Connected, s(12));
        assert!(link.is_connected());
        assert_eq!(link.consecutive_failures(), 0);
        // The link drops: retried on the main server after SOCKRSTIM, and one more failure is
        // not yet the limit of two.
        assert_eq!(link.handle(LinkEvent::Closed, s(20)), None);
        assert_eq!(tick_at_deadline(&mut link), (s(30), open(Server::Main)));
        assert_eq!(link.handle(LinkEvent::ConnectFailed, s(31)), None);
        assert_eq!(tick_at_deadline(&mut link), (s(41), open(Server::Main)));
        assert_eq!(
            link.handle(LinkEvent::ConnectFailed, s(42)),
            Some(LinkAction::Restart)
        );
    }

    #[test]
    fn backup_alternates_on_failure_and_a_drop_goes_back_to_main() {
        let mut link = Link::new(SocketId::C, settings(10, true));
        assert_eq!(link.handle(LinkEvent::Start, s(0)), open(Server::Main));
        let mut servers = vec![];
        for _ in 0..4 {
            link.handle(LinkEvent::ConnectFailed, link.poll_at().unwrap_or(s(0)));
            let (_, action) = tick_at_deadline(&mut link);
            match action {
                Some(LinkAction::Open { server, .. }) => servers.push(server),
                other => panic!("expected an open, got {other:?}"),
            }
        }
        assert_eq!(
            servers,
            [Server::Backup, Server::Main, Server::Backup, Server::Main]
        );
        link.handle(LinkEvent::ConnectFailed, s(100));
        assert_eq!(tick_at_deadline(&mut link).1, open(Server::Backup));
        link.handle(LinkEvent::Connected, s(111));
        assert_eq!(link.state(), LinkState::Connected(Server::Backup));
        link.handle(LinkEvent::Closed, s(200));
        assert_eq!(tick_at_deadline(&mut link), (s(210), open(Server::Main)));
    }

    #[test]
    fn without_backup_every_attempt_goes_to_main() {
        let mut link = Link::new(SocketId::D, settings(10, false));
        link.handle(LinkEvent::Start, s(0));
        for _ in 0..3 {
            link.handle(LinkEvent::ConnectFailed, s(0));
            assert_eq!(tick_at_deadline(&mut link).1, open(Server::Main));
        }
    }

    #[test]
    fn short_connection_opens_on_serial_data_and_closes_after_idle() {
        let short = LinkSettings {
            mode: ConnectionMode::Short {
                idle: Duration::from_secs(10),
            },
            ..LinkSettings::default()
        };
        let mut link = Link::new(SocketId::A, short);
        assert_eq!(link.handle(LinkEvent::Start, s(0)), None);
        assert_eq!(link.state(), LinkState::Idle);
        assert_eq!(link.poll_at(), None);
        assert_eq!(link.handle(LinkEvent::SerialData, s(5)), open(Server::Main));
        link.handle(LinkEvent::Connected, s(6));
        assert_eq!(link.poll_at(), Some(s(16)));
        // Data from the network counts as activity too.
        link.handle(LinkEvent::NetworkData, s(12));
        assert_eq!(link.handle(LinkEvent::Tick, s(16)), None);
        assert_eq!(link.poll_at(), Some(s(22)));
        assert_eq!(link.handle(LinkEvent::Tick, s(22)), Some(LinkAction::Close));
        assert_eq!(link.state(), LinkState::Idle);
        assert_eq!(link.poll_at(), None);
        // The next serial data opens it again.
        assert_eq!(
            link.handle(LinkEvent::SerialData, s(40)),
            open(Server::Main)
        );
        // A peer close returns to idle, with no reconnect.
        link.handle(LinkEvent::Connected, s(41));
        assert_eq!(link.handle(LinkEvent::Closed, s(42)), None);
        assert_eq!(link.state(), LinkState::Idle);
    }

    #[test]
    fn short_mode_is_socket_a_only_and_disabled_sockets_stay_quiet() {
        let short = LinkSettings {
            mode: ConnectionMode::Short {
                idle: Duration::from_secs(10),
            },
            ..LinkSettings::default()
        };
        let mut b = Link::new(SocketId::B, short);
        assert_eq!(b.handle(LinkEvent::Start, s(0)), open(Server::Main));
        let mut off = Link::new(
            SocketId::A,
            LinkSettings {
                enabled: false,
                ..LinkSettings::default()
            },
        );
        assert_eq!(off.handle(LinkEvent::Start, s(0)), None);
        assert_eq!(off.handle(LinkEvent::SerialData, s(1)), None);
        assert_eq!(off.state(), LinkState::Disabled);
    }

    #[test]
    fn keepalive_and_protocol_travel_in_the_open_action() {
        let ka = Keepalive {
            enabled: false,
            idle_secs: 120,
            interval_secs: 5,
            count: 9,
        };
        let mut link = Link::new(
            SocketId::A,
            LinkSettings {
                protocol: Protocol::Udp,
                keepalive: ka,
                ..LinkSettings::default()
            },
        );
        assert_eq!(
            link.handle(LinkEvent::Start, s(0)),
            Some(LinkAction::Open {
                server: Server::Main,
                protocol: Protocol::Udp,
                keepalive: ka
            })
        );
    }
}
