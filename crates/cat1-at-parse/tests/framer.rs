//! The framer against bad input and against the failures users report of other AT libraries
//! (ANCHORS.md): each case gets its documented event, and the framer keeps working afterwards.

mod common;

use cat1_at_parse::{Event, Expect, FinalResult, Framer, MAX_LINE, Status};
use common::{Owned, feed_chunked};

fn info(name: &str, params: &str) -> Owned {
    Owned::Info {
        name: name.as_bytes().to_vec(),
        params: params.as_bytes().to_vec(),
        continuation: false,
    }
}

fn cont(line: &str) -> Owned {
    Owned::Info {
        name: vec![],
        params: line.as_bytes().to_vec(),
        continuation: true,
    }
}

fn unsolicited(line: &[u8]) -> Owned {
    Owned::Unsolicited(line.to_vec())
}

const OK: Owned = Owned::Final(FinalResult::Ok);

/// Runs a CSQ exchange over `input` in every chunking and checks they all agree; returns the events.
fn csq(input: &[u8], echo_required: bool) -> Vec<Owned> {
    let mut reference = None;
    for chunk in [1, 2, 5, 16, 64, 0] {
        let mut framer = Framer::<64>::new();
        let mut expect = Expect::command(b"AT+CSQ\r", b"CSQ");
        if echo_required {
            expect = expect.echo_required();
        }
        let got = feed_chunked(&mut framer, &mut expect, input, chunk);
        match &reference {
            None => reference = Some(got),
            Some(r) => assert_eq!(&got, r, "chunk {chunk}"),
        }
    }
    reference.unwrap()
}

#[test]
fn a_10_kb_line_without_terminator_is_reported_then_the_framer_resyncs() {
    let mut input = vec![b'x'; 10 * 1024];
    input.extend_from_slice(b"\r\n+CSQ:27,99\r\n\r\nOK\r\n");
    assert_eq!(
        csq(&input, false),
        [Owned::Overflow(10 * 1024), info("CSQ", "27,99"), OK]
    );
    let mut framer = Framer::<64>::new();
    let mut expect = Expect::command(b"AT+CSQ", b"CSQ");
    feed_chunked(&mut framer, &mut expect, &input, 1);
    let c = framer.counters();
    assert_eq!((c.overflows, c.bytes_dropped), (1, 10 * 1024));
}

#[test]
fn an_unterminated_long_line_is_counted_before_it_ends() {
    let mut framer = Framer::<64>::new();
    let mut expect = Expect::nothing();
    let events = feed_chunked(&mut framer, &mut expect, &[b'y'; 1000], 7);
    assert!(events.is_empty());
    assert_eq!(framer.counters().overflows, 1);
    assert_eq!(framer.counters().bytes_dropped, 1000);
}

#[test]
fn nul_and_ff_bytes_are_line_content() {
    let input = b"\r\n\x00\xff\x00\r\n+CSQ:27,99\r\n\r\nOK\r\n";
    assert_eq!(
        csq(input, false),
        [unsolicited(b"\x00\xff\x00"), info("CSQ", "27,99"), OK]
    );
}

#[test]
fn storms_of_lone_cr_or_lf_are_ignored() {
    let mut input = Vec::new();
    for i in 0..5000 {
        input.push(if i % 3 == 0 { b'\n' } else { b'\r' });
    }
    input.extend_from_slice(b"+CSQ:27,99\r\r\r\n\n\nOK\n");
    assert_eq!(csq(&input, false), [info("CSQ", "27,99"), OK]);
}

#[test]
fn plus_plus_plus_at_is_not_a_result() {
    assert_eq!(
        csq(b"+++AT\r\n\r\nERROR\r\n", false),
        [unsolicited(b"+++AT"), Owned::Final(FinalResult::Error)]
    );
}

#[test]
fn a_final_result_cut_off_waits_then_completes() {
    let mut framer = Framer::<64>::new();
    let mut expect = Expect::command(b"AT+CSQ", b"CSQ");
    let first = feed_chunked(&mut framer, &mut expect, b"\r\n+CSQ:27,99\r\n\r\nO", 0);
    assert_eq!(first, [info("CSQ", "27,99")]);
    assert!(!expect.is_done());
    assert_eq!(framer.pending(), b"O");
    let rest = feed_chunked(&mut framer, &mut expect, b"K\r\n", 0);
    assert_eq!(rest, [OK]);
    assert!(expect.is_done());
}

#[test]
fn a_result_cut_off_by_a_line_end_is_not_a_result() {
    assert_eq!(
        csq(b"\r\nO\r\nK\r\n\r\nOK\r\n", false),
        [unsolicited(b"O"), unsolicited(b"K"), OK]
    );
}

#[test]
fn unsolicited_lines_between_information_lines_and_ok_stay_apart() {
    let input = b"\r\n+LBSN:\r\nTAC1=5a30,CellID1=b2114b1\r\n+SOCKALK:Disconnected\r\nTAC2=5a30,CellID2=5d7e404\r\n\r\nWH-LTE-7S1\r\n\r\nOK\r\n";
    let mut framer = Framer::<64>::new();
    let mut expect = Expect::command(b"AT+LBSN?", b"LBSN");
    let got = feed_chunked(&mut framer, &mut expect, input, 3);
    assert_eq!(
        got,
        [
            info("LBSN", ""),
            cont("TAC1=5a30,CellID1=b2114b1"),
            unsolicited(b"+SOCKALK:Disconnected"),
            cont("TAC2=5a30,CellID2=5d7e404"),
            // A line that does not start with `+` continues the answer: the banner cannot be told
            // from a continuation line by its shape alone. The client sees the banner again at the
            // next exchange (an unsolicited line then); documented in framer.rs.
            cont("WH-LTE-7S1"),
            OK,
        ]
    );
    assert_eq!(framer.counters().unsolicited, 1);
}

#[test]
fn a_urc_with_another_prefix_is_never_merged_into_the_response() {
    // atat complaint 1 and 2: a URC inside a response is merged into it.
    let got = csq(
        b"\r\n+URC:1,2\r\n+CSQ:27,99\r\n+UNKNOWN:garbage,\"x\r\n\r\nOK\r\n",
        false,
    );
    assert_eq!(
        got,
        [
            unsolicited(b"+URC:1,2"),
            info("CSQ", "27,99"),
            unsolicited(b"+UNKNOWN:garbage,\"x"),
            OK
        ]
    );
}

#[test]
fn ok_inside_a_payload_does_not_end_the_response() {
    // atat complaint 4: final codes found by substring search.
    let mut framer = Framer::<64>::new();
    let mut expect = Expect::command(b"AT+CNUM?", b"CNUM");
    let got = feed_chunked(
        &mut framer,
        &mut expect,
        b"\r\n+CNUM:\"OK\",\"ERROR\",129\r\nOK then more\r\n\r\nOK\r\n",
        0,
    );
    assert_eq!(
        got,
        [
            info("CNUM", "\"OK\",\"ERROR\",129"),
            unsolicited(b"OK then more"),
            OK
        ]
    );
}

#[test]
fn echo_on_and_echo_off_both_work() {
    // atat complaint 3: echo breaks the parser.
    let echoed = csq(b"AT+CSQ\r\r\n+CSQ: 27,99\r\n\r\nOK\r\n", false);
    assert_eq!(
        echoed,
        [Owned::Echo(b"AT+CSQ".to_vec()), info("CSQ", "27,99"), OK]
    );
    let plain = csq(b"\r\n+CSQ: 27,99\r\n\r\nOK\r\n", false);
    assert_eq!(plain, [info("CSQ", "27,99"), OK]);
}

#[test]
fn a_late_answer_is_never_taken_for_the_next_command() {
    // atat complaint 8. With nothing in flight, results are unsolicited.
    let mut framer = Framer::<64>::new();
    let mut nothing = Expect::nothing();
    assert_eq!(
        feed_chunked(
            &mut framer,
            &mut nothing,
            b"\r\n+CSQ:27,99\r\n\r\nOK\r\n",
            0
        ),
        [unsolicited(b"+CSQ:27,99"), unsolicited(b"OK")]
    );
    // With echo on, what comes before this command's echo belongs to an earlier one.
    let got = csq(
        b"\r\n+CSQ:20,99\r\n\r\nOK\r\nAT+CSQ\r\r\n+CSQ:27,99\r\n\r\nOK\r\n",
        true,
    );
    assert_eq!(
        got,
        [
            unsolicited(b"+CSQ:20,99"),
            unsolicited(b"OK"),
            Owned::Echo(b"AT+CSQ".to_vec()),
            info("CSQ", "27,99"),
            OK
        ]
    );
    // After its final result, an exchange takes nothing more.
    assert_eq!(
        csq(b"\r\nOK\r\n\r\nOK\r\n", false),
        [OK, unsolicited(b"OK")]
    );
}

#[test]
fn cme_errors_with_and_without_space() {
    assert_eq!(
        csq(b"\r\n+CME ERROR:58\r\n", false),
        [Owned::Final(FinalResult::CmeError(58))]
    );
    assert_eq!(
        csq(b"\r\n+CME ERROR: 10\r\n", false),
        [Owned::Final(FinalResult::CmeError(10))]
    );
}

#[test]
fn the_handshake_replies_arrive_without_line_ends() {
    for chunk in [1, 2, 0] {
        let mut framer = Framer::<64>::new();
        let mut a = Expect::handshake_a();
        assert_eq!(
            feed_chunked(&mut framer, &mut a, b"a", chunk),
            [Owned::HandshakeA]
        );
        let mut ok = Expect::handshake_ok();
        assert_eq!(
            feed_chunked(&mut framer, &mut ok, b"+ok", chunk),
            [Owned::HandshakeOk]
        );
        // Line ends around them, as some firmware sends, change nothing.
        let mut a = Expect::handshake_a();
        assert_eq!(
            feed_chunked(&mut framer, &mut a, b"\r\na", chunk),
            [Owned::HandshakeA]
        );
        let mut ok = Expect::handshake_ok();
        assert_eq!(
            feed_chunked(&mut framer, &mut ok, b"\r\n+ok\r\n", chunk),
            [Owned::HandshakeOk]
        );
        // Then a command works.
        let mut cmd = Expect::command(b"AT", b"");
        assert_eq!(
            feed_chunked(&mut framer, &mut cmd, b"\r\nOK\r\n", chunk),
            [OK]
        );
    }
}

#[test]
fn data_before_the_handshake_reply_is_unsolicited_and_not_lost() {
    let mut framer = Framer::<64>::new();
    let mut a = Expect::handshake_a();
    assert_eq!(
        feed_chunked(&mut framer, &mut a, b"hello\r\na", 1),
        [unsolicited(b"hello"), Owned::HandshakeA]
    );
    // The reply is recognised at the start of a line only; bytes that break it are kept as a
    // line and handed out whole at its end, never dropped.
    let mut ok = Expect::handshake_ok();
    assert_eq!(feed_chunked(&mut framer, &mut ok, b"+o+ok", 1), []);
    assert!(!ok.is_done());
    assert_eq!(
        feed_chunked(&mut framer, &mut ok, b"\r\n+ok", 1),
        [unsolicited(b"+o+ok"), Owned::HandshakeOk]
    );
}

#[test]
fn an_a_is_only_the_handshake_reply_while_one_is_awaited() {
    let mut framer = Framer::<64>::new();
    let mut cmd = Expect::command(b"AT", b"");
    assert_eq!(
        feed_chunked(&mut framer, &mut cmd, b"a\r\n\r\nOK\r\n", 1),
        [unsolicited(b"a"), OK]
    );
}

#[test]
fn counters_add_up() {
    let mut framer = Framer::<8>::new();
    let mut expect = Expect::command(b"AT+CSQ", b"CSQ");
    feed_chunked(
        &mut framer,
        &mut expect,
        b"\r\nBANNER\r\n0123456789ABC\r\n+CSQ:1,2\r\n\r\nOK\r\nlate\r\n",
        4,
    );
    let c = framer.counters();
    assert_eq!(c.lines, 4);
    assert_eq!(c.unsolicited, 2);
    assert_eq!(c.overflows, 1);
    assert_eq!(c.bytes_dropped, 13);
}

#[test]
fn max_line_holds_the_longest_line_of_the_command_set() {
    let hex = "7E".repeat(300);
    let line = format!("+REGDT:{hex}");
    let input = format!("AT+REGDT?\r\r\n{line}\r\n\r\nOK\r\n");
    let mut framer = Framer::<MAX_LINE>::new();
    let mut expect = Expect::command(b"AT+REGDT?", b"REGDT");
    assert_eq!(
        feed_chunked(&mut framer, &mut expect, input.as_bytes(), 64),
        [Owned::Echo(b"AT+REGDT?".to_vec()), info("REGDT", &hex), OK]
    );
    let set = format!("AT+REGDT={hex}\r");
    let mut expect = Expect::command(set.as_bytes(), b"REGDT");
    let mut input = set.clone().into_bytes();
    input.extend_from_slice(b"\r\nOK\r\n");
    assert_eq!(
        feed_chunked(&mut framer, &mut expect, &input, 64),
        [Owned::Echo(set.trim_end().as_bytes().to_vec()), OK]
    );
}

#[test]
fn an_exchange_resumes_from_its_progress() {
    // A driver keeps only the progress between feeds and rebuilds the Expect each time.
    let sent = b"AT+CSQ\r";
    let input = b"AT+CSQ\r\r\n+CSQ:27,99\r\n\r\nOK\r\n\r\nOK\r\n";
    let mut framer = Framer::<64>::new();
    let mut progress = cat1_at_parse::Progress::default();
    let mut events = Vec::new();
    for chunk in input.chunks(2) {
        let mut expect = Expect::command(sent, b"CSQ")
            .echo_required()
            .resume(progress);
        events.extend(feed_chunked(&mut framer, &mut expect, chunk, 0));
        progress = expect.progress();
    }
    assert!(progress.is_done());
    assert_eq!(
        events,
        [
            Owned::Echo(b"AT+CSQ".to_vec()),
            info("CSQ", "27,99"),
            OK,
            unsolicited(b"OK")
        ]
    );
}

#[test]
fn continuation_lines_only_for_multi_line_answers() {
    // A COM heartbeat between a one-line answer and its OK stays unsolicited.
    assert_eq!(
        csq(b"\r\n+CSQ:27,99\r\nheartbeat\r\n\r\nOK\r\n", false),
        [info("CSQ", "27,99"), unsolicited(b"heartbeat"), OK]
    );
    // The two-line SYSINFO of older firmware (errata #6) is one answer.
    let mut framer = Framer::<64>::new();
    let mut expect = Expect::command(b"AT+SYSINFO?", b"SYSINFO");
    assert_eq!(
        feed_chunked(
            &mut framer,
            &mut expect,
            b"\r\n+SYSINFO:\r\n4,LTE\r\n\r\nOK\r\n",
            1
        ),
        [info("SYSINFO", ""), cont("4,LTE"), OK]
    );
    // Overridable for commands this crate does not know.
    let mut expect = Expect::command(b"AT+CSQ", b"CSQ").multi_line(true);
    assert_eq!(
        feed_chunked(
            &mut framer,
            &mut expect,
            b"\r\n+CSQ:1\r\n2\r\n\r\nOK\r\n",
            0
        ),
        [info("CSQ", "1"), cont("2"), OK]
    );
}

#[test]
fn a_detached_exchange_attaches_again_with_its_progress() {
    let sent = b"AT+LBSN?\r";
    let input = b"AT+LBSN?\r\r\n+LBSN:\r\nTAC1=5a30\r\n\r\nOK\r\n\r\nOK\r\n";
    let whole = {
        let mut framer = Framer::<64>::new();
        let mut expect = Expect::command(sent, b"LBSN").echo_required();
        feed_chunked(&mut framer, &mut expect, input, 0)
    };
    let mut framer = Framer::<64>::new();
    let first = Expect::command(sent, b"LBSN").echo_required();
    let trimmed = first.sent();
    assert_eq!(trimmed, b"AT+LBSN?");
    let mut detached = first.detach();
    let mut events = Vec::new();
    for chunk in input.chunks(1) {
        let mut expect = Expect::attach(trimmed, b"LBSN", detached);
        events.extend(feed_chunked(&mut framer, &mut expect, chunk, 0));
        detached = expect.detach();
    }
    assert!(detached.is_done());
    assert_eq!(events, whole);
    assert_eq!(events.len(), 5);
}

#[test]
fn push_plain_then_feed_gives_the_same_events_as_feed_alone() {
    let mut input = b"\r\n+URC:1\r\nAT+CSQ\r\r\n+CSQ:27,99\r\n\r\nOK\r\n".to_vec();
    input.extend(std::iter::repeat_n(b'Z', 100));
    input.extend_from_slice(b"\r\nlate\r\n");
    let reference = {
        let mut framer = Framer::<64>::new();
        let mut expect = Expect::command(b"AT+CSQ", b"CSQ").echo_required();
        feed_chunked(&mut framer, &mut expect, &input, 1)
    };
    let mut framer = Framer::<64>::new();
    let mut detached = Expect::command(b"AT+CSQ", b"CSQ").echo_required().detach();
    let mut events = Vec::new();
    let mut pushed = 0;
    for &b in &input {
        if framer.push_plain(b) {
            pushed += 1;
            continue;
        }
        let mut expect = Expect::attach(b"AT+CSQ", b"CSQ", detached);
        events.extend(feed_chunked(&mut framer, &mut expect, &[b], 0));
        detached = expect.detach();
    }
    assert_eq!(events, reference);
    assert!(pushed > 0);
    assert_eq!(framer.counters().overflows, 1);
}

#[test]
fn ok_in_a_chunk_on_a_buffer_too_short_for_it_is_dropped_as_feed_drops_it() {
    // `take_ok_line` does not store `OK`: on a buffer shorter than it, it must not take the line
    // `feed` drops as over-long.
    let expect = Expect::command(b"AT+CSQ", b"CSQ");
    let mut f = Framer::<1>::new();
    let mut e = expect;
    assert!(matches!(
        f.feed(b"OK\r\n", &mut e),
        Status::Complete(Event::Overflow { dropped: 2 }, _)
    ));
    assert!(!e.is_done());
    let mut f = Framer::<1>::new();
    let mut state = expect.detach();
    assert_eq!(f.take_ok_line(b"OK\r\n", &mut state, 6), None);
    assert!(!state.is_done());
    assert_eq!(f.counters().overflows, 0);
}
