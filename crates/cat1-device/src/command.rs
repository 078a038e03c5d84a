//! The command interpreter: one line in, one answer out, through cat1-config for every setting
//! and through the services for every piece of live information.

use cat1_at_parse::{CommandLine, Form, LineError, Writer, unquote};
use cat1_config::info::{Clock, Cnum, LbsCell, LbsPosition, LinkState, SysInfo, TextInfo};
use cat1_config::validate::{Action, check};
use cat1_config::{CommandId, Config, Value, render_test};
use cat1_hal_traits::identity::Identity;
use cat1_hal_traits::net::SocketId;
use cat1_hal_traits::radio::{AccessMode, Cell, Radio};
use cat1_hal_traits::restart::RestartReason;
use cat1_hal_traits::time::Instant;
use cat1_hal_traits::wallclock::{DateTime, WallClock};

use crate::code;
use crate::engine::{After, Engine, LOCKOUT, LOGIN_ATTEMPTS, Origin};
use crate::reply::Reply;
use crate::services::{Event, Positioning, Services, Sink};

/// Neighbour cells listed by `AT+LBSN?` at most.
const MAX_NEIGHBOURS: usize = 6;

impl Engine {
    /// Runs one command line from `origin`; writes its answer into `reply` and says what must
    /// follow once the answer is out.
    pub(crate) fn run_line<S: Services, O: Sink>(
        &mut self,
        text: &[u8],
        origin: Origin,
        now: Instant,
        svc: &mut S,
        out: &mut O,
        reply: &mut Reply,
    ) -> After {
        let line = match CommandLine::parse(text) {
            Ok(line) => line,
            Err(LineError::Empty) => return After::Nothing,
            Err(e) => {
                // errata #5: not AT at all gets ERROR, an ill-formed AT line gets 58.
                match e.cme_code() {
                    Some(c) => reply.cme(c),
                    None => reply.error(),
                }
                return After::Nothing;
            }
        };
        self.counters.commands = self.counters.commands.saturating_add(1);
        if origin == Origin::Session && self.login_gate(&line, now, out, reply) {
            return After::Nothing;
        }
        let checked = match check(&line) {
            Ok(c) => c,
            Err(c) => {
                reply.cme(c.0);
                return After::Nothing;
            }
        };
        let spec = checked.spec;
        match checked.action {
            Action::Test => {
                reply.info(|w| {
                    let _ = render_test(spec.name.as_bytes(), w);
                });
                After::Nothing
            }
            Action::Query if spec.setting => {
                let pending = &self.pending;
                reply.info(|w| {
                    let _ = pending.render_query(spec.name.as_bytes(), w);
                });
                After::Nothing
            }
            Action::Query => {
                self.information(spec.id, now, svc, reply);
                After::Nothing
            }
            Action::Execute => self.action(spec.id, svc, out, reply),
            Action::Set(values) if spec.setting => {
                match self.pending.store(spec, &values) {
                    Ok(_) => {
                        if spec.id == CommandId::E && origin == Origin::Session {
                            // errata #36: echo acts on the session at once.
                            self.echo = self.pending.echo;
                        }
                        reply.ok();
                    }
                    Err(c) => reply.cme(c.0),
                }
                After::Nothing
            }
            Action::Set(values) => {
                match spec.id {
                    CommandId::Lbs => {
                        let with_address = values.get(0) == Some(Value::Int(2));
                        self.lbs_position(with_address, svc, reply);
                    }
                    CommandId::Cclk => self.set_clock(line.params().map(|p| p.raw()), svc, reply),
                    _ => reply.cme(code::UNKNOWN),
                }
                After::Nothing
            }
        }
    }

    /// Security login (protocol-notes §11) with the lockout: returns `true` when the line was
    /// answered here. Only the serial session needs a login.
    fn login_gate<O: Sink>(
        &mut self,
        line: &CommandLine<'_>,
        now: Instant,
        out: &mut O,
        reply: &mut Reply,
    ) -> bool {
        if !self.saved.login_required || self.login.logged_in {
            return false;
        }
        if line.form() == Form::Bare {
            return false;
        }
        let attempt = match line.form() {
            Form::Set(p) if line.is(b"SIGNINAT") => Some(unquote(p.raw())),
            _ => None,
        };
        if let Some(password) = attempt {
            let locked = self.login.locked_until.is_some_and(|until| now < until);
            if locked {
                self.counters.login_refusals = self.counters.login_refusals.saturating_add(1);
                out.event(Event::LoginRefused);
            } else if password == self.saved.login_password.as_bytes() {
                self.login.logged_in = true;
                self.login.failures = 0;
                self.login.locked_until = None;
                out.event(Event::LoggedIn);
                reply.ok();
                return true;
            } else {
                self.login.failures = self.login.failures.saturating_add(1);
                self.counters.login_failures = self.counters.login_failures.saturating_add(1);
                out.event(Event::LoginFailed {
                    failures: self.login.failures,
                });
                if self.login.failures >= LOGIN_ATTEMPTS {
                    self.login.failures = 0;
                    self.login.locked_until = Some(now.saturating_add(self.scaled(LOCKOUT)));
                    self.counters.lockouts = self.counters.lockouts.saturating_add(1);
                }
            }
        }
        reply.cme(code::LOGIN);
        true
    }

    fn action<S: Services, O: Sink>(
        &mut self,
        id: CommandId,
        svc: &mut S,
        out: &mut O,
        reply: &mut Reply,
    ) -> After {
        match id {
            CommandId::Z => {
                reply.ok();
                After::Restart(RestartReason::Command)
            }
            CommandId::S => {
                let pending = self.pending.clone();
                if self.save(&pending, svc, out) {
                    reply.ok();
                    After::Restart(RestartReason::Command)
                } else {
                    reply.cme(code::NOT_NOW);
                    After::Nothing
                }
            }
            CommandId::Clear => {
                let factory = Config::factory(self.options.model);
                if self.save(&factory, svc, out) {
                    reply.ok();
                    After::Restart(RestartReason::FactoryReset)
                } else {
                    reply.cme(code::NOT_NOW);
                    After::Nothing
                }
            }
            CommandId::Entm => {
                reply.ok();
                After::WorkMode
            }
            _ => {
                reply.ok();
                After::Nothing
            }
        }
    }

    /// Read-only queries, answered from the services; a service error is `+CME ERROR:50`.
    fn information<S: Services>(
        &mut self,
        id: CommandId,
        _now: Instant,
        svc: &mut S,
        reply: &mut Reply,
    ) {
        let mut buf = [0u8; 64];
        let text = |name: &'static str, r: Result<usize, _>, buf: &[u8], reply: &mut Reply| match r
        {
            Ok(n) => reply.info(|w| {
                TextInfo {
                    name,
                    text: buf.get(..n).unwrap_or(&[]),
                }
                .write(w)
            }),
            Err(_) => reply.cme(code::NOT_NOW),
        };
        match id {
            CommandId::Ver => {
                let r = svc.identity().firmware_version(&mut buf).map_err(drop);
                text("VER", r, &buf, reply);
            }
            CommandId::Build => {
                let r = svc.identity().firmware_build(&mut buf).map_err(drop);
                text("BUILD", r, &buf, reply);
            }
            CommandId::Sn => {
                let r = svc.identity().serial_number(&mut buf).map_err(drop);
                text("SN", r, &buf, reply);
            }
            CommandId::Imei => {
                let r = svc.identity().imei(&mut buf).map_err(drop);
                text("IMEI", r, &buf, reply);
            }
            CommandId::Iccid => {
                let r = svc.identity().iccid(&mut buf).map_err(drop);
                text("ICCID", r, &buf, reply);
            }
            CommandId::Csq => match svc.radio().signal_quality() {
                Ok(q) => reply.info(|w| {
                    cat1_config::info::Csq {
                        rssi: q.rssi,
                        ber: q.ber,
                    }
                    .write(w)
                }),
                Err(_) => reply.cme(code::NOT_NOW),
            },
            CommandId::Sysinfo => match svc.radio().access_mode() {
                Ok(m) => {
                    let mode = match m {
                        AccessMode::NoService => cat1_config::info::NetworkMode::NoNetwork,
                        AccessMode::Gsm => cat1_config::info::NetworkMode::GsmGprs,
                        AccessMode::Lte => cat1_config::info::NetworkMode::Lte,
                    };
                    reply.info(|w| SysInfo { mode }.write(w));
                }
                Err(_) => reply.cme(code::NOT_NOW),
            },
            CommandId::Cip => match svc.radio().local_ip() {
                Ok(ip) => reply.info(|w| {
                    w.put(b"+CIP:");
                    for (i, octet) in ip.iter().enumerate() {
                        if i > 0 {
                            w.put_byte(b'.');
                        }
                        w.put_u32(u32::from(*octet));
                    }
                }),
                Err(_) => reply.cme(code::NOT_NOW),
            },
            CommandId::Cnum => match svc.radio().own_number(&mut buf) {
                Ok(n) => {
                    let number = buf.get(..n).unwrap_or(&[]);
                    // 145: international format (leading `+`), 129: national (3GPP 24.008).
                    let kind = if number.first() == Some(&b'+') {
                        145
                    } else {
                        129
                    };
                    reply.info(|w| {
                        Cnum {
                            alpha: b"",
                            number,
                            kind,
                        }
                        .write(w)
                    });
                }
                Err(_) => reply.cme(code::NOT_NOW),
            },
            CommandId::Lbs => match svc.radio().serving_cell() {
                Ok(cell) => reply.info(|w| {
                    LbsCell {
                        lac: cell.area,
                        cid: cell.cell_id,
                    }
                    .write(w)
                }),
                Err(_) => reply.cme(code::NOT_NOW),
            },
            CommandId::Lbsn => {
                let mut cells = [Cell::default(); MAX_NEIGHBOURS];
                match svc.radio().neighbour_cells(&mut cells) {
                    Ok(n) => reply.info(|w| {
                        w.put(b"+LBSN:");
                        for (i, cell) in cells.iter().take(n).enumerate() {
                            w.put(b"\r\n");
                            cat1_config::info::NeighbourCell {
                                index: u32::try_from(i).unwrap_or(0).saturating_add(1),
                                tac: cell.area,
                                cid: cell.cell_id,
                            }
                            .write(w);
                        }
                    }),
                    Err(_) => reply.cme(code::NOT_NOW),
                }
            }
            CommandId::Cclk => match svc.wall_clock().now() {
                Ok(t) => reply.info(|w| to_clock(&t).write(w)),
                Err(_) => reply.cme(code::NOT_NOW),
            },
            CommandId::Gpsdt => self.gps_position(svc, reply),
            CommandId::Sockalk | CommandId::Sockblk | CommandId::Sockclk | CommandId::Sockdlk => {
                let socket = match id {
                    CommandId::Sockalk => SocketId::A,
                    CommandId::Sockblk => SocketId::B,
                    CommandId::Sockclk => SocketId::C,
                    _ => SocketId::D,
                };
                let connected = self.net.is_connected(socket);
                reply.info(|w| {
                    LinkState {
                        socket: socket.letter().to_ascii_uppercase(),
                        connected,
                    }
                    .write(w)
                });
            }
            _ => reply.cme(code::UNKNOWN),
        }
    }

    /// `AT+LBS=1` / `AT+LBS=2`.
    fn lbs_position<S: Services>(&mut self, with_address: bool, svc: &mut S, reply: &mut Reply) {
        let Ok(position) = svc.positioning().cell_position() else {
            return reply.cme(code::NOT_NOW);
        };
        let Ok(time) = svc.wall_clock().now() else {
            return reply.cme(code::NOT_NOW);
        };
        let mut stamp = [0u8; 19];
        let stamp_len = write_timestamp(&time, &mut stamp);
        let mut address = [0u8; 200];
        let addinfo = if with_address {
            match svc.positioning().cell_address(&mut address) {
                Ok(n) => Some(address.get(..n).unwrap_or(&[])),
                Err(_) => return reply.cme(code::NOT_NOW),
            }
        } else {
            None
        };
        reply.info(|w| {
            LbsPosition {
                lng: &position.longitude,
                lat: &position.latitude,
                time: stamp.get(..stamp_len).unwrap_or(&[]),
                addinfo,
            }
            .write(w)
        });
    }

    /// `AT+GPSDT?` (protocol-notes §12): `+GPSDT:<lng>,<lat>,<time>`, or 50 with GPS off or no
    /// fix. Decision: the time is the module's clock (`yyyy-MM-dd hh:mm:ss`), as in `AT+LBS=1`.
    fn gps_position<S: Services>(&mut self, svc: &mut S, reply: &mut Reply) {
        if !self.saved.gps.enabled {
            return reply.cme(code::NOT_NOW);
        }
        let Ok(Some(fix)) = svc.positioning().gps_fix() else {
            return reply.cme(code::NOT_NOW);
        };
        let Ok(time) = svc.wall_clock().now() else {
            return reply.cme(code::NOT_NOW);
        };
        let mut stamp = [0u8; 19];
        let n = write_timestamp(&time, &mut stamp);
        reply.info(|w| {
            w.put(b"+GPSDT:");
            w.put(&fix.longitude);
            w.put_byte(b',');
            w.put(&fix.latitude);
            w.put_byte(b',');
            w.put(stamp.get(..n).unwrap_or(&[]));
        });
    }

    /// `AT+CCLK=yy/MM/dd,hh:mm:ss±zz` (quotes optional): sets the clock at once (errata #36).
    fn set_clock<S: Services>(&mut self, raw: Option<&[u8]>, svc: &mut S, reply: &mut Reply) {
        let raw = unquote(raw.unwrap_or(&[]));
        let mut line = [0u8; 40];
        let mut w = Writer::new(&mut line);
        w.put(b"+CCLK:\"");
        w.put(raw);
        w.put_byte(b'"');
        let Ok(n) = w.finish() else {
            return reply.cme(code::BAD_VALUE);
        };
        let Ok(clock) = Clock::parse(line.get(..n).unwrap_or(&[])) else {
            return reply.cme(code::BAD_VALUE);
        };
        let time = DateTime {
            year: 2000u16.saturating_add(u16::from(clock.year)),
            month: clock.month,
            day: clock.day,
            hour: clock.hour,
            minute: clock.minute,
            second: clock.second,
            zone_quarter_hours: clock.zone_quarters,
        };
        match svc.wall_clock().set(time) {
            Ok(()) => reply.ok(),
            Err(_) => reply.cme(code::NOT_NOW),
        }
    }
}

fn to_clock(t: &DateTime) -> Clock {
    Clock {
        year: u8::try_from(t.year % 100).unwrap_or(0),
        month: t.month,
        day: t.day,
        hour: t.hour,
        minute: t.minute,
        second: t.second,
        zone_quarters: t.zone_quarter_hours,
    }
}

/// `yyyy-MM-dd hh:mm:ss` (the `TIME=` of `AT+LBS=1`); returns the length.
fn write_timestamp(t: &DateTime, buf: &mut [u8; 19]) -> usize {
    let mut w = Writer::new(buf);
    let two = |w: &mut Writer<'_>, n: u8| {
        w.put_byte(b'0'.saturating_add((n / 10) % 10));
        w.put_byte(b'0'.saturating_add(n % 10));
    };
    w.put_u32(u32::from(t.year % 10000));
    w.put_byte(b'-');
    two(&mut w, t.month);
    w.put_byte(b'-');
    two(&mut w, t.day);
    w.put_byte(b' ');
    two(&mut w, t.hour);
    w.put_byte(b':');
    two(&mut w, t.minute);
    w.put_byte(b':');
    two(&mut w, t.second);
    w.finish().unwrap_or(0)
}
