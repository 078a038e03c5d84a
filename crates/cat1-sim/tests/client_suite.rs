//! The MCU-side driver (`cat1_client::blocking::Modem`) against the simulator binary, command by
//! command and flow by flow: every manual example through the client, the typed API for every
//! setting, echo on and off, SAFEATEN, a spontaneous restart, a profile, SDP on two sockets.

mod common;

use std::io::{Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use cat1_at_parse::{CommandLine, Status};
use cat1_client::sdp::{Receiver, SocketEvent, SocketId};
use cat1_client::{CommandError, Listener};
use cat1_config::request::{Request, RequestError};
use cat1_config::spec::Forms;
use cat1_config::{Config, Model, ParamKind, Value, requests};
use common::uart::{HostClock, TcpUart};
use common::{DEADLINE, Sim, vectors};
use embedded_io::ErrorKind;

const BANNER: &[u8] = b"WH-LTE-7S1";

/// Keeps what the client hands out as unsolicited.
#[derive(Default)]
struct Events {
    lines: Vec<Vec<u8>>,
    data: Vec<u8>,
}

impl Listener for Events {
    fn line(&mut self, line: &[u8]) {
        self.lines.push(line.to_vec());
    }
    fn data(&mut self, bytes: &[u8]) {
        self.data.extend_from_slice(bytes);
    }
}

type M = cat1_client::blocking::Modem<TcpUart, HostClock, Events>;

struct Client {
    modem: M,
    written: Arc<Mutex<Vec<u8>>>,
}

impl Client {
    fn connect(sim: &Sim) -> Client {
        let (uart, written) = TcpUart::connect(sim.port);
        let modem = M::new(uart, HostClock::start(), Events::default());
        Client { modem, written }
    }

    /// Bytes written so far, and a fresh log.
    fn take_written(&self) -> Vec<u8> {
        std::mem::take(&mut *self.written.lock().unwrap())
    }

    fn written_len(&self) -> usize {
        self.written.lock().unwrap().len()
    }

    /// Command mode from the factory work mode (NET, transparent: the handshake without an `AT`
    /// probe, so no command times out), then the echo the test runs with (the client told so).
    fn enter(&mut self, echo: EchoMode) {
        self.modem
            .enter_command_mode_without_probe()
            .expect("command mode");
        self.apply_echo(echo);
    }

    fn apply_echo(&mut self, echo: EchoMode) {
        match echo {
            EchoMode::On => {
                self.modem
                    .command(&CommandLine::set(b"E", b"ON"), |_| {})
                    .expect("AT+E=ON");
                self.modem.core().set_echo(cat1_client::Echo::On);
            }
            EchoMode::Off => {
                self.modem
                    .command(&CommandLine::set(b"E", b"OFF"), |_| {})
                    .expect("AT+E=OFF");
                self.modem.core().set_echo(cat1_client::Echo::Off);
            }
        }
    }

    /// Sends `line` with `Modem::raw`; returns the information lines and the final result as the
    /// vectors write them.
    fn raw(&mut self, line: &str) -> Vec<String> {
        let mut out = Vec::new();
        let r = self.modem.raw(line.as_bytes(), &mut |info| {
            out.push(String::from_utf8_lossy(info.line()).into_owned())
        });
        out.push(match r {
            Ok(()) => "OK".to_string(),
            Err(CommandError::Error) => "ERROR".to_string(),
            Err(CommandError::Cme(n)) => format!("+CME ERROR:{n}"),
            Err(e) => panic!("{line}: {e:?}"),
        });
        out
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum EchoMode {
    On,
    Off,
}

fn mask_time(line: &str) -> String {
    line.chars()
        .map(|c| if c.is_ascii_digit() { '9' } else { c })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// 1 and 2: every manual example through `Modem::raw`, echo on and off

fn every_manual_example_through_the_client(echo: EchoMode) {
    let sim = Sim::start(&[]);
    let mut c = Client::connect(&sim);
    c.enter(echo);
    let mut checked = 0;
    for v in vectors() {
        let ctx = format!("echo {echo:?}: {} {}", v.section, v.send);
        match v.name.as_str() {
            "Z" | "S" | "CLEAR" => {
                // the client's restart: the command's OK, then the banner, not a delay
                assert_eq!(v.recv, ["OK"], "{ctx}");
                c.modem
                    .restart_with(&CommandLine::execute(v.name.as_bytes()), BANNER)
                    .unwrap_or_else(|e| panic!("{ctx}: {e:?}"));
                c.enter(echo);
                checked += 1;
                continue;
            }
            "ENTM" => {
                assert_eq!(v.recv, ["OK"], "{ctx}");
                c.modem
                    .leave_command_mode()
                    .unwrap_or_else(|e| panic!("{ctx}: {e:?}"));
                c.enter(echo);
                checked += 1;
                continue;
            }
            _ => {}
        }
        let got = c.raw(&v.send);
        match (v.name.as_str(), v.form.as_str()) {
            ("CCLK", "query") => {
                assert_eq!(got.len(), 2, "{ctx}: {got:?}");
                assert_eq!(mask_time(&got[0]), mask_time(&v.recv[0]), "{ctx}");
                assert_eq!(got[1], "OK", "{ctx}");
            }
            ("LBS", "set") => {
                let (head, _) = got[0].split_once("TIME=").unwrap();
                let (want_head, _) = v.recv[0].split_once("TIME=").unwrap();
                assert_eq!(head, want_head, "{ctx}");
                assert_eq!(mask_time(&got[0]), mask_time(&v.recv[0]), "{ctx}");
                assert_eq!(got[1..], v.recv[1..], "{ctx}");
            }
            (name, "query") if name.ends_with("LK") => {
                // live state: no socket is connected here
                assert_eq!(got, [format!("+{name}:Disconnected"), "OK".into()], "{ctx}");
            }
            (_, "query" | "execute") if got != v.recv && v.recv[0].contains(':') => {
                // a configured state: set what the example shows, then ask again
                let body = v.recv[0].split_once(':').unwrap().1;
                let set = c.raw(&format!("AT+{}={}", v.name, body));
                assert_eq!(set, ["OK"], "{ctx}: setting {body}");
                if v.name == "E" {
                    // the module echoes again: tell the client, then ask
                    c.modem.core().set_echo(cat1_client::Echo::Unknown);
                }
                assert_eq!(c.raw(&v.send), v.recv, "{ctx}");
            }
            _ => assert_eq!(got, v.recv, "{ctx}"),
        }
        if v.name == "E" {
            // back to the echo this run is about
            c.modem.core().set_echo(cat1_client::Echo::Unknown);
            c.apply_echo(echo);
        }
        checked += 1;
    }
    assert_eq!(checked, 212);
    // nothing the module said was left over or mistaken
    let counters = c.modem.counters();
    assert_eq!(counters.timeouts, 0, "{counters:?}");
    assert_eq!(counters.late_responses, 0, "{counters:?}");
    assert_eq!(counters.overflows, 0, "{counters:?}");
}

#[test]
fn every_manual_example_echo_on() {
    every_manual_example_through_the_client(EchoMode::On);
}

#[test]
fn every_manual_example_echo_off() {
    every_manual_example_through_the_client(EchoMode::Off);
}

// ---------------------------------------------------------------------------------------------
// 1 and 2: the typed API for every setting with a query form

/// A decoded value that owns its text.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Owned {
    Keyword(&'static str),
    Int(u32),
    Text(Vec<u8>),
    Keep,
    Absent,
}

fn owned(v: Value<'_>) -> Owned {
    match v {
        Value::Keyword(k) => Owned::Keyword(k),
        Value::Int(n) => Owned::Int(n),
        Value::Text(t) => Owned::Text(t.to_vec()),
        Value::Keep => Owned::Keep,
        Value::Absent => Owned::Absent,
    }
}

fn borrowed(v: &Owned) -> Value<'_> {
    match v {
        Owned::Keyword(k) => Value::Keyword(k),
        Owned::Int(n) => Value::Int(*n),
        Owned::Text(t) => Value::Text(t),
        Owned::Keep => Value::Keep,
        Owned::Absent => Value::Absent,
    }
}

/// A valid value for `kind` other than `current` (where the parameter allows another).
fn other_valid(kind: &ParamKind, current: &Owned) -> Owned {
    match *kind {
        ParamKind::Keyword(words) => words
            .iter()
            .find(|w| Owned::Keyword(w) != *current)
            .map(|w| Owned::Keyword(w))
            .unwrap_or(current.clone()),
        ParamKind::Int { ranges, .. } => {
            let candidates = ranges
                .iter()
                .flat_map(|&(lo, hi)| [hi.min(lo.saturating_add(7)), lo, hi]);
            candidates
                .map(Owned::Int)
                .find(|v| v != current)
                .unwrap_or(current.clone())
        }
        ParamKind::Text { min, max, charset } => {
            let len = usize::from(min.max(3).min(max));
            let byte = [b'x', b'7', b'A']
                .into_iter()
                .find(|&b| charset.allows(b))
                .unwrap();
            Owned::Text(vec![byte; len])
        }
        ParamKind::Hex { min_bytes, .. } => {
            Owned::Text(b"A5".repeat(usize::from(min_bytes.max(2))))
        }
        ParamKind::Template(t) => Owned::Text(
            t.bytes()
                .map(|b| if b == b'9' { b'1' } else { b })
                .collect(),
        ),
    }
}

/// A value the parameter refuses.
fn invalid(kind: &ParamKind) -> Owned {
    match *kind {
        ParamKind::Keyword(_) => Owned::Keyword("NOT_A_KEYWORD"),
        ParamKind::Int { ranges, .. } => {
            let (lo, _) = ranges[0];
            let (_, hi) = ranges[ranges.len() - 1];
            Owned::Int(if hi < u32::MAX { hi + 1 } else { lo - 1 })
        }
        ParamKind::Text { max, .. } => Owned::Text(vec![b'7'; usize::from(max) + 1]),
        ParamKind::Hex { .. } => Owned::Text(b"XYZ".to_vec()),
        ParamKind::Template(_) => Owned::Text(b"?".to_vec()),
    }
}

fn query_values<R: Request>(c: &mut Client) -> Result<Vec<Vec<Owned>>, CommandError<ErrorKind>> {
    let mut answers = Vec::new();
    c.modem.query::<R>(|values| {
        answers.push(values.as_slice().iter().copied().map(owned).collect())
    })?;
    Ok(answers)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Every query decodes the factory answer (nothing changed yet).
    Factory,
    /// Invalid values refused unsent; a valid other value set and queried back.
    Change,
}

/// Checks one setting in `phase`, noting what went wrong in `problems`; `false` when `R` is not
/// a setting with a query form.
fn typed_setting<R: Request>(
    c: &mut Client,
    echo: EchoMode,
    phase: Phase,
    problems: &mut Vec<String>,
) -> bool {
    let spec = R::SPEC;
    if !spec.setting || !spec.has(Forms::QUERY) {
        return false;
    }
    let name = spec.name;
    let current = match query_values::<R>(c) {
        Ok(a) if a.len() == 1 => a.into_iter().next().unwrap(),
        other => {
            problems.push(format!("{name}: query: {other:?}"));
            return true;
        }
    };
    if phase == Phase::Factory {
        // the factory answer decodes, and is the factory value of the description (the echo
        // this run set is the one exception)
        let mut want: Vec<Owned> = spec
            .params
            .iter()
            .map(|p| owned(p.default_value()))
            .collect();
        if name == "E" && echo == EchoMode::Off {
            want = vec![Owned::Keyword("OFF")];
        }
        if current != want {
            problems.push(format!(
                "{name}: factory query decodes to {current:?}, description says {want:?}"
            ));
        }
        return true;
    }
    let factory = current;
    // an invalid value is refused before anything is sent
    for (i, p) in spec.params.iter().enumerate() {
        let mut values: Vec<Owned> = factory.clone();
        values.truncate(spec.params.len());
        values[i] = invalid(&p.kind);
        let values: Vec<Value<'_>> = values.iter().map(borrowed).collect();
        let before = c.written_len();
        let r = c.modem.set::<R>(&values);
        if r != Err(CommandError::Request(RequestError::InvalidValue)) {
            problems.push(format!("{name}: invalid {:?} gives {r:?}", values[i]));
        }
        if c.written_len() != before {
            problems.push(format!("{name}: an invalid value was sent"));
        }
    }
    // a valid value other than the factory one is taken, and the query shows it
    if name == "E" {
        // switches the echo: the echo flows cover it
        return true;
    }
    let values: Vec<Owned> = spec
        .params
        .iter()
        .zip(&factory)
        .map(|(p, cur)| other_valid(&p.kind, cur))
        .collect();
    let refs: Vec<Value<'_>> = values.iter().map(borrowed).collect();
    match c.modem.set::<R>(&refs) {
        Ok(()) => match query_values::<R>(c) {
            Ok(a) if a.len() == 1 && a[0] == values => {}
            other => problems.push(format!("{name}: set {values:?}, query answers {other:?}")),
        },
        Err(e) => problems.push(format!("{name}: set {values:?} refused: {e:?}")),
    }
    true
}

macro_rules! every_request {
    ($c:expr, $echo:expr, $phase:expr, $problems:expr, $($t:ident)*) => {{
        let mut n = 0;
        $( if typed_setting::<requests::$t>($c, $echo, $phase, $problems) { n += 1; } )*
        n
    }};
}

fn all_settings(c: &mut Client, echo: EchoMode, phase: Phase, problems: &mut Vec<String>) -> usize {
    every_request!(c, echo, phase, problems,
        At Z S Clear E Entm Wkmod Cmdpw Stmsg Rstim Sdpen Naten Uaten Cachen Csq Sysinfo Ver Build
        Sn Imei Iccid Cip Cnum Lbs Lbsn Cclk Safeaten Signinat Uart Uartfl Uartft Apn Socka Sockb
        Sockc Sockd Sockaen Sockben Sockcen Sockden Sockalk Sockblk Sockclk Sockdlk Sockasl
        Keepalivea Keepaliveb Keepalivec Keepalived Shortatm Sockrsnum Sockrstim Sockabk Sockbbk
        Sockcbk Sockdbk Sockabken Sockbbken Sockcbken Sockdbken Regen Regtp Regdt Regsnd Cloud
        Hearten Hearttp Heartdt Hearttm Heartsort Heart Htptp Htpurl Htphd Htpsv Htppk Htptim
        Dstnum Smsflt Ntpsvr Ntpen Ntptm Gps Gpsdt Gpsout
    )
}

fn typed_settings(echo: EchoMode) {
    let sim = Sim::start(&[]);
    let mut c = Client::connect(&sim);
    c.enter(echo);
    let mut problems = Vec::new();
    let n = all_settings(&mut c, echo, Phase::Factory, &mut problems);
    c.take_written();
    assert_eq!(all_settings(&mut c, echo, Phase::Change, &mut problems), n);
    let settings = cat1_config::commands::ALL
        .iter()
        .filter(|s| s.setting && s.has(Forms::QUERY))
        .count();
    assert_eq!(n, settings, "every setting with a query form was checked");
    assert!(
        problems.is_empty(),
        "echo {echo:?}:\n{}",
        problems.join("\n")
    );
    // the change phase really set every setting but `AT+E` (one line each, nothing invalid)
    let (sets, _) = sets_and_saves(&c.take_written());
    assert_eq!(sets.len(), n - 1, "{sets:?}");
    assert_eq!(c.modem.counters().timeouts, 0);
}

#[test]
fn typed_every_setting_echo_on() {
    typed_settings(EchoMode::On);
}

#[test]
fn typed_every_setting_echo_off() {
    typed_settings(EchoMode::Off);
}

// ---------------------------------------------------------------------------------------------
// 3: SAFEATEN

#[test]
fn safeaten_commands_refused_until_login() {
    let sim = Sim::start(&[]);
    let mut c = Client::connect(&sim);
    c.modem
        .enter_command_mode_without_probe()
        .expect("command mode");
    c.modem
        .set::<requests::Safeaten>(&[Value::Keyword("ON")])
        .expect("SAFEATEN=ON");
    c.modem.save_and_restart(BANNER).expect("save");
    // the handshake works: a bare `AT` needs no login (cat1-device's login gate), so the
    // client's confirming `AT` passes
    c.modem
        .enter_command_mode_without_probe()
        .expect("command mode");
    let mut imei = Vec::new();
    let r = c.modem.read::<requests::Imei>(|l| imei = l.to_vec());
    assert_eq!(r, Err(CommandError::Cme(73)), "before login");
    assert!(imei.is_empty());
    assert_eq!(
        c.modem.query::<requests::Stmsg>(|_| {}),
        Err(CommandError::Cme(73))
    );
    assert_eq!(c.raw("AT+IMEI?"), ["+CME ERROR:73"]);
    assert_eq!(c.raw("AT"), ["OK"]);
    // a wrong password
    assert_eq!(c.modem.login(b"wrong_pw"), Err(CommandError::Cme(73)));
    assert_eq!(
        c.modem.read::<requests::Imei>(|_| {}),
        Err(CommandError::Cme(73))
    );
    // the right one (the factory AT+SIGNINAT)
    c.modem.login(b"usr_cn").expect("login");
    c.modem
        .read::<requests::Imei>(|l| imei = l.to_vec())
        .expect("IMEI after login");
    assert_eq!(imei, b"+IMEI:864333040712457");
    assert_eq!(c.raw("AT"), ["OK"]);
    assert_eq!(c.modem.counters().timeouts, 0);
}

// ---------------------------------------------------------------------------------------------
// 4: a spontaneous restart (the no-data restart, AT+RSTIM)

#[test]
fn spontaneous_restart_banner_is_unsolicited_and_the_client_recovers() {
    let server = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = server.local_addr().unwrap().port();
    // keep every connection the module makes open, silent
    std::thread::spawn(move || {
        let mut peers = Vec::new();
        for s in server.incoming() {
            let Ok(s) = s else { return };
            peers.push(s);
        }
    });
    // RSTIM=300 s is 5 s at --time-scale 60: time to reach command mode after the save
    let sim = Sim::start(&["--time-scale", "60"]);
    let mut c = Client::connect(&sim);
    c.modem.enter_command_mode().expect("command mode");
    let socka = format!("TCP,127.0.0.1,{port}");
    for (name, value) in [
        (&b"SOCKA"[..], socka.as_bytes()),
        (b"HEARTEN", b"OFF"),
        (b"REGEN", b"OFF"),
        (b"RSTIM", b"300"),
    ] {
        c.modem
            .command(&CommandLine::set(name, value), |_| {})
            .unwrap_or_else(|e| panic!("{}: {e:?}", String::from_utf8_lossy(name)));
    }
    c.modem.save_and_restart(BANNER).expect("save");
    c.modem.listener().lines.clear();
    c.modem
        .enter_command_mode_without_probe()
        .expect("command mode in NET");
    // idle in command mode: the network side sees no data, the module restarts on its own.
    // Probe now and then; the banner must come out as an unsolicited line.
    let until = std::time::Instant::now() + Duration::from_secs(60);
    while !c.modem.listener().lines.iter().any(|l| l == BANNER) {
        assert!(
            std::time::Instant::now() < until,
            "no restart; lines {:?}",
            c.modem.listener().lines
        );
        std::thread::sleep(Duration::from_millis(200));
        c.modem.probe().expect("uart");
    }
    // the module is back in NET mode: re-enter command mode, and commands work
    c.modem.enter_command_mode().expect("command mode again");
    let mut imei = Vec::new();
    c.modem
        .read::<requests::Imei>(|l| imei = l.to_vec())
        .expect("IMEI");
    assert_eq!(imei, b"+IMEI:864333040712457");
    assert!(c.modem.counters().unsolicited >= 1);
}

// ---------------------------------------------------------------------------------------------
// 5: apply_profile

/// Set lines (`AT+NAME=...`) and `AT+S` in what the client wrote.
fn sets_and_saves(written: &[u8]) -> (Vec<String>, usize) {
    let text = String::from_utf8_lossy(written);
    let lines: Vec<&str> = text.split('\r').collect();
    let sets = lines
        .iter()
        .filter(|l| l.starts_with("AT+") && l.contains('=') && !l.ends_with("=?"))
        .map(|l| l.to_string())
        .collect();
    let saves = lines.iter().filter(|l| **l == "AT+S").count();
    (sets, saves)
}

#[test]
fn apply_profile_end_to_end() {
    let sim = Sim::start(&[]);
    let mut c = Client::connect(&sim);
    c.modem.enter_command_mode().expect("command mode");
    let factory = Config::factory(Model::WhLte7s1);
    let mut wanted = factory.clone();
    wanted.startup_message.set(b"PROFILE1");
    wanted.heartbeat.enabled = false;
    wanted.heartbeat.interval_s = 45;
    wanted.no_data_restart_s = 3600;
    wanted.cache = !factory.cache;
    let expected: Vec<_> = cat1_config::diff::diff(&factory, &wanted).collect();
    assert!(expected.len() >= 4, "{}", expected.len());
    let mut scratch = Config::default();
    c.take_written();
    let sent = c
        .modem
        .apply_profile(Model::WhLte7s1, &wanted, &mut scratch)
        .expect("apply");
    assert_eq!(sent, expected.len());
    let (sets, saves) = sets_and_saves(&c.take_written());
    assert_eq!(sets.len(), sent, "only the differences: {sets:?}");
    assert_eq!(saves, 1);
    assert!(sets.contains(&"AT+STMSG=PROFILE1".to_string()), "{sets:?}");
    assert!(
        sets.iter()
            .any(|l| l.starts_with("AT+HEART") && l.contains(",45,")),
        "{sets:?}"
    );
    assert_eq!(scratch, wanted, "read back after the restart");
    // the module runs it: the banner and the query say so
    let mut msg = Vec::new();
    c.modem
        .query::<requests::Stmsg>(|v| {
            if let Some(Value::Text(t)) = v.get(0) {
                msg = t.to_vec()
            }
        })
        .expect("STMSG?");
    assert_eq!(msg, b"PROFILE1");
    // a second apply reads, finds nothing to change, sends nothing, saves nothing
    let again = c
        .modem
        .apply_profile(Model::WhLte7s1, &wanted, &mut scratch)
        .expect("apply again");
    assert_eq!(again, 0);
    let (sets, saves) = sets_and_saves(&c.take_written());
    assert!(sets.is_empty(), "{sets:?}");
    assert_eq!(saves, 0);
}

// ---------------------------------------------------------------------------------------------
// 6: SDP on two sockets

fn read_from(peer: &mut TcpStream, want: &[u8]) -> Vec<u8> {
    peer.set_read_timeout(Some(DEADLINE)).unwrap();
    let mut got = Vec::new();
    while !got.ends_with(want) {
        let mut chunk = [0u8; 256];
        let n = peer.read(&mut chunk).expect("server read");
        assert!(n > 0, "module closed; have {got:?}");
        got.extend_from_slice(&chunk[..n]);
    }
    got
}

#[test]
fn sdp_two_sockets_through_the_client() {
    let a = TcpListener::bind("127.0.0.1:0").unwrap();
    let b = TcpListener::bind("127.0.0.1:0").unwrap();
    let sim = Sim::start(&["--time-scale", "10"]);
    let mut c = Client::connect(&sim);
    c.modem.enter_command_mode().expect("command mode");
    let socka = format!("TCP,127.0.0.1,{}", a.local_addr().unwrap().port());
    let sockb = format!("TCP,127.0.0.1,{}", b.local_addr().unwrap().port());
    for (name, value) in [
        (&b"SOCKA"[..], socka.as_bytes()),
        (b"SOCKB", sockb.as_bytes()),
        (b"SOCKBEN", b"ON"),
        (b"SDPEN", b"ON"),
        (b"HEARTEN", b"OFF"),
    ] {
        c.modem
            .command(&CommandLine::set(name, value), |_| {})
            .unwrap_or_else(|e| panic!("{}: {e:?}", String::from_utf8_lossy(name)));
    }
    c.modem.save_and_restart(BANNER).expect("save");
    let (mut pa, _) = a.accept().unwrap();
    let (mut pb, _) = b.accept().unwrap();
    // both links up before data: ask in command mode, then back to NET
    c.modem
        .enter_command_mode_without_probe()
        .expect("command mode");
    let until = std::time::Instant::now() + DEADLINE;
    loop {
        let got = c.raw("AT+SOCKBLK?");
        if got[0] == "+SOCKBLK:Connected" {
            break;
        }
        assert!(std::time::Instant::now() < until, "B never connected");
        std::thread::sleep(Duration::from_millis(100));
    }
    c.modem.leave_command_mode().expect("ENTM");
    std::thread::sleep(Duration::from_millis(200));
    c.modem.send_on(SocketId::A, b"to A").expect("send A");
    std::thread::sleep(Duration::from_millis(200));
    c.modem.send_on(SocketId::B, b"to B").expect("send B");
    assert_eq!(read_from(&mut pa, b"to A"), b"to A");
    assert_eq!(read_from(&mut pb, b"to B"), b"to B");
    pb.write_all(b"from B").unwrap();
    std::thread::sleep(Duration::from_millis(200));
    pa.write_all(b"from A").unwrap();
    let mut rx = Receiver::<1100>::new();
    let mut events: Vec<(SocketId, Vec<u8>)> = Vec::new();
    let until = std::time::Instant::now() + DEADLINE;
    while events.len() < 2 {
        assert!(std::time::Instant::now() < until, "have {events:?}");
        let mut chunk = [0u8; 64];
        let n = c.modem.read_data(&mut chunk).expect("read");
        if n == 0 {
            std::thread::sleep(Duration::from_millis(5));
            continue;
        }
        let mut rest = &chunk[..n];
        while let Status::Complete(ev, used) = rx.feed(rest) {
            match ev {
                SocketEvent::Data { socket, data } => events.push((socket, data.to_vec())),
                other => panic!("unexpected {other:?}"),
            }
            rest = &rest[used..];
        }
    }
    assert_eq!(
        events,
        [
            (SocketId::B, b"from B".to_vec()),
            (SocketId::A, b"from A".to_vec())
        ]
    );
    assert_eq!(rx.counters().garbage_bytes, 0);
}
