//! Black-box: HTTPD mode of the simulator binary against a real HTTP server on 127.0.0.1 (a
//! std `TcpListener` in the test that reads one request and answers it).
//!
//! Deadlines are generous; nothing asserts how long anything took.

mod common;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use common::{DEADLINE, Serial, Sim};

const RESPONSE: &[u8] =
    b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello";

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// An HTTP server answering `count` requests with `response`; each request comes back
/// through the channel (headers and `Content-Length` body).
fn server(count: usize, response: &'static [u8]) -> (u16, Receiver<Vec<u8>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        for _ in 0..count {
            let Ok((mut stream, _)) = listener.accept() else {
                return;
            };
            stream.set_read_timeout(Some(DEADLINE)).unwrap();
            let mut req = Vec::new();
            let mut chunk = [0u8; 4096];
            loop {
                if let Some(end) = find(&req, b"\r\n\r\n") {
                    let head = String::from_utf8_lossy(&req[..end]).to_ascii_lowercase();
                    let len = head
                        .lines()
                        .find_map(|l| l.strip_prefix("content-length:"))
                        .map(|v| v.trim().parse::<usize>().unwrap())
                        .unwrap_or(0);
                    if req.len() >= end + 4 + len {
                        break;
                    }
                }
                match stream.read(&mut chunk) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => req.extend_from_slice(&chunk[..n]),
                }
            }
            let _ = tx.send(req);
            let _ = stream.write_all(response);
            // The server closes: the response ends here too.
        }
    });
    (port, rx)
}

/// Configures HTTPD mode with `settings`, saves, waits for the restart's banner.
fn configure(s: &mut Serial, port: u16, settings: &[&str]) {
    s.enter_command_mode();
    s.at("AT+E=OFF");
    assert_eq!(s.at("AT+WKMOD=HTTPD"), "\r\nOK\r\n");
    assert_eq!(s.at(&format!("AT+HTPSV=127.0.0.1,{port}")), "\r\nOK\r\n");
    for line in settings {
        assert_eq!(s.at(line), "\r\nOK\r\n", "{line}");
    }
    assert_eq!(s.at("AT+S"), "\r\nOK\r\n");
    s.read_until(b"\r\nWH-LTE-7S1\r\n", DEADLINE);
}

fn request_text(rx: &Receiver<Vec<u8>>) -> String {
    String::from_utf8(rx.recv_timeout(DEADLINE).expect("a request at the server")).unwrap()
}

#[test]
fn get_appends_the_packet_to_the_url_and_writes_only_the_body() {
    let (port, rx) = server(2, RESPONSE);
    let sim = Sim::start(&[]);
    let mut s = sim.connect();
    configure(
        &mut s,
        port,
        &[
            "AT+HTPTP=GET",
            "AT+HTPURL=/data?v=",
            "AT+HTPHD=X-Device: cat1[0D][0A]Accept: text/plain[0D][0A]",
            "AT+HTPPK=ON",
        ],
    );
    s.send(b"12 ab");
    let req = request_text(&rx);
    let port_s = port.to_string();
    assert!(
        req.starts_with("GET /data?v=12%20ab HTTP/1.1\r\n"),
        "request: {req:?}"
    );
    assert!(
        req.contains(&format!("\r\nHost: 127.0.0.1:{port_s}\r\n")),
        "{req:?}"
    );
    assert!(
        req.contains("\r\nX-Device: cat1\r\nAccept: text/plain\r\n"),
        "{req:?}"
    );
    assert!(req.ends_with("\r\n\r\n"), "{req:?}");
    // HTPPK=ON: only the body.
    assert_eq!(s.read_until(b"hello", DEADLINE), b"hello");
    // A second packet is a second request over a new connection.
    s.send(b"second");
    let req = request_text(&rx);
    assert!(
        req.starts_with("GET /data?v=second HTTP/1.1\r\n"),
        "{req:?}"
    );
    assert_eq!(s.read_until(b"hello", DEADLINE), b"hello");
    assert!(s.read_for(Duration::from_millis(200)).is_empty());
}

#[test]
fn post_sends_the_packet_as_the_body_and_writes_the_whole_response() {
    let (port, rx) = server(1, RESPONSE);
    let sim = Sim::start(&[]);
    let mut s = sim.connect();
    configure(
        &mut s,
        port,
        &["AT+HTPTP=POST", "AT+HTPURL=/in", "AT+HTPPK=OFF"],
    );
    s.send(b"temperature=21.5");
    let req = request_text(&rx);
    assert!(req.starts_with("POST /in HTTP/1.1\r\n"), "{req:?}");
    // The default HTPHD, its escapes expanded.
    assert!(req.contains("\r\nAccept:text/html\r\n"), "{req:?}");
    assert!(req.contains("\r\nContent-Length: 16\r\n"), "{req:?}");
    assert!(req.ends_with("\r\n\r\ntemperature=21.5"), "{req:?}");
    // HTPPK=OFF: status line, headers, blank line, body.
    assert_eq!(s.read_until(b"hello", DEADLINE), RESPONSE);
}

#[test]
fn a_server_that_never_answers_writes_nothing_and_the_next_packet_works() {
    // The first connection is accepted and never answered; HTPTIM 2 s at time scale 10 is
    // 200 ms. The second gets an answer.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = channel::<()>();
    std::thread::spawn(move || {
        let (silent, _) = listener.accept().unwrap();
        let (mut answered, _) = listener.accept().unwrap();
        let mut buf = [0u8; 4096];
        answered.set_read_timeout(Some(DEADLINE)).unwrap();
        let _ = answered.read(&mut buf);
        answered.write_all(RESPONSE).unwrap();
        let _ = tx.send(());
        drop(silent);
    });
    let sim = Sim::start(&["--time-scale", "10"]);
    let mut s = sim.connect();
    configure(&mut s, port, &["AT+HTPTIM=2", "AT+HTPPK=ON"]);
    s.send(b"lost");
    // Long past the (scaled) timeout: nothing on serial.
    assert!(s.read_for(Duration::from_millis(1000)).is_empty());
    s.send(b"next");
    assert_eq!(s.read_until(b"hello", DEADLINE), b"hello");
    rx.recv_timeout(DEADLINE).unwrap();
}
