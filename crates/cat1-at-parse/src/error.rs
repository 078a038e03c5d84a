//! Small errors, one per operation.

use core::fmt;

/// Why a line is not a command this crate can hand on (see [`crate::CommandLine::parse`]).
///
/// The variant decides the modem's answer (errata #5): [`LineError::NotAt`] gets `ERROR`,
/// [`LineError::IllFormed`] gets `+CME ERROR:58`, [`LineError::Empty`] gets nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum LineError {
    /// The line holds nothing but line ends; it is ignored (errata #1).
    Empty,
    /// The line does not start with `AT` or `at` (for example `+++AT`): not an AT command at all.
    NotAt,
    /// The line starts with `AT` but breaks the grammar (`AT+`, `ATE0`, `AT+CSQ?x`, a line end in
    /// the middle).
    IllFormed,
}

impl LineError {
    /// The `+CME ERROR` code the modem answers, or `None` where it answers plain `ERROR` or nothing.
    pub const fn cme_code(self) -> Option<u16> {
        match self {
            LineError::IllFormed => Some(58),
            LineError::Empty | LineError::NotAt => None,
        }
    }
}

impl fmt::Display for LineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LineError::Empty => "empty line",
            LineError::NotAt => "not an AT command",
            LineError::IllFormed => "ill-formed AT command",
        })
    }
}

impl core::error::Error for LineError {}

/// Encoding failed; nothing usable was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum EncodeError {
    /// The buffer is too short; `needed` is the length that would have fitted everything.
    BufferTooSmall {
        /// Bytes needed for the whole output.
        needed: usize,
    },
    /// The command name is not 1-32 ASCII letters and digits, so the line would not parse back.
    InvalidName,
    /// A parameter or payload holds a CR or LF, which would end the line early.
    LineEndInPayload,
    /// The line would read back as another form: a set whose parameters are exactly `?` is
    /// written `AT+NAME=?`, the test form.
    AmbiguousForm,
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EncodeError::BufferTooSmall { needed } => {
                write!(f, "buffer too small: {needed} bytes needed")
            }
            EncodeError::InvalidName => f.write_str("invalid command name"),
            EncodeError::LineEndInPayload => f.write_str("line end inside a parameter"),
            EncodeError::AmbiguousForm => f.write_str("set form would read back as another form"),
        }
    }
}

impl core::error::Error for EncodeError {}

/// A parameter does not have its type or range. [`ParamError::cme_code`] gives the modem's answer
/// per errata #35.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum ParamError {
    /// The parameter is empty where a value is required.
    Missing,
    /// Not a number where a number belongs (letters, sign, spaces; a number beyond its type is
    /// [`ParamError::OutOfRange`]).
    NotANumber,
    /// A number outside its range.
    OutOfRange,
    /// A keyword not in the parameter's set.
    NotInSet,
}

impl ParamError {
    /// The `+CME ERROR` code for this error (errata #35): `3` for a missing or mistyped
    /// parameter, `53` for a value out of range or not in its set.
    pub const fn cme_code(self) -> u16 {
        match self {
            ParamError::Missing | ParamError::NotANumber => 3,
            ParamError::OutOfRange | ParamError::NotInSet => 53,
        }
    }
}

impl fmt::Display for ParamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ParamError::Missing => "parameter missing",
            ParamError::NotANumber => "parameter is not a number",
            ParamError::OutOfRange => "parameter out of range",
            ParamError::NotInSet => "parameter not in its set",
        })
    }
}

impl core::error::Error for ParamError {}

/// A hex string could not be decoded (answered `+CME ERROR:53`, errata #25).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum HexError {
    /// An odd number of digits: every byte is written as two.
    OddLength,
    /// A character other than `0-9`, `a-f`, `A-F`.
    InvalidDigit,
    /// The output buffer is too short; `needed` bytes are required.
    BufferTooSmall {
        /// Bytes needed for the decoded output.
        needed: usize,
    },
}

impl fmt::Display for HexError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HexError::OddLength => f.write_str("odd number of hex digits"),
            HexError::InvalidDigit => f.write_str("invalid hex digit"),
            HexError::BufferTooSmall { needed } => {
                write!(f, "buffer too small: {needed} bytes needed")
            }
        }
    }
}

impl core::error::Error for HexError {}

/// `[HH]` escapes could not be expanded into the buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum EscapeError {
    /// The output buffer is too short; `needed` bytes are required.
    BufferTooSmall {
        /// Bytes needed for the expanded output.
        needed: usize,
    },
}

impl fmt::Display for EscapeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EscapeError::BufferTooSmall { needed } => {
                write!(f, "buffer too small: {needed} bytes needed")
            }
        }
    }
}

impl core::error::Error for EscapeError {}
