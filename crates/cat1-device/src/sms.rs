//! SMS: SMS work mode (serial packets to `DSTNUM`, received SMS to serial) and SMS AT
//! (protocol-notes §3).
//!
//! Decisions:
//!
//! - **SMS AT** works in every work mode: an SMS whose text is `<password>AT…` (the command
//!   password, `AT+CMDPW`; one trailing CR or CR LF tolerated, no other CR or LF) runs the
//!   command like network AT (no login, no echo), and the answer text, exactly as it would be
//!   written on serial (`\r\nOK\r\n`), goes back by SMS to the sender. The manual has no switch
//!   for it: the password is the protection.
//! - **SMS mode, serial to SMS.** Each serial packet is one SMS to `DSTNUM`, whatever its
//!   length (splitting into 160-character parts is the SMS service's business). With `DSTNUM`
//!   empty, or when the service refuses, the packet is dropped and counted.
//! - **SMS mode, SMS to serial.** The text of a received SMS is written to serial as it is,
//!   without the sender. With `SMSFLT=ON` only SMS from `DSTNUM` (compared byte for byte) are
//!   written; the others are dropped and counted. In the other work modes, and during
//!   temporary command mode, received SMS that are not SMS AT are dropped and counted.
//! - The SMS service has no event: received SMS are fetched at every [`crate::Engine::poll`],
//!   at most [`SMS_PER_POLL`] a time; a firmware polls when its modem signals one.

use cat1_hal_traits::sms::Sms;

/// Received SMS handled per poll.
pub const SMS_PER_POLL: usize = 4;
/// The longest sender number kept.
pub const MAX_NUMBER: usize = 32;
/// The longest SMS text kept; longer texts are cut.
pub const MAX_SMS_TEXT: usize = 1024;

/// The command line inside an SMS, without the password, when the text is `<password>AT…`.
pub(crate) fn sms_at_command<'t>(text: &'t [u8], password: &[u8]) -> Option<&'t [u8]> {
    if password.is_empty() {
        return None;
    }
    let line = text.strip_prefix(password)?;
    let line = line
        .strip_suffix(b"\r\n")
        .or_else(|| line.strip_suffix(b"\r"))
        .unwrap_or(line);
    let prefix = line.get(..2)?;
    if !prefix.eq_ignore_ascii_case(b"AT") || line.iter().any(|&b| b == b'\r' || b == b'\n') {
        return None;
    }
    Some(line)
}

/// Sends `text` to `number`; `false` when the number is not text or the service refused.
pub(crate) fn send<M: Sms>(sms: &mut M, number: &[u8], text: &[u8]) -> bool {
    match core::str::from_utf8(number) {
        Ok(n) if !n.is_empty() => sms.send(n, text).is_ok(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sms_at() {
        assert_eq!(
            sms_at_command(b"usr.cn#AT+VER", b"usr.cn#"),
            Some(&b"AT+VER"[..])
        );
        assert_eq!(
            sms_at_command(b"usr.cn#at+ver\r\n", b"usr.cn#"),
            Some(&b"at+ver"[..])
        );
        assert_eq!(sms_at_command(b"wrong#AT+VER", b"usr.cn#"), None);
        assert_eq!(sms_at_command(b"usr.cn#hello", b"usr.cn#"), None);
        assert_eq!(sms_at_command(b"usr.cn#AT\nX", b"usr.cn#"), None);
        assert_eq!(sms_at_command(b"AT+VER", b""), None);
    }
}
