//! The application, board-independent: generic over an `embedded-io-async` UART, timed by
//! embassy-time. The board modules (`board::qemu`, `board::hw`) only build the UART and say how a
//! verdict ends the run.
//!
//! What it does (issue 7):
//!
//! 1. waits for the modem's banner (it may have been missed: the module can print it before the
//!    UART is enabled, so a timeout is not an error);
//! 2. enters command mode (the `+++` handshake when the module is known to be in its work mode,
//!    otherwise an `AT` probe first);
//! 3. reads identity (VER, IMEI, ICCID, SN) and signal (CSQ, SYSINFO);
//! 4. compares the compiled-in [`PROFILE`] with the module's settings and, if anything differs,
//!    sets what differs and saves with one `AT+S` (one restart); otherwise leaves with `AT+ENTM`;
//! 5. in NET mode: a telemetry line every [`config::TELEMETRY_PERIOD`]; lines from the server
//!    are answered (`PING` gets `PONG`; `DONE` asks for the verdict, `FAIL` fails it);
//! 6. recovers: the banner seen in the data stream means the module restarted (back to step 2);
//!    every [`config::LINK_CHECK_PERIOD`] a short visit to command mode reads `AT+SOCKALK?`,
//!    and after [`config::LINK_DEAD_LIMIT`] checks in a row with socket A down the module is
//!    restarted with `AT+Z`; any UART or protocol failure restarts the session after a pause.

use core::fmt::Write as _;
use core::future::Future;

use cat1_at_parse::{CommandLine, InfoLine};
use cat1_client::asynch::{Modem, Timer};
use cat1_client::{CommandError, EnterError, Listener, UartError};
use cat1_hal_traits::time::Instant;
use defmt::{Format, error, info, warn};
use embedded_io_async::{Read, Write};
use heapless::{String, Vec};

/// Compile-time configuration. Values come from environment variables at build time (so the
/// e2e test can point the firmware at its own server), with defaults for a real deployment.
pub mod config {
    use cat1_hal_traits::time::Duration;

    macro_rules! env_or {
        ($name:literal, $default:literal) => {
            match option_env!($name) {
                Some(v) => v,
                None => $default,
            }
        };
    }

    /// The module's start message (`AT+STMSG`, factory default on the WH-LTE-7S1).
    pub const BANNER: &[u8] = env_or!("CAT1_FW_BANNER", "WH-LTE-7S1").as_bytes();
    /// `AT+SOCKA` parameters: protocol, server, port.
    pub const SERVER: &str = env_or!("CAT1_FW_SERVER", "TCP,test.usr.cn,2317");
    /// `AT+APN` parameters: APN, user, password, authentication.
    pub const APN: &str = env_or!("CAT1_FW_APN", "CMNET,,,0");
    /// `AT+HEARTTM`: seconds of silence on the socket before the module sends a heartbeat.
    pub const HEARTBEAT_S: &str = env_or!("CAT1_FW_HEARTBEAT_S", "30");
    /// Between telemetry lines.
    pub const TELEMETRY_PERIOD: Duration =
        Duration::from_secs(parse(env_or!("CAT1_FW_TELEMETRY_S", "5")));
    /// Between link checks (a visit to command mode; data is held by the module meanwhile).
    pub const LINK_CHECK_PERIOD: Duration =
        Duration::from_secs(parse(env_or!("CAT1_FW_LINK_CHECK_S", "60")));
    /// Link checks in a row that find socket A down before the module is restarted.
    pub const LINK_DEAD_LIMIT: u32 = parse(env_or!("CAT1_FW_LINK_DEAD_LIMIT", "5")) as u32;
    /// How long to wait for the banner at power-on.
    pub const BANNER_WAIT: Duration =
        Duration::from_secs(parse(env_or!("CAT1_FW_BANNER_WAIT_S", "10")));
    /// Pause before a failed session is tried again.
    pub const RETRY_PAUSE: Duration = Duration::from_secs(2);

    /// A decimal number at compile time (a bad value fails the build).
    pub const fn parse(text: &str) -> u64 {
        let b = text.as_bytes();
        assert!(!b.is_empty(), "empty number in a CAT1_FW_* variable");
        let mut n: u64 = 0;
        let mut i = 0;
        while i < b.len() {
            assert!(
                b[i].is_ascii_digit(),
                "not a decimal number in a CAT1_FW_* variable"
            );
            n = n * 10 + (b[i] - b'0') as u64;
            i += 1;
        }
        n
    }
}

/// One setting of the profile: `AT+<name>=<value>`, checked with `AT+<name>?`.
#[derive(Clone, Copy)]
pub struct Setting {
    /// Command name without `AT+`.
    pub name: &'static [u8],
    /// Parameters as the module answers them to a query.
    pub value: &'static [u8],
}

const fn s(name: &'static str, value: &'static str) -> Setting {
    Setting {
        name: name.as_bytes(),
        value: value.as_bytes(),
    }
}

/// The compiled-in profile: NET mode, the APN, socket A (long TCP connection) to the server, a
/// registration packet carrying the IMEI on each connection, a heartbeat `HB\n` to the server.
/// Raw `AT+NAME=value` lines for now; typed commands (cat1-config) will replace them.
pub const PROFILE: &[Setting] = &[
    s("WKMOD", "NET"),
    s("APN", config::APN),
    s("SOCKAEN", "ON"),
    s("SOCKA", config::SERVER),
    s("SOCKASL", "LONG"),
    s("REGEN", "ON"),
    s("REGTP", "IMEI"),
    s("REGSND", "LINK"),
    s("HEARTEN", "ON"),
    s("HEARTTP", "NET"),
    s("HEARTSORT", "USER"),
    s("HEARTDT", "48420A"), // "HB\n"
    s("HEARTTM", config::HEARTBEAT_S),
];

/// cat1-client's [`Timer`] on embassy-time.
#[derive(Debug, Default, Clone, Copy)]
pub struct EmbassyTimer;

impl Timer for EmbassyTimer {
    fn now(&self) -> Instant {
        Instant::from_millis(embassy_time::Instant::now().as_millis())
    }

    fn wait_until(&mut self, deadline: Instant) -> impl Future<Output = ()> {
        // "Never" (Instant::MAX) must not overflow embassy's tick conversion.
        const FAR: u64 = 1 << 40;
        let ms = deadline.total_millis().min(FAR);
        embassy_time::Timer::at(embassy_time::Instant::from_millis(ms))
    }
}

/// What the module hands over that belongs to no exchange: lines are logged; data (bytes that
/// arrive while the client waits for silence or the banner) is kept for the NET loop.
#[derive(Default)]
pub struct Inbox {
    data: Vec<u8, 512>,
    dropped: u32,
    banners: u32,
}

impl Listener for Inbox {
    fn line(&mut self, line: &[u8]) {
        if line == config::BANNER {
            self.banners += 1;
            info!("modem banner (restart)");
        } else {
            info!("unsolicited: {=[u8]:a}", line);
        }
    }

    fn overflow(&mut self, dropped: usize) {
        warn!("line of {} bytes dropped (too long)", dropped);
    }

    fn data(&mut self, bytes: &[u8]) {
        for &b in bytes {
            if self.data.push(b).is_err() {
                self.dropped += 1;
            }
        }
    }
}

/// What the module told about itself.
#[derive(Default)]
pub struct Identity {
    /// `AT+IMEI?`.
    pub imei: String<20>,
    /// First `+CSQ` parameter (0-31, 99 unknown).
    pub csq: u8,
}

/// Running totals, reported with the verdict.
#[derive(Default, Debug, Format, Clone, Copy)]
pub struct Stats {
    /// Sessions started (boot, modem restarts, failures).
    pub sessions: u32,
    /// Profiles written and saved (`AT+S`).
    pub profiles_saved: u32,
    /// Telemetry lines written.
    pub telemetry: u32,
    /// `PING`s answered.
    pub pongs: u32,
    /// Other lines from the server.
    pub other_lines: u32,
    /// Module restarts seen in the data stream.
    pub modem_restarts: u32,
    /// Link checks, and those that found socket A down.
    pub link_checks: u32,
    /// Link checks that found socket A down.
    pub link_down: u32,
    /// Sessions that failed (UART, timeout, handshake).
    pub failures: u32,
}

/// Why a session ended.
#[derive(Debug, Format, Clone, Copy, PartialEq, Eq)]
enum End {
    /// The module restarted: it is in its saved work mode.
    ModemRestarted,
}

/// A failed step.
#[derive(Debug, Format)]
enum Fail<E> {
    Enter(EnterError<E>),
    Command(&'static str, CommandError<E>),
    Io(E),
    /// Application data not written: the UART failed or took no bytes.
    Write(UartError<E>),
}

/// How a run ends: the board decides (QEMU: semihosting exit; hardware: log and keep going).
pub type Finish = fn(bool);

/// The application over a UART `U`.
pub struct App<U> {
    modem: Modem<U, EmbassyTimer, Inbox>,
    id: Identity,
    stats: Stats,
    line: Vec<u8, 128>,
    finish: Finish,
    started: Instant,
}

/// What a line from the server asks for.
enum Action {
    None,
    Pong,
    Verdict(bool),
    ModemRestarted,
}

impl<U, E> App<U>
where
    U: Read<Error = E> + Write<Error = E>,
    E: embedded_io_async::Error + Format,
{
    /// The application on `uart`; `finish` is called with the verdict when the server asks.
    pub fn new(uart: U, finish: Finish) -> Self {
        let timer = EmbassyTimer;
        let started = timer.now();
        App {
            modem: Modem::new(uart, timer, Inbox::default()),
            id: Identity::default(),
            stats: Stats::default(),
            line: Vec::new(),
            finish,
            started,
        }
    }

    /// Runs forever.
    pub async fn run(&mut self) -> ! {
        info!(
            "cat1 firmware: server {=str}, telemetry every {} s, link check every {} s",
            config::SERVER,
            config::TELEMETRY_PERIOD.secs(),
            config::LINK_CHECK_PERIOD.secs()
        );
        let mut in_work_mode = self.wait_banner().await;
        loop {
            self.stats.sessions += 1;
            match self.session(in_work_mode).await {
                Ok(End::ModemRestarted) => {
                    self.stats.modem_restarts += 1;
                    warn!("modem restarted: setting up again");
                    in_work_mode = true;
                }
                Err(e) => {
                    self.stats.failures += 1;
                    error!(
                        "session failed: {}; again in {} s",
                        e,
                        config::RETRY_PAUSE.secs()
                    );
                    embassy_time::Timer::after_secs(config::RETRY_PAUSE.secs()).await;
                    // Unknown state: probe first.
                    in_work_mode = false;
                }
            }
        }
    }

    /// Waits for the banner; `true` if it came (the module is then in its saved work mode).
    async fn wait_banner(&mut self) -> bool {
        info!(
            "waiting up to {} s for the banner",
            config::BANNER_WAIT.secs()
        );
        let deadline = EmbassyTimer.now() + config::BANNER_WAIT;
        let mut buf = [0u8; 64];
        self.line.clear();
        loop {
            let now = EmbassyTimer.now();
            if now >= deadline {
                warn!("no banner (missed, or the module was already up)");
                return false;
            }
            let n = match self
                .modem
                .read_data(&mut buf, deadline.saturating_duration_since(now))
                .await
            {
                Ok(n) => n,
                Err(e) => {
                    warn!("UART error while waiting for the banner: {}", e);
                    continue;
                }
            };
            for &b in buf.iter().take(n) {
                if b == b'\n' || b == b'\r' {
                    if self.line.as_slice() == config::BANNER {
                        info!("banner: {=[u8]:a}", config::BANNER);
                        self.line.clear();
                        return true;
                    }
                    self.line.clear();
                } else if self.line.push(b).is_err() {
                    self.line.clear();
                }
            }
        }
    }

    async fn session(&mut self, in_work_mode: bool) -> Result<End, Fail<E>> {
        self.enter(in_work_mode).await?;
        self.read_identity().await?;
        self.apply_profile().await?;
        self.net_loop().await
    }

    async fn enter(&mut self, in_work_mode: bool) -> Result<(), Fail<E>> {
        if in_work_mode {
            // No AT probe: in NET mode it would reach the server as data.
            match self.modem.enter_command_mode_without_probe().await {
                Ok(()) => {
                    info!("command mode (handshake)");
                    return Ok(());
                }
                Err(e) => warn!("handshake failed ({}); probing", e),
            }
        }
        self.modem.enter_command_mode().await.map_err(Fail::Enter)?;
        info!("command mode");
        Ok(())
    }

    async fn read_identity(&mut self) -> Result<(), Fail<E>> {
        let mut v: Vec<u8, 64> = Vec::new();
        for (label, cmd) in [
            ("VER", CommandLine::query(b"VER")),
            ("IMEI", CommandLine::query(b"IMEI")),
            ("ICCID", CommandLine::query(b"ICCID")),
            ("SN", CommandLine::query(b"SN")),
            ("CSQ", CommandLine::execute(b"CSQ")),
            ("SYSINFO", CommandLine::query(b"SYSINFO")),
        ] {
            query(&mut self.modem, &cmd, &mut v)
                .await
                .map_err(|e| Fail::Command(label, e))?;
            info!("{=str}: {=[u8]:a}", label, v.as_slice());
            match label {
                "IMEI" => {
                    self.id.imei.clear();
                    for &b in v.iter().filter(|b| b.is_ascii_alphanumeric()) {
                        let _ = self.id.imei.push(b as char);
                    }
                }
                "CSQ" => self.id.csq = first_number(&v).unwrap_or(99),
                _ => {}
            }
        }
        Ok(())
    }

    /// Sets what differs from [`PROFILE`] and saves once; or leaves command mode if nothing does.
    async fn apply_profile(&mut self) -> Result<(), Fail<E>> {
        let mut current: Vec<u8, 64> = Vec::new();
        let mut changed = 0u32;
        for setting in PROFILE {
            let same = match query(
                &mut self.modem,
                &CommandLine::query(setting.name),
                &mut current,
            )
            .await
            {
                Ok(()) => same_value(&current, setting.value),
                Err(CommandError::Io(e)) => return Err(Fail::Io(e)),
                Err(e @ CommandError::WriteZero) => return Err(Fail::Command("query", e)),
                Err(e) => {
                    warn!("{=[u8]:a}? failed: {}", setting.name, e);
                    false
                }
            };
            if same {
                continue;
            }
            info!(
                "set {=[u8]:a}={=[u8]:a} (was {=[u8]:a})",
                setting.name,
                setting.value,
                current.as_slice()
            );
            self.modem
                .command(&CommandLine::set(setting.name, setting.value), |_| {})
                .await
                .map_err(|e| Fail::Command("profile", e))?;
            changed += 1;
        }
        if changed == 0 {
            info!("profile already in place; AT+ENTM");
            self.modem
                .leave_command_mode()
                .await
                .map_err(|e| Fail::Command("ENTM", e))?;
        } else {
            info!("{} settings changed; AT+S (save and restart)", changed);
            self.modem
                .save_and_restart(config::BANNER)
                .await
                .map_err(|e| Fail::Command("S", e))?;
            self.stats.profiles_saved += 1;
            info!("module restarted with the profile");
        }
        Ok(())
    }

    async fn net_loop(&mut self) -> Result<End, Fail<E>> {
        info!("NET mode");
        let timer = EmbassyTimer;
        let mut next_telemetry = timer.now() + config::TELEMETRY_PERIOD;
        let mut next_check = timer.now() + config::LINK_CHECK_PERIOD;
        let mut dead_checks = 0u32;
        let mut buf = [0u8; 64];
        self.line.clear();
        loop {
            // Data the client handed to the listener (during a guard silence or a restart).
            let held = core::mem::take(&mut self.modem.listener().data);
            if let Some(end) = self.feed(&held).await? {
                return Ok(end);
            }
            let now = timer.now();
            if now >= next_telemetry {
                self.telemetry().await?;
                next_telemetry = now + config::TELEMETRY_PERIOD;
            }
            if now >= next_check {
                if self.link_check().await? {
                    dead_checks = 0;
                } else {
                    dead_checks += 1;
                    if dead_checks >= config::LINK_DEAD_LIMIT {
                        warn!(
                            "socket A down for {} checks: restarting the module (AT+Z)",
                            dead_checks
                        );
                        self.modem
                            .restart_with(&CommandLine::execute(b"Z"), config::BANNER)
                            .await
                            .map_err(|e| Fail::Command("Z", e))?;
                        return Ok(End::ModemRestarted);
                    }
                }
                self.modem
                    .leave_command_mode()
                    .await
                    .map_err(|e| Fail::Command("ENTM", e))?;
                next_check = timer.now() + config::LINK_CHECK_PERIOD;
                continue;
            }
            let wake = next_telemetry.min(next_check);
            let n = self
                .modem
                .read_data(&mut buf, wake.saturating_duration_since(timer.now()))
                .await
                .map_err(Fail::Io)?;
            if let Some(end) = self.feed(&buf[..n.min(buf.len())]).await? {
                return Ok(end);
            }
        }
    }

    /// Splits server data into lines and acts on them.
    async fn feed(&mut self, bytes: &[u8]) -> Result<Option<End>, Fail<E>> {
        for &b in bytes {
            if b != b'\n' && b != b'\r' {
                if self.line.push(b).is_err() {
                    warn!("line from the server too long: dropped");
                    self.line.clear();
                }
                continue;
            }
            if self.line.is_empty() {
                continue;
            }
            let action = self.classify();
            self.line.clear();
            match action {
                Action::None => {}
                Action::Pong => {
                    self.modem.write_data(b"PONG\n").await.map_err(Fail::Write)?;
                    self.stats.pongs += 1;
                    info!("PING -> PONG ({})", self.stats.pongs);
                }
                Action::Verdict(asked) => self.verdict(asked),
                Action::ModemRestarted => return Ok(Some(End::ModemRestarted)),
            }
        }
        Ok(None)
    }

    fn classify(&mut self) -> Action {
        let line = self.line.as_slice();
        if line == config::BANNER {
            return Action::ModemRestarted;
        }
        match line {
            b"PING" => Action::Pong,
            b"DONE" => Action::Verdict(true),
            b"FAIL" => Action::Verdict(false),
            _ => {
                self.stats.other_lines += 1;
                info!("from server: {=[u8]:a}", line);
                Action::None
            }
        }
    }

    /// The server ended the test: the verdict is ours (identity read, telemetry sent, a PING
    /// answered) unless the server reports a failure.
    fn verdict(&mut self, server_ok: bool) {
        let ok = server_ok
            && !self.id.imei.is_empty()
            && self.stats.telemetry > 0
            && self.stats.pongs > 0;
        info!("stats: {}", self.stats);
        info!("client counters: {}", self.modem.counters());
        let inbox = self.modem.listener();
        info!(
            "banners seen by the client: {}, held data dropped: {} bytes",
            inbox.banners, inbox.dropped
        );
        if ok {
            info!("verdict: PASS");
        } else {
            error!("verdict: FAIL (server ok: {})", server_ok);
        }
        (self.finish)(ok);
    }

    async fn telemetry(&mut self) -> Result<(), Fail<E>> {
        let mut text: String<96> = String::new();
        let up = EmbassyTimer
            .now()
            .saturating_duration_since(self.started)
            .secs();
        let _ = writeln!(
            text,
            "TLM seq={} imei={} csq={} up={}",
            self.stats.telemetry + 1,
            self.id.imei.as_str(),
            self.id.csq,
            up
        );
        self.modem
            .write_data(text.as_bytes())
            .await
            .map_err(Fail::Write)?;
        self.stats.telemetry += 1;
        info!("telemetry {}", self.stats.telemetry);
        Ok(())
    }

    /// Visits command mode: `AT+SOCKALK?` and `AT+CSQ`. Returns whether socket A is connected;
    /// the module is left in command mode (the caller leaves or restarts it).
    async fn link_check(&mut self) -> Result<bool, Fail<E>> {
        self.stats.link_checks += 1;
        self.enter(true).await?;
        let mut v: Vec<u8, 64> = Vec::new();
        query(&mut self.modem, &CommandLine::query(b"SOCKALK"), &mut v)
            .await
            .map_err(|e| Fail::Command("SOCKALK", e))?;
        let up = v.eq_ignore_ascii_case(b"Connected");
        if let Ok(()) = query(&mut self.modem, &CommandLine::execute(b"CSQ"), &mut v).await {
            self.id.csq = first_number(&v).unwrap_or(99);
        }
        if !up {
            self.stats.link_down += 1;
        }
        info!(
            "link check: socket A {=str}, csq {}",
            if up { "up" } else { "down" },
            self.id.csq
        );
        Ok(up)
    }
}

/// Runs `cmd` and keeps its information lines' parameters in `out` (joined with `,`).
async fn query<U, E>(
    modem: &mut Modem<U, EmbassyTimer, Inbox>,
    cmd: &CommandLine<'_>,
    out: &mut Vec<u8, 64>,
) -> Result<(), CommandError<E>>
where
    U: Read<Error = E> + Write<Error = E>,
{
    out.clear();
    modem
        .command(cmd, |info: InfoLine<'_>| {
            if !out.is_empty() {
                let _ = out.push(b',');
            }
            for &b in info.raw_params() {
                let _ = out.push(b);
            }
        })
        .await
}

/// A module's answer and a profile value are the same setting: ASCII case and quotes ignored
/// (older firmware answers `on`, or quotes strings).
fn same_value(answer: &[u8], wanted: &[u8]) -> bool {
    let mut a = answer.iter().filter(|&&b| b != b'"');
    let mut w = wanted.iter().filter(|&&b| b != b'"');
    loop {
        match (a.next(), w.next()) {
            (None, None) => return true,
            (Some(x), Some(y)) if x.eq_ignore_ascii_case(y) => {}
            _ => return false,
        }
    }
}

fn first_number(text: &[u8]) -> Option<u8> {
    let field = text.split(|&b| b == b',').next()?;
    let field = field.trim_ascii();
    if field.is_empty() || field.len() > 3 || !field.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let n = field
        .iter()
        .fold(0u32, |n, &d| n * 10 + u32::from(d - b'0'));
    u8::try_from(n).ok()
}
