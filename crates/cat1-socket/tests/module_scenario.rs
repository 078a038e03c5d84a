//! The machines composed for one socket, as a firmware engine would: serial bytes are packed,
//! cached while the link is down, delivered in order after the LINK registration once it is up,
//! heartbeats follow idle time, and a dropped link is retried after SOCKRSTIM. Virtual time only.

use cat1_socket::cache::{Cache, Stored};
use cat1_socket::heartbeat::{
    Heartbeat, HeartbeatAction, HeartbeatEvent, HeartbeatSettings, HeartbeatTarget,
};
use cat1_socket::link::{Link, LinkAction, LinkEvent, LinkSettings, Server};
use cat1_socket::packing::{Packer, PackingSettings};
use cat1_socket::payload::{
    HeartbeatKind, PayloadSources, RegistrationKind, write_heartbeat, write_registration,
};
use cat1_socket::registration::{
    Registration, RegistrationAction, RegistrationEvent, RegistrationSend, RegistrationSettings,
};
use cat1_socket::sdp::{self, Direction};
use cat1_socket::{Duration, Instant, SocketId, Status};

/// What the "network" saw on socket A.
struct Engine {
    link: Link,
    packer: Packer<64>,
    cache: Cache<3, 64>,
    registration: Registration,
    heartbeat: Heartbeat,
    sent: Vec<Vec<u8>>,
    opens: Vec<(Instant, Server)>,
}

const SOURCES: PayloadSources<'static> = PayloadSources {
    user_registration: b"REG",
    user_heartbeat: b"HB",
    iccid: b"",
    imei: b"864333040712457",
    sn: b"",
    cloud_id: b"",
    cloud_password: b"",
    serving_cell: None,
};

impl Engine {
    fn new() -> Self {
        Engine {
            link: Link::new(
                SocketId::A,
                LinkSettings {
                    reconnect_interval: Duration::from_secs(10),
                    ..LinkSettings::default()
                },
            ),
            packer: Packer::new(PackingSettings {
                silence: Duration::from_millis(50),
                max_len: 8,
            }),
            cache: Cache::new(true),
            registration: Registration::new(RegistrationSettings {
                enabled: true,
                send: RegistrationSend::Link,
                kind: RegistrationKind::Imei,
            }),
            heartbeat: Heartbeat::new(
                HeartbeatSettings {
                    enabled: true,
                    target: HeartbeatTarget::Net,
                    kind: HeartbeatKind::User,
                    interval: Duration::from_secs(30),
                },
                Instant::ZERO,
            ),
            sent: Vec::new(),
            opens: Vec::new(),
        }
    }

    fn send(&mut self, bytes: &[u8], now: Instant) {
        self.sent.push(bytes.to_vec());
        self.heartbeat
            .handle(HeartbeatEvent::Sent(SocketId::A), now);
    }

    fn packet(&mut self, packet: Vec<u8>, now: Instant) {
        self.link.handle(LinkEvent::SerialData, now);
        if self.link.is_connected() {
            self.send(&packet, now);
        } else {
            let _ = self.cache.push(&packet);
        }
    }

    fn serial(&mut self, mut bytes: &[u8], now: Instant) {
        while let Status::Complete(p, used) = self.packer.feed(bytes, now) {
            let p = p.to_vec();
            self.packet(p, now);
            bytes = &bytes[used..];
        }
    }

    fn link_event(&mut self, event: LinkEvent, now: Instant) {
        let action = self.link.handle(event, now);
        self.link_action(action, now);
        match event {
            LinkEvent::Connected => {
                self.heartbeat
                    .handle(HeartbeatEvent::Connected(SocketId::A), now);
                if let Some(RegistrationAction::SendPacket(_)) = self
                    .registration
                    .handle(RegistrationEvent::Connected(SocketId::A), now)
                {
                    let mut buf = [0u8; 32];
                    let n =
                        write_registration(self.registration.kind(), &SOURCES, &mut buf).unwrap();
                    self.send(&buf[..n], now);
                }
                while let Some(p) = self.cache.front() {
                    let p = p.to_vec();
                    self.cache.pop_front();
                    self.send(&p, now);
                }
            }
            LinkEvent::Closed => {
                self.heartbeat
                    .handle(HeartbeatEvent::Disconnected(SocketId::A), now);
            }
            _ => {}
        }
    }

    fn link_action(&mut self, action: Option<LinkAction>, now: Instant) {
        if let Some(LinkAction::Open { server, .. }) = action {
            self.opens.push((now, server));
        }
    }

    /// Advances virtual time to `until`, firing every deadline on the way.
    fn run_until(&mut self, until: Instant) {
        loop {
            let next = [
                self.packer.poll_at(),
                self.link.poll_at(),
                self.heartbeat.poll_at(),
            ]
            .into_iter()
            .flatten()
            .min();
            let Some(at) = next.filter(|&at| at <= until) else {
                break;
            };
            if let Some(p) = self.packer.poll(at).map(<[u8]>::to_vec) {
                self.packet(p, at);
            }
            let action = self.link.handle(LinkEvent::Tick, at);
            self.link_action(action, at);
            for a in self.heartbeat.handle(HeartbeatEvent::Tick, at) {
                if let HeartbeatAction::SendToSocket(_) = a {
                    let mut buf = [0u8; 8];
                    let n = write_heartbeat(HeartbeatKind::User, &SOURCES, &mut buf).unwrap();
                    self.send(&buf[..n], at);
                }
            }
        }
    }
}

fn ms(n: u64) -> Instant {
    Instant::from_millis(n)
}

#[test]
fn one_socket_through_connect_cache_registration_heartbeat_and_reconnect() {
    let mut e = Engine::new();
    e.link_event(LinkEvent::Start, ms(0));
    assert_eq!(e.opens, [(ms(0), Server::Main)]);
    e.link_event(LinkEvent::ConnectFailed, ms(100));

    // Serial data while down: packed by length (8) and by silence, then cached.
    e.serial(b"0123456789", ms(200));
    e.run_until(ms(1000));
    assert_eq!(e.cache.len(), 2);

    // The retry comes exactly SOCKRSTIM after the failure.
    e.run_until(ms(10_099));
    assert_eq!(e.opens.len(), 1);
    e.run_until(ms(10_100));
    assert_eq!(e.opens, [(ms(0), Server::Main), (ms(10_100), Server::Main)]);

    // Connected: registration first, then the cache in order.
    e.link_event(LinkEvent::Connected, ms(10_500));
    assert_eq!(
        e.sent,
        [
            b"864333040712457".to_vec(),
            b"01234567".to_vec(),
            b"89".to_vec()
        ]
    );

    // Idle for HEARTTM: one heartbeat at 40.5 s, the next at 70.5 s.
    e.run_until(ms(75_000));
    assert_eq!(e.sent[3..], [b"HB".to_vec(), b"HB".to_vec()]);

    // The link drops and is retried after SOCKRSTIM on the main server.
    e.link_event(LinkEvent::Closed, ms(80_000));
    e.run_until(ms(95_000));
    assert_eq!(e.opens.last(), Some(&(ms(90_000), Server::Main)));
    assert_eq!(e.sent.len(), 5, "no heartbeat while down");
}

#[test]
fn cache_overflow_while_down_is_counted_and_sdp_tags_the_socket() {
    let mut e = Engine::new();
    e.link_event(LinkEvent::Start, ms(0));
    for i in 0..5u8 {
        e.serial(&[b'a' + i], ms(u64::from(i) * 100));
        e.run_until(ms(u64::from(i) * 100 + 60));
    }
    assert_eq!(e.cache.len(), 3);
    assert_eq!(e.cache.counters().dropped_oldest, 2);
    assert_eq!(e.cache.front(), Some(&b"c"[..]));
    assert_eq!(e.cache.push(b"f"), Stored::KeptDroppingOldest);

    // What the module writes to the MCU for data from socket A, in SDP framing.
    let mut out = [0u8; 16];
    let n = sdp::encode_data(Direction::ToHost, SocketId::A, b"c", &mut out).unwrap();
    assert_eq!(
        &out[..n],
        &[0xAA, 0xFD, 0x55, 0x00, 0x03, 0x61, 0x00, b'c', 0xC4]
    );
}
