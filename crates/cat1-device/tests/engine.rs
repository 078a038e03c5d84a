//! The engine against fake services, in virtual time.

mod common;

use cat1_config::keywords::WorkMode;
use cat1_device::Event;
use cat1_hal_traits::net::SocketId;
use cat1_hal_traits::restart::RestartReason;
use common::Rig;

#[test]
fn boots_with_the_banner_in_the_saved_work_mode() {
    let mut rig = Rig::new();
    assert_eq!(rig.take(), "\r\nWH-LTE-7S1\r\n");
    assert!(!rig.engine.is_command_mode());
    assert!(rig.out.events.contains(&Event::Booted(WorkMode::Net)));
}

#[test]
fn handshake_enters_command_mode_and_echoes() {
    let mut rig = Rig::new();
    rig.take();
    assert_eq!(rig.enter_command_mode(), "a+ok");
    assert!(rig.engine.is_command_mode());
    assert_eq!(rig.at("AT"), "AT\r\r\nOK\r\n");
    assert_eq!(rig.at("AT+E=OFF"), "AT+E=OFF\r\r\nOK\r\n");
    // echo acts at once
    assert_eq!(rig.at("AT+E?"), "\r\n+E:OFF\r\n\r\nOK\r\n");
}

#[test]
fn failed_handshakes_forward_their_bytes() {
    let mut rig = Rig::new();
    rig.take();
    rig.advance(1000);
    rig.send(b"+++");
    assert_eq!(rig.take(), "a");
    rig.advance(3100);
    assert!(!rig.engine.is_command_mode());
    assert!(rig.out.events.contains(&Event::HandshakeFailed));
    // The three bytes went on as a packet: socket A cannot connect (the fake network refuses),
    // so it waits in the cache (CACHEN=ON).
    assert_eq!(rig.engine.net().cached(SocketId::A), 1);
    // `+++a` in one write is data
    rig.advance(1000);
    rig.send(b"+++a");
    rig.advance(200);
    assert_eq!(rig.take(), "");
    assert_eq!(rig.engine.net().cached(SocketId::A), 2);
}

#[test]
fn plus_plus_plus_in_command_mode_stays_in_the_line() {
    let mut rig = Rig::new();
    rig.enter_command_mode();
    rig.at("AT+E=OFF");
    rig.advance(1000);
    rig.send(b"+++");
    rig.advance(1000);
    assert_eq!(rig.take(), "");
    assert_eq!(rig.at("AT"), "\r\nERROR\r\n");
    assert_eq!(rig.at("AT"), "\r\nOK\r\n");
}

#[test]
fn error_codes() {
    let mut rig = Rig::new();
    rig.enter_command_mode();
    rig.at("AT+E=OFF");
    assert_eq!(rig.at("HELLO"), "\r\nERROR\r\n");
    assert_eq!(rig.at("AT+NOPE"), "\r\n+CME ERROR:58\r\n");
    assert_eq!(rig.at("AT+VER=1"), "\r\n+CME ERROR:58\r\n");
    assert_eq!(rig.at("AT+RSTIM=abc"), "\r\n+CME ERROR:3\r\n");
    assert_eq!(rig.at("AT+RSTIM=5"), "\r\n+CME ERROR:53\r\n");
    let long = format!("AT+STMSG={}", "x".repeat(2000));
    assert_eq!(rig.at(&long), "\r\nERROR\r\n");
    assert_eq!(rig.engine.counters().line_overflows, 1);
    assert_eq!(rig.at("AT+GPSDT?"), "\r\n+CME ERROR:50\r\n");
}

#[test]
fn pending_saved_and_restarts() {
    let mut rig = Rig::new();
    rig.enter_command_mode();
    rig.at("AT+E=OFF");
    assert_eq!(rig.at("AT+STMSG=HELLO"), "\r\nOK\r\n");
    assert_eq!(rig.at("AT+STMSG?"), "\r\n+STMSG:HELLO\r\n\r\nOK\r\n");
    assert_eq!(
        rig.engine.saved_config().startup_message.as_bytes(),
        b"WH-LTE-7S1"
    );
    // AT+Z drops what is pending
    assert_eq!(rig.at("AT+Z"), "\r\nOK\r\n\r\nWH-LTE-7S1\r\n");
    assert_eq!(rig.svc.restarts, [RestartReason::Command]);
    assert!(!rig.engine.is_command_mode());
    rig.enter_command_mode();
    assert_eq!(
        rig.at("AT+STMSG?"),
        "AT+STMSG?\r\r\n+STMSG:WH-LTE-7S1\r\n\r\nOK\r\n"
    );
    rig.at("AT+STMSG=HELLO");
    rig.at("AT+E=OFF");
    // AT+S saves and restarts with the new banner; echo was saved off
    assert_eq!(rig.at("AT+S"), "\r\nOK\r\n\r\nHELLO\r\n");
    rig.enter_command_mode();
    assert_eq!(rig.at("AT"), "\r\nOK\r\n");
    // AT+ENTM keeps the pending change until AT+S or a restart
    rig.at("AT+STMSG=BYE");
    assert_eq!(rig.at("AT+ENTM"), "\r\nOK\r\n");
    assert!(!rig.engine.is_command_mode());
    rig.enter_command_mode();
    assert_eq!(rig.at("AT+STMSG?"), "\r\n+STMSG:BYE\r\n\r\nOK\r\n");
    assert_eq!(
        rig.engine.saved_config().startup_message.as_bytes(),
        b"HELLO"
    );
    // AT+CLEAR restores the factory settings
    assert_eq!(rig.at("AT+CLEAR"), "\r\nOK\r\n\r\nWH-LTE-7S1\r\n");
    assert_eq!(rig.svc.restarts.last(), Some(&RestartReason::FactoryReset));
    rig.enter_command_mode();
    assert_eq!(rig.at("AT+E?"), "AT+E?\r\r\n+E:ON\r\n\r\nOK\r\n");
}

#[test]
fn save_failure_is_reported_and_nothing_restarts() {
    let mut rig = Rig::new();
    rig.enter_command_mode();
    rig.at("AT+E=OFF");
    rig.svc.storage_broken = true;
    // The fake storage drops the write silently: the record never lands, and after the
    // restart the factory configuration (echo on) runs again.
    rig.at("AT+S");
    rig.enter_command_mode();
    assert_eq!(rig.at("AT"), "AT\r\r\nOK\r\n");
}

#[test]
fn information_from_the_services() {
    let mut rig = Rig::new();
    rig.enter_command_mode();
    rig.at("AT+E=OFF");
    for (cmd, want) in [
        ("AT+VER?", "+VER:V1.1.01.000000.0000"),
        ("AT+CSQ", "+CSQ:27,99"),
        ("AT+SYSINFO?", "+SYSINFO:4,LTE"),
        ("AT+CIP?", "+CIP:10.1.167.22"),
        ("AT+CNUM?", "+CNUM:\"\",\"15112341234\",129"),
        ("AT+LBS?", "+LBS:LAC=333e,CID=3357906"),
        ("AT+LBSN?", "+LBSN:\r\nTAC1=5a30,CellID1=b2114b1"),
        ("AT+SOCKALK?", "+SOCKALK:Disconnected"),
    ] {
        assert_eq!(rig.at(cmd), format!("\r\n{want}\r\n\r\nOK\r\n"), "{cmd}");
    }
    assert_eq!(rig.at("AT+CCLK?"), "\r\n+CME ERROR:50\r\n");
    assert_eq!(rig.at("AT+CCLK=20/12/01,10:47:46+32"), "\r\nOK\r\n");
    assert_eq!(
        rig.at("AT+CCLK?"),
        "\r\n+CCLK:\"20/12/01,10:47:46+32\"\r\n\r\nOK\r\n"
    );
    assert_eq!(
        rig.at("AT+CCLK=20/13/01,10:47:46+32"),
        "\r\n+CME ERROR:53\r\n"
    );
    assert_eq!(
        rig.at("AT+LBS=2"),
        "\r\n+LBS:LNG=114.43350220,LAT=30.49159431,TIME=2020-12-01 10:47:46,ADDINFO=426 Gaoxin Avenue, Wuhan\r\n\r\nOK\r\n"
    );
}

#[test]
fn login_and_lockout() {
    let mut rig = Rig::new();
    rig.enter_command_mode();
    rig.at("AT+E=OFF");
    rig.at("AT+SAFEATEN=ON");
    rig.at("AT+S");
    rig.enter_command_mode();
    rig.at("AT+E=ON"); // refused: not logged in, so echo stays off (as saved)
    assert_eq!(rig.at("AT"), "\r\nOK\r\n");
    assert_eq!(rig.at("AT+VER?"), "\r\n+CME ERROR:73\r\n");
    for i in 1..=5u8 {
        assert_eq!(rig.at("AT+SIGNINAT=wrong"), "\r\n+CME ERROR:73\r\n");
        assert!(rig.out.events.contains(&Event::LoginFailed { failures: i }));
    }
    // locked out: even the right password is refused, and counted
    assert_eq!(rig.at("AT+SIGNINAT=usr_cn"), "\r\n+CME ERROR:73\r\n");
    assert_eq!(rig.engine.counters().login_refusals, 1);
    assert_eq!(rig.engine.counters().lockouts, 1);
    rig.advance(61_000);
    assert_eq!(rig.at("AT+SIGNINAT=usr_cn"), "\r\nOK\r\n");
    assert_eq!(
        rig.at("AT+VER?"),
        "\r\n+VER:V1.1.01.000000.0000\r\n\r\nOK\r\n"
    );
    // after login, SIGNINAT sets a new (pending) password
    assert_eq!(rig.at("AT+SIGNINAT=new_pw"), "\r\nOK\r\n");
    assert_eq!(rig.at("AT+SIGNINAT?"), "\r\n+CME ERROR:58\r\n");
    rig.at("AT+S");
    rig.enter_command_mode();
    assert!(!rig.engine.is_logged_in());
    assert_eq!(rig.at("AT+SIGNINAT=usr_cn"), "\r\n+CME ERROR:73\r\n");
    assert_eq!(rig.at("AT+SIGNINAT=new_pw"), "\r\nOK\r\n");
}

#[test]
fn password_prefixed_at_on_serial() {
    let mut rig = Rig::new();
    rig.take();
    rig.advance(1000);
    rig.send(b"usr.cn#AT+VER?\r");
    rig.advance(100);
    assert_eq!(rig.take(), "\r\n+VER:V1.1.01.000000.0000\r\n\r\nOK\r\n");
    // with UATEN off the same bytes are data
    rig.enter_command_mode();
    rig.at("AT+UATEN=OFF");
    rig.at("AT+S");
    rig.take();
    rig.advance(1000);
    rig.send(b"usr.cn#AT+VER?\r");
    rig.advance(100);
    assert_eq!(rig.take(), "");
    assert_eq!(rig.engine.net().cached(SocketId::A), 1);
}

#[test]
fn cmd_work_mode_boots_into_command_mode() {
    let mut rig = Rig::new();
    rig.enter_command_mode();
    rig.at("AT+WKMOD=CMD");
    rig.at("AT+S");
    assert!(rig.engine.is_command_mode());
    assert_eq!(rig.at("AT+ENTM"), "AT+ENTM\r\r\nOK\r\n");
    assert!(rig.engine.is_command_mode());
}
