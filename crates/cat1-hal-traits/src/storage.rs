//! Storage for configuration slots.
//!
//! Implemented by vendor firmware (a flash sector per slot), by the simulator (a file), and by
//! tests (RAM). The configuration is written to two slots alternately, so that a write torn by a
//! power cut never destroys the last good copy; see `cat1-config`'s persistence.

use core::fmt;

/// The two configuration slots.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Slot {
    /// The first slot.
    A,
    /// The second slot.
    B,
}

impl Slot {
    /// The other slot.
    pub const fn other(self) -> Slot {
        match self {
            Slot::A => Slot::B,
            Slot::B => Slot::A,
        }
    }
}

/// What went wrong, in terms every implementation can map to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum StorageErrorKind {
    /// The data does not fit the slot.
    TooLarge,
    /// The medium failed (flash error, I/O error).
    Io,
    /// Anything else.
    Other,
}

/// An error of a [`Storage`] implementation.
pub trait StorageError: fmt::Debug {
    /// The kind of error.
    fn kind(&self) -> StorageErrorKind;
}

impl StorageError for core::convert::Infallible {
    fn kind(&self) -> StorageErrorKind {
        match *self {}
    }
}

/// Two slots of non-volatile bytes.
pub trait Storage {
    /// The implementation's error.
    type Error: StorageError;

    /// Bytes one slot holds.
    fn capacity(&self) -> usize;

    /// Reads a slot into `buf`; returns the number of bytes read (at most `capacity()`; an
    /// erased or never-written slot may read as anything, including nothing).
    fn read(&mut self, slot: Slot, buf: &mut [u8]) -> Result<usize, Self::Error>;

    /// Replaces the contents of a slot with `data`. A power cut may leave any prefix of `data`
    /// written: readers must check (cat1-config's format carries a CRC).
    fn write(&mut self, slot: Slot, data: &[u8]) -> Result<(), Self::Error>;
}

impl<T: Storage + ?Sized> Storage for &mut T {
    type Error = T::Error;
    fn capacity(&self) -> usize {
        T::capacity(self)
    }
    fn read(&mut self, slot: Slot, buf: &mut [u8]) -> Result<usize, Self::Error> {
        T::read(self, slot, buf)
    }
    fn write(&mut self, slot: Slot, data: &[u8]) -> Result<(), Self::Error> {
        T::write(self, slot, data)
    }
}
