//! Load benchmark driver (`benches/sim-load/run.sh`): the simulator binary in NET mode with four
//! TCP sockets and SDP, fed SDP frames at the rate of a 921,600 baud line (92,160 bytes/s), four
//! local servers echoing everything back (so the module writes about as much to serial), for a
//! fixed time. Prints the share of one core the simulator process used over that interval,
//! from `/proc/<pid>/stat` (utime + stime), as Markdown.
//!
//! `sim_load --sim PATH [--secs N] [--valgrind]`: with `--valgrind` the simulator runs under
//! `valgrind --tool=callgrind` (a profile, not a measurement).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::channel;
use std::time::{Duration, Instant};

use cat1_hal_traits::net::SocketId;
use cat1_socket::sdp::{self, Direction};

const SOCKETS: [SocketId; 4] = [SocketId::A, SocketId::B, SocketId::C, SocketId::D];
/// 921,600 baud, 8N1: 92,160 bytes/s.
const BYTES_PER_SEC: u64 = 92_160;
/// 256-byte frames (248 bytes of data), four per 1024-byte burst (one per socket): bursts line
/// up with `UARTFL` 1024, so a serial packet never cuts a frame. 90 bursts/s.
const FRAME: usize = 256;
const BURST: usize = 4 * FRAME;

fn ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).expect("/proc/<pid>/stat");
    // Fields after the command name (which is in parentheses): state is field 3, utime 14,
    // stime 15.
    let rest = &stat[stat.rfind(')').unwrap() + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    f[11].parse::<u64>().unwrap() + f[12].parse::<u64>().unwrap()
}

fn clk_tck() -> u64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok()?.trim().parse().ok())
        .unwrap_or(100)
}

fn read_until(s: &mut TcpStream, buf: &mut Vec<u8>, pat: &[u8]) {
    let until = Instant::now() + Duration::from_secs(60);
    s.set_read_timeout(Some(Duration::from_millis(100)))
        .unwrap();
    let mut chunk = [0u8; 4096];
    while !buf.windows(pat.len()).any(|w| w == pat) {
        assert!(Instant::now() < until, "timed out waiting for {pat:?}");
        if let Ok(n) = s.read(&mut chunk) {
            assert!(n > 0, "serial closed");
            buf.extend_from_slice(&chunk[..n]);
        }
    }
    let i = buf.windows(pat.len()).position(|w| w == pat).unwrap();
    buf.drain(..i + pat.len());
}

fn at(s: &mut TcpStream, buf: &mut Vec<u8>, line: &str) {
    s.write_all(format!("{line}\r").as_bytes()).unwrap();
    read_until(s, buf, b"OK\r\n");
}

fn main() {
    let mut sim = None;
    let mut secs = 20u64;
    let mut valgrind = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--sim" => sim = args.next(),
            "--secs" => secs = args.next().and_then(|v| v.parse().ok()).expect("--secs N"),
            "--valgrind" => valgrind = true,
            _ => panic!("usage: sim_load --sim PATH [--secs N] [--valgrind]"),
        }
    }
    let sim = sim.expect("--sim PATH");
    let stop = Arc::new(AtomicBool::new(false));
    let echoed = Arc::new(AtomicU64::new(0));

    // Four echo servers.
    let mut ports = Vec::new();
    for _ in 0..4 {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        ports.push(l.local_addr().unwrap().port());
        let echoed = echoed.clone();
        std::thread::spawn(move || {
            for conn in l.incoming() {
                let Ok(mut c) = conn else { return };
                let echoed = echoed.clone();
                std::thread::spawn(move || {
                    let mut r = c.try_clone().unwrap();
                    let mut buf = [0u8; 8192];
                    while let Ok(n) = r.read(&mut buf) {
                        if n == 0 || c.write_all(&buf[..n]).is_err() {
                            return;
                        }
                        echoed.fetch_add(n as u64, Ordering::Relaxed);
                    }
                });
            }
        });
    }

    let mut cmd = if valgrind {
        let mut c = Command::new("valgrind");
        c.args([
            "--tool=callgrind",
            "--callgrind-out-file=callgrind.out.sim-load",
        ])
        .arg(&sim);
        c
    } else {
        Command::new(&sim)
    };
    let mut child = cmd
        .args(["--serial", "tcp:127.0.0.1:0", "--log", "error"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start cat1-sim");
    let pid = child.id();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(a) = line.strip_prefix("cat1-sim: serial on tcp:") {
                let _ = tx.send(a.rsplit(':').next().unwrap().parse::<u16>().unwrap());
            } else if !line.starts_with("==") {
                eprintln!("{line}");
            }
        }
    });
    let port = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("serial port");
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_nodelay(true).unwrap();
    let mut buf = Vec::new();
    read_until(&mut s, &mut buf, b"WH-LTE-7S1\r\n");
    std::thread::sleep(Duration::from_millis(300));
    s.write_all(b"+++").unwrap();
    read_until(&mut s, &mut buf, b"a");
    s.write_all(b"a").unwrap();
    read_until(&mut s, &mut buf, b"+ok");
    at(&mut s, &mut buf, "AT+E=OFF");
    for (i, p) in ports.iter().enumerate() {
        let n = ["A", "B", "C", "D"][i];
        at(&mut s, &mut buf, &format!("AT+SOCK{n}=TCP,127.0.0.1,{p}"));
        if i > 0 {
            at(&mut s, &mut buf, &format!("AT+SOCK{n}EN=ON"));
        }
    }
    at(&mut s, &mut buf, "AT+SDPEN=ON");
    at(&mut s, &mut buf, "AT+HEARTEN=OFF");
    s.write_all(b"AT+S\r").unwrap();
    read_until(&mut s, &mut buf, b"WH-LTE-7S1\r\n");
    // Let the four sockets connect.
    std::thread::sleep(Duration::from_secs(if valgrind { 10 } else { 2 }));

    // Serial output: read and count (SDP frames of the echoed data).
    let from_module = Arc::new(AtomicU64::new(0));
    {
        let mut r = s.try_clone().unwrap();
        r.set_read_timeout(None).unwrap();
        let from_module = from_module.clone();
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut chunk = [0u8; 16384];
            while !stop.load(Ordering::Relaxed) {
                match r.read(&mut chunk) {
                    Ok(0) | Err(_) => return,
                    Ok(n) => from_module.fetch_add(n as u64, Ordering::Relaxed),
                };
            }
        });
    }

    let mut burst = Vec::with_capacity(BURST);
    for (i, &socket) in SOCKETS.iter().enumerate() {
        let data = vec![b'0' + i as u8; FRAME - sdp::OVERHEAD];
        let mut f = [0u8; FRAME];
        let n = sdp::encode_data(Direction::ToModule, socket, &data, &mut f).unwrap();
        burst.extend_from_slice(&f[..n]);
    }
    assert_eq!(burst.len(), BURST);
    let bursts_per_sec = BYTES_PER_SEC as f64 / BURST as f64;
    let echoed0 = echoed.load(Ordering::Relaxed);
    let from0 = from_module.load(Ordering::Relaxed);
    let t0 = ticks(pid);
    let start = Instant::now();
    let mut sent = 0u64;
    let mut k = 0u64;
    while start.elapsed() < Duration::from_secs(secs) {
        s.write_all(&burst).unwrap();
        sent += BURST as u64;
        k += 1;
        let due = start + Duration::from_secs_f64(k as f64 / bursts_per_sec);
        if let Some(w) = due.checked_duration_since(Instant::now()) {
            std::thread::sleep(w);
        }
    }
    let elapsed = start.elapsed().as_secs_f64();
    let t1 = ticks(pid);
    let hz = clk_tck();
    let cpu_s = (t1 - t0) as f64 / hz as f64;
    let share = 100.0 * cpu_s / elapsed;
    std::thread::sleep(Duration::from_millis(300));
    let echoed_bytes = echoed.load(Ordering::Relaxed) - echoed0;
    let from_bytes = from_module.load(Ordering::Relaxed) - from0;
    stop.store(true, Ordering::Relaxed);
    let _ = nix_kill(pid);
    let _ = child.wait();

    println!("| measure | value |");
    println!("|---|---|");
    println!("| interval | {elapsed:.2} s |");
    println!(
        "| serial in (MCU to module) | {sent} bytes, {:.0} bytes/s ({} frames of {FRAME} bytes) |",
        sent as f64 / elapsed,
        sent / FRAME as u64
    );
    println!(
        "| echoed by the servers (SDP payload) | {echoed_bytes} bytes ({:.0} bytes/s) |",
        echoed_bytes as f64 / elapsed
    );
    println!(
        "| serial out (module to MCU, SDP) | {from_bytes} bytes ({:.0} bytes/s) |",
        from_bytes as f64 / elapsed
    );
    println!(
        "| simulator CPU (utime+stime) | {cpu_s:.2} s ({} ticks at {hz} Hz) |",
        t1 - t0
    );
    println!("| **share of one core** | **{share:.2}%** |");
    eprintln!("SHARE={share:.2}");
}

/// SIGTERM to the simulator (valgrind writes its profile on SIGTERM).
fn nix_kill(pid: u32) -> std::io::Result<std::process::ExitStatus> {
    Command::new("kill").arg(pid.to_string()).status()
}
