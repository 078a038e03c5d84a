//! Configures a USR Cat-1 module from a TOML profile: enters command mode, reads the module's
//! configuration, sends only what differs, saves once, waits for the banner and reads it back.
//!
//! ```text
//! host-configure --port /dev/ttyUSB0 --baud 115200 profile.toml   # a real module
//! host-configure --tcp 127.0.0.1:7000 profile.toml                # cat1-sim --serial tcp:127.0.0.1:7000
//! host-configure --port /dev/pts/5 profile.toml                   # cat1-sim --serial pty
//! ```

use std::collections::BTreeMap;
use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::process::ExitCode;
use std::time::Duration as StdDuration;

use cat1_at_parse::CommandLine;
use cat1_client::{Listener, blocking};
use cat1_config::{Config, Model};
use cat1_hal_traits::time::{Clock, Instant};
use clap::Parser;

/// Command line.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Args {
    /// Serial port device (a real module, or the simulator's pty).
    #[arg(long, conflicts_with = "tcp")]
    port: Option<String>,
    /// Baud rate of the serial port.
    #[arg(long, default_value_t = 115_200)]
    baud: u32,
    /// A TCP serial (the simulator with `--serial tcp:HOST:PORT`).
    #[arg(long)]
    tcp: Option<String>,
    /// Only show what would be sent.
    #[arg(long)]
    dry_run: bool,
    /// The profile (TOML).
    profile: String,
}

/// The profile file.
#[derive(serde::Deserialize, Debug)]
struct Profile {
    /// `WH-LTE-7S1`, `DR502` or `G771`.
    model: String,
    /// Setting name (without `AT+`) to the parameters of its set command.
    settings: BTreeMap<String, String>,
}

/// Builds the wanted configuration: factory values, then each setting validated by cat1-config.
fn wanted(profile: &Profile) -> Result<(Model, Config), String> {
    let model = match profile.model.to_ascii_uppercase().as_str() {
        "WH-LTE-7S1" | "7S1" => Model::WhLte7s1,
        "DR502" => Model::Dr502,
        "G771" => Model::G771,
        other => return Err(format!("unknown model {other:?}")),
    };
    let mut config = Config::factory(model);
    for (name, value) in &profile.settings {
        let line = CommandLine::set(name.as_bytes(), value.as_bytes());
        config
            .apply(&line)
            .map_err(|code| format!("AT+{name}={value}: +CME ERROR:{}", code.0))?;
    }
    Ok((model, config))
}

/// Wall-clock time for the driver.
struct StdClock(std::time::Instant);

impl Clock for StdClock {
    fn now(&self) -> Instant {
        Instant::from_millis(u64::try_from(self.0.elapsed().as_millis()).unwrap_or(u64::MAX))
    }
}

/// A byte stream (serial port or TCP) as embedded-io, with readiness by a short read timeout.
struct Port {
    inner: Box<dyn Stream>,
    peeked: Option<u8>,
}

trait Stream: std::io::Read + std::io::Write {}
impl<T: std::io::Read + std::io::Write> Stream for T {}

impl embedded_io::ErrorType for Port {
    type Error = std::io::Error;
}

impl embedded_io::ReadReady for Port {
    fn read_ready(&mut self) -> Result<bool, Self::Error> {
        if self.peeked.is_some() {
            return Ok(true);
        }
        let mut b = [0u8; 1];
        match self.inner.read(&mut b) {
            Ok(1) => {
                self.peeked = Some(b[0]);
                Ok(true)
            }
            Ok(_) => Err(std::io::ErrorKind::UnexpectedEof.into()),
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock
                ) =>
            {
                Ok(false)
            }
            Err(e) => Err(e),
        }
    }
}

impl embedded_io::Read for Port {
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, Self::Error> {
        match (self.peeked.take(), buf.first_mut()) {
            (Some(b), Some(slot)) => {
                *slot = b;
                Ok(1)
            }
            (Some(b), None) => {
                self.peeked = Some(b);
                Ok(0)
            }
            (None, _) => self.inner.read(buf),
        }
    }
}

impl embedded_io::Write for Port {
    fn write(&mut self, buf: &[u8]) -> Result<usize, Self::Error> {
        self.inner.write(buf)
    }
    fn flush(&mut self) -> Result<(), Self::Error> {
        self.inner.flush()
    }
}

/// Prints what the module says on its own.
struct Show;

impl Listener for Show {
    fn line(&mut self, line: &[u8]) {
        eprintln!("  (unsolicited) {}", line.escape_ascii());
    }
    fn overflow(&mut self, dropped: usize) {
        eprintln!("  (dropped an over-long line of {dropped} bytes)");
    }
    fn data(&mut self, bytes: &[u8]) {
        eprintln!("  (data) {}", bytes.escape_ascii());
    }
}

fn open(args: &Args) -> Result<Port, String> {
    let inner: Box<dyn Stream> = match (&args.port, &args.tcp) {
        (_, Some(addr)) => {
            let s = TcpStream::connect(addr).map_err(|e| format!("{addr}: {e}"))?;
            s.set_nodelay(true).map_err(|e| e.to_string())?;
            s.set_read_timeout(Some(StdDuration::from_millis(2)))
                .map_err(|e| e.to_string())?;
            Box::new(s)
        }
        (Some(path), None) => Box::new(
            serialport::new(path, args.baud)
                .timeout(StdDuration::from_millis(2))
                .open()
                .map_err(|e| format!("{path}: {e}"))?,
        ),
        (None, None) => return Err("give --port or --tcp".into()),
    };
    Ok(Port {
        inner,
        peeked: None,
    })
}

fn run(args: &Args) -> Result<(), String> {
    let text =
        std::fs::read_to_string(&args.profile).map_err(|e| format!("{}: {e}", args.profile))?;
    let profile: Profile = toml::from_str(&text).map_err(|e| format!("{}: {e}", args.profile))?;
    let (model, wanted) = wanted(&profile)?;
    if args.dry_run {
        let factory = Config::factory(model);
        let mut buf = [0u8; 700];
        for step in cat1_config::diff::diff(&factory, &wanted) {
            let step = step.map_err(|u| format!("{:?} cannot be written", u.command))?;
            let n = step.emit(&wanted, &mut buf).map_err(|e| e.to_string())?;
            println!("{}", buf[..n].escape_ascii());
        }
        return Ok(());
    }
    let port = open(args)?;
    let mut modem = blocking::Modem::new(port, StdClock(std::time::Instant::now()), Show);
    eprintln!("entering command mode");
    modem.enter_command_mode().map_err(|e| format!("{e}"))?;
    let mut version = String::new();
    modem
        .read::<cat1_config::requests::Ver>(|line| {
            version = String::from_utf8_lossy(line).into_owned()
        })
        .map_err(|e| format!("AT+VER: {e}"))?;
    eprintln!("module: {version}");
    let mut scratch = Box::new(Config::factory(model));
    eprintln!(
        "applying {} settings from {}",
        profile.settings.len(),
        args.profile
    );
    let sent = modem
        .apply_profile(model, &wanted, &mut scratch)
        .map_err(|e| format!("{e}"))?;
    if sent == 0 {
        eprintln!("the module already has this profile: nothing sent");
        modem.leave_command_mode().map_err(|e| format!("{e}"))?;
    } else {
        eprintln!("{sent} set commands sent, saved, restarted, verified");
    }
    let c = modem.counters();
    eprintln!(
        "counters: {} unsolicited, {} late, {} timeouts, {} unanswered AT probes, {} bytes dropped",
        c.unsolicited, c.late_responses, c.timeouts, c.probes_unanswered, c.bytes_dropped
    );
    Ok(())
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sample_profile_is_valid() {
        let text = include_str!("../profile.toml");
        let profile: Profile = toml::from_str(text).unwrap();
        let (model, config) = wanted(&profile).unwrap();
        assert_eq!(model, Model::WhLte7s1);
        assert_ne!(config, Config::factory(model));
    }

    #[test]
    fn a_bad_setting_names_its_error_code() {
        let profile: Profile =
            toml::from_str("model = \"DR502\"\n[settings]\nRSTIM = \"59\"\n").unwrap();
        assert_eq!(wanted(&profile).unwrap_err(), "AT+RSTIM=59: +CME ERROR:53");
    }
}
