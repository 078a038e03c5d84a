//! Soak: NET mode with four sockets (A-D to four local TCP servers), SDP, `NET` heartbeats and
//! the cache on, while the servers are killed and restarted over and over and the MCU side keeps
//! sending numbered SDP frames on all four sockets.
//!
//! Checked, per socket:
//!
//! - what arrives at the servers arrives at most once and in order (sequence numbers strictly
//!   increase), with no corrupted bytes, and the serial side never sees an SDP error status
//!   (header, length, parameter or checksum: frames were never cut);
//! - every frame sent while the socket was connected arrives;
//! - of the frames sent while it was down (from the module's `SocketDown` event, seen on the
//!   simulator's log, to its `SocketConnected` event after the server came back), the last
//!   20 (the cache bound) always arrive, and the number missing is at most the number of
//!   `CacheDropped` events the module reported for that socket;
//! - the simulator's resident memory (`VmRSS`) is recorded at the start and the end; the long
//!   version asserts it stayed flat.
//!
//! Frames sent between killing a server and the module's `SocketDown` (the module cannot know
//! yet: a write into a connection the peer just closed succeeds locally) may be lost; they are
//! counted and printed, never required, but they must not arrive twice or out of order either.
//!
//! Before a server is killed, the sender pauses that one socket until the server has everything
//! (the other three keep sending), so no frame is in flight when it dies.
//!
//! Timing: `--time-scale 20` (SOCKRSTIM 10 s is 0.5 s, HEARTTM 10 s is 0.5 s). Deadlines are
//! generous; nothing asserts how long anything took.
//!
//! `cargo test -p cat1-sim --test soak` runs the short version (three kills per server);
//! `cargo test -p cat1-sim --test soak -- --ignored` runs the long one (`CAT1_SOAK_CYCLES`,
//! default 150 kills per server, about ten minutes).

mod common;

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use cat1_hal_traits::net::SocketId;
use cat1_socket::cache::PACKETS as CACHE_BOUND;
use cat1_socket::sdp::{self, Direction};
use common::{DEADLINE, Serial};

const SOCKETS: [SocketId; 4] = [SocketId::A, SocketId::B, SocketId::C, SocketId::D];
const NAMES: [char; 4] = ['A', 'B', 'C', 'D'];
/// Each frame is 256 bytes, so frames never straddle a serial packet: packets are cut at
/// `UARTFL` (1024, a multiple) or at a silence, which only falls between writes.
const FRAME: usize = 256;
const PAYLOAD: usize = FRAME - sdp::OVERHEAD;
/// The `NET` heartbeat (`AT+HEARTDT=3C48423E`).
const HEARTBEAT: &[u8] = b"<HB>";
/// Time between sends; A-C send every tick, D every `SLOW_EVERY` ticks (idle longer than
/// HEARTTM, so it gets heartbeats).
const TICK: Duration = Duration::from_millis(40);
const SLOW_EVERY: u64 = 20;
/// How long a server stays up before it is killed.
const UP_FOR: Duration = Duration::from_millis(1000);
/// How long it stays down: short (the cache holds everything) and long (it overflows).
const DOWN_SHORT: Duration = Duration::from_millis(100);
const DOWN_LONG: Duration = Duration::from_millis(1500);
/// A deadline for anything that must happen (a reconnect, a drain): generous.
const SLOW: Duration = Duration::from_secs(30);

/// One record: `[A:00000123:xxxx…]`, PAYLOAD bytes.
fn record(i: usize, seq: u32) -> Vec<u8> {
    let mut r = format!("[{}:{seq:08}:", NAMES[i]).into_bytes();
    r.resize(PAYLOAD - 1, b'x');
    r.push(b']');
    r
}

fn frame(i: usize, seq: u32) -> Vec<u8> {
    let mut out = vec![0u8; FRAME];
    let n = sdp::encode_data(Direction::ToModule, SOCKETS[i], &record(i, seq), &mut out).unwrap();
    assert_eq!(n, FRAME);
    out
}

// ---------------------------------------------------------------------------------------------
// The simulator, with its log parsed for the module's events.

#[derive(Default)]
struct Events {
    port: Option<u16>,
    up: [u64; 4],
    down: [u64; 4],
    cache_dropped: [u64; 4],
    send_failed: [u64; 4],
    restarts: u64,
    other: HashMap<String, u64>,
}

struct SimProc {
    child: Child,
    events: Arc<Mutex<Events>>,
}

fn socket_of(arg: &str) -> Option<usize> {
    NAMES.iter().position(|&c| arg == c.to_string())
}

impl SimProc {
    fn start() -> SimProc {
        let mut child = Command::new(env!("CARGO_BIN_EXE_cat1-sim"))
            .args(["--serial", "tcp:127.0.0.1:0", "--time-scale", "20"])
            .args(["--log", "info"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start cat1-sim");
        let stderr = child.stderr.take().unwrap();
        let events = Arc::new(Mutex::new(Events::default()));
        let ev = events.clone();
        std::thread::spawn(move || {
            let verbose = std::env::var_os("CAT1_SIM_LOG").is_some();
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { return };
                if verbose {
                    eprintln!("{line}");
                }
                let Some(msg) = line.strip_prefix("cat1-sim: ") else {
                    continue;
                };
                let mut e = ev.lock().unwrap_or_else(|p| p.into_inner());
                if let Some(addr) = msg.strip_prefix("serial on tcp:") {
                    e.port = addr.rsplit(':').next().and_then(|p| p.parse().ok());
                    continue;
                }
                let (name, arg) = match msg.split_once('(') {
                    Some((n, rest)) => (n, rest.trim_end_matches(')')),
                    None => (msg, ""),
                };
                let slot = socket_of(arg);
                match (name, slot) {
                    ("SocketConnected", Some(i)) => e.up[i] += 1,
                    ("SocketDown", Some(i)) => e.down[i] += 1,
                    ("CacheDropped", Some(i)) => e.cache_dropped[i] += 1,
                    ("SendFailed", Some(i)) => e.send_failed[i] += 1,
                    ("Restarting", _) => e.restarts += 1,
                    _ => *e.other.entry(name.to_string()).or_default() += 1,
                }
            }
        });
        SimProc { child, events }
    }

    fn port(&self) -> u16 {
        let until = Instant::now() + DEADLINE;
        loop {
            if let Some(p) = self.events.lock().unwrap().port {
                return p;
            }
            assert!(Instant::now() < until, "simulator reports its port");
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    fn rss_kb(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .expect("/proc/<pid>/status");
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.split_whitespace().next()?.parse().ok())
            .expect("VmRSS")
    }
}

impl Drop for SimProc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// ---------------------------------------------------------------------------------------------
// A server that can be killed (listener and connection closed) and restarted on the same port.

#[derive(Default)]
struct Received {
    seqs: Vec<u32>,
    heartbeats: u64,
    /// Bytes that were neither a record nor a heartbeat.
    garbage: u64,
    connections: u64,
}

struct Server {
    i: usize,
    port: u16,
    received: Arc<Mutex<Received>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

/// Takes whole records and heartbeats from the front of `buf`.
fn parse(i: usize, buf: &mut Vec<u8>, r: &mut Received) {
    loop {
        if buf.starts_with(HEARTBEAT) {
            buf.drain(..HEARTBEAT.len());
            r.heartbeats += 1;
        } else if buf.first() == Some(&b'[') {
            if buf.len() < PAYLOAD {
                return;
            }
            let rec: Vec<u8> = buf.drain(..PAYLOAD).collect();
            let seq = std::str::from_utf8(&rec[3..11])
                .ok()
                .and_then(|s| s.parse::<u32>().ok());
            match seq {
                Some(seq) if rec[1] == NAMES[i] as u8 && rec == record(i, seq) => r.seqs.push(seq),
                _ => r.garbage += PAYLOAD as u64,
            }
        } else if buf.is_empty() || HEARTBEAT.starts_with(buf) {
            return;
        } else {
            buf.remove(0);
            r.garbage += 1;
        }
    }
}

impl Server {
    fn new(i: usize) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let mut s = Server {
            i,
            port: listener.local_addr().unwrap().port(),
            received: Arc::default(),
            stop: Arc::default(),
            thread: None,
        };
        s.run(listener);
        s
    }

    fn run(&mut self, listener: TcpListener) {
        listener.set_nonblocking(true).unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        self.stop = stop.clone();
        let received = self.received.clone();
        let i = self.i;
        self.thread = Some(std::thread::spawn(move || {
            let mut conn: Option<(TcpStream, Vec<u8>)> = None;
            let mut chunk = [0u8; 8192];
            while !stop.load(Ordering::SeqCst) {
                if let Ok((stream, _)) = listener.accept() {
                    stream.set_nonblocking(false).unwrap();
                    stream
                        .set_read_timeout(Some(Duration::from_millis(5)))
                        .unwrap();
                    let mut r = received.lock().unwrap();
                    r.connections += 1;
                    // A connection replaced mid-record: its tail is garbage.
                    if let Some((_, rest)) = &conn {
                        r.garbage += rest.len() as u64;
                    }
                    conn = Some((stream, Vec::new()));
                }
                let Some((stream, buf)) = &mut conn else {
                    std::thread::sleep(Duration::from_millis(5));
                    continue;
                };
                match stream.read(&mut chunk) {
                    Ok(0) => conn = None,
                    Ok(n) => {
                        buf.extend_from_slice(&chunk[..n]);
                        parse(i, buf, &mut received.lock().unwrap());
                    }
                    Err(_) => {}
                }
            }
            // Killed: the listener and the connection close here, unread bytes and all.
        }));
    }

    fn kill(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            t.join().unwrap();
        }
    }

    fn restart(&mut self) {
        let until = Instant::now() + SLOW;
        let listener = loop {
            match TcpListener::bind(("127.0.0.1", self.port)) {
                Ok(l) => break l,
                Err(e) if Instant::now() < until => {
                    let _ = e;
                    std::thread::sleep(Duration::from_millis(10));
                }
                Err(e) => panic!("rebind port {}: {e}", self.port),
            }
        };
        self.run(listener);
    }

    fn last(&self) -> Option<u32> {
        self.received.lock().unwrap().seqs.last().copied()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

// ---------------------------------------------------------------------------------------------
// The serial side: SDP status frames from the module, counted by code.

fn read_serial(
    mut stream: TcpStream,
    statuses: Arc<Mutex<HashMap<u8, u64>>>,
    bytes: Arc<AtomicU64>,
) {
    std::thread::spawn(move || {
        stream.set_read_timeout(None).unwrap();
        let mut buf = Vec::new();
        let mut chunk = [0u8; 8192];
        loop {
            match stream.read(&mut chunk) {
                Ok(0) | Err(_) => return,
                Ok(n) => {
                    bytes.fetch_add(n as u64, Ordering::Relaxed);
                    buf.extend_from_slice(&chunk[..n]);
                }
            }
            // header(3) length(2) socket(1) parameter(1) data checksum(1)
            loop {
                let Some(start) = buf.windows(3).position(|w| w == [0xAA, 0xFD, 0x55]) else {
                    let keep = buf.len().min(2);
                    buf.drain(..buf.len() - keep);
                    break;
                };
                buf.drain(..start);
                if buf.len() < 5 {
                    break;
                }
                let len = usize::from(u16::from_be_bytes([buf[3], buf[4]]));
                let total = 3 + 2 + len + 1;
                if len < 2 || buf.len() < total {
                    if len < 2 {
                        buf.drain(..3);
                        continue;
                    }
                    break;
                }
                if buf[6] & 0x80 != 0 {
                    *statuses.lock().unwrap().entry(buf[7]).or_default() += 1;
                }
                buf.drain(..total);
            }
        }
    });
}

// ---------------------------------------------------------------------------------------------
// The run.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    /// Sent while the module had the socket connected: must arrive.
    Connected,
    /// Sent after the kill, before the module saw the close: may be lost.
    KillWindow,
    /// Sent while the socket was down, in cycle `n`: the cache's business.
    Down(u32),
}

enum Phase {
    Up {
        since: Instant,
    },
    Draining {
        since: Instant,
    },
    KillWindow {
        down_seen: u64,
    },
    Down {
        since: Instant,
        hold: Duration,
        cycle: u32,
    },
    Reconnecting {
        up_seen: u64,
        since: Instant,
        cycle: u32,
    },
}

struct Report {
    frames_sent: u64,
    lost_in_kill_window: u64,
    down_frames: u64,
    dropped_counted: u64,
    heartbeats: u64,
    rss_start_kb: u64,
    rss_end_kb: u64,
}

fn configure(s: &mut Serial, servers: &[Server]) {
    s.enter_command_mode();
    s.at("AT+E=OFF");
    let mut settings: Vec<String> = Vec::new();
    for (i, server) in servers.iter().enumerate() {
        settings.push(format!("AT+SOCK{}=TCP,127.0.0.1,{}", NAMES[i], server.port));
        if i > 0 {
            settings.push(format!("AT+SOCK{}EN=ON", NAMES[i]));
        }
    }
    settings.extend(
        [
            "AT+SDPEN=ON",
            "AT+CACHEN=ON",
            "AT+HEARTEN=ON",
            "AT+HEARTTP=NET",
            "AT+HEARTTM=10",
            "AT+HEARTDT=3C48423E",
            "AT+SOCKRSTIM=10",
            "AT+SOCKRSNUM=65535",
        ]
        .map(String::from),
    );
    for line in &settings {
        assert_eq!(s.at(line), "\r\nOK\r\n", "{line}");
    }
    assert_eq!(s.at("AT+S"), "\r\nOK\r\n");
    s.read_until(b"\r\nWH-LTE-7S1\r\n", DEADLINE);
}

fn soak(cycles: u32) -> Report {
    let sim = SimProc::start();
    let mut servers: Vec<Server> = (0..4).map(Server::new).collect();
    let stream = TcpStream::connect(("127.0.0.1", sim.port())).unwrap();
    stream.set_nodelay(true).unwrap();
    let mut s = Serial {
        stream,
        buf: Vec::new(),
    };
    s.read_until(b"\r\n", DEADLINE);
    s.read_until(b"\r\n", DEADLINE);
    configure(&mut s, &servers);
    let statuses: Arc<Mutex<HashMap<u8, u64>>> = Arc::default();
    let serial_bytes = Arc::new(AtomicU64::new(0));
    read_serial(
        s.stream.try_clone().unwrap(),
        statuses.clone(),
        serial_bytes.clone(),
    );
    let mut serial = s.stream;

    let up_count = |i: usize| sim.events.lock().unwrap().up[i];
    let down_count = |i: usize| sim.events.lock().unwrap().down[i];

    // Wait for all four links before the first frame.
    let until = Instant::now() + SLOW;
    while (0..4).any(|i| up_count(i) == 0) {
        assert!(Instant::now() < until, "the sockets never connected");
        std::thread::sleep(Duration::from_millis(10));
    }
    let rss_start_kb = sim.rss_kb();
    let restarts_before = sim.events.lock().unwrap().restarts;

    let start = Instant::now();
    // Each socket's first kill is staggered, so kills and reconnects overlap differently.
    let mut phases: Vec<Phase> = (0..4)
        .map(|i| Phase::Up {
            since: start + Duration::from_millis(250 * i as u64),
        })
        .collect();
    let mut done = [0u32; 4];
    let mut seq = [0u32; 4];
    let mut classes: Vec<Vec<Class>> = vec![Vec::new(); 4];
    let mut tick: u64 = 0;
    let mut next = Instant::now();
    let run_deadline = Instant::now() + SLOW + Duration::from_secs(u64::from(cycles) * 10);

    while done.iter().any(|&d| d < cycles) {
        assert!(Instant::now() < run_deadline, "the soak never finished");
        let now = Instant::now();
        // Socket state machines.
        for i in 0..4 {
            let phase = &mut phases[i];
            match *phase {
                Phase::Up { since } if done[i] < cycles && now >= since + UP_FOR => {
                    *phase = Phase::Draining { since: now };
                }
                Phase::Draining { since } => {
                    if seq[i] == 0 || servers[i].last() == Some(seq[i]) {
                        let down_seen = down_count(i);
                        servers[i].kill();
                        *phase = Phase::KillWindow { down_seen };
                    } else {
                        assert!(
                            now < since + SLOW,
                            "server {} never got frame {}",
                            NAMES[i],
                            seq[i]
                        );
                    }
                }
                Phase::KillWindow { down_seen } if down_count(i) > down_seen => {
                    let cycle = done[i];
                    let hold = if cycle % 2 == 0 {
                        DOWN_SHORT
                    } else {
                        DOWN_LONG
                    };
                    *phase = Phase::Down {
                        since: now,
                        hold,
                        cycle,
                    };
                }
                Phase::Down { since, hold, cycle } if now >= since + hold => {
                    let up_seen = up_count(i);
                    servers[i].restart();
                    *phase = Phase::Reconnecting {
                        up_seen,
                        since: now,
                        cycle,
                    };
                }
                Phase::Reconnecting {
                    up_seen,
                    since,
                    cycle,
                } => {
                    if up_count(i) > up_seen {
                        done[i] = cycle + 1;
                        *phase = Phase::Up { since: now };
                    } else {
                        assert!(now < since + SLOW, "socket {} never reconnected", NAMES[i]);
                    }
                }
                _ => {}
            }
        }
        // Send this tick's frames.
        for i in 0..4 {
            if i == 3 && !tick.is_multiple_of(SLOW_EVERY) {
                continue;
            }
            let class = match phases[i] {
                Phase::Up { .. } => Class::Connected,
                Phase::Draining { .. } => continue,
                Phase::KillWindow { .. } => Class::KillWindow,
                Phase::Down { cycle, .. } | Phase::Reconnecting { cycle, .. } => Class::Down(cycle),
            };
            seq[i] += 1;
            classes[i].push(class);
            serial.write_all(&frame(i, seq[i])).unwrap();
        }
        tick += 1;
        next += TICK;
        if let Some(wait) = next.checked_duration_since(Instant::now()) {
            std::thread::sleep(wait);
        } else {
            next = Instant::now();
        }
    }

    // Everything up: wait until each server has the last frame sent on its socket.
    for i in 0..4 {
        let until = Instant::now() + SLOW;
        while seq[i] > 0 && servers[i].last() != Some(seq[i]) {
            assert!(
                Instant::now() < until,
                "socket {}: the last frame {} never arrived (have {:?})",
                NAMES[i],
                seq[i],
                servers[i].last()
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }
    // Heartbeats of the idle socket D keep coming; let the log settle.
    std::thread::sleep(Duration::from_millis(200));
    let rss_end_kb = sim.rss_kb();

    // The checks.
    let events = sim.events.lock().unwrap();
    let statuses = statuses.lock().unwrap().clone();
    let mut report = Report {
        frames_sent: 0,
        lost_in_kill_window: 0,
        down_frames: 0,
        dropped_counted: 0,
        heartbeats: 0,
        rss_start_kb,
        rss_end_kb,
    };
    for (code, n) in &statuses {
        assert_eq!(
            *code, 0x10,
            "the module reported SDP status {code:#04x} {n} times: a frame was cut"
        );
    }
    assert_eq!(
        events.restarts, restarts_before,
        "the module restarted during the soak"
    );
    for i in 0..4 {
        let name = NAMES[i];
        let r = servers[i].received.lock().unwrap();
        assert_eq!(r.garbage, 0, "socket {name}: corrupted bytes at the server");
        assert!(
            r.seqs.windows(2).all(|w| w[0] < w[1]),
            "socket {name}: a frame arrived twice or out of order"
        );
        assert!(r.seqs.last().copied() <= Some(seq[i]));
        let got: std::collections::HashSet<u32> = r.seqs.iter().copied().collect();
        let arrived = |n: usize| got.contains(&(n as u32 + 1));
        let mut by_cycle: HashMap<u32, Vec<usize>> = HashMap::new();
        for (n, class) in classes[i].iter().enumerate() {
            match class {
                Class::Connected => {
                    assert!(
                        arrived(n),
                        "socket {name}: frame {} sent while connected was lost",
                        n + 1
                    )
                }
                Class::KillWindow => report.lost_in_kill_window += u64::from(!arrived(n)),
                Class::Down(c) => by_cycle.entry(*c).or_default().push(n),
            }
        }
        let mut missing_down = 0u64;
        for (cycle, frames) in &by_cycle {
            let keep = frames.len().saturating_sub(CACHE_BOUND);
            for &n in &frames[keep..] {
                assert!(
                    arrived(n),
                    "socket {name}, cycle {cycle}: frame {} within the cache bound was lost",
                    n + 1
                );
            }
            missing_down += frames.iter().filter(|&&n| !arrived(n)).count() as u64;
            report.down_frames += frames.len() as u64;
        }
        assert!(
            missing_down <= events.cache_dropped[i],
            "socket {name}: {missing_down} frames missing from the down windows, but only {} \
             drops reported",
            events.cache_dropped[i]
        );
        report.dropped_counted += events.cache_dropped[i];
        report.frames_sent += u64::from(seq[i]);
        report.heartbeats += r.heartbeats;
        if i == 3 {
            assert!(r.heartbeats > 0, "socket D idled but no heartbeat arrived");
        }
    }
    eprintln!(
        "soak: {cycles} kills per server; {} frames sent, {} while down ({} cache drops \
         reported), {} lost between a kill and the module seeing it, {} heartbeats; SDP status \
         frames {statuses:?}; SendFailed events {:?}; serial bytes from the module {}; VmRSS {} \
         kB at the start, {} kB at the end",
        report.frames_sent,
        report.down_frames,
        report.dropped_counted,
        report.lost_in_kill_window,
        report.heartbeats,
        events.send_failed,
        serial_bytes.load(Ordering::Relaxed),
        report.rss_start_kb,
        report.rss_end_kb,
    );
    report
}

#[test]
fn soak_short() {
    let r = soak(3);
    assert!(r.down_frames > 0);
    // With one long outage per socket the cache overflowed and said so.
    assert!(r.dropped_counted > 0, "no cache overflow was exercised");
}

#[test]
#[ignore = "long: about ten minutes; run with --ignored"]
fn soak_long() {
    let cycles = std::env::var("CAT1_SOAK_CYCLES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(150);
    let r = soak(cycles);
    // Flat: the first cycles' allocations (thread stacks, buffers) are all made by the start
    // sample; allow allocator slack, not growth per cycle.
    assert!(
        r.rss_end_kb <= r.rss_start_kb + 4096,
        "VmRSS grew from {} kB to {} kB",
        r.rss_start_kb,
        r.rss_end_kb
    );
}
