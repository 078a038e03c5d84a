//! Registration packets (protocol-notes §5): `AT+REGEN`, `AT+REGSND`, `AT+REGTP`.
//!
//! - `LINK`: the packet is sent once, right after each connection is established.
//! - `DATA`: it is prepended to every serial-to-network packet (not to heartbeats, which are the
//!   module's own packets, decision).
//! - `LINK&DATA`: both.
//!
//! Registration applies to TCP and UDP client sockets alike. The machine decides *when*;
//! [`crate::payload::write_registration`] makes the bytes (the `CLOUD` kind is the decision of
//! [`crate::payload`]: 20-byte ID then 8-byte password).

use crate::payload::RegistrationKind;
use crate::{Instant, SocketId};

/// `AT+REGSND`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum RegistrationSend {
    /// Once per connection (the default).
    Link,
    /// Before every data packet.
    Data,
    /// Both.
    LinkAndData,
}

/// Registration parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct RegistrationSettings {
    /// `AT+REGEN` (default off).
    pub enabled: bool,
    /// `AT+REGSND` (default LINK).
    pub send: RegistrationSend,
    /// `AT+REGTP` (default USER).
    pub kind: RegistrationKind,
}

impl Default for RegistrationSettings {
    fn default() -> Self {
        RegistrationSettings {
            enabled: false,
            send: RegistrationSend::Link,
            kind: RegistrationKind::User,
        }
    }
}

/// What the registration machine is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum RegistrationEvent {
    /// The socket connected.
    Connected(SocketId),
    /// A serial packet is about to be sent on the socket.
    DataPacket(SocketId),
}

/// What the registration machine asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum RegistrationAction {
    /// Send the registration packet on its own, before anything else.
    SendPacket(SocketId),
    /// Send the registration bytes in front of the data packet, as one packet.
    PrependToData(SocketId),
}

/// Decides when registration bytes go out. It has no timers: [`Registration::poll_at`] is
/// always `None`, kept for the uniform machine shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Registration {
    settings: RegistrationSettings,
}

impl Registration {
    /// A machine with the given settings.
    pub const fn new(settings: RegistrationSettings) -> Self {
        Registration { settings }
    }

    /// The kind of packet to build.
    pub const fn kind(&self) -> RegistrationKind {
        self.settings.kind
    }

    /// Handles an event; at most one action.
    pub fn handle(
        &mut self,
        event: RegistrationEvent,
        _now: Instant,
    ) -> Option<RegistrationAction> {
        if !self.settings.enabled {
            return None;
        }
        let on_link = matches!(
            self.settings.send,
            RegistrationSend::Link | RegistrationSend::LinkAndData
        );
        let on_data = matches!(
            self.settings.send,
            RegistrationSend::Data | RegistrationSend::LinkAndData
        );
        match event {
            RegistrationEvent::Connected(s) if on_link => Some(RegistrationAction::SendPacket(s)),
            RegistrationEvent::DataPacket(s) if on_data => {
                Some(RegistrationAction::PrependToData(s))
            }
            _ => None,
        }
    }

    /// No timers.
    pub const fn poll_at(&self) -> Option<Instant> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn machine(enabled: bool, send: RegistrationSend) -> Registration {
        Registration::new(RegistrationSettings {
            enabled,
            send,
            kind: RegistrationKind::Imei,
        })
    }

    #[test]
    fn link_data_and_both() {
        let t = Instant::ZERO;
        let c = RegistrationEvent::Connected(SocketId::B);
        let d = RegistrationEvent::DataPacket(SocketId::B);
        let mut link = machine(true, RegistrationSend::Link);
        assert_eq!(
            link.handle(c, t),
            Some(RegistrationAction::SendPacket(SocketId::B))
        );
        assert_eq!(link.handle(d, t), None);
        let mut data = machine(true, RegistrationSend::Data);
        assert_eq!(data.handle(c, t), None);
        assert_eq!(
            data.handle(d, t),
            Some(RegistrationAction::PrependToData(SocketId::B))
        );
        let mut both = machine(true, RegistrationSend::LinkAndData);
        assert_eq!(
            both.handle(c, t),
            Some(RegistrationAction::SendPacket(SocketId::B))
        );
        assert_eq!(
            both.handle(d, t),
            Some(RegistrationAction::PrependToData(SocketId::B))
        );
        assert_eq!(both.kind(), RegistrationKind::Imei);
        assert_eq!(both.poll_at(), None);
    }

    #[test]
    fn regen_off_sends_nothing() {
        let mut off = machine(false, RegistrationSend::LinkAndData);
        for e in [
            RegistrationEvent::Connected(SocketId::A),
            RegistrationEvent::DataPacket(SocketId::A),
        ] {
            assert_eq!(off.handle(e, Instant::ZERO), None);
        }
    }
}
