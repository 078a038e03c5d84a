//! The full client exchange the client binaries run (blocking, and `exchange_async` for the async
//! adapter): enter command mode (the `AT` probe, and
//! the `+++` / `a` / `+ok` handshake when the probe is not answered), two typed queries and two typed sets (`AT+APN`,
//! `AT+SDPEN`) through cat1-config's `requests`, two read-only values read and decoded with `read_value` (`info::Csq::from_info`,
//! `info::TextInfo::from_info` of `AT+VER`), leaving
//! command mode, one SDP frame sent on socket A and whatever arrives decoded by `sdp::Receiver`.

use cat1_client::sdp::{Receiver, SocketEvent, SocketId};
use cat1_config::{Value, requests};

/// Receive buffer of the SDP receiver: the default `AT+UARTFL` (1024) plus 8 bytes of framing.
pub const RX_N: usize = 1032;

/// The exchange's steps, for the blocking adapter (`[]`) and the async one (`[.await]`): one
/// text, so that both binaries run the same calls. `$read` reads what arrived, in place.
macro_rules! exchange_steps {
    ($modem:ident, $rx:ident, $read:expr, [$($aw:tt)*]) => {{
    let mut acc = 0u32;
    if $modem.enter_command_mode()$($aw)*.is_err() {
        return 0;
    }
    let ok = $modem
        .query::<requests::Apn>(|values| acc = acc.wrapping_add(values.len() as u32))
        $($aw)*
        .is_ok();
    if !ok {
        return 0;
    }
    // A second query type and (below) a second read type: a firmware that uses many commands
    // typed pays what each further type costs, not only the first.
    let ok = $modem
        .query::<requests::Sdpen>(|values| acc = acc.wrapping_add(values.len() as u32))
        $($aw)*
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
    if $modem.set::<requests::Apn>(&apn)$($aw)*.is_err() {
        return 0;
    }
    // A second set type: a firmware sets several (a profile), so the figure includes what each
    // further set type costs, not only the first.
    if $modem.set::<requests::Sdpen>(&[Value::Keyword("ON")])$($aw)*.is_err() {
        return 0;
    }
    let mut dbm = 0i16;
    let ok = $modem
        .read_value::<requests::Csq>(|csq| {
            if let Some(d) = csq.dbm() {
                dbm = d;
            }
        })
        $($aw)*
        .is_ok();
    if !ok || dbm == 0 {
        return 0;
    }
    acc = acc.wrapping_add(dbm as u32);
    let ok = $modem
        .read_value::<requests::Ver>(|ver| acc = acc.wrapping_add(ver.text.len() as u32))
        $($aw)*
        .is_ok();
    if !ok {
        return 0;
    }
    if $modem.leave_command_mode()$($aw)*.is_err() {
        return 0;
    }
    if $modem.send_on(SocketId::A, b"hello")$($aw)*.is_err() {
        return 0;
    }
    let mut frames = 0u32;
    for _ in 0..64 {
        // In place: no buffer of its own to zero and copy into.
        let Ok(mut input) = $read else {
            return 0;
        };
        while let cat1_at_parse::Status::Complete(ev, used) = $rx.feed(input) {
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
    }};
}

/// Runs the exchange on the blocking adapter; returns a checksum of what came back (0 when a step
/// failed).
#[allow(dead_code)] // The async binary runs `exchange_async`.
#[inline(never)]
pub fn exchange<U, C, E>(
    modem: &mut cat1_client::blocking::Modem<U, C, ()>,
    rx: &mut Receiver<RX_N>,
) -> u32
where
    U: embedded_io::Read<Error = E> + embedded_io::ReadReady + embedded_io::Write,
    C: cat1_hal_traits::time::Clock,
{
    exchange_steps!(modem, rx, modem.read_data_in_place(), [])
}

/// Runs the exchange on the async adapter (reads waiting up to a second each), as `exchange`.
#[allow(dead_code)] // The blocking binaries run `exchange`.
#[inline(never)]
pub async fn exchange_async<U, T, E>(
    modem: &mut cat1_client::asynch::Modem<U, T, ()>,
    rx: &mut Receiver<RX_N>,
) -> u32
where
    U: embedded_io_async::Read<Error = E> + embedded_io_async::Write,
    T: cat1_client::asynch::Timer,
{
    let wait = cat1_hal_traits::time::Duration::from_millis(1_000);
    exchange_steps!(modem, rx, modem.read_data_in_place(wait).await, [.await])
}
