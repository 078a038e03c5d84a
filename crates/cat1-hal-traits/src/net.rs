//! The network service: client sockets over the module's LTE data connection.
//!
//! Implemented by vendor firmware (over its TCP/IP stack, e.g. lwIP), by the simulator (host
//! sockets) and by tests (a scripted network). Used by the engine that runs the four sockets of
//! `cat1-socket`.
//!
//! The trait is non-blocking and event-driven, like the state machines above it: `open` starts a
//! connection and returns at once; the outcome arrives later as a [`NetEvent`] from
//! [`Network::poll_event`]. A blocking or async front end would hide exactly the events (connect
//! failed, link dropped) that the reconnect rules are made of, so none is offered.

use crate::error::ErrorType;
use core::fmt;

/// One of the module's four sockets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum SocketId {
    /// Socket A (`AT+SOCKA`), the only one that can be a short connection.
    A,
    /// Socket B.
    B,
    /// Socket C.
    C,
    /// Socket D.
    D,
}

impl SocketId {
    /// All four, in order.
    pub const ALL: [SocketId; 4] = [SocketId::A, SocketId::B, SocketId::C, SocketId::D];

    /// 0 for A up to 3 for D, for indexing per-socket arrays.
    pub const fn index(self) -> usize {
        match self {
            SocketId::A => 0,
            SocketId::B => 1,
            SocketId::C => 2,
            SocketId::D => 3,
        }
    }

    /// The socket at `index` (0-3).
    pub const fn from_index(index: usize) -> Option<SocketId> {
        match index {
            0 => Some(SocketId::A),
            1 => Some(SocketId::B),
            2 => Some(SocketId::C),
            3 => Some(SocketId::D),
            _ => None,
        }
    }

    /// The lower-case letter that names the socket on the wire (`a` for A): the socket byte of
    /// the socket distribution protocol.
    pub const fn letter(self) -> u8 {
        match self {
            SocketId::A => b'a',
            SocketId::B => b'b',
            SocketId::C => b'c',
            SocketId::D => b'd',
        }
    }

    /// The socket named by a wire letter (`a`-`d`; upper case is not used on the wire).
    pub const fn from_letter(letter: u8) -> Option<SocketId> {
        match letter {
            b'a' => Some(SocketId::A),
            b'b' => Some(SocketId::B),
            b'c' => Some(SocketId::C),
            b'd' => Some(SocketId::D),
            _ => None,
        }
    }
}

impl fmt::Display for SocketId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            SocketId::A => "A",
            SocketId::B => "B",
            SocketId::C => "C",
            SocketId::D => "D",
        };
        f.write_str(name)
    }
}

/// Transport protocol of a client socket (`AT+SOCKx=<protocol>,...`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Protocol {
    /// TCP client.
    Tcp,
    /// UDP client.
    Udp,
}

/// TCP keepalive settings, `AT+KEEPALIVEx=<enable>,<idle>,<interval>,<count>` (defaults
/// `1,60,15,3`). Ignored for UDP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Keepalive {
    /// Whether keepalive probes are sent.
    pub enabled: bool,
    /// Seconds of idle before the first probe (1-65535).
    pub idle_secs: u16,
    /// Seconds between probes (1-100).
    pub interval_secs: u8,
    /// Unanswered probes before the link is declared dead (1-10).
    pub count: u8,
}

impl Default for Keepalive {
    fn default() -> Self {
        Keepalive {
            enabled: true,
            idle_secs: 60,
            interval_secs: 15,
            count: 3,
        }
    }
}

/// The remote end of a client socket: a host name or dotted address, and a port.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Endpoint<'a> {
    /// Host name or dotted IPv4 address (1-100 bytes, `AT+SOCKx`).
    pub host: &'a str,
    /// Port (1-65535).
    pub port: u16,
}

/// What happened to a socket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum NetEvent {
    /// The connection started by [`Network::open`] is established (for UDP: the socket is bound
    /// and the host resolved).
    Connected(SocketId),
    /// The connection could not be established (DNS failure, refused, timed out).
    ConnectFailed(SocketId),
    /// An established connection was closed by the peer or lost (keepalive expiry, reset).
    Closed(SocketId),
    /// Data is waiting to be read with [`Network::receive`].
    Readable(SocketId),
}

/// Client sockets, non-blocking.
pub trait Network: ErrorType {
    /// Starts connecting `socket` to `remote`. The outcome comes as [`NetEvent::Connected`] or
    /// [`NetEvent::ConnectFailed`]. A socket that is already open is closed first.
    fn open(
        &mut self,
        socket: SocketId,
        protocol: Protocol,
        remote: Endpoint<'_>,
        keepalive: Keepalive,
    ) -> Result<(), Self::Error>;

    /// Sends one packet (UDP: one datagram; TCP: one write). Returns the bytes accepted; an
    /// implementation that cannot take the whole packet now returns `ErrorKind::WouldBlock`
    /// rather than a part, so that packets are never split.
    fn send(&mut self, socket: SocketId, data: &[u8]) -> Result<usize, Self::Error>;

    /// Reads received bytes into `buf`; returns how many (`ErrorKind::WouldBlock` when none).
    fn receive(&mut self, socket: SocketId, buf: &mut [u8]) -> Result<usize, Self::Error>;

    /// Closes the socket. Closing a closed socket is not an error.
    fn close(&mut self, socket: SocketId) -> Result<(), Self::Error>;

    /// The next connection event, if any.
    fn poll_event(&mut self) -> Option<NetEvent>;
}

impl<T: Network + ?Sized> Network for &mut T {
    fn open(
        &mut self,
        socket: SocketId,
        protocol: Protocol,
        remote: Endpoint<'_>,
        keepalive: Keepalive,
    ) -> Result<(), Self::Error> {
        T::open(self, socket, protocol, remote, keepalive)
    }
    fn send(&mut self, socket: SocketId, data: &[u8]) -> Result<usize, Self::Error> {
        T::send(self, socket, data)
    }
    fn receive(&mut self, socket: SocketId, buf: &mut [u8]) -> Result<usize, Self::Error> {
        T::receive(self, socket, buf)
    }
    fn close(&mut self, socket: SocketId) -> Result<(), Self::Error> {
        T::close(self, socket)
    }
    fn poll_event(&mut self) -> Option<NetEvent> {
        T::poll_event(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn socket_letters_and_indices_round_trip() {
        for (i, s) in SocketId::ALL.iter().enumerate() {
            assert_eq!(s.index(), i);
            assert_eq!(SocketId::from_index(i), Some(*s));
            assert_eq!(SocketId::from_letter(s.letter()), Some(*s));
        }
        assert_eq!(SocketId::A.letter(), 0x61);
        assert_eq!(SocketId::D.letter(), 0x64);
        assert_eq!(SocketId::from_letter(b'e'), None);
        assert_eq!(SocketId::from_letter(b'A'), None);
        assert_eq!(SocketId::from_index(4), None);
    }
}
