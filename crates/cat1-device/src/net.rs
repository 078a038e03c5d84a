//! NET work mode: the four sockets between serial and the network, run through the sans-IO
//! machines of `cat1-socket`.
//!
//! ```text
//!  serial packet ─► (SDP decoder) ─► registration DATA ─► network.send    (or the cache)
//!  network data  ─► network AT? ─► serial (SDP framed)                    (or held)
//!  timers        ─► link (reconnect, backup, short), heartbeat, no-data watchdog
//! ```
//!
//! Decisions, all in this file (protocol-notes §1, §3-§8):
//!
//! - **Serial to network.** Without SDP every serial packet goes to socket A; with A disabled
//!   the packet is dropped (the engine counts it as [`crate::Event::SerialDropped`]). With
//!   `SDPEN=ON` each packet is one burst and goes through the SDP decoder, which is flushed at
//!   the end of the packet: good frames go to the socket they name, bad frames are answered by
//!   a status frame (§4). A frame for a disabled socket, or whose send fails, is answered
//!   `10` (send failed); one for a socket that is not connected goes to the cache like any
//!   packet (and is answered `10` when the cache discards it, `CACHEN=OFF`).
//! - **Cache** (§8): packets for a socket that is not connected are cached (`CACHEN`) and sent in
//!   order, registration first, when it connects. A short connection (socket A, `SOCKASL=SHORT`)
//!   always caches the packet that opens it, whatever `CACHEN` says: the link machine relies on
//!   it, and a short connection with `CACHEN=OFF` would otherwise never deliver anything.
//! - **Temporary command mode** (§1): sockets stay connected; network data is held in the same
//!   per-socket cache (20 x 4096), which is then marked as holding network data. This shares
//!   RAM: a connected socket has sent its cached serial packets, and no serial packet reaches
//!   the sockets during command mode. Held data is written after `AT+ENTM`; data beyond the
//!   bound (or arriving while serial packets still wait in the cache) is dropped and counted
//!   ([`NetCounters::held_dropped`], [`crate::Event::NetworkDropped`]).
//! - **Heartbeats** (§6): `NET` ones go on each connected socket idle for `HEARTTM`; `COM` ones
//!   are written to serial, but not while the serial line is in command mode (they would land
//!   in the command session). With SDP they are written raw: they come from no socket.
//! - **Registration** (§5): `LINK` on each connection; `DATA` in front of every serial packet
//!   (cached ones too, at the time they are sent), never in front of heartbeats or network AT
//!   answers.
//! - **Network AT** (§3): a received packet that is exactly `<password>AT…\r` with `NATEN=ON`
//!   runs the command; its answer goes back on the same socket, raw (SDP frames only serial).
//! - **No-data restart** (§7): data in either direction (serial packets, network data) feeds the
//!   watchdog; heartbeats, registration and network AT answers do not.
//! - A failed send is dropped and counted ([`NetCounters::send_failures`]); it is not retried:
//!   the link machine sees the close and reconnects.
//! - Every timer counted in seconds (`SOCKRSTIM`, `SHORTATM`, `HEARTTM`, `RSTIM`) is divided by
//!   the engine's timer divisor.

use cat1_at_parse::{MAX_LINE, decode_hex};
use cat1_config::Config;
use cat1_config::keywords;
use cat1_hal_traits::identity::Identity;
use cat1_hal_traits::net::{Endpoint, Keepalive, NetEvent, Network, Protocol, SocketId};
use cat1_hal_traits::radio::Radio;
use cat1_hal_traits::restart::RestartReason;
use cat1_hal_traits::time::{Duration, Instant};
use cat1_socket::cache::{SocketCache, Stored};
use cat1_socket::heartbeat::{
    Heartbeat, HeartbeatAction, HeartbeatEvent, HeartbeatSettings, HeartbeatTarget,
};
use cat1_socket::link::{
    ConnectionMode, Link, LinkAction, LinkEvent, LinkSettings, LinkState, Server,
};
use cat1_socket::netat::network_at_command;
use cat1_socket::nodata::{NoDataAction, NoDataEvent, NoDataWatchdog};
use cat1_socket::packing::MAX_PACKET;
use cat1_socket::payload::{
    HeartbeatKind, MAX_PAYLOAD, PayloadSources, RegistrationKind, write_heartbeat,
    write_registration,
};
use cat1_socket::registration::{
    Registration, RegistrationAction, RegistrationEvent, RegistrationSend, RegistrationSettings,
};
use cat1_socket::sdp::{self, Direction, StatusCode};

use crate::services::{Event, Services, Sink};

/// The SDP decoder's buffer: the longest packet plus the 5 bytes a frame adds after its header.
const SDP_BUF: usize = MAX_PACKET + 5;

/// Events taken from the network service in one poll at most (the rest wait for the next).
const EVENTS_PER_POLL: usize = 64;

/// Received packets read from one socket in one poll at most.
const READS_PER_POLL: usize = 16;

/// What the network side asks of the engine after a poll.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NetOutcome {
    Nothing,
    Restart(RestartReason),
    /// A network AT command is waiting ([`Net::take_command`]); its answer goes to `socket`.
    Command {
        socket: SocketId,
        len: usize,
    },
}

/// Running totals of the network side. They saturate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub struct NetCounters {
    /// Connections established.
    pub connects: u32,
    /// Connection attempts that failed.
    pub connect_failures: u32,
    /// Established connections that closed.
    pub drops: u32,
    /// Packets sent (data, registration, heartbeats, network AT answers).
    pub packets_sent: u32,
    /// Packets received from the network.
    pub packets_received: u32,
    /// Sends that failed (the packet is dropped).
    pub send_failures: u32,
    /// Serial packets the cache dropped or discarded (full, `CACHEN=OFF`, too long).
    pub cache_dropped: u32,
    /// Network packets dropped while the serial line was in command mode (beyond the bound).
    pub held_dropped: u32,
    /// Network AT commands run.
    pub network_commands: u32,
    /// SDP frames answered by a status frame (bad frames and failed sends).
    pub sdp_status_frames: u32,
}

/// The state of the four sockets.
#[derive(Debug, Clone)]
pub struct Net {
    running: bool,
    divisor: u32,
    sdp: bool,
    /// `CACHEN` as started.
    cache_enabled: bool,
    /// A restart asked for outside [`Net::poll`] (a short connection that failed at once),
    /// returned by the next poll.
    pending_restart: Option<RestartReason>,
    links: [Link; 4],
    caches: [SocketCache; 4],
    /// Per socket: the cache holds network data for serial (command mode), not serial packets.
    holding: [bool; 4],
    /// Per socket: the service said data is waiting and it has not been read to the end.
    readable: [bool; 4],
    heartbeat: Heartbeat,
    registration: Registration,
    nodata: NoDataWatchdog,
    decoder: sdp::Decoder<SDP_BUF>,
    command: [u8; MAX_LINE],
    command_len: usize,
    last_now: Instant,
    counters: NetCounters,
}

impl Default for Net {
    fn default() -> Self {
        Net::new()
    }
}

impl Net {
    pub(crate) fn new() -> Self {
        let idle = |s| Link::new(s, LinkSettings::default());
        Net {
            running: false,
            divisor: 1,
            sdp: false,
            cache_enabled: false,
            pending_restart: None,
            links: [
                idle(SocketId::A),
                idle(SocketId::B),
                idle(SocketId::C),
                idle(SocketId::D),
            ],
            // A constant, so that the 320 KB are written in place, not built on the stack.
            caches: [const { SocketCache::new(false) }; 4],
            holding: [false; 4],
            readable: [false; 4],
            heartbeat: Heartbeat::new(HeartbeatSettings::default(), Instant::ZERO),
            registration: Registration::new(RegistrationSettings::default()),
            nodata: NoDataWatchdog::with_timeout(None, Instant::ZERO),
            decoder: sdp::Decoder::new(Direction::ToModule),
            command: [0; MAX_LINE],
            command_len: 0,
            last_now: Instant::ZERO,
            counters: NetCounters::default(),
        }
    }

    /// Whether `socket` is connected (`AT+SOCKxLK?`).
    pub fn is_connected(&self, socket: SocketId) -> bool {
        self.links
            .get(socket.index())
            .is_some_and(|l| self.running && l.is_connected())
    }

    /// Where the link of `socket` stands.
    pub fn link_state(&self, socket: SocketId) -> LinkState {
        self.links
            .get(socket.index())
            .map_or(LinkState::Stopped, |l| l.state())
    }

    /// Packets waiting in the cache of `socket` (serial packets while it is not connected, or
    /// network data held during command mode).
    pub fn cached(&self, socket: SocketId) -> usize {
        self.caches.get(socket.index()).map_or(0, |c| c.len())
    }

    /// The running totals.
    pub fn counters(&self) -> NetCounters {
        self.counters
    }

    /// The SDP decoder's totals (bad frames by kind).
    pub fn sdp_counters(&self) -> sdp::Counters {
        self.decoder.counters()
    }

    fn scaled(&self, d: Duration) -> Duration {
        Duration::from_millis(d.total_millis() / u64::from(self.divisor.max(1)))
    }

    fn secs(&self, s: u16) -> Duration {
        self.scaled(Duration::from_secs(u64::from(s)))
    }

    /// Starts NET mode with `cfg` (the saved configuration).
    pub(crate) fn start<S: Services, O: Sink>(
        &mut self,
        cfg: &Config,
        divisor: u32,
        now: Instant,
        svc: &mut S,
        out: &mut O,
    ) {
        self.stop(svc);
        self.running = true;
        self.divisor = divisor.max(1);
        self.sdp = cfg.socket_distribution;
        self.cache_enabled = cfg.cache;
        self.pending_restart = None;
        self.last_now = now;
        for (i, link) in self.links.iter_mut().enumerate() {
            let Some(socket) = SocketId::from_index(i) else {
                continue;
            };
            *link = Link::new(socket, LinkSettings::default());
        }
        for i in 0..4 {
            let settings = self.link_settings(cfg, i);
            if let (Some(link), Some(socket)) = (self.links.get_mut(i), SocketId::from_index(i)) {
                *link = Link::new(socket, settings);
            }
            if let Some(c) = self.caches.get_mut(i) {
                c.set_enabled(cfg.cache);
            }
        }
        let hb = &cfg.heartbeat;
        self.heartbeat = Heartbeat::new(
            HeartbeatSettings {
                enabled: hb.enabled,
                target: match hb.target {
                    keywords::HeartbeatTarget::Net => HeartbeatTarget::Net,
                    keywords::HeartbeatTarget::Com => HeartbeatTarget::Com,
                },
                kind: heartbeat_kind(hb.source),
                interval: self.secs(hb.interval_s),
            },
            now,
        );
        let reg = &cfg.registration;
        self.registration = Registration::new(RegistrationSettings {
            enabled: reg.enabled,
            send: match reg.send {
                keywords::RegistrationSend::Link => RegistrationSend::Link,
                keywords::RegistrationSend::Data => RegistrationSend::Data,
                keywords::RegistrationSend::LinkAndData => RegistrationSend::LinkAndData,
            },
            kind: registration_kind(reg.kind),
        });
        let rstim = (cfg.no_data_restart_s != 0).then(|| self.secs(cfg.no_data_restart_s));
        self.nodata = NoDataWatchdog::with_timeout(rstim, now);
        self.decoder.reset();
        for i in 0..4 {
            let action = self
                .links
                .get_mut(i)
                .and_then(|l| l.handle(LinkEvent::Start, now));
            // A restart asked for at start is returned by the next poll, never run from inside
            // the boot (a module whose every attempt is refused at once would boot forever).
            if let NetOutcome::Restart(reason) = self.act(cfg, i, action, now, svc, out) {
                self.pending_restart = Some(reason);
                return;
            }
        }
    }

    fn link_settings(&self, cfg: &Config, i: usize) -> LinkSettings {
        let Some(sock) = cfg.sockets.get(i) else {
            return LinkSettings {
                enabled: false,
                ..LinkSettings::default()
            };
        };
        let mode = match (i, cfg.socket_a_mode) {
            (0, keywords::ConnectionMode::Short) => ConnectionMode::Short {
                idle: self.secs(cfg.short_timeout_s),
            },
            _ => ConnectionMode::Long,
        };
        LinkSettings {
            enabled: sock.enabled,
            protocol: protocol(sock.protocol),
            backup_enabled: sock.backup_enabled,
            reconnect_interval: self.secs(cfg.reconnect_interval_s),
            max_failures: cfg.reconnect_limit,
            mode,
            keepalive: Keepalive {
                enabled: sock.keepalive.enabled != 0,
                idle_secs: sock.keepalive.idle_s,
                interval_secs: sock.keepalive.interval_s,
                count: sock.keepalive.count,
            },
        }
    }

    /// Leaves NET mode: every socket closed, caches cleared (counted: RAM does not survive a
    /// restart).
    pub(crate) fn stop<S: Services>(&mut self, svc: &mut S) {
        if self.running {
            for socket in SocketId::ALL {
                let _ = svc.network().close(socket);
            }
        }
        for c in &mut self.caches {
            let n = u32::try_from(c.len()).unwrap_or(u32::MAX);
            self.counters.cache_dropped = self.counters.cache_dropped.saturating_add(n);
            c.clear();
        }
        self.holding = [false; 4];
        self.readable = [false; 4];
        self.command_len = 0;
        self.running = false;
        for (i, link) in self.links.iter_mut().enumerate() {
            if let Some(socket) = SocketId::from_index(i) {
                *link = Link::new(socket, LinkSettings::default());
            }
        }
    }

    /// Runs a link action for socket `i`; a refused `open` is a failed attempt at once.
    fn act<S: Services, O: Sink>(
        &mut self,
        cfg: &Config,
        i: usize,
        mut action: Option<LinkAction>,
        now: Instant,
        svc: &mut S,
        out: &mut O,
    ) -> NetOutcome {
        let Some(socket) = SocketId::from_index(i) else {
            return NetOutcome::Nothing;
        };
        // A failed attempt never asks for another `Open` at once, so two rounds suffice.
        for _ in 0..2 {
            match action {
                None => return NetOutcome::Nothing,
                Some(LinkAction::Restart) => {
                    return NetOutcome::Restart(RestartReason::ReconnectLimit);
                }
                Some(LinkAction::Close) => {
                    let _ = svc.network().close(socket);
                    self.heartbeat
                        .handle(HeartbeatEvent::Disconnected(socket), now);
                    self.readable_clear(i);
                    out.event(Event::SocketDown(socket));
                    return NetOutcome::Nothing;
                }
                Some(LinkAction::Open {
                    server,
                    protocol,
                    keepalive,
                }) => {
                    if open(cfg, i, socket, server, protocol, keepalive, svc) {
                        return NetOutcome::Nothing;
                    }
                    self.counters.connect_failures =
                        self.counters.connect_failures.saturating_add(1);
                    out.event(Event::SocketDown(socket));
                    action = self
                        .links
                        .get_mut(i)
                        .and_then(|l| l.handle(LinkEvent::ConnectFailed, now));
                }
            }
        }
        NetOutcome::Nothing
    }

    fn readable_clear(&mut self, i: usize) {
        if let Some(r) = self.readable.get_mut(i) {
            *r = false;
        }
    }

    /// Network events, received data and timers. `to_serial` is false while the serial line is
    /// in command mode.
    pub(crate) fn poll<S: Services, O: Sink>(
        &mut self,
        cfg: &Config,
        now: Instant,
        svc: &mut S,
        out: &mut O,
        to_serial: bool,
    ) -> NetOutcome {
        if !self.running {
            return NetOutcome::Nothing;
        }
        self.last_now = now;
        if let Some(reason) = self.pending_restart.take() {
            return NetOutcome::Restart(reason);
        }
        for _ in 0..EVENTS_PER_POLL {
            let Some(event) = svc.network().poll_event() else {
                break;
            };
            let outcome = self.network_event(cfg, event, now, svc, out, to_serial);
            if outcome != NetOutcome::Nothing {
                return outcome;
            }
        }
        for i in 0..4 {
            let outcome = self.read_socket(cfg, i, now, svc, out, to_serial);
            if outcome != NetOutcome::Nothing {
                return outcome;
            }
        }
        for i in 0..4 {
            let action = self
                .links
                .get_mut(i)
                .and_then(|l| l.handle(LinkEvent::Tick, now));
            let outcome = self.act(cfg, i, action, now, svc, out);
            if outcome != NetOutcome::Nothing {
                return outcome;
            }
        }
        for action in self.heartbeat.handle(HeartbeatEvent::Tick, now) {
            match action {
                HeartbeatAction::SendToSocket(socket) => {
                    let mut buf = [0u8; MAX_PAYLOAD];
                    let n = heartbeat_bytes(cfg, svc, &mut buf);
                    if let Some(n) = n {
                        self.send_raw(socket, buf.get(..n).unwrap_or(&[]), svc, out);
                    }
                }
                HeartbeatAction::WriteToSerial => {
                    if to_serial {
                        let mut buf = [0u8; MAX_PAYLOAD];
                        let n = heartbeat_bytes(cfg, svc, &mut buf);
                        if let Some(n) = n {
                            out.serial(buf.get(..n).unwrap_or(&[]));
                        }
                    }
                }
            }
        }
        if let Some(NoDataAction::Restart) = self.nodata.handle(NoDataEvent::Tick, now) {
            return NetOutcome::Restart(RestartReason::NoData);
        }
        NetOutcome::Nothing
    }

    fn network_event<S: Services, O: Sink>(
        &mut self,
        cfg: &Config,
        event: NetEvent,
        now: Instant,
        svc: &mut S,
        out: &mut O,
        to_serial: bool,
    ) -> NetOutcome {
        match event {
            NetEvent::Readable(socket) => {
                if let Some(r) = self.readable.get_mut(socket.index()) {
                    *r = true;
                }
                NetOutcome::Nothing
            }
            NetEvent::Connected(socket) => {
                let i = socket.index();
                let Some(link) = self.links.get_mut(i) else {
                    return NetOutcome::Nothing;
                };
                let was = link.is_connected();
                link.handle(LinkEvent::Connected, now);
                if was || !link.is_connected() {
                    return NetOutcome::Nothing;
                }
                self.counters.connects = self.counters.connects.saturating_add(1);
                out.event(Event::SocketConnected(socket));
                self.heartbeat
                    .handle(HeartbeatEvent::Connected(socket), now);
                if let Some(RegistrationAction::SendPacket(s)) = self
                    .registration
                    .handle(RegistrationEvent::Connected(socket), now)
                {
                    let mut buf = [0u8; MAX_PAYLOAD];
                    let n = payload(cfg, svc, &mut buf, |src, b| {
                        write_registration(registration_kind(cfg.registration.kind), src, b).ok()
                    });
                    if let Some(n) = n {
                        self.send_raw(s, buf.get(..n).unwrap_or(&[]), svc, out);
                    }
                }
                self.drain_cache(cfg, i, now, svc, out);
                NetOutcome::Nothing
            }
            NetEvent::ConnectFailed(socket) | NetEvent::Closed(socket) => {
                let i = socket.index();
                let Some(link) = self.links.get_mut(i) else {
                    return NetOutcome::Nothing;
                };
                let was = link.is_connected();
                let connecting = matches!(link.state(), LinkState::Connecting(_));
                if !was && !connecting {
                    // Stale: a socket closed by the engine, or an event after a restart.
                    return NetOutcome::Nothing;
                }
                let link_event = if was {
                    LinkEvent::Closed
                } else {
                    LinkEvent::ConnectFailed
                };
                let action = link.handle(link_event, now);
                // What arrived before the close is read before the socket is closed (closing
                // drops what the service still holds).
                let read = self.read_socket(cfg, i, now, svc, out, to_serial);
                let _ = svc.network().close(socket);
                self.readable_clear(i);
                if was {
                    self.counters.drops = self.counters.drops.saturating_add(1);
                    self.heartbeat
                        .handle(HeartbeatEvent::Disconnected(socket), now);
                } else {
                    self.counters.connect_failures =
                        self.counters.connect_failures.saturating_add(1);
                }
                out.event(Event::SocketDown(socket));
                match self.act(cfg, i, action, now, svc, out) {
                    NetOutcome::Nothing => read,
                    restart => restart,
                }
            }
        }
    }

    /// Reads what socket `i` received.
    fn read_socket<S: Services, O: Sink>(
        &mut self,
        cfg: &Config,
        i: usize,
        now: Instant,
        svc: &mut S,
        out: &mut O,
        to_serial: bool,
    ) -> NetOutcome {
        let Some(socket) = SocketId::from_index(i) else {
            return NetOutcome::Nothing;
        };
        for _ in 0..READS_PER_POLL {
            if !self.readable.get(i).copied().unwrap_or(false) {
                return NetOutcome::Nothing;
            }
            let mut buf = [0u8; MAX_PACKET];
            let n = match svc.network().receive(socket, &mut buf) {
                Ok(0) => {
                    self.readable_clear(i);
                    return NetOutcome::Nothing;
                }
                Ok(n) => n.min(buf.len()),
                Err(_) => {
                    // WouldBlock: read to the end. Anything else: the close event follows.
                    self.readable_clear(i);
                    return NetOutcome::Nothing;
                }
            };
            let packet = buf.get(..n).unwrap_or(&[]);
            self.counters.packets_received = self.counters.packets_received.saturating_add(1);
            if let Some(link) = self.links.get_mut(i) {
                link.handle(LinkEvent::NetworkData, now);
            }
            let password = cfg.command_password.as_bytes();
            if let Some(line) = network_at_command(packet, password, cfg.network_at) {
                let len = line.len().min(MAX_LINE);
                if let (Some(dst), Some(src)) = (self.command.get_mut(..len), line.get(..len)) {
                    dst.copy_from_slice(src);
                }
                self.command_len = len;
                self.counters.network_commands = self.counters.network_commands.saturating_add(1);
                return NetOutcome::Command { socket, len };
            }
            self.nodata.handle(NoDataEvent::Data, now);
            if to_serial {
                self.write_serial(socket, packet, out);
            } else {
                self.hold(i, socket, packet, out);
            }
        }
        NetOutcome::Nothing
    }

    /// Keeps network data while the serial line is in command mode.
    fn hold<O: Sink>(&mut self, i: usize, socket: SocketId, packet: &[u8], out: &mut O) {
        let (Some(cache), Some(holding)) = (self.caches.get_mut(i), self.holding.get_mut(i)) else {
            return;
        };
        if !*holding && !cache.is_empty() {
            // Serial packets still wait to be sent on this socket: no room to hold.
            self.counters.held_dropped = self.counters.held_dropped.saturating_add(1);
            out.event(Event::NetworkDropped {
                socket,
                len: packet.len(),
            });
            return;
        }
        *holding = true;
        // Held whatever CACHEN says (protocol-notes §1 keeps it within the cache bound).
        cache.set_enabled(true);
        let stored = cache.push(packet);
        cache.set_enabled(self.cache_enabled);
        if stored != Stored::Kept {
            self.counters.held_dropped = self.counters.held_dropped.saturating_add(1);
            out.event(Event::NetworkDropped {
                socket,
                len: packet.len(),
            });
        }
    }

    /// Writes network data to serial, SDP-framed when `SDPEN=ON`.
    fn write_serial<O: Sink>(&self, socket: SocketId, data: &[u8], out: &mut O) {
        if self.sdp {
            let mut frame = [0u8; MAX_PACKET + sdp::OVERHEAD];
            if let Ok(n) = sdp::encode_data(Direction::ToHost, socket, data, &mut frame) {
                out.serial(frame.get(..n).unwrap_or(&[]));
            }
        } else {
            out.serial(data);
        }
    }

    /// Writes what was held during command mode (after `AT+ENTM`).
    pub(crate) fn flush_held<O: Sink>(&mut self, out: &mut O) {
        for i in 0..4 {
            let (Some(socket), Some(true)) =
                (SocketId::from_index(i), self.holding.get(i).copied())
            else {
                continue;
            };
            loop {
                let mut buf = [0u8; MAX_PACKET];
                let n = match self.caches.get(i).and_then(|c| c.front()) {
                    Some(p) => copy_into(&mut buf, p),
                    None => break,
                };
                if let Some(c) = self.caches.get_mut(i) {
                    c.pop_front();
                }
                self.write_serial(socket, buf.get(..n).unwrap_or(&[]), out);
            }
            if let Some(h) = self.holding.get_mut(i) {
                *h = false;
            }
        }
    }

    /// When [`Net::poll`] has something to do (it must also be called when the network service
    /// has events, which the engine cannot see).
    pub(crate) fn poll_at(&self) -> Option<Instant> {
        if !self.running {
            return None;
        }
        let now = (self.readable.iter().any(|&r| r) || self.pending_restart.is_some())
            .then_some(self.last_now);
        self.links
            .iter()
            .filter_map(Link::poll_at)
            .chain(self.heartbeat.poll_at())
            .chain(self.nodata.poll_at())
            .chain(now)
            .min()
    }

    /// Copies the waiting network AT command into `buf`; returns its length.
    pub(crate) fn take_command(&mut self, buf: &mut [u8]) -> usize {
        let n = copy_into(buf, self.command.get(..self.command_len).unwrap_or(&[]));
        self.command_len = 0;
        n
    }

    /// Sends the answer of a network AT command back on its socket.
    pub(crate) fn send_reply<S: Services, O: Sink>(
        &mut self,
        socket: SocketId,
        reply: &[u8],
        svc: &mut S,
        out: &mut O,
    ) {
        if !reply.is_empty() {
            self.send_raw(socket, reply, svc, out);
        }
    }

    /// Sends one of the module's own packets (registration, heartbeat, AT answer) on a
    /// connected socket; returns whether it went out.
    fn send_raw<S: Services, O: Sink>(
        &mut self,
        socket: SocketId,
        data: &[u8],
        svc: &mut S,
        out: &mut O,
    ) -> bool {
        if !self.is_connected(socket) {
            return false;
        }
        match svc.network().send(socket, data) {
            Ok(_) => {
                self.counters.packets_sent = self.counters.packets_sent.saturating_add(1);
                self.heartbeat
                    .handle(HeartbeatEvent::Sent(socket), self.last_now);
                true
            }
            Err(_) => {
                self.counters.send_failures = self.counters.send_failures.saturating_add(1);
                out.event(Event::SendFailed(socket));
                false
            }
        }
    }

    /// Sends a serial packet, with the registration bytes in front when `REGSND` says so.
    fn send_data<S: Services, O: Sink>(
        &mut self,
        socket: SocketId,
        data: &[u8],
        cfg: &Config,
        now: Instant,
        svc: &mut S,
        out: &mut O,
    ) -> bool {
        match self
            .registration
            .handle(RegistrationEvent::DataPacket(socket), now)
        {
            Some(RegistrationAction::PrependToData(_)) => {
                let mut buf = [0u8; MAX_PAYLOAD + MAX_PACKET];
                let n = payload(cfg, svc, &mut buf, |src, b| {
                    write_registration(registration_kind(cfg.registration.kind), src, b).ok()
                })
                .unwrap_or(0);
                let total = n.saturating_add(data.len()).min(buf.len());
                if let Some(dst) = buf.get_mut(n..total) {
                    let m = dst.len();
                    dst.copy_from_slice(data.get(..m).unwrap_or(&[]));
                }
                self.send_raw(socket, buf.get(..total).unwrap_or(&[]), svc, out)
            }
            _ => self.send_raw(socket, data, svc, out),
        }
    }

    /// Sends what the cache of socket `i` holds, oldest first, until a send fails.
    fn drain_cache<S: Services, O: Sink>(
        &mut self,
        cfg: &Config,
        i: usize,
        now: Instant,
        svc: &mut S,
        out: &mut O,
    ) {
        let Some(socket) = SocketId::from_index(i) else {
            return;
        };
        if self.holding.get(i).copied().unwrap_or(false) {
            return;
        }
        loop {
            let mut buf = [0u8; MAX_PACKET];
            let n = match self.caches.get(i).and_then(|c| c.front()) {
                Some(p) => copy_into(&mut buf, p),
                None => return,
            };
            if !self.send_data(socket, buf.get(..n).unwrap_or(&[]), cfg, now, svc, out) {
                return;
            }
            if let Some(c) = self.caches.get_mut(i) {
                c.pop_front();
            }
        }
    }

    /// One serial packet in NET mode; returns whether a socket took it.
    pub(crate) fn serial_packet<S: Services, O: Sink>(
        &mut self,
        cfg: &Config,
        packet: &[u8],
        now: Instant,
        svc: &mut S,
        out: &mut O,
    ) -> bool {
        if !self.running {
            return false;
        }
        self.last_now = now;
        self.nodata.handle(NoDataEvent::Data, now);
        if !self.sdp {
            return self
                .for_socket(cfg, SocketId::A, packet, now, svc, out)
                .is_ok();
        }
        let mut rest = packet;
        let mut flushed = false;
        loop {
            let mut data = [0u8; MAX_PACKET];
            let step = if rest.is_empty() {
                if flushed {
                    return true;
                }
                match self.decoder.flush() {
                    Some(event) => Some((to_owned(event, &mut data), 0)),
                    None => {
                        flushed = true;
                        None
                    }
                }
            } else {
                match self.decoder.feed(rest) {
                    cat1_at_parse::Status::Partial => {
                        rest = &[];
                        None
                    }
                    cat1_at_parse::Status::Complete(event, used) => {
                        Some((to_owned(event, &mut data), used))
                    }
                }
            };
            let Some((event, used)) = step else {
                continue;
            };
            rest = rest.get(used..).unwrap_or(&[]);
            match event {
                Owned::Frame(socket, n) => {
                    let frame = data.get(..n).unwrap_or(&[]);
                    if self.for_socket(cfg, socket, frame, now, svc, out).is_err() {
                        self.status(socket, StatusCode::SendFailed, out);
                    }
                }
                Owned::Error(socket, code) => self.status(socket, code, out),
                Owned::Ignored => {}
            }
        }
    }

    fn status<O: Sink>(&mut self, socket: SocketId, code: StatusCode, out: &mut O) {
        let mut frame = [0u8; sdp::OVERHEAD + 1];
        if let Ok(n) = sdp::encode_status(socket, code, &mut frame) {
            self.counters.sdp_status_frames = self.counters.sdp_status_frames.saturating_add(1);
            out.serial(frame.get(..n).unwrap_or(&[]));
        }
    }

    /// A serial packet for `socket`: sent when connected, cached otherwise.
    fn for_socket<S: Services, O: Sink>(
        &mut self,
        cfg: &Config,
        socket: SocketId,
        data: &[u8],
        now: Instant,
        svc: &mut S,
        out: &mut O,
    ) -> Result<(), ()> {
        let i = socket.index();
        let Some(link) = self.links.get_mut(i) else {
            return Err(());
        };
        if matches!(link.state(), LinkState::Disabled | LinkState::Stopped) {
            return Err(());
        }
        let action = link.handle(LinkEvent::SerialData, now);
        let connected = link.is_connected();
        if connected && self.caches.get(i).is_some_and(|c| c.is_empty()) {
            return if self.send_data(socket, data, cfg, now, svc, out) {
                Ok(())
            } else {
                Err(())
            };
        }
        let cache_on = cfg.cache;
        let Some(cache) = self.caches.get_mut(i) else {
            return Err(());
        };
        // A short connection caches the packet that opens it whatever CACHEN says (module
        // documentation).
        if i == 0 && cfg.socket_a_mode == keywords::ConnectionMode::Short {
            cache.set_enabled(true);
        }
        let stored = cache.push(data);
        cache.set_enabled(cache_on);
        let result = match stored {
            Stored::Kept => Ok(()),
            Stored::KeptDroppingOldest => {
                self.counters.cache_dropped = self.counters.cache_dropped.saturating_add(1);
                out.event(Event::CacheDropped(socket));
                Ok(())
            }
            Stored::DiscardedCacheOff | Stored::DiscardedTooLong => {
                self.counters.cache_dropped = self.counters.cache_dropped.saturating_add(1);
                out.event(Event::CacheDropped(socket));
                Err(())
            }
        };
        if let NetOutcome::Restart(reason) = self.act(cfg, i, action, now, svc, out) {
            self.pending_restart = Some(reason);
        }
        if connected {
            self.drain_cache(cfg, i, now, svc, out);
        }
        result
    }
}

/// Opens socket `i` to the main or backup server of `cfg`; `false` when it cannot even start
/// (no backup address, a host that is not UTF-8, the service refused).
fn open<S: Services>(
    cfg: &Config,
    i: usize,
    socket: SocketId,
    server: Server,
    protocol: Protocol,
    keepalive: Keepalive,
    svc: &mut S,
) -> bool {
    let Some(sock) = cfg.sockets.get(i) else {
        return false;
    };
    let (address, port) = match server {
        Server::Main => (sock.address.as_bytes(), sock.port),
        Server::Backup => (sock.backup_address.as_bytes(), sock.backup_port),
    };
    let Ok(host) = core::str::from_utf8(address) else {
        return false;
    };
    if host.is_empty() {
        return false;
    }
    svc.network()
        .open(socket, protocol, Endpoint { host, port }, keepalive)
        .is_ok()
}

/// Builds a registration or heartbeat payload into `buf` from the configuration and the
/// identity and radio services.
/// The heartbeat packet. With `AT+GPS=ON` and `AT+GPSOUT=ON`, an LBS heartbeat carries the GPS
/// position after the cell (decision, protocol-notes §12: `,LNG=<lng>,LAT=<lat>` in the style of
/// `AT+LBS=1`); without a fix it is the plain LBS heartbeat.
fn heartbeat_bytes<S: Services>(cfg: &Config, svc: &mut S, buf: &mut [u8]) -> Option<usize> {
    let kind = heartbeat_kind(cfg.heartbeat.source);
    let n = payload(cfg, svc, buf, |src, b| write_heartbeat(kind, src, b).ok())?;
    if kind != HeartbeatKind::Lbs || !cfg.gps.enabled || !cfg.gps.append_to_heartbeat {
        return Some(n);
    }
    let Ok(Some(fix)) = crate::services::Positioning::gps_fix(svc.positioning()) else {
        return Some(n);
    };
    let (_, rest) = buf.split_at_mut_checked(n)?;
    let mut w = cat1_at_parse::Writer::new(rest);
    w.put(b",LNG=");
    w.put(&fix.longitude);
    w.put(b",LAT=");
    w.put(&fix.latitude);
    match w.finish() {
        Ok(extra) => Some(n.saturating_add(extra)),
        // Too long for the packet: the plain LBS heartbeat, never a cut one.
        Err(_) => Some(n),
    }
}

fn payload<S: Services>(
    cfg: &Config,
    svc: &mut S,
    buf: &mut [u8],
    write: impl FnOnce(&PayloadSources<'_>, &mut [u8]) -> Option<usize>,
) -> Option<usize> {
    let mut user_reg = [0u8; MAX_PAYLOAD];
    let mut user_hb = [0u8; MAX_PAYLOAD];
    let reg_n = decode_hex(cfg.registration.data.as_bytes(), &mut user_reg).unwrap_or(0);
    let hb_n = decode_hex(cfg.heartbeat.data.as_bytes(), &mut user_hb).unwrap_or(0);
    let mut imei = [0u8; 32];
    let mut iccid = [0u8; 32];
    let mut sn = [0u8; 32];
    let imei_n = svc.identity().imei(&mut imei).unwrap_or(0);
    let iccid_n = svc.identity().iccid(&mut iccid).unwrap_or(0);
    let sn_n = svc.identity().serial_number(&mut sn).unwrap_or(0);
    let serving_cell = svc.radio().serving_cell().ok();
    let src = PayloadSources {
        user_registration: user_reg.get(..reg_n).unwrap_or(&[]),
        user_heartbeat: user_hb.get(..hb_n).unwrap_or(&[]),
        iccid: iccid.get(..iccid_n).unwrap_or(&[]),
        imei: imei.get(..imei_n).unwrap_or(&[]),
        sn: sn.get(..sn_n).unwrap_or(&[]),
        cloud_id: cfg.registration.cloud_id.as_bytes(),
        cloud_password: cfg.registration.cloud_password.as_bytes(),
        serving_cell,
    };
    write(&src, buf)
}

fn protocol(p: keywords::Protocol) -> Protocol {
    match p {
        keywords::Protocol::Tcp => Protocol::Tcp,
        keywords::Protocol::Udp => Protocol::Udp,
    }
}

fn heartbeat_kind(k: keywords::HeartbeatSource) -> HeartbeatKind {
    match k {
        keywords::HeartbeatSource::Iccid => HeartbeatKind::Iccid,
        keywords::HeartbeatSource::Imei => HeartbeatKind::Imei,
        keywords::HeartbeatSource::Sn => HeartbeatKind::Sn,
        keywords::HeartbeatSource::User => HeartbeatKind::User,
        keywords::HeartbeatSource::Lbs => HeartbeatKind::Lbs,
    }
}

fn registration_kind(k: keywords::RegistrationKind) -> RegistrationKind {
    match k {
        keywords::RegistrationKind::Iccid => RegistrationKind::Iccid,
        keywords::RegistrationKind::Imei => RegistrationKind::Imei,
        keywords::RegistrationKind::Sn => RegistrationKind::Sn,
        keywords::RegistrationKind::User => RegistrationKind::User,
        keywords::RegistrationKind::Cloud => RegistrationKind::Cloud,
    }
}

fn copy_into(dst: &mut [u8], src: &[u8]) -> usize {
    let n = src.len().min(dst.len());
    if let (Some(d), Some(s)) = (dst.get_mut(..n), src.get(..n)) {
        d.copy_from_slice(s);
    }
    n
}

/// A decoder event with its data copied out, so the decoder can be fed again.
enum Owned {
    /// A data frame for the socket; its data is in the caller's buffer.
    Frame(SocketId, usize),
    /// A bad frame: answer this status on this socket.
    Error(SocketId, StatusCode),
    /// A status frame from the MCU (not valid towards the module; the decoder does not hand
    /// these out for `ToModule`, kept for completeness).
    Ignored,
}

fn to_owned(event: sdp::Event<'_>, data: &mut [u8]) -> Owned {
    match event {
        sdp::Event::Frame(sdp::Frame {
            socket,
            payload: sdp::Payload::Data(d),
        }) => Owned::Frame(socket, copy_into(data, d)),
        sdp::Event::Frame(_) => Owned::Ignored,
        sdp::Event::Error(e) => Owned::Error(e.reply_socket(), e.status_code()),
    }
}
