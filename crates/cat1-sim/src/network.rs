//! Host sockets for the module's four client sockets (NET mode).
//!
//! Not implemented yet: every `open` fails with `ErrorKind::Unsupported`.

use cat1_hal_traits::ErrorKind;
use cat1_hal_traits::ErrorType;
use cat1_hal_traits::net::{Endpoint, Keepalive, NetEvent, Network, Protocol, SocketId};

/// The host network.
#[derive(Debug, Default)]
pub struct HostNetwork {}

impl HostNetwork {
    /// A network with no socket open.
    pub fn new() -> Self {
        HostNetwork::default()
    }
}

impl ErrorType for HostNetwork {
    type Error = ErrorKind;
}

impl Network for HostNetwork {
    fn open(
        &mut self,
        _: SocketId,
        _: Protocol,
        _: Endpoint<'_>,
        _: Keepalive,
    ) -> Result<(), ErrorKind> {
        Err(ErrorKind::Unsupported)
    }
    fn send(&mut self, _: SocketId, _: &[u8]) -> Result<usize, ErrorKind> {
        Err(ErrorKind::NotConnected)
    }
    fn receive(&mut self, _: SocketId, _: &mut [u8]) -> Result<usize, ErrorKind> {
        Err(ErrorKind::WouldBlock)
    }
    fn close(&mut self, _: SocketId) -> Result<(), ErrorKind> {
        Ok(())
    }
    fn poll_event(&mut self) -> Option<NetEvent> {
        None
    }
}
