//! The serial transports: a TCP listener (the module powers on when a client connects and off
//! when it leaves), stdin/stdout, and a pseudo-terminal.

use std::io::{self, Read, Write};
use std::net::TcpListener;
use std::sync::mpsc::{Sender, channel};

use crate::module::{LogLevel, Module, log};

/// Reads `reader` on a thread into `tx`, chunk by chunk; sends `None` at the end.
fn pump(mut reader: impl Read + Send + 'static, tx: Sender<Option<Vec<u8>>>) {
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        loop {
            match reader.read(&mut buf) {
                Ok(0) | Err(_) => {
                    let _ = tx.send(None);
                    return;
                }
                Ok(n) => {
                    if tx.send(Some(buf[..n].to_vec())).is_err() {
                        return;
                    }
                }
            }
        }
    });
}

/// Serves the serial port on a TCP listener, one client at a time, forever.
pub fn serve_tcp(module: &mut Module, listener: TcpListener, level: LogLevel) -> io::Result<()> {
    loop {
        let (stream, peer) = listener.accept()?;
        log(
            level,
            LogLevel::Info,
            format_args!("serial client {peer} connected: power on"),
        );
        stream.set_nodelay(true)?;
        let (tx, rx) = channel();
        pump(stream.try_clone()?, tx);
        let mut writer = stream;
        if let Err(e) = module.run_session(&rx, &mut writer) {
            log(
                level,
                LogLevel::Info,
                format_args!("serial client {peer}: {e}"),
            );
        }
        let _ = writer.shutdown(std::net::Shutdown::Both);
        log(
            level,
            LogLevel::Info,
            format_args!("serial client {peer} disconnected"),
        );
    }
}

/// Serves the serial port on stdin and stdout until stdin ends.
pub fn serve_stdio(module: &mut Module) -> io::Result<()> {
    let (tx, rx) = channel();
    pump(io::stdin(), tx);
    let mut out = io::stdout();
    module.run_session(&rx, &mut out)
}

/// Opens a pseudo-terminal in raw mode, prints the path of its terminal side on stdout, and
/// serves the serial port on it forever (the module stays powered).
pub fn serve_pty(module: &mut Module, level: LogLevel) -> io::Result<()> {
    use nix::pty::openpty;
    use nix::sys::termios::{SetArg, cfmakeraw, tcgetattr, tcsetattr};
    let pty = openpty(None, None).map_err(io::Error::from)?;
    let mut attrs = tcgetattr(&pty.slave).map_err(io::Error::from)?;
    cfmakeraw(&mut attrs);
    tcsetattr(&pty.slave, SetArg::TCSANOW, &attrs).map_err(io::Error::from)?;
    let path = std::fs::read_link(format!(
        "/proc/self/fd/{}",
        std::os::fd::AsRawFd::as_raw_fd(&pty.slave)
    ))?;
    println!("{}", path.display());
    io::stdout().flush()?;
    log(
        level,
        LogLevel::Info,
        format_args!("serial on pty {}", path.display()),
    );
    let master = std::fs::File::from(pty.master);
    // The terminal side stays open here, so the master never reads end-of-file when a
    // terminal program closes and reopens the device.
    let _slave = pty.slave;
    let (tx, rx) = channel();
    pump(master.try_clone()?, tx);
    let mut writer = master;
    module.run_session(&rx, &mut writer)
}
