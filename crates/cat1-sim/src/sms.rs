//! The simulated SMS centre (`--sms tcp:HOST:PORT`): a TCP listener where a line
//! `<number>:<text>\n` arrives at the module as an SMS from `<number>`, and where every SMS
//! the module sends comes out as a line of the same form.
//!
//! Decisions:
//!
//! - Any number of clients may connect; lines from any of them arrive at the module, and the
//!   module's SMS go to every client connected at the time (none connected: the SMS is lost,
//!   as one sent to a phone that is off, and logged).
//! - The text is everything after the first `:`. A CR before the LF is dropped. Inside the
//!   text, `\r`, `\n` and `\\` stand for CR, LF and a backslash, both ways, so that AT answers
//!   (which hold CR LF) fit on one line.
//! - A line without `:` is ignored.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

type Inbox = Arc<Mutex<VecDeque<(String, Vec<u8>)>>>;

/// The SMS centre.
#[derive(Debug)]
pub struct SmsCentre {
    inbox: Inbox,
    clients: Arc<Mutex<Vec<TcpStream>>>,
    addr: SocketAddr,
}

impl SmsCentre {
    /// Listens on `addr` (`HOST:PORT`, port 0 for any).
    pub fn bind(addr: &str) -> std::io::Result<SmsCentre> {
        let listener = TcpListener::bind(addr)?;
        let addr = listener.local_addr()?;
        let centre = SmsCentre {
            inbox: Arc::default(),
            clients: Arc::default(),
            addr,
        };
        let (inbox, clients) = (centre.inbox.clone(), centre.clients.clone());
        std::thread::Builder::new()
            .name("cat1-sim sms".into())
            .spawn(move || {
                for stream in listener.incoming() {
                    let Ok(stream) = stream else { continue };
                    if let Ok(w) = stream.try_clone() {
                        clients
                            .lock()
                            .unwrap_or_else(std::sync::PoisonError::into_inner)
                            .push(w);
                    }
                    let inbox = inbox.clone();
                    let _ = std::thread::Builder::new()
                        .name("cat1-sim sms client".into())
                        .spawn(move || read_client(stream, &inbox));
                }
            })?;
        Ok(centre)
    }

    /// Where it listens.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The next SMS for the module: sender and text.
    pub fn receive(&self) -> Option<(String, Vec<u8>)> {
        self.inbox
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .pop_front()
    }

    /// An SMS from the module; `false` when no client got it.
    pub fn send(&self, number: &str, text: &[u8]) -> bool {
        let mut line = Vec::with_capacity(number.len() + text.len() + 2);
        line.extend_from_slice(number.as_bytes());
        line.push(b':');
        line.extend_from_slice(&escape(text));
        line.push(b'\n');
        let mut clients = self
            .clients
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        clients.retain_mut(|c| c.write_all(&line).is_ok());
        !clients.is_empty()
    }
}

fn read_client(stream: TcpStream, inbox: &Inbox) {
    for line in BufReader::new(stream).split(b'\n') {
        let Ok(mut line) = line else { return };
        if line.last() == Some(&b'\r') {
            line.pop();
        }
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            continue;
        };
        let number = String::from_utf8_lossy(&line[..colon]).into_owned();
        let text = unescape(&line[colon + 1..]);
        inbox
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push_back((number, text));
    }
}

/// CR, LF and backslash as `\r`, `\n`, `\\`.
pub fn escape(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    for &b in text {
        match b {
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\\' => out.extend_from_slice(b"\\\\"),
            _ => out.push(b),
        }
    }
    out
}

/// The inverse of [`escape`]; an unknown escape stays as written.
pub fn unescape(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    let mut it = text.iter().copied().peekable();
    while let Some(b) = it.next() {
        if b == b'\\' {
            match it.peek() {
                Some(b'r') => {
                    out.push(b'\r');
                    it.next();
                    continue;
                }
                Some(b'n') => {
                    out.push(b'\n');
                    it.next();
                    continue;
                }
                Some(b'\\') => {
                    out.push(b'\\');
                    it.next();
                    continue;
                }
                _ => {}
            }
        }
        out.push(b);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_round_trip() {
        let t = b"\r\nOK\\x\r\n";
        assert_eq!(escape(t), b"\\r\\nOK\\\\x\\r\\n");
        assert_eq!(unescape(&escape(t)), t);
        assert_eq!(unescape(b"a\\qb"), b"a\\qb");
    }
}
