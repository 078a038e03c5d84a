//! A scripted modem for the client tests: expect/reply chains in virtual time.
//!
//! Each read-readiness poll advances the virtual clock by 1 ms, so timeouts happen after a
//! deterministic number of polls and no test depends on wall-clock time.
#![allow(dead_code)]

use std::cell::Cell;
use std::collections::VecDeque;
use std::future::Future;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use cat1_client::Listener;
use cat1_client::asynch::Timer;
use cat1_hal_traits::time::{Clock, Instant};

/// The virtual clock, shared by the mock UART and the client.
#[derive(Clone, Default)]
pub struct VirtualClock(pub Rc<Cell<u64>>);

impl VirtualClock {
    pub fn millis(&self) -> u64 {
        self.0.get()
    }
    pub fn tick(&self) {
        self.0.set(self.0.get() + 1);
    }
}

impl Clock for VirtualClock {
    fn now(&self) -> Instant {
        Instant::from_millis(self.0.get())
    }
}

impl Timer for VirtualClock {
    fn now(&self) -> Instant {
        Instant::from_millis(self.0.get())
    }
    fn wait_until(&mut self, deadline: Instant) -> impl Future<Output = ()> {
        let clock = self.clone();
        std::future::poll_fn(move |_| {
            if Instant::from_millis(clock.millis()) >= deadline {
                Poll::Ready(())
            } else {
                clock.tick();
                Poll::Pending
            }
        })
    }
}

/// One step: the bytes the client must write, and the replies (after a delay in ms).
pub struct Step {
    pub expect: Vec<u8>,
    pub replies: Vec<(u64, Vec<u8>)>,
}

pub fn step(expect: &[u8], replies: &[(u64, &[u8])]) -> Step {
    Step {
        expect: expect.to_vec(),
        replies: replies.iter().map(|(d, r)| (*d, r.to_vec())).collect(),
    }
}

pub struct MockUart {
    pub clock: VirtualClock,
    pub script: VecDeque<Step>,
    pub written: Vec<u8>,
    /// Replies scheduled: (due time in ms, bytes).
    pub inbox: VecDeque<(u64, Vec<u8>)>,
    /// Bytes handed out per read at most.
    pub chunk: usize,
}

impl MockUart {
    pub fn new(clock: &VirtualClock, chunk: usize, script: Vec<Step>) -> Self {
        MockUart {
            clock: clock.clone(),
            script: script.into(),
            written: Vec::new(),
            inbox: VecDeque::new(),
            chunk,
        }
    }

    /// Bytes sent to the client at `delay` ms from now, unprompted.
    pub fn inject(&mut self, delay: u64, bytes: &[u8]) {
        self.schedule(delay, bytes.to_vec());
    }

    fn schedule(&mut self, delay: u64, bytes: Vec<u8>) {
        let due = self.clock.millis() + delay;
        let at = self
            .inbox
            .iter()
            .position(|(d, _)| *d > due)
            .unwrap_or(self.inbox.len());
        self.inbox.insert(at, (due, bytes));
    }

    fn due(&self) -> bool {
        self.inbox
            .front()
            .is_some_and(|(d, _)| *d <= self.clock.millis())
    }

    fn take(&mut self, buf: &mut [u8]) -> usize {
        let Some((_, bytes)) = self.inbox.front_mut() else {
            return 0;
        };
        let n = bytes.len().min(buf.len()).min(self.chunk.max(1));
        buf[..n].copy_from_slice(&bytes[..n]);
        bytes.drain(..n);
        if bytes.is_empty() {
            self.inbox.pop_front();
        }
        n
    }

    /// Whether every scripted step was matched.
    pub fn finished(&self) -> bool {
        self.script.is_empty()
    }
}

impl embedded_io::ErrorType for MockUart {
    type Error = std::convert::Infallible;
}

impl embedded_io::ReadReady for MockUart {
    fn read_ready(&mut self) -> Result<bool, Self::Error> {
        self.clock.tick();
        Ok(self.due())
    }
}

impl embedded_io::Read for MockUart {
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, Self::Error> {
        Ok(self.take(buf))
    }
}

impl embedded_io::Write for MockUart {
    fn write(&mut self, buf: &[u8]) -> Result<usize, Self::Error> {
        self.written.extend_from_slice(buf);
        while let Some(step) = self.script.front() {
            if self.written.len() < step.expect.len() {
                break;
            }
            assert_eq!(
                String::from_utf8_lossy(&self.written[..step.expect.len()]),
                String::from_utf8_lossy(&step.expect),
                "the client wrote something else"
            );
            self.written.drain(..step.expect.len());
            let step = self.script.pop_front().unwrap();
            for (delay, bytes) in step.replies {
                self.schedule(delay, bytes);
            }
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> Result<(), Self::Error> {
        Ok(())
    }
}

impl embedded_io_async::Read for MockUart {
    async fn read(&mut self, buf: &mut [u8]) -> Result<usize, Self::Error> {
        std::future::poll_fn(|_| {
            if self.due() {
                Poll::Ready(Ok(self.take(buf)))
            } else {
                Poll::Pending
            }
        })
        .await
    }
}

impl embedded_io_async::Write for MockUart {
    async fn write(&mut self, buf: &[u8]) -> Result<usize, Self::Error> {
        embedded_io::Write::write(self, buf)
    }
    async fn flush(&mut self) -> Result<(), Self::Error> {
        Ok(())
    }
}

/// Records what the client hands to its listener.
#[derive(Default, Debug)]
pub struct Recorder {
    pub lines: Vec<Vec<u8>>,
    pub overflows: Vec<usize>,
    pub data: Vec<u8>,
}

impl Listener for Recorder {
    fn line(&mut self, line: &[u8]) {
        self.lines.push(line.to_vec());
    }
    fn overflow(&mut self, dropped: usize) {
        self.overflows.push(dropped);
    }
    fn data(&mut self, bytes: &[u8]) {
        self.data.extend_from_slice(bytes);
    }
}

/// Runs a future to completion by polling it (the mock's futures make progress on every poll).
pub fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    for _ in 0..10_000_000 {
        if let Poll::Ready(v) = future.as_mut().poll(&mut cx) {
            return v;
        }
    }
    panic!("the future did not finish");
}

/// Polls `future` `polls` times, pending every time (the mock's timer moves the virtual clock a
/// millisecond a poll), then drops it: a command its caller abandoned (a `select` with a timer).
pub fn drop_after<F: Future>(future: F, polls: usize) {
    let mut future = std::pin::pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    for _ in 0..polls {
        assert!(
            future.as_mut().poll(&mut cx).is_pending(),
            "finished before it was dropped"
        );
    }
}

/// The error of a UART that breaks (`tests/uart_errors.rs`, `tests/abandoned_faults.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Broken;

impl std::fmt::Display for Broken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("broken UART")
    }
}

impl std::error::Error for Broken {}

impl embedded_io::Error for Broken {
    fn kind(&self) -> embedded_io::ErrorKind {
        embedded_io::ErrorKind::Other
    }
}
