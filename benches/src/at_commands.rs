//! at-commands 0.5: `CommandParser` on the complete response.
//!
//! at-commands does no framing: the caller collects the whole response, and writes per command a
//! parser chain that knows the response's shape (echo or not, how many lines, which prefixes).
//! [`Shape`] is that knowledge, worked out from the corpus outside the timed code, as a developer
//! works it out from the manual when writing the chain. Each line's text is taken with
//! `expect_raw_string`; the parameters are not split (a generic chain cannot know their types).

use at_commands::parser::CommandParser;

use crate::corpus::Case;
use crate::{Outcome, has_echo, lines};

/// The most information lines a chain below handles (the corpus has at most 3).
pub const MAX_LINES: usize = 3;

/// What the caller of at-commands must know about a response to parse it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    /// The echo to skip (`sent` followed by CR), or `None` with echo off.
    pub echo: Option<&'static [u8]>,
    /// The prefix of each information line (`+NAME:`), empty for a continuation line.
    pub prefixes: [&'static [u8]; MAX_LINES],
    /// How many information lines there are; more than [`MAX_LINES`] is unsupported.
    pub lines: usize,
}

impl Shape {
    /// The shape of a corpus response.
    pub fn of(case: &Case) -> Shape {
        let echo = has_echo(case).then_some(case.sent);
        let mut prefixes: [&'static [u8]; MAX_LINES] = [b""; MAX_LINES];
        let mut info: Vec<&'static [u8]> = lines(case.response).collect();
        info.pop(); // the final result
        if echo.is_some() && !info.is_empty() {
            info.remove(0);
        }
        for (slot, line) in prefixes.iter_mut().zip(&info) {
            *slot = if line.starts_with(b"+") {
                line.iter()
                    .position(|&b| b == b':')
                    .map_or(&b""[..], |i| &line[..=i])
            } else {
                b""
            };
        }
        Shape {
            echo,
            prefixes,
            lines: info.len(),
        }
    }
}

fn start<'a>(response: &'a [u8], shape: &Shape) -> CommandParser<'a, ()> {
    let p = CommandParser::parse(response);
    match shape.echo {
        Some(sent) => p.expect_identifier(sent).expect_identifier(b"\r"),
        None => p,
    }
}

/// Sum of the lengths of the texts taken, so the work cannot be optimised away.
fn len_sum(texts: &[&str]) -> usize {
    texts.iter().map(|t| t.len()).sum()
}

/// Tries the `OK` form: `\r\n` (line `\r\n`)* `\r\nOK\r\n`; returns the text length taken.
fn parse_ok(response: &[u8], shape: &Shape) -> Option<Result<usize, ()>> {
    let [p0, p1, p2] = shape.prefixes;
    let r = match shape.lines {
        0 => start(response, shape)
            .expect_identifier(b"\r\nOK\r\n")
            .finish()
            .map(|()| 0),
        1 => start(response, shape)
            .expect_identifier(b"\r\n")
            .expect_identifier(p0)
            .expect_raw_string()
            .expect_identifier(b"\r\n\r\nOK\r\n")
            .finish()
            .map(|(a,)| len_sum(&[a])),
        2 => start(response, shape)
            .expect_identifier(b"\r\n")
            .expect_identifier(p0)
            .expect_raw_string()
            .expect_identifier(b"\r\n")
            .expect_identifier(p1)
            .expect_raw_string()
            .expect_identifier(b"\r\n\r\nOK\r\n")
            .finish()
            .map(|(a, b)| len_sum(&[a, b])),
        3 => start(response, shape)
            .expect_identifier(b"\r\n")
            .expect_identifier(p0)
            .expect_raw_string()
            .expect_identifier(b"\r\n")
            .expect_identifier(p1)
            .expect_raw_string()
            .expect_identifier(b"\r\n")
            .expect_identifier(p2)
            .expect_raw_string()
            .expect_identifier(b"\r\n\r\nOK\r\n")
            .finish()
            .map(|(a, b, c)| len_sum(&[a, b, c])),
        _ => return None,
    };
    Some(r.map_err(drop))
}

/// Parses one complete response as an at-commands user does: the success chain first, then the
/// error forms. Returns the outcome and the length of the text taken.
#[inline]
pub fn response(response: &[u8], shape: &Shape) -> (Outcome, usize) {
    match parse_ok(response, shape) {
        None => return (Outcome::Unsupported, 0),
        Some(Ok(n)) => return (Outcome::Ok, n),
        Some(Err(())) => {}
    }
    if let Ok((code,)) = start(response, shape)
        .expect_identifier(b"\r\n+CME ERROR:")
        .expect_int_parameter()
        .expect_identifier(b"\r\n")
        .finish()
    {
        return match u16::try_from(code) {
            Ok(code) => (Outcome::CmeError(code), 0),
            Err(_) => (Outcome::Error, 0),
        };
    }
    if start(response, shape)
        .expect_identifier(b"\r\nERROR\r\n")
        .finish()
        .is_ok()
    {
        return (Outcome::Error, 0);
    }
    (Outcome::NoResponse, 0)
}
