//! The full client exchange both client binaries run: enter command mode (the `AT` probe, and
//! the `+++` / `a` / `+ok` handshake when the probe is not answered), two typed queries and two typed sets (`AT+APN`,
//! `AT+SDPEN`) through cat1-config's `requests`, two read-only values read and decoded with `read_value` (`info::Csq::from_info`,
//! `info::TextInfo::from_info` of `AT+VER`), leaving
//! command mode, one SDP frame sent on socket A and whatever arrives decoded by `sdp::Receiver`.

use cat1_client::blocking::Modem;
use cat1_client::sdp::{Receiver, SocketEvent, SocketId};
use cat1_config::{Value, requests};
use cat1_hal_traits::time::Clock;
use embedded_io::{Read, ReadReady, Write};

/// Receive buffer of the SDP receiver: the default `AT+UARTFL` (1024) plus 8 bytes of framing.
pub const RX_N: usize = 1032;

/// Runs the exchange; returns a checksum of what came back (0 when a step failed).
#[inline(never)]
pub fn exchange<U, C, E>(modem: &mut Modem<U, C, ()>, rx: &mut Receiver<RX_N>) -> u32
where
    U: Read<Error = E> + ReadReady + Write,
    C: Clock,
{
    let mut acc = 0u32;
    if modem.enter_command_mode().is_err() {
        return 0;
    }
    let ok = modem
        .query::<requests::Apn>(|values| acc = acc.wrapping_add(values.len() as u32))
        .is_ok();
    if !ok {
        return 0;
    }
    // A second query type and (below) a second read type: a firmware that uses many commands
    // typed pays what each further type costs, not only the first.
    let ok = modem
        .query::<requests::Sdpen>(|values| acc = acc.wrapping_add(values.len() as u32))
        .is_ok();
    if !ok {
        return 0;
    }
    let apn = [
        Value::Text(b"CMNET"),
        Value::Text(b""),
        Value::Text(b""),
        Value::Int(0),
    ];
    if modem.set::<requests::Apn>(&apn).is_err() {
        return 0;
    }
    // A second set type: a firmware sets several (a profile), so the figure includes what each
    // further set type costs, not only the first.
    if modem.set::<requests::Sdpen>(&[Value::Keyword("ON")]).is_err() {
        return 0;
    }
    let mut dbm = 0i16;
    let ok = modem
        .read_value::<requests::Csq>(|csq| {
            if let Some(d) = csq.dbm() {
                dbm = d;
            }
        })
        .is_ok();
    if !ok || dbm == 0 {
        return 0;
    }
    acc = acc.wrapping_add(dbm as u32);
    let ok = modem
        .read_value::<requests::Ver>(|ver| acc = acc.wrapping_add(ver.text.len() as u32))
        .is_ok();
    if !ok {
        return 0;
    }
    if modem.leave_command_mode().is_err() {
        return 0;
    }
    if modem.send_on(SocketId::A, b"hello").is_err() {
        return 0;
    }
    let mut frames = 0u32;
    for _ in 0..64 {
        // In place: no buffer of its own to zero and copy into.
        let Ok(mut input) = modem.read_data_in_place() else {
            return 0;
        };
        while let cat1_at_parse::Status::Complete(ev, used) = rx.feed(input) {
            match ev {
                SocketEvent::Data { data, .. } => {
                    frames += 1;
                    acc = acc.wrapping_add(data.len() as u32);
                }
                SocketEvent::Failed { code, .. } => acc = acc.wrapping_add(u32::from(code.to_byte())),
                SocketEvent::Dropped(_) => acc = acc.wrapping_add(1),
            }
            input = input.get(used..).unwrap_or(&[]);
        }
        if frames > 0 {
            break;
        }
    }
    if frames == 0 { 0 } else { acc }
}
