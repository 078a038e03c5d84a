//! NTP (`AT+NTPEN`, `AT+NTPSVR`, `AT+NTPTM`): a minimal SNTP client (RFC 4330) that sets the
//! simulated wall clock.
//!
//! Decisions:
//!
//! - It lives in the simulator, not in the engine: the engine's network service has exactly
//!   the four client sockets, all of which NET mode may use, so the engine has no UDP socket
//!   to spare. A firmware does the same with its modem's own SNTP.
//! - With `NTPEN=ON` in the running (saved) configuration, the clock is set at power-on and
//!   then every `NTPTM` minutes, divided by `--time-scale`. Servers are tried in order
//!   (`SVR1` first); the first answer wins. A round with no answer is retried at the next
//!   period.
//! - The query runs on its own thread (each server gets [`QUERY_TIMEOUT`], real time), so the
//!   serial loop never blocks; its result is applied at the next poll.
//! - The port is 123, or `--ntp-port` (for tests, which cannot bind 123).
//! - The answer's transmit timestamp is taken as the time; round-trip delay is ignored
//!   (the clock has one-second resolution).

use std::net::UdpSocket;
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

/// How long each server has to answer.
pub const QUERY_TIMEOUT: Duration = Duration::from_secs(2);

/// Seconds from 1900-01-01 (NTP era 0) to 1970-01-01.
const NTP_UNIX_OFFSET: i64 = 2_208_988_800;

/// Asks `servers` in order; the UTC time of the first answer, in Unix seconds.
pub fn query(servers: &[String], port: u16) -> Option<i64> {
    servers.iter().find_map(|s| query_one(s, port))
}

fn query_one(server: &str, port: u16) -> Option<i64> {
    let socket = UdpSocket::bind("0.0.0.0:0").ok()?;
    socket.set_read_timeout(Some(QUERY_TIMEOUT)).ok()?;
    socket.connect((server, port)).ok()?;
    let mut request = [0u8; 48];
    request[0] = 0x23; // LI 0, version 4, mode 3 (client)
    socket.send(&request).ok()?;
    let mut answer = [0u8; 48];
    let n = socket.recv(&mut answer).ok()?;
    // Mode 4 (server) and a non-zero transmit timestamp.
    if n < 48 || answer[0] & 0x07 != 4 {
        return None;
    }
    let secs = u32::from_be_bytes([answer[40], answer[41], answer[42], answer[43]]);
    if secs == 0 {
        return None;
    }
    Some(i64::from(secs) - NTP_UNIX_OFFSET)
}

/// A query under way.
#[derive(Debug)]
pub struct Pending(Receiver<Option<i64>>);

impl Pending {
    /// Starts a query on its own thread.
    pub fn start(servers: Vec<String>, port: u16) -> Pending {
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let _ = tx.send(query(&servers, port));
        });
        Pending(rx)
    }

    /// `Some(result)` once done (`Some(None)`: no server answered).
    pub fn poll(&self) -> Option<Option<i64>> {
        match self.0.try_recv() {
            Ok(r) => Some(r),
            Err(std::sync::mpsc::TryRecvError::Empty) => None,
            Err(std::sync::mpsc::TryRecvError::Disconnected) => Some(None),
        }
    }
}
