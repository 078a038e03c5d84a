//! The server side of one modem connection: the mirror image of the modem's behaviour.
//!
//! [`Session`] is configured with the modem's registration and heartbeat settings and the command
//! password. It takes what the connection delivers, one received segment at a time, and says what
//! each is: the registration packet (with its kind and the identity it carries), a heartbeat, data,
//! or the response to a network AT command. [`Session::encode_command`] writes a network AT
//! command with the password (`usr.cn#AT+VER\r`).
//!
//! Decisions, all here:
//!
//! - **A segment is a packet.** The modem sends each packet in one write; the server reads each
//!   UDP datagram, or each TCP read, into a buffer of at least `UARTFL` plus the registration
//!   length, and hands it over whole. A LINK registration that TCP merged with the first data
//!   packet is still found (it comes first and has a known length).
//! - **Identity lengths.** IMEI: 15 digits; SN: 20 digits; ICCID: `iccid_len` (19 or 20)
//!   characters of digits and `A-F`; CLOUD: 20-byte ID then 8-byte password; USER: exactly the
//!   configured `REGDT` bytes.
//! - **Heartbeats** are recognised by content: the configured `HEARTDT` bytes, the identity
//!   learnt from registration (or, without one, any value of the identity's shape), or an LBS
//!   text. A data packet with exactly the same bytes cannot be told apart, as on the real wire.
//! - **AT responses**: while a command is in flight, a segment that starts with CR LF (every
//!   response of the module does, protocol-notes §10) is its response; the command stays in
//!   flight until a final result (`OK`, `ERROR`, `+CME ERROR:<n>`) is seen.

use crate::payload::{HeartbeatKind, RegistrationKind, parse_lbs};
use crate::registration::RegistrationSend;
use cat1_at_parse::FinalResult;
use core::fmt;
use heapless::Vec;

/// What the server knows of the modem's settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct SessionConfig<'a> {
    /// `AT+REGSND` and `AT+REGTP`, or `None` with `AT+REGEN=OFF`.
    pub registration: Option<(RegistrationSend, RegistrationKind)>,
    /// `AT+REGDT`, decoded.
    pub user_registration: &'a [u8],
    /// `AT+HEARTSORT`, or `None` when no heartbeat reaches the server (`HEARTEN=OFF` or
    /// `HEARTTP=COM`).
    pub heartbeat: Option<HeartbeatKind>,
    /// `AT+HEARTDT`, decoded.
    pub user_heartbeat: &'a [u8],
    /// `AT+CMDPW` (default `usr.cn#`).
    pub password: &'a [u8],
    /// Length of the SIM's ICCID: 19 or 20.
    pub iccid_len: usize,
}

impl Default for SessionConfig<'_> {
    /// The module's factory settings: no registration, USER heartbeat `www.usr.cn` to the
    /// server, password `usr.cn#`.
    fn default() -> Self {
        SessionConfig {
            registration: None,
            user_registration: b"www.usr.cn",
            heartbeat: Some(HeartbeatKind::User),
            user_heartbeat: b"www.usr.cn",
            password: b"usr.cn#",
            iccid_len: 20,
        }
    }
}

/// What a segment was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum ServerEvent<'s> {
    /// The registration packet.
    Registration {
        /// Its kind.
        kind: RegistrationKind,
        /// The identity: REGDT bytes, ICCID, IMEI, SN, or the CLOUD device ID.
        identity: &'s [u8],
        /// The CLOUD password; empty for the other kinds.
        secret: &'s [u8],
    },
    /// A registration was expected (first packet with LINK, every data packet with DATA) and
    /// these bytes do not carry it.
    MissingRegistration(&'s [u8]),
    /// A heartbeat.
    Heartbeat(&'s [u8]),
    /// Serial data from the device behind the modem, registration prefix removed.
    Data(&'s [u8]),
    /// The response to the network AT command in flight.
    AtResponse {
        /// The response text as received (CR LF framing included).
        text: &'s [u8],
        /// Its final result, when the segment holds it.
        result: Option<FinalResult>,
    },
}

/// The events of one segment: a registration may be followed by data.
pub type ServerEvents<'s> = Vec<ServerEvent<'s>, 2>;

/// Why [`Session::encode_command`] wrote nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum CommandError {
    /// The command does not start with `AT`, or holds a CR or LF.
    NotACommandLine,
    /// The output buffer is too short; `needed` bytes would fit.
    BufferTooSmall {
        /// Bytes needed.
        needed: usize,
    },
}

impl fmt::Display for CommandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CommandError::NotACommandLine => f.write_str("not a single AT command line"),
            CommandError::BufferTooSmall { needed } => write!(f, "buffer too small, need {needed}"),
        }
    }
}

impl core::error::Error for CommandError {}

/// Longest identity kept (an ICCID or SN is 20, a CLOUD ID 20; REGDT may be up to 300 and is
/// compared with the configuration instead).
const MAX_IDENTITY: usize = 20;

/// The decoder of one modem connection.
#[derive(Debug, Clone)]
pub struct Session<'c> {
    config: SessionConfig<'c>,
    /// The identity learnt from the first registration, for identity kinds.
    identity: Option<Vec<u8, MAX_IDENTITY>>,
    link_registration_due: bool,
    /// A registration event was handed out on this connection.
    registration_reported: bool,
    command_in_flight: bool,
}

impl<'c> Session<'c> {
    /// A session for a connection that has just been accepted.
    pub fn new(config: SessionConfig<'c>) -> Self {
        let link_registration_due = matches!(
            config.registration,
            Some((RegistrationSend::Link | RegistrationSend::LinkAndData, _))
        );
        Session {
            config,
            identity: None,
            link_registration_due,
            registration_reported: false,
            command_in_flight: false,
        }
    }

    /// The identity the modem registered with, once known (not for USER registration).
    pub fn identity(&self) -> Option<&[u8]> {
        self.identity.as_deref()
    }

    /// Whether a network AT command awaits its final result.
    pub const fn command_in_flight(&self) -> bool {
        self.command_in_flight
    }

    /// Gives up waiting for the response (the caller's timeout).
    pub fn cancel_command(&mut self) {
        self.command_in_flight = false;
    }

    /// Writes `<password><command>\r` into `out`, e.g. `usr.cn#AT+VER\r`; returns its length.
    /// `command` is one line starting with `AT`, without its CR.
    pub fn encode_command(
        &mut self,
        command: &[u8],
        out: &mut [u8],
    ) -> Result<usize, CommandError> {
        let starts_with_at = command
            .get(..2)
            .is_some_and(|p| p.eq_ignore_ascii_case(b"AT"));
        if !starts_with_at || command.iter().any(|&b| b == b'\r' || b == b'\n') {
            return Err(CommandError::NotACommandLine);
        }
        let password = self.config.password;
        let needed = password
            .len()
            .saturating_add(command.len())
            .saturating_add(1);
        let Some(dst) = out.get_mut(..needed) else {
            return Err(CommandError::BufferTooSmall { needed });
        };
        let (pw, rest) = dst.split_at_mut(password.len());
        pw.copy_from_slice(password);
        let (cmd, cr) = rest.split_at_mut(command.len());
        cmd.copy_from_slice(command);
        if let Some(c) = cr.first_mut() {
            *c = b'\r';
        }
        self.command_in_flight = true;
        Ok(needed)
    }

    /// Says what a received segment is.
    pub fn feed<'s>(&mut self, segment: &'s [u8]) -> ServerEvents<'s> {
        let mut events = ServerEvents::new();
        if segment.is_empty() {
            return events;
        }
        if self.command_in_flight && segment.starts_with(b"\r\n") {
            let result = final_result(segment);
            if result.is_some() {
                self.command_in_flight = false;
            }
            let _ = events.push(ServerEvent::AtResponse {
                text: segment,
                result,
            });
            return events;
        }
        let mut rest = segment;
        if self.link_registration_due {
            self.link_registration_due = false;
            match self.take_registration(rest) {
                Some((event, after)) => {
                    self.registration_reported = true;
                    let _ = events.push(event);
                    if after.is_empty() {
                        return events;
                    }
                    rest = after;
                }
                None => {
                    let _ = events.push(ServerEvent::MissingRegistration(segment));
                    return events;
                }
            }
        }
        if self.is_heartbeat(rest) {
            let _ = events.push(ServerEvent::Heartbeat(rest));
            return events;
        }
        let prefixed = matches!(
            self.config.registration,
            Some((RegistrationSend::Data | RegistrationSend::LinkAndData, _))
        );
        if !prefixed {
            let _ = events.push(ServerEvent::Data(rest));
            return events;
        }
        match self.take_registration(rest) {
            Some((event, data)) => {
                // The registration is reported once per connection; after that it is framing,
                // unless a packet is nothing but the registration.
                if (!self.registration_reported || data.is_empty()) && events.is_empty() {
                    self.registration_reported = true;
                    let _ = events.push(event);
                }
                if !data.is_empty() {
                    let _ = events.push(ServerEvent::Data(data));
                }
            }
            None => {
                let _ = events.push(ServerEvent::MissingRegistration(rest));
            }
        }
        events
    }

    /// Splits a registration off the front of `bytes`.
    fn take_registration<'s>(&mut self, bytes: &'s [u8]) -> Option<(ServerEvent<'s>, &'s [u8])> {
        let (_, kind) = self.config.registration?;
        let len = match kind {
            RegistrationKind::User => {
                let user = self.config.user_registration;
                (!user.is_empty() && bytes.starts_with(user)).then_some(user.len())?
            }
            RegistrationKind::Imei => shaped(bytes, 15, |b| b.is_ascii_digit())?,
            RegistrationKind::Sn => shaped(bytes, 20, |b| b.is_ascii_digit())?,
            RegistrationKind::Iccid => shaped(bytes, self.config.iccid_len, |b| {
                b.is_ascii_digit() || (b'A'..=b'F').contains(&b) || (b'a'..=b'f').contains(&b)
            })?,
            RegistrationKind::Cloud => shaped(bytes, 28, |b| b.is_ascii_graphic())?,
        };
        let (head, tail) = bytes.split_at_checked(len)?;
        let (identity, secret) = match kind {
            RegistrationKind::Cloud => head.split_at_checked(20)?,
            _ => head.split_at_checked(head.len())?,
        };
        if kind != RegistrationKind::User {
            match &self.identity {
                Some(known) if known.as_slice() != identity => return None,
                Some(_) => {}
                None => self.identity = Vec::from_slice(identity).ok(),
            }
        }
        Some((
            ServerEvent::Registration {
                kind,
                identity,
                secret,
            },
            tail,
        ))
    }

    fn is_heartbeat(&self, bytes: &[u8]) -> bool {
        let Some(kind) = self.config.heartbeat else {
            return false;
        };
        let same_kind_as_registration = matches!(
            (kind, self.config.registration),
            (HeartbeatKind::Imei, Some((_, RegistrationKind::Imei)))
                | (HeartbeatKind::Sn, Some((_, RegistrationKind::Sn)))
                | (HeartbeatKind::Iccid, Some((_, RegistrationKind::Iccid)))
        );
        if same_kind_as_registration {
            if let Some(known) = &self.identity {
                return known.as_slice() == bytes;
            }
        }
        let whole =
            |len: usize, ok: fn(u8) -> bool| bytes.len() == len && bytes.iter().all(|&b| ok(b));
        match kind {
            HeartbeatKind::User => {
                !self.config.user_heartbeat.is_empty() && bytes == self.config.user_heartbeat
            }
            HeartbeatKind::Imei => whole(15, |b| b.is_ascii_digit()),
            HeartbeatKind::Sn => whole(20, |b| b.is_ascii_digit()),
            HeartbeatKind::Iccid => whole(self.config.iccid_len, |b| {
                b.is_ascii_digit() || (b'A'..=b'F').contains(&b) || (b'a'..=b'f').contains(&b)
            }),
            HeartbeatKind::Lbs => parse_lbs(bytes).is_some(),
        }
    }
}

/// `len` if the first `len` bytes all pass `ok`.
fn shaped(bytes: &[u8], len: usize, ok: impl Fn(u8) -> bool) -> Option<usize> {
    let head = bytes.get(..len)?;
    (len > 0 && head.iter().all(|&b| ok(b))).then_some(len)
}

/// The last final result among the whole lines of `text`.
fn final_result(text: &[u8]) -> Option<FinalResult> {
    text.split(|&b| b == b'\r' || b == b'\n')
        .rev()
        .filter(|line| !line.is_empty())
        .find_map(FinalResult::parse)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(
        registration: Option<(RegistrationSend, RegistrationKind)>,
        heartbeat: Option<HeartbeatKind>,
    ) -> SessionConfig<'static> {
        SessionConfig {
            registration,
            heartbeat,
            ..SessionConfig::default()
        }
    }

    const IMEI: &[u8] = b"864333040712457";

    #[test]
    fn link_registration_then_heartbeats_then_data() {
        let mut s = Session::new(config(
            Some((RegistrationSend::Link, RegistrationKind::Imei)),
            Some(HeartbeatKind::Imei),
        ));
        assert_eq!(
            s.feed(IMEI).as_slice(),
            [ServerEvent::Registration {
                kind: RegistrationKind::Imei,
                identity: IMEI,
                secret: b""
            }]
        );
        assert_eq!(s.identity(), Some(IMEI));
        assert_eq!(s.feed(IMEI).as_slice(), [ServerEvent::Heartbeat(IMEI)]);
        assert_eq!(s.feed(b"hello").as_slice(), [ServerEvent::Data(b"hello")]);
        // Another IMEI-shaped packet is data: it is not this modem's identity.
        assert_eq!(
            s.feed(b"111111111111111").as_slice(),
            [ServerEvent::Data(b"111111111111111")]
        );
    }

    #[test]
    fn link_registration_merged_with_data_and_a_missing_one() {
        let mut s = Session::new(config(
            Some((RegistrationSend::Link, RegistrationKind::User)),
            None,
        ));
        assert_eq!(
            s.feed(b"www.usr.cnpayload").as_slice(),
            [
                ServerEvent::Registration {
                    kind: RegistrationKind::User,
                    identity: b"www.usr.cn",
                    secret: b""
                },
                ServerEvent::Data(b"payload")
            ]
        );
        let mut t = Session::new(config(
            Some((RegistrationSend::Link, RegistrationKind::Imei)),
            None,
        ));
        assert_eq!(
            t.feed(b"not an imei").as_slice(),
            [ServerEvent::MissingRegistration(b"not an imei")]
        );
    }

    #[test]
    fn data_registration_is_stripped_from_every_packet() {
        let mut s = Session::new(config(
            Some((RegistrationSend::Data, RegistrationKind::Cloud)),
            Some(HeartbeatKind::User),
        ));
        let packet = b"00012345678901234567passw0rdABC";
        assert_eq!(
            s.feed(packet).as_slice(),
            [
                ServerEvent::Registration {
                    kind: RegistrationKind::Cloud,
                    identity: b"00012345678901234567",
                    secret: b"passw0rd"
                },
                ServerEvent::Data(b"ABC")
            ]
        );
        assert_eq!(
            s.feed(b"00012345678901234567passw0rdDEF").as_slice(),
            [ServerEvent::Data(b"DEF")]
        );
        assert_eq!(
            s.feed(b"www.usr.cn").as_slice(),
            [ServerEvent::Heartbeat(b"www.usr.cn")]
        );
        assert_eq!(
            s.feed(b"99999999999999999999passw0rdDEF").as_slice(),
            [ServerEvent::MissingRegistration(
                b"99999999999999999999passw0rdDEF"
            )]
        );
    }

    #[test]
    fn user_data_registration_is_reported_once() {
        let mut s = Session::new(config(
            Some((RegistrationSend::Data, RegistrationKind::User)),
            None,
        ));
        assert_eq!(s.feed(b"www.usr.cn1").len(), 2);
        assert_eq!(s.feed(b"www.usr.cn2").as_slice(), [ServerEvent::Data(b"2")]);
        assert_eq!(
            s.feed(b"3").as_slice(),
            [ServerEvent::MissingRegistration(b"3")]
        );
    }

    #[test]
    fn link_and_data_registration() {
        let mut s = Session::new(config(
            Some((RegistrationSend::LinkAndData, RegistrationKind::Iccid)),
            Some(HeartbeatKind::Lbs),
        ));
        let iccid = b"8986003615195A571314";
        assert!(matches!(
            s.feed(iccid).as_slice(),
            [ServerEvent::Registration { identity, .. }] if *identity == iccid
        ));
        assert_eq!(
            s.feed(b"LAC=333e,CID=3357906").as_slice(),
            [ServerEvent::Heartbeat(b"LAC=333e,CID=3357906")]
        );
        assert_eq!(
            s.feed(b"8986003615195A571314xyz").as_slice(),
            [ServerEvent::Data(b"xyz")]
        );
    }

    #[test]
    fn network_at_command_and_its_response() {
        let mut s = Session::new(SessionConfig::default());
        let mut out = [0u8; 32];
        let n = s.encode_command(b"AT+VER", &mut out).unwrap();
        assert_eq!(&out[..n], b"usr.cn#AT+VER\r");
        assert!(s.command_in_flight());
        // Data that is not a response stays data.
        assert_eq!(s.feed(b"abc").as_slice(), [ServerEvent::Data(b"abc")]);
        let response = b"\r\n+VER:V1.1.01.000000.0000\r\n\r\nOK\r\n";
        assert_eq!(
            s.feed(response).as_slice(),
            [ServerEvent::AtResponse {
                text: response,
                result: Some(FinalResult::Ok)
            }]
        );
        assert!(!s.command_in_flight());
        // Without a command in flight the same bytes are data.
        assert_eq!(s.feed(response).as_slice(), [ServerEvent::Data(response)]);
        s.encode_command(b"AT+XYZ", &mut out).unwrap();
        assert_eq!(
            s.feed(b"\r\n+CME ERROR:58\r\n").as_slice(),
            [ServerEvent::AtResponse {
                text: b"\r\n+CME ERROR:58\r\n",
                result: Some(FinalResult::CmeError(58))
            }]
        );
        assert_eq!(
            s.encode_command(b"VER", &mut out),
            Err(CommandError::NotACommandLine)
        );
        assert_eq!(
            s.encode_command(b"AT\r\nAT", &mut out),
            Err(CommandError::NotACommandLine)
        );
        assert_eq!(
            s.encode_command(b"AT+VER", &mut out[..10]),
            Err(CommandError::BufferTooSmall { needed: 14 })
        );
    }

    #[test]
    fn the_encoded_command_is_what_the_modem_detects() {
        let mut s = Session::new(SessionConfig::default());
        let mut out = [0u8; 64];
        let n = s.encode_command(b"AT+CSQ", &mut out).unwrap();
        assert_eq!(
            crate::netat::network_at_command(&out[..n], b"usr.cn#", true),
            Some(&b"AT+CSQ"[..])
        );
    }
}
