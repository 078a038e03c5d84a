//! Typed MCU-side requests: one type per command (generated in [`crate::requests`]), each of
//! which encodes its lines and decodes its answer from the command's description.

use cat1_at_parse::{EncodeError, Writer};

use crate::info::body;
use crate::render::write_values;
use crate::spec::{Code, CommandSpec, DefaultValue, Forms, Value, Values};
use crate::validate::{validate_value, value_is_valid};

/// Why a request could not be encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum RequestError {
    /// The command does not have this form.
    NoSuchForm,
    /// A value is not valid for its parameter, or there are too many or too few.
    InvalidValue,
    /// The buffer is too short; `needed` bytes are required.
    BufferTooSmall {
        /// Bytes needed.
        needed: usize,
    },
}

impl From<EncodeError> for RequestError {
    fn from(e: EncodeError) -> Self {
        match e {
            EncodeError::BufferTooSmall { needed } => RequestError::BufferTooSmall { needed },
            _ => RequestError::InvalidValue,
        }
    }
}

/// Writes `AT+NAME`, `tail`, the `values` when there are some, and `\r`. One function, not generic
/// over the tail, so that the typed requests a firmware uses share one copy.
#[inline(never)]
fn line(
    spec: &CommandSpec,
    form: Forms,
    buf: &mut [u8],
    tail: &[u8],
    values: Option<&[Value<'_>]>,
) -> Result<usize, RequestError> {
    if !spec.has(form) {
        return Err(RequestError::NoSuchForm);
    }
    let mut w = Writer::new(buf);
    if spec.name.is_empty() {
        w.put(b"AT");
    } else {
        w.put(b"AT+");
        w.put(spec.name.as_bytes());
    }
    w.put(tail);
    if let Some(values) = values {
        write_values(values, &mut w);
    }
    w.put_byte(b'\r');
    Ok(w.finish()?)
}

/// A command the MCU can send. Implemented by the generated types of [`crate::requests`].
pub trait Request {
    /// The command's description.
    const SPEC: &'static CommandSpec;

    /// Writes `AT+NAME?\r`.
    fn query(buf: &mut [u8]) -> Result<usize, RequestError> {
        line(Self::SPEC, Forms::QUERY, buf, b"?", None)
    }

    /// Writes `AT+NAME=?\r`.
    fn test(buf: &mut [u8]) -> Result<usize, RequestError> {
        line(Self::SPEC, Forms::TEST, buf, b"=?", None)
    }

    /// Writes the bare action `AT+NAME\r` (plain `AT\r` for [`crate::requests::At`]).
    fn execute(buf: &mut [u8]) -> Result<usize, RequestError> {
        if !Self::SPEC.params.is_empty() {
            return Err(RequestError::NoSuchForm);
        }
        line(Self::SPEC, Forms::EXECUTE, buf, b"", None)
    }

    /// Writes `AT+NAME=<values>\r` (a setting or a parameterised action), after checking every
    /// value against its parameter; trailing optional parameters may be left out.
    fn set(values: &[Value<'_>], buf: &mut [u8]) -> Result<usize, RequestError> {
        let spec = Self::SPEC;
        let form = if spec.has(Forms::SET) {
            Forms::SET
        } else {
            Forms::EXECUTE
        };
        if spec.params.is_empty() {
            return Err(RequestError::NoSuchForm);
        }
        let given = values.len();
        if given > spec.params.len() || given < spec.required() {
            return Err(RequestError::InvalidValue);
        }
        let valid = spec.params.iter().zip(values).all(|(p, v)| {
            value_is_valid(p, v)
                && !(matches!(p.default, DefaultValue::Unset) && *v == Value::Text(b""))
        });
        if !valid {
            return Err(RequestError::InvalidValue);
        }
        line(spec, form, buf, b"=", Some(values))
    }

    /// Decodes the answer line of a setting's query (`+NAME: v1,v2`), tolerantly: spaces after
    /// the colon, keywords in any case or quoted, empty "unset" values.
    fn decode_query(line: &[u8]) -> Result<Values<'_>, Code> {
        let spec = Self::SPEC;
        if !spec.setting {
            return Err(Code::UNKNOWN);
        }
        let text = body(line, spec.name).map_err(|_| Code::UNKNOWN)?;
        let params = cat1_at_parse::Params::new(text);
        let given = params.count();
        if given > spec.params.len() || given < spec.required() {
            return Err(Code::BAD_VALUE);
        }
        let mut values = Values::new();
        let mut texts = params.iter();
        for p in spec.params {
            let v = match texts.next().map(<[u8]>::trim_ascii) {
                Some(b"") if matches!(p.default, DefaultValue::Unset) => Value::Text(b""),
                Some(t) => validate_value(p, t)?,
                None => Value::Absent,
            };
            values.push(v);
        }
        Ok(values)
    }
}
