//! Black-box: `AT+NTPEN` sets the clock from a fake SNTP server on 127.0.0.1 (`--ntp-port`),
//! at power-on and then every `NTPTM` minutes (time-scaled).
//!
//! Deadlines are generous; nothing asserts how long anything took.

mod common;

use std::net::UdpSocket;
use std::sync::mpsc::channel;

use common::{DEADLINE, Sim};

/// 2001-02-03 04:05:06 UTC in NTP seconds.
const NTP_TIME: u32 = (981_173_106_i64 + 2_208_988_800) as u32;

#[test]
fn ntp_sets_the_clock_and_asks_again_every_period() {
    let server = UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = server.local_addr().unwrap().port();
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        let mut buf = [0u8; 48];
        while let Ok((n, from)) = server.recv_from(&mut buf) {
            // A client request: version 4 (or 3), mode 3.
            let _ = tx.send((n, buf[0] & 0x07));
            let mut answer = [0u8; 48];
            answer[0] = 0x24; // LI 0, version 4, mode 4 (server)
            answer[1] = 1; // stratum
            answer[40..44].copy_from_slice(&NTP_TIME.to_be_bytes());
            server.send_to(&answer, from).unwrap();
        }
    });
    // --time-scale 60: NTPTM 1 minute is 1 s.
    let sim = Sim::start(&["--time-scale", "60", "--ntp-port", &port.to_string()]);
    let mut s = sim.connect();
    s.enter_command_mode();
    s.at("AT+E=OFF");
    for line in ["AT+NTPSVR=127.0.0.1", "AT+NTPTM=1", "AT+NTPEN=ON"] {
        assert_eq!(s.at(line), "\r\nOK\r\n", "{line}");
    }
    assert_eq!(s.at("AT+S"), "\r\nOK\r\n");
    s.read_until(b"\r\nWH-LTE-7S1\r\n", DEADLINE);
    // The query at power-on, then one more period later.
    for _ in 0..2 {
        assert_eq!(rx.recv_timeout(DEADLINE).unwrap(), (48, 3));
    }
    s.enter_command_mode();
    // UTC+8 (zone +32 quarter hours): 12:05 local. Minutes only: seconds run on.
    let answer = s.at("AT+CCLK?");
    assert!(
        answer.starts_with("\r\n+CCLK:\"01/02/03,12:0"),
        "answer {answer:?}"
    );
}
