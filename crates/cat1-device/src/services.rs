//! What the engine needs from the device around it: the services of `cat1-hal-traits`, one
//! positioning trait that crate does not have yet, and a sink for what the engine writes.
//!
//! The engine owns no service. Every call that may need one takes `&mut impl Services`, so a
//! firmware can keep its drivers where it likes (statics, a struct of borrows), the simulator
//! can hand its host-backed services, and a test can hand fakes.

use cat1_config::keywords::WorkMode;
use cat1_hal_traits::ErrorType;
use cat1_hal_traits::identity::Identity;
use cat1_hal_traits::net::{Network, SocketId};
use cat1_hal_traits::radio::Radio;
use cat1_hal_traits::restart::{Restart, RestartReason};
use cat1_hal_traits::sms::Sms;
use cat1_hal_traits::storage::Storage;
use cat1_hal_traits::wallclock::WallClock;

/// Longitude or latitude in decimal degrees, as text (`114.43350220`): the modules answer the
/// digits they were given, so no float conversion can change them.
pub type Coordinate = heapless::Vec<u8, 16>;

/// A position: from the cell network (`AT+LBS=1`) or from GPS (`AT+GPSDT?`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Position {
    /// Longitude, decimal degrees.
    pub longitude: Coordinate,
    /// Latitude, decimal degrees.
    pub latitude: Coordinate,
}

/// Cell-based location and GPS. Not in `cat1-hal-traits` (yet): `AT+LBS=1`, `AT+LBS=2` and
/// `AT+GPSDT?` need a position and an address, which the radio trait does not give.
pub trait Positioning: ErrorType {
    /// The position of the serving cell (`AT+LBS=1`); `ErrorKind::NoNetwork` without one.
    fn cell_position(&mut self) -> Result<Position, Self::Error>;
    /// The address of that position into `buf` (`AT+LBS=2`, `ADDINFO`); returns its length.
    fn cell_address(&mut self, buf: &mut [u8]) -> Result<usize, Self::Error>;
    /// The GPS fix, `None` without one (`AT+GPSDT?` then answers `+CME ERROR:50`).
    fn gps_fix(&mut self) -> Result<Option<Position>, Self::Error>;
}

/// The services an engine call may use, as one bundle of accessors.
///
/// One struct may implement several services and return `self` from several accessors.
pub trait Services {
    /// Configuration slots.
    type Storage: Storage;
    /// IMEI, ICCID, SN, version, build.
    type Identity: Identity;
    /// Signal, cells, address, number.
    type Radio: Radio;
    /// `AT+CCLK`.
    type WallClock: WallClock;
    /// Restarting the module.
    type Restart: Restart;
    /// The four client sockets.
    type Network: Network;
    /// Short messages.
    type Sms: Sms;
    /// LBS position and GPS.
    type Positioning: Positioning;

    /// The storage.
    fn storage(&mut self) -> &mut Self::Storage;
    /// The identity.
    fn identity(&mut self) -> &mut Self::Identity;
    /// The radio.
    fn radio(&mut self) -> &mut Self::Radio;
    /// The wall clock.
    fn wall_clock(&mut self) -> &mut Self::WallClock;
    /// The restart service.
    fn restarter(&mut self) -> &mut Self::Restart;
    /// The network.
    fn network(&mut self) -> &mut Self::Network;
    /// SMS.
    fn sms(&mut self) -> &mut Self::Sms;
    /// Positioning.
    fn positioning(&mut self) -> &mut Self::Positioning;
}

/// Something the engine did, for logs and tests. Nothing here is needed to run the module.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum Event {
    /// The module started (power-on or restart) in this work mode.
    Booted(WorkMode),
    /// No stored configuration could be used; the factory one runs.
    FactoryConfigUsed,
    /// The handshake succeeded: temporary command mode.
    CommandMode,
    /// `AT+ENTM`: back to the work mode.
    WorkMode(WorkMode),
    /// A handshake failed; its bytes went on as data.
    HandshakeFailed,
    /// The module is about to restart.
    Restarting(RestartReason),
    /// The pending configuration was saved.
    Saved,
    /// Saving failed (the storage refused); the module answered `+CME ERROR:50`.
    SaveFailed,
    /// A wrong login password; `failures` in a row so far.
    LoginFailed {
        /// Consecutive failures (the lockout starts at [`crate::LOGIN_ATTEMPTS`]).
        failures: u8,
    },
    /// A login attempt refused because of the lockout.
    LoginRefused,
    /// A login succeeded.
    LoggedIn,
    /// A serial packet could not be delivered in this work mode and was dropped.
    SerialDropped {
        /// Its length.
        len: usize,
    },
    /// A socket connected.
    SocketConnected(SocketId),
    /// A socket closed or failed to connect.
    SocketDown(SocketId),
    /// Data from the network was dropped (cache bound, send failure).
    NetworkDropped {
        /// The socket.
        socket: SocketId,
        /// Bytes dropped.
        len: usize,
    },
    /// A packet could not be sent on a socket and was dropped.
    SendFailed(SocketId),
    /// The cache of a socket dropped a serial packet (full: the oldest; `CACHEN=OFF`: the new
    /// one).
    CacheDropped(SocketId),
    /// HTTPD mode: a serial packet started an HTTP request.
    HttpRequest,
    /// HTTPD mode: a response arrived (written to serial, or held in command mode).
    HttpResponse {
        /// Its length, status line and headers included.
        len: usize,
    },
    /// HTTPD mode: the request failed (refused, send failed, no response); nothing written.
    HttpFailed,
    /// HTTPD mode: no complete response within `HTPTIM`; nothing written.
    HttpTimedOut,
    /// An SMS was sent (SMS mode, or an SMS AT answer).
    SmsSent,
    /// An SMS arrived.
    SmsReceived,
    /// A received SMS was not written to serial (filtered, wrong mode, command mode).
    SmsDropped,
}

/// Where the engine's output goes: bytes for the serial line, and events.
pub trait Sink {
    /// Bytes to write on serial, in order.
    fn serial(&mut self, bytes: &[u8]);
    /// Something happened (default: ignored).
    fn event(&mut self, event: Event) {
        let _ = event;
    }
}

impl<T: Sink + ?Sized> Sink for &mut T {
    fn serial(&mut self, bytes: &[u8]) {
        T::serial(self, bytes)
    }
    fn event(&mut self, event: Event) {
        T::event(self, event)
    }
}
