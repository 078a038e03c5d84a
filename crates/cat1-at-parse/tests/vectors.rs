//! Every example of the manual (all 82 sections, read through errata.md) and the GPS forms of
//! protocol-notes §12, from `vectors/manual.vectors`: the command line parses to the expected name,
//! form and parameters and encodes back to the same bytes; the answer, as the module writes it,
//! comes out of the framer as the same lines, in any chunking, with echo on and off.

mod common;

use cat1_at_parse::{CommandLine, Expect, FinalResult, Form, Framer, MAX_LINE, Response};
use common::{Owned, feed_chunked, vectors, wire};

#[test]
fn there_are_212_vectors_covering_85_commands() {
    let vectors = vectors();
    assert_eq!(vectors.len(), 212);
    let mut names: Vec<&str> = vectors.iter().map(|v| v.name.as_str()).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), 85);
}

#[test]
fn command_lines_parse_and_encode_back() {
    for v in vectors() {
        let cmd = CommandLine::parse(v.send.as_bytes())
            .unwrap_or_else(|e| panic!("{}: {:?} does not parse: {e}", v.section, v.send));
        assert_eq!(cmd.name(), v.name.as_bytes(), "{}", v.section);
        let form = match cmd.form() {
            Form::Bare => "bare",
            Form::Execute => "execute",
            Form::Query => "query",
            Form::Test => "test",
            Form::Set(_) => "set",
        };
        assert_eq!(form, v.form, "{}", v.section);
        let params: Vec<String> = cmd
            .params()
            .map(|p| {
                p.iter()
                    .map(|s| String::from_utf8(s.to_vec()).unwrap())
                    .collect()
            })
            .unwrap_or_default();
        assert_eq!(params, v.params, "{}", v.section);

        let mut buf = [0u8; MAX_LINE];
        let n = cmd.emit(&mut buf).unwrap();
        assert_eq!(
            &buf[..n],
            format!("{}\r", v.send).as_bytes(),
            "{}",
            v.section
        );
        assert_eq!(cmd.buffer_len(), n);
    }
}

/// The events the framer must give for a vector's answer.
fn expected_events(v: &common::Vector, echo: bool) -> Vec<Owned> {
    let mut want = Vec::new();
    if echo {
        want.push(Owned::Echo(v.send.as_bytes().to_vec()));
    }
    let (last, info) = v.recv.split_last().unwrap();
    for (i, line) in info.iter().enumerate() {
        if i == 0 {
            let body = line.strip_prefix('+').unwrap();
            let (name, params) = body.split_once(':').unwrap();
            want.push(Owned::Info {
                name: name.as_bytes().to_vec(),
                params: params.trim_start().as_bytes().to_vec(),
                continuation: false,
            });
        } else {
            want.push(Owned::Info {
                name: vec![],
                params: line.as_bytes().to_vec(),
                continuation: true,
            });
        }
    }
    let result = match last.as_str() {
        "OK" => FinalResult::Ok,
        "ERROR" => FinalResult::Error,
        other => FinalResult::CmeError(
            other
                .strip_prefix("+CME ERROR:")
                .unwrap()
                .trim()
                .parse()
                .unwrap(),
        ),
    };
    want.push(Owned::Final(result));
    want
}

#[test]
fn answers_come_out_of_the_framer_in_any_chunking() {
    for v in vectors() {
        for echo in [false, true] {
            let mut input = Vec::new();
            if echo {
                input.extend_from_slice(v.send.as_bytes());
                input.push(b'\r');
            }
            input.extend_from_slice(&wire(&v.recv));
            let want = expected_events(&v, echo);
            for chunk in [1, 2, 3, 7, 16, 64, 0] {
                let mut framer = Framer::<MAX_LINE>::new();
                let mut expect = Expect::command(v.send.as_bytes(), v.name.as_bytes());
                if echo {
                    expect = expect.echo_required();
                }
                let got = feed_chunked(&mut framer, &mut expect, &input, chunk);
                assert_eq!(got, want, "{} echo={echo} chunk={chunk}", v.section);
                assert!(expect.is_done(), "{}", v.section);
                assert_eq!(framer.counters().unsolicited, 0, "{}", v.section);
                // `for_line` finds the same name in the line itself.
                let mut by_line = Expect::for_line(v.send.as_bytes());
                let mut framer = Framer::<MAX_LINE>::new();
                assert_eq!(
                    feed_chunked(&mut framer, &mut by_line, &input, chunk),
                    want,
                    "{} (for_line)",
                    v.section
                );
            }
        }
    }
}

#[test]
fn the_modem_side_encoder_writes_each_answer_byte_for_byte() {
    for v in vectors() {
        let (last, info) = v.recv.split_last().unwrap();
        let mut buf = [0u8; MAX_LINE];
        let n = if let Some((first, more)) = info.split_first() {
            assert_eq!(last, "OK", "{}", v.section);
            let (name, params) = first.strip_prefix('+').unwrap().split_once(':').unwrap();
            let more: Vec<&[u8]> = more.iter().map(|l| l.as_bytes()).collect();
            Response::Info {
                name: name.as_bytes(),
                params: params.as_bytes(),
                more: &more,
            }
            .emit(&mut buf)
            .unwrap()
        } else if last == "OK" {
            Response::Ok.emit(&mut buf).unwrap()
        } else {
            let code = last.strip_prefix("+CME ERROR:").unwrap().parse().unwrap();
            Response::CmeError(code).emit(&mut buf).unwrap()
        };
        assert_eq!(&buf[..n], wire(&v.recv).as_slice(), "{}", v.section);
    }
}
