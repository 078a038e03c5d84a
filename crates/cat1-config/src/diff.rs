//! The shortest sequence of set commands that turns one configuration into another.
//!
//! Every setting command writes its own fields and no other command writes them, except
//! `AT+HEART`, which writes the five heartbeat settings at once. So a setting whose values differ
//! needs exactly one command, and the sequence is shortest when `AT+HEART` replaces the single
//! heartbeat commands as soon as two or more of them differ. The MCU client applies a profile
//! with this and one `AT+S`.
//!
//! Some states cannot be written: the "unset" empty values of `AT+SOCKxBK`, `AT+CLOUD` and
//! `AT+DSTNUM` (errata #14, #16, #28) lie outside their settable lengths. Going back to one of
//! them needs `AT+CLEAR`; the diff reports it as [`Unreachable`] instead of a command.

use cat1_at_parse::{EncodeError, Writer};

use crate::config::Config;
use crate::render::write_values;
use crate::spec::{CommandId, DefaultValue, Value};

/// Settings written together by one command, and the single commands it replaces.
const AGGREGATES: &[(CommandId, &[CommandId])] = &[(
    CommandId::Heart,
    &[
        CommandId::Hearten,
        CommandId::Hearttp,
        CommandId::Heartdt,
        CommandId::Hearttm,
        CommandId::Heartsort,
    ],
)];

/// One set command of a [`Diff`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct SetStep {
    /// The command to send, with the target configuration's values.
    pub command: CommandId,
}

/// A difference no set command can produce (the target holds an "unset" value).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Unreachable {
    /// The setting that differs.
    pub command: CommandId,
}

impl SetStep {
    /// Writes the set line `AT+NAME=<values of to>\r` into `buf`; returns its length.
    pub fn emit(&self, to: &Config, buf: &mut [u8]) -> Result<usize, EncodeError> {
        let mut w = Writer::new(buf);
        self.write(to, &mut w);
        w.finish()
    }

    /// Writes the set line into a writer (the caller's buffer and its count).
    pub fn write(&self, to: &Config, w: &mut Writer<'_>) {
        w.put(b"AT+");
        w.put(self.command.spec().name.as_bytes());
        w.put_byte(b'=');
        if let Some(values) = to.values(self.command) {
            write_values(values.as_slice(), w);
        }
        w.put_byte(b'\r');
    }
}

/// The commands that turn `from` into `to`, in manual order. No allocation: an iterator over
/// the descriptions.
pub fn diff<'a>(from: &'a Config, to: &'a Config) -> Diff<'a> {
    Diff { from, to, next: 0 }
}

/// Iterator returned by [`diff`].
#[derive(Debug, Clone)]
pub struct Diff<'a> {
    from: &'a Config,
    to: &'a Config,
    next: usize,
}

impl Diff<'_> {
    fn differs(&self, id: CommandId) -> bool {
        self.from.values(id) != self.to.values(id)
    }

    /// Whether `id` should be sent by itself (aggregates and their parts decided together).
    fn needed(&self, id: CommandId) -> bool {
        for &(aggregate, parts) in AGGREGATES {
            let differing = parts.iter().filter(|&&p| self.differs(p)).count();
            if id == aggregate {
                return differing >= 2;
            }
            if parts.contains(&id) {
                return differing == 1 && self.differs(id);
            }
        }
        self.differs(id)
    }

    fn reachable(&self, id: CommandId) -> bool {
        let spec = id.spec();
        match self.to.values(id) {
            Some(values) => {
                !spec.params.iter().zip(values.as_slice()).any(|(p, v)| {
                    matches!(p.default, DefaultValue::Unset) && *v == Value::Text(b"")
                })
            }
            None => false,
        }
    }
}

impl Iterator for Diff<'_> {
    type Item = Result<SetStep, Unreachable>;

    fn next(&mut self) -> Option<Self::Item> {
        while let Some(spec) = crate::commands::ALL.get(self.next) {
            self.next = self.next.saturating_add(1);
            if !spec.setting || !self.needed(spec.id) {
                continue;
            }
            return Some(if self.reachable(spec.id) {
                Ok(SetStep { command: spec.id })
            } else {
                Err(Unreachable { command: spec.id })
            });
        }
        None
    }
}
