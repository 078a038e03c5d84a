//! The client's UART and clock on the host: the simulator's TCP serial as embedded-io.

use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use cat1_hal_traits::time::{Clock, Instant};
use embedded_io::{ErrorKind, ErrorType, Read, ReadReady, Write};

/// A TCP stream as an embedded-io UART with a readiness flag; everything written is logged.
pub struct TcpUart {
    stream: TcpStream,
    buf: Vec<u8>,
    written: Arc<Mutex<Vec<u8>>>,
}

impl ErrorType for TcpUart {
    type Error = ErrorKind;
}

impl ReadReady for TcpUart {
    fn read_ready(&mut self) -> Result<bool, ErrorKind> {
        if self.buf.is_empty() {
            let mut chunk = [0u8; 1024];
            match self.stream.read(&mut chunk) {
                Ok(0) => return Err(ErrorKind::BrokenPipe),
                Ok(n) => self.buf.extend_from_slice(&chunk[..n]),
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                    // a host UART is not a busy loop
                    std::thread::sleep(Duration::from_micros(200));
                }
                Err(_) => return Err(ErrorKind::Other),
            }
        }
        Ok(!self.buf.is_empty())
    }
}

impl Read for TcpUart {
    fn read(&mut self, out: &mut [u8]) -> Result<usize, ErrorKind> {
        while !self.read_ready()? {}
        let n = out.len().min(self.buf.len());
        out[..n].copy_from_slice(&self.buf[..n]);
        self.buf.drain(..n);
        Ok(n)
    }
}

impl Write for TcpUart {
    fn write(&mut self, data: &[u8]) -> Result<usize, ErrorKind> {
        self.stream
            .set_nonblocking(false)
            .map_err(|_| ErrorKind::Other)?;
        let r = self.stream.write(data).map_err(|_| ErrorKind::Other);
        self.stream
            .set_nonblocking(true)
            .map_err(|_| ErrorKind::Other)?;
        if let Ok(n) = r {
            self.written.lock().unwrap().extend_from_slice(&data[..n]);
        }
        r
    }
    fn flush(&mut self) -> Result<(), ErrorKind> {
        Ok(())
    }
}

pub struct HostClock(pub std::time::Instant);

impl Clock for HostClock {
    fn now(&self) -> Instant {
        Instant::from_millis(self.0.elapsed().as_millis() as u64)
    }
}

impl TcpUart {
    /// Connects to the simulator's serial port (the module powers on); returns the UART and the
    /// log of everything written through it.
    pub fn connect(port: u16) -> (TcpUart, Arc<Mutex<Vec<u8>>>) {
        let stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        stream.set_nodelay(true).unwrap();
        stream.set_nonblocking(true).unwrap();
        let written = Arc::new(Mutex::new(Vec::new()));
        let uart = TcpUart {
            stream,
            buf: Vec::new(),
            written: written.clone(),
        };
        (uart, written)
    }
}

impl HostClock {
    /// A clock starting now.
    pub fn start() -> HostClock {
        HostClock(std::time::Instant::now())
    }
}
