//! `cat1_socket::server::Session` with fuzzer-chosen settings, fed arbitrary segments and
//! network AT commands.
//!
//! Checks: no panic; every slice an event hands out lies inside the segment it came from; the
//! registration, when it comes with data, and the data cover the segment exactly; at most one
//! registration event per connection, except for a packet that is nothing
//! but the registration; an AT response only while a command is in flight, and a
//! final result ends it.
#![no_main]

use arbitrary::Arbitrary;
use cat1_socket::payload::{HeartbeatKind, RegistrationKind};
use cat1_socket::registration::RegistrationSend;
use cat1_socket::server::{ServerEvent, Session, SessionConfig};
use libfuzzer_sys::fuzz_target;

#[derive(Debug, Arbitrary)]
struct Input {
    registration: Option<(u8, u8)>,
    heartbeat: Option<u8>,
    user_registration: Vec<u8>,
    user_heartbeat: Vec<u8>,
    password: Vec<u8>,
    iccid_20: bool,
    steps: Vec<Step>,
}

#[derive(Debug, Arbitrary)]
enum Step {
    Segment(Vec<u8>),
    Command(Vec<u8>),
    Cancel,
}

fn inside(part: &[u8], whole: &[u8]) -> bool {
    let (p, w) = (part.as_ptr() as usize, whole.as_ptr() as usize);
    p >= w && p + part.len() <= w + whole.len()
}

fuzz_target!(|input: Input| {
    let registration = input.registration.map(|(send, kind)| {
        let send = match send % 3 {
            0 => RegistrationSend::Link,
            1 => RegistrationSend::Data,
            _ => RegistrationSend::LinkAndData,
        };
        let kind = match kind % 5 {
            0 => RegistrationKind::Iccid,
            1 => RegistrationKind::Imei,
            2 => RegistrationKind::Sn,
            3 => RegistrationKind::User,
            _ => RegistrationKind::Cloud,
        };
        (send, kind)
    });
    let heartbeat = input.heartbeat.map(|k| match k % 5 {
        0 => HeartbeatKind::Iccid,
        1 => HeartbeatKind::Imei,
        2 => HeartbeatKind::Sn,
        3 => HeartbeatKind::User,
        _ => HeartbeatKind::Lbs,
    });
    let config = SessionConfig {
        registration,
        user_registration: &input.user_registration,
        heartbeat,
        user_heartbeat: &input.user_heartbeat,
        password: &input.password,
        iccid_len: if input.iccid_20 { 20 } else { 19 },
    };
    let mut session = Session::new(config);
    let mut registrations = 0usize; // registration events so far
    let mut out = [0u8; 256];
    for step in input.steps.iter().take(200) {
        match step {
            Step::Segment(segment) => {
                let in_flight = session.command_in_flight();
                let events = session.feed(segment);
                if segment.is_empty() {
                    assert!(events.is_empty());
                    continue;
                }
                assert!(!events.is_empty(), "a segment always says what it was");
                let mut covered = 0usize;
                for e in &events {
                    match *e {
                        ServerEvent::Registration {
                            identity, secret, ..
                        } => {
                            registrations += 1;
                            if registrations > 1 {
                                // Again only as a packet that is nothing but the registration.
                                assert_eq!(events.len(), 1);
                                assert_eq!(identity.len() + secret.len(), segment.len());
                            }
                            assert!(inside(identity, segment) && inside(secret, segment));
                            covered += identity.len() + secret.len();
                        }
                        ServerEvent::MissingRegistration(b)
                        | ServerEvent::Heartbeat(b)
                        | ServerEvent::Data(b) => {
                            assert!(inside(b, segment));
                            covered += b.len();
                        }
                        ServerEvent::AtResponse { text, result } => {
                            assert!(in_flight);
                            assert_eq!(text, &segment[..]);
                            assert_eq!(session.command_in_flight(), result.is_none());
                            covered += text.len();
                        }
                    }
                }
                // Registration plus data cover the segment exactly, except with LINK&DATA, where
                // data after a LINK registration carries the prefix again.
                let link_and_data =
                    matches!(registration, Some((RegistrationSend::LinkAndData, _)));
                if events.len() == 2 && !link_and_data {
                    assert_eq!(covered, segment.len());
                }
                assert!(covered <= segment.len());
            }
            Step::Command(cmd) => {
                if let Ok(n) = session.encode_command(cmd, &mut out) {
                    assert!(out[..n].starts_with(&input.password));
                    assert_eq!(out[n - 1], b'\r');
                    assert!(session.command_in_flight());
                }
            }
            Step::Cancel => {
                session.cancel_command();
                assert!(!session.command_in_flight());
            }
        }
    }
});
