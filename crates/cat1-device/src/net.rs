//! NET work mode: the four sockets between serial and the network.
//!
//! Not implemented yet: in this version NET mode opens no socket, every link reads
//! `Disconnected`, and serial packets are dropped and counted ([`crate::Event::SerialDropped`]).

use cat1_config::Config;
use cat1_hal_traits::net::SocketId;
use cat1_hal_traits::restart::RestartReason;
use cat1_hal_traits::time::Instant;

use crate::services::{Services, Sink};

/// What the network side asks of the engine after a poll.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NetOutcome {
    Nothing,
    #[allow(dead_code)]
    Restart(RestartReason),
    /// A network AT command is waiting ([`Net::take_command`]); its answer goes to `socket`.
    #[allow(dead_code)]
    Command {
        socket: SocketId,
        len: usize,
    },
}

/// The state of the four sockets.
#[derive(Debug, Clone, Default)]
pub struct Net {
    connected: [bool; 4],
}

impl Net {
    pub(crate) fn new() -> Self {
        Net::default()
    }

    /// Whether `socket` is connected (`AT+SOCKxLK?`).
    pub fn is_connected(&self, socket: SocketId) -> bool {
        self.connected.get(socket.index()).copied().unwrap_or(false)
    }

    pub(crate) fn start<S: Services, O: Sink>(
        &mut self,
        _cfg: &Config,
        _divisor: u32,
        _now: Instant,
        _svc: &mut S,
        _out: &mut O,
    ) {
    }

    pub(crate) fn stop<S: Services>(&mut self, _svc: &mut S) {
        self.connected = [false; 4];
    }

    pub(crate) fn poll<S: Services, O: Sink>(
        &mut self,
        _cfg: &Config,
        _now: Instant,
        _svc: &mut S,
        _out: &mut O,
        _to_serial: bool,
    ) -> NetOutcome {
        NetOutcome::Nothing
    }

    pub(crate) fn poll_at(&self) -> Option<Instant> {
        None
    }

    pub(crate) fn take_command(&mut self, _buf: &mut [u8]) -> usize {
        0
    }

    pub(crate) fn send_reply<S: Services, O: Sink>(
        &mut self,
        _socket: SocketId,
        _reply: &[u8],
        _svc: &mut S,
        _out: &mut O,
    ) {
    }

    pub(crate) fn flush_held<O: Sink>(&mut self, _out: &mut O) {}

    pub(crate) fn serial_packet<S: Services, O: Sink>(
        &mut self,
        _cfg: &Config,
        _packet: &[u8],
        _now: Instant,
        _svc: &mut S,
        _out: &mut O,
    ) -> bool {
        false
    }
}
