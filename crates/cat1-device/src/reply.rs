//! The buffer one command's answer is written into before it goes to serial, a socket or an SMS.

use cat1_at_parse::{Response, Writer};

/// The longest answer: `+REGDT:` with 600 hex digits, or `AT+LBS=2` with a long address, with
/// room to spare.
pub const MAX_REPLY: usize = 1024;

/// One answer, built in place.
#[derive(Debug, Clone)]
pub(crate) struct Reply {
    buf: [u8; MAX_REPLY],
    len: usize,
}

impl Reply {
    pub(crate) const fn new() -> Self {
        Reply {
            buf: [0; MAX_REPLY],
            len: 0,
        }
    }

    pub(crate) fn as_bytes(&self) -> &[u8] {
        self.buf.get(..self.len).unwrap_or(&[])
    }

    pub(crate) fn response(&mut self, r: Response<'_>) {
        self.len = r.emit(&mut self.buf).unwrap_or(0);
    }

    pub(crate) fn ok(&mut self) {
        self.response(Response::Ok);
    }

    pub(crate) fn error(&mut self) {
        self.response(Response::Error);
    }

    pub(crate) fn cme(&mut self, code: u16) {
        self.response(Response::CmeError(code));
    }

    /// `\r\n<line(s)>\r\n\r\nOK\r\n`: the layout of `Response::Info`, written in one pass so that
    /// multi-line answers (`+LBSN:`) and answers rendered by cat1-config (which writes the
    /// `+NAME:` prefix itself) need no second buffer. An answer that does not fit becomes
    /// `+CME ERROR:50`.
    pub(crate) fn info(&mut self, body: impl FnOnce(&mut Writer<'_>)) {
        let mut w = Writer::new(&mut self.buf);
        w.put(b"\r\n");
        body(&mut w);
        w.put(b"\r\n\r\nOK\r\n");
        match w.finish() {
            Ok(n) => self.len = n,
            Err(_) => self.cme(crate::code::NOT_NOW),
        }
    }
}
