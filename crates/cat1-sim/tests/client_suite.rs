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
        as_raw(r, out, line)
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

/// `$m!(<args> <every request type of cat1-config>)`.
macro_rules! with_every_request {
    ($m:ident!($($args:tt)*)) => {
        $m!($($args)*
        At Z S Clear E Entm Wkmod Cmdpw Stmsg Rstim Sdpen Naten Uaten Cachen Csq Sysinfo Ver Build
        Sn Imei Iccid Cip Cnum Lbs Lbsn Cclk Safeaten Signinat Uart Uartfl Uartft Apn Socka Sockb
        Sockc Sockd Sockaen Sockben Sockcen Sockden Sockalk Sockblk Sockclk Sockdlk Sockasl
        Keepalivea Keepaliveb Keepalivec Keepalived Shortatm Sockrsnum Sockrstim Sockabk Sockbbk
        Sockcbk Sockdbk Sockabken Sockbbken Sockcbken Sockdbken Regen Regtp Regdt Regsnd Cloud
        Hearten Hearttp Heartdt Hearttm Heartsort Heart Htptp Htpurl Htphd Htpsv Htppk Htptim
        Dstnum Smsflt Ntpsvr Ntpen Ntptm Gps Gpsdt Gpsout
        )
    };
}

fn all_settings(c: &mut Client, echo: EchoMode, phase: Phase, problems: &mut Vec<String>) -> usize {
    with_every_request!(every_request!(c, echo, phase, problems,))
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

/// The first `count` frames of data the client reads in NET mode with SDP, decoded by `rx`
/// (anything else fails the test).
fn sdp_events(c: &mut Client, rx: &mut Receiver<1100>, count: usize) -> Vec<(SocketId, Vec<u8>)> {
    let mut events: Vec<(SocketId, Vec<u8>)> = Vec::new();
    let until = std::time::Instant::now() + DEADLINE;
    while events.len() < count {
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
    events
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
    let mut events = sdp_events(&mut c, &mut rx, 2);
    // In any order: the module reads its sockets A to D in turn, so a stall of the simulator
    // longer than the peers' 200 ms apart reorders them (review 37).
    events.sort_by(|x, y| x.1.cmp(&y.1));
    assert_eq!(
        events,
        [
            (SocketId::A, b"from A".to_vec()),
            (SocketId::B, b"from B".to_vec())
        ]
    );
    assert_eq!(rx.counters().garbage_bytes, 0);
}

// ---------------------------------------------------------------------------------------------
// 7: every command (all of commands.json) through the typed API, each form it has (issue 6's
// audit: the settings' query and set are `typed_every_setting_*`'s; here the test forms, the
// read-only values, the actions and the set-only login, each against the same line sent raw)

/// A typed call's lines and result as [`Client::raw`] writes them.
fn as_raw(
    r: Result<(), CommandError<ErrorKind>>,
    mut lines: Vec<String>,
    ctx: &str,
) -> Vec<String> {
    lines.push(match r {
        Ok(()) => "OK".to_string(),
        Err(CommandError::Error) => "ERROR".to_string(),
        Err(CommandError::Cme(n)) => format!("+CME ERROR:{n}"),
        Err(e) => panic!("{ctx}: {e:?}"),
    });
    lines
}

fn masked(lines: Vec<String>) -> Vec<String> {
    lines.iter().map(|l| mask_time(l)).collect()
}

/// After an action that restarts the module: its banner (as data: the module is back in its
/// work mode, NET), then command mode and the echo of the run again.
fn after_restart(c: &mut Client, echo: EchoMode, ctx: &str) {
    let until = std::time::Instant::now() + DEADLINE;
    let mut seen = c.modem.listener().data.clone();
    while !seen.windows(BANNER.len()).any(|w| w == BANNER) {
        assert!(
            std::time::Instant::now() < until,
            "{ctx}: no banner; {seen:?}"
        );
        let mut chunk = [0u8; 64];
        let n = c.modem.read_data(&mut chunk).expect("read");
        seen.extend_from_slice(&chunk[..n]);
        if n == 0 {
            std::thread::sleep(Duration::from_millis(5));
        }
    }
    c.modem.listener().data.clear();
    c.enter(echo);
}

/// Every form of `R` the description gives, through the typed API; the typed answer must be the
/// raw one (times masked). Returns the command's name.
fn typed_command<R: Request>(c: &mut Client, echo: EchoMode) -> &'static str {
    let spec = R::SPEC;
    let name = spec.name;
    let at = if name.is_empty() {
        "AT".to_string()
    } else {
        format!("AT+{name}")
    };
    let ctx = format!("echo {echo:?}: {at}");
    let text = |l: &[u8]| String::from_utf8_lossy(l).into_owned();
    if spec.has(Forms::TEST) {
        let mut lines = Vec::new();
        let r = c.modem.test::<R>(|l| lines.push(text(l)));
        let typed = as_raw(r, lines, &ctx);
        assert_eq!(typed, c.raw(&format!("{at}=?")), "{ctx}=?");
    }
    if spec.has(Forms::QUERY) {
        if spec.setting {
            // decoded (the values are typed_every_setting's)
            let mut answers = 0;
            c.modem
                .query::<R>(|_| answers += 1)
                .unwrap_or_else(|e| panic!("{ctx}?: {e:?}"));
            assert_eq!(answers, 1, "{ctx}?");
        } else {
            // a read-only value, in its bare form
            let mut lines = Vec::new();
            let r = c.modem.read::<R>(|l| lines.push(text(l)));
            let typed = as_raw(r, lines, &ctx);
            assert_eq!(masked(typed), masked(c.raw(&at)), "{ctx}");
        }
    }
    if spec.has(Forms::EXECUTE) {
        if !spec.params.is_empty() {
            // a parameterised action (AT+LBS=1): `set_with` sends it and hands over its
            // answer's lines (`set` drops them)
            assert_eq!(name, "LBS", "{ctx}");
            let mut lines = Vec::new();
            let r = c
                .modem
                .set_with::<R>(&[Value::Int(1)], |l| lines.push(text(l.line())));
            let typed = as_raw(r, lines, &ctx);
            assert_eq!(masked(typed), masked(c.raw(&format!("{at}=1"))), "{ctx}=1");
        } else {
            let mut lines = Vec::new();
            let r = c.modem.execute::<R>(|l| lines.push(text(l)));
            match name {
                "Z" | "S" | "CLEAR" => {
                    assert_eq!(r, Ok(()), "{ctx}");
                    after_restart(c, echo, &ctx);
                }
                "ENTM" => {
                    assert_eq!(r, Ok(()), "{ctx}");
                    c.enter(echo);
                }
                _ => {
                    let typed = as_raw(r, lines, &ctx);
                    assert_eq!(typed, c.raw(&at), "{ctx}");
                }
            }
        }
    }
    if spec.has(Forms::SET) && !spec.has(Forms::QUERY) {
        // the login password, set-only: the factory one, as the set line sent raw
        let r = c.modem.set::<R>(&[Value::Text(b"usr_cn")]);
        let typed = as_raw(r, Vec::new(), &ctx);
        assert_eq!(typed, c.raw(&format!("{at}=usr_cn")), "{ctx}=usr_cn");
    }
    name
}

macro_rules! every_command {
    ($c:expr, $echo:expr, $($t:ident)*) => {{
        let names: Vec<&'static str> = vec![$( typed_command::<requests::$t>($c, $echo) ),*];
        names
    }};
}

fn typed_every_command(echo: EchoMode) {
    let sim = Sim::start(&[]);
    let mut c = Client::connect(&sim);
    c.enter(echo);
    let names = with_every_request!(every_command!(&mut c, echo,));
    // every command of commands.json, each once
    let all: Vec<&str> = cat1_config::commands::ALL.iter().map(|s| s.name).collect();
    assert_eq!(all.len(), 85);
    assert_eq!(
        names, all,
        "the typed API covers every command, in the spec's order"
    );
    let counters = c.modem.counters();
    assert_eq!(counters.timeouts, 0, "{counters:?}");
    assert_eq!(counters.late_responses, 0, "{counters:?}");
}

#[test]
fn typed_every_command_every_form_echo_on_and_off() {
    for echo in [EchoMode::On, EchoMode::Off] {
        typed_every_command(echo);
    }
}

// ---------------------------------------------------------------------------------------------
// 8: a password-prefixed command in NET mode (UATEN), with SAFEATEN on and no login

/// A server that keeps what its first connection sends.
fn recording_server() -> (u16, Arc<Mutex<Vec<u8>>>) {
    let server = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = server.local_addr().unwrap().port();
    let got = Arc::new(Mutex::new(Vec::new()));
    let keep = got.clone();
    std::thread::spawn(move || {
        let Ok((mut peer, _)) = server.accept() else {
            return;
        };
        let mut chunk = [0u8; 256];
        while let Ok(n) = peer.read(&mut chunk) {
            if n == 0 {
                return;
            }
            keep.lock().unwrap().extend_from_slice(&chunk[..n]);
        }
    });
    (port, got)
}

/// Command mode, `settings` set, saved: the module restarts into NET mode.
fn configure_and_save(c: &mut Client, settings: &[(&str, String)]) {
    c.modem
        .enter_command_mode_without_probe()
        .expect("command mode");
    for (name, value) in settings {
        c.modem
            .command(&CommandLine::set(name.as_bytes(), value.as_bytes()), |_| {})
            .unwrap_or_else(|e| panic!("{name}={value}: {e:?}"));
    }
    c.modem.save_and_restart(BANNER).expect("save");
}

/// A simulator (`sim_args`) whose socket A goes to a [`recording_server`], configured with
/// `settings` and saved: the client, with the module restarted into NET mode.
fn in_net_mode(sim_args: &[&str], settings: &[(&str, &str)]) -> (Sim, Client, Arc<Mutex<Vec<u8>>>) {
    let (port, server) = recording_server();
    let sim = Sim::start(sim_args);
    let mut c = Client::connect(&sim);
    let mut all = vec![("SOCKA", format!("TCP,127.0.0.1,{port}"))];
    all.extend(settings.iter().map(|(n, v)| (*n, v.to_string())));
    configure_and_save(&mut c, &all);
    (sim, c, server)
}

/// `usr.cn#AT+<name>` (the factory command password): its information lines.
fn behind_password(c: &mut Client, name: &[u8]) -> Result<Vec<Vec<u8>>, CommandError<ErrorKind>> {
    let mut info = Vec::new();
    c.modem
        .command(&CommandLine::execute(name).with_password(b"usr.cn#"), |l| {
            info.push(l.line().to_vec())
        })?;
    Ok(info)
}

#[test]
fn password_prefixed_at_in_net_mode_with_safeaten_on() {
    let (_sim, mut c, server) = in_net_mode(
        &[],
        &[("HEARTEN", "OFF"), ("REGEN", "OFF"), ("SAFEATEN", "ON")],
    );
    // NET mode, not logged in: a password-prefixed command needs no login (protocol-notes
    // §11), and with UATEN=ON (factory) it is answered on serial, without echo (§3), whatever
    // echo the client was told command mode has
    for echo in [
        cat1_client::Echo::Unknown,
        cat1_client::Echo::On,
        cat1_client::Echo::Off,
    ] {
        c.modem.core().set_echo(echo);
        for (name, answer) in [
            (&b"VER"[..], &b"+VER:V1.1.01.000000.0000"[..]),
            (b"IMEI", b"+IMEI:864333040712457"),
        ] {
            assert_eq!(behind_password(&mut c, name), Ok(vec![answer.to_vec()]));
        }
    }
    // still in NET mode: data goes to the server, and the commands did not
    c.modem.write_data(b"after").expect("data");
    let until = std::time::Instant::now() + DEADLINE;
    while !server.lock().unwrap().ends_with(b"after") {
        assert!(std::time::Instant::now() < until, "{:?}", server.lock());
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(*server.lock().unwrap(), b"after");
    // and SAFEATEN is on: in command mode, a command needs the login
    c.modem
        .enter_command_mode_without_probe()
        .expect("command mode");
    assert_eq!(c.raw("AT+IMEI"), ["+CME ERROR:73"]);
    let counters = c.modem.counters();
    assert_eq!((counters.timeouts, counters.late_responses), (0, 0));
    assert!(c.modem.listener().lines.iter().all(|l| l == BANNER));
}

// ---------------------------------------------------------------------------------------------
// 9: COM-direction heartbeats in NET mode: data, never in a password-prefixed command's answer

#[test]
fn com_heartbeats_are_data_and_never_part_of_an_answer() {
    // HEARTTM=1 s is 100 ms at --time-scale 10
    let (_sim, mut c, _server) = in_net_mode(
        &["--time-scale", "10"],
        &[
            ("REGEN", "OFF"),
            ("HEARTEN", "ON"),
            ("HEARTTP", "COM"),
            ("HEARTTM", "1"),
        ],
    );
    c.modem.listener().lines.clear();
    c.modem.listener().data.clear();
    let beats = |c: &mut Client| {
        let e = c.modem.listener();
        let in_data = e.data.windows(10).filter(|w| w == b"www.usr.cn").count();
        let in_lines: usize = e
            .lines
            .iter()
            .map(|l| l.windows(10).filter(|w| w == b"www.usr.cn").count())
            .sum();
        in_data + in_lines
    };
    // idle in NET mode: the heartbeats come out as data
    let until = std::time::Instant::now() + DEADLINE;
    let mut data = Vec::new();
    while data.windows(10).filter(|w| w == b"www.usr.cn").count() < 3 {
        assert!(std::time::Instant::now() < until, "{data:?}");
        let mut chunk = [0u8; 64];
        let n = c.modem.read_data(&mut chunk).expect("read");
        data.extend_from_slice(&chunk[..n]);
        if n == 0 {
            std::thread::sleep(Duration::from_millis(5));
        }
    }
    // password-prefixed commands among them: each answer is the module's own, the heartbeats
    // around it go to the listener (as data, or as a line when an answer's CR LF ends them)
    for i in 0..20 {
        assert_eq!(
            behind_password(&mut c, b"VER"),
            Ok(vec![b"+VER:V1.1.01.000000.0000".to_vec()]),
            "command {i}"
        );
        std::thread::sleep(Duration::from_millis(30 + 10 * (i % 10)));
    }
    assert!(beats(&mut c) >= 1, "{:?}", c.modem.listener().lines);
    let counters = c.modem.counters();
    assert_eq!((counters.timeouts, counters.late_responses), (0, 0));
}

// ---------------------------------------------------------------------------------------------
// 10: SDP: a status frame from the module comes out as `SocketEvent::Failed`

#[test]
fn sdp_status_frame_through_the_client_is_an_error() {
    let (_sim, mut c, _server) = in_net_mode(
        &["--time-scale", "10"],
        &[("SDPEN", "ON"), ("HEARTEN", "OFF"), ("REGEN", "OFF")],
    );
    std::thread::sleep(Duration::from_millis(200));
    // socket C is disabled (factory): the module cannot send, and says so in a status frame
    c.modem.send_on(SocketId::C, b"nowhere").expect("send C");
    let mut rx = Receiver::<1100>::new();
    let until = std::time::Instant::now() + DEADLINE;
    let event = loop {
        assert!(std::time::Instant::now() < until, "no status frame");
        let mut chunk = [0u8; 64];
        let n = c.modem.read_data(&mut chunk).expect("read");
        if n == 0 {
            std::thread::sleep(Duration::from_millis(5));
            continue;
        }
        if let Status::Complete(ev, _) = rx.feed(&chunk[..n]) {
            break format!("{ev:?}");
        }
    };
    assert_eq!(
        event,
        format!(
            "{:?}",
            SocketEvent::Failed {
                socket: SocketId::C,
                code: cat1_client::sdp::StatusCode::SendFailed
            }
        )
    );
}

// ---------------------------------------------------------------------------------------------
// 11: SDP on all four sockets, both ways (6 covers A and B)

#[test]
fn sdp_all_four_sockets_through_the_client() {
    let servers: Vec<TcpListener> = (0..4)
        .map(|_| TcpListener::bind("127.0.0.1:0").unwrap())
        .collect();
    let sockets = [SocketId::A, SocketId::B, SocketId::C, SocketId::D];
    let sim = Sim::start(&["--time-scale", "10"]);
    let mut c = Client::connect(&sim);
    let mut settings = vec![
        ("SDPEN", "ON".to_string()),
        ("HEARTEN", "OFF".into()),
        ("REGEN", "OFF".into()),
    ];
    let names = [
        ("SOCKA", None),
        ("SOCKB", Some("SOCKBEN")),
        ("SOCKC", Some("SOCKCEN")),
        ("SOCKD", Some("SOCKDEN")),
    ];
    for ((sock, enable), l) in names.into_iter().zip(&servers) {
        let port = l.local_addr().unwrap().port();
        settings.push((sock, format!("TCP,127.0.0.1,{port}")));
        if let Some(enable) = enable {
            settings.push((enable, "ON".into()));
        }
    }
    configure_and_save(&mut c, &settings);
    let mut peers: Vec<TcpStream> = servers.iter().map(|l| l.accept().unwrap().0).collect();
    // every link up before data
    c.modem
        .enter_command_mode_without_probe()
        .expect("command mode");
    for name in ["SOCKALK", "SOCKBLK", "SOCKCLK", "SOCKDLK"] {
        let until = std::time::Instant::now() + DEADLINE;
        while c.raw(&format!("AT+{name}?"))[0] != format!("+{name}:Connected") {
            assert!(std::time::Instant::now() < until, "{name} never connected");
            std::thread::sleep(Duration::from_millis(100));
        }
    }
    c.modem.leave_command_mode().expect("ENTM");
    std::thread::sleep(Duration::from_millis(200));
    for (i, (socket, peer)) in sockets.iter().zip(&mut peers).enumerate() {
        let msg = format!("to {i}");
        c.modem.send_on(*socket, msg.as_bytes()).expect("send");
        assert_eq!(read_from(peer, msg.as_bytes()), msg.as_bytes());
        std::thread::sleep(Duration::from_millis(200));
    }
    for (i, peer) in peers.iter_mut().enumerate().rev() {
        peer.write_all(format!("from {i}").as_bytes()).unwrap();
        std::thread::sleep(Duration::from_millis(200));
    }
    let mut rx = Receiver::<1100>::new();
    let mut events = sdp_events(&mut c, &mut rx, 4);
    // In any order, as in `sdp_two_sockets_through_the_client`.
    events.sort_by(|x, y| x.1.cmp(&y.1));
    let want: Vec<(SocketId, Vec<u8>)> = sockets
        .iter()
        .enumerate()
        .map(|(i, s)| (*s, format!("from {i}").into_bytes()))
        .collect();
    assert_eq!(events, want);
    assert_eq!(rx.counters().garbage_bytes, 0);
}

// ---------------------------------------------------------------------------------------------
// 12: the async adapter against the simulator (the tests above run the blocking one): a
// profile applied (every setting read, the differences sent, one save, the banner, the
// handshake, read back), typed reads, data in NET mode

impl embedded_io_async::Read for TcpUart {
    async fn read(&mut self, buf: &mut [u8]) -> Result<usize, ErrorKind> {
        std::future::poll_fn(|_| match embedded_io::ReadReady::read_ready(self) {
            Ok(true) => std::task::Poll::Ready(embedded_io::Read::read(self, buf)),
            Ok(false) => std::task::Poll::Pending,
            Err(e) => std::task::Poll::Ready(Err(e)),
        })
        .await
    }
}

impl embedded_io_async::Write for TcpUart {
    async fn write(&mut self, buf: &[u8]) -> Result<usize, ErrorKind> {
        embedded_io::Write::write(self, buf)
    }
    async fn flush(&mut self) -> Result<(), ErrorKind> {
        Ok(())
    }
}

impl cat1_client::asynch::Timer for HostClock {
    fn now(&self) -> cat1_hal_traits::time::Instant {
        cat1_hal_traits::time::Clock::now(self)
    }
    fn wait_until(
        &mut self,
        deadline: cat1_hal_traits::time::Instant,
    ) -> impl std::future::Future<Output = ()> {
        let clock = HostClock(self.0);
        std::future::poll_fn(move |_| {
            if cat1_hal_traits::time::Clock::now(&clock) >= deadline {
                std::task::Poll::Ready(())
            } else {
                std::task::Poll::Pending
            }
        })
    }
}

/// Polls `future` to its end (the UART and the timer above are ready when polled again).
fn block_on<F: std::future::Future>(future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    let until = std::time::Instant::now() + Duration::from_secs(120);
    loop {
        if let std::task::Poll::Ready(v) = future.as_mut().poll(&mut cx) {
            return v;
        }
        assert!(
            std::time::Instant::now() < until,
            "the future did not finish"
        );
    }
}

#[test]
fn async_client_profile_typed_reads_and_data() {
    let server = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = server.local_addr().unwrap().port();
    let sim = Sim::start(&["--time-scale", "10"]);
    let (uart, written) = TcpUart::connect(sim.port);
    let mut m = cat1_client::asynch::Modem::new(uart, HostClock::start(), Events::default());
    block_on(m.enter_command_mode()).expect("command mode");
    let mut imei = Vec::new();
    block_on(m.read_value::<requests::Imei>(|v| imei = v.text.to_vec())).expect("IMEI");
    assert_eq!(imei, b"864333040712457");
    let mut lng = Vec::new();
    block_on(
        m.set_with::<requests::Lbs>(&[cat1_config::Value::Int(1)], |info| {
            lng = cat1_config::info::LbsPosition::from_info(info)
                .expect("a position")
                .lng
                .to_vec()
        }),
    )
    .expect("LBS=1");
    assert!(!lng.is_empty());
    let mut wanted = Config::factory(Model::WhLte7s1);
    for line in [
        format!("AT+SOCKA=TCP,127.0.0.1,{port}"),
        "AT+HEARTEN=OFF".into(),
        "AT+REGEN=OFF".into(),
        "AT+STMSG=ASYNC".into(),
    ] {
        wanted
            .apply(&CommandLine::parse(line.as_bytes()).unwrap())
            .unwrap();
    }
    let mut scratch = Config::default();
    written.lock().unwrap().clear();
    let sent = block_on(m.apply_profile(Model::WhLte7s1, &wanted, &mut scratch)).expect("apply");
    let expected = cat1_config::diff::diff(&Config::factory(Model::WhLte7s1), &wanted).count();
    assert!(expected >= 3, "{expected}");
    assert_eq!(sent, expected);
    let (sets, saves) = sets_and_saves(&written.lock().unwrap());
    assert_eq!((sets.len(), saves), (expected, 1), "{sets:?}");
    assert_eq!(scratch, wanted, "read back after the restart");
    // NET mode again: data both ways
    block_on(m.leave_command_mode()).expect("ENTM");
    let (mut peer, _) = server.accept().unwrap();
    std::thread::sleep(Duration::from_millis(200));
    block_on(m.write_data(b"async up")).expect("write");
    assert_eq!(read_from(&mut peer, b"async up"), b"async up");
    peer.write_all(b"async down").unwrap();
    let mut data = Vec::new();
    let until = std::time::Instant::now() + DEADLINE;
    while !data.ends_with(b"async down") {
        assert!(std::time::Instant::now() < until, "have {data:?}");
        let mut chunk = [0u8; 64];
        let n = block_on(m.read_data(&mut chunk, cat1_hal_traits::time::Duration::from_millis(50)))
            .expect("read");
        data.extend_from_slice(&chunk[..n]);
    }
    assert_eq!(data, b"async down");
    let c = m.counters();
    assert_eq!(
        (c.timeouts, c.late_responses, c.overflows),
        (0, 0, 0),
        "{c:?}"
    );
}
