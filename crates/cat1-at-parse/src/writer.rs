//! A cursor over a caller's buffer that never panics and keeps counting past the end, so that a
//! short buffer reports the length it would have needed.

use crate::EncodeError;

/// Writes into a caller-owned buffer.
///
/// Bytes that do not fit are counted, not written, so [`Writer::finish`] can say how long the
/// buffer must be. Used by every encoder of the cat1 crates.
#[derive(Debug)]
pub struct Writer<'b> {
    buf: &'b mut [u8],
    len: usize,
}

impl<'b> Writer<'b> {
    /// A writer at the start of `buf`.
    pub fn new(buf: &'b mut [u8]) -> Self {
        Writer { buf, len: 0 }
    }

    /// Appends `bytes`, or counts them when they do not fit.
    // Not `#[inline]`: an inline function is copied into every crate that calls it, and the
    // copies stay apart after LTO (cat1-client and cat1-config each had one: 64 bytes twice).
    pub fn put(&mut self, bytes: &[u8]) {
        let end = self.len.saturating_add(bytes.len());
        if let Some(dst) = self.buf.get_mut(self.len..end) {
            // A byte loop rather than `copy_from_slice`: the pieces are a few bytes, and a store
            // only where the byte differs keeps LLVM from turning the loop into a `memcpy` call
            // (which would bring about 700 bytes of flash into a firmware that needs no other).
            for (d, &s) in dst.iter_mut().zip(bytes) {
                if *d != s {
                    *d = s;
                }
            }
        }
        self.len = end;
    }

    /// Appends one byte.
    #[inline]
    pub fn put_byte(&mut self, byte: u8) {
        if let Some(dst) = self.buf.get_mut(self.len) {
            *dst = byte;
        }
        self.len = self.len.saturating_add(1);
    }

    /// Appends `value` in decimal, without leading zeros.
    pub fn put_u32(&mut self, value: u32) {
        // One digit (most numbers of the command set: flags, modes, indexes) without the digit
        // buffer and its loop: about 45 instructions less for it.
        // Through `put`, as the other numbers (less flash than a second store path).
        if value < 10 {
            self.put(&[b'0' + value as u8]);
            return;
        }
        let mut digits = [0u8; 10];
        let mut n = value;
        let mut start = digits.len();
        for slot in digits.iter_mut().rev() {
            *slot = b'0' + (n % 10) as u8;
            n /= 10;
            start -= 1;
            if n == 0 {
                break;
            }
        }
        self.put(digits.get(start..).unwrap_or(&[]));
    }

    /// Bytes written or counted so far.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether nothing has been written yet.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Whether everything written so far fitted.
    pub fn fits(&self) -> bool {
        self.len <= self.buf.len()
    }

    /// The number of bytes written, or [`EncodeError::BufferTooSmall`] with the length needed.
    pub fn finish(self) -> Result<usize, EncodeError> {
        if self.fits() {
            Ok(self.len)
        } else {
            Err(EncodeError::BufferTooSmall { needed: self.len })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_past_the_end() {
        let mut buf = [0u8; 4];
        let mut w = Writer::new(&mut buf);
        w.put(b"AT+CSQ");
        w.put_byte(b'\r');
        assert_eq!(w.finish(), Err(EncodeError::BufferTooSmall { needed: 7 }));
    }

    #[test]
    fn decimal() {
        let mut buf = [0u8; 32];
        let mut w = Writer::new(&mut buf);
        for v in [0, 7, 10, 65535, u32::MAX] {
            w.put_u32(v);
            w.put_byte(b',');
        }
        let n = w.finish().unwrap();
        assert_eq!(&buf[..n], b"0,7,10,65535,4294967295,");
    }
}
