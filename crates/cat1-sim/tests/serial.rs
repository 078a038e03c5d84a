//! Black-box: the simulator binary, raw bytes on its TCP serial port.

mod common;

use std::time::Duration;

use common::{DEADLINE, Sim, temp_path, vectors};

#[test]
fn banner_on_connect_and_the_handshake() {
    let sim = Sim::start(&[]);
    let mut s = sim.connect();
    s.enter_command_mode();
    assert_eq!(s.at("AT"), "\r\nOK\r\n");
    // the echo is on by default: the raw bytes show it
    s.send(b"AT\r");
    assert_eq!(s.read_until(b"OK\r\n", DEADLINE), b"AT\r\r\nOK\r\n");
    // `+++` in command mode stays in the line buffer: the next line is ERROR
    s.at("AT+E=OFF");
    std::thread::sleep(Duration::from_millis(300));
    s.send(b"+++");
    assert_eq!(s.read_for(Duration::from_millis(500)), b"");
    assert_eq!(s.at("AT"), "\r\nERROR\r\n");
    // AT+ENTM leaves; a late `a` keeps the module in its work mode
    assert_eq!(s.at("AT+ENTM"), "\r\nOK\r\n");
    std::thread::sleep(Duration::from_millis(300));
    s.send(b"+++");
    assert_eq!(s.read_until(b"a", DEADLINE), b"a");
    std::thread::sleep(Duration::from_millis(3500));
    s.send(b"a");
    assert_eq!(s.read_for(Duration::from_millis(500)), b"");
    // and a fresh handshake still works
    s.enter_command_mode();
    assert_eq!(s.at("AT"), "\r\nOK\r\n");
}

#[test]
fn power_cycles_with_the_serial_connection() {
    let sim = Sim::start(&[]);
    let mut s = sim.connect();
    s.enter_command_mode();
    s.at("AT+E=OFF");
    s.at("AT+STMSG=PENDING");
    drop(s);
    // a new client powers the module on again: pending changes are gone, the banner is back
    let mut s = sim.connect();
    s.enter_command_mode();
    assert_eq!(s.at("AT+STMSG?"), "\r\n+STMSG:WH-LTE-7S1\r\n\r\nOK\r\n");
}

fn mask_time(line: &str) -> String {
    line.chars()
        .map(|c| if c.is_ascii_digit() { '9' } else { c })
        .collect()
}

/// Every example of the manual (212 vectors), in every form, against the simulator.
#[test]
fn every_manual_example() {
    let sim = Sim::start(&[]);
    let mut s = sim.connect();
    s.enter_command_mode();
    s.at("AT+E=OFF");
    let mut checked = 0;
    for v in vectors() {
        let got = s.at_lines(&v.send);
        let ctx = format!("{} {}", v.section, v.send);
        match (v.name.as_str(), v.form.as_str()) {
            ("Z" | "S" | "CLEAR", _) => {
                assert_eq!(got, v.recv, "{ctx}");
                // the module restarts: banner, then its work mode
                s.read_until(b"\r\nWH-LTE-7S1\r\n", DEADLINE);
                s.enter_command_mode();
                s.at("AT+E=OFF");
            }
            ("ENTM", _) => {
                assert_eq!(got, v.recv, "{ctx}");
                s.enter_command_mode();
            }
            ("CCLK", "query") => {
                assert_eq!(got.len(), 2, "{ctx}");
                assert_eq!(mask_time(&got[0]), mask_time(&v.recv[0]), "{ctx}");
            }
            ("LBS", "set") => {
                let (head, _) = got[0].split_once("TIME=").unwrap();
                let (want_head, _) = v.recv[0].split_once("TIME=").unwrap();
                assert_eq!(head, want_head, "{ctx}");
                assert_eq!(mask_time(&got[0]), mask_time(&v.recv[0]), "{ctx}");
            }
            (name, "query") if name.ends_with("LK") => {
                // live state: no socket is connected in this test (NET tests cover Connected)
                assert_eq!(got[0], format!("+{name}:Disconnected"), "{ctx}");
            }
            (_, "query" | "execute") if got != v.recv && v.recv[0].contains(':') => {
                // a configured state: set what the example shows, then ask again
                let body = v.recv[0].split_once(':').unwrap().1;
                let set = s.at_lines(&format!("AT+{}={}", v.name, body));
                assert_eq!(set, ["OK"], "{ctx}: setting {body}");
                assert_eq!(s.at_lines(&v.send), v.recv, "{ctx}");
            }
            _ => assert_eq!(got, v.recv, "{ctx}"),
        }
        checked += 1;
    }
    assert_eq!(checked, 212);
}

#[test]
fn pending_saved_and_restart_semantics() {
    let sim = Sim::start(&[]);
    let mut s = sim.connect();
    s.enter_command_mode();
    s.at("AT+E=OFF");
    assert_eq!(s.at("AT+STMSG=MINE"), "\r\nOK\r\n");
    // the query shows the pending value at once
    assert_eq!(s.at("AT+STMSG?"), "\r\n+STMSG:MINE\r\n\r\nOK\r\n");
    // AT+Z drops it
    assert_eq!(s.at("AT+Z"), "\r\nOK\r\n");
    s.read_until(b"\r\nWH-LTE-7S1\r\n", DEADLINE);
    s.enter_command_mode();
    s.at("AT+E=OFF");
    assert_eq!(s.at("AT+STMSG?"), "\r\n+STMSG:WH-LTE-7S1\r\n\r\nOK\r\n");
    // AT+ENTM keeps it pending, AT+S makes it run
    s.at("AT+STMSG=MINE");
    s.at("AT+ENTM");
    s.enter_command_mode();
    assert_eq!(s.at("AT+STMSG?"), "\r\n+STMSG:MINE\r\n\r\nOK\r\n");
    assert_eq!(s.at("AT+S"), "\r\nOK\r\n");
    s.read_until(b"\r\nMINE\r\n", DEADLINE);
    // AT+CLEAR: factory settings, factory banner, echo back on
    s.enter_command_mode();
    s.send(b"AT+CLEAR\r");
    s.read_until(b"\r\nOK\r\n\r\nWH-LTE-7S1\r\n", DEADLINE);
    s.enter_command_mode();
    s.send(b"AT+STMSG?\r");
    assert_eq!(
        s.read_until(b"OK\r\n", DEADLINE),
        b"AT+STMSG?\r\r\n+STMSG:WH-LTE-7S1\r\n\r\nOK\r\n"
    );
}

#[test]
fn saved_configuration_survives_a_process_restart() {
    let state = temp_path("state");
    let _ = std::fs::remove_file(&state);
    let path = state.to_str().unwrap();
    {
        let sim = Sim::start(&["--state", path]);
        let mut s = sim.connect();
        s.enter_command_mode();
        s.at("AT+E=OFF");
        s.at("AT+STMSG=KEPT");
        s.at("AT+SOCKA=UDP,127.0.0.1,9999");
        assert_eq!(s.at("AT+S"), "\r\nOK\r\n");
        s.read_until(b"\r\nKEPT\r\n", DEADLINE);
        sim.stop();
    }
    let sim = Sim::start(&["--state", path]);
    let stream = std::net::TcpStream::connect(("127.0.0.1", sim.port)).unwrap();
    let mut s = common::Serial {
        stream,
        buf: Vec::new(),
    };
    assert_eq!(s.read_until(b"KEPT\r\n", DEADLINE), b"\r\nKEPT\r\n");
    s.enter_command_mode();
    assert_eq!(
        s.at("AT+SOCKA?"),
        "\r\n+SOCKA:UDP,127.0.0.1,9999\r\n\r\nOK\r\n"
    );
    // without --state, nothing survives
    drop(s);
    sim.stop();
    let sim = Sim::start(&[]);
    let mut s = sim.connect();
    s.enter_command_mode();
    s.at("AT+E=OFF");
    assert_eq!(s.at("AT+STMSG?"), "\r\n+STMSG:WH-LTE-7S1\r\n\r\nOK\r\n");
    let _ = std::fs::remove_file(&state);
}

#[test]
fn bad_input_keeps_the_module_answering_and_the_config_unchanged() {
    let sim = Sim::start(&[]);
    let mut s = sim.connect();
    s.enter_command_mode();
    s.at("AT+E=OFF");
    let mut reference = Vec::new();
    for q in [
        "AT+WKMOD?",
        "AT+SOCKA?",
        "AT+UART?",
        "AT+HEART",
        "AT+CMDPW?",
    ] {
        reference.push(s.at(q));
    }
    // garbage, binary bytes, an overlong line, broken commands
    s.send(b"\x00\x01\x02\xff\xfe garbage \x1b[2J\r");
    s.send(&vec![b'A'; 5000]);
    s.send(b"\r");
    for bad in [
        "AT+WKMOD=XYZ",
        "AT+SOCKA=TCP,,0",
        "AT+UART=9,8,1,NONE,NONE",
        "AT+HEART=ON,",
        "AT+CMDPW=",
        "AT+",
        "AT+SOCKA=TCP,\"a,1",
        "AT+REGDT=ABC",
    ] {
        let got = s.at(bad);
        assert!(got.contains("ERROR"), "{bad}: {got:?}");
    }
    s.read_for(Duration::from_millis(300));
    assert_eq!(s.at("AT"), "\r\nOK\r\n");
    for (q, want) in [
        "AT+WKMOD?",
        "AT+SOCKA?",
        "AT+UART?",
        "AT+HEART",
        "AT+CMDPW?",
    ]
    .iter()
    .zip(&reference)
    {
        assert_eq!(&s.at(q), want, "{q}");
    }
}

#[test]
fn security_login_and_lockout_over_serial() {
    // time-scale 60: the 60 s lockout lasts one second
    let sim = Sim::start(&["--time-scale", "60"]);
    let mut s = sim.connect();
    s.enter_command_mode();
    s.at("AT+E=OFF");
    s.at("AT+SAFEATEN=ON");
    s.at("AT+S");
    s.read_until(b"WH-LTE-7S1\r\n", DEADLINE);
    s.enter_command_mode();
    assert_eq!(s.at("AT+VER?"), "\r\n+CME ERROR:73\r\n");
    for _ in 0..5 {
        assert_eq!(s.at("AT+SIGNINAT=guess"), "\r\n+CME ERROR:73\r\n");
    }
    assert_eq!(s.at("AT+SIGNINAT=usr_cn"), "\r\n+CME ERROR:73\r\n");
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(s.at("AT+SIGNINAT=usr_cn"), "\r\nOK\r\n");
    assert_eq!(
        s.at("AT+VER?"),
        "\r\n+VER:V1.1.01.000000.0000\r\n\r\nOK\r\n"
    );
}

#[test]
fn password_prefixed_at_in_a_transparent_mode() {
    let sim = Sim::start(&[]);
    let mut s = sim.connect();
    std::thread::sleep(Duration::from_millis(200));
    s.send(b"usr.cn#AT+IMEI?\r");
    assert_eq!(
        s.read_until(b"OK\r\n", DEADLINE),
        b"\r\n+IMEI:864333040712457\r\n\r\nOK\r\n"
    );
}

#[test]
fn identity_flags_override_the_defaults() {
    let sim = Sim::start(&["--imei", "123456789012345", "--csq", "10,0"]);
    let mut s = sim.connect();
    s.enter_command_mode();
    s.at("AT+E=OFF");
    assert_eq!(s.at("AT+IMEI?"), "\r\n+IMEI:123456789012345\r\n\r\nOK\r\n");
    assert_eq!(s.at("AT+CSQ"), "\r\n+CSQ:10,0\r\n\r\nOK\r\n");
}
