//! Host sockets for the module's four client sockets (NET mode), on `std::net`.
//!
//! Design: one thread per open socket. `open` returns at once; the thread resolves the host
//! with the OS resolver, connects (TCP) or binds and connects (UDP), then reads and pushes what
//! arrives into a queue shared with [`HostNetwork`], and reports through a channel. The engine
//! sees those reports as [`NetEvent`]s from [`HostNetwork::poll_event`], polled by the serial
//! loop at least every [`crate::module::MAX_WAIT`].
//!
//! Decisions:
//!
//! - Each socket has a generation, bumped by every `open` and `close`; a report from an older
//!   generation (a thread still winding down) is dropped, so a reopened socket never sees the
//!   old connection's events or data.
//! - A TCP read is one received packet; a UDP datagram is one packet.
//! - UDP has no connection: it is `Connected` once the host is resolved and the socket bound,
//!   and never `Closed` by the peer (ICMP "port unreachable" errors are ignored).
//! - TCP keepalive (`AT+KEEPALIVEx`): `std::net` has no keepalive API, so the settings are
//!   recorded ([`HostNetwork::keepalive`]) but not applied; the OS default applies.
//! - The connect timeout is [`CONNECT_TIMEOUT`] (real time, not scaled: it is the TCP stack's,
//!   not a module timer).
//! - `send` writes the whole packet with a blocking write (bounded by [`WRITE_TIMEOUT`]); a
//!   failed write is an error and the reader thread reports the close.

use std::collections::VecDeque;
use std::io::{ErrorKind as IoKind, Read, Write};
use std::net::{Shutdown, TcpStream, ToSocketAddrs, UdpSocket};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use cat1_hal_traits::ErrorKind;
use cat1_hal_traits::ErrorType;
use cat1_hal_traits::net::{Endpoint, Keepalive, NetEvent, Network, Protocol, SocketId};

/// How long a TCP connect may take.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a send may block.
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(5);
/// How often a UDP reader checks whether its socket was closed.
const UDP_READ_TICK: Duration = Duration::from_millis(100);

enum Conn {
    Tcp(TcpStream),
    Udp(UdpSocket),
}

enum Report {
    Connected(Conn),
    ConnectFailed,
    Readable,
    Closed,
}

type Queue = Arc<Mutex<VecDeque<Vec<u8>>>>;

struct Slot {
    generation: u64,
    conn: Option<Conn>,
    queue: Queue,
    alive: Arc<AtomicBool>,
}

impl Slot {
    fn new(generation: u64) -> Slot {
        Slot {
            generation,
            conn: None,
            queue: Arc::default(),
            alive: Arc::new(AtomicBool::new(false)),
        }
    }

    fn shut(&mut self) {
        self.alive.store(false, Ordering::SeqCst);
        if let Some(Conn::Tcp(s)) = &self.conn {
            let _ = s.shutdown(Shutdown::Both);
        }
        self.conn = None;
    }
}

/// The host network.
pub struct HostNetwork {
    slots: [Slot; 4],
    next_generation: u64,
    tx: Sender<(usize, u64, Report)>,
    rx: Receiver<(usize, u64, Report)>,
    /// The keepalive settings of the last `open` of each socket (not applied: see above).
    pub keepalive: [Option<Keepalive>; 4],
}

impl std::fmt::Debug for HostNetwork {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HostNetwork")
            .field(
                "connected",
                &self
                    .slots
                    .iter()
                    .map(|s| s.conn.is_some())
                    .collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl Default for HostNetwork {
    fn default() -> Self {
        HostNetwork::new()
    }
}

impl HostNetwork {
    /// A network with no socket open.
    pub fn new() -> Self {
        let (tx, rx) = channel();
        HostNetwork {
            slots: [Slot::new(0), Slot::new(0), Slot::new(0), Slot::new(0)],
            next_generation: 1,
            tx,
            rx,
            keepalive: [None; 4],
        }
    }

    fn bump(&mut self, i: usize) -> u64 {
        let g = self.next_generation;
        self.next_generation += 1;
        self.slots[i].shut();
        self.slots[i] = Slot::new(g);
        g
    }
}

fn resolve(host: &str, port: u16) -> Option<std::net::SocketAddr> {
    (host, port).to_socket_addrs().ok()?.next()
}

/// The thread of one socket: connect, then read until closed.
struct Job {
    i: usize,
    generation: u64,
    protocol: Protocol,
    host: String,
    port: u16,
    queue: Queue,
    alive: Arc<AtomicBool>,
    tx: Sender<(usize, u64, Report)>,
}

fn run_socket(job: Job) {
    let Job {
        i,
        generation,
        protocol,
        host,
        port,
        queue,
        alive,
        tx,
    } = job;
    let report = |r: Report| tx.send((i, generation, r)).is_ok();
    let Some(addr) = resolve(&host, port) else {
        report(Report::ConnectFailed);
        return;
    };
    match protocol {
        Protocol::Tcp => {
            let stream = match TcpStream::connect_timeout(&addr, CONNECT_TIMEOUT) {
                Ok(s) => s,
                Err(_) => {
                    report(Report::ConnectFailed);
                    return;
                }
            };
            let _ = stream.set_nodelay(true);
            let _ = stream.set_write_timeout(Some(WRITE_TIMEOUT));
            let Ok(mut reader) = stream.try_clone() else {
                report(Report::ConnectFailed);
                return;
            };
            if !report(Report::Connected(Conn::Tcp(stream))) {
                return;
            }
            let mut buf = vec![0u8; 4096];
            loop {
                match reader.read(&mut buf) {
                    Ok(0) => break,
                    Ok(n) => {
                        if !alive.load(Ordering::SeqCst) {
                            return;
                        }
                        queue
                            .lock()
                            .unwrap_or_else(std::sync::PoisonError::into_inner)
                            .push_back(buf[..n].to_vec());
                        if !report(Report::Readable) {
                            return;
                        }
                    }
                    Err(e) if e.kind() == IoKind::Interrupted => {}
                    Err(_) => break,
                }
            }
            report(Report::Closed);
        }
        Protocol::Udp => {
            let bind = if addr.is_ipv4() {
                "0.0.0.0:0"
            } else {
                "[::]:0"
            };
            let socket = match UdpSocket::bind(bind).and_then(|s| s.connect(addr).map(|()| s)) {
                Ok(s) => s,
                Err(_) => {
                    report(Report::ConnectFailed);
                    return;
                }
            };
            let _ = socket.set_read_timeout(Some(UDP_READ_TICK));
            let Ok(reader) = socket.try_clone() else {
                report(Report::ConnectFailed);
                return;
            };
            if !report(Report::Connected(Conn::Udp(socket))) {
                return;
            }
            let mut buf = vec![0u8; 65536];
            while alive.load(Ordering::SeqCst) {
                // Errors (timeouts, port unreachable, interrupts) just go round again.
                if let Ok(n) = reader.recv(&mut buf) {
                    queue
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .push_back(buf[..n].to_vec());
                    if !report(Report::Readable) {
                        return;
                    }
                }
            }
        }
    }
}

impl ErrorType for HostNetwork {
    type Error = ErrorKind;
}

impl Network for HostNetwork {
    fn open(
        &mut self,
        socket: SocketId,
        protocol: Protocol,
        remote: Endpoint<'_>,
        keepalive: Keepalive,
    ) -> Result<(), ErrorKind> {
        let i = socket.index();
        let generation = self.bump(i);
        self.keepalive[i] = Some(keepalive);
        let slot = &self.slots[i];
        slot.alive.store(true, Ordering::SeqCst);
        let (queue, alive, tx) = (slot.queue.clone(), slot.alive.clone(), self.tx.clone());
        let host = remote.host.to_owned();
        let port = remote.port;
        std::thread::Builder::new()
            .name(format!("cat1-sim socket {socket}"))
            .spawn(move || {
                run_socket(Job {
                    i,
                    generation,
                    protocol,
                    host,
                    port,
                    queue,
                    alive,
                    tx,
                })
            })
            .map(|_| ())
            .map_err(|_| ErrorKind::Other)
    }

    fn send(&mut self, socket: SocketId, data: &[u8]) -> Result<usize, ErrorKind> {
        match &mut self.slots[socket.index()].conn {
            Some(Conn::Tcp(s)) => s
                .write_all(data)
                .map(|()| data.len())
                .map_err(|_| ErrorKind::NotConnected),
            Some(Conn::Udp(s)) => s.send(data).map_err(|_| ErrorKind::Other),
            None => Err(ErrorKind::NotConnected),
        }
    }

    fn receive(&mut self, socket: SocketId, buf: &mut [u8]) -> Result<usize, ErrorKind> {
        let slot = &self.slots[socket.index()];
        let mut queue = slot
            .queue
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let Some(mut packet) = queue.pop_front() else {
            return Err(ErrorKind::WouldBlock);
        };
        let n = packet.len().min(buf.len());
        buf[..n].copy_from_slice(&packet[..n]);
        if n < packet.len() {
            // The rest stays first in line (TCP); a UDP datagram longer than the buffer is
            // cut, as on a module.
            if matches!(slot.conn, Some(Conn::Tcp(_))) {
                packet.drain(..n);
                queue.push_front(packet);
            }
        }
        Ok(n)
    }

    fn close(&mut self, socket: SocketId) -> Result<(), ErrorKind> {
        self.bump(socket.index());
        Ok(())
    }

    fn poll_event(&mut self) -> Option<NetEvent> {
        while let Ok((i, generation, report)) = self.rx.try_recv() {
            let Some(socket) = SocketId::from_index(i) else {
                continue;
            };
            let slot = &mut self.slots[i];
            if slot.generation != generation {
                continue;
            }
            return Some(match report {
                Report::Connected(conn) => {
                    slot.conn = Some(conn);
                    NetEvent::Connected(socket)
                }
                Report::ConnectFailed => NetEvent::ConnectFailed(socket),
                Report::Readable => NetEvent::Readable(socket),
                Report::Closed => {
                    // Data read before the close stays in the queue until `close`: the
                    // `Readable` reports came first, and the engine reads before it closes.
                    slot.conn = None;
                    NetEvent::Closed(socket)
                }
            });
        }
        None
    }
}

impl Drop for HostNetwork {
    fn drop(&mut self) {
        for slot in &mut self.slots {
            slot.shut();
        }
    }
}
