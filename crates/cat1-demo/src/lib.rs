//! The whole cat1 chain on one machine, as a readable transcript:
//!
//! ```text
//!   cat1-client (the MCU)  --TCP serial-->  cat1-sim (the module)  --TCP-->  a server (cat1-socket's Session)
//! ```
//!
//! The client enters command mode, reads the module's identity and signal, applies a profile
//! (socket A to the server, registration with the IMEI, a heartbeat, network AT on) with one save
//! and restart, then in NET mode sends telemetry; the server decodes the registration, heartbeats
//! and data, sends a line down the socket and runs a network AT command (`usr.cn#AT+VER`).
//! Timers run `TIME_SCALE` times faster (the simulator's `--time-scale`).

use std::io::{Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::Duration as StdDuration;

use cat1_at_parse::CommandLine;
use cat1_client::{Listener, blocking};
use cat1_config::{Config, Model, requests};
use cat1_device::Options;
use cat1_hal_traits::time::{Clock, Instant};
use cat1_sim::host::{FileStorage, HostServices};
use cat1_sim::module::{LogLevel, Module};
use cat1_sim::network::HostNetwork;
use cat1_sim::profile::Profile;
use cat1_socket::payload::{HeartbeatKind, RegistrationKind};
use cat1_socket::registration::RegistrationSend;
use cat1_socket::server::{ServerEvent, Session, SessionConfig};

/// How much faster the module's second-based timers run.
pub const TIME_SCALE: u32 = 10;

/// What the demo saw, for its test.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The identity in the registration packet.
    pub registration: Option<String>,
    /// Heartbeats the server received.
    pub heartbeats: usize,
    /// Data lines the server received from the MCU.
    pub data: Vec<String>,
    /// What the MCU received from the server.
    pub downlink: String,
    /// The network AT command's response, as the server received it.
    pub network_at: Option<String>,
}

/// One line of the transcript.
fn say(who: &str, what: impl AsRef<str>) {
    println!("{who:>7} | {}", what.as_ref());
}

/// A TCP stream as the client's UART.
struct TcpUart {
    stream: TcpStream,
    peeked: Vec<u8>,
}

impl embedded_io::ErrorType for TcpUart {
    type Error = std::io::Error;
}

impl embedded_io::ReadReady for TcpUart {
    fn read_ready(&mut self) -> Result<bool, Self::Error> {
        if self.peeked.is_empty() {
            let mut chunk = [0u8; 256];
            match self.stream.read(&mut chunk) {
                Ok(0) => return Err(std::io::ErrorKind::UnexpectedEof.into()),
                Ok(n) => self.peeked.extend_from_slice(&chunk[..n]),
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(!self.peeked.is_empty())
    }
}

impl embedded_io::Read for TcpUart {
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, Self::Error> {
        let n = self.peeked.len().min(buf.len());
        buf[..n].copy_from_slice(&self.peeked[..n]);
        self.peeked.drain(..n);
        Ok(n)
    }
}

impl embedded_io::Write for TcpUart {
    fn write(&mut self, buf: &[u8]) -> Result<usize, Self::Error> {
        self.stream.write(buf)
    }
    fn flush(&mut self) -> Result<(), Self::Error> {
        self.stream.flush()
    }
}

struct StdClock(std::time::Instant);

impl Clock for StdClock {
    fn now(&self) -> Instant {
        Instant::from_millis(self.0.elapsed().as_millis() as u64)
    }
}

/// The MCU's listener: unsolicited lines and network data, shown in the transcript.
#[derive(Default)]
struct Mcu {
    downlink: Vec<u8>,
}

impl Listener for Mcu {
    fn line(&mut self, line: &[u8]) {
        say("mcu", format!("unsolicited: {}", line.escape_ascii()));
    }
    fn data(&mut self, bytes: &[u8]) {
        self.downlink.extend_from_slice(bytes);
    }
}

/// Starts the simulated module on a TCP serial; returns its port.
fn start_module() -> std::io::Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let port = listener.local_addr()?.port();
    std::thread::spawn(move || {
        let services = HostServices::new(
            Profile::default(),
            FileStorage::memory(),
            HostNetwork::new(),
        );
        let options = Options {
            model: Model::WhLte7s1,
            timer_divisor: TIME_SCALE,
            boot_delay: cat1_sim::module::BOOT_DELAY,
        };
        let mut module = Module::new(options, services, LogLevel::Error);
        let _ = cat1_sim::serial::serve_tcp(&mut module, listener, LogLevel::Error);
    });
    Ok(port)
}

/// What the server reports to the demo.
enum FromServer {
    Registration(String),
    Heartbeat,
    Data(String),
    AtResponse(String),
}

/// The server: decodes what the module sends; after the first data line, sends a line down and a
/// network AT command.
fn start_server(events: Sender<FromServer>) -> std::io::Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let port = listener.local_addr()?.port();
    std::thread::spawn(move || {
        let Ok((mut stream, peer)) = listener.accept() else {
            return;
        };
        say("server", format!("modem connected from {peer}"));
        let mut session = Session::new(SessionConfig {
            registration: Some((RegistrationSend::Link, RegistrationKind::Imei)),
            heartbeat: Some(HeartbeatKind::User),
            ..SessionConfig::default()
        });
        let mut buf = [0u8; 2048];
        let mut sent_commands = false;
        loop {
            let n = match stream.read(&mut buf) {
                Ok(0) | Err(_) => return,
                Ok(n) => n,
            };
            for event in session.feed(&buf[..n]) {
                let msg = match event {
                    ServerEvent::Registration { identity, .. } => {
                        let id = String::from_utf8_lossy(identity).into_owned();
                        say("server", format!("registration packet: IMEI {id}"));
                        FromServer::Registration(id)
                    }
                    ServerEvent::Heartbeat(h) => {
                        say("server", format!("heartbeat: {}", h.escape_ascii()));
                        FromServer::Heartbeat
                    }
                    ServerEvent::Data(d) => {
                        let text = String::from_utf8_lossy(d).trim_end().to_owned();
                        say("server", format!("data: {text}"));
                        FromServer::Data(text)
                    }
                    ServerEvent::AtResponse { text, .. } => {
                        let text = String::from_utf8_lossy(text).trim().to_owned();
                        say(
                            "server",
                            format!("network AT answered: {}", text.escape_debug()),
                        );
                        FromServer::AtResponse(text)
                    }
                    ServerEvent::MissingRegistration(bytes) => {
                        say("server", format!("unexpected: {}", bytes.escape_ascii()));
                        continue;
                    }
                };
                // Answer once the MCU's telemetry flows (the module is then in NET mode for sure).
                let is_data = matches!(&msg, FromServer::Data(d) if d.starts_with("temperature"));
                let _ = events.send(msg);
                if is_data && !sent_commands {
                    sent_commands = true;
                    say("server", "sends: hello device");
                    let _ = stream.write_all(b"hello device\r\n");
                    std::thread::sleep(StdDuration::from_millis(300));
                    let mut cmd = [0u8; 64];
                    if let Ok(len) = session.encode_command(b"AT+VER", &mut cmd) {
                        say(
                            "server",
                            format!("sends network AT: {}", cmd[..len].escape_ascii()),
                        );
                        let _ = stream.write_all(&cmd[..len]);
                    }
                }
            }
        }
    });
    Ok(port)
}

/// The wanted configuration: socket A to the server, IMEI registration, a 30 s heartbeat.
fn profile(server_port: u16) -> Result<Config, String> {
    let mut config = Config::factory(Model::WhLte7s1);
    let socka = format!("TCP,127.0.0.1,{server_port}");
    let settings: [(&[u8], &[u8]); 5] = [
        (b"SOCKA", socka.as_bytes()),
        (b"REGEN", b"ON"),
        (b"REGTP", b"IMEI"),
        (b"HEARTTM", b"30"),
        (b"NATEN", b"ON"),
    ];
    for (name, value) in settings {
        config
            .apply(&CommandLine::set(name, value))
            .map_err(|c| format!("profile: +CME ERROR:{}", c.0))?;
    }
    Ok(config)
}

/// Runs the demo; returns what was seen, or the first failure.
pub fn run(deadline: StdDuration) -> Result<Outcome, String> {
    let (tx, rx): (Sender<FromServer>, Receiver<FromServer>) = channel();
    let server_port = start_server(tx).map_err(|e| e.to_string())?;
    let module_port = start_module().map_err(|e| e.to_string())?;
    say(
        "demo",
        format!(
            "server on 127.0.0.1:{server_port}, module serial on 127.0.0.1:{module_port}, timers x{TIME_SCALE}"
        ),
    );

    let stream = TcpStream::connect(("127.0.0.1", module_port)).map_err(|e| e.to_string())?;
    stream.set_nodelay(true).map_err(|e| e.to_string())?;
    stream
        .set_read_timeout(Some(StdDuration::from_millis(2)))
        .map_err(|e| e.to_string())?;
    let uart = TcpUart {
        stream,
        peeked: Vec::new(),
    };
    let mut modem = blocking::Modem::new(uart, StdClock(std::time::Instant::now()), Mcu::default());

    say(
        "mcu",
        "entering command mode (AT probe, then +++ / a / +ok)",
    );
    modem
        .enter_command_mode()
        .map_err(|e| format!("enter: {e}"))?;
    for (label, read) in [("firmware", 0), ("IMEI", 1), ("signal", 2)] {
        let mut text = String::new();
        let on_line = |line: &[u8]| text = String::from_utf8_lossy(line).into_owned();
        match read {
            0 => modem.read::<requests::Ver>(on_line),
            1 => modem.read::<requests::Imei>(on_line),
            _ => modem.read::<requests::Csq>(on_line),
        }
        .map_err(|e| format!("{label}: {e}"))?;
        say("mcu", format!("{label}: {text}"));
    }
    let wanted = profile(server_port)?;
    let mut scratch = Box::new(Config::factory(Model::WhLte7s1));
    let sent = modem
        .apply_profile(Model::WhLte7s1, &wanted, &mut scratch)
        .map_err(|e| format!("profile: {e}"))?;
    say(
        "mcu",
        format!("profile applied: {sent} set commands, one AT+S, verified after the restart"),
    );
    modem
        .leave_command_mode()
        .map_err(|e| format!("AT+ENTM: {e}"))?;
    say("mcu", "NET mode: sending telemetry");

    let mut outcome = Outcome::default();
    let start = std::time::Instant::now();
    let mut next_telemetry = start;
    let mut seq = 0;
    let mut buf = [0u8; 256];
    while start.elapsed() < deadline {
        if std::time::Instant::now() >= next_telemetry && seq < 3 {
            seq += 1;
            let line = format!("temperature=21.{seq} seq={seq}\r\n");
            modem
                .write_data(line.as_bytes())
                .map_err(|e| e.to_string())?;
            next_telemetry += StdDuration::from_millis(700);
        }
        let n = modem.read_data(&mut buf).map_err(|e| e.to_string())?;
        modem.listener().downlink.extend_from_slice(&buf[..n]);
        while let Ok(msg) = rx.try_recv() {
            match msg {
                FromServer::Registration(id) => outcome.registration = Some(id),
                FromServer::Heartbeat => outcome.heartbeats += 1,
                FromServer::Data(d) => outcome.data.push(d),
                FromServer::AtResponse(t) => outcome.network_at = Some(t),
            }
        }
        let down = String::from_utf8_lossy(&modem.listener().downlink).into_owned();
        if down.contains('\n') && down != outcome.downlink {
            outcome.downlink = down;
            say(
                "mcu",
                format!("received from the server: {}", outcome.downlink.trim_end()),
            );
        }
        if outcome.registration.is_some()
            && outcome.heartbeats > 0
            && outcome.data.len() >= 3
            && outcome.network_at.is_some()
            && !outcome.downlink.is_empty()
        {
            let c = modem.counters();
            say(
                "demo",
                format!(
                    "done: counters {} unsolicited, {} late, {} timeouts, {} unanswered AT probes (NET mode), {} bytes dropped",
                    c.unsolicited,
                    c.late_responses,
                    c.timeouts,
                    c.probes_unanswered,
                    c.bytes_dropped
                ),
            );
            return Ok(outcome);
        }
        std::thread::sleep(StdDuration::from_millis(5));
    }
    Err(format!("not everything arrived in time: {outcome:?}"))
}
