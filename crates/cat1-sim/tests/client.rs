//! The MCU-side driver (`cat1_client::blocking::Modem`) against the simulator's TCP serial.

mod common;

use std::io::{Read as _, Write as _};

use cat1_at_parse::CommandLine;
use cat1_client::blocking::Modem;
use common::Sim;
use common::uart::{HostClock, TcpUart};

#[test]
fn blocking_client_configures_the_simulator() {
    let sim = Sim::start(&[]);
    let (uart, _) = TcpUart::connect(sim.port);
    let mut modem = Modem::new(uart, HostClock::start(), ());
    // the banner arrives first and goes to the listener; then the handshake
    modem.enter_command_mode().expect("command mode");
    let mut imei = Vec::new();
    modem
        .command(&CommandLine::query(b"IMEI"), |info| {
            imei = info.params().get(0).unwrap_or(&[]).to_vec()
        })
        .expect("IMEI");
    assert_eq!(imei, b"864333040712457");
    // A set whose answer carries the value (`AT+LBS=2`): `set_with` hands it over.
    let mut position = None;
    modem
        .set_with::<cat1_config::requests::Lbs>(&[cat1_config::Value::Int(2)], |info| {
            let p = cat1_config::info::LbsPosition::from_info(info).expect("a position");
            position = Some((p.lng.to_vec(), p.addinfo.is_some()));
        })
        .expect("LBS=2");
    let (lng, with_address) = position.expect("the position");
    assert!(!lng.is_empty() && with_address, "{lng:?}");
    modem
        .command(&CommandLine::set(b"STMSG", b"CLIENT"), |_| {})
        .expect("set");
    let err = modem.command(&CommandLine::set(b"RSTIM", b"5"), |_| {});
    assert!(err.is_err(), "RSTIM=5 is out of range");
    modem.save_and_restart(b"CLIENT").expect("restart");
    modem.enter_command_mode().expect("command mode again");
    let mut banner = Vec::new();
    modem
        .command(&CommandLine::query(b"STMSG"), |info| {
            banner = info.params().get(0).unwrap_or(&[]).to_vec()
        })
        .expect("STMSG?");
    assert_eq!(banner, b"CLIENT");
}

/// The full flow with the driver: command mode, socket A to a local server, `AT+S`, then data
/// both ways in NET mode.
#[test]
fn blocking_client_full_net_flow() {
    let server = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = server.local_addr().unwrap().port();
    let sim = Sim::start(&["--time-scale", "10"]);
    let (uart, _) = TcpUart::connect(sim.port);
    let mut modem = Modem::new(uart, HostClock::start(), ());
    modem.enter_command_mode().expect("command mode");
    let socka = format!("TCP,127.0.0.1,{port}");
    modem
        .command(&CommandLine::set(b"SOCKA", socka.as_bytes()), |_| {})
        .expect("SOCKA");
    modem
        .command(&CommandLine::set(b"HEARTEN", b"OFF"), |_| {})
        .expect("HEARTEN");
    modem.save_and_restart(b"WH-LTE-7S1").expect("restart");
    let (mut peer, _) = server.accept().unwrap();
    peer.set_read_timeout(Some(common::DEADLINE)).unwrap();
    modem.write_data(b"from the MCU").expect("write");
    let mut got = Vec::new();
    while !got.ends_with(b"from the MCU") {
        let mut chunk = [0u8; 256];
        let n = peer.read(&mut chunk).expect("server read");
        assert!(n > 0, "module closed");
        got.extend_from_slice(&chunk[..n]);
    }
    assert_eq!(got, b"from the MCU");
    peer.write_all(b"from the server").unwrap();
    let until = std::time::Instant::now() + common::DEADLINE;
    let mut data = Vec::new();
    while !data.ends_with(b"from the server") {
        assert!(std::time::Instant::now() < until, "have {data:?}");
        let mut chunk = [0u8; 256];
        let n = modem.read_data(&mut chunk).expect("read");
        data.extend_from_slice(&chunk[..n]);
        if n == 0 {
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
    }
    assert_eq!(data, b"from the server");
}
