//! Transparent data on sockets A-D with the socket distribution protocol (`AT+SDPEN=ON`,
//! protocol-notes §4), on top of cat1-socket's codec.
//!
//! Sending needs no buffer: [`frame_parts`] gives the 7 header bytes and the checksum, and the
//! adapters write header, data and checksum back to back (one burst, as the module requires).
//! Receiving goes through a [`Receiver`] the firmware owns and feeds with what
//! `read_data_in_place` (no copy) or `read_data` returns; status frames from the module come out
//! as [`SocketEvent::Failed`], so a send the module could not deliver is an error the firmware
//! sees, not a silent loss.

use cat1_at_parse::Status;
pub use cat1_hal_traits::net::SocketId;
pub use cat1_socket::sdp::{Counters, DecodeError, StatusCode};
use cat1_socket::sdp::{Decoder, Direction, Event, PARAM_DATA, Payload};

/// What a [`Receiver`] hands out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum SocketEvent<'a> {
    /// Data from the network on `socket`.
    Data {
        /// The socket it came from.
        socket: SocketId,
        /// The data.
        data: &'a [u8],
    },
    /// The module reports a problem with a frame sent on `socket` (a bad frame, or a send that
    /// failed: [`StatusCode::SendFailed`]).
    Failed {
        /// The socket named by the status frame.
        socket: SocketId,
        /// What went wrong.
        code: StatusCode,
    },
    /// Bytes that were not a valid frame were dropped (counted in [`Receiver::counters`]).
    Dropped(DecodeError),
}

/// Decodes the module-to-MCU direction. `N` bytes hold the longest frame expected: the module
/// forwards network packets of up to `AT+UARTFL` bytes (default 1024), plus 8 bytes of framing.
///
/// `FAST` chooses cat1-socket's decoding path. By default (`false`) the compact one: on the MCU
/// flash counts more than the receiver's speed (at 921,600 baud a byte arrives every 870 to
/// 1,800 cycles of an 80 to 168 MHz Cortex-M4), so the receiver stores a frame's bytes one at a
/// time for fewer bytes of code (844 less in the complete client, benches/README.md); `true` takes the fast paths (a
/// whole frame in one step, copies four bytes at a time), with their flash. The same frames and
/// errors either way, and the same counters once the input is taken in; the figures of both are in `benches/README.md` ("The SDP
/// receiver's compact path", and the SDP rows of the machines).
#[derive(Debug)]
pub struct Receiver<const N: usize, const FAST: bool = false> {
    // The direction fixed at compile time (`TO_HOST`): the header and the status frame's test
    // are constants in the decoder's code.
    decoder: Decoder<N, FAST, true>,
}

impl<const N: usize, const FAST: bool> Default for Receiver<N, FAST> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize, const FAST: bool> Receiver<N, FAST> {
    /// An empty receiver.
    pub const fn new() -> Self {
        Receiver {
            decoder: Decoder::to_host(),
        }
    }

    /// Feeds received bytes; returns the next event and the bytes consumed, or
    /// [`Status::Partial`] when all were taken in. Call again with the rest.
    pub fn feed(&mut self, input: &[u8]) -> Status<SocketEvent<'_>> {
        match self.decoder.feed(input) {
            Status::Partial => Status::Partial,
            Status::Complete(event, used) => Status::Complete(socket_event(event), used),
        }
    }

    /// Ends a burst: the line fell silent (the module sends a frame in one burst). Frames that
    /// bytes already held complete come first; then a frame still incomplete is dropped as
    /// [`DecodeError::Truncated`] and its bytes are searched again, and a partial header or
    /// skipped bytes are dropped as garbage. Call until it returns `None`.
    pub fn flush(&mut self) -> Option<SocketEvent<'_>> {
        self.decoder.flush().map(socket_event)
    }

    /// The decoder's running totals: frames, garbage bytes, and each kind of bad frame.
    pub fn counters(&self) -> Counters {
        self.decoder.counters()
    }
}

/// The decoder's event as the receiver hands it out.
fn socket_event(event: Event<'_>) -> SocketEvent<'_> {
    match event {
        Event::Frame(frame) => match frame.payload {
            Payload::Data(data) => SocketEvent::Data {
                socket: frame.socket,
                data,
            },
            Payload::Status(code) => SocketEvent::Failed {
                socket: frame.socket,
                code,
            },
        },
        Event::Error(e) => SocketEvent::Dropped(e),
    }
}

/// The header (`55 FD AA`, length, socket, `00`) and checksum of a frame carrying `data` to the
/// module on `socket`, or `None` when `data` is longer than a frame can carry.
pub fn frame_parts(socket: SocketId, data: &[u8]) -> Option<([u8; 7], u8)> {
    let field = u16::try_from(data.len().checked_add(2)?).ok()?;
    let [hi, lo] = field.to_be_bytes();
    let letter = socket.letter();
    let [h0, h1, h2] = Direction::ToModule.header();
    let sum = data
        .iter()
        .fold(letter.wrapping_add(PARAM_DATA), |s, &b| s.wrapping_add(b));
    Some(([h0, h1, h2, hi, lo, letter, PARAM_DATA], sum))
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use std::vec::Vec;

    #[test]
    fn the_protocol_notes_example_to_the_module() {
        // One byte CC to socket A is 55 FD AA 00 03 61 00 CC 2D (protocol-notes §4).
        let (head, sum) = frame_parts(SocketId::A, &[0xCC]).unwrap();
        let mut frame = head.to_vec();
        frame.push(0xCC);
        frame.push(sum);
        assert_eq!(
            frame,
            [0x55, 0xFD, 0xAA, 0x00, 0x03, 0x61, 0x00, 0xCC, 0x2D]
        );
    }

    fn describe(ev: SocketEvent<'_>) -> std::string::String {
        match ev {
            SocketEvent::Data { socket, data } => std::format!("{socket:?} {data:?}"),
            SocketEvent::Failed { socket, code } => std::format!("{socket:?} {code:?}"),
            SocketEvent::Dropped(e) => std::format!("dropped {e:?}"),
        }
    }

    fn receive<const N: usize, const F: bool>(
        rx: &mut Receiver<N, F>,
        input: &[u8],
        chunk: usize,
    ) -> Vec<std::string::String> {
        let mut events = Vec::new();
        for piece in input.chunks(chunk) {
            let mut rest = piece;
            while let Status::Complete(ev, used) = rx.feed(rest) {
                events.push(describe(ev));
                rest = &rest[used..];
            }
        }
        events
    }

    #[test]
    fn data_and_status_frames_from_the_module() {
        fn on<const F: bool>() {
            // Network data 41 42 from socket B, then a send failure on socket A
            // (protocol-notes §4), with garbage between them.
            let input = [
                0xAA, 0xFD, 0x55, 0x00, 0x04, 0x62, 0x00, 0x41, 0x42, 0xE5, 0x13, 0x37, 0xAA, 0xFD,
                0x55, 0x00, 0x03, 0x61, 0x80, 0x10, 0xF1,
            ];
            for chunk in [1, 3, input.len()] {
                let mut rx = Receiver::<64, F>::new();
                assert_eq!(
                    receive(&mut rx, &input, chunk),
                    ["B [65, 66]", "dropped Garbage { bytes: 2 }", "A SendFailed"],
                    "chunk {chunk}, fast {F}"
                );
                assert_eq!(rx.counters().garbage_bytes, 2);
                assert_eq!(rx.counters().frames, 2);
            }
        }
        on::<false>();
        on::<true>();
    }

    #[test]
    fn flush_reports_a_cut_frame_and_finds_the_frame_it_hid() {
        fn on<const F: bool>() {
            // A header claiming 20 bytes of data for socket A, then a whole frame of one byte
            // for socket C, then silence.
            let mut input = std::vec![0xAA, 0xFD, 0x55, 0x00, 0x16, 0x61, 0x00];
            input.extend_from_slice(&[0xAA, 0xFD, 0x55, 0x00, 0x03, 0x63, 0x00, 0x41, 0xA4]);
            for chunk in [1, 4, input.len()] {
                let mut rx = Receiver::<64, F>::new();
                assert!(receive(&mut rx, &input, chunk).is_empty());
                let mut events = Vec::new();
                while let Some(ev) = rx.flush() {
                    events.push(describe(ev));
                }
                assert_eq!(
                    events,
                    [
                        "dropped Truncated { received: 13 }",
                        "dropped Garbage { bytes: 4 }",
                        "C [65]"
                    ],
                    "chunk {chunk}, fast {F}"
                );
                assert_eq!(rx.counters().truncated, 1);
                assert_eq!(rx.counters().frames, 1);
            }
        }
        on::<false>();
        on::<true>();
    }
}
