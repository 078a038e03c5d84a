//! Black-box: NET mode of the simulator binary against real TCP and UDP servers on 127.0.0.1.
//!
//! The simulator runs with `--time-scale 10` (SOCKRSTIM 10 s is 1 s, HEARTTM 10 s is 1 s).
//! Deadlines are generous; nothing asserts how long anything took.

mod common;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream, UdpSocket};
use std::time::{Duration, Instant};

use cat1_hal_traits::net::SocketId;
use cat1_socket::sdp::{self, Direction, StatusCode};
use common::{DEADLINE, Serial, Sim};

const IMEI: &[u8] = b"864333040712457";

fn sim() -> Sim {
    Sim::start(&["--time-scale", "10"])
}

/// Enters command mode, runs each setting (each must answer OK), saves and waits for the
/// restart's banner: the module is then in NET mode with the settings running.
fn configure(s: &mut Serial, settings: &[String]) {
    s.enter_command_mode();
    s.at("AT+E=OFF");
    for line in settings {
        assert_eq!(s.at(line), "\r\nOK\r\n", "{line}");
    }
    assert_eq!(s.at("AT+S"), "\r\nOK\r\n");
    s.read_until(b"\r\nWH-LTE-7S1\r\n", DEADLINE);
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The server end of one TCP connection.
struct Peer {
    stream: TcpStream,
    buf: Vec<u8>,
}

impl Peer {
    fn accept(listener: &TcpListener) -> Peer {
        listener.set_nonblocking(true).unwrap();
        let until = Instant::now() + DEADLINE;
        loop {
            match listener.accept() {
                Ok((stream, _)) => {
                    stream.set_nonblocking(false).unwrap();
                    return Peer {
                        stream,
                        buf: Vec::new(),
                    };
                }
                Err(_) if Instant::now() < until => std::thread::sleep(Duration::from_millis(10)),
                Err(e) => panic!("no connection from the module: {e}"),
            }
        }
    }

    /// Reads until `pattern` arrived; returns everything up to and including it.
    fn read_until(&mut self, pattern: &[u8]) -> Vec<u8> {
        let until = Instant::now() + DEADLINE;
        loop {
            if let Some(i) = find(&self.buf, pattern) {
                return self.buf.drain(..i + pattern.len()).collect();
            }
            let left = until.saturating_duration_since(Instant::now());
            assert!(
                !left.is_zero(),
                "server timed out waiting for {:?}; have {:?}",
                String::from_utf8_lossy(pattern),
                String::from_utf8_lossy(&self.buf)
            );
            self.stream
                .set_read_timeout(Some(left.min(Duration::from_millis(50))))
                .unwrap();
            let mut chunk = [0u8; 4096];
            match self.stream.read(&mut chunk) {
                Ok(0) => panic!(
                    "module closed; have {:?}",
                    String::from_utf8_lossy(&self.buf)
                ),
                Ok(n) => self.buf.extend_from_slice(&chunk[..n]),
                Err(_) => {}
            }
        }
    }

    fn send(&mut self, bytes: &[u8]) {
        self.stream.write_all(bytes).unwrap();
    }
}

/// A port where nothing listens (bound, then released).
fn closed_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn port(l: &TcpListener) -> u16 {
    l.local_addr().unwrap().port()
}

#[test]
fn tcp_data_both_ways_with_registration_link_state_and_held_data() {
    let server = TcpListener::bind("127.0.0.1:0").unwrap();
    let sim = sim();
    let mut s = sim.connect();
    configure(
        &mut s,
        &[
            format!("AT+SOCKA=TCP,127.0.0.1,{}", port(&server)),
            "AT+REGEN=ON".into(),
            "AT+REGTP=IMEI".into(),
            "AT+HEARTEN=OFF".into(),
        ],
    );
    let mut peer = Peer::accept(&server);
    // LINK registration: the IMEI as ASCII, first thing on the connection
    assert_eq!(peer.read_until(IMEI), IMEI);
    s.send(b"hello from serial");
    assert_eq!(peer.read_until(b"serial"), b"hello from serial");
    peer.send(b"hello from server");
    assert_eq!(
        s.read_until(b"server", DEADLINE),
        b"hello from server".to_vec()
    );
    // AT+SOCKALK? reads the real link; data meanwhile is held and written after AT+ENTM
    s.enter_command_mode();
    assert_eq!(s.at("AT+SOCKALK?"), "\r\n+SOCKALK:Connected\r\n\r\nOK\r\n");
    assert_eq!(
        s.at("AT+SOCKBLK?"),
        "\r\n+SOCKBLK:Disconnected\r\n\r\nOK\r\n"
    );
    peer.send(b"while in command mode");
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(
        s.at("AT"),
        "\r\nOK\r\n",
        "nothing of the data in the session"
    );
    assert_eq!(s.at("AT+ENTM"), "\r\nOK\r\n");
    assert_eq!(
        s.read_until(b"command mode", DEADLINE),
        b"while in command mode".to_vec()
    );
    // and the socket stayed up
    s.send(b"still here");
    assert_eq!(peer.read_until(b"still here"), b"still here");
}

#[test]
fn udp_data_both_ways() {
    let server = UdpSocket::bind("127.0.0.1:0").unwrap();
    server.set_read_timeout(Some(DEADLINE)).unwrap();
    let sim = sim();
    let mut s = sim.connect();
    configure(
        &mut s,
        &[
            format!(
                "AT+SOCKA=UDP,127.0.0.1,{}",
                server.local_addr().unwrap().port()
            ),
            "AT+HEARTEN=OFF".into(),
        ],
    );
    // UDP is "connected" once bound; give the module a moment, then send until it arrives
    let mut buf = [0u8; 2048];
    let until = Instant::now() + DEADLINE;
    let (n, from) = loop {
        s.send(b"ping");
        server
            .set_read_timeout(Some(Duration::from_millis(300)))
            .unwrap();
        if let Ok(got) = server.recv_from(&mut buf) {
            break got;
        }
        assert!(Instant::now() < until, "no datagram from the module");
    };
    assert_eq!(&buf[..n], b"ping");
    server.send_to(b"pong", from).unwrap();
    assert_eq!(s.read_until(b"pong", DEADLINE), b"pong");
}

#[test]
fn heartbeats_reach_the_server() {
    let server = TcpListener::bind("127.0.0.1:0").unwrap();
    let sim = sim();
    let mut s = sim.connect();
    configure(
        &mut s,
        &[
            format!("AT+SOCKA=TCP,127.0.0.1,{}", port(&server)),
            "AT+HEARTEN=ON".into(),
            "AT+HEARTTP=NET".into(),
            "AT+HEARTTM=10".into(),
            "AT+HEARTDT=4842".into(),
        ],
    );
    let mut peer = Peer::accept(&server);
    assert_eq!(peer.read_until(b"HB"), b"HB");
    assert_eq!(peer.read_until(b"HB"), b"HB");
    drop(s);
}

#[test]
fn reconnects_after_the_server_closes() {
    let server = TcpListener::bind("127.0.0.1:0").unwrap();
    let sim = sim();
    let mut s = sim.connect();
    configure(
        &mut s,
        &[
            format!("AT+SOCKA=TCP,127.0.0.1,{}", port(&server)),
            "AT+HEARTEN=OFF".into(),
        ],
    );
    let peer = Peer::accept(&server);
    drop(peer);
    // SOCKRSTIM later the module connects again
    let mut peer = Peer::accept(&server);
    s.send(b"after reconnect");
    assert_eq!(peer.read_until(b"reconnect"), b"after reconnect");
}

#[test]
fn backup_server_after_the_main_refuses() {
    let backup = TcpListener::bind("127.0.0.1:0").unwrap();
    let sim = sim();
    let mut s = sim.connect();
    configure(
        &mut s,
        &[
            format!("AT+SOCKA=TCP,127.0.0.1,{}", closed_port()),
            format!("AT+SOCKABK=127.0.0.1,{}", port(&backup)),
            "AT+SOCKABKEN=ON".into(),
            "AT+HEARTEN=OFF".into(),
        ],
    );
    let mut peer = Peer::accept(&backup);
    s.send(b"to the backup");
    assert_eq!(peer.read_until(b"backup"), b"to the backup");
}

#[test]
fn cache_is_delivered_in_order_once_the_server_is_up() {
    let port = closed_port();
    let sim = sim();
    let mut s = sim.connect();
    configure(
        &mut s,
        &[
            format!("AT+SOCKA=TCP,127.0.0.1,{port}"),
            "AT+HEARTEN=OFF".into(),
            "AT+CACHEN=ON".into(),
        ],
    );
    // three packets (separated by more than UARTFT) while nothing listens
    for p in [&b"one;"[..], b"two;", b"three;"] {
        s.send(p);
        std::thread::sleep(Duration::from_millis(200));
    }
    let server = TcpListener::bind(("127.0.0.1", port)).unwrap();
    let mut peer = Peer::accept(&server);
    assert_eq!(peer.read_until(b"three;"), b"one;two;three;");
}

fn frame(socket: SocketId, data: &[u8]) -> Vec<u8> {
    let mut out = vec![0u8; data.len() + sdp::OVERHEAD];
    let n = sdp::encode_data(Direction::ToModule, socket, data, &mut out).unwrap();
    out.truncate(n);
    out
}

#[test]
fn sdp_two_sockets_both_ways_and_a_bad_checksum() {
    let a = TcpListener::bind("127.0.0.1:0").unwrap();
    let b = TcpListener::bind("127.0.0.1:0").unwrap();
    let sim = sim();
    let mut s = sim.connect();
    configure(
        &mut s,
        &[
            format!("AT+SOCKA=TCP,127.0.0.1,{}", port(&a)),
            format!("AT+SOCKB=TCP,127.0.0.1,{}", port(&b)),
            "AT+SOCKBEN=ON".into(),
            "AT+SDPEN=ON".into(),
            "AT+HEARTEN=OFF".into(),
        ],
    );
    let mut pa = Peer::accept(&a);
    let mut pb = Peer::accept(&b);
    // wait until both links are up: the module answers data frames only when connected, so
    // poll the link states in command mode
    s.enter_command_mode();
    let until = Instant::now() + DEADLINE;
    while s.at("AT+SOCKBLK?") != "\r\n+SOCKBLK:Connected\r\n\r\nOK\r\n" {
        assert!(Instant::now() < until, "socket B never connected");
        std::thread::sleep(Duration::from_millis(100));
    }
    s.at("AT+ENTM");
    std::thread::sleep(Duration::from_millis(200));
    s.send(&frame(SocketId::A, b"to A"));
    std::thread::sleep(Duration::from_millis(200));
    s.send(&frame(SocketId::B, b"to B"));
    assert_eq!(pa.read_until(b"to A"), b"to A");
    assert_eq!(pb.read_until(b"to B"), b"to B");
    pb.send(b"from B");
    let mut expected = vec![0u8; 16];
    let n = sdp::encode_data(Direction::ToHost, SocketId::B, b"from B", &mut expected).unwrap();
    assert_eq!(s.read_until(&expected[..n], DEADLINE), expected[..n]);
    pa.send(b"from A");
    let mut expected_a = vec![0u8; 16];
    let n = sdp::encode_data(Direction::ToHost, SocketId::A, b"from A", &mut expected_a).unwrap();
    assert_eq!(s.read_until(&expected_a[..n], DEADLINE), expected_a[..n]);
    // a bad checksum is answered by a status frame on the socket it named
    std::thread::sleep(Duration::from_millis(200));
    let mut bad = frame(SocketId::A, b"oops");
    *bad.last_mut().unwrap() ^= 0xFF;
    s.send(&bad);
    let mut status = [0u8; 9];
    let n = sdp::encode_status(SocketId::A, StatusCode::ChecksumError, &mut status).unwrap();
    assert_eq!(s.read_until(&status[..n], DEADLINE), status[..n]);
}

#[test]
fn network_at_from_the_server() {
    let server = TcpListener::bind("127.0.0.1:0").unwrap();
    let sim = sim();
    let mut s = sim.connect();
    configure(
        &mut s,
        &[
            format!("AT+SOCKA=TCP,127.0.0.1,{}", port(&server)),
            "AT+HEARTEN=OFF".into(),
            "AT+NATEN=ON".into(),
        ],
    );
    let mut peer = Peer::accept(&server);
    peer.send(b"usr.cn#AT+IMEI?\r");
    assert_eq!(
        peer.read_until(b"OK\r\n"),
        b"\r\n+IMEI:864333040712457\r\n\r\nOK\r\n"
    );
    // nothing of it reached serial
    assert_eq!(s.read_for(Duration::from_millis(300)), b"");
}

#[test]
fn password_prefixed_at_on_serial_in_net_mode() {
    let server = TcpListener::bind("127.0.0.1:0").unwrap();
    let sim = sim();
    let mut s = sim.connect();
    configure(
        &mut s,
        &[
            format!("AT+SOCKA=TCP,127.0.0.1,{}", port(&server)),
            "AT+HEARTEN=OFF".into(),
        ],
    );
    let mut peer = Peer::accept(&server);
    std::thread::sleep(Duration::from_millis(200));
    s.send(b"usr.cn#AT+SOCKALK?\r");
    assert_eq!(
        s.read_until(b"OK\r\n", DEADLINE),
        b"\r\n+SOCKALK:Connected\r\n\r\nOK\r\n"
    );
    // the command did not go to the server; data after it does
    std::thread::sleep(Duration::from_millis(200));
    s.send(b"data");
    assert_eq!(peer.read_until(b"data"), b"data");
}

/// LBS heartbeats, with the GPS position appended when `AT+GPS=ON` and `AT+GPSOUT=ON`
/// (protocol-notes §12) and the module has a fix.
fn lbs_heartbeat(gps_out: &str) -> Vec<u8> {
    let server = TcpListener::bind("127.0.0.1:0").unwrap();
    let sim = Sim::start(&["--time-scale", "10", "--gps-fix", "true"]);
    let mut s = sim.connect();
    configure(
        &mut s,
        &[
            format!("AT+SOCKA=TCP,127.0.0.1,{}", port(&server)),
            "AT+HEARTEN=ON".into(),
            "AT+HEARTTP=NET".into(),
            "AT+HEARTSORT=LBS".into(),
            "AT+HEARTTM=10".into(),
            "AT+GPS=ON".into(),
            format!("AT+GPSOUT={gps_out}"),
        ],
    );
    let mut peer = Peer::accept(&server);
    // Up to the start of the second heartbeat: the first one whole.
    let first = peer.read_until(b"LAC=");
    let mut rest = peer.read_until(b"LAC=");
    rest.truncate(rest.len().saturating_sub(4));
    drop(s);
    [first, rest].concat()
}

#[test]
fn lbs_heartbeats_carry_the_gps_position_with_gpsout_on() {
    let on = String::from_utf8(lbs_heartbeat("ON")).unwrap();
    assert!(
        on.contains("CID=3357906,LNG=114.43350220,LAT=30.49159431"),
        "{on:?}"
    );
    let off = String::from_utf8(lbs_heartbeat("OFF")).unwrap();
    assert!(
        off.contains("CID=3357906") && !off.contains("LNG="),
        "{off:?}"
    );
}
