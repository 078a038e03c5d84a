//! atat 0.25: its digester alone, and its ingress as a user wires it.
//!
//! Sizes follow atat's examples: a 1 KiB ingress buffer, a response slot of the same size, one URC
//! type with a single variant (the USR modules emit no URC in command mode; a user still has to
//! declare one, and its parser runs on every digest).

use atat::atat_derive::AtatUrc;
use atat::{
    AtDigester, AtatIngress, DigestResult, Digester, Ingress, InternalError, Response,
    ResponseSlot, UrcChannel,
};

use crate::corpus::Case;
use crate::{Chunking, Outcome};

/// Ingress buffer size (atat's examples use 1 KiB).
pub const INGRESS_BUF_SIZE: usize = 1024;
/// Response slot size.
pub const RES_BUF_SIZE: usize = 1024;
/// URC channel capacity.
pub const URC_CAPACITY: usize = 4;
/// URC subscribers.
pub const URC_SUBSCRIBERS: usize = 1;

/// The minimal URC type atat requires, derived as its users do.
#[derive(AtatUrc, Clone, Debug, PartialEq, Eq)]
pub enum Urc {
    /// `+CEREG: <stat>`: registration changed (never sent in the corpus).
    #[at_urc(b"+CEREG")]
    Registration,
}

/// The digester, with the URC parser above.
pub type BenchDigester = AtDigester<Urc>;

/// The ingress type a user declares.
pub type BenchIngress<'a> =
    Ingress<'a, BenchDigester, Urc, RES_BUF_SIZE, URC_CAPACITY, URC_SUBSCRIBERS>;

fn outcome_of(result: &Result<&[u8], InternalError<'_>>) -> Outcome {
    match result {
        Ok(_) => Outcome::Ok,
        Err(InternalError::CmeError(e)) => Outcome::CmeError(u16::from(*e)),
        Err(_) => Outcome::Error,
    }
}

fn outcome_of_slot<const N: usize>(response: &Response<N>) -> Outcome {
    match response {
        Response::Ok(_) => Outcome::Ok,
        Response::Prompt(p) => Outcome::Prompt(*p),
        Response::CmeError(n) => Outcome::CmeError(*n),
        _ => Outcome::Error,
    }
}

/// `AtDigester` over a plain buffer: the digester's own cost plus the minimal buffering any
/// incremental use needs (append, digest the buffered bytes, drop what it swallowed). No response
/// slot, no URC channel.
pub struct DigestOnly {
    digester: BenchDigester,
    buf: [u8; INGRESS_BUF_SIZE],
    pos: usize,
}

impl Default for DigestOnly {
    fn default() -> Self {
        Self::new()
    }
}

impl DigestOnly {
    /// An empty buffer and a fresh digester.
    pub fn new() -> Self {
        DigestOnly {
            digester: BenchDigester::new(),
            buf: [0; INGRESS_BUF_SIZE],
            pos: 0,
        }
    }

    /// Feeds one response, `chunking` bytes at a time; returns the first result the digester
    /// reported (as atat's response slot keeps the first).
    #[inline]
    pub fn response(&mut self, case: &Case, chunking: Chunking) -> Outcome {
        // Bytes a failed response left behind would grow without end over the iterations of a
        // bench; atat frames every corpus response completely, so this is not reached there.
        if self.pos != 0 {
            self.pos = 0;
        }
        let mut outcome = Outcome::NoResponse;
        let size = chunking.size(case.response.len());
        for piece in case.response.chunks(size) {
            let end = self.pos + piece.len();
            let Some(dst) = self.buf.get_mut(self.pos..end) else {
                return Outcome::Unsupported;
            };
            dst.copy_from_slice(piece);
            self.pos = end;
            while self.pos > 0 {
                let (result, swallowed) = self.digester.digest(&self.buf[..self.pos]);
                if outcome == Outcome::NoResponse {
                    match result {
                        DigestResult::Response(r) => outcome = outcome_of(&r),
                        DigestResult::Prompt(p) => outcome = Outcome::Prompt(p),
                        DigestResult::Urc(_) | DigestResult::None => {}
                    }
                }
                if swallowed == 0 {
                    break;
                }
                self.buf.copy_within(swallowed..self.pos, 0);
                self.pos -= swallowed;
            }
        }
        outcome
    }
}

/// The memory an [`Ingress`] borrows, owned in one place (a firmware keeps these in statics).
pub struct IngressParts {
    /// The ingress buffer.
    pub buf: [u8; INGRESS_BUF_SIZE],
    /// Where the ingress puts a response for the client.
    pub slot: ResponseSlot<RES_BUF_SIZE>,
    /// Where the ingress publishes URCs.
    pub urcs: UrcChannel<Urc, URC_CAPACITY, URC_SUBSCRIBERS>,
}

impl Default for IngressParts {
    fn default() -> Self {
        Self::new()
    }
}

impl IngressParts {
    /// Fresh parts.
    pub fn new() -> Self {
        IngressParts {
            buf: [0; INGRESS_BUF_SIZE],
            slot: ResponseSlot::new(),
            urcs: UrcChannel::new(),
        }
    }

    /// The ingress over these parts, and the slot its responses land in.
    pub fn split(&mut self) -> (BenchIngress<'_>, &ResponseSlot<RES_BUF_SIZE>) {
        let ingress = Ingress::new(BenchDigester::new(), &mut self.buf, &self.slot, &self.urcs);
        (ingress, &self.slot)
    }
}

/// Feeds one response through `ingress` as a UART driver does: copy the bytes received into
/// `write_buf()`, then `try_advance(n)`; the client side resets the slot before the command and
/// reads it afterwards.
#[inline]
pub fn ingress_response(
    ingress: &mut BenchIngress<'_>,
    slot: &ResponseSlot<RES_BUF_SIZE>,
    case: &Case,
    chunking: Chunking,
) -> Outcome {
    // See `DigestOnly::response`: not reached on responses atat frames completely.
    if ingress.write_buf().len() != INGRESS_BUF_SIZE {
        ingress.clear();
    }
    slot.reset();
    let size = chunking.size(case.response.len());
    for piece in case.response.chunks(size) {
        let Some(dst) = ingress.write_buf().get_mut(..piece.len()) else {
            return Outcome::Unsupported;
        };
        dst.copy_from_slice(piece);
        if ingress.try_advance(piece.len()).is_err() {
            return Outcome::Error;
        }
    }
    slot.try_get()
        .map_or(Outcome::NoResponse, |r| outcome_of_slot(&r))
}
