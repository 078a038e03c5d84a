//! Do the parsers agree with the corpus on how each response ends? Used by `tests/agreement.rs`
//! (which asserts cat1 is always right and pins the peers' failures) and by the `agreement`
//! binary (which prints the tables `run-host.sh` puts in `results/host.md`).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::corpus::{ANCHORS, Case, MANUAL};
use crate::{Chunking, Outcome, at_commands, atat, cat1, expected};

/// The parsers compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Parser {
    /// cat1's framer.
    Cat1,
    /// atat's digester over a plain buffer.
    AtatDigest,
    /// atat's ingress.
    AtatIngress,
    /// at-commands' `CommandParser` (complete responses only).
    AtCommands,
}

impl Parser {
    /// All of them, in table order.
    pub const ALL: [Parser; 4] = [
        Parser::Cat1,
        Parser::AtatDigest,
        Parser::AtatIngress,
        Parser::AtCommands,
    ];

    /// Column name.
    pub fn name(self) -> &'static str {
        match self {
            Parser::Cat1 => "cat1",
            Parser::AtatDigest => "atat digest",
            Parser::AtatIngress => "atat ingress",
            Parser::AtCommands => "at-commands",
        }
    }

    /// Whether the parser takes the response in pieces (at-commands does not frame).
    pub fn applies(self, chunking: Chunking) -> bool {
        self != Parser::AtCommands || chunking == Chunking::All
    }
}

/// Every case of the corpus: the anchors, then the manual.
pub fn all_cases() -> impl Iterator<Item = &'static Case> {
    ANCHORS.iter().chain(MANUAL.iter())
}

fn catching(f: impl FnOnce() -> Outcome) -> Outcome {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or(Outcome::Panicked)
}

/// One parser's outcome for one case, from a fresh parser.
pub fn outcome(parser: Parser, case: &Case, chunking: Chunking) -> Outcome {
    match parser {
        Parser::Cat1 => {
            let mut framer = cat1::BenchFramer::new();
            cat1::response(&mut framer, case, chunking).outcome()
        }
        Parser::AtatDigest => catching(|| atat::DigestOnly::new().response(case, chunking)),
        Parser::AtatIngress => catching(|| {
            let mut parts = atat::IngressParts::new();
            let (mut ingress, slot) = parts.split();
            atat::ingress_response(&mut ingress, slot, case, chunking)
        }),
        Parser::AtCommands => {
            let shape = at_commands::Shape::of(case);
            catching(|| at_commands::response(case.response, &shape).0)
        }
    }
}

/// A case on which a parser did not report the outcome the corpus says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Disagreement {
    /// Which parser.
    pub parser: Parser,
    /// How the response was fed.
    pub chunking: Chunking,
    /// The case's label.
    pub label: &'static str,
    /// The line sent.
    pub sent: &'static [u8],
    /// What the corpus says.
    pub expected: Outcome,
    /// What the parser reported.
    pub got: Outcome,
}

/// Every disagreement, over all parsers, chunkings and cases.
pub fn disagreements() -> Vec<Disagreement> {
    let mut out = Vec::new();
    for parser in Parser::ALL {
        for chunking in Chunking::MEASURED {
            if !parser.applies(chunking) {
                continue;
            }
            for case in all_cases() {
                let want = expected(case);
                let got = outcome(parser, case, chunking);
                if got != want {
                    out.push(Disagreement {
                        parser,
                        chunking,
                        label: case.label,
                        sent: case.sent,
                        expected: want,
                        got,
                    });
                }
            }
        }
    }
    out
}

/// Disagreements counted per parser and chunking.
pub fn counts(found: &[Disagreement]) -> BTreeMap<(Parser, String), usize> {
    let mut map = BTreeMap::new();
    for d in found {
        *map.entry((d.parser, d.chunking.label())).or_insert(0) += 1;
    }
    map
}

/// The markdown section for `results/host.md`: cases right per parser and chunking, then every
/// disagreement.
pub fn markdown() -> String {
    let found = disagreements();
    let counts = counts(&found);
    let total = all_cases().count();
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Outcome (final `OK` / `ERROR` / `+CME ERROR:<n>`) reported after the whole response was \
         fed, against the corpus, for all {total} cases (a fresh parser per case). \
         Cases right / cases:\n"
    );
    let _ = writeln!(
        s,
        "| fed | cat1 | atat digest | atat ingress | at-commands |"
    );
    let _ = writeln!(s, "|---|---:|---:|---:|---:|");
    for chunking in Chunking::MEASURED {
        let label = chunking.label();
        let _ = write!(s, "| {label} |");
        for parser in Parser::ALL {
            if parser.applies(chunking) {
                let bad = counts.get(&(parser, label.clone())).copied().unwrap_or(0);
                let _ = write!(s, " {} / {total} |", total - bad);
            } else {
                let _ = write!(s, " n/a |");
            }
        }
        let _ = writeln!(s);
    }
    if found.is_empty() {
        let _ = writeln!(s, "\nNo disagreement.");
        return s;
    }
    let _ = writeln!(s, "\nEvery disagreement, grouped:\n");
    let _ = writeln!(
        s,
        "| parser | fed | expected | reported | cases | lines sent |"
    );
    let _ = writeln!(s, "|---|---|---|---|---:|---|");
    let mut groups: BTreeMap<(Parser, usize, String, String), Vec<String>> = BTreeMap::new();
    for d in &found {
        let order = Chunking::MEASURED
            .iter()
            .position(|c| *c == d.chunking)
            .unwrap_or(usize::MAX);
        groups
            .entry((d.parser, order, d.expected.to_string(), d.got.to_string()))
            .or_default()
            .push(format!(
                "`{}`",
                String::from_utf8_lossy(d.sent).replace('|', "\\|")
            ));
    }
    for ((parser, order, want, got), sent) in groups {
        let fed = Chunking::MEASURED
            .get(order)
            .map_or_else(String::new, |c| c.label());
        let _ = writeln!(
            s,
            "| {} | {fed} | {want} | {got} | {} | {} |",
            parser.name(),
            sent.len(),
            sent.join(" ")
        );
    }
    s
}
