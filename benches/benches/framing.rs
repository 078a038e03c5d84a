//! Time per response, cat1 beside atat 0.25 and at-commands 0.5, on the same corpus.
//!
//! One criterion group per anchor case (one response per iteration) and one for the whole
//! manual corpus (all its responses per iteration; the group name says how many). In each group:
//! `cat1`, `atat-digest` and `atat-ingress` fed 1, 16 and 64 bytes at a time and all at once,
//! and `at-commands` on the complete response only (it does no framing). `run-host.sh` turns the
//! estimates into `results/host.md`.

use std::hint::black_box;
use std::time::Duration;

use cat1_benches::at_commands::{self, Shape};
use cat1_benches::atat::{DigestOnly, IngressParts, ingress_response};
use cat1_benches::cat1::{self as ours, BenchFramer};
use cat1_benches::corpus::{ANCHORS, Case, MANUAL};
use cat1_benches::{Chunking, total_bytes};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

fn group(c: &mut Criterion, name: &str, cases: &[Case]) {
    let mut g = c.benchmark_group(name);
    g.throughput(Throughput::Bytes(total_bytes(cases) as u64));
    for chunking in Chunking::MEASURED {
        let label = chunking.label();
        g.bench_with_input(BenchmarkId::new("cat1", &label), &chunking, |b, &ch| {
            let mut framer = BenchFramer::new();
            b.iter(|| {
                for case in cases {
                    black_box(ours::response(&mut framer, black_box(case), ch));
                }
            });
        });
        g.bench_with_input(
            BenchmarkId::new("atat-digest", &label),
            &chunking,
            |b, &ch| {
                let mut digest = DigestOnly::new();
                b.iter(|| {
                    for case in cases {
                        black_box(digest.response(black_box(case), ch));
                    }
                });
            },
        );
        g.bench_with_input(
            BenchmarkId::new("atat-ingress", &label),
            &chunking,
            |b, &ch| {
                let mut parts = IngressParts::new();
                let (mut ingress, slot) = parts.split();
                b.iter(|| {
                    for case in cases {
                        black_box(ingress_response(&mut ingress, slot, black_box(case), ch));
                    }
                });
            },
        );
    }
    let shapes: Vec<Shape> = cases.iter().map(Shape::of).collect();
    g.bench_function(BenchmarkId::new("at-commands", "all"), |b| {
        b.iter(|| {
            for (case, shape) in cases.iter().zip(&shapes) {
                black_box(at_commands::response(black_box(case.response), shape));
            }
        });
    });
    g.finish();
}

fn framing(c: &mut Criterion) {
    for case in ANCHORS {
        group(c, case.label, core::slice::from_ref(case));
    }
    group(c, &format!("manual ({} responses)", MANUAL.len()), MANUAL);
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(1))
        .sample_size(20)
        .without_plots();
    targets = framing
}
criterion_main!(benches);
