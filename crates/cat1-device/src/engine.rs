//! The engine: one module's state, fed serial bytes and the time, answering through a [`Sink`].

use cat1_at_parse::{LineBuffer, LineEvent, MAX_LINE, Response, Status};
use cat1_config::keywords::WorkMode;
use cat1_config::persist::{self, MAX_RECORD, Saved};
use cat1_config::{Config, Model};
use cat1_hal_traits::restart::{Restart, RestartReason};
use cat1_hal_traits::time::{Duration, Instant};
use cat1_socket::netat::network_at_command;
use cat1_socket::packing::{MAX_PACKET, Packer, PackingSettings};

use crate::handshake::{Handshake, Step};
use crate::httpd::{HttpCounters, Httpd};
use crate::net::Net;
use crate::reply::Reply;
use crate::services::{Event, Services, Sink};

/// Wrong login passwords in a row that start the lockout (`AT+SIGNINAT`, protocol-notes §11).
pub const LOGIN_ATTEMPTS: u8 = 5;

/// How long login attempts are refused after [`LOGIN_ATTEMPTS`] wrong passwords. Divided by
/// [`Options::timer_divisor`] like every timer counted in seconds.
pub const LOCKOUT: Duration = Duration::from_secs(60);

/// How the engine is built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Options {
    /// The module: decides the factory configuration.
    pub model: Model,
    /// Every timer counted in seconds or minutes (heartbeat, reconnect, short connection,
    /// no-data restart, HTTP timeout, NTP period, login lockout) runs this many times faster.
    /// `1` on a real module; the simulator's `--time-scale`. Serial timing (packing, the `+++`
    /// guard) is never scaled.
    pub timer_divisor: u32,
    /// How long a restart takes before the banner: zero on real hardware (the restart service
    /// does not return, and the new start prints the banner); a simulator sets a short delay,
    /// as a real module needs seconds, so that the banner never arrives in the same read as
    /// the `OK` before it. Serial input during the restart is lost, as on a module.
    pub boot_delay: Duration,
}

impl Options {
    /// A real module of `model`: timers at their stated length.
    pub const fn new(model: Model) -> Self {
        Options {
            model,
            timer_divisor: 1,
            boot_delay: Duration::ZERO,
        }
    }
}

/// Running totals, for logs, tests and the soak test. They saturate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Counters {
    /// Starts, the first power-on included.
    pub boots: u32,
    /// Handshakes that reached command mode.
    pub handshakes: u32,
    /// Handshakes that failed (their bytes went on as data).
    pub failed_handshakes: u32,
    /// Command lines answered (serial, password-prefixed, network, SMS).
    pub commands: u32,
    /// Command-mode lines longer than the line buffer, dropped whole.
    pub line_overflows: u32,
    /// Wrong login passwords.
    pub login_failures: u32,
    /// Lockouts started.
    pub lockouts: u32,
    /// Login attempts refused during a lockout.
    pub login_refusals: u32,
    /// Serial packets the work mode could not take.
    pub serial_dropped: u32,
    /// SMS sent (SMS mode packets and SMS AT answers).
    pub sms_sent: u32,
    /// SMS received.
    pub sms_received: u32,
    /// Received SMS dropped (see `sms.rs`).
    pub sms_dropped: u32,
}

/// Where a command line came from: decides login, echo and where the answer goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Origin {
    /// The serial command session (after `+++`, or the CMD work mode): login applies.
    Session,
    /// `<password>AT…` over serial in a transparent mode (UATEN).
    SerialPassword,
    /// `<password>AT…\r` from a socket (NATEN).
    Network,
    /// `<password>AT…` by SMS.
    Sms,
}

/// What to do once the answer is out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum After {
    Nothing,
    Restart(RestartReason),
    WorkMode,
}

/// The login state of the serial session (protocol-notes §11 plus the lockout of issue 5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Login {
    pub(crate) logged_in: bool,
    pub(crate) failures: u8,
    pub(crate) locked_until: Option<Instant>,
}

/// A Cat-1 module.
///
/// Sans-IO: the caller feeds serial bytes with [`Engine::handle_serial`], calls [`Engine::poll`]
/// when [`Engine::poll_at`] says, and passes the services each time. Output goes to a [`Sink`].
///
/// Configuration (errata #36): `saved` is what storage holds and what runs; `pending` is what
/// set commands change and queries show. `AT+S` saves `pending` and restarts; `AT+Z` restarts
/// from `saved`; `AT+ENTM` returns to the work mode with `saved` running and `pending` kept.
#[derive(Debug)]
pub struct Engine {
    pub(crate) options: Options,
    pub(crate) saved: Config,
    pub(crate) pending: Config,
    saved_at: Option<Saved>,
    powered: bool,
    /// Set while a restart is under way: the module starts again at this instant.
    booting_until: Option<Instant>,
    command_mode: bool,
    /// Echo of the command session: `AT+E` acts on it at once (errata #36).
    pub(crate) echo: bool,
    pub(crate) login: Login,
    lines: LineBuffer<MAX_LINE>,
    handshake: Handshake,
    packer: Packer<MAX_PACKET>,
    pub(crate) net: Net,
    httpd: Httpd,
    pub(crate) counters: Counters,
}

impl Engine {
    /// A module that is powered off; call [`Engine::power_on`].
    pub fn new(options: Options) -> Self {
        let factory = Config::factory(options.model);
        Engine {
            options,
            pending: factory.clone(),
            saved: factory,
            saved_at: None,
            powered: false,
            booting_until: None,
            command_mode: false,
            echo: true,
            login: Login::default(),
            lines: LineBuffer::new(),
            handshake: Handshake::new(),
            packer: Packer::new(PackingSettings {
                silence: Duration::from_millis(50),
                max_len: 1024,
            }),
            net: Net::new(),
            httpd: Httpd::new(),
            counters: Counters::default(),
        }
    }

    /// Powers the module on: loads the saved configuration (the factory one when storage holds
    /// none), prints the banner and starts the saved work mode (protocol-notes §2).
    pub fn power_on<S: Services, O: Sink>(&mut self, now: Instant, svc: &mut S, out: &mut O) {
        let mut buf = [0u8; MAX_RECORD];
        match persist::load(svc.storage(), &mut buf) {
            Ok(loaded) => {
                self.saved = loaded.config;
                self.saved_at = Some(loaded.saved);
            }
            Err(_) => {
                self.saved = Config::factory(self.options.model);
                self.saved_at = None;
                out.event(Event::FactoryConfigUsed);
            }
        }
        self.pending = self.saved.clone();
        self.powered = true;
        self.booting_until = None;
        self.echo = self.saved.echo;
        self.login = Login::default();
        self.lines.clear_pending();
        self.handshake.reset();
        self.packer = Packer::new(self.packing_settings());
        self.counters.boots = self.counters.boots.saturating_add(1);
        let mut banner = [0u8; 32];
        if let Ok(n) = Response::Banner(self.saved.startup_message.as_bytes()).emit(&mut banner) {
            out.serial(banner.get(..n).unwrap_or(&[]));
        }
        let mode = self.saved.work_mode;
        self.command_mode = mode == WorkMode::Cmd;
        out.event(Event::Booted(mode));
        self.start_work_mode(now, svc, out);
    }

    /// Powers the module off: sockets closed, nothing more is written.
    pub fn power_off<S: Services>(&mut self, svc: &mut S) {
        self.net.stop(svc);
        self.httpd.stop(svc);
        self.powered = false;
        self.booting_until = None;
    }

    /// Whether the module is powered.
    pub fn is_powered(&self) -> bool {
        self.powered
    }

    /// Whether the serial line is in command mode (temporary, or the CMD work mode).
    pub fn is_command_mode(&self) -> bool {
        self.command_mode
    }

    /// The configuration that runs (the saved one).
    pub fn saved_config(&self) -> &Config {
        &self.saved
    }

    /// The configuration that queries show and `AT+S` saves.
    pub fn pending_config(&self) -> &Config {
        &self.pending
    }

    /// The running totals.
    pub fn counters(&self) -> Counters {
        self.counters
    }

    /// The network side (sockets, cache, counters).
    pub fn net(&self) -> &Net {
        &self.net
    }

    /// The totals of HTTPD mode.
    pub fn http_counters(&self) -> HttpCounters {
        self.httpd.counters()
    }

    /// Whether the serial session is logged in (meaningful with `AT+SAFEATEN=ON`).
    pub fn is_logged_in(&self) -> bool {
        self.login.logged_in
    }

    pub(crate) fn scaled(&self, d: Duration) -> Duration {
        Duration::from_millis(d.total_millis() / u64::from(self.options.timer_divisor.max(1)))
    }

    fn packing_settings(&self) -> PackingSettings {
        PackingSettings {
            silence: self.silence(),
            max_len: usize::from(self.saved.uart.pack_len),
        }
    }

    fn silence(&self) -> Duration {
        Duration::from_millis(u64::from(self.saved.uart.pack_time_ms))
    }

    fn start_work_mode<S: Services, O: Sink>(&mut self, now: Instant, svc: &mut S, out: &mut O) {
        self.net.stop(svc);
        self.httpd.stop(svc);
        let divisor = self.options.timer_divisor;
        match self.saved.work_mode {
            WorkMode::Net => {
                let cfg = self.saved.clone();
                self.net.start(&cfg, divisor, now, svc, out);
            }
            WorkMode::Httpd => self.httpd.start(divisor),
            WorkMode::Cmd | WorkMode::Sms => {}
        }
    }

    /// Serial bytes that arrived at `now`.
    pub fn handle_serial<S: Services, O: Sink>(
        &mut self,
        bytes: &[u8],
        now: Instant,
        svc: &mut S,
        out: &mut O,
    ) {
        if !self.powered {
            return;
        }
        self.flush_packer(now, svc, out);
        let mut rest = bytes;
        while !rest.is_empty() && self.powered {
            if self.command_mode {
                rest = self.command_input(rest, now, svc, out);
            } else {
                self.transparent_input(rest, now, svc, out);
                rest = &[];
            }
        }
    }

    /// Runs what is due at `now`: handshake and packing timers, the network.
    pub fn poll<S: Services, O: Sink>(&mut self, now: Instant, svc: &mut S, out: &mut O) {
        if let Some(until) = self.booting_until {
            if now >= until {
                self.power_on(now, svc, out);
            }
            return;
        }
        if !self.powered {
            return;
        }
        if let Some(held) = self.handshake.poll(now, self.silence()) {
            self.handshake_failed(held, now, svc, out);
        }
        self.flush_packer(now, svc, out);
        let action = self
            .net
            .poll(&self.saved, now, svc, out, !self.command_mode);
        self.after_net(action, now, svc, out);
        if self.powered {
            self.poll_sms(now, svc, out);
        }
        if self.powered {
            self.httpd
                .poll(&self.saved, now, svc, out, !self.command_mode);
        }
    }

    /// When [`Engine::poll`] must be called next (it may be called more often).
    pub fn poll_at(&self) -> Option<Instant> {
        if self.booting_until.is_some() {
            return self.booting_until;
        }
        if !self.powered {
            return None;
        }
        [
            self.handshake.poll_at(self.silence()),
            self.packer.poll_at(),
            self.net.poll_at(),
            self.httpd.poll_at(),
        ]
        .into_iter()
        .flatten()
        .min()
    }

    fn after_net<S: Services, O: Sink>(
        &mut self,
        action: crate::net::NetOutcome,
        now: Instant,
        svc: &mut S,
        out: &mut O,
    ) {
        match action {
            crate::net::NetOutcome::Nothing => {}
            crate::net::NetOutcome::Restart(reason) => self.restart(reason, now, svc, out),
            crate::net::NetOutcome::Command { socket, len } => {
                let mut line = [0u8; MAX_LINE];
                let len = len.min(MAX_LINE);
                let copied = self
                    .net
                    .take_command(line.get_mut(..len).unwrap_or(&mut []));
                let mut reply = Reply::new();
                let text = line.get(..copied).unwrap_or(&[]);
                let after = self.run_line(text, Origin::Network, now, svc, out, &mut reply);
                self.net.send_reply(socket, reply.as_bytes(), svc, out);
                self.finish(after, now, svc, out);
            }
        }
    }

    /// Command mode: echo, assemble lines, answer each. Returns the bytes left when the mode
    /// changed in the middle of the chunk.
    fn command_input<'b, S: Services, O: Sink>(
        &mut self,
        bytes: &'b [u8],
        now: Instant,
        svc: &mut S,
        out: &mut O,
    ) -> &'b [u8] {
        self.handshake.saw_bytes(now);
        let mut rest = bytes;
        loop {
            let mut line = [0u8; MAX_LINE];
            let (used, got) = match self.lines.feed(rest) {
                Status::Partial => {
                    if self.echo {
                        out.serial(rest);
                    }
                    return &[];
                }
                Status::Complete(LineEvent::Line(l), used) => {
                    let n = l.len().min(MAX_LINE);
                    if let (Some(dst), Some(src)) = (line.get_mut(..n), l.get(..n)) {
                        dst.copy_from_slice(src);
                    }
                    (used, Some(n))
                }
                Status::Complete(LineEvent::Overflow { .. }, used) => (used, None),
            };
            let (done, after_line) = rest.split_at(used.min(rest.len()));
            rest = after_line;
            if self.echo {
                out.serial(done);
            }
            let mut reply = Reply::new();
            let after = match got {
                Some(n) => {
                    let text = line.get(..n).unwrap_or(&[]);
                    self.run_line(text, Origin::Session, now, svc, out, &mut reply)
                }
                None => {
                    // Decision: a line longer than any command is answered `ERROR`, like a
                    // line that is not an AT command (its start is gone, nothing can be said
                    // of it), and counted.
                    self.counters.line_overflows = self.counters.line_overflows.saturating_add(1);
                    reply.error();
                    After::Nothing
                }
            };
            out.serial(reply.as_bytes());
            self.finish(after, now, svc, out);
            if !self.command_mode || !self.powered {
                return rest;
            }
            if rest.is_empty() {
                return rest;
            }
        }
    }

    fn finish<S: Services, O: Sink>(
        &mut self,
        after: After,
        now: Instant,
        svc: &mut S,
        out: &mut O,
    ) {
        match after {
            After::Nothing => {}
            After::Restart(reason) => self.restart(reason, now, svc, out),
            After::WorkMode => {
                if self.saved.work_mode != WorkMode::Cmd && self.command_mode {
                    self.command_mode = false;
                    self.lines.clear_pending();
                    self.handshake.reset();
                    out.event(Event::WorkMode(self.saved.work_mode));
                    // Data kept from the network while in command mode goes out now.
                    self.net.flush_held(out);
                    self.httpd.flush_held(&self.saved, out);
                }
            }
        }
    }

    /// Restarts: the answer is already out. The service restarts real hardware (and does not
    /// return); elsewhere the engine models the restart by booting again.
    pub(crate) fn restart<S: Services, O: Sink>(
        &mut self,
        reason: RestartReason,
        now: Instant,
        svc: &mut S,
        out: &mut O,
    ) {
        out.event(Event::Restarting(reason));
        self.power_off(svc);
        // A failing restart service cannot stop the module from starting again.
        let _ = svc.restarter().restart(reason);
        if self.options.boot_delay == Duration::ZERO {
            self.power_on(now, svc, out);
        } else {
            self.booting_until = Some(now.saturating_add(self.options.boot_delay));
        }
    }

    /// Saves `config` to storage (the alternate slot).
    pub(crate) fn save<S: Services, O: Sink>(
        &mut self,
        config: &Config,
        svc: &mut S,
        out: &mut O,
    ) -> bool {
        let mut buf = [0u8; MAX_RECORD];
        match persist::save(svc.storage(), config, self.saved_at, &mut buf) {
            Ok(saved) => {
                self.saved_at = Some(saved);
                out.event(Event::Saved);
                true
            }
            Err(_) => {
                out.event(Event::SaveFailed);
                false
            }
        }
    }

    /// A transparent mode: the handshake watch, then packing.
    fn transparent_input<S: Services, O: Sink>(
        &mut self,
        bytes: &[u8],
        now: Instant,
        svc: &mut S,
        out: &mut O,
    ) {
        let pending = self.packer.pending() > 0;
        match self.handshake.feed(bytes, now, self.silence(), pending) {
            Step::Held => {}
            Step::SendA => out.serial(b"a"),
            Step::Entered => {
                out.serial(b"+ok");
                self.command_mode = true;
                self.lines.clear_pending();
                self.counters.handshakes = self.counters.handshakes.saturating_add(1);
                out.event(Event::CommandMode);
            }
            Step::Data { held } => {
                if held > 0 {
                    self.counters.failed_handshakes =
                        self.counters.failed_handshakes.saturating_add(1);
                    out.event(Event::HandshakeFailed);
                    self.pack(
                        PLUSES.get(..usize::from(held)).unwrap_or(&[]),
                        now,
                        svc,
                        out,
                    );
                }
                self.pack(bytes, now, svc, out);
            }
        }
    }

    fn handshake_failed<S: Services, O: Sink>(
        &mut self,
        held: u8,
        now: Instant,
        svc: &mut S,
        out: &mut O,
    ) {
        self.counters.failed_handshakes = self.counters.failed_handshakes.saturating_add(1);
        out.event(Event::HandshakeFailed);
        self.pack(
            PLUSES.get(..usize::from(held)).unwrap_or(&[]),
            now,
            svc,
            out,
        );
    }

    fn pack<S: Services, O: Sink>(&mut self, bytes: &[u8], now: Instant, svc: &mut S, out: &mut O) {
        let mut rest = bytes;
        loop {
            let mut packet = [0u8; MAX_PACKET];
            let (n, used) = match self.packer.feed(rest, now) {
                Status::Partial => return,
                Status::Complete(p, used) => (copy_into(&mut packet, p), used),
            };
            rest = rest.get(used..).unwrap_or(&[]);
            self.deliver(packet.get(..n).unwrap_or(&[]), now, svc, out);
            if !self.powered || self.command_mode {
                return;
            }
        }
    }

    fn flush_packer<S: Services, O: Sink>(&mut self, now: Instant, svc: &mut S, out: &mut O) {
        let mut packet = [0u8; MAX_PACKET];
        let n = match self.packer.poll(now) {
            Some(p) => copy_into(&mut packet, p),
            None => return,
        };
        self.deliver(packet.get(..n).unwrap_or(&[]), now, svc, out);
    }

    /// One serial packet in a transparent work mode.
    fn deliver<S: Services, O: Sink>(
        &mut self,
        packet: &[u8],
        now: Instant,
        svc: &mut S,
        out: &mut O,
    ) {
        let password = self.saved.command_password.clone();
        if let Some(line) = network_at_command(packet, password.as_bytes(), self.saved.serial_at) {
            // Password-prefixed AT on serial (UATEN, protocol-notes §3): answered on serial,
            // without echo, no login needed.
            let mut reply = Reply::new();
            let after = self.run_line(line, Origin::SerialPassword, now, svc, out, &mut reply);
            out.serial(reply.as_bytes());
            self.finish(after, now, svc, out);
            return;
        }
        let taken = match self.saved.work_mode {
            WorkMode::Net => {
                let cfg = &self.saved;
                self.net.serial_packet(cfg, packet, now, svc, out)
            }
            WorkMode::Httpd => {
                let cfg = &self.saved;
                self.httpd.serial_packet(cfg, packet, now, svc, out)
            }
            WorkMode::Sms => {
                let sent =
                    crate::sms::send(svc.sms(), self.saved.sms.destination.as_bytes(), packet);
                if sent {
                    self.counters.sms_sent = self.counters.sms_sent.saturating_add(1);
                    out.event(Event::SmsSent);
                }
                sent
            }
            WorkMode::Cmd => false,
        };
        if !taken {
            self.counters.serial_dropped = self.counters.serial_dropped.saturating_add(1);
            out.event(Event::SerialDropped { len: packet.len() });
        }
    }
}

impl Engine {
    /// Received SMS: SMS AT, or the SMS work mode's data (decisions in `sms.rs`).
    fn poll_sms<S: Services, O: Sink>(&mut self, now: Instant, svc: &mut S, out: &mut O) {
        use crate::sms::{MAX_NUMBER, MAX_SMS_TEXT, SMS_PER_POLL, sms_at_command};
        use cat1_hal_traits::sms::Sms as _;
        for _ in 0..SMS_PER_POLL {
            if !self.powered {
                return;
            }
            let mut number = [0u8; MAX_NUMBER];
            let mut text = [0u8; MAX_SMS_TEXT];
            let got = match svc.sms().receive(&mut number, &mut text) {
                Ok(Some(got)) => got,
                Ok(None) | Err(_) => return,
            };
            self.counters.sms_received = self.counters.sms_received.saturating_add(1);
            out.event(Event::SmsReceived);
            let number = number.get(..got.sender_len.min(MAX_NUMBER)).unwrap_or(&[]);
            let text = text.get(..got.text_len.min(MAX_SMS_TEXT)).unwrap_or(&[]);
            let password = self.saved.command_password.clone();
            if let Some(line) = sms_at_command(text, password.as_bytes()) {
                let mut reply = Reply::new();
                let after = self.run_line(line, Origin::Sms, now, svc, out, &mut reply);
                if crate::sms::send(svc.sms(), number, reply.as_bytes()) {
                    self.counters.sms_sent = self.counters.sms_sent.saturating_add(1);
                    out.event(Event::SmsSent);
                }
                self.finish(after, now, svc, out);
                continue;
            }
            let sms = &self.saved.sms;
            let wanted = self.saved.work_mode == WorkMode::Sms
                && !self.command_mode
                && (!sms.filter || number == sms.destination.as_bytes());
            if wanted {
                out.serial(text);
            } else {
                self.counters.sms_dropped = self.counters.sms_dropped.saturating_add(1);
                out.event(Event::SmsDropped);
            }
        }
    }
}

const PLUSES: &[u8; 3] = b"+++";

fn copy_into(dst: &mut [u8], src: &[u8]) -> usize {
    let n = src.len().min(dst.len());
    if let (Some(d), Some(s)) = (dst.get_mut(..n), src.get(..n)) {
        d.copy_from_slice(s);
    }
    n
}
