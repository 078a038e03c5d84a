//! Short messages.
//!
//! Implemented by vendor firmware (the baseband's SMS stack), by the simulator and by tests. Used
//! by the SMS work mode and by password-prefixed AT commands over SMS (protocol-notes §3), whose
//! response goes back to the sender.

use crate::error::ErrorType;

/// A received message: the sender and text were written into the caller's buffers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Received {
    /// Bytes of the sender's number written.
    pub sender_len: usize,
    /// Bytes of text written.
    pub text_len: usize,
}

/// Sending and receiving short messages.
pub trait Sms: ErrorType {
    /// Sends `text` to `number` (`AT+DSTNUM` holds the default destination).
    fn send(&mut self, number: &str, text: &[u8]) -> Result<(), Self::Error>;

    /// Takes the oldest received message, if any. A message that does not fit the buffers gives
    /// `ErrorKind::BufferTooSmall` and stays queued.
    fn receive(
        &mut self,
        sender: &mut [u8],
        text: &mut [u8],
    ) -> Result<Option<Received>, Self::Error>;
}

impl<T: Sms + ?Sized> Sms for &mut T {
    fn send(&mut self, number: &str, text: &[u8]) -> Result<(), Self::Error> {
        T::send(self, number, text)
    }
    fn receive(
        &mut self,
        sender: &mut [u8],
        text: &mut [u8],
    ) -> Result<Option<Received>, Self::Error> {
        T::receive(self, sender, text)
    }
}
