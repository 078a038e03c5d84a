//! The parsers benchmarked side by side agree on how each corpus response ends, except where a
//! peer fails; those failures are pinned here so that the table in `results/host.md` stays true.

use cat1_benches::agreement::{Parser, all_cases, counts, disagreements, outcome};
use cat1_benches::at_commands::{self, Shape};
use cat1_benches::atat::{DigestOnly, IngressParts, ingress_response};
use cat1_benches::cat1::{self as ours, BenchFramer};
use cat1_benches::corpus::{ANCHORS, MANUAL};
use cat1_benches::{Chunking, Outcome, expected, expected_info_lines, has_echo};

#[test]
fn corpus_is_what_the_benches_assume() {
    assert_eq!(ANCHORS.len(), 4);
    assert_eq!(MANUAL.len(), 212);
    for case in all_cases() {
        assert!(
            matches!(
                expected(case),
                Outcome::Ok | Outcome::Error | Outcome::CmeError(_)
            ),
            "{}: no final result in the corpus",
            case.label
        );
    }
    assert_eq!(ANCHORS[3].response.len(), 162);
}

/// Ours: right on every case in every chunking, with every information line and the echo seen,
/// and nothing unsolicited.
#[test]
fn cat1_is_right_on_every_case_and_chunking() {
    for chunking in Chunking::MEASURED {
        for case in all_cases() {
            let mut framer = BenchFramer::new();
            let s = ours::response(&mut framer, case, chunking);
            let what = format!("{} `{}` fed {:?}", case.label, show(case.sent), chunking);
            assert_eq!(s.outcome(), expected(case), "{what}");
            assert_eq!(s.info_lines as usize, expected_info_lines(case), "{what}");
            assert_eq!(s.echo, has_echo(case), "{what}");
            assert_eq!((s.unsolicited, s.overflows), (0, 0), "{what}");
            assert!(framer.pending().is_empty(), "{what}: bytes left behind");
        }
    }
}

/// The benches reuse one framer across responses; the whole corpus back to back through one
/// framer gives the same answers as a fresh framer per response.
#[test]
fn cat1_back_to_back_on_one_framer() {
    for chunking in Chunking::MEASURED {
        let mut framer = BenchFramer::new();
        for case in all_cases() {
            let s = ours::response(&mut framer, case, chunking);
            let mut fresh = BenchFramer::new();
            assert_eq!(
                s,
                ours::response(&mut fresh, case, chunking),
                "{}",
                case.label
            );
        }
    }
}

/// The CSQ parameters are split and parsed: the benches do the work they claim.
#[test]
fn cat1_splits_and_parses_parameters() {
    let mut framer = BenchFramer::new();
    let s = ours::response(&mut framer, &ANCHORS[0], Chunking::Bytes(1));
    assert_eq!((s.params, s.int_sum), (2, 27 + 99));
    let s = ours::response(&mut framer, &ANCHORS[2], Chunking::All);
    assert_eq!(s.outcome(), Outcome::CmeError(10));
}

/// at-commands, given the complete response and its shape, is right on every case.
#[test]
fn at_commands_is_right_on_complete_responses() {
    for case in all_cases() {
        let shape = Shape::of(case);
        let (got, _) = at_commands::response(case.response, &shape);
        assert_eq!(got, expected(case), "{}", case.label);
    }
    let (_, text) = at_commands::response(ANCHORS[0].response, &Shape::of(&ANCHORS[0]));
    assert_eq!(text, "27,99".len());
}

/// atat is right on the four anchor cases in every chunking, echo included: its digester skips
/// an echo it finds at the start of its buffer.
#[test]
fn atat_handles_the_anchor_cases() {
    for chunking in Chunking::MEASURED {
        for case in ANCHORS {
            assert_eq!(
                DigestOnly::new().response(case, chunking),
                expected(case),
                "{}",
                case.label
            );
            let mut parts = IngressParts::new();
            let (mut ingress, slot) = parts.split();
            assert_eq!(
                ingress_response(&mut ingress, slot, case, chunking),
                expected(case),
                "{}",
                case.label
            );
        }
    }
}

/// atat's known failure on this corpus: a `>` at the end of its buffer is taken for a data
/// prompt, so a test response (`AT+X=?` answered `+X:<ON,OFF>`) cut after a `>` ends as a
/// prompt and its `OK` is lost. Fed byte by byte, that is every test response whose answer holds
/// a `>`; fed 16 bytes at a time, those where a chunk happens to end on one.
#[test]
fn atat_takes_a_closing_angle_bracket_for_a_prompt() {
    let e_test = MANUAL
        .iter()
        .find(|c| c.sent == b"AT+E=?")
        .expect("AT+E=? is in the corpus");
    assert_eq!(
        DigestOnly::new().response(e_test, Chunking::Bytes(1)),
        Outcome::Prompt(b'>')
    );
    assert_eq!(
        DigestOnly::new().response(e_test, Chunking::All),
        Outcome::Ok
    );
    assert_eq!(
        outcome(Parser::AtatIngress, e_test, Chunking::Bytes(1)),
        Outcome::Prompt(b'>')
    );
    let mut framer = BenchFramer::new();
    assert_eq!(
        ours::response(&mut framer, e_test, Chunking::Bytes(1)).outcome(),
        Outcome::Ok
    );

    let found = disagreements();
    for d in &found {
        assert!(
            matches!(d.parser, Parser::AtatDigest | Parser::AtatIngress),
            "unexpected disagreement: {d:?}"
        );
        assert_eq!(d.got, Outcome::Prompt(b'>'), "{d:?}");
        assert_eq!(d.expected, Outcome::Ok, "{d:?}");
        assert!(d.sent.ends_with(b"=?"), "{d:?}");
    }
    let n = counts(&found);
    let get = |p: Parser, fed: &str| n.get(&(p, fed.to_string())).copied().unwrap_or(0);
    let with_angle = all_cases().filter(|c| c.response.contains(&b'>')).count();
    for p in [Parser::AtatDigest, Parser::AtatIngress] {
        assert_eq!(get(p, "1"), with_angle, "{p:?} byte by byte");
        assert_eq!(get(p, "16"), 5, "{p:?} 16 bytes at a time");
        assert_eq!(get(p, "64"), 0, "{p:?} 64 bytes at a time");
        assert_eq!(get(p, "all"), 0, "{p:?} all at once");
    }
}

fn show(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}
