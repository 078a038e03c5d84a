//! What the modem writes (manual chapter 3, errata #3 and #4): information responses, final
//! results, echo, the boot banner and the handshake replies.

use crate::{EncodeError, Writer};

/// The result that ends a response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum FinalResult {
    /// `OK`.
    Ok,
    /// `ERROR`: the line was not an AT command (errata #5).
    Error,
    /// `+CME ERROR:<n>` (codes in errata #35).
    CmeError(u16),
}

impl FinalResult {
    /// Recognises a whole line as a final result: `OK`, `ERROR`, or `+CME ERROR:` with optional
    /// spaces before the number (errata #4). Anything else, including `OK` with other text on the
    /// line, is not a final result.
    pub fn parse(line: &[u8]) -> Option<FinalResult> {
        // `+CME ERROR:` read by the framer's own reader (the classification's): one copy of
        // it in a firmware that has both, such as cat1-client's late-response test.
        // `ERROR` as a word and a byte, as the classification compares it (LLVM compared the
        // literal byte by byte).
        match *line {
            [b'O', b'K'] => Some(FinalResult::Ok),
            [e0, e1, e2, e3, b'R']
                if u32::from_le_bytes([e0, e1, e2, e3]) == u32::from_le_bytes(*b"ERRO") =>
            {
                Some(FinalResult::Error)
            }
            [b'+', ref rest @ ..] => crate::framer::cme_error(rest),
            _ => None,
        }
    }

    /// Whether this is `OK`.
    pub const fn is_ok(self) -> bool {
        matches!(self, FinalResult::Ok)
    }
}

/// Something the modem writes on serial, to [`emit`](Response::emit) into a buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum Response<'a> {
    /// `\r\nOK\r\n`.
    Ok,
    /// `\r\nERROR\r\n`.
    Error,
    /// `\r\n+CME ERROR:<n>\r\n`.
    CmeError(u16),
    /// An information response and its `OK`: `\r\n+NAME:<first>\r\n[<more>\r\n]...\r\nOK\r\n`.
    /// The first line follows the colon with no space (errata #3); further lines stand alone, as in
    /// `+LBSN` (and the two-line `+SYSINFO` of older firmware).
    Info {
        /// Name without `+`.
        name: &'a [u8],
        /// The text after the colon.
        params: &'a [u8],
        /// Further lines of a multi-line answer.
        more: &'a [&'a [u8]],
    },
    /// Echoed input, written as received.
    Echo(&'a [u8]),
    /// The boot banner (`AT+STMSG`), framed by CR LF (protocol-notes §2).
    Banner(&'a [u8]),
    /// The `a` that answers `+++` (no line end; protocol-notes §1).
    HandshakeA,
    /// The `+ok` that answers `a`; decision: written without a line end, like the `a`.
    HandshakeOk,
}

impl Response<'_> {
    /// Writes the response into `buf`; returns its length, or the length needed.
    ///
    /// Errors: [`EncodeError::BufferTooSmall`]; [`EncodeError::LineEndInPayload`] when a line of
    /// an information response or the banner holds CR or LF (it would split the line);
    /// [`EncodeError::InvalidName`] for an empty or non-alphanumeric name.
    pub fn emit(&self, buf: &mut [u8]) -> Result<usize, EncodeError> {
        let has_line_end = |s: &[u8]| s.iter().any(|&b| b == b'\r' || b == b'\n');
        match self {
            Response::Info { name, params, more } => {
                if name.is_empty() || !name.iter().all(u8::is_ascii_alphanumeric) {
                    return Err(EncodeError::InvalidName);
                }
                if has_line_end(params) || more.iter().any(|l| has_line_end(l)) {
                    return Err(EncodeError::LineEndInPayload);
                }
            }
            Response::Banner(text) if has_line_end(text) => {
                return Err(EncodeError::LineEndInPayload);
            }
            _ => {}
        }
        let mut w = Writer::new(buf);
        self.write(&mut w);
        w.finish()
    }

    /// Writes without checking, for [`Response::emit`] and length queries.
    fn write(&self, w: &mut Writer<'_>) {
        match *self {
            Response::Ok => w.put(b"\r\nOK\r\n"),
            Response::Error => w.put(b"\r\nERROR\r\n"),
            Response::CmeError(code) => {
                w.put(b"\r\n+CME ERROR:");
                w.put_u32(u32::from(code));
                w.put(b"\r\n");
            }
            Response::Info { name, params, more } => {
                w.put(b"\r\n+");
                w.put(name);
                w.put_byte(b':');
                w.put(params);
                w.put(b"\r\n");
                for line in more {
                    w.put(line);
                    w.put(b"\r\n");
                }
                w.put(b"\r\nOK\r\n");
            }
            Response::Echo(bytes) => w.put(bytes),
            Response::Banner(text) => {
                w.put(b"\r\n");
                w.put(text);
                w.put(b"\r\n");
            }
            Response::HandshakeA => w.put_byte(b'a'),
            Response::HandshakeOk => w.put(b"+ok"),
        }
    }

    /// The length [`emit`](Response::emit) writes.
    pub fn buffer_len(&self) -> usize {
        let mut scratch = [0u8; 0];
        let mut w = Writer::new(&mut scratch);
        self.write(&mut w);
        w.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    extern crate std;
    use std::vec::Vec;

    /// `FinalResult::parse` as it was before it read `+CME ERROR:` with the framer's
    /// `cme_error`: the reference of `parse_is_as_before`.
    fn parse_before(line: &[u8]) -> Option<FinalResult> {
        match line {
            b"OK" => Some(FinalResult::Ok),
            b"ERROR" => Some(FinalResult::Error),
            _ => {
                const PREFIX: &[u8] = b"+CME ERROR:";
                let (head, rest) = line.split_at_checked(PREFIX.len())?;
                if !crate::line::same_bytes(head, PREFIX) {
                    return None;
                }
                let digits = rest.trim_ascii_start();
                if digits.is_empty() || digits.len() > 5 {
                    return None;
                }
                let mut n: u32 = 0;
                for &b in digits {
                    let d = b.wrapping_sub(b'0');
                    if d > 9 {
                        return None;
                    }
                    n = n * 10 + u32::from(d);
                }
                u16::try_from(n).ok().map(FinalResult::CmeError)
            }
        }
    }

    /// Lines near the final results: their words and bytes in any order, spaces and digits.
    fn near_final() -> impl Strategy<Value = Vec<u8>> {
        let piece = prop_oneof![
            Just(b"OK".to_vec()),
            Just(b"ERROR".to_vec()),
            Just(b"+CME ERROR:".to_vec()),
            Just(b"+CME".to_vec()),
            Just(b" ERROR:".to_vec()),
            Just(b"ERRO".to_vec()),
            Just(b"O".to_vec()),
            Just(b"K".to_vec()),
            proptest::collection::vec(
                prop_oneof![
                    Just(b' '),
                    Just(b'\t'),
                    Just(b'\r'),
                    Just(b'\n'),
                    Just(0x0b),
                    Just(0x0c),
                    b'0'..=b'9',
                    Just(b'+'),
                    Just(b':'),
                    any::<u8>(),
                ],
                0..8,
            ),
        ];
        proptest::collection::vec(piece, 0..4).prop_map(|p| p.concat())
    }

    proptest! {
        /// The same answer as the parse it replaces, for any line (a mutant reading six
        /// digits, or the value past `u16`, fails it).
        #[test]
        fn parse_is_as_before(line in near_final()) {
            prop_assert_eq!(FinalResult::parse(&line), parse_before(&line));
        }

        /// `+CME ERROR:` with spaces and up to seven digits (leading zeros: six digits that
        /// fit `u16` are refused).
        #[test]
        fn parse_of_cme_digits_is_as_before(
            line in "\\+CME ERROR:[ \t\x0b\x0c\r\n]{0,2}0{0,2}[0-9]{0,6}[ x]?",
        ) {
            prop_assert_eq!(FinalResult::parse(line.as_bytes()), parse_before(line.as_bytes()));
        }

        /// A final result's text with one byte replaced, or cut short.
        #[test]
        fn parse_of_a_changed_final_result_is_as_before(
            form in prop_oneof![
                Just(&b"OK"[..]),
                Just(&b"ERROR"[..]),
                Just(&b"+CME ERROR:58"[..]),
                Just(&b"+CME ERROR: 65535"[..]),
            ],
            at in 0usize..20,
            byte in any::<u8>(),
            cut in any::<bool>(),
        ) {
            let mut line = form.to_vec();
            let at = at % line.len();
            if cut {
                line.truncate(at);
            } else {
                line[at] = byte;
            }
            prop_assert_eq!(FinalResult::parse(&line), parse_before(&line));
        }

        #[test]
        fn parse_of_any_bytes_is_as_before(line in proptest::collection::vec(any::<u8>(), 0..24)) {
            prop_assert_eq!(FinalResult::parse(&line), parse_before(&line));
        }
    }

    fn emitted(r: Response<'_>) -> ([u8; 64], usize) {
        let mut buf = [0u8; 64];
        let n = r.emit(&mut buf).unwrap();
        (buf, n)
    }

    #[test]
    fn wire_forms() {
        let cases: [(Response<'_>, &[u8]); 8] = [
            (Response::Ok, b"\r\nOK\r\n"),
            (Response::Error, b"\r\nERROR\r\n"),
            (Response::CmeError(58), b"\r\n+CME ERROR:58\r\n"),
            (
                Response::Info {
                    name: b"CSQ",
                    params: b"27,99",
                    more: &[],
                },
                b"\r\n+CSQ:27,99\r\n\r\nOK\r\n",
            ),
            (
                Response::Info {
                    name: b"LBSN",
                    params: b"",
                    more: &[b"TAC1=5a30,CellID1=b2114b1"],
                },
                b"\r\n+LBSN:\r\nTAC1=5a30,CellID1=b2114b1\r\n\r\nOK\r\n",
            ),
            (Response::Banner(b"WH-LTE-7S1"), b"\r\nWH-LTE-7S1\r\n"),
            (Response::HandshakeA, b"a"),
            (Response::HandshakeOk, b"+ok"),
        ];
        for (r, want) in cases {
            let (buf, n) = emitted(r);
            assert_eq!(&buf[..n], want);
            assert_eq!(r.buffer_len(), want.len());
        }
    }

    #[test]
    fn final_results_whole_line_only() {
        assert_eq!(FinalResult::parse(b"OK"), Some(FinalResult::Ok));
        assert_eq!(FinalResult::parse(b"ERROR"), Some(FinalResult::Error));
        assert_eq!(
            FinalResult::parse(b"+CME ERROR:58"),
            Some(FinalResult::CmeError(58))
        );
        assert_eq!(
            FinalResult::parse(b"+CME ERROR: 10"),
            Some(FinalResult::CmeError(10))
        );
        for not in [
            &b"OK "[..],
            b" OK",
            b"OKAY",
            b"ok",
            b"+CME ERROR:",
            b"+CME ERROR:x",
            b"+CME ERROR:65536",
            b"+CME ERROR:123456",
        ] {
            assert_eq!(FinalResult::parse(not), None, "{not:?}");
        }
    }

    #[test]
    fn refuses_what_would_not_parse_back() {
        let mut buf = [0u8; 64];
        assert_eq!(
            Response::Info {
                name: b"",
                params: b"",
                more: &[]
            }
            .emit(&mut buf),
            Err(EncodeError::InvalidName)
        );
        assert_eq!(
            Response::Banner(b"a\nb").emit(&mut buf),
            Err(EncodeError::LineEndInPayload)
        );
        assert_eq!(
            Response::CmeError(58).emit(&mut buf[..3]),
            Err(EncodeError::BufferTooSmall { needed: 17 })
        );
    }
}
