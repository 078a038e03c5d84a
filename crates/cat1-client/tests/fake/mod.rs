//! A small functional modem for the client tests: command lines through cat1-at-parse, settings
//! through cat1-config (pending vs saved per errata #36), the `+++`/`a`/`+ok` handshake, echo,
//! `AT+S` with a restart banner. Not the simulator: just enough to drive the typed API and the
//! profile flow end to end in virtual time.
#![allow(dead_code)]

use std::collections::VecDeque;

use cat1_at_parse::{CommandLine, Form, LineBuffer, LineEvent, MAX_LINE, Response, Status, Writer};
use cat1_config::{Config, Model};

use crate::mock::VirtualClock;

pub struct FakeModem {
    pub clock: VirtualClock,
    pub saved: Config,
    pub pending: Config,
    pub command_mode: bool,
    pub echo: bool,
    lines: LineBuffer<MAX_LINE>,
    out: VecDeque<(u64, u8)>,
    plus: usize,
    awaiting_a: bool,
    /// Every command line received, for the tests to inspect.
    pub received: Vec<Vec<u8>>,
    /// Bytes received in a transparent mode (network data).
    pub data: Vec<u8>,
    /// `AT+S` answers `OK` and restarts but saves nothing (a module whose flash write failed).
    pub forget_on_save: bool,
}

impl FakeModem {
    pub fn new(clock: &VirtualClock) -> Self {
        let config = Config::factory(Model::WhLte7s1);
        FakeModem {
            clock: clock.clone(),
            echo: config.echo,
            saved: config.clone(),
            pending: config,
            command_mode: false,
            lines: LineBuffer::new(),
            out: VecDeque::new(),
            plus: 0,
            awaiting_a: false,
            received: Vec::new(),
            data: Vec::new(),
            forget_on_save: false,
        }
    }

    fn send(&mut self, delay: u64, bytes: &[u8]) {
        let due = self.clock.millis() + delay;
        let due = self.out.back().map_or(due, |(d, _)| (*d).max(due));
        self.out.extend(bytes.iter().map(|&b| (due, b)));
    }

    fn respond(&mut self, r: Response<'_>) {
        let mut buf = [0u8; 1024];
        let n = r.emit(&mut buf).unwrap();
        self.send(2, &buf[..n]);
    }

    fn restart(&mut self) {
        self.pending = self.saved.clone();
        self.echo = self.saved.echo;
        self.command_mode = false;
        let banner = self.saved.startup_message.as_bytes().to_vec();
        let mut buf = [0u8; 64];
        let n = Response::Banner(&banner).emit(&mut buf).unwrap();
        self.send(1_500, &buf[..n]);
    }

    fn line(&mut self, line: &[u8]) {
        self.received.push(line.to_vec());
        let cmd = match CommandLine::parse(line) {
            Ok(cmd) => cmd,
            Err(e) => {
                match e.cme_code() {
                    Some(code) => self.respond(Response::CmeError(code)),
                    None if e == cat1_at_parse::LineError::Empty => {}
                    None => self.respond(Response::Error),
                }
                return;
            }
        };
        let name = cmd.name().to_ascii_uppercase();
        match (name.as_slice(), cmd.form()) {
            (b"", Form::Bare) => self.respond(Response::Ok),
            (b"S", Form::Execute) => {
                self.respond(Response::Ok);
                if !self.forget_on_save {
                    self.saved = self.pending.clone();
                }
                self.restart();
            }
            (b"Z", Form::Execute) => {
                self.respond(Response::Ok);
                self.restart();
            }
            (b"ENTM", Form::Execute) => {
                self.respond(Response::Ok);
                self.command_mode = false;
            }
            (b"CSQ", Form::Execute) => self.respond(Response::Info {
                name: b"CSQ",
                params: b"27,99",
                more: &[],
            }),
            (_, Form::Query | Form::Execute) => {
                let mut buf = [0u8; 700];
                let mut w = Writer::new(&mut buf);
                match self.pending.render_query(&name, &mut w) {
                    Ok(()) => {
                        let n = w.finish().unwrap();
                        let text = buf[..n].to_vec();
                        let colon = text.iter().position(|&b| b == b':').unwrap();
                        self.respond(Response::Info {
                            name: &name,
                            params: &text[colon + 1..],
                            more: &[],
                        });
                    }
                    Err(_) => self.respond(Response::CmeError(58)),
                }
            }
            (_, _) => match self.pending.apply(&cmd) {
                Ok(_) => {
                    if name == b"E" {
                        self.echo = self.pending.echo;
                    }
                    self.respond(Response::Ok)
                }
                Err(code) => self.respond(Response::CmeError(code.0)),
            },
        }
    }

    fn receive(&mut self, bytes: &[u8]) {
        if !self.command_mode {
            for &b in bytes {
                if self.awaiting_a {
                    self.awaiting_a = false;
                    if b == b'a' {
                        self.command_mode = true;
                        self.send(5, b"+ok");
                        continue;
                    }
                }
                if b == b'+' {
                    self.plus += 1;
                    if self.plus == 3 {
                        self.plus = 0;
                        self.awaiting_a = true;
                        self.send(5, b"a");
                    }
                } else {
                    self.plus = 0;
                    self.data.push(b);
                }
            }
            return;
        }
        if self.echo {
            self.send(0, bytes);
        }
        let mut rest = bytes;
        while let Status::Complete(ev, used) = self.lines.feed(rest) {
            let line = match ev {
                LineEvent::Line(l) => Some(l.to_vec()),
                LineEvent::Overflow { .. } => None,
            };
            rest = &rest[used..];
            match line {
                Some(l) => self.line(&l),
                None => self.respond(Response::CmeError(53)),
            }
        }
    }
}

impl embedded_io::ErrorType for FakeModem {
    type Error = std::convert::Infallible;
}

impl embedded_io::ReadReady for FakeModem {
    fn read_ready(&mut self) -> Result<bool, Self::Error> {
        self.clock.tick();
        Ok(self
            .out
            .front()
            .is_some_and(|(d, _)| *d <= self.clock.millis()))
    }
}

impl embedded_io::Read for FakeModem {
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, Self::Error> {
        let now = self.clock.millis();
        let mut n = 0;
        while n < buf.len().min(16) {
            match self.out.front() {
                Some((d, b)) if *d <= now => {
                    buf[n] = *b;
                    n += 1;
                    self.out.pop_front();
                }
                _ => break,
            }
        }
        Ok(n)
    }
}

impl embedded_io::Write for FakeModem {
    fn write(&mut self, buf: &[u8]) -> Result<usize, Self::Error> {
        self.receive(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> Result<(), Self::Error> {
        Ok(())
    }
}

// The async adapter's side, as the mock's: a read is pending until a byte is due (the timer's
// polls move the virtual clock).
impl embedded_io_async::Read for FakeModem {
    async fn read(&mut self, buf: &mut [u8]) -> Result<usize, Self::Error> {
        std::future::poll_fn(|_| {
            let due = self
                .out
                .front()
                .is_some_and(|(d, _)| *d <= self.clock.millis());
            if due {
                std::task::Poll::Ready(embedded_io::Read::read(self, buf))
            } else {
                std::task::Poll::Pending
            }
        })
        .await
    }
}

impl embedded_io_async::Write for FakeModem {
    async fn write(&mut self, buf: &[u8]) -> Result<usize, Self::Error> {
        embedded_io::Write::write(self, buf)
    }
    async fn flush(&mut self) -> Result<(), Self::Error> {
        Ok(())
    }
}
