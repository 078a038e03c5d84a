//! The command line of `cat1-sim`.

use std::path::PathBuf;

use cat1_config::Model;

use crate::module::LogLevel;
use crate::profile::Profile;

/// Where the serial port is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SerialSpec {
    /// stdin and stdout.
    Stdio,
    /// A TCP listener; a client connecting powers the module on.
    Tcp(String),
    /// A pseudo-terminal; its path is printed.
    Pty,
}

/// Everything the command line says.
#[derive(Debug, Clone)]
pub struct Args {
    /// `--model`.
    pub model: Model,
    /// `--serial`.
    pub serial: SerialSpec,
    /// `--state`.
    pub state: Option<PathBuf>,
    /// `--time-scale`.
    pub time_scale: u32,
    /// `--sms tcp:HOST:PORT`.
    pub sms: Option<String>,
    /// `--log`.
    pub log: LogLevel,
    /// `--ntp-port`: the UDP port of the NTP servers (123).
    pub ntp_port: u16,
    /// Identity and radio values (`--profile FILE` and the value flags).
    pub profile: Profile,
}

/// The usage text.
pub const USAGE: &str = "\
usage: cat1-sim [--model 7s1|dr502|g771] [--serial stdio | --serial tcp:HOST:PORT | --serial pty]
                [--state FILE] [--time-scale N] [--sms tcp:HOST:PORT] [--log off|error|info|debug]
                [--ntp-port N]
                [--profile FILE] [--sn S] [--imei S] [--iccid S] [--ver S] [--build S] [--csq R,B]
                [--sysinfo LTE|GSM|NONE] [--cip A.B.C.D] [--cnum S] [--lac HEX] [--cid N]
                [--lng X] [--lat Y] [--address S] [--gps-fix true|false]
defaults: --model 7s1 --serial tcp:127.0.0.1:2317 --time-scale 1 --log info";

impl Args {
    /// Parses the arguments after the program name.
    pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Args, String> {
        let mut out = Args {
            model: Model::WhLte7s1,
            serial: SerialSpec::Tcp("127.0.0.1:2317".into()),
            state: None,
            time_scale: 1,
            sms: None,
            log: LogLevel::Info,
            ntp_port: 123,
            profile: Profile::default(),
        };
        let mut it = args.into_iter();
        while let Some(flag) = it.next() {
            if flag == "-h" || flag == "--help" {
                return Err(USAGE.into());
            }
            let name = flag
                .strip_prefix("--")
                .ok_or_else(|| format!("unexpected argument {flag:?}\n{USAGE}"))?;
            let value = it
                .next()
                .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?;
            match name {
                "model" => {
                    out.model = match value.to_ascii_lowercase().as_str() {
                        "7s1" | "wh-lte-7s1" => Model::WhLte7s1,
                        "dr502" => Model::Dr502,
                        "g771" => Model::G771,
                        _ => return Err(format!("unknown model {value:?}")),
                    }
                }
                "serial" => {
                    out.serial = if value == "stdio" {
                        SerialSpec::Stdio
                    } else if value == "pty" {
                        SerialSpec::Pty
                    } else if let Some(addr) = value.strip_prefix("tcp:") {
                        SerialSpec::Tcp(addr.into())
                    } else {
                        return Err(format!("bad --serial {value:?}\n{USAGE}"));
                    }
                }
                "state" => out.state = Some(value.into()),
                "time-scale" => {
                    out.time_scale = value
                        .parse()
                        .ok()
                        .filter(|&n| n >= 1)
                        .ok_or_else(|| format!("bad --time-scale {value:?}"))?
                }
                "sms" => {
                    let addr = value
                        .strip_prefix("tcp:")
                        .ok_or_else(|| format!("bad --sms {value:?}"))?;
                    out.sms = Some(addr.into());
                }
                "ntp-port" => {
                    out.ntp_port = value
                        .parse()
                        .ok()
                        .filter(|&n| n >= 1)
                        .ok_or_else(|| format!("bad --ntp-port {value:?}"))?
                }
                "log" => {
                    out.log =
                        LogLevel::parse(&value).ok_or_else(|| format!("bad --log {value:?}"))?
                }
                "profile" => {
                    let text =
                        std::fs::read_to_string(&value).map_err(|e| format!("{value}: {e}"))?;
                    out.profile.load_file(&text)?;
                }
                key => out.profile.set(key, &value)?,
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<Args, String> {
        Args::parse(s.split_whitespace().map(String::from))
    }

    #[test]
    fn flags() {
        let a =
            parse("--model g771 --serial stdio --time-scale 60 --imei 123456789012345").unwrap();
        assert_eq!(a.model, Model::G771);
        assert_eq!(a.serial, SerialSpec::Stdio);
        assert_eq!(a.time_scale, 60);
        assert_eq!(a.profile.imei, "123456789012345");
        assert!(parse("--time-scale 0").is_err());
        assert!(parse("--serial usb").is_err());
        assert!(parse("--nope 1").is_err());
        assert_eq!(
            parse("--serial tcp:0.0.0.0:9").unwrap().serial,
            SerialSpec::Tcp("0.0.0.0:9".into())
        );
    }
}
