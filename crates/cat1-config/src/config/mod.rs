//! [`Config`]: every settable parameter of one module, typed.
//!
//! The fields are grouped as the manual's chapters are. Which fields a command reads and writes
//! is generated from the descriptions (`glue.rs`); validation, defaults and rendering come from
//! the descriptions too, so this file only says how the values are laid out.
//!
//! Decision (flash, issue 3): every access goes through one table. `glue.rs` numbers the leaf
//! fields in declaration order and lists, per setting command, the field of each parameter;
//! `glue::field`/`glue::field_mut` turn a number into a typed reference ([`field::FieldRef`]).
//! Reading, checking, storing, the factory settings, validation and persistence are then each
//! one loop, instead of one match arm per command and field (which cost about 4 KB of code per
//! operation on a Cortex-M).
//!
//! The pending/saved split of errata #36 belongs to the modem engine: it keeps two `Config`s.

pub(crate) mod field;
mod glue;

use cat1_at_parse::{CommandLine, Writer};

pub use field::{Keyword, Text};

use crate::keywords::*;
use crate::render::{write_prefix, write_values};
use crate::spec::{Code, CommandId, CommandSpec, Forms, Value, Values, find};
use crate::validate::{Action, check, value_is_valid};

/// The modules this crate describes (the manual covers all three).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Model {
    /// USR WH-LTE-7S1.
    WhLte7s1,
    /// USR DR502.
    Dr502,
    /// USR G771.
    G771,
}

/// Where the models' factory settings differ: one row per model.
///
/// Decision: the manual, written for all three models, states one startup message,
/// `WH-LTE-7S1` (errata #20), and protocol-notes §2 confirms it for the 7S1 only. No public source
/// gives another banner for the DR502 or the G771, so every row keeps the known one; change a row
/// when a capture from a real module shows otherwise. No other factory difference is known.
const MODEL_DIFFERENCES: [(Model, &str); 3] = [
    (Model::WhLte7s1, "WH-LTE-7S1"),
    (Model::Dr502, "WH-LTE-7S1"),
    (Model::G771, "WH-LTE-7S1"),
];

/// UART settings (`AT+UART`, `AT+UARTFL`, `AT+UARTFT`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Uart {
    /// Baud rate, 1200-921600 (errata #22).
    pub baud: u32,
    /// Data bits: 8.
    pub data_bits: u8,
    /// Stop bits: 1 or 2.
    pub stop_bits: u8,
    /// Parity.
    pub parity: Parity,
    /// Flow control: none.
    pub flow: FlowControl,
    /// Packing length, 5-4096 bytes.
    pub pack_len: u16,
    /// Packing time, 10-500 ms (errata #9).
    pub pack_time_ms: u16,
}

/// The APN (`AT+APN`, errata #23).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Apn {
    /// APN name, 0-50 bytes.
    pub apn: Text<50>,
    /// User name, 0-50 bytes.
    pub username: Text<50>,
    /// Password, 0-50 bytes.
    pub password: Text<50>,
    /// Authentication: 0 none, 1 PAP, 2 CHAP.
    pub auth: u8,
}

/// TCP keepalive of one socket (`AT+KEEPALIVEx`, errata #24).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Keepalive {
    /// 0 off, 1 on.
    pub enabled: u8,
    /// Idle time before probing, 1-65535 s.
    pub idle_s: u16,
    /// Probe interval, 1-100 s.
    pub interval_s: u8,
    /// Probes before the link is dropped, 1-10.
    pub count: u8,
}

/// One of the sockets A-D: server, enable, keepalive and backup server.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Socket {
    /// `AT+SOCKx` protocol.
    pub protocol: Protocol,
    /// `AT+SOCKx` server address, 1-100 bytes.
    pub address: Text<100>,
    /// `AT+SOCKx` server port.
    pub port: u16,
    /// `AT+SOCKxEN`.
    pub enabled: bool,
    /// `AT+KEEPALIVEx`.
    pub keepalive: Keepalive,
    /// `AT+SOCKxBK` address; empty while unset (errata #14).
    pub backup_address: Text<100>,
    /// `AT+SOCKxBK` port.
    pub backup_port: u16,
    /// `AT+SOCKxBKEN`.
    pub backup_enabled: bool,
}

/// Registration packet (`AT+REGEN`, `AT+REGTP`, `AT+REGDT`, `AT+REGSND`, `AT+CLOUD`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Registration {
    /// `AT+REGEN`.
    pub enabled: bool,
    /// `AT+REGTP`.
    pub kind: RegistrationKind,
    /// `AT+REGDT`: hex text as sent, 2-600 digits.
    pub data: Text<600>,
    /// `AT+REGSND`.
    pub send: RegistrationSend,
    /// `AT+CLOUD` device id, 20 characters; empty while unset.
    pub cloud_id: Text<20>,
    /// `AT+CLOUD` password, 8 characters; empty while unset.
    pub cloud_password: Text<8>,
}

/// Heartbeat packet (`AT+HEARTEN`, `AT+HEARTTP`, `AT+HEARTDT`, `AT+HEARTTM`, `AT+HEARTSORT`, and
/// all five at once with `AT+HEART`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Heartbeat {
    /// `AT+HEARTEN`.
    pub enabled: bool,
    /// `AT+HEARTTP` (errata #17: NET to the server, COM to serial).
    pub target: HeartbeatTarget,
    /// `AT+HEARTDT`: hex text as sent, 2-600 digits.
    pub data: Text<600>,
    /// `AT+HEARTTM`, 1-65535 s.
    pub interval_s: u16,
    /// `AT+HEARTSORT`.
    pub source: HeartbeatSource,
}

/// HTTPD client (`AT+HTPTP`, `AT+HTPURL`, `AT+HTPHD`, `AT+HTPSV`, `AT+HTPPK`, `AT+HTPTIM`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Http {
    /// `AT+HTPTP`.
    pub method: HttpMethod,
    /// `AT+HTPURL`, 1-100 bytes, `[HH]` escapes as written.
    pub url: Text<100>,
    /// `AT+HTPHD`, 1-200 bytes, `[HH]` escapes as written.
    pub header: Text<200>,
    /// `AT+HTPSV` address.
    pub server_address: Text<100>,
    /// `AT+HTPSV` port.
    pub server_port: u16,
    /// `AT+HTPPK`: only the body goes to serial.
    pub body_only: bool,
    /// `AT+HTPTIM`, 1-65535 s.
    pub timeout_s: u16,
}

/// SMS (`AT+DSTNUM`, `AT+SMSFLT`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Sms {
    /// `AT+DSTNUM`, 1-20 bytes; empty while unset (errata #28).
    pub destination: Text<20>,
    /// `AT+SMSFLT`.
    pub filter: bool,
}

/// SNTP (`AT+NTPSVR`, `AT+NTPEN`, `AT+NTPTM`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Ntp {
    /// The first server.
    pub server: Text<100>,
    /// Up to three more, present ones first.
    pub more_servers: [Option<Text<100>>; 3],
    /// `AT+NTPEN`.
    pub enabled: bool,
    /// `AT+NTPTM`, 1-65535 minutes.
    pub interval_min: u16,
}

/// GPS (protocol-notes §12, project-defined).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Gps {
    /// `AT+GPS`.
    pub enabled: bool,
    /// `AT+GPSOUT`: the position is appended to LBS heartbeats.
    pub append_to_heartbeat: bool,
}

/// Every settable parameter of one module.
///
/// Build one with [`Config::factory`]; change it only with [`Config::apply`] (which keeps it
/// valid) or field by field, then check with [`Config::is_valid`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Config {
    /// `AT+E`.
    pub echo: bool,
    /// `AT+WKMOD`.
    pub work_mode: WorkMode,
    /// `AT+CMDPW`, 1-10 bytes.
    pub command_password: Text<10>,
    /// `AT+STMSG`, 1-20 bytes.
    pub startup_message: Text<20>,
    /// `AT+RSTIM`: 0 off, or 60-65535 s (errata #21).
    pub no_data_restart_s: u16,
    /// `AT+SDPEN`.
    pub socket_distribution: bool,
    /// `AT+NATEN`: password-prefixed commands from the network.
    pub network_at: bool,
    /// `AT+UATEN`: password-prefixed commands from serial.
    pub serial_at: bool,
    /// `AT+CACHEN`.
    pub cache: bool,
    /// `AT+SAFEATEN`.
    pub login_required: bool,
    /// `AT+SIGNINAT`, 1-10 letters, digits or underscores.
    pub login_password: Text<10>,
    /// The UART.
    pub uart: Uart,
    /// The APN.
    pub apn: Apn,
    /// Sockets A-D.
    pub sockets: [Socket; 4],
    /// `AT+SOCKASL`: socket A only.
    pub socket_a_mode: ConnectionMode,
    /// `AT+SHORTATM`: socket A only, 1-600 s.
    pub short_timeout_s: u16,
    /// `AT+SOCKRSNUM`, 1-65535.
    pub reconnect_limit: u16,
    /// `AT+SOCKRSTIM`, 10-65535 s.
    pub reconnect_interval_s: u16,
    /// The registration packet.
    pub registration: Registration,
    /// The heartbeat packet.
    pub heartbeat: Heartbeat,
    /// The HTTPD client.
    pub http: Http,
    /// SMS.
    pub sms: Sms,
    /// SNTP.
    pub ntp: Ntp,
    /// GPS.
    pub gps: Gps,
}

/// What [`Config::apply`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Change {
    /// A setting was stored; `changed` says whether any value differs from before.
    Set {
        /// The command.
        command: CommandId,
        /// Whether the configuration changed.
        changed: bool,
    },
    /// The line is valid but stores nothing: a query, a test, an action, `AT+CCLK=` (the
    /// clock) or `AT+LBS=1`. The engine answers it.
    NotStored {
        /// The command.
        command: CommandId,
    },
}

/// Why [`Config::render_query`] wrote nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum QueryError {
    /// No such command, or it has no query form: `+CME ERROR:58`.
    NoQuery,
    /// The command reads live information (`AT+CSQ`, `AT+VER`, ...): the engine answers it.
    ReadOnly,
}

impl QueryError {
    /// The `+CME ERROR` code, where the answer is one.
    pub const fn code(self) -> Option<Code> {
        match self {
            QueryError::NoQuery => Some(Code::UNKNOWN),
            QueryError::ReadOnly => None,
        }
    }
}

impl Config {
    /// The factory settings of `model`: every description's default (errata applied), then the
    /// model's row of the difference table.
    pub fn factory(model: Model) -> Config {
        let mut cfg = Config::default();
        for spec in crate::commands::ALL.iter().filter(|s| s.setting) {
            for (&f, p) in param_fields(spec.id).iter().zip(spec.params) {
                if let Some(field) = glue::field_mut(&mut cfg, usize::from(f)) {
                    field.assign(&p.default_value(), true);
                }
            }
        }
        if let Some((_, banner)) = MODEL_DIFFERENCES.iter().find(|(m, _)| *m == model) {
            cfg.startup_message.set(banner.as_bytes());
        }
        cfg
    }

    /// Applies one command line. A valid set line of a setting is stored; any other valid line
    /// changes nothing ([`Change::NotStored`]). On error the configuration is unchanged and the
    /// code is the module's answer (errata #35).
    pub fn apply(&mut self, line: &CommandLine<'_>) -> Result<Change, Code> {
        let checked = check(line)?;
        let spec = checked.spec;
        let Action::Set(values) = checked.action else {
            return Ok(Change::NotStored { command: spec.id });
        };
        if !spec.setting {
            return Ok(Change::NotStored { command: spec.id });
        }
        self.store(spec, &values)
    }

    /// Stores validated values of a setting (from [`crate::validate::validate_params`]).
    pub fn store(&mut self, spec: &CommandSpec, values: &Values<'_>) -> Result<Change, Code> {
        let fields = param_fields(spec.id);
        if !spec.setting || fields.is_empty() || !self.put(fields, values, false) {
            return Err(Code::BAD_VALUE);
        }
        let changed = fields.iter().zip(values.as_slice()).any(|(&f, new)| {
            *new != Value::Keep
                && glue::field(self, usize::from(f)).map(field::FieldRef::value) != Some(*new)
        });
        self.put(fields, values, true);
        Ok(Change::Set {
            command: spec.id,
            changed,
        })
    }

    /// The current values of a setting's parameters, or `None` for a command that is not one.
    pub fn values(&self, id: CommandId) -> Option<Values<'_>> {
        let fields = param_fields(id);
        if fields.is_empty() {
            return None;
        }
        let mut values = Values::new();
        for &f in fields {
            values.push(glue::field(self, usize::from(f))?.value());
        }
        Some(values)
    }

    /// Checks (`store` false) or stores `values` into `fields`: all or nothing when checked first.
    /// A missing value is [`Value::Keep`].
    fn put(&mut self, fields: &[u8], values: &Values<'_>, store: bool) -> bool {
        fields.iter().enumerate().all(|(i, &f)| {
            let value = values.get(i).unwrap_or(Value::Keep);
            glue::field_mut(self, usize::from(f)).is_some_and(|field| field.assign(&value, store))
        })
    }

    /// Writes the query answer line of setting `name` (`+E:ON`), without line ends.
    pub fn render_query(&self, name: &[u8], w: &mut Writer<'_>) -> Result<(), QueryError> {
        let spec = find(name).ok_or(QueryError::NoQuery)?;
        if !spec.has(Forms::QUERY) {
            return Err(QueryError::NoQuery);
        }
        let values = self.values(spec.id).ok_or(QueryError::ReadOnly)?;
        write_prefix(spec, w);
        write_values(values.as_slice(), w);
        Ok(())
    }

    /// Writes only the text after `+NAME:` of setting `id`'s query answer (for
    /// `cat1_at_parse::Response::Info`), which is also the parameter text of a set line that
    /// restores it.
    pub fn render_values(&self, id: CommandId, w: &mut Writer<'_>) -> Result<(), QueryError> {
        let values = self.values(id).ok_or(QueryError::ReadOnly)?;
        write_values(values.as_slice(), w);
        Ok(())
    }

    /// Whether every field holds a value its description allows (or the unset state of a
    /// parameter that starts unset), with absent list entries only at the end. A `Config` built
    /// by [`Config::factory`] and changed only by [`Config::apply`] always is.
    pub fn is_valid(&self) -> bool {
        crate::commands::ALL
            .iter()
            .filter(|s| s.setting)
            .all(|spec| match self.values(spec.id) {
                Some(values) => {
                    let vals = values.as_slice();
                    let absent_then_present = vals
                        .windows(2)
                        .any(|w| matches!(w, [Value::Absent, b] if *b != Value::Absent));
                    vals.len() == spec.params.len()
                        && !absent_then_present
                        && spec
                            .params
                            .iter()
                            .zip(vals)
                            .all(|(p, v)| value_is_valid(p, v))
                }
                None => false,
            })
    }
}

/// The fields of setting `id`'s parameters, in order; empty for a command that is not a setting.
fn param_fields(id: CommandId) -> &'static [u8] {
    let i = id as usize;
    let range = match (
        glue::FIRST_PARAM.get(i),
        glue::FIRST_PARAM.get(i.wrapping_add(1)),
    ) {
        (Some(&a), Some(&b)) => usize::from(a)..usize::from(b),
        _ => 0..0,
    };
    glue::PARAM_FIELDS.get(range).unwrap_or(&[])
}

/// Leaf field `i` of `cfg` (for persistence, which walks them all in order).
pub(crate) fn leaf(cfg: &Config, i: usize) -> Option<field::FieldRef<'_>> {
    glue::field(cfg, i)
}

/// Leaf field `i` of `cfg`, writable.
pub(crate) fn leaf_mut(cfg: &mut Config, i: usize) -> Option<field::FieldMut<'_>> {
    glue::field_mut(cfg, i)
}

/// The number of leaf fields.
pub(crate) const LEAVES: usize = glue::FIELDS;

/// Writes the `=?` answer line of `name`, or returns [`QueryError::NoQuery`] when the command
/// has no test form.
pub fn render_test(name: &[u8], w: &mut Writer<'_>) -> Result<(), QueryError> {
    let spec = find(name).ok_or(QueryError::NoQuery)?;
    if !spec.has(Forms::TEST) {
        return Err(QueryError::NoQuery);
    }
    crate::render::write_test(spec, w);
    Ok(())
}
