//! One simulated module: the engine, its host services and its clock, driven by a serial
//! transport.

use std::io::{self, Write};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::Duration as StdDuration;

use cat1_device::{Engine, Event, Options, Sink};
use cat1_hal_traits::time::Instant;

use crate::host::HostServices;

/// How much the simulator says on stderr.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum LogLevel {
    /// Nothing.
    Off,
    /// Failures only.
    Error,
    /// Mode changes, connections, restarts, drops.
    Info,
    /// Also every serial chunk.
    Debug,
}

impl LogLevel {
    /// Parses `off`, `error`, `info`, `debug`.
    pub fn parse(s: &str) -> Option<LogLevel> {
        Some(match s {
            "off" => LogLevel::Off,
            "error" => LogLevel::Error,
            "info" => LogLevel::Info,
            "debug" => LogLevel::Debug,
            _ => return None,
        })
    }
}

/// Logs a line on stderr when `level` is enabled.
pub fn log(enabled: LogLevel, level: LogLevel, msg: std::fmt::Arguments<'_>) {
    if level <= enabled && level != LogLevel::Off {
        eprintln!("cat1-sim: {msg}");
    }
}

/// Collects what one engine call writes.
struct Collect {
    bytes: Vec<u8>,
    log: LogLevel,
}

impl Sink for Collect {
    fn serial(&mut self, bytes: &[u8]) {
        self.bytes.extend_from_slice(bytes);
    }
    fn event(&mut self, event: Event) {
        let level = match event {
            Event::SaveFailed | Event::LoginRefused | Event::NetworkDropped { .. } => {
                LogLevel::Error
            }
            _ => LogLevel::Info,
        };
        log(self.log, level, format_args!("{event:?}"));
    }
}

/// A simulated module.
#[derive(Debug)]
pub struct Module {
    engine: Engine,
    /// The host services (profile, storage, network).
    pub services: HostServices,
    epoch: std::time::Instant,
    log: LogLevel,
    /// NTP (see [`crate::ntp`]): the UDP port, the next query, the one under way.
    ntp_port: u16,
    ntp_next: Option<std::time::Instant>,
    ntp_pending: Option<crate::ntp::Pending>,
    time_scale: u32,
}

/// How long a restart of the simulated module takes before its banner (real modules take
/// seconds; drivers wait for the banner, never for a fixed time).
pub const BOOT_DELAY: cat1_hal_traits::time::Duration =
    cat1_hal_traits::time::Duration::from_millis(200);

/// The longest the serial loop sleeps between polls: network events come from the host
/// sockets, which the engine only sees when polled.
pub const MAX_WAIT: StdDuration = StdDuration::from_millis(10);

impl Module {
    /// A powered-off module.
    pub fn new(options: Options, services: HostServices, log: LogLevel) -> Self {
        Module {
            engine: Engine::new(options),
            services,
            epoch: std::time::Instant::now(),
            log,
            ntp_port: 123,
            ntp_next: None,
            ntp_pending: None,
            time_scale: options.timer_divisor.max(1),
        }
    }

    /// The UDP port of the NTP servers (`--ntp-port`).
    pub fn set_ntp_port(&mut self, port: u16) {
        self.ntp_port = port;
    }

    /// NTP: applies a finished query; starts one when due (at power-on, then every `NTPTM`
    /// minutes divided by the time scale) while `NTPEN=ON` runs.
    fn poll_ntp(&mut self) {
        if let Some(p) = &self.ntp_pending {
            if let Some(result) = p.poll() {
                self.ntp_pending = None;
                match result {
                    Some(unix) => {
                        self.services.set_utc(unix);
                        log(self.log, LogLevel::Info, format_args!("NTP: clock set"));
                    }
                    None => log(self.log, LogLevel::Error, format_args!("NTP: no answer")),
                }
            }
        }
        let ntp = &self.engine.saved_config().ntp;
        if !self.engine.is_powered() || !ntp.enabled {
            self.ntp_next = None;
            return;
        }
        let now = std::time::Instant::now();
        if self.ntp_pending.is_some() || self.ntp_next.is_some_and(|t| now < t) {
            return;
        }
        let period =
            StdDuration::from_secs(u64::from(ntp.interval_min.max(1)) * 60) / self.time_scale;
        self.ntp_next = Some(now + period);
        let servers = std::iter::once(&ntp.server)
            .chain(ntp.more_servers.iter().flatten())
            .map(|t| String::from_utf8_lossy(t.as_bytes()).into_owned())
            .filter(|s| !s.is_empty())
            .collect();
        self.ntp_pending = Some(crate::ntp::Pending::start(servers, self.ntp_port));
    }

    /// The engine, to inspect.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    fn now(&self) -> Instant {
        Instant::from_millis(self.epoch.elapsed().as_millis() as u64)
    }

    fn collect(&self) -> Collect {
        Collect {
            bytes: Vec::new(),
            log: self.log,
        }
    }

    /// Powers on; returns the banner.
    pub fn power_on(&mut self) -> Vec<u8> {
        let mut out = self.collect();
        let now = self.now();
        self.engine.power_on(now, &mut self.services, &mut out);
        out.bytes
    }

    /// Powers off.
    pub fn power_off(&mut self) {
        self.engine.power_off(&mut self.services);
        self.ntp_next = None;
        log(self.log, LogLevel::Info, format_args!("powered off"));
    }

    /// Serial bytes in; returns what the module writes back.
    pub fn serial_input(&mut self, bytes: &[u8]) -> Vec<u8> {
        log(
            self.log,
            LogLevel::Debug,
            format_args!("serial in {:?}", String::from_utf8_lossy(bytes)),
        );
        let mut out = self.collect();
        let now = self.now();
        self.engine
            .handle_serial(bytes, now, &mut self.services, &mut out);
        out.bytes
    }

    /// Runs the timers; returns what the module writes.
    pub fn poll(&mut self) -> Vec<u8> {
        let mut out = self.collect();
        let now = self.now();
        self.engine.poll(now, &mut self.services, &mut out);
        self.poll_ntp();
        out.bytes
    }

    /// How long the serial loop may wait before the next poll.
    pub fn wait(&self) -> StdDuration {
        let now = self.now();
        match self.engine.poll_at() {
            Some(at) => StdDuration::from_millis(at.saturating_duration_since(now).total_millis())
                .clamp(StdDuration::from_millis(1), MAX_WAIT),
            None => MAX_WAIT,
        }
    }

    /// Runs one serial session: powered on at the start, until the input ends (`None` or a
    /// closed channel), then powered off.
    pub fn run_session(
        &mut self,
        input: &Receiver<Option<Vec<u8>>>,
        output: &mut dyn Write,
    ) -> io::Result<()> {
        let banner = self.power_on();
        write_all(output, &banner)?;
        let result = self.session_loop(input, output);
        self.power_off();
        result
    }

    fn session_loop(
        &mut self,
        input: &Receiver<Option<Vec<u8>>>,
        output: &mut dyn Write,
    ) -> io::Result<()> {
        loop {
            match input.recv_timeout(self.wait()) {
                Ok(Some(bytes)) => {
                    let out = self.serial_input(&bytes);
                    write_all(output, &out)?;
                }
                Ok(None) | Err(RecvTimeoutError::Disconnected) => return Ok(()),
                Err(RecvTimeoutError::Timeout) => {}
            }
            let out = self.poll();
            write_all(output, &out)?;
        }
    }
}

fn write_all(output: &mut dyn Write, bytes: &[u8]) -> io::Result<()> {
    if bytes.is_empty() {
        return Ok(());
    }
    output.write_all(bytes)?;
    output.flush()
}
