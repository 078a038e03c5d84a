//! The client against a scripted modem: expect/reply chains, chunks down to 1 byte, unsolicited
//! lines between response lines, late responses, dropped bytes, the handshake and restarts.

mod mock;

use cat1_at_parse::CommandLine;
use cat1_client::{CommandError, Echo, EnterError, EnterStep, asynch, blocking};
use mock::{MockUart, Recorder, VirtualClock, block_on, step};

type Modem = blocking::Modem<MockUart, VirtualClock, Recorder>;

fn modem(chunk: usize, script: Vec<mock::Step>) -> (Modem, VirtualClock) {
    let clock = VirtualClock::default();
    let uart = MockUart::new(&clock, chunk, script);
    (
        blocking::Modem::new(uart, clock.clone(), Recorder::default()),
        clock,
    )
}

fn csq(m: &mut Modem) -> Result<Vec<String>, CommandError<std::convert::Infallible>> {
    let mut lines = Vec::new();
    m.command(&CommandLine::execute(b"CSQ"), |info| {
        lines.push(String::from_utf8_lossy(info.raw_params()).into_owned())
    })?;
    Ok(lines)
}

#[test]
fn a_command_in_any_chunking_with_echo_on_and_off() {
    for chunk in [1, 2, 3, 7, 64] {
        for echo in [true, false] {
            let reply: &[u8] = if echo {
                b"AT+CSQ\r\r\n+CSQ:27,99\r\n\r\nOK\r\n"
            } else {
                b"\r\n+CSQ: 27,99\r\n\r\nOK\r\n"
            };
            let (mut m, _) = modem(chunk, vec![step(b"AT+CSQ\r", &[(5, reply)])]);
            m.core().set_echo(if echo { Echo::On } else { Echo::Off });
            assert_eq!(csq(&mut m).unwrap(), ["27,99"], "chunk {chunk} echo {echo}");
            assert!(m.listener().lines.is_empty());
        }
    }
}

#[test]
fn unsolicited_lines_between_response_lines_go_to_the_listener() {
    let (mut m, _) = modem(
        3,
        vec![step(
            b"AT+CSQ\r",
            &[(
                5,
                b"AT+CSQ\r\r\n+SOCKALK:Disconnected\r\n+CSQ:27,99\r\nheartbeat\r\n\r\nOK\r\n",
            )],
        )],
    );
    m.core().set_echo(Echo::On);
    assert_eq!(csq(&mut m).unwrap(), ["27,99"]);
    assert_eq!(
        m.listener().lines,
        [b"+SOCKALK:Disconnected".to_vec(), b"heartbeat".to_vec()]
    );
    assert_eq!(m.counters().late_responses, 0);
    assert_eq!(m.counters().unsolicited, 2);
}

#[test]
fn errors_come_back_typed() {
    let (mut m, _) = modem(
        64,
        vec![
            step(b"AT+NOSUCH\r", &[(1, b"\r\n+CME ERROR:58\r\n")]),
            step(b"hello\r", &[(1, b"\r\nERROR\r\n")]),
        ],
    );
    assert_eq!(
        m.command(&CommandLine::execute(b"NOSUCH"), |_| {}),
        Err(CommandError::Cme(58))
    );
    assert_eq!(m.raw(b"hello", &mut |_| {}), Err(CommandError::Error));
}

#[test]
fn a_late_answer_with_echo_on_is_never_the_next_answer() {
    // The first CSQ answers after its 5 s timeout; the late answer arrives before the second
    // command's echo and must not be taken for it.
    let (mut m, clock) = modem(
        1,
        vec![
            // Echoed at once, answered after the 5 s timeout: the module was busy.
            step(
                b"AT+CSQ\r",
                &[(5, b"AT+CSQ\r"), (5_100, b"\r\n+CSQ:10,99\r\n\r\nOK\r\n")],
            ),
            // A busy module reads the next command only after it has answered the first.
            step(
                b"AT+CSQ\r",
                &[(200, b"AT+CSQ\r\r\n+CSQ:27,99\r\n\r\nOK\r\n")],
            ),
        ],
    );
    m.core().set_echo(Echo::On);
    assert_eq!(csq(&mut m), Err(CommandError::Timeout));
    assert!(clock.millis() >= 5_000);
    assert_eq!(csq(&mut m).unwrap(), ["27,99"]);
    let c = m.counters();
    assert_eq!((c.timeouts, c.late_responses), (1, 1));
    // The late information line and OK went to the listener, not to the second command.
    assert_eq!(m.listener().lines, [b"+CSQ:10,99".to_vec(), b"OK".to_vec()]);
}

#[test]
fn a_late_answer_with_echo_off_is_absorbed_before_the_next_command() {
    let (mut m, _) = modem(
        1,
        vec![
            step(b"AT+CSQ\r", &[(5_050, b"\r\n+CSQ:10,99\r\n\r\nOK\r\n")]),
            step(b"AT+CSQ\r", &[(20, b"\r\n+CSQ:27,99\r\n\r\nOK\r\n")]),
        ],
    );
    m.core().set_echo(Echo::Off);
    assert_eq!(csq(&mut m), Err(CommandError::Timeout));
    assert!(m.core().is_unsynchronised());
    assert_eq!(csq(&mut m).unwrap(), ["27,99"]);
    assert_eq!(m.counters().late_responses, 1);
}

#[test]
fn entering_command_mode_from_net_mode() {
    let (mut m, _) = modem(
        1,
        vec![
            // The probe goes out as data; nothing answers in NET mode.
            step(b"AT\r", &[]),
            step(b"+++", &[(20, b"a")]),
            step(b"a", &[(20, b"+ok")]),
            step(b"AT\r", &[(5, b"AT\r\r\nOK\r\n")]),
        ],
    );
    m.enter_command_mode().unwrap();
    // The unanswered probe is expected in NET mode: not a timeout.
    assert_eq!(
        (m.counters().timeouts, m.counters().probes_unanswered),
        (0, 1)
    );
    let (uart, _, _) = m.release();
    assert!(uart.finished());
}

#[test]
fn data_the_probe_left_pending_goes_to_the_listener_and_the_handshake_goes_on() {
    // NET mode: the probe goes out as data, and the network's data (no line end) comes back
    // while it waits. Left pending in the framer, it hid the `a` (`WaitingForA`); it is data.
    for chunk in [1, 2, 64] {
        let (mut m, _) = modem(
            chunk,
            vec![
                step(b"AT\r", &[(5, b"xy")]),
                step(b"+++", &[(20, b"a")]),
                step(b"a", &[(20, b"+ok")]),
                step(b"AT\r", &[(5, b"AT\r\r\nOK\r\n")]),
            ],
        );
        assert_eq!(m.enter_command_mode(), Ok(()), "chunk {chunk}");
        assert_eq!(m.listener().data, b"xy", "chunk {chunk}");
        assert!(m.listener().lines.is_empty(), "chunk {chunk}");
    }
}

#[test]
fn over_long_data_the_probe_left_is_reported_and_the_handshake_goes_on() {
    // The same, with more network data than the line buffer holds (616): the framer was
    // dropping it when the escape started, and the `a` went with it. Its end is reported as
    // a line's would be: an overflow of the bytes dropped (counted as they were). From a
    // second reading. (Fed a byte at a time, the probe times out before the data ends, and
    // the guard time drains the rest as data.)
    let long = vec![b'x'; 700];
    for chunk in [64, 700] {
        let (mut m, _) = modem(
            chunk,
            vec![
                step(b"AT\r", &[(5, &long[..])]),
                step(b"+++", &[(20, b"a")]),
                step(b"a", &[(20, b"+ok")]),
                step(b"AT\r", &[(5, b"AT\r\r\nOK\r\n")]),
            ],
        );
        assert_eq!(m.enter_command_mode(), Ok(()), "chunk {chunk}");
        let counters = m.counters();
        assert_eq!(
            (counters.overflows, counters.bytes_dropped),
            (1, 700),
            "chunk {chunk}"
        );
        assert_eq!(m.listener().overflows, [700], "chunk {chunk}");
        assert!(m.listener().data.is_empty(), "chunk {chunk}");
    }
}

#[test]
fn the_guard_silence_comes_before_the_escape() {
    let (m, clock) = modem(
        1,
        vec![
            step(b"+++", &[(20, b"a")]),
            step(b"a", &[(20, b"+ok")]),
            step(b"AT\r", &[(5, b"\r\nOK\r\n")]),
        ],
    );
    // Network data arriving during the guard time is handed over as data, and restarts the
    // silence the escape needs.
    let (mut uart, clock2, rec) = m.release();
    uart.inject(500, b"late data\r\n");
    let mut m = blocking::Modem::new(uart, clock2, rec);
    m.enter_command_mode_without_probe().unwrap();
    assert!(
        clock.millis() >= 1_500,
        "the guard time was kept after the data"
    );
    assert_eq!(m.listener().data, b"late data\r\n");
}

#[test]
fn the_probe_the_confirmation_and_a_command_wait_for_their_own_timeouts() {
    // The defaults differ: the probe 300 ms, the handshake (the confirming `AT`) 3 s, a
    // command 5 s; the guard silence 1 s.
    let (mut m, clock) = modem(
        1,
        vec![
            step(b"AT\r", &[]),
            step(b"+++", &[(20, b"a")]),
            step(b"a", &[(20, b"+ok")]),
            step(b"AT\r", &[]),
            step(b"AT+ENTM\r", &[]),
        ],
    );
    assert_eq!(
        m.enter_command_mode(),
        Err(EnterError::Confirm(CommandError::Timeout))
    );
    // 300 + 1,000 + 20 + 20 + 3,000, and the few milliseconds the polls take.
    let entered = clock.millis();
    assert!((4_340..4_400).contains(&entered), "{entered}");
    assert_eq!(m.leave_command_mode(), Err(CommandError::Timeout));
    // The settle time first (200 ms: the confirmation timed out with echo unknown), then 5,000.
    let left = clock.millis() - entered;
    assert!((5_200..5_260).contains(&left), "{left}");
}

/// Each of the probe's and the confirmation's timeouts on its own (the sum in
/// `the_probe_the_confirmation_and_a_command_wait_for_their_own_timeouts` is the same with the two
/// swapped: 300 + 3,000 either way). From a second reading.
#[test]
fn the_probe_alone_waits_300_ms_and_the_confirmation_3_s() {
    let (mut m, clock) = modem(1, vec![step(b"AT\r", &[])]);
    assert_eq!(m.probe(), Ok(false));
    let probed = clock.millis();
    assert!((300..360).contains(&probed), "probe waited {probed}");
    let (mut m, clock) = modem(
        1,
        vec![
            step(b"+++", &[(20, b"a")]),
            step(b"a", &[(20, b"+ok")]),
            step(b"AT\r", &[]),
        ],
    );
    assert_eq!(
        m.enter_command_mode_without_probe(),
        Err(EnterError::Confirm(CommandError::Timeout))
    );
    // The guard silence (1,000), the two replies (20 + 20), then the confirmation's 3,000.
    let confirmed = clock.millis();
    assert!(
        (4_040..4_100).contains(&confirmed),
        "confirmation: {confirmed}"
    );
}

#[test]
fn already_in_command_mode_needs_no_handshake() {
    let (mut m, _) = modem(1, vec![step(b"AT\r", &[(5, b"AT\r\r\nOK\r\n")])]);
    m.enter_command_mode().unwrap();
}

#[test]
fn each_failed_handshake_step_is_named() {
    let (mut m, _) = modem(4, vec![step(b"AT\r", &[]), step(b"+++", &[])]);
    assert_eq!(
        m.enter_command_mode(),
        Err(EnterError::Handshake(EnterStep::WaitingForA))
    );
    let (mut m, _) = modem(
        4,
        vec![
            step(b"AT\r", &[]),
            step(b"+++", &[(10, b"a")]),
            step(b"a", &[]),
        ],
    );
    assert_eq!(
        m.enter_command_mode(),
        Err(EnterError::Handshake(EnterStep::WaitingForOk))
    );
    let (mut m, _) = modem(
        4,
        vec![
            step(b"AT\r", &[]),
            step(b"+++", &[(10, b"a")]),
            step(b"a", &[(10, b"+ok")]),
            step(b"AT\r", &[(10, b"\r\n+CME ERROR:73\r\n")]),
        ],
    );
    assert_eq!(
        m.enter_command_mode(),
        Err(EnterError::Confirm(CommandError::Cme(73)))
    );
}

/// Each handshake step waits the handshake's own timeout (not a command's) and names the step
/// that failed, in both adapters: the guard time of silence before `+++`, then the step's
/// timeout from its write (a second reading found that nothing pinned it once the steps went
/// through `run_fixed`'s `Wait::Reply`).
#[test]
fn each_handshake_step_waits_the_handshake_timeout_and_is_named() {
    use cat1_client::EnterStep;
    for asynchronous in [false, true] {
        for (script, failed, waited) in [
            (
                vec![step(b"+++", &[])],
                EnterStep::WaitingForA,
                1_000 + 3_000,
            ),
            (
                vec![step(b"+++", &[(20, b"a")]), step(b"a", &[])],
                EnterStep::WaitingForOk,
                1_000 + 20 + 3_000,
            ),
        ] {
            let clock = VirtualClock::default();
            let uart = MockUart::new(&clock, 1, script);
            let got = if asynchronous {
                let mut m = asynch::Modem::new(uart, clock.clone(), Recorder::default());
                block_on(m.enter_command_mode_without_probe())
            } else {
                let mut m = blocking::Modem::new(uart, clock.clone(), Recorder::default());
                m.enter_command_mode_without_probe()
            };
            assert_eq!(
                got,
                Err(EnterError::Handshake(failed)),
                "async {asynchronous}"
            );
            let t = clock.millis();
            assert!(
                (waited..waited + 60).contains(&t),
                "{failed:?} async {asynchronous}: {t}"
            );
        }
    }
}

/// The handshake right after an exchange whose answer came a byte at a time (the framer's byte
/// gate then open): the `a` and the `+ok`, read a byte at a time, are taken as the replies, not
/// stored as line data (the framer told of each step's state), then the confirming `AT`, in
/// both adapters.
#[test]
fn a_handshake_after_an_answer_read_a_byte_at_a_time() {
    for asynchronous in [false, true] {
        let clock = VirtualClock::default();
        let script = vec![
            step(b"AT\r", &[(5, b"\r\nOK\r\n")]),
            step(b"+++", &[(20, b"a")]),
            step(b"a", &[(20, b"+ok")]),
            step(b"AT\r", &[(5, b"\r\nOK\r\n")]),
        ];
        let uart = MockUart::new(&clock, 1, script);
        let got = if asynchronous {
            let mut m = asynch::Modem::new(uart, clock.clone(), Recorder::default());
            block_on(async {
                m.enter_command_mode().await?;
                m.enter_command_mode_without_probe().await
            })
        } else {
            let mut m = blocking::Modem::new(uart, clock.clone(), Recorder::default());
            m.enter_command_mode()
                .and_then(|()| m.enter_command_mode_without_probe())
        };
        assert_eq!(got, Ok(()), "async {asynchronous}");
    }
}

#[test]
fn save_and_restart_waits_for_the_banner_not_a_delay() {
    let (mut m, clock) = modem(
        2,
        vec![step(
            b"AT+S\r",
            &[
                (5, b"AT+S\r\r\nOK\r\n"),
                (4_000, b"\r\nWH-LTE-7S1\r\nserver says hi"),
            ],
        )],
    );
    m.core().set_echo(Echo::On);
    m.save_and_restart(b"WH-LTE-7S1").unwrap();
    assert!(clock.millis() >= 4_000);
    // What follows the banner is network data in the work mode.
    let mut data = m.listener().data.clone();
    let mut buf = [0u8; 8];
    loop {
        let n = m.read_data(&mut buf).unwrap();
        if n == 0 && clock.millis() > 4_100 {
            break;
        }
        data.extend_from_slice(&buf[..n]);
    }
    assert_eq!(data, b"server says hi");
    assert_eq!(m.core().echo(), Echo::Unknown);
}

#[test]
fn a_restart_without_banner_times_out() {
    let (mut m, clock) = modem(2, vec![step(b"AT+Z\r", &[(5, b"\r\nOK\r\n")])]);
    assert_eq!(
        m.restart_with(&CommandLine::execute(b"Z"), b"WH-LTE-7S1"),
        Err(CommandError::Timeout)
    );
    assert!(clock.millis() >= 30_000);
}

#[test]
fn a_spontaneous_restart_banner_is_unsolicited() {
    let (m, _) = modem(
        5,
        vec![step(b"AT+CSQ\r", &[(50, b"\r\n+CSQ:27,99\r\n\r\nOK\r\n")])],
    );
    // The banner arrives first, unprompted.
    let (uart, clock, rec) = m.release();
    let mut uart = uart;
    uart.inject(1, b"\r\nWH-LTE-7S1\r\n");
    let mut m = blocking::Modem::new(uart, clock, rec);
    assert_eq!(csq(&mut m).unwrap(), ["27,99"]);
    assert_eq!(m.listener().lines, [b"WH-LTE-7S1".to_vec()]);
}

#[test]
fn an_overlong_line_is_reported_and_the_answer_still_arrives() {
    let mut reply = b"\r\n".to_vec();
    reply.extend(std::iter::repeat_n(b'Z', 2_000));
    reply.extend_from_slice(b"\r\n+CSQ:27,99\r\n\r\nOK\r\n");
    let (mut m, _) = modem(16, vec![step(b"AT+CSQ\r", &[(5, &reply)])]);
    assert_eq!(csq(&mut m).unwrap(), ["27,99"]);
    assert_eq!(m.listener().overflows, [2_000]);
    let c = m.counters();
    assert_eq!((c.overflows, c.bytes_dropped), (1, 2_000));
}

#[test]
fn a_command_that_does_not_fit_is_refused_not_truncated() {
    let (mut m, _) = modem(1, vec![]);
    let long = [b'A'; 700];
    assert!(matches!(
        m.command(&CommandLine::set(b"HTPHD", &long), |_| {}),
        Err(CommandError::Start(cat1_client::StartError::Encode(_)))
    ));
}

#[test]
fn the_async_adapter_hands_on_what_the_probe_left_too() {
    // `over_long_data_the_probe_left_is_reported_and_the_handshake_goes_on` and
    // `data_the_probe_left_pending_goes_to_the_listener_and_the_handshake_goes_on` through the
    // async adapter (the same procedure, another pump).
    let long = vec![b'x'; 700];
    for (data, chunk) in [(&b"xy"[..], 1), (b"xy", 64), (&long[..], 64)] {
        let clock = VirtualClock::default();
        let uart = MockUart::new(
            &clock,
            chunk,
            vec![
                step(b"AT\r", &[(5, data)]),
                step(b"+++", &[(20, b"a")]),
                step(b"a", &[(20, b"+ok")]),
                step(b"AT\r", &[(5, b"AT\r\r\nOK\r\n")]),
            ],
        );
        let mut m = asynch::Modem::new(uart, clock.clone(), Recorder::default());
        assert_eq!(
            block_on(m.enter_command_mode()),
            Ok(()),
            "{} bytes",
            data.len()
        );
        if data.len() > 616 {
            assert_eq!(m.listener().overflows, [data.len()]);
            assert!(m.listener().data.is_empty());
        } else {
            assert_eq!(m.listener().data, data);
            assert!(m.listener().overflows.is_empty());
        }
    }
}

#[test]
fn the_async_adapter_runs_the_same_procedures() {
    let clock = VirtualClock::default();
    let uart = MockUart::new(
        &clock,
        1,
        vec![
            step(b"AT\r", &[]),
            step(b"+++", &[(20, b"a")]),
            step(b"a", &[(20, b"+ok")]),
            step(b"AT\r", &[(5, b"AT\r\r\nOK\r\n")]),
            step(
                b"AT+CSQ\r",
                &[(5, b"AT+CSQ\r\r\n+URC:1\r\n+CSQ:27,99\r\n\r\nOK\r\n")],
            ),
            step(b"AT+CSQ\r", &[]),
        ],
    );
    let mut m = asynch::Modem::new(uart, clock.clone(), Recorder::default());
    block_on(m.enter_command_mode()).unwrap();
    m.core().set_echo(Echo::On);
    let mut got = Vec::new();
    block_on(m.command(&CommandLine::execute(b"CSQ"), |i| {
        got.push(i.raw_params().to_vec())
    }))
    .unwrap();
    assert_eq!(got, [b"27,99".to_vec()]);
    assert_eq!(m.listener().lines, [b"+URC:1".to_vec()]);
    assert_eq!(
        block_on(m.command(&CommandLine::execute(b"CSQ"), |_| {})),
        Err(CommandError::Timeout)
    );
}

#[test]
fn data_goes_out_as_one_sdp_frame_per_send() {
    // protocol-notes §4: one byte CC to socket A, then two bytes to socket D.
    let (mut m, _) = modem(
        1,
        vec![
            step(&[0x55, 0xFD, 0xAA, 0x00, 0x03, 0x61, 0x00, 0xCC, 0x2D], &[]),
            step(
                &[0x55, 0xFD, 0xAA, 0x00, 0x04, 0x64, 0x00, 0x01, 0x02, 0x67],
                &[],
            ),
        ],
    );
    m.send_on(cat1_client::sdp::SocketId::A, &[0xCC]).unwrap();
    m.send_on(cat1_client::sdp::SocketId::D, &[0x01, 0x02])
        .unwrap();
    assert!(m.release().0.finished());
}

#[test]
fn a_banner_in_the_same_read_as_ok_is_not_lost() {
    // A fast module restarts at once: OK and the banner arrive in one read.
    for chunk in [64, 7, 1] {
        let (mut m, _) = modem(
            chunk,
            vec![step(
                b"AT+S\r",
                &[(5, b"\r\nOK\r\n\r\nWH-LTE-7S1\r\nhello")],
            )],
        );
        m.save_and_restart(b"WH-LTE-7S1").unwrap();
        assert!(m.listener().lines.is_empty(), "chunk {chunk}");
        let mut data = m.listener().data.clone();
        let mut buf = [0u8; 16];
        for _ in 0..100 {
            let n = m.read_data(&mut buf).unwrap();
            data.extend_from_slice(&buf[..n]);
        }
        assert_eq!(data, b"hello", "chunk {chunk}");
    }
}

/// Data read after `AT+ENTM`: the LF that ends the `OK` line is the module's, never data, in any
/// chunking (a reviewer found `"\nhello"` for some read sizes once the framer took that LF with
/// the line when it came in the same chunk); a LF that the data itself starts with is kept. The
/// same through `read_data` and `read_data_in_place`, blocking and async.
#[test]
fn data_after_entm_never_starts_with_the_ok_lines_lf() {
    for chunk in 1..=24 {
        for (reply, later, want) in [
            (&b"AT+ENTM\r\r\nOK\r\nhello"[..], &b""[..], &b"hello"[..]),
            (b"AT+ENTM\r\r\nOK\r\n", b"\nhi", b"\nhi"),
            (b"AT+ENTM\r\r\nOK\r", b"\nhi", b"hi"),
        ] {
            for in_place in [false, true] {
                let script = || vec![step(b"AT+ENTM\r", &[(5, reply), (50, later)])];
                let (mut m, _) = modem(chunk, script());
                m.core().set_echo(Echo::On);
                m.leave_command_mode().unwrap();
                let mut data = m.listener().data.clone();
                let mut buf = [0u8; 64];
                for _ in 0..200 {
                    if in_place {
                        data.extend_from_slice(m.read_data_in_place().unwrap());
                    } else {
                        let n = m.read_data(&mut buf).unwrap();
                        data.extend_from_slice(&buf[..n]);
                    }
                }
                assert_eq!(data, want, "blocking, in place {in_place}, chunk {chunk}");

                let clock = VirtualClock::default();
                let uart = MockUart::new(&clock, chunk, script());
                let mut m = asynch::Modem::new(uart, clock.clone(), Recorder::default());
                m.core().set_echo(Echo::On);
                block_on(m.leave_command_mode()).unwrap();
                let mut data = m.listener().data.clone();
                let wait = cat1_hal_traits::time::Duration::from_millis(1);
                for _ in 0..200 {
                    if in_place {
                        data.extend_from_slice(block_on(m.read_data_in_place(wait)).unwrap());
                    } else {
                        let n = block_on(m.read_data(&mut buf, wait)).unwrap();
                        data.extend_from_slice(&buf[..n]);
                    }
                }
                assert_eq!(data, want, "async, in place {in_place}, chunk {chunk}");
            }
        }
    }
}

/// `read_data_in_place` after a banner whose CR ended the read: the banner's LF is not data.
#[test]
fn data_read_in_place_after_a_banner_drops_its_lf() {
    // After a banner whose CR ended the read.
    for chunk in [64, 7, 1] {
        let (mut m, _) = modem(
            chunk,
            vec![step(
                b"AT+S\r",
                &[(5, b"\r\nOK\r\n\r\nWH-LTE-7S1\r"), (50, b"\nhello")],
            )],
        );
        m.save_and_restart(b"WH-LTE-7S1").unwrap();
        let mut data = m.listener().data.clone();
        for _ in 0..100 {
            data.extend_from_slice(m.read_data_in_place().unwrap());
        }
        assert_eq!(data, b"hello", "chunk {chunk}");
    }
}

/// The same LF when the next phase is the escape's guard time (a reviewer's case): the bytes the
/// guard time drains are data, and the LF of `AT+ENTM`'s `OK` is not among them.
#[test]
fn the_ok_lines_lf_is_not_data_during_the_guard_time() {
    for chunk in 1..=16 {
        let (mut m, _) = modem(
            chunk,
            vec![
                step(b"AT+ENTM\r", &[(5, b"AT+ENTM\r\r\nOK\r\n")]),
                step(b"+++", &[(20, b"a")]),
                step(b"a", &[(20, b"+ok")]),
                step(b"AT\r", &[(5, b"\r\nOK\r\n")]),
            ],
        );
        m.core().set_echo(Echo::On);
        m.leave_command_mode().unwrap();
        m.enter_command_mode_without_probe().unwrap();
        assert!(m.listener().data.is_empty(), "chunk {chunk}");
    }
}

/// Bytes that look like AT (final results, an error, an information line, the banner, the
/// handshake, NUL and 0xFF, lone line ends, an SDP header) are only data in a transparent mode
/// (ANCHORS.md's complaints 4 and 10): received, they come out byte for byte, in any chunking,
/// copied or in place, blocking and async; written, they go out byte for byte.
#[test]
fn data_that_looks_like_at_is_only_data_both_ways() {
    const PAYLOAD: &[u8] = b"\r\nOK\r\n\r\nERROR\r\n+CME ERROR: 10\r\n+CSQ: 27,99\r\n\
        WH-LTE-7S1\r\n+++a+ok\x00\xff\r\r\n\n\x55\xfd\xaa\x00\x05";
    let script = || {
        vec![
            step(
                b"AT+ENTM\r",
                &[(5, b"\r\nOK\r\n"), (50, PAYLOAD), (60, PAYLOAD)],
            ),
            step(PAYLOAD, &[]),
        ]
    };
    for chunk in 1..=24 {
        for in_place in [false, true] {
            let (mut m, _) = modem(chunk, script());
            m.leave_command_mode().unwrap();
            m.write_data(PAYLOAD).unwrap();
            let mut data = m.listener().data.clone();
            let mut buf = [0u8; 64];
            for _ in 0..400 {
                if in_place {
                    data.extend_from_slice(m.read_data_in_place().unwrap());
                } else {
                    let n = m.read_data(&mut buf).unwrap();
                    data.extend_from_slice(&buf[..n]);
                }
            }
            assert_eq!(data, [PAYLOAD, PAYLOAD].concat(), "blocking, chunk {chunk}");
            assert!(m.listener().lines.is_empty(), "no line out of data");
            let (uart, _, _) = m.release();
            assert!(
                uart.finished() && uart.written.is_empty(),
                "written as given"
            );

            let clock = VirtualClock::default();
            let uart = MockUart::new(&clock, chunk, script());
            let mut m = asynch::Modem::new(uart, clock.clone(), Recorder::default());
            block_on(m.leave_command_mode()).unwrap();
            block_on(m.write_data(PAYLOAD)).unwrap();
            let mut data = m.listener().data.clone();
            let wait = cat1_hal_traits::time::Duration::from_millis(1);
            for _ in 0..400 {
                if in_place {
                    data.extend_from_slice(block_on(m.read_data_in_place(wait)).unwrap());
                } else {
                    let n = block_on(m.read_data(&mut buf, wait)).unwrap();
                    data.extend_from_slice(&buf[..n]);
                }
            }
            assert_eq!(data, [PAYLOAD, PAYLOAD].concat(), "async, chunk {chunk}");
            assert!(m.listener().lines.is_empty(), "no line out of data");
            let (uart, _, _) = m.release();
            assert!(
                uart.finished() && uart.written.is_empty(),
                "written as given"
            );
        }
    }
}

/// A password-prefixed command in NET mode (UATEN): the module answers on serial, among the
/// network data it forwards there, and nothing on the wire tells them apart (the crate's
/// documentation, "Commands in a transparent mode", found by the audit of issue 6 and review
/// 37). Data lines arriving before the answer go to the listener as unsolicited lines (their
/// line ends not kept), counted; a data line that reads `OK` ends the command, and the real
/// answer then arrives as data; one that reads as the command's information line goes into the
/// answer. Pinned so that a change of it is seen.
#[test]
fn net_data_during_a_password_prefixed_command_is_unsolicited_lines() {
    const ANSWER: &[u8] = b"\r\n+VER:V1.1.01\r\n\r\nOK\r\n";
    for chunk in [1, 3, 64] {
        let real: &[&[u8]] = &[b"+VER:V1.1.01"];
        for (data, lines, want, after) in [
            (
                &b"x\r\n\r\ny\r\n"[..],
                &[&b"x"[..], b"y"][..],
                real,
                &b""[..],
            ),
            (b"OK\r\n", &[][..], &[][..], ANSWER),
            // Data that reads as the command's own information line is taken into the answer.
            (
                b"+VER:from-the-network\r\n",
                &[][..],
                &[&b"+VER:from-the-network"[..], b"+VER:V1.1.01"][..],
                &b""[..],
            ),
        ] {
            let (mut m, _) = modem(
                chunk,
                vec![step(b"usr.cn#AT+VER\r", &[(5, data), (10, ANSWER)])],
            );
            let mut info = Vec::new();
            let r = m.command(
                &CommandLine::execute(b"VER").with_password(b"usr.cn#"),
                |l| info.push(l.line().to_vec()),
            );
            assert_eq!(r, Ok(()), "chunk {chunk}");
            assert_eq!(info, want, "chunk {chunk}: the answer");
            let mut buf = [0u8; 64];
            for _ in 0..100 {
                let n = m.read_data(&mut buf).unwrap();
                m.listener().data.extend_from_slice(&buf[..n]);
            }
            assert_eq!(
                m.listener().lines,
                lines,
                "chunk {chunk}: the data as lines"
            );
            assert_eq!(m.listener().data, after, "chunk {chunk}: after the command");
            assert_eq!(
                m.counters().unsolicited,
                lines.len() as u32,
                "chunk {chunk}"
            );
        }
    }
}
