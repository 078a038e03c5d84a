//! Command lines (manual chapter 2.1): `[<password>]AT[+<NAME>][?|=?|=<params>]<CR>`.

use nom::{
    IResult, Parser,
    branch::alt,
    bytes::complete::{tag, take_while_m_n},
    combinator::{eof, map, rest, value},
    sequence::preceded,
};

use crate::{Detached, EncodeError, LineError, Params, Writer};

/// The longest command name accepted; the manual's longest is `KEEPALIVEA` (10).
const MAX_NAME: usize = 32;

/// The form of a command line (manual table 3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum Form<'a> {
    /// Plain `AT`: the test command, with no name.
    Bare,
    /// `AT+NAME`: executes, or queries for commands whose bare form reads a value (`AT+CSQ`).
    Execute,
    /// `AT+NAME?`: queries the current value.
    Query,
    /// `AT+NAME=?`: asks for the parameters' range.
    Test,
    /// `AT+NAME=<params>`: sets, or runs a parameterised action (`AT+LBS=1`).
    Set(Params<'a>),
}

/// One command line, as a zero-copy view of the bytes it was parsed from, or as a value to
/// [`emit`](CommandLine::emit).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct CommandLine<'a> {
    password: Option<&'a [u8]>,
    name: &'a [u8],
    form: Form<'a>,
}

#[derive(Clone, Copy)]
enum Kind<'a> {
    Execute,
    Query,
    Test,
    Set(&'a [u8]),
}

fn prefix(i: &[u8]) -> IResult<&[u8], &[u8]> {
    alt((tag(&b"AT"[..]), tag(&b"at"[..]))).parse(i)
}

fn name(i: &[u8]) -> IResult<&[u8], &[u8]> {
    take_while_m_n(1, MAX_NAME, |b: u8| b.is_ascii_alphanumeric()).parse(i)
}

fn form(i: &[u8]) -> IResult<&[u8], Kind<'_>> {
    alt((
        value(Kind::Test, (tag(&b"=?"[..]), eof)),
        map(preceded(tag(&b"="[..]), rest), Kind::Set),
        value(Kind::Query, (tag(&b"?"[..]), eof)),
        value(Kind::Execute, eof),
    ))
    .parse(i)
}

/// Strips the line ends at the end of a line (CR, LF, CR LF or several; errata #1).
fn trim_line_end(line: &[u8]) -> &[u8] {
    let keep = line
        .iter()
        .rposition(|&b| b != b'\r' && b != b'\n')
        .map_or(0, |i| i.saturating_add(1));
    line.get(..keep).unwrap_or(&[])
}

/// Whether `b` may be in a password or parameters (no line end).
#[inline(always)]
fn not_line_end(b: u8) -> bool {
    b != b'\r' && b != b'\n'
}

/// Whether a word may hold a byte below 14 (CR is 13, LF 10): exact when it holds none, so a
/// word without a hit needs no look at its bytes (a hit may be false: they are then looked at one
/// by one).
#[inline(always)]
const fn may_hold_line_end(w: u32) -> bool {
    w.wrapping_sub(0x0E0E_0E0E) & !w & 0x8080_8080 != 0
}

/// Whether the four bytes of `w` are all ASCII letters or digits, in one test for the four.
/// With bit 7 clear in a byte, adding a constant below 0x80 to it carries into no other byte,
/// so each range test is an add whose bit 7 tells: `b + (0x80 - lo)` sets it when `b >= lo`,
/// `b + (0x7F - hi)` when `b > hi`. Letters are tested with bit 5 set (`A`-`Z` fold onto
/// `a`-`z`, and only they do), digits as they are. A byte with bit 7 set fails by its own bit
/// (`!w`), whatever its carries did to the bytes above it: no branch for it.
#[inline(always)]
fn all_alphanumeric(w: u32) -> bool {
    const ONES: u32 = 0x0101_0101;
    const HIGH: u32 = 0x8080_8080;
    let at_least = |x: u32, lo: u8| x.wrapping_add((0x80 - lo as u32).wrapping_mul(ONES));
    let above = |x: u32, hi: u8| x.wrapping_add((0x7F - hi as u32).wrapping_mul(ONES));
    let digit = at_least(w, b'0') & !above(w, b'9');
    let folded = w | 0x2020_2020;
    let letter = at_least(folded, b'a') & !above(folded, b'z');
    (digit | letter) & !w & HIGH == HIGH
}

/// Copies `src` into `dst` (as long as it) when every byte of it passes, `None` at the first
/// that does not (part of `dst` may be written then): with `NAME`, letters and digits (a
/// command name), otherwise anything but CR and LF (a password, parameters). Four bytes at a
/// time, one test for each word, the last word overlapping the one before it: a piece of four
/// bytes or more has no byte loop for its end (a byte written or tested twice gives the same
/// result). A piece shorter than a word byte by byte. The test that can end the loop keeps
/// LLVM from making a `memcpy` call of it.
#[inline(always)]
fn copy_words<const NAME: bool>(dst: &mut [u8], src: &[u8]) -> Option<()> {
    // The tests as `const` generic branches, not closures passed in: a function passed as a
    // closure was called through a shim LLVM did not inline.
    #[inline(always)]
    fn word_ok<const NAME: bool>(w: [u8; 4]) -> bool {
        let w = u32::from_ne_bytes(w);
        if NAME {
            all_alphanumeric(w)
        } else {
            no_line_end_in(w)
        }
    }
    if dst.len() != src.len() {
        return None;
    }
    let (Some(last), Some(last_to)) = (src.last_chunk::<4>(), dst.last_chunk_mut::<4>()) else {
        for (d, &b) in dst.iter_mut().zip(src) {
            let ok = if NAME {
                b.is_ascii_alphanumeric()
            } else {
                not_line_end(b)
            };
            if !ok {
                return None;
            }
            *d = b;
        }
        return Some(());
    };
    if !word_ok::<NAME>(*last) {
        return None;
    }
    *last_to = *last;
    // The words before the last one (their last may overlap it).
    let (mut s, mut d) = (src.split_last()?.1, dst.split_last_mut()?.1);
    while let Some((word, s_rest)) = s.split_first_chunk::<4>() {
        let (to, d_rest) = core::mem::take(&mut d).split_first_chunk_mut::<4>()?;
        if !word_ok::<NAME>(*word) {
            return None;
        }
        *to = *word;
        s = s_rest;
        d = d_rest;
    }
    Some(())
}

/// Whether `s` holds a CR or LF.
fn has_line_end(s: &[u8]) -> bool {
    !s.iter().all(|&b| not_line_end(b))
}

/// Whether the four bytes of `w` hold no CR and no LF: one test for the four, and a look at
/// each only when that test may have been wrong (a byte below 14).
#[inline(always)]
fn no_line_end_in(w: u32) -> bool {
    let [a, b, c, d] = w.to_ne_bytes();
    !may_hold_line_end(w)
        || not_line_end(a) && not_line_end(b) && not_line_end(c) && not_line_end(d)
}

impl<'a> CommandLine<'a> {
    /// Plain `AT`.
    pub const fn bare() -> Self {
        CommandLine {
            password: None,
            name: b"",
            form: Form::Bare,
        }
    }

    /// `AT+<name>`.
    pub const fn execute(name: &'a [u8]) -> Self {
        Self::with_form(name, Form::Execute)
    }

    /// `AT+<name>?`.
    pub const fn query(name: &'a [u8]) -> Self {
        Self::with_form(name, Form::Query)
    }

    /// `AT+<name>=?`.
    pub const fn test(name: &'a [u8]) -> Self {
        Self::with_form(name, Form::Test)
    }

    /// `AT+<name>=<params>`, the parameters already joined with `,` (see [`Params::new`]).
    pub const fn set(name: &'a [u8], params: &'a [u8]) -> Self {
        Self::with_form(name, Form::Set(Params::new(params)))
    }

    /// Any form of `AT+<name>`.
    pub const fn with_form(name: &'a [u8], form: Form<'a>) -> Self {
        CommandLine {
            password: None,
            name,
            form,
        }
    }

    /// The same command prefixed with the command password (`usr.cn#AT+VER`, protocol-notes §3).
    pub const fn with_password(mut self, password: &'a [u8]) -> Self {
        self.password = Some(password);
        self
    }

    /// Parses one line. Line ends at its end are allowed and ignored.
    ///
    /// No password is looked for: `+++AT` is [`LineError::NotAt`], as the module answers it
    /// `ERROR`. Use [`CommandLine::parse_with_password`] where a password prefix may come.
    pub fn parse(line: &'a [u8]) -> Result<Self, LineError> {
        let line = trim_line_end(line);
        if line.is_empty() {
            return Err(LineError::Empty);
        }
        let Ok((after, _)) = prefix(line) else {
            return Err(LineError::NotAt);
        };
        if after.is_empty() {
            return Ok(Self::bare());
        }
        let Some(after_plus) = after.strip_prefix(b"+") else {
            return Err(LineError::IllFormed);
        };
        let Ok((after_name, name)) = name(after_plus) else {
            return Err(LineError::IllFormed);
        };
        let Ok((_, kind)) = form(after_name) else {
            return Err(LineError::IllFormed);
        };
        let form = match kind {
            Kind::Execute => Form::Execute,
            Kind::Query => Form::Query,
            Kind::Test => Form::Test,
            Kind::Set(params) => {
                if params.iter().any(|&b| b == b'\r' || b == b'\n') {
                    return Err(LineError::IllFormed);
                }
                Form::Set(Params::new(params))
            }
        };
        Ok(Self::with_form(name, form))
    }

    /// Parses a line that may start with the command password (protocol-notes §3):
    /// `usr.cn#AT+VER` with `password = b"usr.cn#"` gives `AT+VER` with the password noted.
    ///
    /// A line that does not start with the password is parsed as a plain line. A line that starts
    /// with the password but is not followed by `AT` is [`LineError::NotAt`]: in the transparent
    /// modes those bytes are ordinary data. A password holding CR or LF never matches (no line
    /// holds one, and [`emit`](CommandLine::emit) refuses it).
    pub fn parse_with_password(line: &'a [u8], password: &'a [u8]) -> Result<Self, LineError> {
        let usable = !password.is_empty() && !password.iter().any(|&b| b == b'\r' || b == b'\n');
        match line.strip_prefix(password) {
            Some(rest) if usable => Self::parse(rest).map(|cmd| cmd.with_password(password)),
            _ => Self::parse(line),
        }
    }

    /// The password prefix, if the line carried one.
    pub const fn password(&self) -> Option<&'a [u8]> {
        self.password
    }

    /// The name as written, without `AT+` (empty for plain `AT`).
    pub const fn name(&self) -> &'a [u8] {
        self.name
    }

    /// Whether the name is `name`, ignoring ASCII case (errata #2).
    pub fn is(&self, name: &[u8]) -> bool {
        self.name.eq_ignore_ascii_case(name)
    }

    /// The form.
    pub const fn form(&self) -> Form<'a> {
        self.form
    }

    /// The parameters of a set command.
    pub const fn params(&self) -> Option<Params<'a>> {
        match self.form {
            Form::Set(p) => Some(p),
            _ => None,
        }
    }

    /// The length [`emit`](CommandLine::emit) writes, terminator included.
    pub fn buffer_len(&self) -> usize {
        let mut scratch = [0u8; 0];
        let mut w = Writer::new(&mut scratch);
        self.write(&mut w);
        w.len()
    }

    /// Writes the line, terminated by CR (manual 2.1), into `buf`; returns its length.
    ///
    /// Errors: [`EncodeError::BufferTooSmall`] with the length needed; [`EncodeError::InvalidName`]
    /// when the name is not 1-32 letters and digits (or not empty for [`Form::Bare`]);
    /// [`EncodeError::LineEndInPayload`] when the password or a parameter holds CR or LF;
    /// [`EncodeError::AmbiguousForm`] for a set whose parameters are exactly `?` (`AT+NAME=?` is
    /// the test form). After an error the contents of `buf` are unspecified: the line is checked
    /// as it is copied (one pass), so part of it may have been written.
    pub fn emit(&self, buf: &mut [u8]) -> Result<usize, EncodeError> {
        // One pass, each piece checked in the loop that copies it into its place. The errors
        // keep their order (a bad name, then a line end, then the lone `?`, then the room): the
        // name is copied first, then the password, the lone `?` is looked for after it and
        // the parameters last; a line that does not fit is judged by `refusal`, which looks at
        // every piece without writing.
        let name = self.name;
        let bare = matches!(self.form, Form::Bare);
        if bare != name.is_empty() || name.len() > MAX_NAME {
            return Err(EncodeError::InvalidName);
        }
        // The name first (the first error to look for), with few values held: at its place
        // after the password and `AT+`, where the buffer has room for it.
        let password = self.password.unwrap_or_default();
        let at = password.len();
        let name_at = at + 2 + usize::from(!bare);
        let tail_at = name_at + name.len();
        let Some(name_to) = buf.get_mut(name_at..tail_at) else {
            return Err(self.refusal());
        };
        if copy_words::<true>(name_to, name).is_none() {
            return Err(EncodeError::InvalidName);
        }
        // The form after the name (`""`, `?`, `=?` or `=`), in two bytes and a length, and the
        // parameters.
        let (tail, tail_len, params): ([u8; 2], usize, &[u8]) = match self.form {
            Form::Bare | Form::Execute => (*b"\r\r", 0, b""),
            Form::Query => (*b"?\r", 1, b""),
            Form::Test => (*b"=?", 2, b""),
            Form::Set(p) => (*b"==", 1, p.raw()),
        };
        // Where the other pieces start: the form (at most 2 bytes), the parameters, the CR:
        // plain adds up to the parameters (a slice is at most `isize::MAX` long, the name 32
        // bytes), checked from there. Each piece is then cut out of the line with a test that
        // cannot fail (so `refusal`, which LLVM drops where it sees that).
        let params_at = tail_at + tail_len;
        let Some((cr_at, needed)) = params_at
            .checked_add(params.len())
            .and_then(|cr_at| Some((cr_at, cr_at.checked_add(1)?)))
        else {
            return Err(self.refusal());
        };
        let Some(line) = buf.get_mut(..needed) else {
            return Err(self.refusal());
        };
        // The name ok: a line end is the first error from here, then the lone `?`.
        let Some(pw_to) = line.get_mut(..at) else {
            return Err(self.refusal());
        };
        // A password (rare, a few bytes) byte by byte: less code than a copy by words.
        for (d, &b) in pw_to.iter_mut().zip(password) {
            if !not_line_end(b) {
                return Err(EncodeError::LineEndInPayload);
            }
            *d = b;
        }
        if params == b"?" {
            return Err(EncodeError::AmbiguousForm);
        }
        // `AT+` (for plain `AT`, the `+` where the CR comes).
        let Some(head) = line.get_mut(at..).and_then(|l| l.first_chunk_mut::<3>()) else {
            return Err(self.refusal());
        };
        *head = *b"AT+";
        // The form's two bytes, the second overwritten by what follows when the form is one
        // byte (the CR at least); no form: CR alone, where there is no room for two.
        let Some(tail_to) = line.get_mut(tail_at..) else {
            return Err(self.refusal());
        };
        if let Some(two) = tail_to.first_chunk_mut::<2>() {
            *two = tail;
        } else if let Some(cr) = tail_to.first_mut() {
            *cr = b'\r';
        }
        let Some(params_to) = line.get_mut(params_at..cr_at) else {
            return Err(self.refusal());
        };
        if copy_words::<false>(params_to, params).is_none() {
            return Err(EncodeError::LineEndInPayload);
        }
        if let Some(cr) = line.get_mut(cr_at) {
            *cr = b'\r';
        }
        Ok(needed)
    }

    /// [`emit`](CommandLine::emit), and the exchange the line starts, detached: that of
    /// [`Expect::command`](crate::Expect::command) with the line written (without its CR:
    /// `len - 1` bytes) and [`name`](CommandLine::name),
    /// [`echo_required`](crate::Expect::echo_required) when `echo_required` says so (asked
    /// after the line is written), and with the hint of
    /// [`Expect::plain_name`](crate::Expect::plain_name) for a command with a name, without its
    /// look at the name: `emit` wrote the name only after checking it is letters and digits.
    /// Attach it with those two lines ([`Expect::attach`](crate::Expect::attach)).
    // For `Core::start` in cat1-client: the hint sends the information lines of a command with
    // values down the framer's fast way, as those of a typed request's fixed line (whose hint
    // is set at compile time); a look of its own at the name would cost about what it saves.
    #[inline(always)]
    pub fn emit_exchange(
        &self,
        buf: &mut [u8],
        echo_required: impl FnOnce() -> bool,
    ) -> Result<(usize, Detached), EncodeError> {
        let len = self.emit(buf)?;
        let echo_required = echo_required();
        // The exchange keeps no line (only its length is read from it, by the one who attaches
        // it), so it is built from the name alone.
        Ok((len, Detached::checked_command(self.name, echo_required)))
    }

    /// [`emit_exchange`](CommandLine::emit_exchange) of a command without a password (its
    /// name then at 3, after `AT+`), more directly; `None` when the command has a password or
    /// is plain `AT`, or when `emit` would refuse it (then part of `buf` may have been
    /// written, as `emit` may write it): `emit_exchange` gives that line, or the error. The
    /// same line as `emit` writes (and nothing after it), the same exchange as `emit_exchange`
    /// builds.
    // For `Core::start` in cat1-client, the way of every command it starts without a
    // password. `emit` stays as it is for the adapters and the framer binary, which do not
    // link this.
    #[inline(always)]
    pub fn emit_unprefixed_exchange(
        &self,
        buf: &mut [u8],
        echo_required: impl FnOnce() -> bool,
    ) -> Option<(usize, Detached)> {
        let needed = self.emit_unprefixed(buf)?;
        let echo_required = echo_required();
        Some((needed, Detached::checked_command(self.name, echo_required)))
    }

    /// The line of [`CommandLine::emit_unprefixed_exchange`]: its length, or `None`.
    // Against `emit`: no password's place and checks, no bare line's, no `Result` in memory
    // (the length comes back in registers); the pieces cut one after the other from the
    // line. Out of line: inlined into `Core::start`, its values were spilled around the
    // copies (about 10 instructions a command more).
    #[inline(never)]
    fn emit_unprefixed(&self, buf: &mut [u8]) -> Option<usize> {
        if self.password.is_some() {
            return None;
        }
        let name = self.name;
        // The form's bytes after the name (one or two; none for `Execute`) and the parameters.
        let (form, form_len, params): ([u8; 2], usize, &[u8]) = match self.form {
            Form::Bare => return None,
            Form::Execute => (*b"\r\r", 0, b""),
            Form::Query => (*b"?\r", 1, b""),
            Form::Test => (*b"=?", 2, b""),
            Form::Set(p) => (*b"==", 1, p.raw()),
        };
        if name.is_empty() || name.len() > MAX_NAME || params == b"?" {
            return None;
        }
        // `AT+`, the name (at most 32), the form (at most 2): at most 37, no wrap; then the
        // parameters and the CR, added checked (they cannot wrap either, but the checks tell
        // LLVM so: each cut below is then known to fit, about 5 instructions a command less).
        let params_at = 3usize.wrapping_add(name.len()).wrapping_add(form_len);
        let needed = params_at.checked_add(params.len())?.checked_add(1)?;
        let line = buf.get_mut(..needed)?;
        let (head, rest) = line.split_first_chunk_mut::<3>()?;
        let (name_to, rest) = rest.split_at_mut_checked(name.len())?;
        // Each piece written where, and in the order, `emit` writes it (the name first, `AT+`
        // only once it passed): nothing is written that `emit` would not write (the same bytes),
        // so `emit` run after a refusal leaves `buf` as it alone would (a line without room, or
        // a lone `?`, writes nothing here, where `emit` writes the name: not the same alone).
        copy_words::<true>(name_to, name)?;
        *head = *b"AT+";
        // The form's two bytes, the second overwritten by what follows when the form is one
        // byte (the CR at least); none (`Execute`): the CR alone is left, no room for two.
        if let Some(two) = rest.first_chunk_mut::<2>() {
            *two = form;
        }
        let rest = rest.get_mut(form_len..)?;
        let (params_to, cr) = rest.split_at_mut_checked(params.len())?;
        copy_words::<false>(params_to, params)?;
        *cr.first_mut()? = b'\r';
        Some(needed)
    }

    /// Why [`CommandLine::emit`] cannot write the line into a buffer too short for it: the
    /// first of a bad name, a line end, the lone `?`, and the room (with the length needed).
    // Not `#[inline(never)]`: a caller whose buffer LLVM sees is long enough loses this code.
    fn refusal(&self) -> EncodeError {
        let name_ok = match self.form {
            Form::Bare => self.name.is_empty(),
            _ => {
                !self.name.is_empty()
                    && self.name.len() <= MAX_NAME
                    && self.name.iter().all(u8::is_ascii_alphanumeric)
            }
        };
        let params = self.params().map_or(&b""[..], |p| p.raw());
        if !name_ok {
            EncodeError::InvalidName
        } else if has_line_end(self.password.unwrap_or_default()) || has_line_end(params) {
            EncodeError::LineEndInPayload
        } else if params == b"?" {
            EncodeError::AmbiguousForm
        } else {
            // `AT`, `+` and the name, the form and CR: at most 38 (the name was checked).
            let tail = match self.form {
                Form::Bare | Form::Execute => 0,
                Form::Query | Form::Set(_) => 1,
                Form::Test => 2,
            };
            let head = if self.name.is_empty() {
                2
            } else {
                3 + self.name.len()
            };
            let password = self.password.map_or(0, <[u8]>::len);
            EncodeError::BufferTooSmall {
                needed: password
                    .saturating_add(params.len())
                    .saturating_add(head + tail + 1),
            }
        }
    }

    fn write(&self, w: &mut Writer<'_>) {
        if let Some(pw) = self.password {
            w.put(pw);
        }
        w.put(b"AT");
        if !matches!(self.form, Form::Bare) {
            w.put_byte(b'+');
            w.put(self.name);
        }
        match self.form {
            Form::Bare | Form::Execute => {}
            Form::Query => w.put_byte(b'?'),
            Form::Test => w.put(b"=?"),
            Form::Set(p) => {
                w.put_byte(b'=');
                w.put(p.raw());
            }
        }
        w.put_byte(b'\r');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    extern crate std;

    #[test]
    fn forms() {
        assert_eq!(CommandLine::parse(b"AT"), Ok(CommandLine::bare()));
        assert_eq!(CommandLine::parse(b"at\r\n"), Ok(CommandLine::bare()));
        assert_eq!(CommandLine::parse(b"AT+Z"), Ok(CommandLine::execute(b"Z")));
        assert_eq!(CommandLine::parse(b"AT+E?"), Ok(CommandLine::query(b"E")));
        assert_eq!(CommandLine::parse(b"AT+E=?"), Ok(CommandLine::test(b"E")));
        assert_eq!(
            CommandLine::parse(b"AT+APN=CMNET,,,0\r"),
            Ok(CommandLine::set(b"APN", b"CMNET,,,0"))
        );
        let c = CommandLine::parse(b"at+csq").unwrap();
        assert!(c.is(b"CSQ"));
        assert_eq!(c.name(), b"csq");
    }

    #[test]
    fn not_at_versus_ill_formed() {
        assert_eq!(CommandLine::parse(b"+++AT"), Err(LineError::NotAt));
        assert_eq!(CommandLine::parse(b"hello"), Err(LineError::NotAt));
        assert_eq!(CommandLine::parse(b"At+CSQ"), Err(LineError::NotAt));
        assert_eq!(CommandLine::parse(b"\r\n"), Err(LineError::Empty));
        for bad in [
            &b"AT+"[..],
            b"ATE0",
            b"AT+CSQ?x",
            b"AT+CSQ ",
            b"AT+C-SQ",
            b"AT+E=1\rAT",
            b"AT+ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
        ] {
            assert_eq!(
                CommandLine::parse(bad),
                Err(LineError::IllFormed),
                "{bad:?}"
            );
        }
        assert_eq!(LineError::IllFormed.cme_code(), Some(58));
        assert_eq!(LineError::NotAt.cme_code(), None);
    }

    #[test]
    fn password_prefix() {
        let c = CommandLine::parse_with_password(b"usr.cn#AT+VER\r", b"usr.cn#").unwrap();
        assert_eq!(c.password(), Some(&b"usr.cn#"[..]));
        assert!(c.is(b"VER"));
        assert_eq!(
            CommandLine::parse_with_password(b"usr.cn#hello", b"usr.cn#"),
            Err(LineError::NotAt)
        );
        assert_eq!(
            CommandLine::parse_with_password(b"wrong#AT+VER", b"usr.cn#"),
            Err(LineError::NotAt)
        );
        let mut buf = [0u8; 32];
        let n = c.emit(&mut buf).unwrap();
        assert_eq!(&buf[..n], b"usr.cn#AT+VER\r");
    }

    #[test]
    fn emit_reports_needed_length_and_bad_input() {
        let c = CommandLine::set(b"APN", b"CMNET,,,0");
        let mut small = [0u8; 4];
        assert_eq!(
            c.emit(&mut small),
            Err(EncodeError::BufferTooSmall { needed: 17 })
        );
        assert_eq!(c.buffer_len(), 17);
        let mut buf = [0u8; 32];
        assert_eq!(
            CommandLine::query(b"C-SQ").emit(&mut buf),
            Err(EncodeError::InvalidName)
        );
        assert_eq!(
            CommandLine::set(b"STMSG", b"a\rb").emit(&mut buf),
            Err(EncodeError::LineEndInPayload)
        );
    }

    /// Found by `fuzz/` (round_trip): `AT+STMSG=?` reads back as the test form, so a set with the
    /// single parameter `?` cannot be written.
    #[test]
    fn set_with_lone_question_mark_is_refused() {
        let mut buf = [0u8; 32];
        assert_eq!(
            CommandLine::set(b"STMSG", b"?").emit(&mut buf),
            Err(EncodeError::AmbiguousForm)
        );
        assert_eq!(
            CommandLine::parse(b"AT+STMSG=?"),
            Ok(CommandLine::test(b"STMSG"))
        );
        for ok in [&b"??"[..], b"?,", b"\"?\"", b""] {
            let c = CommandLine::set(b"STMSG", ok);
            let n = c.emit(&mut buf).unwrap();
            assert_eq!(CommandLine::parse(&buf[..n]), Ok(c));
        }
    }

    /// Copies `src` into `dst` (as long as it), checking each byte with `keep` in the same loop (a
    /// byte loop: no `memcpy` call for a few bytes); `false` at the first byte `keep` refuses.
    #[inline(always)]
    fn copy_checked(dst: &mut [u8], src: &[u8], keep: impl Fn(u8) -> bool) -> bool {
        for (d, &b) in dst.iter_mut().zip(src) {
            if !keep(b) {
                return false;
            }
            *d = b;
        }
        true
    }

    /// Copies the name `src` into `dst` (as long as it), refusing any byte that is not an ASCII
    /// letter or digit (`false`): four bytes at a time, then byte by byte.
    #[inline(always)]
    fn copy_alphanumeric(mut dst: &mut [u8], mut src: &[u8]) -> bool {
        while let Some((word, src_rest)) = src.split_first_chunk::<4>() {
            if !all_alphanumeric(u32::from_ne_bytes(*word)) {
                return false;
            }
            let Some((to, dst_rest)) = core::mem::take(&mut dst).split_first_chunk_mut::<4>()
            else {
                // `dst` is as long as `src`: not reached.
                return src.iter().all(u8::is_ascii_alphanumeric);
            };
            *to = *word;
            dst = dst_rest;
            src = src_rest;
        }
        copy_checked(dst, src, |b| b.is_ascii_alphanumeric())
    }

    /// Copies `src` into `dst` (as long as it), refusing CR and LF (`false` at the first): four
    /// bytes at a time (one test for the four) while no word may hold one, then byte by byte. The
    /// test that can end the loop keeps LLVM from making a `memcpy` call of it.
    #[inline(always)]
    fn copy_no_line_end(mut dst: &mut [u8], mut src: &[u8]) -> bool {
        while let Some((word, src_rest)) = src.split_first_chunk::<4>() {
            if may_hold_line_end(u32::from_ne_bytes(*word)) {
                break;
            }
            let Some((to, dst_rest)) = core::mem::take(&mut dst).split_first_chunk_mut::<4>()
            else {
                // `dst` is as long as `src`: not reached.
                return copy_checked(&mut [], src, not_line_end);
            };
            *to = *word;
            dst = dst_rest;
            src = src_rest;
        }
        copy_checked(dst, src, not_line_end)
    }

    /// `emit` before the words overlapping at the end of a piece (one pass, each piece checked
    /// as it is copied, the errors in their order): the reference of the differential test.
    fn emit_one_pass(c: &CommandLine<'_>, buf: &mut [u8]) -> Result<usize, EncodeError> {
        let this = c;
        // One pass: the length is known first (each piece's), so each piece is checked in the
        // loop that writes it into its place, the buffer cut into the pieces once; the errors
        // keep their order (a bad name first, then a line end, then the lone `?`, then the
        // room).
        let name = this.name;
        let params: &[u8] = match this.form {
            Form::Set(p) => p.raw(),
            _ => b"",
        };
        // `=` or `?` and a second `?`: the form after the name (`""`, `?`, `=?` or `=`).
        let tail_len: usize = match this.form {
            Form::Bare | Form::Execute => 0,
            Form::Query | Form::Set(_) => 1,
            Form::Test => 2,
        };
        if matches!(this.form, Form::Bare) != name.is_empty() || name.len() > MAX_NAME {
            return Err(EncodeError::InvalidName);
        }
        let password = this.password.unwrap_or_default();
        // `AT`, then `+` and the name (at most 33 bytes), the form (at most 2) and CR: at most
        // 38, plain adds; the two slices' lengths added with saturation.
        let head = if name.is_empty() { 2 } else { 3 + name.len() };
        let needed = password
            .len()
            .saturating_add(params.len())
            .saturating_add(head + tail_len + 1);
        let pieces = buf
            .get_mut(..needed)
            .and_then(|line| line.split_at_mut_checked(password.len()))
            .and_then(|(pw, rest)| Some((pw, rest.split_at_mut_checked(head)?)))
            .and_then(|(pw, (at, rest))| Some((pw, at, rest.split_at_mut_checked(tail_len)?)))
            .and_then(|(pw, at, (tail, rest))| {
                Some((pw, at, tail, rest.split_at_mut_checked(params.len())?))
            });
        let Some((pw_to, at_to, tail_to, (params_to, cr_to))) = pieces else {
            // Does not fit: nothing written, the pieces only checked.
            let has_line_end = |s: &[u8]| !s.iter().all(|&b| not_line_end(b));
            return Err(if !name.iter().all(u8::is_ascii_alphanumeric) {
                EncodeError::InvalidName
            } else if has_line_end(password) || has_line_end(params) {
                EncodeError::LineEndInPayload
            } else if params == b"?" {
                EncodeError::AmbiguousForm
            } else {
                EncodeError::BufferTooSmall { needed }
            });
        };
        if let Some((at, plus_name)) = at_to.split_first_chunk_mut::<2>() {
            *at = *b"AT";
            if let Some((plus, name_to)) = plus_name.split_first_mut() {
                *plus = b'+';
                if !copy_alphanumeric(name_to, name) {
                    return Err(EncodeError::InvalidName);
                }
            }
        }
        // `?` (a query) or `=`, then `?` (a test).
        if let Some(first) = tail_to.first_mut() {
            *first = if matches!(this.form, Form::Query) {
                b'?'
            } else {
                b'='
            };
        }
        if let [_, second] = tail_to {
            *second = b'?';
        }
        let clean = copy_no_line_end(pw_to, password);
        if !(copy_no_line_end(params_to, params) && clean) {
            return Err(EncodeError::LineEndInPayload);
        }
        if params == b"?" {
            return Err(EncodeError::AmbiguousForm);
        }
        if let Some(cr) = cr_to.first_mut() {
            *cr = b'\r';
        }
        Ok(needed)
    }

    /// `emit` as the separate checks wrote it: the name, then line ends, then the lone `?`,
    /// then the room.
    fn reference(c: &CommandLine<'_>, buf: &mut [u8]) -> Result<usize, EncodeError> {
        let name_ok = match c.form {
            Form::Bare => c.name.is_empty(),
            _ => {
                !c.name.is_empty()
                    && c.name.len() <= MAX_NAME
                    && c.name.iter().all(u8::is_ascii_alphanumeric)
            }
        };
        if !name_ok {
            return Err(EncodeError::InvalidName);
        }
        let has_line_end = |s: &[u8]| s.iter().any(|&b| b == b'\r' || b == b'\n');
        if c.password.is_some_and(has_line_end) || c.params().is_some_and(|p| has_line_end(p.raw()))
        {
            return Err(EncodeError::LineEndInPayload);
        }
        if c.params().is_some_and(|p| p.raw() == b"?") {
            return Err(EncodeError::AmbiguousForm);
        }
        let mut w = Writer::new(buf);
        c.write(&mut w);
        w.finish()
    }
    /// The one-pass `emit` against the checks it replaced (name, then line ends, then the lone
    /// `?`, then the room), on every form, with and without a password, in short buffers too.
    #[test]
    fn emit_gives_what_the_separate_checks_gave() {
        // Names of one word and more, with a refused byte in either word, at its edges (`@`,
        // `[`, `` ` ``, `{`, `/`, `:` are next to the letters and digits).
        let names: [&[u8]; 18] = [
            b"KEEPALIVEA",
            b"SOCKA1",
            b"abcd@fgh",
            b"ABCD[",
            b"abcdefg`",
            b"/BCD",
            b"ABC:EFGH{",
            b"",
            b"CSQ",
            b"C-SQ",
            b"A\rB",
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456",
            b"x9",
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZ012345",
            b"WKMOD",
            b"ABC-EFGH",
            b"ABCDEFG\xc1",
            b"Sysinfo9",
        ];
        // Four bytes at a time in the copy of a password or parameters: line ends in every
        // place of a word and after one, bytes below 14 that are not line ends (a tab, 0x0B),
        // bytes above 0x7F.
        let params: [&[u8]; 14] = [
            b"",
            b"?",
            b"1,2",
            b"a\rb",
            b"\n",
            b"??",
            b"CMNET,,,0",
            b"abcdefg\rh",
            b"abc\nefgh",
            b"abcdefgh\n",
            b"\tabc\x0bdefgh,\x0c",
            b"\x80\xff\x8d\x8a\xee\x0d",
            b"0123456789abcdef",
            b"\x0e\x0e\x0e\x0e\x0e\x0f\x10",
        ];
        let passwords: [Option<&[u8]>; 6] = [
            None,
            Some(b""),
            Some(b"usr.cn#"),
            Some(b"p\nw"),
            Some(b"long password\t#"),
            Some(b"passw\rrd#"),
        ];
        for name in names {
            for pw in passwords {
                let mut forms = std::vec![Form::Bare, Form::Execute, Form::Query, Form::Test];
                forms.extend(params.iter().map(|p| Form::Set(Params::new(p))));
                for form in forms {
                    let mut c = CommandLine::with_form(name, form);
                    if let Some(pw) = pw {
                        c = c.with_password(pw);
                    }
                    for room in [0, 3, 8, 20, 64] {
                        let (mut a, mut b) = ([0u8; 64], [0u8; 64]);
                        let got = c.emit(&mut a[..room]);
                        assert_eq!(got, reference(&c, &mut b[..room]), "{c:?} {room}");
                        let mut one_pass = [0u8; 64];
                        assert_eq!(got, emit_one_pass(&c, &mut one_pass[..room]), "{c:?}");
                        if let Ok(n) = got {
                            // The line, and nothing after it.
                            assert_eq!(a, b);
                            assert_eq!(c.buffer_len(), n);
                        }
                    }
                }
            }
        }
    }

    /// Found by `fuzz/` (command_line): a password holding a line end matched, giving a command
    /// that `emit` refuses.
    #[test]
    fn password_with_line_end_never_matches() {
        assert_eq!(
            CommandLine::parse_with_password(b"J\n#at", b"J\n#"),
            Err(LineError::NotAt)
        );
        assert_eq!(
            CommandLine::parse_with_password(b"pw\rAT+VER", b"pw\r"),
            Err(LineError::NotAt)
        );
        assert_eq!(
            CommandLine::parse_with_password(b"AT+VER\r", b"\r"),
            Ok(CommandLine::execute(b"VER"))
        );
    }

    /// The word test is `is_ascii_alphanumeric` of its four bytes: every byte value in every
    /// place, beside bytes that pass and bytes that fail.
    #[test]
    fn all_alphanumeric_is_the_byte_test() {
        for b in 0..=255u8 {
            for others in [*b"aZ9", *b"0zA", *b" a1", *b"\xe1Qq", *b"[`@"] {
                for place in 0..4 {
                    let mut word = [0u8; 4];
                    let mut rest = others.iter();
                    for (i, slot) in word.iter_mut().enumerate() {
                        *slot = if i == place { b } else { *rest.next().unwrap() };
                    }
                    assert_eq!(
                        all_alphanumeric(u32::from_ne_bytes(word)),
                        word.iter().all(u8::is_ascii_alphanumeric),
                        "{word:?}"
                    );
                }
            }
        }
    }

    /// The command of the proptests: `name` in the form numbered `form` (plain `AT`,
    /// execute, query, test, set with `params`), with `password` when there is one.
    fn command_of<'a>(
        name: &'a [u8],
        form: u8,
        params: &'a [u8],
        password: Option<&'a [u8]>,
    ) -> CommandLine<'a> {
        let form = match form {
            0 => Form::Bare,
            1 => Form::Execute,
            2 => Form::Query,
            3 => Form::Test,
            _ => Form::Set(Params::new(params)),
        };
        let c = CommandLine::with_form(name, form);
        match password {
            Some(pw) => c.with_password(pw),
            None => c,
        }
    }

    /// The names of the `emit` proptests: letters and digits, or with the bytes next to them
    /// (and a byte above 0x7F, a CR), up to 40 bytes.
    fn emit_names() -> impl proptest::strategy::Strategy<Value = std::vec::Vec<u8>> {
        proptest::prop_oneof![
            proptest::collection::vec(
                proptest::sample::select(&[b'A', b'z', b'0', b'9', b'k', b'Q'][..]),
                0..40,
            ),
            proptest::collection::vec(
                proptest::sample::select(
                    &[
                        b'A', b'z', b'0', b'9', b'@', b'[', b'`', b'{', b'/', b':', 0xc1, b'\r'
                    ][..]
                ),
                0..40,
            ),
        ]
    }

    proptest::proptest! {
        /// `emit` against the separate checks for passwords and parameters of any length made
        /// of line ends, other bytes below 14, bytes above 0x7F and plain ones, in any room.
        #[test]
        fn emit_checks_any_payload_as_the_separate_checks(
            params in proptest::collection::vec(
                proptest::sample::select(&[b'a', b'\r', b'\n', b'\t', 0x0b, 0x8d, 0x8a, b',', b'?', 0x0e][..]),
                0..24,
            ),
            password in proptest::option::of(proptest::collection::vec(
                proptest::sample::select(&[b'p', b'\r', b'\n', 0x0c, 0xff, b'#'][..]),
                0..12,
            )),
            room in 0usize..64,
        ) {
            let mut c = CommandLine::set(b"STMSG", &params);
            if let Some(pw) = &password {
                c = c.with_password(pw);
            }
            let (mut a, mut b) = ([0u8; 64], [0u8; 64]);
            let got = c.emit(&mut a[..room]);
            proptest::prop_assert_eq!(got, reference(&c, &mut b[..room]));
            if got.is_ok() {
                proptest::prop_assert_eq!(a, b);
            }
        }

        /// `emit_exchange` writes what `emit` writes, and its exchange is that of
        /// `Expect::command` with the line and the name, `echo_required` when asked, with the
        /// hint of `Expect::plain_name` exactly when `plain_name`'s look at the name gives it:
        /// any name (letters and digits, the bytes next to them, a line end, empty), any form,
        /// password and parameters. A name that is not letters and digits never gets the hint
        /// (`emit` refuses it; plain `AT`, whose name is empty, has none either).
        #[test]
        fn emit_exchange_hints_only_a_name_of_letters_and_digits(
            name in proptest::collection::vec(
                proptest::sample::select(&[b'A', b'z', b'0', b'9', b'@', b'[', b'`', b'{', b'/', b':', 0xc1, b'\r', b'-'][..]),
                0..12,
            ),
            form in 0u8..5,
            params in proptest::collection::vec(
                proptest::sample::select(&[b'a', b'\r', b',', b'?'][..]),
                0..6,
            ),
            password in proptest::option::of(proptest::collection::vec(
                proptest::sample::select(&[b'p', b'\n', b'#'][..]),
                0..4,
            )),
            echo_required in proptest::bool::ANY,
            room in 0usize..40,
        ) {
            use crate::Expect;
            let c = command_of(&name, form, &params, password.as_deref());
            let (mut a, mut b) = ([0u8; 40], [0u8; 40]);
            let got = c.emit_exchange(&mut a[..room], || echo_required);
            let emitted = c.emit(&mut b[..room]);
            proptest::prop_assert_eq!(got.map(|(n, _)| n), emitted);
            let Ok((n, exchange)) = got else {
                return Ok(());
            };
            proptest::prop_assert_eq!(a, b);
            let mut expect = Expect::command(&b[..n - 1], &name);
            if echo_required {
                expect = expect.echo_required();
            }
            let expect = expect.plain_name();
            proptest::prop_assert_eq!(exchange, expect.detach());
            proptest::prop_assert_eq!(exchange.plain_hint(), expect.detach().plain_hint());
            proptest::prop_assert_eq!(
                exchange.plain_hint(),
                !name.is_empty() && name.iter().all(u8::is_ascii_alphanumeric)
            );
        }

        /// `emit` (words overlapping at the end of a piece) against the one-pass `emit` it
        /// replaced, kept above: any name (letters, digits and the bytes next to them), any
        /// form, parameters and password of any length with line ends and bytes that look like
        /// them to a word test, in any room; the same result, and on success the same bytes in
        /// the whole buffer (nothing written after the line).
        #[test]
        fn emit_is_the_one_pass_emit(
            name in emit_names(),
            form in 0u8..5,
            params in proptest::collection::vec(
                proptest::sample::select(&[b'a', b'\r', b'\n', b'\t', 0x0b, 0x0c, 0x8d, 0x8a, b',', b'?', 0x0e, 0xff][..]),
                0..24,
            ),
            password in proptest::option::of(proptest::collection::vec(
                proptest::sample::select(&[b'p', b'\r', b'\n', 0x0c, 0xff, b'#'][..]),
                0..12,
            )),
            room in 0usize..96,
        ) {
            let c = command_of(&name, form, &params, password.as_deref());
            let (mut a, mut b) = ([0u8; 96], [0u8; 96]);
            let got = c.emit(&mut a[..room]);
            proptest::prop_assert_eq!(got, emit_one_pass(&c, &mut b[..room]));
            if got.is_ok() {
                proptest::prop_assert_eq!(a, b);
            }
        }

        /// `emit_unprefixed_exchange` against `emit_exchange`: for a command without a password
        /// that is not plain `AT`, the same line (the whole buffer the same: nothing written
        /// after it), length and exchange (the hint included, which `==` leaves out) whenever
        /// `emit_exchange` writes it, and `None` exactly when it refuses it; `None` for any
        /// command with a password, and for plain `AT`. Any name (letters, digits, the bytes
        /// next to them, up to 40 bytes), form, parameters (line ends, bytes like them to a
        /// word test, a lone `?`), password and room, echo asked or not.
        #[test]
        fn emit_unprefixed_exchange_is_emit_exchange(
            name in emit_names(),
            form in 0u8..5,
            params in proptest::prop_oneof![
                proptest::collection::vec(
                    proptest::sample::select(&[b'a', b'\r', b'\n', b'\t', 0x0b, 0x0c, 0x8d, 0x8a, b',', b'?', 0x0e, 0xff][..]),
                    0..24,
                ),
                proptest::collection::vec(proptest::sample::select(&[b'?', b'1'][..]), 0..3),
            ],
            password in proptest::option::of(proptest::collection::vec(
                proptest::sample::select(&[b'p', b'\r', b'\n', 0x0c, 0xff, b'#'][..]),
                0..12,
            )),
            room in 0usize..96,
            echo in proptest::bool::ANY,
        ) {
            let c = command_of(&name, form, &params, password.as_deref());
            let (mut a, mut b) = ([0u8; 96], [0u8; 96]);
            let fast = c.emit_unprefixed_exchange(&mut a[..room], || echo);
            let reference = c.emit_exchange(&mut b[..room], || echo);
            if password.is_some() || form == 0 {
                proptest::prop_assert!(fast.is_none());
                return Ok(());
            }
            proptest::prop_assert_eq!(fast.is_some(), reference.is_ok());
            // Only bytes `emit` writes, with its values (a second reading found nothing pinned
            // this here, on which `Core::start`'s fallback relies): `emit` after a refusal
            // leaves the buffer as it alone does.
            for (x, y) in a.iter().zip(&b) {
                proptest::prop_assert!(*x == 0 || x == y);
            }
            if fast.is_none() {
                let _ = c.emit_exchange(&mut a[..room], || echo);
                proptest::prop_assert_eq!(a, b);
            }
            if let (Some((n, exchange)), Ok((m, expected))) = (fast, reference) {
                proptest::prop_assert_eq!(n, m);
                proptest::prop_assert_eq!(
                    std::format!("{exchange:?}"),
                    std::format!("{expected:?}")
                );
                proptest::prop_assert_eq!(a, b);
            }
        }
    }
}
