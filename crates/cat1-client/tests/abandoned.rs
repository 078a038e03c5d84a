//! An async command whose future is dropped before its answer (a `select` with a timer, a task
//! cancelled) leaves its exchange in flight: nothing else would end it. The next command aborts
//! it (counted), waits for quiet so that its late answer cannot be taken for the new one's, and
//! goes through.

mod mock;

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use cat1_at_parse::CommandLine;
use cat1_client::asynch;
use mock::{MockUart, Recorder, VirtualClock, block_on, step};

#[test]
fn a_dropped_command_is_aborted_by_the_next_and_its_late_answer_is_not_taken() {
    let clock = VirtualClock::default();
    let script = vec![
        step(b"AT\r", &[(5, b"\r\nOK\r\n")]),
        // The first CSQ is answered 50 ms after it was written, when its future is long gone.
        step(b"AT+CSQ\r", &[(50, b"\r\n+CSQ: 20,99\r\n\r\nOK\r\n")]),
        step(b"AT+CSQ\r", &[(10, b"\r\n+CSQ: 31,99\r\n\r\nOK\r\n")]),
    ];
    let uart = MockUart::new(&clock, 4, script);
    let mut m = asynch::Modem::new(uart, clock.clone(), Recorder::default());
    block_on(m.enter_command_mode()).expect("enter");

    let csq = CommandLine::execute(b"CSQ");
    {
        let mut lines = 0;
        let mut first = pin!(m.command(&csq, |_| lines += 1));
        let mut cx = Context::from_waker(Waker::noop());
        // Written, then waiting: each poll moves the virtual clock by a millisecond.
        for _ in 0..10 {
            assert!(matches!(first.as_mut().poll(&mut cx), Poll::Pending));
        }
    }
    assert!(
        m.core().is_busy(),
        "the dropped command's exchange is still in flight"
    );
    assert_eq!(m.counters().aborted, 0);

    let mut got = Vec::new();
    let second = block_on(m.command(&csq, |line| got.push(line.raw_params().to_vec())));
    assert_eq!(second, Ok(()));
    assert_eq!(
        got,
        [b"31,99".to_vec()],
        "the late answer was taken for the new command's"
    );
    assert_eq!(m.counters().aborted, 1);
    assert!(m.release().0.finished());
}
