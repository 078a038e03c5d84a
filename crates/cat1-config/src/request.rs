//! Typed MCU-side requests: one type per command (generated in [`crate::requests`]), each of
//! which encodes its lines and decodes its answer from the command's description.

use cat1_at_parse::{Detached, EncodeError, Expect, InfoLine, Writer};
use core::marker::PhantomData;

use crate::commands::ALL;
use crate::info::{trim, untrimmed_body};
use crate::spec::{Code, CommandSpec, DefaultValue, Forms, Omitted, ParamKind, Value, Values};
use crate::validate::{in_ranges, keyword_listed, validate_text};

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

/// Writes `AT+NAME`, `tail` and `\r` (a line without values; a set line is written by
/// `set_line`). One function, not generic over the tail, so that the typed requests a firmware
/// uses share one copy.
#[inline(never)]
fn line(
    spec: &CommandSpec,
    form: Forms,
    buf: &mut [u8],
    tail: &[u8],
) -> Result<usize, RequestError> {
    if !spec.has(form) {
        return Err(RequestError::NoSuchForm);
    }
    let mut w = Writer::new(buf);
    prefix(spec, &mut w);
    w.put(tail);
    w.put_byte(b'\r');
    Ok(w.finish()?)
}

/// Room for the longest line without values: `AT+`, the longest command name, `=?` and CR,
/// rounded up to whole words (copied a word at a time).
pub const FIXED_MAX: usize = FIXED_WORDS * 4;

/// [`FIXED_MAX`] in words.
pub const FIXED_WORDS: usize = (6 + longest_name()).div_ceil(4);

/// The longest command name.
const fn longest_name() -> usize {
    let mut longest = 0;
    let mut rest: &[&CommandSpec] = &ALL;
    while let [spec, more @ ..] = rest {
        if spec.name.len() > longest {
            longest = spec.name.len();
        }
        rest = more;
    }
    longest
}

/// Writes `bytes` at the start of `rest`; what follows them (as much as fits: the caller has
/// checked the room).
const fn put<'a>(mut rest: &'a mut [u8], mut bytes: &[u8]) -> &'a mut [u8] {
    while let [b, more @ ..] = bytes {
        rest = match rest {
            [first, tail @ ..] => {
                *first = *b;
                tail
            }
            other => other,
        };
        bytes = more;
    }
    rest
}

/// A request line without values (`AT+NAME?`, `AT+NAME=?`, `AT+NAME`), built at compile time
/// from the command's description: what [`Request::query`], [`Request::test`] and
/// [`Request::execute`] write, without writing it each time (the client starts a typed query
/// or read by copying it; see [`Request::QUERY_LINE`]).
///
/// Sized for cat1-config's commands ([`FIXED_MAX`] bytes, from the longest name): a
/// description of one's own with a longer name may have no fixed line for a form it has (it
/// refuses with [`RequestError::NoSuchForm`]); [`FixedLine::fits`] tells, and the client's
/// typed methods then write its lines with [`Request::query`] and the like, as for any line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FixedLine {
    /// The line, CR included, then zeros, in words (a copy of all of them is a few word moves).
    words: [[u8; 4]; FIXED_WORDS],
    /// Its length; 0 when the command has no such form.
    len: u8,
    /// The length of the name after `AT+` (0 for plain `AT`).
    name_len: u8,
    /// The exchange it starts, as `Expect::command` of the line and name makes it: echo not
    /// required, then required (the client picks one by what it knows of echo, instead of
    /// building it each time).
    exchange: Detached,
    exchange_echoed: Detached,
}

impl FixedLine {
    /// `AT+NAME<tail>\r` when `valid` (plain `AT<tail>\r` for an empty name), else a line
    /// that refuses with [`RequestError::NoSuchForm`].
    const fn new(spec: &CommandSpec, valid: bool, tail: &[u8]) -> FixedLine {
        let mut line = FixedLine {
            words: [[0; 4]; FIXED_WORDS],
            len: 0,
            name_len: 0,
            exchange: Detached::NOTHING,
            exchange_echoed: Detached::NOTHING,
        };
        let name = spec.name.as_bytes();
        // Every name fits (FIXED_MAX is computed from them); a test checks the tails.
        if !valid || name.len() + tail.len() + 4 > FIXED_MAX {
            return line;
        }
        let rest: &mut [u8] = line.words.as_flattened_mut();
        let rest = put(rest, b"AT");
        let rest = if name.is_empty() {
            rest
        } else {
            put(put(rest, b"+"), name)
        };
        put(put(rest, tail), b"\r");
        let n = 2 + (!name.is_empty()) as usize + name.len() + tail.len();
        line.len = (n + 1) as u8;
        line.name_len = name.len() as u8;
        if let Some((sent, _)) = line.words.as_flattened().split_at_checked(n) {
            // Its name looked at once, here at compile time (`Expect::plain_name`).
            let expect = Expect::command(sent, name).plain_name();
            line.exchange = expect.detach();
            line.exchange_echoed = expect.echo_required().detach();
        }
        line
    }

    /// `bytes` as they are (no `AT`, no CR), starting `exchange` whether echo is on or not:
    /// a fixed line that is not a command, for a client that sends it as it sends the fixed
    /// lines (cat1-client's handshake, `+++` and `a`, awaiting the module's reply). At most
    /// [`FIXED_MAX`] bytes (empty beyond: a line that refuses with
    /// [`RequestError::NoSuchForm`]); its name is empty.
    ///
    /// Not API: hidden, for cat1-client's own handshake lines, which its adapters start with
    /// the framer told of the reply they await. Such a line given to `Core::start_fixed`, or as
    /// a request's line, is not supported (the byte gate would stay open for the reply, a
    /// lone reply would end a command's exchange); every other line comes from the
    /// descriptions (`query`, `test`, `bare`, `set` forms), which always end with CR and start
    /// a command's exchange.
    #[doc(hidden)]
    pub const fn raw(bytes: &[u8], exchange: Detached) -> FixedLine {
        let mut line = FixedLine {
            words: [[0; 4]; FIXED_WORDS],
            len: 0,
            name_len: 0,
            exchange,
            exchange_echoed: exchange,
        };
        if bytes.len() <= FIXED_MAX {
            put(line.words.as_flattened_mut(), bytes);
            line.len = bytes.len() as u8;
        }
        line
    }

    /// `AT+NAME?\r`, as [`Request::query`] writes it (refused the same way).
    pub const fn query(spec: &CommandSpec) -> FixedLine {
        Self::new(spec, spec.has(Forms::QUERY), b"?")
    }

    /// `AT+NAME=?\r`, as [`Request::test`] writes it (refused the same way).
    pub const fn test(spec: &CommandSpec) -> FixedLine {
        Self::new(spec, spec.has(Forms::TEST), b"=?")
    }

    /// `AT+NAME\r`, as [`Request::execute`] writes it (refused the same way).
    pub const fn execute(spec: &CommandSpec) -> FixedLine {
        Self::new(
            spec,
            spec.params.is_empty() && spec.has(Forms::EXECUTE),
            b"",
        )
    }

    /// `AT+NAME\r` for any command (plain `AT\r` for [`crate::requests::At`]): the bare form,
    /// which the manual defines as "executes or queries the current value" for every command.
    pub const fn bare(spec: &CommandSpec) -> FixedLine {
        Self::new(spec, true, b"")
    }

    /// The line, CR included.
    pub fn line(&self) -> Result<&[u8], RequestError> {
        match self.words.as_flattened().get(..usize::from(self.len)) {
            Some([]) | None => Err(RequestError::NoSuchForm),
            Some(line) => Ok(line),
        }
    }

    /// The line padded with zeros to [`FIXED_MAX`] bytes, in words (a copy of fixed size), and
    /// its length (0 when the command has no such form).
    pub const fn padded(&self) -> (&[[u8; 4]; FIXED_WORDS], usize) {
        (&self.words, self.len as usize)
    }

    /// The length of the command name, which starts after `AT+` (0 for plain `AT`).
    pub const fn name_len(&self) -> usize {
        self.name_len as usize
    }

    /// Whether every line without values of `spec` fits a fixed line (its name is no longer than
    /// the longest of cat1-config's commands, so true for all of them). When not, a form the
    /// command has may still have no fixed line: write the line with [`Request::query`],
    /// [`Request::test`] or [`Request::execute`] instead.
    pub const fn fits(spec: &CommandSpec) -> bool {
        spec.name.len() <= FIXED_MAX - 6
    }

    /// The exchange the line starts (`Expect::command(line, name)` detached), with
    /// `echo_required` or not.
    pub const fn exchange(&self, echo_required: bool) -> Detached {
        if echo_required {
            self.exchange_echoed
        } else {
            self.exchange
        }
    }
}

/// A command the MCU can send. Implemented by the generated types of [`crate::requests`].
///
/// cat1-client's typed methods send [`Request::QUERY_LINE`], [`Request::TEST_LINE`],
/// [`Request::EXECUTE_LINE`] and [`Request::BARE_LINE`], built from [`Request::SPEC`], not what
/// [`Request::query`], [`Request::test`] or [`Request::execute`] write: an implementation that
/// overrides those changes what they write, not what the client sends (except for a name too
/// long for a fixed line, see [`FixedLine::fits`]).
pub trait Request {
    /// The command's description.
    const SPEC: &'static CommandSpec;

    /// `AT+NAME?\r`, built at compile time (what [`Request::query`] writes).
    const QUERY_LINE: &'static FixedLine = &FixedLine::query(Self::SPEC);

    /// `AT+NAME=?\r`, built at compile time (what [`Request::test`] writes).
    const TEST_LINE: &'static FixedLine = &FixedLine::test(Self::SPEC);

    /// `AT+NAME\r`, built at compile time (what [`Request::execute`] writes).
    const EXECUTE_LINE: &'static FixedLine = &FixedLine::execute(Self::SPEC);

    /// The bare form `AT+NAME\r` of any command, built at compile time (see
    /// [`FixedLine::bare`]).
    const BARE_LINE: &'static FixedLine = &FixedLine::bare(Self::SPEC);

    /// Writes `AT+NAME?\r`.
    fn query(buf: &mut [u8]) -> Result<usize, RequestError> {
        line(Self::SPEC, Forms::QUERY, buf, b"?")
    }

    /// Writes `AT+NAME=?\r`.
    fn test(buf: &mut [u8]) -> Result<usize, RequestError> {
        line(Self::SPEC, Forms::TEST, buf, b"=?")
    }

    /// Writes the bare action `AT+NAME\r` (plain `AT\r` for [`crate::requests::At`]).
    fn execute(buf: &mut [u8]) -> Result<usize, RequestError> {
        if !Self::SPEC.params.is_empty() {
            return Err(RequestError::NoSuchForm);
        }
        line(Self::SPEC, Forms::EXECUTE, buf, b"")
    }

    /// Writes `AT+NAME=<values>\r` (a setting or a parameterised action), checking every value
    /// against its parameter as it goes; trailing optional parameters may be left out. On `Err`
    /// nothing is to be sent and what `buf` holds is unspecified: the line's start may be
    /// written before a value is refused (one pass over the values: 72 bytes less code than
    /// checking them all first), as a line that does not fit always left part of it. An
    /// implementation of one's own may end the line with CR LF or LF instead (cat1-client
    /// matches the echo without the line end).
    fn set(values: &[Value<'_>], buf: &mut [u8]) -> Result<usize, RequestError> {
        set_line(Self::SPEC, values, buf)
    }

    /// Decodes the answer line of a setting's query (`+NAME: v1,v2`), tolerantly: spaces after
    /// the colon, keywords in any case or quoted, empty "unset" values.
    fn decode_query(line: &[u8]) -> Result<Values<'_>, Code> {
        decode_answer(Self::SPEC, line)
    }

    /// [`Request::decode_query`] for the information line the framer handed this request's
    /// exchange: what the typed `query` of cat1-client decodes. By default
    /// `decode_query(info.line())`, so that a request of one's own that overrides
    /// `decode_query`, or whose `QUERY_LINE` is not its `SPEC`'s, is decoded as it says, the
    /// name compared; the generated [`crate::requests`] override it with [`decode_info`], which
    /// skips the second look at a name the framer has matched. A request of one's own that
    /// overrides it leaves [`Request::INFO_SPEC`] at `None`: cat1-client's typed `query`
    /// decodes by that description instead of calling this when it is `Some`.
    fn decode_info(info: InfoLine<'_>) -> Result<Values<'_>, Code> {
        Self::decode_query(info.line())
    }

    /// `Some(spec)` when [`Request::decode_info`] is exactly [`decode_info`]`(spec, info)`, as
    /// in the generated [`crate::requests`] (`Some(Self::SPEC)` for each setting); `None` (the
    /// default) for a request of one's own, whose `decode_info` is called as it is. cat1-client's
    /// typed `query` decodes through it ([`decode_info_with`], the same decoding with the values
    /// handed by reference), so that its one decoding body serves every request type that says
    /// `Some` (a constant per type, not a copy of the decoder each).
    const INFO_SPEC: Option<&'static CommandSpec> = None;

    /// `Some` when [`Request::set`] is exactly [`set_line`] of the description it holds, as in
    /// the generated [`crate::requests`] (each of its own `SPEC`); `None` (the default) for a
    /// request of one's own, whose `set` is called as it is. cat1-client's typed `set` writes
    /// the line through it, so that every generated request type shares one call of
    /// `set_line` (a constant per type, not a forwarding `set` of its own each). Only this
    /// crate can make a [`SetLineOf`], and one made for a generated request is of that type
    /// alone: a request of one's own cannot say `Some` (nor copy a generated request's) and
    /// then have the `set` it overrides skipped.
    const SET_SPEC: Option<SetLineOf<Self>> = None;
}

/// The description a generated request `R`'s [`Request::set`] writes by
/// ([`Request::SET_SPEC`]): that `set` is [`set_line`] of it. Made only by this crate, for the
/// generated requests, and typed by the request (a request of one's own that overrides `set`
/// could otherwise promise what it does not do):
///
/// ```compile_fail,E0624
/// use cat1_config::request::SetLineOf;
/// let _ = SetLineOf::<cat1_config::requests::Sdpen>::new(&cat1_config::commands::general::SDPEN);
/// ```
///
/// ```compile_fail,E0308
/// use cat1_config::request::{Request, SetLineOf};
/// struct Own;
/// impl Request for Own {
///     const SPEC: &'static cat1_config::CommandSpec = &cat1_config::commands::general::SDPEN;
///     const SET_SPEC: Option<SetLineOf<Self>> = <cat1_config::requests::Sdpen as Request>::SET_SPEC;
/// }
/// ```
pub struct SetLineOf<R: ?Sized>(&'static CommandSpec, PhantomData<fn() -> R>);

impl<R: ?Sized> SetLineOf<R> {
    /// The promise for `spec`: for the generated requests only.
    pub(crate) const fn new(spec: &'static CommandSpec) -> SetLineOf<R> {
        SetLineOf(spec, PhantomData)
    }

    /// The description the request's `set` writes by.
    pub const fn spec(&self) -> &'static CommandSpec {
        self.0
    }
}

// By hand: derived, they would require `R` to be `Clone`, `Copy` and `Debug`.
impl<R: ?Sized> Clone for SetLineOf<R> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<R: ?Sized> Copy for SetLineOf<R> {}

impl<R: ?Sized> core::fmt::Debug for SetLineOf<R> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_tuple("SetLineOf").field(&self.0.name).finish()
    }
}

/// [`Request::set`] for the command `spec` describes (what the default method and the generated
/// [`crate::requests`] write; see [`Request::SET_SPEC`]). Not generic, so that LLVM may keep one
/// copy of the checks for every request type's `set` rather than one per call site. Left to
/// LLVM to inline (no `#[inline(never)]`): with one set type it inlines it, as before (a call
/// with the spec unknown costs 36 bytes more in benches/footprint); with four it keeps one copy
/// (12 bytes less than the default method's four).
pub fn set_line(
    spec: &CommandSpec,
    values: &[Value<'_>],
    buf: &mut [u8],
) -> Result<usize, RequestError> {
    if spec.params.is_empty() {
        return Err(RequestError::NoSuchForm);
    }
    // The required count looked up only for a short list (`bad_count`): none of it for a set
    // with every value given (client flash -12 bytes).
    if bad_count(spec, values.len()) {
        return Err(RequestError::InvalidValue);
    }
    // Each value checked and written in one loop, not checked in one and written by `line`
    // and `write_values` in a second (client `.text` -72 bytes with the single bytes below,
    // `.rodata` +4). The same line and the same errors: a bad value is refused wherever it is
    // (whatever the room), and a command with neither form (a description of one's own) after
    // its values are checked, as `line` refused it; what a refused line left in `buf` is not
    // part of the answer.
    let mut w = Writer::new(buf);
    prefix(spec, &mut w);
    // Single bytes through `put` too: a call where `put_byte` is a store inline (a set line is
    // written once per command, its speed is not what counts here). Each value after its
    // separator, `=` before the first one written and `,` before the others, and the line's
    // end `=` and CR when none was, CR else: slices of one string picked by one index, where
    // a flag, a branch and a write of `=` before the loop were (client flash -28 bytes; the
    // same line: the `=` is written later, but a refused line's bytes are not the answer).
    let mut none_yet: usize = 1;
    for (p, v) in spec.params.iter().zip(values) {
        // An absent list entry is left out (no comma); `value_is_valid` takes it only where the
        // list may be cut.
        if let Value::Absent = v {
            if matches!(p.omitted, Omitted::Absent) {
                continue;
            }
            return Err(RequestError::InvalidValue);
        }
        // The separator (`=` or `,`) before the value is written before the value is checked:
        // a refused line's bytes are not part of the answer (what `buf` holds on an error may
        // now stop before the `=`: unspecified, and the client drops it), and the writer only
        // records a line too long. Then one match checks the value
        // (`value_is_valid`'s arms, the "unset" empty text refused) and writes it, where a
        // check and then a second match for the write cost more code.
        w.put(PUNCT.get(none_yet..=none_yet).unwrap_or(&[]));
        none_yet = 0;
        let text = match *v {
            Value::Int(n) if matches!(p.kind, ParamKind::Int { ranges, .. } if in_ranges(n, ranges)) =>
            {
                w.put_u32(n);
                continue;
            }
            Value::Keyword(k) if keyword_listed(p, k) => k.as_bytes(),
            Value::Text(t)
                if !(t.is_empty() && matches!(p.default, DefaultValue::Unset))
                    && matches!(validate_text(p, t, false), Ok(Value::Text(_))) =>
            {
                t
            }
            // `Keep`, or a value its parameter refuses.
            _ => return Err(RequestError::InvalidValue),
        };
        w.put(text);
    }
    // A set form or else an execute form (one test of both bits, after the values, where the
    // form was picked before them and kept).
    if spec.forms.0 & (Forms::SET.0 | Forms::EXECUTE.0) == 0 {
        return Err(RequestError::NoSuchForm);
    }
    w.put(PUNCT.get(2usize.wrapping_sub(none_yet)..).unwrap_or(&[]));
    Ok(w.finish()?)
}

/// The set line's separators and end, each a slice of one string: `,` and `=` before a value,
/// CR or `=` and CR at the end (one address loaded for them all).
const PUNCT: &[u8; 3] = b",=\r";

/// Writes `AT+NAME` (plain `AT` for an empty name).
#[inline(always)]
fn prefix(spec: &CommandSpec, w: &mut Writer<'_>) {
    // The same two writes either way (an empty name writes nothing): the prefix chosen, not
    // the calls (one call and its branch less).
    let name = spec.name.as_bytes();
    // `AT` as the start of `AT+`: one string, its length chosen (client flash -8 bytes).
    let at: &[u8] = if name.is_empty() {
        &b"AT+"[..2]
    } else {
        b"AT+"
    };
    w.put(at);
    w.put(name);
}

/// [`Request::decode_query`] for the command `spec` describes.
pub fn decode_answer<'a>(spec: &CommandSpec, line: &'a [u8]) -> Result<Values<'a>, Code> {
    if !spec.setting {
        return Err(Code::UNKNOWN);
    }
    // Not trimmed as a whole: each parameter is (the same text, the ends trimmed once).
    let text = untrimmed_body(line, spec.name).map_err(|_| Code::UNKNOWN)?;
    let mut values = Values::new();
    decode_params(spec, text, &mut values, true)?;
    Ok(values)
}

/// [`decode_answer`] of an information line whose name its maker has matched: the framer hands
/// an exchange only `+NAME:` lines of its own command (the name in any case, as
/// `decode_answer` compares it), so the name is not compared again, only the text after the
/// colon the `InfoLine` located is decoded (the same values and errors as
/// `decode_answer(spec, info.line())` for a line of `spec`'s name; a continuation line is
/// [`Code::UNKNOWN`], as `decode_answer` finds it). The name is not looked at: an `InfoLine`
/// of another command is decoded as if it were this one's.
pub fn decode_info<'a>(spec: &CommandSpec, info: InfoLine<'a>) -> Result<Values<'a>, Code> {
    let mut values = Values::new();
    decode_params(spec, info_params(spec, info)?, &mut values, true)?;
    Ok(values)
}

/// [`decode_info`], the values handed to `on_values` by reference rather than returned: what
/// cat1-client's typed `query` decodes with. A `Values` (64 bytes) returned inside a `Result`
/// is copied out of the decoder's local by `memcpy` (730 bytes of flash on a firmware whose
/// only copy this is); decoded where `on_values` reads them, they are not copied at all.
/// `on_values` is called once on `Ok`, never on `Err`.
// Inlined always, into the caller's frame (the typed `query`, or benches/qemu-machines'
// harness), where `#[inline]` left it out of line: its own frame, calls and result were
// about 27 instructions a setting's answer (the manual 29.1 / 28.1 / 23.8 / 23.8 to
// 28.8 / 27.7 / 23.5 / 23.4 per byte; client flash -4). The text located before the values
// are built: built first, the harness's dispatch of every line took one more instruction
// (LLVM laid its registers out anew).
#[inline(always)]
pub fn decode_info_with<'a, T>(
    spec: &CommandSpec,
    info: InfoLine<'a>,
    on_values: impl FnOnce(&Values<'a>) -> T,
) -> Result<T, Code> {
    let text = info_params(spec, info)?;
    let mut values = Values::new();
    decode_params(spec, text, &mut values, true)?;
    Ok(on_values(&values))
}

/// [`decode_info_with`] told only whether the line decodes: `Some` of `on_values`'s result
/// where `decode_info_with` returns `Ok` (`on_values` called once, with the same values),
/// `None` where it returns any error (`on_values` not called). What cat1-client's typed `query`
/// decodes with: it never reads the error's code, so the parameters after a refused value are
/// not counted (that count only chooses between two codes). Hidden: an entry for that caller.
// The count is left out by `decode_params`'s flag, not by a generic: instantiated in the
// caller's crate, a generic copy took `#[inline]` `validate_text` and `trim` for its own (local
// copies with one caller each, which LLVM then inlined: client flash +448 bytes). With the flag
// the decoder is compiled here once, and LTO's constant drops the count in the client (about
// 84 bytes, which LLVM kept before: `required()` is a loop it cannot prove ends).
#[doc(hidden)]
#[inline(always)]
pub fn decode_info_ok<'a, T>(
    spec: &CommandSpec,
    info: InfoLine<'a>,
    on_values: impl FnOnce(&Values<'a>) -> T,
) -> Option<T> {
    let text = info_params(spec, info).ok()?;
    let mut values = Values::new();
    decode_params(spec, text, &mut values, false).ok()?;
    Some(on_values(&values))
}

/// The text after the colon of `info`, as [`decode_info`] decodes it.
#[inline(always)]
fn info_params<'a>(spec: &CommandSpec, info: InfoLine<'a>) -> Result<&'a [u8], Code> {
    if !spec.setting || info.is_continuation() {
        return Err(Code::UNKNOWN);
    }
    // The text after the colon, untrimmed as `decode_answer` takes it (not `raw_params`, which
    // skips the spaces after the colon in a loop: each parameter is trimmed anyway), by
    // `after_colon`, one bound tested, where the name's length and a slice after it tested two
    // (client flash -4 bytes; the manual cycles about 120 instructions a pass less).
    Ok(info.after_colon())
}

/// The parameters `text` (after `+NAME:`) of a setting's answer, decoded against `spec` into
/// `values`, which the caller gives as [`Values::new`] makes them (the ones left out stay
/// absent; one initialisation, not one by the caller and one here).
/// `code`: the error is the code `decode_answer` documents; when `false`, after a refused value
/// it is that value's own code, the parameters after it not counted (for a caller that only
/// tells `Ok` from `Err`: [`decode_info_ok`]; `Ok` and the values are the same either way).
fn decode_params<'a>(
    spec: &CommandSpec,
    text: &'a [u8],
    values: &mut Values<'a>,
    code: bool,
) -> Result<(), Code> {
    // One pass over the parameters (not a count first): each is validated as it comes; the
    // count is judged after, and a wrong count is told before a bad value, as a count first
    // would tell it. The values are written where they go and the length set once (what a
    // push per parameter gives: the ones left out stay absent).
    // The parameters are cut here, not by `Params`: the cut looks at every byte at or below
    // `,` anyway, and tells whether the parameter had one (a plain parameter needs no trim, and
    // plain free text no look at its bytes: `validate_text`). `rest` is `None` once the last
    // parameter is taken (what `ParamIter`'s `done` is).
    // One loop and one call of the cut: the parameters the description has are validated as
    // they come, any more only counted in the same loop, and after a refused value the rest
    // counted by `params_in`, which returns at once; where a second loop after the first,
    // calling the cut again, counted both. With one caller LLVM inlines the cut, whose three
    // results went through memory (client flash -24 bytes, issue 6's seventeenth flash round).
    // Refused, the error returned from the loop: carried to its end as a value, it held a
    // register and spilled the value built (the manual cycles about 1,000 instructions a pass
    // up, at opt-level 3; this way they are what they were to the instruction).
    let mut rest = Some(text);
    let mut params = spec.params.iter();
    // At most the text's length plus one (a cut takes a comma or ends): no overflow.
    let mut count: usize = 0;
    while let Some(r) = rest {
        let (t, plain, after) = cut_param(r);
        rest = after;
        let Some(p) = params.next() else {
            // One too many: only counted.
            count = count.wrapping_add(1);
            continue;
        };
        let t = if plain { t } else { trim(t) };
        let v = if t.is_empty() && matches!(p.default, DefaultValue::Unset) {
            Value::Text(b"")
        } else {
            match validate_text(p, t, plain) {
                Ok(v) => v,
                // The first bad value is the answer unless the count is wrong, which is told
                // first: the parameters after it are only counted, here (no value is kept
                // anyway).
                Err(e) => {
                    // An error either way: the count only picks its code.
                    if !code {
                        return Err(e);
                    }
                    let count = count
                        .wrapping_add(1)
                        .saturating_add(after.map_or(0, params_in));
                    return Err(if bad_count(spec, count) {
                        Code::BAD_VALUE
                    } else {
                        e
                    });
                }
            }
        };
        values.set(count, v);
        count = count.wrapping_add(1);
    }
    if bad_count(spec, count) {
        return Err(Code::BAD_VALUE);
    }
    values.set_len(spec.params.len());
    Ok(())
}

/// The first parameter of `rest` as [`cat1_at_parse::ParamIter`] cuts it (at the first comma
/// outside double quotes), whether it is plain (no byte at or below `,`: no whitespace, quote or
/// line end), and the text after its comma (`None` for the last parameter).
#[inline]
fn cut_param(rest: &[u8]) -> (&[u8], bool, Option<&[u8]>) {
    let mut quoted = false;
    let mut plain = true;
    let mut i: usize = 0;
    // One test per byte in the usual case, as `ParamIter::next`.
    while let Some(&b) = rest.get(i) {
        if b <= b',' {
            // The comma outside quotes tested first, as `ParamIter::next` does.
            if quoted {
                quoted = b != b'"';
            } else if b == b',' {
                let (head, tail) = rest.split_at(i);
                // `tail` starts with the comma: `get(1..)` is always `Some`, returned as it is
                // (`Some(tail.get(1..).unwrap_or(&[]))` kept a test of the length: client `.text`
                // 12 bytes more, client-async 12).
                return (head, plain, tail.get(1..));
            } else {
                quoted = b == b'"';
            }
            plain = false;
        }
        i = i.wrapping_add(1);
    }
    (rest, plain, None)
}

/// How many parameters `text` holds as [`cut_param`] cuts them one after the other: its commas
/// outside double quotes, plus one (after a comma the cut starts outside quotes, as this count
/// goes on). Only for what follows a refused value: a count without the cut's other results.
fn params_in(text: &[u8]) -> usize {
    let mut quoted = false;
    // At most the text's length plus one: no overflow.
    let mut count: usize = 1;
    for &b in text {
        if quoted {
            quoted = b != b'"';
        } else if b == b',' {
            count = count.wrapping_add(1);
        } else {
            quoted = b == b'"';
        }
    }
    count
}

/// Whether `count` parameters are too many or too few for `spec` (the required count is
/// needed only when some were left out).
#[inline(always)]
fn bad_count(spec: &CommandSpec, count: usize) -> bool {
    count > spec.params.len() || (count < spec.params.len() && count < spec.required())
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use crate::requests::{At, Csq, Rstim, Z};
    use crate::spec::{Omitted, ParamKind, ParamSpec};
    use crate::validate::{validate_value, value_is_valid};

    #[test]
    fn a_raw_fixed_line_is_its_bytes_and_exchange() {
        let state = Expect::handshake_a().detach();
        let line = FixedLine::raw(b"+++", state);
        assert_eq!(line.line(), Ok(&b"+++"[..]));
        assert_eq!(line.padded().1, 3);
        assert_eq!(line.name_len(), 0);
        assert_eq!(line.exchange(false), state);
        assert_eq!(line.exchange(true), state);
        let full = [b'a'; FIXED_MAX];
        assert_eq!(FixedLine::raw(&full, state).line(), Ok(&full[..]));
        let long = [b'a'; FIXED_MAX + 1];
        assert_eq!(
            FixedLine::raw(&long, state).line(),
            Err(RequestError::NoSuchForm)
        );
    }

    /// What `line` writes for `spec` in a buffer of `room` bytes, or its error.
    fn written(
        spec: &CommandSpec,
        form: Forms,
        tail: &[u8],
        room: usize,
    ) -> Result<([u8; 64], usize), RequestError> {
        let mut buf = [0u8; 64];
        let n = line(spec, form, &mut buf[..room], tail)?;
        Ok((buf, n))
    }

    /// `set_line` as it was: every value checked first, then the line written by `line` with
    /// its values (`write_values`), after `line`'s own check of the form.
    fn set_line_before(
        spec: &CommandSpec,
        values: &[Value<'_>],
        buf: &mut [u8],
    ) -> Result<usize, RequestError> {
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
        w.put(b"=");
        crate::render::write_values(values, &mut w);
        w.put_byte(b'\r');
        Ok(w.finish()?)
    }

    /// A value for `p`: mostly one it takes (a keyword of its set, a bound of one of its
    /// ranges, text of its characters and length, its template filled in), else a keyword or
    /// number of its own, text of `bytes` (quotes, commas, spaces), or left out or kept.
    pub(super) fn value_for(p: &ParamSpec, pick: (u8, u32, std::vec::Vec<u8>)) -> Value<'static> {
        let (kind, n, bytes) = pick;
        let leak =
            |v: std::vec::Vec<u8>| -> &'static [u8] { std::boxed::Box::leak(v.into_boxed_slice()) };
        const OTHER: &[&str] = &["ON", "off", "TCP", "NONE", "x"];
        let i = n as usize;
        match (kind % 10, p.kind) {
            // A list entry left out (`AT+NTPSVR=a,,c`).
            (0..=7, _) if matches!(p.omitted, Omitted::Absent) && n % 4 == 0 => Value::Absent,
            (0..=7, ParamKind::Keyword(k)) if !k.is_empty() => Value::Keyword(k[i % k.len()]),
            (0..=7, ParamKind::Int { ranges, .. }) if !ranges.is_empty() => {
                let (lo, hi) = ranges[i % ranges.len()];
                Value::Int(if n % 2 == 0 { lo } else { hi })
            }
            (0..=7, ParamKind::Text { min, max, charset }) => {
                let len = usize::from(min) + i % (usize::from(max - min) + 1).min(20);
                let pool: std::vec::Vec<u8> = (b'!'..=b'~')
                    .filter(|&b| charset.allows(b) && b != b'"' && b != b',')
                    .collect();
                let text = (0..len).map(|j| pool[(j + i) % pool.len()]).collect();
                Value::Text(leak(text))
            }
            (0..=7, ParamKind::Hex { min_bytes, .. }) => {
                let len = 2 * usize::from(min_bytes) + 2 * (i % 3);
                Value::Text(leak((0..len).map(|j| b"0aF9"[(j + i) % 4]).collect()))
            }
            (0..=7, ParamKind::Template(t)) => Value::Text(leak(
                t.bytes()
                    .map(|c| match c {
                        b'9' => b'0' + (n % 10) as u8,
                        b'+' => b'-',
                        c => c,
                    })
                    .collect(),
            )),
            (8, _) if n % 3 == 0 => Value::Keyword(OTHER[i % OTHER.len()]),
            (8, _) if n % 3 == 1 => Value::Int(n),
            (8, _) => {
                if n % 2 == 0 {
                    Value::Keep
                } else {
                    Value::Absent
                }
            }
            _ => Value::Text(leak(bytes)),
        }
    }

    proptest::proptest! {
        // About a fifth of the cases give a line (the rest are refused, as they should be).
        #![proptest_config(proptest::test_runner::Config::with_cases(1024))]
        #[test]
        fn set_line_is_as_before(
            which in 0usize..ALL.len(),
            picks in proptest::collection::vec(
                (
                    0u8..10,
                    proptest::prelude::any::<u32>(),
                    proptest::collection::vec(
                        proptest::sample::select(std::vec![
                            b'a', b'Z', b'0', b'7', b'F', b'"', b',', b' ', b'.', b'-', b'+', b':'
                        ]),
                        0..12,
                    ),
                ),
                9,
            ),
            count in 0usize..64,
            room in 0usize..96,
            forms in proptest::option::of(0u8..16),
        ) {
            // Sometimes with other forms (a description of one's own: with neither a set nor an
            // execute form, a line of valid values is refused for its form).
            let own;
            let spec = match forms {
                Some(f) => {
                    own = CommandSpec { forms: Forms(f), ..*ALL[which] };
                    &own
                }
                None => ALL[which],
            };
            // Mostly as many values as the command has, or fewer; sometimes one too many.
            let count = count % (spec.params.len() + 2);
            let values: std::vec::Vec<Value<'static>> = spec
                .params
                .iter()
                .cycle()
                .zip(picks)
                .take(count)
                .map(|(p, pick)| value_for(p, pick))
                .collect();
            let mut now = [0u8; 96];
            let mut before = [0u8; 96];
            let got = set_line(spec, &values, &mut now[..room]);
            let want = set_line_before(spec, &values, &mut before[..room]);
            proptest::prop_assert_eq!(got, want, "{}", spec.name);
            if let Ok(n) = got {
                proptest::prop_assert_eq!(&now[..n], &before[..n]);
            }
        }
    }

    /// A set whose values are all left out (a list of one's own that may be cut anywhere, or
    /// none given where none is required) is `AT+NAME=` and CR, as before: the `=` that the
    /// first value's separator writes otherwise comes with the line's end.
    #[test]
    fn a_set_line_with_no_value_written_ends_in_equals_and_cr() {
        const LIST: [ParamSpec; 2] = [
            ParamSpec {
                name: "a",
                doc: "",
                kind: ParamKind::Text {
                    min: 1,
                    max: 8,
                    charset: crate::spec::Charset::Any,
                },
                omitted: Omitted::Absent,
                default: DefaultValue::None,
            },
            ParamSpec {
                name: "b",
                doc: "",
                kind: ParamKind::Int {
                    ranges: &[(0, 9)],
                    unit: None,
                    unit_in_test: false,
                },
                omitted: Omitted::Absent,
                default: DefaultValue::None,
            },
        ];
        let spec = CommandSpec {
            params: &LIST,
            forms: Forms(Forms::SET.0 | Forms::QUERY.0),
            ..*ALL[0]
        };
        let cases: [(&[Value<'_>], &[u8]); 5] = [
            (&[], b"=\r"),
            (&[Value::Absent], b"=\r"),
            (&[Value::Absent, Value::Absent], b"=\r"),
            (&[Value::Absent, Value::Int(7)], b"=7\r"),
            (&[Value::Text(b"x"), Value::Int(7)], b"=x,7\r"),
        ];
        for (values, tail) in cases {
            let mut now = [0u8; 32];
            let mut before = [0u8; 32];
            let n = set_line(&spec, values, &mut now).unwrap();
            assert_eq!(Ok(n), set_line_before(&spec, values, &mut before));
            assert_eq!(&now[..n], &before[..n]);
            assert!(now[..n].ends_with(tail), "{:?}", &now[..n]);
        }
    }

    /// The fixed line copied into a buffer of `room` bytes as the client copies it.
    fn copied(fixed: &FixedLine, room: usize) -> Result<([u8; 64], usize), RequestError> {
        let line = fixed.line()?;
        if line.len() > room {
            return Err(RequestError::BufferTooSmall { needed: line.len() });
        }
        let mut buf = [0u8; 64];
        buf[..line.len()].copy_from_slice(line);
        Ok((buf, line.len()))
    }

    #[test]
    fn fixed_lines_are_what_the_encoders_write_for_every_command() {
        for spec in ALL {
            assert!(FixedLine::fits(spec), "{}", spec.name);
            for room in [0, 3, 6, 64] {
                let execute = if spec.params.is_empty() {
                    written(spec, Forms::EXECUTE, b"", room)
                } else {
                    Err(RequestError::NoSuchForm)
                };
                let bare = written(
                    &CommandSpec {
                        forms: Forms(15),
                        ..*spec
                    },
                    Forms(0),
                    b"",
                    room,
                );
                for (fixed, general) in [
                    (
                        FixedLine::query(spec),
                        written(spec, Forms::QUERY, b"?", room),
                    ),
                    (
                        FixedLine::test(spec),
                        written(spec, Forms::TEST, b"=?", room),
                    ),
                    (FixedLine::execute(spec), execute),
                    (FixedLine::bare(spec), bare),
                ] {
                    let fixed_bytes = copied(&fixed, room);
                    let strip = |r: Result<([u8; 64], usize), RequestError>| {
                        r.map(|(b, n)| b[..n].to_vec())
                    };
                    assert_eq!(strip(fixed_bytes), strip(general), "{} {room}", spec.name);
                    if let Ok(line) = fixed.line() {
                        assert_eq!(fixed.name_len(), spec.name.len());
                        assert_eq!(&line[..2], b"AT");
                        let (padded, len) = fixed.padded();
                        assert_eq!(len, line.len());
                        assert!(padded.as_flattened()[len..].iter().all(|&b| b == 0));
                        // The exchange built at compile time is the one built at run time.
                        let expect = Expect::command(line, spec.name.as_bytes());
                        assert_eq!(fixed.exchange(false), expect.detach());
                        assert_eq!(fixed.exchange(true), expect.echo_required().detach());
                    }
                }
            }
        }
    }

    /// `decode_answer` as it was written first: the parameters counted, then validated.
    fn decode_counted<'a>(spec: &CommandSpec, line: &'a [u8]) -> Result<Values<'a>, Code> {
        if !spec.setting {
            return Err(Code::UNKNOWN);
        }
        let text = crate::info::body(line, spec.name).map_err(|_| Code::UNKNOWN)?;
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

    proptest::proptest! {
        /// The one-pass decoder gives what counting first gave, on every command, for answers
        /// with too few, too many, empty, bad and good values.
        #[test]
        fn one_pass_decoding_is_counting_first(
            command in 0usize..crate::commands::COUNT,
            pieces in proptest::collection::vec(0usize..18, 0..8),
            name_case in proptest::bool::ANY,
        ) {
            // Spaces and tabs around values (trimmed), quoted keywords and commas, a lone space.
            const VALUES: [&str; 18] = [
                "", "0", "1", "60", "65536", "ON", "off", "\"CMNET\"", "a.b", " 7 ", "NET",
                "115200", " ", "\t60\t", "\"ON\"", "\"a,b\"", " \r1", "\x0b2",
            ];
            let spec = ALL[command];
            let name = if name_case {
                spec.name.to_ascii_lowercase()
            } else {
                spec.name.into()
            };
            let body: std::vec::Vec<&str> = pieces.iter().map(|&i| VALUES[i]).collect();
            let line = std::format!("+{}: {}", name, body.join(","));
            proptest::prop_assert_eq!(
                decode_answer(spec, line.as_bytes()),
                decode_counted(spec, line.as_bytes())
            );
        }
    }

    /// `decode_params` as it was before the parameters were cut in one loop (a main loop over
    /// the description, then a second loop, with a second call of the cut, counting what was
    /// left after the last parameter taken).
    fn decode_params_before<'a>(
        spec: &CommandSpec,
        text: &'a [u8],
        values: &mut Values<'a>,
    ) -> Result<(), Code> {
        let mut rest = Some(text);
        let mut given: usize = 0;
        let mut refused = None;
        for p in spec.params {
            let Some(r) = rest else {
                break;
            };
            let (t, plain, after) = cut_param(r);
            rest = after;
            let t = if plain { t } else { trim(t) };
            let v = if t.is_empty() && matches!(p.default, DefaultValue::Unset) {
                Value::Text(b"")
            } else {
                match validate_text(p, t, plain) {
                    Ok(v) => v,
                    Err(e) => {
                        refused = Some(e);
                        given = given.wrapping_add(1);
                        break;
                    }
                }
            };
            values.set(given, v);
            given = given.wrapping_add(1);
        }
        let mut count = given;
        while let Some(r) = rest {
            rest = cut_param(r).2;
            count = count.saturating_add(1);
        }
        if bad_count(spec, count) {
            return Err(Code::BAD_VALUE);
        }
        if let Some(e) = refused {
            return Err(e);
        }
        values.set_len(spec.params.len());
        Ok(())
    }

    proptest::proptest! {
        /// The parameters cut in one loop (a refused value's rest counted by `params_in`) give
        /// what the main loop and the counting loop gave: the same values, or the same error
        /// (a wrong count told before a refused value), on every setting and on descriptions
        /// of one's own with more parameters than `MAX_PARAMS`, for texts with too few, too
        /// many, refused, quoted and empty parameters.
        #[test]
        fn one_loop_decoding_is_as_before(
            command in 0usize..crate::commands::COUNT,
            own in proptest::bool::ANY,
            pieces in proptest::collection::vec(0usize..20, 0..9),
            seps in proptest::collection::vec(0usize..4, 0..9),
        ) {
            const VALUES: [&str; 20] = [
                "", "0", "1", "60", "65536", "ON", "off", "\"CMNET\"", "a.b", " 7 ", "NET",
                "115200", " ", "\t60\t", "\"ON\"", "\"a,b\"", " \r1", "\x0b2", "\"", "x\"y",
            ];
            const SEPS: [&str; 4] = [",", ",", " , ", "\","];
            // Seven parameters (more than `MAX_PARAMS`) taken from the model's own, some
            // required, the rest left out as the description says.
            static OWN_PARAMS: std::sync::OnceLock<std::vec::Vec<ParamSpec>> =
                std::sync::OnceLock::new();
            let own_params = OWN_PARAMS.get_or_init(|| {
                ALL.iter()
                    .flat_map(|c| c.params.iter().copied())
                    .step_by(5)
                    .take(7)
                    .collect()
            });
            let own_spec = CommandSpec { params: own_params, ..*ALL[command] };
            let spec = if own { &own_spec } else { ALL[command] };
            let mut text = std::string::String::new();
            for (i, &piece) in pieces.iter().enumerate() {
                if i > 0 {
                    text.push_str(SEPS[seps.get(i).copied().unwrap_or(0)]);
                }
                text.push_str(VALUES[piece]);
            }
            let mut got = Values::new();
            let mut want = Values::new();
            let got_result = decode_params(spec, text.as_bytes(), &mut got, true);
            let want_result = decode_params_before(spec, text.as_bytes(), &mut want);
            proptest::prop_assert_eq!(got_result, want_result);
            if got_result.is_ok() {
                proptest::prop_assert_eq!(got, want);
            }
            // Without the code (`decode_info_ok`'s), `Ok` with the same values where the code
            // is `Ok`, an error where it is one.
            let mut uncoded = Values::new();
            let uncoded_result = decode_params(spec, text.as_bytes(), &mut uncoded, false);
            proptest::prop_assert_eq!(uncoded_result.is_ok(), want_result.is_ok());
            if uncoded_result.is_ok() {
                proptest::prop_assert_eq!(uncoded, want);
            }
        }

        /// The same on answers built from values each parameter takes (a second reader found
        /// that the fixed strings above are almost always refused in the first place, so that
        /// answers of several good values and refusals in the middle or last were seldom
        /// reached): each value rendered as a query answer renders it, optionally padded, the
        /// list cut or one too long, and one piece replaced by a refused one.
        #[test]
        fn decoding_good_values_is_as_before(
            which in 0usize..ALL.len(),
            picks in proptest::collection::vec(
                (0u8..8, proptest::prelude::any::<u32>(),
                 proptest::collection::vec(proptest::sample::select(std::vec![b'a', b'0']), 0..3)),
                9,
            ),
            cut in 0usize..10,
            bad_at in proptest::option::of(0usize..9),
            bad in 0usize..6,
            pad in proptest::bool::ANY,
        ) {
            const REFUSED: [&[u8]; 6] = [b"", b"x\"", b"\"ON", b"99999999999", b"\r", b"-"];
            let spec = ALL[which];
            let mut pieces: std::vec::Vec<std::vec::Vec<u8>> = spec
                .params
                .iter()
                .zip(picks)
                .map(|(p, pick)| {
                    let mut b = [0u8; 256];
                    let mut w = Writer::new(&mut b);
                    crate::render::write_values(&[value_for(p, pick)], &mut w);
                    let n = w.len().min(256);
                    let mut t = b[..n].to_vec();
                    if pad {
                        t.insert(0, b' ');
                        t.push(b'\t');
                    }
                    t
                })
                .collect();
            pieces.truncate(cut.max(1));
            if cut > spec.params.len() {
                pieces.push(b"1".to_vec());
            }
            if let Some(piece) = bad_at.and_then(|i| pieces.get_mut(i)) {
                *piece = REFUSED[bad].to_vec();
            }
            let text = pieces.join(&b","[..]);
            let mut got = Values::new();
            let mut want = Values::new();
            let got_result = decode_params(spec, &text, &mut got, true);
            let want_result = decode_params_before(spec, &text, &mut want);
            proptest::prop_assert_eq!(got_result, want_result);
            if got_result.is_ok() {
                proptest::prop_assert_eq!(got, want);
            }
            let mut uncoded = Values::new();
            let uncoded_result = decode_params(spec, &text, &mut uncoded, false);
            proptest::prop_assert_eq!(uncoded_result.is_ok(), want_result.is_ok());
            if uncoded_result.is_ok() {
                proptest::prop_assert_eq!(uncoded, want);
            }
        }
    }

    proptest::proptest! {
        /// `cut_param`, applied until no text is left, cuts what `Params` cuts, and a parameter
        /// is plain when it has no byte at or below `,`; `params_in` counts those cuts.
        #[test]
        fn cut_param_is_params(
            text in proptest::collection::vec(
                proptest::sample::select(&b"a9,\" \t\r+#-"[..]),
                0..16,
            ),
        ) {
            let mut cut = std::vec::Vec::new();
            let mut rest = Some(&text[..]);
            while let Some(r) = rest {
                let (t, plain, after) = cut_param(r);
                cut.push((t, plain));
                rest = after;
            }
            let params: std::vec::Vec<(&[u8], bool)> = cat1_at_parse::Params::new(&text)
                .iter()
                .map(|t| (t, t.iter().all(|&b| b > b',')))
                .collect();
            proptest::prop_assert_eq!(params_in(&text), cut.len());
            proptest::prop_assert_eq!(cut, params);
        }

        /// `cut_param` against the loop it replaced (`b == b',' && !quoted` tested first).
        #[test]
        fn cut_param_is_as_before(
            text in proptest::collection::vec(
                proptest::sample::select(&b"a9,\" \t\r+#-\x80"[..]),
                0..16,
            ),
        ) {
            proptest::prop_assert_eq!(cut_param(&text), cut_param_before(&text));
        }
    }

    /// `cut_param` as it was.
    fn cut_param_before(rest: &[u8]) -> (&[u8], bool, Option<&[u8]>) {
        let mut quoted = false;
        let mut plain = true;
        let mut i: usize = 0;
        while let Some(&b) = rest.get(i) {
            if b <= b',' {
                if b == b',' && !quoted {
                    let (head, tail) = rest.split_at(i);
                    return (head, plain, Some(tail.get(1..).unwrap_or(&[])));
                }
                plain = false;
                if b == b'"' {
                    quoted = !quoted;
                }
            }
            i = i.wrapping_add(1);
        }
        (rest, plain, None)
    }

    /// `text` with `edits` applied in order, each `(at, how, byte)`: `byte` inserted at `at`,
    /// the byte there removed, replaced by `byte` or its case flipped, a parameter `,1` added, or
    /// else (and when `at` is past the end) the last parameter dropped.
    fn edited(text: &str, edits: &[(usize, u8, u8)]) -> std::vec::Vec<u8> {
        let mut line: std::vec::Vec<u8> = text.as_bytes().to_vec();
        for &(at, how, byte) in edits {
            let at = at % (line.len() + 1);
            match how {
                0 => line.insert(at, byte),
                1 if at < line.len() => {
                    line.remove(at);
                }
                2 if at < line.len() => line[at] = byte,
                3 if at < line.len() => line[at] ^= 0x20,
                // A parameter repeated, or the last one dropped.
                4 => line.extend_from_slice(b",1"),
                _ => {
                    if let Some(comma) = line.iter().rposition(|&b| b == b',') {
                        line.truncate(comma);
                    }
                }
            }
        }
        line
    }

    /// Setting answers as the manual prints them (benches/corpus.rs), and two tolerant ones.
    const MANUAL_ANSWERS: [&str; 18] = [
        "+WKMOD:NET",
        "+CMDPW:usr.cn#",
        "+STMSG:WH-LTE-7S1",
        "+RSTIM:1800",
        "+UART:115200,8,1,NONE,NONE",
        "+APN:CMNET,,,0",
        "+SOCKA:TCP,test.usr.cn,2317",
        "+SOCKAEN:ON",
        "+KEEPALIVEA:1,60,15,3",
        "+SOCKABK:test.usr.cn,2317",
        "+REGDT:7777772E7573722E636E",
        "+CLOUD:,",
        "+HTPURL:/1.php?",
        "+HTPHD:Accept:text/html[0D][0A]",
        "+NTPSVR:cn.ntp.org.cn,us.ntp.org.cn",
        "+SHORTATM:10",
        "+HEART: on,net,\"USER\",30,7777",
        "+SOCKABK: ,1",
    ];

    proptest::proptest! {
        /// The manual's answers, and the same with a byte changed, inserted or removed: the
        /// decoder gives what counting first gave, for the answer's own command.
        #[test]
        fn manual_answers_decode_as_counting_first(
            which in 0usize..MANUAL_ANSWERS.len(),
            edits in proptest::collection::vec(
                (0usize..40, 0u8..6, proptest::sample::select(&b" ,\"x9-\t\r"[..])),
                0..3,
            ),
        ) {
            let answer = MANUAL_ANSWERS[which];
            let name = answer[1..].split(':').next().unwrap_or("");
            let spec = crate::spec::find(name.as_bytes()).unwrap();
            let line = edited(answer, &edits);
            proptest::prop_assert_eq!(decode_answer(spec, &line), decode_counted(spec, &line));
        }
    }

    proptest::proptest! {
        /// `decode_info` of the information line the framer makes of an answer of the
        /// command's name (`InfoLine::parse` finds the same name and parameters) is what
        /// `decode_answer` gives for the line, on every command, for the answers above with a
        /// byte changed, inserted or removed (or the last parameter dropped) after the name, and
        /// with spaces after the colon; `decode_info_with` hands the same values, and
        /// `decode_info_ok` the same values where `decode_info_with` gives them, `None` else.
        #[test]
        fn info_lines_decode_as_their_text(
            command in 0usize..crate::commands::COUNT,
            which in 0usize..MANUAL_ANSWERS.len(),
            spaces in 0usize..3,
            edits in proptest::collection::vec(
                (0usize..40, 0u8..3, proptest::sample::select(&b" ,\"x9-\t\r"[..])),
                0..3,
            ),
        ) {
            let spec = ALL[command];
            // The parameters of one of the manual's answers, under this command's name.
            let answer = MANUAL_ANSWERS[which];
            let params = answer.split_once(':').map_or("", |(_, p)| p);
            let body = edited(params, &edits);
            let mut line = std::format!("+{}:{}", spec.name, " ".repeat(spaces)).into_bytes();
            line.extend_from_slice(&body);
            // A command without a name (`AT`) has no information line.
            proptest::prop_assume!(!spec.name.is_empty());
            let info = cat1_at_parse::InfoLine::parse(&line).unwrap();
            proptest::prop_assert_eq!(decode_info(spec, info), decode_answer(spec, &line));
            // The values handed by reference are the same, and handed once only on `Ok`.
            let mut calls = 0;
            let with = decode_info_with(spec, info, |v| {
                calls += 1;
                *v
            });
            proptest::prop_assert_eq!(with, decode_info(spec, info));
            proptest::prop_assert_eq!(calls, usize::from(with.is_ok()));
            // `decode_info_ok` (cat1-client's typed query) is `decode_info_with` without the
            // error's code.
            let mut calls = 0;
            let ok = decode_info_ok(spec, info, |v| {
                calls += 1;
                *v
            });
            proptest::prop_assert_eq!(ok, with.ok());
            proptest::prop_assert_eq!(calls, usize::from(ok.is_some()));
        }
    }

    #[test]
    fn info_spec_is_the_spec_decode_info_decodes_by() {
        // `Some(spec)` promises `decode_info` is `decode_info(spec, ..)` (cat1-client's typed
        // query decodes through it): the generated settings say their own `SPEC`, the rest
        // nothing.
        fn check<R: Request>(setting: bool) {
            let spec = R::INFO_SPEC.map(|s| s as *const CommandSpec);
            assert_eq!(spec, setting.then_some(R::SPEC as *const CommandSpec));
            let line = b"+X:CMNET,,,0";
            let info = cat1_at_parse::InfoLine::parse(line).unwrap();
            if let Some(s) = R::INFO_SPEC {
                assert_eq!(R::decode_info(info), decode_info(s, info));
            }
        }
        check::<crate::requests::Apn>(true);
        check::<crate::requests::Sdpen>(true);
        check::<crate::requests::Uart>(true);
        check::<crate::requests::Csq>(false);
        check::<crate::requests::Z>(false);
    }

    #[test]
    fn set_spec_is_the_spec_set_writes_by() {
        // `Some(spec)` promises `set` is `set_line(spec, ..)` (cat1-client's typed set writes
        // through it): every generated request says its own `SPEC`, one of one's own nothing.
        fn check<R: Request>(values: &[Value<'_>]) {
            let spec = R::SET_SPEC.map(|s| s.spec() as *const CommandSpec);
            assert_eq!(spec, Some(R::SPEC as *const CommandSpec));
            for room in [0, 8, 64] {
                let (mut a, mut b) = ([0u8; 64], [0u8; 64]);
                let own = R::set(values, &mut a[..room]).map(|n| a[..n].to_vec());
                let by_spec = R::SET_SPEC
                    .map(|s| set_line(s.spec(), values, &mut b[..room]).map(|n| b[..n].to_vec()));
                assert_eq!(Some(own), by_spec, "{} {values:?}", R::SPEC.name);
            }
        }
        let apn = [Value::Text(b"CMNET"), Value::Int(0)];
        for values in [&apn[..], &[Value::Keyword("ON")][..], &[][..]] {
            check::<crate::requests::Apn>(values);
            check::<crate::requests::Sdpen>(values);
            check::<crate::requests::Csq>(values);
            check::<crate::requests::Z>(values);
        }
        struct Own;
        impl Request for Own {
            const SPEC: &'static CommandSpec = &crate::commands::general::SDPEN;
        }
        assert!(Own::SET_SPEC.is_none());
        // Every generated request says it (gen.py writes the constant into each).
        let generated = include_str!("requests.rs");
        assert_eq!(
            generated.matches("impl Request for ").count(),
            generated
                .matches(
                    "const SET_SPEC: Option<SetLineOf<Self>> = Some(SetLineOf::new(Self::SPEC));"
                )
                .count()
        );
    }

    #[test]
    fn an_info_line_is_decoded_without_its_name() {
        let apn = crate::spec::find(b"APN").unwrap();
        let line = b"+APN:CMNET,,,0";
        let info = cat1_at_parse::InfoLine::parse(line).unwrap();
        assert_eq!(decode_info(apn, info), decode_answer(apn, line));
        assert!(decode_info(apn, info).is_ok());
        assert_eq!(
            crate::requests::Apn::decode_info(info),
            decode_info(apn, info)
        );
        // Another command's line: its parameters decoded as this one's (the name is the
        // framer's to match), where `decode_answer` refuses the name.
        let other = b"+SOCKB:CMNET,,,0";
        let info = cat1_at_parse::InfoLine::parse(other).unwrap();
        assert_eq!(decode_info(apn, info), decode_answer(apn, line));
        assert_eq!(decode_answer(apn, other), Err(Code::UNKNOWN));
        // Not a setting: unknown, as `decode_answer` says.
        let csq = crate::spec::find(b"CSQ").unwrap();
        let info = cat1_at_parse::InfoLine::parse(b"+CSQ:20,99").unwrap();
        assert_eq!(decode_info(csq, info), Err(Code::UNKNOWN));
        assert_eq!(decode_answer(csq, b"+CSQ:20,99"), Err(Code::UNKNOWN));
    }

    #[test]
    fn the_manual_answers_decode() {
        for answer in MANUAL_ANSWERS {
            let name = answer[1..].split(':').next().unwrap_or("");
            let spec = crate::spec::find(name.as_bytes()).unwrap();
            assert!(decode_answer(spec, answer.as_bytes()).is_ok(), "{answer}");
        }
    }

    #[test]
    fn a_sets_count_is_judged_as_before() {
        // `set_line` judged the count as `given > len || given < required` before it took
        // `bad_count`, which looks up the required count only for a short list.
        for spec in ALL.iter() {
            let len = spec.params.len();
            for given in 0..=len.saturating_add(2) {
                assert_eq!(
                    bad_count(spec, given),
                    given > len || given < spec.required(),
                    "{} with {given}",
                    spec.name
                );
            }
        }
    }

    #[test]
    fn a_name_longer_than_the_models_does_not_fit() {
        let longest = FIXED_MAX - 6;
        let name = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";
        let spec = |n: usize| CommandSpec {
            name: &name[..n],
            forms: Forms(15),
            params: &[],
            ..crate::commands::general::RSTIM
        };
        // Every form of a name that fits has its line.
        let fits = spec(longest);
        assert!(FixedLine::fits(&fits));
        for fixed in [
            FixedLine::query(&fits),
            FixedLine::test(&fits),
            FixedLine::execute(&fits),
            FixedLine::bare(&fits),
        ] {
            assert!(fixed.line().is_ok());
        }
        // One byte longer: the test form has no line, although the command has it.
        let long = spec(longest + 1);
        assert!(!FixedLine::fits(&long));
        assert_eq!(FixedLine::test(&long).line(), Err(RequestError::NoSuchForm));
    }

    #[test]
    fn the_request_types_carry_their_lines() {
        assert_eq!(Csq::BARE_LINE.line(), Ok(&b"AT+CSQ\r"[..]));
        assert_eq!(Csq::EXECUTE_LINE.line(), Err(RequestError::NoSuchForm));
        assert_eq!(Z::EXECUTE_LINE.line(), Ok(&b"AT+Z\r"[..]));
        assert_eq!(Csq::TEST_LINE.line(), Err(RequestError::NoSuchForm));
        assert_eq!(Rstim::QUERY_LINE.line(), Ok(&b"AT+RSTIM?\r"[..]));
        assert_eq!(Rstim::TEST_LINE.line(), Ok(&b"AT+RSTIM=?\r"[..]));
        assert_eq!(Rstim::EXECUTE_LINE.line(), Err(RequestError::NoSuchForm));
        assert_eq!(Z::QUERY_LINE.line(), Err(RequestError::NoSuchForm));
        assert_eq!(At::BARE_LINE.line(), Ok(&b"AT\r"[..]));
        assert_eq!(At::BARE_LINE.name_len(), 0);
    }
}
