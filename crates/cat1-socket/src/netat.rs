//! Network AT (protocol-notes §3): with `AT+NATEN=ON`, a packet received on a socket that is
//! exactly `<password>AT…\r` goes to the command interpreter, and its response goes back on the
//! same socket; anything else (NATEN off, wrong password, other line ends) is ordinary data for
//! serial.

/// The command line inside a network packet, without the password and the CR, when the packet is
/// exactly `<password>AT…\r` (or `at…`) and `enabled` (`AT+NATEN`) is on.
///
/// "Exactly" is taken literally: one CR at the very end, no other CR or LF anywhere, `AT` right
/// after the password, and a non-empty password. A packet ending in CR LF is data.
pub fn network_at_command<'p>(
    packet: &'p [u8],
    password: &[u8],
    enabled: bool,
) -> Option<&'p [u8]> {
    if !enabled || password.is_empty() {
        return None;
    }
    let line = packet.strip_prefix(password)?.strip_suffix(b"\r")?;
    let prefix = line.get(..2)?;
    if !prefix.eq_ignore_ascii_case(b"AT") {
        return None;
    }
    if line.iter().any(|&b| b == b'\r' || b == b'\n') {
        return None;
    }
    Some(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PW: &[u8] = b"usr.cn#";

    #[test]
    fn exact_password_at_cr_is_a_command() {
        assert_eq!(
            network_at_command(b"usr.cn#AT+VER\r", PW, true),
            Some(&b"AT+VER"[..])
        );
        assert_eq!(
            network_at_command(b"usr.cn#at+csq\r", PW, true),
            Some(&b"at+csq"[..])
        );
        assert_eq!(
            network_at_command(b"usr.cn#AT\r", PW, true),
            Some(&b"AT"[..])
        );
    }

    #[test]
    fn anything_else_is_data() {
        for packet in [
            &b"usr.cn#AT+VER\r"[..],
            b"usr.cn#AT+VER",
            b"usr.cn#AT+VER\r\n",
            b"usr.cn#AT+VER\n",
            b"usr.cn#AT+V\rER\r",
            b"usr.cn#XAT+VER\r",
            b"usr.cn#A\r",
            b"usr.cn#\r",
            b"usr.cn\r",
            b"wrong#AT+VER\r",
            b" usr.cn#AT+VER\r",
            b"AT+VER\r",
        ]
        .iter()
        .skip(1)
        {
            assert_eq!(network_at_command(packet, PW, true), None, "{packet:?}");
        }
        assert_eq!(network_at_command(b"usr.cn#AT+VER\r", PW, false), None);
        assert_eq!(network_at_command(b"AT+VER\r", b"", true), None);
    }
}
