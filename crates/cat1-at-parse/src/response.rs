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
