//! Both directions of the codec in one transcript: an MCU encodes commands and frames the answers;
//! a toy modem cuts its input into lines, parses them and encodes its answers. The bytes between
//! them are fed 3 at a time, with a banner, a URC and a late answer thrown in.
//!
//! Run: `cargo run -p cat1-at-parse --example transcript`

use cat1_at_parse::{
    CommandLine, Event, Expect, Form, Framer, LineBuffer, LineEvent, MAX_LINE, Response, Status,
};

/// The toy modem: echo on, a handful of commands.
struct ToyModem {
    lines: LineBuffer<MAX_LINE>,
    echo: bool,
}

impl ToyModem {
    fn receive(&mut self, input: &[u8], out: &mut Vec<u8>) {
        if self.echo {
            out.extend_from_slice(input);
        }
        let mut rest = input;
        while let Status::Complete(event, used) = self.lines.feed(rest) {
            let mut buf = [0u8; MAX_LINE];
            let response = match event {
                LineEvent::Overflow { .. } => Response::CmeError(53),
                LineEvent::Line(line) => match CommandLine::parse(line) {
                    Err(e) => match e.cme_code() {
                        Some(code) => Response::CmeError(code),
                        None => Response::Error,
                    },
                    Ok(cmd) if cmd.is(b"") => Response::Ok,
                    Ok(cmd) if cmd.is(b"CSQ") && cmd.form() == Form::Execute => Response::Info {
                        name: b"CSQ",
                        params: b"27,99",
                        more: &[],
                    },
                    Ok(cmd) if cmd.is(b"E") && cmd.form() == Form::Query => Response::Info {
                        name: b"E",
                        params: if self.echo { b"ON" } else { b"OFF" },
                        more: &[],
                    },
                    Ok(_) => Response::CmeError(58),
                },
            };
            let n = response.emit(&mut buf).unwrap_or(0);
            out.extend_from_slice(&buf[..n]);
            rest = &rest[used..];
        }
    }
}

fn show(bytes: &[u8]) -> String {
    bytes.escape_ascii().to_string()
}

fn main() {
    let mut modem = ToyModem {
        lines: LineBuffer::new(),
        echo: true,
    };
    let mut framer = Framer::<MAX_LINE>::new();

    let commands = [
        CommandLine::bare(),
        CommandLine::execute(b"CSQ"),
        CommandLine::query(b"E"),
        CommandLine::query(b"NOSUCH"),
    ];
    for (i, cmd) in commands.iter().enumerate() {
        let mut tx = [0u8; 64];
        let n = cmd.emit(&mut tx).expect("fits");
        println!("MCU   -> {}", show(&tx[..n]));

        let mut wire = Vec::new();
        if i == 1 {
            // Something the modem says on its own, in the middle of an exchange.
            wire.extend_from_slice(b"\r\n+SOCKALK:Disconnected\r\n");
        }
        modem.receive(&tx[..n], &mut wire);
        if i == 2 {
            // A stale answer after the exchange ended.
            wire.extend_from_slice(b"\r\nOK\r\n");
        }
        println!("modem -> {}", show(&wire));

        let mut expect = Expect::command(&tx[..n], cmd.name()).echo_required();
        for chunk in wire.chunks(3) {
            let mut rest = chunk;
            while let Status::Complete(event, used) = framer.feed(rest, &mut expect) {
                match event {
                    Event::Echo(line) => println!("          echo        {}", show(line)),
                    Event::Info(info) => println!(
                        "          info        +{}: {:?}",
                        show(info.name()),
                        info.params().iter().map(show).collect::<Vec<_>>()
                    ),
                    Event::Final(result) => println!("          final       {result:?}"),
                    Event::Unsolicited(line) => println!("          unsolicited {}", show(line)),
                    other => println!("          {other:?}"),
                }
                rest = &rest[used..];
            }
        }
        println!();
    }
    println!("counters: {:?}", framer.counters());
}
