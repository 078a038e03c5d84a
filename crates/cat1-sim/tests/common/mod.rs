//! Starts the simulator binary and speaks raw bytes to its TCP serial port.
#![allow(dead_code)]

pub mod uart;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::channel;
use std::time::{Duration, Instant};

/// Generous: CI machines are slow; tests check behaviour, never durations.
pub const DEADLINE: Duration = Duration::from_secs(10);

pub struct Sim {
    child: Child,
    pub port: u16,
    /// The SMS centre's port, with `--sms`.
    pub sms_port: Option<u16>,
}

impl Sim {
    pub fn start(args: &[&str]) -> Sim {
        let mut child = Command::new(env!("CARGO_BIN_EXE_cat1-sim"))
            .args(["--serial", "tcp:127.0.0.1:0"])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start cat1-sim");
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { return };
                if let Some(addr) = line.strip_prefix("cat1-sim: serial on tcp:") {
                    let port = addr.rsplit(':').next().unwrap().parse::<u16>().unwrap();
                    let _ = tx.send((true, port));
                }
                // Printed before the serial port's line.
                if let Some(addr) = line.strip_prefix("cat1-sim: sms on tcp:") {
                    let port = addr.rsplit(':').next().unwrap().parse::<u16>().unwrap();
                    let _ = tx.send((false, port));
                }
                if std::env::var_os("CAT1_SIM_LOG").is_some() {
                    eprintln!("{line}");
                }
            }
        });
        let mut sms_port = None;
        let port = loop {
            match rx
                .recv_timeout(DEADLINE)
                .expect("simulator reports its port")
            {
                (true, port) => break port,
                (false, port) => sms_port = Some(port),
            }
        };
        Sim {
            child,
            port,
            sms_port,
        }
    }

    /// Connects to the serial port: the module powers on and prints its banner.
    pub fn connect(&self) -> Serial {
        let stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        stream.set_nodelay(true).unwrap();
        let mut s = Serial {
            stream,
            buf: Vec::new(),
        };
        // the banner: CR LF, the startup message, CR LF
        s.read_until(b"\r\n", DEADLINE);
        s.read_until(b"\r\n", DEADLINE);
        s
    }

    pub fn stop(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub struct Serial {
    pub stream: TcpStream,
    /// Bytes read but not yet taken.
    pub buf: Vec<u8>,
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Where the final result line of an answer ends, if it has arrived.
fn final_end(buf: &[u8]) -> Option<usize> {
    let mut start = 0;
    while let Some(i) = find(&buf[start..], b"\r\n") {
        let line = &buf[start..start + i];
        let end = start + i + 2;
        if line == b"OK" || line == b"ERROR" || line.starts_with(b"+CME ERROR:") {
            return Some(end);
        }
        start = end;
    }
    None
}

impl Serial {
    pub fn send(&mut self, bytes: &[u8]) {
        self.stream.write_all(bytes).unwrap();
    }

    fn fill(&mut self, until: Instant) -> bool {
        let left = until.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return false;
        }
        self.stream
            .set_read_timeout(Some(left.min(Duration::from_millis(50))))
            .unwrap();
        let mut chunk = [0u8; 4096];
        match self.stream.read(&mut chunk) {
            Ok(0) => false,
            Ok(n) => {
                self.buf.extend_from_slice(&chunk[..n]);
                true
            }
            Err(_) => true,
        }
    }

    /// Reads until `pattern` has arrived; returns everything up to and including it.
    pub fn read_until(&mut self, pattern: &[u8], timeout: Duration) -> Vec<u8> {
        let until = Instant::now() + timeout;
        loop {
            if let Some(i) = find(&self.buf, pattern) {
                return self.buf.drain(..i + pattern.len()).collect();
            }
            if !self.fill(until) {
                panic!(
                    "timed out waiting for {:?}; have {:?}",
                    String::from_utf8_lossy(pattern),
                    String::from_utf8_lossy(&self.buf)
                );
            }
        }
    }

    /// Reads whatever arrives within `time`.
    pub fn read_for(&mut self, time: Duration) -> Vec<u8> {
        let until = Instant::now() + time;
        while self.fill(until) {}
        std::mem::take(&mut self.buf)
    }

    /// The handshake, with the guard times.
    pub fn enter_command_mode(&mut self) {
        std::thread::sleep(Duration::from_millis(300));
        self.send(b"+++");
        assert_eq!(self.read_until(b"a", DEADLINE), b"a");
        self.send(b"a");
        assert_eq!(self.read_until(b"+ok", DEADLINE), b"+ok");
    }

    /// Sends a line and returns the answer up to its final result, echo removed.
    pub fn at(&mut self, line: &str) -> String {
        self.send(format!("{line}\r").as_bytes());
        let until = Instant::now() + DEADLINE;
        loop {
            if let Some(end) = final_end(&self.buf) {
                let got: Vec<u8> = self.buf.drain(..end).collect();
                let got = String::from_utf8_lossy(&got).into_owned();
                let echo = format!("{line}\r");
                return got.strip_prefix(&echo).map(str::to_owned).unwrap_or(got);
            }
            if !self.fill(until) {
                panic!(
                    "no answer to {line:?}; have {:?}",
                    String::from_utf8_lossy(&self.buf)
                );
            }
        }
    }

    /// Answer lines (blank lines dropped), as the vectors write them.
    pub fn at_lines(&mut self, line: &str) -> Vec<String> {
        self.at(line)
            .split("\r\n")
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect()
    }
}

#[path = "../../../cat1-at-parse/tests/vectors/manual.rs"]
mod manual;
#[allow(unused_imports)] // not every test binary reads the vectors
pub use manual::{Vector, vectors};

pub fn temp_path(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("cat1-sim-test-{}-{name}", std::process::id()))
}
