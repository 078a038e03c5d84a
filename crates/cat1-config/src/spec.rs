//! The shape of a command description: what the generated chapter modules are made of.
//!
//! A description is plain const data. Validation ([`crate::validate`]), the `=?` text and the
//! query line ([`crate::render`]), the typed [`crate::Config`] and the MCU-side requests all read
//! it; nothing about a parameter is written anywhere else.

use core::fmt;

pub use crate::commands::CommandId;

/// The most parameters any command has (`AT+UART` and `AT+HEART`: 5).
pub const MAX_PARAMS: usize = 5;

/// A `+CME ERROR` code (errata #35).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Code(pub u16);

impl Code {
    /// `3`: a parameter is missing (empty where a value is required), or not of its type.
    pub const MISSING_OR_TYPE: Code = Code(3);
    /// `53`: a value out of range or not in its set, too many or too few parameters, bad hex,
    /// too long or too short.
    pub const BAD_VALUE: Code = Code(53);
    /// `58`: an unknown command, or a form the command does not have.
    pub const UNKNOWN: Code = Code(58);
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "+CME ERROR:{}", self.0)
    }
}

impl core::error::Error for Code {}

/// The chapter of the manual a command belongs to (Table 5), one module each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum Chapter {
    /// General commands (AT, Z, S, E, WKMOD, ...).
    General,
    /// Information inquiry (VER, IMEI, CSQ, LBS, CCLK, ...).
    Information,
    /// Security (SAFEATEN, SIGNINAT).
    Security,
    /// Serial interface (UART, UARTFL, UARTFT).
    Serial,
    /// Network connection (APN, sockets A-D, keepalive, reconnect).
    Network,
    /// Socket backup servers.
    SocketBackup,
    /// Registration packet.
    Registration,
    /// Heartbeat packet.
    Heartbeat,
    /// HTTPD client.
    Httpd,
    /// SMS.
    Sms,
    /// SNTP.
    Ntp,
    /// GPS (protocol-notes §12).
    Gps,
}

/// The forms a command has, as a set of bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Forms(pub u8);

impl Forms {
    /// `AT+NAME=?`.
    pub const TEST: Forms = Forms(1);
    /// `AT+NAME?` (or bare `AT+NAME` for commands without an execute form, as `AT+CSQ`).
    pub const QUERY: Forms = Forms(2);
    /// `AT+NAME=<params>`, a stored setting.
    pub const SET: Forms = Forms(4);
    /// `AT+NAME` as an action (`AT+Z`), or `AT+NAME=<params>` as a parameterised action
    /// (`AT+LBS=1`).
    pub const EXECUTE: Forms = Forms(8);

    /// Whether all forms of `other` are in `self`.
    pub const fn has(self, other: Forms) -> bool {
        self.0 & other.0 == other.0
    }
}

/// Allowed characters of a text parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum Charset {
    /// Any byte (the parameter splitter has already taken out commas outside quotes).
    Any,
    /// A host name or address: no whitespace, comma or double quote.
    Host,
    /// Letters, digits and underscore (`AT+SIGNINAT`, errata #30).
    Word,
    /// Decimal digits.
    Digits,
    /// Decimal digits and `A-F` (ICCID, errata #32).
    DigitsUpperHex,
    /// Hex digits in either case.
    HexDigits,
}

impl Charset {
    /// Whether `b` belongs to the set.
    pub const fn allows(self, b: u8) -> bool {
        match self {
            Charset::Any => true,
            Charset::Host => !(b.is_ascii_whitespace() || b == b',' || b == b'"'),
            Charset::Word => b.is_ascii_alphanumeric() || b == b'_',
            Charset::Digits => b.is_ascii_digit(),
            Charset::DigitsUpperHex => b.is_ascii_digit() || matches!(b, b'A'..=b'F'),
            Charset::HexDigits => b.is_ascii_hexdigit(),
        }
    }
}

/// The type of a parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum ParamKind {
    /// One of these keywords, matched in any case (errata #2), answered as written here.
    Keyword(&'static [&'static str]),
    /// A decimal integer in one of the inclusive ranges (`0,60~65535` is `[(0,0),(60,65535)]`).
    Int {
        /// Inclusive ranges, sorted.
        ranges: &'static [(u32, u32)],
        /// The unit, as the manual writes it.
        unit: Option<&'static str>,
        /// Whether the `=?` text shows the unit in parentheses.
        unit_in_test: bool,
    },
    /// Free text of `min..=max` bytes, kept exactly as sent.
    Text {
        /// Fewest bytes.
        min: u16,
        /// Most bytes.
        max: u16,
        /// Allowed characters.
        charset: Charset,
    },
    /// Bytes written as hex, two digits each (errata #25), kept as sent.
    Hex {
        /// Fewest bytes (not digits).
        min_bytes: u16,
        /// Most bytes (not digits).
        max_bytes: u16,
    },
    /// Text of a fixed shape: `9` a digit, `+` a sign (`+` or `-`), anything else itself
    /// (`AT+CCLK=`'s `99/99/99` and `99:99:99+99`).
    Template(&'static str),
}

/// What a left-out trailing parameter becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum Omitted {
    /// It may not be left out.
    Required,
    /// It keeps its current value (`AT+HEART`, errata #19).
    KeepCurrent,
    /// It takes its factory value (`AT+APN`).
    FactoryDefault,
    /// It is removed from a list (`AT+NTPSVR`).
    Absent,
}

/// The factory value of a parameter (errata applied).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum DefaultValue {
    /// No stored value: action selectors, the clock, list entries absent by default.
    None,
    /// "Not configured": empty text, outside the settable lengths (`AT+SOCKABK?` answers `,1`).
    Unset,
    /// A keyword, in its canonical spelling.
    Keyword(&'static str),
    /// An integer.
    Int(u32),
    /// Text (or hex text) as the query answers it.
    Text(&'static str),
}

/// One parameter of a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct ParamSpec {
    /// The manual's name.
    pub name: &'static str,
    /// What it means.
    pub doc: &'static str,
    /// Its type and range.
    pub kind: ParamKind,
    /// Whether it may be left out, and what it then becomes.
    pub omitted: Omitted,
    /// Its factory value.
    pub default: DefaultValue,
}

impl ParamSpec {
    /// The factory value as a [`Value`].
    pub const fn default_value(&self) -> Value<'static> {
        match self.default {
            DefaultValue::None => Value::Absent,
            DefaultValue::Unset => Value::Text(b""),
            DefaultValue::Keyword(k) => Value::Keyword(k),
            DefaultValue::Int(n) => Value::Int(n),
            DefaultValue::Text(t) => Value::Text(t.as_bytes()),
        }
    }
}

/// One command of the manual (or a GPS command of protocol-notes §12).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct CommandSpec {
    /// Its identity.
    pub id: CommandId,
    /// The name after `AT+` (empty for plain `AT`).
    pub name: &'static str,
    /// The manual section (`4.5`), or `notes 12` for GPS.
    pub section: &'static str,
    /// The chapter.
    pub chapter: Chapter,
    /// The manual's function text.
    pub function: &'static str,
    /// The forms it has.
    pub forms: Forms,
    /// Whether its set form changes the stored [`crate::Config`] (false for `AT+CCLK=`, which sets
    /// the clock, and for actions).
    pub setting: bool,
    /// The `=?` answer where the manual's wording differs from the rendering of the typed
    /// parameters (errata #34: APN, HEARTDT, HEART, DSTNUM, NTPSVR).
    pub test_wording: Option<&'static str>,
    /// The parameters of the set (or parameterised execute) form, in order.
    pub params: &'static [ParamSpec],
}

impl CommandSpec {
    /// Whether the command has all of `forms`.
    pub const fn has(&self, forms: Forms) -> bool {
        self.forms.has(forms)
    }

    /// The number of parameters that may not be left out.
    pub fn required(&self) -> usize {
        self.params
            .iter()
            .filter(|p| matches!(p.omitted, Omitted::Required))
            .count()
    }
}

/// A validated parameter value, borrowing text from the command line (or the `Config`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum Value<'a> {
    /// A keyword in its canonical spelling (from the description, whatever case was sent).
    Keyword(&'static str),
    /// An integer.
    Int(u32),
    /// Text or hex text, exactly as sent.
    Text(&'a [u8]),
    /// Left out; keeps the current value ([`Omitted::KeepCurrent`]).
    Keep,
    /// Not present ([`Omitted::Absent`]).
    Absent,
}

/// `MAX_PARAMS` absent values, written in place by the caller's destination. Not inlined: a
/// `[Value::Absent; MAX_PARAMS]` built inline is a store loop into a temporary, then a `memcpy`
/// call to move it into the `Values` (730 bytes of flash on a firmware whose only copy this is);
/// a call returning the array is given the destination itself.
#[inline(never)]
const fn absent_items<'a>() -> [Value<'a>; MAX_PARAMS] {
    [Value::Absent; MAX_PARAMS]
}

/// The values of one command's parameters, in order; no allocation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Values<'a> {
    items: [Value<'a>; MAX_PARAMS],
    len: u8,
}

impl<'a> Values<'a> {
    /// No values.
    pub const fn new() -> Self {
        Values {
            items: absent_items(),
            len: 0,
        }
    }

    /// The first [`MAX_PARAMS`] values of `items`.
    pub fn from_slice(items: &[Value<'a>]) -> Self {
        let mut v = Values::new();
        for &item in items {
            v.push(item);
        }
        v
    }

    /// Appends a value; returns false (and keeps nothing) when [`MAX_PARAMS`] are held.
    pub fn push(&mut self, value: Value<'a>) -> bool {
        match self.items.get_mut(usize::from(self.len)) {
            Some(slot) => {
                *slot = value;
                self.len = self.len.saturating_add(1);
                true
            }
            None => false,
        }
    }

    /// Puts `value` at `index` (nothing when `index` is [`MAX_PARAMS`] or more); the length is
    /// left as it is (see [`Values::set_len`]). For a decoder that writes only the values it
    /// has and sets the length once, where a `push` per value would count each.
    #[inline]
    pub(crate) fn set(&mut self, index: usize, value: Value<'a>) {
        if let Some(slot) = self.items.get_mut(index) {
            *slot = value;
        }
    }

    /// Sets the length to `len`, at most [`MAX_PARAMS`]: what `len` pushes onto
    /// [`Values::new`] give, the values not [`Values::set`] being [`Value::Absent`].
    #[inline]
    pub(crate) fn set_len(&mut self, len: usize) {
        self.len = u8::try_from(len.min(MAX_PARAMS)).unwrap_or(0);
    }

    /// The value at `index`.
    pub fn get(&self, index: usize) -> Option<Value<'a>> {
        self.as_slice().get(index).copied()
    }

    /// The values.
    pub fn as_slice(&self) -> &[Value<'a>] {
        self.items.get(..usize::from(self.len)).unwrap_or(&[])
    }

    /// The number of values.
    pub fn len(&self) -> usize {
        usize::from(self.len)
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl Default for Values<'_> {
    fn default() -> Self {
        Values::new()
    }
}

/// Finds a command by name, ignoring ASCII case (errata #2); the empty name is plain `AT`.
pub fn find(name: &[u8]) -> Option<&'static CommandSpec> {
    crate::commands::ALL
        .iter()
        .copied()
        .find(|c| c.name.as_bytes().eq_ignore_ascii_case(name))
}
