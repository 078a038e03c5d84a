//! Black-box: SMS mode and SMS AT through the simulator's SMS centre (`--sms`).
//!
//! Deadlines are generous; nothing asserts how long anything took.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::time::Duration;

use common::{DEADLINE, Serial, Sim};

/// A client of the SMS centre: a phone network in a line protocol.
struct Centre {
    writer: TcpStream,
    reader: BufReader<TcpStream>,
}

impl Centre {
    fn connect(sim: &Sim) -> Centre {
        let stream = TcpStream::connect(("127.0.0.1", sim.sms_port.unwrap())).unwrap();
        stream.set_read_timeout(Some(DEADLINE)).unwrap();
        Centre {
            writer: stream.try_clone().unwrap(),
            reader: BufReader::new(stream),
        }
    }

    /// An SMS from `number` to the module.
    fn deliver(&mut self, number: &str, text: &str) {
        self.writer
            .write_all(format!("{number}:{text}\n").as_bytes())
            .unwrap();
    }

    /// The next SMS from the module, as its line without the LF.
    fn next(&mut self) -> String {
        let mut line = String::new();
        self.reader
            .read_line(&mut line)
            .expect("an SMS from the module");
        line.trim_end_matches('\n').to_owned()
    }
}

fn start() -> (Sim, Serial, Centre) {
    let sim = Sim::start(&["--sms", "tcp:127.0.0.1:0"]);
    let s = sim.connect();
    let c = Centre::connect(&sim);
    (sim, s, c)
}

/// A round trip through SMS AT (`AT` answered `OK`): everything delivered before it has been
/// handled, and the centre has registered this client.
fn sync(c: &mut Centre) {
    c.deliver("100", "usr.cn#AT");
    assert_eq!(c.next(), "100:\\r\\nOK\\r\\n");
}

fn configure(s: &mut Serial, settings: &[&str]) {
    s.enter_command_mode();
    s.at("AT+E=OFF");
    for line in settings {
        assert_eq!(s.at(line), "\r\nOK\r\n", "{line}");
    }
    assert_eq!(s.at("AT+S"), "\r\nOK\r\n");
    s.read_until(b"\r\nWH-LTE-7S1\r\n", DEADLINE);
}

#[test]
fn sms_at_runs_the_command_and_answers_the_sender() {
    let (_sim, mut s, mut c) = start();
    sync(&mut c);
    c.deliver("15100001111", "usr.cn#AT+IMEI?");
    assert_eq!(
        c.next(),
        "15100001111:\\r\\n+IMEI:864333040712457\\r\\n\\r\\nOK\\r\\n"
    );
    // A set command changes the pending configuration, seen on serial.
    c.deliver("15100001111", "usr.cn#AT+DSTNUM=1008610010");
    assert_eq!(c.next(), "15100001111:\\r\\nOK\\r\\n");
    s.enter_command_mode();
    assert_eq!(s.at("AT+DSTNUM?"), "\r\n+DSTNUM:1008610010\r\n\r\nOK\r\n");
    // A wrong password is no command, and nothing comes back; serial saw nothing either.
    c.deliver("15100001111", "wrong#AT+IMEI?");
    sync(&mut c);
    assert!(s.read_for(Duration::from_millis(100)).is_empty());
}

#[test]
fn sms_mode_both_ways_with_the_filter() {
    let (_sim, mut s, mut c) = start();
    configure(
        &mut s,
        &["AT+WKMOD=SMS", "AT+DSTNUM=1008610010", "AT+SMSFLT=ON"],
    );
    sync(&mut c);
    // Serial packet to DSTNUM.
    s.send(b"hello phone");
    assert_eq!(c.next(), "1008610010:hello phone");
    // From DSTNUM to serial; from another number filtered out.
    c.deliver("1008610010", "hello module");
    assert_eq!(s.read_until(b"hello module", DEADLINE), b"hello module");
    c.deliver("999", "spam");
    sync(&mut c);
    assert!(s.read_for(Duration::from_millis(100)).is_empty());
    // SMSFLT=OFF: every sender reaches serial.
    configure(&mut s, &["AT+SMSFLT=OFF"]);
    sync(&mut c);
    c.deliver("999", "anyone");
    assert_eq!(s.read_until(b"anyone", DEADLINE), b"anyone");
}
