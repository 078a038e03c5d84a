//! The radio: signal, access technology, cell location, own address and number.
//!
//! Implemented by vendor firmware (baseband queries), by the simulator and by tests. Used to
//! answer `AT+CSQ`, `AT+SYSINFO?`, `AT+LBS?`, `AT+LBSN?`, `AT+CIP?`, `AT+CNUM?`, and to build LBS
//! heartbeats.

use crate::error::ErrorType;

/// `+CSQ:<rssi>,<ber>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct SignalQuality {
    /// 0-31 (dBm = 2 x rssi - 113), or 99 when unknown.
    pub rssi: u8,
    /// Bit error rate 0-7, or 99 when unknown.
    pub ber: u8,
}

impl SignalQuality {
    /// The value the module reports before it knows (`+CSQ:99,99`).
    pub const UNKNOWN: SignalQuality = SignalQuality { rssi: 99, ber: 99 };

    /// The received power in dBm, `None` when unknown.
    pub const fn dbm(self) -> Option<i16> {
        if self.rssi <= 31 {
            Some(self.rssi as i16 * 2 - 113)
        } else {
            None
        }
    }
}

/// Access technology, `+SYSINFO:<n>,<mode>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum AccessMode {
    /// `0,No Network`.
    NoService,
    /// `2,GSM/GPRS`.
    Gsm,
    /// `4,LTE`.
    Lte,
}

/// A cell: `LAC=<hex>,CID=<decimal>` (`AT+LBS?`) or `TAC<n>=<hex>,CellID<n>=<hex>` (`AT+LBSN?`).
/// The numbers are stored as numbers; the radix is a matter of rendering.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Cell {
    /// Location (2G) or tracking (LTE) area code.
    pub area: u32,
    /// Cell identity.
    pub cell_id: u32,
}

/// Radio queries.
pub trait Radio: ErrorType {
    /// Signal quality (`AT+CSQ`).
    fn signal_quality(&mut self) -> Result<SignalQuality, Self::Error>;
    /// Access technology (`AT+SYSINFO?`).
    fn access_mode(&mut self) -> Result<AccessMode, Self::Error>;
    /// The serving cell (`AT+LBS?`); `ErrorKind::NoNetwork` without one.
    fn serving_cell(&mut self) -> Result<Cell, Self::Error>;
    /// Neighbour cells into `cells` (`AT+LBSN?`); returns how many were written.
    fn neighbour_cells(&mut self, cells: &mut [Cell]) -> Result<usize, Self::Error>;
    /// The module's IPv4 address on the data connection (`AT+CIP?`).
    fn local_ip(&mut self) -> Result<[u8; 4], Self::Error>;
    /// The SIM's own number as ASCII into `buf` (`AT+CNUM?`); returns its length (0 when the
    /// SIM does not store it).
    fn own_number(&mut self, buf: &mut [u8]) -> Result<usize, Self::Error>;
}

impl<T: Radio + ?Sized> Radio for &mut T {
    fn signal_quality(&mut self) -> Result<SignalQuality, Self::Error> {
        T::signal_quality(self)
    }
    fn access_mode(&mut self) -> Result<AccessMode, Self::Error> {
        T::access_mode(self)
    }
    fn serving_cell(&mut self) -> Result<Cell, Self::Error> {
        T::serving_cell(self)
    }
    fn neighbour_cells(&mut self, cells: &mut [Cell]) -> Result<usize, Self::Error> {
        T::neighbour_cells(self, cells)
    }
    fn local_ip(&mut self) -> Result<[u8; 4], Self::Error> {
        T::local_ip(self)
    }
    fn own_number(&mut self, buf: &mut [u8]) -> Result<usize, Self::Error> {
        T::own_number(self, buf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csq_maps_to_dbm_and_99_is_unknown() {
        assert_eq!(SignalQuality { rssi: 0, ber: 99 }.dbm(), Some(-113));
        assert_eq!(SignalQuality { rssi: 27, ber: 99 }.dbm(), Some(-59));
        assert_eq!(SignalQuality { rssi: 31, ber: 0 }.dbm(), Some(-51));
        assert_eq!(SignalQuality::UNKNOWN.dbm(), None);
        assert_eq!(SignalQuality { rssi: 255, ber: 0 }.dbm(), None);
    }
}
