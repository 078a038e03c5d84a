//! What the two client targets (`client_core`, `client_modem`) share: their byte-code reader and
//! the counters' monotonicity check.

use cat1_client::ClientCounters;

/// A script read as a byte code: every read past the end is `None`, which ends the script.
pub struct Script<'a>(pub &'a [u8]);

impl<'a> Script<'a> {
    pub fn byte(&mut self) -> Option<u8> {
        let (&b, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(b)
    }

    /// A length byte, then that many bytes.
    pub fn bytes(&mut self) -> Option<&'a [u8]> {
        let n = usize::from(self.byte()?);
        self.take(n)
    }

    pub fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.0.len() < n {
            return None;
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Some(head)
    }
}

/// Every counter of `b` at least what it was in `a`.
pub fn monotone(a: ClientCounters, b: ClientCounters) {
    assert!(b.timeouts >= a.timeouts);
    assert!(b.probes_unanswered >= a.probes_unanswered);
    assert!(b.aborted >= a.aborted);
    assert!(b.late_responses >= a.late_responses);
    assert!(b.unsolicited >= a.unsolicited);
    assert!(b.overflows >= a.overflows);
    assert!(b.bytes_dropped >= a.bytes_dropped);
}
