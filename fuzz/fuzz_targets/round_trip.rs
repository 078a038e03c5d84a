//! Encode-then-parse round trip on structured values built by `arbitrary`.
//!
//! - A command line (optional password, name, form, parameters) is emitted with
//!   `CommandLine::emit` and parsed back with `CommandLine::parse` / `parse_with_password`: it must
//!   be equal. Values `emit` rejects are skipped after checking the error is the documented one
//!   (`InvalidName` for an empty, over-long or non-alphanumeric name, or a name on the bare `AT`;
//!   `LineEndInPayload` for CR or LF in the parameters or the password; `AmbiguousForm` for a set
//!   whose parameters are exactly `?`).
//! - A modem response is emitted with `Response::emit` (after the echo of the command, when the
//!   value asks for one) and fed through a `Framer` with the matching `Expect`, in fuzzer-chosen
//!   chunks: the events must be the value again (echo, information lines, final result, banner,
//!   handshake replies), and the exchange must be done. Further lines of an information
//!   response are continuations with `Expect::multi_line(true)` and unsolicited without.
//!
//! The input layout (for `make_seeds.py`) is what `arbitrary` 1.x reads for `Input`, with the
//! hand-written `Bytes` (one length byte, then the bytes) and `Lines` (one count byte mod 8, then
//! the lines); see fuzz/README.md.
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use cat1_at_parse::{
    CommandLine, EncodeError, Event, Expect, FinalResult, Form, Framer, MAX_LINE, Params, Response,
    Status,
};
use libfuzzer_sys::fuzz_target;

const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// A byte string read front to back: one length byte, then that many bytes (fewer if the input
/// runs out). Hand-written rather than derived so that `make_seeds.py` can write seeds.
#[derive(Debug)]
struct Bytes(Vec<u8>);

impl<'a> Arbitrary<'a> for Bytes {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        let len = usize::from(u8::arbitrary(u)?).min(u.len());
        Ok(Bytes(u.bytes(len)?.to_vec()))
    }
}

/// A list of lines: one count byte (taken mod 8), then the lines.
#[derive(Debug)]
struct Lines(Vec<Text>);

impl<'a> Arbitrary<'a> for Lines {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        let count = u8::arbitrary(u)? % 8;
        let mut lines = Vec::new();
        for _ in 0..count {
            lines.push(Text::arbitrary(u)?);
        }
        Ok(Lines(lines))
    }
}

/// A command name: either mapped onto alphanumeric bytes (the common, valid case) or raw.
#[derive(Debug, Arbitrary)]
struct Name {
    raw: bool,
    bytes: Bytes,
}

impl Name {
    fn bytes(&self) -> Vec<u8> {
        if self.raw {
            self.bytes.0.clone()
        } else {
            self.bytes
                .0
                .iter()
                .map(|&b| ALNUM[b as usize % ALNUM.len()])
                .collect()
        }
    }
}

/// Free text: with `keep_line_ends` false, CR and LF are removed.
#[derive(Debug, Arbitrary)]
struct Text {
    keep_line_ends: bool,
    bytes: Bytes,
}

impl Text {
    fn bytes(&self) -> Vec<u8> {
        if self.keep_line_ends {
            self.bytes.0.clone()
        } else {
            self.bytes
                .0
                .iter()
                .copied()
                .filter(|&b| b != b'\r' && b != b'\n')
                .collect()
        }
    }
}

#[derive(Debug, Arbitrary)]
enum ArbForm {
    Bare,
    Execute,
    Query,
    Test,
    Set(Text),
}

#[derive(Debug, Arbitrary)]
struct ArbCommand {
    password: Option<Text>,
    name: Name,
    form: ArbForm,
}

#[derive(Debug, Arbitrary)]
enum ArbResponse {
    Ok,
    Error,
    CmeError(u16),
    Info {
        name: Name,
        params: Text,
        more: Lines,
    },
    Banner(Text),
    HandshakeA,
    HandshakeOk,
}

#[derive(Debug, Arbitrary)]
struct Input {
    command: ArbCommand,
    response: ArbResponse,
    /// Whether the modem echoes the command line before its answer.
    echo: bool,
    /// Whether continuation lines are expected (`Expect::multi_line`).
    multi_line: bool,
    /// Chunk size for the framer, minus one.
    chunk: u8,
}

fn has_line_end(s: &[u8]) -> bool {
    s.iter().any(|&b| b == b'\r' || b == b'\n')
}

fn emit_checked<F>(emit: F, len: usize) -> Result<Vec<u8>, EncodeError>
where
    F: Fn(&mut [u8]) -> Result<usize, EncodeError>,
{
    let mut buf = vec![0u8; len];
    let n = emit(&mut buf)?;
    assert_eq!(n, len, "emit wrote other than buffer_len");
    if len > 0 {
        let mut short = vec![0u8; len - 1];
        assert_eq!(
            emit(&mut short),
            Err(EncodeError::BufferTooSmall { needed: len })
        );
    }
    Ok(buf)
}

/// Emits and parses back one command line. Returns the emitted line and the name, or `None` when
/// `emit` rejected the value (with the documented error).
fn command_round_trip(c: &ArbCommand) -> Option<(Vec<u8>, Vec<u8>)> {
    let name = c.name.bytes();
    let password = c.password.as_ref().map(Text::bytes);
    let params = match &c.form {
        ArbForm::Set(t) => Some(t.bytes()),
        _ => None,
    };
    let form = match &c.form {
        ArbForm::Bare => Form::Bare,
        ArbForm::Execute => Form::Execute,
        ArbForm::Query => Form::Query,
        ArbForm::Test => Form::Test,
        ArbForm::Set(_) => Form::Set(Params::new(params.as_deref().unwrap_or(b""))),
    };
    let mut cmd = CommandLine::with_form(&name, form);
    if let Some(pw) = &password {
        cmd = cmd.with_password(pw);
    }

    let name_ok = match c.form {
        ArbForm::Bare => name.is_empty(),
        _ => !name.is_empty() && name.len() <= 32 && name.iter().all(u8::is_ascii_alphanumeric),
    };
    let line_end = password.as_deref().is_some_and(has_line_end)
        || params.as_deref().is_some_and(has_line_end);
    let result = emit_checked(|b| cmd.emit(b), cmd.buffer_len());
    let line = match result {
        Err(e) => {
            // The checks of `emit`, in its documented order.
            let want = if !name_ok {
                EncodeError::InvalidName
            } else if line_end {
                EncodeError::LineEndInPayload
            } else if params.as_deref() == Some(b"?") {
                EncodeError::AmbiguousForm
            } else {
                panic!("valid value rejected: {e:?}")
            };
            assert_eq!(e, want);
            return None;
        }
        Ok(line) => {
            assert!(name_ok && !line_end, "invalid value emitted: {line:?}");
            assert_ne!(params.as_deref(), Some(&b"?"[..]), "ambiguous set emitted");
            line
        }
    };
    assert_eq!(line.last(), Some(&b'\r'));

    // An empty password writes nothing, so it reads back as no password.
    let password = password.filter(|p| !p.is_empty());
    let parsed = match &password {
        Some(pw) => CommandLine::parse_with_password(&line, pw),
        None => CommandLine::parse(&line),
    };
    let parsed = parsed.unwrap_or_else(|e| panic!("emitted {line:?} does not parse: {e:?}"));
    assert_eq!(parsed.password(), password.as_deref());
    assert_eq!(parsed.name(), &name[..]);
    assert_eq!(parsed.form(), form);
    assert_eq!(parsed.params().map(|p| p.raw()), params.as_deref());
    Some((line, name))
}

/// An owned copy of a framer event.
#[derive(Debug, PartialEq, Eq)]
enum Owned {
    Echo(Vec<u8>),
    Info(Vec<u8>, Vec<u8>, bool),
    Final(FinalResult),
    HandshakeA,
    HandshakeOk,
    Unsolicited(Vec<u8>),
    Overflow(usize),
}

fn feed_all(stream: &[u8], chunk: usize, mut expect: Expect<'_>) -> (Vec<Owned>, bool) {
    let mut framer = Framer::<MAX_LINE>::new();
    let mut events = Vec::new();
    let mut calls = 0usize;
    for mut piece in stream.chunks(chunk.max(1)) {
        loop {
            calls += 1;
            assert!(calls <= 2 * stream.len() + 1, "no progress");
            match framer.feed(piece, &mut expect) {
                Status::Partial => break,
                Status::Complete(ev, n) => {
                    assert!(n >= 1 && n <= piece.len());
                    events.push(match ev {
                        Event::Echo(l) => Owned::Echo(l.to_vec()),
                        Event::Info(i) => Owned::Info(
                            i.name().to_vec(),
                            i.raw_params().to_vec(),
                            i.is_continuation(),
                        ),
                        Event::Final(r) => Owned::Final(r),
                        Event::HandshakeA => Owned::HandshakeA,
                        Event::HandshakeOk => Owned::HandshakeOk,
                        Event::Unsolicited(l) => Owned::Unsolicited(l.to_vec()),
                        Event::Overflow { dropped } => Owned::Overflow(dropped),
                    });
                    piece = &piece[n..];
                }
            }
        }
    }
    assert!(
        framer.pending().is_empty(),
        "bytes left over: {:?}",
        framer.pending()
    );
    (events, expect.is_done())
}

/// Emits one response (after the echo, if any) and checks the framer gives it back.
fn response_round_trip(
    r: &ArbResponse,
    echo: Option<(&[u8], &[u8])>,
    multi_line: bool,
    chunk: usize,
) {
    let name = match r {
        ArbResponse::Info { name, .. } => name.bytes(),
        _ => Vec::new(),
    };
    let params = match r {
        ArbResponse::Info { params, .. } => params.bytes(),
        ArbResponse::Banner(t) => t.bytes(),
        _ => Vec::new(),
    };
    let more: Vec<Vec<u8>> = match r {
        ArbResponse::Info { more, .. } => more.0.iter().map(Text::bytes).collect(),
        _ => Vec::new(),
    };
    let more_refs: Vec<&[u8]> = more.iter().map(Vec::as_slice).collect();
    let response = match r {
        ArbResponse::Ok => Response::Ok,
        ArbResponse::Error => Response::Error,
        ArbResponse::CmeError(n) => Response::CmeError(*n),
        ArbResponse::Info { .. } => Response::Info {
            name: &name,
            params: &params,
            more: &more_refs,
        },
        ArbResponse::Banner(_) => Response::Banner(&params),
        ArbResponse::HandshakeA => Response::HandshakeA,
        ArbResponse::HandshakeOk => Response::HandshakeOk,
    };

    let wire = match emit_checked(|b| response.emit(b), response.buffer_len()) {
        Ok(w) => w,
        Err(e) => {
            let want = match r {
                ArbResponse::Info { .. }
                    if name.is_empty() || !name.iter().all(u8::is_ascii_alphanumeric) =>
                {
                    EncodeError::InvalidName
                }
                ArbResponse::Info { .. } | ArbResponse::Banner(_)
                    if has_line_end(&params) || more.iter().any(|l| has_line_end(l)) =>
                {
                    EncodeError::LineEndInPayload
                }
                _ => panic!("valid response rejected: {e:?}"),
            };
            assert_eq!(e, want);
            return;
        }
    };
    assert!(name.iter().all(u8::is_ascii_alphanumeric) && !has_line_end(&params));
    assert!(!more.iter().any(|l| has_line_end(l)));

    // Lines longer than the framer's buffer, and continuation lines the wire cannot tell from
    // something else (a final result, a `+` line), are outside the round trip.
    let first_len = name.len() + 2 + params.len();
    if first_len > MAX_LINE || params.len() > MAX_LINE || more.iter().any(|l| l.len() > MAX_LINE) {
        return;
    }
    if more
        .iter()
        .any(|l| l.starts_with(b"+") || l == b"OK" || l == b"ERROR")
    {
        return;
    }

    let mut stream = Vec::new();
    let mut want = Vec::new();
    let (sent, cmd_name): (&[u8], &[u8]) = echo.unwrap_or((b"", b""));
    if echo.is_some() {
        if sent.len() - 1 > MAX_LINE {
            return;
        }
        stream.extend_from_slice(sent);
        let mut buf = vec![0u8; sent.len()];
        let n = Response::Echo(sent)
            .emit(&mut buf)
            .expect("echo never rejected");
        assert_eq!(&buf[..n], sent);
        want.push(Owned::Echo(sent[..sent.len() - 1].to_vec()));
    }
    stream.extend_from_slice(&wire);

    let info_name: &[u8] = if name.is_empty() { cmd_name } else { &name };
    let expect = match r {
        ArbResponse::HandshakeA => Expect::handshake_a(),
        ArbResponse::HandshakeOk => Expect::handshake_ok(),
        ArbResponse::Banner(_) => Expect::nothing(),
        _ => Expect::command(sent, info_name),
    };
    let expect = match r {
        ArbResponse::HandshakeA | ArbResponse::HandshakeOk | ArbResponse::Banner(_) => {
            // The echo before a handshake reply or a banner belongs to no command in flight.
            if let Some(first) = want.first_mut() {
                *first = Owned::Unsolicited(sent[..sent.len() - 1].to_vec());
            }
            expect
        }
        _ if echo.is_some() => expect.echo_required().multi_line(multi_line),
        _ => expect.multi_line(multi_line),
    };
    match r {
        ArbResponse::Ok => want.push(Owned::Final(FinalResult::Ok)),
        ArbResponse::Error => want.push(Owned::Final(FinalResult::Error)),
        ArbResponse::CmeError(n) => want.push(Owned::Final(FinalResult::CmeError(*n))),
        ArbResponse::Info { .. } => {
            want.push(Owned::Info(
                name.clone(),
                params.trim_ascii_start().to_vec(),
                false,
            ));
            for l in &more {
                if l.is_empty() {
                    // Empty lines are ignored (errata #1).
                } else if multi_line {
                    want.push(Owned::Info(Vec::new(), l.clone(), true));
                } else {
                    want.push(Owned::Unsolicited(l.clone()));
                }
            }
            want.push(Owned::Final(FinalResult::Ok));
        }
        ArbResponse::Banner(_) => {
            if !params.is_empty() {
                want.push(Owned::Unsolicited(params.clone()));
            }
        }
        ArbResponse::HandshakeA => want.push(Owned::HandshakeA),
        ArbResponse::HandshakeOk => want.push(Owned::HandshakeOk),
    }

    let (got, done) = feed_all(&stream, chunk, expect);
    assert_eq!(got, want, "stream {stream:?}");
    assert!(
        done || matches!(r, ArbResponse::Banner(_)),
        "exchange not done"
    );
}

fuzz_target!(|input: Input| {
    let line = command_round_trip(&input.command);
    let echo = match (&line, input.echo) {
        // A password line is not echoed (protocol-notes 3); a bare `AT` has no name.
        (Some((l, n)), true) if input.command.password.is_none() && !n.is_empty() => {
            Some((l.as_slice(), n.as_slice()))
        }
        _ => None,
    };
    response_round_trip(
        &input.response,
        echo,
        input.multi_line,
        input.chunk as usize + 1,
    );
});
