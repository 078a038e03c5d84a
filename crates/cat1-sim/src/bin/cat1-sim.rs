//! `cat1-sim`: a simulated USR Cat-1 module. See `--help` and the README.

use std::net::TcpListener;
use std::process::ExitCode;

use cat1_device::Options;
use cat1_sim::args::{Args, SerialSpec};
use cat1_sim::host::{FileStorage, HostServices};
use cat1_sim::module::Module;
use cat1_sim::network::HostNetwork;
use cat1_sim::serial;
use cat1_sim::sms::SmsCentre;

fn main() -> ExitCode {
    let args = match Args::parse(std::env::args().skip(1)) {
        Ok(a) => a,
        Err(msg) => {
            eprintln!("{msg}");
            return ExitCode::from(2);
        }
    };
    match run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            eprintln!("cat1-sim: {msg}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: Args) -> Result<(), String> {
    let storage = match &args.state {
        Some(path) => FileStorage::file(path.clone())?,
        None => FileStorage::memory(),
    };
    let mut services = HostServices::new(args.profile.clone(), storage, HostNetwork::new());
    if let Some(addr) = &args.sms {
        let centre = SmsCentre::bind(addr).map_err(|e| format!("--sms {addr}: {e}"))?;
        // Always printed, like the serial port: with port 0 it is the only way to know.
        eprintln!("cat1-sim: sms on tcp:{}", centre.local_addr());
        services = services.with_sms(centre);
    }
    let options = Options {
        model: args.model,
        timer_divisor: args.time_scale,
        boot_delay: cat1_sim::module::BOOT_DELAY,
    };
    let mut module = Module::new(options, services, args.log);
    module.set_ntp_port(args.ntp_port);
    match &args.serial {
        SerialSpec::Tcp(addr) => {
            let listener = TcpListener::bind(addr).map_err(|e| format!("{addr}: {e}"))?;
            let local = listener.local_addr().map_err(|e| e.to_string())?;
            // Always printed, whatever the log level: with port 0 it is the only way to know.
            eprintln!("cat1-sim: serial on tcp:{local}");
            serial::serve_tcp(&mut module, listener, args.log).map_err(|e| e.to_string())
        }
        SerialSpec::Stdio => serial::serve_stdio(&mut module).map_err(|e| e.to_string()),
        SerialSpec::Pty => serial::serve_pty(&mut module, args.log).map_err(|e| e.to_string()),
    }
}
