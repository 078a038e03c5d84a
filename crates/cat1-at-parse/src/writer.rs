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
        // The leading digits first, by recursion (at most 10 deep, 16 bytes of stack a level on
        // a Cortex-M4), then this one as a byte: no digit buffer to zero, fill and copy through
        // `put` (client flash -36 bytes). As `put_byte` does, the digits that fit a short buffer
        // are written; the length counts all of them either way.
        if value >= 10 {
            self.put_u32(value / 10);
        }
        self.put_byte(b'0' + (value % 10) as u8);
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

    /// `put_u32` as it was: the digits into a buffer from the last one, then `put`.
    fn put_u32_before(w: &mut Writer<'_>, value: u32) {
        if value < 10 {
            w.put(&[b'0' + value as u8]);
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
        w.put(&digits[start..]);
    }

    proptest::proptest! {
        #[test]
        fn put_u32_is_as_before(
            value in proptest::prop_oneof![0u32..1000, proptest::num::u32::ANY],
            room in 0usize..16,
            at in 0usize..8,
        ) {
            let mut now = [0u8; 16];
            let mut before = [0u8; 16];
            let (len, fits) = {
                let mut w = Writer::new(&mut now[..room]);
                w.put(&b"AT+NAME="[..at]);
                w.put_u32(value);
                w.put_byte(b'\r');
                (w.len(), w.finish())
            };
            let (len_before, fits_before) = {
                let mut w = Writer::new(&mut before[..room]);
                w.put(&b"AT+NAME="[..at]);
                put_u32_before(&mut w, value);
                w.put_byte(b'\r');
                (w.len(), w.finish())
            };
            proptest::prop_assert_eq!(len, len_before);
            proptest::prop_assert_eq!(fits, fits_before);
            // A line that fits is the same line (a short one is refused either way).
            if let Ok(n) = fits {
                proptest::prop_assert_eq!(&now[..n], &before[..n]);
            }
        }
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
