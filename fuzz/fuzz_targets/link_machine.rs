//! `cat1_socket::link::Link` driven by arbitrary settings and event sequences in virtual time.
//!
//! Checks: no panic, and the rules hold at every step:
//! - the failure count stays below `SOCKRSNUM` until the one `Restart`, which comes exactly when
//!   it reaches it, and nothing follows it;
//! - `Open` only when no attempt is in flight and the link is not connected, always with the
//!   configured protocol and keepalive, and to the backup only when backup is on;
//! - `Close` only on a short connection of socket A;
//! - after a `Tick` at `now`, `poll_at()` is `None` or later than `now`.
#![no_main]

use arbitrary::Arbitrary;
use cat1_socket::link::{
    ConnectionMode, Link, LinkAction, LinkEvent, LinkSettings, LinkState, Server,
};
use cat1_socket::{Duration, Instant, Keepalive, Protocol, SocketId};
use libfuzzer_sys::fuzz_target;

#[derive(Debug, Arbitrary)]
struct Input {
    socket: u8,
    enabled: bool,
    udp: bool,
    backup: bool,
    reconnect_secs: u8,
    max_failures: u8,
    short_idle_secs: Option<u8>,
    keepalive: (bool, u16, u8, u8),
    steps: Vec<(u8, u16)>,
}

fuzz_target!(|input: Input| {
    let socket = SocketId::from_index(usize::from(input.socket % 4)).unwrap();
    let keepalive = Keepalive {
        enabled: input.keepalive.0,
        idle_secs: input.keepalive.1,
        interval_secs: input.keepalive.2,
        count: input.keepalive.3,
    };
    let protocol = if input.udp {
        Protocol::Udp
    } else {
        Protocol::Tcp
    };
    let settings = LinkSettings {
        enabled: input.enabled,
        protocol,
        backup_enabled: input.backup,
        reconnect_interval: Duration::from_secs(u64::from(input.reconnect_secs)),
        max_failures: u16::from(input.max_failures),
        mode: match input.short_idle_secs {
            Some(s) => ConnectionMode::Short {
                idle: Duration::from_secs(u64::from(s)),
            },
            None => ConnectionMode::Long,
        },
        keepalive,
    };
    let short_a = socket == SocketId::A && input.short_idle_secs.is_some();
    let mut link = Link::new(socket, settings);
    let max = link.max_failures();
    let mut now = Instant::ZERO;
    let mut restarted = false;
    for (kind, delta_ms) in input.steps.iter().take(500) {
        now += Duration::from_millis(u64::from(*delta_ms));
        let event = match kind % 8 {
            0 => LinkEvent::Start,
            1 => LinkEvent::Connected,
            2 => LinkEvent::ConnectFailed,
            3 => LinkEvent::Closed,
            4 => LinkEvent::SerialData,
            5 => LinkEvent::NetworkData,
            _ => {
                // Ticks mostly land on the deadline, as a well-behaved caller's would.
                if let Some(at) = link.poll_at() {
                    if kind % 2 == 0 && at > now {
                        now = at;
                    }
                }
                LinkEvent::Tick
            }
        };
        let before = link.state();
        let failures_before = link.consecutive_failures();
        let action = link.handle(event, now);
        if restarted {
            assert_eq!(action, None, "nothing after the restart");
        }
        match action {
            Some(LinkAction::Restart) => {
                assert!(matches!(before, LinkState::Connecting(_)));
                assert_eq!(
                    failures_before + 1,
                    max,
                    "restart after exactly SOCKRSNUM failures"
                );
                restarted = true;
            }
            Some(LinkAction::Open {
                server,
                protocol: p,
                keepalive: k,
            }) => {
                assert!(!matches!(
                    before,
                    LinkState::Connecting(_) | LinkState::Connected(_)
                ));
                assert_eq!(p, protocol);
                assert_eq!(k, keepalive);
                assert!(server == Server::Main || input.backup);
                assert!(matches!(link.state(), LinkState::Connecting(s) if s == server));
            }
            Some(LinkAction::Close) => {
                assert!(short_a);
                assert!(matches!(before, LinkState::Connected(_)));
                assert_eq!(link.state(), LinkState::Idle);
            }
            None => {}
        }
        if link.state() == LinkState::Restarting {
            assert!(restarted);
        } else {
            assert!(link.consecutive_failures() < max);
        }
        if !input.enabled {
            assert!(matches!(
                link.state(),
                LinkState::Stopped | LinkState::Disabled
            ));
        }
        if event == LinkEvent::Tick {
            if let Some(at) = link.poll_at() {
                assert!(
                    at > now,
                    "a deadline at or before the tick that was just handled"
                );
            }
        }
    }
});
